package formula

import (
	"fmt"
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	type want struct {
		cell, msg string
		pos       int
	}
	long := "c1" + strings.Repeat(" + c1", 199) // 997 bytes
	tests := []struct {
		name string
		fs   map[string]string
		want []want
	}{
		{"unknown row", map[string]string{"r1.c5": "r99.c1 + 1"},
			[]want{{"r1.c5", "Công thức ô r1.c5: tham chiếu đến hàng r99 không tồn tại", 1}}},
		{"unknown row in prev", map[string]string{"r1.c5": "c1 + prev(x.c1)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: tham chiếu đến hàng x không tồn tại", 6}}},
		{"unknown row in range", map[string]string{"r1.c5": "SUM(r1.c1:r99.c1)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: tham chiếu đến hàng r99 không tồn tại", 11}}},
		{"unknown column", map[string]string{"r1.c5": "c1 + c9"},
			[]want{{"r1.c5", "Công thức ô r1.c5: tham chiếu đến cột 9 không tồn tại (biểu có cột 1, 2, 3, 4, 5)", 6}}},
		{"unknown column alias", map[string]string{"r1.c5": "(0) + r2.c6"},
			[]want{
				{"r1.c5", "Công thức ô r1.c5: tham chiếu đến cột 0 không tồn tại (biểu có cột 1, 2, 3, 4, 5)", 1},
				{"r1.c5", "Công thức ô r1.c5: tham chiếu đến cột 6 không tồn tại (biểu có cột 1, 2, 3, 4, 5)", 7},
			}},
		{"same unknown row twice is one problem", map[string]string{"r1.c5": "x.c1 + x.c2"},
			[]want{{"r1.c5", "Công thức ô r1.c5: tham chiếu đến hàng x không tồn tại", 1}}},
		{"formula on a cell not in the sheet", map[string]string{"x.c1": "1", "r1.c9": "2"},
			[]want{
				{"r1.c9", "Công thức ô r1.c9: cột 9 không có trong biểu", 0},
				{"x.c1", "Công thức ô x.c1: hàng x không có trong biểu", 0},
			}},
		{"range over rows and columns", map[string]string{"r1.c5": "SUM(r1.c1:r2.c2)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: phạm vi r1.c1:r2.c2 phải nằm trên một hàng (c1:c4) hoặc một cột (r1.c3:r9.c3)", 5}}},
		{"range outside SUM", map[string]string{"r1.c5": "1 + c1:c3"},
			[]want{{"r1.c5", "Công thức ô r1.c5: phạm vi (dấu ':') chỉ dùng được trong SUM, MIN, MAX, AVG", 5}}},
		{"range in an expression in SUM", map[string]string{"r1.c5": "SUM(-c1:c3)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: phạm vi (dấu ':') chỉ dùng được trong SUM, MIN, MAX, AVG", 6}}},
		{"children outside SUM", map[string]string{"a.c5": "SUM(children) - children"},
			[]want{{"a.c5", "Công thức ô a.c5: children chỉ dùng được trong SUM, MIN, MAX, AVG, ví dụ SUM(children)", 17}}},
		{"children of a leaf row", map[string]string{"r1.c5": "SUM(children)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: hàng r1 không có hàng con nên không dùng được children", 5}}},
		{"self reference", map[string]string{"r1.c5": "c1 + c5"},
			[]want{{"r1.c5", "Công thức ô r1.c5: ô tự tham chiếu đến chính nó: r1.c5 → r1.c5", 6}}},
		{"paper-form equation", map[string]string{"r1.c3": "(3)=(1)+(2)"},
			[]want{{"r1.c3", "Công thức ô r1.c3: ô tự tham chiếu đến chính nó: r1.c3 → r1.c3", 1}}},
		{"two-cell cycle", map[string]string{"r1.c1": "r2.c1", "r2.c1": "r1.c1 * 2", "r3.c1": "r1.c1"},
			[]want{
				{"r1.c1", "Công thức ô r1.c1: tham chiếu vòng: r1.c1 → r2.c1 → r1.c1", 1},
				{"r2.c1", "Công thức ô r2.c1: tham chiếu vòng: r2.c1 → r1.c1 → r2.c1", 1},
			}},
		{"three-cell cycle", map[string]string{"r1.c1": "r2.c1 + 1", "r2.c1": "1 + r3.c1", "r3.c1": "SUM(r1.c1, 5)"},
			[]want{
				{"r1.c1", "Công thức ô r1.c1: tham chiếu vòng: r1.c1 → r2.c1 → r3.c1 → r1.c1", 1},
				{"r2.c1", "Công thức ô r2.c1: tham chiếu vòng: r2.c1 → r3.c1 → r1.c1 → r2.c1", 5},
				{"r3.c1", "Công thức ô r3.c1: tham chiếu vòng: r3.c1 → r1.c1 → r2.c1 → r3.c1", 5},
			}},
		{"cycle through children", map[string]string{"tong.c2": "SUM(children)", "b.c2": "tong.c2 / 2"},
			[]want{
				{"tong.c2", "Công thức ô tong.c2: tham chiếu vòng: tong.c2 → b.c2 → tong.c2", 5},
				{"b.c2", "Công thức ô b.c2: tham chiếu vòng: b.c2 → tong.c2 → b.c2", 1},
			}},
		{"prev does not make a cycle, but a cycle elsewhere", map[string]string{"r1.c4": "prev(c4) + c3", "r1.c3": "c3"},
			[]want{{"r1.c3", "Công thức ô r1.c3: ô tự tham chiếu đến chính nó: r1.c3 → r1.c3", 1}}},
		{"constant division by zero", map[string]string{"r1.c5": "c1 / 0"},
			[]want{{"r1.c5", "Công thức ô r1.c5: chia cho 0 ở ký tự 6 (số chia luôn bằng 0)", 6}}},
		{"constant division by (2-2)", map[string]string{"r1.c5": "c1 /(2-2)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: chia cho 0 ở ký tự 6 (số chia luôn bằng 0)", 6}}},
		{"constant division by zero in an IF branch", map[string]string{"r1.c5": "IF(c1 > 0, c2 / (3 * 0), 0)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: chia cho 0 ở ký tự 18 (số chia luôn bằng 0)", 18}}},
		{"constant division by zero, twice", map[string]string{"r1.c5": "1/0 + ROUND(c1, 2/0)"},
			[]want{
				{"r1.c5", "Công thức ô r1.c5: chia cho 0 ở ký tự 3 (số chia luôn bằng 0)", 3},
				{"r1.c5", "Công thức ô r1.c5: chia cho 0 ở ký tự 19 (số chia luôn bằng 0)", 19},
			}},
		{"constant overflow", map[string]string{"r1.c5": "c1 + 1e100 * 1e100 * 10"},
			[]want{{"r1.c5", "Công thức ô r1.c5: phép tính với hằng số ở ký tự 6 vượt quá giới hạn của số", 6}}},
		{"prev of an expression", map[string]string{"r1.c5": "prev(c1 * 2)"},
			[]want{{"r1.c5", "Công thức ô r1.c5: lỗi cú pháp ở ký tự 6: PREV chỉ nhận đúng một ô, ví dụ PREV(c5) hoặc PREV(r12.c5)", 6}}},
		{"too long", map[string]string{"r1.c5": long + "+ c1 "},
			[]want{{"r1.c5", "Công thức ô r1.c5: công thức quá dài: 1002 byte, tối đa 1000 byte", 0}}},
		{"too deep", map[string]string{"r1.c5": strings.Repeat("ABS(", 33) + "c1" + strings.Repeat(")", 33)},
			[]want{{"r1.c5", "Công thức ô r1.c5: công thức lồng quá sâu ở ký tự 129: tối đa 32 tầng ngoặc, hàm và dấu âm lồng nhau", 129}}},
		{"too many nodes", map[string]string{"r1.c5": "c1" + strings.Repeat("+1", 499)},
			[]want{{"r1.c5", "Công thức ô r1.c5: công thức quá lớn: hơn 500 phần tử sau khi khai triển phạm vi và children", 0}}},
		{"problems in sheet order", map[string]string{"r3.c1": "r99.c1", "tong.c5": "c9", "r1.c2": "1 +"},
			[]want{
				{"tong.c5", "Công thức ô tong.c5: tham chiếu đến cột 9 không tồn tại (biểu có cột 1, 2, 3, 4, 5)", 1},
				{"r1.c2", "Công thức ô r1.c2: lỗi cú pháp ở cuối công thức: công thức chưa hết, thiếu số hoặc ô", 4},
				{"r3.c1", "Công thức ô r3.c1: tham chiếu đến hàng r99 không tồn tại", 1},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, probs := compileAt(t, tt.fs)
			if p != nil {
				t.Error("Program is not nil")
			}
			var got, exp []string
			for _, pr := range probs {
				got = append(got, fmt.Sprintf("%s %d %s", pr.Cell, pr.Pos, pr.Message))
			}
			for _, w := range tt.want {
				exp = append(exp, fmt.Sprintf("%s %d %s", w.cell, w.pos, w.msg))
			}
			if strings.Join(got, "\n") != strings.Join(exp, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(exp, "\n"))
			}
		})
	}
}

