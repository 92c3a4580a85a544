// Package xlsx moves numeric forms (biểu mẫu số liệu) between the system
// and Excel: ExportForm writes a form as a workbook shaped like the paper
// form for officials to fill in, and ImportForm designs a form from a
// sheet an official built in Excel.
//
// # Layout of an exported workbook
//
// Sheet 1, named after the form code ("06-VPCP-KSTT"; "Bieu" when the
// form has no code), visible, protected without password:
//
//	title block   "Biểu số <code>" (A:C, bold), the issuing document (A:C,
//	              italic), a blank line, the title (bold, centred, merged
//	              across the table), "Đơn vị báo cáo: …" and "Kỳ báo cáo: …"
//	              when given, "Đơn vị tính: …" (right-aligned) or a blank line
//	header        one Excel row per line of Form.Header(); A "STT",
//	              B "Tên chỉ tiêu", C "Đơn vị tính" merged over all header
//	              lines, then the value columns (group cells merged)
//	number line   "(A)" "(B)" "(C)" "(1)" "(2)" … — "(code)" of each column
//	data          one Excel row per Form.Rows entry, in order: STT, label
//	              (indent = depth in the row tree), unit, then one cell per
//	              column in Form.Columns order starting at column D
//	note          a blank line, then "Ghi chú: …" on the grey cells
//	key column    the column right of the table, hidden and locked, holds
//	              the row key (r1, r2 …) on each data line
//
// Input cells are unlocked; formula cells and the value cells of heading
// rows are locked and grey. The frozen pane sits below the number line
// and right of the label column; printing is A4 landscape, one page wide,
// with the header and number lines repeated on every page.
//
// Sheet 2, "_baocao", very hidden (not listed by Excel's Unhide), holds
// the metadata one record per line, the record type in column A:
//
//	baocao            B: layout version (1)
//	form_key          B: form key (b1)
//	template_version  B: template version id, as text
//	sheet             B: name of the form sheet
//	form_code         B: form code as in the template
//	header_rows       B: first, C: last Excel row of the column header
//	number_row        B: Excel row of the column-number line
//	data_rows         B: first, C: last Excel row of the data (0 0: none)
//	key_column        B: letter of the hidden key column
//	col               B: Excel column letter, C: column code, D: type,
//	                  E: decimals, F: "formula" or "input"
//	row               B: Excel row number, C: row key, D: kind
//
// Readers should look records up by type, not by position. Workbook-level
// defined names point at the main ones: BaoCao_FormKey (_baocao!$B$2),
// BaoCao_TemplateVersion (_baocao!$B$3) and BaoCao_Data (the value cells
// of the form sheet).
package xlsx

