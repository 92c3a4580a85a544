package components

import (
	"strconv"

	"baocao/internal/forms"
)

// Grid is a form laid out for data entry; the designer's preview uses the
// same component, so it looks exactly like what officials will fill.
type Grid struct {
	Form     *forms.Form
	Values   map[string]string // "row|col" → value as typed, in Vietnamese format
	Errors   map[string]string // "row|col" → problem
	ReadOnly bool
	Drill    string          // read-only cells link to this URL + "&row=…&col=…" for a drill-down
	Marked   map[string]bool // "row|col": cells a return pointed at
	Changed  map[string]bool // "row|col": cells changed since the returned version
	// Figures a receiver can trust (issue 18): "row|col" → the unit's
	// explanation, the reason a figure looks wrong; CellLink + "row|col"
	// is the cell's page (history, explanation).
	Notes    map[string]string
	Flags    map[string]string
	CellLink string
	Locked   map[string]bool // "row|col": input cells a selective return keeps read-only
	// Questions: "row|col" → the receiver's open question on the cell.
	Questions map[string]string
	// Cache keeps the grid's skeleton per template version (Version, the
	// template_versions id of a published version); nil renders it whole.
	Cache   *GridCache
	Version int64
	cutting *skeleton // the skeleton being cut: slots are marked, not rendered
}

// cellNote is what the cell's marker says: the reason it looks wrong and
// the unit's explanation.
func (g Grid) cellNote(key string) string {
	note := ""
	if f := g.Flags[key]; f != "" {
		note = "Khác thường: " + f + "."
	}
	if n := g.Notes[key]; n != "" {
		if note != "" {
			note += " "
		}
		note += "Giải trình: " + n
	}
	if q := g.Questions[key]; q != "" {
		if note != "" {
			note += " "
		}
		note += "Đề nghị giải trình: " + q
	}
	return note
}

func (g Grid) marks(row, col string) string {
	cls := g.qualityClass(row + "|" + col)
	if g.Marked[row+"|"+col] {
		cls += " grid__cell--marked"
	}
	if g.Changed[row+"|"+col] {
		cls += " grid__cell--changed"
	}
	return cls
}

// inputClass is the class of an input cell's td ("row|col" key): a plain
// string, built once per cell, as this is the hottest spot of the page.
func (g Grid) inputClass(key string, c forms.Column, msg string) string {
	cls := ""
	if msg != "" {
		cls = "grid__cell--error"
	}
	if c.Type != forms.Text {
		cls += " num"
	}
	if g.Marked[key] {
		cls += " grid__cell--marked"
	}
	if g.Changed[key] {
		cls += " grid__cell--changed"
	}
	return cls + g.qualityClass(key)
}

func (g Grid) qualityClass(key string) string {
	cls := ""
	if g.Flags[key] != "" {
		cls += " grid__cell--flagged"
	}
	if g.Notes[key] != "" {
		cls += " grid__cell--noted"
	}
	if g.Questions[key] != "" {
		cls += " grid__cell--asked"
	}
	return cls
}

func (g Grid) drillURL(row, col string) string {
	return g.Drill + "&row=" + row + "&col=" + col
}

// CellName is the input name of a cell: v.<form>.<row>.<col>.
func CellName(form, row, col string) string { return "v." + form + "." + row + "." + col }

func (g Grid) value(row, col string) string { return g.Values[row+"|"+col] }

func (g Grid) cellError(row, col string) string { return g.Errors[row+"|"+col] }

func (g Grid) leadSpan() string { return strconv.Itoa(len(g.Form.Header())) }

func inputMode(c forms.Column) string {
	switch c.Type {
	case forms.Text:
		return "text"
	case forms.Integer:
		return "numeric"
	}
	return "decimal"
}

func rowClass(r forms.Row) string {
	cls := "grid__row grid__row--" + r.Kind
	if r.Bold {
		cls += " grid__row--bold"
	}
	return cls
}

func depthClass(d int) string { return "indent-" + strconv.Itoa(min(d, 6)) }
