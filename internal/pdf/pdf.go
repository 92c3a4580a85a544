// Package pdf renders a report to an A4 PDF laid out as ND 30/2020/NĐ-CP
// Phụ lục I asks (SPEC §5): header with the agency (left) and the national
// motto (right), number, place and date, title and summary, "Kính gửi", the
// narrative sections, the numeric forms as tables that break across pages
// with repeated headers, "Nơi nhận" and the signature block. Text is set in
// Liberation Serif (embedded, full Vietnamese coverage).
//
// Rendering is deterministic: the same Document gives the same bytes (the
// creation date comes from Document.Created, nothing random is written).
package pdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"baocao/internal/forms"
	"baocao/internal/richtext"
	"baocao/internal/vn"
)

//go:embed fonts/LiberationSerif-Regular.ttf
var fontRegular []byte

//go:embed fonts/LiberationSerif-Bold.ttf
var fontBold []byte

//go:embed fonts/LiberationSerif-Italic.ttf
var fontItalic []byte

//go:embed fonts/LiberationSerif-BoldItalic.ttf
var fontBoldItalic []byte

// Document is what a report prints.
type Document struct {
	ParentAgency string // cơ quan chủ quản, e.g. "UBND TỈNH KHÁNH HÒA"; empty for a People's Committee
	Unit         string // cơ quan ban hành, e.g. "ỦY BAN NHÂN DÂN\nPHƯỜNG NHA TRANG"; "\n" separates the word groups a line may break between
	// UnitLinesAsTyped: Unit's "\n" are the line breaks its unit admin chose.
	UnitLinesAsTyped bool
	Number           string // "12/BC-UBND"; empty leaves the number blank
	Place            string // "Khánh Hòa"
	Date             time.Time
	Title            string // "BÁO CÁO"
	Summary          string // trích yếu
	Recipients       []string
	Template         forms.Template
	Sections         map[string]string // section key → sanitised HTML
	Values           map[string]string // "form|row|col" → formatted value
	Notes            map[string]string // "form|row|col" → the unit's explanation, numbered under the table (notes.go)
	Distribution     []string          // "Nơi nhận" lines, without the "- "
	SignerOnBehalf   string            // "TM. ỦY BAN NHÂN DÂN"
	SignerFor        string            // "KT. CHỦ TỊCH": signed for the head (KT., TL., TUQ.)
	SignerTitle      string            // "CHỦ TỊCH", "PHÓ CHỦ TỊCH"
	SignerName       string
	Created          time.Time // creation date written into the PDF info
}

// Rect is a rectangle in points.
type Rect struct{ X, Y, W, H float64 }

// Layout says where things landed. SignatureRect is in points with the
// origin at the TOP-LEFT corner of the page (y grows downwards); it is the
// empty space between the signer's title and name. Use
// SignatureRectPDF for PDF user-space coordinates (origin bottom-left).
type Layout struct {
	Pages         int
	SignaturePage int // 1-based
	SignatureRect struct{ X, Y, W, H float64 }
}

// PageWidth and PageHeight are the A4 page size in points.
const (
	PageWidth  = 595.28
	PageHeight = 841.89
)

// SignatureRectPDF returns the signature space in PDF user space (origin at
// the bottom-left corner): lower-left x, y and upper-right x, y, as a
// signature widget's /Rect wants.
func (l Layout) SignatureRectPDF() (llx, lly, urx, ury float64) {
	r := l.SignatureRect
	return r.X, PageHeight - r.Y - r.H, r.X + r.W, PageHeight - r.Y
}

const (
	mm           = 72 / 25.4
	marginTop    = 20 * mm
	marginBottom = 20 * mm
	marginLeft   = 30 * mm
	marginRight  = 15 * mm
	contentLeft  = marginLeft
	contentRight = PageWidth - marginRight
	contentWidth = contentRight - contentLeft
	contentBot   = PageHeight - marginBottom

	bodySize     = 14.0
	headSize     = 13.0
	minHeadSize  = 11.0 // a header group shrinks to this before it breaks
	tableSize    = 10.0
	minTableSize = 8.0
	leading      = 1.2 // line height / font size
	indent       = 1.27 * 10 * mm
	paraAfter    = 6.0
	signSpace    = 30 * mm
	sigHeadGap   = 4.0
)

// Font styles.
const (
	regular = iota
	bold
	italic
	boldItalic
)

