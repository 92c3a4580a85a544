package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/internal/accounts"
)

func TestReportExcelRoundTrip(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	save := newFormRequest("POST", reportPath(id), url.Values{"csrf_token": {csrf}, "revision": {"0"}, "v.b1.r2.1": {"1.000"}})
	save.AddCookie(cookie)
	if rec := serve(h, save); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}

	get := newFormRequest("GET", reportPath(id)+"/forms/b1/xlsx", nil)
	get.AddCookie(cookie)
	rec := serve(h, get)
	if rec.Code != http.StatusOK {
		t.Fatalf("download: %d", rec.Code)
	}
	book, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := book.GetSheetName(0)
	// Find the cell holding 1000 (r2, column 1) and type next to it as an official would.
	rows, _ := book.GetRows(sheet, excelize.Options{RawCellValue: true})
	target := ""
	for ri, row := range rows {
		for ci, v := range row {
			if v == "1000" {
				target, _ = excelize.CoordinatesToCellName(ci+2, ri+1) // column (2), same row
			}
		}
	}
	if target == "" {
		t.Fatal("the downloaded workbook does not hold the saved 1000")
	}
	if err := book.SetCellValue(sheet, target, "250"); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if err := book.Write(&filled); err != nil {
		t.Fatal(err)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", csrf)
	_ = mw.WriteField("form", "b1")
	part, _ := mw.CreateFormFile("file", "bao-cao.xlsx")
	_, _ = part.Write(filled.Bytes())
	_ = mw.Close()
	up := httptest.NewRequest("POST", reportPath(id)+"/import", &body)
	up.Header.Set("Content-Type", mw.FormDataContentType())
	up.AddCookie(cookie)
	rec = serve(h, up)
	preview := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(preview, "Xem trước số liệu từ Excel") || !strings.Contains(preview, ">250<") {
		t.Fatalf("preview: %d", rec.Code)
	}
	var stored int
	_ = h.db.QueryRow(h.ctx, `SELECT count(*) FROM report_values WHERE report_id = $1 AND row_key = 'r2' AND col_code = '2'`, id).Scan(&stored)
	if stored != 0 {
		t.Fatal("the preview saved before the official applied it")
	}
	// Apply: the preview's form posts the values as an ordinary save.
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(preview, -1) {
		form.Add(m[1], m[2])
	}
	apply := newFormRequest("POST", reportPath(id), form)
	apply.AddCookie(cookie)
	if rec := serve(h, apply); rec.Code != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", rec.Code, rec.Body.String())
	}
	var num float64
	if err := h.db.QueryRow(h.ctx, `SELECT num FROM report_values WHERE report_id = $1 AND row_key = 'r2' AND col_code = '2'`, id).Scan(&num); err != nil || num != 250 {
		t.Fatalf("applied value %v, %v", num, err)
	}

	// The same form downloaded from another commune's report is refused.
	otherID := h.report("xa-22453", "so-y-te")
	// Both fixtures share no template version; give the other report this one's.
	if _, err := h.db.Exec(h.ctx, `UPDATE periods SET template_version_id = (SELECT p.template_version_id FROM reports r JOIN periods p ON p.id = r.period_id WHERE r.id = $1)
		WHERE id = (SELECT period_id FROM reports WHERE id = $2)`, id, otherID); err != nil {
		t.Fatal(err)
	}
	other2 := h.account("nhaplieu.camlam", "xa-22453", accounts.User, accounts.Enter)
	c2, csrf2 := h.sessionFor(other2)
	var body2 bytes.Buffer
	mw2 := multipart.NewWriter(&body2)
	_ = mw2.WriteField("csrf_token", csrf2)
	_ = mw2.WriteField("form", "b1")
	part2, _ := mw2.CreateFormFile("file", "bao-cao-nha-trang.xlsx")
	_, _ = part2.Write(filled.Bytes())
	_ = mw2.Close()
	up2 := httptest.NewRequest("POST", reportPath(otherID)+"/import", &body2)
	up2.Header.Set("Content-Type", mw2.FormDataContentType())
	up2.AddCookie(c2)
	if rec := serve(h, up2); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "tải từ báo cáo khác") {
		t.Errorf("another unit's workbook: %d", rec.Code)
	}

	// A workbook of another report's form is refused, nothing changes.
	var other bytes.Buffer
	mw = multipart.NewWriter(&other)
	_ = mw.WriteField("csrf_token", csrf)
	_ = mw.WriteField("form", "b1")
	part, _ = mw.CreateFormFile("file", "khac.xlsx")
	plain := excelize.NewFile()
	_ = plain.SetCellValue("Sheet1", "A1", "STT")
	_ = plain.Write(part)
	_ = mw.Close()
	up = httptest.NewRequest("POST", reportPath(id)+"/import", &other)
	up.Header.Set("Content-Type", mw.FormDataContentType())
	up.AddCookie(cookie)
	if rec := serve(h, up); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "tải biểu mẫu Excel từ trang báo cáo") {
		t.Errorf("a workbook not made by the system: %d", rec.Code)
	}
}
