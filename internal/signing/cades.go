package signing

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pkcs7"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/text/unicode/norm"
)

// How a signature is finished. pdfsign v0.9.0 writes the incremental update
// (signature dictionary, widget, page and catalog updates, cross-reference
// table) well, but three things in it are not what this system needs: it
// hard-codes /SubFilter /adbe.pkcs7.detached, it writes non-ASCII text
// strings as raw UTF-16 inside a literal string (unescaped, so "ĩ", U+0129,
// puts a bare ")" into the file), and it would ask the time-stamping
// authority itself, for a signature this package must replace. So pdfsign
// signs a placeholder revision whose every changed token has the length of
// the final one; finish then rewrites those tokens in place (the same
// length, so every offset and the /ByteRange stay right) and puts its own
// CMS into the /Contents hole. Nothing of pdfsign is copied: the CMS is
// built with digitorus/pkcs7 and digitorus/timestamp.

// Object identifiers of the attributes finish writes.
var (
	oidSigningCertificateV2   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSignatureTimeStamp     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidRevocationInfoArchival = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
)

const (
	subFilterPdfsign = "/SubFilter /adbe.pkcs7.detached"
	subFilterPAdES   = "/SubFilter /ETSI.CAdES.detached" // the same length
	// tokenReserve is the room kept in /Contents for the time-stamp token
	// (a TSA's signed TSTInfo with its certificate chain; 2–6 KB in practice).
	tokenReserve = 12 << 10
)

// TextString writes s as a PDF text string the way ISO 32000-1 §7.9.2.2
// wants non-Latin text: a hexadecimal string of UTF-16BE with the byte order
// mark, "Nguyễn Văn Nghĩa" → <FEFF004E006700750079...>. Hexadecimal needs no
// escaping, so no byte of the text can end the string early.
func TextString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(norm.NFC.String(s))) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// placeholder is what pdfsign is given for a dictionary text whose final
// form is final: ASCII of a length that makes pdfsign's literal "(…)" as
// long as final.
func placeholder(final string) string { return strings.Repeat("x", len(final)-2) }

// dictText is one text entry of the signature dictionary.
type dictText struct{ key, value string }

var byteRange = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)

// finish turns pdfsign's placeholder revision (signed, appended to the
// prefix of prefixLen bytes) into the final one: the SubFilter and text
// strings rewritten, and a CMS SignedData of its own over the /ByteRange
// in /Contents, time-stamped when s names a TSA.
func finish(signed []byte, prefixLen int, s Signer, texts []dictText, rev revocation.InfoArchival) error {
	tail := signed[prefixLen:]
	if err := replaceOnce(tail, subFilterPdfsign, subFilterPAdES); err != nil {
		return err
	}
	for _, t := range texts {
		final := TextString(t.value)
		if err := replaceOnce(tail, "/"+t.key+" ("+placeholder(final)+")", "/"+t.key+" "+final); err != nil {
			return err
		}
	}
	m := byteRange.FindSubmatch(tail)
	if m == nil {
		return errors.New("signing: không tìm thấy /ByteRange của chữ ký mới")
	}
	var r [4]int
	for i := range r {
		r[i], _ = strconv.Atoi(string(m[i+1]))
	}
	if r[0] != 0 || r[1] < prefixLen || r[2] <= r[1]+2 || r[2]+r[3] != len(signed) || signed[r[1]] != '<' || signed[r[2]-1] != '>' {
		return errors.New("signing: /ByteRange của chữ ký mới không hợp lệ")
	}
	content := make([]byte, 0, r[1]+r[3])
	content = append(content, signed[:r[1]]...)
	content = append(content, signed[r[2]:]...)
	der, err := buildCMS(content, s, rev)
	if err != nil {
		return err
	}
	hole := signed[r[1]+1 : r[2]-1]
	if hex.EncodedLen(len(der)) > len(hole) {
		return fmt.Errorf("signing: chữ ký số (%d byte) vượt chỗ dành sẵn (%d byte)", len(der), len(hole)/2)
	}
	n := hex.Encode(hole, der)
	for i := n; i < len(hole); i++ {
		hole[i] = '0'
	}
	return nil
}

