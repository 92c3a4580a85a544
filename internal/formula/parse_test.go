package formula

import (
	"fmt"
	"strings"
	"testing"
)

// dump writes a parsed tree in prefix form, e.g. (+ c1 (* c2 c3)).
func dump(n *node) string {
	kids := func() string {
		var b strings.Builder
		for i, k := range n.kids {
			b.WriteByte(' ')
			if n.inv != nil && i > 0 {
				if n.inv[i] {
					b.WriteString(map[opcode]string{opAdd: "-", opMul: "/"}[n.op])
				} else {
					b.WriteString(map[opcode]string{opAdd: "+", opMul: "*"}[n.op])
				}
			}
			b.WriteString(dump(k))
		}
		return b.String()
	}
	switch n.op {
	case opNum:
		return fmt.Sprint(n.num)
	case opRef:
		s := "c" + n.col
		if n.row != "" {
			s = n.row + "." + s
		}
		switch n.period {
		case Previous:
			s = "prev:" + s
		case LastYear:
			s = "ly:" + s
		}
		return s
	case opRange:
		return dump(n.kids[0]) + ":" + dump(n.kids[1])
	case opChildren:
		return "children"
	case opCmp:
		return "(" + []string{"<", "<=", ">", ">=", "=", "<>"}[n.cmp] + kids() + ")"
	}
	name := map[opcode]string{opNeg: "neg", opNot: "not", opAdd: "add", opMul: "mul", opAnd: "and", opOr: "or",
		opIf: "if", opSum: "sum", opMin: "min", opMax: "max", opAvg: "avg", opRound: "round", opAbs: "abs"}[n.op]
	return "(" + name + kids() + ")"
}

