package dashboard

import (
	"context"
	"time"

	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/vn"
)

// Indicator is an input cell of a regime's form followed over time: a
// row (the indicator) and a number column, consolidated by the cell's
// rule exactly as the receiver's consolidation does.
type Indicator struct {
	Form            *forms.Form
	RowKey, ColCode string
}

// Point is the indicator's figure for one period, and for the same
// period a year before (the period of the regime starting a year
// earlier).
type Point struct {
	Period     Period
	Value      decimal.Decimal
	OK         bool // some report has a value
	Reports    int  // how many reports have a value
	LastYear   decimal.Decimal
	LastYearOK bool
}

// Trend follows the indicator over f.RegimeID's periods ending in
// [f.From, f.To], over the sent and accepted reports the scope and filter
// allow, each period consolidated by consolidation.Cells.
func Trend(ctx context.Context, q database.Querier, sc Scope, f Filter, ind Indicator) ([]Point, error) {
	from := f.From
	if !from.IsZero() {
		from = from.AddDate(-1, 0, 0) // for the year-on-year comparison
	}
	rows, _ := q.Query(ctx, trendSQL, sc.Receiver, sc.Root, f.Root, f.RegimeID, date(from), date(f.To), counted)
	type period struct {
		point Point
		ids   []int64
	}
	var all []period
	for rows.Next() {
		var p period
		pt := &p.point
		if err := rows.Scan(&pt.Period.ID, &pt.Period.Key, &pt.Period.Label, &pt.Period.Start, &pt.Period.End, &p.ids); err != nil {
			rows.Close()
			return nil, err
		}
		pt.Period.Start, pt.Period.End = vn.Day(pt.Period.Start), vn.Day(pt.Period.End)
		all = append(all, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cell := formula.Cell{Row: ind.RowKey, Col: ind.ColCode}
	byStart := make(map[time.Time]Point, len(all))
	for i := range all {
		pt := &all[i].point
		values, err := consolidation.Cells(ctx, q, ind.Form, all[i].ids, []formula.Cell{cell})
		if err != nil {
			return nil, err
		}
		v := values[cell]
		pt.Value, pt.OK, pt.Reports = v.Value, v.OK, v.Reports
		byStart[pt.Period.Start] = *pt
	}
	var out []Point
	for _, p := range all {
		pt := p.point
		if !f.From.IsZero() && pt.Period.End.Before(vn.Day(f.From)) {
			continue
		}
		if last, ok := byStart[pt.Period.Start.AddDate(-1, 0, 0)]; ok {
			pt.LastYear, pt.LastYearOK = last.Value, last.OK
		}
		out = append(out, pt)
	}
	return out, nil
}

// trendSQL lists the periods of regime $4 ending in [$5, $6] with the
// reports in them that count ($7: the statuses) in the scope.
const trendSQL = `
		SELECT p.id, p.key, p.label, p.start_date, p.end_date, coalesce(array_agg(r.id ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}')
		FROM periods p
		LEFT JOIN reports r ON r.period_id = p.id AND r.status = ANY($7) AND ` + scopeSQL + `
		WHERE p.regime_id = $4 AND ($5::date IS NULL OR p.end_date >= $5) AND ($6::date IS NULL OR p.end_date <= $6)
		GROUP BY p.id
		ORDER BY p.start_date, p.id`

// UnitValue is one unit's value of the indicator in a period, and its
// value in the same period a year before.
type UnitValue struct {
	UnitID     int64
	Unit       string
	Value      decimal.Decimal
	LastYear   decimal.Decimal
	LastYearOK bool
}

// Across compares the units on the indicator in one period of the
// regime, largest first, over the sent and accepted reports the scope and
// filter allow; units without a value are left out.
func Across(ctx context.Context, q database.Querier, sc Scope, f Filter, periodID int64, ind Indicator) ([]UnitValue, error) {
	rows, _ := q.Query(ctx, acrossSQL,
		sc.Receiver, sc.Root, f.Root, periodID, f.RegimeID, counted, ind.Form.Key, ind.RowKey, ind.ColCode)
	var list []UnitValue
	for rows.Next() {
		var u UnitValue
		var value string
		var last *string
		if err := rows.Scan(&u.UnitID, &u.Unit, &value, &last); err != nil {
			rows.Close()
			return nil, err
		}
		var err error
		if u.Value, err = decimal.ParseCanonical(value); err != nil {
			rows.Close()
			return nil, err
		}
		if last != nil {
			if u.LastYear, err = decimal.ParseCanonical(*last); err != nil {
				rows.Close()
				return nil, err
			}
			u.LastYearOK = true
		}
		list = append(list, u)
	}
	return list, rows.Err()
}

// acrossSQL lists the units' values of the indicator in period $4 of
// regime $5 ($6: the statuses counted, $7–$9: the cell), with the same
// unit's value in the period starting a year earlier.
const acrossSQL = `
		WITH p AS (SELECT id, regime_id, start_date FROM periods WHERE id = $4 AND regime_id = $5),
		ly AS (SELECT x.id FROM periods x JOIN p ON x.regime_id = p.regime_id AND x.start_date = p.start_date - interval '1 year')
		SELECT u.id, u.name, v.num::text, lv.num::text
		FROM reports r
		JOIN p ON p.id = r.period_id
		JOIN units u ON u.id = r.unit_id
		JOIN report_values v ON v.report_id = r.id AND v.form_key = $7 AND v.row_key = $8 AND v.col_code = $9 AND v.num IS NOT NULL
		LEFT JOIN reports lr ON lr.period_id = (SELECT id FROM ly) AND lr.unit_id = r.unit_id AND lr.status = ANY($6)
		                    AND ($1::bigint = 0 OR lr.receiver_unit_id = $1)
		LEFT JOIN report_values lv ON lv.report_id = lr.id AND lv.form_key = $7 AND lv.row_key = $8 AND lv.col_code = $9
		WHERE r.status = ANY($6) AND ` + scopeSQL + `
		ORDER BY v.num DESC, u.name COLLATE "vi-VN-x-icu", u.id`
