package reports

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/outliers"
	"baocao/internal/periods"
)

// OutlierKind is how a column's figures are checked: the designer's
// choice, else by the column's type (whole numbers count, decimals are
// amounts, percentages are rates, text is never checked).
func OutlierKind(c forms.Column) outliers.Kind {
	if c.Outlier != "" {
		return outliers.Kind(c.Outlier)
	}
	switch c.Type {
	case forms.Integer:
		return outliers.Count
	case forms.Number:
		return outliers.Money
	case forms.Percent:
		return outliers.Percent
	}
	return outliers.Off
}

// periodsPerYear is how many periods of a frequency make a year, 0 when
// the periods do not repeat yearly.
func periodsPerYear(f periods.Frequency) int {
	switch f {
	case periods.Monthly:
		return 12
	case periods.Quarterly:
		return 4
	case periods.HalfYear:
		return 2
	case periods.Annual, periods.NineMonths:
		return 1
	}
	return 0
}

// cellSeries are the unit's accepted figures of each input cell over
// the periods before the report's, oldest first.
type cellSeries struct {
	values   map[string][]decimal.Decimal
	lastYear map[string]decimal.Decimal
	yearly   int
}

// pastFigures reads the unit's accepted reports of the same regime for
// the two years before the report's period: of the cells given, or of
// every cell when cells is nil. A commune's two years of the 1.228-cell
// form are 29.000 figures, read on every report page: their rows are read
// as bytes, and only a figure and a cell's first figure allocate.
func (s *Store) pastFigures(ctx context.Context, r *Report, cells []string) (cellSeries, error) {
	out := cellSeries{values: map[string][]decimal.Decimal{}, lastYear: map[string]decimal.Decimal{}}
	p, err := periods.ParseKey(r.PeriodKey)
	if err != nil || p.Frequency == periods.AdHocFreq || (cells != nil && len(cells) == 0) {
		return out, nil
	}
	out.yearly = periodsPerYear(p.Frequency)
	var only [3][]string
	for _, key := range cells {
		f, rw, c := splitKey(key)
		only[0], only[1], only[2] = append(only[0], f), append(only[1], rw), append(only[2], c)
	}
	// The reports in order, each one's figures after it: PostgreSQL does
	// not sort the figures themselves.
	rows, err := s.db.Query(ctx, `
		SELECT x.key, v.cell, v.num::text
		FROM (SELECT x.id, q.key, q.end_date FROM reports x JOIN periods q ON q.id = x.period_id
		      WHERE q.regime_id = $1 AND x.unit_id = $2 AND q.end_date < $3 AND q.end_date >= $3::date - interval '25 months'
		        AND x.status = 'accepted'
		      ORDER BY q.end_date) x
		CROSS JOIN LATERAL (
			SELECT `+cellKeySQL+` AS cell, num FROM report_values v
			WHERE v.report_id = x.id AND NOT v.computed AND v.num IS NOT NULL
			  AND ($4::text[] IS NULL OR (v.form_key, v.row_key, v.col_code) IN (SELECT * FROM unnest($4::text[], $5::text[], $6::text[])))
		) v
		ORDER BY x.end_date`, r.RegimeID, r.UnitID, r.Start, only[0], only[1], only[2])
	if err != nil {
		return out, err
	}
	defer rows.Close()
	lastYear := []byte(p.SamePeriodLastYear().Key())
	index := map[string]int{} // cell → its place in names and series
	var names []string
	var series [][]decimal.Decimal
	for rows.Next() {
		raw := rows.RawValues() // text columns: their bytes, in either format
		if len(raw) != 3 || raw[2] == nil {
			return out, fmt.Errorf("past figures: unexpected row")
		}
		x, err := decimal.ParseCanonical(string(raw[2]))
		if err != nil {
			return out, err
		}
		i, ok := index[string(raw[1])] // a lookup by bytes does not copy them
		if !ok {
			i = len(names)
			names = append(names, string(raw[1]))
			index[names[i]] = i
			series = append(series, make([]decimal.Decimal, 0, 25))
		}
		series[i] = append(series[i], x)
		if bytes.Equal(raw[0], lastYear) {
			out.lastYear[names[i]] = x
		}
	}
	for i, name := range names {
		out.values[name] = series[i]
	}
	return out, rows.Err()
}

