package xlsx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// Sentinels of the refusals of ReadValues, besides those of ImportForm
// (ErrTooLarge … ErrFormula). The error is an *apperr.Error (Invalid)
// wrapping one of them.
var (
	ErrNoMetadata    = errors.New("xlsx: no form metadata")
	ErrWrongForm     = errors.New("xlsx: workbook of another form")
	ErrWrongTemplate = errors.New("xlsx: workbook of another template version")
	ErrExtraSheet    = errors.New("xlsx: extra visible sheet")
	ErrLayoutChanged = errors.New("xlsx: rows or columns of the form changed")
)

var (
	msgNoMetadata    = "Tệp không phải biểu mẫu tải từ hệ thống (không có phần thông tin ẩn của biểu mẫu): hãy tải biểu mẫu Excel từ trang báo cáo, nhập số liệu rồi tải lên."
	msgWrongTemplate = "Tệp Excel được tải từ phiên bản mẫu khác với mẫu báo cáo đang dùng (mẫu đã được cập nhật sau khi tải tệp): hãy tải lại biểu mẫu, nhập số liệu vào tệp mới rồi tải lên."
	msgReload        = "Hãy tải lại biểu mẫu, nhập số liệu rồi tải lên."
)

// Upload is what a filled workbook holds for one form.
type Upload struct {
	// Numbers holds the input cells of the rows found in the file that
	// hold a number, exactly as the spreadsheet keeps it (its 15
	// significant digits; a percentage-formatted 12,5% of a percent column
	// is 12.5).
	Numbers map[Cell]decimal.Decimal
	// Values holds the other input cells of those rows: text as typed
	// (trimmed, NFC), blank cells as "", and a number cell whose content
	// is not a number as typed, which a CellProblem names. Rows deleted
	// from the file have no cells in either map.
	Values map[Cell]string
	// Locked holds what the file has in the cells the system computes
	// (formula cells), as a number or text: the caller compares it with
	// the stored value and tells the official a changed one is ignored.
	Locked   map[Cell]CellValue
	Problems []CellProblem // in the order of the form, in Vietnamese
	// ReportID is the report the file was downloaded from (0 for an empty
	// form), and Unit its unit; the caller refuses another report's file.
	ReportID int64
	Unit     string
}

// Cell is a cell of the form: row key and column code.
type Cell struct{ Row, Col string }

// CellProblem is a cell whose content is refused, or a line of the file
// (Cell.Col empty) that could not be taken.
type CellProblem struct {
	Cell    Cell
	Excel   string // the cell in the workbook, e.g. "E14"; "" for a deleted row
	Message string
}