var families = [...]string{"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}

type renderer struct {
	gp     *gopdf.GoPdf
	page   int
	y      float64 // top of the next line, from the page top
	style  int
	size   float64
	widths map[widthKey]float64
	err    error
}

type widthKey struct {
	style int
	size  float64
	s     string
}

// Render writes the PDF of d to w.
func Render(w io.Writer, d Document) (Layout, error) {
	r := &renderer{gp: &gopdf.GoPdf{}, widths: map[widthKey]float64{}, style: -1}
	r.gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: PageWidth, H: PageHeight}, Unit: gopdf.UnitPT})
	for i, data := range [][]byte{fontRegular, fontBold, fontItalic, fontBoldItalic} {
		if err := r.gp.AddTTFFontData(families[i], data); err != nil {
			return Layout{}, fmt.Errorf("pdf: font: %w", err)
		}
	}
	created := d.Created
	if created.IsZero() {
		created = d.Date
	}
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, vn.Location)
	}
	r.gp.SetInfo(gopdf.PdfInfo{
		Title:        clean(strings.TrimSpace(d.Title + " " + d.Summary)),
		Author:       clean(d.Unit),
		Subject:      clean(d.Summary),
		Creator:      "Hệ thống thông tin báo cáo tỉnh Khánh Hòa",
		Producer:     "baocao (gopdf)",
		CreationDate: created.In(vn.Location).Truncate(time.Second),
	})
	r.gp.SetLineWidth(0.5)
	r.newPage()

	r.header(d)
	r.title(d)
	r.narrative(d)
	noteCount := 0
	for i := range d.Template.Forms {
		values, notes := formNotes(&d.Template.Forms[i], d.Values, d.Notes, &noteCount)
		r.table(&d.Template.Forms[i], values)
		r.notes(notes)
	}
	var lay Layout
	r.closing(d, &lay)
	if r.err != nil {
		return Layout{}, r.err
	}
	lay.Pages = r.page
	var buf bytes.Buffer
	if _, err := r.gp.WriteTo(&buf); err != nil {
		return Layout{}, fmt.Errorf("pdf: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return Layout{}, err
	}
	return lay, nil
}

func clean(s string) string { return vn.Clean(s) }

// ---- Primitives ----

func (r *renderer) fail(err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("pdf: %w", err)
	}
}

func (r *renderer) font(style int, size float64) {
	if style == r.style && size == r.size {
		return
	}
	r.style, r.size = style, size
	r.fail(r.gp.SetFont(families[style], "", size))
}

func (r *renderer) width(s string) float64 {
	k := widthKey{r.style, r.size, s}
	if w, ok := r.widths[k]; ok {
		return w
	}
	w, err := r.gp.MeasureTextWidth(s)
	r.fail(err)
	r.widths[k] = w
	return w
}

// text draws s with its baseline at y.
func (r *renderer) text(x, y float64, s string) {
	if s == "" {
		return
	}
	r.gp.SetXY(x, y)
	r.fail(r.gp.Text(s))
}

// baseline is the baseline of a line of the current font whose box starts at top.
func (r *renderer) baseline(top float64) float64 {
	return top + r.size*(leading-1)/2 + r.size*0.86
}

func (r *renderer) lineH() float64 { return r.size * leading }

func (r *renderer) newPage() {
	r.gp.AddPage()
	r.page++
	r.y = marginTop
	if r.page > 1 {
		st, sz := r.style, r.size
		r.font(regular, bodySize)
		n := fmt.Sprint(r.page)
		r.text(contentLeft+(contentWidth-r.width(n))/2, 12*mm, n)
		if st >= 0 {
			r.font(st, sz)
		}
	}
}

// ensure starts a new page unless h points fit below the cursor.
func (r *renderer) ensure(h float64) {
	if r.y+h > contentBot && r.y > marginTop {
		r.newPage()
	}
}

func (r *renderer) hline(x1, x2, y float64) { r.gp.Line(x1, y, x2, y) }

// ---- Text layout ----

// wrap breaks s into lines no wider than first (first line) and rest
// (following lines) in the current font, splitting words longer than a line.
func (r *renderer) wrap(s string, first, rest float64) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	space := r.width(" ")
	var lines []string
	var cur []string
	curW := 0.0
	limit := first
	flush := func() {
		lines = append(lines, strings.Join(cur, " "))
		cur, curW, limit = cur[:0], 0, rest
	}
	for _, wd := range words {
		ww := r.width(wd)
		if len(cur) > 0 && curW+space+ww <= limit {
			cur = append(cur, wd)
			curW += space + ww
			continue
		}
		if len(cur) > 0 {
			flush()
		}
		for ww > limit && utf8.RuneCountInString(wd) > 1 {
			head, tail := r.split(wd, limit)
			cur = append(cur, head)
			flush()
			wd, ww = tail, r.width(tail)
		}
		cur = append(cur, wd)
		curW = ww
	}
	flush()
	return lines
}

