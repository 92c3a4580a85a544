package dashboard

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/holidays"
	"baocao/internal/periods"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// Cell is one unit's report for one period.
type Cell struct {
	ReportID int64  // 0 when missing
	State    string // one of consolidation.States; "" when the unit does not report the period
	Sent     bool   // sent at least once (returned and accepted reports included)
	Late     bool   // sent after the deadline
	Due      bool   // sent, or its deadline has passed: it counts in the rates
}

// Tally counts the cells of a line, a column or the whole grid.
type Tally struct {
	Assigned int            // reports assigned: every cell with a state
	Due      int            // of those, sent or past their deadline: what the rates count
	States   map[string]int // per consolidation state
	OnTime   int            // sent by the deadline
	SentLate int            // sent after it
}

func newTally() Tally { return Tally{States: make(map[string]int, len(consolidation.States))} }

func (t *Tally) add(c Cell) {
	if c.State == "" {
		return
	}
	t.Assigned++
	if c.Due {
		t.Due++
	}
	t.States[c.State]++
	switch {
	case c.Sent && c.Late:
		t.SentLate++
	case c.Sent:
		t.OnTime++
	}
}

// OnTimeRate is the percentage of the reports due that were sent on time;
// a report whose deadline is still ahead is no failure yet.
func (t Tally) OnTimeRate() float64 { return percent(t.OnTime, t.Due) }

// SentRate is the percentage of the reports due that were sent at all.
func (t Tally) SentRate() float64 { return percent(t.OnTime+t.SentLate, t.Due) }

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// Line is a unit's row of the grid.
type Line struct {
	UnitID int64
	Unit   string
	Cells  []Cell // one per Status.Periods
	Tally  Tally
}

// Status is the grid of a regime: units × periods.
type Status struct {
	Periods []Period
	Lines   []Line  // sorted by unit name
	Columns []Tally // one per period
	Total   Tally
}

