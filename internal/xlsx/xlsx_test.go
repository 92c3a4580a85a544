package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/internal/apperr"
	"baocao/internal/forms"
)

// ---------------------------------------------------------------- fixtures

// sheetBuilder writes a fixture workbook cell by cell.
type sheetBuilder struct {
	t     testing.TB
	x     *excelize.File
	sheet string
	bold  int
}

func newSheet(t testing.TB, name string) *sheetBuilder {
	t.Helper()
	x := excelize.NewFile()
	if name != "Sheet1" {
		if err := x.SetSheetName("Sheet1", name); err != nil {
			t.Fatal(err)
		}
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		t.Fatal(err)
	}
	return &sheetBuilder{t: t, x: x, sheet: name, bold: bold}
}

func (b *sheetBuilder) set(cell string, v any) *sheetBuilder {
	b.t.Helper()
	if err := b.x.SetCellValue(b.sheet, cell, v); err != nil {
		b.t.Fatal(err)
	}
	return b
}

// row writes values from the cell rightwards.
func (b *sheetBuilder) row(cell string, values ...any) *sheetBuilder {
	b.t.Helper()
	if err := b.x.SetSheetRow(b.sheet, cell, &values); err != nil {
		b.t.Fatal(err)
	}
	return b
}

func (b *sheetBuilder) merge(from, to string) *sheetBuilder {
	b.t.Helper()
	if err := b.x.MergeCell(b.sheet, from, to); err != nil {
		b.t.Fatal(err)
	}
	return b
}

func (b *sheetBuilder) boldCell(cell string) *sheetBuilder {
	b.t.Helper()
	if err := b.x.SetCellStyle(b.sheet, cell, cell, b.bold); err != nil {
		b.t.Fatal(err)
	}
	return b
}

func (b *sheetBuilder) bytes() []byte {
	b.t.Helper()
	var buf bytes.Buffer
	if err := b.x.Write(&buf); err != nil {
		b.t.Fatal(err)
	}
	b.x.Close()
	return buf.Bytes()
}

// form06 is a sheet shaped like Biểu số 06/VPCP/KSTT as an official would
// type it: title lines, a three-line header with merged groups, the
// column-number line, rows with STT, a percent column and a signature block.
func form06(t testing.TB) []byte {
	b := newSheet(t, "Biểu 06")
	b.set("A1", "Biểu số 06/VPCP/KSTT").merge("A1", "C1").
		set("H1", "Đơn vị báo cáo: Sở Tư pháp").merge("H1", "L1").
		set("A2", "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP").merge("A2", "C2").
		set("A3", "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH").merge("A3", "L3").boldCell("A3").
		set("A4", "Kỳ báo cáo: Quý I năm 2026").merge("A4", "L4").
		set("J5", "Đơn vị tính: Số hồ sơ TTHC").merge("J5", "L5")
	// Header, lines 6–8.
	b.set("A6", "STT").merge("A6", "A8").
		set("B6", "Lĩnh vực, thủ tục giải quyết").merge("B6", "B8").
		set("C6", "ĐVT").merge("C6", "C8").
		set("D6", "Số hồ sơ nhận giải quyết").merge("D6", "G6").
		set("D7", "Tổng số").merge("D7", "D8").
		set("E7", "Trong đó").merge("E7", "G7").
		row("E8", "Trực tuyến", "Trực tiếp, bưu chính", "Kỳ trước chuyển qua").
		set("H6", "Số hồ sơ đã giải quyết").merge("H6", "K6").
		set("H7", "Tổng số").merge("H7", "H8").
		set("I7", "Trước hạn").merge("I7", "I8").
		set("J7", "Đúng hạn").merge("J7", "J8").
		set("K7", "Quá hạn").merge("K7", "K8").
		set("L6", "Tỷ lệ giải quyết\nđúng hạn (%)").merge("L6", "L8")
	b.row("A9", "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)")
	b.row("A10", "I", "Lĩnh vực đất đai").boldCell("B10")
	b.row("A11", 1, "Thủ tục cấp giấy chứng nhận", "Hồ sơ", 30, 20, 8, 2, 25, 5, 15, 5, 80.5)
	b.row("A12", "a)", "Cấp lần đầu", "Hồ sơ", 10, 6, 3, 1, 8, 2, 5, 1, 87.5)
	b.row("A13", nil, "Trong đó: hồ sơ của hộ nghèo", "Hồ sơ", 2, 1, 1, 0, 2, 0, 2, 0, 100)
	b.row("A14", "b)", "Cấp đổi", "Hồ sơ", 20, 14, 5, 1, 17, 3, 10, 4, 76.5)
	b.row("A15", 2, "Thủ tục đăng ký biến động", "Hồ sơ", 12, 7, 4, 1, 12, 2, 9, 1, 91.7)
	b.row("A16", "II", "Lĩnh vực xây dựng").boldCell("B16")
	b.row("A17", 1, "Cấp giấy phép xây dựng", "Hồ sơ", 9, 4, 5, 0, 9, 1, 7, 1, 88.9)
	b.row("A18", nil, "Trong đó:")
	b.row("A19", "-", "Nhà ở riêng lẻ", "Hồ sơ", 7, 3, 4, 0, 7, 1, 6, 0, 100)
	b.row("A20", "-", "Công trình khác", "Hồ sơ", 2, 1, 1, 0, 2, 0, 1, 1, 50)
	b.row("A21", "III", "Lĩnh vực tư pháp").boldCell("B21")
	b.set("B23", "Người lập biểu").set("I23", "Thủ trưởng đơn vị")
	b.set("B24", "(Ký, ghi rõ họ tên)")
	return b.bytes()
}

