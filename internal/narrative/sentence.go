// Package narrative drafts the sentences of a report's outline from its
// own figures ("Gợi ý nội dung"): per indicator row, the figure of this
// period, its change against the same period last year, the year-to-date
// figure and how much of the year's plan it reaches, in the Vietnamese of
// provincial reports ("Số lượt khám bệnh đạt 12.345 lượt, tăng 8,1% so với
// cùng kỳ năm trước; lũy kế từ đầu năm đạt 45.678 lượt, đạt 85,2% kế
// hoạch năm."). The cell figures are live figures (richtext.Figures); the
// rates the sentence computes are plain text, rounded to one decimal.
// Nothing here decides where a draft goes: the official inserts it.
package narrative

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"baocao/internal/decimal"
	"baocao/internal/vn"
)

// Figure is a cell's value for a sentence: Ref is the cell (form|row|col)
// the sentence shows as a live figure ("" on sample figures), OK false when
// the cell is empty.
type Figure struct {
	Ref   string
	Value decimal.Decimal
	OK    bool
}

// Row is what a sentence speaks of: an indicator row with the figures of
// the columns the designer marked.
type Row struct {
	Label   string
	Unit    string // đơn vị tính of the row ("%" for rates)
	Percent bool   // the figures are rates: changes are in percentage points
	Places  int    // decimals of the columns (forms.Column.Places; -1 keeps what is typed)

	Current, YearToDate, LastYear, Plan Figure
	// YearToDateLastYear is last year's year to date, compared with
	// YearToDate.
	YearToDateLastYear Figure

	// Contributors are the units whose reports make up a consolidated
	// figure, with their own current and last-year values: the sentence
	// names the two that moved it most.
	Contributors []Change
}

// Change is one unit's figure of this period and of the same period last year.
type Change struct {
	Unit          string
	Current, Base decimal.Decimal
}

// Segment is a piece of a sentence: plain text, or a live figure (Ref set,
// Text what it shows).
type Segment struct {
	Text string
	Ref  string
}

type sentence []Segment

func (s *sentence) text(t string) { *s = append(*s, Segment{Text: t}) }

// figure writes a value with its unit: "12.345 lượt", "12,5%".
func (s *sentence) figure(r Row, f Figure) {
	*s = append(*s, Segment{Text: f.Value.Format(), Ref: f.Ref})
	s.text(unitAfter(r))
}

func unitAfter(r Row) string {
	switch {
	case r.Percent || r.Unit == "%":
		return "%"
	case r.Unit != "":
		return " " + unitWord(r.Unit)
	}
	return ""
}

// unitWord writes a unit of measure inside a sentence: the table's "Lượt",
// "Người" read "lượt", "người"; acronyms (USD, CCCD) stay.
func unitWord(u string) string {
	rs := []rune(u)
	if len(rs) > 1 && unicode.IsUpper(rs[0]) && !unicode.IsUpper(rs[1]) {
		return vn.LowerFirst(u)
	}
	return u
}

var hundred = decimal.FromInt(100)

// Sentence drafts the sentence of one row. A comparison is left out when
// its base is missing or zero; a change above 200 % reads "gấp 2,1 lần";
// rates (Percent) change by percentage points; negative figures change by
// their difference, since a rate of change of a negative base misleads.
func Sentence(r Row) []Segment {
	r.Label = strings.TrimRight(strings.TrimSpace(norm.NFC.String(r.Label)), ":;,.")
	r.Unit = strings.TrimSpace(norm.NFC.String(r.Unit))
	var s sentence
	main, ytdFirst := r.Current, false
	if !main.OK && r.YearToDate.OK {
		main, ytdFirst = r.YearToDate, true
	}
	if !main.OK {
		s.text(r.Label + ": chưa có số liệu.")
		return s
	}
	if ytdFirst {
		s.text(r.Label + " lũy kế từ đầu năm đạt ")
	} else {
		s.text(r.Label + " đạt ")
	}
	s.figure(r, main)
	if !ytdFirst {
		s.compare(r, main, r.LastYear, "so với cùng kỳ năm trước", "cùng kỳ năm trước", true)
		if r.YearToDate.OK {
			s.text("; lũy kế từ đầu năm đạt ")
			s.figure(r, r.YearToDate)
			main = r.YearToDate
		}
	}
	if r.YearToDate.OK {
		// The units are named once: at this comparison when the month has none.
		s.compare(r, r.YearToDate, r.YearToDateLastYear, "so với cùng kỳ năm trước", "cùng kỳ năm trước", ytdFirst || !r.LastYear.OK || r.LastYear.Value.IsZero())
	}
	s.plan(r, main)
	s.text(".")
	return s
}

