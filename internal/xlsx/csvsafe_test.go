package xlsx_test

import (
	"baocao/internal/decimal"

	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"baocao/internal/forms"
	"baocao/internal/xlsx"
)

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x.invalid","Bấm")`: `'=HYPERLINK("http://x.invalid","Bấm")`,
		"+1+2":                                 "'+1+2",
		"-2+3+cmd|' /C calc'!A0":               "'-2+3+cmd|' /C calc'!A0",
		"@SUM(A1)":                             "'@SUM(A1)",
		"\t=1":                                 "'\t=1",
		"\r=1":                                 "'\r=1",
		"-12,5":                                "-12,5",
		"-12.5":                                "-12.5",
		"-1.234,5":                             "-1.234,5",
		"+84":                                  "+84",
		"Phường Nha Trang":                     "Phường Nha Trang",
		"":                                     "",
		"- gạch đầu dòng":                      "'- gạch đầu dòng",
	} {
		if got := xlsx.CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVNeutralisesFormulasButNotNumbers writes a table whose unit name,
// column label and free-text cell are formulas, and whose number cells are
// negative: the formulas become text, the numbers stay numbers.
func TestCSVNeutralisesFormulasButNotNumbers(t *testing.T) {
	f := &forms.Form{Code: "01", Columns: []forms.Column{
		{Code: "1", Label: "=1+1", Type: forms.Number, Decimals: 1},
		{Code: "2", Label: "Ghi chú", Type: forms.Text},
	}, Rows: []forms.Row{{Key: "r1", STT: "1", Label: "@Chỉ tiêu", Kind: forms.Indicator}}}
	values := map[string]xlsx.CellValue{"1": xlsx.Number(decimal.MustParse("-12.5")), "2": xlsx.Text(`=HYPERLINK("http://x.invalid")`)}
	tbl := xlsx.FormTable(f, "Biểu", nil, func(_, col string) (xlsx.CellValue, bool) { v, ok := values[col]; return v, ok })
	tbl.Rows = append(tbl.Rows, []any{"2", "=Tên đơn vị", "", -3.5, "-7"})
	var buf bytes.Buffer
	if err := xlsx.WriteCSV(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"STT", "Tên chỉ tiêu", "Đơn vị tính", "(1) =1+1", "(2) Ghi chú"},
		{"1", "'@Chỉ tiêu", "", "-12.5", `'=HYPERLINK("http://x.invalid")`},
		{"2", "'=Tên đơn vị", "", "-3.5", "-7"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("CSV\n%q\nwant\n%q", rows, want)
	}
}
