package dashboard_test

import (
	"baocao/internal/formula"

	"strconv"

	"fmt"

	"baocao/internal/decimal"

	"math"
	"reflect"
	"testing"

	"baocao/internal/consolidation"
	"baocao/internal/dashboard"
	"baocao/internal/forms"
)

// render writes a grid as lines of "unit: state|state|…" for comparing.
func render(st *dashboard.Status) []string {
	var out []string
	for _, l := range st.Lines {
		s := l.Unit + ":"
		for i, c := range l.Cells {
			if i > 0 {
				s += "|"
			}
			s += c.State
		}
		out = append(out, s)
	}
	return out
}

func tally(assigned, due, onTime, late int, states map[string]int) dashboard.Tally {
	t := dashboard.Tally{Assigned: assigned, Due: due, OnTime: onTime, SentLate: late, States: states}
	return t
}

func TestStatusGridOfReceiver(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	st, err := dashboard.StatusGrid(f.ctx, f.db, dashboard.Scope{Receiver: f.vpUBND},
		dashboard.Filter{RegimeID: f.regimeID, From: date(2025, 12, 1)}, today)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, p := range st.Periods {
		labels = append(labels, p.Label)
	}
	if want := []string{"Tháng 1/2026", "Tháng 2/2026", "Tháng 3/2026"}; !reflect.DeepEqual(labels, want) {
		t.Fatalf("periods %v, want %v", labels, want)
	}
	want := []string{
		"Xã Thử A:Đã tiếp nhận|Bị trả lại|Đã gửi",
		"Xã Thử B:Đã tiếp nhận|Quá hạn|Chưa gửi",
		"Xã Thử C:Đã gửi|Quá hạn|Chưa gửi",
	}
	if got := render(st); !reflect.DeepEqual(got, want) {
		t.Fatalf("grid\n%q\nwant\n%q", got, want)
	}
	if c := st.Lines[1].Cells[0]; !c.Sent || !c.Late || c.ReportID == 0 {
		t.Errorf("B in Tháng 1/2026: %+v, want sent late", c)
	}
	if c := st.Lines[2].Cells[1]; c.ReportID != 0 || c.Sent {
		t.Errorf("C in Tháng 2/2026: %+v, want missing", c)
	}
	// The two reports of Tháng 3/2026 not sent yet are not due yet: the
	// rates count the seven others.
	checkTally(t, "total", st.Total, tally(9, 7, 4, 1, map[string]int{
		consolidation.Accepted: 2, consolidation.Returned: 1, consolidation.Sent: 2, consolidation.Overdue: 2, consolidation.NotSent: 2}))
	checkTally(t, "A", st.Lines[0].Tally, tally(3, 3, 3, 0, map[string]int{
		consolidation.Accepted: 1, consolidation.Returned: 1, consolidation.Sent: 1}))
	checkTally(t, "Tháng 1/2026", st.Columns[0], tally(3, 3, 2, 1, map[string]int{consolidation.Accepted: 2, consolidation.Sent: 1}))
	checkTally(t, "Tháng 2/2026", st.Columns[1], tally(3, 3, 1, 0, map[string]int{consolidation.Returned: 1, consolidation.Overdue: 2}))
	checkTally(t, "Tháng 3/2026", st.Columns[2], tally(3, 1, 1, 0, map[string]int{consolidation.Sent: 1, consolidation.NotSent: 2}))
	if r := st.Total.OnTimeRate(); math.Abs(r-400.0/7) > 1e-9 {
		t.Errorf("on-time rate %v, want 57.14…", r)
	}
	if r := st.Total.SentRate(); math.Abs(r-500.0/7) > 1e-9 {
		t.Errorf("sent rate %v, want 71.42…", r)
	}

	late, err := dashboard.LateUnits(f.ctx, f.db, st)
	if err != nil {
		t.Fatal(err)
	}
	wantLate := []dashboard.LateUnit{
		{UnitID: f.b, Unit: "Xã Thử B", Periods: []string{"Tháng 2/2026"},
			Contacts: []dashboard.Contact{{Name: "Nguyễn Văn Bình", Phone: "0258 3822 111", Email: "binh@thub.khanhhoa.gov.vn"}}},
		{UnitID: f.c, Unit: "Xã Thử C", Periods: []string{"Tháng 2/2026"}},
	}
	if !reflect.DeepEqual(late, wantLate) {
		t.Errorf("late units\n%+v\nwant\n%+v", late, wantLate)
	}
}

