package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
	"baocao/internal/holidays"
	"baocao/internal/indicators"
	"baocao/internal/seed"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// indicator creates an indicator the unit with unitKey is responsible for.
func (h *harness) indicator(unitKey string) *indicators.Indicator {
	h.t.Helper()
	ind, err := h.s.indicators.CreateIndicator(h.ctx, indicators.Input{Source: "Thử", Name: "Chỉ tiêu thử của " + unitKey,
		ValueType: "number", Aggregation: "sum", ResponsibleUnitID: h.unit(unitKey).ID})
	if err != nil {
		h.t.Fatalf("indicator of %s: %v", unitKey, err)
	}
	return ind
}

func (h *harness) count(sql string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.db.QueryRow(h.ctx, sql, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func indicatorForm(csrf string, kv ...string) url.Values {
	f := url.Values{"csrf_token": {csrf}, "name": {"Số ca mắc sốt xuất huyết"}, "code": {"YT-01"}, "source": {"Sở Y tế"},
		"unit_of_measure": {"ca"}, "value_type": {"integer"}, "aggregation": {"sum"}, "group": {"Y tế và chăm sóc sức khỏe"},
		"period_note": {"Tháng"}, "description": {"Số ca được chẩn đoán trong kỳ."}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

func createdID(t *testing.T, loc string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/catalog/indicators/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", loc)
	}
	return id
}

func TestIndicatorsAsSystemAdmin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	cookie, csrf := h.sessionFor(sys)
	syte := strconv.FormatInt(h.unit("so-y-te").ID, 10)

	rec := h.do("POST", "/catalog/indicators", cookie, indicatorForm(csrf, "responsible_unit_id", syte))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	id := createdID(t, loc)
	body := h.do("GET", loc, cookie, nil).Body.String()
	for _, want := range []string{"Đã thêm chỉ tiêu “Số ca mắc sốt xuất huyết”.", "Số nguyên", "Cộng", "Sở Y tế", "Sửa chỉ tiêu", "Ngừng sử dụng"} {
		if !strings.Contains(body, want) {
			t.Errorf("indicator page lacks %q", want)
		}
	}
	if rec := h.do("GET", loc+"/edit", cookie, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `value="YT-01"`) {
		t.Errorf("edit page: %d", rec.Code)
	}
	// A system admin may leave an indicator without a responsible unit.
	rec = h.do("POST", loc, cookie, indicatorForm(csrf, "name", "Số ca mắc sốt xuất huyết Dengue", "value_type", "percent", "aggregation", "avg"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	ind, err := h.s.indicators.Indicator(h.ctx, id)
	if err != nil || ind.Name != "Số ca mắc sốt xuất huyết Dengue" || ind.ValueType != "percent" || ind.ResponsibleUnitID != 0 {
		t.Fatalf("after update: %+v, %v", ind, err)
	}
	if rec := h.do("POST", loc+"/retire", cookie, url.Values{"csrf_token": {csrf}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("retire: %d", rec.Code)
	}
	if rec := h.do("POST", loc+"/retire", cookie, url.Values{"csrf_token": {csrf}}); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "đã ngừng sử dụng từ trước") {
		t.Errorf("retire twice: %d", rec.Code)
	}
	if list := h.do("GET", "/catalog/indicators", cookie, nil).Body.String(); strings.Contains(list, "Dengue</a>") {
		t.Error("a retired indicator is listed by default")
	}
	if list := h.do("GET", "/catalog/indicators?retired=1", cookie, nil).Body.String(); !strings.Contains(list, "Dengue</a>") {
		t.Error("a retired indicator is listed when asked for")
	}
	if rec := h.do("POST", loc+"/restore", cookie, url.Values{"csrf_token": {csrf}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("restore: %d", rec.Code)
	}
	var actions []string
	rows, err := h.db.Query(h.ctx, `SELECT action || ':' || actor_name FROM audit_log WHERE object_type = 'indicator' AND object_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		actions = append(actions, s)
	}
	if got := strings.Join(actions, " "); got != "indicator.create:qtht indicator.update:qtht indicator.retire:qtht indicator.restore:qtht" {
		t.Errorf("audit: %s", got)
	}
}

func TestIndicatorsAsUnitAdmin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	cookie, csrf := h.sessionFor(admin)
	cdc, err := h.s.units.CreateUnit(h.ctx, units.Input{Name: "Trung tâm Kiểm soát bệnh tật tỉnh", Kind: "su-nghiep",
		ParentID: h.unit("so-y-te").ID, ValidFrom: vn.Today(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	other := h.indicator("xa-22366")
	before := h.count(`SELECT count(*) FROM indicators`)

	// The form offers the admin's own subtree, its own unit first.
	page := h.do("GET", "/catalog/indicators/new", cookie, nil).Body.String()
	if !strings.Contains(page, "Trung tâm Kiểm soát bệnh tật tỉnh") || strings.Contains(page, "phường Nha Trang") {
		t.Error("the responsible unit choices are not the admin's subtree")
	}
	// A unit of its subtree is fine.
	rec := h.do("POST", "/catalog/indicators", cookie, indicatorForm(csrf, "responsible_unit_id", strconv.FormatInt(cdc.ID, 10)))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create for a unit of the subtree: %d %s", rec.Code, rec.Body)
	}
	own := createdID(t, rec.Header().Get("Location"))
	// Another subtree's unit in the form is refused, and nothing is written.
	rec = h.do("POST", "/catalog/indicators", cookie, indicatorForm(csrf, "code", "YT-02", "responsible_unit_id", strconv.FormatInt(h.unit("xa-22366").ID, 10)))
	if rec.Code != http.StatusForbidden {
		t.Errorf("create for another subtree: %d", rec.Code)
	}
	// No unit at all: a unit admin must choose one.
	rec = h.do("POST", "/catalog/indicators", cookie, indicatorForm(csrf, "code", "YT-03", "name", ""))
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Chọn đơn vị chịu trách nhiệm về chỉ tiêu.") ||
		!strings.Contains(body, "Nhập tên chỉ tiêu.") {
		t.Errorf("create without a responsible unit: %d", rec.Code)
	}
	if n := h.count(`SELECT count(*) FROM indicators`); n != before+1 {
		t.Errorf("indicators: %d before, %d after", before, n)
	}

	// Another subtree's indicator, by URL: it may be read, not changed.
	otherPath := indicatorPath(other.ID)
	if rec := h.do("GET", otherPath, cookie, nil); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "Sửa chỉ tiêu") {
		t.Errorf("view another subtree's indicator: %d", rec.Code)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", otherPath + "/edit"}, {"POST", otherPath}, {"POST", otherPath + "/retire"}, {"POST", otherPath + "/restore"},
	} {
		var form url.Values
		if c.method == "POST" {
			form = indicatorForm(csrf, "name", "Đã bị sửa", "responsible_unit_id", strconv.FormatInt(admin.UnitID, 10))
		}
		if rec := h.do(c.method, c.path, cookie, form); rec.Code != http.StatusForbidden {
			t.Errorf("%s %s: %d", c.method, c.path, rec.Code)
		}
	}
	if ind, _ := h.s.indicators.Indicator(h.ctx, other.ID); ind.Name != other.Name || ind.Retired() {
		t.Errorf("another subtree's indicator changed: %+v", ind)
	}
	// Its own indicator cannot be handed to another subtree.
	rec = h.do("POST", indicatorPath(own), cookie, indicatorForm(csrf, "responsible_unit_id", strconv.FormatInt(h.unit("xa-22366").ID, 10)))
	if rec.Code != http.StatusForbidden {
		t.Errorf("moving an own indicator to another subtree: %d", rec.Code)
	}
	rec = h.do("POST", indicatorPath(own), cookie, indicatorForm(csrf, "name", "Số ca mắc sốt xuất huyết (cả nước)", "responsible_unit_id", strconv.FormatInt(admin.UnitID, 10)))
	if rec.Code != http.StatusSeeOther {
		t.Errorf("editing an own indicator: %d %s", rec.Code, rec.Body)
	}
	if rec := h.do("POST", indicatorPath(own)+"/retire", cookie, url.Values{"csrf_token": {csrf}}); rec.Code != http.StatusSeeOther {
		t.Errorf("retiring an own indicator: %d", rec.Code)
	}
	// The catalogue's seeded indicators (no responsible unit) are the system admins'.
	if err := seed.Catalog(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	var seeded int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM indicators WHERE responsible_unit_id IS NULL LIMIT 1`).Scan(&seeded); err != nil {
		t.Fatal(err)
	}
	if rec := h.do("GET", indicatorPath(seeded)+"/edit", cookie, nil); rec.Code != http.StatusForbidden {
		t.Errorf("editing a catalogue indicator: %d", rec.Code)
	}
}

func TestIndicatorBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	cookie, csrf := h.sessionFor(sys)
	existing := h.indicator("so-y-te")
	if rec := h.do("POST", "/catalog/indicators", cookie, indicatorForm(csrf)); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", rec.Code)
	}
	before := h.count(`SELECT count(*) FROM indicators`)
	audits := h.count(`SELECT count(*) FROM audit_log`)
	cases := []struct {
		name   string
		path   string
		form   url.Values
		status int
		says   []string
	}{
		{"an empty name", "/catalog/indicators", indicatorForm(csrf, "name", "  ", "code", "YT-09"), http.StatusUnprocessableEntity,
			[]string{"Nhập tên chỉ tiêu.", `href="#name"`, `value="YT-09"`}},
		{"a forged value type", "/catalog/indicators", indicatorForm(csrf, "value_type", "float", "code", "YT-09"), http.StatusUnprocessableEntity,
			[]string{"Kiểu giá trị không hợp lệ."}},
		{"a forged aggregation", "/catalog/indicators", indicatorForm(csrf, "aggregation", "median", "code", "YT-09"), http.StatusUnprocessableEntity,
			[]string{"Cách tổng hợp không hợp lệ."}},
		{"a code used by the same source", "/catalog/indicators", indicatorForm(csrf, "name", "Chỉ tiêu khác"), http.StatusUnprocessableEntity,
			[]string{"Mã số này đã có trong danh mục cho cùng nguồn", `value="Chỉ tiêu khác"`}},
		{"a responsible unit that does not exist", "/catalog/indicators", indicatorForm(csrf, "code", "YT-09", "responsible_unit_id", "999999"),
			http.StatusUnprocessableEntity, []string{"Đơn vị chịu trách nhiệm không tồn tại"}},
		{"an edit into a clash", indicatorPath(existing.ID), indicatorForm(csrf), http.StatusUnprocessableEntity,
			[]string{"Mã số này đã có trong danh mục cho cùng nguồn"}},
		{"an edit with an empty name", indicatorPath(existing.ID), indicatorForm(csrf, "name", "", "code", "YT-09"), http.StatusUnprocessableEntity,
			[]string{"Nhập tên chỉ tiêu."}},
		{"an indicator id that is not a number", "/catalog/indicators/abc", indicatorForm(csrf), http.StatusNotFound, []string{"Không tìm thấy chỉ tiêu."}},
		{"an indicator that does not exist", "/catalog/indicators/999999/retire", url.Values{"csrf_token": {csrf}}, http.StatusNotFound,
			[]string{"Không tìm thấy chỉ tiêu."}},
	}
	for _, c := range cases {
		rec := h.do("POST", c.path, cookie, c.form)
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d", c.name, rec.Code, c.status)
		}
		for _, want := range c.says {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s: the answer lacks %q", c.name, want)
			}
		}
	}
	if rec := h.do("GET", "/catalog/indicators/{indicatorID}", cookie, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a literal {indicatorID}: %d", rec.Code)
	}
	if n := h.count(`SELECT count(*) FROM indicators`); n != before {
		t.Errorf("indicators: %d before, %d after", before, n)
	}
	if n := h.count(`SELECT count(*) FROM audit_log`); n != audits {
		t.Errorf("audit rows: %d before, %d after", audits, n)
	}
	if ind, _ := h.s.indicators.Indicator(h.ctx, existing.ID); ind.Name != existing.Name || ind.Code != existing.Code {
		t.Errorf("a refused edit changed %+v", ind)
	}
}

func TestIndicatorsListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if err := seed.Catalog(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	cookie, _ := h.sessionFor(user)
	body := h.do("GET", "/catalog/indicators", cookie, nil).Body.String()
	for _, want := range []string{"257 chỉ tiêu", "Trang 1/6", "Bảo hiểm", "Tỷ lệ (%)", "Không tổng hợp", `id="indicators-table"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if strings.Contains(body, "Thêm chỉ tiêu") {
		t.Error("a user is offered to add an indicator")
	}
	body = h.do("GET", "/catalog/indicators?sort=name&page=6", cookie, nil).Body.String()
	if !strings.Contains(body, "Trang 6/6") || strings.Count(body, `href="/catalog/indicators/`) != 7 {
		t.Errorf("the sixth page of 257: %d rows", strings.Count(body, `href="/catalog/indicators/`))
	}
	body = h.do("GET", "/catalog/indicators?q=GDP", cookie, nil).Body.String()
	if !strings.Contains(body, "1 chỉ tiêu") || !strings.Contains(body, "0501") {
		t.Error("search GDP")
	}
	body = h.do("GET", "/catalog/indicators?group="+url.QueryEscape("Giáo dục"), cookie, nil).Body.String()
	if !strings.Contains(body, "7 chỉ tiêu") || !strings.Contains(body, `<option value="Giáo dục" selected>`) {
		t.Error("filter by group")
	}
	body = h.do("GET", "/catalog/indicators?q=khong-co-chi-tieu-nay", cookie, nil).Body.String()
	if !strings.Contains(body, "Không có chỉ tiêu nào phù hợp với bộ lọc.") {
		t.Error("empty state of a search")
	}
	if rec := h.do("GET", "/catalog/indicators?sort=1;DROP&page=-3", cookie, nil); rec.Code != http.StatusOK {
		t.Errorf("odd sort and page: %d", rec.Code)
	}
	var id int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM indicators WHERE code = '0501'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	rec := h.do("GET", indicatorPath(id), cookie, nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Chưa giao (quản trị hệ thống quản lý)") || strings.Contains(rec.Body.String(), "Sửa chỉ tiêu") {
		t.Errorf("a user reads an indicator: %d", rec.Code)
	}
	if rec := h.do("GET", "/catalog/indicators/new", cookie, nil); rec.Code != http.StatusForbidden {
		t.Errorf("a user opens the new indicator form: %d", rec.Code)
	}
}

func TestHolidaysPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if err := seed.Catalog(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	cookie, csrf := h.sessionFor(sys)
	body := h.do("GET", "/admin/holidays?year=2025", cookie, nil).Body.String()
	for _, want := range []string{"Ngày nghỉ lễ năm 2025", "26/04/2025", "Thứ Bảy", "Làm bù", "01/01/2025", "Thứ Tư", "Nghỉ lễ", "Năm 2026 ›", "data-confirm="} {
		if !strings.Contains(body, want) {
			t.Errorf("2025 lacks %q", want)
		}
	}
	if body := h.do("GET", "/admin/holidays?year=2030", cookie, nil).Body.String(); !strings.Contains(body, "Chưa có ngày nghỉ lễ nào trong năm 2030") {
		t.Error("empty state of 2030")
	}
	// The edit link fills the form.
	if body := h.do("GET", "/admin/holidays?year=2025&date=2025-04-26", cookie, nil).Body.String(); !strings.Contains(body, `value="26/04/2025"`) {
		t.Error("the edit link does not fill the form")
	}

	before := h.count(`SELECT count(*) FROM holidays`)
	// A compensatory working day on a Wednesday is refused with what was typed kept.
	rec := h.do("POST", "/admin/holidays", cookie, url.Values{"csrf_token": {csrf}, "date": {"15/04/2026"}, "name": {"Làm bù thử"}, "working": {"1"}, "status": {"announced"}})
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày 15/04/2026 là Thứ Tư.") || !strings.Contains(body, `value="Làm bù thử"`) {
		t.Errorf("a compensatory Wednesday: %d", rec.Code)
	}
	for _, form := range []url.Values{
		{"csrf_token": {csrf}, "date": {"31/02/2026"}, "name": {"Sai ngày"}, "working": {"0"}},
		{"csrf_token": {csrf}, "date": {"02/09/2026"}, "name": {"Quốc khánh"}, "working": {"2"}},
		{"csrf_token": {csrf}, "date": {"02/09/2026"}, "name": {"Quốc khánh"}, "working": {"0"}, "status": {"chac-chan"}},
	} {
		if rec := h.do("POST", "/admin/holidays", cookie, form); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", form, rec.Code)
		}
	}
	if n := h.count(`SELECT count(*) FROM holidays`); n != before {
		t.Errorf("refused days were written: %d before, %d after", before, n)
	}

	// Add a day off, change it, delete it.
	rec = h.do("POST", "/admin/holidays", cookie, url.Values{"csrf_token": {csrf}, "date": {"03/09/2026"}, "name": {"Nghỉ Quốc khánh (bổ sung)"}, "working": {"0"}, "status": {"announced"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/holidays?year=2026" {
		t.Fatalf("add: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	rec = h.do("POST", "/admin/holidays", cookie, url.Values{"csrf_token": {csrf}, "date": {"2026-09-03"}, "name": {"Nghỉ Quốc khánh"}, "working": {"0"}, "status": {"legal"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("change: %d", rec.Code)
	}
	d, err := h.s.holidays.Day(h.ctx, time.Date(2026, 9, 3, 0, 0, 0, 0, vn.Location))
	if err != nil || d.Name != "Nghỉ Quốc khánh" || d.Status != "legal" || holidays.Weekday(d.Date) != "Thứ Năm" {
		t.Fatalf("03/09/2026: %+v, %v", d, err)
	}
	if rec := h.do("POST", "/admin/holidays/delete", cookie, url.Values{"csrf_token": {csrf}, "date": {"2026-09-03"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", rec.Code)
	}
	if rec := h.do("POST", "/admin/holidays/delete", cookie, url.Values{"csrf_token": {csrf}, "date": {"2026-09-03"}}); rec.Code != http.StatusNotFound {
		t.Errorf("delete again: %d", rec.Code)
	}
	if rec := h.do("POST", "/admin/holidays/delete", cookie, url.Values{"csrf_token": {csrf}, "date": {"hôm qua"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("delete a bad date: %d", rec.Code)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action IN ('holiday.set', 'holiday.delete') AND actor_name = 'qtht'`); n != 3 {
		t.Errorf("%d audit rows, want 3", n)
	}

	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	adminCookie, adminCSRF := h.sessionFor(admin)
	if rec := h.do("GET", "/admin/holidays", adminCookie, nil); rec.Code != http.StatusForbidden {
		t.Errorf("a unit admin opens the calendar: %d", rec.Code)
	}
	if rec := h.do("POST", "/admin/holidays/delete", adminCookie, url.Values{"csrf_token": {adminCSRF}, "date": {"2026-01-01"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a unit admin deletes a holiday: %d", rec.Code)
	}
}

// TestBrowserCatalog: a system admin filters the indicator catalogue (with
// htmx), opens the form and sees its errors, and the holiday calendar; for
// screenshots and basic checks.
func TestBrowserCatalog(t *testing.T) {
	h := newHarness(t)
	if err := seed.Catalog(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	var count, location, summary string
	var searched bool
	run(t, ctx,
		signInWithCode(base, sys.Username, t),
		chromedp.Navigate(base+"/catalog/indicators"),
		chromedp.WaitVisible(chromedp.CSS(`#indicators-table table`)),
		shots.take("indicators"),
		chromedp.SendKeys(chromedp.ID("q"), "tỷ lệ"),
		chromedp.WaitVisible(chromedp.CSS(`#indicators-table p.muted`)),
		into(&searched, chromedp.Poll[bool](`location.search.includes('q=') && !document.querySelector('#indicators-table p.muted').textContent.startsWith('257')`)),
		into(&count, chromedp.Text(chromedp.CSS(`#indicators-table p.muted`))),
		into(&location, chromedp.Location()),
		shots.take("indicators-search"),
		chromedp.Navigate(base+"/catalog/indicators/new"),
		chromedp.WaitVisible(chromedp.ID("name")),
		shots.take("indicator-form"),
		submitAndLoad(chromedp.ID("name")),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
		into(&summary, chromedp.Text(chromedp.CSS(`.error-summary`))),
		shots.take("indicator-form-errors"),
		chromedp.Navigate(base+"/admin/holidays?year=2026"),
		chromedp.WaitVisible(chromedp.CSS(`table.table`)),
		shots.take("holidays"),
	)
	if !searched || !strings.Contains(location, "q=") || count == "" || strings.HasPrefix(count, "257") {
		t.Errorf("search: %q at %s", count, location)
	}
	if !strings.Contains(summary, "Nhập tên chỉ tiêu.") {
		t.Errorf("error summary %q", summary)
	}
}