// ReadValues reads the values typed into a workbook exported by
// ExportForm for form f of template version templateVersion.
//
// The file goes through the checks of ImportForm first (size, zip,
// macros, encryption, compression, sheet size, Excel formulas), then its
// hidden metadata sheet must name f and templateVersion, and the form
// sheet must be the only visible worksheet. Data lines are found by the
// hidden key column, so moved lines are read where they are; a key twice
// or a key not in f is refused, a deleted line is reported in Problems.
// Only input cells are read (rows with values, cells without formula):
// the values of computed cells in the file are ignored.
//
// Number cells take Excel numbers and text such as "1.234,5", "1,234.5"
// or "1234.5" (Vietnamese first: a single comma is a decimal comma, and
// "1.234" is one thousand two hundred thirty-four); other content,
// decimals in an integer column and numbers outside the column's bounds
// are CellProblems, not errors. A percent column takes 12.5 for 12,5 %,
// and a cell Excel turned into a percentage (0.125 shown "12,5%") too.
func ReadValues(r io.Reader, size int64, f *forms.Form, templateVersion int64) (*Upload, error) {
	if f == nil {
		return nil, fmt.Errorf("xlsx: nil form")
	}
	b, err := readUpload(r, size)
	if err != nil {
		return nil, err
	}
	pkg, err := checkPackage(b)
	if err != nil {
		return nil, err
	}
	sheets, err := pkg.sheets()
	if err != nil {
		return nil, err
	}
	var metaRef *sheetRef
	for i := range sheets {
		if strings.EqualFold(sheets[i].Name, MetaSheet) {
			metaRef = &sheets[i]
			break
		}
	}
	if metaRef == nil {
		return nil, refuse(ErrNoMetadata, "%s", msgNoMetadata)
	}
	if _, err := pkg.scanSheet(metaRef.Part); err != nil {
		return nil, err
	}
	// excelize parses a worksheet only when it is first read: the form
	// sheet is scanned below before that.
	x, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:    MaxUnzippedSize,
		UnzipXMLSizeLimit: maxXMLPart,
	})
	if err != nil {
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	defer x.Close()
	m, err := readMetadata(x, metaRef.Name)
	if err != nil {
		return nil, err
	}
	if err := m.check(f, templateVersion); err != nil {
		return nil, err
	}
	form, err := formSheet(sheets, metaRef, m.sheet)
	if err != nil {
		return nil, err
	}
	stats, err := pkg.scanSheet(form.Part)
	if err != nil {
		return nil, err
	}
	kinds, err := pkg.cellKinds(form.Part, stats)
	if err != nil {
		return nil, err
	}
	grid, err := x.GetRows(form.Name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	rd := &valueReader{x: x, f: f, m: m, grid: grid, kinds: kinds, formats: map[int]numFormat{},
		up: &Upload{Numbers: map[Cell]decimal.Decimal{}, Values: map[Cell]string{}, Locked: map[Cell]CellValue{}, ReportID: m.report, Unit: m.unit}}
	if err := rd.locateRows(); err != nil {
		return nil, err
	}
	if err := rd.checkColumns(); err != nil {
		return nil, err
	}
	rd.read()
	return rd.up, nil
}

// ------------------------------------------------------------- metadata

// metadata is what ReadValues needs of the "_baocao" sheet.
type metadata struct {
	layout, formKey, formCode, version, sheet string
	report                                    int64  // the report the file was downloaded from, 0 for an empty form
	unit                                      string // its unit
	keyCol                                    int
	cols                                      map[string]int // column code → Excel column
	rows                                      map[string]bool
}

func readMetadata(x *excelize.File, name string) (*metadata, error) {
	records, err := x.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	m := &metadata{cols: map[string]int{}, rows: map[string]bool{}}
	field := func(rec []string, i int) string {
		if i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	seen := map[string]bool{}
	for _, rec := range records {
		kind := field(rec, 0)
		seen[kind] = true
		switch kind {
		case "baocao":
			m.layout = field(rec, 1)
		case "form_key":
			m.formKey = field(rec, 1)
		case "form_code":
			m.formCode = field(rec, 1)
		case "template_version":
			m.version = field(rec, 1)
		case "report":
			m.report, _ = strconv.ParseInt(field(rec, 1), 10, 64)
			m.unit = field(rec, 2)
		case "sheet":
			m.sheet = field(rec, 1)
		case "key_column":
			m.keyCol, _ = excelize.ColumnNameToNumber(field(rec, 1))
		case "col":
			if n, err := excelize.ColumnNameToNumber(field(rec, 1)); err == nil && field(rec, 2) != "" {
				m.cols[field(rec, 2)] = n
			}
		case "row":
			if key := field(rec, 2); key != "" {
				m.rows[key] = true
			}
		}
	}
	if !seen["baocao"] || m.formKey == "" {
		return nil, refuse(ErrNoMetadata, "%s", msgNoMetadata)
	}
	return m, nil
}

// check refuses the metadata of another form or template version.
func (m *metadata) check(f *forms.Form, templateVersion int64) error {
	if m.formKey != f.Key {
		theirs := "biểu khác"
		if m.formCode != "" {
			theirs = formCodeLine(m.formCode)
		}
		ours := "“" + f.Title + "”"
		if f.Code != "" {
			ours = formCodeLine(f.Code)
		}
		return refuse(fmt.Errorf("%w: file of form %q, want %q", ErrWrongForm, m.formKey, f.Key),
			"Tệp tải lên là biểu mẫu của %s, không phải %s: hãy chọn đúng tệp của biểu này, hoặc tải biểu mẫu Excel của biểu từ trang báo cáo, nhập số liệu rồi tải lên.", theirs, ours)
	}
	wrong := func(detail string) error {
		return refuse(fmt.Errorf("%w: %s", ErrWrongTemplate, detail), "%s", msgWrongTemplate)
	}
	if m.layout != strconv.Itoa(LayoutVersion) {
		return wrong("layout " + m.layout)
	}
	if v, err := strconv.ParseInt(m.version, 10, 64); err != nil || v != templateVersion {
		return wrong(fmt.Sprintf("file of version %q, want %d", m.version, templateVersion))
	}
	// The same version always has the same rows and columns; a difference
	// means the metadata was not written for this form.
	if len(m.cols) != len(f.Columns) || len(m.rows) != len(f.Rows) {
		return wrong("columns or rows differ")
	}
	for _, c := range f.Columns {
		if m.cols[c.Code] == 0 {
			return wrong("no column " + c.Code)
		}
	}
	for _, r := range f.Rows {
		if !m.rows[r.Key] {
			return wrong("no row " + r.Key)
		}
	}
	if m.keyCol == 0 && len(f.Rows) > 0 {
		return wrong("no key column")
	}
	return nil
}

// formSheet finds the form sheet named in the metadata (or, renamed, the
// one visible worksheet) and refuses other visible worksheets.
func formSheet(sheets []sheetRef, metaRef *sheetRef, name string) (*sheetRef, error) {
	var form *sheetRef
	for i := range sheets {
		if sheets[i].Name == name {
			form = &sheets[i]
		}
	}
	if form == nil {
		for i := range sheets {
			if strings.EqualFold(sheets[i].Name, name) {
				form = &sheets[i]
			}
		}
	}
	var others []string
	var lone *sheetRef
	for i := range sheets {
		s := &sheets[i]
		if s.Part == metaRef.Part || !s.Visible || s.Name == NarrativeSheet {
			continue
		}
		lone = s
		if form == nil || s.Part != form.Part {
			others = append(others, "“"+s.Name+"”")
		}
	}
	if form == nil && len(others) == 1 {
		return lone, nil // the official renamed the sheet
	}
	if form == nil {
		return nil, refuse(ErrLayoutChanged, "Không tìm thấy trang biểu mẫu “%s” trong tệp. %s", name, msgReload)
	}
	if len(others) > 0 {
		return nil, refuse(ErrExtraSheet, "Tệp có thêm trang tính %s; chỉ giữ trang biểu mẫu “%s” (xóa các trang còn lại) rồi tải lên lại.",
			strings.Join(others, ", "), form.Name)
	}
	return form, nil
}

// ----------------------------------------------------------- cell kinds

// cellKind is the type and style of a cell as written in the sheet XML.
type cellKind struct {
	t     byte // 0 number, 's' shared string, 'i' inline string, 'b' bool, 'e' error, 'd' date, 'f' formula string
	style int32
}

// cellKinds streams the sheet once more for the cell types and styles,
// which GetRows does not return: "1.234" is a number 1.234 in a numeric
// cell but one thousand two hundred thirty-four typed as text.
func (p *workbookPackage) cellKinds(part string, st sheetStats) ([][]cellKind, error) {
	out := make([][]cellKind, st.lastRow)
	zf, ok := p.parts[part]
	if !ok {
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	row, col := 0, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "row":
			row, col = row+1, 0
			if n, err := strconv.Atoi(attr(el, "r")); err == nil {
				row = n
			}
		case "c":
			col++
			if c, r, err := excelize.CellNameToCoordinates(attr(el, "r")); err == nil {
				col, row = c, r
			}
			if row < 1 || row > st.lastRow || col < 1 || col > st.lastCol {
				continue
			}
			var k cellKind
			switch attr(el, "t") {
			case "s":
				k.t = 's'
			case "inlineStr":
				k.t = 'i'
			case "b":
				k.t = 'b'
			case "e":
				k.t = 'e'
			case "d":
				k.t = 'd'
			case "str":
				k.t = 'f'
			}
			if s, err := strconv.Atoi(attr(el, "s")); err == nil && s >= 0 && s < math.MaxInt32 {
				k.style = int32(s)
			}
			if out[row-1] == nil {
				out[row-1] = make([]cellKind, st.lastCol)
			}
			out[row-1][col-1] = k
		}
	}
}

// numFormat is what a cell's number format says about its value.
type numFormat byte

const (
	fmtNumber numFormat = iota
	fmtPercent
	fmtDate
)

// classifyNumFmt reads a number format code, ignoring quoted text,
// escaped characters and bracketed colours, conditions and locales.
func classifyNumFmt(code string) numFormat {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // the next character is literal (or a padding width)
		case '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				if inner := strings.ToLower(code[i+1 : i+j]); inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
					b.WriteByte('h') // elapsed time
				}
				i += j
			}
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	switch {
	case strings.ContainsAny(s, "dmyhs") && !strings.Contains(s, "general"):
		return fmtDate
	case strings.Contains(s, "%"):
		return fmtPercent
	}
	return fmtNumber
}