// StatusGrid builds the grid of f.RegimeID's periods ending in [f.From,
// f.To] for the units the scope and the filter allow. A cell is due when
// the unit has a report for the period or was assigned it (confirmed, in
// force during the period, unit owing the period: unit_owes_report) as the
// receiver's board counts them; today decides which unsent reports are
// overdue.
func StatusGrid(ctx context.Context, q database.Querier, sc Scope, f Filter, today time.Time) (*Status, error) {
	ps, err := regimePeriods(ctx, q, f)
	if err != nil {
		return nil, err
	}
	due, err := missingDeadlines(ctx, q, f.RegimeID, ps)
	if err != nil {
		return nil, err
	}
	st := &Status{Periods: ps, Columns: make([]Tally, len(ps)), Total: newTally()}
	column := make(map[int64]int, len(ps))
	for i, p := range ps {
		column[p.ID] = i
		st.Columns[i] = newTally()
	}
	// Each row lands in its cell as it is read; the lines are put in the
	// order of the units' names afterwards, once per unit rather than once
	// per cell.
	line := map[int64]int{} // unit → its index in st.Lines
	day := vn.Today(today)
	var (
		periodID, unitID int64
		c                Cell
		status           string
		deadline         pgtype.Date // no allocation per cell, unlike *time.Time
		level            int
	)
	rows, _ := q.Query(ctx, statusSQL, sc.Receiver, sc.Root, f.Root, f.RegimeID, date(f.From), date(f.To))
	_, err = pgx.ForEachRow(rows, []any{&periodID, &unitID, &c.ReportID, &status, &deadline, &c.Sent, &c.Late, &level}, func() error {
		i, ok := column[periodID]
		if !ok {
			return nil
		}
		n, ok := line[unitID]
		if !ok {
			n = len(st.Lines)
			line[unitID] = n
			st.Lines = append(st.Lines, Line{UnitID: unitID, Cells: make([]Cell, len(ps)), Tally: newTally()})
		}
		var d time.Time
		if deadline.Valid {
			d = vn.Day(deadline.Time)
		} else {
			d = due(level, i)
		}
		cell := c
		cell.State = consolidation.State(consolidation.UnitStatus{Status: reports.Status(status), Late: cell.Late, Deadline: d}, day)
		cell.Due = cell.Sent || day.After(d)
		l := &st.Lines[n]
		l.Cells[i] = cell
		l.Tally.add(cell)
		st.Columns[i].add(cell)
		st.Total.add(cell)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(st.Lines))
	for i, l := range st.Lines {
		ids[i] = l.UnitID
	}
	names, err := choices(ctx, q, `SELECT id, name FROM units WHERE id = ANY($1) ORDER BY name COLLATE "vi-VN-x-icu", id`, ids)
	if err != nil {
		return nil, err
	}
	sorted := make([]Line, 0, len(names))
	for _, u := range names {
		l := st.Lines[line[u.ID]]
		l.Unit = u.Name
		sorted = append(sorted, l)
	}
	st.Lines = sorted
	return st, nil
}

// statusSQL lists the due reports of the grid ($4: regime, $5, $6: the
// range of end dates) within the scope ($1, $2) and filter ($3): the
// reports that exist (but a draft of a unit that no longer owes the
// period), and the assignments without one (as the board finds them:
// confirmed, in force during the period, of a unit owing it; of several,
// the open one). The reports' keys alone are materialised (small enough to
// stay in memory, where the whole rows spilled to disk) so that looking for
// the missing ones is one hash anti-join rather than an index probe per
// unit and period; a report of a unit that owes the period is always
// listed, so its key is enough to tell the period is not missing.
const statusSQL = `
	WITH p AS MATERIALIZED (
		SELECT id, regime_id, start_date, end_date FROM periods
		WHERE regime_id = $4 AND ($5::date IS NULL OR end_date >= $5) AND ($6::date IS NULL OR end_date <= $6)
	), have AS MATERIALIZED (
		SELECT r.period_id, r.unit_id FROM reports r JOIN p ON p.id = r.period_id
	), missing AS (
		SELECT DISTINCT ON (p.id, a.unit_id) p.id AS period_id, a.unit_id, a.receiver_unit_id, a.level
		FROM p
		JOIN assignments a ON a.regime_id = p.regime_id
		JOIN units u ON u.id = a.unit_id
		WHERE a.confirmed_at IS NOT NULL
		  AND a.valid_from <= p.end_date AND (a.valid_to IS NULL OR a.valid_to >= p.start_date)
		  AND unit_owes_report(u.id, u.valid_to, p.start_date, p.end_date)
		  AND NOT EXISTS (SELECT 1 FROM have h WHERE h.period_id = p.id AND h.unit_id = a.unit_id)
		ORDER BY p.id, a.unit_id, a.valid_to DESC NULLS FIRST, a.id DESC
	)
	SELECT r.period_id, r.unit_id, r.id, r.status, r.deadline, r.sent_at IS NOT NULL, r.late, 0
	FROM reports r JOIN p ON p.id = r.period_id JOIN units u ON u.id = r.unit_id
	-- a draft left by a unit that no longer owes the period (closed into successors) is not counted
	WHERE (r.sent_at IS NOT NULL OR unit_owes_report(u.id, u.valid_to, p.start_date, p.end_date))
	  AND ` + scopeSQL + `
	UNION ALL
	SELECT r.period_id, r.unit_id, 0, '', NULL, false, false, r.level
	FROM missing r
	WHERE ` + scopeSQL

// regimePeriods lists the filter's periods in order.
func regimePeriods(ctx context.Context, q database.Querier, f Filter) ([]Period, error) {
	rows, _ := q.Query(ctx, `
		SELECT id, key, label, start_date, end_date FROM periods
		WHERE regime_id = $1 AND ($2::date IS NULL OR end_date >= $2) AND ($3::date IS NULL OR end_date <= $3)
		ORDER BY start_date, id`, f.RegimeID, date(f.From), date(f.To))
	var ps []Period
	for rows.Next() {
		var p Period
		if err := rows.Scan(&p.ID, &p.Key, &p.Label, &p.Start, &p.End); err != nil {
			rows.Close()
			return nil, err
		}
		p.Start, p.End = vn.Day(p.Start), vn.Day(p.End)
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// missingDeadlines returns the deadline a missing report of a level and
// period would have had: its level's rule counted from the period's end,
// as the board decides it.
func missingDeadlines(ctx context.Context, q database.Querier, regimeID int64, ps []Period) (func(level, period int) time.Time, error) {
	rows, _ := q.Query(ctx, `SELECT level, working_days, fixed_day FROM regime_deadlines WHERE regime_id = $1`, regimeID)
	rules := map[int]periods.Rule{}
	for rows.Next() {
		var level int
		var workingDays, fixedDay *int
		if err := rows.Scan(&level, &workingDays, &fixedDay); err != nil {
			rows.Close()
			return nil, err
		}
		rules[level] = periods.StoredRule(workingDays, fixedDay)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cal, err := holidays.Calendar(ctx, q)
	if err != nil {
		return nil, err
	}
	type key struct{ level, period int }
	memo := map[key]time.Time{}
	return func(level, i int) time.Time {
		k := key{level, i}
		if d, ok := memo[k]; ok {
			return d
		}
		rule, ok := rules[level]
		if !ok {
			rule = periods.DefaultRule()
		}
		memo[k] = rule.Deadline(periods.Period{End: ps[i].End}, cal)
		return memo[k]
	}, nil
}
