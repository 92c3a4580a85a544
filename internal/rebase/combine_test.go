package rebase

import (
	"testing"

	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
)

func num(s string) decimal.Decimal { return decimal.MustParse(s) }

// A form with every rule: sum, average, weighted average by (2), minimum,
// none, a year to date (additive) and a percentage computed again.
func ruleForm() *forms.Form {
	return &forms.Form{Key: "b1", Columns: []forms.Column{
		{Code: "1", Type: forms.Integer, Aggregation: forms.Sum},
		{Code: "2", Type: forms.Number, Decimals: 1, Aggregation: forms.Average},
		{Code: "3", Type: forms.Number, Decimals: 2, Aggregation: forms.WeightedAvg, WeightBy: "1"},
		{Code: "4", Type: forms.Integer, Aggregation: forms.Min},
		{Code: "5", Type: forms.Number, Aggregation: forms.NoAggregate},
		{Code: "6", Type: forms.Integer, Formula: "prev(c6) + c1"},
		{Code: "7", Type: forms.Percent, Decimals: 1, Formula: "IF(c6 = 0, 0, c1 / c6 * 100)"},
	}, Rows: []forms.Row{{Key: "r1", Kind: forms.Indicator, Label: "Chỉ tiêu"}}}
}

func TestCombineByRuleAndShare(t *testing.T) {
	cell := func(col string) formula.Cell { return formula.Cell{Row: "r1", Col: col} }
	// A merger of two whole units and 30 % of a split one.
	m := Mapping{UnitID: 9, Sources: []Source{
		{UnitID: 1, Weight: num("1")}, {UnitID: 2, Weight: num("1")}, {UnitID: 3, Weight: num("0.3")}}}
	figures := Figures{
		1: {cell("1"): num("100"), cell("2"): num("10"), cell("3"): num("5"), cell("4"): num("7"), cell("5"): num("1"), cell("6"): num("600")},
		2: {cell("1"): num("50"), cell("2"): num("20"), cell("3"): num("8"), cell("4"): num("3"), cell("5"): num("2"), cell("6"): num("300")},
		3: {cell("1"): num("101"), cell("2"): num("40"), cell("3"): num("2"), cell("4"): num("1"), cell("5"): num("3"), cell("6"): num("1000")},
	}
	got, err := Combine(ruleForm(), m, figures)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"1": "180",  // 100 + 50 + 0,3 × 101 = 180,3 in an integer column
		"2": "18.3", // (10 + 20 + 0,3 × 40) / (1 + 1 + 0,3) = 42 / 2,3 = 18,26…
		"3": "5.33", // (100×5 + 50×8 + 30,3×2) / (100 + 50 + 30,3) = 960,6 / 180,3 = 5,327…
		"4": "1",    // the smallest of the units that count
		"6": "1200", // a year to date adds up: 600 + 300 + 0,3 × 1000
		"7": "15",   // a percentage is computed again: 180 / 1200 × 100
	}
	for col, w := range want {
		v := got[cell(col)]
		if !v.OK || v.Value.String() != w {
			t.Errorf("c%s = %s (ok %v), want %s", col, v.Value, v.OK, w)
		}
	}
	if v := got[cell("5")]; v.OK {
		t.Errorf("rule none gave %s", v.Value)
	}
	// A split whose share is missing: the sums cannot be re-based.
	m.Sources[2].Missing = true
	got, _ = Combine(ruleForm(), m, figures)
	if v := got[cell("1")]; v.OK {
		t.Errorf("with a missing share c1 = %s, want blank", v.Value)
	}
	// Whole units only: the sum is exact, not rounded.
	m = Mapping{UnitID: 9, Sources: []Source{{UnitID: 1, Weight: num("1")}, {UnitID: 2, Weight: num("1")}}}
	got, _ = Combine(ruleForm(), m, Figures{1: {cell("2"): num("10.25")}, 2: {cell("2"): num("1")}})
	if v := got[cell("2")]; v.Value.String() != "5.6" { // (10,25 + 1) / 2 = 5,625 → 5,6 at one decimal
		t.Errorf("average = %s", v.Value)
	}
}

func TestTotalOverUnitsOfToday(t *testing.T) {
	form := ruleForm()
	cell := func(col string) formula.Cell { return formula.Cell{Row: "r1", Col: col} }
	// Old unit 3 was split 50 / 50 between the units of today 8 and 9;
	// unit 8 also took the whole of 1, unit 9 the whole of 2.
	ms := []Mapping{
		{UnitID: 8, Sources: []Source{{UnitID: 1, Weight: num("1")}, {UnitID: 3, Weight: num("0.5")}}},
		{UnitID: 9, Sources: []Source{{UnitID: 2, Weight: num("1")}, {UnitID: 3, Weight: num("0.5")}}},
	}
	figures := Figures{
		1: {cell("1"): num("100"), cell("2"): num("10"), cell("3"): num("5"), cell("4"): num("7")},
		2: {cell("1"): num("50"), cell("2"): num("20"), cell("3"): num("8"), cell("4"): num("3")},
		3: {cell("1"): num("101"), cell("2"): num("40"), cell("3"): num("2"), cell("4"): num("1")},
	}
	row := form.Rows[0]
	want := map[string]string{
		"1": "251",  // 100 + 50 + 101: the split unit's two halves count it whole, exactly (not 150,5 + 100,5 rounded twice)
		"2": "23.3", // the mean of the units' averages: (10 + 0,5×40) / 1,5 = 20 and (20 + 0,5×40) / 1,5 = 26,66…, mean 23,33…
		"3": "4.39", // weighted by c1: (100×5 + 50×8 + 101×2) / (100 + 50 + 101) = 1102 / 251 = 4,390…
		"4": "1",    // the smallest of the old units that count
	}
	for col, w := range want {
		c, _ := form.Column(col)
		v := Total(form, row, c, ms, figures)
		if !v.OK || v.Value.String() != w || v.Sources != 2 {
			t.Errorf("total c%s = %s (ok %v, %d units), want %s", col, v.Value, v.OK, v.Sources, w)
		}
	}
}