func importBytes(t testing.TB, b []byte) (*forms.Form, []string, error) {
	t.Helper()
	return ImportForm(bytes.NewReader(b), int64(len(b)))
}

func mustImport(t testing.TB, b []byte) (*forms.Form, []string) {
	t.Helper()
	f, warnings, err := importBytes(t, b)
	if err != nil {
		t.Fatalf("ImportForm: %v", err)
	}
	tpl := forms.Template{Forms: []forms.Form{*f}}
	if err := tpl.Check(); err != nil {
		t.Fatalf("imported form does not pass Check: %v %v", err, apperr.FieldErrors(err))
	}
	return f, warnings
}

// ------------------------------------------------------------------ import

type wantCol struct {
	label  string
	groups []string
	typ    string
}

func checkColumns(t *testing.T, got []forms.Column, want []wantCol) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d columns, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.Code != strconv.Itoa(i+1) || c.Label != w.label || !slices.Equal(c.Groups, w.groups) || c.Type != w.typ {
			t.Errorf("column %d = {%s %q %q %s}, want {%d %q %q %s}", i, c.Code, c.Label, c.Groups, c.Type, i+1, w.label, w.groups, w.typ)
		}
	}
}

type wantRow struct {
	stt, label, parent, kind string
}

func checkRows(t *testing.T, got []forms.Row, want []wantRow) {
	t.Helper()
	if len(got) != len(want) {
		for _, r := range got {
			t.Logf("%s parent=%s stt=%q %q %s", r.Key, r.Parent, r.STT, r.Label, r.Kind)
		}
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		r := got[i]
		if r.Key != "r"+strconv.Itoa(i+1) || r.STT != w.stt || r.Label != w.label || r.Parent != w.parent || (w.kind != "" && r.Kind != w.kind) {
			t.Errorf("row %d = {%s stt=%q %q parent=%q %s}, want {stt=%q %q parent=%q %s}",
				i, r.Key, r.STT, r.Label, r.Parent, r.Kind, w.stt, w.label, w.parent, w.kind)
		}
	}
}

const (
	received = "Số hồ sơ nhận giải quyết"
	resolved = "Số hồ sơ đã giải quyết"
)

var cols06 = []wantCol{
	{"Tổng số", []string{received}, forms.Number},
	{"Trực tuyến", []string{received, "Trong đó"}, forms.Number},
	{"Trực tiếp, bưu chính", []string{received, "Trong đó"}, forms.Number},
	{"Kỳ trước chuyển qua", []string{received, "Trong đó"}, forms.Number},
	{"Tổng số", []string{resolved}, forms.Number},
	{"Trước hạn", []string{resolved}, forms.Number},
	{"Đúng hạn", []string{resolved}, forms.Number},
	{"Quá hạn", []string{resolved}, forms.Number},
	{"Tỷ lệ giải quyết đúng hạn (%)", nil, forms.Percent},
}

