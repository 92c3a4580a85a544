// Package consolidation (tổng hợp) is the receiver's view of a period: the
// board of every unit that reports to it with the state of its report, the
// forms consolidated live from the reports received, and the drill-down
// from a consolidated cell to each unit's value (SPEC §4).
//
// Consolidation follows the rules of the template (SPEC §3): every input
// cell is combined with its row's rule for that column, else its column's,
// else summed; formula cells (the columns' and rows' formulas and the
// SUM(children) of subtotal rows) are never combined but computed again
// from the consolidated inputs, so that a percentage of totals is the
// percentage of the totals and not the sum of the units' percentages.
package consolidation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/reports"
)

// Formula is the Rule of a cell computed from the consolidated inputs.
const Formula = "formula"

// Statuses of the reports that count in consolidation: accepted always,
// sent (received but not yet accepted) on request.
var (
	acceptedOnly    = []string{string(reports.StatusAccepted)}
	acceptedAndSent = []string{string(reports.StatusAccepted), string(reports.StatusSent)}
)

func statusesFor(includeSent bool) []string {
	if includeSent {
		return acceptedAndSent
	}
	return acceptedOnly
}

// Value is one cell of a consolidated form.
type Value struct {
	Value decimal.Decimal
	OK    bool   // false: blank (no report has a value, rule "none", or a formula over blanks)
	Err   string // why a formula cell cannot be computed, in Vietnamese (e.g. division by zero)
	Rule  string // forms.Sum, forms.Average, forms.WeightedAvg, forms.Min, forms.Max, forms.NoAggregate, or Formula
	// Reports is how many of the included reports have a value in an input
	// cell (for weighted_avg: a value and a weight); 0 for formula and
	// "none" cells.
	Reports int
}

// Result is a form consolidated over the reports of one period received
// by one unit.
type Result struct {
	FormKey   string
	ReportIDs []int64 // the reports included, in id order
	// Cells holds every input and formula cell of the rows with values;
	// text columns are not consolidated and have no entry.
	Cells map[formula.Cell]Value
}

// Rule returns the consolidation rule of an input cell: the row's own
// rule for the column, else the column's, else sum.
func Rule(r forms.Row, c forms.Column) string { return r.RuleFor(c) }

// ruleCodes number the rules that SQL computes.
var ruleCodes = map[string]int32{forms.Sum: 0, forms.Average: 1, forms.Min: 2, forms.Max: 3, forms.WeightedAvg: 4}

// input is an input cell that SQL consolidates.
type input struct {
	cell   formula.Cell
	rule   string // the rule as computed (average for a weighted_avg without a weight column)
	weight string // weight column code for weighted_avg
}

// plan lists the input cells of a form with their rules, in the arrays
// the consolidation query unnests.
type plan struct {
	inputs  []input
	none    []formula.Cell // inputs left blank by the rule "none"
	minMax  int            // bit 0: some cell takes the minimum, bit 1: the maximum
	rows    []string
	cols    []string
	codes   []int32
	weights []string
}

func newPlan(form *forms.Form) plan {
	var p plan
	cols := make(map[string]bool, len(form.Columns))
	for _, c := range form.Columns {
		cols[c.Code] = true
	}
	for _, r := range form.Rows {
		if !r.HasValues() {
			continue
		}
		for _, c := range form.Columns {
			if c.Type == forms.Text || form.IsFormula(r, c) {
				continue
			}
			cell := formula.Cell{Row: r.Key, Col: c.Code}
			rule := Rule(r, c)
			code, known := ruleCodes[rule]
			if !known { // "none", and anything a template should not hold
				p.none = append(p.none, cell)
				continue
			}
			in := input{cell: cell, rule: rule}
			if rule == forms.WeightedAvg {
				if c.WeightBy != "" && c.WeightBy != c.Code && cols[c.WeightBy] {
					in.weight = c.WeightBy
				} else {
					// Without a weight every report weighs the same.
					in.rule, code = forms.Average, ruleCodes[forms.Average]
				}
			}
			switch rule {
			case forms.Min:
				p.minMax |= 1
			case forms.Max:
				p.minMax |= 2
			}
			p.inputs = append(p.inputs, in)
			p.rows = append(p.rows, r.Key)
			p.cols = append(p.cols, c.Code)
			p.codes = append(p.codes, code)
			p.weights = append(p.weights, in.weight)
		}
	}
	return p
}

