package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/regimes"
)

// designerClient is a signed-in designer working on one regime's template.
type designerClient struct {
	t      *testing.T
	h      *harness
	reg    *regimes.Regime
	cookie *http.Cookie
	csrf   string
}

// newDesignerClient serves a fresh database with a monthly regime owned by
// Sở Y tế, and signs in its unit admin.
func newDesignerClient(t *testing.T) *designerClient {
	t.Helper()
	h := newHarness(t)
	d := &designerClient{t: t, h: h, reg: h.regime("so-y-te")}
	d.cookie, d.csrf = h.sessionFor(h.account("qt.syte", "so-y-te", accounts.UnitAdmin))
	return d
}

// path is the regime's template path followed by rest.
func (d *designerClient) path(rest string) string {
	return "/regimes/" + strconv.FormatInt(d.reg.ID, 10) + "/template" + rest
}

func (d *designerClient) get(rest string) *httptest.ResponseRecorder {
	d.t.Helper()
	return d.h.do(http.MethodGet, d.path(rest), d.cookie, nil)
}

func (d *designerClient) post(rest string, form url.Values) *httptest.ResponseRecorder {
	d.t.Helper()
	form.Set("csrf_token", d.csrf)
	return d.h.do(http.MethodPost, d.path(rest), d.cookie, form)
}

var pasteBox = regexp.MustCompile(`<textarea[^>]*name="paste"[^>]*>([^<]*)</textarea>`)

var seenField = regexp.MustCompile(`name="seen" value="([^"]*)"`)

// seen reads the hidden "seen" field of the editor page at rest, as a
// browser would send it back.
func (d *designerClient) seen(rest string) string {
	d.t.Helper()
	rec := d.get(rest)
	m := seenField.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		d.t.Fatalf("GET %s: %d, seen field found: %v", rest, rec.Code, m != nil)
	}
	return html.UnescapeString(m[1])
}

func (d *designerClient) draft() *regimes.Version {
	d.t.Helper()
	v, err := d.h.s.regimes.Draft(d.h.ctx, d.reg.ID)
	if err != nil {
		d.t.Fatalf("Draft: %v", err)
	}
	return v
}

// stored is the draft's content as JSON, to prove a refused save changed nothing.
func (d *designerClient) stored() string {
	d.t.Helper()
	b, err := json.Marshal(d.draft().Template)
	if err != nil {
		d.t.Fatal(err)
	}
	return string(b)
}

// backdate moves the draft's updated_at a minute back, as if it had been
// saved a minute ago.
func (d *designerClient) backdate() {
	d.t.Helper()
	if _, err := d.h.db.Exec(d.h.ctx, `UPDATE template_versions SET updated_at = updated_at - interval '1 minute'
		WHERE regime_id = $1 AND published_at IS NULL`, d.reg.ID); err != nil {
		d.t.Fatal(err)
	}
}

// saveTemplate stores tpl in the draft directly, as earlier edits would have.
func (d *designerClient) saveTemplate(tpl forms.Template) {
	d.t.Helper()
	v := d.draft()
	if err := d.h.s.regimes.SaveDraft(d.h.ctx, v, tpl, v.UpdatedAt); err != nil {
		d.t.Fatalf("SaveDraft: %v %v", err, apperr.FieldErrors(err))
	}
}

func wantStatus(t *testing.T, what string, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		body := rec.Body.String()
		if i := strings.Index(body, "<main"); i >= 0 {
			body = body[i:]
		}
		t.Fatalf("%s: status %d, want %d (location %q)\n%.1500s", what, rec.Code, status, rec.Header().Get("Location"), body)
	}
}

// threeColumnForm is form b1 with columns (1) = (2) + (3) and two rows.
func threeColumnForm() forms.Form {
	return forms.Form{Key: "b1", Title: "Tình hình khám, chữa bệnh",
		Columns: []forms.Column{
			{Code: "1", Label: "Tổng số", Type: forms.Number, Formula: "c2 + c3"},
			{Code: "2", Label: "Nội trú", Type: forms.Number},
			{Code: "3", Label: "Ngoại trú", Type: forms.Number},
		},
		Rows: []forms.Row{
			{Key: "r1", STT: "1", Label: "Số lượt khám bệnh", Kind: forms.Indicator},
			{Key: "r2", STT: "2", Label: "Số ca cấp cứu", Kind: forms.Indicator},
		}}
}