import (
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

// ExportOptions tunes ExportForm.
type ExportOptions struct {
	UnitName        string // reporting unit, printed "Đơn vị báo cáo: …"; empty: no line
	UnitLabel       string // the label of that line instead of "Đơn vị báo cáo" (a consolidation's receiver)
	PeriodLabel     string // printed "Kỳ báo cáo: …"; empty: no line
	TemplateVersion int64  // id of the template version, kept in the metadata
	ReportID        int64  // the report the values belong to (0: an empty form), kept in the metadata
	// Value returns the stored value of a cell, a number or text. Nil: an
	// empty form.
	Value func(rowKey, colCode string) (CellValue, bool)
	// Figures are the narrative's live figures from this form, written to
	// NarrativeSheet (narrative.go); none: no such sheet.
	Figures []NarrativeFigure
	// Note returns the reporting unit's explanation of a cell, written as
	// the cell's comment (notes.go). Nil: none.
	Note func(rowKey, colCode string) (string, bool)
	// Design is the designer's workbook: a line under the table holds each
	// column's outlier check (outliers.go), read back by ImportForm.
	Design bool
}

// CellValue is what a cell of an export holds: an exact number, or text.
type CellValue struct {
	Number   decimal.Decimal
	IsNumber bool
	Text     string
}

// Number is a cell holding x.
func Number(x decimal.Decimal) CellValue { return CellValue{Number: x, IsNumber: true} }

// Text is a cell holding s.
func Text(s string) CellValue { return CellValue{Text: s} }

// Names of the metadata sheet and its layout version.
const (
	MetaSheet     = "_baocao"
	LayoutVersion = 1
)

// Fixed leading columns of an exported sheet (1-based).
const (
	colSTT       = 1
	colLabel     = 2
	colUnit      = 3
	firstValCol  = 4
	fontFamily   = "Times New Roman"
	fontSize     = 12.0
	greyFill     = "E7E6E6"
	maxIndent    = 15 // Excel's limit for the alignment indent
	lineHeightPt = 16.0
)

// ExportForm writes the form as an .xlsx workbook to w.
func ExportForm(w io.Writer, f *forms.Form, opts ExportOptions) error {
	if f == nil {
		return fmt.Errorf("xlsx: nil form")
	}
	x := excelize.NewFile()
	defer x.Close()
	e := &exporter{x: x, f: f, opts: opts, styles: map[styleSpec]int{}}
	if err := e.build(); err != nil {
		return fmt.Errorf("xlsx: export form %s: %w", f.Key, err)
	}
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write form %s: %w", f.Key, err)
	}
	return nil
}

type exporter struct {
	x      *excelize.File
	f      *forms.Form
	opts   ExportOptions
	sheet  string
	styles map[styleSpec]int
	err    error // first error of the chained calls

	lastCol int       // last table column (1-based)
	widths  []float64 // widths[col] for 1..lastCol
	row     int       // next Excel row

	headerFirst, headerLast, numberRow int
	dataFirst, dataLast                int
}

// styleSpec is everything that differs between the cell styles used.
type styleSpec struct {
	Bold, Italic bool
	Size         float64
	HAlign       string
	VAlign       string
	Wrap         bool
	Indent       int
	Border       bool
	Fill         string
	Unlocked     bool
	NumFmt       string
	Text         bool
}

func (e *exporter) style(s styleSpec) int {
	if id, ok := e.styles[s]; ok {
		return id
	}
	size := s.Size
	if size == 0 {
		size = fontSize
	}
	st := &excelize.Style{
		Font:       &excelize.Font{Family: fontFamily, Size: size, Bold: s.Bold, Italic: s.Italic},
		Alignment:  &excelize.Alignment{Horizontal: s.HAlign, Vertical: s.VAlign, WrapText: s.Wrap, Indent: s.Indent},
		Protection: &excelize.Protection{Locked: !s.Unlocked},
	}
	if st.Alignment.Vertical == "" {
		st.Alignment.Vertical = "center"
	}
	if s.Border {
		for _, side := range []string{"left", "top", "right", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	if s.Fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.Fill}}
	}
	switch {
	case s.Text:
		st.NumFmt = 49 // "@"
	case s.NumFmt != "":
		code := s.NumFmt
		st.CustomNumFmt = &code
	}
	id, err := e.x.NewStyle(st)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.styles[s] = id
	return id
}

// Small wrappers that keep the first error, so the layout code reads as a
// list of cells.
func (e *exporter) set(col, row int, v any) {
	if e.err != nil {
		return
	}
	cell := cellName(col, row)
	switch v := v.(type) {
	case string:
		e.err = e.x.SetCellStr(e.sheet, cell, v)
	case float64:
		e.err = e.x.SetCellFloat(e.sheet, cell, v, -1, 64)
	case decimal.Decimal:
		e.err = e.x.SetCellDefault(e.sheet, cell, v.String()) // the exact digits, as a number
	default:
		e.err = e.x.SetCellValue(e.sheet, cell, v)
	}
}

func (e *exporter) setStyle(c1, r1, c2, r2, id int) {
	if e.err == nil {
		e.err = e.x.SetCellStyle(e.sheet, cellName(c1, r1), cellName(c2, r2), id)
	}
}

