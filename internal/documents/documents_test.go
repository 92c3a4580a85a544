package documents_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/documents"
	"baocao/internal/jobs"
	"baocao/internal/notify"
	"baocao/internal/reports"
	"baocao/internal/secretbox"
	"baocao/internal/seed"
	"baocao/internal/signing"
	"baocao/internal/units"
	"baocao/internal/vn"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/verify"
)

func TestMain(m *testing.M) {
	// The audit package logs through the default logger; keep test output readable.
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

type fixture struct {
	ctx     context.Context
	db      *database.DB
	store   *documents.Store
	reports *reports.Store
	leader  *accounts.Account // lanhdao.syte, Nguyễn Văn Nghĩa
	clerk   *accounts.Account // vanthu.syte
	certDir string
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "kiemthu", IP: "127.0.0.1"})
	db := dbtest.New(tb)
	box := secretbox.New([32]byte{1, 2, 3})
	dir := tb.TempDir()
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatal(err)
	}
	if _, err := seed.Demo(ctx, db); err != nil {
		tb.Fatal(err)
	}
	if err := seed.DemoRegimes(ctx, db); err != nil {
		tb.Fatal(err)
	}
	as := accounts.NewStore(db, box)
	rs := reports.NewStore(db)
	f := &fixture{ctx: ctx, db: db, reports: rs, store: documents.NewStore(db, rs, units.NewStore(db), as, box), certDir: dir}
	if err := f.store.DemoCertificates(ctx, dir, seed.DemoPassword); err != nil {
		tb.Fatal(err)
	}
	for _, p := range []struct {
		a    **accounts.Account
		name string
	}{{&f.leader, "lanhdao.syte"}, {&f.clerk, "vanthu.syte"}} {
		var id int64
		if err := db.QueryRow(ctx, `SELECT id FROM accounts WHERE username = $1`, p.name).Scan(&id); err != nil {
			tb.Fatal(err)
		}
		a, err := as.Account(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		*p.a = a
	}
	return f
}

// approved returns Sở Y tế's monthly report of the nth newest period,
// approved; the periods after the first are ad-hoc ones opened here.
func (f *fixture) approved(tb testing.TB, nth int) *reports.Report {
	tb.Helper()
	var id int64
	if nth > 0 {
		var regime int64
		if err := f.db.QueryRow(f.ctx, `SELECT id FROM regimes WHERE frequency = 'monthly'`).Scan(&regime); err != nil {
			tb.Fatal(err)
		}
		day := time.Date(2026, time.Month(nth), 1, 0, 0, 0, 0, time.UTC)
		if _, err := f.reports.OpenAdHoc(f.ctx, regime, "Đột xuất "+strconv.Itoa(nth), day, day.AddDate(0, 0, 10)); err != nil {
			tb.Fatal(err)
		}
	}
	err := f.db.QueryRow(f.ctx, `
		SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		JOIN units u ON u.id = r.unit_id
		WHERE u.key = 'so-y-te' AND g.frequency = 'monthly' ORDER BY r.id DESC LIMIT 1`).Scan(&id)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, id); err != nil {
		tb.Fatal(err)
	}
	return f.report(tb, id)
}

