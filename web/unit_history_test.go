package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/database"
	"baocao/internal/seed"
	"baocao/internal/vn"
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

// The dashboards of a past period, as reported and re-based on today's
// units, on the demo's history (issue 17).
func TestDashboardsRebased(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	demoPast(h)
	var regime int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM regimes WHERE name = $1`, seed.HealthRegime).Scan(&regime); err != nil {
		t.Fatal(err)
	}
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	q := "?regime=" + strconv.FormatInt(regime, 10) + "&from=01/06/2025&to=14/06/2025"
	code, _, body := h.getAs(receiver, "/dashboards"+q)
	page := string(body)
	if code != http.StatusOK || !strings.Contains(page, "Ủy ban nhân dân phường Vĩnh Hòa") || strings.Contains(page, "Đối chiếu đơn vị hiện nay") {
		t.Fatalf("as reported (%d): the old communes' lines, no mapping", code)
	}
	code, _, body = h.getAs(receiver, "/dashboards"+q+"&view=rebased")
	page = string(body)
	for _, want := range []string{"Ủy ban nhân dân phường Bắc Nha Trang (*)", "Đối chiếu đơn vị hiện nay với đơn vị trước sắp xếp",
		"Ủy ban nhân dân phường Vĩnh Hòa (toàn bộ): Đã tiếp nhận", "<strong>22</strong> báo cáo được giao"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("re-based grid (%d) lacks %q", code, want)
		}
	}
	bnt := strconv.FormatInt(h.unit("xa-22333").ID, 10)
	code, _, body = h.getAs(receiver, "/dashboards/trends?regime="+strconv.FormatInt(regime, 10)+"&from=15/05/2025&to=14/08/2025&unit="+bnt+"&row=r1&col=1&view=rebased")
	page = string(body)
	for _, want := range []string{"Tháng 6/2025 (*)", "Tính lại"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("re-based trend (%d) lacks %q", code, want)
		}
	}
	// The export of the re-based grid carries the marks too.
	code, _, body = h.getAs(receiver, "/dashboards/export"+q+"&view=rebased&table=status&format=csv")
	if code != http.StatusOK || !strings.Contains(string(body), "Ủy ban nhân dân phường Bắc Nha Trang (*)") {
		t.Errorf("re-based CSV (%d): %.300s", code, body)
	}
}

// demoPast loads the catalogue, the demo regimes and the health regime's
// past as of 01/12/2026 (the reorganisation's old communes included), a
// fixed day so that the worked examples of issue 17 keep their figures.
func demoPast(h *harness) {
	h.t.Helper()
	for _, step := range []func(context.Context, *database.DB) error{seed.Catalog, seed.DemoRegimes} {
		if err := step(h.ctx, h.db); err != nil {
			h.t.Fatal(err)
		}
	}
	if _, err := seed.DemoHistory(h.ctx, h.db, time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)); err != nil {
		h.t.Fatal(err)
	}
}