func (e *exporter) merge(c1, r1, c2, r2 int) {
	if e.err == nil && (c1 != c2 || r1 != r2) {
		e.err = e.x.MergeCell(e.sheet, cellName(c1, r1), cellName(c2, r2))
	}
}

func (e *exporter) height(row int, h float64) {
	if e.err == nil {
		e.err = e.x.SetRowHeight(e.sheet, row, math.Min(h, 409))
	}
}

func (e *exporter) build() error {
	f := e.f
	e.sheet = SheetName(f.Code)
	if err := e.x.SetSheetName("Sheet1", e.sheet); err != nil {
		return err
	}
	if err := e.x.SetDefaultFont(fontFamily); err != nil {
		return err
	}
	e.lastCol = colUnit + len(f.Columns)
	e.layoutWidths()
	e.row = 1
	e.titleBlock()
	e.header()
	e.data()
	e.finishSheet()
	if e.err != nil {
		return e.err
	}
	if err := e.metadata(); err != nil {
		return err
	}
	return e.narrative()
}

// layoutWidths chooses column widths: a wide label column, narrow STT and
// unit columns, value columns wide enough for their header in three lines.
func (e *exporter) layoutWidths() {
	f := e.f
	e.widths = make([]float64, e.lastCol+1)
	e.widths[colSTT] = 6
	depths := f.Depths()
	longest, unit := 0, len("Đơn vị")
	for _, r := range f.Rows {
		longest = max(longest, utf8.RuneCountInString(r.Label)+3*min(depths[r.Key], maxIndent))
		unit = max(unit, utf8.RuneCountInString(r.Unit))
	}
	e.widths[colLabel] = clamp(float64(longest)+2, 30, 55)
	e.widths[colUnit] = clamp(float64(unit)+2, 9, 14)
	for i, c := range f.Columns {
		w := 11.0
		if c.Type == forms.Text {
			w = 24
		}
		w = math.Max(w, math.Ceil(float64(utf8.RuneCountInString(c.Label))/3)+2)
		e.widths[firstValCol+i] = clamp(w, 8, 20)
	}
	for col := 1; col <= e.lastCol; col++ {
		if e.err == nil {
			name := columnName(col)
			e.err = e.x.SetColWidth(e.sheet, name, name, e.widths[col])
		}
	}
}

func (e *exporter) span(c1, c2 int) float64 {
	w := 0.0
	for c := c1; c <= c2 && c < len(e.widths); c++ {
		w += e.widths[c]
	}
	return w
}

// textLines estimates how many lines text wraps to in a cell of width w
// (in Excel width units, about one character of the body font).
func textLines(text string, w float64) int {
	n := 0
	for _, part := range strings.Split(text, "\n") {
		n += max(1, int(math.Ceil(float64(utf8.RuneCountInString(part))/math.Max(w-1.5, 1))))
	}
	return n
}

func (e *exporter) titleBlock() {
	f := e.f
	left := styleSpec{Bold: true, HAlign: "left", Wrap: true}
	leftEnd := min(colUnit, e.lastCol)
	if f.Code != "" {
		e.line(colSTT, leftEnd, formCodeLine(f.Code), left, 1)
	}
	if f.IssuedBy != "" {
		e.line(colSTT, leftEnd, f.IssuedBy, styleSpec{Italic: true, HAlign: "left", Wrap: true}, 1)
	}
	if f.Code != "" || f.IssuedBy != "" {
		e.row++ // a blank line between the form code and the title
	}
	e.line(colSTT, e.lastCol, f.Title, styleSpec{Bold: true, Size: 14, HAlign: "center", Wrap: true}, 14.0/fontSize)
	if e.opts.UnitName != "" {
		label := "Đơn vị báo cáo: "
		if e.opts.UnitLabel != "" {
			label = e.opts.UnitLabel + ": "
		}
		e.line(colSTT, e.lastCol, prefixed(label, e.opts.UnitName), styleSpec{HAlign: "center", Wrap: true}, 1)
	}
	if e.opts.PeriodLabel != "" {
		e.line(colSTT, e.lastCol, prefixed("Kỳ báo cáo: ", e.opts.PeriodLabel), styleSpec{HAlign: "center", Wrap: true}, 1)
	}
	if f.Unit != "" {
		e.line(colSTT, e.lastCol, prefixed("Đơn vị tính: ", f.Unit), styleSpec{Italic: true, HAlign: "right"}, 1)
	} else {
		e.row++
	}
}

