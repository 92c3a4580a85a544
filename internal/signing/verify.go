package signing

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// SignatureInfo is the result of checking one signature of a PDF.
type SignatureInfo struct {
	Name         string    // signer's CN (from the certificate, real Vietnamese text)
	Organization string    // signer certificate's O
	SignedAt     time.Time // the time-stamp's time, else the CMS signingTime attribute, else the dictionary's /M
	// Valid: the CMS signature is mathematically correct and its digest
	// matches exactly the bytes named by /ByteRange, /ByteRange covers the
	// whole revision except the /Contents hole, and the updates after it add
	// only later signatures and validation data (DSS).
	Valid bool
	// CertValid: the signer certificate chains to one of roots, was valid at
	// SignedAt and allows document signing.
	CertValid bool
	// CoversWholeDocument: this signature covers the entire file, or all
	// that follows it is validation data (ValidationDataAfter). Only the
	// last signature has it; earlier ones are followed by incremental
	// updates that add the later signatures, and nothing else (Verify
	// checks each with CheckAppended).
	CoversWholeDocument bool
	// ValidationDataAfter: the file goes on after this, the last,
	// signature with an update that only adds validation data (a DSS).
	ValidationDataAfter bool
	Problem             string // Vietnamese explanation when !Valid || !CertValid
	Certificate         *x509.Certificate
	Chain               []*x509.Certificate // the verified path, signer first, when CertValid
	Reason, Location    string              // from the dictionary
	ContactInfo         string
	SubFilter           string   // "ETSI.CAdES.detached", "adbe.pkcs7.detached"
	ByteRange           [4]int64 // the bytes the signature covers: [0, a) and [b, b+c)
	FileSize            int64
	// TimeStamped: an RFC 3161 signature time-stamp from a trusted TSA
	// fixes SignedAt (then TimeStampAt == SignedAt and TSA names it).
	TimeStamped bool
	TimeStampAt time.Time
	TSA         string
	TSAChain    []*x509.Certificate // the TSA's verified path, TSA first
	// Revocation says what embedded revocation data (CRL/OCSP, in the CMS
	// or the DSS) says of the signer's certificate at the signing time, and
	// TSARevocation of the TSA's; empty when there is none.
	Revocation, TSARevocation string
	// InDSS: the document security store has this signature's validation
	// data (a /VRI entry keyed by its /Contents).
	InDSS bool
	// LongTerm: time-stamped, its validation data in the DSS, and the
	// revocation status of the signer's and the TSA's certificates answered
	// by embedded data (a certificate that names no OCSP responder or CRL
	// cannot have it): PAdES B-LT.
	LongTerm bool
	contents []byte // the decoded /Contents string, which names it in the DSS
}

// TimeSource says in words where SignedAt comes from.
func (in SignatureInfo) TimeSource() string {
	if in.TimeStamped {
		return "Dấu thời gian RFC 3161 của " + in.TSA
	}
	return "Đồng hồ máy tính của người ký (không có dấu thời gian)"
}

// Profile names the signature's format.
func (in SignatureInfo) Profile() string {
	switch {
	case in.SubFilter != "ETSI.CAdES.detached":
		return "PDF/CMS (" + in.SubFilter + ")"
	case in.LongTerm:
		return "PAdES B-LT"
	case in.TimeStamped && in.InDSS:
		return "PAdES B-T, kèm dữ liệu xác thực (DSS) nhưng thiếu tình trạng thu hồi của chứng thư người ký hoặc đơn vị cấp dấu thời gian"
	case in.TimeStamped && in.Revocation != "":
		return "PAdES B-T, kèm dữ liệu thu hồi chứng thư (CRL/OCSP) trong chữ ký"
	case in.TimeStamped:
		return "PAdES B-T"
	}
	return "PAdES B-B"
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
	dss := readDSS(rdr)
	for _, s := range sigs {
		infos = append(infos, checkSignature(pdfBytes, s.v, roots, intermediates, dss))
	}
	// What was added after each signature: the next signature and nothing
	// else, and after the last one validation data at most.
	n := int64(len(pdfBytes))
	for i := range infos {
		end := sigs[i].end
		switch {
		case !infos[i].Valid:
		case i+1 < len(sigs):
			if next := sigs[i+1].end; next > end && next <= n && revisionEndsAt(pdfBytes, next) && CheckAppended(pdfBytes[:end], pdfBytes[:next]) != nil {
				infos[i].Valid = false
				infos[i].Problem = "Văn bản đã bị thay đổi sau chữ ký này: lần cập nhật tiếp theo không chỉ thêm chữ ký số"
			}
		case end < n:
			if err := checkValidationData(pdfBytes[:end], pdfBytes); err != nil {
				infos[i].Valid = false
				infos[i].Problem = "Văn bản đã bị thay đổi sau khi ký: phần thêm vào sau chữ ký cuối cùng không chỉ là dữ liệu xác thực chữ ký (DSS)"
			} else {
				infos[i].CoversWholeDocument, infos[i].ValidationDataAfter = true, true
			}
		}
	}
	return infos, nil
}

