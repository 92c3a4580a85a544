package rebase

// Re-basing a receiver's whole view (issue 17): the units of today that
// report to it, the reports of a period of the units they stand for, and
// a cell combined over all of them.

import (
	"context"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
)

// Reporters lists the units that report regimeID now: those with an open,
// confirmed assignment to receiver (0: at the first level), open
// themselves, within today's subtree of root and of within (0: anywhere).
func Reporters(ctx context.Context, q database.Querier, regimeID, receiver, root, within int64) ([]int64, error) {
	rows, _ := q.Query(ctx, `
		SELECT DISTINCT a.unit_id FROM assignments a JOIN units u ON u.id = a.unit_id
		WHERE a.regime_id = $4 AND a.valid_to IS NULL AND a.confirmed_at IS NOT NULL AND u.valid_to IS NULL
		  AND (($1::bigint = 0 AND a.level = 1) OR a.receiver_unit_id = $1)
		  AND ($2::bigint = 0 OR a.unit_id IN (SELECT unit_id FROM subtree($2)))
		  AND ($3::bigint = 0 OR a.unit_id IN (SELECT unit_id FROM subtree($3)))
		ORDER BY a.unit_id`, receiver, root, within, regimeID)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// ReportFigures reads the stored numbers of form in the reports of the
// period periodID by units whose status is one of statuses, and which
// report holds each unit's.
func ReportFigures(ctx context.Context, q database.Querier, periodID int64, formKey string, units []int64, statuses []string) (Figures, map[int64]int64, error) {
	out := Figures{}
	reportOf := map[int64]int64{}
	rows, _ := q.Query(ctx, `SELECT unit_id, id FROM reports WHERE period_id = $1 AND unit_id = ANY($2) AND status = ANY($3)`,
		periodID, units, statuses)
	var unit, report int64
	if _, err := pgx.ForEachRow(rows, []any{&unit, &report}, func() error { reportOf[unit] = report; return nil }); err != nil {
		return nil, nil, err
	}
	rows, _ = q.Query(ctx, `
		SELECT x.unit_id, v.row_key, v.col_code, v.num::text
		FROM reports x JOIN report_values v ON v.report_id = x.id AND v.form_key = $2 AND v.num IS NOT NULL
		WHERE x.period_id = $1 AND x.unit_id = ANY($3) AND x.status = ANY($4)`, periodID, formKey, units, statuses)
	var cell formula.Cell
	var num string
	_, err := pgx.ForEachRow(rows, []any{&unit, &cell.Row, &cell.Col, &num}, func() error {
		x, err := decimal.ParseCanonical(num)
		if err != nil {
			return err
		}
		if out[unit] == nil {
			out[unit] = map[formula.Cell]decimal.Decimal{}
		}
		out[unit][cell] = x
		return nil
	})
	return out, reportOf, err
}

// Total combines an input cell (row, col of form) over several units of
// today, each standing for its mapping, as consolidation combines it over
// the reports of units: a sum adds every old unit's figure times the
// share of it that went into the units (a split old unit whose heirs are
// all counted counts whole, exactly); a weighted average weighs every old
// unit by that share times its weight; the minimum and maximum take the
// old units that count; an average is the mean of the units' re-based
// averages, each unit of today counting once. Rounding to the column's
// places happens once, at the end. Value.Sources is how many units of
// today have a value.
func Total(form *forms.Form, row forms.Row, col forms.Column, ms []Mapping, figures Figures) Value {
	rule, weightCol := CellRule(form, row, col)
	cell := formula.Cell{Row: row.Key, Col: col.Code}
	weightCell := formula.Cell{Row: row.Key, Col: weightCol}
	units := 0
	var acc decimal.Decimal
	merged := map[int64]Source{}
	var order []int64
	for _, m := range ms {
		counted := make([]Source, 0, len(m.Sources))
		for _, s := range m.Sources {
			if !s.Missing {
				counted = append(counted, s)
			}
		}
		v, _ := combineExact(rule, cell, weightCell, counted, figures, m.Incomplete())
		if !v.OK {
			continue
		}
		units++
		if rule == forms.Average {
			acc, _ = acc.Add(v.Value)
			continue
		}
		for _, s := range counted {
			if x, ok := merged[s.UnitID]; ok {
				x.Weight, _ = x.Weight.Add(s.Weight)
				merged[s.UnitID] = x
				continue
			}
			merged[s.UnitID] = s
			order = append(order, s.UnitID)
		}
	}
	if units == 0 {
		return Value{}
	}
	if rule == forms.Average {
		q, _ := acc.Quo(decimal.FromInt(int64(units)))
		return Value{Value: col.Computed(q), OK: true, Sources: units}
	}
	all := make([]Source, 0, len(order))
	for _, id := range order {
		all = append(all, merged[id])
	}
	v := combine(col, rule, cell, weightCell, all, figures, false)
	v.Sources = units
	return v
}
