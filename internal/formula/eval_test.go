package formula

import (
	"slices"
	"strings"
	"testing"
)

// in1 are the inputs of the single-formula tests: row r1 has c1 = 10,
// c2 = 20, c3 = 5 and c4 blank; row r2 is blank; r3.c1 = 1, r4.c1 = 2.
var in1 = vals{
	"r1.c1": 10, "r1.c2": 20, "r1.c3": 5,
	"r3.c1": 1, "r4.c1": 2, "r5.c1": 0,
	"prev r1.c4": 100, "prev r1.c5": 7,
	"ly r1.c3": 4, "ly r3.c3": 0,
}

func TestEvaluateOne(t *testing.T) {
	tests := []struct{ src, want string }{
		// constants and precedence
		{"5", "5"},
		{"1 + 2 * 3", "7"},
		{"(1 + 2) * 3", "9"},
		{"10 - 4 - 3", "3"},
		{"100 / 10 / 2", "5"},
		{"2 * 3 / 4", "1.5"},
		{"-2 * 3", "-6"},
		{"2 * -3", "-6"},
		{"-(1 - 3)", "2"},
		{"1e3 + .5", "1000.5"},
		{"2 - -2", "4"},
		{"1 < 2", "1"},
		{"2 < 1", "0"},
		{"2 <= 2", "1"},
		{"3 >= 4", "0"},
		{"0.1 + 0.2 = 0.3", "1"},
		{"0.1 + 0.2 <> 0.3", "0"},
		{"1 <> 2", "1"},
		{"NOT 0", "1"},
		{"not 5", "0"},
		{"1 AND 0 OR 1", "1"},
		{"1 OR 0 AND 0", "1"},
		{"(1 OR 0) AND 0", "0"},
		{"NOT 1 = 2", "1"},
		{"1 + 2 > 2", "1"},
		{"=c1+c2", "30"},
		// references
		{"c1 + c2 * c3", "110"},
		{"(1) + (2)", "30"},
		{"r1.c1 * r3.c1 + r4.c1", "12"},
		{"c2 / c1", "2"},
		{"c1 / c2 * 100", "50"},
		// blanks
		{"c1 + c4", "10"},
		{"c4 + c1", "10"},
		{"c4 - c1", "-10"},
		{"c1 * c4", "0"},
		{"r2.c1 + r2.c2", "blank"},
		{"r2.c1 * 2", "blank"},
		{"r2.c1 + 5", "blank"},
		{"-r2.c1", "blank"},
		{"r2.c1 + c1", "10"},
		{"(r2.c1 + 5) + c1", "15"},
		{"r2.c1 = 0", "blank"},
		{"r2.c1 = c1", "0"},
		{"r5.c1", "0"},
		{"r5.c1 + r2.c1", "0"},
		// aggregates
		{"SUM(c1:c4)", "35"},
		{"SUM(c4:c1)", "35"},
		{"SUM(c1:c2, c3, 100)", "135"},
		{"SUM(r2.c1:r2.c4)", "blank"},
		{"SUM(r2.c1:r2.c4) + c1", "10"},
		{"SUM(r2.c1, 5)", "blank"},
		{"SUM(r2.c1, r5.c1)", "0"},
		{"SUM(r1.c1:r4.c1)", "13"},
		{"SUM(r4.c1:r1.c1)", "13"},
		{"SUM(r2.c1 * 2, c1)", "10"},
		{"MIN(c1, r2.c1)", "10"},
		{"MIN(r1.c1:r4.c1)", "1"},
		{"MAX(c1:c4)", "20"},
		{"MAX(r2.c1, -5)", "blank"},
		{"MAX(r2.c1, -5) + c1", "5"},
		{"AVG(c1:c4)", "11.66666666666666666666666666666667"},
		{"AVG(r2.c1, c1)", "10"},
		{"AVG(r2.c1:r2.c3)", "blank"},
		{"AVG(r2.c1:r2.c3) + c1", "10"},
		{"MIN(c1, c2) + MAX(c1, c2)", "30"},
		// IF
		{"IF(c1 > 5, 1, 2)", "1"},
		{"IF(c1 < 5, 1, 2)", "2"},
		{"IF(c1, c2, c3)", "20"},
		{"IF(r2.c1 > 0, 1, 2)", "blank"},
		{"IF(r2.c1 > 0, 1, 2) + c1", "10"},
		{"IF(c1 > 50, c2, r2.c1)", "0"},
		{"IF(1, r2.c1, 3)", "blank"},
		{"IF(c1 = 10, 0, 1 / r2.c1)", "0"},
		{"IF(c1 <> 0 AND c2 / c1 > 1, 1, 0)", "1"},
		{"IF(r5.c1 <> 0 AND c2 / r5.c1 > 1, 1, 0)", "0"},
		{"IF(r5.c1 = 0 OR c2 / r5.c1 > 1, 1, 0)", "1"},
		// ROUND and ABS
		{"ROUND(2.675, 2)", "2.68"},
		{"ROUND(1.005, 2)", "1.01"},
		{"ROUND(2.5, 0)", "3"},
		{"ROUND(-2.5, 0)", "-3"},
		{"ROUND(0.5, 0)", "1"},
		{"ROUND(-0.4, 0)", "0"},
		{"ROUND(9.995, 2)", "10"},
		{"ROUND(1234.5678, 1)", "1234.6"},
		{"ROUND(1250, -2)", "1300"},
		{"ROUND(500, -3)", "1000"},
		{"ROUND(5, -3)", "0"},
		{"ROUND(123, 5)", "123"},
		{"ROUND(c1 / 3, 2)", "3.33"},
		{"ROUND(c2 / 3, 1.9)", "6.7"},
		{"ROUND(1e99, -400)", "0"},
		{"ROUND(r2.c1, 2)", "blank"},
		{"ABS(c1 - c2)", "10"},
		{"ABS(-0)", "0"},
		// previous periods
		{"prev(c4) + c3", "105"},
		{"prev(r2.c4) + r2.c3", "blank"},
		{"prev(c5)", "7"},
		{"c3 / lastyear(c3) * 100", "125"},
		{"IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)", "125"},
		{"IF(lastyear(r2.c3) = 0, 0, r2.c3 / lastyear(r2.c3) * 100)", "blank"},
		{"IF(lastyear(r3.c3) = 0, 0, r3.c3 / lastyear(r3.c3) * 100)", "0"},
		// run-time errors
		{"c1 / r2.c1", "err Không tính được: chia cho 0"},
		{"c1 / (c1 - 10)", "err Không tính được: chia cho 0"},
		{"c1 / r5.c1 + 1", "err Không tính được: chia cho 0"},
		{"r3.c3 / lastyear(r3.c3)", "err Không tính được: chia cho 0"},
		{"r2.c1 / r2.c2", "blank"},
		{"r2.c1 / r2.c2 + c1", "10"},
		{"c1 * 1e100 * 1e100", "err Không tính được: kết quả quá lớn"},
		{"SUM(c1 * 1e99 * 1e100 * 9, c1 * 1e99 * 1e100 * 9)", "err Không tính được: kết quả quá lớn"},
		{"ROUND(c1 * 1e100 * 1e100, -100)", "err Không tính được: kết quả quá lớn"},
		{"(r2.c1 + 1e100) * 1e100 * 10", "err Không tính được: kết quả quá lớn"},
		{"AVG(c1 * 1e99 * 1e100 * 9, c1 * 1e99 * 1e100 * 9)", "err Không tính được: kết quả quá lớn"},
	}
	for _, tt := range tests {
		p, probs := compileAt(t, map[string]string{"r1.c5": tt.src})
		if len(probs) > 0 {
			t.Errorf("%q: %v", tt.src, probs)
			continue
		}
		got := p.Evaluate(in1)
		if len(got) != 1 {
			t.Errorf("%q: %d results, want 1", tt.src, len(got))
		}
		if s := resultString(got[cell("r1.c5")]); s != tt.want {
			t.Errorf("%q = %s, want %s", tt.src, s, tt.want)
		}
	}
}