// columnForm is the column editor's form for the given labels and formulas.
func columnForm(seen string, labels, formulas []string) url.Values {
	form := url.Values{"seen": {seen}, "title": {"Tình hình khám, chữa bệnh"}, "n": {strconv.Itoa(len(labels) + 2)}}
	for i, label := range labels {
		n := strconv.Itoa(i)
		form.Set("label_"+n, label)
		form.Set("type_"+n, forms.Number)
		form.Set("aggregation_"+n, forms.Sum)
		form.Set("formula_"+n, formulas[i])
	}
	return form
}

func TestDesignerOutlineSetsParentsByLevel(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	form := url.Values{"seen": {d.seen("/outline")}, "n": {"6"},
		"number_0": {"I"}, "level_0": {"1"}, "heading_0": {"Kết quả thực hiện"}, "required_0": {"1"}, "max_0": {"20000"},
		"number_1": {"1"}, "level_1": {"2"}, "heading_1": {"Về kinh tế"}, "guidance_1": {"Nêu các chỉ tiêu chủ yếu."},
		"number_2": {"2"}, "level_2": {"2"}, "heading_2": {"Về văn hóa - xã hội"},
		"number_3": {"II"}, "level_3": {"1"}, "heading_3": {"Kiến nghị, đề xuất"},
		"number_4": {"III"}, "level_4": {"1"}, "heading_4": {"  "}, // blank heading: no section
	}
	rec := d.post("/outline", form)
	wantStatus(t, "save outline", rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != d.path("") {
		t.Errorf("redirect to %q", loc)
	}
	outline := d.draft().Template.Outline
	if len(outline) != 4 {
		t.Fatalf("%d sections, want 4: %+v", len(outline), outline)
	}
	want := []struct{ number, heading, parent string }{
		{"I", "Kết quả thực hiện", ""},
		{"1", "Về kinh tế", outline[0].Key},
		{"2", "Về văn hóa - xã hội", outline[0].Key},
		{"II", "Kiến nghị, đề xuất", ""},
	}
	keys := map[string]bool{}
	for i, w := range want {
		s := outline[i]
		if s.Number != w.number || s.Heading != w.heading || s.Parent != w.parent {
			t.Errorf("section %d: %+v, want number %s heading %q parent %q", i, s, w.number, w.heading, w.parent)
		}
		if !strings.HasPrefix(s.Key, "s") || keys[s.Key] {
			t.Errorf("section %d key %q", i, s.Key)
		}
		keys[s.Key] = true
	}
	if !outline[0].Required || outline[0].MaxChars != 20000 || outline[1].Guidance != "Nêu các chỉ tiêu chủ yếu." {
		t.Errorf("details lost: %+v %+v", outline[0], outline[1])
	}
	// The editor shows the levels back.
	body := d.get("/outline").Body.String()
	if !strings.Contains(body, `name="level_1" value="2"`) || !strings.Contains(body, `name="key_0" value="`+outline[0].Key+`"`) {
		t.Error("the outline editor does not show the saved levels and keys")
	}
}

func TestDesignerColumnEditorSavesFormula(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	rec := d.post("/forms", url.Values{"title": {"Tình hình khám, chữa bệnh"}, "code": {"01/SYT"}})
	wantStatus(t, "add form", rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != d.path("/forms/b1") {
		t.Fatalf("add form redirects to %q", loc)
	}
	form := columnForm(d.seen("/forms/b1"), []string{"Tổng số", "Nội trú", "Ngoại trú"}, []string{"c2 + c3", "", ""})
	form.Set("groups_1", "Số lượt > Trong đó")
	form.Set("groups_2", "Số lượt > Trong đó")
	form.Set("min_1", "0")
	form.Set("max_1", "1.000,5")
	form.Set("rules", "c2 <= c1 | Số nội trú không lớn hơn tổng số")
	form.Set("code", "01/SYT")
	wantStatus(t, "save columns", d.post("/forms/b1", form), http.StatusSeeOther)

	f, ok := d.draft().Template.FormByKey("b1")
	if !ok || len(f.Columns) != 3 {
		t.Fatalf("form %+v", f)
	}
	if c := f.Columns[0]; c.Code != "1" || c.Label != "Tổng số" || c.Formula != "c2 + c3" {
		t.Errorf("formula column %+v", c)
	}
	if c := f.Columns[1]; c.Code != "2" || strings.Join(c.Groups, "|") != "Số lượt|Trong đó" || c.Min == nil || !c.Min.IsZero() || c.Max == nil || c.Max.String() != "1000.5" {
		t.Errorf("column (2) %+v", c)
	}
	if len(f.Rules) != 1 || f.Rules[0].Expr != "c2 <= c1" || f.Rules[0].Message != "Số nội trú không lớn hơn tổng số" {
		t.Errorf("rules %+v", f.Rules)
	}
	if f.Code != "01/SYT" {
		t.Errorf("code %q", f.Code)
	}
}

func TestDesignerColumnFormulaLoopRefused(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	before := d.stored()

	form := columnForm(d.seen("/forms/b1"), []string{"Cột một", "Cột hai"}, []string{"c2", "c1"})
	rec := d.post("/forms/b1", form)
	wantStatus(t, "formula loop", rec, http.StatusUnprocessableEntity)
	body := rec.Body.String()
	if !strings.Contains(body, "tham chiếu vòng") {
		t.Errorf("the page does not name the loop (tham chiếu vòng)")
	}
	if !strings.Contains(body, `value="Cột một"`) || !strings.Contains(body, `value="c2"`) {
		t.Error("what was typed is not kept on the page")
	}
	if after := d.stored(); after != before {
		t.Errorf("a refused save changed the draft:\n%s", after)
	}
}

// The natural order is columns first, rows after ("Hãy khai báo các cột
// rồi các dòng"). A loop typed on a form that has no rows yet must be
// refused all the same.
func TestDesignerColumnFormulaLoopRefusedOnAFormWithoutRows(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	wantStatus(t, "add form", d.post("/forms", url.Values{"title": {"Biểu mới"}}), http.StatusSeeOther)
	before := d.stored()
	rec := d.post("/forms/b1", columnForm(d.seen("/forms/b1"), []string{"Cột một", "Cột hai"}, []string{"c2", "c1"}))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "tham chiếu vòng") {
		t.Errorf("formula loop on a form without rows: status %d (want 422 naming the loop); draft changed: %v",
			rec.Code, d.stored() != before)
	}
}

func TestDesignerStaleSeenConflictKeepsTypedValues(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	d.backdate() // so that the next save is surely later
	seen := d.seen("/forms/b1")
	// Another designer saves meanwhile.
	other := threeColumnForm()
	other.Title = "Biểu do người khác sửa"
	d.saveTemplate(forms.Template{Forms: []forms.Form{other}})
	before := d.stored()

	form := columnForm(seen, []string{"Số ca khám mới gõ", "Nội trú"}, []string{"", ""})
	rec := d.post("/forms/b1", form)
	wantStatus(t, "stale save", rec, http.StatusConflict)
	body := rec.Body.String()
	if !strings.Contains(body, "Bản nháp vừa được người khác lưu") {
		t.Error("no Vietnamese conflict message")
	}
	if !strings.Contains(body, `value="Số ca khám mới gõ"`) {
		t.Error("the typed column label is lost")
	}
	if !strings.Contains(body, `name="seen" value="`+html.EscapeString(seen)+`"`) {
		t.Error("the page does not keep the version the designer started from")
	}
	if after := d.stored(); after != before {
		t.Errorf("a stale save overwrote the draft:\n%s", after)
	}

	// The outline editor refuses the same way.
	rec = d.post("/outline", url.Values{"seen": {seen}, "n": {"1"}, "number_0": {"I"}, "level_0": {"1"}, "heading_0": {"Mục gõ dở"}})
	wantStatus(t, "stale outline save", rec, http.StatusConflict)
	if !strings.Contains(rec.Body.String(), `value="Mục gõ dở"`) {
		t.Error("the typed heading is lost")
	}
}

func TestDesignerRowsPasteInfersLevels(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{{Key: "b1", Title: "Biểu mới", Columns: threeColumnForm().Columns}}})
	paste := "I\tKhám, chữa bệnh\t\r\n1\tSố lượt khám bệnh\tlượt\n2\tSố lượt điều trị nội trú\tlượt\n\nII\tTiêm chủng\n1\tSố trẻ được tiêm đủ\ttrẻ\n"
	rec := d.post("/forms/b1/rows", url.Values{"seen": {d.seen("/forms/b1/rows")}, "n": {"5"}, "paste": {paste}})
	wantStatus(t, "paste rows", rec, http.StatusSeeOther)
	f, _ := d.draft().Template.FormByKey("b1")
	want := []struct {
		stt, label, kind, unit string
		parent                 int // index of the parent row, -1 for none
	}{
		{"I", "Khám, chữa bệnh", forms.Heading, "", -1},
		{"1", "Số lượt khám bệnh", forms.Indicator, "lượt", 0},
		{"2", "Số lượt điều trị nội trú", forms.Indicator, "lượt", 0},
		{"II", "Tiêm chủng", forms.Heading, "", -1},
		{"1", "Số trẻ được tiêm đủ", forms.Indicator, "trẻ", 3},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(f.Rows), len(want), f.Rows)
	}
	for i, w := range want {
		r := f.Rows[i]
		parent := ""
		if w.parent >= 0 {
			parent = f.Rows[w.parent].Key
		}
		if r.STT != w.stt || r.Label != w.label || r.Kind != w.kind || r.Unit != w.unit || r.Parent != parent {
			t.Errorf("row %d: %+v, want STT %s %q %s unit %q parent %q", i, r, w.stt, w.label, w.kind, w.unit, parent)
		}
	}
	if !f.Rows[0].Bold || f.Rows[1].Bold {
		t.Error("headings pasted with roman numbers should be bold, the others not")
	}
}

