package xlsx

import "regexp"

// plainNumber is a figure as a CSV carries it (-12.5, -12,5, 1.234,5):
// a spreadsheet reads it as a number, never as a formula.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9][0-9.,]*$`)

// CSVCell neutralises a text cell that a spreadsheet would run as a
// formula (OWASP's rule: it begins with = + - @, a tab or a carriage
// return) by putting an apostrophe before it, so =HYPERLINK(…) in a unit's
// name stays text. Numbers, even negative ones, are left alone.
func CSVCell(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// csvLine neutralises each cell of a line.
func csvLine(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = CSVCell(c)
	}
	return out
}
