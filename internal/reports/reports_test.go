package reports_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/assignments"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
	"baocao/internal/periods"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/seed"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// communes is the number of commune-level units since 01/7/2025.
const communes = 65

func day(y int, m time.Month, d int) time.Time { return periods.Date(y, m, d) }

// at is 10:00 on the given day in Khánh Hòa.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, vn.Location) }

type fixture struct {
	db      *database.DB
	ctx     context.Context
	regimes *regimes.Store
	assign  *assignments.Store
	s       *reports.Store
	mu      sync.Mutex
	now     time.Time
}

// newFixture seeds the unit tree; the reports store's clock reads f.now,
// which starts at 10:00 on Thursday 05/03/2026.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	f := &fixture{db: db, ctx: ctx, regimes: regimes.NewStore(db), assign: assignments.NewStore(db), s: reports.NewStore(db),
		now: at(2026, 3, 5)}
	f.s.Now = func() time.Time {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.now
	}
	return f
}

func (f *fixture) setNow(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

func (f *fixture) unitID(tb testing.TB, key string) int64 {
	tb.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatalf("unit %s: %v", key, err)
	}
	return id
}

func outline(headings ...string) forms.Template {
	var tpl forms.Template
	for i, h := range headings {
		tpl.Outline = append(tpl.Outline, forms.Section{Key: "s" + string(rune('1'+i)), Number: string(rune('A' + i)), Heading: h})
	}
	return tpl
}