func checkSignature(file []byte, v pdf.Value, roots, intermediates *x509.CertPool, dss dssData) SignatureInfo {
	info := SignatureInfo{Reason: v.Key("Reason").Text(), Location: v.Key("Location").Text(),
		ContactInfo: v.Key("ContactInfo").Text(), SubFilter: v.Key("SubFilter").Name(), FileSize: int64(len(file))}
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
	info.ByteRange = r
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
	info.contents = der
	info.InDSS = dss.vri[vriKey(der)]
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
	var claimed time.Time // signatures of other tools may have it
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &claimed); err == nil && !claimed.IsZero() {
		info.SignedAt = claimed
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

	// 3. A signature time-stamp fixes the signing time, if a trusted TSA
	//    made it; revocation data may be in the CMS and in the DSS, whose
	//    certificates also help build the chains.
	inter := x509.NewCertPool()
	if intermediates != nil {
		inter = intermediates.Clone()
	}
	for _, c := range dss.certs {
		inter.AddCert(c)
	}
	var rev revocation.InfoArchival
	_ = p7.UnmarshalSignedAttribute(oidRevocationInfoArchival, &rev)
	sources := []revocationSource{{rev, inCMS}, {dss.rev, inDSS}}
	if msg := checkTimeStamp(p7, &info, roots, inter, sources); msg != "" {
		return fail(msg)
	}

	// 4. Certificate: chain to roots at signing time, usage.
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
	for _, c := range p7.Certificates {
		if !c.Equal(ee) {
			inter.AddCert(c)
		}
	}
	chains, err := ee.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
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
	info.Chain = chains[0]

	// 5. Revocation: what the embedded CRL/OCSP answers say at signing time.
	st := revocationOf(ee, chains[0][1:], sources...)
	if st.checked {
		switch {
		case st.revoked && !st.revokedAt.After(at):
			return fail("Chứng thư số đã bị thu hồi lúc " + StampTime(st.revokedAt) + ", trước thời điểm ký " + StampTime(at) + " (theo " + st.source + ")")
		case st.revoked && !info.TimeStamped:
			return fail("Chứng thư số đã bị thu hồi lúc " + StampTime(st.revokedAt) + "; chữ ký không có dấu thời gian tin cậy nên không chứng minh được đã ký trước đó")
		case st.revoked:
			info.Revocation = "Bị thu hồi lúc " + StampTime(st.revokedAt) + ", sau thời điểm ký có dấu thời gian (" + st.source + ")"
		default:
			info.Revocation = "Chưa bị thu hồi tại thời điểm ký (" + st.source + ")"
		}
	}
	info.CertValid = true
	info.LongTerm = info.TimeStamped && info.InDSS && st.checked && info.TSARevocation != ""
	return info
}

// checkTimeStamp reads the signature time-stamp of p7's signer, if any:
// its token must be intact, cover this signature's value, and come from a
// time-stamping certificate that chains to roots at the stamped time. It
// returns a Vietnamese problem, or "" (info then carries the stamp).
func checkTimeStamp(p7 *pkcs7.PKCS7, info *SignatureInfo, roots, intermediates *x509.CertPool, sources []revocationSource) string {
	var token []byte
	si := p7.Signers[0]
	for _, a := range si.UnauthenticatedAttributes {
		if a.Type.Equal(oidSignatureTimeStamp) {
			token = a.Value.Bytes
		}
	}
	if token == nil {
		return ""
	}
	ts, err := timestamp.Parse(token)
	if err != nil {
		return "Dấu thời gian của chữ ký bị hỏng hoặc đã bị sửa"
	}
	if !ts.HashAlgorithm.Available() {
		return "Dấu thời gian dùng thuật toán băm không hỗ trợ"
	}
	h := ts.HashAlgorithm.New()
	h.Write(si.EncryptedDigest)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		return "Dấu thời gian không được cấp cho chữ ký này"
	}
	var tsaCert *x509.Certificate
	inter := x509.NewCertPool()
	if intermediates != nil {
		inter = intermediates.Clone()
	}
	for _, c := range ts.Certificates {
		inter.AddCert(c)
		if slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
			tsaCert = c
		}
	}
	if tsaCert == nil {
		return "Dấu thời gian không kèm chứng thư của đơn vị cấp dấu thời gian"
	}
	chains, err := tsaCert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: ts.Time,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	if err != nil {
		return "Dấu thời gian do “" + tsaCert.Subject.CommonName + "” cấp, không phải đơn vị cấp dấu thời gian tin cậy"
	}
	// A TSA certificate revoked before the stamp, or for a compromised
	// key at any time, proves no time.
	st := revocationOf(tsaCert, chains[0][1:], sources...)
	switch {
	case st.revoked && (!st.revokedAt.After(ts.Time) || st.compromised()):
		return "Chứng thư của đơn vị cấp dấu thời gian “" + tsaCert.Subject.CommonName + "” đã bị thu hồi lúc " + StampTime(st.revokedAt) + " (theo " + st.source + "), dấu thời gian không được công nhận"
	case st.revoked:
		info.TSARevocation = "Bị thu hồi lúc " + StampTime(st.revokedAt) + ", sau thời điểm cấp dấu thời gian (" + st.source + ")"
	case st.checked:
		info.TSARevocation = "Chưa bị thu hồi tại thời điểm cấp dấu thời gian (" + st.source + ")"
	}
	info.TSAChain = chains[0]
	info.TimeStamped, info.TimeStampAt, info.SignedAt, info.TSA = true, ts.Time, ts.Time, tsaCert.Subject.CommonName
	return ""
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
