package pdf

import (
	"strings"

	"baocao/internal/forms"
)

const (
	cellPadX   = 3.0
	cellPadY   = 2.0
	depthShift = 8.0 // label indent per tree level
)

// tableLayout is a form measured for printing.
type tableLayout struct {
	f       *forms.Form
	size    float64   // font size
	unitCol bool      // print the "Đơn vị tính" column
	x       []float64 // left edge of every printed column
	w       []float64 // width of every printed column
	lead    int       // number of leading columns (STT, label[, unit])
	header  [][]forms.HeaderCell
	headerH []float64 // height of every header line
	numberH float64
}

// cell is a header cell placed on the grid of data columns.
type placedCell struct {
	forms.HeaderCell
	line, col int
}

func (t *tableLayout) totalHeaderH() float64 {
	h := t.numberH
	for _, x := range t.headerH {
		h += x
	}
	return h
}

func rowStyle(row forms.Row) int {
	switch {
	case row.Kind == forms.Heading || row.Kind == forms.Subtotal || row.Bold:
		return bold
	case row.Kind == forms.OfWhich:
		return italic
	}
	return regular
}

// measure sizes the columns: STT and unit as narrow as their content,
// value columns as wide as their widest value or header word, the label
// column gets the rest (and at least 30 % of the width).
func (r *renderer) measure(f *forms.Form, values map[string]string) *tableLayout {
	var t *tableLayout
	for size := tableSize; ; size -= 0.5 {
		var fits bool
		t, fits = r.measureAt(f, values, size)
		if fits || size <= minTableSize {
			return t
		}
	}
}

// measureAt sizes the table at a font size and reports whether the value
// columns keep their natural width.
func (r *renderer) measureAt(f *forms.Form, values map[string]string, size float64) (*tableLayout, bool) {
	tableSize := size
	fits := true
	t := &tableLayout{f: f, header: f.Header(), size: size}
	for _, row := range f.Rows {
		if row.Unit != "" {
			t.unitCol = true
		}
	}
	r.font(bold, tableSize)
	sttW := r.width("STT")
	unitW := r.width("Đơn vị")
	labelW := r.width("Chỉ tiêu")
	valW := make([]float64, len(f.Columns))
	headerWord := func(label string) float64 {
		w := 0.0
		for _, wd := range strings.Fields(label) {
			w = max(w, r.width(wd))
		}
		return w
	}
	for i, c := range f.Columns {
		valW[i] = max(headerWord(c.Label), r.width("(99)"))
	}
	for _, row := range f.Rows {
		r.font(rowStyle(row), tableSize)
		sttW = max(sttW, r.width(row.STT))
		if t.unitCol {
			unitW = max(unitW, min(r.width(row.Unit), size*5))
		}
		labelW = max(labelW, r.width(clean(row.Label)))
		for i, c := range f.Columns {
			if v := values[f.Key+"|"+row.Key+"|"+c.Code]; v != "" {
				valW[i] = max(valW[i], min(r.width(v), size*9))
			}
		}
	}
	pad := 2 * cellPadX
	widths := []float64{sttW + pad, 0}
	if t.unitCol {
		widths = append(widths, unitW+pad)
	}
	t.lead = len(widths)
	fixed := widths[0]
	if t.unitCol {
		fixed += widths[2]
	}
	vals := 0.0
	for i := range valW {
		valW[i] += pad
		vals += valW[i]
	}
	label := contentWidth - fixed - vals
	if minLabel := contentWidth * 0.28; label < minLabel {
		fits = false
		// Shrink the value columns proportionally.
		label = min(minLabel, labelW+pad)
		scale := (contentWidth - fixed - label) / vals
		for i := range valW {
			valW[i] *= scale
		}
	}
	widths[1] = label
	widths = append(widths, valW...)
	x := contentLeft
	for _, w := range widths {
		t.x = append(t.x, x)
		t.w = append(t.w, w)
		x += w
	}

	// Header line heights.
	r.font(bold, tableSize)
	lh := r.lineH()
	textH := func(s string, w float64) float64 {
		return float64(len(r.wrap(s, w-pad, w-pad)))*lh + 2*cellPadY
	}
	t.headerH = make([]float64, len(t.header))
	for i := range t.headerH {
		t.headerH[i] = lh + 2*cellPadY
	}
	cells := t.place()
	for _, c := range cells {
		if c.RowSpan == 1 {
			t.headerH[c.line] = max(t.headerH[c.line], textH(c.Label, t.spanW(c)))
		}
	}
	grow := func(from, span int, need float64) {
		have := 0.0
		for l := from; l < from+span; l++ {
			have += t.headerH[l]
		}
		if need > have {
			t.headerH[from+span-1] += need - have
		}
	}
	for _, c := range cells {
		if c.RowSpan > 1 {
			grow(c.line, c.RowSpan, textH(c.Label, t.spanW(c)))
		}
	}
	for i, s := range t.leadLabels() {
		grow(0, len(t.header), textH(s, t.w[i]))
	}
	r.font(italic, tableSize-1)
	t.numberH = r.lineH() + 2
	return t, fits
}

