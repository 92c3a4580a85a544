package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// Sở Y tế's consolidation of Tháng 6/2025 as reported (the 22 old
// communes' reports) and re-based on today's communes, with its
// drill-down and downloads in the view chosen (issue 17).
func TestConsolidationRebased(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, step := range []func(context.Context, *database.DB) error{seed.Catalog, seed.DemoRegimes} {
		if err := step(h.ctx, h.db); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := seed.DemoHistory(h.ctx, h.db, time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)); err != nil {
		t.Fatal(err)
	}
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
