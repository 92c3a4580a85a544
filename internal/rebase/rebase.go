// Package rebase (tính lại theo đơn vị hiện nay) carries the figures of
// the past across a reorganisation: a unit of today formed by merger or
// split gets, for a period before it existed, the figures of the units
// that then held its territory, each counted by the share that went into
// it (issue 17).
//
// It is a layer of its own beside consolidation, computed from the
// reports' stored values: input cells combine by their rule (sums add the
// old units' figures times their shares; averages weigh each old unit by
// its share; weighted averages by share times the weight column; minimum
// and maximum over the old units that count), additive computed cells
// (a year to date, last year's figure) combine like sums, and ratios
// (percent columns, row formulas) are computed again from the re-based
// figures, never added.
package rebase

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
)

// Source is a unit of the past counted, whole or in part, for a unit of
// today.
type Source struct {
	UnitID  int64
	Name    string
	Weight  decimal.Decimal // the fraction of its territory that went into the unit: 1 whole
	Missing bool            // a split whose share no administrator has given: not counted
}

// Whole reports whether the whole source went into the unit.
func (s Source) Whole() bool { return !s.Missing && s.Weight.Equal(one) }

// Percent is the source's share in percent (100 when whole).
func (s Source) Percent() decimal.Decimal {
	p, _ := s.Weight.Mul(hundred)
	return p.RoundDigits(12)
}

var (
	one     = decimal.FromInt(1)
	hundred = decimal.FromInt(100)
)

// Mapping is what a unit of today stood for on a day.
type Mapping struct {
	UnitID  int64
	Day     time.Time
	Sources []Source // by name
}

// Rebased reports whether the unit's figures on that day come from other
// units (false: the unit existed then and reported for itself, or nothing
// held its territory in the system).
func (m Mapping) Rebased() bool {
	return len(m.Sources) > 0 && !(len(m.Sources) == 1 && m.Sources[0].UnitID == m.UnitID)
}

// Incomplete reports whether a split's share is missing.
func (m Mapping) Incomplete() bool {
	for _, s := range m.Sources {
		if s.Missing {
			return true
		}
	}
	return false
}

// Value is a re-based cell.
type Value struct {
	Value   decimal.Decimal
	OK      bool // false: blank (no old unit has a value, rule "none", a missing share)
	Sources int  // how many old units' values count
}

// Figures are the stored numbers of some reports' cells, by unit.
type Figures map[int64]map[formula.Cell]decimal.Decimal

// Combine re-bases the old units' figures onto the unit of m (which must
// be Rebased) for every numeric cell of form.
func Combine(form *forms.Form, m Mapping, figures Figures) (map[formula.Cell]Value, error) {
	out := map[formula.Cell]Value{}
	counted := make([]Source, 0, len(m.Sources))
	for _, s := range m.Sources {
		if !s.Missing {
			counted = append(counted, s)
		}
	}
	cols := make(map[string]forms.Column, len(form.Columns))
	for _, c := range form.Columns {
		cols[c.Code] = c
	}
	for _, r := range form.Rows {
		if !r.HasValues() {
			continue
		}
		for _, c := range form.Columns {
			if c.Type == forms.Text || (form.IsFormula(r, c) && !additive(r, c)) {
				continue
			}
			cell := formula.Cell{Row: r.Key, Col: c.Code}
			rule := r.RuleFor(c)
			weightCol := ""
			if rule == forms.WeightedAvg {
				if _, ok := cols[c.WeightBy]; ok && c.WeightBy != c.Code {
					weightCol = c.WeightBy
				} else {
					rule = forms.Average
				}
			}
			out[cell] = combine(c, rule, cell, formula.Cell{Row: r.Key, Col: weightCol}, counted, figures, m.Incomplete())
		}
	}
	prog, err := ratios(form)
	if err != nil {
		return nil, err
	}
	for cell, r := range prog.Results(current(out)) {
		c, ok := form.Column(cell.Col)
		if !ok {
			continue
		}
		out[cell] = Value{Value: c.Computed(r.Value), OK: r.OK}
	}
	return out, nil
}

// additive reports whether a computed cell adds up across units: a
// number column's formula (a year to date, last year's figure); not a
// percentage nor a row's own formula, which are computed again.
func additive(r forms.Row, c forms.Column) bool {
	return c.Type != forms.Percent && r.Formulas[c.Code] == "" && r.Kind != forms.Subtotal
}

func combine(c forms.Column, rule string, cell, weightCell formula.Cell, src []Source, figures Figures, incomplete bool) Value {
	v, exact := combineExact(rule, cell, weightCell, src, figures, incomplete)
	if !v.OK {
		return v
	}
	switch rule {
	case forms.Sum:
		if !exact { // a share of a figure is computed, like a formula's result
			v.Value = c.Computed(v.Value)
		}
	case forms.Average, forms.WeightedAvg:
		v.Value = c.Computed(v.Value)
	}
	return v
}