func checkTally(t *testing.T, name string, got, want dashboard.Tally) {
	t.Helper()
	for _, s := range consolidation.States {
		if got.States[s] != want.States[s] {
			t.Errorf("%s: %d %q, want %d", name, got.States[s], s, want.States[s])
		}
	}
	if got.Assigned != want.Assigned || got.Due != want.Due || got.OnTime != want.OnTime || got.SentLate != want.SentLate {
		t.Errorf("%s: assigned %d, due %d, on time %d, late %d; want %d, %d, %d, %d", name, got.Assigned, got.Due, got.OnTime, got.SentLate,
			want.Assigned, want.Due, want.OnTime, want.SentLate)
	}
}

// TestStatusGridScopes: the province sees every unit, a unit admin its
// subtree, another receiver its own units; a unit filter from outside
// the scope shows nothing.
func TestStatusGridScopes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	filter := dashboard.Filter{RegimeID: f.regimeID, From: date(2025, 12, 1)}
	for _, tc := range []struct {
		name  string
		scope dashboard.Scope
		root  int64
		want  []string
		due   int
	}{
		{"province", dashboard.Scope{}, 0, []string{
			"Trường Thử D:Đã gửi|Quá hạn|Đã gửi",
			"Xã Thử A:Đã tiếp nhận|Bị trả lại|Đã gửi",
			"Xã Thử B:Đã tiếp nhận|Quá hạn|Chưa gửi",
			"Xã Thử C:Đã gửi|Quá hạn|Chưa gửi",
		}, 12},
		{"province, so-y-te subtree", dashboard.Scope{}, f.soYTe, []string{"Trường Thử D:Đã gửi|Quá hạn|Đã gửi"}, 3},
		{"unit admin of A", dashboard.Scope{Root: f.a}, 0, []string{"Xã Thử A:Đã tiếp nhận|Bị trả lại|Đã gửi"}, 3},
		{"unit admin of A asking for B", dashboard.Scope{Root: f.a}, f.b, nil, 0},
		{"receiver so-y-te", dashboard.Scope{Receiver: f.soYTe}, 0, []string{"Trường Thử D:Đã gửi|Quá hạn|Đã gửi"}, 3},
		{"receiver vp-ubnd asking for D", dashboard.Scope{Receiver: f.vpUBND}, f.d, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flt := filter
			flt.Root = tc.root
			st, err := dashboard.StatusGrid(f.ctx, f.db, tc.scope, flt, today)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(st); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("grid\n%q\nwant\n%q", got, tc.want)
			}
			if st.Total.Assigned != tc.due {
				t.Errorf("assigned %d, want %d", st.Total.Assigned, tc.due)
			}
		})
	}
}

