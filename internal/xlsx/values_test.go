package xlsx

import (
	"baocao/internal/decimal"

	"archive/zip"
	"bytes"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/internal/apperr"
	"baocao/internal/forms"
)

// ------------------------------------------------------------- fixtures

const valuesVersion = 17

// valuesForm is a health form with every kind of column and row.
func valuesForm() *forms.Form {
	hundred, thousand, zero := decimal.FromInt(100), decimal.FromInt(1000), decimal.Zero
	return &forms.Form{
		Key: "b2", Code: "03/SYT", Title: "Tình hình khám, chữa bệnh", Unit: "Lượt",
		Columns: []forms.Column{
			{Code: "1", Label: "Kế hoạch năm", Type: forms.Number, Decimals: 1, NonNegative: true, Aggregation: forms.Sum},
			{Code: "2", Label: "Thực hiện kỳ báo cáo", Type: forms.Integer, NonNegative: true, Aggregation: forms.Sum},
			{Code: "3", Label: "Lũy kế từ đầu năm", Type: forms.Number, Decimals: 2, Aggregation: forms.Sum},
			{Code: "4", Label: "So kế hoạch (%)", Type: forms.Percent, Decimals: 1, Formula: "c3 / c1 * 100", Aggregation: forms.NoAggregate},
			{Code: "5", Label: "So cùng kỳ (%)", Type: forms.Percent, Decimals: 1, Min: &zero, Max: &thousand, Aggregation: forms.NoAggregate},
			{Code: "6", Label: "Tỷ lệ hài lòng (%)", Type: forms.Percent, Max: &hundred, Aggregation: forms.NoAggregate},
			{Code: "7", Label: "Ghi chú", Type: forms.Text},
		},
		Rows: []forms.Row{
			{Key: "r1", STT: "I", Label: "Khám, chữa bệnh", Kind: forms.Heading},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Số lượt khám bệnh", Kind: forms.Indicator, Unit: "Lượt"},
			{Key: "r3", Parent: "r1", STT: "2", Label: "Số người điều trị nội trú", Kind: forms.Subtotal, Unit: "Người"},
			{Key: "r4", Parent: "r3", STT: "-", Label: "Tuyến tỉnh", Kind: forms.Indicator},
			{Key: "r5", Parent: "r3", STT: "-", Label: "Tuyến huyện", Kind: forms.Indicator},
			{Key: "r6", Parent: "r3", Label: "Trong đó: trẻ em dưới 6 tuổi", Kind: forms.OfWhich},
			{Key: "r7", STT: "II", Label: "Y tế dự phòng", Kind: forms.Heading},
			{Key: "r8", Parent: "r7", STT: "1", Label: "Số ca sốt xuất huyết", Kind: forms.Indicator, Unit: "Ca"},
		},
	}
}

// valuesIn are the stored values exported in the fixtures, formula and
// heading cells included (ReadValues must ignore those).
var valuesIn = map[Cell]string{
	{"r2", "1"}: "120000", {"r2", "2"}: "10512", {"r2", "3"}: "35210.25", {"r2", "5"}: "104.5", {"r2", "6"}: "92", {"r2", "7"}: "Đạt tiến độ",
	{"r2", "4"}: "29.3", // formula column: ignored
	{"r3", "1"}: "999",  // subtotal: computed
	{"r3", "7"}: "Cộng hai tuyến",
	{"r4", "1"}: "2500", {"r4", "2"}: "210", {"r4", "3"}: "0.1",
	{"r5", "1"}: "4100.5", {"r5", "2"}: "0", {"r5", "7"}: "Tuye\u0302\u0301n huye\u0323\u0302n ba\u0301o ca\u0301o muo\u0323\u0302n", // decomposed
	{"r6", "2"}: "12",
	{"r7", "2"}: "5", // heading: never written
	{"r8", "3"}: "-3", {"r8", "5"}: "1000",
}

