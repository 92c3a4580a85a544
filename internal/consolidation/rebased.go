package consolidation

// The re-based consolidation (issue 17): a past period of the receiver
// shown on the units that report to it today, each standing for the units
// that held its territory then (rebase), beside the consolidation as
// reported (Compute), which stays the one over the reports received then.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/rebase"
	"baocao/internal/vn"
)

// RebasedUnit is a line of the re-based consolidation: a unit of today
// (or an old unit whose territory no unit reporting to the receiver holds
// now, so that nothing received is lost) with what it stands for and its
// re-based figures.
type RebasedUnit struct {
	UnitID  int64
	Unit    string
	Mapping rebase.Mapping
	Cells   map[formula.Cell]rebase.Value
	Orphan  bool // an old unit kept as itself
}

// Rebased reports whether the unit's figures come from other (old) units.
func (u RebasedUnit) Rebased() bool { return u.Mapping.Rebased() }

// RebasedResult is a form consolidated over a period re-based on today's
// units. Cells combine every input cell over the units by its rule
// (rebase.Total) and compute the formula cells again from them, as
// Compute does; ReportIDs are the old and new reports counted; Marked
// are the cells that hold a figure of an old unit.
type RebasedResult struct {
	Result
	Units  []RebasedUnit
	Marked map[formula.Cell]bool
}

// ComputeRebased consolidates form over the period periodID on the units
// that report to receiverUnitID today: each such unit's figures are its
// own when it existed at the period's end, else its old units' re-based
// (mergers add up, splits by their shares). The reports counted are those
// accepted (and sent when includeSent), whoever received them then; an old
// unit that sent to the receiver but whose territory no unit of today
// holds keeps its own line.
func ComputeRebased(ctx context.Context, q database.Querier, form *forms.Form, periodID, receiverUnitID int64, includeSent bool) (*RebasedResult, error) {
	if form == nil {
		return nil, errors.New("consolidation: no form")
	}
	prog, err := form.Compiled()
	if err != nil {
		return nil, err
	}
	var (
		regimeID int64
		end      time.Time
	)
	if err := q.QueryRow(ctx, `SELECT regime_id, end_date FROM periods WHERE id = $1`, periodID).Scan(&regimeID, &end); err != nil {
		return nil, fmt.Errorf("consolidation: period %d: %w", periodID, err)
	}
	end = vn.Day(end)
	today, err := rebase.Reporters(ctx, q, regimeID, receiverUnitID, 0, 0)
	if err != nil {
		return nil, err
	}
	graph, err := rebase.LoadGraph(ctx, q)
	if err != nil {
		return nil, err
	}
	received, err := includedReports(ctx, q, periodID, receiverUnitID, includeSent)
	if err != nil {
		return nil, err
	}
	res := &RebasedResult{Result: Result{FormKey: form.Key, Cells: map[formula.Cell]Value{}}, Marked: map[formula.Cell]bool{}}
	covered := map[int64]bool{}
	for _, id := range today {
		m := graph.Lineage(id, end)
		res.Units = append(res.Units, RebasedUnit{UnitID: id, Mapping: m})
		for _, s := range m.Sources {
			covered[s.UnitID] = true
		}
	}
	rows, _ := q.Query(ctx, `SELECT unit_id FROM reports WHERE id = ANY($1)`, received)
	var senders []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return nil, err
		}
		senders = append(senders, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, u := range senders {
		if !covered[u] {
			covered[u] = true
			res.Units = append(res.Units, RebasedUnit{UnitID: u, Orphan: true,
				Mapping: rebase.Mapping{UnitID: u, Day: end, Sources: []rebase.Source{{UnitID: u, Weight: decimal.FromInt(1)}}}})
		}
	}
	ms := make([]rebase.Mapping, len(res.Units))
	ids := make([]int64, 0, len(res.Units))
	for i, u := range res.Units {
		ms[i] = u.Mapping
		ids = append(ids, u.UnitID)
	}
	names, err := unitNames(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	figures, reportOf, err := rebase.ReportFigures(ctx, q, periodID, form.Key, rebase.SourceIDs(ms...), statusesFor(includeSent))
	if err != nil {
		return nil, err
	}
	for _, id := range reportOf {
		res.ReportIDs = append(res.ReportIDs, id)
	}
	sort.Slice(res.ReportIDs, func(i, j int) bool { return res.ReportIDs[i] < res.ReportIDs[j] })
	for i := range res.Units {
		u := &res.Units[i]
		u.Unit = names[u.UnitID]
		if !anyFigures(u.Mapping, figures) { // most units of today, for a period long past
			u.Cells = map[formula.Cell]rebase.Value{}
			continue
		}
		if u.Cells, err = rebase.Combine(form, u.Mapping, figures); err != nil {
			return nil, err
		}
		if u.Rebased() {
			for cell, v := range u.Cells {
				if v.OK {
					res.Marked[cell] = true
				}
			}
		}
	}
	c := collate.New(language.Vietnamese)
	sort.SliceStable(res.Units, func(i, j int) bool {
		if res.Units[i].Orphan != res.Units[j].Orphan {
			return !res.Units[i].Orphan
		}
		return c.CompareString(res.Units[i].Unit, res.Units[j].Unit) < 0
	})
	p := newPlan(form)
	rowsByKey := make(map[string]forms.Row, len(form.Rows))
	for _, r := range form.Rows {
		rowsByKey[r.Key] = r
	}
	for _, in := range p.inputs {
		col, _ := form.Column(in.cell.Col)
		v := rebase.Total(form, rowsByKey[in.cell.Row], col, ms, figures)
		res.Cells[in.cell] = Value{Value: v.Value, OK: v.OK, Rule: in.rule, Reports: v.Sources}
	}
	for _, cell := range p.none {
		res.Cells[cell] = Value{Rule: forms.NoAggregate}
	}
	// prev() and lastyear() read the receiver's earlier consolidations as
	// Compute does (a sum re-based over every heir is the sum as reported).
	in := withEarlier{current: consolidated(res.Cells)}
	if prog.ReadsEarlier() {
		if err := earlier(ctx, q, form, prog, p, periodID, receiverUnitID, includeSent, &in); err != nil {
			return nil, err
		}
	}
	for cell, r := range prog.Results(in) {
		col, ok := form.Column(cell.Col)
		if !ok {
			continue
		}
		res.Cells[cell] = Value{Value: col.Computed(r.Value), OK: r.OK, Err: r.Err, Rule: Formula}
	}
	return res, nil
}

// RebasedDrillDown is the drill-down of a cell in the re-based view: each
// unit of the consolidation with its re-based value of the cell.
func (r *RebasedResult) RebasedDrillDown(cell formula.Cell) []RebasedCell {
	out := make([]RebasedCell, 0, len(r.Units))
	for _, u := range r.Units {
		out = append(out, RebasedCell{Unit: u, Value: u.Cells[cell]})
	}
	return out
}

// RebasedCell is one unit's re-based value of a cell.
type RebasedCell struct {
	Unit  RebasedUnit
	Value rebase.Value
}

// anyFigures reports whether some source of m has a figure.
func anyFigures(m rebase.Mapping, figures rebase.Figures) bool {
	for _, s := range m.Sources {
		if len(figures[s.UnitID]) > 0 {
			return true
		}
	}
	return false
}

func unitNames(ctx context.Context, q database.Querier, ids []int64) (map[int64]string, error) {
	rows, _ := q.Query(ctx, `SELECT id, name FROM units WHERE id = ANY($1)`, ids)
	defer rows.Close()
	out := make(map[int64]string, len(ids))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
