package consolidation

import (
	"context"
	"fmt"
	"strings"

	"baocao/internal/database"
	"baocao/internal/forms"
	"baocao/internal/formula"
)

// maintainedSQL combines the input cells of a form from consolidation_cells,
// the aggregates that the database keeps per receiver × period × set of
// reports × cell in the same transaction as every accept, return and
// sending (migrations/00060_consolidation_cells.sql): a range read of the
// primary key, one row per cell and set. The rules come as arrays as in
// consolidateSQL and each result row is the ordinal of its input cell.
// Sums and averages are numeric, exactly as the query over the reports'
// values computes them: an average is the sum over the count, a weighted
// average the sum of value × weight over the sum of the weights.
var maintainedSQL = maintainedOver("period_id = $1", "")

// maintainedOver is the query of maintainedSQL for the periods where
// says ($1); lead, when the query spans several periods, leads each row
// with its period ("period_id, ").
func maintainedOver(where, lead string) string {
	return `
WITH r AS (
    SELECT * FROM unnest($5::text[], $6::text[], $7::int[]) WITH ORDINALITY AS r(row_key, col_code, k, i)
), c AS (
    SELECT ` + lead + `row_key, col_code, sum(n) AS n, sum(s) AS s, min(lo) AS lo, max(hi) AS hi,
           sum(wn) AS wn, sum(sw) AS sw, sum(sumw) AS sumw
    FROM consolidation_cells
    WHERE ` + where + ` AND receiver_unit_id = $2 AND included = ANY($3) AND form_key = $4
    GROUP BY ` + lead + `row_key, col_code
)
SELECT ` + strings.ReplaceAll(lead, "period_id", "c.period_id") + `r.i, CASE WHEN r.k = 4 THEN coalesce(c.wn, 0) ELSE coalesce(c.n, 0) END,
       CASE r.k
           WHEN 0 THEN c.s
           WHEN 1 THEN c.s / nullif(c.n, 0)
           WHEN 2 THEN c.lo
           WHEN 3 THEN c.hi
           ELSE CASE WHEN c.wn > 0 THEN c.sw / nullif(c.sumw, 0) END
       END::text
FROM r
JOIN c ON c.row_key = r.row_key AND c.col_code = r.col_code`
}

// storedWeightsSQL reads the weight columns of a form as the period's
// template stores them, which the maintained pairs follow.
const storedWeightsSQL = `
SELECT c->>'code', coalesce(c->>'weight_by', '')
FROM periods p
JOIN template_versions t ON t.id = p.template_version_id
CROSS JOIN LATERAL jsonb_array_elements(t.content->'forms') f
CROSS JOIN LATERAL jsonb_array_elements(f->'columns') c
WHERE p.id = $1 AND f->>'key' = $2`

// maintained reads the input cells of plan p from the maintained
// aggregates over the reports ids that count (none: nothing to read).
// The value × weight pairs are kept for the weight columns of the
// period's template; a weighted cell of a form weighted otherwise (a
// caller's own form) is consolidated from the reports' values instead.
func maintained(ctx context.Context, q database.Querier, form *forms.Form, p plan, periodID, receiverUnitID int64, includeSent bool, ids []int64) (map[formula.Cell]Value, error) {
	reports := len(ids)
	cells := make(map[formula.Cell]Value, 2*len(p.inputs)+len(p.none))
	for _, in := range p.inputs {
		cells[in.cell] = Value{Rule: in.rule}
	}
	for _, c := range p.none {
		cells[c] = Value{Rule: forms.NoAggregate}
	}
	if reports == 0 || len(p.inputs) == 0 {
		return cells, nil
	}
	rows, _ := q.Query(ctx, maintainedSQL, periodID, receiverUnitID, statusesFor(includeSent), form.Key, p.rows, p.cols, p.codes)
	defer rows.Close()
	if err := p.read(rows, form, cells); err != nil {
		return nil, err
	}
	rows.Close()
	var (
		other  plan
		stored map[string]string
	)
	for k, in := range p.inputs {
		if in.rule != forms.WeightedAvg {
			continue
		}
		if stored == nil {
			var err error
			if stored, err = storedWeights(ctx, q, periodID, form.Key); err != nil {
				return nil, err
			}
		}
		if stored[in.cell.Col] == in.weight {
			continue
		}
		other.inputs = append(other.inputs, in)
		other.rows, other.cols = append(other.rows, p.rows[k]), append(other.cols, p.cols[k])
		other.codes, other.weights = append(other.codes, p.codes[k]), append(other.weights, p.weights[k])
	}
	if len(other.inputs) == 0 {
		return cells, nil
	}
	recomputed, err := inputs(ctx, q, form, other, ids, 4)
	if err != nil {
		return nil, err
	}
	for c, v := range recomputed {
		cells[c] = v
	}
	return cells, nil
}