func exportValues(t testing.TB, f *forms.Form, version int64, values map[Cell]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := ExportForm(&buf, f, ExportOptions{UnitName: "Sở Y tế", PeriodLabel: "Quý I năm 2026", TemplateVersion: version,
		Value: cellsOf(func(row, col string) (string, bool) { v, ok := values[Cell{row, col}]; return v, ok })})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbook is an exported file opened as an official would in Excel.
type workbook struct {
	t      testing.TB
	x      *excelize.File
	sheet  string
	keyCol string
	rows   map[string]int    // row key → Excel row, as exported
	cols   map[string]string // column code → letter
	number int               // the column-number line
}

func openWorkbook(t testing.TB, b []byte) *workbook {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	w := &workbook{t: t, x: x, rows: map[string]int{}, cols: map[string]string{}}
	records, err := x.GetRows(MetaSheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		switch r[0] {
		case "sheet":
			w.sheet = r[1]
		case "key_column":
			w.keyCol = r[1]
		case "number_row":
			w.number, _ = strconv.Atoi(r[1])
		case "col":
			w.cols[r[2]] = r[1]
		case "row":
			w.rows[r[2]], _ = strconv.Atoi(r[1])
		}
	}
	return w
}

func (w *workbook) cell(row, col string) string {
	w.t.Helper()
	if w.rows[row] == 0 || w.cols[col] == "" {
		w.t.Fatalf("no cell %s/%s", row, col)
	}
	return w.cols[col] + strconv.Itoa(w.rows[row])
}

func (w *workbook) set(row, col string, v any) *workbook {
	w.t.Helper()
	if err := w.x.SetCellValue(w.sheet, w.cell(row, col), v); err != nil {
		w.t.Fatal(err)
	}
	return w
}

func (w *workbook) bytes() []byte {
	w.t.Helper()
	var buf bytes.Buffer
	if err := w.x.Write(&buf); err != nil {
		w.t.Fatal(err)
	}
	w.x.Close()
	return buf.Bytes()
}

func readValues(t testing.TB, b []byte, f *forms.Form) *Upload {
	t.Helper()
	up, err := ReadValues(bytes.NewReader(b), int64(len(b)), f, valuesVersion)
	if err != nil {
		t.Fatalf("ReadValues: %v", err)
	}
	return up
}

// inputCells lists the cells ReadValues must return for f.
func inputCells(f *forms.Form) []Cell {
	var out []Cell
	for _, r := range f.Rows {
		for _, c := range f.Columns {
			if r.HasValues() && !f.IsFormula(r, c) {
				out = append(out, Cell{r.Key, c.Code})
			}
		}
	}
	return out
}

func refusedWith(t *testing.T, b []byte, f *forms.Form, sentinel error, message string) {
	t.Helper()
	start := time.Now()
	up, err := ReadValues(bytes.NewReader(b), int64(len(b)), f, valuesVersion)
	elapsed := time.Since(start)
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v (upload %+v), want %v", err, up, sentinel)
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

func problemsOf(up *Upload) []string {
	var out []string
	for _, p := range up.Problems {
		out = append(out, p.Excel+": "+p.Message)
	}
	return out
}

// --------------------------------------------------------------- tests

func TestReadValuesRoundTrip(t *testing.T) {
	f := valuesForm()
	up := readValues(t, exportValues(t, f, valuesVersion, valuesIn), f)
	if len(up.Problems) > 0 {
		t.Errorf("problems: %q", problemsOf(up))
	}
	want := map[Cell]string{}
	for _, c := range inputCells(f) {
		want[c] = valuesIn[c]
	}
	want[Cell{"r5", "7"}] = "Tuyến huyện báo cáo muộn" // NFC
	if !maps.Equal(merged(up), want) {
		for _, c := range slices.Concat(inputCells(f), slices.Collect(maps.Keys(merged(up)))) {
			if got, ok := merged(up)[c]; got != want[c] || !ok {
				t.Errorf("%v = %q (%v), want %q", c, got, ok, want[c])
			}
		}
	}
	for _, c := range []Cell{{"r2", "4"}, {"r3", "1"}, {"r3", "2"}, {"r1", "2"}, {"r7", "2"}} {
		if v, ok := merged(up)[c]; ok {
			t.Errorf("computed or heading cell %v read: %q", c, v)
		}
	}
	if got := merged(up)[Cell{"r3", "7"}]; got != "Cộng hai tuyến" {
		t.Errorf("text cell of a subtotal = %q", got)
	}
	// An empty export reads as blanks.
	up = readValues(t, exportValues(t, f, valuesVersion, nil), f)
	if len(merged(up)) != len(inputCells(f)) || len(up.Problems) > 0 {
		t.Fatalf("empty form: %d values, problems %q", len(merged(up)), problemsOf(up))
	}
	for c, v := range merged(up) {
		if v != "" {
			t.Errorf("%v = %q in an empty form", c, v)
		}
	}
}

func TestReadValuesFilledByOfficial(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, nil))
	w.set("r2", "1", 120000).
		set("r2", "2", "10.512"). // Vietnamese thousands
		set("r2", "3", "35.210,25").
		set("r2", "5", "104,5%").
		set("r2", "6", 92.5).
		set("r2", "7", "  Đạt tiến độ  ").
		set("r2", "4", 77). // a computed cell, typed anyway: ignored
		set("r4", "1", "1,234.5").
		set("r4", "2", "2 345").
		set("r4", "3", 0.1+0.2). // 0.30000000000000004
		set("r5", "1", "1234.5").
		set("r5", "2", int64(0)).
		set("r5", "3", "12,5").
		set("r6", "3", "-1.234.567").
		set("r8", "3", "0.25").
		set("r8", "1", " ").  // blank
		set("r8", "7", 2026). // a number in a text column
		set("r1", "2", 5)     // a heading has no values: ignored
	// A percentage typed as "12,5%" in Excel: 0.125 in a percent format.
	pct, err := w.x.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		t.Fatal(err)
	}
	w.set("r4", "5", 0.125)
	if err := w.x.SetCellStyle(w.sheet, w.cell("r4", "5"), w.cell("r4", "5"), pct); err != nil {
		t.Fatal(err)
	}
	up := readValues(t, w.bytes(), f)
	if len(up.Problems) > 0 {
		t.Errorf("problems: %q", problemsOf(up))
	}
	for c, want := range map[Cell]string{
		{"r2", "1"}: "120000", {"r2", "2"}: "10512", {"r2", "3"}: "35210.25", {"r2", "5"}: "104.5", {"r2", "6"}: "92.5", {"r2", "7"}: "Đạt tiến độ",
		{"r4", "1"}: "1234.5", {"r4", "2"}: "2345", {"r4", "3"}: "0.3", {"r4", "5"}: "12.5",
		{"r5", "1"}: "1234.5", {"r5", "2"}: "0", {"r5", "3"}: "12.5",
		{"r6", "3"}: "-1234567", {"r8", "3"}: "0.25", {"r8", "1"}: "", {"r8", "2"}: "", {"r8", "7"}: "2026",
	} {
		if got, ok := merged(up)[c]; got != want || !ok {
			t.Errorf("%v = %q (%v), want %q", c, got, ok, want)
		}
	}
	for _, c := range []Cell{{"r2", "4"}, {"r1", "2"}} {
		if _, ok := merged(up)[c]; ok {
			t.Errorf("computed or heading cell %v read", c)
		}
	}
	if len(merged(up)) != len(inputCells(f)) {
		t.Errorf("%d values, want %d", len(merged(up)), len(inputCells(f)))
	}
}