// builtinFormat classifies Excel's built-in number formats.
func builtinFormat(id int) numFormat {
	switch {
	case id == 9 || id == 10:
		return fmtPercent
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return fmtDate
	}
	return fmtNumber
}

// ---------------------------------------------------------------- reader

type valueReader struct {
	x       *excelize.File
	f       *forms.Form
	m       *metadata
	grid    [][]string   // raw values of the form sheet
	kinds   [][]cellKind // types and styles, within the used range
	formats map[int]numFormat
	up      *Upload

	rowAt    map[string]int // row key → Excel row
	firstRow int            // first Excel row holding a key
}

func (rd *valueReader) raw(row, col int) string {
	if row < 1 || row > len(rd.grid) || col < 1 || col > len(rd.grid[row-1]) {
		return ""
	}
	return rd.grid[row-1][col-1]
}

func (rd *valueReader) kind(row, col int) cellKind {
	if row < 1 || row > len(rd.kinds) || col < 1 || col > len(rd.kinds[row-1]) {
		return cellKind{}
	}
	return rd.kinds[row-1][col-1]
}

func (rd *valueReader) format(style int32) numFormat {
	if style == 0 {
		return fmtNumber
	}
	if f, ok := rd.formats[int(style)]; ok {
		return f
	}
	nf := fmtNumber
	if s, err := rd.x.GetStyle(int(style)); err == nil {
		if s.CustomNumFmt != nil {
			nf = classifyNumFmt(*s.CustomNumFmt)
		} else {
			nf = builtinFormat(s.NumFmt)
		}
	}
	rd.formats[int(style)] = nf
	return nf
}