func TestDesignerRowsPasteMalformedLineRefused(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	before := d.stored()
	paste := "3\tSố ca chuyển tuyến\tca\nchỉ một ô không có Tab"
	rec := d.post("/forms/b1/rows", url.Values{"seen": {d.seen("/forms/b1/rows")}, "n": {"0"}, "paste": {paste}})
	wantStatus(t, "malformed paste", rec, http.StatusUnprocessableEntity)
	if !strings.Contains(rec.Body.String(), "cần có STT và tên chỉ tiêu cách nhau bởi phím Tab") {
		t.Error("no message about the malformed line")
	}
	if after := d.stored(); after != before {
		t.Errorf("a refused paste changed the draft:\n%s", after)
	}
}

// SPEC §9: on a failed submit everything typed is kept. The paste box
// comes back empty after a malformed line, losing what was pasted.
func TestDesignerRowsPasteMalformedLineKeepsThePastedText(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	rec := d.post("/forms/b1/rows", url.Values{"seen": {d.seen("/forms/b1/rows")}, "n": {"0"},
		"paste": {"3\tSố ca chuyển tuyến\tca\nchỉ một ô không có Tab"}})
	wantStatus(t, "malformed paste", rec, http.StatusUnprocessableEntity)
	m := pasteBox.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatal("no paste box on the re-rendered page")
	}
	if !strings.Contains(html.UnescapeString(m[1]), "chỉ một ô không có Tab") {
		t.Errorf("the paste box comes back as %q, without the malformed line the designer must now retype", m[1])
	}
}

