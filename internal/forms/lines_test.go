package forms

import (
	"reflect"
	"slices"
	"testing"

	"baocao/internal/decimal"
)

func anyIndicator(int64) bool { return true }

// TestEditorLinesRoundTrip: a form shown in the editors and saved back
// untouched is the same form, rows, columns and rules alike.
func TestEditorLinesRoundTrip(t *testing.T) {
	t.Parallel()
	f := smallForm()
	f.Rows[1].Formulas = map[string]string{"4": "c2", "10": "c1"}
	f.Rows[1].Aggregation = map[string]string{"5": Average}
	f.Rows[3].IndicatorID = 12
	f.Rows[3].Metric = "signins"
	lo := decimal.MustParse("-1.5")
	f.Columns[3].Min = &lo
	f.Columns[3].Role = RoleCurrent

	rows, _, errs := f.WithRowLines(RowLines(&f), anyIndicator)
	if len(errs) > 0 || !reflect.DeepEqual(rows.Rows, f.Rows) {
		t.Fatalf("rows changed: %v\n%+v\n%+v", errs, rows.Rows, f.Rows)
	}
	if got := RowLines(&f)[1]; got.Formulas != "c4 = c2; c10 = c1" || got.Aggregation != "c5 = trung bình" {
		t.Errorf("row line %+v", got)
	}
	cols, kept, errs := f.WithColumnLines(ColumnLines(&f), RulesText(&f))
	if len(errs) > 0 || !reflect.DeepEqual(cols.Columns, f.Columns) || !reflect.DeepEqual(cols.Rules, f.Rules) || len(kept) != len(f.Columns) {
		t.Fatalf("columns changed: %v\n%+v\n%+v", errs, cols.Columns, f.Columns)
	}

	tpl := Template{Outline: []Section{{Key: "s1", Number: "I", Heading: "Tình hình", DraftRows: []string{"r2"}},
		{Key: "s2", Parent: "s1", Number: "1", Heading: "Kết quả", MaxChars: 2000, Required: true}}}
	back, _, errs := tpl.WithOutlineLines(OutlineLines(tpl))
	if len(errs) > 0 || !reflect.DeepEqual(back.Outline, tpl.Outline) {
		t.Fatalf("outline changed: %v\n%+v", errs, back.Outline)
	}
}

// TestDeletingAColumnRenumbersFormulas: columns are numbered again after
// a line is deleted, and each formula and rule follows its column.
func TestDeletingAColumnRenumbersFormulas(t *testing.T) {
	t.Parallel()
	f := smallForm()
	lines := ColumnLines(&f)
	lines[3].Label = "" // "Đã giải quyết" removed; (5) becomes (4)
	lines[4].Formula = "IF(c1 = 0, 0, c2 / c1 * 100)"
	got, kept, errs := f.WithColumnLines(lines, "c1 >= c2 | Tổng không nhỏ hơn phần")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(got.Columns) != 4 || got.Columns[3].Code != "4" || got.Columns[3].Label != "Tỷ lệ (%)" || kept[3].Code != "4" {
		t.Fatalf("columns %+v", got.Columns)
	}
	if got.Columns[0].Formula != "c2 + c3" || got.Rules[0].Expr != "c1 >= c2" {
		t.Errorf("formulas %q, rules %+v", got.Columns[0].Formula, got.Rules)
	}
	if len(got.Rows) != len(f.Rows) {
		t.Errorf("rows %d", len(got.Rows))
	}
}