func (rd *valueReader) problem(c Cell, excel, format string, args ...any) {
	rd.up.Problems = append(rd.up.Problems, CellProblem{Cell: c, Excel: excel, Message: fmt.Sprintf(format, args...)})
}

// locateRows reads the hidden key column: every key of the form at most
// once, no key of another form.
func (rd *valueReader) locateRows() error {
	f, m := rd.f, rd.m
	rd.rowAt = map[string]int{}
	if len(f.Rows) == 0 {
		return nil
	}
	labels := make(map[string]string, len(f.Rows))
	for _, r := range f.Rows {
		labels[r.Key] = rowName(r)
	}
	type stray struct {
		row int
		key string
	}
	var unknown []stray
	for row := 1; row <= len(rd.grid); row++ {
		key := strings.TrimSpace(rd.raw(row, m.keyCol))
		if key == "" {
			continue
		}
		if _, ok := labels[key]; !ok {
			unknown = append(unknown, stray{row, key})
			continue
		}
		if prev, dup := rd.rowAt[key]; dup {
			return refuse(ErrLayoutChanged, "Dòng %d và dòng %d của tệp cùng là dòng “%s” của biểu (có thể do sao chép hoặc chèn dòng): hãy xóa dòng thừa, hoặc tải lại biểu mẫu, nhập số liệu rồi tải lên.",
				prev, row, labels[key])
		}
		rd.rowAt[key] = row
		if rd.firstRow == 0 {
			rd.firstRow = row
		}
	}
	if len(rd.rowAt) == 0 {
		// Keys shifted out of their column, or every line deleted.
		return refuse(ErrLayoutChanged, "Không tìm thấy các dòng của biểu trong tệp (cột mã dòng ẩn %s không có mã dòng nào): các cột hoặc dòng của biểu đã bị chèn, xóa. %s",
			columnName(m.keyCol), msgReload)
	}
	if len(unknown) > 0 {
		return refuse(ErrLayoutChanged, "Dòng %d của tệp có mã dòng ẩn “%s” không thuộc biểu này (có thể dòng được sao chép từ tệp khác): hãy xóa dòng này, hoặc tải lại biểu mẫu, nhập số liệu rồi tải lên.",
			unknown[0].row, vn.Truncate(unknown[0].key, 40))
	}
	return nil
}