// Flags judges the report's typed numbers against the unit's own
// history: the cells that look wrong, with the reason in words. It never
// keeps a report from being saved or submitted; the unit is asked to
// explain each flagged cell.
func (s *Store) Flags(ctx context.Context, r *Report, numbers map[string]decimal.Decimal) (map[string]outliers.Flag, error) {
	return s.flags(ctx, r, numbers, nil)
}

// flags judges numbers, reading the past of the cells given only (nil:
// of every cell).
func (s *Store) flags(ctx context.Context, r *Report, numbers map[string]decimal.Decimal, cells []string) (map[string]outliers.Flag, error) {
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	out := map[string]outliers.Flag{}
	inputs := inputCells(tpl)
	past, err := s.pastFigures(ctx, r, cells)
	if err != nil || len(past.values) == 0 {
		return out, err
	}
	for key, x := range numbers {
		col, ok := inputs[key]
		if !ok {
			continue
		}
		h := outliers.History{Previous: past.values[key], Yearly: past.yearly}
		if ly, ok := past.lastYear[key]; ok {
			h.LastYear = &ly
		}
		if f, ok := outliers.Check(OutlierKind(col), x, h); ok {
			out[key] = f
		}
	}
	return out, nil
}

// FlaggedFirst orders flagged cells by how far off they are, the worst first.
func FlaggedFirst(flags map[string]outliers.Flag) []string {
	keys := make([]string, 0, len(flags))
	for k := range flags {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if flags[keys[i]].Score != flags[keys[j]].Score {
			return flags[keys[i]].Score > flags[keys[j]].Score
		}
		return keys[i] < keys[j]
	})
	return keys
}