func TestEvaluateSheet(t *testing.T) {
	fs := map[string]string{
		// subtotals
		"tong.c1": "SUM(children)",
		"a.c1":    "SUM(children)",
		"tong.c2": "SUM(children)",
		"a.c2":    "SUM(children)",
		// percentages read the computed totals
		"tong.c3": "ROUND(c2 / c1 * 100, 1)",
		"a.c3":    "c2 / c1 * 100",
		"b.c3":    "c2 / c1 * 100",
		// formula cells chained through another row
		"r1.c4": "r1.c5 + 1",
		"r1.c5": "tong.c1 * 2",
		// errors propagate, naming where they started
		"r2.c3": "c1 / c2",
		"r2.c4": "c3 + 1",
		"r3.c4": "r2.c4 * 2",
		"r3.c5": "IF(r2.c1 > 0, r2.c4, 0)",
	}
	in := vals{
		"a1.c1": 1, "a2.c1": 2, "b.c1": 4,
		"a1.c2": 3, "b.c2": 5,
		"r2.c1": 0, "r2.c2": 0,
	}
	p := mustCompile(t, fs)
	got := p.Evaluate(in)
	want := map[string]string{
		"tong.c1": "7",
		"a.c1":    "3",
		"tong.c2": "8",
		"a.c2":    "3",
		"tong.c3": "114.3",
		"a.c3":    "100",
		"b.c3":    "125",
		"r1.c4":   "15",
		"r1.c5":   "14",
		"r2.c3":   "err Không tính được: chia cho 0",
		"r2.c4":   "err Không tính được: ô r2.c3 có lỗi (chia cho 0)",
		"r3.c4":   "err Không tính được: ô r2.c3 có lỗi (chia cho 0)",
		"r3.c5":   "0",
	}
	if len(got) != len(want) {
		t.Errorf("%d results, want %d", len(got), len(want))
	}
	for k, w := range want {
		if s := resultString(got[cell(k)]); s != w {
			t.Errorf("%s = %s, want %s", k, s, w)
		}
	}

	// Everything blank: subtotals and percentages stay blank.
	for c, r := range p.Evaluate(nil) {
		if r.OK || r.Err != "" {
			t.Errorf("with no inputs %s = %s, want blank", c, resultString(r))
		}
	}
	if (*Program)(nil).Evaluate(in) != nil {
		t.Error("nil Program evaluated to something")
	}
}