// TestEditorLinesRefuseWithTheField: what cannot be read is named by its
// field, and the message says the line.
func TestEditorLinesRefuseWithTheField(t *testing.T) {
	t.Parallel()
	f := smallForm()
	cols := ColumnLines(&f)
	cols[1].Decimals = "hai"
	cols[2].Max = "1.2.3,4,5"
	cols[3].Outlier = "bừa"
	_, _, errs := f.WithColumnLines(cols, "c1 > 0 không có thông báo")
	for _, key := range []string{"decimals-2", "bound-3", "outlier-4", "rules"} {
		if errs[key] == "" {
			t.Errorf("no error for %s: %v", key, errs)
		}
	}
	if errs["decimals-2"] != "Cột (2): số chữ số thập phân là một số." {
		t.Errorf("decimals: %q", errs["decimals-2"])
	}

	rows := RowLines(&f)
	rows[0].Formulas = "c3 c1 - c2"
	rows[1].Aggregation = "c5 = trung vị"
	rows[2].Indicator = "0"
	rows[3].Indicator = "99"
	_, _, errs = f.WithRowLines(rows, func(id int64) bool { return id != 99 })
	want := map[string]string{
		"formulas-r1":    `Dòng "Tổng cộng": công thức riêng viết theo dạng "c3 = c1 - c2", nhiều công thức cách nhau bởi dấu chấm phẩy.`,
		"aggregation-r2": `Dòng "Lĩnh vực tư pháp": tổng hợp riêng viết theo dạng "c3 = trung bình" (cộng, trung bình, bình quân gia quyền, nhỏ nhất, lớn nhất, không).`,
		"indicator-r3":   `Dòng "Trong đó: hộ tịch": số hiệu chỉ tiêu là một số trong danh mục chỉ tiêu.`,
		"indicator-r4":   `Dòng "Lĩnh vực đất đai": không có chỉ tiêu số hiệu 99 trong danh mục.`,
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("row errors\n got %v\nwant %v", errs, want)
	}

	tpl := Template{}
	_, _, errs = tpl.WithOutlineLines([]SectionLine{{Heading: "Kết quả", Number: "1", MaxChars: "-3", Level: 1}})
	if errs["max-0"] != "Mục 1: giới hạn ký tự là một số không âm." {
		t.Errorf("outline: %v", errs)
	}
}

// TestPastedRowsTakeTheirLevels: rows pasted from a Word table take
// their level from the STT as written on paper; "-" and "Trong đó" lines
// are parts of the numbered line above; new rows get unused keys and
// parents by level.
func TestPastedRowsTakeTheirLevels(t *testing.T) {
	t.Parallel()
	existing := []RowLine{{Key: "r2", STT: "A", Label: "Chỉ tiêu chung", Kind: Heading, Level: 1}}
	lines, problem := PasteRows(existing, "I\tKinh tế\n1\tSản xuất nông nghiệp\tha\n-\tLúa\ttấn\r\n\tTrong đó: lúa chất lượng cao\n\n2 không có tab\n")
	if problem != `Dòng dán vào "2 không có tab" cần có STT và tên chỉ tiêu cách nhau bởi phím Tab.` {
		t.Errorf("problem %q", problem)
	}
	f := Form{Key: "b1"}
	got, kept, errs := f.WithRowLines(lines, anyIndicator)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	type row struct{ key, parent, stt, kind, unit string }
	var seen []row
	for _, r := range got.Rows {
		seen = append(seen, row{r.Key, r.Parent, r.STT, r.Kind, r.Unit})
	}
	want := []row{
		{"r2", "", "A", Heading, ""},
		{"r3", "", "I", Heading, ""},
		{"r4", "r3", "1", Indicator, "ha"},
		{"r5", "r4", "-", Indicator, "tấn"},
		{"r6", "r4", "", OfWhich, ""},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("rows\n got %v\nwant %v", seen, want)
	}
	if !got.Rows[1].Bold || kept[4].Level != 3 || !slices.ContainsFunc(kept, func(l RowLine) bool { return l.Key == "r6" }) {
		t.Errorf("lines %+v", kept)
	}
}

func TestTooManyRowsRefused(t *testing.T) {
	t.Parallel()
	lines := make([]RowLine, MaxRows+1)
	for i := range lines {
		lines[i] = RowLine{Label: "Dòng", Kind: Indicator, Level: 1}
	}
	if _, _, errs := (Form{}).WithRowLines(lines, anyIndicator); errs["paste"] == "" {
		t.Error("no refusal of too many rows")
	}
}

func TestCellKeyRoundTrip(t *testing.T) {
	t.Parallel()
	if f, r, c, ok := SplitCellKey(CellKey("b1", "r12", "3")); !ok || f != "b1" || r != "r12" || c != "3" {
		t.Errorf("SplitCellKey(CellKey) = %q %q %q %v", f, r, c, ok)
	}
	if f, r, c, ok := SplitCellKey("b1|r12|"); !ok || f != "b1" || r != "r12" || c != "" {
		t.Errorf("a row's key: %q %q %q %v", f, r, c, ok)
	}
	for _, key := range []string{"", "section", "b1"} {
		if _, _, _, ok := SplitCellKey(key); ok {
			t.Errorf("%q read as a cell", key)
		}
	}
}
