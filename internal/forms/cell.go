package forms

import "strings"

// CellKey names a cell of a template, form, row and column: "b1|r12|3".
// Report values, problems, notes, flags and live figures are keyed by it.
func CellKey(form, row, col string) string { return form + "|" + row + "|" + col }

// SplitCellKey reads a CellKey back; ok is false for a key of anything
// else (a section's, "section|s1").
func SplitCellKey(key string) (form, row, col string, ok bool) {
	form, rest, found := strings.Cut(key, "|")
	if !found {
		return "", "", "", false
	}
	row, col, found = strings.Cut(rest, "|")
	return form, row, col, found
}
