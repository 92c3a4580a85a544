package signing

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/verify"
	"github.com/digitorus/pkcs7"
	"golang.org/x/crypto/ocsp"
)

// ocspServer is a real OCSP responder for ca's certificates on a loopback
// port, answering from the revocations made so far.
type ocspServer struct {
	mu      sync.Mutex
	revoked map[string]revokedEntry
	url     string
}

type revokedEntry struct {
	at     time.Time
	reason int
}

func startOCSP(tb testing.TB, ca *CA) *ocspServer {
	tb.Helper()
	o := &ocspServer{revoked: map[string]revokedEntry{}}
	srv := httptest.NewServer(&OCSPResponder{CA: ca, Revoked: func(serial *big.Int) (time.Time, int, bool) {
		o.mu.Lock()
		defer o.mu.Unlock()
		e, ok := o.revoked[serial.String()]
		return e.at, e.reason, ok
	}})
	tb.Cleanup(srv.Close)
	o.url = srv.URL
	return o
}

func (o *ocspServer) revoke(serial *big.Int, at time.Time, reason int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.revoked[serial.String()] = revokedEntry{at.UTC().Truncate(time.Second), reason}
}

// ltFixture: a signing CA and a TSA CA, each with an OCSP responder their
// certificates name; the leader's and the seal's certificates; a TSA.
type ltFixture struct {
	ca, tsaCA     *CA
	ocsp, tsaOCSP *ocspServer
	person, org   Signer
	tsaCert       *x509.Certificate
	roots         *x509.CertPool
	unsigned      []byte
}

func newLTFixture(t *testing.T) *ltFixture {
	t.Helper()
	f := &ltFixture{unsigned: makeTestPDF(t, 1), roots: x509.NewCertPool()}
	var err error
	if f.ca, err = NewDemoCA("CA thử nghiệm tỉnh Khánh Hòa"); err != nil {
		t.Fatal(err)
	}
	if f.tsaCA, err = NewDemoCA("CA dấu thời gian thử nghiệm"); err != nil {
		t.Fatal(err)
	}
	f.roots.AddCert(f.ca.Cert)
	f.roots.AddCert(f.tsaCA.Cert)
	f.ocsp, f.tsaOCSP = startOCSP(t, f.ca), startOCSP(t, f.tsaCA)
	pc, pk, err := f.ca.IssueWith("Lê Thị Ĩnh Nghĩa", orgName, time.Hour, Pointers{OCSP: f.ocsp.url})
	if err != nil {
		t.Fatal(err)
	}
	oc, ok, err := f.ca.IssueWith(orgName, orgName, time.Hour, Pointers{OCSP: f.ocsp.url})
	if err != nil {
		t.Fatal(err)
	}
	tc, tk, err := f.tsaCA.IssueTSAWith("TSA thử nghiệm Khánh Hòa", time.Hour, Pointers{OCSP: f.tsaOCSP.url})
	if err != nil {
		t.Fatal(err)
	}
	f.tsaCert = tc
	tsa := httptest.NewServer(&TSA{Cert: tc, Key: tk})
	t.Cleanup(tsa.Close)
	f.person = Signer{Cert: pc, Key: pk, Chain: []*x509.Certificate{f.ca.Cert}, Name: "Lê Thị Ĩnh Nghĩa", Title: "Chủ tịch", TSAURL: tsa.URL}
	f.org = Signer{Cert: oc, Key: ok, Chain: []*x509.Certificate{f.ca.Cert}, Name: orgName, Organization: true, TSAURL: tsa.URL}
	return f
}

