package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// ImportForm designs a form from an uploaded workbook an official made in
// Excel, reading its first visible sheet:
//
//   - the title lines above the table give the title, the form code
//     ("Biểu số …", "Mẫu số …"), the issuing document ("Ban hành kèm
//     theo …") and the unit ("Đơn vị tính: …");
//   - the column header is the block of lines above the column-number line
//     ((1), (2) … or 1, 2, 3 …) or, without one, above the first line that
//     starts with an STT (I, 1, a, -) next to a label; merged header cells
//     become the Groups of the leaf columns they span;
//   - the first columns (STT, label, and a unit column whose header says
//     "ĐVT" or "Đơn vị tính") become the row tree, nested by the STT style
//     (I → 1 → 1.1, a → - → +) and by the cell indent;
//   - the other columns become number columns summed on consolidation,
//     percent columns ("%", "tỷ lệ") not summed, text columns ("Ghi chú",
//     or text values).
//
// Rows are keyed r1, r2 …, columns 1 … n, the form b1. The warnings, in
// Vietnamese, tell the designer what was guessed. A file that is too
// large, not an .xlsx, macro-enabled, encrypted, a zip bomb, too big a
// sheet, or that holds an Excel formula is refused before excelize parses
// it, with an *apperr.Error (Invalid) wrapping one of the Err… sentinels.
func ImportForm(r io.Reader, size int64) (*forms.Form, []string, error) {
	b, err := readUpload(r, size)
	if err != nil {
		return nil, nil, err
	}
	pkg, err := checkPackage(b)
	if err != nil {
		return nil, nil, err
	}
	sheets, err := pkg.sheets()
	if err != nil {
		return nil, nil, err
	}
	var target *sheetRef
	visible := 0
	for i := range sheets {
		if sheets[i].Visible {
			if target == nil {
				target = &sheets[i]
			}
			visible++
		}
	}
	if target == nil {
		return nil, nil, refuse(ErrEmpty, "Tệp không có trang tính nào đang hiện.")
	}
	stats, err := pkg.scanSheet(target.Part)
	if err != nil {
		return nil, nil, err
	}
	if stats.lastRow == 0 {
		return nil, nil, refuse(ErrEmpty, "Trang tính “%s” không có dữ liệu.", target.Name)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:    MaxUnzippedSize,
		UnzipXMLSizeLimit: maxXMLPart, // no part is larger: all stay in memory
	})
	if err != nil {
		return nil, nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	defer x.Close()
	im := &importer{x: x, sheet: target.Name}
	if visible > 1 {
		im.warn("Tệp có %d trang tính; hệ thống chỉ đọc trang đầu tiên đang hiện: “%s”.", visible, target.Name)
	}
	if err := im.load(stats); err != nil {
		return nil, nil, err
	}
	f, err := im.design()
	if err != nil {
		return nil, nil, err
	}
	return f, im.warnings, nil
}

// importer holds the sheet as a grid of cleaned texts (0-based).
type importer struct {
	x        *excelize.File
	sheet    string
	warnings []string

	cells        [][]string
	leading      [][]uint8 // spaces typed before the text, for the indent
	nrows, ncols int
	merges       []rect
	cover        [][]int32 // merge index + 1 covering each cell, 0: none
	styleCache   map[int]cellLook
	outliers     *line // the line of the columns' outlier checks under the table, if any
}

type rect struct{ r0, c0, r1, c1 int } // inclusive

type cellLook struct {
	bold   bool
	indent int
}

