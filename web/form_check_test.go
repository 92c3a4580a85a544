package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestUnreadableFieldsRefused sends NUL bytes, bytes that are not UTF-8
// and fields sent twice, in every way a form travels: each is a 422 that
// names the field, and nothing changes.
func TestUnreadableFieldsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	id := h.report("xa-22366", "so-y-te")
	cookie, csrf := h.sessionFor(user)
	sysCookie, _ := h.sessionFor(sys)
	anonymous, anonymousCSRF := h.anonymousSession()
	revisionBefore := h.count(`SELECT revision FROM reports WHERE id = $1`, id)

	cases := []struct {
		name   string
		cookie *http.Cookie
		method string
		path   string
		form   url.Values
		header map[string]string
		field  string
	}{
		{"a NUL byte in the profile", cookie, "POST", "/account", url.Values{"csrf_token": {csrf}, "full_name": {"Nguyễn\x00Văn"}}, nil, "full_name"},
		{"bytes that are not UTF-8 in the profile", cookie, "POST", "/account", url.Values{"csrf_token": {csrf}, "full_name": {"Nguy\xe1\xbb"}}, nil, "full_name"},
		{"a NUL byte in the username", anonymous, "POST", "/signin", url.Values{"csrf_token": {anonymousCSRF}, "username": {"qtht\x00"}, "password": {"x"}}, nil, "username"},
		{"not UTF-8 in the password", anonymous, "POST", "/signin", url.Values{"csrf_token": {anonymousCSRF}, "username": {"qtht"}, "password": {"\xff\xfe"}}, nil, "password"},
		{"a NUL byte in a report's text, autosaved", cookie, "POST", reportPath(id), url.Values{"s.s1": {"Kết quả\x00"}},
			map[string]string{"X-CSRF-Token": csrf, "HX-Request": "true"}, "s.s1"},
		{"a field sent twice", cookie, "POST", "/account", url.Values{"csrf_token": {csrf}, "full_name": {"Một", "Hai"}}, nil, "full_name"},
		{"a NUL byte in a search", sysCookie, "GET", "/admin/accounts?q=a%00b", nil, nil, "q"},
	}
	for _, c := range cases {
		req := newFormRequest(c.method, c.path, c.form)
		req.AddCookie(c.cookie)
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		rec := serve(h, req)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "“"+c.field+"”") {
			t.Errorf("%s: %d, want 422 naming %s", c.name, rec.Code, c.field)
		}
	}
	// An uploaded file whose name is not UTF-8.
	req := multipartRequest(reportPath(id)+"/attachments", map[string]string{"csrf_token": csrf}, "file", "c\xf4ng-v\xe4n.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	req.AddCookie(cookie)
	if rec := serve(h, req); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "“file”") {
		t.Errorf("a file name that is not UTF-8: %d", rec.Code)
	}

	if a, _ := h.s.accounts.Account(h.ctx, user.ID); a.FullName != user.FullName {
		t.Errorf("profile changed to %q", a.FullName)
	}
	if n := h.count(`SELECT revision FROM reports WHERE id = $1`, id); n != revisionBefore {
		t.Error("the report was saved")
	}
	if n := h.count(`SELECT count(*) FROM report_attachments WHERE report_id = $1`, id); n != 0 {
		t.Error("the attachment was stored")
	}
	// What officials really send still works: several ticked boxes.
	if rec := h.do("POST", "/account", cookie, url.Values{"csrf_token": {csrf}, "full_name": {"Nguyễn Văn Bình"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("a clean profile: %d", rec.Code)
	}
}

// A posted form reads the same through r.Form as through r.PostForm,
// without a copy when the URL has no query, and with the query's fields
// too when it has one, as net/http's ParseForm gives.
func TestParseBodyFormIsParseForm(t *testing.T) {
	for _, target := range []string{"/reports/1", "/reports/1?tab=2&v=q"} {
		body := "v=1&csrf=x&v.b1.r1.3=1.234%2C5"
		want := httptest.NewRequest("POST", target, strings.NewReader(body))
		want.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		got := want.Clone(context.Background())
		got.Body = io.NopCloser(strings.NewReader(body))
		if err := want.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if err := parseBodyForm(got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Form, want.Form) || !reflect.DeepEqual(got.PostForm, want.PostForm) {
			t.Errorf("%s: Form %v PostForm %v, ParseForm gives %v and %v", target, got.Form, got.PostForm, want.Form, want.PostForm)
		}
	}
}