func TestOrderAndDeps(t *testing.T) {
	p := mustCompile(t, map[string]string{
		"tong.c1": "SUM(children)",
		"a.c1":    "SUM(children)",
		"r1.c4":   "r1.c5 + c1 + c1 + prev(c4) + lastyear(c2)",
		"r1.c5":   "tong.c1 * 2",
		"r2.c5":   "SUM(c1:c3, r1.c1:r3.c1)",
	})
	order := p.Order()
	want := []Cell{cell("a.c1"), cell("tong.c1"), cell("r1.c5"), cell("r1.c4"), cell("r2.c5")}
	if !slices.Equal(order, want) {
		t.Errorf("Order() = %v, want %v", order, want)
	}
	pos := map[Cell]int{}
	for i, c := range order {
		pos[c] = i
	}
	for _, c := range order {
		for _, d := range p.Deps(c) {
			if j, ok := pos[d]; ok && j > pos[c] {
				t.Errorf("%s comes before its dependency %s", c, d)
			}
		}
	}
	deps := map[string]string{
		"tong.c1": "a.c1 b.c1",
		"a.c1":    "a1.c1 a2.c1",
		"r1.c4":   "r1.c5 r1.c1",
		"r2.c5":   "r2.c1 r2.c2 r2.c3 r1.c1 r3.c1",
		"r3.c5":   "",
	}
	for k, w := range deps {
		var names []string
		for _, d := range p.Deps(cell(k)) {
			names = append(names, d.String())
		}
		if got := strings.Join(names, " "); got != w {
			t.Errorf("Deps(%s) = %q, want %q", k, got, w)
		}
	}
	// Deps returns a copy.
	d := p.Deps(cell("a.c1"))
	d[0] = Cell{"x", "1"}
	if p.Deps(cell("a.c1"))[0] != cell("a1.c1") {
		t.Error("Deps shares its slice")
	}
	var nilp *Program
	if nilp.Order() != nil || nilp.Deps(cell("a.c1")) != nil {
		t.Error("nil Program has order or deps")
	}
}