// balanced wraps s into as many lines as wrap does, but as even as
// possible: "ỦY BAN NHÂN DÂN / PHƯỜNG NHA TRANG" rather than a long line
// and a short one. For centred text.
func (r *renderer) balanced(s string, w float64) []string {
	lines := r.wrap(s, w, w)
	if len(lines) < 2 {
		return lines
	}
	lo, hi := 0.0, w
	for range 16 {
		mid := (lo + hi) / 2
		if len(r.wrap(s, mid, mid)) <= len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return r.wrap(s, hi, hi)
}

// split cuts a word so that its head fits in w (at least one character).
func (r *renderer) split(wd string, w float64) (string, string) {
	runes := []rune(wd)
	n := 1
	for n < len(runes) && r.width(string(runes[:n+1])) <= w {
		n++
	}
	return string(runes[:n]), string(runes[n:])
}

const (
	alignLeft = iota
	alignCenter
	alignRight
	alignJustify
)

// lineAt draws one line in a box [x, x+w] at the given top.
func (r *renderer) lineAt(x, w, top float64, s string, align int, last bool) {
	base := r.baseline(top)
	switch align {
	case alignCenter:
		r.text(x+(w-r.width(s))/2, base, s)
	case alignRight:
		r.text(x+w-r.width(s), base, s)
	case alignJustify:
		words := strings.Fields(s)
		if last || len(words) < 2 {
			r.text(x, base, s)
			return
		}
		total := 0.0
		for _, wd := range words {
			total += r.width(wd)
		}
		gap := (w - total) / float64(len(words)-1)
		if gap > 4*r.width(" ") { // a nearly empty line: don't stretch it
			r.text(x, base, s)
			return
		}
		for _, wd := range words {
			r.text(x, base, wd)
			x += r.width(wd) + gap
		}
	default:
		r.text(x, base, s)
	}
}

// para flows a paragraph in the column [x, x+w] from the cursor, breaking
// pages between lines.
func (r *renderer) para(x, w float64, s string, first float64, align int) {
	lines := r.wrap(s, w-first, w)
	if align == alignCenter && first == 0 {
		lines = r.balanced(s, w)
	}
	for i, ln := range lines {
		r.ensure(r.lineH())
		lx, lw := x, w
		if i == 0 {
			lx, lw = x+first, w-first
		}
		r.lineAt(lx, lw, r.y, ln, align, i == len(lines)-1)
		r.y += r.lineH()
	}
}

// block draws wrapped lines in a column without page breaks and returns the
// height used.
func (r *renderer) block(x, w, top float64, s string, align int) float64 {
	lines := r.wrap(s, w, w)
	if align == alignCenter {
		lines = r.balanced(s, w)
	}
	for i, ln := range lines {
		r.lineAt(x, w, top+float64(i)*r.lineH(), ln, align, i == len(lines)-1)
	}
	return float64(len(lines)) * r.lineH()
}

// ---- Parts of the document ----

func (r *renderer) header(d Document) {
	const leftW = contentWidth * 0.42
	lx, rx, rw := contentLeft-6*mm, contentLeft+leftW-6*mm, contentWidth-leftW+6*mm
	lw := leftW
	top := r.y

	// Left: parent agency, unit (bold), short rule, number.
	y := top
	if lines := r.headLines(regular, d.ParentAgency, lw); len(lines) > 0 {
		y += r.lines(lx, lw, y, lines)
	}
	var lines []string
	if d.UnitLinesAsTyped {
		// One line per line the unit admin typed; the smallest size any of
		// them needs sets all.
		size := headSize
		for _, g := range strings.Split(clean(d.Unit), "\n") {
			if len(r.headLines(bold, g, lw)) == 1 {
				size = min(size, r.size)
			}
		}
		r.font(bold, size)
		for _, g := range strings.Split(clean(d.Unit), "\n") {
			if g = strings.Join(strings.Fields(g), " "); g != "" {
				if r.width(g) <= lw {
					lines = append(lines, g)
				} else {
					lines = append(lines, r.balanced(g, lw)...)
				}
			}
		}
	} else {
		lines = r.headLines(bold, d.Unit, lw)
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	y += r.lines(lx, lw, y, lines)
	lastW := r.width(lines[len(lines)-1])
	rule := max(lastW/2.5, 40)
	r.hline(lx+(lw-rule)/2, lx+(lw+rule)/2, y+1)
	leftEnd := y + 8

	// Right: national name, motto with a rule as long as it.
	y = top
	r.font(bold, 12)
	qh := "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	for sz := 12.0; r.width(qh) > rw && sz > 10; sz -= 0.5 {
		r.font(bold, sz)
	}
	y += r.block(rx, rw, y, qh, alignCenter)
	r.font(bold, headSize)
	tn := "Độc lập - Tự do - Hạnh phúc"
	y += r.block(rx, rw, y, tn, alignCenter)
	tw := r.width(tn)
	r.hline(rx+(rw-tw)/2, rx+(rw+tw)/2, y+1)
	rightEnd := y + 8

	// Number (left) and place, date (right) on the same line.
	y = max(leftEnd, rightEnd)
	r.font(regular, headSize)
	num := clean(d.Number)
	if num == "" {
		num = "          /BC-"
	}
	r.block(lx, lw, y, "Số: "+num, alignCenter)
	r.font(italic, headSize)
	h := r.block(rx, rw, y, dateLine(clean(d.Place), d.Date), alignCenter)
	r.y = y + h
}

// headLines sets a header text whose word groups are separated by "\n"
// ("ỦY BAN NHÂN DÂN\nXÃ CAM LÂM") in centred lines no wider than w: lines
// break only between groups, as evenly as possible. When a group is wider
// than w the font shrinks by half points down to minHeadSize; only a group
// still too wide then is broken between its words. It leaves the font set
// as the lines are to be drawn; no text gives no lines.
func (r *renderer) headLines(style int, s string, w float64) []string {
	var groups []string
	for _, g := range strings.Split(clean(s), "\n") {
		if g = strings.Join(strings.Fields(g), " "); g != "" {
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return nil
	}
	for sz := headSize; sz >= minHeadSize; sz -= 0.5 {
		r.font(style, sz)
		fits := true
		for _, g := range groups {
			fits = fits && r.width(g) <= w
		}
		if fits {
			n := len(r.pack(groups, w))
			lo, hi := 0.0, w
			for range 16 {
				mid := (lo + hi) / 2
				if len(r.pack(groups, mid)) <= n {
					hi = mid
				} else {
					lo = mid
				}
			}
			return r.pack(groups, hi)
		}
	}
	r.font(style, headSize)
	var lines []string
	for _, g := range groups {
		lines = append(lines, r.balanced(g, w)...)
	}
	return lines
}

// pack puts whole groups on lines no wider than w (a group wider than w
// stands alone on its line).
func (r *renderer) pack(groups []string, w float64) []string {
	var lines []string
	for _, g := range groups {
		if n := len(lines); n > 0 && r.width(lines[n-1]+" "+g) <= w {
			lines[n-1] += " " + g
			continue
		}
		lines = append(lines, g)
	}
	return lines
}

// lines draws centred lines in the current font and returns their height.
func (r *renderer) lines(x, w, top float64, lines []string) float64 {
	for i, ln := range lines {
		r.lineAt(x, w, top+float64(i)*r.lineH(), ln, alignCenter, i == len(lines)-1)
	}
	return float64(len(lines)) * r.lineH()
}

// dateLine writes "Khánh Hòa, ngày 05 tháng 01 năm 2026": per ND 30, days
// below 10 and the months 1 and 2 take a leading zero.
func dateLine(place string, t time.Time) string {
	if place == "" {
		place = "…"
	}
	if t.IsZero() {
		return place + ", ngày      tháng      năm      "
	}
	t = t.In(vn.Location)
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", place, t.Day(), month, t.Year())
}

func (r *renderer) title(d Document) {
	r.y += 18
	r.font(bold, bodySize)
	title := clean(d.Title)
	if title == "" {
		title = "BÁO CÁO"
	}
	r.para(contentLeft, contentWidth, title, 0, alignCenter)
	if s := clean(d.Summary); s != "" {
		r.para(contentLeft+20*mm, contentWidth-40*mm, s, 0, alignCenter)
	}
	r.y += 12

	var recips []string
	for _, s := range d.Recipients {
		if s = clean(s); s != "" {
			recips = append(recips, s)
		}
	}
	if len(recips) == 0 {
		return
	}
	r.font(regular, bodySize)
	label := "Kính gửi: "
	lw := r.width(label)
	if len(recips) == 1 {
		r.para(contentLeft, contentWidth, label+recips[0]+".", 0, alignCenter)
	} else {
		// The list stands to the right of the label, the whole centred.
		widest := 0.0
		items := make([]string, len(recips))
		for i, s := range recips {
			end := ";"
			if i == len(recips)-1 {
				end = "."
			}
			items[i] = "- " + s + end
			widest = max(widest, r.width(items[i]))
		}
		widest = min(widest, contentWidth-lw-20*mm)
		x := contentLeft + (contentWidth-lw-widest)/2
		r.ensure(r.lineH())
		r.text(x, r.baseline(r.y), label)
		for _, it := range items {
			r.para(x+lw, widest, it, 0, alignLeft)
		}
	}
	r.y += 6
}

func (r *renderer) narrative(d Document) {
	depth := map[string]int{}
	for _, s := range d.Template.Outline {
		if s.Parent != "" {
			depth[s.Key] = depth[s.Parent] + 1
		}
		head := strings.TrimSpace(numbered(clean(s.Number)) + " " + clean(s.Heading))
		style := bold
		if depth[s.Key] >= 2 {
			style = boldItalic
		}
		r.font(style, bodySize)
		r.ensure(3 * r.lineH()) // keep a heading with the start of its text
		r.para(contentLeft, contentWidth, head, indent, alignJustify)
		r.y += paraAfter / 2
		r.font(regular, bodySize)
		for _, p := range strings.Split(richtext.Text(d.Sections[s.Key]), "\n") {
			trimmed := strings.TrimLeft(p, " ")
			if strings.TrimSpace(trimmed) == "" {
				continue
			}
			nest := float64(len(p)-len(trimmed)) / 2 * 5 * mm
			r.para(contentLeft, contentWidth, trimmed, indent+nest, alignJustify)
			r.y += paraAfter
		}
	}
}

// numbered writes a section number as printed: "I.", "1.", "a)".
func numbered(n string) string {
	if n == "" || strings.HasSuffix(n, ".") || strings.HasSuffix(n, ")") {
		return n
	}
	if len(n) == 1 && n[0] >= 'a' && n[0] <= 'z' {
		return n + ")"
	}
	return n + "."
}

// closing draws "Nơi nhận" (left) and the signature block (right) side by side.
func (r *renderer) closing(d Document, lay *Layout) {
	const leftW = contentWidth * 0.45
	lx, rx, rw := contentLeft, contentLeft+leftW, contentWidth-leftW
	r.y += 10

	var dist []string
	for _, s := range d.Distribution {
		if s = clean(s); s != "" {
			dist = append(dist, s)
		}
	}
	// Heights, to keep the block on one page.
	r.font(regular, 11)
	leftH := 12 * leading
	items := make([]string, len(dist))
	for i, s := range dist {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), " ")
		end := ";"
		if i == len(dist)-1 {
			end = "."
		}
		if strings.HasSuffix(s, ";") || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ",") {
			end = ""
		}
		items[i] = "- " + s + end
		leftH += float64(len(r.wrap(items[i], leftW-5*mm, leftW-5*mm))) * r.lineH()
	}
	r.font(bold, bodySize)
	var heads []string
	if s := clean(d.SignerOnBehalf); s != "" {
		heads = append(heads, s)
	}
	if s := clean(d.SignerFor); s != "" {
		heads = append(heads, s)
	}
	if s := clean(d.SignerTitle); s != "" {
		heads = append(heads, s)
	}
	rightH := 0.0
	for _, s := range heads {
		rightH += float64(len(r.wrap(s, rw, rw))) * r.lineH()
	}
	rightH += signSpace + r.lineH()
	r.ensure(max(leftH, rightH))

	top := r.y
	// Right: signer.
	y := top
	r.font(bold, bodySize)
	for _, s := range heads {
		y += r.block(rx, rw, y, s, alignCenter)
	}
	lay.SignaturePage = r.page
	lay.SignatureRect.X, lay.SignatureRect.Y = rx, y
	lay.SignatureRect.W, lay.SignatureRect.H = rw, signSpace
	y += signSpace
	y += r.block(rx, rw, y, clean(d.SignerName), alignCenter)
	rightEnd := y

	// Left: recipients.
	y = top
	if len(items) > 0 {
		r.font(boldItalic, 12)
		r.text(lx, r.baseline(y), "Nơi nhận:")
		y += r.lineH()
		r.font(regular, 11)
		for _, it := range items {
			for _, ln := range r.wrap(it, leftW-5*mm, leftW-5*mm) {
				r.text(lx, r.baseline(y), ln)
				y += r.lineH()
			}
		}
	}
	r.y = max(y, rightEnd)
}
