package web

import (
	"cmp"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/chart"
	"baocao/internal/consolidation"
	"baocao/internal/dashboard"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/policy"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// The dashboards (Tổng quan): every query is limited to the viewer's
// policy.DashboardScope, so a filter naming another unit shows nothing.

var crumbDashboards = layouts.Crumb{Label: "Tổng quan", Href: "/dashboards"}

// linesPerPage pages the units of the status grid; lateShown limits the
// late units listed on the page (the download has them all).
const (
	linesPerPage = 50
	lateShown    = 100
)

// dashboardFilter reads the common filter (regime, period range, unit
// subtree) from the URL.
func (s *Server) dashboardFilter(r *http.Request, path string) (dashboard.Scope, dashboard.Filter, pages.DashboardFilter, error) {
	ctx, q, a := r.Context(), r.URL.Query(), currentAccount(r)
	sc, err := s.dashboardScope(r)
	if err != nil {
		return sc, dashboard.Filter{}, pages.DashboardFilter{}, err
	}
	v := pages.DashboardFilter{Path: path, Errors: map[string]string{}, Query: url.Values{}, Activity: a.Tier == accounts.SystemAdmin}
	regimes, err := dashboard.Regimes(ctx, s.read(r))
	if err != nil {
		return sc, dashboard.Filter{}, v, err
	}
	units, err := dashboard.Units(ctx, s.read(r), sc)
	if err != nil {
		return sc, dashboard.Filter{}, v, err
	}
	var f dashboard.Filter
	f.RegimeID, _ = strconv.ParseInt(q.Get("regime"), 10, 64)
	if f.RegimeID == 0 && len(regimes) > 0 {
		f.RegimeID = regimes[0].ID
	}
	f.Root, v.Unit = pickUnit(q, components.UnitPick{Name: "unit", Label: "Đơn vị (và các đơn vị trực thuộc)", Blank: "Tất cả đơn vị",
		Search: "/dashboards/units"}, dashboardUnitChoices(units))
	v.From, v.To = q.Get("from"), q.Get("to")
	// Nothing chosen yet: the periods of the last year. Once a regime is
	// chosen, an empty start means every period.
	if v.From == "" && q.Get("regime") == "" {
		v.From = vn.Date(vn.Today(s.now()).AddDate(-1, 0, 0))
	}
	f.From = parseDateField(v.From, "from", "01/01/2026", v.Errors)
	f.To = parseDateField(v.To, "to", "31/12/2026", v.Errors)
	v.Regimes = dashboardOptions(regimes, f.RegimeID, "")
	v.Query.Set("regime", strconv.FormatInt(f.RegimeID, 10))
	v.Query.Set("from", v.From)
	v.Query.Set("to", v.To)
	if f.Root != 0 {
		v.Query.Set("unit", strconv.FormatInt(f.Root, 10))
	}
	rebasedView(q, &v)
	return sc, f, v, nil
}

// dashboardScope is what the dashboards show the viewer (policy.DashboardScope).
func (s *Server) dashboardScope(r *http.Request) (dashboard.Scope, error) {
	a := currentAccount(r)
	unit, err := s.units.Unit(r.Context(), a.UnitID)
	if err != nil {
		return dashboard.Scope{}, err
	}
	var sc dashboard.Scope
	sc.Receiver, sc.Root = policy.DashboardScope(a, unit.Kind)
	return sc, nil
}

// parseDateField reads an optional dd/mm/yyyy date, noting a bad one.
func parseDateField(raw, field, example string, errs map[string]string) time.Time {
	if raw == "" {
		return time.Time{}
	}
	d, ok := vn.ParseDate(raw)
	if !ok {
		errs[field] = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ " + example + "."
	}
	return d
}

func dashboardOptions(list []dashboard.Choice, selected int64, blank string) []components.Option {
	var opts []components.Option
	if blank != "" {
		opts = append(opts, components.Option{Value: "", Label: blank, Selected: selected == 0})
	}
	for _, c := range list {
		opts = append(opts, components.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Selected: c.ID == selected})
	}
	return opts
}

