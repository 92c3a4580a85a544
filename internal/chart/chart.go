// Package chart draws the dashboards' charts as small SVG documents on the
// server: a line chart of series over periods and a bar chart of sorted
// values. They need no script and no network, scale to the width of a
// phone (the drawing has a viewBox and no fixed size), and carry a title
// and a description for screen readers; the page shows the data table
// beside each chart.
package chart

import (
	"fmt"
	"html"
	"math"
	"strings"

	"baocao/internal/vn"
)

// Colours of the series, with enough contrast on white (WCAG 2.1 AA for
// graphics): the current figures, then the year before.
var colours = []string{"#1d70b8", "#505a5f", "#d4351c", "#00703c"}

const (
	fontSize = 12
	width    = 360.0 // about a phone's width in CSS pixels, so the text keeps its size there
)

// Series is one line of a line chart; a NaN value is a gap.
type Series struct {
	Name   string
	Values []float64
	Dashed bool
}

// Line is a line chart of series over labelled points (the periods).
type Line struct {
	ID          string // unique on the page: the title and description are referenced by it
	Title, Desc string
	Labels      []string
	Series      []Series
	Decimals    int // decimals of the values shown
}

// Bar is a horizontal bar chart, one bar per label, in the order given.
type Bar struct {
	ID          string
	Title, Desc string
	Labels      []string
	Values      []float64
	Decimals    int
}

func open(b *strings.Builder, id, title, desc string, height float64) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" font-family="Liberation Sans, Arial, sans-serif" font-size="%d">`,
		width, height, esc(id), esc(id), fontSize)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	fmt.Fprintf(b, `<rect width="%g" height="%g" fill="#fff"/>`, width, height)
}

func esc(s string) string { return html.EscapeString(s) }

// ticks chooses a round step and the axis' ends for values from lo to
// hi, so that the axis shows about n steps, none finer than the values'
// decimals.
func ticks(lo, hi float64, n, decimals int) (bottom, top, step float64) {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if hi == lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	step = math.Max(step, math.Pow(10, -float64(decimals)))
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// number writes a value the Vietnamese way.
func number(x float64, decimals int) string {
	if decimals <= 0 {
		return vn.Int(int64(math.Round(x)))
	}
	return vn.Decimal(x, decimals)
}

// SVG draws the line chart.
func (c Line) SVG() []byte {
	const (
		height                      = 240.0
		left, right, top, bottomPad = 48.0, 24.0, 36.0, 40.0
	)
	var b strings.Builder
	open(&b, c.ID, c.Title, c.Desc, height)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	bottom, topV, step := ticks(lo, hi, 4, c.Decimals)
	plotW, plotH := width-left-right, height-top-bottomPad
	y := func(v float64) float64 { return top + plotH*(1-(v-bottom)/(topV-bottom)) }
	n := len(c.Labels)
	x := func(i int) float64 {
		if n <= 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(n-1)
	}
	dot := 3.5
	if n > 20 {
		dot = 2
	}
	tickDecimals := 0
	if step < 1 {
		tickDecimals = int(math.Ceil(-math.Log10(step)))
	}
	for v := bottom; v <= topV+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#b1b4b6" stroke-width="1"/>`, left, width-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="#0b0c0c">%s</text>`, left-6, y(v), number(v, tickDecimals))
	}
	// Label every k-th point counting back from the last, so that the
	// labels do not overlap and the latest period is always named.
	k := max(1, int(math.Ceil(float64(n)*64/plotW)))
	for i, l := range c.Labels {
		if (n-1-i)%k != 0 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" fill="#0b0c0c">%s</text>`, x(i), height-bottomPad+18, esc(shortLabel(l)))
	}
	for si, s := range c.Series {
		colour := colours[si%len(colours)]
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		var path strings.Builder
		pen := false
		for i, v := range s.Values {
			if math.IsNaN(v) || i >= n {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, x(i), y(v))
			pen = true
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, strings.TrimSpace(path.String()), colour, dash)
		for i, v := range s.Values {
			if math.IsNaN(v) || i >= n {
				continue
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="%s"><title>%s: %s</title></circle>`, x(i), y(v), dot, colour, esc(s.Name+", "+c.Labels[i]), number(v, c.Decimals))
		}
		// The legend, above the plot.
		lx := 8 + float64(si)*170
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="14" y2="14" stroke="%s" stroke-width="2.5"%s/>`, lx, lx+24, colour, dash)
		fmt.Fprintf(&b, `<text x="%g" y="14" dominant-baseline="middle" fill="#0b0c0c">%s</text>`, lx+30, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// shortLabel shortens a period label for the axis: "Tháng 3/2026" → "3/2026".
func shortLabel(l string) string {
	for _, p := range []string{"Tháng ", "Quý "} {
		if strings.HasPrefix(l, p) {
			return strings.TrimPrefix(l, p)
		}
	}
	return l
}

// SVG draws the bar chart: each bar under its label, so that long unit
// names stay readable on a narrow screen.
func (c Bar) SVG() []byte {
	const (
		rowH, barH, left, right, top = 38.0, 16.0, 8.0, 64.0, 8.0
	)
	height := top + rowH*float64(max(len(c.Values), 1)) + 8
	var b strings.Builder
	open(&b, c.ID, c.Title, c.Desc, height)
	lo, hi := 0.0, 0.0
	for _, v := range c.Values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi == lo {
		hi = lo + 1
	}
	plotW := width - left - right
	x := func(v float64) float64 { return left + plotW*(v-lo)/(hi-lo) }
	for i, v := range c.Values {
		rowTop := top + rowH*float64(i)
		label := ""
		if i < len(c.Labels) {
			label = c.Labels[i]
		}
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" fill="#0b0c0c">%s</text>`, left, rowTop+12, esc(label))
		x0, x1 := x(math.Min(0, v)), x(math.Max(0, v))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%g" fill="%s"><title>%s: %s</title></rect>`,
			x0, rowTop+17, math.Max(x1-x0, 1), barH, colours[0], esc(label), number(v, c.Decimals))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" dominant-baseline="middle" fill="#0b0c0c">%s</text>`, x1+4, rowTop+17+barH/2, number(v, c.Decimals))
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}