func TestLimitsAtTheEdge(t *testing.T) {
	long := "c1" + strings.Repeat(" + c1", 199) + " +1" // 1000 bytes
	if len(long) != MaxLen {
		t.Fatalf("len = %d", len(long))
	}
	mustCompile(t, map[string]string{"r1.c5": long})
	mustCompile(t, map[string]string{"r1.c5": strings.Repeat("ABS(", 32) + "c1" + strings.Repeat(")", 32)})
	mustCompile(t, map[string]string{"r1.c5": "c1" + strings.Repeat("+1", 498)}) // 500 nodes

	// Expansion counts: a 300-row column range is fine once, not twice.
	s := bigSheet(300, 40)
	col := func(c int) string { return fmt.Sprintf("SUM(%s.c%d:%s.c%d)", s.rows[0], c, s.rows[299], c) }
	if _, probs := Compile(s, map[Cell]string{{"tong", "8"}: col(1)}); len(probs) != 0 {
		t.Errorf("one range: %v", probs)
	}
	_, probs := Compile(s, map[Cell]string{{"tong", "8"}: col(1) + " + " + col(2)})
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "công thức quá lớn") {
		t.Errorf("two ranges: %v", probs)
	}
}

// TestLargeCycle checks that a cycle through many cells is reported for
// each of them, quickly, with a shortened path.
func TestLargeCycle(t *testing.T) {
	s := bigSheet(300, 40)
	fs := map[Cell]string{}
	for i, r := range s.rows {
		fs[Cell{r, "1"}] = s.rows[(i+1)%len(s.rows)] + ".c1 + " + s.rows[(i+7)%len(s.rows)] + ".c1"
	}
	_, probs := Compile(s, fs)
	if len(probs) != len(s.rows) {
		t.Fatalf("%d problems, want %d", len(probs), len(s.rows))
	}
	for _, p := range probs {
		if !strings.Contains(p.Message, "tham chiếu vòng: "+p.Cell.String()+" → ") ||
			!strings.HasSuffix(p.Message, " → "+p.Cell.String()) || len(p.Message) > 400 {
			t.Errorf("%s", p.Message)
		}
	}
}