// consolidateSQL combines every input cell in one query over
// report_values. The cells are first aggregated as plainly as the sum of
// every cell (one pass, in parallel when PostgreSQL likes), and only the
// few hundred groups are then joined with the rules, which come as arrays
// (row, column, rule code, weight column) numbered by their ordinal: each
// result row is the ordinal of its input cell. Joining the rules to the
// raw values instead makes the planner misjudge the join and costs
// several times more. Numbers are added as numeric, exactly, and cross to
// Go as numeric text, exactly; averages are rounded to the column's
// decimals as a formula result is (forms.Column.Computed). The minimum and maximum cost a fifth more than the
// sum, so they are computed only for forms that have such cells.
//
// A weighted average pairs each report's value with the weight column's
// value in the same row of the same report, looked up by primary key for
// the weighted cells only; a report without the value or the weight does
// not count, and weights adding up to 0 leave the cell blank.
const consolidateTemplate = `
WITH r AS (
    SELECT * FROM unnest($3::text[], $4::text[], $5::int[], $6::text[]) WITH ORDINALITY AS r(row_key, col_code, k, weight_col, i)
), cells AS (
    SELECT row_key, col_code, count(num) AS n, sum(num) AS s, {min} AS lo, {max} AS hi
    FROM report_values
    WHERE report_id = ANY($1) AND form_key = $2{only}
    GROUP BY row_key, col_code
), weighted AS (
    SELECT r.i, count(*) AS n, sum(v.num * w.num) AS sw, sum(w.num) AS sumw
    FROM r
    JOIN report_values v ON v.report_id = ANY($1) AND v.form_key = $2 AND v.row_key = r.row_key AND v.col_code = r.col_code
                        AND v.num IS NOT NULL
    JOIN report_values w ON w.report_id = v.report_id AND w.form_key = $2 AND w.row_key = r.row_key AND w.col_code = r.weight_col
                        AND w.num IS NOT NULL
    WHERE r.k = 4
    GROUP BY r.i
)
SELECT r.i, coalesce(w.n, c.n, 0),
       CASE r.k
           WHEN 0 THEN c.s
           WHEN 1 THEN c.s / nullif(c.n, 0)
           WHEN 2 THEN c.lo
           WHEN 3 THEN c.hi
           ELSE w.sw / nullif(w.sumw, 0)
       END::text
FROM r
LEFT JOIN cells c ON c.row_key = r.row_key AND c.col_code = r.col_code AND r.k < 4
LEFT JOIN weighted w ON w.i = r.i`

// consolidateSQL holds the query for each combination of minimum (bit 0)
// and maximum (bit 1) cells, and (bit 2) of a plan of a few cells, which
// reads only those cells through the index on (form, row, column).
var consolidateSQL = func() (out [8]string) {
	for i := range out {
		lo, hi, only := "NULL::numeric", "NULL::numeric", ""
		if i&1 != 0 {
			lo = "min(num)"
		}
		if i&2 != 0 {
			hi = "max(num)"
		}
		if i&4 != 0 {
			only = " AND (row_key, col_code) IN (SELECT row_key, col_code FROM r)"
		}
		out[i] = strings.NewReplacer("{min}", lo, "{max}", hi, "{only}", only).Replace(consolidateTemplate)
	}
	return out
}()

// Compute consolidates form (the form of the period's template with key
// form.Key) over the reports of the period sent to receiverUnitID that
// are accepted, and also those sent but not yet accepted when
// includeSent. Drafts and returned reports never count.
//
// Every input cell is combined by its rule (see Rule) from the aggregates
// that the database maintains per cell (see maintainedSQL), a few
// thousand rows whatever the number of reports; then every formula cell
// is computed from the consolidated inputs. The
// formulas' prev(…) and lastyear(…) read the receiver's consolidation of
// the previous period and of the same period last year, computed the same
// way from the maintained aggregates (see earlier), so that a year to date
// prev(c4) + c3 adds up the consolidated months.
func Compute(ctx context.Context, q database.Querier, form *forms.Form, periodID, receiverUnitID int64, includeSent bool) (*Result, error) {
	if form == nil {
		return nil, errors.New("consolidation: no form")
	}
	prog, err := form.Compiled()
	if err != nil {
		return nil, err
	}
	ids, err := includedReports(ctx, q, periodID, receiverUnitID, includeSent)
	if err != nil {
		return nil, err
	}
	res := &Result{FormKey: form.Key, ReportIDs: ids}
	p := newPlan(form)
	if res.Cells, err = maintained(ctx, q, form, p, periodID, receiverUnitID, includeSent, ids); err != nil {
		return nil, fmt.Errorf("consolidate form %s of period %d: %w", form.Key, periodID, err)
	}
	in := withEarlier{current: consolidated(res.Cells)}
	if prog.ReadsEarlier() {
		if err := earlier(ctx, q, form, prog, p, periodID, receiverUnitID, includeSent, &in); err != nil {
			return nil, fmt.Errorf("consolidate form %s of period %d: earlier periods: %w", form.Key, periodID, err)
		}
	}
	for cell, r := range prog.Results(in) {
		c, ok := form.Column(cell.Col)
		if !ok {
			continue // the hidden cells of the cross-cell checks
		}
		res.Cells[cell] = Value{Value: c.Computed(r.Value), OK: r.OK, Err: r.Err, Rule: Formula}
	}
	return res, nil
}