func TestReadValuesCellProblems(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, nil))
	w.set("r2", "2", "mười hai").
		set("r4", "1", -5).
		set("r4", "2", 12.5).
		set("r5", "2", "-3").
		set("r5", "5", 1200).
		set("r8", "6", "100,5").
		set("r8", "2", true).
		set("r6", "1", "1.23.4")
	// A number Excel turned into a date (typed "12/5").
	date, err := w.x.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	w.set("r6", "2", 46154)
	if err := w.x.SetCellStyle(w.sheet, w.cell("r6", "2"), w.cell("r6", "2"), date); err != nil {
		t.Fatal(err)
	}
	ref := w.cell("r2", "2")
	up := readValues(t, w.bytes(), f)
	got := map[Cell]CellProblem{}
	for _, p := range up.Problems {
		got[p.Cell] = p
	}
	for c, want := range map[Cell]string{
		{"r2", "2"}: "Ô " + ref + " (Số lượt khám bệnh, cột (2)): không đọc được số «mười hai»",
		{"r4", "1"}: "(Tuyến tỉnh, cột (1)): không được âm (đang có -5).",
		{"r4", "2"}: "phải là số nguyên (đang có 12,5).",
		{"r5", "2"}: "không được âm (đang có -3).",
		{"r5", "5"}: "không được lớn hơn 1.000 (đang có 1.200).",
		{"r8", "6"}: "không được lớn hơn 100 (đang có 100,5).",
		{"r8", "2"}: "phải là số, đang có 'TRUE'.",
		{"r6", "1"}: "không đọc được số «1.23.4»: cách ghi dấu chấm, dấu phẩy không rõ",
		{"r6", "2"}: "đang có ngày 12/05/2026 (Excel đã tự đổi",
	} {
		p, ok := got[c]
		if !ok {
			t.Errorf("no problem for %v", c)
			continue
		}
		if !strings.Contains(p.Message, want) {
			t.Errorf("%v: %q, want it to contain %q", c, p.Message, want)
		}
		if p.Excel != w.cell(c.Row, c.Col) {
			t.Errorf("%v: Excel %q, want %q", c, p.Excel, w.cell(c.Row, c.Col))
		}
	}
	if len(up.Problems) != 9 {
		t.Errorf("problems: %q", problemsOf(up))
	}
	// The values stay: text as typed, numbers out of bounds as numbers.
	for c, want := range map[Cell]string{{"r2", "2"}: "mười hai", {"r4", "1"}: "-5", {"r4", "2"}: "12.5", {"r5", "5"}: "1200", {"r8", "2"}: "TRUE"} {
		if merged(up)[c] != want {
			t.Errorf("%v = %q, want %q", c, merged(up)[c], want)
		}
	}
}