func (t *tableLayout) leadLabels() []string {
	if t.unitCol {
		return []string{"STT", "Chỉ tiêu", "Đơn vị tính"}
	}
	return []string{"STT", "Chỉ tiêu"}
}

// place puts each header cell on its first data column.
func (t *tableLayout) place() []placedCell {
	n := len(t.f.Columns)
	busy := make([][]bool, len(t.header))
	for i := range busy {
		busy[i] = make([]bool, n)
	}
	var out []placedCell
	for l, line := range t.header {
		col := 0
		for _, c := range line {
			for col < n && busy[l][col] {
				col++
			}
			if col >= n {
				break
			}
			out = append(out, placedCell{c, l, col})
			for dl := l; dl < l+c.RowSpan && dl < len(t.header); dl++ {
				for dc := col; dc < col+c.ColSpan && dc < n; dc++ {
					busy[dl][dc] = true
				}
			}
			col += c.ColSpan
		}
	}
	return out
}

func (t *tableLayout) spanW(c placedCell) float64 {
	w := 0.0
	for i := c.col; i < c.col+c.ColSpan && t.lead+i < len(t.w); i++ {
		w += t.w[t.lead+i]
	}
	return w
}

// cellText draws wrapped text in a cell box, vertically centred.
func (r *renderer) cellText(x, y, w, h float64, s string, align int) {
	inner := w - 2*cellPadX
	lines := r.wrap(s, inner, inner)
	top := y + (h-float64(len(lines))*r.lineH())/2
	for i, ln := range lines {
		r.lineAt(x+cellPadX, inner, top+float64(i)*r.lineH(), ln, align, true)
	}
}

func (r *renderer) box(x, y, w, h float64) { r.gp.RectFromUpperLeftWithStyle(x, y, w, h, "D") }

// drawHeader draws all header lines and the numbering line at the cursor.
func (r *renderer) drawHeader(t *tableLayout) {
	top := r.y
	total := 0.0
	lineTop := make([]float64, len(t.headerH)+1)
	for i, h := range t.headerH {
		lineTop[i] = top + total
		total += h
	}
	lineTop[len(t.headerH)] = top + total
	r.font(bold, t.size)
	for i, s := range t.leadLabels() {
		r.box(t.x[i], top, t.w[i], total)
		r.cellText(t.x[i], top, t.w[i], total, s, alignCenter)
	}
	for _, c := range t.place() {
		x := t.x[t.lead+c.col]
		y := lineTop[c.line]
		end := min(c.line+c.RowSpan, len(t.headerH))
		h := lineTop[end] - y
		w := t.spanW(c)
		r.box(x, y, w, h)
		r.cellText(x, y, w, h, clean(c.Label), alignCenter)
	}
	// Numbering line: A, B, C for the leading columns, (1), (2) … for values.
	r.font(italic, t.size-1)
	y := top + total
	for i := range t.w {
		label := string(rune('A' + i))
		if i >= t.lead {
			code := t.f.Columns[i-t.lead].Code
			if code == "" {
				code = string(rune('1' + i - t.lead))
			}
			label = "(" + code + ")"
		}
		r.box(t.x[i], y, t.w[i], t.numberH)
		r.cellText(t.x[i], y, t.w[i], t.numberH, label, alignCenter)
	}
	r.y = y + t.numberH
}