// replaceOnce replaces the one occurrence of old in b by new, of the same length.
func replaceOnce(b []byte, old, new string) error {
	if len(old) != len(new) {
		return fmt.Errorf("signing: thay %q bằng %q đổi độ dài", old, new)
	}
	i := bytes.Index(b, []byte(old))
	if i < 0 || bytes.Contains(b[i+1:], []byte(old)) {
		return fmt.Errorf("signing: không tìm thấy đúng một %q trong phần ký", old)
	}
	copy(b[i:], new)
	return nil
}

// buildCMS is the detached CMS SignedData of a PAdES signature (ETSI EN 319
// 142-1 with CAdES, EN 319 122-1): signed attributes content-type,
// message-digest, ESS signing-certificate-v2 and, when there is revocation
// data, adbe-revocationInfoArchival (the revocation values Adobe readers and
// pdfsign's verifier read); the certificate chain; and, with a TSA, the
// signature-time-stamp unsigned attribute over the signature value.
func buildCMS(content []byte, s Signer, rev revocation.InfoArchival) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	certHash := sha256.Sum256(s.Cert.Raw)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2, SHA-256 by default
				b.AddASN1OctetString(certHash[:])
			})
		})
	})
	essCert, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	attrs := []pkcs7.Attribute{{Type: oidSigningCertificateV2, Value: asn1.RawValue{FullBytes: essCert}}}
	if len(rev.CRL) > 0 || len(rev.OCSP) > 0 {
		attrs = append(attrs, pkcs7.Attribute{Type: oidRevocationInfoArchival, Value: rev})
	}
	if err := sd.AddSignerChain(s.Cert, s.Key, s.Chain, pkcs7.SignerInfoConfig{ExtraSignedAttributes: attrs}); err != nil {
		return nil, fmt.Errorf("signing: tạo chữ ký CMS: %w", err)
	}
	sd.Detach()
	// PAdES baseline signatures shall not have the signing-time attribute
	// digitorus/pkcs7 always writes (ETSI EN 319 142-1 §5.3: the time is
	// the dictionary's /M, and the time-stamp's): it is taken out and the
	// rest signed again. The attributes keep their DER order (pkcs7 sorts
	// them), so the signature is over exactly the SET a verifier rebuilds.
	si := &sd.GetSignedData().SignerInfos[0]
	var kept []any
	for i := 0; i < len(si.AuthenticatedAttributes); {
		if si.AuthenticatedAttributes[i].Type.Equal(pkcs7.OIDAttributeSigningTime) {
			si.AuthenticatedAttributes = slices.Delete(si.AuthenticatedAttributes, i, i+1)
			continue
		}
		kept = append(kept, si.AuthenticatedAttributes[i])
		i++
	}
	if si.EncryptedDigest, err = signSet(s.Key, kept); err != nil {
		return nil, err
	}
	if s.TSAURL != "" {
		token, err := timeStamp(s.TSAURL, si.EncryptedDigest)
		if err != nil {
			return nil, err
		}
		if err := si.SetUnauthenticatedAttributes([]pkcs7.Attribute{{Type: oidSignatureTimeStamp, Value: asn1.RawValue{FullBytes: token}}}); err != nil {
			return nil, err
		}
	}
	return sd.Finish()
}

// signSet signs the DER SET of elems (signed attributes) with key, SHA-256.
func signSet(key crypto.Signer, elems []any) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, e := range elems {
			der, err := asn1.Marshal(e)
			if err != nil {
				b.SetError(err)
				return
			}
			b.AddBytes(der)
		}
	})
	set, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("signing: thuộc tính được ký: %w", err)
	}
	digest := sha256.Sum256(set)
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing: tạo chữ ký CMS: %w", err)
	}
	return sig, nil
}

// reservation is revocation data of n bytes that only makes pdfsign keep
// room in /Contents (it sizes the hole by the revocation data it is given);
// the CMS finish writes does not carry it.
func reservation(n int) asn1.RawValue {
	v, _ := asn1.Marshal(make([]byte, n)) // an OCTET STRING of zeros
	return asn1.RawValue{FullBytes: v}
}
