package formula

import (
	"math"
	"strings"
	"testing"

	"baocao/internal/decimal"
)

// fuzzInputs are value sets the formulas of FuzzParse are evaluated with.
var fuzzInputs = []Values{
	nil,
	in1,
	vals{"r1.c1": 0, "r1.c2": 0, "r1.c3": 0, "r1.c4": 0, "a1.c1": 0, "prev r1.c5": 0, "ly r1.c5": 0, "ly r1.c3": 0},
	vals{"r1.c1": 1e308, "r1.c2": -1e308, "r1.c3": 5e-324, "r1.c4": 1e-300, "a1.c1": -0.5, "a2.c1": 2.5,
		"b.c1": 1e200, "prev r1.c5": -1e308, "ly r1.c3": 1e-320, "r2.c1": 1e15, "r3.c1": -3},
	vals{"r1.c1": math.NaN(), "r1.c2": math.Inf(1), "a1.c1": math.Inf(-1), "r2.c1": 1},
}

func fuzzSeeds(f *testing.F) {
	seeds := []string{
		"", "=", "c1", "(3)", "r1.c1 + r2.c1", "c1 / 0", "c1/(2-2)", "SUM(children)", "SUM(c1:c4)",
		"SUM(r1.c1:r5.c1)", "MIN(c1, c2) + MAX(c1:c4) - AVG(r1.c1:r3.c1)",
		"IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)", "prev(c4) + c3", "ROUND(c1 / 3, 2)",
		"ROUND(c1, c2)", "ROUND(c1 * 1e300, -400)", "ABS(c1 - c2)", "NOT c1 AND c2 OR c3",
		"c1 < c2 < c3", "1,5", "tổng.c1", "r1.c5", "c5", "1e308 * 10", "c1 * 1e308 * 1e308",
		"-c1 / -c2", "((((((c1))))))", "SUM(-c1:c3)", "prev(c1 + 1)", "if.c1 + children.c2",
		"a.c1 / SUM(children)", "c1 - c1 / (c2 - c2)", "IF(c1, 1/c2, c3) * AVG(children)",
		strings.Repeat("(", 40) + "1" + strings.Repeat(")", 40),
		strings.Repeat("-", 100) + "c1",
		"c1" + strings.Repeat("+c1", 400),
		strings.Repeat("SUM(r1.c1:r5.c1)+", 60) + "1",
	}
	for _, s := range seeds {
		f.Add(s)
	}
}

// checkResults fails on a NaN or Inf, or an unexplained result.
func checkResults(t *testing.T, res map[Cell]Result) {
	t.Helper()
	for c, r := range res {
		switch {
		case r.OK && !r.Value.Finite():
			t.Fatalf("%s = %v", c, r.Value)
		case r.OK && r.Err != "":
			t.Fatalf("%s is OK with an error: %+v", c, r)
		case !r.OK && !r.Value.IsZero():
			t.Fatalf("%s is not OK but has a value: %+v", c, r)
		case r.Err != "" && !strings.HasPrefix(r.Err, "Không tính được: "):
			t.Fatalf("%s: error %q", c, r.Err)
		}
	}
}

// FuzzParse compiles any text as a formula: it never panics or hangs, and
// either reports problems or makes a program whose evaluation never panics
// and never yields NaN or Inf.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		// The formula of a row with children, read by two other formulas.
		fs := map[Cell]string{cell("a.c3"): src, cell("r1.c5"): "a.c3 * 2", cell("tong.c3"): "SUM(children)"}
		p, probs := Compile(sheet1(), fs)
		if (p == nil) == (len(probs) == 0) {
			t.Fatalf("program %v with problems %v", p, probs)
		}
		if len(src) > MaxLen && len(probs) == 0 {
			t.Fatalf("a formula of %d bytes compiled", len(src))
		}
		for _, pr := range probs {
			if !strings.HasPrefix(pr.Message, "Công thức ô "+pr.Cell.String()+": ") || pr.Pos < 0 ||
				pr.Pos > len([]rune(fs[pr.Cell]))+1 {
				t.Fatalf("bad problem %+v", pr)
			}
		}
		if p == nil {
			return
		}
		if strings.TrimSpace(src) != "" && len(p.Order()) != 3 {
			t.Fatalf("Order() = %v", p.Order())
		}
		for _, in := range fuzzInputs {
			checkResults(t, p.Evaluate(in))
		}
	})
}