func TestImportForm06(t *testing.T) {
	f, warnings := mustImport(t, form06(t))
	if f.Key != "b1" || f.Code != "06/VPCP/KSTT" || f.Title != "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" ||
		f.IssuedBy != "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP" || f.Unit != "Số hồ sơ TTHC" {
		t.Errorf("form = key %q code %q title %q issued %q unit %q", f.Key, f.Code, f.Title, f.IssuedBy, f.Unit)
	}
	checkColumns(t, f.Columns, cols06)
	for _, c := range f.Columns[:8] {
		if c.Aggregation != forms.Sum || c.Formula != "" {
			t.Errorf("column %s: aggregation %q formula %q", c.Code, c.Aggregation, c.Formula)
		}
	}
	if p := f.Columns[8]; p.Aggregation != forms.NoAggregate || p.Decimals != 1 || p.Formula != "" {
		t.Errorf("percent column = %+v", p)
	}
	checkRows(t, f.Rows, []wantRow{
		{"I", "Lĩnh vực đất đai", "", forms.Subtotal},
		{"1", "Thủ tục cấp giấy chứng nhận", "r1", forms.Subtotal}, // its numbers add up its children
		{"a)", "Cấp lần đầu", "r2", forms.Indicator},
		{"", "Trong đó: hồ sơ của hộ nghèo", "r3", forms.OfWhich},
		{"b)", "Cấp đổi", "r2", forms.Indicator},
		{"2", "Thủ tục đăng ký biến động", "r1", forms.Indicator},
		{"II", "Lĩnh vực xây dựng", "", forms.Subtotal},
		{"1", "Cấp giấy phép xây dựng", "r7", forms.Indicator},
		{"", "Trong đó:", "r8", forms.OfWhich},
		{"-", "Nhà ở riêng lẻ", "r9", forms.Indicator},
		{"-", "Công trình khác", "r9", forms.Indicator},
		{"III", "Lĩnh vực tư pháp", "", forms.Heading},
	})
	if !f.Rows[0].Bold || f.Rows[2].Bold {
		t.Errorf("bold: r1 %v r3 %v", f.Rows[0].Bold, f.Rows[2].Bold)
	}
	if f.Rows[1].Unit != "Hồ sơ" {
		t.Errorf("unit of r2 = %q", f.Rows[1].Unit)
	}
	all := strings.Join(warnings, "\n")
	for _, want := range []string{"(9) “Tỷ lệ giải quyết đúng hạn (%)”", "Tỷ lệ %", "dòng 23", "Dòng 11 của trang tính có số liệu bằng tổng"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
}

// A sheet without a column-number line, without STT header merges, with
// the STT typed in the label and a group label typed above its first
// column only; the first line is a grand total without STT.
func TestImportFormWithoutNumberLine(t *testing.T) {
	b := newSheet(t, "Sheet1")
	b.set("A1", "Mẫu số 02: Báo cáo kết quả thu ngân sách").
		row("A3", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện", nil, "Ghi chú").
		row("A4", nil, nil, nil, "Quý này", "Lũy kế").
		row("A5", "Tổng thu", "Triệu đồng", 1000, 300, 800).
		row("A6", "I. Thu nội địa", "Triệu đồng", 900, 250, 700).
		row("A7", "1. Thuế", "Triệu đồng", 600, 200, 500, "tăng").
		row("A8", "2. Phí, lệ phí", "Triệu đồng", 300, 50, 200).
		row("A9", "II. Thu khác", "Triệu đồng", 100, 50, 100)
	f, _ := mustImport(t, b.bytes())
	if f.Code != "02: Báo cáo kết quả thu ngân sách" && f.Code != "02" {
		t.Logf("code %q", f.Code)
	}
	checkColumns(t, f.Columns, []wantCol{
		{"Kế hoạch", nil, forms.Number},
		{"Quý này", []string{"Thực hiện"}, forms.Number},
		{"Lũy kế", []string{"Thực hiện"}, forms.Number},
		{"Ghi chú", nil, forms.Text},
	})
	// The grand total heads the tree and its numbers add up: a subtotal.
	checkRows(t, f.Rows, []wantRow{
		{"", "Tổng thu", "", forms.Subtotal},
		{"I.", "Thu nội địa", "r1", forms.Subtotal},
		{"1.", "Thuế", "r2", forms.Indicator},
		{"2.", "Phí, lệ phí", "r2", forms.Indicator},
		{"II.", "Thu khác", "r1", forms.Indicator},
	})
	if f.Rows[0].Unit != "Triệu đồng" {
		t.Errorf("unit = %q", f.Rows[0].Unit)
	}
}

// ------------------------------------------------------------------ export

func sampleForm() *forms.Form {
	num := func(code, label string, groups ...string) forms.Column {
		return forms.Column{Code: code, Label: label, Groups: groups, Type: forms.Number, Aggregation: forms.Sum}
	}
	cols := []forms.Column{
		num("1", "Tổng số", received),
		num("2", "Trực tuyến", received, "Trong đó"),
		num("3", "Trực tiếp, bưu chính", received, "Trong đó"),
		num("4", "Kỳ trước chuyển qua", received, "Trong đó"),
		num("5", "Tổng số", resolved),
		num("6", "Trước hạn", resolved),
		num("7", "Đúng hạn", resolved),
		num("8", "Quá hạn", resolved),
		{Code: "9", Label: "Tỷ lệ đúng hạn (%)", Type: forms.Percent, Decimals: 1, Formula: "(c6 + c7) / c5 * 100", Aggregation: forms.NoAggregate},
		{Code: "10", Label: "Ghi chú", Type: forms.Text},
	}
	cols[0].Formula = "c2 + c3 + c4"
	return &forms.Form{
		Key: "b3", Code: "06/VPCP/KSTT", Title: "Tình hình, kết quả giải quyết thủ tục hành chính",
		IssuedBy: "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP", Unit: "Hồ sơ",
		Columns: cols,
		Rows: []forms.Row{
			{Key: "r1", STT: "I", Label: "Lĩnh vực đất đai", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân", Kind: forms.Indicator, Unit: "Hồ sơ"},
			{Key: "r3", Parent: "r1", STT: "2", Label: "Đăng ký biến động", Kind: forms.Subtotal},
			{Key: "r4", Parent: "r3", STT: "a)", Label: "Chuyển nhượng", Kind: forms.Indicator},
			{Key: "r5", Parent: "r4", Label: "Trong đó: trực tuyến toàn trình", Kind: forms.OfWhich},
			{Key: "r6", Parent: "r3", STT: "b)", Label: "Thừa kế", Kind: forms.Indicator},
			{Key: "r7", STT: "II", Label: "Lĩnh vực xây dựng", Kind: forms.Heading},
			{Key: "r8", Parent: "r7", STT: "1", Label: "Cấp giấy phép xây dựng", Kind: forms.Indicator, Bold: true},
		},
	}
}

// meta reads the records of the metadata sheet by type.
func meta(t testing.TB, x *excelize.File) map[string][][]string {
	t.Helper()
	rows, err := x.GetRows(MetaSheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, r := range rows {
		if len(r) > 0 {
			out[r[0]] = append(out[r[0]], r[1:])
		}
	}
	return out
}

// cellOf finds the cell of a row key and column code through the metadata.
func cellOf(t testing.TB, m map[string][][]string, rowKey, colCode string) string {
	t.Helper()
	var row, col string
	for _, r := range m["row"] {
		if r[1] == rowKey {
			row = r[0]
		}
	}
	for _, c := range m["col"] {
		if c[1] == colCode {
			col = c[0]
		}
	}
	if row == "" || col == "" {
		t.Fatalf("no cell for %s/%s in metadata", rowKey, colCode)
	}
	return col + row
}

func export(t testing.TB, f *forms.Form, opts ExportOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ExportForm(&buf, f, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExportRoundTrip(t *testing.T) {
	f := sampleForm()
	b := export(t, f, ExportOptions{})
	got, warnings := mustImport(t, b)
	t.Logf("warnings: %q", warnings)
	if got.Code != f.Code || got.Title != f.Title || got.IssuedBy != f.IssuedBy || got.Unit != f.Unit {
		t.Errorf("title block = %q %q %q %q", got.Code, got.Title, got.IssuedBy, got.Unit)
	}
	var want []wantCol
	for _, c := range f.Columns {
		want = append(want, wantCol{c.Label, c.Groups, map[string]string{forms.Number: forms.Number, forms.Percent: forms.Percent, forms.Text: forms.Text}[c.Type]})
	}
	checkColumns(t, got.Columns, want)
	var rows []wantRow
	for _, r := range f.Rows {
		rows = append(rows, wantRow{stt: r.STT, label: r.Label, parent: r.Parent})
	}
	checkRows(t, got.Rows, rows)
	if got.Rows[1].Unit != "Hồ sơ" {
		t.Errorf("row unit = %q", got.Rows[1].Unit)
	}
	if got.Rows[4].Kind != forms.OfWhich || got.Rows[6].Kind != forms.Heading {
		t.Errorf("kinds: r5 %s r7 %s", got.Rows[4].Kind, got.Rows[6].Kind)
	}
}

func TestExportValuesAndProtection(t *testing.T) {
	f := sampleForm()
	values := map[string]string{
		"r2/2": "1234.5", "r2/3": "20", "r2/10": "Đúng tiến độ",
		"r3/2": "3", // a subtotal: its computed value is shown, locked
		"r4/2": "3", "r4/9": "87.5",
		"r7/2": "99", // a heading has no values: never written
	}
	b := export(t, f, ExportOptions{
		UnitName: "UBND xã Cam Hải", PeriodLabel: "Quý I năm 2026", TemplateVersion: 42,
		Value: cellsOf(func(row, col string) (string, bool) { v, ok := values[row+"/"+col]; return v, ok }),
	})
	if dir := os.Getenv("XLSX_EXPORT_DIR"); dir != "" {
		_ = os.WriteFile(dir+"/bieu06.xlsx", b, 0o644)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := "06-VPCP-KSTT"
	if list := x.GetSheetList(); !slices.Equal(list, []string{sheet, MetaSheet}) {
		t.Fatalf("sheets = %q", list)
	}
	if vis, _ := x.GetSheetVisible(MetaSheet); vis {
		t.Error("metadata sheet is visible")
	}
	m := meta(t, x)
	for key, want := range map[string]string{"baocao": "1", "form_key": "b3", "template_version": "42", "sheet": sheet, "form_code": "06/VPCP/KSTT", "key_column": "N"} {
		if got := m[key]; len(got) != 1 || got[0][0] != want {
			t.Errorf("metadata %s = %q, want %q", key, got, want)
		}
	}
	if len(m["row"]) != len(f.Rows) || len(m["col"]) != len(f.Columns) {
		t.Fatalf("metadata has %d rows, %d cols", len(m["row"]), len(m["col"]))
	}
	// The value of r2 in column 2 sits in the cell the metadata names, as a number.
	cell := cellOf(t, m, "r2", "2")
	if v, _ := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); v != "1234.5" {
		t.Errorf("%s = %q, want 1234.5", cell, v)
	}
	if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("%s has type %v", cell, typ)
	}
	if v, _ := x.GetCellValue(sheet, cell); v != "1,234" && v != "1,235" && v != "1,234.5" {
		t.Logf("formatted %s = %q", cell, v) // excelize formats with the en-US separators
	}
	if v, _ := x.GetCellValue(sheet, cellOf(t, m, "r3", "2"), excelize.Options{RawCellValue: true}); v != "3" {
		t.Errorf("r3/2 = %q, want 3", v)
	}
	if v, _ := x.GetCellValue(sheet, cellOf(t, m, "r2", "10")); v != "Đúng tiến độ" {
		t.Errorf("text cell = %q", v)
	}
	if v, _ := x.GetCellValue(sheet, cellOf(t, m, "r7", "2")); v != "" {
		t.Errorf("heading cell holds %q", v)
	}
	// The hidden key column repeats the row keys.
	if keyRow := m["row"][2]; true {
		if v, _ := x.GetCellValue(sheet, "N"+keyRow[0]); v != "r3" {
			t.Errorf("key column at row %s = %q", keyRow[0], v)
		}
		if vis, _ := x.GetColVisible(sheet, "N"); vis {
			t.Error("key column visible")
		}
	}
	locked := func(cell string) (bool, string) {
		id, err := x.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := x.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		fill := ""
		if len(s.Fill.Color) > 0 {
			fill = s.Fill.Color[0]
		}
		return s.Protection == nil || s.Protection.Locked, fill
	}
	for _, tc := range []struct {
		row, col string
		locked   bool
	}{
		{"r2", "2", false},  // input
		{"r2", "1", true},   // column formula c2 + c3 + c4
		{"r2", "9", true},   // percent formula
		{"r3", "2", true},   // subtotal
		{"r3", "10", false}, // text cell of a subtotal is typed
		{"r7", "5", true},   // heading
		{"r5", "6", false},  // of which: typed
	} {
		cell := cellOf(t, m, tc.row, tc.col)
		got, fill := locked(cell)
		if got != tc.locked {
			t.Errorf("%s (%s/%s) locked = %v, want %v", cell, tc.row, tc.col, got, tc.locked)
		}
		if tc.locked != (fill != "") {
			t.Errorf("%s (%s/%s) fill = %q", cell, tc.row, tc.col, fill)
		}
	}
	// Number formats follow the decimals.
	if id, _ := x.GetCellStyle(sheet, cellOf(t, m, "r4", "9")); true {
		s, _ := x.GetStyle(id)
		if s.CustomNumFmt == nil || *s.CustomNumFmt != "#,##0.0" {
			t.Errorf("percent format = %v", s.CustomNumFmt)
		}
	}
	// Structure: merges, frozen pane, print titles, protection.
	merges, err := x.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	mergeSet := map[string]string{}
	for _, mc := range merges {
		mergeSet[mc.GetStartAxis()+":"+mc.GetEndAxis()] = mc.GetCellValue()
	}
	header := m["header_rows"][0]
	h0, _ := strconv.Atoi(header[0])
	h2, _ := strconv.Atoi(header[1])
	if h2-h0 != 2 {
		t.Fatalf("header rows %q, want three lines", header)
	}
	for rng, want := range map[string]string{
		"A1:C1":                            "Biểu số 06/VPCP/KSTT",
		fmt.Sprintf("A%d:A%d", h0, h2):     "STT",
		fmt.Sprintf("B%d:B%d", h0, h2):     "Tên chỉ tiêu",
		fmt.Sprintf("D%d:G%d", h0, h0):     received,
		fmt.Sprintf("E%d:G%d", h0+1, h0+1): "Trong đó",
		fmt.Sprintf("D%d:D%d", h0+1, h2):   "Tổng số",
		fmt.Sprintf("H%d:K%d", h0, h0):     resolved,
		fmt.Sprintf("L%d:L%d", h0, h2):     "Tỷ lệ đúng hạn (%)",
	} {
		if got, ok := mergeSet[rng]; !ok || got != want {
			t.Errorf("merge %s = %q (%v), want %q", rng, got, ok, want)
		}
	}
	title := ""
	for rng, v := range mergeSet {
		if v == f.Title {
			title = rng
		}
	}
	if !strings.HasPrefix(title, "A") || !strings.Contains(title, ":M") {
		t.Errorf("title merged over %q, want A:M", title)
	}
	numberRow, _ := strconv.Atoi(m["number_row"][0][0])
	for col, want := range map[string]string{"A": "(A)", "C": "(C)", "D": "(1)", "M": "(10)"} {
		if v, _ := x.GetCellValue(sheet, col+strconv.Itoa(numberRow)); v != want {
			t.Errorf("number line %s = %q, want %q", col, v, want)
		}
	}
	panes, err := x.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 2 || panes.YSplit != numberRow || panes.TopLeftCell != "C"+strconv.Itoa(numberRow+1) {
		t.Errorf("panes = %+v, want frozen at C%d", panes, numberRow+1)
	}
	var printTitles string
	for _, dn := range x.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			printTitles = dn.RefersTo
		}
	}
	if want := fmt.Sprintf("'%s'!$%d:$%d", sheet, h0, numberRow); printTitles != want {
		t.Errorf("print titles = %q, want %q", printTitles, want)
	}
	layout, _ := x.GetPageLayout(sheet)
	if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("page layout = %+v", layout)
	}
	// Title lines: the reporting unit and the period.
	rows, _ := x.GetRows(sheet)
	text := ""
	for _, r := range rows[:h0] {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"Đơn vị báo cáo: UBND xã Cam Hải", "Kỳ báo cáo: Quý I năm 2026", "Đơn vị tính: Hồ sơ"} {
		if !strings.Contains(text, want) {
			t.Errorf("title lines lack %q:\n%s", want, text)
		}
	}
	// The label indent follows the depth.
	id, _ := x.GetCellStyle(sheet, "B"+m["row"][4][0]) // r5, depth 3
	if s, _ := x.GetStyle(id); s.Alignment == nil || s.Alignment.Indent != 3 || s.Font == nil || !s.Font.Italic {
		t.Errorf("r5 label style = %+v %+v", s.Alignment, s.Font)
	}
	// The sheet is protected (raw XML: excelize has no getter).
	sheetXML := zipEntry(t, b, "xl/worksheets/sheet1.xml")
	if !strings.Contains(sheetXML, "<sheetProtection") || !strings.Contains(sheetXML, `sheet="true"`) {
		t.Errorf("sheet not protected")
	}
	if !strings.Contains(sheetXML, "<dataValidation ") {
		t.Errorf("no data validation on input cells")
	}
}

func zipEntry(t testing.TB, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			data, _ := io.ReadAll(rc)
			return string(data)
		}
	}
	t.Fatalf("no %s in the zip", name)
	return ""
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"06/VPCP/KSTT":  "06-VPCP-KSTT",
		"":              "Bieu",
		"a[b]:c*d?e\\f": "a-b--c-d-e-f",
		"'quoted'":      "quoted",
		"Biểu số 01/TT-BNV ban hành kèm theo Thông tư": "Biểu số 01-TT-BNV ban hành kèm",
		"_baocao": "Bieu",
	} {
		if got := SheetName(in); got != want {
			t.Errorf("SheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportEmptyForm(t *testing.T) {
	f := &forms.Form{Key: "b1", Title: "Biểu trống"}
	b := export(t, f, ExportOptions{})
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if list := x.GetSheetList(); list[0] != "Bieu" {
		t.Errorf("sheets = %q", list)
	}
}

// ----------------------------------------------------------------- hostile

func refusal(t *testing.T, b []byte, sentinel error, message string) {
	t.Helper()
	start := time.Now()
	_, _, err := importBytes(t, b)
	elapsed := time.Since(start)
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if apperr.Code(err) != apperr.Invalid {
		t.Errorf("code = %s", apperr.Code(err))
	}
	if msg := apperr.Message(err); !strings.Contains(msg, message) {
		t.Errorf("message = %q, want it to contain %q", msg, message)
	}
	t.Logf("refused in %v: %s", elapsed, apperr.Message(err))
	if elapsed > time.Second {
		t.Errorf("refused in %v", elapsed)
	}
}

func TestImportRefusesNonZip(t *testing.T) {
	refusal(t, []byte("STT;Tên chỉ tiêu;Số lượng\n1;Dân số;1000\n"), ErrNotXLSX, "Tệp không phải bảng tính Excel (.xlsx)")
	refusal(t, nil, ErrNotXLSX, "Tệp không phải bảng tính Excel (.xlsx)")
	// A legacy .xls (an OLE compound file without encryption streams).
	xls := append(slices.Clone(oleSignature), make([]byte, 1024)...)
	refusal(t, xls, ErrNotXLSX, ".xls")
	// A zip that is not a workbook.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("xin chào"))
	zw.Close()
	refusal(t, buf.Bytes(), ErrNotXLSX, "Tệp không phải bảng tính Excel (.xlsx)")
	// An OpenDocument spreadsheet (LibreOffice, WPS): how to save it as .xlsx.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	zw.Close()
	refusal(t, buf.Bytes(), ErrNotXLSX, "LibreOffice hoặc WPS")
}

func TestImportRefusesTooLarge(t *testing.T) {
	// The declared size alone refuses, without reading.
	_, _, err := ImportForm(failingReader{}, 6<<20)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(apperr.Message(err), "5 MB") {
		t.Fatalf("err = %v", err)
	}
	// A lying size: the reader is cut at 5 MB + 1.
	big := bytes.Repeat([]byte("x"), 7<<20)
	_, _, err = ImportForm(bytes.NewReader(big), 100)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("must not be read") }

// zipBomb is an .xlsx-looking zip whose sheet inflates to size bytes of zeros.
func zipBomb(t testing.TB, size int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for written := 0; written < size; written += len(zeros) {
		w.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}

func TestImportRefusesZipBomb(t *testing.T) {
	bomb := zipBomb(t, 100<<20)
	t.Logf("100 MB of zeros compress to %d KB", len(bomb)>>10)
	refusal(t, bomb, ErrZipBomb, "nén bất thường")
	// Under the total limit but with an absurd ratio.
	refusal(t, zipBomb(t, 30<<20), ErrZipBomb, "nén bất thường")
}

func TestImportRefusesTooManyRows(t *testing.T) {
	b := newSheet(t, "Sheet1")
	b.row("A1", "STT", "Tên chỉ tiêu", "Số lượng")
	for i := 2; i <= 3000; i++ {
		b.row("A"+strconv.Itoa(i), i-1, "Chỉ tiêu "+strconv.Itoa(i-1), i)
	}
	refusal(t, b.bytes(), ErrTooManyRows, "vượt giới hạn 2.040 dòng")
}

func TestImportRefusesTooManyColumns(t *testing.T) {
	b := newSheet(t, "Sheet1")
	header := []any{"STT", "Tên chỉ tiêu"}
	data := []any{1, "Dân số"}
	for i := 1; i <= 98; i++ {
		header = append(header, "Cột "+strconv.Itoa(i))
		data = append(data, i)
	}
	b.row("A1", header...).row("A2", data...)
	refusal(t, b.bytes(), ErrTooManyColumns, "vượt giới hạn 68 cột")
}

func TestImportRefusesFormula(t *testing.T) {
	b := newSheet(t, "Sheet1")
	b.row("A10", "STT", "Tên chỉ tiêu", "Kế hoạch", "Thực hiện", "Tổng")
	for r := 13; r <= 20; r++ {
		b.row("A"+strconv.Itoa(r), r-12, "Chỉ tiêu", 1, 2, 3)
	}
	if err := b.x.SetCellFormula("Sheet1", "E12", "SUM(E13:E20)"); err != nil {
		t.Fatal(err)
	}
	refusal(t, b.bytes(), ErrFormula, "Ô E12 có công thức Excel (=SUM(E13:E20)). Hãy xóa công thức, hệ thống sẽ tự tính theo công thức khai báo trong mẫu.")
}

func TestImportRefusesEmptySheet(t *testing.T) {
	refusal(t, newSheet(t, "Sheet1").bytes(), ErrEmpty, "không có dữ liệu")
}

func TestImportRefusesNoHeaderOrRows(t *testing.T) {
	b := newSheet(t, "Sheet1")
	b.set("A1", "Báo cáo tình hình").set("A3", "Nội dung xin xem tệp đính kèm.")
	refusal(t, b.bytes(), ErrNoHeader, "Không nhận ra dòng tiêu đề cột")
	b = newSheet(t, "Sheet1")
	b.row("A1", "STT", "Tên chỉ tiêu", "Kế hoạch", "Thực hiện").row("A2", "(1)", "(2)", "(3)", "(4)")
	refusal(t, b.bytes(), ErrNoRows, "Không tìm thấy dòng chỉ tiêu")
}

func TestImportRefusesMacro(t *testing.T) {
	// A workbook with a VBA project, as Excel saves an .xlsm.
	src := form06(t)
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.Create("xl/vbaProject.bin")
	w.Write([]byte("Attribute VB_Name = \"Module1\""))
	zw.Close()
	refusal(t, buf.Bytes(), ErrMacro, "macro")
}

func TestImportRefusesEncrypted(t *testing.T) {
	b := newSheet(t, "Sheet1")
	b.row("A1", "STT", "Tên chỉ tiêu", "Số lượng").row("A2", 1, "Dân số", 1000)
	var buf bytes.Buffer
	if err := b.x.Write(&buf, excelize.Options{Password: "matkhau"}); err != nil {
		t.Fatal(err)
	}
	refusal(t, buf.Bytes(), ErrEncrypted, "mật khẩu")
}

// --------------------------------------------------------------- benchmark

func benchForm() (*forms.Form, func(string, string) (string, bool)) {
	f := &forms.Form{Key: "b1", Code: "01/TH", Title: "Biểu tổng hợp"}
	for i := 1; i <= 8; i++ {
		f.Columns = append(f.Columns, forms.Column{Code: strconv.Itoa(i), Label: "Cột số liệu " + strconv.Itoa(i),
			Groups: []string{"Nhóm " + strconv.Itoa((i+1)/4)}, Type: forms.Number, Decimals: i % 3, Aggregation: forms.Sum})
	}
	f.Columns[0].Formula = "c2 + c3"
	for i := 1; i <= 300; i++ {
		r := forms.Row{Key: "r" + strconv.Itoa(i), STT: strconv.Itoa(i), Label: "Chỉ tiêu số " + strconv.Itoa(i) + " của biểu tổng hợp", Kind: forms.Indicator}
		if i%10 == 1 {
			r.Kind = forms.Subtotal
		} else {
			r.Parent = "r" + strconv.Itoa(i-(i-1)%10)
		}
		f.Rows = append(f.Rows, r)
	}
	return f, func(row, col string) (string, bool) { return strconv.Itoa(len(row)*100 + len(col)), true }
}

func BenchmarkExportForm(b *testing.B) {
	f, value := benchForm()
	opts := ExportOptions{UnitName: "Sở Nội vụ", PeriodLabel: "Năm 2026", TemplateVersion: 7, Value: cellsOf(value)}
	b.ReportAllocs()
	for b.Loop() {
		if err := ExportForm(io.Discard, f, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// -------------------------------------------------------------- robustness

// TestImportRandomSheets feeds sheets of random cells and merges, half of
// them shaped like forms: ImportForm must never panic, and must return
// either a form passing Check or a refusal wrapping a sentinel.
func TestImportRandomSheets(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []any{"", "", "", "STT", "TT", "Tên chỉ tiêu", "Nội dung", "ĐVT", "Tổng số", "Trong đó", "Trong đó:", "Trong đó: nữ",
		"I", "II", "1", "2", "a)", "b", "-", "+", "1.1", "(1)", "(2)", "(3)", "(A)", "B", "Biểu số 01/TH", "Mẫu số 02: Báo cáo",
		"Đơn vị tính: người", "Tỷ lệ (%)", "Ghi chú", "Người lập biểu", "x", "I. Lĩnh vực", "- Xã Cam Hải", "Kế hoạch",
		"Thực hiện", "BÁO CÁO KẾT QUẢ", "Đơn vị báo cáo: Sở", 0, 1, 2, 3, 12.5, 1000, -4}
	sentinels := []error{ErrNotXLSX, ErrCorrupt, ErrTooManyRows, ErrTooManyColumns, ErrFormula, ErrEmpty, ErrNoHeader, ErrNoRows}
	for i := range 300 {
		b := newSheet(t, "Sheet1")
		nrows, ncols := 1+rng.IntN(25), 1+rng.IntN(10)
		if i%2 == 0 { // a form: header, number line, rows
			ncols = 3 + rng.IntN(6)
			hdr := []any{"STT", "Tên chỉ tiêu"}
			nums := []any{"(1)", "(2)"}
			for c := 2; c < ncols; c++ {
				hdr = append(hdr, vocab[rng.IntN(len(vocab))])
				nums = append(nums, "("+strconv.Itoa(c+1)+")")
			}
			b.row("A2", hdr...).row("A4", nums...)
			if rng.IntN(2) == 0 {
				b.merge("C2", "D2")
			}
		}
		for r := 5; r < 5+nrows; r++ {
			var vals []any
			for range ncols {
				vals = append(vals, vocab[rng.IntN(len(vocab))])
			}
			b.row("A"+strconv.Itoa(r), vals...)
			if rng.IntN(4) == 0 {
				b.boldCell("B" + strconv.Itoa(r))
			}
		}
		for range rng.IntN(4) {
			c0, r0 := 1+rng.IntN(ncols), 1+rng.IntN(nrows+4)
			_ = b.x.MergeCell("Sheet1", cellName(c0, r0), cellName(c0+rng.IntN(3), r0+rng.IntN(3)))
		}
		data := b.bytes()
		func() {
			defer func() {
				if p := recover(); p != nil {
					os.WriteFile(fmt.Sprintf("%s/panic-%d.xlsx", t.TempDir(), i), data, 0o644)
					t.Fatalf("sheet %d: panic %v", i, p)
				}
			}()
			f, _, err := importBytes(t, data)
			if err != nil {
				known := false
				for _, s := range sentinels {
					known = known || errors.Is(err, s)
				}
				if !known || apperr.Code(err) != apperr.Invalid {
					t.Errorf("sheet %d: unexpected error %v", i, err)
				}
				return
			}
			tpl := forms.Template{Forms: []forms.Form{*f}}
			if err := tpl.Check(); err != nil {
				t.Errorf("sheet %d: form fails Check: %v", i, apperr.FieldErrors(err))
			}
		}()
	}
}

// Nesting typed with leading spaces, without an STT column.
func TestImportIndentedLabels(t *testing.T) {
	b := newSheet(t, "Dân số")
	b.set("A1", "Biểu số 01/DS: Dân số và lao động").merge("A1", "C1").
		row("A3", "Chỉ tiêu", "Năm 2025", "Năm 2026").
		row("A4", "A", 1, 2).
		row("A5", "Dân số trung bình", 100, 110).
		row("A6", "   Nam", 50, 54).
		row("A7", "   Nữ", 50, 56).
		row("A8", "Lao động", 60, 62).
		row("A9", "   Trong đó:").
		row("A10", "      Nông nghiệp", 30, 31)
	f, _ := mustImport(t, b.bytes())
	if f.Code != "01/DS" || f.Title != "Dân số và lao động" {
		t.Errorf("code %q title %q", f.Code, f.Title)
	}
	checkColumns(t, f.Columns, []wantCol{{"Năm 2025", nil, forms.Number}, {"Năm 2026", nil, forms.Number}})
	checkRows(t, f.Rows, []wantRow{
		{"", "Dân số trung bình", "", forms.Subtotal},
		{"", "Nam", "r1", forms.Indicator},
		{"", "Nữ", "r1", forms.Indicator},
		{"", "Lao động", "", forms.Indicator},
		{"", "Trong đó:", "r4", forms.OfWhich},
		{"", "Nông nghiệp", "r5", forms.Indicator},
	})
}

func TestSTTRank(t *testing.T) {
	order := []string{"A", "I", "1", "1.1", "a)", "ii", "1.1.1", "-", "+", "*"}
	for i := 1; i < len(order); i++ {
		if sttRank(order[i-1]) >= sttRank(order[i]) {
			t.Errorf("rank(%q) = %v, not above rank(%q) = %v", order[i-1], sttRank(order[i-1]), order[i], sttRank(order[i]))
		}
	}
	for _, same := range [][2]string{{"I.", "IV"}, {"1.", "12"}, {"(a)", "b."}, {"", "3"}, {"đ)", "c"}} {
		if sttRank(same[0]) != sttRank(same[1]) {
			t.Errorf("rank(%q) != rank(%q)", same[0], same[1])
		}
	}
}
