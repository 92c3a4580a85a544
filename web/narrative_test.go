package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/apiclients"
	"baocao/internal/forms"
	"baocao/internal/richtext"
	"baocao/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// narrativeTemplate has an outline section whose draft speaks of the
// outpatient row, and columns marked plan, this month and last year.
func narrativeTemplate() forms.Template {
	return forms.Template{
		Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Kết quả thực hiện", DraftRows: []string{"b1|r2"}}},
		Forms: []forms.Form{{Key: "b1", Title: "Khám chữa bệnh", Unit: "lượt", Columns: []forms.Column{
			{Code: "1", Label: "Kế hoạch năm", Type: forms.Number, Role: forms.RolePlan},
			{Code: "2", Label: "Thực hiện tháng", Type: forms.Number, Role: forms.RoleCurrent},
			{Code: "3", Label: "Cùng kỳ năm trước", Type: forms.Number, Role: forms.RoleLastYear},
			{Code: "4", Label: "So cùng kỳ (%)", Type: forms.Percent, Formula: "IF(c3 = 0, 0, c2 / c3 * 100)"},
		}, Rows: []forms.Row{
			{Key: "r1", Label: "Tổng số", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Số lượt khám bệnh", Kind: forms.Indicator, Unit: "lượt"},
			{Key: "r3", Parent: "r1", STT: "2", Label: "Số lượt cấp cứu", Kind: forms.Indicator, Unit: "lượt"},
		}}}}
}

func (h *harness) storedSection(reportID int64, key string) string {
	h.t.Helper()
	var html string
	if err := h.db.QueryRow(h.ctx, `SELECT html FROM report_sections WHERE report_id = $1 AND section_key = $2`, reportID, key).Scan(&html); err != nil {
		h.t.Fatal(err)
	}
	return html
}

// TestNarrativeFiguresFollowCells: a figure takes the value of its cell at
// every save (a formula cell too, through its inputs), the autosave's
// answer carries the new text, a reference to a cell outside the form is
// refused, and a figure whose cell was emptied blocks submission naming it.
func TestNarrativeFiguresFollowCells(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.reportWith("xa-22366", "so-y-te", narrativeTemplate())
	clerk := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(clerk)
	path := reportPath(id)
	section := `<p>Khám <span data-figure="b1|r2|2" contenteditable="false">gõ tay</span> lượt, tổng <span data-figure="b1|r1|2">?</span>, đạt <span data-figure="b1|r2|4">?</span>% cùng kỳ</p>`
	save := func(values url.Values, htmx bool) (int, string) {
		values.Set("csrf_token", csrf)
		values.Set("revision", strconv.Itoa(h.revision(id)))
		req := h.request(http.MethodPost, path, cookie, values)
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		rec := h.serve(req)
		return rec.Code, rec.Body.String()
	}
	code, body := save(url.Values{"v.b1.r2.2": {"1234,5"}, "v.b1.r2.3": {"1000"}, "v.b1.r3.2": {"10"}, "s.s1": {section}}, true)
	if code != http.StatusOK {
		t.Fatalf("autosave: %d %s", code, body)
	}
	stored := h.storedSection(id, "s1")
	want := `<p>Khám <span data-figure="b1|r2|2">1.234,5</span> lượt, tổng <span data-figure="b1|r1|2">1.244,5</span>, đạt <span data-figure="b1|r2|4">123,5</span>% cùng kỳ</p>`
	if stored != want {
		t.Fatalf("stored section\n got %s\nwant %s", stored, want)
	}
	if !strings.Contains(body, `data-figures="`) || !strings.Contains(body, "1.244,5") {
		t.Errorf("the autosave's answer should carry the figures' text: %s", body)
	}

	// Only the cell changes: the section stored from the page follows.
	if code, body := save(url.Values{"v.b1.r2.2": {"2000"}, "v.b1.r2.3": {"1000"}, "v.b1.r3.2": {"10"}, "s.s1": {stored}}, true); code != http.StatusOK {
		t.Fatalf("second save: %d %s", code, body)
	}
	if got := richtext.Figures(h.storedSection(id, "s1")); got[0].Text != "2.000" || got[1].Text != "2.010" || got[2].Text != "200" {
		t.Errorf("figures after the change: %+v", got)
	}
	// A save that does not carry the section (the API, a workbook) still moves it.
	if code, body := save(url.Values{"v.b1.r2.2": {"3000"}, "v.b1.r2.3": {"1000"}, "v.b1.r3.2": {"10"}}, true); code != http.StatusOK {
		t.Fatalf("third save: %d %s", code, body)
	}
	if got := richtext.Figures(h.storedSection(id, "s1")); got[0].Text != "3.000" {
		t.Errorf("figures after a save without the section: %+v", got)
	}

	// The JSON API carries each figure's cell beside the section's HTML.
	_, token, err := h.s.apiClients.Create(h.ctx, "Phần mềm đọc", []int64{h.unit("xa-22366").ID}, apiclients.Read)
	if err != nil {
		t.Fatal(err)
	}
	code, out := apiCall{h, token}.do(t, http.MethodGet, "/api/v1/reports/"+itoa64(id), "")
	figures, _ := out["figures"].([]any)
	if code != http.StatusOK || len(figures) != 3 {
		t.Fatalf("API report: %d %v", code, out)
	}
	if f := figures[0].(map[string]any); f["section"] != "s1" || f["cell"] != "b1|r2|2" || f["text"] != "3.000" {
		t.Errorf("API figure: %v", f)
	}

	// The workbook of the form lists the figures with their cells on a
	// sheet of its own, which an upload of the same file ignores.
	rec := h.do(http.MethodGet, path+"/forms/b1/xlsx", cookie, nil)
	book, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("xlsx: %d %v", rec.Code, err)
	}
	rows, _ := book.GetRows(xlsx.NarrativeSheet)
	formula, _ := book.GetCellFormula(xlsx.NarrativeSheet, "D2")
	if len(rows) != 4 || rows[1][0] != "I Kết quả thực hiện" || rows[1][1] != "3.000" || !strings.HasSuffix(formula, "!"+rows[1][2]) {
		t.Fatalf("narrative sheet: %q, D2 = %q", rows, formula)
	}
	if v, _ := book.GetCellValue(book.GetSheetName(0), rows[1][2]); v != "3000" && v != "3.000" {
		t.Errorf("the figure's cell %s holds %q", rows[1][2], v)
	}
	rep, _ := h.s.reports.Report(h.ctx, id)
	tpl, _, _ := h.s.reports.Template(h.ctx, rep.TemplateVersionID)
	if _, err := xlsx.ReadValues(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()), &tpl.Forms[0], rep.TemplateVersionID); err != nil {
		t.Errorf("uploading the downloaded workbook: %v", err)
	}

	// Forged: a cell that is not in the form, or a heading row.
	for _, ref := range []string{"b1|r9|2", "b2|r2|2", "b1|r2|9"} {
		before := h.storedSection(id, "s1")
		code, body := save(url.Values{"v.b1.r2.2": {"5"}, "s.s1": {`<p><span data-figure="` + ref + `">1</span></p>`}}, false)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "không thuộc biểu mẫu") {
			t.Errorf("forged reference %s: %d", ref, code)
		}
		if h.storedSection(id, "s1") != before {
			t.Errorf("forged reference %s changed the section", ref)
		}
	}

	// Emptied: shown as missing, and submission names it.
	if code, body := save(url.Values{"v.b1.r2.2": {""}, "v.b1.r2.3": {"1000"}, "v.b1.r3.2": {"10"}}, true); code != http.StatusOK {
		t.Fatalf("emptying save: %d %s", code, body)
	}
	if got := richtext.Figures(h.storedSection(id, "s1")); !got[0].Missing || got[0].Text != richtext.MissingText {
		t.Errorf("an emptied cell's figure should be missing: %+v", got)
	}
	rec = h.do(http.MethodPost, path+"/submit", cookie, url.Values{"csrf_token": {csrf}})
	page := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(page, "số liệu chèn từ ô &#34;Số lượt khám bệnh, cột (2) Thực hiện tháng&#34; đang trống") {
		t.Fatalf("submission with a missing figure: %d\n%s", rec.Code, excerpt(page, "đang trống"))
	}
}

