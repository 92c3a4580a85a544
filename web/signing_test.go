package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/documents"
	"baocao/internal/signing"
)

// signingFixture is an approved report of xa-22366, whose leader signs with
// a USB token (only the certificate is registered) and whose clerk seals.
type signingFixture struct {
	h              *harness
	id             int64
	leader, clerk  *accounts.Account
	ca, rogue      *signing.CA
	token, sealKey signing.Signer
}

func newSigningFixture(t *testing.T) *signingFixture {
	h := newHarness(t)
	f := &signingFixture{h: h, id: h.report("xa-22366", "so-y-te"),
		leader: h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve),
		clerk:  h.account("vanthu.nhatrang", "xa-22366", accounts.User, accounts.Send)}
	var err error
	if f.ca, err = signing.NewDemoCA("CA kiểm thử"); err != nil {
		t.Fatal(err)
	}
	if f.rogue, err = signing.NewDemoCA("CA giả mạo"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.documents.AddAnchors(h.ctx, documents.PEM(f.ca.Cert)); err != nil {
		t.Fatal(err)
	}
	f.token = f.issue(t, f.ca, "Nguyễn Văn Nghĩa", 24*time.Hour)
	f.register(t, documents.Owner{AccountID: f.leader.ID}, f.token)
	f.sealKey = f.issue(t, f.ca, "Ủy ban nhân dân phường Nha Trang", 24*time.Hour)
	f.sealKey.Organization = true
	f.register(t, documents.Owner{UnitID: h.unit("xa-22366").ID}, f.sealKey)
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, f.id); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *signingFixture) issue(t *testing.T, ca *signing.CA, name string, valid time.Duration) signing.Signer {
	t.Helper()
	c, k, err := ca.Issue(name, "Ủy ban nhân dân phường Nha Trang", valid)
	if err != nil {
		t.Fatal(err)
	}
	return signing.Signer{Cert: c, Key: k}
}

func (f *signingFixture) register(t *testing.T, o documents.Owner, s signing.Signer) {
	t.Helper()
	if err := f.h.s.documents.RegisterCertificate(f.h.ctx, o, documents.PEM(s.Cert)); err != nil {
		t.Fatal(err)
	}
}

func (f *signingFixture) status(t *testing.T) string {
	t.Helper()
	var s string
	if err := f.h.db.QueryRow(f.h.ctx, `SELECT status FROM reports WHERE id = $1`, f.id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// tokens asks for the plugin's pair of URLs as the page does.
func (f *signingFixture) tokens(t *testing.T, a *accounts.Account, step string) (file, upload string) {
	t.Helper()
	cookie, csrf := f.h.sessionFor(a)
	req := newFormRequest(http.MethodPost, reportPath(f.id)+"/"+step+"/tokens", url.Values{})
	req.Header.Set("X-CSRF-Token", csrf)
	req.AddCookie(cookie)
	rec := serve(f.h, req)
	var params struct{ FileName, FileUploadHandler string }
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &params) != nil {
		t.Fatalf("tokens: %d %s", rec.Code, rec.Body.String())
	}
	return localURL(t, params.FileName), localURL(t, params.FileUploadHandler)
}

func localURL(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("not an absolute URL: %q", raw)
	}
	return u.Path
}

