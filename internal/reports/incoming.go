package reports

import (
	"baocao/internal/decimal"
	"baocao/internal/forms"
)

// Incoming is one form's values from outside the page, an Excel file:
// numbers exactly, text as typed ("" clears a cell), and what the file
// holds in the cells the system computes.
type Incoming struct {
	Numbers       map[string]decimal.Decimal // CellKey → number
	Texts         map[string]string          // CellKey → text
	LockedNumbers map[string]decimal.Decimal
	LockedTexts   map[string]string
}

// IncomingChange is a cell whose value would change, or (Ignored set)
// a changed value the system does not take, with the reason.
type IncomingChange struct {
	Row           forms.Row
	Column        forms.Column
	Key           string
	Before, After string           // as the page shows them; "" for blank
	Number        *decimal.Decimal // the incoming number, exactly; nil for text
	Ignored       string
}

// Changes compares what comes in with the stored content of form f and
// lists only the cells that really change, in the order of the form (row
// by row, column by column): a number equal to the stored one is no
// change, however it was written.
func (c *Content) Changes(f *forms.Form, in Incoming) []IncomingChange {
	var out []IncomingChange
	for _, row := range f.Rows {
		if !row.HasValues() {
			continue
		}
		for _, col := range f.Columns {
			key := forms.CellKey(f.Key, row.Key, col.Code)
			change := IncomingChange{Row: row, Column: col, Key: key, Before: c.Values[key]}
			stored, isNumber := c.Numbers[key]
			numbers, texts := in.Numbers, in.Texts
			if f.IsFormula(row, col) {
				numbers, texts = in.LockedNumbers, in.LockedTexts
				change.Ignored = "Ô do hệ thống tự tính theo công thức của biểu; số trong tệp không được nhận."
			}
			if x, ok := numbers[key]; ok {
				if isNumber && stored.Equal(x) {
					continue
				}
				change.After, change.Number = x.Format(), &x
			} else if t, ok := texts[key]; ok {
				if t == c.Values[key] {
					continue
				}
				change.After = t
			} else {
				continue // not in the file: left as it is
			}
			out = append(out, change)
		}
	}
	return out
}
