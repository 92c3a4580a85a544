package forms

import (
	"baocao/internal/decimal"

	"strings"
	"testing"

	"baocao/internal/apperr"
	"baocao/internal/formula"
)

func smallForm() Form {
	return Form{Key: "b1", Title: "Thủ tục hành chính",
		Columns: []Column{
			{Code: "1", Label: "Tổng số", Groups: []string{"Số hồ sơ nhận"}, Type: Number, Formula: "c2 + c3"},
			{Code: "2", Label: "Trực tuyến", Groups: []string{"Số hồ sơ nhận", "Trong đó"}, Type: Number},
			{Code: "3", Label: "Trực tiếp", Groups: []string{"Số hồ sơ nhận", "Trong đó"}, Type: Number},
			{Code: "4", Label: "Đã giải quyết", Type: Number},
			{Code: "5", Label: "Tỷ lệ (%)", Type: Percent, Formula: "IF(c1 = 0, 0, c4 / c1 * 100)", Aggregation: NoAggregate},
		},
		Rows: []Row{
			{Key: "r1", STT: "", Label: "Tổng cộng", Kind: Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Lĩnh vực tư pháp", Kind: Indicator},
			{Key: "r3", Parent: "r2", Label: "Trong đó: hộ tịch", Kind: OfWhich},
			{Key: "r4", Parent: "r1", STT: "2", Label: "Lĩnh vực đất đai", Kind: Indicator},
		},
		Rules: []Rule{{Expr: "c4 <= c1", Message: "Số đã giải quyết không lớn hơn số nhận"}},
	}
}

func TestHeaderMergesGroups(t *testing.T) {
	t.Parallel()
	f := smallForm()
	h := f.Header()
	if len(h) != 3 {
		t.Fatalf("header lines %d, want 3", len(h))
	}
	if got := h[0][0]; got.Label != "Số hồ sơ nhận" || got.ColSpan != 3 || got.RowSpan != 1 {
		t.Errorf("top group %+v", got)
	}
	if got := h[0][1]; got.Label != "Đã giải quyết" || got.RowSpan != 3 {
		t.Errorf("leaf without groups %+v", got)
	}
	if got := h[1][0]; got.Label != "Tổng số" || got.RowSpan != 2 {
		t.Errorf("leaf under one group %+v", got)
	}
	if got := h[1][1]; got.Label != "Trong đó" || got.ColSpan != 2 {
		t.Errorf("second-level group %+v", got)
	}
	if len(h[2]) != 2 || h[2][0].Label != "Trực tuyến" {
		t.Errorf("bottom line %+v", h[2])
	}
}

type values map[formula.Cell]float64

func (v values) Value(c formula.Cell, _ formula.Period) (decimal.Decimal, bool) {
	x, ok := v[c]
	return decimal.FromInt(int64(x)), ok
}

func TestCompileSumsChildrenButNotOfWhich(t *testing.T) {
	t.Parallel()
	f := smallForm()
	prog, problems := f.Compile()
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	in := values{
		{Row: "r2", Col: "2"}: 10, {Row: "r2", Col: "3"}: 5, {Row: "r2", Col: "4"}: 12,
		{Row: "r3", Col: "2"}: 4, {Row: "r3", Col: "3"}: 1, {Row: "r3", Col: "4"}: 99,
		{Row: "r4", Col: "2"}: 1, {Row: "r4", Col: "3"}: 1, {Row: "r4", Col: "4"}: 1,
	}
	out := prog.Evaluate(in)
	check := func(row, col string, want int64) {
		t.Helper()
		if got := out[formula.Cell{Row: row, Col: col}]; !got.OK || !got.Value.Equal(decimal.FromInt(want)) {
			t.Errorf("%s.c%s = %+v, want %v", row, col, got, want)
		}
	}
	check("r2", "1", 15)
	check("r1", "2", 11) // r2 + r4, not the "trong đó" r3
	check("r1", "4", 13)
	check("r1", "1", 17) // the column formula wins over SUM(children)
	check("r2", "5", 80)
	if got := out[RuleCell("r3", 0)]; !got.OK || !got.Value.IsZero() {
		t.Errorf("rule on r3 (99 > 5) = %+v, want false", got)
	}
	if got := out[RuleCell("r2", 0)]; !got.OK || !got.Value.Equal(decimal.FromInt(1)) {
		t.Errorf("rule on r2 = %+v, want true", got)
	}
}

func TestCheckReportsFormulaProblemsOnce(t *testing.T) {
	t.Parallel()
	f := smallForm()
	f.Columns[0].Formula = "c2 + c9"
	f.Rows[1].Formulas = map[string]string{"4": "c4 + 1"}
	tpl := Template{Forms: []Form{f}}
	err := tpl.Check()
	if apperr.Code(err) != apperr.Invalid {
		t.Fatalf("Check = %v", err)
	}
	var all []string
	for _, msg := range apperr.FieldErrors(err) {
		all = append(all, msg)
	}
	text := strings.Join(all, "\n")
	if strings.Count(text, "cột 9") != 1 {
		t.Errorf("the unknown column is reported %d times, want once:\n%s", strings.Count(text, "cột 9"), text)
	}
	if !strings.Contains(text, "Lĩnh vực tư pháp") || !strings.Contains(text, "tự tham chiếu") {
		t.Errorf("self-reference on r2 not named:\n%s", text)
	}
}

func TestCheckStructure(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*Form){
		"trùng":           func(f *Form) { f.Rows[1].Key = "r1" },
		"dòng cha":        func(f *Form) { f.Rows[1].Parent = "r9" },
		"kiểu dữ liệu":    func(f *Form) { f.Columns[1].Type = "date" },
		"chưa có tên cột": func(f *Form) { f.Columns[1].Label = "" },
		"cách tổng hợp":   func(f *Form) { f.Columns[1].Aggregation = "median" },
		"cột trọng số":    func(f *Form) { f.Columns[1].Aggregation = WeightedAvg; f.Columns[1].WeightBy = "9" },
		"loại dòng":       func(f *Form) { f.Rows[1].Kind = "total" },
		"lớn hơn giá trị": func(f *Form) {
			lo, hi := decimal.FromInt(5), decimal.FromInt(1)
			f.Columns[1].Min, f.Columns[1].Max = &lo, &hi
		},
	}
	for want, breakIt := range cases {
		f := smallForm()
		breakIt(&f)
		tpl := Template{Forms: []Form{f}}
		err := tpl.Check()
		found := false
		for _, msg := range apperr.FieldErrors(err) {
			found = found || strings.Contains(msg, want)
		}
		if !found {
			t.Errorf("%q: Check = %v", want, apperr.FieldErrors(err))
		}
	}
	good := Template{Forms: []Form{smallForm()}, Outline: []Section{{Key: "s1", Number: "I", Heading: "Kết quả"}}}
	if err := good.CheckPublishable(); err != nil {
		t.Errorf("a good template: %v", err)
	}
	if err := (&Template{}).CheckPublishable(); err == nil {
		t.Error("an empty template is publishable")
	}
}