// fuzzCells are the inputs FuzzEvaluate sets.
var fuzzCells = []struct {
	cell   string
	period Period
}{
	{"a1.c1", Current}, {"a2.c1", Current}, {"b.c1", Current},
	{"a1.c2", Current}, {"a2.c2", Current}, {"b.c2", Current},
	{"a1.c3", Current}, {"a2.c3", Current}, {"b.c3", Current},
	{"a1.c4", Previous}, {"a1.c3", LastYear}, {"b.c3", LastYear},
}

var fuzzProgram = map[string]string{
	"tong.c1": "SUM(children)", "a.c1": "SUM(children)",
	"tong.c2": "SUM(children)", "a.c2": "SUM(children)",
	"tong.c3": "SUM(children)", "a.c3": "SUM(children)",
	"tong.c4": "prev(c4) + c3", "a.c4": "prev(c4) + c3", "a1.c4": "prev(c4) + c3",
	"a2.c4": "prev(c4) + c3", "b.c4": "prev(c4) + c3",
	"tong.c5": "IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)",
	"a1.c5":   "IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)",
	"b.c5":    "ROUND(c3 / lastyear(c3) * 100 - 100, 1)",
	"r1.c1":   "ROUND(tong.c1 / tong.c2 * 100, 2)",
	"r1.c2":   "MIN(a1.c1:b.c1) * MAX(a1.c2, b.c2) - AVG(a1.c1:b.c1)",
	"r1.c3":   "IF(a1.c1 > a2.c1 AND NOT b.c1 = 0 OR a1.c2 <= 0, ABS(a1.c1 - b.c1) / b.c1, -a2.c2 * 1e99)",
	"r1.c4":   "ROUND(a1.c1, a2.c1)",
	"r1.c5":   "SUM(c1:c4) / (a1.c3 - b.c3)",
}

// FuzzEvaluate runs a fixed program on any inputs: no panic, no NaN or
// Inf, blanks stay blank, and totals add up.
func FuzzEvaluate(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 4.0, 0.0, 0.0, uint16(0))
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, uint16(0xffff))
	f.Add(1e308, -1e308, 1e-320, 0.5, -2.5, 3.0, uint16(0x0f0f))
	f.Add(math.NaN(), math.Inf(1), math.Inf(-1), 1.0, 2.0, 3.0, uint16(0x00ff))
	f.Add(2.675, 1e18, -1e18, 400.0, -400.0, 1e-9, uint16(0x1234))
	p := mustCompile(f, fuzzProgram)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g float64, blank uint16) {
		xs := []float64{a, b, c, d, e, g}
		in := vals{}
		for i, fc := range fuzzCells {
			if blank&(1<<i) != 0 {
				continue
			}
			k := fc.cell
			switch fc.period {
			case Previous:
				k = "prev " + k
			case LastYear:
				k = "ly " + k
			}
			in[k] = xs[i%len(xs)]
		}
		res := p.Evaluate(in)
		if len(res) != len(fuzzProgram) {
			t.Fatalf("%d results", len(res))
		}
		checkResults(t, res)
		if len(in) == 0 {
			for c, r := range res {
				if r.OK || r.Err != "" {
					t.Fatalf("no inputs, but %s = %+v", c, r)
				}
			}
		}
		// The total of column 1 adds up its leaves.
		sum := decimal.Zero
		n, bad := 0, false
		for _, k := range []string{"a1.c1", "a2.c1", "b.c1"} {
			if _, ok := in[k]; ok {
				v, ok := in.Value(cell(k), Current)
				if !ok {
					continue // not a number any store holds: blank
				}
				n++
				var fits bool
				sum, fits = sum.Add(v)
				bad = bad || !fits
			}
		}
		tot := res[cell("tong.c1")]
		switch {
		case n == 0:
			if tot.OK || tot.Err != "" {
				t.Fatalf("blank leaves, tong.c1 = %+v", tot)
			}
		case !bad:
			if !tot.OK || !tot.Value.Equal(sum) {
				t.Fatalf("tong.c1 = %+v, want %v", tot, sum)
			}
		}
	})
}