func (im *importer) warn(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

func (im *importer) load(st sheetStats) error {
	rows, err := im.x.GetRows(im.sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	im.nrows = min(len(rows), st.lastRow)
	im.ncols = st.lastCol
	im.cells = make([][]string, im.nrows)
	im.leading = make([][]uint8, im.nrows)
	for r := range im.nrows {
		im.cells[r] = make([]string, im.ncols)
		im.leading[r] = make([]uint8, im.ncols)
		for c := 0; c < im.ncols && c < len(rows[r]); c++ {
			raw := rows[r][c]
			im.cells[r][c] = vn.Clean(strings.ReplaceAll(raw, "\r", ""))
			n := 0
			for _, ch := range raw {
				if ch != ' ' && ch != '\u00a0' && ch != '\t' {
					break
				}
				n++
			}
			im.leading[r][c] = uint8(min(n, 255))
		}
	}
	im.cover = make([][]int32, im.nrows)
	for r := range im.cover {
		im.cover[r] = make([]int32, im.ncols)
	}
	merged, err := im.x.GetMergeCells(im.sheet, true)
	if err != nil {
		return refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	for _, m := range merged {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		g := rect{r0 - 1, c0 - 1, min(r1, im.nrows) - 1, min(c1, im.ncols) - 1}
		if g.r0 >= im.nrows || g.c0 >= im.ncols || g.r1 < g.r0 || g.c1 < g.c0 {
			continue
		}
		im.merges = append(im.merges, g)
		for r := g.r0; r <= g.r1; r++ {
			for c := g.c0; c <= g.c1; c++ {
				im.cover[r][c] = int32(len(im.merges))
			}
		}
	}
	im.styleCache = map[int]cellLook{}
	return nil
}

func (im *importer) text(r, c int) string {
	if r < 0 || c < 0 || r >= im.nrows || c >= im.ncols {
		return ""
	}
	return im.cells[r][c]
}

// flat is a cell's text on one line.

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// region is the merge covering a cell, or the cell itself.
func (im *importer) region(r, c int) rect {
	if r >= 0 && c >= 0 && r < im.nrows && c < im.ncols {
		if m := im.cover[r][c]; m > 0 {
			return im.merges[m-1]
		}
	}
	return rect{r, c, r, c}
}

// look returns the boldness and indent of a cell.
func (im *importer) look(r, c int) cellLook {
	id, err := im.x.GetCellStyle(im.sheet, cellName(c+1, r+1))
	if err != nil {
		return cellLook{}
	}
	if l, ok := im.styleCache[id]; ok {
		return l
	}
	var l cellLook
	if s, err := im.x.GetStyle(id); err == nil {
		if s.Font != nil {
			l.bold = s.Font.Bold
		}
		if s.Alignment != nil {
			l.indent = s.Alignment.Indent
		}
	}
	im.styleCache[id] = l
	return l
}

// origin is a non-empty cell starting on a line (the top-left cell of a
// merge, or a plain cell).
type origin struct {
	col  int
	span rect
	text string
}

// origins lists the cells with text that start on line r.
func (im *importer) origins(r int) []origin {
	var out []origin
	for c := 0; c < im.ncols; c++ {
		g := im.region(r, c)
		if g.r0 != r || g.c0 != c {
			continue
		}
		if t := im.text(r, c); t != "" {
			out = append(out, origin{col: c, span: g, text: t})
		}
	}
	return out
}

var (
	// A cell of the column-number line: (1), 1, (A), A, (4)=(5)+(6).
	colNumberCell = regexp.MustCompile(`^\(?\s*([0-9]{1,3}|[A-Z])\s*\)?(\s*[=:].*)?$`)
	// An STT as written on paper: I, II., 1, 1., 1.1, a), (a), -, +.
	sttPattern = regexp.MustCompile(`^\(?([IVXLCDM]+|[0-9]{1,3}(\.[0-9]{1,3})*|[a-zđ]|[A-Z])[.)]?\)?$|^[-+*•–—]$`)
	// An STT at the start of a label: "I. Lĩnh vực", "1. …", "a) …", "- …".
	sttPrefix = regexp.MustCompile(`^(([IVXLCDM]+|[0-9]{1,3}(\.[0-9]{1,3})*)\.|[0-9]{1,3}\)|[a-zđ][.)]|[-+*•–—])\s+(\S.*)$`)

	headerWords = regexp.MustCompile(`(?i)^(stt|tt|số tt|số thứ tự|chỉ tiêu|tên chỉ tiêu|nội dung|danh mục|tên)\b`)
	titleWords  = regexp.MustCompile(`(?i)^\(?\s*(biểu\s+số|biểu\s+mẫu|mẫu\s+số|ban hành|kèm theo|đơn vị báo cáo|đơn vị nhận|đơn vị tính\s*:|đvt\s*:|kỳ báo cáo|ngày nhận|cộng hòa|cộng hoà|độc lập|ubnd|ủy ban|uỷ ban|tên đơn vị|số\s*:|từ ngày)`)
	sttHeader   = regexp.MustCompile(`(?i)^(stt|tt|số tt|số thứ tự|thứ tự)$`)

	codeLine         = regexp.MustCompile(`(?i)^(?:biểu\s+mẫu|biểu|mẫu)\s+số\s*:?\s*(\S.*)$`)
	unitLine         = regexp.MustCompile(`(?i)^\(?\s*(?:đơn\s+vị\s+tính|đvt)\s*:\s*(.+?)\s*\)?$`)
	codeEnd          = regexp.MustCompile(`(?i)^(.*?)(?:\s*:\s+|\s+[-–—]\s+|\s+(\(?(?:ban hành|kèm theo).*))(.*)$`)
	issuedLine       = regexp.MustCompile(`(?i)^\(?\s*(ban hành|kèm theo)`)
	docWords         = regexp.MustCompile(`(?i)(thông tư|quyết định|nghị định|công văn|hướng dẫn)`)
	ignoredLine      = regexp.MustCompile(`(?i)^\(?\s*(đơn vị báo cáo|đơn vị nhận|kỳ báo cáo|ngày nhận|cộng hòa|cộng hoà|độc lập|ubnd|ủy ban|uỷ ban|tên đơn vị|số\s*:|nơi nhận|từ ngày|thời điểm|kỳ\s*:|[-_.…]{3,})`)
	footerLine       = regexp.MustCompile(`(?i)^\(?\s*(người lập|người ký|thủ trưởng|kế toán trưởng|nơi nhận|ghi chú|lưu ý|chú thích|ký,|\(ký|xác nhận của)|ngày\s*[.…_ ]*\s*tháng\s*[.…_ ]*\s*năm`)
	unitHeader       = regexp.MustCompile(`(?i)(đvt|đơn vị tính|đv tính)`)
	ofWhichText      = regexp.MustCompile(`(?i)^(trong đó|trong số đó)`)
	defaultSheetName = regexp.MustCompile(`(?i)^(sheet|trang tính|bieu)\s*\d*$`)
	totalLabel       = regexp.MustCompile(`(?i)^(tổng cộng|tổng số|cộng|toàn tỉnh|tổng)\b`)
)

func isSTT(s string) bool { return sttPattern.MatchString(s) }

// isNumberLine reports whether line r is the column-number line: every
// cell a number or a letter, the numbers 1, 2, 3 … in order.
func (im *importer) isNumberLine(r int) bool {
	cells := im.origins(r)
	if len(cells) < 2 {
		return false
	}
	next, letter := 1, 'A'
	for _, c := range cells {
		m := colNumberCell.FindStringSubmatch(oneLine(c.text))
		if m == nil {
			return false
		}
		if n, err := strconv.Atoi(m[1]); err == nil {
			if n != next {
				return false
			}
			next++
			continue
		}
		if rune(m[1][0]) != letter || next > 1 {
			return false
		}
		letter++
	}
	return next > 2
}

// isDataLine reports whether line r starts like a row of the table: an
// STT beside a label, or a label opening with an STT ("I. Lĩnh vực").
func (im *importer) isDataLine(r int) bool {
	cells := im.origins(r)
	if len(cells) == 0 {
		return false
	}
	first := oneLine(cells[0].text)
	if isSTT(first) {
		return len(cells) > 1 && cells[1].col <= cells[0].span.c1+2 && hasLetter(cells[1].text)
	}
	return sttPrefix.MatchString(first) && !titleWords.MatchString(first)
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r > '9' && r != '(' && r != ')' }) >= 0
}

// isTitleLine reports whether line r, above the header, is a title line:
// empty, a single text, or a few cells of the administrative heading.
func (im *importer) isTitleLine(r int) bool {
	cells := im.origins(r)
	for _, c := range cells {
		if headerWords.MatchString(oneLine(c.text)) {
			return false
		}
	}
	if len(cells) <= 1 {
		return true
	}
	// The administrative heading: "UBND TỈNH … | CỘNG HÒA …", "Biểu số … |
	// Đơn vị báo cáo: … | Sở Tư pháp" — at least half the cells say so.
	known := 0
	for _, c := range cells {
		if t := oneLine(c.text); titleWords.MatchString(t) || ignoredLine.MatchString(t) {
			known++
		}
	}
	return 2*known >= len(cells)
}

// table is the layout found in the sheet (0-based lines and columns).
type table struct {
	headerTop, headerBottom int
	numberLine              int // -1: none
	dataStart               int
	sttCol, labelCol        int // sttCol -1: no STT column
	labelEnd                int // last column of the label header
	unitCol                 int // -1: none
	lastCol                 int
}

func (im *importer) findTable() (table, error) {
	t := table{numberLine: -1, unitCol: -1}
	noHeader := refuse(ErrNoHeader, "Không nhận ra dòng tiêu đề cột của biểu. Hãy để tiêu đề cột (STT, Tên chỉ tiêu, các cột số liệu) ngay trên dòng đánh số cột (1), (2), … hoặc ngay trên dòng chỉ tiêu đầu tiên.")
	end := -1
	sawHeader := false
	for r := 0; r < im.nrows && r < 60; r++ {
		if im.isNumberLine(r) {
			t.numberLine, end = r, r
			break
		}
		if sawHeader && im.isDataLine(r) {
			end = r
			break
		}
		if !im.isTitleLine(r) {
			sawHeader = true
		}
	}
	if end <= 0 {
		return t, noHeader
	}
	t.headerTop = -1
	for r := 0; r < end; r++ {
		if !im.isTitleLine(r) {
			t.headerTop = r
			break
		}
	}
	if t.headerTop < 0 {
		return t, noHeader
	}
	top := im.origins(t.headerTop)
	if len(top) == 0 {
		return t, noHeader
	}
	// The fixed columns: STT (when its header says so, or its cells look
	// like STTs), the label, an optional unit column.
	first := top[0]
	switch {
	case sttHeader.MatchString(oneLine(first.text)) || (!headerWords.MatchString(oneLine(first.text)) && im.looksLikeSTTColumn(first.col, end)):
		if len(top) < 2 {
			return t, noHeader
		}
		t.sttCol, t.labelCol, t.labelEnd = first.col, top[1].col, top[1].span.c1
	default:
		t.sttCol, t.labelCol, t.labelEnd = -1, first.col, first.span.c1
	}
	// Header bottom: just above the number line; without one, down to the
	// first line whose label cell holds text of its own.
	if t.numberLine >= 0 {
		t.headerBottom, t.dataStart = t.numberLine-1, t.numberLine+1
	} else {
		h := t.headerTop
		for h+1 < end {
			g := im.region(h+1, t.labelCol)
			if g.r0 <= h || im.text(h+1, t.labelCol) == "" && (t.sttCol < 0 || im.text(h+1, t.sttCol) == "" || im.region(h+1, t.sttCol).r0 <= h) {
				h++
				continue
			}
			break
		}
		t.headerBottom, t.dataStart = h, h+1
	}
	if t.headerBottom-t.headerTop >= 8 {
		return t, noHeader
	}
	for r := t.headerTop; r <= t.headerBottom; r++ {
		for _, c := range im.origins(r) {
			t.lastCol = max(t.lastCol, c.span.c1)
		}
	}
	if t.numberLine >= 0 {
		for _, c := range im.origins(t.numberLine) {
			t.lastCol = max(t.lastCol, c.span.c1)
		}
	}
	if next := t.labelEnd + 1; next <= t.lastCol && unitHeader.MatchString(strings.Join(im.headerPath(t, next), " ")) {
		t.unitCol = next
	}
	if t.lastCol <= max(t.labelEnd, t.unitCol) {
		return t, refuse(ErrNoHeader, "Không nhận ra cột số liệu nào bên phải cột tên chỉ tiêu. Hãy kiểm tra dòng tiêu đề cột của biểu.")
	}
	return t, nil
}

// looksLikeSTTColumn reports whether most texts in column c below line
// from look like STTs.
func (im *importer) looksLikeSTTColumn(c, from int) bool {
	stt, other := 0, 0
	for r := from; r < im.nrows; r++ {
		g := im.region(r, c)
		if g.r0 != r || g.c0 != c {
			continue
		}
		if t := oneLine(im.text(r, c)); t != "" {
			if isSTT(t) {
				stt++
			} else if !colNumberCell.MatchString(t) {
				other++
			}
		}
	}
	return stt > 0 && stt >= other
}

// headerPath returns the header texts above a column, from the top; a
// cell merged down over several lines counts once.
func (im *importer) headerPath(t table, c int) []string {
	var path []string
	for r := t.headerTop; r <= t.headerBottom; r++ {
		g := im.region(r, c)
		if g.r0 < r && r > t.headerTop {
			continue // continues a cell merged down from a line above
		}
		if s := oneLine(im.text(g.r0, g.c0)); s != "" {
			path = append(path, s)
		}
	}
	return path
}

// columnHeaders returns the header path of each value column; a group
// label typed only above the first of its columns without merging is
// carried right over the neighbours that have sub-headers too.
func (im *importer) columnHeaders(t table, cols []int) [][]string {
	lines := t.headerBottom - t.headerTop + 1
	grid := make([][]string, lines) // grid[line][i]: text starting there, "\x00" for a continuation
	for l := range grid {
		grid[l] = make([]string, len(cols))
		r := t.headerTop + l
		for i, c := range cols {
			g := im.region(r, c)
			switch {
			case g.r0 < r && r > t.headerTop:
				grid[l][i] = "\x00"
			default:
				grid[l][i] = oneLine(im.text(g.r0, g.c0))
			}
		}
	}
	for l := 0; l < lines-1; l++ {
		for i := 1; i < len(cols); i++ {
			if cols[i] != cols[i-1]+1 || grid[l][i] != "" || grid[l+1][i] == "" || grid[l+1][i] == "\x00" {
				continue
			}
			if left := grid[l][i-1]; left != "" && left != "\x00" && grid[l+1][i-1] != "" && grid[l+1][i-1] != "\x00" &&
				im.region(t.headerTop+l, cols[i]).c0 == cols[i] {
				grid[l][i] = left
			}
		}
	}
	out := make([][]string, len(cols))
	for i := range cols {
		for l := 0; l < lines; l++ {
			if s := grid[l][i]; s != "" && s != "\x00" {
				out[i] = append(out[i], s)
			}
		}
	}
	return out
}

// line is a row of the table as read.
type line struct {
	excelRow   int
	stt, label string
	unit       string
	bold       bool
	indent     int
	values     []string // per value column
}

func (l line) hasNumbers() bool {
	for _, v := range l.values {
		if _, ok := readNumber(v); ok {
			return true
		}
	}
	return false
}

func isBlankValue(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "x", "X", "-", "–", "—":
		return true
	}
	return false
}