// PastSeries gives, for measuring the outlier rules, every input cell's
// accepted figures of every unit of a regime over its periods, oldest
// first, with the figures of the row above in the same form and periods;
// a series has a figure in every period it covers.
func (s *Store) PastSeries(ctx context.Context, regimeID int64) ([]outliers.Series, error) {
	var version int64
	var freq string
	if err := s.db.QueryRow(ctx, `SELECT published_template(id), frequency FROM regimes WHERE id = $1`, regimeID).Scan(&version, &freq); err != nil {
		return nil, err
	}
	tpl, _, err := s.Template(ctx, version)
	if err != nil {
		return nil, err
	}
	rows, _ := s.db.Query(ctx, `
		SELECT x.unit_id, q.key, v.form_key, v.row_key, v.col_code, v.num::text
		FROM report_values v JOIN reports x ON x.id = v.report_id JOIN periods q ON q.id = x.period_id
		WHERE q.regime_id = $1 AND x.status = 'accepted' AND NOT v.computed AND v.num IS NOT NULL
		ORDER BY x.unit_id, q.end_date`, regimeID)
	type unitCell struct {
		unit int64
		cell string
	}
	values := map[unitCell]map[string]decimal.Decimal{} // → period key → figure
	unitPeriods := map[int64][]string{}
	var unit int64
	var key, form, row, col, num string
	_, err = pgx.ForEachRow(rows, []any{&unit, &key, &form, &row, &col, &num}, func() error {
		x, err := decimal.ParseCanonical(num)
		if err != nil {
			return err
		}
		uc := unitCell{unit, forms.CellKey(form, row, col)}
		if values[uc] == nil {
			values[uc] = map[string]decimal.Decimal{}
		}
		values[uc][key] = x
		if list := unitPeriods[unit]; len(list) == 0 || list[len(list)-1] != key {
			unitPeriods[unit] = append(list, key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	inputs := inputCells(tpl)
	var out []outliers.Series
	units := make([]int64, 0, len(unitPeriods))
	for u := range unitPeriods {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i] < units[j] })
	for _, u := range units {
		keys := unitPeriods[u]
		for _, f := range tpl.Forms {
			var above string
			for _, rw := range f.Rows {
				if !rw.HasValues() {
					continue
				}
				for _, c := range f.Columns {
					cell := forms.CellKey(f.Key, rw.Key, c.Code)
					if _, ok := inputs[cell]; !ok {
						continue
					}
					own := values[unitCell{u, cell}]
					if len(own) != len(keys) {
						continue // not every period: not a series to measure
					}
					series := outliers.Series{Group: string(OutlierKind(c)) + " · " + rw.STT + " " + rw.Label, Kind: OutlierKind(c), Yearly: periodsPerYear(periods.Frequency(freq))}
					other := values[unitCell{u, forms.CellKey(f.Key, above, c.Code)}]
					if len(other) == len(keys) {
						series.Above = make([]decimal.Decimal, len(keys))
					}
					for i, k := range keys {
						series.Values = append(series.Values, own[k])
						if series.Above != nil {
							series.Above[i] = other[k]
						}
					}
					out = append(out, series)
				}
				above = rw.Key
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out, nil
}

// CellFlags judges one input cell of several units' reports of a period
// against each unit's own history, as Flags does for one report: the
// flags of a consolidation's drill-down, by unit id. figures are the
// units' typed figures of the cell; a computed cell is never judged.
func (s *Store) CellFlags(ctx context.Context, periodID int64, tpl *forms.Template, key string, figures map[int64]decimal.Decimal) (map[int64]outliers.Flag, error) {
	out := map[int64]outliers.Flag{}
	col, ok := inputCells(tpl)[key]
	if !ok || len(figures) == 0 {
		return out, nil
	}
	var regimeID int64
	var periodKey string
	var start time.Time
	if err := s.db.QueryRow(ctx, `SELECT regime_id, key, start_date FROM periods WHERE id = $1`, periodID).Scan(&regimeID, &periodKey, &start); err != nil {
		return nil, err
	}
	p, err := periods.ParseKey(periodKey)
	if err != nil || p.Frequency == periods.AdHocFreq {
		return out, nil
	}
	units := make([]int64, 0, len(figures))
	for u := range figures {
		units = append(units, u)
	}
	lastYear := p.SamePeriodLastYear().Key()
	form, row, code := splitKey(key)
	rows, _ := s.db.Query(ctx, `
		SELECT x.unit_id, q.key, v.num::text
		FROM report_values v JOIN reports x ON x.id = v.report_id JOIN periods q ON q.id = x.period_id
		WHERE q.regime_id = $1 AND x.unit_id = ANY($2) AND q.end_date < $3 AND q.end_date >= $3::date - interval '25 months'
		  AND x.status = 'accepted' AND NOT v.computed AND v.num IS NOT NULL AND v.form_key = $4 AND v.row_key = $5 AND v.col_code = $6
		ORDER BY x.unit_id, q.end_date`, regimeID, units, start, form, row, code)
	history := map[int64]*outliers.History{}
	var unit int64
	var pkey, num string
	_, err = pgx.ForEachRow(rows, []any{&unit, &pkey, &num}, func() error {
		x, err := decimal.ParseCanonical(num)
		if err != nil {
			return err
		}
		h := history[unit]
		if h == nil {
			h = &outliers.History{Yearly: periodsPerYear(p.Frequency)}
			history[unit] = h
		}
		h.Previous = append(h.Previous, x)
		if pkey == lastYear {
			h.LastYear = &x
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for u, x := range figures {
		if h := history[u]; h != nil {
			if f, ok := outliers.Check(OutlierKind(col), x, *h); ok {
				out[u] = f
			}
		}
	}
	return out, nil
}