func TestTrend(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	filter := dashboard.Filter{RegimeID: f.regimeID, From: date(2025, 12, 1)}
	type point struct {
		label    string
		value    float64
		ok       bool
		reports  int
		lastYear float64
		lastOK   bool
	}
	flatten := func(ps []dashboard.Point) []point {
		var out []point
		for _, p := range ps {
			out = append(out, point{p.Period.Label, p.Value.Float64(), p.OK, p.Reports, p.LastYear.Float64(), p.LastYearOK})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		scope dashboard.Scope
		rule  string
		want  []point
	}{
		// The returned report of A in Tháng 2/2026 and the drafts never count.
		{"receiver, sum", dashboard.Scope{Receiver: f.vpUBND}, forms.Sum, []point{
			{"Tháng 1/2026", 180, true, 3, 0, false},
			{"Tháng 2/2026", 0, false, 0, 0, false},
			{"Tháng 3/2026", 120, true, 1, 30, true},
		}},
		{"receiver, average", dashboard.Scope{Receiver: f.vpUBND}, forms.Average, []point{
			{"Tháng 1/2026", 60, true, 3, 0, false},
			{"Tháng 2/2026", 0, false, 0, 0, false},
			{"Tháng 3/2026", 120, true, 1, 15, true},
		}},
		{"province, max", dashboard.Scope{}, forms.Max, []point{
			{"Tháng 1/2026", 999, true, 4, 0, false},
			{"Tháng 2/2026", 0, false, 0, 0, false},
			{"Tháng 3/2026", 120, true, 2, 20, true},
		}},
		{"other receiver", dashboard.Scope{Receiver: f.soYTe}, forms.Sum, []point{
			{"Tháng 1/2026", 999, true, 1, 0, false},
			{"Tháng 2/2026", 0, false, 0, 0, false},
			{"Tháng 3/2026", 5, true, 1, 0, false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := testForm
			form.Columns = []forms.Column{testForm.Columns[0]}
			form.Columns[0].Aggregation = tc.rule
			ind := dashboard.Indicator{Form: &form, RowKey: "r1", ColCode: "1"}
			got, err := dashboard.Trend(f.ctx, f.db, tc.scope, filter, ind)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(flatten(got), tc.want) {
				t.Errorf("trend\n%+v\nwant\n%+v", flatten(got), tc.want)
			}
		})
	}
}

func TestAcross(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ind := dashboard.Indicator{Form: &testForm, RowKey: "r1", ColCode: "1"}
	filter := dashboard.Filter{RegimeID: f.regimeID}
	got, err := dashboard.Across(f.ctx, f.db, dashboard.Scope{}, filter, f.periods["2026-M01"], ind)
	if err != nil {
		t.Fatal(err)
	}
	want := []dashboard.UnitValue{
		{UnitID: f.d, Unit: "Trường Thử D", Value: decimal.FromInt(999)},
		{UnitID: f.a, Unit: "Xã Thử A", Value: decimal.FromInt(100)},
		{UnitID: f.b, Unit: "Xã Thử B", Value: decimal.FromInt(50)},
		{UnitID: f.c, Unit: "Xã Thử C", Value: decimal.FromInt(30)},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("across\n%+v\nwant\n%+v", got, want)
	}
	got, err = dashboard.Across(f.ctx, f.db, dashboard.Scope{Receiver: f.vpUBND}, filter, f.periods["2026-M03"], ind)
	if err != nil {
		t.Fatal(err)
	}
	want = []dashboard.UnitValue{{UnitID: f.a, Unit: "Xã Thử A", Value: decimal.FromInt(120), LastYear: decimal.FromInt(10), LastYearOK: true}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("across with last year\n%+v\nwant\n%+v", got, want)
	}
	// A period of another regime, or units outside the scope, show nothing.
	for _, tc := range []struct {
		scope  dashboard.Scope
		filter dashboard.Filter
	}{
		{dashboard.Scope{Receiver: f.soYTe}, dashboard.Filter{RegimeID: f.regimeID, Root: f.a}},
		{dashboard.Scope{Root: f.d}, filter},
		{dashboard.Scope{}, dashboard.Filter{RegimeID: f.regimeID + 1}},
	} {
		got, err := dashboard.Across(f.ctx, f.db, tc.scope, tc.filter, f.periods["2026-M03"], ind)
		if err != nil || (len(got) != 0 && tc.scope.Root != f.d) {
			t.Errorf("%+v %+v: %+v, %v; want nothing", tc.scope, tc.filter, got, err)
		}
	}
}

func TestSystemActivity(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	account := func(name string) int64 {
		return f.id(`INSERT INTO accounts (username, full_name, unit_id, tier, password_hash) VALUES ($1, $1, $2, 'user', 'x') RETURNING id`, name, f.a)
	}
	one, two := account("mot"), account("hai")
	account("bon") // never signs in, disabled
	f.exec(`UPDATE accounts SET disabled_at = now() WHERE username = 'bon'`)
	for _, s := range []struct {
		who int64
		at  string
	}{
		{one, "2026-03-16 08:00+07"}, {one, "2026-03-16 14:00+07"}, {two, "2026-03-16 09:00+07"},
		{one, "2026-03-18 23:30+07"}, // 16:30 UTC, still the 18th in Vietnam
		{two, "2026-03-19 00:30+07"}, // the 18th in UTC, the 19th in Vietnam: outside
		{two, "2026-03-15 23:59+07"}, // before the range
	} {
		f.exec(`INSERT INTO audit_log (at, actor_id, action) VALUES ($1, $2, 'signin.success')`, s.at, s.who)
	}
	f.exec(`INSERT INTO audit_log (at, actor_id, action) VALUES ('2026-03-17 10:00+07', $1, 'signin.failure')`, one)
	var report int64 = f.id(`SELECT id FROM reports ORDER BY id LIMIT 1`)
	for _, at := range []string{"2026-03-16 10:00+07", "2026-03-18 10:00+07", "2026-03-18 11:00+07", "2026-03-19 10:00+07"} {
		f.exec(`INSERT INTO report_events (report_id, at, action, from_status, to_status, version) VALUES ($1, $2, 'send', 'signed', 'sent', 1)`, report, at)
	}
	f.exec(`INSERT INTO report_events (report_id, at, action, from_status, to_status, version) VALUES ($1, '2026-03-17 10:00+07', 'accept', 'sent', 'accepted', 1)`, report)

	a, err := dashboard.SystemActivity(f.ctx, f.db, date(2026, 3, 16), date(2026, 3, 18))
	if err != nil {
		t.Fatal(err)
	}
	want := []dashboard.Day{
		{Day: date(2026, 3, 16), SignIns: 3, Accounts: 2, Sent: 1},
		{Day: date(2026, 3, 17), SignIns: 0, Accounts: 0, Sent: 0},
		{Day: date(2026, 3, 18), SignIns: 1, Accounts: 1, Sent: 2},
	}
	if !reflect.DeepEqual(a.Days, want) {
		t.Errorf("days\n%+v\nwant\n%+v", a.Days, want)
	}
	// Open accounts: the fixture's unit admin, mot and hai.
	if a.SignIns != 4 || a.Sent != 3 || a.Active != 2 || a.Open != 3 {
		t.Errorf("totals: sign-ins %d, sent %d, active %d, open %d; want 4, 3, 2, 3", a.SignIns, a.Sent, a.Active, a.Open)
	}
}

// TestTrendsAgreeWithConsolidation computes one cell under each rule
// through the dashboards' trend and through the receiver's consolidation
// (the engine of /received, the API's indicator values and the archives'
// workbook) and requires the same figure, digit for digit.
func TestTrendsAgreeWithConsolidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	form := forms.Form{Key: "b1", Title: "Biểu thử", Columns: []forms.Column{
		{Code: "1", Label: "Cộng", Type: forms.Number, Aggregation: forms.Sum},
		{Code: "2", Label: "Trung bình", Type: forms.Number, Decimals: 2, Aggregation: forms.Average},
		{Code: "3", Label: "Giá bình quân", Type: forms.Number, Decimals: 3, Aggregation: forms.WeightedAvg, WeightBy: "6"},
		{Code: "4", Label: "Thấp nhất", Type: forms.Number, Aggregation: forms.Min},
		{Code: "5", Label: "Cao nhất", Type: forms.Number, Aggregation: forms.Max},
		{Code: "6", Label: "Sản lượng", Type: forms.Number, Aggregation: forms.Sum},
	}, Rows: []forms.Row{{Key: "r1", STT: "1", Label: "Lúa", Kind: forms.Indicator}}}
	values := map[int64][]string{ // the 2026-M01 reports to Văn phòng UBND tỉnh: A, B accepted, C sent
		f.a: {"", "10.1", "5.25", "-3.5", "7.125", "1200.5"},
		f.b: {"", "20.2", "6.75", "4", "9.875", "800"},
		f.c: {"", "0.04", "7.1", "0.001", "1e3", "333.3"},
	}
	for unit, vs := range values {
		id := f.id(`SELECT id FROM reports WHERE unit_id = $1 AND period_id = $2`, unit, f.periods["2026-M01"])
		for i, v := range vs {
			if v != "" {
				f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, num) VALUES ($1, 'b1', 'r1', $2, $3::numeric)`,
					id, strconv.Itoa(i+1), v)
			}
		}
	}
	res, err := consolidation.Compute(f.ctx, f.db, &form, f.periods["2026-M01"], f.vpUBND, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"1": "180", "2": "10.11", "3": "6.028", "4": "-3.5", "5": "1000", "6": "2333.8"}
	for _, c := range form.Columns {
		points, err := dashboard.Trend(f.ctx, f.db, dashboard.Scope{Receiver: f.vpUBND}, dashboard.Filter{RegimeID: f.regimeID},
			dashboard.Indicator{Form: &form, RowKey: "r1", ColCode: c.Code})
		if err != nil {
			t.Fatal(err)
		}
		var trend dashboard.Point
		for _, p := range points {
			if p.Period.ID == f.periods["2026-M01"] {
				trend = p
			}
		}
		cons := res.Cells[formula.Cell{Row: "r1", Col: c.Code}]
		if !trend.OK || !cons.OK || trend.Value.String() != cons.Value.String() || cons.Value.String() != want[c.Code] {
			t.Errorf("column (%s) %s: trend %s (%v), consolidation %s (%v), want %s",
				c.Code, c.Aggregation, trend.Value, trend.OK, cons.Value, cons.OK, want[c.Code])
		}
	}
}
