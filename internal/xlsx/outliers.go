package xlsx

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/internal/forms"
	"baocao/internal/outliers"
	"baocao/internal/vn"
)

// The designer's workbook (ExportOptions.Design) carries each column's
// outlier check (forms.Column.Outlier, issue 18) on a line right under
// the table, labelled OutlierLine, one choice per value column from a
// drop-down list; ImportForm reads it back, so a form exported and
// imported unchanged keeps every setting, and refuses a choice it does
// not know, naming the cell.

// OutlierLine labels the line of the outlier checks.
const OutlierLine = "Kiểm tra số liệu khác thường"

// outlierNames are the choices as the workbook writes them: short, and
// without commas (an Excel list separates its items with commas).
var outlierNames = []struct {
	Kind outliers.Kind
	Name string
}{
	{"", "Theo kiểu cột"},
	{outliers.Count, "Số đếm"},
	{outliers.Money, "Số tiền"},
	{outliers.Percent, "Tỷ lệ"},
	{outliers.Off, "Không kiểm tra"},
}

func outlierName(k string) string {
	for _, c := range outlierNames {
		if string(c.Kind) == k {
			return c.Name
		}
	}
	return k
}

// outlierKind reads a choice: its name, the designer's longer label or
// the code, in any case; blank is the default.
func outlierKind(s string) (outliers.Kind, bool) {
	s = strings.ToLower(vn.Clean(s))
	if s == "" {
		return "", true
	}
	for _, c := range outlierNames {
		if s == strings.ToLower(c.Name) || (c.Kind != "" && s == string(c.Kind)) {
			return c.Kind, true
		}
	}
	for _, c := range outliers.Kinds {
		if s == strings.ToLower(c.Label) {
			return c.Kind, true
		}
	}
	return "", false
}

func outlierChoices() string {
	names := make([]string, len(outlierNames))
	for i, c := range outlierNames {
		names[i] = "“" + c.Name + "”"
	}
	return strings.Join(names, ", ")
}

// outlierLine writes the line of the outlier checks at e.row.
func (e *exporter) outlierLine() {
	f, row := e.f, e.row
	e.set(colLabel, row, OutlierLine)
	e.setStyle(colSTT, row, colUnit, row, e.style(styleSpec{Italic: true, HAlign: "left", Border: true}))
	e.setStyle(colLabel, row, colLabel, row, e.style(styleSpec{Italic: true, HAlign: "left", Wrap: true, Border: true}))
	for i, c := range f.Columns {
		e.set(firstValCol+i, row, outlierName(c.Outlier))
	}
	if len(f.Columns) == 0 || e.err != nil {
		e.row++
		return
	}
	e.setStyle(firstValCol, row, e.lastCol, row, e.style(styleSpec{Italic: true, HAlign: "center", Wrap: true, Border: true, Unlocked: true, Text: true}))
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cellName(firstValCol, row) + ":" + cellName(e.lastCol, row)
	names := make([]string, len(outlierNames))
	for i, c := range outlierNames {
		names[i] = c.Name
	}
	if e.err = dv.SetDropList(names); e.err != nil {
		return
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "Giá trị không hợp lệ", "Chọn một cách kiểm tra trong danh sách.")
	e.err = e.x.AddDataValidation(e.sheet, dv)
	if textLines(OutlierLine, e.widths[colLabel]) > 1 {
		e.height(row, 2*lineHeightPt+4)
	}
	e.row++
}

// applyOutliers sets the kept columns' outlier checks from the line read
// under the table (values by the sheet's value columns), refusing an
// unknown choice with its cell.
func (im *importer) applyOutliers(f *forms.Form, cols []int, keep []bool) error {
	if im.outliers == nil {
		return nil
	}
	n := 0
	for i, c := range cols {
		if !keep[i] {
			continue
		}
		v := im.outliers.values[i]
		k, ok := outlierKind(v)
		if !ok {
			return refuse(ErrOutlier, "Ô %s%d (%s của cột (%s)): “%s” không phải một cách kiểm tra; hãy chọn một trong %s.",
				columnName(c+1), im.outliers.excelRow, OutlierLine, f.Columns[n].Code, truncate(v, 40), outlierChoices())
		}
		f.Columns[n].Outlier = string(k)
		n++
	}
	return nil
}
