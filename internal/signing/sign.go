package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pdfsign/sign"
)

// Signer is who signs: the key pair, the certificate chain and the text that
// appears on the visible stamp.
type Signer struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate // intermediates and (optionally) the root, leaf excluded
	// Name is the real (Vietnamese) name drawn on the stamp and written in
	// the signature dictionary (as a UTF-16 text string); defaults to the
	// certificate's CN.
	Name string
	// Title is the position, e.g. "Chủ tịch"; for an organisation seal it is
	// printed as a free line (e.g. "Văn bản điện tử").
	Title string
	// Organization marks the organisation's seal (red frame) rather than a
	// person's signature (blue frame).
	Organization bool
	// Reason, Location and ContactInfo go into the signature dictionary.
	// Defaults: "Phê duyệt văn bản" (a seal: "Đóng dấu cơ quan") / "Khánh
	// Hòa, Việt Nam" / none.
	Reason, Location, ContactInfo string
	// Image is the visible mark: the leader's handwritten signature, or the
	// organisation's seal, a PNG with a transparent background (CheckImage).
	// Without it the stamp is a framed text box.
	Image []byte
	// TSAURL is the RFC 3161 time-stamping authority that stamps the
	// signature (PAdES B-T); empty: no time-stamp, the signer's clock only.
	TSAURL string
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

// ErrRevoked is returned by Sign when the certificate's issuer lists it as revoked.
var ErrRevoked = errors.New("signing: chứng thư số đã bị thu hồi")

// Sign adds one approval signature as an incremental update, so earlier
// signatures stay valid: SubFilter ETSI.CAdES.detached, a CMS with the ESS
// signing-certificate-v2 attribute, the revocation data the certificates
// publish (OCSP answers, else CRLs, embedded as adbe-revocationInfoArchival) and, with
// s.TSAURL, an RFC 3161 signature time-stamp (PAdES B-T; see cades.go).
// The dictionary's Name, Reason, Location and ContactInfo are UTF-16 text
// strings. The visible appearance is a PNG (stamp.go) giving the signing
// time in Vietnam time as ISO 8601. at is written as /M and on the stamp;
// the CMS has no signing-time attribute (PAdES baseline). AddValidationData
// then makes the signed file long-term (B-LT).
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
	published := revocationSource{fetchRevocation(append([]*x509.Certificate{s.Cert}, s.Chain...)), "của nơi công bố"}
	if st := revocationOf(s.Cert, s.Chain, published); st.revoked && !st.revokedAt.After(now) {
		return nil, fmt.Errorf("%w lúc %s (%s)", ErrRevoked, ISOTime(st.revokedAt), st.source)
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
		reason = "Phê duyệt văn bản"
		if s.Organization {
			reason = "Đóng dấu cơ quan"
		}
	}
	location := s.Location
	if location == "" {
		location = "Khánh Hòa, Việt Nam"
	}
	texts := []dictText{{"Name", name}, {"Reason", reason}, {"Location", location}}
	if s.ContactInfo != "" {
		texts = append(texts, dictText{"ContactInfo", s.ContactInfo})
	}
	info := sign.SignDataSignatureInfo{Date: at}
	for _, t := range texts {
		p := placeholder(TextString(t.value))
		switch t.key {
		case "Name":
			info.Name = p
		case "Reason":
			info.Reason = p
		case "Location":
			info.Location = p
		case "ContactInfo":
			info.ContactInfo = p
		}
	}
	chain := append([]*x509.Certificate{s.Cert}, s.Chain...)
	rev := fetchRevocation(chain)
	// pdfsign sizes /Contents by what it embeds; the CMS finish writes
	// also carries the time-stamp token.
	room := revocation.InfoArchival{CRL: rev.CRL, OCSP: append(revocation.OCSP{}, rev.OCSP...)}
	if s.TSAURL != "" {
		room.OCSP = append(room.OCSP, reservation(tokenReserve))
	}
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info:     info,
		},
		Signer:            s.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Cert,
		CertificateChains: [][]*x509.Certificate{chain},
		RevocationData:    room,
	}
	if where.W > 0 && where.H > 0 {
		page := where.Page
		if page <= 0 {
			page = int(rdr.Trailer().Key("Root").Key("Pages").Key("Count").Int64())
			if page <= 0 {
				page = 1
			}
		}
		var img []byte
		if len(s.Image) > 0 {
			img, err = appearanceImage(s.Image)
		} else {
			img, err = renderStamp(s, at, where.W, where.H)
		}
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
	signed := out.Bytes()
	if err := finish(signed, len(pdfBytes), s, texts, rev); err != nil {
		return nil, err
	}
	return signed, nil
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

// SignatureWidgets returns where the visible signatures of page (1-based;
// <= 0: the last page) are, in the order they were added.
func SignatureWidgets(pdfBytes []byte, page int) (out []Placement, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("signing: tệp PDF bị lỗi cấu trúc: %v", r)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		return nil, err
	}
	if page <= 0 {
		page = rdr.NumPage()
	}
	annots := rdr.Page(page).V.Key("Annots")
	for i := 0; i < annots.Len(); i++ {
		a := annots.Index(i)
		ft := a.Key("FT").Name()
		if ft == "" {
			ft = a.Key("Parent").Key("FT").Name()
		}
		r := a.Key("Rect")
		if a.Key("Subtype").Name() != "Widget" || ft != "Sig" || r.Len() != 4 {
			continue
		}
		x0, y0, x1, y1 := r.Index(0).Float64(), r.Index(1).Float64(), r.Index(2).Float64(), r.Index(3).Float64()
		if x1-x0 <= 0 || y1-y0 <= 0 {
			continue // invisible
		}
		out = append(out, Placement{Page: page, X: x0, Y: y0, W: x1 - x0, H: y1 - y0})
	}
	return out, nil
}
