package consolidation

import (
	"context"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/reports"
)

// Prefill fills the receiving unit's own report of the period (own) with
// the consolidated input cells of every form, over the reports it
// received (accepted, and sent when includeSent), to send it up the next
// level. Cells with nothing consolidated keep what the unit typed, and
// the narrative is kept. It is an ordinary save by account by: the same
// checks, formulas and conflict detection.
func Prefill(ctx context.Context, q database.Querier, store *reports.Store, own *reports.Report, periodID int64, includeSent bool, by int64) error {
	if !own.Editable() {
		return apperr.New(apperr.Conflict, "Báo cáo của đơn vị đã trình hoặc đã gửi nên không điền lại được.")
	}
	tpl, _, err := store.Template(ctx, own.TemplateVersionID)
	if err != nil {
		return err
	}
	content, err := store.Content(ctx, own)
	if err != nil {
		return err
	}
	d := reports.Draft{Values: map[string]string{}, Numbers: map[string]decimal.Decimal{}, Sections: content.Sections, Revision: own.Revision,
		Source: reports.SourcePrefill}
	for key, val := range content.Values {
		if !content.Computed[key] {
			d.Values[key] = val
		}
	}
	for i := range tpl.Forms {
		f := &tpl.Forms[i]
		res, err := Compute(ctx, q, f, periodID, own.UnitID, includeSent)
		if err != nil {
			return err
		}
		for _, row := range f.Rows {
			for _, col := range f.Columns {
				if !row.HasValues() || f.IsFormula(row, col) {
					continue
				}
				if val := res.Cells[formula.Cell{Row: row.Key, Col: col.Code}]; val.OK {
					d.Numbers[forms.CellKey(f.Key, row.Key, col.Code)] = val.Value // exactly, however many digits
				}
			}
		}
	}
	_, _, err = store.Save(ctx, own, d, by)
	return err
}