func TestReadValuesMovedDeletedInsertedRows(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	// The official unprotects the sheet, deletes "Tuyến tỉnh" and inserts
	// a line above "Tuyến huyện" with a number in it.
	if err := w.x.RemoveRow(w.sheet, w.rows["r4"]); err != nil {
		t.Fatal(err)
	}
	inserted := w.rows["r4"] // r5 moved up here, then down again
	if err := w.x.InsertRows(w.sheet, inserted, 1); err != nil {
		t.Fatal(err)
	}
	if err := w.x.SetCellValue(w.sheet, w.cols["2"]+strconv.Itoa(inserted), 7); err != nil {
		t.Fatal(err)
	}
	up := readValues(t, w.bytes(), f)
	for c, want := range map[Cell]string{{"r5", "1"}: "4100.5", {"r5", "2"}: "0", {"r6", "2"}: "12", {"r8", "5"}: "1000"} {
		if got := merged(up)[c]; got != want {
			t.Errorf("%v = %q, want %q", c, got, want)
		}
	}
	if _, ok := merged(up)[Cell{"r4", "1"}]; ok {
		t.Error("deleted row read")
	}
	msgs := problemsOf(up)
	if len(msgs) != 2 || !strings.Contains(msgs[0], "Dòng “Tuyến tỉnh” bị xóa khỏi tệp") || up.Problems[0].Cell != (Cell{Row: "r4"}) ||
		!strings.HasPrefix(msgs[1], w.cols["2"]+strconv.Itoa(inserted)+": Dòng "+strconv.Itoa(inserted)+" của tệp không thuộc biểu mẫu") {
		t.Errorf("problems: %q", msgs)
	}
}

func TestReadValuesRefusesDuplicatedOrForeignRow(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	if err := w.x.SetCellValue(w.sheet, w.keyCol+strconv.Itoa(w.rows["r5"]), "r4"); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, w.bytes(), f, ErrLayoutChanged,
		"Dòng "+strconv.Itoa(w.rows["r4"])+" và dòng "+strconv.Itoa(w.rows["r5"])+" của tệp cùng là dòng “Tuyến tỉnh” của biểu")

	w = openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	if err := w.x.SetCellValue(w.sheet, w.keyCol+strconv.Itoa(w.rows["r8"]), "r99"); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, w.bytes(), f, ErrLayoutChanged, "Dòng "+strconv.Itoa(w.rows["r8"])+" của tệp có mã dòng ẩn “r99” không thuộc biểu này")
}