func (f *fixture) report(tb testing.TB, id int64) *reports.Report {
	tb.Helper()
	r, err := f.reports.Report(f.ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// verifyElsewhere has poppler's pdfsig and pdfsign's own verifier check
// the file: both must find want signatures, each intact.
func verifyElsewhere(tb testing.TB, data []byte, want int) {
	tb.Helper()
	if _, err := exec.LookPath("pdfsig"); err != nil {
		tb.Fatal("pdfsig (poppler-utils) is missing: make test installs it")
	}
	file := filepath.Join(tb.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", file).CombinedOutput()
	text := string(out)
	if n := strings.Count(text, "Signature Validation: Signature is Valid."); n != want {
		tb.Fatalf("pdfsig: %d valid signatures, want %d:\n%s", n, want, text)
	}
	// pdfsig calls a signature followed by validation data (DSS) "Not
	// total document signed"; the revision it signs is the whole file up
	// to that update, which our verifier checks adds nothing else.
	infos, err := signing.Verify(data, nil, nil)
	if err != nil || len(infos) != want || !infos[want-1].CoversWholeDocument {
		tb.Fatalf("the last signature does not cover the file: %+v %v", infos, err)
	}
	r := infos[want-1].ByteRange
	if err := os.WriteFile(file, data[:r[2]+r[3]], 0o600); err != nil {
		tb.Fatal(err)
	}
	if out, _ := exec.Command("pdfsig", file).CombinedOutput(); !strings.Contains(string(out), "Total document signed") {
		tb.Fatalf("pdfsig on the last signed revision:\n%s", out)
	}
	opts := verify.DefaultVerifyOptions()
	opts.TrustSignatureTime = true
	resp, err := verify.VerifyWithOptions(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		tb.Fatal(err)
	}
	if len(resp.Signers) != want {
		tb.Fatalf("pdfsign: %d signers, want %d (%s)", len(resp.Signers), want, resp.Error)
	}
	for i, s := range resp.Signers {
		if !s.ValidSignature {
			tb.Errorf("pdfsign: signature %d (%s) not valid: %s", i+1, s.Name, resp.Error)
		}
	}
}

func pdftotext(tb testing.TB, data []byte) string {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v %s", err, out)
	}
	return string(out)
}

func TestLeaderThenSealThenSendAndAccept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.approved(t, 0)
	if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	r = f.report(t, r.ID)
	if r.Status != "signed" {
		t.Fatalf("status %q after the leader signed, want signed", r.Status)
	}
	// Not sendable before the seal.
	if err := f.store.Move(f.ctx, r, reports.Send); apperr.Code(err) != apperr.Conflict {
		t.Fatalf("send before the seal: %v, want a conflict", err)
	}
	if err := f.store.SignOnServer(f.ctx, r, f.clerk, documents.Organisation); err != nil {
		t.Fatal(err)
	}
	d, infos, err := f.store.Signatures(f.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if d.Stage != documents.Organisation || d.Number != "01/BC-SYT" {
		t.Fatalf("document stage %q number %q", d.Stage, d.Number)
	}
	if len(infos) != 2 {
		t.Fatalf("%d signatures, want 2", len(infos))
	}
	for i, in := range infos {
		if !in.Valid || !in.CertValid {
			t.Errorf("signature %d: %+v", i+1, in)
		}
	}
	if infos[0].Name != "Nguyễn Văn Nghĩa" || infos[1].Name != "Sở Y tế" {
		t.Errorf("signers %q, %q", infos[0].Name, infos[1].Name)
	}
	// The answer kept when the seal was stored is what a verification
	// of the stored file gives (a store that remembers none).
	fresh := documents.NewStore(f.db, f.reports, units.NewStore(f.db), accounts.NewStore(f.db, secretbox.New([32]byte{1, 2, 3})), secretbox.New([32]byte{1, 2, 3}))
	if _, again, err := fresh.Signatures(f.ctx, r); err != nil || !reflect.DeepEqual(again, infos) {
		t.Errorf("the answer kept at signing differs from a fresh verification (%v):\n%+v\n%+v", err, infos, again)
	}
	// The dictionary gives the reason and the signing time (ISO 8601, Vietnam time).
	if !strings.HasPrefix(infos[0].Reason, "Phê duyệt văn bản; thời gian ký 20") || !strings.HasSuffix(infos[0].Reason, "+07:00") {
		t.Errorf("reason %q", infos[0].Reason)
	}
	verifyElsewhere(t, d.PDF, 2)
	if dir := os.Getenv("SIGNING_SAMPLE_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "bao-cao-da-ky.pdf"), d.PDF, 0o644)
	}
	text := pdftotext(t, d.PDF)
	for _, want := range []string{"Số: 01/BC-SYT", "Nguyễn Văn Nghĩa", "GIÁM ĐỐC", "Kính gửi", "Nơi nhận"} {
		if !strings.Contains(text, want) {
			t.Errorf("document text lacks %q", want)
		}
	}

	if err := f.store.Move(f.ctx, r, reports.Send); err != nil {
		t.Fatal(err)
	}
	r = f.report(t, r.ID)
	if err := f.store.Move(f.ctx, r, reports.Accept); err != nil {
		t.Fatal(err)
	}
	if r = f.report(t, r.ID); r.Status != "accepted" {
		t.Fatalf("status %q, want accepted", r.Status)
	}
}

func TestNumbersArePerUnitAndYearAndKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first, second := f.approved(t, 0), f.approved(t, 1)
	d1, err := f.store.Prepare(f.ctx, first, f.leader, documents.Personal)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := f.store.Prepare(f.ctx, second, f.leader, documents.Personal)
	if err != nil {
		t.Fatal(err)
	}
	if d1.Number != "01/BC-SYT" || d2.Number != "02/BC-SYT" {
		t.Fatalf("numbers %q, %q", d1.Number, d2.Number)
	}
	// Issued again for another leader: re-rendered, same number.
	other := *f.leader
	other.ID, other.FullName = f.clerk.ID, "Trần Thị Ĩnh"
	again, err := f.store.Prepare(f.ctx, first, &other, documents.Personal)
	if err != nil {
		t.Fatal(err)
	}
	if again.Number != d1.Number || bytes.Equal(again.PDF, d1.PDF) {
		t.Fatalf("re-issued %q (same bytes %v), want %q re-rendered", again.Number, bytes.Equal(again.PDF, d1.PDF), d1.Number)
	}
	if !strings.Contains(pdftotext(t, again.PDF), "Trần Thị Ĩnh") {
		t.Error("the re-issued document does not name the new signer")
	}
	// Identical input renders identical bytes.
	same, err := f.store.Prepare(f.ctx, first, &other, documents.Personal)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(same.PDF, again.PDF) {
		t.Error("the same document was rendered twice differently")
	}
}

// forge signs the document issued to the leader with another key pair.
func (f *fixture) forge(tb testing.TB, r *reports.Report, s signing.Signer, mutate func([]byte) []byte) (signed, sum []byte) {
	tb.Helper()
	d, err := f.store.Prepare(f.ctx, r, f.leader, documents.Personal)
	if err != nil {
		tb.Fatal(err)
	}
	h := sha256.Sum256(d.PDF)
	src := d.PDF
	if mutate != nil {
		src = mutate(bytes.Clone(src))
	}
	out, err := signing.Sign(src, s, time.Now(), signing.Placement{})
	if err != nil {
		tb.Fatal(err)
	}
	return out, h[:]
}

func TestAttachRefusesForgedUploads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.approved(t, 0)
	trusted, err := signing.NewDemoCA("CA kiểm thử")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddAnchors(f.ctx, documents.PEM(trusted.Cert)); err != nil {
		t.Fatal(err)
	}
	rogue, err := signing.NewDemoCA("CA giả mạo")
	if err != nil {
		t.Fatal(err)
	}
	issue := func(ca *signing.CA, valid time.Duration) signing.Signer {
		c, k, err := ca.Issue("Nguyễn Văn Nghĩa", "Sở Y tế", valid)
		if err != nil {
			t.Fatal(err)
		}
		return signing.Signer{Cert: c, Key: k}
	}
	register := func(s signing.Signer) {
		if err := f.store.RegisterCertificate(f.ctx, documents.Owner{AccountID: f.leader.ID}, documents.PEM(s.Cert)); err != nil {
			t.Fatal(err)
		}
	}
	withdraw := func(ca *signing.CA) {
		anchors, err := f.store.Anchors(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range anchors {
			if a.Subject == ca.Cert.Subject.CommonName {
				if err := f.store.RemoveAnchor(f.ctx, a.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	mine := issue(trusted, 24*time.Hour)
	// Registration itself refuses a certificate of an untrusted CA, and one
	// already registered to someone else.
	if err := f.store.RegisterCertificate(f.ctx, documents.Owner{AccountID: f.leader.ID}, documents.PEM(issue(rogue, time.Hour).Cert)); apperr.Code(err) != apperr.Invalid {
		t.Fatalf("an untrusted certificate registered: %v", err)
	}
	register(mine)
	if err := f.store.RegisterCertificate(f.ctx, documents.Owner{AccountID: f.clerk.ID}, documents.PEM(mine.Cert)); apperr.Code(err) != apperr.Invalid {
		t.Fatalf("the leader's certificate registered to the clerk: %v", err)
	}
	cases := []struct {
		name  string
		setup func() ([]byte, []byte)
		want  string
	}{
		{"wrong bytes", func() ([]byte, []byte) {
			register(mine)
			// One byte of the first page's content changed before signing.
			return f.forge(t, r, mine, func(b []byte) []byte {
				i := bytes.Index(b, []byte("stream\n"))
				b[i+len("stream\n")+5] ^= 1
				return b
			})
		}, apperr.Invalid},
		{"page content rewritten in the signed update", func() ([]byte, []byte) {
			register(mine)
			return f.forge(t, r, mine, func(b []byte) []byte { return rewritePage1(t, b) })
		}, apperr.Invalid},
		{"page content rewritten after signing", func() ([]byte, []byte) {
			register(mine)
			signed, sum := f.forge(t, r, mine, nil)
			return rewritePage1(t, signed), sum
		}, apperr.Invalid},
		{"another certificate", func() ([]byte, []byte) {
			register(mine)
			return f.forge(t, r, issue(trusted, 24*time.Hour), nil)
		}, apperr.Forbidden},
		{"untrusted root", func() ([]byte, []byte) {
			// Registered while its CA was trusted; the trust is withdrawn since.
			s := issue(rogue, 24*time.Hour)
			if _, err := f.store.AddAnchors(f.ctx, documents.PEM(rogue.Cert)); err != nil {
				t.Fatal(err)
			}
			register(s)
			withdraw(rogue)
			return f.forge(t, r, s, nil)
		}, apperr.Invalid},
		{"expired certificate", func() ([]byte, []byte) {
			s := issue(trusted, time.Hour)
			register(s)
			signed, sum := f.forge(t, r, s, nil)
			f.store.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
			return signed, sum
		}, apperr.Conflict},
	}
	for _, c := range cases {
		f.store.Now = time.Now
		before, err := f.store.Current(f.ctx, r)
		if err != nil && !errors.Is(err, documents.ErrNoDocument) { // none before the first case
			t.Fatal(err)
		}
		signed, sum := c.setup()
		err = f.store.Attach(f.ctx, r, f.leader, documents.Personal, signed, sum)
		if apperr.Code(err) != c.want {
			t.Errorf("%s: %v (%s), want %s", c.name, err, apperr.Code(err), c.want)
		}
		after, err := f.store.Current(f.ctx, f.report(t, r.ID))
		if err != nil {
			t.Fatal(err)
		}
		if after.Stage != documents.Issued || (before != nil && !bytes.Equal(before.PDF, after.PDF)) {
			t.Errorf("%s: the document changed (stage %s)", c.name, after.Stage)
		}
		if st := f.report(t, r.ID).Status; st != "approved" {
			t.Errorf("%s: status %s", c.name, st)
		}
	}
	// The genuine one passes, once, with the validation data (DSS) the
	// signing software may append after its signature.
	f.store.Now = time.Now
	register(mine)
	signed, sum := f.forge(t, r, mine, nil)
	pool := x509.NewCertPool()
	pool.AddCert(trusted.Cert)
	if signed, err = signing.AddValidationData(signed, pool, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Attach(f.ctx, r, f.leader, documents.Personal, signed, sum); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Attach(f.ctx, f.report(t, r.ID), f.leader, documents.Personal, signed, sum); apperr.Code(err) != apperr.Conflict {
		t.Fatalf("a second upload: %v, want a conflict", err)
	}
}

func TestTokensWorkOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.approved(t, 0)
	dl, ul, err := f.store.Tokens(f.ctx, r, f.leader, documents.Personal)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.store.Redeem(f.ctx, dl, "download")
	if err != nil || tok.AccountID != f.leader.ID || tok.ReportID != r.ID {
		t.Fatalf("redeem: %+v %v", tok, err)
	}
	if _, err := f.store.Redeem(f.ctx, dl, "download"); apperr.Code(err) != apperr.Forbidden {
		t.Fatalf("second redeem: %v", err)
	}
	if _, err := f.store.Redeem(f.ctx, ul, "download"); apperr.Code(err) != apperr.Forbidden {
		t.Fatalf("upload token used to download: %v", err)
	}
	f.store.Now = func() time.Time { return time.Now().Add(time.Hour) }
	if _, err := f.store.Redeem(f.ctx, ul, "upload"); apperr.Code(err) != apperr.Forbidden {
		t.Fatalf("expired token: %v", err)
	}
}

func TestSendRefusedWhenTrustIsWithdrawn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.approved(t, 0)
	for _, step := range []struct {
		a     *accounts.Account
		stage documents.Stage
	}{{f.leader, documents.Personal}, {f.clerk, documents.Organisation}} {
		if err := f.store.SignOnServer(f.ctx, f.report(t, r.ID), step.a, step.stage); err != nil {
			t.Fatal(err)
		}
	}
	// Checked (and the answer kept) while the anchors are trusted: the
	// withdrawal below must not be hidden by the kept answer.
	for range 2 {
		_, infos, err := f.store.Signatures(f.ctx, f.report(t, r.ID))
		if err != nil || len(infos) != 2 || !infos[0].Valid || !infos[0].CertValid || !infos[1].Valid || !infos[1].CertValid {
			t.Fatalf("signatures before the withdrawal: %+v, %v", infos, err)
		}
	}
	anchors, err := f.store.Anchors(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range anchors {
		if err := f.store.RemoveAnchor(f.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, infos, err := f.store.Signatures(f.ctx, f.report(t, r.ID)); err != nil || len(infos) == 0 || infos[0].CertValid {
		t.Fatalf("signatures after the withdrawal: %+v, %v", infos, err)
	}
	r = f.report(t, r.ID)
	err = f.store.Move(f.ctx, r, reports.Send)
	if apperr.Code(err) != apperr.Conflict || !strings.Contains(apperr.Message(err), "không hợp lệ") {
		t.Fatalf("send with an untrusted signature: %v", err)
	}
	if st := f.report(t, r.ID).Status; st != "signed" {
		t.Fatalf("status %s, want signed", st)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{1, "01/BC-SYT"}, {9, "09/BC-SYT"}, {10, "10/BC-SYT"}, {123, "123/BC-SYT"}} {
		if got := documents.Number(c.n, "BC-SYT"); got != c.want {
			t.Errorf("Number(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestSymbol(t *testing.T) {
	for _, c := range []struct{ name, kind, want string }{
		{"Ủy ban nhân dân phường Nha Trang", "ubnd-xa", "BC-UBND"},
		{"Sở Y tế", "so", "BC-SYT"},
		{"Sở Khoa học và Công nghệ", "so", "BC-SKHCN"},
	} {
		if got := documents.Symbol(c.name, c.kind); got != c.want {
			t.Errorf("Symbol(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// rewritePage1 appends an update redefining page 1's content stream: a
// forger with a real key would then sign the result.
func rewritePage1(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		tb.Fatal(err)
	}
	contents := rdr.Page(1).V.Key("Contents")
	if contents.Kind() == pdf.Array {
		contents = contents.Index(0)
	}
	ptr, root := contents.GetPtr(), rdr.Trailer().Key("Root").GetPtr()
	prev := bytes.LastIndex(doc, []byte("startxref"))
	body := "BT /F1 24 Tf 100 700 Td (999999) Tj ET"
	var b bytes.Buffer
	b.Write(doc)
	at := b.Len() + 1
	fmt.Fprintf(&b, "\n%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", ptr.GetID(), len(body), body)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		ptr.GetID(), at, rdr.Trailer().Key("Size").Int64(), root.GetID(), strings.Fields(string(doc[prev+9:]))[0], xref)
	return b.Bytes()
}

func TestHeader(t *testing.T) {
	for _, c := range []struct{ name, kind, parent, wantParent, wantBody string }{
		{"Ủy ban nhân dân xã Cam Lâm", "ubnd-xa", "Ủy ban nhân dân tỉnh Khánh Hòa", "", "ỦY BAN NHÂN DÂN\nXÃ CAM LÂM"},
		{"Ủy ban nhân dân phường Nha Trang", "ubnd-xa", "Ủy ban nhân dân tỉnh Khánh Hòa", "", "ỦY BAN NHÂN DÂN\nPHƯỜNG NHA TRANG"},
		{"Ủy ban nhân dân đặc khu Trường Sa", "ubnd-xa", "Ủy ban nhân dân tỉnh Khánh Hòa", "", "ỦY BAN NHÂN DÂN\nĐẶC KHU TRƯỜNG SA"},
		{"Ủy ban nhân dân tỉnh Khánh Hòa", "ubnd-tinh", "", "", "ỦY BAN NHÂN DÂN\nTỈNH KHÁNH HÒA"},
		{"Sở Y tế", "so", "Ủy ban nhân dân tỉnh Khánh Hòa", "UBND TỈNH KHÁNH HÒA", "SỞ Y TẾ"},
		{"Sở Nông nghiệp và Môi trường", "so", "Ủy ban nhân dân tỉnh Khánh Hòa", "UBND TỈNH KHÁNH HÒA", "SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG"},
		{"Văn phòng Ủy ban nhân dân tỉnh", "van-phong", "Ủy ban nhân dân tỉnh Khánh Hòa", "UBND TỈNH KHÁNH HÒA", "VĂN PHÒNG\nỦY BAN NHÂN DÂN\nTỈNH"},
		{"Thuế tỉnh Khánh Hòa", "trung-uong", "Ủy ban nhân dân tỉnh Khánh Hòa", "", "THUẾ\nTỈNH KHÁNH HÒA"},
	} {
		parent, body := documents.Header(&units.Unit{Name: c.name, Kind: c.kind, ParentName: c.parent})
		if parent != c.wantParent || body != c.wantBody {
			t.Errorf("Header(%q) = %q, %q; want %q, %q", c.name, parent, body, c.wantParent, c.wantBody)
		}
	}
}

func TestPlaceName(t *testing.T) {
	for in, want := range map[string]string{
		"Ủy ban nhân dân xã Cam Lâm":                      "Cam Lâm",
		"Ủy ban nhân dân phường Nha Trang":                "Nha Trang",
		"Ủy ban nhân dân đặc khu Trường Sa":               "Trường Sa",
		"Ủy ban nhân dân tỉnh Khánh Hòa":                  "Khánh Hòa",
		"Ủy ban nhân dân tỉnh Khánh Hòa (trước hợp nhất)": "Khánh Hòa",
		"Ủy ban nhân dân thành phố Cam Ranh":              "Cam Ranh",
		"Ủy ban nhân dân thị xã Ninh Hòa":                 "Ninh Hòa",
		"Ủy ban nhân dân huyện Khánh Vĩnh":                "Khánh Vĩnh",
	} {
		if got := documents.PlaceName(in); got != want {
			t.Errorf("PlaceName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, c := range []struct{ regime, period, want string }{
		{"Báo cáo tình hình kinh tế - xã hội tháng", "Tháng 3/2026", "Tình hình kinh tế - xã hội tháng 3/2026"},
		{"Báo cáo kết quả công tác y tế cơ sở tháng", "Tháng 12/2026", "Kết quả công tác y tế cơ sở tháng 12/2026"},
		{"Báo cáo tình hình, kết quả giải quyết thủ tục hành chính quý", "Quý I/2026", "Tình hình, kết quả giải quyết thủ tục hành chính quý I/2026"},
		{"Báo cáo tình hình sử dụng Hệ thống thông tin báo cáo 6 tháng", "6 tháng đầu năm 2026", "Tình hình sử dụng Hệ thống thông tin báo cáo 6 tháng đầu năm 2026"},
		{"Báo cáo công tác phòng, chống thiên tai", "Năm 2026", "Công tác phòng, chống thiên tai năm 2026"},
		{"Báo cáo tình hình kinh tế - xã hội tháng", "Đột xuất 1", "Tình hình kinh tế - xã hội tháng – Đột xuất 1"},
		{"Tình hình dịch bệnh", "", "Tình hình dịch bệnh"},
	} {
		if got := documents.Summary(c.regime, c.period); got != c.want {
			t.Errorf("Summary(%q, %q) = %q, want %q", c.regime, c.period, got, c.want)
		}
	}
}

func TestSignatureBlock(t *testing.T) {
	for _, c := range []struct {
		kind, position string
		want           documents.Signature
	}{
		{"ubnd-xa", "Chủ tịch Ủy ban nhân dân xã", documents.Signature{"TM. ỦY BAN NHÂN DÂN", "", "CHỦ TỊCH"}},
		{"ubnd-xa", "Phó Chủ tịch Ủy ban nhân dân phường", documents.Signature{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}},
		{"ubnd-tinh", "Phó Chủ tịch", documents.Signature{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}},
		{"ubnd-xa", "", documents.Signature{"TM. ỦY BAN NHÂN DÂN", "", "CHỦ TỊCH"}},
		{"so", "Giám đốc Sở", documents.Signature{"", "", "GIÁM ĐỐC"}},
		{"so", "Phó Giám đốc Sở", documents.Signature{"", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"}},
		{"so", "Quyền Giám đốc", documents.Signature{"", "", "Q. GIÁM ĐỐC"}},
		{"van-phong", "Phó Chánh Văn phòng", documents.Signature{"", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"}},
		{"so", "Trưởng phòng Kế hoạch - Tài chính", documents.Signature{"", "", "TRƯỞNG PHÒNG KẾ HOẠCH - TÀI CHÍNH"}},
		{"so", "", documents.Signature{"", "", "THỦ TRƯỞNG CƠ QUAN"}},
	} {
		if got := documents.SignatureBlock(c.kind, c.position); got != c.want {
			t.Errorf("SignatureBlock(%q, %q) = %+v, want %+v", c.kind, c.position, got, c.want)
		}
	}
}

// TestApprovalRendersTheDocumentToSign: the leader's approval has the
// document rendered in the background (the river runner works the
// approval's event), numbered, with the leader in its block; the leader's
// signature then signs those very bytes. A document rendered the day
// before is rendered again, dated today, with its number kept.
func TestApprovalRendersTheDocumentToSign(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := jobs.New(f.db, log, jobs.Work{Notifications: notify.New(f.db, &notify.Mailer{}, log), Documents: f.store}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(f.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = runner.Stop(stop)
	})
	approve := func(nth int) *reports.Report {
		r := f.approved(t, nth)
		if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'awaiting_approval' WHERE id = $1`, r.ID); err != nil {
			t.Fatal(err)
		}
		ctx := audit.WithActor(f.ctx, audit.Actor{AccountID: f.leader.ID, Name: f.leader.FullName})
		if err := f.reports.Move(ctx, f.report(t, r.ID), reports.Approve, "", reports.Marks{}); err != nil {
			t.Fatal(err)
		}
		return f.report(t, r.ID)
	}
	issued := func(r *reports.Report) *documents.Document {
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
			d, err := f.store.Current(f.ctx, r)
			if err == nil {
				return d
			}
			if !errors.Is(err, documents.ErrNoDocument) {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond) // polling for the condition, not waiting a fixed time
		}
		t.Fatal("the approval rendered no document")
		return nil
	}

	r := approve(0)
	d := issued(r)
	if d.Stage != documents.Issued || d.Number != "01/BC-SYT" || d.SignerID != f.leader.ID || d.Revision != r.Revision {
		t.Fatalf("issued on approval: %s %q signer %d revision %d", d.Stage, d.Number, d.SignerID, d.Revision)
	}
	if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	signed, err := f.store.Current(f.ctx, f.report(t, r.ID))
	if err != nil {
		t.Fatal(err)
	}
	if signed.Stage != documents.Personal || !bytes.HasPrefix(signed.PDF, d.PDF) {
		t.Errorf("the leader signed %s, not the document rendered on approval", signed.Stage)
	}

	// Approved one day, signed the next: dated again, the same number.
	r = approve(1)
	d = issued(r)
	tomorrow := f.store.Now().AddDate(0, 0, 1)
	f.store.Now = func() time.Time { return tomorrow }
	if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	signed, err = f.store.Current(f.ctx, f.report(t, r.ID))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(signed.PDF, d.PDF) || signed.Number != d.Number || d.Number != "02/BC-SYT" {
		t.Errorf("signed the next day: number %q (rendered %q), the approval's bytes kept %v", signed.Number, d.Number, bytes.HasPrefix(signed.PDF, d.PDF))
	}
	day := tomorrow.In(vn.Location)
	if want := fmt.Sprintf("ngày %02d tháng %02d năm %d", day.Day(), day.Month(), day.Year()); !strings.Contains(pdftotext(t, signed.PDF), want) {
		t.Errorf("the document signed the next day is not dated %q", want)
	}

	// Moves other than an approval render nothing.
	other := f.approved(t, 2)
	if err := f.store.ReportMoved(f.ctx, 0, reports.Moved{ReportID: other.ID, Action: reports.Submit, Version: other.Version, ActorID: f.leader.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Current(f.ctx, other); !errors.Is(err, documents.ErrNoDocument) {
		t.Errorf("a submission rendered the document: %v", err)
	}
}