// signed is the document signed by the leader then sealed.
func (f *ltFixture) signed(t *testing.T) []byte {
	t.Helper()
	one, err := Sign(f.unsigned, f.person, time.Now(), Placement{Page: 1, X: 330, Y: 80, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	two, err := Sign(one, f.org, time.Now(), Placement{Page: 1, X: 330, Y: 160, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	return two
}

// The leader's signature and the seal, time-stamped, then the DSS: every
// signature is PAdES B-LT, with the OCSP answers of the signers and of the
// TSA, and valid for pdfsig and pdfsign's verifier.
func TestLongTermValidationData(t *testing.T) {
	f := newLTFixture(t)
	signed := f.signed(t)
	lt, err := AddValidationData(signed, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(lt, signed) || !bytes.Contains(lt[len(signed):], []byte("/Type /DSS")) {
		t.Fatal("the DSS is not an incremental update")
	}
	infos, err := Verify(lt, f.roots, nil)
	if err != nil || len(infos) != 2 {
		t.Fatal(infos, err)
	}
	for i, in := range infos {
		if !in.Valid || !in.CertValid || !in.InDSS || !in.LongTerm || in.Profile() != "PAdES B-LT" {
			t.Errorf("signature %d: %s %+v", i+1, in.Profile(), in)
		}
		if !strings.Contains(in.Revocation, "Chưa bị thu hồi") || !strings.Contains(in.Revocation, "OCSP") ||
			!strings.Contains(in.TSARevocation, "OCSP trong kho dữ liệu xác thực DSS") {
			t.Errorf("signature %d: revocation %q, TSA %q", i+1, in.Revocation, in.TSARevocation)
		}
		p7, err := pkcs7.Parse(in.contents)
		if err != nil {
			t.Fatal(err)
		}
		var st time.Time
		if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &st); err == nil {
			t.Errorf("signature %d has the signing-time attribute PAdES baseline forbids (%v)", i+1, st)
		}
	}
	// Each VRI entry is named by the SHA-1 of the signature's /Contents
	// string (ETSI EN 319 142-1 §5.4.2.2), read here from the bytes.
	for i, in := range infos {
		r := in.ByteRange
		contents, err := hex.DecodeString(string(lt[r[1]+1 : r[2]-1]))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha1.Sum(contents)
		if key := strings.ToUpper(hex.EncodeToString(sum[:])); !bytes.Contains(lt, []byte("/"+key+" << /Type /VRI /Cert [")) {
			t.Errorf("no VRI entry %s for signature %d", key, i+1)
		}
	}
	if last := infos[1]; !last.CoversWholeDocument || !last.ValidationDataAfter {
		t.Errorf("the seal followed by the DSS: %+v", last)
	}
	resp, err := verify.VerifyWithOptions(bytes.NewReader(lt), int64(len(lt)), verify.DefaultVerifyOptions())
	if err != nil || len(resp.Signers) != 2 || !resp.Signers[0].ValidSignature || !resp.Signers[1].ValidSignature {
		t.Fatalf("pdfsign verifier: %+v %v", resp, err)
	}
	text := pdfsigText(t, lt)
	t.Logf("pdfsig:\n%s", text)
	if strings.Count(text, "Signature is Valid.") != 2 || !strings.Contains(text, "Lê Thị Ĩnh Nghĩa") {
		t.Errorf("pdfsig:\n%s", text)
	}
	// Data appended twice: the second DSS replaces the first.
	again, err := AddValidationData(lt, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	if infos, err := Verify(again, f.roots, nil); err != nil || !infos[0].LongTerm || !infos[1].LongTerm || !infos[1].CoversWholeDocument {
		t.Errorf("a second DSS: %+v %v", infos, err)
	}
	if dir := os.Getenv("SIGNING_SAMPLE_DIR"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "long-term.pdf"), lt, 0o644)
	}
}

// B-LT's point: a certificate revoked after the time-stamped signing time
// leaves the signature valid, by the OCSP answer the DSS keeps; revoked
// before it (the signer's by OCSP at signing, or the TSA's), it is refused.
func TestRevocationAgainstTimeStamp(t *testing.T) {
	f := newLTFixture(t)
	signed := f.signed(t)
	infos, err := Verify(signed, f.roots, nil)
	if err != nil || len(infos) != 2 || !infos[0].TimeStamped {
		t.Fatal(infos, err)
	}
	stamped := infos[0].TimeStampAt

	t.Run("signer revoked after signing", func(t *testing.T) {
		f.ocsp.revoke(f.person.Cert.SerialNumber, stamped.Add(2*time.Second), ocsp.KeyCompromise)
		defer delete(f.ocsp.revoked, f.person.Cert.SerialNumber.String())
		lt, err := AddValidationData(signed, f.roots, nil)
		if err != nil {
			t.Fatal(err)
		}
		infos, err := Verify(lt, f.roots, nil)
		if err != nil || len(infos) != 2 {
			t.Fatal(infos, err)
		}
		if in := infos[0]; !in.CertValid || !strings.Contains(in.Revocation, "sau thời điểm ký có dấu thời gian") || !strings.Contains(in.Revocation, "DSS") || !in.LongTerm {
			t.Errorf("revoked after the time-stamp: %+v", in)
		}
	})

	t.Run("signer revoked before signing", func(t *testing.T) {
		f.ocsp.revoke(f.person.Cert.SerialNumber, time.Now().Add(-time.Minute), ocsp.Superseded)
		defer delete(f.ocsp.revoked, f.person.Cert.SerialNumber.String())
		if _, err := Sign(f.unsigned, f.person, time.Now(), Placement{}); err == nil || !strings.Contains(err.Error(), "thu hồi") {
			t.Fatalf("Sign with a certificate OCSP says is revoked: %v", err)
		}
		bad, err := signPDF(f.unsigned, f.person, time.Now(), Placement{})
		if err != nil {
			t.Fatal(err)
		}
		infos, err := Verify(bad, f.roots, nil)
		if err != nil || len(infos) != 1 || infos[0].CertValid || !strings.Contains(infos[0].Problem, "đã bị thu hồi") || !strings.Contains(infos[0].Problem, "OCSP") {
			t.Errorf("revoked at signing time: %+v %v", infos, err)
		}
	})

	for _, c := range []struct {
		name   string
		at     time.Time
		reason int
	}{
		{"TSA revoked before the stamp", stamped.Add(-time.Minute), ocsp.CessationOfOperation},
		{"TSA key compromised after the stamp", stamped.Add(time.Minute), ocsp.KeyCompromise},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.tsaOCSP.revoke(f.tsaCert.SerialNumber, c.at, c.reason)
			defer delete(f.tsaOCSP.revoked, f.tsaCert.SerialNumber.String())
			lt, err := AddValidationData(signed, f.roots, nil)
			if err != nil {
				t.Fatal(err)
			}
			infos, err := Verify(lt, f.roots, nil)
			if err != nil || len(infos) != 2 {
				t.Fatal(infos, err)
			}
			for _, in := range infos {
				if in.CertValid || !strings.Contains(in.Problem, "đơn vị cấp dấu thời gian") || !strings.Contains(in.Problem, "đã bị thu hồi") {
					t.Errorf("%+v", in)
				}
			}
		})
	}

	t.Run("TSA revoked after the stamp", func(t *testing.T) {
		f.tsaOCSP.revoke(f.tsaCert.SerialNumber, stamped.Add(time.Minute), ocsp.Superseded)
		defer delete(f.tsaOCSP.revoked, f.tsaCert.SerialNumber.String())
		lt, err := AddValidationData(signed, f.roots, nil)
		if err != nil {
			t.Fatal(err)
		}
		if infos, err := Verify(lt, f.roots, nil); err != nil || !infos[0].CertValid || !strings.Contains(infos[0].TSARevocation, "sau thời điểm cấp dấu thời gian") {
			t.Errorf("%+v %v", infos, err)
		}
	})
}

// appendUpdate writes objs (number → dictionary body) as an incremental
// update of file, the way any PDF editor would.
func appendUpdate(t *testing.T, file []byte, objs map[uint32]string) []byte {
	t.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	tr := rdr.Trailer()
	root := tr.Key("Root").GetPtr()
	size := tr.Key("Size").Int64()
	p := bytes.LastIndex(file, []byte("startxref"))
	prev := strings.Fields(string(file[p+9:]))[0]
	var b bytes.Buffer
	b.Write(file)
	b.WriteString("\n")
	xref := "xref\n"
	for id, body := range objs {
		xref += fmt.Sprintf("%d 1\n%010d 00000 n\r\n", id, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", id, body)
		size = max(size, int64(id)+1)
	}
	at := b.Len()
	fmt.Fprintf(&b, "%strailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", xref, size, root.GetID(), prev, at)
	return b.Bytes()
}

// rewritten is v's dictionary written again, with extra entries.
func rewritten(t *testing.T, v pdf.Value, skip string, extra string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("<<")
	for _, k := range v.Keys() {
		if k == skip {
			continue
		}
		b.WriteString(" /" + k + " ")
		if err := writeValue(&b, v, v.Key(k)); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString(" " + extra + " >>")
	return b.String()
}

// After the last signature, an update may add validation data and nothing
// else: one that changes a page, a form field or the catalog, or smuggles
// other things into the DSS, makes the signature invalid.
func TestOnlyValidationDataAfterSigning(t *testing.T) {
	f := newLTFixture(t)
	signed := f.signed(t)
	lt, err := AddValidationData(signed, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := pdf.NewReader(bytes.NewReader(lt), int64(len(lt)))
	if err != nil {
		t.Fatal(err)
	}
	page := rdr.Page(1).V
	field := rdr.Trailer().Key("Root").Key("AcroForm").Key("Fields").Index(0)
	root := rdr.Trailer().Key("Root")
	rootID := idOf(root)
	size := uint32(rdr.Trailer().Key("Size").Int64())
	cases := map[string]map[uint32]string{
		"page rotated":        {idOf(page): rewritten(t, page, "", "/Rotate 90")},
		"field renamed":       {idOf(field): rewritten(t, field, "T", "/T (Giả mạo)")},
		"field hidden":        {idOf(field): rewritten(t, field, "F", "/F 2")},
		"catalog open action": {rootID: rewritten(t, root, "", "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")},
		"script in the DSS": {
			size:   "<< /Type /DSS /JS (app.alert(1)) >>",
			rootID: rewritten(t, root, "DSS", fmt.Sprintf("/DSS %d 0 R", size)),
		},
	}
	for name, objs := range cases {
		for _, base := range [][]byte{signed, lt} {
			changed := appendUpdate(t, base, objs)
			infos, err := Verify(changed, f.roots, nil)
			if err != nil || len(infos) != 2 {
				t.Fatalf("%s: %+v %v", name, infos, err)
			}
			if last := infos[1]; last.Valid || last.CoversWholeDocument || !strings.Contains(last.Problem, "đã bị thay đổi sau khi ký") {
				t.Errorf("%s after %d bytes: accepted (%+v)", name, len(base), last)
			}
		}
	}
	// The same kind of update adding only a DSS is accepted.
	dssOnly := appendUpdate(t, signed, map[uint32]string{rootID: rewritten(t, root, "DSS", "")})
	if infos, err := Verify(dssOnly, f.roots, nil); err != nil || !infos[1].Valid || !infos[1].CoversWholeDocument {
		t.Errorf("an update changing nothing: %+v %v", infos, err)
	}
	// A change between the two signatures makes the first one invalid.
	one, err := Sign(f.unsigned, f.person, time.Now(), Placement{Page: 1, X: 330, Y: 80, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := pdf.NewReader(bytes.NewReader(one), int64(len(one)))
	p1 := r1.Page(1).V
	edited := appendUpdate(t, one, map[uint32]string{idOf(p1): rewritten(t, p1, "", "/Rotate 180")})
	two, err := signPDF(edited, f.org, time.Now(), Placement{Page: 1, X: 330, Y: 160, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	if infos, err := Verify(two, f.roots, nil); err != nil || infos[0].Valid || !infos[1].Valid || !strings.Contains(infos[0].Problem, "không chỉ thêm chữ ký số") {
		t.Errorf("a page changed between the signatures: %+v %v", infos, err)
	}
}

// With a CRL instead of OCSP: the DSS keeps the CRL fetched after the
// seal, which lists the leader's certificate as revoked after the
// time-stamp; the CMS keeps the one fetched at signing. Both are read.
func TestCRLInTheDSS(t *testing.T) {
	f := newLTFixture(t)
	crl := startCRL(t, f.ca)
	cert, key, err := f.ca.IssueWithCRL("Trần Văn Ĩnh", orgName, time.Hour, crl.url)
	if err != nil {
		t.Fatal(err)
	}
	s := f.person
	s.Cert, s.Key, s.Name = cert, key, "Trần Văn Ĩnh"
	signed, err := Sign(f.unsigned, s, time.Now(), Placement{Page: 1, X: 330, Y: 80, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(signed, f.roots, nil)
	if err != nil || len(infos) != 1 || !strings.Contains(infos[0].Revocation, "CRL kèm trong chữ ký CMS") || infos[0].Profile() == "PAdES B-LT" {
		t.Fatalf("before the DSS: %+v %v", infos, err)
	}
	crl.revoke(cert.SerialNumber, infos[0].TimeStampAt.Add(2*time.Second).Truncate(time.Second))
	lt, err := AddValidationData(signed, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	infos, err = Verify(lt, f.roots, nil)
	if err != nil || len(infos) != 1 {
		t.Fatal(infos, err)
	}
	if in := infos[0]; !in.CertValid || !in.LongTerm || !strings.Contains(in.Revocation, "sau thời điểm ký có dấu thời gian (CRL trong kho dữ liệu xác thực DSS") {
		t.Errorf("%s: %+v", in.Profile(), in)
	}
}
