package formula

import (
	"strconv"
	"strings"
	"testing"

	"baocao/internal/decimal"
)

// testSheet is a Sheet held in memory.
type testSheet struct {
	rows     []string
	cols     []string
	children map[string][]string
}

func (s *testSheet) Rows() []string               { return s.rows }
func (s *testSheet) Cols() []string               { return s.cols }
func (s *testSheet) Children(row string) []string { return s.children[row] }

// sheet1 is the sheet of most tests:
//
//	tong            total of a and b
//	  a             total of a1 and a2
//	    a1, a2
//	  b
//	r1 … r5         plain rows
//	c1, if          rows with awkward keys
//
// with columns 1 to 5.
func sheet1() *testSheet {
	return &testSheet{
		rows: []string{"tong", "a", "a1", "a2", "b", "r1", "r2", "r3", "r4", "r5", "c1", "if"},
		cols: []string{"1", "2", "3", "4", "5"},
		children: map[string][]string{
			"tong": {"a", "b"},
			"a":    {"a1", "a2"},
		},
	}
}

// vals are inputs keyed "r1.c3" (current), "prev r1.c3" and "ly r1.c3".
type vals map[string]float64

func (v vals) Value(c Cell, p Period) (decimal.Decimal, bool) {
	k := c.String()
	switch p {
	case Previous:
		k = "prev " + k
	case LastYear:
		k = "ly " + k
	}
	x, ok := v[k]
	if !ok {
		return decimal.Zero, false
	}
	return dec(x)
}

// dec converts a test's float literal to the decimal it is written as; a
// NaN, an infinity or a float beyond any figure (1e308) is blank, as no
// store can hold one.
func dec(x float64) (decimal.Decimal, bool) {
	d, err := decimal.ParseCanonical(strconv.FormatFloat(x, 'g', -1, 64))
	return d, err == nil
}

// cell parses "r1.c3".
func cell(s string) Cell {
	row, col, ok := strings.Cut(s, ".c")
	if !ok {
		panic("bad cell " + s)
	}
	return Cell{row, col}
}

// compileAt compiles formulas keyed "r1.c3".
func compileAt(t testing.TB, fs map[string]string) (*Program, []Problem) {
	t.Helper()
	m := make(map[Cell]string, len(fs))
	for k, f := range fs {
		m[cell(k)] = f
	}
	return Compile(sheet1(), m)
}

func mustCompile(t testing.TB, fs map[string]string) *Program {
	t.Helper()
	p, probs := compileAt(t, fs)
	if len(probs) > 0 || p == nil {
		t.Fatalf("Compile(%v): %v", fs, probs)
	}
	return p
}

func resultString(r Result) string {
	switch {
	case r.Err != "":
		return "err " + r.Err
	case !r.OK:
		return "blank"
	}
	return formatNum(r.Value)
}

func formatNum(v decimal.Decimal) string { return v.String() }
