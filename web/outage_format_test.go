package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/audit"
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

// TestAuditNamesIDs: the audit log names the units an event points at,
// never their internal ids.
func TestAuditNamesIDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	syte := h.unit("so-y-te")
	if err := audit.Record(h.ctx, h.db, audit.Event{Action: "assignment.create", ObjectType: "assignment", ObjectID: 1, UnitID: syte.ID,
		Detail: map[string]any{"receiver_unit_id": syte.ID, "successors": []int64{h.unit("xa-22366").ID}}}); err != nil {
		t.Fatal(err)
	}
	cookie, _ := h.sessionFor(h.account("qtht", "so-kh-cn", accounts.SystemAdmin))
	page := h.do(http.MethodGet, "/admin/audit", cookie, nil).Body.String()
	if !strings.Contains(page, "Cơ quan nhận: Sở Y tế") || !strings.Contains(page, "Đơn vị kế thừa: Ủy ban nhân dân phường Nha Trang") {
		t.Errorf("audit details: %.3000s", page[strings.Index(page, "<table"):])
	}
}