func TestDesignerRowFormulas(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	f := threeColumnForm()
	f.Columns = []forms.Column{
		{Code: "1", Label: "Kế hoạch", Type: forms.Number},
		{Code: "2", Label: "Thực hiện", Type: forms.Number},
		{Code: "3", Label: "Còn lại", Type: forms.Number},
	}
	d.saveTemplate(forms.Template{Forms: []forms.Form{f}})
	rows := func(formulas string) url.Values {
		return url.Values{"seen": {d.seen("/forms/b1/rows")}, "n": {"2"},
			"key_0": {"r1"}, "level_0": {"1"}, "stt_0": {"1"}, "label_0": {"Số lượt khám bệnh"}, "kind_0": {forms.Indicator},
			"key_1": {"r2"}, "level_1": {"1"}, "stt_1": {"2"}, "label_1": {"Số ca cấp cứu"}, "kind_1": {forms.Indicator},
			"formulas_1": {formulas}}
	}
	wantStatus(t, "row formula", d.post("/forms/b1/rows", rows("c3 = c1 - c2")), http.StatusSeeOther)
	saved, _ := d.draft().Template.FormByKey("b1")
	if len(saved.Rows) != 2 || saved.Rows[1].Formulas["3"] != "c1 - c2" || len(saved.Rows[1].Formulas) != 1 || len(saved.Rows[0].Formulas) != 0 {
		t.Fatalf("rows %+v", saved.Rows)
	}
	if body := d.get("/forms/b1/rows").Body.String(); !strings.Contains(body, `value="c3 = c1 - c2"`) {
		t.Error("the rows editor does not show the row formula back")
	}

	before := d.stored()
	for _, bad := range []string{"x = 1", "c3 c1 - c2", "c3 =", "c9 = c1", "c3 = c3 + 1"} {
		rec := d.post("/forms/b1/rows", rows(bad))
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("row formula %q: status %d, want 422", bad, rec.Code)
			continue
		}
		if !strings.Contains(rec.Body.String(), `value="`+html.EscapeString(bad)+`"`) {
			t.Errorf("row formula %q is not kept on the page", bad)
		}
	}
	if after := d.stored(); after != before {
		t.Errorf("a refused row formula changed the draft:\n%s", after)
	}
}

