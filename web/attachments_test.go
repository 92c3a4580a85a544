package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

func TestReportAttachments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	upload := func(name string, content []byte) *httptest.ResponseRecorder {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", csrf)
		part, _ := mw.CreateFormFile("file", name)
		_, _ = part.Write(content)
		_ = mw.Close()
		req := httptest.NewRequest("POST", reportPath(id)+"/attachments", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(cookie)
		return serve(h, req)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	if rec := upload("Công văn số 12.pdf", pdf); rec.Code != http.StatusSeeOther {
		t.Fatalf("pdf: %d %s", rec.Code, rec.Body.String())
	}
	for name, c := range map[string]struct {
		file    string
		content []byte
		status  int
		says    string
	}{
		"an executable named .pdf": {"hoa-don.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), http.StatusUnprocessableEntity, "không đúng với đuôi"},
		"a script":                 {"chay.sh", []byte("#!/bin/sh\nrm -rf /"), http.StatusUnprocessableEntity, "Chỉ đính kèm tệp"},
		"an empty file":            {"rong.pdf", nil, http.StatusUnprocessableEntity, "Tệp rỗng"},
		"too large":                {"lon.pdf", append(pdf, bytes.Repeat([]byte("x"), 6<<20)...), http.StatusRequestEntityTooLarge, "quá lớn"},
	} {
		if rec := upload(c.file, c.content); rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
			t.Errorf("%s: %d, want %d with %q", name, rec.Code, c.status, c.says)
		}
	}
	var n int
	var attachment int64
	_ = h.db.QueryRow(h.ctx, `SELECT count(*), max(id) FROM report_attachments WHERE report_id = $1`, id).Scan(&n, &attachment)
	if n != 1 {
		t.Fatalf("%d attachments stored, want 1", n)
	}
	req := newFormRequest("GET", reportPath(id)+"/attachments/"+itoa64(attachment), nil)
	req.AddCookie(cookie)
	rec := serve(h, req)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), pdf) || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	// Another report's id with this attachment id finds nothing.
	other := h.report("xa-22453", "so-y-te")
	camlam := h.account("nhaplieu.camlam", "xa-22453", accounts.User, accounts.Enter)
	c2, _ := h.sessionFor(camlam)
	req = newFormRequest("GET", reportPath(other)+"/attachments/"+itoa64(attachment), nil)
	req.AddCookie(c2)
	if rec := serve(h, req); rec.Code != http.StatusNotFound {
		t.Errorf("attachment through another report: %d, want 404", rec.Code)
	}
}
