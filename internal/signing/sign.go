package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
)

// Signer is who signs: the key pair, the certificate chain and the text that
// appears on the visible stamp.
type Signer struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate // intermediates and (optionally) the root, leaf excluded
	// Name is the real (Vietnamese) name drawn on the stamp; defaults to the
	// certificate's CN. The signature dictionary gets Fold(Name).
	Name string
	// Title is the position, e.g. "Chủ tịch"; for an organisation seal it is
	// printed as a free line (e.g. "Văn bản điện tử").
	Title string
	// Organization marks the organisation's seal (red frame) rather than a
	// person's signature (blue frame).
	Organization bool
	// Reason and Location go into the signature dictionary (ASCII-folded).
	// Defaults: "Phe duyet van ban" / "Khanh Hoa, Viet Nam".
	Reason, Location string
}

// Placement is where the visible stamp goes, in PDF points (1/72 inch), in
// the PDF's native coordinate system: origin at the BOTTOM-LEFT corner of the
// page, X to the right, Y upwards; (X, Y) is the stamp's lower-left corner.
// Page is 1-based; Page <= 0 means the last page. W or H <= 0 makes the
// signature invisible.
type Placement struct {
	Page       int
	X, Y, W, H float64
}

// ErrCertNotValidAt is returned by Sign when the signer's certificate is
// expired or not yet valid at the signing time.
var ErrCertNotValidAt = errors.New("signing: chứng thư số không còn hiệu lực tại thời điểm ký")

// Sign adds one approval signature (CMS, SubFilter adbe.pkcs7.detached with the
// ESS signing-certificate-v2 attribute — pdfsign v0.9.0 hard-codes that
// SubFilter, so it is PAdES-like, not strictly ETSI.CAdES.detached) as an
// incremental update, so earlier signatures stay valid. The visible
// appearance is a PNG stamp with Vietnamese text (name, title, time
// "09:15 16/03/2026" in Vietnam time); the signature dictionary fields (Name,
// Reason, Location) are ASCII-folded. at is written as /M and on the stamp;
// the CMS signingTime attribute is the machine's clock (pdfsign sets it).
func Sign(pdfBytes []byte, s Signer, at time.Time, where Placement) ([]byte, error) {
	if s.Cert == nil || s.Key == nil {
		return nil, errors.New("signing: thiếu chứng thư số hoặc khóa bí mật")
	}
	now := time.Now()
	for _, t := range []time.Time{at, now} {
		if t.Before(s.Cert.NotBefore) || t.After(s.Cert.NotAfter) {
			return nil, fmt.Errorf("%w (hiệu lực %s – %s)", ErrCertNotValidAt,
				s.Cert.NotBefore.In(vnZone).Format("02/01/2006"), s.Cert.NotAfter.In(vnZone).Format("02/01/2006"))
		}
	}
	if s.Cert.KeyUsage != 0 && s.Cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, errors.New("signing: chứng thư số không được phép dùng để ký văn bản")
	}
	return signPDF(pdfBytes, s, at, where)
}

// signPDF does the signing without the certificate-validity precheck (tests
// use it to produce a file signed with an expired certificate).
func signPDF(pdfBytes []byte, s Signer, at time.Time, where Placement) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		return nil, fmt.Errorf("signing: không đọc được tệp PDF: %w", err)
	}
	name := s.Name
	if name == "" {
		name = s.Cert.Subject.CommonName
	}
	reason := s.Reason
	if reason == "" {
		reason = "Phe duyet van ban"
		if s.Organization {
			reason = "Dong dau co quan"
		}
	}
	location := s.Location
	if location == "" {
		location = "Khanh Hoa, Viet Nam"
	}
	chain := append([]*x509.Certificate{s.Cert}, s.Chain...)
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info: sign.SignDataSignatureInfo{
				Name:     Fold(name),
				Reason:   Fold(reason),
				Location: Fold(location),
				Date:     at,
			},
		},
		Signer:            s.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Cert,
		CertificateChains: [][]*x509.Certificate{chain},
	}
	if where.W > 0 && where.H > 0 {
		page := where.Page
		if page <= 0 {
			page = int(rdr.Trailer().Key("Root").Key("Pages").Key("Count").Int64())
			if page <= 0 {
				page = 1
			}
		}
		img, err := renderStamp(s, at, where.W, where.H)
		if err != nil {
			return nil, err
		}
		data.Appearance = sign.Appearance{
			Visible:     true,
			Page:        uint32(page),
			LowerLeftX:  where.X,
			LowerLeftY:  where.Y,
			UpperRightX: where.X + where.W,
			UpperRightY: where.Y + where.H,
			Image:       img,
		}
	}
	var out bytes.Buffer
	out.Grow(len(pdfBytes) + 64<<10)
	if err := signSafe(bytes.NewReader(pdfBytes), &out, rdr, int64(len(pdfBytes)), data); err != nil {
		return nil, fmt.Errorf("signing: ký tệp PDF: %w", err)
	}
	return out.Bytes(), nil
}

// signSafe turns panics inside pdfsign / the PDF reader (malformed input) into errors.
func signSafe(in *bytes.Reader, out *bytes.Buffer, rdr *pdf.Reader, size int64, data sign.SignData) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("lỗi nội bộ khi ký: %v", r)
		}
	}()
	return sign.Sign(in, out, rdr, size, data)
}
