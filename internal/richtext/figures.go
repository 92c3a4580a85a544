package richtext

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Live figures: a narrative may carry figures taken from the report's own
// forms. Each is written <span data-figure="form|row|col">1.234,5</span>:
// the reference of the cell and the text it showed when last resolved
// (Resolve). A figure whose cell is empty carries data-missing and
// MissingText. The sanitiser keeps only well-formed references; whether the
// cell belongs to the report's template is the caller's check (Figures
// lists them), since this package does not know templates.

const (
	figureAttr  = "data-figure"
	missingAttr = "data-missing"
	// MissingText stands for a figure whose cell is empty.
	MissingText = "[chưa có số liệu]"
)

// refRe is a well-formed cell reference: form|row|col keys as the
// template designer's keys are written (b1|r12|3).
var refRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}\|[A-Za-z0-9_-]{1,40}\|[A-Za-z0-9_-]{1,20}$`)

func figureRef(n *html.Node) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == figureAttr && refRe.MatchString(a.Val) {
			return a.Val
		}
	}
	return ""
}

// figureRun is the run of a figure span: its text flattened (whatever
// markup a client put inside), its reference and missing mark.
func figureRun(n *html.Node, marks uint8) run {
	r := run{figure: figureRef(n), marks: marks}
	for _, a := range n.Attr {
		if a.Key == missingAttr {
			r.missing = true
		}
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && !skipped[c.DataAtom]:
				walk(c)
			}
		}
	}
	walk(n)
	r.text = b.String()
	if r.missing {
		r.text = MissingText
	}
	return r
}

func writeFigure(b *strings.Builder, r run) {
	b.WriteString(`<span ` + figureAttr + `="` + r.figure + `"`)
	if r.missing {
		b.WriteString(` ` + missingAttr + `=""`)
	}
	b.WriteString(">" + escape(r.text) + "</span>")
}

// Figure is a live figure found in a narrative.
type Figure struct {
	Ref     string // form|row|col
	Text    string // what it shows
	Missing bool   // its cell was empty when last resolved
}

// Figures lists the figures of html (anything Sanitize accepts) in
// document order.
func Figures(html string) []Figure {
	var out []Figure
	eachRun(parse(html), func(r *run) {
		if r.figure != "" {
			out = append(out, Figure{Ref: r.figure, Text: r.text, Missing: r.missing})
		}
	})
	return out
}

// Resolve gives every figure of html (Sanitize's output) the text of its
// cell now: value returns the cell's value as shown ("" for an empty cell,
// which makes the figure missing). The result is canonical; html without
// a figure comes back as it is.
func Resolve(html string, value func(ref string) string) string {
	if !strings.Contains(html, figureAttr) {
		return html
	}
	parts := parse(html)
	eachRun(parts, func(r *run) {
		if r.figure == "" {
			return
		}
		r.text, r.missing = strings.TrimSpace(value(r.figure)), false
		if r.text == "" {
			r.text, r.missing = MissingText, true
		}
	})
	var b strings.Builder
	writeBlocks(&b, parts)
	return b.String()
}

func eachRun(parts []part, f func(*run)) {
	for i := range parts {
		if l := parts[i].list; l != nil {
			for _, item := range l.items {
				eachRun(item, f)
			}
			continue
		}
		for j := range parts[i].runs {
			f(&parts[i].runs[j])
		}
	}
}