// line writes text merged over columns c1..c2 of the current row.
func (e *exporter) line(c1, c2 int, text string, s styleSpec, scale float64) {
	e.set(c1, e.row, text)
	e.merge(c1, e.row, c2, e.row)
	e.setStyle(c1, e.row, c2, e.row, e.style(s))
	if n := textLines(text, e.span(c1, c2)/scale); n > 1 || scale > 1 {
		e.height(e.row, float64(n)*lineHeightPt*scale+4)
	}
	e.row++
}

func formCodeLine(code string) string {
	lower := strings.ToLower(code)
	if strings.HasPrefix(lower, "biểu") || strings.HasPrefix(lower, "mẫu") {
		return code
	}
	return "Biểu số " + code
}

func prefixed(prefix, s string) string {
	if strings.HasPrefix(strings.ToLower(s), strings.ToLower(strings.TrimSpace(strings.TrimSuffix(prefix, ": ")))) {
		return s
	}
	return prefix + s
}

// header writes the multi-level column header and the column-number line.
func (e *exporter) header() {
	f := e.f
	lines := f.Header()
	if len(f.Columns) == 0 {
		lines = [][]forms.HeaderCell{nil}
	}
	e.headerFirst = e.row
	e.headerLast = e.row + len(lines) - 1
	heights := make([]float64, len(lines))
	need := func(line, rowSpan int, text string, w float64) {
		h := (float64(textLines(text, w))*lineHeightPt + 6) / float64(rowSpan)
		for l := line; l < line+rowSpan && l < len(lines); l++ {
			heights[l] = math.Max(heights[l], h)
		}
	}
	for i, label := range []string{"STT", "Tên chỉ tiêu", "Đơn vị tính"} {
		col := colSTT + i
		e.set(col, e.headerFirst, label)
		e.merge(col, e.headerFirst, col, e.headerLast)
		need(0, len(lines), label, e.widths[col])
	}
	// Place the cells: each goes to the first column of its line not yet
	// covered by a cell spanning down from a line above.
	taken := make([][]bool, len(lines))
	for i := range taken {
		taken[i] = make([]bool, len(f.Columns))
	}
	for l, cells := range lines {
		i := 0
		for _, c := range cells {
			for i < len(f.Columns) && taken[l][i] {
				i++
			}
			if i >= len(f.Columns) {
				break
			}
			for dl := 0; dl < c.RowSpan; dl++ {
				for dc := 0; dc < c.ColSpan && i+dc < len(f.Columns); dc++ {
					if l+dl < len(lines) {
						taken[l+dl][i+dc] = true
					}
				}
			}
			col, row := firstValCol+i, e.headerFirst+l
			e.set(col, row, c.Label)
			e.merge(col, row, col+c.ColSpan-1, row+c.RowSpan-1)
			need(l, c.RowSpan, c.Label, e.span(col, col+c.ColSpan-1))
			i += c.ColSpan
		}
	}
	e.setStyle(colSTT, e.headerFirst, e.lastCol, e.headerLast,
		e.style(styleSpec{Bold: true, HAlign: "center", Wrap: true, Border: true}))
	for l, h := range heights {
		e.height(e.headerFirst+l, math.Max(h, 20))
	}
	e.numberRow = e.headerLast + 1
	for col := colSTT; col <= e.lastCol; col++ {
		if col < firstValCol {
			e.set(col, e.numberRow, "("+string(rune('A'+col-1))+")")
		} else {
			e.set(col, e.numberRow, "("+f.Columns[col-firstValCol].Code+")")
		}
	}
	e.setStyle(colSTT, e.numberRow, e.lastCol, e.numberRow, e.style(styleSpec{Italic: true, HAlign: "center", Border: true}))
	e.row = e.numberRow + 1
}

