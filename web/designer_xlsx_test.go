package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/internal/forms"
	"baocao/internal/seed"
	"baocao/internal/xlsx"
)

// upload posts a file to the draft's import route as a browser would.
func (d *designerClient) upload(name string, content []byte) *httptest.ResponseRecorder {
	d.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", d.csrf)
	part, _ := mw.CreateFormFile("file", name)
	_, _ = part.Write(content)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, d.path("/import"), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(d.cookie)
	rec := httptest.NewRecorder()
	d.h.s.ServeHTTP(rec, req)
	return rec
}

func TestDesignerExcelRoundTrip(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	var sheet bytes.Buffer
	procedures := seed.ProceduresForm()
	if err := xlsx.ExportForm(&sheet, &procedures, xlsx.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	rec := d.upload("06-VPCP-KSTT.xlsx", sheet.Bytes())
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	imported, ok := d.draft().Template.FormByKey("b1")
	if !ok || len(imported.Columns) != 11 || len(imported.Rows) != len(procedures.Rows) {
		t.Fatalf("imported form: %+v", imported)
	}
	if imported.Columns[1].Label != "Trực tuyến" || strings.Join(imported.Columns[1].Groups, " > ") != "Số hồ sơ nhận giải quyết > Trong đó" {
		t.Errorf("column (2): %+v", imported.Columns[1])
	}

	// Download it again: a workbook with the title and the header.
	rec = d.get("/forms/b1/xlsx")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("download: %d %v", rec.Code, rec.Header())
	}
	book, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, row := range rows {
		text += strings.Join(row, "|") + "\n"
	}
	for _, want := range []string{"Tình hình, kết quả giải quyết thủ tục hành chính", "Số hồ sơ nhận giải quyết", "Lĩnh vực đất đai"} {
		if !strings.Contains(text, want) {
			t.Errorf("downloaded workbook lacks %q", want)
		}
	}
}

func TestDesignerExcelHostileUploadsChangeNothing(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	before := d.stored()
	formula := excelize.NewFile()
	_ = formula.SetCellValue("Sheet1", "A1", "STT")
	_ = formula.SetCellValue("Sheet1", "B1", "Chỉ tiêu")
	_ = formula.SetCellValue("Sheet1", "C1", "Số lượng")
	_ = formula.SetCellValue("Sheet1", "A2", "1")
	_ = formula.SetCellValue("Sheet1", "B2", "Dân số")
	_ = formula.SetCellFormula("Sheet1", "C2", "=SUM(C3:C9)")
	var withFormula bytes.Buffer
	_ = formula.Write(&withFormula)
	cases := []struct {
		name    string
		content []byte
		status  int
		says    string
	}{
		{"not a spreadsheet", []byte("%PDF-1.7 không phải Excel"), http.StatusUnprocessableEntity, "không phải bảng tính Excel"},
		{"an Excel formula", withFormula.Bytes(), http.StatusUnprocessableEntity, "công thức Excel"},
		{"too large", bytes.Repeat([]byte("x"), 7<<20), http.StatusRequestEntityTooLarge, "quá lớn"},
	}
	for _, c := range cases {
		rec := d.upload("bieu.xlsx", c.content)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
			t.Errorf("%s: %d, want %d with %q", c.name, rec.Code, c.status, c.says)
		}
	}
	if d.stored() != before {
		t.Error("a refused upload changed the draft")
	}
}

// TestDesignerExcelKeepsOutlierChecks: the designer's workbook carries
// each column's outlier check; imported back unchanged, the new form has
// the same settings as the one downloaded, and a choice the system does
// not know is refused naming its cell, changing nothing.
func TestDesignerExcelKeepsOutlierChecks(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	form := threeColumnForm()
	form.Columns[1].Outlier, form.Columns[2].Outlier = "count", "off"
	d.saveTemplate(forms.Template{Forms: []forms.Form{form}})
	rec := d.get("/forms/b1/xlsx")
	if rec.Code != http.StatusOK {
		t.Fatalf("download: %d", rec.Code)
	}
	if rec := d.upload("bieu.xlsx", rec.Body.Bytes()); rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	imported, ok := d.draft().Template.FormByKey("b2")
	if !ok || len(imported.Columns) != 3 {
		t.Fatalf("imported form: %+v", imported)
	}
	for i, c := range imported.Columns {
		if c.Outlier != form.Columns[i].Outlier {
			t.Errorf("column (%s): outlier %q, want %q", c.Code, c.Outlier, form.Columns[i].Outlier)
		}
	}
	before := d.stored()
	book, err := excelize.OpenReader(bytes.NewReader(d.get("/forms/b1/xlsx").Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := book.GetSheetName(0)
	cells, _ := book.SearchSheet(sheet, xlsx.OutlierLine)
	if len(cells) != 1 {
		t.Fatalf("the designer's workbook has no outlier line: %v", cells)
	}
	_, row, _ := excelize.SplitCellName(cells[0])
	cell := "E" + strconv.Itoa(row)
	_ = book.SetCellValue(sheet, cell, "Tùy ý")
	var edited bytes.Buffer
	_ = book.Write(&edited)
	rec = d.upload("bieu.xlsx", edited.Bytes())
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Ô "+cell+" (Kiểm tra số liệu khác thường của cột (2))") {
		t.Errorf("an unknown outlier check: %d", rec.Code)
	}
	if d.stored() != before {
		t.Error("a refused upload changed the draft")
	}
}
