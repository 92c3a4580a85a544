package dashboard

// The re-based views (issue 17): a past period shown on today's units,
// each of them standing for the units that held its territory then
// (rebase). The "as reported" views are the others of this package.

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/rebase"
	"baocao/internal/vn"
)

// TodayUnits lists the units that report the regime now within the
// scope and filter: those with an open assignment (to the scope's
// receiver, else at the first level), in today's subtree of the roots.
func TodayUnits(ctx context.Context, q database.Querier, sc Scope, f Filter) ([]int64, error) {
	return rebase.Reporters(ctx, q, f.RegimeID, sc.Receiver, sc.Root, f.Root)
}

// RebasedValue is a unit of today's figure in a past period, with what it
// stands for.
type RebasedValue struct {
	UnitID  int64
	Unit    string
	Value   rebase.Value
	Mapping rebase.Mapping
	// The same period last year, re-based the same way (RebasedAcross).
	LastYear        rebase.Value
	LastYearMapping rebase.Mapping
	LastYearPeriod  string // its label
}

// Rebased reports whether the figure comes from other (old) units.
func (v RebasedValue) Rebased() bool { return v.Mapping.Rebased() }

// rebasedPeriod is one period of a re-based view: every unit of today.
type rebasedPeriod struct {
	period Period
	units  []RebasedValue
	total  rebase.Value
	marked bool // some figure comes from old units
}

// rebasedPeriodsSQL lists the periods of regime $1 ending in [$2, $3].
const rebasedPeriodsSQL = `
	SELECT id, key, label, start_date, end_date FROM periods
	WHERE regime_id = $1 AND ($2::date IS NULL OR end_date >= $2) AND ($3::date IS NULL OR end_date <= $3)
	ORDER BY start_date, id`

// rebasedValuesSQL reads the cells $4 of row $3 of form $2 in the
// reports counted ($6) of the periods $1 by the units $5.
const rebasedValuesSQL = `
	SELECT r.period_id, r.unit_id, v.col_code, v.num::text
	FROM reports r JOIN report_values v ON v.report_id = r.id AND v.form_key = $2 AND v.row_key = $3 AND v.col_code = ANY($4) AND v.num IS NOT NULL
	WHERE r.period_id = ANY($1) AND r.unit_id = ANY($5) AND r.status = ANY($6)`

// rebased computes the indicator on today's units over the periods of
// f's regime ending in [from, to]: the units' history is read once
// (rebase.Graph), then the old units' values of all the periods in one
// query.
func rebased(ctx context.Context, q database.Querier, sc Scope, f Filter, ind Indicator, from, to time.Time) ([]rebasedPeriod, error) {
	row, okRow := rowOf(ind.Form, ind.RowKey)
	col, okCol := ind.Form.Column(ind.ColCode)
	if !okRow || !okCol {
		return nil, nil
	}
	_, weightCol := rebase.CellRule(ind.Form, row, col)
	cols := []string{col.Code}
	if weightCol != "" {
		cols = append(cols, weightCol)
	}
	today, err := TodayUnits(ctx, q, sc, f)
	if err != nil {
		return nil, err
	}
	names, err := unitNames(ctx, q, today)
	if err != nil {
		return nil, err
	}
	graph, err := rebase.LoadGraph(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, _ := q.Query(ctx, rebasedPeriodsSQL, f.RegimeID, date(from), date(to))
	order, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Period, error) {
		var p Period
		err := row.Scan(&p.ID, &p.Key, &p.Label, &p.Start, &p.End)
		p.Start, p.End = vn.Day(p.Start), vn.Day(p.End)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	type key struct{ period, unit int64 }
	mappings := make(map[key]rebase.Mapping, len(order)*len(today))
	periodIDs := make([]int64, 0, len(order))
	var all []rebase.Mapping
	for _, p := range order {
		periodIDs = append(periodIDs, p.ID)
		for _, u := range today {
			m := graph.Lineage(u, p.End)
			mappings[key{p.ID, u}] = m
			all = append(all, m)
		}
	}
	figures := make(map[int64]rebase.Figures, len(order)) // period → unit → cells
	for _, id := range periodIDs {
		figures[id] = rebase.Figures{}
	}
	rows, _ = q.Query(ctx, rebasedValuesSQL, periodIDs, ind.Form.Key, row.Key, cols, rebase.SourceIDs(all...), counted)
	var (
		periodID, unit int64
		colCode, num   string
	)
	_, err = pgx.ForEachRow(rows, []any{&periodID, &unit, &colCode, &num}, func() error {
		x, err := decimal.ParseCanonical(num)
		if err != nil {
			return err
		}
		fs := figures[periodID]
		if fs[unit] == nil {
			fs[unit] = map[formula.Cell]decimal.Decimal{}
		}
		fs[unit][formula.Cell{Row: row.Key, Col: colCode}] = x
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]rebasedPeriod, 0, len(order))
	for _, p := range order {
		rp := rebasedPeriod{period: p}
		// The total over today's units combines their re-based figures
		// by the same rule, each unit once.
		totalOf := rebase.Mapping{UnitID: 0}
		perUnit := rebase.Figures{}
		for _, u := range today {
			m := mappings[key{p.ID, u}]
			v := rebase.CombineCell(ind.Form, row, col, m, figures[p.ID])
			rv := RebasedValue{UnitID: u, Unit: names[u], Value: v, Mapping: m}
			rp.units = append(rp.units, rv)
			if v.OK {
				rp.marked = rp.marked || rv.Rebased()
				perUnit[u] = map[formula.Cell]decimal.Decimal{{Row: row.Key, Col: col.Code}: v.Value}
				if weightCol != "" {
					w := rebase.CombineCell(ind.Form, row, mustColumn(ind.Form, weightCol), m, figures[p.ID])
					if w.OK {
						perUnit[u][formula.Cell{Row: row.Key, Col: weightCol}] = w.Value
					}
				}
				totalOf.Sources = append(totalOf.Sources, rebase.Source{UnitID: u, Weight: decimal.FromInt(1)})
			}
		}
		rp.total = rebase.CombineCell(ind.Form, row, col, totalOf, perUnit)
		out = append(out, rp)
	}
	return out, nil
}

func mustColumn(f *forms.Form, code string) forms.Column {
	c, _ := f.Column(code)
	return c
}

func rowOf(f *forms.Form, key string) (forms.Row, bool) {
	for _, r := range f.Rows {
		if r.Key == key {
			return r, true
		}
	}
	return forms.Row{}, false
}

func unitNames(ctx context.Context, q database.Querier, ids []int64) (map[int64]string, error) {
	rows, _ := q.Query(ctx, `SELECT id, name FROM units WHERE id = ANY($1)`, ids)
	out := make(map[int64]string, len(ids))
	var id int64
	var name string
	_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { out[id] = name; return nil })
	return out, err
}