func TestReadValuesRefusesChangedColumns(t *testing.T) {
	f := valuesForm()
	// A column inserted in the table: the keys move out of their column.
	w := openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	if err := w.x.InsertCols(w.sheet, "E", 1); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, w.bytes(), f, ErrLayoutChanged, "Không tìm thấy các dòng của biểu trong tệp")
	// Two columns swapped (cut and paste): the number line says so.
	w = openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	for _, pair := range [][2]string{{"1", "(2)"}, {"2", "(1)"}} {
		if err := w.x.SetCellValue(w.sheet, w.cols[pair[0]]+strconv.Itoa(w.number), pair[1]); err != nil {
			t.Fatal(err)
		}
	}
	refusedWith(t, w.bytes(), f, ErrLayoutChanged, "dòng đánh số cột (1), (2), … đã thay đổi")
}

func TestReadValuesRefusesOtherForm(t *testing.T) {
	f := valuesForm()
	other := valuesForm()
	other.Key, other.Code = "b5", "05/SYT"
	refusedWith(t, exportValues(t, other, valuesVersion, valuesIn), f, ErrWrongForm,
		"Tệp tải lên là biểu mẫu của Biểu số 05/SYT, không phải Biểu số 03/SYT")
}

func TestReadValuesRefusesOtherVersion(t *testing.T) {
	f := valuesForm()
	refusedWith(t, exportValues(t, f, valuesVersion+1, valuesIn), f, ErrWrongTemplate,
		"Tệp Excel được tải từ phiên bản mẫu khác")
	// Same version id but the rows differ: not written for this form.
	changed := valuesForm()
	changed.Rows = append(changed.Rows, forms.Row{Key: "r9", Label: "Dòng mới", Kind: forms.Indicator})
	refusedWith(t, exportValues(t, changed, valuesVersion, valuesIn), f, ErrWrongTemplate, "hãy tải lại biểu mẫu")
}

func TestReadValuesRefusesWithoutMetadata(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	if err := w.x.DeleteSheet(MetaSheet); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, w.bytes(), f, ErrNoMetadata,
		"Tệp không phải biểu mẫu tải từ hệ thống (không có phần thông tin ẩn của biểu mẫu): hãy tải biểu mẫu Excel từ trang báo cáo, nhập số liệu rồi tải lên.")
	// A sheet the official made alone.
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"STT", "Chỉ tiêu", "Kế hoạch năm"})
	x.SetSheetRow("Sheet1", "A2", &[]any{1, "Số lượt khám bệnh", 120000})
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, buf.Bytes(), f, ErrNoMetadata, "hãy tải biểu mẫu Excel từ trang báo cáo")
}

func TestReadValuesExtraSheet(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	if _, err := w.x.NewSheet("Nháp"); err != nil {
		t.Fatal(err)
	}
	if err := w.x.SetCellValue("Nháp", "A1", 5); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, w.bytes(), f, ErrExtraSheet, "Tệp có thêm trang tính “Nháp”; chỉ giữ trang biểu mẫu “03-SYT”")

	// A hidden extra sheet is not read and not refused; a renamed form
	// sheet is found.
	w = openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	if _, err := w.x.NewSheet("Nháp"); err != nil {
		t.Fatal(err)
	}
	if err := w.x.SetSheetVisible("Nháp", false); err != nil {
		t.Fatal(err)
	}
	if err := w.x.SetSheetName(w.sheet, "Bieu da nhap"); err != nil {
		t.Fatal(err)
	}
	up := readValues(t, w.bytes(), f)
	if merged(up)[Cell{"r2", "1"}] != "120000" || len(up.Problems) > 0 {
		t.Errorf("renamed sheet: r2/1 = %q, problems %q", merged(up)[Cell{"r2", "1"}], problemsOf(up))
	}
}

func TestReadValuesRefusesFormula(t *testing.T) {
	f := valuesForm()
	w := openWorkbook(t, exportValues(t, f, valuesVersion, valuesIn))
	cell := w.cell("r2", "3")
	if err := w.x.SetCellFormula(w.sheet, cell, "D14*2"); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, w.bytes(), f, ErrFormula, "Ô "+cell+" có công thức Excel (=D14*2)")
}

