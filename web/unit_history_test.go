package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// A new commune's admin reads its old communes' reports, audited, and not
// a neighbour's old communes'.
func TestNewCommuneAdminReadsItsOldCommunesReports(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	own := h.report("xa-cu-22366", "so-y-te") // phường Tân Tiến, now in phường Nha Trang
	var neighbour int64
	if err := h.db.QueryRow(h.ctx, `
		INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		SELECT period_id, $2, receiver_unit_id, assignment_id, level, deadline FROM reports WHERE id = $1 RETURNING id`,
		own, h.unit("xa-cu-22327").ID).Scan(&neighbour); err != nil { // phường Vĩnh Hòa, now in Bắc Nha Trang
		t.Fatal(err)
	}
	admin := h.account("qt.nhatrang", "xa-22366", accounts.UnitAdmin)
	code, _, body := h.getAs(admin, "/reports/"+strconv.FormatInt(own, 10))
	if code != http.StatusOK || !strings.Contains(string(body), "Ủy ban nhân dân phường Tân Tiến") {
		t.Fatalf("the old commune's report: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'report.read' AND object_id = $1 AND actor_id = $2`, own, admin.ID); n != 1 {
		t.Errorf("%d audit events of the read, want 1", n)
	}
	if code, _, _ := h.getAs(admin, "/reports/"+strconv.FormatInt(neighbour, 10)); code != http.StatusForbidden {
		t.Errorf("a neighbour's old commune's report: %d, want 403", code)
	}
	// Read-only: nothing can be saved into it.
	cookie, csrf := h.sessionFor(admin)
	rec := h.do(http.MethodPost, "/reports/"+strconv.FormatInt(own, 10), cookie, url.Values{"csrf_token": {csrf}, "b1|r2|1": {"5"}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("saving into the old commune's report: %d, want 403", rec.Code)
	}
}

// The unit's page shows its history and refuses a split whose shares do
// not add up, keeping what was typed.
func TestUnitPageHistoryAndRefusedSplit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	bnt := h.unit("xa-22333")
	code, _, body := h.getAs(admin, "/admin/units/"+strconv.FormatInt(bnt.ID, 10))
	page := string(body)
	for _, want := range []string{"Lịch sử đơn vị", "Hình thành từ", "Ủy ban nhân dân phường Vĩnh Hòa", "Ủy ban nhân dân xã Vĩnh Phương", "toàn bộ", "khoản 50"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("Bắc Nha Trang's page (%d) lacks %q", code, want)
		}
	}
	camTan := h.unit("xa-cu-22435")
	code, _, body = h.getAs(admin, "/admin/units/"+strconv.FormatInt(camTan.ID, 10))
	if code != http.StatusOK || !strings.Contains(string(body), "chưa có tỷ lệ") || !strings.Contains(string(body), "Lưu tỷ lệ") {
		t.Errorf("Cam Tân's page (%d) does not ask for its split's shares", code)
	}
	cookie, csrf := h.sessionFor(admin)
	form := url.Values{"csrf_token": {csrf}}
	for _, key := range []string{"xa-22435", "xa-22453", "xa-22708"} {
		form.Set("share_"+strconv.FormatInt(h.unit(key).ID, 10), "30")
	}
	rec := h.do(http.MethodPost, "/admin/units/"+strconv.FormatInt(camTan.ID, 10)+"/shares", cookie, form)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "cộng lại phải đúng 100 %; hiện cộng được 90 %") {
		t.Fatalf("shares adding up to 90 %%: %d", rec.Code)
	}
	if n := h.count(`SELECT count(*) FROM unit_successors WHERE unit_id = $1 AND share IS NOT NULL`, camTan.ID); n != 0 {
		t.Errorf("a refused change stored %d shares", n)
	}
	form.Set("share_"+strconv.FormatInt(h.unit("xa-22435").ID, 10), "40")
	if rec := h.do(http.MethodPost, "/admin/units/"+strconv.FormatInt(camTan.ID, 10)+"/shares", cookie, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("shares adding up to 100 %%: %d %s", rec.Code, rec.Body.String())
	}
	// Merging the province's office into a commune: it still has units under it.
	rec = h.do(http.MethodPost, "/admin/units/"+strconv.FormatInt(bnt.ID, 10)+"/merge", cookie,
		url.Values{"csrf_token": {csrf}, "merge_olds": {strconv.FormatInt(h.unit("vp-ubnd").ID, 10)}, "merge_day": {"01/01/2026"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "đơn vị trực thuộc đang hoạt động") {
		t.Errorf("merging a unit with open units under it: %d", rec.Code)
	}
}