// Cells consolidates the input cells of form listed over exactly the
// reports ids, each by its rule, as Compute does: the one engine for a
// caller that chooses the reports itself (the dashboards' trends). Formula
// cells and text cells are not consolidated here and have no entry.
func Cells(ctx context.Context, q database.Querier, form *forms.Form, ids []int64, cells []formula.Cell) (map[formula.Cell]Value, error) {
	p := newPlan(form)
	wanted := make(map[formula.Cell]bool, len(cells))
	for _, c := range cells {
		wanted[c] = true
	}
	var only plan
	for k, in := range p.inputs {
		if wanted[in.cell] {
			only.inputs = append(only.inputs, in)
			only.rows, only.cols = append(only.rows, p.rows[k]), append(only.cols, p.cols[k])
			only.codes, only.weights = append(only.codes, p.codes[k]), append(only.weights, p.weights[k])
			switch in.rule {
			case forms.Min:
				only.minMax |= 1
			case forms.Max:
				only.minMax |= 2
			}
		}
	}
	for _, c := range p.none {
		if wanted[c] {
			only.none = append(only.none, c)
		}
	}
	return inputs(ctx, q, form, only, ids, 4)
}

// inputs runs the consolidation query of plan p over the reports ids
// (variant: bit 2 of consolidateSQL, for a plan of a few cells).
func inputs(ctx context.Context, q database.Querier, form *forms.Form, p plan, ids []int64, variant int) (map[formula.Cell]Value, error) {
	cells := make(map[formula.Cell]Value, 2*len(p.inputs)+len(p.none))
	for _, in := range p.inputs {
		cells[in.cell] = Value{Rule: in.rule}
	}
	for _, c := range p.none {
		cells[c] = Value{Rule: forms.NoAggregate}
	}
	if len(ids) == 0 || len(p.inputs) == 0 {
		return cells, nil
	}
	rows, _ := q.Query(ctx, consolidateSQL[p.minMax|variant], ids, form.Key, p.rows, p.cols, p.codes, p.weights)
	defer rows.Close()
	return cells, p.read(rows, form, cells)
}

// read fills cells from rows of (input number, reports counted, value as
// numeric text), the answer of the consolidation's SQL and of the
// maintained aggregates alike. An average keeps its column's places.
func (p *plan) read(rows pgx.Rows, form *forms.Form, cells map[formula.Cell]Value) error {
	var (
		i, n int64
		v    *string
	)
	for rows.Next() {
		if err := rows.Scan(&i, &n, &v); err != nil {
			return err
		}
		cell, val, err := p.value(form, i, n, v)
		if err != nil {
			return err
		}
		cells[cell] = val
	}
	return rows.Err()
}

// value is the cell of input number i (1-based) with n reports counted
// and value v (nil: blank).
func (p *plan) value(form *forms.Form, i, n int64, v *string) (formula.Cell, Value, error) {
	if i < 1 || int(i) > len(p.inputs) {
		return formula.Cell{}, Value{}, fmt.Errorf("consolidation: input %d out of range", i)
	}
	in := p.inputs[i-1]
	val := Value{Rule: in.rule, Reports: int(n)}
	if v != nil {
		x, err := decimal.ParseCanonical(*v)
		if err != nil {
			return in.cell, val, fmt.Errorf("consolidation: cell %s: %w", in.cell, err)
		}
		if in.rule == forms.Average || in.rule == forms.WeightedAvg {
			c, _ := form.Column(in.cell.Col)
			x = c.Computed(x)
		}
		val.Value, val.OK = x, true
	}
	return in.cell, val, nil
}

// consolidated gives the formulas the consolidated inputs; earlier
// periods read blank.
type consolidated map[formula.Cell]Value

func (c consolidated) Value(cell formula.Cell, p formula.Period) (decimal.Decimal, bool) {
	if p != formula.Current {
		return decimal.Zero, false
	}
	v := c[cell]
	return v.Value, v.OK
}

// includedReports lists the ids of the reports that count.
func includedReports(ctx context.Context, q database.Querier, periodID, receiverUnitID int64, includeSent bool) ([]int64, error) {
	rows, _ := q.Query(ctx, `
		SELECT id FROM reports
		WHERE period_id = $1 AND receiver_unit_id = $2 AND status = ANY($3)
		ORDER BY id`, periodID, receiverUnitID, statusesFor(includeSent))
	ids := []int64{}
	var id int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
