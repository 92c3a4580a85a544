package xlsx

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/internal/apperr"
)

// TestDesignRoundTripKeepsOutlierChecks: the designer's workbook carries
// each column's outlier check; imported unchanged, every column keeps its
// setting (the default too) and nothing else moves, while the officials'
// workbook has no such line.
func TestDesignRoundTripKeepsOutlierChecks(t *testing.T) {
	f := sampleForm()
	kinds := []string{"", "count", "money", "percent", "off"}
	for i := range f.Columns {
		f.Columns[i].Outlier = kinds[i%len(kinds)]
	}
	plain, _ := mustImport(t, export(t, f, ExportOptions{}))
	got, _ := mustImport(t, export(t, f, ExportOptions{Design: true}))
	if len(got.Columns) != len(f.Columns) || len(got.Rows) != len(plain.Rows) {
		t.Fatalf("imported %d columns, %d rows; want %d, %d", len(got.Columns), len(got.Rows), len(f.Columns), len(plain.Rows))
	}
	for i, c := range got.Columns {
		if c.Outlier != f.Columns[i].Outlier {
			t.Errorf("column (%s): outlier %q, want %q", c.Code, c.Outlier, f.Columns[i].Outlier)
		}
		p := plain.Columns[i]
		p.Outlier = c.Outlier
		if c.Label != p.Label || c.Type != p.Type || c.Decimals != p.Decimals || c.Aggregation != p.Aggregation {
			t.Errorf("column (%s) changed with the outlier line: %+v, want %+v", c.Code, c, p)
		}
	}
	for i, r := range got.Rows {
		if r.Label != plain.Rows[i].Label || r.Kind != plain.Rows[i].Kind || r.Parent != plain.Rows[i].Parent {
			t.Errorf("row %d changed with the outlier line: %+v, want %+v", i, r, plain.Rows[i])
		}
	}
	for i := range plain.Columns {
		if plain.Columns[i].Outlier != "" {
			t.Errorf("the officials' workbook carried an outlier check: %+v", plain.Columns[i])
		}
	}
}

// TestDesignImportRefusesAnUnknownOutlierCheck names the cell and the
// choices; the designer's longer label and the code are understood.
func TestDesignImportRefusesAnUnknownOutlierCheck(t *testing.T) {
	f := sampleForm()
	b := export(t, f, ExportOptions{Design: true})
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	cells, err := x.SearchSheet(sheet, OutlierLine)
	if err != nil || len(cells) != 1 {
		t.Fatalf("outlier line: %v %v", cells, err)
	}
	_, row, _ := excelize.SplitCellName(cells[0])
	edit := func(values map[string]string) []byte {
		t.Helper()
		for col, v := range values {
			if err := x.SetCellValue(sheet, col+strconv.Itoa(row), v); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	got, _ := mustImport(t, edit(map[string]string{"D": "Số đếm (người, ca, lượt)", "E": "money", "F": "  không kiểm tra "}))
	if got.Columns[0].Outlier != "count" || got.Columns[1].Outlier != "money" || got.Columns[2].Outlier != "off" || got.Columns[3].Outlier != "" {
		t.Errorf("outlier checks read: %q %q %q %q", got.Columns[0].Outlier, got.Columns[1].Outlier, got.Columns[2].Outlier, got.Columns[3].Outlier)
	}
	_, _, err = importBytes(t, edit(map[string]string{"E": "Trung bình"}))
	want := "Ô E" + strconv.Itoa(row) + " (Kiểm tra số liệu khác thường của cột (2)): “Trung bình” không phải một cách kiểm tra"
	if !errors.Is(err, ErrOutlier) || apperr.Code(err) != apperr.Invalid || !strings.Contains(apperr.Message(err), want) ||
		!strings.Contains(apperr.Message(err), "“Số tiền”") {
		t.Errorf("an unknown choice: %v (%s), want %q", err, apperr.Message(err), want)
	}
}
