package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/internal/accounts"
)

// dashboardFixture: two communes report to so-y-te in one period, one
// accepted (1.000 visits), one sent (500); returns the regime and period.
func dashboardFixture(h *harness) (regime, period int64) {
	h.t.Helper()
	a := h.report("xa-22366", "so-y-te")
	var assignment int64
	if err := h.db.QueryRow(h.ctx, `SELECT period_id, assignment_id, (SELECT regime_id FROM periods p WHERE p.id = period_id) FROM reports WHERE id = $1`, a).
		Scan(&period, &assignment, &regime); err != nil {
		h.t.Fatal(err)
	}
	var b int64
	if err := h.db.QueryRow(h.ctx, `
		INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		VALUES ($1, $2, $3, $4, 1, '2026-12-16') RETURNING id`, period, h.unit("xa-22453").ID, h.unit("so-y-te").ID, assignment).Scan(&b); err != nil {
		h.t.Fatal(err)
	}
	for id, v := range map[int64]string{a: "1.000", b: "500"} {
		rep, _ := h.s.reports.Report(h.ctx, id)
		if _, _, err := h.s.reports.Save(h.ctx, rep, draftOf(map[string]string{"b1|r2|1": v, "b1|r2|2": v}), 0); err != nil {
			h.t.Fatal(err)
		}
	}
	for id, status := range map[int64]string{a: "accepted", b: "sent"} {
		if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = $2, sent_at = now() WHERE id = $1`, id, status); err != nil {
			h.t.Fatal(err)
		}
	}
	return regime, period
}

// getAs fetches path as account a.
func (h *harness) getAs(a *accounts.Account, path string) (int, http.Header, []byte) {
	h.t.Helper()
	cookie, _ := h.sessionFor(a)
	rec := h.do(http.MethodGet, path, cookie, nil)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

func TestDashboardsAreScoped(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	regime, _ := dashboardFixture(h)
	q := "?regime=" + strconv.FormatInt(regime, 10) + "&from=01/01/2026"
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	code, _, body := h.getAs(receiver, "/dashboards"+q)
	page := string(body)
	if code != http.StatusOK || !strings.Contains(page, "phường Nha Trang") || !strings.Contains(page, "xã Cam Lâm") {
		t.Fatalf("receiver's dashboard: %d", code)
	}
	if !strings.Contains(page, "<strong>2</strong> báo cáo được giao") {
		t.Error("the receiver should see 2 reports assigned")
	}
	// Sorted by on-time rate, Cam Lâm, which sent late, comes before Nha
	// Trang, which comes first by name.
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET late = true WHERE unit_id = $1`, h.unit("xa-22453").ID); err != nil {
		t.Fatal(err)
	}
	_, _, body = h.getAs(receiver, "/dashboards"+q+"&sort=rate")
	page = string(body)
	first, second := strings.Index(page, `<th scope="row">Ủy ban nhân dân xã Cam Lâm`), strings.Index(page, `<th scope="row">Ủy ban nhân dân phường Nha Trang`)
	if first < 0 || second < first || !strings.Contains(page, `<option value="rate" selected>`) {
		t.Error("sorted by on-time rate, the late commune should come first and the choice be kept")
	}
	// A unit from elsewhere in the filter, or another receiver, shows nothing.
	_, _, body = h.getAs(receiver, "/dashboards"+q+"&unit="+strconv.FormatInt(h.unit("so-tu-phap").ID, 10))
	if strings.Contains(string(body), `<th scope="row">Ủy ban nhân dân phường Nha Trang</th>`) {
		t.Error("a unit filter outside the receiver's units shows its reports")
	}
	outsider := h.account("tonghop.tuphap", "so-tu-phap", accounts.User, accounts.Consolidate)
	_, _, body = h.getAs(outsider, "/dashboards"+q)
	if strings.Contains(string(body), "phường Nha Trang") {
		t.Error("another receiver sees so-y-te's reports")
	}
	for _, path := range []string{"/dashboards/export" + q + "&table=status&format=csv", "/dashboards/trends" + q} {
		_, _, body = h.getAs(outsider, path)
		if strings.Contains(string(body), "Nha Trang") || strings.Contains(string(body), "1.000") {
			t.Errorf("%s shows so-y-te's data to another receiver", path)
		}
	}
	// The provincial office follows the whole province, so-y-te's
	// receiving included.
	office := h.account("tonghop.vp", "vp-ubnd", accounts.User, accounts.Approve)
	_, _, body = h.getAs(office, "/dashboards"+q)
	if !strings.Contains(string(body), `<th scope="row">Ủy ban nhân dân phường Nha Trang</th>`) {
		t.Error("the provincial office should see the province's reports")
	}
	// The unit admin of the commune sees its own unit only.
	admin := h.account("qt.nhatrang", "xa-22366", accounts.UnitAdmin)
	_, _, body = h.getAs(admin, "/dashboards"+q)
	if page := string(body); !strings.Contains(page, "phường Nha Trang") || strings.Contains(page, "xã Cam Lâm") {
		t.Error("a unit admin should see its own subtree only")
	}
	// The activity is the system admin's.
	if code, _, _ := h.getAs(receiver, "/dashboards/export?table=activity&format=csv"); code != http.StatusForbidden {
		t.Errorf("receiver exporting the activity: %d", code)
	}
	if code, _, _ := h.getAs(receiver, "/dashboards/chart?chart=activity"); code != http.StatusForbidden {
		t.Errorf("receiver downloading the activity chart: %d", code)
	}
}

func TestDashboardTrendsAndDownloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	regime, _ := dashboardFixture(h)
	q := "?regime=" + strconv.FormatInt(regime, 10) + "&from=01/01/2026&row=r2&col=1"
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	code, _, body := h.getAs(receiver, "/dashboards/trends"+q)
	page := string(body)
	if code != http.StatusOK || !strings.Contains(page, "<svg") || !strings.Contains(page, ">1.500<") || !strings.Contains(page, ">1.000<") {
		t.Fatalf("trends page: %d, want the charts and the sum 1.500 of the sent and accepted reports", code)
	}
	code, hdr, svg := h.getAs(receiver, "/dashboards/chart"+q+"&chart=across")
	if code != http.StatusOK || hdr.Get("Content-Type") != "image/svg+xml" || !bytes.Contains(svg, []byte("Ủy ban nhân dân phường Nha Trang")) {
		t.Errorf("bar chart download: %d %s", code, hdr.Get("Content-Type"))
	}

	code, _, body = h.getAs(receiver, "/dashboards/export"+q+"&table=status&format=xlsx")
	if code != http.StatusOK {
		t.Fatalf("status workbook: %d %s", code, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	rows, _ := x.GetRows(sheet)
	// Title, filter line, blank, two header lines, two units, the total.
	if len(rows) != 8 || rows[3][2] != "Tình trạng theo kỳ báo cáo" || rows[4][2] != "Tháng 12/2026" {
		t.Fatalf("status workbook rows: %q", rows)
	}
	if rows[5][1] != "Ủy ban nhân dân phường Nha Trang" || rows[5][2] != "Đã tiếp nhận" || rows[7][1] != "Tổng cộng" {
		t.Errorf("status workbook lines: %q", rows[5:])
	}
	if panes, _ := x.GetPanes(sheet); !panes.Freeze || panes.YSplit != 5 {
		t.Errorf("panes %+v", panes)
	}
	merged, _ := x.GetMergeCells(sheet)
	if len(merged) < 4 {
		t.Errorf("merged cells %v", merged)
	}
	x.Close()

	code, hdr, body = h.getAs(receiver, "/dashboards/export"+q+"&table=across&format=csv")
	if code != http.StatusOK || !bytes.HasPrefix(body, []byte("\uFEFF")) || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("across csv: %d %s", code, hdr.Get("Content-Type"))
	}
	records, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil || len(records) != 3 || records[1][1] != "Ủy ban nhân dân phường Nha Trang" || records[1][2] != "1000" || records[2][2] != "500" {
		t.Errorf("across csv: %q, %v", records, err)
	}
}

func TestConsolidationDownloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, period := dashboardFixture(h)
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	base := "/received/" + strconv.FormatInt(period, 10) + "/forms/b1/"
	code, _, body := h.getAs(receiver, base+"xlsx?sent=1")
	if code != http.StatusOK {
		t.Fatalf("consolidated workbook: %d", code)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := x.GetSheetName(0)
	rows, _ := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	var found bool
	for _, r := range rows {
		if len(r) > 4 && r[1] == "Số lượt khám" && r[3] == "1500" && r[4] == "1500" {
			found = true
		}
	}
	if !found || len(rows[1]) == 0 || rows[1][0] != "Đơn vị tổng hợp: Sở Y tế (tổng hợp từ 2 báo cáo đã gửi và đã tiếp nhận)" {
		t.Errorf("consolidated workbook rows: %q", rows)
	}
	code, _, body = h.getAs(receiver, base+"csv")
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if code != http.StatusOK || err != nil || records[2][1] != "Số lượt khám" || records[2][3] != "1000" {
		t.Errorf("consolidated csv: %d %q %v", code, records, err)
	}
	// Another receiver cannot download this period.
	outsider := h.account("tonghop.tuphap", "so-tu-phap", accounts.User, accounts.Consolidate)
	if code, _, _ := h.getAs(outsider, base+"xlsx"); code != http.StatusNotFound {
		t.Errorf("another receiver: %d, want 404", code)
	}
}