func TestDesignerPublishEmptyDraftRefused(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	rec := d.post("/publish", url.Values{"confirmed": {"yes"}})
	wantStatus(t, "publish empty", rec, http.StatusUnprocessableEntity)
	if !strings.Contains(rec.Body.String(), "chưa có đề cương hay biểu số liệu") {
		t.Error("no message saying the template is empty")
	}
	if v := d.draft(); !v.Draft() {
		t.Error("the empty draft was published")
	}
}

func TestDesignerPublishThenEditorsConflict(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Kết quả thực hiện"}},
		Forms: []forms.Form{threeColumnForm()}})
	seen := d.seen("/outline")
	rec := d.post("/publish", url.Values{"confirmed": {"yes"}})
	wantStatus(t, "publish", rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != d.path("") {
		t.Errorf("publish redirects to %q", loc)
	}
	if p, err := d.h.s.regimes.Published(d.h.ctx, d.reg.ID); err != nil || p.Number != 1 {
		t.Fatalf("published version: %v %v", p, err)
	}

	for _, c := range []struct {
		method, rest string
		form         url.Values
	}{
		{http.MethodGet, "/outline", nil},
		{http.MethodPost, "/outline", url.Values{"seen": {seen}, "n": {"1"}, "level_0": {"1"}, "heading_0": {"Sửa sau ban hành"}}},
		{http.MethodGet, "/forms/b1", nil},
		{http.MethodPost, "/forms/b1", columnForm(seen, []string{"Tổng số"}, []string{""})},
		{http.MethodGet, "/forms/b1/rows", nil},
		{http.MethodPost, "/forms/b1/rows", url.Values{"seen": {seen}, "n": {"0"}, "paste": {"1\tDòng mới"}}},
		{http.MethodPost, "/forms", url.Values{"title": {"Biểu thêm sau ban hành"}}},
		{http.MethodPost, "/publish", url.Values{}},
	} {
		var rec *httptest.ResponseRecorder
		if c.method == http.MethodGet {
			rec = d.get(c.rest)
		} else {
			rec = d.post(c.rest, c.form)
		}
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "không có bản nháp") {
			t.Errorf("%s %s after publishing: status %d, want 409 saying there is no draft", c.method, c.rest, rec.Code)
		}
	}
	p, _ := d.h.s.regimes.Published(d.h.ctx, d.reg.ID)
	if len(p.Template.Outline) != 1 || p.Template.Outline[0].Heading != "Kết quả thực hiện" || len(p.Template.Forms) != 1 {
		t.Errorf("the published version changed: %+v", p.Template)
	}
	// The template page shows the published version and offers a new draft.
	rec = d.get("")
	wantStatus(t, "template page", rec, http.StatusOK)
	if body := rec.Body.String(); !strings.Contains(body, "Phiên bản 1 ban hành") || !strings.Contains(body, "/new-draft") {
		t.Error("the template page does not show the published version")
	}
	wantStatus(t, "new draft", d.post("/new-draft", url.Values{}), http.StatusSeeOther)
	wantStatus(t, "outline of the new draft", d.get("/outline"), http.StatusOK)
	wantStatus(t, "second new draft", d.post("/new-draft", url.Values{}), http.StatusConflict)
}