func TestReadValuesRefusesHostileFiles(t *testing.T) {
	f := valuesForm()
	// A zip bomb: 100 MB of zeros in a few hundred KB.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`))
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for range 100 {
		w.Write(zeros)
	}
	zw.Close()
	refusedWith(t, buf.Bytes(), f, ErrZipBomb, "nén bất thường")
	// Too large, refused on the declared size without reading.
	_, err := ReadValues(strings.NewReader(""), 6<<20, f, valuesVersion)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	refusedWith(t, []byte("STT;Chỉ tiêu\n1;Dân số\n"), f, ErrNotXLSX, "Tệp không phải bảng tính Excel")
}

func TestClassifyNumFmt(t *testing.T) {
	for code, want := range map[string]numFormat{
		"#,##0": fmtNumber, "#,##0.0": fmtNumber, "General": fmtNumber, `0.0"%"`: fmtNumber, `0\%`: fmtNumber,
		"0.0%": fmtPercent, "#,##0.00%;[Red]-#,##0.00%": fmtPercent,
		"dd/mm/yyyy": fmtDate, "[$-42A]d/m/yyyy": fmtDate, "h:mm": fmtDate, "[h]:mm": fmtDate, `#,##0 "đồng"`: fmtNumber,
		"[Red]#,##0": fmtNumber,
	} {
		if got := classifyNumFmt(code); got != want {
			t.Errorf("classifyNumFmt(%q) = %d, want %d", code, got, want)
		}
	}
}

// ------------------------------------------------------------ benchmark

// BenchmarkReadValues reads a 300-row × 8-column export with values.
func BenchmarkReadValues(b *testing.B) {
	f := &forms.Form{Key: "b1", Code: "01/TH", Title: "Biểu tổng hợp"}
	for i := 1; i <= 8; i++ {
		f.Columns = append(f.Columns, forms.Column{Code: strconv.Itoa(i), Label: "Cột số liệu " + strconv.Itoa(i),
			Groups: []string{"Nhóm " + strconv.Itoa((i+1)/4)}, Type: forms.Number, Decimals: i % 3, Aggregation: forms.Sum})
	}
	f.Columns[0].Formula = "c2 + c3"
	for i := 1; i <= 300; i++ {
		r := forms.Row{Key: "r" + strconv.Itoa(i), STT: strconv.Itoa(i), Label: "Chỉ tiêu số " + strconv.Itoa(i), Kind: forms.Indicator}
		if i%10 == 1 {
			r.Kind = forms.Subtotal
		} else {
			r.Parent = "r" + strconv.Itoa(i-(i-1)%10)
		}
		f.Rows = append(f.Rows, r)
	}
	values := map[Cell]string{}
	for i, r := range f.Rows {
		for j, c := range f.Columns {
			values[Cell{r.Key, c.Code}] = strconv.FormatFloat(float64(i*100+j)+0.25, 'f', -1, 64)
		}
	}
	data := exportValues(b, f, valuesVersion, values)
	if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		var parts []string
		for _, e := range zr.File {
			if e.UncompressedSize64 > 4<<10 {
				parts = append(parts, e.Name+" "+strconv.FormatUint(e.UncompressedSize64>>10, 10)+" KB")
			}
		}
		b.Logf("export: %d KB; inflated: %s", len(data)>>10, strings.Join(parts, ", "))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		up, err := ReadValues(bytes.NewReader(data), int64(len(data)), f, valuesVersion)
		if err != nil || len(up.Problems) > 0 || len(merged(up)) != 270*7 {
			b.Fatalf("err %v, %d values, problems %v", err, len(merged(up)), up.Problems)
		}
	}
}

// cellsOf gives an export the values of a fixture written as text: a
// number as canonical text ("1234.5"), anything else as text.
func cellsOf(value func(row, col string) (string, bool)) func(row, col string) (CellValue, bool) {
	return func(row, col string) (CellValue, bool) {
		v, ok := value(row, col)
		if x, err := decimal.ParseCanonical(v); err == nil {
			return Number(x), ok
		}
		return Text(v), ok
	}
}

// merged is every input cell the upload read, numbers as canonical text.
func merged(up *Upload) map[Cell]string {
	out := maps.Clone(up.Values)
	for c, x := range up.Numbers {
		out[c] = x.String()
	}
	return out
}