type rowCells struct {
	style int
	texts []string
	align []int
	shift []float64
	h     float64
}

func (r *renderer) rowCells(t *tableLayout, row forms.Row, depth int, values map[string]string) rowCells {
	rc := rowCells{style: rowStyle(row)}
	add := func(s string, a int, shift float64) {
		rc.texts = append(rc.texts, s)
		rc.align = append(rc.align, a)
		rc.shift = append(rc.shift, shift)
	}
	add(clean(row.STT), alignCenter, 0)
	add(clean(row.Label), alignLeft, float64(depth)*depthShift)
	if t.unitCol {
		add(clean(row.Unit), alignCenter, 0)
	}
	for _, c := range t.f.Columns {
		a := alignRight
		if c.Type == forms.Text {
			a = alignLeft
		}
		v := ""
		if row.HasValues() {
			v = values[t.f.Key+"|"+row.Key+"|"+c.Code]
		}
		add(clean(v), a, 0)
	}
	r.font(rc.style, t.size)
	lines := 1
	for i, s := range rc.texts {
		inner := t.w[i] - 2*cellPadX - rc.shift[i]
		lines = max(lines, len(r.wrap(s, inner, inner)))
	}
	rc.h = float64(lines)*r.lineH() + 2*cellPadY
	return rc
}

func (r *renderer) drawRow(t *tableLayout, rc rowCells) {
	r.font(rc.style, t.size)
	for i, s := range rc.texts {
		r.box(t.x[i], r.y, t.w[i], rc.h)
		inner := t.w[i] - 2*cellPadX - rc.shift[i]
		lines := r.wrap(s, inner, inner)
		for j, ln := range lines {
			top := r.y + cellPadY + float64(j)*r.lineH()
			r.lineAt(t.x[i]+cellPadX+rc.shift[i], inner, top, ln, rc.align[i], true)
		}
	}
	r.y += rc.h
}

// table prints a form: caption, header, rows; a row never splits, and each
// continuation page repeats the header.
func (r *renderer) table(f *forms.Form, values map[string]string) {
	if len(f.Columns) == 0 && len(f.Rows) == 0 {
		return
	}
	t := r.measure(f, values)
	depths := f.Depths()

	// Caption: code (right), title (bold, centred), unit (right, italic).
	r.font(bold, 12)
	title := clean(f.Title)
	captionH := 6 + float64(len(r.wrap(title, contentWidth, contentWidth)))*r.lineH()
	if f.Code != "" {
		captionH += 12 * leading
	}
	if f.Unit != "" {
		captionH += 11 * leading
	}
	first := r.rowCells(t, forms.Row{}, 0, nil).h
	if len(f.Rows) > 0 {
		first = r.rowCells(t, f.Rows[0], depths[f.Rows[0].Key], values).h
	}
	r.y += 6
	r.ensure(captionH + t.totalHeaderH() + first)
	if f.Code != "" {
		r.font(italic, 12)
		r.para(contentLeft, contentWidth, "Biểu số: "+clean(f.Code), 0, alignRight)
	}
	r.font(bold, 12)
	r.para(contentLeft, contentWidth, title, 0, alignCenter)
	if f.Unit != "" {
		r.font(italic, 11)
		r.para(contentLeft, contentWidth, "Đơn vị tính: "+clean(f.Unit), 0, alignRight)
	}
	r.y += 3
	r.drawHeader(t)
	for _, row := range f.Rows {
		rc := r.rowCells(t, row, depths[row.Key], values)
		if r.y+rc.h > contentBot {
			r.newPage()
			r.drawHeader(t)
		}
		r.drawRow(t, rc)
	}
	r.y += 6
}
