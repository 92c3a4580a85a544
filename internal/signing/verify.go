package signing

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
)

// SignatureInfo is the result of checking one signature of a PDF.
type SignatureInfo struct {
	Name         string    // signer's CN (from the certificate, real Vietnamese text)
	Organization string    // signer certificate's O
	SignedAt     time.Time // CMS signingTime attribute, else the dictionary's /M
	// Valid: the CMS signature is mathematically correct and its digest
	// matches exactly the bytes named by /ByteRange, and /ByteRange covers the
	// whole revision except the /Contents hole.
	Valid bool
	// CertValid: the signer certificate chains to one of roots, was valid at
	// SignedAt and allows document signing.
	CertValid bool
	// CoversWholeDocument: this signature covers the entire file (no data was
	// appended after it). Only the last signature normally has it; earlier ones
	// are followed by incremental updates (later signatures).
	CoversWholeDocument bool
	Problem             string // Vietnamese explanation when !Valid || !CertValid
	Certificate         *x509.Certificate
	Reason, Location    string // from the dictionary (ASCII-folded by Sign)
}

// Verify checks every signature in the PDF, in signing order: integrity (the
// signature covers the bytes of its revision and nothing in them changed),
// certificate chain to one of roots (through the certificates in the
// signature or in intermediates, which may be nil), and validity at signing
// time. A nil roots means the system pool. It returns an error only when the file cannot
// be read as a PDF; a PDF without signatures gives an empty slice.
func Verify(pdfBytes []byte, roots, intermediates *x509.CertPool) (infos []SignatureInfo, err error) {
	defer func() {
		if r := recover(); r != nil {
			infos, err = nil, fmt.Errorf("signing: tệp PDF bị lỗi cấu trúc: %v", r)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		return nil, fmt.Errorf("signing: không đọc được tệp PDF: %w", err)
	}
	type found struct {
		v   pdf.Value
		end int64
	}
	var sigs []found
	seen := map[uint32]bool{}
	for _, x := range rdr.Xref() {
		ptr := x.Ptr()
		id := ptr.GetID()
		if seen[id] {
			continue
		}
		v := rdr.Resolve(ptr, ptr)
		if v.Kind() != pdf.Dict || v.Key("Filter").Name() != "Adobe.PPKLite" || v.Key("Contents").IsNull() {
			continue
		}
		seen[id] = true
		br := v.Key("ByteRange")
		var end int64
		if br.Len() == 4 {
			end = br.Index(2).Int64() + br.Index(3).Int64()
		}
		sigs = append(sigs, found{v, end})
	}
	sort.SliceStable(sigs, func(i, j int) bool { return sigs[i].end < sigs[j].end })
	for _, s := range sigs {
		infos = append(infos, checkSignature(pdfBytes, s.v, roots, intermediates))
	}
	return infos, nil
}

func checkSignature(file []byte, v pdf.Value, roots, intermediates *x509.CertPool) SignatureInfo {
	info := SignatureInfo{Reason: v.Key("Reason").Text(), Location: v.Key("Location").Text()}
	info.Name = v.Key("Name").Text()
	if m := v.Key("M"); !m.IsNull() {
		if t, err := parsePDFDate(m.Text()); err == nil {
			info.SignedAt = t
		}
	}
	fail := func(msg string) SignatureInfo { info.Problem = msg; return info }

	// 1. ByteRange must be [0 a b c]: from the start of the file up to the
	//    "<" of /Contents, and from after its ">" to the end of the revision.
	br := v.Key("ByteRange")
	if br.Len() != 4 {
		return fail("Chữ ký không có vùng dữ liệu được ký (ByteRange) hợp lệ")
	}
	r := [4]int64{br.Index(0).Int64(), br.Index(1).Int64(), br.Index(2).Int64(), br.Index(3).Int64()}
	n := int64(len(file))
	if r[0] != 0 || r[1] <= 0 || r[2] <= r[1]+1 || r[3] < 0 || r[2]+r[3] > n {
		return fail("Vùng dữ liệu được ký (ByteRange) không hợp lệ hoặc vượt quá kích thước tệp")
	}
	hole := file[r[1]:r[2]]
	if hole[0] != '<' || hole[len(hole)-1] != '>' {
		return fail("Vùng dữ liệu được ký không khớp với vị trí chữ ký (/Contents)")
	}
	der, err := hex.DecodeString(string(hole[1 : len(hole)-1]))
	if err != nil {
		return fail("Vùng chứa chữ ký có dữ liệu lạ ngoài mã chữ ký")
	}
	end := r[2] + r[3]
	info.CoversWholeDocument = end == n
	if !info.CoversWholeDocument && !revisionEndsAt(file, end) {
		return fail("Chữ ký không bao phủ trọn vẹn một phiên bản của tài liệu")
	}

	// 2. CMS signature over exactly those bytes.
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return fail("Không đọc được dữ liệu chữ ký số (CMS/PKCS#7)")
	}
	ee := p7.GetOnlySigner()
	if ee == nil {
		return fail("Chữ ký không có chứng thư số của người ký")
	}
	info.Certificate = ee
	info.Name = ee.Subject.CommonName
	if len(ee.Subject.Organization) > 0 {
		info.Organization = ee.Subject.Organization[0]
	}
	var st time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &st); err == nil && !st.IsZero() {
		info.SignedAt = st
	}
	p7.Content = make([]byte, 0, r[1]+r[3])
	p7.Content = append(p7.Content, file[:r[1]]...)
	p7.Content = append(p7.Content, file[r[2]:end]...)
	if err := p7.Verify(); err != nil {
		var mm *pkcs7.MessageDigestMismatchError
		switch {
		case errors.As(err, &mm):
			return fail("Nội dung tài liệu đã bị thay đổi sau khi ký")
		case strings.Contains(err.Error(), "outside of certificate validity"):
			return fail(certTimeProblem(ee, info.SignedAt))
		default:
			return fail("Chữ ký số không hợp lệ: " + err.Error())
		}
	}
	info.Valid = true

	// 3. Certificate: chain to roots at signing time, usage.
	if ee.KeyUsage != 0 && ee.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fail("Chứng thư số không được phép dùng để ký văn bản")
	}
	at := info.SignedAt
	if at.IsZero() {
		at = time.Now()
	}
	if at.Before(ee.NotBefore) || at.After(ee.NotAfter) {
		return fail(certTimeProblem(ee, at))
	}
	inter := x509.NewCertPool()
	if intermediates != nil {
		inter = intermediates.Clone()
	}
	for _, c := range p7.Certificates {
		if !c.Equal(ee) {
			inter.AddCert(c)
		}
	}
	if _, err := ee.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		var ua x509.UnknownAuthorityError
		var ci x509.CertificateInvalidError
		switch {
		case errors.As(err, &ua):
			return fail("Chứng thư số không do tổ chức chứng thực tin cậy cấp (không xác định được nguồn gốc)")
		case errors.As(err, &ci) && ci.Reason == x509.Expired:
			return fail("Chứng thư số trong chuỗi chứng thực đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký")
		default:
			return fail("Chứng thư số không hợp lệ: " + err.Error())
		}
	}
	info.CertValid = true
	return info
}

func certTimeProblem(ee *x509.Certificate, at time.Time) string {
	return fmt.Sprintf("Chứng thư số đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký %s (hiệu lực %s – %s)",
		StampTime(at), StampTime(ee.NotBefore), StampTime(ee.NotAfter))
}

// revisionEndsAt reports whether file[:end] ends an incremental revision
// ("%%EOF" followed only by end-of-line bytes).
func revisionEndsAt(file []byte, end int64) bool {
	tail := bytes.TrimRight(file[:end], "\r\n \t")
	return bytes.HasSuffix(tail, []byte("%%EOF"))
}

// parsePDFDate parses "D:YYYYMMDDHHmmSS+HH'mm'" and its shorter forms.
func parsePDFDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	s = strings.ReplaceAll(s, "'", "")
	layouts := []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405", "200601021504", "20060102"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, io.ErrUnexpectedEOF
}