func TestLevelOfSTT(t *testing.T) {
	t.Parallel()
	for stt, want := range map[string]int{"I": 1, "IV.": 1, "1": 2, "12.": 2, "1.1": 3, "a": 3, "b)": 3, "-": 4, "+": 4, "": 2} {
		if got := LevelOfSTT(stt); got != want {
			t.Errorf("LevelOfSTT(%q) = %d, want %d", stt, got, want)
		}
	}
}

func TestColumnCheckAndComputed(t *testing.T) {
	t.Parallel()
	lo, hi := decimal.MustParse("0.5"), decimal.MustParse("1000.5")
	one := Column{Type: Number, Decimals: 1, Min: &lo, Max: &hi}
	for typed, want := range map[string]string{
		"25.7":   "",
		"25.75":  "Cột này ghi tối đa 1 chữ số thập phân; hãy tự làm tròn nếu cần.",
		"0.4":    "Không được nhỏ hơn 0,5.",
		"1000.6": "Không được lớn hơn 1.000,5.",
	} {
		if got := one.Check(decimal.MustParse(typed)); got != want {
			t.Errorf("Check(%s) = %q, want %q", typed, got, want)
		}
	}
	if got := (Column{Type: Integer}).Check(decimal.MustParse("2.5")); got != "Phải là số nguyên." {
		t.Errorf("integer Check = %q", got)
	}
	if got := (Column{Type: Number}).Check(decimal.MustParse("2.123456789")); got != "" {
		t.Errorf("a column without decimals refused %q", got)
	}
	third, _ := decimal.FromInt(100).Quo(decimal.FromInt(3))
	for _, c := range []struct {
		col  Column
		want string
	}{
		{Column{Type: Percent}, "33.3"},
		{Column{Type: Number, Decimals: 2}, "33.33"},
		{Column{Type: Integer}, "33"},
		{Column{Type: Number}, "33.333333"},
	} {
		if got := c.col.Computed(third).String(); got != c.want {
			t.Errorf("%+v Computed = %s, want %s", c.col, got, c.want)
		}
	}
}

// TestRuleCellsCannotBeNamed: the hidden cells of the cross-checks are
// out of reach of formulas, whatever number a designer types, and a
// failing rule is said as the cross-check it is.
func TestRuleCellsCannotBeNamed(t *testing.T) {
	t.Parallel()
	for _, ref := range []string{"c1001", "c1000", "c1002"} {
		f := smallForm()
		f.Columns[3].Formula = ref + " + 0"
		tpl := Template{Forms: []Form{f}}
		if err := tpl.Check(); apperr.Code(err) != apperr.Invalid {
			t.Errorf("a formula naming %s was accepted (%v)", ref, err)
		}
	}
	f := smallForm()
	if rule, ok := f.Rule(RuleCell("r2", 0)); !ok || rule.Expr != "c4 <= c1" {
		t.Errorf("Rule(RuleCell(r2, 0)) = %+v, %v", rule, ok)
	}
	if _, ok := f.Rule(RuleCell("r2", 1)); ok {
		t.Error("a second rule the form does not have")
	}
	if _, ok := f.Rule(formula.Cell{Row: "r2", Col: "4"}); ok {
		t.Error("a form's own column taken for a rule")
	}
}