// checkColumns finds the column-number line above the data, "(1)" "(2)"
// … in the columns the metadata names: columns inserted, deleted or
// swapped would put values under the wrong code.
func (rd *valueReader) checkColumns() error {
	if len(rd.f.Columns) == 0 || rd.firstRow == 0 {
		return nil
	}
	for row := rd.firstRow - 1; row >= 1; row-- {
		ok := true
		for _, c := range rd.f.Columns {
			if oneLine(rd.raw(row, rd.m.cols[c.Code])) != "("+c.Code+")" {
				ok = false
				break
			}
		}
		if ok {
			return nil
		}
	}
	return refuse(ErrLayoutChanged, "Các cột số liệu trong tệp không khớp với biểu: dòng đánh số cột (1), (2), … đã thay đổi (có thể cột đã bị chèn, xóa hoặc đổi chỗ). %s", msgReload)
}

// read takes the input cells of the rows found, and reports deleted rows
// and lines inserted with values.
func (rd *valueReader) read() {
	f, m := rd.f, rd.m
	for _, r := range f.Rows {
		if !r.HasValues() {
			continue
		}
		row, found := rd.rowAt[r.Key]
		inputs := 0
		for _, c := range f.Columns {
			if f.IsFormula(r, c) {
				if found {
					rd.locked(r, c, row, m.cols[c.Code])
				}
				continue
			}
			inputs++
			if found {
				rd.cell(r, c, row, m.cols[c.Code])
			}
		}
		if !found && inputs > 0 {
			rd.problem(Cell{Row: r.Key}, "", "Dòng “%s” bị xóa khỏi tệp: số liệu của dòng này không được nhận từ tệp. Nếu cần nhập dòng này, hãy tải lại biểu mẫu.", rowName(r))
		}
	}
	rd.insertedLines()
}

// insertedLines reports lines without a key below the first data line
// that hold values in the value columns: typed there, they would be
// lost silently. Below the last data line only numbers count, so that a
// signature block does not.
func (rd *valueReader) insertedLines() {
	last := 0
	keyed := make(map[int]bool, len(rd.rowAt))
	for _, row := range rd.rowAt {
		keyed[row] = true
		last = max(last, row)
	}
	for row := rd.firstRow + 1; row <= len(rd.grid) && rd.firstRow > 0; row++ {
		if keyed[row] {
			continue
		}
		for _, c := range rd.f.Columns {
			col := rd.m.cols[c.Code]
			raw := strings.TrimSpace(rd.raw(row, col))
			if raw == "" {
				continue
			}
			_, err := decimal.ParseCanonical(raw)
			_, typedErr := decimal.Parse(strings.TrimSuffix(raw, "%"))
			isNumber := err == nil || typedErr == nil
			if row < last || rd.kind(row, col).t == 0 || isNumber {
				rd.problem(Cell{}, cellName(col, row), "Dòng %d của tệp không thuộc biểu mẫu (dòng chèn thêm, không có mã dòng ẩn): số liệu trên dòng này không được nhận. Hãy nhập vào đúng dòng của biểu.", row)
				break
			}
		}
	}
}

