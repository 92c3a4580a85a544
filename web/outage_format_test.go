package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestOutageTimeFormat: a time typed in another form is named as such,
// with the form expected, and everything typed is kept.
func TestOutageTimeFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cookie, csrf := h.sessionFor(h.account("qtht", "so-kh-cn", accounts.SystemAdmin))
	rec := h.do(http.MethodPost, "/admin/outages", cookie, url.Values{"csrf_token": {csrf},
		"start": {"08:00 25/11/2026"}, "end": {"2026-11-25 11:00"}, "grace": {"17:00 26/11/2026"}, "description": {"Mất điện"}})
	page := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(page, "ví dụ 11:00 25/11/2026") ||
		strings.Contains(page, "sau bắt đầu") || !strings.Contains(page, `value="2026-11-25 11:00"`) {
		t.Errorf("outage end in another form: %d %.2000s", rec.Code, page)
	}
}
