package signing

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/verify"
	"github.com/signintech/gopdf"
)

const (
	personName = "Nguyễn Văn Nghĩa"
	orgName    = "Ủy ban nhân dân phường Nha Trang"
)

// makeTestPDF builds an A4 PDF of n pages with Vietnamese text (Liberation Serif).
func makeTestPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	g := &gopdf.GoPdf{}
	g.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := g.AddTTFFontData("serif", fontRegularTTF); err != nil {
		tb.Fatal(err)
	}
	if err := g.AddTTFFontData("serif-b", fontBoldTTF); err != nil {
		tb.Fatal(err)
	}
	for p := 1; p <= n; p++ {
		g.AddPage()
		if err := g.SetFont("serif-b", "", 13); err != nil {
			tb.Fatal(err)
		}
		g.SetXY(60, 50)
		_ = g.Cell(nil, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
		g.SetXY(60, 70)
		_ = g.Cell(nil, "Độc lập – Tự do – Hạnh phúc")
		if err := g.SetFont("serif", "", 12); err != nil {
			tb.Fatal(err)
		}
		g.SetXY(60, 110)
		_ = g.Cell(nil, fmt.Sprintf("BÁO CÁO tình hình kinh tế – xã hội tỉnh Khánh Hòa – trang %d/%d", p, n))
		for i := 0; i < 20; i++ {
			g.SetXY(60, 140+float64(i)*18)
			_ = g.Cell(nil, fmt.Sprintf("Dòng %d: Chỉ tiêu tổng sản phẩm (GRDP) tăng trưởng ước đạt 8,5%%; thu ngân sách đạt kế hoạch.", i+1))
		}
	}
	b, err := g.GetBytesPdfReturnErr()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type fixture struct {
	ca             *CA
	person, org    Signer
	roots          *x509.CertPool
	unsigned       []byte
	signed1, final []byte
	at1, at2       time.Time
}

func newFixture(tb testing.TB, pages int) *fixture {
	tb.Helper()
	ca, err := NewDemoCA("CA thử nghiệm tỉnh Khánh Hòa")
	if err != nil {
		tb.Fatal(err)
	}
	pc, pk, err := ca.Issue(personName, orgName, 365*24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	oc, ok, err := ca.Issue(orgName, orgName, 365*24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	return &fixture{
		ca:       ca,
		person:   Signer{Cert: pc, Key: pk, Chain: []*x509.Certificate{ca.Cert}, Name: personName, Title: "Chủ tịch"},
		org:      Signer{Cert: oc, Key: ok, Chain: []*x509.Certificate{ca.Cert}, Name: orgName, Title: "Văn bản điện tử", Organization: true},
		roots:    roots,
		unsigned: makeTestPDF(tb, pages),
	}
}

// signBoth signs with the person (bottom right of the last page) then the organisation seal.
func (f *fixture) signBoth(tb testing.TB) {
	tb.Helper()
	var err error
	f.at1 = time.Now().Add(-time.Minute).Truncate(time.Second)
	f.at2 = time.Now().Truncate(time.Second)
	f.signed1, err = Sign(f.unsigned, f.person, f.at1, Placement{Page: 0, X: 330, Y: 80, W: 220, H: 70})
	if err != nil {
		tb.Fatal(err)
	}
	f.final, err = Sign(f.signed1, f.org, f.at2, Placement{Page: 0, X: 330, Y: 170, W: 220, H: 70})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		personName:                 "Nguyen Van Nghia",
		orgName:                    "Uy ban nhan dan phuong Nha Trang",
		"ĨĩĐđ Khánh Hòa (Ư,ơ)":     "IiDd Khanh Hoa (U,o)",
		"Phê duyệt – báo cáo 2026": "Phe duyet ? bao cao 2026",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSignTwiceAndVerify(t *testing.T) {
	f := newFixture(t, 2)
	f.signBoth(t)

	// Our verifier.
	infos, err := Verify(f.final, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 {
		t.Fatalf("got %d signatures, want 2: %+v", len(infos), infos)
	}
	wantNames := []string{personName, orgName}
	for i, in := range infos {
		if !in.Valid || !in.CertValid || in.Problem != "" {
			t.Errorf("signature %d: %+v", i, in)
		}
		if in.Name != wantNames[i] || in.Organization != orgName {
			t.Errorf("signature %d: name %q org %q", i, in.Name, in.Organization)
		}
		if in.SignedAt.IsZero() || time.Since(in.SignedAt) > time.Hour {
			t.Errorf("signature %d: SignedAt %v", i, in.SignedAt)
		}
	}
	if infos[0].CoversWholeDocument || !infos[1].CoversWholeDocument {
		t.Errorf("CoversWholeDocument = %v, %v; want false, true", infos[0].CoversWholeDocument, infos[1].CoversWholeDocument)
	}
	// Intermediate file: one signature, whole document.
	if in1, err := Verify(f.signed1, f.roots, nil); err != nil || len(in1) != 1 || !in1[0].Valid || !in1[0].CoversWholeDocument {
		t.Errorf("after first signature: %+v, %v", in1, err)
	}
	// The dictionaries' names as UTF-16BE hex text strings.
	if !bytes.Contains(f.final, []byte("/Name "+TextString(personName))) || !bytes.Contains(f.final, []byte("/Name "+TextString(orgName))) {
		t.Error("signature dictionaries lack the UTF-16 /Name")
	}
	if infos[0].SubFilter != "ETSI.CAdES.detached" || infos[0].Reason != "Phê duyệt văn bản" || infos[1].Reason != "Đóng dấu cơ quan" {
		t.Errorf("dictionary: %q %q %q", infos[0].SubFilter, infos[0].Reason, infos[1].Reason)
	}

	// pdfsign's own verifier agrees.
	opts := verify.DefaultVerifyOptions()
	opts.TrustSignatureTime = true
	resp, err := verify.VerifyWithOptions(bytes.NewReader(f.final), int64(len(f.final)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Signers) != 2 {
		t.Fatalf("pdfsign: %d signers (%s)", len(resp.Signers), resp.Error)
	}
	for i, s := range resp.Signers {
		if !s.ValidSignature {
			t.Errorf("pdfsign signer %d (%s) not valid: %s", i, s.Name, resp.Error)
		}
	}
	names := resp.Signers[0].Name + "|" + resp.Signers[1].Name
	if names != personName+"|"+orgName {
		t.Errorf("pdfsign names: %s", names)
	}

	// poppler's pdfsig.
	if _, err := exec.LookPath("pdfsig"); err != nil {
		t.Log("pdfsig not installed; skipping poppler check")
	} else {
		path := filepath.Join(t.TempDir(), "signed.pdf")
		if err := os.WriteFile(path, f.final, 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command("pdfsig", path).CombinedOutput()
		text := string(out)
		t.Logf("pdfsig:\n%s", text)
		if !strings.Contains(text, "Signature #1") || !strings.Contains(text, "Signature #2") || strings.Contains(text, "Signature #3") {
			t.Error("pdfsig does not report exactly two signatures")
		}
		if n := strings.Count(text, "Signature Validation: Signature is Valid."); n != 2 {
			t.Errorf("pdfsig: %d valid signatures, want 2", n)
		}
		parts := strings.Split(text, "Signature #2")
		if len(parts) != 2 || !regexp.MustCompile(`Total document signed`).MatchString(parts[1]) {
			t.Error("pdfsig: the last signature does not cover the total document")
		}
		if regexp.MustCompile(`Total document signed`).MatchString(parts[0]) {
			t.Error("pdfsig: the first signature claims to cover the total document")
		}
	}

	if dir := os.Getenv("SIGNING_SAMPLE_DIR"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "signed.pdf"), f.final, 0o644)
	}
}

func TestTamperedIsInvalid(t *testing.T) {
	f := newFixture(t, 2)
	f.signBoth(t)
	bad := bytes.Clone(f.final)
	// Flip a byte inside the first page's content stream (covered by both signatures).
	i := bytes.Index(bad, []byte("stream\n"))
	if i < 0 {
		t.Fatal("no stream in test PDF")
	}
	bad[i+len("stream\n")+5] ^= 0x01
	infos, err := Verify(bad, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 {
		t.Fatalf("got %d signatures", len(infos))
	}
	for i, in := range infos {
		if in.Valid || !strings.Contains(in.Problem, "thay đổi") {
			t.Errorf("signature %d of tampered file: %+v", i, in)
		}
	}
	// Tampering after the first signature (in the second revision) breaks only the second.
	bad2 := bytes.Clone(f.final)
	j := bytes.LastIndex(bad2, []byte(TextString("Đóng dấu cơ quan"))) // the seal's /Reason
	if j < len(f.signed1) {
		t.Fatal("second /Reason not found")
	}
	bad2[j+5] ^= 0x01 // a hex digit of the text
	infos, err = Verify(bad2, f.roots, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || !infos[0].Valid || infos[1].Valid {
		t.Errorf("tampered second revision: %+v", infos)
	}
}

func TestForeignCAIsNotTrusted(t *testing.T) {
	f := newFixture(t, 1)
	other, err := NewDemoCA("CA lạ")
	if err != nil {
		t.Fatal(err)
	}
	c, k, err := other.Issue("Trần Thị Ĩ", "Công ty lạ", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Sign(f.unsigned, Signer{Cert: c, Key: k, Chain: []*x509.Certificate{other.Cert}}, time.Now(), Placement{Page: 1, X: 50, Y: 50, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(out, f.roots, nil)
	if err != nil || len(infos) != 1 {
		t.Fatalf("%+v %v", infos, err)
	}
	in := infos[0]
	if !in.Valid || in.CertValid || !strings.Contains(in.Problem, "tin cậy") || in.Name != "Trần Thị Ĩ" {
		t.Errorf("foreign CA: %+v", in)
	}
	// Trusting the other root makes it valid.
	pool := x509.NewCertPool()
	pool.AddCert(other.Cert)
	if infos, _ := Verify(out, pool, nil); len(infos) != 1 || !infos[0].CertValid {
		t.Errorf("with its own root: %+v", infos)
	}
}

func TestExpiredCertificate(t *testing.T) {
	f := newFixture(t, 1)
	now := time.Now()
	c, k, err := f.ca.issue(personName, orgName, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s := Signer{Cert: c, Key: k, Chain: []*x509.Certificate{f.ca.Cert}, Title: "Chủ tịch"}
	if _, err := Sign(f.unsigned, s, now, Placement{Page: 1, X: 50, Y: 50, W: 200, H: 60}); !errors.Is(err, ErrCertNotValidAt) {
		t.Fatalf("Sign with expired certificate: err = %v", err)
	}
	// Signed anyway (bypassing the check): Verify reports it.
	out, err := signPDF(f.unsigned, s, now, Placement{Page: 1, X: 50, Y: 50, W: 200, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(out, f.roots, nil)
	if err != nil || len(infos) != 1 {
		t.Fatalf("%+v %v", infos, err)
	}
	if infos[0].CertValid || !strings.Contains(infos[0].Problem, "hết hạn") {
		t.Errorf("expired: %+v", infos[0])
	}
}

func TestUnsignedAndGarbage(t *testing.T) {
	f := newFixture(t, 1)
	infos, err := Verify(f.unsigned, f.roots, nil)
	if err != nil || len(infos) != 0 {
		t.Errorf("unsigned: %+v %v", infos, err)
	}
	if _, err := Verify([]byte("not a pdf"), f.roots, nil); err == nil {
		t.Error("garbage accepted")
	}
	if _, err := Sign([]byte("not a pdf"), f.person, time.Now(), Placement{}); err == nil {
		t.Error("signing garbage succeeded")
	}
}

func BenchmarkSignTwice10Pages(b *testing.B) {
	f := newFixture(b, 10)
	b.ReportAllocs()
	b.SetBytes(int64(len(f.unsigned)))
	for b.Loop() {
		f.signBoth(b)
	}
}

func TestStampAndPlacement(t *testing.T) {
	f := newFixture(t, 2)
	s := f.person
	s.Name = "Tôn Nữ Thị Ngọc Huyền Trân Bảo Khánh Hòa Đặng Nguyễn Phước Lĩnh"
	s.Title = "Phó Chủ tịch Ủy ban nhân dân tỉnh Khánh Hòa"
	if _, err := renderStamp(s, time.Now(), 120, 40); err != nil {
		t.Fatal(err)
	}
	if got := StampTime(time.Date(2026, 3, 16, 2, 15, 0, 0, time.UTC)); got != "09:15 16/03/2026" {
		t.Errorf("StampTime = %q", got)
	}
	if got := ISOTime(time.Date(2026, 3, 16, 2, 15, 0, 0, time.UTC)); got != "2026-03-16T09:15:00+07:00" {
		t.Errorf("ISOTime = %q", got)
	}
	if _, err := Sign(f.unsigned, s, time.Now(), Placement{Page: 3, X: 50, Y: 50, W: 200, H: 60}); err == nil {
		t.Error("page 3 of a 2-page PDF accepted")
	}
	// Invisible signature.
	out, err := Sign(f.unsigned, s, time.Now(), Placement{})
	if err != nil {
		t.Fatal(err)
	}
	if infos, err := Verify(out, f.roots, nil); err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].CertValid {
		t.Errorf("invisible: %+v %v", infos, err)
	}
}

func TestCheckAppendedAcceptsSignaturesOnly(t *testing.T) {
	f := newFixture(t, 2)
	f.signBoth(t)
	if err := CheckAppended(f.unsigned, f.signed1); err != nil {
		t.Fatalf("the leader's signature: %v", err)
	}
	if err := CheckAppended(f.signed1, f.final); err != nil {
		t.Fatalf("the seal: %v", err)
	}
	if err := CheckAppended(f.unsigned, f.final); err != nil {
		t.Fatalf("both: %v", err)
	}
	// Accepted pairs are remembered; what is remembered is both files.
	if !appended.has(appendedKey{sha256.Sum256(f.unsigned), sha256.Sum256(f.signed1[len(f.unsigned):])}) {
		t.Error("the leader's signature was checked but not remembered")
	}
	if err := CheckAppended(f.unsigned, f.signed1); err != nil {
		t.Fatalf("the leader's signature again: %v", err)
	}
	changed := bytes.Clone(f.signed1)
	changed[len(f.unsigned)/2] ^= 1 // the same update after altered bytes
	if err := CheckAppended(f.unsigned, changed); err == nil {
		t.Error("a remembered update after altered bytes of the issued file was accepted")
	}
}

// forgeUpdate appends an incremental update that redefines the content
// stream of page 1, as a forger signing with a real key would.
func forgeUpdate(t testing.TB, doc []byte) []byte {
	t.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	contents := rdr.Page(1).V.Key("Contents")
	if contents.Kind() == pdf.Array {
		contents = contents.Index(0)
	}
	id := idOf(contents)
	prev := bytes.LastIndex(doc, []byte("startxref"))
	prevOffset := strings.Fields(string(doc[prev+len("startxref"):]))[0]
	body := "BT /F1 24 Tf 100 700 Td (FORGED FIGURES 999999) Tj ET"
	var b bytes.Buffer
	b.Write(doc)
	objAt := b.Len() + 1
	fmt.Fprintf(&b, "\n%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", id, len(body), body)
	xrefAt := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		id, objAt, rdr.Trailer().Key("Size").Int64(), idOf(rdr.Trailer().Key("Root")), prevOffset, xrefAt)
	return b.Bytes()
}

func TestCheckAppendedRefusesRewrittenContent(t *testing.T) {
	f := newFixture(t, 2)
	forged := forgeUpdate(t, f.unsigned)
	signed, err := signPDF(forged, f.person, time.Now(), Placement{Page: 1, X: 300, Y: 100, W: 150, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	// The signature itself is valid: it covers the forger's bytes.
	if infos, err := Verify(signed, f.roots, nil); err != nil || len(infos) != 1 || !infos[0].Valid {
		t.Fatalf("verify: %+v %v", infos, err)
	}
	if err := CheckAppended(f.unsigned, signed); err == nil {
		t.Fatal("a rewritten page was accepted")
	}
}