// cell reads one input cell.
func (rd *valueReader) cell(r forms.Row, c forms.Column, row, col int) {
	key := Cell{Row: r.Key, Col: c.Code}
	ref := cellName(col, row)
	raw := rd.raw(row, col)
	k := rd.kind(row, col)
	where := func() string { return fmt.Sprintf("Ô %s (%s, cột (%s))", ref, rowName(r), c.Code) }
	if c.Type == forms.Text {
		switch {
		case k.t == 0 && raw != "":
			if x, ok := spreadsheetNumber(raw); ok {
				raw = x.String()
			}
		case k.t == 'b':
			raw = boolText(raw)
		}
		rd.up.Values[key] = cleanText(raw)
		return
	}
	if strings.TrimSpace(raw) == "" {
		rd.up.Values[key] = ""
		return
	}
	refused := func(msg string) {
		rd.up.Values[key] = cleanText(raw)
		rd.problem(key, ref, "%s: %s", where(), msg)
	}
	var x decimal.Decimal
	switch k.t {
	case 0:
		v, ok := spreadsheetNumber(raw)
		if !ok {
			refused(fmt.Sprintf("phải là số, đang có '%s'.", quoteShort(cleanText(raw))))
			return
		}
		switch rd.format(k.style) {
		case fmtDate:
			shown := raw
			if t, err := excelize.ExcelDateToTime(v.Float64(), false); err == nil {
				shown = t.Format("02/01/2006") // a wall date, no time zone
			}
			refused(fmt.Sprintf("phải là số, đang có ngày %s (Excel đã tự đổi số vừa nhập thành ngày tháng): hãy định dạng ô là Số (Number) rồi nhập lại.", shown))
			return
		case fmtPercent:
			if c.Type == forms.Percent {
				v, _ = v.Mul(decimal.FromInt(100)) // typed "12,5%": Excel keeps 0.125
			}
		}
		x = v
	case 's', 'i':
		typed := strings.TrimSpace(raw)
		if c.Type == forms.Percent {
			typed = strings.TrimSpace(strings.TrimSuffix(typed, "%"))
		}
		v, err := decimal.Parse(typed)
		if err != nil {
			refused(vn.LowerFirst(err.Error()))
			return
		}
		x = v
	case 'b':
		rd.up.Values[key] = boolText(raw)
		rd.problem(key, ref, "%s phải là số, đang có '%s'.", where(), boolText(raw))
		return
	default: // an error value (#DIV/0!), an ISO date, a formula's text
		refused(fmt.Sprintf("phải là số, đang có '%s'.", quoteShort(cleanText(raw))))
		return
	}
	if x.Positions() > decimal.MaxDigits {
		refused(fmt.Sprintf("có số quá nhiều chữ số ('%s'): chỉ nhận số có tối đa %d chữ số, như bảng tính giữ được.", quoteShort(cleanText(raw)), decimal.MaxDigits))
		return
	}
	rd.up.Numbers[key] = x
	if msg := c.Check(x); msg != "" {
		rd.problem(key, ref, "%s: %s (đang có %s).", where(), strings.TrimSuffix(vn.LowerFirst(msg), "."), x.Format())
	}
}

// locked reads what the file holds in a formula cell.
func (rd *valueReader) locked(r forms.Row, c forms.Column, row, col int) {
	raw := strings.TrimSpace(rd.raw(row, col))
	if raw == "" {
		return
	}
	key := Cell{Row: r.Key, Col: c.Code}
	if x, ok := spreadsheetNumber(raw); ok && rd.kind(row, col).t == 0 {
		rd.up.Locked[key] = Number(x)
		return
	}
	rd.up.Locked[key] = Text(cleanText(raw))
}

// spreadsheetNumber reads the value of a number cell exactly as written.
// A 16th or 17th significant digit that is only binary noise, such as
// 0.30000000000000004 (what 0,1 + 0,2 leaves in a spreadsheet), is dropped
// to the 15 digits the spreadsheet shows: the rounded value is the same
// double or its neighbour. Any other digit is kept, and a value with too
// many is then refused, never rounded.
func spreadsheetNumber(raw string) (decimal.Decimal, bool) {
	x, err := decimal.ParseCanonical(strings.TrimSpace(raw))
	if err != nil {
		return decimal.Zero, false
	}
	r := x.RoundDigits(decimal.MaxDigits)
	if r.Equal(x) {
		return x, true
	}
	fx, fr := x.Float64(), r.Float64()
	if math.Abs(fx-fr) <= 2*(math.Nextafter(math.Abs(fx), math.Inf(1))-math.Abs(fx)) {
		return r, true
	}
	return x, true
}

// rowName names a row in a message: its label in quotes, shortened.
func rowName(r forms.Row) string {
	label := oneLine(r.Label)
	if label == "" {
		label = r.STT
	}
	if label == "" {
		label = r.Key
	}
	if utf8.RuneCountInString(label) > 60 {
		label = string([]rune(label)[:57]) + "…"
	}
	return label
}

func quoteShort(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:37]) + "…"
	}
	return s
}

func cleanText(s string) string {
	return vn.Clean(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
}

func boolText(raw string) string {
	switch strings.TrimSpace(raw) {
	case "1":
		return "TRUE"
	case "0":
		return "FALSE"
	}
	return raw
}