// TestHelpExamples checks that the examples shown to template designers
// are in HelpVI and compile.
func TestHelpExamples(t *testing.T) {
	examples := []struct{ at, src string }{
		{"r1.c5", "prev(c4) + c3"},
		{"r1.c5", "IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)"},
		{"r1.c5", "SUM(c1:c4)"},
		{"r1.c5", "SUM(r1.c3:r5.c3)"},
		{"a.c5", "SUM(children)"},
		{"r1.c4", "SUM(c1, c2, r5.c3)"},
		{"r1.c5", "IF(c1 > 0, c2 / c1 * 100, 0)"},
		{"r1.c5", "ROUND(c4 / c1 * 100, 1)"},
		{"r1.c3", "(1) + (2)"},
	}
	for _, ex := range examples {
		if ex.src != "SUM(r1.c3:r5.c3)" && ex.src != "(1) + (2)" && !strings.Contains(HelpVI, ex.src) {
			t.Errorf("HelpVI lacks %q", ex.src)
		}
		mustCompile(t, map[string]string{ex.at: ex.src})
	}
	for _, w := range []string{"r1.c3:r9.c3", "(3) = (1) + (2)", "c3 / lastyear(c3) * 100", "1e3"} {
		if !strings.Contains(HelpVI, w) {
			t.Errorf("HelpVI lacks %q", w)
		}
	}
}
