package xlsx

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"baocao/internal/decimal"
	"baocao/internal/forms"
)

// Table is any table the system shows (a dashboard's grid, a list of
// late units, a consolidated form flattened), exported by ExportTable as
// a workbook shaped like a paper table and by WriteCSV for other tools.
type Table struct {
	Sheet   string   // worksheet name (SheetName rules apply)
	Title   string   // bold, centred over the table
	Lines   []string // centred lines under the title: the filter, the date
	Columns []TableColumn
	Rows    [][]any // per column: string, int, float64, or nil for a blank cell
	Bold    []bool  // rows to print in bold (totals), by index; may be shorter than Rows
}

// TableColumn is a column of a Table.
type TableColumn struct {
	Label string
	// Group is the label of a header line above the column; consecutive
	// columns with the same Group share one merged cell.
	Group    string
	Decimals int  // for float64 values; -1: every decimal (exact figures)
	Text     bool // text: left-aligned, wrapped
}

// ExportTable writes t as an .xlsx workbook: title block, a one- or
// two-line header with merged group cells, borders, number formats with
// thousands separators (Excel shows them in the user's Vietnamese
// locale as 1.234,5), the header and first column frozen, A4 landscape.
func ExportTable(w io.Writer, t Table) error { return ExportTables(w, t) }

// ExportTables writes the tables as the sheets of one workbook, in order;
// sheet names that repeat get a number.
func ExportTables(w io.Writer, tables ...Table) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetDefaultFont(fontFamily); err != nil {
		return err
	}
	styles := map[styleSpec]int{}
	used := map[string]bool{}
	for i, t := range tables {
		base := []rune(SheetName(t.Sheet))
		sheet := string(base)
		for n := 2; used[strings.ToLower(sheet)]; n++ {
			suffix := " " + strconv.Itoa(n)
			sheet = string(base[:min(len(base), 31-len(suffix))]) + suffix
		}
		used[strings.ToLower(sheet)] = true
		var err error
		if i == 0 {
			err = x.SetSheetName("Sheet1", sheet)
		} else {
			_, err = x.NewSheet(sheet)
		}
		if err != nil {
			return err
		}
		e := &exporter{x: x, styles: styles, sheet: sheet}
		if err := e.table(t); err != nil {
			return fmt.Errorf("xlsx: export table %s: %w", t.Title, err)
		}
	}
	title := ""
	if len(tables) > 0 {
		title = tables[0].Title
	}
	if err := x.SetDocProps(&excelize.DocProperties{Title: title, Creator: "baocao"}); err != nil {
		return err
	}
	x.SetActiveSheet(0)
	_, err := x.WriteTo(w)
	return err
}