func (s *Server) dashboardStatus(r *http.Request) (*dashboard.Status, pages.DashboardFilter, error) {
	sc, f, v, err := s.dashboardFilter(r, "/dashboards")
	if err != nil || len(v.Errors) > 0 {
		return &dashboard.Status{}, v, err
	}
	var st *dashboard.Status
	if v.Rebased {
		st, err = s.rebasedStatus(r, sc, f, &v)
	} else {
		st, err = dashboard.StatusGrid(r.Context(), s.read(r), sc, f, s.now())
	}
	if err != nil {
		return nil, v, err
	}
	// By name, or the units that send least on time first.
	byRate := r.URL.Query().Get("sort") == "rate"
	if byRate {
		v.Query.Set("sort", "rate")
		slices.SortStableFunc(st.Lines, func(a, b dashboard.Line) int { return cmp.Compare(a.Tally.OnTimeRate(), b.Tally.OnTimeRate()) })
	}
	v.Sort = []components.Option{{Value: "", Label: "Tên đơn vị", Selected: !byRate},
		{Value: "rate", Label: "Tỷ lệ gửi đúng hạn, thấp nhất trước", Selected: byRate}}
	return st, v, nil
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	st, v, err := s.dashboardStatus(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	late, err := dashboard.LateUnits(r.Context(), s.read(r), st)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	lines := st.Lines[min((page-1)*linesPerPage, len(st.Lines)):min(page*linesPerPage, len(st.Lines))]
	s.render(w, r, statusFor(v), pages.Dashboard(s.page(r, "Tổng quan", "dashboards", crumbHome), pages.DashboardView{
		Filter: v, Status: st, Lines: lines, Late: late[:min(len(late), lateShown)], LateTotal: len(late),
		Pager: components.Pager{Page: page, PerPage: linesPerPage, Total: len(st.Lines), Path: "/dashboards", Query: v.Query},
	}))
}

func statusFor(v pages.DashboardFilter) int {
	if len(v.Errors) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// dashboardTrends builds the indicator page: the row and column of the
// regime's form chosen (the first ones by default), the indicator over
// the periods, and across the units in one period (by default the latest
// with figures).
func (s *Server) dashboardTrends(r *http.Request) (*pages.TrendsView, error) {
	ctx, q := r.Context(), r.URL.Query()
	sc, f, fv, err := s.dashboardFilter(r, "/dashboards/trends")
	if err != nil {
		return nil, err
	}
	v := &pages.TrendsView{Filter: fv}
	if f.RegimeID == 0 || len(fv.Errors) > 0 {
		return v, nil
	}
	tpl, err := dashboard.Template(ctx, s.read(r), f.RegimeID)
	if err != nil || len(tpl.Forms) == 0 {
		return v, err
	}
	form := &tpl.Forms[0]
	var pairs [][2]string
	for i := range tpl.Forms {
		if tpl.Forms[i].Key == q.Get("form") {
			form = &tpl.Forms[i]
		}
		pairs = append(pairs, [2]string{tpl.Forms[i].Key, tpl.Forms[i].Title})
	}
	v.Forms = options(form.Key, "", pairs)

	var row forms.Row
	pairs = nil
	for _, rw := range form.Rows {
		if !rw.HasValues() {
			continue
		}
		if row.Key == "" || rw.Key == q.Get("row") {
			row = rw
		}
		pairs = append(pairs, [2]string{rw.Key, pages.RowName(rw)})
	}
	v.Rows = options(row.Key, "", pairs)

	// The columns whose figures consolidate: numbers typed in, not
	// formulas, not "none".
	var col forms.Column
	pairs = nil
	for _, c := range form.Columns {
		if c.Type == forms.Text || form.IsFormula(row, c) || consolidation.Rule(row, c) == forms.NoAggregate {
			continue
		}
		if col.Code == "" || c.Code == q.Get("col") {
			col = c
		}
		pairs = append(pairs, [2]string{c.Code, "(" + c.Code + ") " + c.Label})
	}
	v.Columns = options(col.Code, "", pairs)
	if row.Key == "" || col.Code == "" {
		return v, nil
	}
	v.Filter.Query.Set("form", form.Key)
	v.Filter.Query.Set("row", row.Key)
	v.Filter.Query.Set("col", col.Code)
	v.Indicator, v.Decimals = pages.RowName(row)+" – "+col.Label, col.Decimals
	ind := dashboard.Indicator{Form: form, RowKey: row.Key, ColCode: col.Code}
	if v.Filter.Rebased {
		v.Points, err = s.rebasedTrend(r, sc, f, ind, v)
	} else {
		v.Points, err = dashboard.Trend(ctx, s.read(r), sc, f, ind)
	}
	if err != nil {
		return nil, err
	}

	asked, _ := strconv.ParseInt(q.Get("period"), 10, 64)
	var period dashboard.Period
	pairs = nil
	for _, p := range v.Points {
		if period.ID == 0 || p.Period.ID == asked || (asked == 0 && p.OK) {
			period = p.Period
		}
		pairs = append(pairs, [2]string{strconv.FormatInt(p.Period.ID, 10), p.Period.Label})
	}
	v.Periods = options(strconv.FormatInt(period.ID, 10), "", pairs)
	if period.ID == 0 {
		return v, nil
	}
	v.Period = period.Label
	v.Filter.Query.Set("period", strconv.FormatInt(period.ID, 10))
	if v.Filter.Rebased {
		v.Units, err = s.rebasedAcross(r, sc, f, period, ind, v)
		return v, err
	}
	v.Units, err = dashboard.Across(ctx, s.read(r), sc, f, period.ID, ind)
	return v, err
}

// barLimit is how many units the bar chart shows; the table lists all.
const barLimit = 30

func trendChart(t *pages.TrendsView) chart.Line {
	c := chart.Line{ID: "trend", Title: t.Indicator, Decimals: t.Decimals,
		Desc: "Giá trị của chỉ tiêu qua các kỳ báo cáo, so với cùng kỳ năm trước; số liệu ở bảng bên dưới."}
	now := chart.Series{Name: "Kỳ báo cáo"}
	last := chart.Series{Name: "Cùng kỳ năm trước", Dashed: true}
	for _, p := range t.Points {
		c.Labels = append(c.Labels, p.Period.Label)
		now.Values = append(now.Values, valueOrGap(p.Value, p.OK))
		last.Values = append(last.Values, valueOrGap(p.LastYear, p.LastYearOK))
	}
	c.Series = []chart.Series{now, last}
	return c
}

func acrossChart(t *pages.TrendsView) chart.Bar {
	c := chart.Bar{ID: "across", Title: t.Indicator + " – " + t.Period, Decimals: t.Decimals,
		Desc: "Giá trị của chỉ tiêu theo đơn vị, từ cao xuống thấp; số liệu ở bảng bên dưới."}
	for i, u := range t.Units {
		if i == barLimit {
			break
		}
		c.Labels = append(c.Labels, u.Unit)
		c.Values = append(c.Values, u.Value.Float64()) // a bar's length, not a figure
	}
	return c
}

// valueOrGap is a point of a chart line (its position, not a figure shown).
func valueOrGap(v decimal.Decimal, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v.Float64()
}

func (s *Server) trendsPage(w http.ResponseWriter, r *http.Request) {
	t, err := s.dashboardTrends(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(t.Points) > 0 {
		t.LineSVG = trendChart(t).SVG()
	}
	if len(t.Units) > 0 {
		t.BarSVG = acrossChart(t).SVG()
		t.BarShown = min(len(t.Units), barLimit)
	}
	s.render(w, r, statusFor(t.Filter), pages.Trends(s.page(r, "Chỉ tiêu qua các kỳ", "dashboards", crumbHome, crumbDashboards), *t))
}

// activityRange reads the activity page's days: the last 30 by default.
func (s *Server) activityRange(r *http.Request) (first, last time.Time, v pages.ActivityView) {
	q := r.URL.Query()
	v = pages.ActivityView{From: q.Get("from"), To: q.Get("to"), Errors: map[string]string{}, Query: url.Values{}}
	today := vn.Today(s.now())
	if v.To == "" {
		v.To = vn.Date(today)
	}
	if v.From == "" {
		v.From = vn.Date(today.AddDate(0, 0, -29))
	}
	first = parseDateField(v.From, "from", "01/11/2026", v.Errors)
	last = parseDateField(v.To, "to", "30/11/2026", v.Errors)
	if len(v.Errors) == 0 && (last.Before(first) || last.Sub(first) > 366*24*time.Hour) {
		v.Errors["to"] = "Ngày kết thúc phải sau ngày bắt đầu, trong vòng một năm."
	}
	v.Query.Set("from", v.From)
	v.Query.Set("to", v.To)
	return first, last, v
}

func (s *Server) dashboardActivity(r *http.Request) (pages.ActivityView, error) {
	first, last, v := s.activityRange(r)
	if len(v.Errors) > 0 {
		v.Activity = &dashboard.Activity{}
		return v, nil
	}
	a, err := dashboard.SystemActivity(r.Context(), s.read(r), first, last)
	v.Activity = a
	return v, err
}

func activityChart(a *dashboard.Activity) chart.Line {
	c := chart.Line{ID: "activity", Title: "Hoạt động của hệ thống theo ngày",
		Desc: "Số lượt đăng nhập và số báo cáo được gửi mỗi ngày; số liệu ở bảng bên dưới."}
	signIns, sent := chart.Series{Name: "Lượt đăng nhập"}, chart.Series{Name: "Báo cáo đã gửi"}
	for _, d := range a.Days {
		c.Labels = append(c.Labels, d.Day.Format("02/01"))
		signIns.Values = append(signIns.Values, float64(d.SignIns))
		sent.Values = append(sent.Values, float64(d.Sent))
	}
	c.Series = []chart.Series{signIns, sent}
	return c
}

func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.dashboardActivity(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(v.Activity.Days) > 0 {
		v.ChartSVG = activityChart(v.Activity).SVG()
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, pages.Activity(s.page(r, "Hoạt động của hệ thống", "dashboards", crumbHome, crumbDashboards), v))
}

// dashboardChart downloads a chart of the dashboards as an SVG file.
func (s *Server) dashboardChart(w http.ResponseWriter, r *http.Request) {
	var svg []byte
	switch r.URL.Query().Get("chart") {
	case "trend", "across":
		t, err := s.dashboardTrends(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if r.URL.Query().Get("chart") == "trend" {
			svg = trendChart(t).SVG()
		} else {
			svg = acrossChart(t).SVG()
		}
	case "activity":
		if !s.mayViewActivity(w, r) {
			return
		}
		v, err := s.dashboardActivity(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		svg = activityChart(v.Activity).SVG()
	default:
		s.fail(w, r, apperr.New(apperr.NotFound, "Không có biểu đồ này."))
		return
	}
	sendFile(w, "bieu-do-"+r.URL.Query().Get("chart")+".svg", "image/svg+xml", true, svg)
}

// mayViewActivity checks the activity's own action for the routes shared
// with the other dashboards.
func (s *Server) mayViewActivity(w http.ResponseWriter, r *http.Request) bool {
	if err := s.policy.Authorize(r.Context(), currentAccount(r), policy.ViewActivity, nil); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}