func (l line) hasValues() bool {
	for _, v := range l.values {
		if !isBlankValue(v) {
			return true
		}
	}
	return false
}

func (im *importer) design() (*forms.Form, error) {
	t, err := im.findTable()
	if err != nil {
		return nil, err
	}
	f := &forms.Form{Key: "b1"}
	im.readTitle(t, f)

	// Value columns: right of the label (and unit) column up to the last
	// header column, hidden ones left out.
	var cols []int
	var hidden []string
	for c := max(t.labelEnd, t.unitCol) + 1; c <= t.lastCol; c++ {
		if ok, err := im.x.GetColVisible(im.sheet, columnName(c+1)); err == nil && !ok {
			hidden = append(hidden, columnName(c+1))
			continue
		}
		cols = append(cols, c)
	}
	if len(hidden) > 0 {
		im.warn("Đã bỏ qua các cột đang ẩn: %s.", strings.Join(hidden, ", "))
	}
	lines := im.readLines(t, cols)
	paths := im.columnHeaders(t, cols)
	keep := make([]bool, len(cols))
	for i := range cols {
		keep[i] = len(paths[i]) > 0
		for _, l := range lines {
			keep[i] = keep[i] || !isBlankValue(l.values[i])
		}
	}
	var unnamed []string
	for i := range cols {
		if !keep[i] {
			continue // an empty spacer column
		}
		code := strconv.Itoa(len(f.Columns) + 1)
		c := forms.Column{Code: code, Type: forms.Number, Aggregation: forms.Sum}
		if p := paths[i]; len(p) > 0 {
			c.Label, c.Groups = p[len(p)-1], slices.Clone(p[:len(p)-1])
		} else {
			c.Label = "Cột " + code
			unnamed = append(unnamed, "("+code+")")
		}
		if len(c.Groups) == 0 {
			c.Groups = nil
		}
		im.typeColumn(&c, i, lines)
		f.Columns = append(f.Columns, c)
	}
	if len(f.Columns) == 0 {
		return nil, refuse(ErrNoHeader, "Không nhận ra cột số liệu nào bên phải cột tên chỉ tiêu. Hãy kiểm tra dòng tiêu đề cột của biểu.")
	}
	if len(f.Columns) > forms.MaxColumns {
		return nil, refuse(ErrTooManyColumns, "Biểu có %d cột số liệu, vượt giới hạn %d cột.", len(f.Columns), forms.MaxColumns)
	}
	if len(unnamed) > 0 {
		im.warn("Các cột %s chưa có tiêu đề; hãy đặt tên cột trong trình thiết kế.", strings.Join(unnamed, ", "))
	}
	var percent, text []string
	for _, c := range f.Columns {
		switch c.Type {
		case forms.Percent:
			percent = append(percent, fmt.Sprintf("(%s) “%s”", c.Code, c.Label))
		case forms.Text:
			text = append(text, fmt.Sprintf("(%s) “%s”", c.Code, c.Label))
		}
	}
	if len(percent) > 0 {
		im.warn("Các cột tỷ lệ %s được đặt kiểu Tỷ lệ %%, không cộng khi tổng hợp và chưa có công thức; hãy khai báo công thức tính trong trình thiết kế.", strings.Join(percent, ", "))
	}
	if len(text) > 0 {
		im.warn("Các cột %s được đặt kiểu Chữ.", strings.Join(text, ", "))
	}
	if err := im.applyOutliers(f, cols, keep); err != nil {
		return nil, err
	}
	// Drop the values of the columns left out, then build the row tree.
	for li := range lines {
		var vals []string
		for i := range cols {
			if keep[i] {
				vals = append(vals, lines[li].values[i])
			}
		}
		lines[li].values = vals
	}
	if len(lines) == 0 {
		return nil, refuse(ErrNoRows, "Không tìm thấy dòng chỉ tiêu nào dưới dòng tiêu đề cột của biểu.")
	}
	if len(lines) > forms.MaxRows {
		return nil, refuse(ErrTooManyRows, "Biểu có %s dòng, vượt giới hạn %s dòng.", vn.Int(int64(len(lines))), vn.Int(forms.MaxRows))
	}
	f.Rows = im.buildRows(lines, f.Columns)
	return f, nil
}