// regime creates a regime received by vp-ubnd with the deadlines given and
// publishes a one-section template; it returns the regime and the id of
// the published version.
func (f *fixture) regime(tb testing.TB, name, frequency string, deadlines ...regimes.Deadline) (*regimes.Regime, int64) {
	tb.Helper()
	if len(deadlines) == 0 {
		deadlines = []regimes.Deadline{{Level: 1, WorkingDays: 2}}
	}
	r, err := f.regimes.CreateRegime(f.ctx, regimes.Input{Name: name, Frequency: frequency, ReceivingUnitID: f.unitID(tb, "vp-ubnd"),
		OwnerUnitID: f.unitID(tb, "vp-ubnd"), RemindDays: 3, Deadlines: deadlines}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return r, f.publish(tb, r.ID, outline("Kết quả thực hiện"))
}

// publish saves tpl in the regime's draft (making one when needed) and
// publishes it, returning the version's id.
func (f *fixture) publish(tb testing.TB, regimeID int64, tpl forms.Template) int64 {
	tb.Helper()
	v, err := f.regimes.Draft(f.ctx, regimeID)
	if apperr.Code(err) == apperr.NotFound {
		v, err = f.regimes.NewDraft(f.ctx, regimeID, 0)
	}
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.regimes.SaveDraft(f.ctx, v, tpl, v.UpdatedAt); err != nil {
		tb.Fatalf("SaveDraft: %v %v", err, apperr.FieldErrors(err))
	}
	if v, err = f.regimes.Draft(f.ctx, regimeID); err != nil {
		tb.Fatal(err)
	}
	if err := f.regimes.Publish(f.ctx, v); err != nil {
		tb.Fatalf("Publish: %v %v", err, apperr.FieldErrors(err))
	}
	return v.ID
}

// assignUnits assigns the regime to the units under rootKey (of kind, when
// given) from validFrom; scopeKey "" assigns as a system admin.
func (f *fixture) assignUnits(tb testing.TB, regimeID int64, rootKey, kind string, validFrom time.Time, scopeKey string, level int) assignments.Result {
	tb.Helper()
	req := assignments.Request{RegimeID: regimeID, Root: f.unitID(tb, rootKey), Kind: kind, ReceiverUnitID: f.unitID(tb, "vp-ubnd"),
		Level: level, ValidFrom: validFrom}
	if scopeKey != "" {
		req.Scope = f.unitID(tb, scopeKey)
	}
	res, err := f.assign.Assign(f.ctx, req)
	if err != nil {
		tb.Fatalf("Assign %s: %v %v", rootKey, err, apperr.FieldErrors(err))
	}
	return res
}

func (f *fixture) assignment(tb testing.TB, regimeID int64, unitKey string) *assignments.Assignment {
	tb.Helper()
	list, err := f.assign.OfRegime(f.ctx, regimeID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range list {
		if a.UnitID == f.unitID(tb, unitKey) {
			return &a
		}
	}
	tb.Fatalf("no assignment of %s", unitKey)
	return nil
}

func (f *fixture) mustOpen(tb testing.TB) int {
	tb.Helper()
	n, err := f.s.OpenDue(f.ctx)
	if err != nil {
		tb.Fatalf("OpenDue: %v", err)
	}
	return n
}

func (f *fixture) count(tb testing.TB, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, sql, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// reportOf returns the deadline of the unit's report in the regime's
// period key, or false when there is none.
func (f *fixture) reportOf(tb testing.TB, regimeID int64, key, unitKey string) (time.Time, bool) {
	tb.Helper()
	var deadline time.Time
	err := f.db.QueryRow(f.ctx, `SELECT r.deadline FROM reports r JOIN periods p ON p.id = r.period_id
		WHERE p.regime_id = $1 AND p.key = $2 AND r.unit_id = $3`, regimeID, key, f.unitID(tb, unitKey)).Scan(&deadline)
	if err != nil {
		return time.Time{}, false
	}
	return vn.Day(deadline), true
}

type periodRow struct {
	ID, Version int64
	Label       string
	Start, End  time.Time
}

func (f *fixture) period(tb testing.TB, regimeID int64, key string) periodRow {
	tb.Helper()
	var p periodRow
	if err := f.db.QueryRow(f.ctx, `SELECT id, template_version_id, label, start_date, end_date FROM periods WHERE regime_id = $1 AND key = $2`,
		regimeID, key).Scan(&p.ID, &p.Version, &p.Label, &p.Start, &p.End); err != nil {
		tb.Fatalf("period %s of regime %d: %v", key, regimeID, err)
	}
	p.Start, p.End = vn.Day(p.Start), vn.Day(p.End)
	return p
}

// insertHolidays loads the seed holiday calendar into the holidays table.
func (f *fixture) insertHolidays(tb testing.TB) {
	tb.Helper()
	file, err := os.Open("../seed/data/vn-holidays-2025-2027.csv") // a copy of ../shared/data
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	days, err := periods.ParseHolidaysCSV(file)
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range days {
		if _, err := f.db.Exec(f.ctx, `INSERT INTO holidays (day, name, working) VALUES ($1, $2, $3)`, d.Date, d.Name, d.Working); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestOpenDueMonthlyPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, version := f.regime(t, "Báo cáo kinh tế - xã hội tháng", "monthly", regimes.Deadline{Level: 1, WorkingDays: 2})

	f.assignUnits(t, r.ID, "ubnd-tinh", "ubnd-xa", day(2026, 1, 1), "", 1) // 65 confirmed
	f.assignUnits(t, r.ID, "so-y-te", "", day(2026, 1, 1), "vp-ubnd", 1)   // pending
	f.assignUnits(t, r.ID, "so-tai-chinh", "", day(2025, 7, 1), "", 1)     // ends before the period
	f.assignUnits(t, r.ID, "so-tu-phap", "", day(2025, 7, 1), "", 1)       // ends during the period
	f.assignUnits(t, r.ID, "so-noi-vu", "", day(2026, 3, 15), "", 1)       // starts after it
	f.assignUnits(t, r.ID, "so-cong-thuong", "", day(2026, 1, 1), "", 2)   // level 2: no rule, the default
	for key, last := range map[string]time.Time{"so-tai-chinh": day(2026, 2, 14), "so-tu-phap": day(2026, 2, 20)} {
		if err := f.assign.End(f.ctx, f.assignment(t, r.ID, key), last); err != nil {
			t.Fatal(err)
		}
	}

	if n := f.mustOpen(t); n != communes+2 {
		t.Errorf("OpenDue created %d reports, want %d", n, communes+2)
	}
	p := f.period(t, r.ID, "2026-M03")
	if p.Label != "Tháng 3/2026" || !p.Start.Equal(day(2026, 2, 15)) || !p.End.Equal(day(2026, 3, 14)) {
		t.Errorf("period %q %s – %s, want Tháng 3/2026 15/02/2026 – 14/03/2026", p.Label, vn.Date(p.Start), vn.Date(p.End))
	}
	if p.Version != version {
		t.Errorf("period bound to version %d, want %d", p.Version, version)
	}
	if n := f.count(t, `SELECT count(*) FROM reports WHERE period_id = $1`, p.ID); n != communes+2 {
		t.Errorf("%d reports stored, want %d", n, communes+2)
	}
	if n := f.count(t, `SELECT count(*) FROM reports WHERE period_id = $1 AND deadline = '2026-03-17' AND status = 'draft'`, p.ID); n != communes+2 {
		t.Errorf("%d draft reports due 17/03/2026, want %d", n, communes+2)
	}
	for key, want := range map[string]bool{"xa-22366": true, "so-tu-phap": true, "so-cong-thuong": true,
		"so-y-te": false, "so-tai-chinh": false, "so-noi-vu": false} {
		if _, ok := f.reportOf(t, r.ID, "2026-M03", key); ok != want {
			t.Errorf("%s has a report: %v, want %v", key, ok, want)
		}
	}

	// Idempotent; ending an assignment later rewrites nothing.
	if err := f.assign.End(f.ctx, f.assignment(t, r.ID, "xa-22366"), day(2026, 3, 1)); err != nil {
		t.Fatal(err)
	}
	if n := f.mustOpen(t); n != 0 {
		t.Errorf("second OpenDue created %d", n)
	}
	if n := f.count(t, `SELECT count(*) FROM reports`); n != communes+2 {
		t.Errorf("%d reports after the second run", n)
	}
	if n := f.count(t, `SELECT count(*) FROM periods`); n != 1 {
		t.Errorf("%d periods, want 1", n)
	}
}

func TestOpenDueFixedDayDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, _ := f.regime(t, "Báo cáo ngày 20", "monthly", regimes.Deadline{Level: 1, FixedDay: 20})
	f.assignUnits(t, r.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	f.mustOpen(t)
	if d, ok := f.reportOf(t, r.ID, "2026-M03", "xa-22366"); !ok || !d.Equal(day(2026, 3, 20)) {
		t.Errorf("deadline %s (%v), want 20/03/2026", vn.Date(d), ok)
	}
}

func TestOpenDueDeadlineSkipsTet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.insertHolidays(t)
	f.setNow(at(2026, 2, 5)) // Tháng 2/2026: 15/01 – 14/02/2026, and Tết is 14–22/02/2026
	r, _ := f.regime(t, "Báo cáo tháng", "monthly")
	f.assignUnits(t, r.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	if n := f.mustOpen(t); n != 1 {
		t.Fatalf("created %d, want 1", n)
	}
	p := f.period(t, r.ID, "2026-M02")
	if !p.End.Equal(day(2026, 2, 14)) {
		t.Fatalf("period ends %s", vn.Date(p.End))
	}
	d, _ := f.reportOf(t, r.ID, "2026-M02", "xa-22366")
	if !d.After(day(2026, 2, 22)) || !d.Equal(day(2026, 2, 24)) {
		t.Errorf("deadline %s, want 24/02/2026: two working days after the Tết holidays (14–22/02)", vn.Date(d))
	}
}

func TestPeriodKeepsTheVersionItOpenedWith(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, v1 := f.regime(t, "Báo cáo tháng", "monthly")
	f.assignUnits(t, r.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	f.mustOpen(t)

	v2 := f.publish(t, r.ID, outline("Kết quả thực hiện", "Kiến nghị"))
	if v2 == v1 {
		t.Fatal("no new version")
	}
	// A unit assigned after the new version joins the open period, which
	// keeps version 1.
	f.assignUnits(t, r.ID, "xa-22453", "", day(2026, 1, 1), "", 1)
	if n := f.mustOpen(t); n != 1 {
		t.Errorf("created %d, want the new unit's report", n)
	}
	if p := f.period(t, r.ID, "2026-M03"); p.Version != v1 {
		t.Errorf("open period moved to version %d, want %d (the version in force when it opened)", p.Version, v1)
	}
	f.setNow(at(2026, 3, 16)) // Tháng 4/2026 opens with version 2
	if n := f.mustOpen(t); n != 2 {
		t.Errorf("created %d in Tháng 4/2026, want 2", n)
	}
	if p := f.period(t, r.ID, "2026-M04"); p.Version != v2 {
		t.Errorf("new period bound to version %d, want %d", p.Version, v2)
	}
	if p := f.period(t, r.ID, "2026-M03"); p.Version != v1 {
		t.Errorf("old period moved to version %d", p.Version)
	}
}

func TestOpenDueSkipsRetiredUnpublishedAndAdHoc(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	retired, _ := f.regime(t, "Báo cáo đã dừng", "monthly")
	f.assignUnits(t, retired.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	if err := f.regimes.RetireRegime(f.ctx, retired); err != nil {
		t.Fatal(err)
	}
	adhoc, _ := f.regime(t, "Báo cáo đột xuất", "ad_hoc")
	f.assignUnits(t, adhoc.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	draft, err := f.regimes.CreateRegime(f.ctx, regimes.Input{Name: "Báo cáo chưa ban hành", Frequency: "monthly",
		ReceivingUnitID: f.unitID(t, "vp-ubnd"), OwnerUnitID: f.unitID(t, "vp-ubnd"), Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.assignUnits(t, draft.ID, "xa-22366", "", day(2026, 1, 1), "", 1)

	if n := f.mustOpen(t); n != 0 {
		t.Errorf("created %d reports", n)
	}
	if n := f.count(t, `SELECT count(*) FROM periods`); n != 0 {
		t.Errorf("%d periods opened", n)
	}
}

func TestOpenDueConcurrentRunsMakeNoDuplicates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, _ := f.regime(t, "Báo cáo tháng", "monthly")
	f.assignUnits(t, r.ID, "ubnd-tinh", "ubnd-xa", day(2026, 1, 1), "", 1)
	q, _ := f.regime(t, "Báo cáo quý", "quarterly")
	f.assignUnits(t, q.ID, "ubnd-tinh", "ubnd-xa", day(2026, 1, 1), "", 1)

	const runs = 4
	var wg sync.WaitGroup
	created := make([]int, runs)
	errs := make([]error, runs)
	for i := range runs {
		wg.Go(func() { created[i], errs[i] = f.s.OpenDue(f.ctx) })
	}
	wg.Wait()
	total := 0
	for i := range runs {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
		}
		total += created[i]
	}
	if total != 2*communes {
		t.Errorf("runs created %v, in all %d; want %d", created, total, 2*communes)
	}
	if n := f.count(t, `SELECT count(*) FROM reports`); n != 2*communes {
		t.Errorf("%d reports, want %d", n, 2*communes)
	}
	if n := f.count(t, `SELECT count(*) FROM periods`); n != 2 {
		t.Errorf("%d periods, want 2", n)
	}
}

// A unit with two assignments in force during one period (the old one
// ended in it, a new one began) gets one report, and OpenDue must count
// what it created, not the assignments it looked at.
func TestOpenDueCountsEachReportOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, _ := f.regime(t, "Báo cáo tháng", "monthly")
	f.assignUnits(t, r.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	if err := f.assign.End(f.ctx, f.assignment(t, r.ID, "xa-22366"), day(2026, 2, 20)); err != nil {
		t.Fatal(err)
	}
	f.assignUnits(t, r.ID, "xa-22366", "", day(2026, 2, 21), "", 1)
	n := f.mustOpen(t)
	if stored := f.count(t, `SELECT count(*) FROM reports`); stored != 1 || n != stored {
		t.Errorf("OpenDue said %d, stored %d; want 1 and 1", n, stored)
	}
}

// A unit closed after it was assigned (CloseUnit does not end its
// assignments) must get no report for periods that start after it closed.
func TestOpenDueGivesClosedUnitsNoReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, _ := f.regime(t, "Báo cáo tháng", "monthly")
	f.assignUnits(t, r.ID, "ubnd-tinh", "ubnd-xa", day(2025, 7, 1), "", 1)
	if err := units.NewStore(f.db).CloseUnit(f.ctx, f.unitID(t, "xa-22453"), day(2025, 12, 31), []int64{f.unitID(t, "xa-22366")}); err != nil {
		t.Fatal(err)
	}
	f.mustOpen(t) // Tháng 3/2026
	if _, ok := f.reportOf(t, r.ID, "2026-M03", "xa-22453"); ok {
		t.Error("the commune closed on 31/12/2025 got a report for Tháng 3/2026")
	}
	if n := f.count(t, `SELECT count(*) FROM reports`); n != communes-1 {
		t.Errorf("%d reports, want %d", n, communes-1)
	}
}

func TestMineListsTheUnitsReports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, _ := f.regime(t, "Báo cáo kinh tế - xã hội tháng", "monthly")
	f.assignUnits(t, r.ID, "ubnd-tinh", "ubnd-xa", day(2026, 1, 1), "", 1)
	f.assignUnits(t, r.ID, "so-y-te", "", day(2026, 1, 1), "vp-ubnd", 1) // pending
	f.mustOpen(t)

	list, err := f.s.Mine(f.ctx, f.unitID(t, "xa-22366"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("%d reports, want 1", len(list))
	}
	got := list[0]
	if got.RegimeID != r.ID || got.Regime != "Báo cáo kinh tế - xã hội tháng" || got.PeriodLabel != "Tháng 3/2026" {
		t.Errorf("summary %+v", got)
	}
	if got.Window() != "15/02/2026 – 14/03/2026" || !got.Deadline.Equal(day(2026, 3, 17)) {
		t.Errorf("window %q, deadline %s", got.Window(), vn.Date(got.Deadline))
	}
	if got.Status != "draft" || got.Done() || got.Receiver != "Văn phòng Ủy ban nhân dân tỉnh" {
		t.Errorf("status %s done %v receiver %q", got.Status, got.Done(), got.Receiver)
	}
	if name, colour := reports.StatusName(got.Status); name != "Đang soạn" || colour != "grey" {
		t.Errorf("StatusName: %s %s", name, colour)
	}
	if d := got.DaysLeft(day(2026, 3, 5)); d != 12 {
		t.Errorf("DaysLeft on 05/03/2026: %d, want 12", d)
	}
	if d := got.DaysLeft(day(2026, 3, 19)); d != -2 {
		t.Errorf("DaysLeft on 19/03/2026: %d, want -2", d)
	}
	if list, err := f.s.Mine(f.ctx, f.unitID(t, "so-y-te")); err != nil || len(list) != 0 {
		t.Errorf("pending unit: %d reports, %v", len(list), err)
	}
}

func TestUpcomingForGivesTheNextPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, _ := f.regime(t, "Báo cáo tháng", "monthly")
	f.assignUnits(t, r.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	q, _ := f.regime(t, "Báo cáo quý", "quarterly", regimes.Deadline{Level: 1, WorkingDays: 5})
	f.assignUnits(t, q.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	retired, _ := f.regime(t, "Báo cáo đã dừng", "monthly")
	f.assignUnits(t, retired.ID, "xa-22366", "", day(2026, 1, 1), "", 1)
	if err := f.regimes.RetireRegime(f.ctx, retired); err != nil {
		t.Fatal(err)
	}
	pending, _ := f.regime(t, "Báo cáo chờ xác nhận", "monthly")
	f.assignUnits(t, pending.ID, "xa-22366", "", day(2026, 1, 1), "so-y-te", 1)

	list, err := f.s.UpcomingFor(f.ctx, f.unitID(t, "xa-22366"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d upcoming periods, want 2 (monthly and quarterly): %+v", len(list), list)
	}
	byRegime := map[int64]reports.Upcoming{}
	for _, u := range list {
		byRegime[u.RegimeID] = u
	}
	m := byRegime[r.ID]
	if m.Period.Label() != "Tháng 4/2026" || m.Period.Window() != "15/03/2026 – 14/04/2026" || !m.Deadline.Equal(day(2026, 4, 16)) {
		t.Errorf("monthly: %s, deadline %s; want Tháng 4/2026 (15/03/2026 – 14/04/2026), 16/04/2026", m.Period.Title(time.Time{}), vn.Date(m.Deadline))
	}
	// Quý II/2026: 15/03 – 14/06/2026 (a Sunday); 5 working days → 19/06/2026.
	qu := byRegime[q.ID]
	if qu.Period.Label() != "Quý II/2026" || !qu.Deadline.Equal(day(2026, 6, 19)) {
		t.Errorf("quarterly: %s, deadline %s; want Quý II/2026, 19/06/2026", qu.Period.Title(time.Time{}), vn.Date(qu.Deadline))
	}
}
