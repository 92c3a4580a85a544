package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestReceivingAndConsolidation: two communes' reports reach the
// department; the board shows their states, the consolidated form sums the
// accepted one (and the sent one on request), a cell drills down to the
// units, and another unit's period shows nothing.
func TestReceivingAndConsolidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.report("xa-22366", "so-y-te")
	var period, assignment int64
	if err := h.db.QueryRow(h.ctx, `SELECT period_id, assignment_id FROM reports WHERE id = $1`, a).Scan(&period, &assignment); err != nil {
		t.Fatal(err)
	}
	var b int64
	if err := h.db.QueryRow(h.ctx, `
		INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		VALUES ($1, $2, $3, $4, 1, '2026-12-16') RETURNING id`, period, h.unit("xa-22453").ID, h.unit("so-y-te").ID, assignment).Scan(&b); err != nil {
		t.Fatal(err)
	}
	for id, values := range map[int64][2]string{a: {"1.000", "250"}, b: {"500", "100"}} {
		rep, _ := h.s.reports.Report(h.ctx, id)
		if _, _, err := h.s.reports.Save(h.ctx, rep, draftOf(map[string]string{"b1|r2|1": values[0], "b1|r2|2": values[1]}), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'accepted', sent_at = now() WHERE id = $1`, a); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, b); err != nil {
		t.Fatal(err)
	}
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	cookie, _ := h.sessionFor(receiver)
	get := func(path string) (int, string) {
		req := newFormRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := serve(h, req)
		return rec.Code, rec.Body.String()
	}
	base := "/received/" + strconv.FormatInt(period, 10)
	code, page := get(base)
	if code != http.StatusOK || !strings.Contains(page, "Đã tiếp nhận") || !strings.Contains(page, "Ủy ban nhân dân xã Cam Lâm") {
		t.Fatalf("board: %d", code)
	}
	if !strings.Contains(page, ">1.000<") || strings.Contains(page, ">1.500<") {
		t.Error("accepted-only consolidation should be 1.000 (the sent report is not counted)")
	}
	if _, page = get(base + "?sent=1"); !strings.Contains(page, ">1.500<") {
		t.Error("with sent reports the consolidation should be 1.500")
	}
	// The board filters by state and name; the counts link to it filtered.
	if _, page = get(base); !strings.Contains(page, `href="`+base+`?state=da-tiep-nhan#board"`) {
		t.Error("the count of accepted reports is not a link to the filtered board")
	}
	board := func(page string) string {
		from := strings.Index(page, `id="board-table"`)
		if from < 0 {
			return ""
		}
		return page[from : from+strings.Index(page[from:], "</table>")]
	}
	if _, page = get(base + "?state=da-tiep-nhan"); !strings.Contains(board(page), "Nha Trang") || strings.Contains(board(page), "Cam Lâm") {
		t.Errorf("board of accepted reports: %s", board(page))
	}
	if _, page = get(base + "?name=cam+lam"); !strings.Contains(board(page), "Cam Lâm") || strings.Contains(board(page), "Nha Trang") {
		t.Errorf("board of units named cam lam: %s", board(page))
	}
	if _, page = get(base + "?state=bi-tra-lai"); board(page) != "" || !strings.Contains(page, "Không có đơn vị nào phù hợp") {
		t.Error("an empty filtered board does not say so")
	}
	code, page = get(base + "/cell?form=b1&row=r2&col=1&sent=1")
	if code != http.StatusOK || !strings.Contains(page, "Ủy ban nhân dân phường Nha Trang") || !strings.Contains(page, ">500<") {
		t.Fatalf("drill-down: %d", code)
	}
	if code, _ := get(base + "/cell?form=b1&row=r9&col=1"); code != http.StatusNotFound {
		t.Errorf("drill-down of an unknown row: %d", code)
	}
	// Another department's consolidate user sees nothing of this period.
	outsider := h.account("tonghop.yte2", "so-tu-phap", accounts.User, accounts.Consolidate)
	cookie, _ = h.sessionFor(outsider)
	if code, _ := get(base); code != http.StatusNotFound {
		t.Errorf("another unit opening the period: %d, want 404", code)
	}
	_ = url.Values{}
}

func TestPrefillNeedsTheEditRightAndBadCellsAre404(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.report("xa-22366", "so-y-te")
	var period, assignment int64
	if err := h.db.QueryRow(h.ctx, `SELECT period_id, assignment_id FROM reports WHERE id = $1`, a).Scan(&period, &assignment); err != nil {
		t.Fatal(err)
	}
	// so-y-te's own report in the same period, sent up to vp-ubnd.
	var own int64
	if err := h.db.QueryRow(h.ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		VALUES ($1, $2, $3, $4, 2, '2026-12-18') RETURNING id`, period, h.unit("so-y-te").ID, h.unit("vp-ubnd").ID, assignment).Scan(&own); err != nil {
		t.Fatal(err)
	}
	approver := h.account("duyet.syte", "so-y-te", accounts.User, accounts.Approve)
	cookie, csrf := h.sessionFor(approver)
	base := "/received/" + strconv.FormatInt(period, 10)
	req := newFormRequest("POST", base+"/prefill", url.Values{"csrf_token": {csrf}})
	req.AddCookie(cookie)
	if rec := serve(h, req); rec.Code != http.StatusForbidden {
		t.Fatalf("prefill by an approve-only user: %d, want 403", rec.Code)
	}
	var n int
	_ = h.db.QueryRow(h.ctx, `SELECT count(*) FROM report_values WHERE report_id = $1`, own).Scan(&n)
	if n != 0 {
		t.Fatalf("%d values written into the unit's report", n)
	}
	req = newFormRequest("GET", base+"/cell?form=nope&row=r2&col=1", nil)
	req.AddCookie(cookie)
	if rec := serve(h, req); rec.Code != http.StatusNotFound {
		t.Errorf("drill-down of an unknown form: %d, want 404", rec.Code)
	}
}
