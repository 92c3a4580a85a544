package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"baocao/internal/accounts"
)

// TestSignedInAnswersAreNotStored fetches pages and every kind of
// download as a signed-in official: each says Cache-Control: no-store and
// nothing else (scs's no-cache="Set-Cookie" would let a cache keep them).
func TestSignedInAnswersAreNotStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	cookie, csrf := h.sessionFor(user)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", csrf)
	part, _ := mw.CreateFormFile("file", "cong-van.pdf")
	_, _ = part.Write([]byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"))
	_ = mw.Close()
	req := httptest.NewRequest("POST", reportPath(id)+"/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(cookie)
	if rec := serve(h, req); rec.Code != http.StatusSeeOther {
		t.Fatalf("attach: %d", rec.Code)
	}
	var attachment int64
	if err := h.db.QueryRow(h.ctx, `SELECT max(id) FROM report_attachments WHERE report_id = $1`, id).Scan(&attachment); err != nil {
		t.Fatal(err)
	}

	sysCookie, _ := h.sessionFor(sys)
	for _, c := range []struct {
		cookie *http.Cookie
		path   string
	}{
		{cookie, "/"},
		{cookie, reportPath(id)},
		{cookie, reportPath(id) + "/pdf"},
		{cookie, reportPath(id) + "/forms/b1/csv"},
		{cookie, reportPath(id) + "/forms/b1/xlsx"},
		{cookie, reportPath(id) + "/attachments/" + itoa64(attachment)},
		{sysCookie, "/admin/audit/export"},
		{sysCookie, "/usage?period=2026&format=csv"},
		{nil, "/signin"},
	} {
		rec := h.do("GET", c.path, c.cookie, nil)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", c.path, rec.Code)
		}
		if got := rec.Header().Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", c.path, got)
		}
	}
}
