package xlsx_test

import (
	"baocao/internal/decimal"

	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/internal/forms"
	"baocao/internal/xlsx"
)

var table = xlsx.Table{
	Sheet: "Tinh hinh gui", Title: "Tình hình gửi báo cáo", Lines: []string{"Từ 01/12/2025 đến 14/03/2026"},
	Columns: []xlsx.TableColumn{
		{Label: "Đơn vị", Text: true},
		{Label: "Phải gửi"},
		{Label: "Đúng hạn", Group: "Đã gửi"},
		{Label: "Muộn hạn", Group: "Đã gửi"},
		{Label: "Tỷ lệ đúng hạn (%)", Decimals: 1},
	},
	Rows: [][]any{
		{"Phường Nha Trang", 3, 2, 1, 66.6666},
		{"Xã Cam Lâm, \"Khánh Hòa\"", 1234, 1000, nil, 81.03},
		{"Tổng cộng", 1237, 1002, 1, 81.0},
	},
	Bold: []bool{false, false, true},
}

func TestExportTable(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.ExportTable(&buf, table); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := x.GetSheetName(0)
	if sheet != "Tinh hinh gui" {
		t.Errorf("sheet %q", sheet)
	}
	cell := func(ref string) string {
		v, err := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Title (row 1), the filter line (2), a blank line, the header on rows 4–5.
	for ref, want := range map[string]string{
		"A1": "Tình hình gửi báo cáo", "A2": "Từ 01/12/2025 đến 14/03/2026",
		"A4": "Đơn vị", "B4": "Phải gửi", "C4": "Đã gửi", "C5": "Đúng hạn", "D5": "Muộn hạn", "E4": "Tỷ lệ đúng hạn (%)",
		"A6": "Phường Nha Trang", "B7": "1234", "D7": "", "E6": "66.6666", "A8": "Tổng cộng",
	} {
		if got := cell(ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	merged, err := x.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, m := range merged {
		refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"A1:E1", "A2:E2", "A4:A5", "B4:B5", "C4:D4", "E4:E5"} {
		if !strings.Contains(strings.Join(refs, " "), want) {
			t.Errorf("merged cells %v lack %s", refs, want)
		}
	}
	panes, err := x.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 1 || panes.YSplit != 5 {
		t.Errorf("panes %+v, want frozen below row 5 and right of column A", panes)
	}
	format := func(ref string) string {
		id, err := x.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt == nil {
			return ""
		}
		return *st.CustomNumFmt
	}
	if f := format("B7"); f != "#,##0" {
		t.Errorf("B7 format %q", f)
	}
	if f := format("E6"); f != "#,##0.0" {
		t.Errorf("E6 format %q", f)
	}
	id, _ := x.GetCellStyle(sheet, "A8")
	if st, _ := x.GetStyle(id); !st.Font.Bold || len(st.Border) != 4 {
		t.Errorf("total line style %+v, want bold with borders", st)
	}
	if v, _ := x.GetCellValue(sheet, "B7"); v != "1,234" {
		t.Errorf("B7 shown as %q", v)
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.WriteCSV(&buf, table); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 byte order mark: % x", b[:3])
	}
	records, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Đơn vị", "Phải gửi", "Đã gửi – Đúng hạn", "Đã gửi – Muộn hạn", "Tỷ lệ đúng hạn (%)"},
		{"Phường Nha Trang", "3", "2", "1", "66.7"},
		{"Xã Cam Lâm, \"Khánh Hòa\"", "1234", "1000", "", "81"},
		{"Tổng cộng", "1237", "1002", "1", "81"},
	}
	if !reflect.DeepEqual(records, want) {
		t.Errorf("csv\n%q\nwant\n%q", records, want)
	}
}

func TestExportTablesAndFormTable(t *testing.T) {
	f := &forms.Form{Key: "b1", Code: "06/VPCP/KSTT", Title: "Thủ tục hành chính",
		Columns: []forms.Column{
			{Code: "1", Label: "Tổng số", Type: forms.Integer, Groups: []string{"Số hồ sơ tiếp nhận"}},
			{Code: "2", Label: "Trực tuyến", Type: forms.Integer, Groups: []string{"Số hồ sơ tiếp nhận"}},
			{Code: "3", Label: "Tỷ lệ", Type: forms.Percent, Decimals: 1},
		},
		Rows: []forms.Row{
			{Key: "r1", Label: "Tổng cộng", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Lĩnh vực đất đai", Kind: forms.Indicator},
		}}
	values := map[string]string{"r1|1": "1234", "r2|1": "1234", "r2|2": "617", "r2|3": "50"}
	form := xlsx.FormTable(f, f.Title, []string{"Tháng 3/2026"}, func(row, col string) (xlsx.CellValue, bool) {
		v, ok := values[row+"|"+col]
		if !ok {
			return xlsx.CellValue{}, false
		}
		return xlsx.Number(decimal.MustParse(v)), true
	})
	var buf bytes.Buffer
	if err := xlsx.ExportTables(&buf, table, form, form); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, want := x.GetSheetList(), []string{"Tinh hinh gui", "06-VPCP-KSTT", "06-VPCP-KSTT 2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	rows, _ := x.GetRows("06-VPCP-KSTT", excelize.Options{RawCellValue: true})
	// Title, period, blank, the two header lines, the rows.
	want := [][]string{
		{"STT", "Tên chỉ tiêu", "Đơn vị tính", "Số hồ sơ tiếp nhận", "", "(3) Tỷ lệ"},
		{"", "", "", "(1) Tổng số", "(2) Trực tuyến"},
		{"", "Tổng cộng", "", "1234"},
		{"1", "Lĩnh vực đất đai", "", "1234", "617", "50"},
	}
	if !reflect.DeepEqual(rows[3:], want) {
		t.Errorf("form sheet\n%q\nwant\n%q", rows[3:], want)
	}
}