// RebasedPoint is a point of the re-based trend: Rebased marks a figure
// that comes, wholly or partly, from old units.
type RebasedPoint struct {
	Point
	Rebased, LastYearRebased bool
}

// RebasedTrend follows the indicator over f's periods on today's units in
// the scope: each period's figure is the combination of today's units'
// figures, each re-based on the units that held its territory then.
func RebasedTrend(ctx context.Context, q database.Querier, sc Scope, f Filter, ind Indicator) ([]RebasedPoint, error) {
	from := f.From
	if !from.IsZero() {
		from = from.AddDate(-1, 0, 0)
	}
	list, err := rebased(ctx, q, sc, f, ind, from, f.To)
	if err != nil {
		return nil, err
	}
	byStart := make(map[time.Time]rebasedPeriod, len(list))
	for _, rp := range list {
		byStart[rp.period.Start] = rp
	}
	var out []RebasedPoint
	for _, rp := range list {
		if !f.From.IsZero() && rp.period.End.Before(vn.Day(f.From)) {
			continue
		}
		pt := RebasedPoint{Point: Point{Period: rp.period, Value: rp.total.Value, OK: rp.total.OK, Reports: rp.total.Sources}, Rebased: rp.marked}
		if last, ok := byStart[rp.period.Start.AddDate(-1, 0, 0)]; ok {
			pt.LastYear, pt.LastYearOK, pt.LastYearRebased = last.total.Value, last.total.OK, last.marked
		}
		out = append(out, pt)
	}
	return out, nil
}

// RebasedAcross compares today's units on the indicator in one past
// period, each re-based, largest first; units without a figure are left
// out. Each carries what it stands for, and its figure of the same period
// last year re-based the same way (for a commune formed in 2025, its old
// communes' figures).
func RebasedAcross(ctx context.Context, q database.Querier, sc Scope, f Filter, periodID int64, ind Indicator) ([]RebasedValue, error) {
	var start, end time.Time
	if err := q.QueryRow(ctx, `SELECT start_date, end_date FROM periods WHERE id = $1 AND regime_id = $2`, periodID, f.RegimeID).Scan(&start, &end); err != nil {
		return nil, err
	}
	start, end = vn.Day(start), vn.Day(end)
	list, err := rebased(ctx, q, sc, f, ind, end.AddDate(-1, 0, -1), end)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	var this, last *rebasedPeriod
	for i := range list {
		switch list[i].period.Start {
		case start:
			this = &list[i]
		case start.AddDate(-1, 0, 0):
			last = &list[i]
		}
	}
	if this == nil {
		return nil, nil
	}
	var out []RebasedValue
	for i, u := range this.units {
		if !u.Value.OK {
			continue
		}
		if last != nil {
			u.LastYear, u.LastYearMapping, u.LastYearPeriod = last.units[i].Value, last.units[i].Mapping, last.period.Label
		}
		out = append(out, u)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value.Value.Cmp(out[j].Value.Value) > 0 })
	return out, nil
}

// RebasedCell is a unit of today's cell of the status grid: for a period
// before it existed, the reports of the old units it stands for.
type RebasedCell struct {
	Cell             // the summary: the least advanced state of its reports
	Rebased bool     // the cell stands for old units
	Sources []Source // their reports (when Rebased)
}