func TestBlankFormulasAreIgnored(t *testing.T) {
	p := mustCompile(t, map[string]string{"r1.c5": "  ", "r1.c4": "c1 + 1"})
	if got := p.Order(); len(got) != 1 || got[0] != cell("r1.c4") {
		t.Fatalf("Order() = %v", got)
	}
}

func TestRound(t *testing.T) {
	p := mustCompile(t, map[string]string{
		"r1.c5": "ROUND(c1, c2)",
		"r2.c5": "ROUND(c1, c2)",
		"r3.c5": "ROUND(c1, c2)",
		"r4.c5": "ROUND(c1, c2)",
		"r5.c5": "ROUND(c1, c2)",
	})
	got := p.Evaluate(vals{
		"r1.c1": 0.125, "r1.c2": 2,
		"r2.c1": -0.125, "r2.c2": 2.9, // decimals truncated to 2
		"r3.c1": 2.675, "r3.c2": 2, // exactly 2,675: 2,68
		"r4.c1": -99.5, "r4.c2": 0,
		"r5.c1": 1234.5, "r5.c2": -2,
	})
	for k, w := range map[string]string{"r1.c5": "0.13", "r2.c5": "-0.13", "r3.c5": "2.68", "r4.c5": "-100", "r5.c5": "1200"} {
		if s := resultString(got[cell(k)]); s != w {
			t.Errorf("%s = %s, want %s", k, s, w)
		}
	}
}

func TestExactArithmetic(t *testing.T) {
	p := mustCompile(t, map[string]string{
		"r1.c5": "c1 + c2",
		"r2.c5": "IF(c1 + c2 = 0.3, 1, 0)",
		"r3.c5": "c1 / c2 * 100",
		"r4.c5": "IF(100 / 3 + 100 / 3 + 100 / 3 = 100, 1, 0)",
	})
	got := p.Evaluate(vals{"r1.c1": 0.1, "r1.c2": 0.2, "r2.c1": 0.1, "r2.c2": 0.2, "r3.c1": 1, "r3.c2": 8})
	for k, w := range map[string]string{"r1.c5": "0.3", "r2.c5": "1", "r3.c5": "12.5", "r4.c5": "1"} {
		if s := resultString(got[cell(k)]); s != w {
			t.Errorf("%s = %s, want %s", k, s, w)
		}
	}
}

// TestSheetQuirks covers sheets that bend the rules: upper-case row keys,
// column codes with leading zeros, a child that is not in the sheet, many
// columns.
func TestSheetQuirks(t *testing.T) {
	s := &testSheet{
		rows:     []string{"Tong", "x1", "x2"},
		cols:     []string{"01", "02", "3"},
		children: map[string][]string{"Tong": {"x1", "x2"}},
	}
	p, probs := Compile(s, map[Cell]string{
		{"Tong", "01"}: "SUM(children)",
		{"x1", "3"}:    "c1 + tong.c2 + TONG.c02",
	})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	got := p.Evaluate(vals{"x1.c01": 1, "x2.c01": 2, "Tong.c02": 5})
	if r := got[Cell{"Tong", "01"}]; resultString(r) != "3" {
		t.Errorf("Tong.c01 = %s", resultString(r))
	}
	if r := got[Cell{"x1", "3"}]; resultString(r) != "11" {
		t.Errorf("x1.c3 = %s", resultString(r))
	}
	if d := p.Deps(Cell{"x1", "3"}); len(d) != 2 || d[0] != (Cell{"x1", "01"}) || d[1] != (Cell{"Tong", "02"}) {
		t.Errorf("Deps = %v", d)
	}

	s.children["Tong"] = append(s.children["Tong"], "ghost")
	s.cols = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"}
	_, probs = Compile(s, map[Cell]string{{"Tong", "1"}: "SUM(children) + c14"})
	if len(probs) != 2 ||
		probs[0].Message != "Công thức ô Tong.c1: hàng con ghost của hàng Tong không có trong biểu" ||
		probs[1].Message != "Công thức ô Tong.c1: tham chiếu đến cột 14 không tồn tại (biểu có cột 1 đến 13)" {
		t.Errorf("problems %v", probs)
	}
}
