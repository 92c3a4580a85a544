package formula

import (
	"baocao/internal/decimal"

	"fmt"
	"testing"
)

// bigSheet returns a sheet of n rows and 8 columns: a total row "tong"
// whose children are subtotals-1 group rows, the other rows spread evenly
// under the groups as leaves.
func bigSheet(n, subtotals int) *testSheet {
	s := &testSheet{
		cols:     []string{"1", "2", "3", "4", "5", "6", "7", "8"},
		children: map[string][]string{},
	}
	s.rows = append(s.rows, "tong")
	groups := subtotals - 1
	leaves := n - subtotals
	leaf := 0
	for g := range groups {
		key := fmt.Sprintf("nhom_%02d", g+1)
		s.rows = append(s.rows, key)
		s.children["tong"] = append(s.children["tong"], key)
		for range leaves/groups + btoi(g < leaves%groups) {
			leaf++
			lk := fmt.Sprintf("r%03d", leaf)
			s.rows = append(s.rows, lk)
			s.children[key] = append(s.children[key], lk)
		}
	}
	return s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bigFormulas are the formulas of the benchmark shape: columns 4 to 7 of
// every row are formulas, and columns 1, 2, 3 and 8 of the total and the
// group rows are SUM(children).
func bigFormulas(s *testSheet) map[Cell]string {
	fs := make(map[Cell]string)
	for _, r := range s.rows {
		fs[Cell{r, "4"}] = "prev(c4) + c3"
		fs[Cell{r, "5"}] = "IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)"
		fs[Cell{r, "6"}] = "c4 / c1 * 100"
		fs[Cell{r, "7"}] = "ROUND(c3 - lastyear(c3), 1)"
		if len(s.children[r]) > 0 {
			for _, c := range []string{"1", "2", "3", "8"} {
				fs[Cell{r, c}] = "SUM(children)"
			}
		}
	}
	return fs
}

// mapValues are inputs in maps, as a caller reading a database would hold them.
type mapValues [3]map[Cell]decimal.Decimal

func (m *mapValues) Value(c Cell, p Period) (decimal.Decimal, bool) {
	v, ok := m[p][c]
	return v, ok
}

func bigValues(s *testSheet) *mapValues {
	m := &mapValues{{}, {}, {}}
	for i, r := range s.rows {
		if len(s.children[r]) > 0 {
			continue
		}
		m[Current][Cell{r, "1"}] = decimal.FromInt(int64(1000 + i))
		m[Current][Cell{r, "2"}] = decimal.FromInt(int64(900 + i))
		m[Current][Cell{r, "3"}] = decimal.FromInt(int64(80 + i%17))
		m[Current][Cell{r, "8"}] = decimal.FromInt(int64(i))
		m[Previous][Cell{r, "4"}] = decimal.FromInt(int64(500 + i))
		if i%10 != 0 {
			m[LastYear][Cell{r, "3"}] = decimal.FromInt(int64(70 + i%13))
		}
	}
	return m
}

func TestBigSheet(t *testing.T) {
	s := bigSheet(300, 40)
	if len(s.rows) != 300 || len(s.children["tong"]) != 39 {
		t.Fatalf("%d rows, %d groups", len(s.rows), len(s.children["tong"]))
	}
	p, probs := Compile(s, bigFormulas(s))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	in := bigValues(s)
	res := p.Evaluate(in)
	if len(res) != 300*4+40*4 {
		t.Fatalf("%d results", len(res))
	}
	// The total of column 3 is the sum of the leaves.
	want := decimal.Zero
	for _, r := range s.rows {
		if len(s.children[r]) == 0 {
			want, _ = want.Add(in[Current][Cell{r, "3"}])
		}
	}
	if got := res[Cell{"tong", "3"}]; !got.OK || !got.Value.Equal(want) {
		t.Errorf("tong.c3 = %+v, want %v", got, want)
	}
	// Year to date on the total row uses the computed total.
	if got := res[Cell{"tong", "4"}]; !got.OK || !got.Value.Equal(want) {
		t.Errorf("tong.c4 = %+v, want %v (no previous value)", got, want)
	}
	for c, r := range res {
		if !r.OK && r.Err == "" && c.Col != "5" && c.Col != "7" {
			t.Errorf("%s is blank", c)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	s := bigSheet(300, 40)
	fs := bigFormulas(s)
	b.ReportAllocs()
	for b.Loop() {
		if _, probs := Compile(s, fs); probs != nil {
			b.Fatal(probs)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	s := bigSheet(300, 40)
	p, probs := Compile(s, bigFormulas(s))
	if probs != nil {
		b.Fatal(probs)
	}
	in := bigValues(s)
	b.ReportAllocs()
	for b.Loop() {
		p.Evaluate(in)
	}
}