// noteLine is printed below the table.
const noteLine = "Ghi chú: chỉ nhập số liệu vào các ô nền trắng; các ô nền xám do hệ thống tự tính theo công thức của biểu hoặc không có số liệu."

// numFmt is the display format of a number column: thousands separators
// and the column's decimals; Excel shows them in the user's locale
// (1.234,5 on a Vietnamese system).
func numFmt(c forms.Column) string {
	if c.Places() < 0 {
		return "General" // a column that keeps what is typed shows every decimal
	}
	d := min(c.Places(), 6)
	if d == 0 {
		return "#,##0"
	}
	return "#,##0." + strings.Repeat("0", d)
}

// data writes one line per row and records the input cells by column for
// the data validation.
func (e *exporter) data() {
	f := e.f
	depths := f.Depths()
	e.dataFirst = e.row
	keyCol := e.lastCol + 1
	inputs := make([][]int, len(f.Columns)) // Excel rows of the input cells per column
	for _, r := range f.Rows {
		row := e.row
		bold := r.Bold || r.Kind == forms.Heading || r.Kind == forms.Subtotal
		italic := r.Kind == forms.OfWhich
		indent := min(depths[r.Key], maxIndent)
		e.set(colSTT, row, r.STT)
		e.setStyle(colSTT, row, colSTT, row, e.style(styleSpec{Bold: bold, Italic: italic, HAlign: "center", Border: true}))
		e.set(colLabel, row, r.Label)
		e.setStyle(colLabel, row, colLabel, row, e.style(styleSpec{Bold: bold, Italic: italic, HAlign: "left", Wrap: true, Indent: indent, Border: true}))
		e.set(colUnit, row, r.Unit)
		e.setStyle(colUnit, row, colUnit, row, e.style(styleSpec{Italic: italic, HAlign: "center", Wrap: true, Border: true}))
		if n := textLines(r.Label, e.widths[colLabel]-2*float64(indent)); n > 1 {
			e.height(row, float64(n)*lineHeightPt+4)
		}
		for i, c := range f.Columns {
			col := firstValCol + i
			locked := !r.HasValues() || f.IsFormula(r, c)
			s := styleSpec{Bold: bold, Italic: italic, HAlign: "right", Border: true, Unlocked: !locked}
			if c.Type == forms.Text {
				s.HAlign, s.Wrap, s.Text = "left", true, true
			} else {
				s.NumFmt = numFmt(c)
			}
			if locked {
				s.Fill = greyFill
			} else {
				inputs[i] = append(inputs[i], row)
			}
			e.setStyle(col, row, col, row, e.style(s))
			if e.opts.Value == nil || !r.HasValues() {
				continue
			}
			switch v, ok := e.opts.Value(r.Key, c.Code); {
			case !ok:
			case v.IsNumber:
				e.set(col, row, v.Number)
			case strings.TrimSpace(v.Text) != "":
				e.set(col, row, v.Text) // text, or a figure that was refused as typed
			}
			e.note(col, row, r.Key, c.Code)
		}
		e.set(keyCol, row, r.Key)
		e.row++
	}
	e.dataLast = e.row - 1
	if len(f.Rows) == 0 {
		e.dataFirst, e.dataLast = 0, 0
	}
	e.validations(inputs)
	if e.opts.Design {
		e.outlierLine()
	}
	e.row++
	e.line(colSTT, e.lastCol, noteLine, styleSpec{Italic: true, HAlign: "left", Wrap: true}, 1)
}

