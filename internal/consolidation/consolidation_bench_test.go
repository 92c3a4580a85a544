package consolidation_test

import (
	"baocao/internal/decimal"

	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/seed"
)

// generated is a period of the socio-economic form with n accepted reports.
type generated struct {
	db         *database.DB
	form       *forms.Form
	periodID   int64
	receiverID int64
	reportIDs  []int64
	values     int // rows in report_values
}

// generate makes a period of seed.SocioEconomicForm() received by
// vp-ubnd, with n synthetic units under ubnd-tinh, each with an accepted
// report holding a random value (one decimal) in every input cell, loaded
// with COPY. Formula cells are not stored, so the plain sum and the
// consolidation read exactly the same rows.
func generate(tb testing.TB, n int) *generated {
	tb.Helper()
	ctx := context.Background()
	db := dbtest.New(tb)
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatal(err)
	}
	form, err := seed.SocioEconomicForm()
	if err != nil {
		tb.Fatal(err)
	}
	g := &generated{db: db, form: &form}
	var root int64
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(db.QueryRow(ctx, `SELECT id FROM units WHERE key = 'ubnd-tinh'`).Scan(&root))
	must(db.QueryRow(ctx, `SELECT id FROM units WHERE key = 'vp-ubnd'`).Scan(&g.receiverID))
	var regimeID int64
	regimeID, g.periodID = newPeriod(tb, db, form, g.receiverID)
	_, err = db.Exec(ctx, `
		WITH u AS (
			INSERT INTO units (name, kind, valid_from)
			SELECT 'Đơn vị thử ' || lpad(i::text, 4, '0'), 'ubnd-xa', '2025-07-01' FROM generate_series(1, $1) i
			RETURNING id
		), p AS (
			INSERT INTO unit_parents (unit_id, parent_id, valid_from) SELECT id, $2, '2025-07-01' FROM u
		)
		INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, confirmed_at)
		SELECT $3, id, $4, 1, '2025-07-01', now() FROM u`, n, root, regimeID, g.receiverID)
	must(err)
	rows, _ := db.Query(ctx, `
		INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at)
		SELECT $1, a.unit_id, a.receiver_unit_id, a.id, 1, '2026-03-17', 'accepted', '2026-03-16 09:00+07'
		FROM assignments a WHERE a.regime_id = $2
		RETURNING id`, g.periodID, regimeID)
	g.reportIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	must(err)

	type cell struct{ row, col string }
	var inputs []cell
	for _, r := range form.Rows {
		if !r.HasValues() {
			continue
		}
		for _, c := range form.Columns {
			if c.Type != forms.Text && !form.IsFormula(r, c) {
				inputs = append(inputs, cell{r.Key, c.Code})
			}
		}
	}
	rng := rand.New(rand.NewPCG(uint64(n), 2026))
	ri, ci := 0, 0
	g.values = len(g.reportIDs) * len(inputs)
	copied, err := db.CopyFrom(ctx, pgx.Identifier{"report_values"}, []string{"report_id", "form_key", "row_key", "col_code", "num"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if ri == len(g.reportIDs) {
				return nil, nil
			}
			c := inputs[ci]
			row := []any{g.reportIDs[ri], form.Key, c.row, c.col, math.Round(rng.Float64()*100000) / 10}
			if ci++; ci == len(inputs) {
				ri, ci = ri+1, 0
			}
			return row, nil
		}))
	must(err)
	if int(copied) != g.values {
		tb.Fatalf("copied %d values, want %d", copied, g.values)
	}
	_, err = db.Exec(ctx, `VACUUM ANALYZE report_values`)
	must(err)
	_, err = db.Exec(ctx, `ANALYZE reports`)
	must(err)
	return g
}

// plainSumSQL is the yardstick of SPEC §8: the plain SQL sum over the
// same rows.
const plainSumSQL = `SELECT row_key, col_code, sum(num)::text FROM report_values WHERE report_id = ANY($1) AND form_key = $2 GROUP BY row_key, col_code`

// plainSum runs plainSumSQL and reads every row.
func plainSum(ctx context.Context, q database.Querier, ids []int64, formKey string) (int, error) {
	rows, _ := q.Query(ctx, plainSumSQL, ids, formKey)
	var (
		row, col string
		sum      string // exactly, as an application keeping figures reads it
		n        int
	)
	_, err := pgx.ForEachRow(rows, []any{&row, &col, &sum}, func() error { n++; return nil })
	return n, err
}