// combineExact is combine before rounding: exact reports whether a sum
// took whole units only (so that it needs no rounding).
func combineExact(rule string, cell, weightCell formula.Cell, src []Source, figures Figures, incomplete bool) (v Value, exact bool) {
	if rule == forms.NoAggregate || (incomplete && rule != forms.Min && rule != forms.Max) {
		return Value{}, false
	}
	var (
		acc, weights decimal.Decimal
		n            int
	)
	exact = true
	for _, s := range src {
		x, ok := figures[s.UnitID][cell]
		if !ok || s.Weight.Sign() == 0 {
			continue
		}
		if !s.Weight.Equal(one) {
			exact = false
		}
		w := s.Weight
		switch rule {
		case forms.Min, forms.Max:
			if n == 0 || (rule == forms.Min && x.Cmp(acc) < 0) || (rule == forms.Max && x.Cmp(acc) > 0) {
				acc = x
			}
			n++
			continue
		case forms.WeightedAvg:
			wx, ok := figures[s.UnitID][weightCell]
			if !ok {
				continue
			}
			w, _ = w.Mul(wx)
		}
		wx, _ := w.Mul(x)
		acc, _ = acc.Add(wx)
		weights, _ = weights.Add(w)
		n++
	}
	if n == 0 {
		return Value{}, false
	}
	v.OK, v.Sources, v.Value = true, n, acc
	if rule == forms.Average || rule == forms.WeightedAvg {
		if weights.Sign() == 0 {
			return Value{}, false
		}
		v.Value, _ = acc.Quo(weights)
	}
	return v, exact
}

// current feeds the recomputed formulas the re-based figures.
type current map[formula.Cell]Value

func (c current) Value(cell formula.Cell, p formula.Period) (decimal.Decimal, bool) {
	if p != formula.Current {
		return decimal.Zero, false
	}
	v := c[cell]
	return v.Value, v.OK
}

// ratios compiles the formulas of form that are computed again from the
// re-based figures: the additive computed columns become inputs.
func ratios(form *forms.Form) (*formula.Program, error) {
	f := *form
	f.Columns = append([]forms.Column(nil), form.Columns...)
	for i, c := range f.Columns {
		if c.Type != forms.Percent {
			f.Columns[i].Formula = ""
		}
	}
	return f.Compiled()
}

// Statuses are the report statuses whose figures count when re-basing:
// what the receiver took (accepted) or has received (sent).
var Statuses = []string{"accepted", "sent"}

// PeriodFigures reads the stored numbers of form in the reports of the
// units in the period key of regime (statuses: Statuses).
func PeriodFigures(ctx context.Context, q database.Querier, regimeID int64, periodKey, formKey string, units []int64) (Figures, map[int64]int64, error) {
	rows, _ := q.Query(ctx, `
		SELECT x.unit_id, x.id, v.row_key, v.col_code, v.num::text
		FROM reports x JOIN periods p ON p.id = x.period_id
		JOIN report_values v ON v.report_id = x.id AND v.form_key = $3 AND v.num IS NOT NULL
		WHERE p.regime_id = $1 AND p.key = $2 AND x.unit_id = ANY($4) AND x.status = ANY($5)`,
		regimeID, periodKey, formKey, units, Statuses)
	out := Figures{}
	reportOf := map[int64]int64{}
	var unit, report int64
	var cell formula.Cell
	var num string
	_, err := pgx.ForEachRow(rows, []any{&unit, &report, &cell.Row, &cell.Col, &num}, func() error {
		x, err := decimal.ParseCanonical(num)
		if err != nil {
			return err
		}
		if out[unit] == nil {
			out[unit] = map[formula.Cell]decimal.Decimal{}
		}
		out[unit][cell] = x
		reportOf[unit] = report
		return nil
	})
	return out, reportOf, err
}

// SourceIDs lists the units of the mappings' sources, once each, sorted.
func SourceIDs(ms ...Mapping) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, m := range ms {
		for _, s := range m.Sources {
			if !seen[s.UnitID] {
				seen[s.UnitID] = true
				ids = append(ids, s.UnitID)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// CombineCell re-bases one input cell (row, col of form) onto the unit of
// m, by the cell's rule, as Combine does.
func CombineCell(form *forms.Form, row forms.Row, col forms.Column, m Mapping, figures Figures) Value {
	rule, weightCol := CellRule(form, row, col)
	counted := make([]Source, 0, len(m.Sources))
	for _, s := range m.Sources {
		if !s.Missing {
			counted = append(counted, s)
		}
	}
	cell := formula.Cell{Row: row.Key, Col: col.Code}
	return combine(col, rule, cell, formula.Cell{Row: row.Key, Col: weightCol}, counted, figures, m.Incomplete())
}

// CellRule is the rule that combines the cell and, for a weighted
// average, the column of its weights (an average without one).
func CellRule(form *forms.Form, row forms.Row, col forms.Column) (rule, weightCol string) {
	rule = row.RuleFor(col)
	if rule == forms.WeightedAvg {
		if _, ok := form.Column(col.WeightBy); ok && col.WeightBy != col.Code {
			return rule, col.WeightBy
		}
		return forms.Average, ""
	}
	return rule, ""
}