// compare writes ", tăng 8,1% so với cùng kỳ năm trước" and the units that
// moved it most.
func (s *sentence) compare(r Row, cur, base Figure, against, same string, units bool) {
	if !base.OK || base.Value.IsZero() {
		return
	}
	diff, ok := cur.Value.Sub(base.Value)
	if !ok {
		return
	}
	switch {
	case diff.IsZero():
		s.text(", bằng " + same)
		return
	case r.Percent || r.Unit == "%":
		s.text(", " + direction(diff) + " " + difference(r, diff) + " điểm phần trăm " + against)
	case cur.Value.Sign() < 0 || base.Value.Sign() < 0:
		s.text(", " + direction(diff) + " " + difference(r, diff) + unitAfter(r) + " " + against)
	default:
		ratio, _ := cur.Value.Quo(base.Value)
		if ratio.Cmp(decimal.FromInt(2)) > 0 {
			s.text(", gấp " + ratio.FormatFixed(1) + " lần " + same)
			break
		}
		pct := rate(diff, base.Value)
		if pct == "0,0" {
			s.text(", tương đương " + same)
			return
		}
		s.text(", " + direction(diff) + " " + pct + "% " + against)
	}
	if units {
		s.contributors(r, diff)
	}
}

// plan writes ", đạt 85,2% kế hoạch năm" (or the plan itself for rates).
func (s *sentence) plan(r Row, of Figure) {
	p := r.Plan
	if !p.OK || p.Value.Sign() <= 0 || of.Value.Sign() < 0 {
		return
	}
	if r.Percent || r.Unit == "%" {
		s.text(" (kế hoạch năm ")
		s.figure(r, p)
		s.text(")")
		return
	}
	ratio, ok := of.Value.Quo(p.Value)
	if !ok {
		return
	}
	if ratio.Cmp(decimal.FromInt(2)) > 0 {
		s.text(", gấp " + ratio.FormatFixed(1) + " lần kế hoạch năm")
		return
	}
	pct, _ := ratio.Mul(hundred)
	s.text(", đạt " + pct.FormatFixed(1) + "% kế hoạch năm")
}

// contributors names the (at most two) units whose own change goes the
// way of the total and is largest: "tăng chủ yếu ở phường Nha Trang
// (+8,2%) và xã Cam Lâm (+5,1%)". Units without a base of last year, or
// with negative figures, are not named.
func (s *sentence) contributors(r Row, total decimal.Decimal) {
	type named struct {
		unit       string
		diff, base decimal.Decimal
	}
	var list []named
	for _, c := range r.Contributors {
		d, ok := c.Current.Sub(c.Base)
		if !ok || c.Base.Sign() <= 0 || c.Current.Sign() < 0 || d.Sign() != total.Sign() {
			continue
		}
		list = append(list, named{norm.NFC.String(strings.TrimSpace(c.Unit)), d, c.Base})
	}
	if len(list) == 0 {
		return
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].diff.Abs().Cmp(list[j].diff.Abs()) > 0 })
	list = list[:min(2, len(list))]
	parts := make([]string, len(list))
	for i, n := range list {
		sign := "+"
		if n.diff.Sign() < 0 {
			sign = "-"
		}
		if r.Percent || r.Unit == "%" {
			parts[i] = unitName(n.unit) + " (" + sign + difference(r, n.diff.Abs()) + " điểm phần trăm)"
		} else {
			parts[i] = unitName(n.unit) + " (" + sign + rate(n.diff, n.base) + "%)"
		}
	}
	s.text(", " + direction(total) + " chủ yếu ở " + strings.Join(parts, " và "))
}

// unitName writes a unit's name inside a sentence: "Phường Nha Trang" and
// "UBND xã Cam Lâm" read "phường Nha Trang", "xã Cam Lâm".
func unitName(name string) string {
	for _, prefix := range []string{"Ủy ban nhân dân ", "UBND "} {
		name = strings.TrimPrefix(name, prefix)
	}
	for _, kind := range []string{"Phường ", "Xã ", "Đặc khu ", "Sở ", "Thị trấn "} {
		if strings.HasPrefix(name, kind) {
			return vn.LowerFirst(name)
		}
	}
	return name
}

func direction(diff decimal.Decimal) string {
	if diff.Sign() < 0 {
		return "giảm"
	}
	return "tăng"
}

// rate is |diff| ÷ |base| in percent, one decimal: "8,1".
func rate(diff, base decimal.Decimal) string {
	q, ok := diff.Abs().Quo(base.Abs())
	if !ok {
		return ""
	}
	pct, _ := q.Mul(hundred)
	return pct.FormatFixed(1)
}

// difference is |diff| rounded to the columns' decimals.
func difference(r Row, diff decimal.Decimal) string {
	d := diff.Abs()
	if r.Places >= 0 {
		return d.FormatFixed(r.Places)
	}
	return d.Format()
}

// Text is the sentence as it reads.
func Text(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}