// fetch is the VGCA service fetching the document: no cookie.
func (f *signingFixture) fetch(t *testing.T, path string) []byte {
	t.Helper()
	rec := serve(f.h, newFormRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("fetch %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

// upload is the VGCA service posting the signed file: no cookie, no CSRF.
func (f *signingFixture) upload(t *testing.T, path string, data []byte) (int, bool, string) {
	t.Helper()
	rec := serve(f.h, multipartRequest(path, nil, "uploadfile", "signed.pdf", data))
	var answer struct {
		Status  bool
		Message string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
		t.Fatalf("upload answer is not JSON: %d %s", rec.Code, rec.Body.String())
	}
	return rec.Code, answer.Status, answer.Message
}

func sign(t *testing.T, data []byte, s signing.Signer) []byte {
	t.Helper()
	out, err := signing.Sign(data, s, time.Now(), signing.Placement{Page: 0, X: 300, Y: 100, W: 150, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVGCATokenUploadRefusesForgeries(t *testing.T) {
	t.Parallel()
	f := newSigningFixture(t)
	t.Cleanup(func() { f.h.s.documents.Now = time.Now })

	// The pair works for the leader only.
	cookie, csrf := f.h.sessionFor(f.clerk)
	req := newFormRequest(http.MethodPost, reportPath(f.id)+"/sign/tokens", url.Values{})
	req.Header.Set("X-CSRF-Token", csrf)
	req.AddCookie(cookie)
	if rec := serve(f.h, req); rec.Code != http.StatusForbidden {
		t.Fatalf("clerk asking for the leader's tokens: %d", rec.Code)
	}

	cases := []struct {
		name   string
		forge  func(issued []byte) []byte
		before func()
		code   int
	}{
		{"wrong bytes", func(issued []byte) []byte {
			b := bytes.Clone(issued)
			i := bytes.Index(b, []byte("stream\n"))
			b[i+len("stream\n")+5] ^= 1
			return sign(t, b, f.token)
		}, nil, http.StatusUnprocessableEntity},
		{"other certificate", func(issued []byte) []byte {
			return sign(t, issued, f.issue(t, f.ca, "Nguyễn Văn Nghĩa", 24*time.Hour))
		}, nil, http.StatusForbidden},
		{"untrusted root", func(issued []byte) []byte {
			// Registered while its CA was trusted; the trust is withdrawn since.
			rogue := f.issue(t, f.rogue, "Nguyễn Văn Nghĩa", 24*time.Hour)
			if _, err := f.h.s.documents.AddAnchors(f.h.ctx, documents.PEM(f.rogue.Cert)); err != nil {
				t.Fatal(err)
			}
			f.register(t, documents.Owner{AccountID: f.leader.ID}, rogue)
			anchors, _ := f.h.s.documents.Anchors(f.h.ctx)
			for _, a := range anchors {
				if a.Subject == f.rogue.Cert.Subject.CommonName {
					_ = f.h.s.documents.RemoveAnchor(f.h.ctx, a.ID)
				}
			}
			defer f.register(t, documents.Owner{AccountID: f.leader.ID}, f.token)
			return sign(t, issued, rogue)
		}, nil, http.StatusUnprocessableEntity},
		{"expired certificate", func(issued []byte) []byte {
			short := f.issue(t, f.ca, "Nguyễn Văn Nghĩa", time.Hour)
			f.register(t, documents.Owner{AccountID: f.leader.ID}, short)
			signed := sign(t, issued, short)
			f.h.s.documents.Now = func() time.Time { return time.Now().Add(2 * time.Hour) } // an hour after it expired
			return signed
		}, func() { f.h.s.documents.TokenTTL = 3 * time.Hour }, http.StatusConflict},
		{"not a PDF", func([]byte) []byte { return []byte("GIF89a") }, nil, http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		f.h.s.documents.Now, f.h.s.documents.TokenTTL = time.Now, 10*time.Minute
		if c.before != nil {
			c.before()
		}
		file, upload := f.tokens(t, f.leader, "sign")
		issued := f.fetch(t, file)
		code, ok, msg := f.upload(t, upload, c.forge(issued))
		if code != c.code || ok || msg == "" {
			t.Errorf("%s: %d %v %q, want %d and a message", c.name, code, ok, msg, c.code)
		}
		if st := f.status(t); st != "approved" {
			t.Fatalf("%s: status %s", c.name, st)
		}
	}
	f.h.s.documents.Now, f.h.s.documents.TokenTTL = time.Now, 10*time.Minute
	f.register(t, documents.Owner{AccountID: f.leader.ID}, f.token)

	// The genuine file is accepted, once.
	file, upload := f.tokens(t, f.leader, "sign")
	issued := f.fetch(t, file)
	if rec := serve(f.h, newFormRequest(http.MethodGet, file, nil)); rec.Code != http.StatusForbidden {
		t.Fatalf("a second fetch with the same token: %d", rec.Code)
	}
	signed := sign(t, issued, f.token)
	if code, ok, msg := f.upload(t, upload, signed); code != http.StatusOK || !ok {
		t.Fatalf("genuine upload: %d %v %s", code, ok, msg)
	}
	if st := f.status(t); st != "signed" {
		t.Fatalf("status %s after the genuine upload", st)
	}
	if code, ok, _ := f.upload(t, upload, signed); code != http.StatusForbidden || ok {
		t.Fatalf("a second upload with the same token: %d %v", code, ok)
	}

	// The clerk seals with another tool through the page, then sends.
	cookie, csrf = f.h.sessionFor(f.clerk)
	get := newFormRequest(http.MethodPost, reportPath(f.id)+"/seal/pdf", url.Values{"csrf_token": {csrf}})
	get.AddCookie(cookie)
	rec := serve(f.h, get)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), signed) {
		t.Fatalf("the document to seal is not the signed one: %d", rec.Code)
	}
	post := multipartRequest(reportPath(f.id)+"/seal/upload", map[string]string{"csrf_token": csrf}, "file", "da-ky.pdf", sign(t, signed, f.sealKey))
	post.AddCookie(cookie)
	if rec := serve(f.h, post); rec.Code != http.StatusSeeOther {
		t.Fatalf("sealed upload: %d %s", rec.Code, rec.Body.String())
	}
	send := newFormRequest(http.MethodPost, reportPath(f.id)+"/send", url.Values{"csrf_token": {csrf}, "confirmed": {"yes"}})
	send.AddCookie(cookie)
	if rec := serve(f.h, send); rec.Code != http.StatusSeeOther || f.status(t) != "sent" {
		t.Fatalf("send: %d, status %s", rec.Code, f.status(t))
	}

	// Both signatures hold for poppler too.
	get = newFormRequest(http.MethodGet, reportPath(f.id)+"/pdf", nil)
	get.AddCookie(cookie)
	final := serve(f.h, get).Body.Bytes()
	path := filepath.Join(t.TempDir(), "final.pdf")
	if err := os.WriteFile(path, final, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfsig", path).CombinedOutput()
	if n := strings.Count(string(out), "Signature is Valid."); err != nil || n != 2 {
		t.Fatalf("pdfsig: %v, %d valid:\n%s", err, n, out)
	}
}

func TestCertificateUploads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	leader := h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	ca, err := signing.NewDemoCA("CA kiểm thử")
	if err != nil {
		t.Fatal(err)
	}
	// A real PKCS#12 file, made by registering it elsewhere first.
	other := newHarness(t)
	for _, hh := range []*harness{h, other} {
		if _, err := hh.s.documents.AddAnchors(hh.ctx, documents.PEM(ca.Cert)); err != nil {
			t.Fatal(err)
		}
	}
	someone := other.account("lanhdao.khac", "xa-22366", accounts.User, accounts.Approve)
	p12, err := other.s.documents.Certify(other.ctx, ca, documents.Owner{AccountID: someone.ID}, "Nguyễn Văn Nghĩa", "", "mat-khau-p12")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(a *accounts.Account, path string, fields map[string]string, field string, data []byte) int {
		cookie, csrf := h.sessionFor(a)
		fields["csrf_token"] = csrf
		req := multipartRequest(path, fields, field, "tep", data)
		req.AddCookie(cookie)
		return serve(h, req).Code
	}
	for _, c := range []struct {
		name     string
		password string
		data     []byte
		code     int
	}{
		{"wrong password", "sai", p12, http.StatusUnprocessableEntity},
		{"not PKCS#12", "mat-khau-p12", []byte("%PDF-1.7"), http.StatusUnprocessableEntity},
		{"right", "mat-khau-p12", p12, http.StatusSeeOther},
	} {
		if code := upload(leader, "/account/certificate", map[string]string{"password": c.password}, "p12", c.data); code != c.code {
			t.Errorf("%s: %d, want %d", c.name, code, c.code)
		}
	}
	c, err := h.s.documents.CertificateOf(h.ctx, documents.Owner{AccountID: leader.ID})
	if err != nil || c == nil || !c.HasKey || c.Subject != "Nguyễn Văn Nghĩa" {
		t.Fatalf("registered: %+v %v", c, err)
	}
	// Another unit's seal is not this admin's to change.
	if code := upload(admin, "/admin/units/"+itoa64(h.unit("xa-22366").ID)+"/seal", map[string]string{"password": "mat-khau-p12"}, "p12", p12); code != http.StatusForbidden {
		t.Errorf("seal of another unit: %d", code)
	}
	// Trust anchors: a leaf certificate is no CA.
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	if code := upload(sys, "/admin/trust", map[string]string{}, "anchor", documents.PEM(c.Cert)); code != http.StatusUnprocessableEntity {
		t.Errorf("a leaf as trust anchor: %d", code)
	}
	if code := upload(sys, "/admin/trust", map[string]string{}, "anchor", documents.PEM(ca.Cert)); code != http.StatusSeeOther {
		t.Errorf("a CA as trust anchor: %d", code)
	}
	if list, _ := h.s.documents.Anchors(h.ctx); len(list) != 1 || !list[0].Root {
		t.Errorf("anchors: %+v", list)
	}
}

// TestSignedElsewhereAndUploadedTheNextDay: the leader downloads the
// document to sign with another tool, signs it, and uploads it after
// midnight: it is the document downloaded, dated the day before, and it
// is accepted. The report page's PDF is then that signed document.
func TestSignedElsewhereAndUploadedTheNextDay(t *testing.T) {
	t.Parallel()
	f := newSigningFixture(t)
	t.Cleanup(func() { f.h.s.documents.Now = time.Now })
	token := f.issue(t, f.ca, "Nguyễn Văn Nghĩa", 72*time.Hour)
	f.register(t, documents.Owner{AccountID: f.leader.ID}, token)
	cookie, csrf := f.h.sessionFor(f.leader)
	get := newFormRequest(http.MethodPost, reportPath(f.id)+"/sign/pdf", url.Values{"csrf_token": {csrf}})
	get.AddCookie(cookie)
	rec := serve(f.h, get)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("the document to sign: %d %s", rec.Code, rec.Body.String())
	}
	issued := rec.Body.Bytes()
	// The page's PDF is the document as issued, number and all.
	pdf := newFormRequest(http.MethodGet, reportPath(f.id)+"/pdf", nil)
	pdf.AddCookie(cookie)
	if got := serve(f.h, pdf).Body.Bytes(); !bytes.Equal(got, issued) {
		t.Errorf("the report's PDF is not the document issued to sign (%d bytes, want %d)", len(got), len(issued))
	}
	signed := sign(t, issued, token)
	tomorrow := time.Now().AddDate(0, 0, 1)
	f.h.s.documents.Now = func() time.Time { return tomorrow }
	post := multipartRequest(reportPath(f.id)+"/sign/upload", map[string]string{"csrf_token": csrf}, "file", "da-ky.pdf", signed)
	post.AddCookie(cookie)
	if rec := serve(f.h, post); rec.Code != http.StatusSeeOther || f.status(t) != "signed" {
		t.Fatalf("the signed document uploaded the next day: %d %s, status %s", rec.Code, rec.Body.String(), f.status(t))
	}
	pdf = newFormRequest(http.MethodGet, reportPath(f.id)+"/pdf", nil)
	pdf.AddCookie(cookie)
	if got := serve(f.h, pdf).Body.Bytes(); !bytes.HasPrefix(got, issued) {
		t.Error("the report's PDF is not the signed document")
	}
}