// typeColumn sets the type, decimals and aggregation of column i.
func (im *importer) typeColumn(c *forms.Column, i int, lines []line) {
	header := strings.ToLower(strings.Join(append(slices.Clone(c.Groups), c.Label), " "))
	numbers, texts, decimals := 0, 0, 0
	for _, l := range lines {
		v := l.values[i]
		if isBlankValue(v) {
			continue
		}
		if x, ok := readNumber(v); ok {
			numbers++
			decimals = max(decimals, min(x.Decimals(), 4))
		} else {
			texts++
		}
	}
	switch {
	case strings.Contains(header, "ghi chú") || texts > numbers:
		c.Type, c.Aggregation = forms.Text, forms.NoAggregate
	case strings.Contains(header, "%") || strings.Contains(header, "tỷ lệ") || strings.Contains(header, "tỉ lệ"):
		c.Type, c.Aggregation, c.Decimals = forms.Percent, forms.NoAggregate, max(decimals, 1)
	default:
		c.Decimals = decimals
	}
}

// readLines reads the table's rows, stopping at the signature block.
func (im *importer) readLines(t table, cols []int) []line {
	var out []line
	var skipped []string
	hiddenRows := 0
	for r := t.dataStart; r < im.nrows; r++ {
		cells := im.origins(r)
		if len(cells) == 0 {
			continue
		}
		l := line{excelRow: r + 1}
		l.values = make([]string, len(cols))
		for i, c := range cols {
			if g := im.region(r, c); g.r0 == r && g.c0 == c {
				l.values[i] = oneLine(im.text(r, c))
			}
		}
		footer := false
		for _, c := range cells {
			footer = footer || footerLine.MatchString(oneLine(c.text))
		}
		if footer && !l.hasNumbers() {
			im.warn("Đã bỏ qua phần cuối trang tính từ dòng %d (“%s”).", r+1, truncate(oneLine(cells[0].text), 40))
			break
		}
		if ok, err := im.x.GetRowVisible(im.sheet, r+1); err == nil && !ok {
			hiddenRows++
			continue
		}
		labelCell := t.labelCol
		if t.sttCol >= 0 {
			if g := im.region(r, t.sttCol); g.r0 == r && g.c0 == t.sttCol {
				l.stt = oneLine(im.text(r, t.sttCol))
				if g.c1 >= t.labelCol { // STT and label typed in one merged cell
					l.label, l.stt, labelCell = l.stt, "", t.sttCol
				}
			}
		}
		if g := im.region(r, t.labelCol); g.r0 == r && g.c0 == t.labelCol {
			l.label = oneLine(im.text(r, t.labelCol))
		}
		if strings.EqualFold(l.label, OutlierLine) {
			im.outliers = &l // the designer's settings end the table
			break
		}
		if l.label == "" && l.stt != "" && !isSTT(l.stt) {
			l.label, l.stt, labelCell = l.stt, "", t.sttCol
		}
		if l.stt == "" {
			if m := sttPrefix.FindStringSubmatch(l.label); m != nil {
				l.stt, l.label = strings.TrimSpace(strings.TrimSuffix(l.label, m[len(m)-1])), m[len(m)-1]
			}
		}
		if t.unitCol >= 0 {
			if g := im.region(r, t.unitCol); g.r0 == r && g.c0 == t.unitCol {
				l.unit = oneLine(im.text(r, t.unitCol))
			}
		}
		if l.label == "" {
			if l.stt != "" || l.hasValues() {
				skipped = append(skipped, strconv.Itoa(r+1))
			}
			continue
		}
		look := im.look(r, labelCell)
		// The cell indent, or spaces typed before the label (three make one
		// indent step, as wide as Excel's).
		l.bold, l.indent = look.bold, look.indent+(int(im.leading[r][labelCell])+1)/3
		out = append(out, l)
	}
	if hiddenRows > 0 {
		im.warn("Đã bỏ qua %d dòng đang ẩn.", hiddenRows)
	}
	if len(skipped) > 0 {
		im.warn("Đã bỏ qua các dòng không có tên chỉ tiêu: %s.", strings.Join(skipped, ", "))
	}
	return out
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// readTitle reads the lines above the header.
func (im *importer) readTitle(t table, f *forms.Form) {
	type candidate struct {
		line, col, width int
		bold             bool
		text             string
	}
	var cands []candidate
	for r := 0; r < t.headerTop; r++ {
		for _, c := range im.origins(r) {
			issued := false
			var parts []string
			for _, frag := range strings.Split(c.text, "\n") {
				frag = oneLine(frag)
				switch m := codeLine.FindStringSubmatch(frag); {
				case frag == "":
				case m != nil && f.Code == "":
					// "Mẫu số 02: Báo cáo …", "Biểu số 06/VPCP/KSTT ban hành kèm theo …"
					code, rest := m[1], ""
					if m := codeEnd.FindStringSubmatch(code); m != nil {
						code, rest = m[1], oneLine(m[2]+m[3])
					}
					f.Code = strings.TrimRight(code, " .:;,")
					switch {
					case rest == "":
					case issuedLine.MatchString(rest) && f.IssuedBy == "":
						f.IssuedBy, issued = rest, true
					default:
						parts = append(parts, rest)
					}
				case unitLine.MatchString(frag) && f.Unit == "":
					f.Unit = unitLine.FindStringSubmatch(frag)[1]
				case issuedLine.MatchString(frag) && f.IssuedBy == "":
					f.IssuedBy, issued = frag, true
				case issued:
					f.IssuedBy += " " + frag
				case ignoredLine.MatchString(frag) || strings.HasPrefix(frag, "(") && strings.HasSuffix(frag, ")"):
				default:
					parts = append(parts, frag)
				}
			}
			if len(parts) > 0 {
				cands = append(cands, candidate{line: r, col: c.col, width: c.span.c1 - c.col + 1,
					bold: im.look(r, c.col).bold, text: strings.Join(parts, " ")})
			}
		}
	}
	best := -1
	for i, c := range cands {
		if len([]rune(c.text)) < 3 {
			continue
		}
		if best < 0 || c.width > cands[best].width || c.width == cands[best].width && c.bold && !cands[best].bold {
			best = i
		}
	}
	if best >= 0 {
		title := cands[best].text
		// A title set over consecutive lines of the same width: BÁO CÁO /
		// Tình hình, kết quả …
		for i, last := best+1, cands[best].line; i < len(cands) && i <= best+2; i++ {
			if c := cands[i]; c.line == last+1 && c.col == cands[best].col && c.width == cands[best].width {
				title += " " + c.text
				last = c.line
				cands[i].text = ""
			}
		}
		f.Title = title
		for i, c := range cands {
			if i != best && c.text != "" && f.IssuedBy == "" && docWords.MatchString(c.text) {
				f.IssuedBy = c.text
			}
		}
	}
	if f.Title == "" {
		f.Title = im.sheet
		if defaultSheetName.MatchString(f.Title) {
			f.Title = "Biểu nhập từ Excel"
		}
		im.warn("Không tìm thấy tên biểu ở đầu trang tính; tạm đặt tên “%s”, hãy sửa trong trình thiết kế.", f.Title)
	}
}

// sttRank orders STT styles from the outermost: A (0), I (1), 1 (2),
// 1.1 (3), a (3.5), ii (3.75), 1.1.1 (4), - (5), + (6), * (7). A blank STT
// ranks with the numbers, as forms.LevelOfSTT has it.
func sttRank(stt string) float64 {
	s := strings.TrimSpace(stt)
	s = strings.TrimPrefix(s, "(")
	s = strings.TrimRight(s, ".)")
	switch {
	case s == "":
		return 2
	case s == "-" || s == "–" || s == "—":
		return 5
	case s == "+":
		return 6
	case s == "*" || s == "•":
		return 7
	case len(s) == 1 && s[0] >= 'A' && s[0] <= 'Z' && !strings.ContainsAny(s, "IVX"):
		return 0
	case strings.Trim(s, "IVXLCDM") == "":
		return 1
	case strings.Trim(s, "0123456789") == "":
		return 2
	case strings.Trim(s, "0123456789.") == "":
		return 2 + float64(strings.Count(s, "."))
	case len([]rune(s)) == 1 && strings.ToLower(s) == s:
		return 3.5
	case strings.Trim(s, "ivxl") == "":
		return 3.75
	}
	return 2
}

// buildRows nests the lines into the row tree and chooses their kinds.
func (im *importer) buildRows(lines []line, cols []forms.Column) []forms.Row {
	n := len(lines)
	parent := make([]int, n)
	// Indent mode: when the sheet's indents describe a tree (every line at
	// most one level deeper than the line above, starting at 0) and carry
	// at least as many levels as the STTs, they decide alone (a workbook
	// exported by ExportForm is read back this way). Otherwise the STT
	// style decides, the indent breaking ties.
	indents, ranks := map[int]bool{}, map[float64]bool{}
	consistent, anyIndent := lines[0].indent == 0, false
	for i, l := range lines {
		indents[l.indent] = true
		if strings.TrimSpace(l.stt) != "" {
			ranks[sttRank(l.stt)] = true
		}
		anyIndent = anyIndent || l.indent > 0
		if i > 0 && l.indent > lines[i-1].indent+1 {
			consistent = false
		}
	}
	indentMode := anyIndent && consistent && len(indents) >= len(ranks)
	type key struct {
		indent int
		rank   float64
	}
	less := func(a, b key) bool { return a.indent < b.indent || a.indent == b.indent && a.rank < b.rank }
	keys := make([]key, n)
	var stack []int
	for i, l := range lines {
		k := key{indent: l.indent, rank: sttRank(l.stt)}
		switch {
		case indentMode:
			k.rank = 0
		case ofWhichText.MatchString(l.label) && strings.TrimSpace(l.stt) == "" && i > 0:
			k.rank = keys[i-1].rank + 0.25 // part of the line above
		case strings.TrimSpace(l.stt) == "" && totalLabel.MatchString(l.label):
			k = key{} // a grand total line stands at the top
		}
		keys[i] = k
		for len(stack) > 0 && !less(keys[stack[len(stack)-1]], k) {
			stack = stack[:len(stack)-1]
		}
		parent[i] = -1
		if len(stack) > 0 {
			parent[i] = stack[len(stack)-1]
		}
		stack = append(stack, i)
	}
	ofWhich := make([]bool, n)
	for i, l := range lines {
		ofWhich[i] = ofWhichText.MatchString(l.label)
	}
	// Which lines have values below them, through children that are not
	// "of which" lines (those are parts, not addends).
	valuesBelow := make([]bool, n)
	hasChildren := make([]bool, n)
	for i := n - 1; i >= 0; i-- {
		if p := parent[i]; p >= 0 && !ofWhich[i] {
			hasChildren[p] = true
			valuesBelow[p] = valuesBelow[p] || lines[i].hasValues() || valuesBelow[i]
		}
	}
	rows := make([]forms.Row, n)
	var sums []string
	for i, l := range lines {
		r := forms.Row{Key: "r" + strconv.Itoa(i+1), STT: l.stt, Label: l.label, Unit: l.unit, Bold: l.bold, Kind: forms.Indicator}
		if parent[i] >= 0 {
			r.Parent = rows[parent[i]].Key
		}
		rank := sttRank(l.stt)
		switch {
		case ofWhich[i]:
			r.Kind = forms.OfWhich
		case !l.hasValues() && valuesBelow[i]:
			r.Kind = forms.Subtotal
		case !l.hasValues() && (l.bold || strings.TrimSpace(l.stt) != "" && rank <= 1):
			r.Kind = forms.Heading
		case l.hasValues() && hasChildren[i] && im.sumsChildren(i, lines, parent, ofWhich, cols):
			r.Kind = forms.Subtotal
			sums = append(sums, strconv.Itoa(l.excelRow))
		}
		rows[i] = r
	}
	switch len(sums) {
	case 0:
	case 1:
		im.warn("Dòng %s của trang tính có số liệu bằng tổng các dòng con nên được đặt là dòng tổng (tự cộng các dòng con).", sums[0])
	default:
		im.warn("Các dòng %s của trang tính có số liệu bằng tổng các dòng con nên được đặt là dòng tổng (tự cộng các dòng con).", strings.Join(sums, ", "))
	}
	return rows
}

// sumsChildren reports whether every number of line i equals the sum of
// its children's (the "of which" lines left out), one at least non-zero.
func (im *importer) sumsChildren(i int, lines []line, parent []int, ofWhich []bool, cols []forms.Column) bool {
	nonZero := false
	for ci, c := range cols {
		if c.Type != forms.Number || c.Aggregation != forms.Sum {
			continue
		}
		own, ok := readNumber(lines[i].values[ci])
		if !ok {
			if !isBlankValue(lines[i].values[ci]) {
				return false
			}
			continue
		}
		sum, any := decimal.Zero, false
		for j := i + 1; j < len(lines); j++ {
			if parent[j] == i && !ofWhich[j] {
				if v, ok := readNumber(lines[j].values[ci]); ok {
					sum, _ = sum.Add(v)
					any = true
				}
			}
		}
		if !any || !sum.Equal(own) {
			return false
		}
		nonZero = nonZero || !own.IsZero()
	}
	return nonZero
}