// Source is an old unit's report in a re-based cell.
type Source struct {
	UnitID int64
	Unit   string
	Share  string // "toàn bộ" or "30 %"
	Cell   Cell
}

// RebasedLine is a line of the re-based grid: a unit of today, or an
// old unit whose territory no unit of today holds (so nothing is lost).
type RebasedLine struct {
	UnitID int64
	Unit   string
	Cells  []RebasedCell
	Tally  Tally // of the reports in the line (a split old unit's in each of its heirs' lines)
}

// RebasedStatus is the grid of a regime on today's units. Its column and
// total tallies count every report once, as the grid as reported does,
// though a split old unit appears in the line of each of its heirs.
type RebasedStatus struct {
	Periods []Period
	Lines   []RebasedLine
	Columns []Tally
	Total   Tally
}

// advance orders the states from the least advanced: a re-based cell
// shows the least advanced of its reports.
var advance = map[string]int{consolidation.Overdue: 0, consolidation.NotSent: 1, consolidation.Returned: 2,
	consolidation.SentLate: 3, consolidation.Sent: 4, consolidation.Accepted: 5}

// RebasedStatusGrid is StatusGrid re-based on today's units: each past
// period's reports (as they were made, by the units of then) are shown in
// the lines of the units of today that hold their territory.
func RebasedStatusGrid(ctx context.Context, q database.Querier, sc Scope, f Filter, today time.Time) (*RebasedStatus, error) {
	base, err := StatusGrid(ctx, q, Scope{Receiver: sc.Receiver}, Filter{RegimeID: f.RegimeID, From: f.From, To: f.To}, today)
	if err != nil {
		return nil, err
	}
	now, err := TodayUnits(ctx, q, sc, f)
	if err != nil {
		return nil, err
	}
	graph, err := rebase.LoadGraph(ctx, q)
	if err != nil {
		return nil, err
	}
	names, err := choices(ctx, q, `SELECT id, name FROM units WHERE id = ANY($1) ORDER BY name COLLATE "vi-VN-x-icu", id`, now)
	if err != nil {
		return nil, err
	}
	lineOf := make(map[int64]*Line, len(base.Lines))
	for i := range base.Lines {
		lineOf[base.Lines[i].UnitID] = &base.Lines[i]
	}
	st := &RebasedStatus{Periods: base.Periods, Columns: make([]Tally, len(base.Periods)), Total: newTally()}
	for i := range st.Columns {
		st.Columns[i] = newTally()
	}
	type seenKey struct {
		unit   int64
		period int
	}
	counted := map[seenKey]bool{}
	count := func(unit int64, i int, c Cell) {
		if c.State == "" || counted[seenKey{unit, i}] {
			return
		}
		counted[seenKey{unit, i}] = true
		st.Columns[i].add(c)
		st.Total.add(c)
	}
	for _, u := range names {
		line := RebasedLine{UnitID: u.ID, Unit: u.Name, Cells: make([]RebasedCell, len(base.Periods)), Tally: newTally()}
		for i, p := range base.Periods {
			m := graph.Lineage(u.ID, p.End)
			if !m.Rebased() {
				if own := lineOf[u.ID]; own != nil {
					line.Cells[i].Cell = own.Cells[i]
					line.Tally.add(own.Cells[i])
					count(u.ID, i, own.Cells[i])
				}
				continue
			}
			rc := RebasedCell{Rebased: true}
			for _, s := range m.Sources {
				old := lineOf[s.UnitID]
				if old == nil || old.Cells[i].State == "" {
					continue
				}
				c := old.Cells[i]
				share := "toàn bộ"
				switch {
				case s.Missing:
					share = "chưa có tỷ lệ"
				case !s.Whole():
					share = s.Percent().Format() + " %"
				}
				rc.Sources = append(rc.Sources, Source{UnitID: s.UnitID, Unit: s.Name, Share: share, Cell: c})
				if rc.Cell.State == "" || advance[c.State] < advance[rc.Cell.State] {
					rc.Cell = Cell{State: c.State, Sent: c.Sent, Late: c.Late, Due: c.Due}
				}
				line.Tally.add(c)
				count(s.UnitID, i, c)
			}
			line.Cells[i] = rc
		}
		st.Lines = append(st.Lines, line)
	}
	// The reports of old units that no unit of today stands for keep a
	// line of their own.
	for _, l := range base.Lines {
		var orphan *RebasedLine
		for i, c := range l.Cells {
			if c.State == "" || counted[seenKey{l.UnitID, i}] {
				continue
			}
			if orphan == nil {
				orphan = &RebasedLine{UnitID: l.UnitID, Unit: l.Unit, Cells: make([]RebasedCell, len(base.Periods)), Tally: newTally()}
			}
			orphan.Cells[i].Cell = c
			orphan.Tally.add(c)
			count(l.UnitID, i, c)
		}
		if orphan != nil {
			st.Lines = append(st.Lines, *orphan)
		}
	}
	return st, nil
}
