package consolidation

// prev() and lastyear() of a consolidation: the receiver's consolidated
// figures of the previous period and of the same period last year, each
// computed like this one from the maintained aggregates, formulas and all
// (their own prev() reading further back), so that Sở Y tế's "Lũy kế"
// adds up its consolidated months.

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/periods"
)

// maxEarlier bounds the earlier periods a consolidation reads back (three
// years of months); a chain of prev() longer than that reads blank there.
const maxEarlier = 36

// maintainedManySQL is maintainedSQL over several periods at once, each
// result row led by its period.
var maintainedManySQL = maintainedOver("period_id = ANY($1)", "period_id, ")

// withEarlier gives the formulas this period's consolidated cells and
// the earlier periods' (nil: blank). In the first period of a year,
// prev() of a year-to-date column (forms.RoleYearToDate, "Lũy kế từ đầu
// năm") reads blank: the year to date starts again, as the units' own
// year-to-date figures do.
type withEarlier struct {
	current, previous, lastYear consolidated
	newYear                     map[string]bool // the year-to-date columns, in the first period of a year
}

func (w withEarlier) Value(cell formula.Cell, p formula.Period) (decimal.Decimal, bool) {
	var c consolidated
	switch p {
	case formula.Current:
		c = w.current
	case formula.Previous:
		if w.newYear[cell.Col] {
			return decimal.Zero, false
		}
		c = w.previous
	case formula.LastYear:
		c = w.lastYear
	}
	v, ok := c[cell]
	return v.Value, ok && v.OK
}

// newYear lists the year-to-date columns of form when p is the first
// period of its year (nil otherwise).
func newYear(form *forms.Form, p periods.Period) map[string]bool {
	if p.Number != 1 {
		return nil
	}
	var out map[string]bool
	for _, c := range form.Columns {
		if c.Role == forms.RoleYearToDate {
			if out == nil {
				out = map[string]bool{}
			}
			out[c.Code] = true
		}
	}
	return out
}

// earlier fills in the consolidation of form for receiverUnitID over the
// previous period and the same period last year of periodID (and, for their own prev()
// and lastyear(), the periods before them, at most maxEarlier), reading
// every earlier period's inputs from the maintained aggregates in one
// query. A period the regime never had reads blank.
func earlier(ctx context.Context, q database.Querier, form *forms.Form, prog *formula.Program, p plan, periodID, receiverUnitID int64, includeSent bool, in *withEarlier) error {
	rows, _ := q.Query(ctx, `
		SELECT o.id, o.key FROM periods o JOIN periods t ON t.regime_id = o.regime_id
		WHERE t.id = $1 AND o.end_date <= t.end_date`, periodID)
	byKey := map[string]int64{}
	var thisKey string
	var id int64
	var key string
	if _, err := pgx.ForEachRow(rows, []any{&id, &key}, func() error {
		byKey[key] = id
		if id == periodID {
			thisKey = key
		}
		return nil
	}); err != nil {
		return err
	}
	this, err := periods.ParseKey(thisKey)
	if err != nil || this.Frequency == periods.AdHocFreq {
		return nil
	}
	in.newYear = newYear(form, this)
	// The earlier periods that count, nearest first.
	need := map[string]periods.Period{}
	queue := []periods.Period{this}
	for len(queue) > 0 && len(need) < maxEarlier {
		cur := queue[0]
		queue = queue[1:]
		for _, e := range []periods.Period{cur.Prev(), cur.SamePeriodLastYear()} {
			k := e.Key()
			_, seen := need[k]
			if _, ok := byKey[k]; !ok || seen || len(need) >= maxEarlier {
				continue
			}
			need[k] = e
			queue = append(queue, e)
		}
	}
	if len(need) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(need))
	order := make([]periods.Period, 0, len(need))
	inputs := make(map[int64]map[formula.Cell]Value, len(need))
	for k, e := range need {
		ids = append(ids, byKey[k])
		order = append(order, e)
		cells := make(map[formula.Cell]Value, 2*len(p.inputs)+len(p.none))
		for _, in := range p.inputs {
			cells[in.cell] = Value{Rule: in.rule}
		}
		inputs[byKey[k]] = cells
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Start.Before(order[j].Start) })
	if len(p.inputs) > 0 {
		rows, _ = q.Query(ctx, maintainedManySQL, ids, receiverUnitID, statusesFor(includeSent), form.Key, p.rows, p.cols, p.codes)
		var (
			i, n int64
			v    *string
		)
		if _, err := pgx.ForEachRow(rows, []any{&id, &i, &n, &v}, func() error {
			cell, val, err := p.value(form, i, n, v)
			inputs[id][cell] = val
			return err
		}); err != nil {
			return err
		}
	}
	// Oldest first, so that each period's prev() and lastyear() are done.
	done := make(map[string]consolidated, len(order))
	for _, e := range order {
		cells := inputs[byKey[e.Key()]]
		values := withEarlier{current: cells, previous: done[e.Prev().Key()], lastYear: done[e.SamePeriodLastYear().Key()], newYear: newYear(form, e)}
		for cell, r := range prog.Results(values) {
			if c, ok := form.Column(cell.Col); ok {
				cells[cell] = Value{Value: c.Computed(r.Value), OK: r.OK, Err: r.Err, Rule: Formula}
			}
		}
		done[e.Key()] = cells
	}
	in.previous, in.lastYear = done[this.Prev().Key()], done[this.SamePeriodLastYear().Key()]
	return nil
}
