package consolidation_test

import (
	"strconv"

	"baocao/internal/decimal"

	"context"
	"strings"
	"testing"
	"time"

	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// fixture is a fresh database with the unit tree and one monthly regime
// received by vp-ubnd, its template (one form) and the period Tháng
// 3/2026 (15/02/2026 – 14/03/2026). Level 1 reports are due on the 20th.
type fixture struct {
	tb         testing.TB
	ctx        context.Context
	db         *database.DB
	form       forms.Form
	regimeID   int64
	periodID   int64
	receiverID int64 // vp-ubnd
	rootID     int64 // ubnd-tinh
}

func newFixture(tb testing.TB, form forms.Form) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, ctx: context.Background(), db: dbtest.New(tb), form: form}
	if err := seed.Reference(f.ctx, f.db); err != nil {
		tb.Fatal(err)
	}
	f.rootID, f.receiverID = f.unitID("ubnd-tinh"), f.unitID("vp-ubnd")
	f.regimeID, f.periodID = newPeriod(tb, f.db, form, f.receiverID)
	f.exec(`INSERT INTO regime_deadlines (regime_id, level, fixed_day) VALUES ($1, 1, 20)`, f.regimeID)
	return f
}

// newPeriod adds a monthly regime received by receiverID with a published
// template holding form, and its period Tháng 3/2026.
func newPeriod(tb testing.TB, db *database.DB, form forms.Form, receiverID int64) (regimeID, periodID int64) {
	tb.Helper()
	ctx := context.Background()
	var versionID int64
	if err := db.QueryRow(ctx, `
		INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id)
		VALUES ('Báo cáo thử tổng hợp', $1, 'monthly', $1) RETURNING id`, receiverID).Scan(&regimeID); err != nil {
		tb.Fatal(err)
	}
	if err := db.QueryRow(ctx, `
		INSERT INTO template_versions (regime_id, version, content, published_at)
		VALUES ($1, 1, $2, now()) RETURNING id`, regimeID, forms.Template{Forms: []forms.Form{form}}).Scan(&versionID); err != nil {
		tb.Fatal(err)
	}
	if err := db.QueryRow(ctx, `
		INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
		VALUES ($1, '2026-M03', 'Tháng 3/2026', '2026-02-15', '2026-03-14', $2) RETURNING id`, regimeID, versionID).Scan(&periodID); err != nil {
		tb.Fatal(err)
	}
	return regimeID, periodID
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

// addUnit adds a commune-level unit under ubnd-tinh.
func (f *fixture) addUnit(name string) int64 {
	id := f.id(`INSERT INTO units (name, kind, valid_from) VALUES ($1, 'ubnd-xa', '2025-07-01') RETURNING id`, name)
	f.exec(`INSERT INTO unit_parents (unit_id, parent_id, valid_from) VALUES ($1, $2, '2025-07-01')`, id, f.rootID)
	return id
}

// assign makes unit report the regime to receiver from validFrom to
// validTo ("" for open), confirmed or waiting for confirmation.
func (f *fixture) assign(unit, receiver int64, validFrom, validTo string, confirmed bool) int64 {
	return f.id(`
		INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, valid_to, confirmed_at)
		VALUES ($1, $2, $3, 1, $4, nullif($5, '')::date, CASE WHEN $6 THEN now() END) RETURNING id`,
		f.regimeID, unit, receiver, validFrom, validTo, confirmed)
}

// report is a report of the fixture's period.
type report struct {
	unit, receiver int64
	status         string
	sentAt         string // "" when not sent
	late           bool
}

// addReport adds the report, due 20/03/2026, with its assignment.
func (f *fixture) addReport(r report) int64 {
	assignment := f.assign(r.unit, r.receiver, "2025-07-01", "", true)
	return f.id(`
		INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at, late)
		VALUES ($1, $2, $3, $4, 1, '2026-03-20', $5, nullif($6, '')::timestamptz, $7) RETURNING id`,
		f.periodID, r.unit, r.receiver, assignment, r.status, r.sentAt, r.late)
}

// setValues stores a report's input cells, written "r2.c1", and, as the
// server does on saving, its formula cells computed from them.
func (f *fixture) setValues(reportID int64, inputs map[string]float64) {
	f.tb.Helper()
	in := cells{}
	for key, v := range inputs {
		row, col, ok := strings.Cut(key, ".c")
		if !ok {
			f.tb.Fatalf("bad cell %q", key)
		}
		in[formula.Cell{Row: row, Col: col}] = v
		f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, num) VALUES ($1, $2, $3, $4, $5)`,
			reportID, f.form.Key, row, col, v)
	}
	prog, problems := f.form.Compile()
	if len(problems) > 0 {
		f.tb.Fatal(problems)
	}
	for cell, r := range prog.Evaluate(in) {
		if _, ok := f.form.Column(cell.Col); ok && r.OK {
			f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, num, computed) VALUES ($1, $2, $3, $4, $5, true)`,
				reportID, f.form.Key, cell.Row, cell.Col, r.Value.String())
		}
	}
}

// setText stores a text cell.
func (f *fixture) setText(reportID int64, row, col, text string) {
	f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, txt) VALUES ($1, $2, $3, $4, $5)`,
		reportID, f.form.Key, row, col, text)
}

type cells map[formula.Cell]float64

func (c cells) Value(cell formula.Cell, p formula.Period) (decimal.Decimal, bool) {
	if p != formula.Current {
		return decimal.Zero, false
	}
	v, ok := c[cell]
	if !ok {
		return decimal.Zero, false
	}
	return decimal.MustParse(strconv.FormatFloat(v, 'g', -1, 64)), true
}

// day is midnight of a date in Khánh Hòa.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vn.Location) }
