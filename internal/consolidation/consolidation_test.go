package consolidation_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/consolidation"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/vn"
)

// smallForm has a total row summing its children, an indicator row and a
// "trong đó" row (part of the total, not added to it), which takes the
// maximum in column (1) instead of the column's sum, and a weighted
// average in column (2), which has no weight column: a plain average. Columns: (1) sum,
// (2) average, (3) average weighted by (1), (4) minimum, (5) maximum,
// (6) = (1) × 2, (7) not consolidated, (8) = (4) / (5) × 100 in percent,
// (9) text; and a cross-cell check, whose hidden cells are no part of
// the result.
func smallForm() forms.Form {
	return forms.Form{Key: "b1", Title: "Biểu thử tổng hợp",
		Columns: []forms.Column{
			{Code: "1", Label: "Số lượng", Type: forms.Number, Aggregation: forms.Sum},
			{Code: "2", Label: "Bình quân", Type: forms.Number, Aggregation: forms.Average},
			{Code: "3", Label: "Đơn giá", Type: forms.Number, Aggregation: forms.WeightedAvg, WeightBy: "1"},
			{Code: "4", Label: "Thấp nhất", Type: forms.Number, Aggregation: forms.Min},
			{Code: "5", Label: "Cao nhất", Type: forms.Number, Aggregation: forms.Max},
			{Code: "6", Label: "Gấp đôi", Type: forms.Number, Formula: "c1 * 2"},
			{Code: "7", Label: "Mã số", Type: forms.Integer, Aggregation: forms.NoAggregate},
			{Code: "8", Label: "Tỷ lệ (%)", Type: forms.Percent, Formula: "c4 / c5 * 100"},
			{Code: "9", Label: "Ghi chú", Type: forms.Text},
		},
		Rows: []forms.Row{
			{Key: "r1", Label: "Tổng số", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Chỉ tiêu", Kind: forms.Indicator},
			{Key: "r3", Parent: "r1", STT: "-", Label: "Trong đó: phần riêng", Kind: forms.OfWhich,
				Aggregation: map[string]string{"1": forms.Max, "2": forms.WeightedAvg}},
		},
		Rules: []forms.Rule{{Expr: "c4 <= c5", Message: "Giá trị thấp nhất không lớn hơn giá trị cao nhất."}},
	}
}

// received is the small form's period with reports to vp-ubnd: two
// accepted (A, B), two sent (C late, F on time without the cells of
// row r2), and a draft, a returned report and a report to another
// receiver whose values must never count.
type received struct {
	*fixture
	a, b, c, d, e, fr, other   int64 // report ids
	unitA, unitB, unitC, unitF int64
}

func newReceived(t *testing.T) *received {
	f := newFixture(t, smallForm())
	r := &received{fixture: f}
	// Names whose Vietnamese order (Ân < Diên < Đồng < Ea) is neither the
	// byte order nor the order of creation.
	r.unitA, r.unitB = f.addUnit("Xã Đồng Xuân"), f.addUnit("Xã Diên Khánh")
	r.unitC, r.unitF = f.addUnit("Xã Ea Sô"), f.addUnit("Xã Ân Hòa")
	unitD, unitE, unitO := f.addUnit("Xã Bình Lộc"), f.addUnit("Xã Cam An"), f.addUnit("Xã Suối Dầu")
	onTime, late := "2026-03-16 09:00+07", "2026-03-23 15:30+07"
	r.a = f.addReport(report{unit: r.unitA, receiver: f.receiverID, status: "accepted", sentAt: onTime})
	r.b = f.addReport(report{unit: r.unitB, receiver: f.receiverID, status: "accepted", sentAt: onTime})
	r.c = f.addReport(report{unit: r.unitC, receiver: f.receiverID, status: "sent", sentAt: late, late: true})
	r.fr = f.addReport(report{unit: r.unitF, receiver: f.receiverID, status: "sent", sentAt: onTime})
	r.d = f.addReport(report{unit: unitD, receiver: f.receiverID, status: "draft"})
	r.e = f.addReport(report{unit: unitE, receiver: f.receiverID, status: "returned", sentAt: onTime})
	r.other = f.addReport(report{unit: unitO, receiver: f.unitID("so-tai-chinh"), status: "accepted", sentAt: onTime})

	f.setValues(r.a, map[string]float64{
		"r2.c1": 10, "r2.c2": 4, "r2.c3": 50, "r2.c4": 7, "r2.c5": 7, "r2.c7": 100,
		"r3.c1": 3, "r3.c2": 2, "r3.c3": 40, "r3.c4": 1, "r3.c5": 9,
	})
	f.setText(r.a, "r2", "9", "Số liệu ước tính")
	f.setValues(r.b, map[string]float64{
		"r2.c1": 30, "r2.c2": 8, "r2.c3": 70, "r2.c4": 5, "r2.c5": 12, "r2.c7": 50,
		"r3.c1": 6, "r3.c2": 6, "r3.c3": 10, "r3.c4": 4, "r3.c5": 3,
	})
	f.setValues(r.c, map[string]float64{
		"r2.c1": 20, "r2.c2": 9, "r2.c3": 80, "r2.c4": 2, "r2.c5": 20,
		"r3.c1": 5, "r3.c2": 1, "r3.c3": 6, "r3.c4": 0.5, "r3.c5": 4,
	})
	// A price without its quantity: no weight, so it does not count.
	f.setValues(r.fr, map[string]float64{"r3.c3": 100})
	huge := map[string]float64{
		"r2.c1": 1000, "r2.c2": 1000, "r2.c3": 1000, "r2.c4": -1000, "r2.c5": 1000, "r2.c7": 1000,
		"r3.c1": 1000, "r3.c2": 1000, "r3.c3": 1000, "r3.c4": -1000, "r3.c5": 1000,
	}
	for _, id := range []int64{r.d, r.e, r.other} {
		f.setValues(id, huge)
	}
	return r
}

type want struct {
	value   float64
	ok      bool
	rule    string
	reports int
}

func checkCells(t *testing.T, res *consolidation.Result, wants map[string]want) {
	t.Helper()
	for key, w := range wants {
		var cell formula.Cell
		cell.Row, cell.Col = key[:2], key[4:]
		got, ok := res.Cells[cell]
		if !ok {
			t.Errorf("%s: missing from the result", key)
			continue
		}
		if got.OK != w.ok || got.Rule != w.rule || got.Reports != w.reports || got.Err != "" ||
			w.ok && math.Abs(got.Value.Float64()-w.value) > 1e-9*math.Max(1, math.Abs(w.value)) {
			t.Errorf("%s = %+v, want value %v ok %v rule %s reports %d", key, got, w.value, w.ok, w.rule, w.reports)
		}
	}
	// Every input and formula cell of the three rows, and no text cell.
	if len(res.Cells) != 3*8 {
		t.Errorf("%d cells, want 24", len(res.Cells))
	}
	for cell := range res.Cells {
		if cell.Col == "9" {
			t.Errorf("text cell %s consolidated", cell)
		}
	}
}

func TestComputeAcceptedOnly(t *testing.T) {
	t.Parallel()
	r := newReceived(t)
	form := smallForm()
	res, err := consolidation.Compute(r.ctx, r.db, &form, r.periodID, r.receiverID, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.ReportIDs, []int64{r.a, r.b}) || res.FormKey != "b1" {
		t.Fatalf("form %s reports %v, want b1 [%d %d]", res.FormKey, res.ReportIDs, r.a, r.b)
	}
	sum, avg, wavg, lo, hi, none, calc := forms.Sum, forms.Average, forms.WeightedAvg, forms.Min, forms.Max, forms.NoAggregate, consolidation.Formula
	checkCells(t, res, map[string]want{
		// A and B: r2 (1) 10+30, (2) (4+8)/2, (3) (50×10 + 70×30)/(10+30), (4) min(7, 5), (5) max(7, 12).
		"r2.c1": {40, true, sum, 2},
		"r2.c2": {6, true, avg, 2},
		"r2.c3": {65, true, wavg, 2},
		"r2.c4": {5, true, lo, 2},
		"r2.c5": {12, true, hi, 2},
		"r2.c7": {0, false, none, 0}, // 100 and 50 typed, never combined
		"r2.c6": {80, true, calc, 0},
		"r2.c8": {41.7, true, calc, 0}, // 5/12 in percent to one decimal, not (7/7 + 5/12) × 100
		// r3: (1) takes the row's rule max(3, 6); (3) (40×3 + 10×6)/(3+6).
		"r3.c1": {6, true, hi, 2},
		"r3.c2": {4, true, avg, 2},
		"r3.c3": {20, true, wavg, 2},
		"r3.c4": {1, true, lo, 2},
		"r3.c5": {9, true, hi, 2},
		"r3.c7": {0, false, none, 0},
		"r3.c6": {12, true, calc, 0},
		"r3.c8": {11.1, true, calc, 0},
		// r1 sums its children, r2 only: the "trong đó" row is part of it.
		"r1.c1": {40, true, calc, 0},
		"r1.c2": {6, true, calc, 0},
		"r1.c3": {65, true, calc, 0},
		"r1.c4": {5, true, calc, 0},
		"r1.c5": {12, true, calc, 0},
		"r1.c7": {0, false, calc, 0},
		"r1.c6": {80, true, calc, 0},
		"r1.c8": {41.7, true, calc, 0},
	})
	// The same form changed in place is compiled again, not taken from the cache.
	form.Columns[5].Formula = "c1 * 3"
	res, err = consolidation.Compute(r.ctx, r.db, &form, r.periodID, r.receiverID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Cells[formula.Cell{Row: "r2", Col: "6"}]; got.Value.String() != "120" || !got.OK {
		t.Errorf("r2.c6 = c1 × 3 gives %+v, want 120", got)
	}
}

func TestComputeIncludingSent(t *testing.T) {
	t.Parallel()
	r := newReceived(t)
	form := smallForm()
	res, err := consolidation.Compute(r.ctx, r.db, &form, r.periodID, r.receiverID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.ReportIDs, []int64{r.a, r.b, r.c, r.fr}) {
		t.Fatalf("reports %v, want [%d %d %d %d]", res.ReportIDs, r.a, r.b, r.c, r.fr)
	}
	sum, avg, wavg, lo, hi, none, calc := forms.Sum, forms.Average, forms.WeightedAvg, forms.Min, forms.Max, forms.NoAggregate, consolidation.Formula
	checkCells(t, res, map[string]want{
		// A, B and C (F has nothing in r2): (3) (500 + 2100 + 80×20)/60.
		"r2.c1": {60, true, sum, 3},
		"r2.c2": {7, true, avg, 3},
		"r2.c3": {70, true, wavg, 3},
		"r2.c4": {2, true, lo, 3},
		"r2.c5": {20, true, hi, 3},
		"r2.c7": {0, false, none, 0},
		"r2.c6": {120, true, calc, 0},
		"r2.c8": {10, true, calc, 0},
		// F's price has no quantity: (40×3 + 10×6 + 6×5)/(3+6+5), F not counted.
		"r3.c1": {6, true, hi, 3},
		"r3.c2": {3, true, avg, 3},
		"r3.c3": {15, true, wavg, 3},
		"r3.c4": {0.5, true, lo, 3},
		"r3.c5": {9, true, hi, 3},
		"r3.c7": {0, false, none, 0},
		"r3.c6": {12, true, calc, 0},
		"r3.c8": {5.6, true, calc, 0},
		"r1.c1": {60, true, calc, 0},
		"r1.c2": {7, true, calc, 0},
		"r1.c3": {70, true, calc, 0},
		"r1.c4": {2, true, calc, 0},
		"r1.c5": {20, true, calc, 0},
		"r1.c7": {0, false, calc, 0},
		"r1.c6": {120, true, calc, 0},
		"r1.c8": {10, true, calc, 0},
	})
}

func TestComputeWithoutReports(t *testing.T) {
	t.Parallel()
	r := newReceived(t)
	form := smallForm()
	// so-kh-cn receives nothing in this period.
	res, err := consolidation.Compute(r.ctx, r.db, &form, r.periodID, r.unitID("so-kh-cn"), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ReportIDs) != 0 || len(res.Cells) != 24 {
		t.Fatalf("reports %v, %d cells; want none and 24", res.ReportIDs, len(res.Cells))
	}
	for cell, v := range res.Cells {
		if v.OK || v.Reports != 0 {
			t.Errorf("%s = %+v, want blank", cell, v)
		}
	}
	// so-tai-chinh receives one accepted report (the "other" one): its own figures.
	res, err = consolidation.Compute(r.ctx, r.db, &form, r.periodID, r.unitID("so-tai-chinh"), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Cells[formula.Cell{Row: "r2", Col: "1"}]; !slices.Equal(res.ReportIDs, []int64{r.other}) || got.Value.String() != "1000" || got.Reports != 1 {
		t.Fatalf("so-tai-chinh: reports %v, r2.c1 %+v; want [%d] and 1000", res.ReportIDs, got, r.other)
	}
}

func TestRule(t *testing.T) {
	t.Parallel()
	f := smallForm()
	cases := []struct {
		row  forms.Row
		col  forms.Column
		want string
	}{
		{f.Rows[1], f.Columns[0], forms.Sum},
		{f.Rows[2], f.Columns[0], forms.Max},                                 // the row's rule
		{f.Rows[2], f.Columns[1], forms.WeightedAvg},                         // the row's, as written
		{f.Rows[2], f.Columns[3], forms.Min},                                 // the column's
		{f.Rows[1], forms.Column{Code: "10", Type: forms.Number}, forms.Sum}, // default
	}
	for _, c := range cases {
		if got := consolidation.Rule(c.row, c.col); got != c.want {
			t.Errorf("Rule(%s, %s) = %s, want %s", c.row.Key, c.col.Code, got, c.want)
		}
	}
}

func TestDrillDown(t *testing.T) {
	t.Parallel()
	r := newReceived(t)
	type line struct {
		unit, report int64
		status       string
		value        float64
		ok           bool
		text         string
	}
	check := func(rowKey, colCode string, includeSent bool, want []line) {
		t.Helper()
		got, err := consolidation.DrillDown(r.ctx, r.db, r.periodID, r.receiverID, "b1", rowKey, colCode, includeSent)
		if err != nil {
			t.Fatal(err)
		}
		var lines []line
		for _, u := range got {
			lines = append(lines, line{u.UnitID, u.ReportID, u.Status, u.Value.Float64(), u.OK, u.Text})
		}
		same := len(lines) == len(want)
		for i := 0; same && i < len(lines); i++ {
			g, w := lines[i], want[i]
			same = g.unit == w.unit && g.report == w.report && g.status == w.status && g.ok == w.ok && g.text == w.text &&
				math.Abs(g.value-w.value) <= 1e-9*math.Max(1, math.Abs(w.value))
		}
		if !same {
			t.Errorf("%s.c%s (sent %v):\n got %+v\nwant %+v", rowKey, colCode, includeSent, lines, want)
		}
	}
	// Diên Khánh before Đồng Xuân.
	check("r2", "1", false, []line{
		{r.unitB, r.b, "accepted", 30, true, ""},
		{r.unitA, r.a, "accepted", 10, true, ""},
	})
	// Ân Hòa (blank), Diên Khánh, Đồng Xuân, Ea Sô; no draft, returned or other receiver.
	check("r2", "1", true, []line{
		{r.unitF, r.fr, "sent", 0, false, ""},
		{r.unitB, r.b, "accepted", 30, true, ""},
		{r.unitA, r.a, "accepted", 10, true, ""},
		{r.unitC, r.c, "sent", 20, true, ""},
	})
	// A formula cell shows each report's computed value: 7/7 and 5/12 in percent.
	check("r2", "8", false, []line{
		{r.unitB, r.b, "accepted", 5.0 / 12 * 100, true, ""},
		{r.unitA, r.a, "accepted", 100, true, ""},
	})
	check("r2", "9", false, []line{
		{r.unitB, r.b, "accepted", 0, false, ""},
		{r.unitA, r.a, "accepted", 0, false, "Số liệu ước tính"},
	})
}

func TestBoard(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallForm())
	onTime, late := "2026-03-16 09:00+07", "2026-03-23 15:30+07"
	units := map[string]int64{}
	add := func(name string) int64 { units[name] = f.addUnit(name); return units[name] }
	reports := map[string]int64{}
	for _, r := range []struct {
		name, status, sentAt string
		late                 bool
	}{
		{"Xã Đồng Xuân", "accepted", onTime, false},
		{"Xã Diên Khánh", "sent", late, true},
		{"Xã Ea Sô", "sent", onTime, false},
		{"Xã Ân Hòa", "returned", onTime, false},
		{"Xã Bình Lộc", "draft", "", false},
		{"Xã Cam An", "signed", "", false},
	} {
		reports[r.name] = f.addReport(report{unit: add(r.name), receiver: f.receiverID, status: r.status, sentAt: r.sentAt, late: r.late})
	}
	f.exec(`UPDATE reports SET supplementary = true WHERE id = $1`, reports["Xã Đồng Xuân"])
	// Missing: assigned and in force during the period, no report.
	f.assign(add("Xã Ninh Hòa"), f.receiverID, "2025-07-01", "", true)
	// A unit that moved to this receiver during the period reports to it,
	// one that moved away does not, whichever assignment came first.
	moved := add("Xã Cam Lâm")
	f.assign(moved, f.unitID("so-tai-chinh"), "2025-07-01", "2026-03-01", true)
	f.assign(moved, f.receiverID, "2026-03-02", "", true)
	left := add("Xã Khánh Sơn")
	f.assign(left, f.unitID("so-tai-chinh"), "2026-03-02", "", true)
	f.assign(left, f.receiverID, "2025-07-01", "2026-03-01", true)
	// Not on the board: another receiver's report and assignment, an
	// assignment that ended before the period, one not yet confirmed, and a
	// unit closed before the period.
	f.addReport(report{unit: add("Xã Suối Dầu"), receiver: f.unitID("so-tai-chinh"), status: "accepted", sentAt: onTime})
	f.assign(add("Xã Vạn Ninh"), f.unitID("so-tai-chinh"), "2025-07-01", "", true)
	f.assign(add("Xã Tu Bông"), f.receiverID, "2025-07-01", "2026-02-10", true)
	f.assign(add("Xã Đại Lãnh"), f.receiverID, "2025-07-01", "", false)
	closed := add("Xã Vạn Thắng")
	f.exec(`UPDATE units SET valid_to = '2026-01-31' WHERE id = $1`, closed)
	f.assign(closed, f.receiverID, "2025-07-01", "", true)

	type line struct {
		unit     string
		report   int64
		status   string
		missing  bool
		deadline string
		late     bool
		supp     bool
		sent     bool
		state    string
	}
	due := "20/03/2026"
	board := func(today time.Time) []line {
		t.Helper()
		list, err := consolidationBoard(f, today)
		if err != nil {
			t.Fatal(err)
		}
		var lines []line
		for _, s := range list {
			if s.UnitID != units[s.Unit] {
				t.Errorf("%s has unit id %d, want %d", s.Unit, s.UnitID, units[s.Unit])
			}
			lines = append(lines, line{s.Unit, s.ReportID, string(s.Status), s.Missing, vn.Date(s.Deadline), s.Late, s.Supplementary, !s.SentAt.IsZero(), s.State})
		}
		return lines
	}
	// On the deadline day nothing is overdue yet; the missing report is due
	// as its level's rule (the 20th) says.
	got := board(time.Date(2026, 3, 20, 23, 0, 0, 0, vn.Location))
	want := []line{
		{"Xã Ân Hòa", reports["Xã Ân Hòa"], "returned", false, due, false, false, true, consolidation.Returned},
		{"Xã Bình Lộc", reports["Xã Bình Lộc"], "draft", false, due, false, false, false, consolidation.NotSent},
		{"Xã Cam An", reports["Xã Cam An"], "signed", false, due, false, false, false, consolidation.NotSent},
		{"Xã Cam Lâm", 0, "", true, due, false, false, false, consolidation.NotSent},
		{"Xã Diên Khánh", reports["Xã Diên Khánh"], "sent", false, due, true, false, true, consolidation.SentLate},
		{"Xã Đồng Xuân", reports["Xã Đồng Xuân"], "accepted", false, due, false, true, true, consolidation.Accepted},
		{"Xã Ea Sô", reports["Xã Ea Sô"], "sent", false, due, false, false, true, consolidation.Sent},
		{"Xã Ninh Hòa", 0, "", true, due, false, false, false, consolidation.NotSent},
	}
	if !equalLines(got, want) {
		t.Errorf("board on 20/03:\n got %+v\nwant %+v", got, want)
	}
	// The next day in Khánh Hòa (still the 20th in UTC), the unsent and the
	// missing are overdue.
	got = board(time.Date(2026, 3, 20, 18, 0, 0, 0, time.UTC))
	for i := range want {
		if want[i].state == consolidation.NotSent {
			want[i].state = consolidation.Overdue
		}
	}
	if !equalLines(got, want) {
		t.Errorf("board on 21/03:\n got %+v\nwant %+v", got, want)
	}
	list, err := consolidationBoard(f, day(2026, 3, 21))
	if err != nil {
		t.Fatal(err)
	}
	counts := consolidation.Count(list)
	wantCounts := map[string]int{
		consolidation.NotSent: 0, consolidation.Overdue: 4, consolidation.Sent: 1,
		consolidation.SentLate: 1, consolidation.Returned: 1, consolidation.Accepted: 1,
	}
	if len(counts) != len(wantCounts) {
		t.Errorf("counts %v, want %v", counts, wantCounts)
	}
	for s, n := range wantCounts {
		if counts[s] != n {
			t.Errorf("count of %s = %d, want %d (all: %v)", s, counts[s], n, counts)
		}
	}
}

func equalLines[T comparable](a, b []T) bool { return slices.Equal(a, b) }

func consolidationBoard(f *fixture, today time.Time) ([]consolidation.UnitStatus, error) {
	return consolidation.Board(f.ctx, f.db, f.periodID, f.receiverID, today)
}

func TestBoardUnknownPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallForm())
	_, err := consolidation.Board(f.ctx, f.db, f.periodID+1000, f.receiverID, day(2026, 3, 21))
	if apperr.Code(err) != apperr.NotFound {
		t.Fatalf("err %v, want not found", err)
	}
}

func TestComputeRefusesABrokenForm(t *testing.T) {
	t.Parallel()
	form := smallForm()
	form.Columns[5].Formula = "c1 * c99"
	// The form is checked before the database is touched.
	if _, err := consolidation.Compute(t.Context(), nil, &form, 1, 1, false); err == nil {
		t.Fatal("a form whose formulas do not compile was consolidated")
	}
	if _, err := consolidation.Compute(t.Context(), nil, nil, 1, 1, false); err == nil {
		t.Fatal("no form, no error")
	}
}