func excerpt(page, near string) string {
	i := strings.Index(page, near)
	if i < 0 {
		return "(" + near + " not found)"
	}
	return page[max(0, i-300):min(len(page), i+100)]
}

// TestReceiverDraftNamesUnits: the department's own report drafts its
// section from the consolidated figures and names the communes whose
// accepted reports moved the figure most, with their own change.
func TestReceiverDraftNamesUnits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	first := h.reportWith("xa-22366", "so-y-te", narrativeTemplate())
	var period, assignment int64
	if err := h.db.QueryRow(h.ctx, `SELECT period_id, assignment_id FROM reports WHERE id = $1`, first).Scan(&period, &assignment); err != nil {
		t.Fatal(err)
	}
	var third string
	if err := h.db.QueryRow(h.ctx, `SELECT key FROM units WHERE key LIKE 'xa-%' AND key NOT IN ('xa-22366', 'xa-22453') ORDER BY key LIMIT 1`).Scan(&third); err != nil {
		t.Fatal(err)
	}
	insert := func(unitKey, receiverKey string) int64 {
		var id int64
		if err := h.db.QueryRow(h.ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
			VALUES ($1, $2, $3, $4, 1, '2026-12-16') RETURNING id`, period, h.unit(unitKey).ID, h.unit(receiverKey).ID, assignment).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	communes := map[int64][2]string{
		first:                         {"541", "500"}, // +8,2 %
		insert("xa-22453", "so-y-te"): {"310", "295"}, // +5,1 %
		insert(third, "so-y-te"):      {"102", "100"}, // +2,0 %: third, not named
	}
	for id, v := range communes {
		rep, _ := h.s.reports.Report(h.ctx, id)
		if _, _, err := h.s.reports.Save(h.ctx, rep, draftOf(map[string]string{"b1|r2|2": v[0], "b1|r2|3": v[1]}), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'accepted', sent_at = now() WHERE period_id = $1`, period); err != nil {
		t.Fatal(err)
	}
	own := insert("so-y-te", "vp-ubnd")
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	var draft struct {
		Paragraphs   [][]struct{ Text, Ref string }
		Text         []string
		Consolidated bool
	}
	// Not pre-filled yet: the consolidated figures, as text.
	code, _, body := h.getAs(receiver, reportPath(own)+"/sections/s1/draft")
	if err := json.Unmarshal(body, &draft); code != http.StatusOK || err != nil {
		t.Fatalf("draft before the prefill: %d %v", code, err)
	}
	before := "Số lượt khám bệnh đạt 953 lượt, tăng 6,5% so với cùng kỳ năm trước, tăng chủ yếu ở phường Nha Trang (+8,2%) và xã Cam Lâm (+5,1%)."
	if !draft.Consolidated || len(draft.Text) != 1 || draft.Text[0] != before || draft.Paragraphs[0][1].Ref != "" {
		t.Fatalf("draft before the prefill: %+v", draft)
	}
	rep, _ := h.s.reports.Report(h.ctx, own)
	if _, _, err := h.s.reports.Save(h.ctx, rep, draftOf(map[string]string{"b1|r2|1": "10000", "b1|r2|2": "953", "b1|r2|3": "895"}), 0); err != nil {
		t.Fatal(err)
	}
	code, _, body = h.getAs(receiver, reportPath(own)+"/sections/s1/draft")
	if code != http.StatusOK {
		t.Fatalf("draft: %d %s", code, body)
	}
	draft.Consolidated = false
	if err := json.Unmarshal(body, &draft); err != nil {
		t.Fatal(err)
	}
	// The units are "Ủy ban nhân dân phường Nha Trang" and "… xã Cam Lâm".
	want := "Số lượt khám bệnh đạt 953 lượt, tăng 6,5% so với cùng kỳ năm trước, tăng chủ yếu ở " +
		"phường Nha Trang (+8,2%) và xã Cam Lâm (+5,1%), đạt 9,5% kế hoạch năm."
	if len(draft.Text) != 1 || draft.Text[0] != want {
		t.Fatalf("draft\n got %q\nwant %q", draft.Text, want)
	}
	if p := draft.Paragraphs[0]; p[1].Ref != "b1|r2|2" || p[1].Text != "953" || draft.Consolidated {
		t.Errorf("the figure of this month should be a live figure: %+v", p)
	}
	// A commune's own draft names nobody.
	clerk := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'draft' WHERE id = $1`, first); err != nil {
		t.Fatal(err)
	}
	_, _, body = h.getAs(clerk, reportPath(first)+"/sections/s1/draft")
	if strings.Contains(string(body), "chủ yếu") || !strings.Contains(string(body), "tăng 8,2% so với cùng kỳ năm trước") {
		t.Errorf("a commune's draft: %s", body)
	}
	if code, _, _ := h.getAs(clerk, reportPath(first)+"/sections/s9/draft"); code != http.StatusNotFound {
		t.Errorf("draft of a section not in the outline: %d", code)
	}
}

func (h *harness) request(method, target string, cookie *http.Cookie, form url.Values) *http.Request {
	req := httptestRequest(method, target, form)
	req.AddCookie(cookie)
	return req
}

func (h *harness) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	return rec
}

func httptestRequest(method, target string, form url.Values) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func (h *harness) revision(reportID int64) int {
	h.t.Helper()
	var n int
	if err := h.db.QueryRow(h.ctx, `SELECT revision FROM reports WHERE id = $1`, reportID).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}
