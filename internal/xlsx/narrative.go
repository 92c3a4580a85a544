package xlsx

import (
	"github.com/xuri/excelize/v2"
)

// NarrativeSheet lists the live figures the report's narrative takes from
// the form: each with the text the narrative shows and a formula pointing
// at its cell, so the reference travels with the workbook. Uploads skip it.
const NarrativeSheet = "Thuyết minh"

// NarrativeFigure is a live figure of the narrative taken from this form.
type NarrativeFigure struct {
	Section string // "I Kết quả thực hiện"
	RowKey  string
	ColCode string
	Text    string // what the narrative shows ("" when the cell is empty)
}

// narrative writes NarrativeSheet when the options carry figures.
func (e *exporter) narrative() error {
	if len(e.opts.Figures) == 0 || e.dataFirst == 0 {
		return nil
	}
	x := e.x
	if _, err := x.NewSheet(NarrativeSheet); err != nil {
		return err
	}
	rowAt := map[string]int{}
	for i, r := range e.f.Rows {
		rowAt[r.Key] = e.dataFirst + i
	}
	colAt := map[string]int{}
	for i, c := range e.f.Columns {
		colAt[c.Code] = firstValCol + i
	}
	head := e.style(styleSpec{Bold: true, HAlign: "center", Wrap: true, Border: true, Fill: greyFill})
	body := e.style(styleSpec{HAlign: "left", Wrap: true, Border: true})
	titles := []string{"Mục của đề cương", "Số liệu trong thuyết minh", "Ô của biểu", "Giá trị của ô"}
	for i, t := range titles {
		if err := x.SetCellStr(NarrativeSheet, cellName(i+1, 1), t); err != nil {
			return err
		}
	}
	if err := x.SetCellStyle(NarrativeSheet, "A1", "D1", head); err != nil {
		return err
	}
	row := 2
	for _, fig := range e.opts.Figures {
		r, okRow := rowAt[fig.RowKey]
		c, okCol := colAt[fig.ColCode]
		if !okRow || !okCol {
			continue
		}
		text := fig.Text
		if text == "" {
			text = "(ô trống)"
		}
		ref := cellName(c, r)
		for i, v := range []string{fig.Section, text, ref} {
			if err := x.SetCellStr(NarrativeSheet, cellName(i+1, row), v); err != nil {
				return err
			}
		}
		if err := x.SetCellFormula(NarrativeSheet, cellName(4, row), quoteSheet(e.sheet)+"!"+ref); err != nil {
			return err
		}
		if err := x.SetCellHyperLink(NarrativeSheet, cellName(3, row), quoteSheet(e.sheet)+"!"+ref, "Location"); err != nil {
			return err
		}
		row++
	}
	if err := x.SetCellStyle(NarrativeSheet, "A2", cellName(4, max(row-1, 2)), body); err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 30, "B": 26, "C": 12, "D": 16} {
		if err := x.SetColWidth(NarrativeSheet, col, col, w); err != nil {
			return err
		}
	}
	return x.ProtectSheet(NarrativeSheet, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true})
}