// TestComputeLargeForm checks the generated data against the plain sum:
// summed cells are the sum, rate rows (%) the average, and the year-to-date
// column (4) = prev(c4) + c3 is recomputed with a blank previous period.
func TestComputeLargeForm(t *testing.T) {
	t.Parallel()
	const n = 12
	g := generate(t, n)
	ctx := context.Background()
	res, err := consolidation.Compute(ctx, g.db, g.form, g.periodID, g.receiverID, false)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := g.db.Query(ctx, plainSumSQL, g.reportIDs, g.form.Key)
	sums := map[formula.Cell]decimal.Decimal{}
	var (
		cell formula.Cell
		sum  string
	)
	if _, err := pgx.ForEachRow(rows, []any{&cell.Row, &cell.Col, &sum}, func() error {
		sums[cell] = decimal.MustParse(sum)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for cell, sum := range sums {
		v := res.Cells[cell]
		want := sum
		if v.Rule == forms.Average {
			want, _ = sum.Quo(decimal.FromInt(n))
			c, _ := g.form.Column(cell.Col)
			want = c.Computed(want)
		}
		rules[v.Rule]++
		if !v.OK || v.Reports != n || !v.Value.Equal(want) {
			t.Fatalf("%s = %+v, want %v from %d reports", cell, v, want, n)
		}
		if v.Rule != forms.Sum && v.Rule != forms.Average {
			t.Fatalf("%s has rule %s", cell, v.Rule)
		}
		if cell.Col == "3" {
			if ytd := res.Cells[formula.Cell{Row: cell.Row, Col: "4"}]; !ytd.OK || ytd.Rule != consolidation.Formula || !ytd.Value.Equal(v.Value) {
				t.Fatalf("%s.c4 = %+v, want %v", cell.Row, ytd, v.Value)
			}
		}
	}
	if len(sums) < 600 || rules[forms.Sum] == 0 || rules[forms.Average] == 0 {
		t.Fatalf("%d input cells, rules %v", len(sums), rules)
	}
}

func benchCompute(b *testing.B, n int) {
	g := generate(b, n)
	ctx := context.Background()
	var res *consolidation.Result
	runs := 0
	for b.Loop() {
		var err error
		if res, err = consolidation.Compute(ctx, g.db, g.form, g.periodID, g.receiverID, false); err != nil {
			b.Fatal(err)
		}
		runs++
	}
	if len(res.ReportIDs) != n {
		b.Fatalf("%d reports consolidated, want %d", len(res.ReportIDs), n)
	}
	// The ratio to the plain sum on the same database, timed right after.
	start := time.Now()
	for range runs {
		if _, err := plainSum(ctx, g.db, g.reportIDs, g.form.Key); err != nil {
			b.Fatal(err)
		}
	}
	plain := time.Since(start) / time.Duration(runs)
	b.ReportMetric(float64(plain.Nanoseconds()), "plain-ns/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(runs)/float64(plain.Nanoseconds()), "x-plain")
}

func benchPlainSum(b *testing.B, n int) {
	g := generate(b, n)
	ctx := context.Background()
	for b.Loop() {
		rows, err := plainSum(ctx, g.db, g.reportIDs, g.form.Key)
		if err != nil {
			b.Fatal(err)
		}
		if rows == 0 {
			b.Fatal("no rows")
		}
	}
}

func BenchmarkCompute65(b *testing.B)       { benchCompute(b, 65) }
func BenchmarkCompute1000(b *testing.B)     { benchCompute(b, 1000) }
func BenchmarkPlainSQLSum65(b *testing.B)   { benchPlainSum(b, 65) }
func BenchmarkPlainSQLSum1000(b *testing.B) { benchPlainSum(b, 1000) }

// BenchmarkAccept is the upkeep of one acceptance among 65 accepted
// reports: the report leaves the receiver's set of reports sent and not
// yet accepted, which it empties (each of its cells is deleted there), and
// its figures are added to the accepted ones. Its sending, taken back
// before each acceptance, is not timed.
func BenchmarkAccept(b *testing.B) {
	g := generate(b, 65)
	ctx := context.Background()
	id := g.reportIDs[0]
	set := func(status string) {
		b.Helper()
		if _, err := g.db.Exec(ctx, `UPDATE reports SET status = $2 WHERE id = $1`, id, status); err != nil {
			b.Fatal(err)
		}
	}
	// As autovacuum leaves a live table: statistics in which no cell is empty.
	if _, err := g.db.Exec(ctx, `ANALYZE consolidation_cells`); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		set("sent")
		b.StartTimer()
		set("accepted")
	}
	var sent int
	if err := g.db.QueryRow(ctx, `SELECT count(*) FROM consolidation_cells WHERE receiver_unit_id = $1 AND included = 'sent'`, g.receiverID).Scan(&sent); err != nil || sent != 0 {
		b.Fatalf("%d cells left in the set of reports sent: %v", sent, err)
	}
}