// storedWeights maps each column of the period's stored form to its
// weight column ("" for none).
func storedWeights(ctx context.Context, q database.Querier, periodID int64, formKey string) (map[string]string, error) {
	rows, _ := q.Query(ctx, storedWeightsSQL, periodID, formKey)
	defer rows.Close()
	out := map[string]string{}
	var col, weight string
	for rows.Next() {
		if err := rows.Scan(&col, &weight); err != nil {
			return nil, err
		}
		if weight == col {
			weight = ""
		}
		out[col] = weight
	}
	return out, rows.Err()
}

// Mismatch is a maintained aggregate that differs from a full
// recomputation: Want is what the reports' figures give, Got what the
// table holds ("-" for no row), both as (n, sum, min×holders,
// max×holders, pairs, Σvalue×weight, Σweight).
type Mismatch struct {
	PeriodID, ReceiverUnitID int64
	Included                 string // "accepted" or "sent"
	FormKey, RowKey, ColCode string
	Want, Got                string
}

func (m Mismatch) String() string {
	return fmt.Sprintf("period %d receiver %d %s %s.%s.c%s: want %s, got %s",
		m.PeriodID, m.ReceiverUnitID, m.Included, m.FormKey, m.RowKey, m.ColCode, m.Want, m.Got)
}

// checkSQL recomputes every aggregate from the figures of the reports that
// count and lists where consolidation_cells differs (numbers compared as
// numbers: 1.50 is 1.5).
const checkSQL = `
WITH rp AS (
    SELECT array_agg(id) AS ids, array_agg(period_id) AS periods, array_agg(receiver_unit_id) AS receivers, array_agg(status) AS included
    FROM reports WHERE status IN ('accepted', 'sent')
), want AS (
    SELECT w.* FROM rp CROSS JOIN LATERAL consolidation_contributions(rp.ids, rp.periods, rp.receivers, rp.included, NULL, NULL, NULL, NULL) w
    WHERE rp.ids IS NOT NULL
)
SELECT period_id, receiver_unit_id, included, form_key, row_key, col_code,
       coalesce(format('(%s, %s, %s×%s, %s×%s, %s, %s, %s)', w.n, w.s, w.lo, w.nlo, w.hi, w.nhi, w.wn, w.sw, w.sumw), '-'),
       coalesce(format('(%s, %s, %s×%s, %s×%s, %s, %s, %s)', c.n, c.s, c.lo, c.nlo, c.hi, c.nhi, c.wn, c.sw, c.sumw), '-')
FROM want w FULL JOIN consolidation_cells c USING (period_id, receiver_unit_id, included, form_key, row_key, col_code)
WHERE w.n IS NULL OR c.n IS NULL
   OR (w.n, w.s, w.lo, w.nlo, w.hi, w.nhi, w.wn, w.sw, w.sumw) IS DISTINCT FROM (c.n, c.s, c.lo, c.nlo, c.hi, c.nhi, c.wn, c.sw, c.sumw)
ORDER BY 1, 2, 3, 4, 5, 6`

// Check compares the maintained aggregates with a full recomputation from
// the figures of every report that counts and returns the differences
// (none when the maintenance is right).
func Check(ctx context.Context, q database.Querier) ([]Mismatch, error) {
	rows, _ := q.Query(ctx, checkSQL)
	defer rows.Close()
	var out []Mismatch
	for rows.Next() {
		var m Mismatch
		if err := rows.Scan(&m.PeriodID, &m.ReceiverUnitID, &m.Included, &m.FormKey, &m.RowKey, &m.ColCode, &m.Want, &m.Got); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
