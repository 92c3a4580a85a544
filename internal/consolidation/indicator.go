package consolidation

import (
	"context"
	"slices"

	"baocao/internal/database"
	"baocao/internal/forms"
	"baocao/internal/formula"
)

// IndicatorRow is a row of a form that reports a catalogue indicator,
// with its consolidated value in each numeric column.
type IndicatorRow struct {
	FormKey, RowKey string
	STT, Label      string
	Columns         []IndicatorColumn
}

// IndicatorColumn is one column's consolidated value of an indicator row.
type IndicatorColumn struct {
	Code, Label string
	Value       Value
}

// ByIndicator consolidates, over the reports of periodID received by
// receiverUnitID, the rows of tpl that report any of indicatorIDs.
func ByIndicator(ctx context.Context, q database.Querier, tpl *forms.Template, indicatorIDs []int64, periodID, receiverUnitID int64, includeSent bool) ([]IndicatorRow, error) {
	var out []IndicatorRow
	for i := range tpl.Forms {
		f := &tpl.Forms[i]
		var rows []forms.Row
		for _, r := range f.Rows {
			if r.IndicatorID != 0 && slices.Contains(indicatorIDs, r.IndicatorID) {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		res, err := Compute(ctx, q, f, periodID, receiverUnitID, includeSent)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			row := IndicatorRow{FormKey: f.Key, RowKey: r.Key, STT: r.STT, Label: r.Label}
			for _, c := range f.Columns {
				if v, ok := res.Cells[formula.Cell{Row: r.Key, Col: c.Code}]; ok {
					row.Columns = append(row.Columns, IndicatorColumn{Code: c.Code, Label: c.Label, Value: v})
				}
			}
			out = append(out, row)
		}
	}
	return out, nil
}