// validations restrict the input cells of number columns to numbers
// within the column's bounds, with a message in Vietnamese.
func (e *exporter) validations(inputs [][]int) {
	for i, c := range e.f.Columns {
		if c.Type == forms.Text || len(inputs[i]) == 0 || e.err != nil {
			continue
		}
		lo, hi := decimal.New(-1, 15), decimal.New(1, 15)
		msg := "Ô này chỉ nhận số."
		if c.NonNegative {
			lo, msg = decimal.Zero, "Ô này chỉ nhận số không âm."
		}
		if c.Min != nil && c.Min.Cmp(lo) > 0 {
			lo = *c.Min
		}
		if c.Max != nil && c.Max.Cmp(hi) < 0 {
			hi = *c.Max
		}
		if c.Min != nil || c.Max != nil {
			msg = fmt.Sprintf("Ô này chỉ nhận số từ %s đến %s.", lo.Format(), hi.Format())
		}
		kind := excelize.DataValidationTypeDecimal
		if c.Type == forms.Integer {
			kind = excelize.DataValidationTypeWhole
			msg = strings.Replace(msg, "số", "số nguyên", 1)
		}
		dv := excelize.NewDataValidation(true)
		col := columnName(firstValCol + i)
		var ranges []string
		rows := inputs[i]
		for j := 0; j < len(rows); {
			k := j
			for k+1 < len(rows) && rows[k+1] == rows[k]+1 {
				k++
			}
			if k == j {
				ranges = append(ranges, col+strconv.Itoa(rows[j]))
			} else {
				ranges = append(ranges, col+strconv.Itoa(rows[j])+":"+col+strconv.Itoa(rows[k]))
			}
			j = k + 1
		}
		dv.Sqref = strings.Join(ranges, " ")
		if kind == excelize.DataValidationTypeWhole {
			e.err = dv.SetRange(int(math.Max(lo.Float64(), -2e9)), int(math.Min(hi.Float64(), 2e9)), kind, excelize.DataValidationOperatorBetween)
		} else {
			e.err = dv.SetRange(lo.Float64(), hi.Float64(), kind, excelize.DataValidationOperatorBetween)
		}
		if e.err != nil {
			return
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "Giá trị không hợp lệ", msg)
		e.err = e.x.AddDataValidation(e.sheet, dv)
	}
}

func (e *exporter) finishSheet() {
	if e.err != nil {
		return
	}
	x, sheet := e.x, e.sheet
	keyCol := columnName(e.lastCol + 1)
	first := e.numberRow + 1
	steps := []func() error{
		func() error { return x.SetColVisible(sheet, keyCol, false) },
		func() error {
			return x.SetPanes(sheet, &excelize.Panes{
				Freeze: true, XSplit: colLabel, YSplit: e.numberRow,
				TopLeftCell: cellName(colUnit, first), ActivePane: "bottomRight",
				Selection: []excelize.Selection{{SQRef: cellName(firstValCol, first), ActiveCell: cellName(firstValCol, first), Pane: "bottomRight"}},
			})
		},
		func() error {
			size, orientation, wide, tall := 9, "landscape", 1, 0 // 9: A4
			return x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &tall})
		},
		func() error {
			fit := true
			return x.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
		},
		func() error {
			side, edge, hf, centre := 0.5, 0.6, 0.3, true
			return x.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &edge, Bottom: &edge, Header: &hf, Footer: &hf, Horizontally: &centre})
		},
		func() error {
			return x.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&CTrang &P/&N"})
		},
		func() error {
			return x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
				RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(sheet), e.headerFirst, e.numberRow)})
		},
		func() error {
			return x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: sheet,
				RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quoteSheet(sheet), columnName(e.lastCol), max(e.row-1, e.numberRow))})
		},
		func() error {
			return x.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
				FormatColumns: true, FormatRows: true, SelectLockedCells: true, SelectUnlockedCells: true,
			})
		},
		func() error {
			return x.SetDocProps(&excelize.DocProperties{Title: strings.TrimSpace(formCodeLine(e.f.Code) + " " + e.f.Title), Creator: "baocao"})
		},
	}
	if e.f.Code == "" {
		steps[len(steps)-1] = func() error {
			return x.SetDocProps(&excelize.DocProperties{Title: e.f.Title, Creator: "baocao"})
		}
	}
	for _, step := range steps {
		if e.err = step(); e.err != nil {
			return
		}
	}
}