func TestDesignerPreview(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	rec := d.get("/forms/b1/preview")
	wantStatus(t, "preview", rec, http.StatusOK)
	if body := rec.Body.String(); !strings.Contains(body, "Số lượt khám bệnh") || !strings.Contains(body, "Ngoại trú") {
		t.Error("the preview lacks the form's rows or columns")
	}
	wantStatus(t, "preview of an unknown form", d.get("/forms/b9/preview"), http.StatusNotFound)
	wantStatus(t, "editor of an unknown form", d.get("/forms/b9"), http.StatusNotFound)
	wantStatus(t, "rows of an unknown form", d.get("/forms/b9/rows"), http.StatusNotFound)
}

func TestDesignerOtherUnitAdminForbidden(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Kết quả thực hiện"}},
		Forms: []forms.Form{threeColumnForm()}})
	before := d.stored()
	seen := d.seen("/outline")
	outsider, csrf := d.h.sessionFor(d.h.account("qt.nhatrang", "xa-22366", accounts.UnitAdmin))
	for _, c := range []struct {
		method, rest string
		form         url.Values
	}{
		{http.MethodGet, "", nil},
		{http.MethodGet, "/outline", nil},
		{http.MethodPost, "/outline", url.Values{"seen": {seen}, "n": {"1"}, "level_0": {"1"}, "heading_0": {"Mục của người ngoài"}}},
		{http.MethodPost, "/forms", url.Values{"title": {"Biểu của người ngoài"}}},
		{http.MethodGet, "/forms/b1", nil},
		{http.MethodPost, "/forms/b1", columnForm(seen, []string{"Cột của người ngoài"}, []string{""})},
		{http.MethodPost, "/forms/b1/delete", url.Values{"seen": {seen}}},
		{http.MethodGet, "/forms/b1/rows", nil},
		{http.MethodPost, "/forms/b1/rows", url.Values{"seen": {seen}, "n": {"0"}, "paste": {"1\tDòng của người ngoài"}}},
		{http.MethodGet, "/forms/b1/preview", nil},
		{http.MethodPost, "/publish", url.Values{}},
		{http.MethodPost, "/new-draft", url.Values{}},
	} {
		if c.form != nil {
			c.form.Set("csrf_token", csrf)
		}
		rec := d.h.do(c.method, d.path(c.rest), outsider, c.form)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s %s as the unit admin of xa-22366: status %d, want 403", c.method, c.rest, rec.Code)
		}
	}
	if after := d.stored(); after != before || !d.draft().Draft() {
		t.Errorf("an outsider changed the draft:\n%s", after)
	}
}

// Column codes follow the order of the lines, so deleting a column (by
// blanking its label) renumbers the ones after it. Formulas must keep
// pointing at the same columns, or the save must be refused; here (1)
// "c3" silently comes to mean the former (4).
func TestDesignerDeletingAColumnKeepsFormulasOnTheirColumns(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	f := threeColumnForm()
	f.Columns = []forms.Column{
		{Code: "1", Label: "Bằng cột Z", Type: forms.Number, Formula: "c3"},
		{Code: "2", Label: "Cột Y", Type: forms.Number},
		{Code: "3", Label: "Cột Z", Type: forms.Number},
		{Code: "4", Label: "Cột W", Type: forms.Number},
	}
	d.saveTemplate(forms.Template{Forms: []forms.Form{f}})
	// Blank the label of (2) to delete it, keeping the rest as shown.
	form := columnForm(d.seen("/forms/b1"), []string{"Bằng cột Z", "", "Cột Z", "Cột W"}, []string{"c3", "", "", ""})
	rec := d.post("/forms/b1", form)
	if rec.Code == http.StatusUnprocessableEntity {
		return // refusing is acceptable
	}
	wantStatus(t, "delete column (2)", rec, http.StatusSeeOther)
	got, _ := d.draft().Template.FormByKey("b1")
	var z forms.Column
	for _, c := range got.Columns {
		if c.Label == "Cột Z" {
			z = c
		}
	}
	if formula := got.Columns[0].Formula; formula != "c"+z.Code {
		t.Errorf("after deleting (2), column (1) has formula %q but \"Cột Z\" is now (%s): the formula moved to another column", formula, z.Code)
	}
}