func TestParseValid(t *testing.T) {
	tests := []struct{ src, want string }{
		{"12", "12"},
		{"3.5", "3.5"},
		{"1e3", "1000"},
		{"2.5E-1", "0.25"},
		{".5", "0.5"},
		{"c3", "c3"},
		{"C3", "c3"},
		{"c03", "c3"},
		{"(3)", "c3"},
		{"( 3 )", "c3"},
		{"(3.0)", "3"},
		{"(-3)", "(neg 3)"},
		{"r12.c3", "r12.c3"},
		{"R12.C3", "r12.c3"},
		{"thu_ngan_sach.c2", "thu_ngan_sach.c2"},
		{"c1.c2", "c1.c2"},
		{"if.c2 + and.c1", "(add if.c2 +and.c1)"},
		{"children.c1", "children.c1"},
		{"=c1+c2", "(add c1 +c2)"},
		{"(3)=(1)+(2)", "(= c3 (add c1 +c2))"},
		{"c1 + c2 * c3", "(add c1 +(mul c2 *c3))"},
		{"(c1 + c2) * c3", "(mul (add c1 +c2) *c3)"},
		{"c1 - c2 - c3", "(add c1 -c2 -c3)"},
		{"c1 / c2 * 100", "(mul c1 /c2 *100)"},
		{"-c1 * c2", "(mul (neg c1) *c2)"},
		{"- -c1", "(neg (neg c1))"},
		{"+c1", "c1"},
		{"c1 * -2", "(mul c1 *(neg 2))"},
		{"c1 < c2 AND c2 <= c3 OR NOT c4 <> 0", "(or (and (< c1 c2) (<= c2 c3)) (not (<> c4 0)))"},
		{"c1 >= 1 and c2 > 2 and c3 = 3", "(and (>= c1 1) (> c2 2) (= c3 3))"},
		{"prev(c4) + c3", "(add prev:c4 +c3)"},
		{"PREV(r12.c5)", "prev:r12.c5"},
		{"lastyear(c3)", "ly:c3"},
		{"LastYear((3))", "ly:c3"},
		{"prev((c4))", "prev:c4"},
		{"SUM(c1:c4)", "(sum c1:c4)"},
		{"sum(r1.c3:r5.c3, c2, 7)", "(sum r1.c3:r5.c3 c2 7)"},
		{"SUM((1):(4))", "(sum c1:c4)"},
		{"SUM(children)", "(sum children)"},
		{"SUM(c1; c2)", "(sum c1 c2)"},
		{"MIN(c1, c2) + MAX(c1:c2) + AVG(children)", "(add (min c1 c2) +(max c1:c2) +(avg children))"},
		{"IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)", "(if (= ly:c3 0) 0 (mul c3 /ly:c3 *100))"},
		{"ROUND(c1 / 3, 2)", "(round (mul c1 /3) 2)"},
		{"abs(c1 - c2)", "(abs (add c1 -c2))"},
		{"  c1\t+\nc2  ", "(add c1 +c2)"},
	}
	for _, tt := range tests {
		n, err := parse(tt.src)
		if err != nil {
			t.Errorf("parse(%q): error at %d: %s", tt.src, err.pos, err.msg)
			continue
		}
		if got := dump(n); got != tt.want {
			t.Errorf("parse(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestParseInvalid checks syntax errors through Compile: the message, its
// character position (1-based, counted in characters, not bytes) and Pos.
func TestParseInvalid(t *testing.T) {
	tests := []struct {
		src  string
		pos  int
		want string
	}{
		{"=", 2, "công thức trống"},
		{"c1 +", 5, "lỗi cú pháp ở cuối công thức: công thức chưa hết"},
		{"c1 + * c2", 6, "lỗi cú pháp ở ký tự 6: thiếu số hoặc ô trước '*'"},
		{"(c1 + c2", 9, "lỗi cú pháp ở cuối công thức: thiếu dấu ')'"},
		{"c1 + c2)", 8, "thừa dấu ')'"},
		{"c1 c2", 4, "không hiểu 'c2' ở đây"},
		{"1,5 * c1", 2, "số thập phân viết bằng dấu chấm"},
		{"gdp + 1", 1, "không hiểu tên 'gdp'"},
		{"c1 × c2", 4, "phép nhân viết *"},
		{"tổng.c1", 2, "ký tự 'ổ' không dùng được"},
		{"\"c1\"", 1, "ký tự '\"' không dùng được"},
		{"c1 != c2", 4, "viết <>"},
		{"c1 < c2 < c3", 9, "không so sánh liên tiếp"},
		{"FOO(c1)", 1, "không có hàm FOO"},
		{"SUM c1", 5, "thiếu dấu '(' sau SUM"},
		{"SUM()", 5, "SUM cần ít nhất một đối số"},
		{"SUM(c1 c2)", 8, "thiếu dấu ',' hoặc ')' trong SUM"},
		{"SUM(c1,", 8, "lỗi cú pháp ở cuối công thức"},
		{"SUM(c1, c2", 4, "thiếu dấu ')' đóng SUM("},
		{"IF(c1, 2)", 1, "IF cần đúng 3 đối số"},
		{"ROUND(c1)", 1, "ROUND cần đúng 2 đối số"},
		{"ABS()", 1, "ABS cần đúng 1 đối số"},
		{"prev(c1 + c2)", 6, "PREV chỉ nhận đúng một ô"},
		{"prev(5)", 6, "PREV chỉ nhận đúng một ô"},
		{"prev(c1:c3)", 6, "PREV chỉ nhận đúng một ô"},
		{"lastyear(prev(c1))", 10, "LASTYEAR chỉ nhận đúng một ô"},
		{"lastyear()", 1, "LASTYEAR chỉ nhận đúng một ô"},
		{"prev(children)", 6, "PREV chỉ nhận đúng một ô"},
		{"r1.5", 4, "sau 'r1.' phải là một cột"},
		{"r1.", 4, "sau 'r1.' phải là một cột"},
		{"SUM(c1:)", 8, "sau dấu ':' phải là ô cuối"},
		{"SUM(c1:c2:c3)", 10, "phạm vi chỉ có một dấu ':'"},
		{"1e999", 1, "số 1e999 quá lớn"},
		{"c1 AND", 7, "công thức chưa hết"},
		{"AND c1", 1, "thiếu số hoặc ô trước AND"},
		{"c1 == c2", 5, "thiếu số hoặc ô trước '='"},
		{strings.Repeat("(", 33) + "1.0" + strings.Repeat(")", 33), 33, "công thức lồng quá sâu ở ký tự 33: tối đa 32 tầng"},
		{strings.Repeat("-", 40) + "c1", 33, "công thức lồng quá sâu"},
		{strings.Repeat("abs(", 33) + "1" + strings.Repeat(")", 33), 129, "công thức lồng quá sâu"},
	}
	for _, tt := range tests {
		_, probs := compileAt(t, map[string]string{"r1.c5": tt.src})
		if len(probs) != 1 {
			t.Errorf("%q: got %d problems %v, want 1", tt.src, len(probs), probs)
			continue
		}
		p := probs[0]
		if p.Cell != cell("r1.c5") || !strings.HasPrefix(p.Message, "Công thức ô r1.c5: ") ||
			!strings.Contains(p.Message, tt.want) || p.Pos != tt.pos {
			t.Errorf("%q: got %+v, want pos %d and message with %q", tt.src, p, tt.pos, tt.want)
		}
		if !strings.Contains(p.Message, "công thức trống") && !strings.Contains(p.Message, "cuối công thức") &&
			!strings.Contains(p.Message, fmt.Sprintf("ký tự %d", tt.pos)) {
			t.Errorf("%q: message %q does not give the position %d", tt.src, p.Message, tt.pos)
		}
	}
}

func TestDepthLimitAllowsLongChains(t *testing.T) {
	// Long sums do not count as nesting: 40 rows added one by one.
	terms := make([]string, 0, 40)
	for range 40 {
		terms = append(terms, "r2.c1")
	}
	src := strings.Repeat("(", 32) + strings.Join(terms, "+") + strings.Repeat(")", 32)
	p := mustCompile(t, map[string]string{"r1.c5": src})
	got := p.Evaluate(vals{"r2.c1": 1.5})[cell("r1.c5")]
	if resultString(got) != "60" {
		t.Fatalf("got %s, want 60", resultString(got))
	}
}
