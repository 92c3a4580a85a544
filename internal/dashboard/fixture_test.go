package dashboard_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// fixture is a small province with known reports of one monthly regime
// received by vp-ubnd (level 1 due on the 20th):
//
//	period          Xã Thử A           Xã Thử B             Xã Thử C         Trường Thử D (to so-y-te)
//	Tháng 3/2025    accepted, 10       accepted late, 20    —                —
//	Tháng 1/2026    accepted, 100      accepted late, 50    sent, 30         sent, 999
//	Tháng 2/2026    returned, 7        draft                missing          missing
//	Tháng 3/2026    sent, 120          signed               missing          sent, 5
//
// Values are the cell r1.c1 of form b1; "today" is 18/03/2026, after the
// deadline of Tháng 2/2026 and before that of Tháng 3/2026.
type fixture struct {
	tb         testing.TB
	ctx        context.Context
	db         *database.DB
	regimeID   int64
	vpUBND     int64
	soYTe      int64
	a, b, c, d int64
	periods    map[string]int64 // by key: 2025-M03, 2026-M01 …
}

var today = time.Date(2026, 3, 18, 10, 0, 0, 0, vn.Location)

var testForm = forms.Form{Key: "b1", Title: "Biểu thử",
	Columns: []forms.Column{{Code: "1", Label: "Số lượng", Type: forms.Number, Aggregation: forms.Sum}},
	Rows:    []forms.Row{{Key: "r1", STT: "1", Label: "Số hồ sơ", Kind: forms.Indicator, Unit: "Hồ sơ"}},
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, ctx: context.Background(), db: dbtest.New(tb), periods: map[string]int64{}}
	if err := seed.Reference(f.ctx, f.db); err != nil {
		tb.Fatal(err)
	}
	f.vpUBND, f.soYTe = f.unitID("vp-ubnd"), f.unitID("so-y-te")
	root := f.unitID("ubnd-tinh")
	f.a, f.b, f.c = f.addUnit("Xã Thử A", root), f.addUnit("Xã Thử B", root), f.addUnit("Xã Thử C", root)
	f.d = f.addUnit("Trường Thử D", f.soYTe)

	f.regimeID = f.id(`INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id)
		VALUES ('Báo cáo thử tổng quan', $1, 'monthly', $1) RETURNING id`, f.vpUBND)
	f.exec(`INSERT INTO regime_deadlines (regime_id, level, fixed_day) VALUES ($1, 1, 20)`, f.regimeID)
	version := f.id(`INSERT INTO template_versions (regime_id, version, content, published_at)
		VALUES ($1, 1, $2, now()) RETURNING id`, f.regimeID, forms.Template{Forms: []forms.Form{testForm}})
	for _, p := range []struct{ key, label, start, end string }{
		{"2025-M03", "Tháng 3/2025", "2025-02-15", "2025-03-14"},
		{"2026-M01", "Tháng 1/2026", "2025-12-15", "2026-01-14"},
		{"2026-M02", "Tháng 2/2026", "2026-01-15", "2026-02-14"},
		{"2026-M03", "Tháng 3/2026", "2026-02-15", "2026-03-14"},
	} {
		f.periods[p.key] = f.id(`INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, f.regimeID, p.key, p.label, p.start, p.end, version)
	}
	assignment := map[int64]int64{}
	for _, u := range []int64{f.a, f.b, f.c} {
		assignment[u] = f.assign(u, f.vpUBND)
	}
	assignment[f.d] = f.assign(f.d, f.soYTe)

	type rep struct {
		unit          int64
		period        string
		status        string
		sentAt        string
		late          bool
		value         float64
		deadlineMonth string
	}
	for _, r := range []rep{
		{f.a, "2025-M03", "accepted", "2025-03-16 09:00+07", false, 10, "2025-03-20"},
		{f.b, "2025-M03", "accepted", "2025-03-25 09:00+07", true, 20, "2025-03-20"},
		{f.a, "2026-M01", "accepted", "2026-01-16 09:00+07", false, 100, "2026-01-20"},
		{f.b, "2026-M01", "accepted", "2026-01-22 09:00+07", true, 50, "2026-01-20"},
		{f.c, "2026-M01", "sent", "2026-01-19 09:00+07", false, 30, "2026-01-20"},
		{f.d, "2026-M01", "sent", "2026-01-19 09:00+07", false, 999, "2026-01-20"},
		{f.a, "2026-M02", "returned", "2026-02-16 09:00+07", false, 7, "2026-02-20"},
		{f.b, "2026-M02", "draft", "", false, 0, "2026-02-20"},
		{f.a, "2026-M03", "sent", "2026-03-16 09:00+07", false, 120, "2026-03-20"},
		{f.b, "2026-M03", "signed", "", false, 0, "2026-03-20"},
		{f.d, "2026-M03", "sent", "2026-03-17 09:00+07", false, 5, "2026-03-20"},
	} {
		receiver := f.vpUBND
		if r.unit == f.d {
			receiver = f.soYTe
		}
		id := f.id(`INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at, late)
			VALUES ($1, $2, $3, $4, 1, $5, $6, nullif($7, '')::timestamptz, $8) RETURNING id`,
			f.periods[r.period], r.unit, receiver, assignment[r.unit], r.deadlineMonth, r.status, r.sentAt, r.late)
		if r.value != 0 {
			f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, num) VALUES ($1, 'b1', 'r1', '1', $2)`, id, r.value)
		}
	}
	f.exec(`INSERT INTO accounts (username, full_name, unit_id, tier, password_hash, phone, email)
		VALUES ('qt.thub', 'Nguyễn Văn Bình', $1, 'unit_admin', 'x', '0258 3822 111', 'binh@thub.khanhhoa.gov.vn')`, f.b)
	return f
}

func (f *fixture) exec(sql string, args ...any) {
	f.tb.Helper()
	if _, err := f.db.Exec(f.ctx, sql, args...); err != nil {
		f.tb.Fatalf("%s: %v", strings.TrimSpace(sql), err)
	}
}

func (f *fixture) id(sql string, args ...any) int64 {
	f.tb.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, sql, args...).Scan(&id); err != nil {
		f.tb.Fatalf("%s: %v", strings.TrimSpace(sql), err)
	}
	return id
}

func (f *fixture) unitID(key string) int64 {
	return f.id(`SELECT id FROM units WHERE key = $1`, key)
}

func (f *fixture) addUnit(name string, parent int64) int64 {
	id := f.id(`INSERT INTO units (name, kind, valid_from) VALUES ($1, 'ubnd-xa', '2025-01-01') RETURNING id`, name)
	f.exec(`INSERT INTO unit_parents (unit_id, parent_id, valid_from) VALUES ($1, $2, '2025-01-01')`, id, parent)
	return id
}

func (f *fixture) assign(unit, receiver int64) int64 {
	return f.id(`INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, confirmed_at)
		VALUES ($1, $2, $3, 1, '2025-01-01', now()) RETURNING id`, f.regimeID, unit, receiver)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vn.Location) }