// table lays t out on the exporter's sheet.
func (e *exporter) table(t Table) error {
	x := e.x
	e.lastCol = max(len(t.Columns), 1)
	e.widths = make([]float64, e.lastCol+1)
	for i, c := range t.Columns {
		longest := utf8.RuneCountInString(c.Label)
		for _, r := range t.Rows {
			if i < len(r) {
				longest = max(longest, utf8.RuneCountInString(tableText(r[i], c)))
			}
		}
		e.widths[i+1] = clamp(float64(longest)+2, 8, 45)
		if e.err == nil {
			e.err = x.SetColWidth(e.sheet, columnName(i+1), columnName(i+1), e.widths[i+1])
		}
	}
	e.row = 1
	e.line(1, e.lastCol, t.Title, styleSpec{Bold: true, Size: 14, HAlign: "center", Wrap: true}, 14.0/fontSize)
	for _, l := range t.Lines {
		e.line(1, e.lastCol, l, styleSpec{HAlign: "center", Wrap: true}, 1)
	}
	e.row++
	e.headerFirst = e.row
	grouped := false
	for _, c := range t.Columns {
		grouped = grouped || c.Group != ""
	}
	e.headerLast = e.headerFirst
	if grouped {
		e.headerLast++
	}
	for i := 0; i < len(t.Columns); {
		c, col := t.Columns[i], i+1
		if c.Group == "" {
			e.set(col, e.headerFirst, c.Label)
			e.merge(col, e.headerFirst, col, e.headerLast)
			i++
			continue
		}
		j := i
		for j+1 < len(t.Columns) && t.Columns[j+1].Group == c.Group {
			j++
		}
		e.set(col, e.headerFirst, c.Group)
		e.merge(col, e.headerFirst, j+1, e.headerFirst)
		for k := i; k <= j; k++ {
			e.set(k+1, e.headerLast, t.Columns[k].Label)
		}
		i = j + 1
	}
	e.setStyle(1, e.headerFirst, e.lastCol, e.headerLast, e.style(styleSpec{Bold: true, HAlign: "center", Wrap: true, Border: true}))
	for r := e.headerFirst; r <= e.headerLast; r++ {
		e.height(r, 2*lineHeightPt+6)
	}
	e.row = e.headerLast + 1
	for ri, r := range t.Rows {
		bold := ri < len(t.Bold) && t.Bold[ri]
		for i, c := range t.Columns {
			s := styleSpec{Bold: bold, Border: true, HAlign: "right"}
			switch {
			case c.Text:
				s.HAlign, s.Wrap, s.Text = "left", true, true
			case c.Decimals < 0:
				s.NumFmt = "General" // exact figures: every decimal shown
			case c.Decimals > 0:
				s.NumFmt = "#,##0." + strings.Repeat("0", min(c.Decimals, 6))
			default:
				s.NumFmt = "#,##0"
			}
			e.setStyle(i+1, e.row, i+1, e.row, e.style(s))
			if i >= len(r) || r[i] == nil {
				continue
			}
			switch v := r[i].(type) {
			case int:
				e.set(i+1, e.row, float64(v))
			case int64:
				e.set(i+1, e.row, float64(v))
			default:
				e.set(i+1, e.row, v)
			}
		}
		e.row++
	}
	if e.err != nil {
		return e.err
	}
	first := e.headerLast + 1
	steps := []func() error{
		func() error {
			return x.SetPanes(e.sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: e.headerLast,
				TopLeftCell: cellName(2, first), ActivePane: "bottomRight",
				Selection: []excelize.Selection{{SQRef: cellName(2, first), ActiveCell: cellName(2, first), Pane: "bottomRight"}}})
		},
		func() error {
			size, orientation, wide, tall := 9, "landscape", 1, 0
			return x.SetPageLayout(e.sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &tall})
		},
		func() error {
			fit := true
			return x.SetSheetProps(e.sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
		},
		func() error {
			return x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: e.sheet,
				RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(e.sheet), e.headerFirst, e.headerLast)})
		},
		func() error {
			return x.SetHeaderFooter(e.sheet, &excelize.HeaderFooterOptions{OddFooter: "&CTrang &P/&N"})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes t as CSV in UTF-8 with a byte order mark, so that Excel
// reads the Vietnamese text: the header line ("group – label" for
// grouped columns), then the rows, numbers with a dot as decimal
// separator and no grouping, for other tools to read; text that a
// spreadsheet would run as a formula is neutralised (CSVCell).
func WriteCSV(w io.Writer, t Table) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Label
		if c.Group != "" {
			header[i] = c.Group + " – " + c.Label
		}
	}
	if err := cw.Write(csvLine(header)); err != nil {
		return err
	}
	for _, r := range t.Rows {
		line := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			if i < len(r) {
				line[i] = csvText(r[i], c)
			}
		}
		if err := cw.Write(line); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func csvText(v any, c TableColumn) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return CSVCell(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(roundTo(v, c.Decimals), 'f', -1, 64)
	case decimal.Decimal:
		return v.String()
	}
	return fmt.Sprint(v)
}

// tableText is a value as wide as Excel shows it, for the column widths.
func tableText(v any, c TableColumn) string {
	s := csvText(v, c)
	if _, ok := v.(string); ok {
		return s
	}
	return s + strings.Repeat("0", len(s)/3) // room for the separators
}

func roundTo(x float64, decimals int) float64 {
	p := math.Pow(10, float64(min(max(decimals, 0), 6)))
	return math.Round(x*p) / p
}

// FormTable flattens a form with its values into a Table (for CSV, and
// for a sheet among others): STT, label and unit of each row, then one
// column per form column named "(code) label" under its header groups
// joined in one line.
func FormTable(f *forms.Form, title string, lines []string, value func(rowKey, colCode string) (CellValue, bool)) Table {
	t := Table{Sheet: SheetName(f.Code), Title: title, Lines: lines,
		Columns: []TableColumn{{Label: "STT", Text: true}, {Label: "Tên chỉ tiêu", Text: true}, {Label: "Đơn vị tính", Text: true}}}
	for _, c := range f.Columns {
		t.Columns = append(t.Columns, TableColumn{Label: "(" + c.Code + ") " + c.Label, Group: strings.Join(c.Groups, " – "),
			Decimals: c.Places(), Text: c.Type == forms.Text})
	}
	for _, r := range f.Rows {
		line := []any{r.STT, r.Label, r.Unit}
		for _, c := range f.Columns {
			v, ok := value(r.Key, c.Code)
			switch {
			case !ok || !r.HasValues():
				line = append(line, nil)
			case v.IsNumber:
				line = append(line, v.Number)
			default:
				line = append(line, v.Text)
			}
		}
		t.Rows = append(t.Rows, line)
	}
	return t
}
