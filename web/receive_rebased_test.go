package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/apiclients"
	"baocao/internal/decimal"
	"baocao/internal/seed"
)

// Sở Y tế's consolidation of Tháng 6/2025 as reported (the 22 old
// communes' reports) and re-based on today's communes, with its
// drill-down and downloads in the view chosen (issue 17).
func TestConsolidationRebased(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	demoPast(h)
	var june int64
	var total string
	if err := h.db.QueryRow(h.ctx, `
		SELECT p.id, sum(v.num)::text FROM periods p JOIN regimes g ON g.id = p.regime_id JOIN reports r ON r.period_id = p.id
		JOIN report_values v ON v.report_id = r.id AND v.form_key = 'b1' AND v.row_key = 'r1' AND v.col_code = '1'
		WHERE g.name = $1 AND p.key = '2025-M06' AND r.status = 'accepted' GROUP BY p.id`, seed.HealthRegime).Scan(&june, &total); err != nil {
		t.Fatal(err)
	}
	figure := decimal.MustParse(total).Format()
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	base := "/received/" + strconv.FormatInt(june, 10)
	code, _, body := h.getAs(receiver, base)
	page := string(body)
	for _, want := range []string{"Tổng hợp từ 22 báo cáo", "Tính lại theo đơn vị hiện nay", ">" + figure + "<"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("as reported (%d) lacks %q", code, want)
		}
	}
	if strings.Contains(page, "Đối chiếu đơn vị hiện nay") || strings.Contains(page, figure+" (*)") {
		t.Error("the view as reported shows the mapping or a mark")
	}
	code, _, body = h.getAs(receiver, base+"?view=rebased")
	page = string(body)
	for _, want := range []string{"Tính lại theo 65 đơn vị hiện nay từ 22 báo cáo", figure + " (*)", "Đối chiếu đơn vị hiện nay với đơn vị trước sắp xếp",
		"Ủy ban nhân dân phường Vĩnh Hòa (toàn bộ)", "view=rebased&amp;row=r1&amp;col=1", "csv?sent=&amp;view=rebased"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("re-based (%d) lacks %q", code, want)
		}
	}
	code, _, body = h.getAs(receiver, base+"/cell?form=b1&row=r1&col=1&sent=&view=rebased")
	page = string(body)
	for _, want := range []string{"Đơn vị hiện nay", "Ủy ban nhân dân phường Bắc Nha Trang (*)", "Ủy ban nhân dân phường Vĩnh Hòa (toàn bộ)", figure + " (*)"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("re-based drill-down (%d) lacks %q", code, want)
		}
	}
	code, _, body = h.getAs(receiver, base+"/forms/b1/csv?view=rebased")
	if csv := string(body); code != http.StatusOK || !strings.Contains(csv, "Tính lại theo 65 đơn vị hiện nay từ 22 báo cáo (*)") ||
		!strings.Contains(csv, "Ủy ban nhân dân phường Bắc Nha Trang (*) gồm: ") {
		t.Errorf("re-based CSV (%d): %.400s", code, body)
	}
	code, _, body = h.getAs(receiver, base+"/forms/b1/csv")
	if csv := string(body); code != http.StatusOK || !strings.Contains(csv, ","+total+",") || strings.Contains(csv, "(*)") {
		t.Errorf("as-reported CSV (%d): %.400s", code, body)
	}
	if code, _, _ = h.getAs(receiver, base+"/forms/b1/xlsx?view=rebased"); code != http.StatusOK {
		t.Errorf("re-based workbook: %d", code)
	}
}

// A new commune's admin is led to its old communes' reports ("Báo cáo của
// các đơn vị trước sáp nhập"), not a neighbour's; opening one is audited
// (issue 17).
func TestPredecessorsReportsList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	demoPast(h)
	admin := h.account("qt.bacnhatrang", "xa-22333", accounts.UnitAdmin)
	code, _, body := h.getAs(admin, "/")
	if code != http.StatusOK || !strings.Contains(string(body), "Báo cáo đã gửi của 6 đơn vị cũ") || !strings.Contains(string(body), `href="/predecessors"`) {
		t.Fatalf("home (%d) does not lead to the old communes' reports", code)
	}
	code, _, body = h.getAs(admin, "/predecessors")
	page := string(body)
	for _, want := range []string{"Báo cáo của các đơn vị trước sáp nhập", "Ủy ban nhân dân phường Vĩnh Hòa", "Tháng 6/2025", "Đã tiếp nhận"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("the list (%d) lacks %q", code, want)
		}
	}
	if strings.Contains(page, "Ủy ban nhân dân phường Tân Tiến") { // now in phường Nha Trang
		t.Error("the list holds a neighbour's old commune")
	}
	if n := strings.Count(page, `href="/reports/`); n != 36 {
		t.Errorf("%d reports listed, want 6 old communes × 6 months = 36", n)
	}
	var id int64
	if err := h.db.QueryRow(h.ctx, `SELECT r.id FROM reports r JOIN units u ON u.id = r.unit_id JOIN periods p ON p.id = r.period_id
		WHERE u.key = 'xa-cu-22327' AND p.key = '2025-M06'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := h.getAs(admin, "/reports/"+strconv.FormatInt(id, 10)); code != http.StatusOK {
		t.Fatalf("opening Vĩnh Hòa's report: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'report.read' AND object_id = $1 AND actor_id = $2`, id, admin.ID); n != 1 {
		t.Errorf("%d audit events of the read, want 1", n)
	}
	// A sector software of Bắc Nha Trang reads the report through the
	// API too, and a neighbour's old commune's stays out of its reach.
	_, token, err := h.s.apiClients.Create(h.ctx, "Phần mềm phường Bắc Nha Trang", []int64{h.unit("xa-22333").ID}, apiclients.Read)
	if err != nil {
		t.Fatal(err)
	}
	var neighbours int64
	if err := h.db.QueryRow(h.ctx, `SELECT r.id FROM reports r JOIN units u ON u.id = r.unit_id JOIN periods p ON p.id = r.period_id
		WHERE u.name LIKE '%Tân Tiến' AND p.key = '2025-M06' LIMIT 1`).Scan(&neighbours); err != nil {
		t.Fatal(err)
	}
	api := apiCall{h, token}
	if code, out := api.do(t, http.MethodGet, "/api/v1/reports/"+itoa64(id), ""); code != http.StatusOK {
		t.Errorf("the API reading Vĩnh Hòa's old report: %d %v", code, out)
	}
	if code, out := api.do(t, http.MethodGet, "/api/v1/reports/"+itoa64(neighbours), ""); code != http.StatusNotFound {
		t.Errorf("the API reading Tân Tiến's old report: %d %v", code, out)
	}
	other := h.account("qt.camlam", "xa-22453", accounts.UnitAdmin)
	if code, _, body := h.getAs(other, "/predecessors"); code != http.StatusOK || strings.Contains(string(body), "Ủy ban nhân dân phường Vĩnh Hòa") {
		t.Errorf("xã Cam Lâm's admin (%d) sees Bắc Nha Trang's old communes", code)
	}
}
