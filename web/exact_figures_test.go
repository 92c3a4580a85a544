package web

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/forms"
)

// exactTemplate has a column of each kind of number: one decimal, as
// typed, integer, and a percentage computed from two of them.
func exactTemplate() forms.Template {
	return forms.Template{
		Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Kết quả thực hiện"}},
		Forms: []forms.Form{{Key: "b1", Title: "Thu ngân sách", Columns: []forms.Column{
			{Code: "1", Label: "Dự toán", Type: forms.Number, Decimals: 1},
			{Code: "2", Label: "Thực hiện", Type: forms.Number},
			{Code: "3", Label: "Số đơn vị", Type: forms.Integer},
			{Code: "4", Label: "So dự toán (%)", Type: forms.Percent, Formula: "IF(c1 = 0, 0, c2 / c1 * 100)"},
		}, Rows: []forms.Row{
			{Key: "r1", Label: "Tổng thu", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Thu nội địa", Kind: forms.Indicator},
			{Key: "r3", Parent: "r1", STT: "2", Label: "Thu từ dầu thô", Kind: forms.Indicator},
			{Key: "r4", Parent: "r1", STT: "3", Label: "Thu cân đối xuất nhập khẩu", Kind: forms.Indicator},
		}}}}
}

// storedValues is every stored cell of a report: the exact numeric text,
// or the text.
func storedValues(t *testing.T, h *harness, id int64) map[string]string {
	t.Helper()
	rows, err := h.db.Query(h.ctx, `SELECT row_key || '.' || col_code, coalesce(num::text, 'txt:' || txt) FROM report_values WHERE report_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	return out
}

var hiddenOrInput = regexp.MustCompile(`<input[^>]*name="(v\.[^"]+|revision|csrf_token)"[^>]*value="([^"]*)"`)

// pageForm is the report page's form as the browser would post it back.
func pageForm(page string) url.Values {
	form := url.Values{}
	for _, m := range hiddenOrInput.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	return form
}

// TestExactFigures types every accepted spelling and some refused ones,
// then goes round every path that reads a figure back — the page, a full
// save of what it shows, the workbook downloaded and uploaded untouched,
// the workbook re-saved by LibreOffice — and requires that nothing changes.
func TestExactFigures(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.reportWith("xa-22366", "so-y-te", exactTemplate())
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	post := func(form url.Values) *httptest.ResponseRecorder {
		t.Helper()
		req := newFormRequest("POST", reportPath(id), form)
		req.AddCookie(cookie)
		return serve(h, req)
	}
	get := func(path string) *httptest.ResponseRecorder {
		t.Helper()
		req := newFormRequest("GET", path, nil)
		req.AddCookie(cookie)
		return serve(h, req)
	}

	typed := url.Values{"csrf_token": {csrf}, "revision": {"0"},
		"v.b1.r2.1": {"1,234.5"},              // English grouping: 1234.5, not 1.2345
		"v.b1.r2.2": {"1.234.567,891"},        // a figure with more decimals than any column shows
		"v.b1.r2.3": {"12"},                   //
		"v.b1.r3.1": {"25,75"},                // more decimals than the column keeps: kept, flagged
		"v.b1.r3.2": {"99999999999999999999"}, // beyond 15 digits: refused
		"v.b1.r3.3": {"1,234,5"},              // ambiguous: refused
		"v.b1.r4.1": {"2.125"},                // Vietnamese thousands
		"v.b1.r4.2": {"0.125"},                // a decimal point
	}
	if rec := post(typed); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	want := map[string]string{
		"r2.1": "1234.5", "r2.2": "1234567.891", "r2.3": "12",
		"r3.1": "25.75", "r3.2": "txt:99999999999999999999", "r3.3": "txt:1,234,5",
		"r4.1": "2125", "r4.2": "0.125",
		// computed: the sums, and the percentages to one decimal
		"r1.1": "3385.3", "r1.2": "1234568.016", "r1.3": "12",
		"r2.4": "100005.5", "r4.4": "0", "r1.4": "36469",
	}
	got := storedValues(t, h, id)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("stored %s = %q, want %q", k, got[k], w)
		}
	}
	page := get(reportPath(id)).Body.String()
	for _, msg := range []string{"Cột này ghi tối đa 1 chữ số thập phân", "có quá 15 chữ số", "Không đọc được số «1,234,5»"} {
		if !strings.Contains(html.UnescapeString(page), msg) {
			t.Errorf("the page does not say %q", msg)
		}
	}
	for _, shown := range []string{`value="1.234,5"`, `value="1.234.567,891"`, `value="25,75"`, `value="2.125"`, `value="0,125"`} {
		if !strings.Contains(page, shown) {
			t.Errorf("the page does not show %s", shown)
		}
	}

	// Reload and save what the page shows: nothing changes.
	before := storedValues(t, h, id)
	if rec := post(pageForm(page)); rec.Code != http.StatusSeeOther {
		t.Fatalf("full save of the page: %d", rec.Code)
	}
	if after := storedValues(t, h, id); !equalMaps(before, after) {
		t.Errorf("saving the page as shown changed values:\n%v\n%v", before, after)
	}

	// Download the workbook and upload it untouched: zero changes.
	rec := get(reportPath(id) + "/forms/b1/xlsx")
	if rec.Code != http.StatusOK {
		t.Fatalf("download: %d", rec.Code)
	}
	workbook := rec.Body.Bytes()
	preview := importPreview(t, h, id, cookie, csrf, workbook)
	if !strings.Contains(preview, "Tệp không làm thay đổi ô nào của báo cáo") || !strings.Contains(preview, "0 ô sẽ thay đổi") {
		t.Errorf("an untouched workbook previews changes:\n%s", previewTable(preview))
	}

	// The same workbook opened and saved again by LibreOffice: zero changes.
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("LibreOffice (soffice) is missing: make test installs libreoffice-calc-nogui")
		}
		t.Skip("LibreOffice not installed; make test installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in", "bao-cao.xlsx")
	_ = os.MkdirAll(filepath.Dir(in), 0o755)
	if err := os.WriteFile(in, workbook, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", filepath.Join(dir, "out"), in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	resaved, err := os.ReadFile(filepath.Join(dir, "out", "bao-cao.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	preview = importPreview(t, h, id, cookie, csrf, resaved)
	if !strings.Contains(preview, "Tệp không làm thay đổi ô nào của báo cáo") {
		t.Errorf("the workbook re-saved by LibreOffice previews changes:\n%s", previewTable(preview))
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// importPreview uploads a workbook to the report and returns the preview.
func importPreview(t *testing.T, h *harness, id int64, cookie *http.Cookie, csrf string, workbook []byte) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", csrf)
	_ = mw.WriteField("form", "b1")
	part, _ := mw.CreateFormFile("file", "bao-cao-"+strconv.FormatInt(id, 10)+".xlsx")
	_, _ = part.Write(workbook)
	_ = mw.Close()
	req := httptest.NewRequest("POST", reportPath(id)+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(cookie)
	rec := serve(h, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	return html.UnescapeString(rec.Body.String())
}

func previewTable(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(page, " ")
}

// TestPrefillIsExact: a unit's own report pre-filled from its
// consolidation holds exactly the consolidated figures (a decimal point in
// between once multiplied them by 1.000).
func TestPrefillIsExact(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.reportWith("xa-22366", "so-y-te", exactTemplate())
	var period, assignment int64
	if err := h.db.QueryRow(h.ctx, `SELECT period_id, assignment_id FROM reports WHERE id = $1`, a).Scan(&period, &assignment); err != nil {
		t.Fatal(err)
	}
	var b, own int64
	if err := h.db.QueryRow(h.ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		VALUES ($1, $2, $3, $4, 1, '2026-12-16') RETURNING id`, period, h.unit("xa-22453").ID, h.unit("so-y-te").ID, assignment).Scan(&b); err != nil {
		t.Fatal(err)
	}
	if err := h.db.QueryRow(h.ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		VALUES ($1, $2, $3, $4, 2, '2026-12-18') RETURNING id`, period, h.unit("so-y-te").ID, h.unit("vp-ubnd").ID, assignment).Scan(&own); err != nil {
		t.Fatal(err)
	}
	for id, vals := range map[int64]map[string]string{
		a: {"b1|r2|1": "2,1", "b1|r2|2": "1.234,567", "b1|r4|2": "0,125"},
		b: {"b1|r2|1": "0,025", "b1|r2|2": "1000", "b1|r4|2": "2.125"},
	} {
		rep, _ := h.s.reports.Report(h.ctx, id)
		if _, _, err := h.s.reports.Save(h.ctx, rep, draftOf(vals), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'accepted', sent_at = now() WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	clerk := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	cookie, csrf := h.sessionFor(clerk)
	req := newFormRequest("POST", "/received/"+strconv.FormatInt(period, 10)+"/prefill", url.Values{"csrf_token": {csrf}})
	req.AddCookie(cookie)
	if rec := serve(h, req); rec.Code != http.StatusSeeOther {
		t.Fatalf("prefill: %d %s", rec.Code, rec.Body.String())
	}
	got := storedValues(t, h, own)
	for k, w := range map[string]string{"r2.1": "2.125", "r2.2": "2234.567", "r4.2": "2125.125", "r1.2": "4359.692"} {
		if got[k] != w {
			t.Errorf("prefilled %s = %q, want %q", k, got[k], w)
		}
	}
}

// TestAmbiguousSpellings: "12,345" typed new could be 12,345 or 12345 and
// is refused with both ways to write it; the same text that the page
// shows for a stored 12,345 saves back unchanged.
func TestAmbiguousSpellings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.reportWith("xa-22366", "so-y-te", exactTemplate())
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	post := func(form url.Values) {
		t.Helper()
		req := newFormRequest("POST", reportPath(id), form)
		req.AddCookie(cookie)
		if rec := serve(h, req); rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
		}
	}
	post(url.Values{"csrf_token": {csrf}, "revision": {"0"}, "v.b1.r4.2": {"12,3450"}, "v.b1.r2.2": {"12,345"}})
	got := storedValues(t, h, id)
	if got["r4.2"] != "12.345" || got["r2.2"] != "txt:12,345" {
		t.Fatalf("stored %v", got)
	}
	req := newFormRequest("GET", reportPath(id), nil)
	req.AddCookie(cookie)
	page := serve(h, req).Body.String()
	if !strings.Contains(page, `value="12,345"`) ||
		!strings.Contains(html.UnescapeString(page), "ghi 12.345 nếu là hàng nghìn, hoặc 12,3450 nếu là phần thập phân") {
		t.Fatal("the page does not show the stored 12,345 and the refusal of the typed one")
	}
	post(pageForm(page))
	if after := storedValues(t, h, id); after["r4.2"] != "12.345" || after["r2.2"] != "txt:12,345" {
		t.Errorf("saving the page back changed %v", after)
	}
}
