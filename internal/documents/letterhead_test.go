package documents_test

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"image"
	"image/png"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"baocao/internal/apperr"
	"baocao/internal/documents"
	"baocao/internal/reports"
	"baocao/internal/signing"
	"baocao/internal/units"
)

func TestSignatureBlockByCapacity(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind     string
		capacity documents.Capacity
		position string
		want     string
	}{
		{"ubnd-xa", documents.CapacityHead, "Chủ tịch Ủy ban nhân dân xã", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"},
		{"ubnd-xa", documents.CapacityDeputy, "Phó Chủ tịch", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"},
		{"ubnd-xa", documents.CapacityActing, "", "TM. ỦY BAN NHÂN DÂN / Q. CHỦ TỊCH"},
		{"ubnd-tinh", documents.CapacityByAuthority, "Giám đốc Sở Nội vụ", "TUQ. CHỦ TỊCH / GIÁM ĐỐC SỞ NỘI VỤ"},
		{"ubnd-xa", documents.CapacityByOrder, "Chánh Văn phòng", "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"},
		{"so", documents.CapacityHead, "Giám đốc Sở", "GIÁM ĐỐC"},
		{"so", documents.CapacityDeputy, "Phó Giám đốc Sở", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"},
		{"so", documents.CapacityDeputy, "", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"},
		{"so", documents.CapacityActing, "Phó Giám đốc", "Q. GIÁM ĐỐC"},
		{"so", documents.CapacityByOrder, "Chánh Văn phòng Sở", "TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG SỞ"},
		{"so", documents.CapacityByAuthority, "Trưởng phòng Nghiệp vụ Y", "TUQ. GIÁM ĐỐC / TRƯỞNG PHÒNG NGHIỆP VỤ Y"},
		{"van-phong", documents.CapacityDeputy, "Phó Chánh Văn phòng", "KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"},
		{"so", documents.CapacityFromPosition, "Phó Giám đốc", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"},
	} {
		s := documents.SignatureBlockAs(c.kind, c.capacity, c.position)
		var parts []string
		for _, p := range []string{s.OnBehalf, s.For, s.Title} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if got := strings.Join(parts, " / "); got != c.want {
			t.Errorf("%s, %s, %q: %q, want %q", c.kind, c.capacity, c.position, got, c.want)
		}
	}
}

// withTSA makes the store time-stamp its signatures with a TSA served on a
// loopback port, whose root the system trusts and whose certificate names
// its CA's OCSP responder.
func (f *fixture) withTSA(tb testing.TB) { f.withTSARevoked(tb, nil) }

// withTSARevoked is withTSA whose OCSP responder answers revoked.
func (f *fixture) withTSARevoked(tb testing.TB, revoked func(*big.Int) (time.Time, int, bool)) {
	tb.Helper()
	ca, err := signing.NewDemoCA("Tổ chức cấp dấu thời gian thử nghiệm")
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(&signing.OCSPResponder{CA: ca, Revoked: revoked})
	tb.Cleanup(srv.Close)
	cert, key, err := ca.IssueTSAWith("TSA thử nghiệm Khánh Hòa", 24*time.Hour, signing.Pointers{OCSP: srv.URL})
	if err != nil {
		tb.Fatal(err)
	}
	tsa := httptest.NewServer(&signing.TSA{Cert: cert, Key: key})
	tb.Cleanup(tsa.Close)
	if _, err := f.store.AddAnchors(f.ctx, documents.PEM(ca.Cert)); err != nil {
		tb.Fatal(err)
	}
	f.store.TSAURL = tsa.URL
}

// A TSA whose certificate was revoked before it stamped: the seal's
// validation data shows it, the seal is refused and the document stays as
// the leader signed it.
func TestSealRefusedWhenTheTSAWasRevoked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.withTSARevoked(t, func(*big.Int) (time.Time, int, bool) { return time.Now().Add(-time.Hour), 0, true })
	r := f.approved(t, 0)
	if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	r = f.report(t, r.ID)
	err := f.store.SignOnServer(f.ctx, r, f.clerk, documents.Organisation)
	if apperr.Code(err) != apperr.Conflict || !strings.Contains(apperr.Message(err), "đơn vị cấp dấu thời gian") || !strings.Contains(apperr.Message(err), "đã bị thu hồi") {
		t.Fatalf("seal: %v", err)
	}
	if d, err := f.store.Current(f.ctx, f.report(t, r.ID)); err != nil || d.Stage != documents.Personal {
		t.Errorf("the document after the refused seal: %+v %v", d, err)
	}
}

// startOCSP serves an OCSP responder for ca's certificates (none revoked)
// on a loopback port and returns its URL.
func startOCSP(tb testing.TB, ca *signing.CA) string {
	srv := httptest.NewServer(&signing.OCSPResponder{CA: ca})
	tb.Cleanup(srv.Close)
	return srv.URL
}

// withOCSPCertificates gives the owners new certificates (with their keys,
// as a PKCS#12 upload) from a trusted CA whose OCSP responder they name,
// so their signatures can reach PAdES B-LT.
func (f *fixture) withOCSPCertificates(tb testing.TB, owners map[string]documents.Owner) {
	tb.Helper()
	ca, err := signing.NewDemoCA("CA thử nghiệm có OCSP")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.store.AddAnchors(f.ctx, documents.PEM(ca.Cert)); err != nil {
		tb.Fatal(err)
	}
	url := startOCSP(tb, ca)
	for name, o := range owners {
		cert, key, err := ca.IssueWith(name, "Sở Y tế tỉnh Khánh Hòa", 24*time.Hour, signing.Pointers{OCSP: url})
		if err != nil {
			tb.Fatal(err)
		}
		p12, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca.Cert}, "matkhau")
		if err != nil {
			tb.Fatal(err)
		}
		if err := f.store.ImportPKCS12(f.ctx, o, p12, "matkhau"); err != nil {
			tb.Fatal(err)
		}
	}
}

func (f *fixture) unit(tb testing.TB, key string) *units.Unit {
	tb.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	u, err := units.NewStore(f.db).Unit(f.ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// TestSignedReportWithImagesAndTimeStamp signs Sở Y tế's report as its
// deputy director (KT.) with a signature image, seals it with the seal
// image, time-stamped, under header lines the unit admin corrected: the
// text, the signatures (PAdES B-LT: the seal is followed by the OCSP
// answers about the signers and the TSA) and the page image are checked.
func TestSignedReportWithImagesAndTimeStamp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.withTSA(t)
	syte := f.unit(t, "so-y-te")
	f.withOCSPCertificates(t, map[string]documents.Owner{"Nguyễn Văn Nghĩa": {AccountID: f.leader.ID}, "Sở Y tế tỉnh Khánh Hòa": {UnitID: syte.ID}})
	if _, err := f.db.Exec(f.ctx, `UPDATE accounts SET position = 'Phó Giám đốc Sở' WHERE id = $1`, f.leader.ID); err != nil {
		t.Fatal(err)
	}
	leader := f.account(t, "lanhdao.syte")
	if err := f.store.SetCapacity(f.ctx, leader, documents.CapacityDeputy); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetHeader(f.ctx, syte, "ubnd  tỉnh khánh hòa", "Sở Y tế\nKhánh Hòa"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetSignatureImage(f.ctx, leader, signing.DemoSignature()); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetSealImage(f.ctx, syte, signing.DemoSeal("Sở Y tế Khánh Hòa")); err != nil {
		t.Fatal(err)
	}

	r := f.approved(t, 0)
	if err := f.store.SignOnServer(f.ctx, r, leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	r = f.report(t, r.ID)
	if err := f.store.SignOnServer(f.ctx, r, f.clerk, documents.Organisation); err != nil {
		t.Fatal(err)
	}
	d, infos, err := f.store.Signatures(f.ctx, f.report(t, r.ID))
	if err != nil {
		t.Fatal(err)
	}
	verifyElsewhere(t, d.PDF, 2)
	if len(infos) != 2 {
		t.Fatalf("%d signatures", len(infos))
	}
	for i, in := range infos {
		if !in.Valid || !in.CertValid || !in.TimeStamped || in.TSA != "TSA thử nghiệm Khánh Hòa" || in.Profile() != "PAdES B-LT" ||
			!strings.Contains(in.Revocation, "OCSP") || !strings.Contains(in.TSARevocation, "OCSP trong kho dữ liệu xác thực DSS") {
			t.Errorf("signature %d: %+v (%s)", i+1, in, in.Profile())
		}
		// The reason is written just before the time-stamp is asked for:
		// its time is the stamp's, or a moment before (maybe in the
		// minute before).
		_, written, _ := strings.Cut(in.Reason, "thời gian ký ")
		at, err := time.Parse(time.RFC3339, written)
		if err != nil || at.After(in.SignedAt) || in.SignedAt.Sub(at) > time.Minute {
			t.Errorf("signature %d reason %q does not give the signing time %s", i+1, in.Reason, signing.ISOTime(in.SignedAt))
		}
	}
	if dir := os.Getenv("SIGNING_SAMPLE_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "nd30-deputy-images.pdf"), d.PDF, 0o644)
	}

	// The text: corrected header, number, KT. block.
	text := pdftotext(t, d.PDF)
	rows := columns(text)
	want := [][]string{
		{"UBND TỈNH KHÁNH HÒA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
		{"SỞ Y TẾ", "Độc lập - Tự do - Hạnh phúc"},
		{"KHÁNH HÒA"},
	}
	if len(rows) < 4 || fmt.Sprint(rows[:3]) != fmt.Sprint(want) || rows[3][0] != "Số: 01/BC-SYT" || !strings.HasPrefix(rows[3][1], "Khánh Hòa, ngày ") {
		t.Errorf("header %q, want %q then Số: 01/BC-SYT, Khánh Hòa, ngày …", rows[:min(4, len(rows))], want)
	}
	at := strings.LastIndex(text, "Nơi nhận:")
	at = strings.LastIndex(text[:at], "\n") + 1
	var block []string
	for _, ln := range strings.Split(text[at:], "\n") {
		if rs := []rune(ln); len(rs) > 45 {
			if right := strings.TrimSpace(string(rs[45:])); right != "" {
				block = append(block, right)
			}
		}
	}
	if got := strings.Join(block, " / "); got != "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / Nguyễn Văn Nghĩa" {
		t.Errorf("signature block %q", got)
	}

	// The page: the seal (red) covers 25–40 % of the signature (blue) from its left.
	page := lastPageImage(t, d.PDF)
	blue := inkBox(page, func(r, g, b int) bool { return b > 110 && b > r+50 && b > g+30 })
	red := inkBox(page, func(r, g, b int) bool { return r > 140 && r > g+70 && r > b+70 })
	if blue.Empty() || red.Empty() {
		t.Fatalf("no signature (%v) or seal (%v) on the page", blue, red)
	}
	lap := float64(red.Max.X-blue.Min.X) / float64(blue.Dx())
	t.Logf("signature %v, seal %v: the seal covers %.0f %% of the signature from its left", blue, red, lap*100)
	if red.Min.X >= blue.Min.X || lap < 0.25 || lap > 0.40 {
		t.Errorf("the seal %v covers %.0f %% of the signature %v, want 25–40 %% on its left", red, lap*100, blue)
	}
	// Actual size: 35 mm at the 100 dpi of the page image.
	if w := float64(red.Dx()) / 100 * 25.4; w < 33 || w > 37 {
		t.Errorf("the seal prints %.1f mm wide, want 35", w)
	}
	// Between the position and the name, centred in the right column.
	if blue.Dy() < 30 {
		t.Errorf("signature image %v too small", blue)
	}

	// The history shows the clerk's seal.
	hist, err := f.reports.History(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range hist {
		steps = append(steps, string(e.Action))
	}
	if s := strings.Join(steps, " "); !strings.HasSuffix(s, "sign seal") {
		t.Errorf("history %q does not end with the leader's signature and the clerk's seal", s)
	}
	if reports.ActionName(reports.Seal) != "Đóng dấu số" {
		t.Errorf("seal step named %q", reports.ActionName(reports.Seal))
	}
}

// lastPageImage renders the last page of data at 100 dpi with pdftoppm.
func lastPageImage(tb testing.TB, data []byte) image.Image {
	tb.Helper()
	dir := tb.TempDir()
	file := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		tb.Fatal(err)
	}
	var pages int
	for _, ln := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(ln, "Pages:") {
			fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(ln, "Pages:")), &pages)
		}
	}
	p := fmt.Sprint(pages)
	if out, err := exec.Command("pdftoppm", "-r", "100", "-f", p, "-l", p, "-png", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		tb.Fatalf("pdftoppm: %v %s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		tb.Fatal(err)
	}
	if d := os.Getenv("SIGNING_SAMPLE_DIR"); d != "" {
		_ = os.WriteFile(filepath.Join(d, strings.ReplaceAll(tb.Name(), "/", "-")+"-last-page.png"), raw, 0o644)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// inkBox is the bounding box of the pixels whose colour is.
func inkBox(img image.Image, is func(r, g, b int) bool) image.Rectangle {
	b := img.Bounds()
	out := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if is(int(r>>8), int(g>>8), int(bl>>8)) {
				out.Min.X, out.Min.Y = min(out.Min.X, x), min(out.Min.Y, y)
				out.Max.X, out.Max.Y = max(out.Max.X, x+1), max(out.Max.Y, y+1)
			}
		}
	}
	return out
}

// Bad uploads are refused with a Vietnamese message naming the field and
// change nothing.
func TestBadLetterheadInputChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	syte := f.unit(t, "so-y-te")
	if err := f.store.SetSignatureImage(f.ctx, f.leader, signing.DemoSignature()); err != nil {
		t.Fatal(err)
	}
	before, err := f.store.Letterhead(f.ctx, syte)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"not PNG":   []byte("GIF89a..."),
		"NUL":       make([]byte, 2048),
		"too big":   append(signing.DemoSignature(), make([]byte, signing.MaxImageBytes)...),
		"truncated": signing.DemoSignature()[:100],
	}
	for name, data := range bad {
		if err := f.store.SetSealImage(f.ctx, syte, data); apperr.Code(err) != apperr.Invalid || !strings.HasPrefix(apperr.FieldErrors(err)["seal"], "Ảnh con dấu: ") {
			t.Errorf("seal image %s: %v", name, err)
		}
	}
	if err := f.store.SetSealImage(f.ctx, syte, signing.DemoSignature()); apperr.Code(err) != apperr.Invalid {
		t.Errorf("a blue signature as the seal: %v", err)
	}
	bad["red"] = signing.DemoSeal("Sở Y tế")
	for name, data := range bad {
		err := f.store.SetSignatureImage(f.ctx, f.leader, data)
		if apperr.Code(err) != apperr.Invalid || !strings.HasPrefix(apperr.FieldErrors(err)["image"], "Ảnh chữ ký: ") {
			t.Errorf("signature image %s: %v", name, err)
		}
	}
	p, err := f.store.SignerProfile(f.ctx, f.leader.ID)
	if err != nil || !bytes.Equal(p.SignaturePNG, signing.DemoSignature()) {
		t.Errorf("the signature image changed after refused uploads (%v)", err)
	}
	lh, err := f.store.Letterhead(f.ctx, syte)
	if err != nil || !bytes.Equal(lh.SealPNG, before.SealPNG) || lh.Custom {
		t.Errorf("the letterhead changed after refused uploads (seal %d bytes, custom %v, %v)", len(lh.SealPNG), lh.Custom, err)
	}
	for _, c := range []struct{ parent, body, field string }{
		{"UBND TỈNH KHÁNH HÒA", "", "body"},
		{"UBND TỈNH KHÁNH HÒA", "A\nB\nC\nD", "body"},
		{"UBND\x00TỈNH", "SỞ Y TẾ", "parent"},
		{strings.Repeat("Ư", 61), "SỞ Y TẾ", "parent"},
	} {
		err := f.store.SetHeader(f.ctx, syte, c.parent, c.body)
		if apperr.Code(err) != apperr.Invalid || apperr.FieldErrors(err)[c.field] == "" {
			t.Errorf("header %q / %q: %v, want a message on %s", c.parent, c.body, err, c.field)
		}
	}
	if lh, _ := f.store.Letterhead(f.ctx, syte); lh.Custom {
		t.Error("a refused header was stored")
	}
	// Capacities: unknown, or by order without a position, or for a clerk.
	if err := f.store.SetCapacity(f.ctx, f.leader, "boss"); apperr.FieldErrors(err)["capacity"] == "" {
		t.Errorf("unknown capacity: %v", err)
	}
	if _, err := f.db.Exec(f.ctx, `UPDATE accounts SET position = '' WHERE id = $1`, f.leader.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetCapacity(f.ctx, f.account(t, "lanhdao.syte"), documents.CapacityByOrder); apperr.FieldErrors(err)["capacity"] == "" {
		t.Errorf("TL. without a position: %v", err)
	}
	if err := f.store.SetCapacity(f.ctx, f.clerk, documents.CapacityHead); apperr.FieldErrors(err)["capacity"] == "" {
		t.Errorf("a clerk's capacity: %v", err)
	}
	if p, _ := f.store.SignerProfile(f.ctx, f.leader.ID); p.Capacity != documents.CapacityFromPosition {
		t.Errorf("capacity %q stored after refusals", p.Capacity)
	}
}

// The demo TSA of local runs keeps its certificate across runs and is trusted.
func TestDemoTSAIsKeptAndTrusted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := t.TempDir()
	first, err := f.store.DemoTSA(f.ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.store.DemoTSA(f.ctx, dir)
	if err != nil || !again.Cert.Equal(first.Cert) {
		t.Fatalf("the demo TSA changed between runs (%v)", err)
	}
	srv := httptest.NewServer(again)
	t.Cleanup(srv.Close)
	f.store.TSAURL = srv.URL
	r := f.approved(t, 0)
	if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	_, infos, err := f.store.Signatures(f.ctx, f.report(t, r.ID))
	if err != nil || len(infos) != 1 || !infos[0].CertValid || infos[0].Profile() != "PAdES B-T" {
		t.Fatalf("signed with the demo TSA: %+v %v", infos, err)
	}

	// A new database beside the kept file (var/pg removed, var/demo-certs
	// kept) trusts the same TSA: its signatures are accepted.
	fresh := newFixture(t)
	kept, err := fresh.store.DemoTSA(fresh.ctx, dir)
	if err != nil || !kept.Cert.Equal(first.Cert) {
		t.Fatalf("the kept demo TSA on a new database: %v", err)
	}
	fresh.store.TSAURL = srv.URL
	r = fresh.approved(t, 0)
	if err := fresh.store.SignOnServer(fresh.ctx, r, fresh.leader, documents.Personal); err != nil {
		t.Fatalf("signing with the kept demo TSA on a new database: %v", err)
	}

	// Removed by an administrator, it is not trusted again at the next start.
	anchors, err := fresh.store.Anchors(fresh.ctx)
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	for _, a := range anchors {
		if a.Subject == documents.DemoTSAName {
			if err := fresh.store.RemoveAnchor(fresh.ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			removed++
		}
	}
	if removed != 1 {
		t.Fatalf("%d anchors named %q", removed, documents.DemoTSAName)
	}
	if _, err := fresh.store.DemoTSA(fresh.ctx, dir); err != nil {
		t.Fatal(err)
	}
	if anchors, err = fresh.store.Anchors(fresh.ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range anchors {
		if a.Subject == documents.DemoTSAName {
			t.Errorf("the demo TSA removed by an administrator is trusted again: %+v", a)
		}
	}
}

// TestFallbackStampsOnThePage: without uploaded images each signature is
// a framed text box, the leader's blue and the seal's red, at their sizes,
// their text drawn in the ink; opaque, they are embedded without a soft
// mask.
func TestFallbackStampsOnThePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.store.RemoveSignatureImage(f.ctx, f.leader); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RemoveSealImage(f.ctx, f.unit(t, "so-y-te")); err != nil {
		t.Fatal(err)
	}
	r := f.approved(t, 0)
	if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SignOnServer(f.ctx, f.report(t, r.ID), f.clerk, documents.Organisation); err != nil {
		t.Fatal(err)
	}
	d, infos, err := f.store.Signatures(f.ctx, f.report(t, r.ID))
	if err != nil || len(infos) != 2 || !infos[0].Valid || !infos[1].Valid {
		t.Fatalf("signatures %+v: %v", infos, err)
	}
	verifyElsewhere(t, d.PDF, 2)

	file := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, d.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command("pdfimages", "-list", file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v %s", err, list)
	}
	var images, masks int
	for _, ln := range strings.Split(string(list), "\n")[2:] {
		switch fields := strings.Fields(ln); {
		case len(fields) > 2 && fields[2] == "image":
			images++
		case len(fields) > 2 && fields[2] == "smask":
			masks++
		}
	}
	if images != 2 || masks != 0 {
		t.Errorf("%d images and %d soft masks embedded, want the 2 stamps without a mask:\n%s", images, masks, list)
	}

	page := lastPageImage(t, d.PDF)
	blue := inkBox(page, func(r, g, b int) bool { return b > 110 && b > r+50 && b > g+30 })
	red := inkBox(page, func(r, g, b int) bool { return r > 140 && r > g+70 && r > b+70 })
	// 100 dpi: the leader's box 150 × 62 pt, the seal's 110 × 62 pt over
	// its left 6 pt (the seal is drawn last: the leader's shows 144 pt).
	px := func(pt float64) int { return int(pt / 72 * 100) }
	near := func(got, want int) bool { return got >= want-3 && got <= want+3 }
	if !near(blue.Dx(), px(144)) || !near(blue.Dy(), px(62)) || !near(red.Dx(), px(110)) || !near(red.Dy(), px(62)) || !near(red.Max.X, blue.Min.X) {
		t.Errorf("the leader's stamp %v and the seal %v, want %d × %d and %d × %d px side by side", blue, red, px(144), px(62), px(110), px(62))
	}
	// Inside the frames, the lines of text in each ink.
	inside := func(box image.Rectangle, is func(r, g, b int) bool) int {
		n := 0
		for y := box.Min.Y + 4; y < box.Max.Y-4; y++ {
			for x := box.Min.X + 12; x < box.Max.X-4; x++ {
				r, g, b, _ := page.At(x, y).RGBA()
				if is(int(r>>8), int(g>>8), int(b>>8)) {
					n++
				}
			}
		}
		return n
	}
	if n := inside(blue, func(r, g, b int) bool { return b > 110 && b > r+50 && b > g+30 }); n < 300 {
		t.Errorf("%d pixels of blue text inside the leader's stamp", n)
	}
	if n := inside(red, func(r, g, b int) bool { return r > 140 && r > g+70 && r > b+70 }); n < 200 {
		t.Errorf("%d pixels of red text inside the seal", n)
	}
}