// metadata writes the very hidden sheet described in the package comment.
func (e *exporter) metadata() error {
	x, f := e.x, e.f
	if _, err := x.NewSheet(MetaSheet); err != nil {
		return err
	}
	records := [][]any{
		{"baocao", LayoutVersion},
		{"form_key", f.Key},
		{"template_version", strconv.FormatInt(e.opts.TemplateVersion, 10)},
		{"report", strconv.FormatInt(e.opts.ReportID, 10), e.opts.UnitName},
		{"sheet", e.sheet},
		{"form_code", f.Code},
		{"header_rows", e.headerFirst, e.headerLast},
		{"number_row", e.numberRow},
		{"data_rows", e.dataFirst, e.dataLast},
		{"key_column", columnName(e.lastCol + 1)},
	}
	for i, c := range f.Columns {
		role := "input"
		if c.Formula != "" {
			role = "formula"
		}
		records = append(records, []any{"col", columnName(firstValCol + i), c.Code, c.Type, c.Decimals, role})
	}
	for i, r := range f.Rows {
		records = append(records, []any{"row", e.dataFirst + i, r.Key, r.Kind})
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	for i, rec := range records {
		cell := cellName(1, i+1)
		if err := x.SetSheetRow(MetaSheet, cell, &rec); err != nil {
			return err
		}
	}
	if err := x.SetCellStyle(MetaSheet, "B3", "B3", text); err != nil {
		return err
	}
	names := []excelize.DefinedName{
		{Name: "BaoCao_FormKey", RefersTo: quoteSheet(MetaSheet) + "!$B$2"},
		{Name: "BaoCao_TemplateVersion", RefersTo: quoteSheet(MetaSheet) + "!$B$3"},
	}
	if len(f.Columns) > 0 && len(f.Rows) > 0 {
		names = append(names, excelize.DefinedName{Name: "BaoCao_Data", RefersTo: fmt.Sprintf("%s!$%s$%d:$%s$%d",
			quoteSheet(e.sheet), columnName(firstValCol), e.dataFirst, columnName(e.lastCol), e.dataLast)})
	}
	for i := range names {
		if err := x.SetDefinedName(&names[i]); err != nil {
			return err
		}
	}
	if err := x.ProtectSheet(MetaSheet, &excelize.SheetProtectionOptions{}); err != nil {
		return err
	}
	x.SetActiveSheet(0)
	return x.SetSheetVisible(MetaSheet, false, true)
}

// SheetName turns a form code into a worksheet name: the characters Excel
// refuses ([ ] : * ? / \) become "-", at most 31 characters; "Bieu" when
// nothing is left.
func SheetName(code string) string {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			return '-'
		}
		if r < ' ' {
			return -1
		}
		return r
	}, strings.TrimSpace(code))
	s = strings.Trim(s, "' ")
	if utf8.RuneCountInString(s) > 31 {
		s = strings.TrimRight(string([]rune(s)[:31]), "' ")
	}
	if s == "" || strings.EqualFold(s, MetaSheet) || strings.EqualFold(s, "History") {
		return "Bieu"
	}
	return s
}

func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

func columnName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

func cellName(col, row int) string { return columnName(col) + strconv.Itoa(row) }

func clamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

// readNumber reads a number of a design sheet or a stored value: machine
// text ("1234.5") first, else the way officials write it ("1.234,5").
func readNumber(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	if x, err := decimal.ParseCanonical(s); err == nil {
		return x, true
	}
	x, err := decimal.Parse(s)
	return x, err == nil
}
