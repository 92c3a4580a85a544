package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
	"baocao/internal/forms"
)

// plainNarrativeTemplate is narrativeTemplate before the designer marked
// its rows and roles.
func plainNarrativeTemplate() forms.Template {
	tpl := narrativeTemplate()
	tpl.Outline[0].DraftRows = nil
	for i := range tpl.Forms[0].Columns {
		tpl.Forms[0].Columns[i].Role = ""
	}
	return tpl
}

// TestDesignerDraftsRowsAndRoles: the designer marks the columns' roles
// and a section's rows, sees the sentences on sample figures, and the
// outline and column editors keep what was set; a row or role that does
// not exist is refused and changes nothing.
func TestDesignerDraftsRowsAndRoles(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(plainNarrativeTemplate())
	marked := url.Values{"role.b1.1": {forms.RolePlan}, "role.b1.2": {forms.RoleCurrent}, "role.b1.3": {forms.RoleLastYear}, "draft_rows": {"s1|b1|r2"}}
	for name, bad := range map[string]url.Values{
		"a heading or unknown row": {"draft_rows": {"s1|b1|r9"}},
		"a section that is none":   {"draft_rows": {"s7|b1|r2"}},
		"a role that is no role":   {"role.b1.1": {"tong"}},
		"two columns, one role":    {"role.b1.1": {forms.RoleCurrent}, "role.b1.2": {forms.RoleCurrent}},
	} {
		before := d.stored()
		bad.Set("seen", d.seen("/drafts"))
		rec := d.post("/drafts", bad)
		wantStatus(t, name, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(rec.Body.String(), "error-summary") || d.stored() != before {
			t.Errorf("%s: refused without a message, or changed the draft", name)
		}
	}
	marked.Set("seen", d.seen("/drafts"))
	wantStatus(t, "save", d.post("/drafts", marked), http.StatusSeeOther)
	tpl := d.draft().Template
	if got := tpl.Outline[0].DraftRows; len(got) != 1 || got[0] != "b1|r2" || tpl.Forms[0].Columns[1].Role != forms.RoleCurrent {
		t.Fatalf("saved: %v, roles %+v", got, tpl.Forms[0].Columns)
	}
	page := d.get("/drafts").Body.String()
	want := "Số lượt khám bệnh đạt 1.234 lượt, tăng 12,2% so với cùng kỳ năm trước, đạt 23,0% kế hoạch năm."
	if !strings.Contains(page, want) {
		t.Errorf("preview on sample figures lacks %q", want)
	}

	// The outline editor and the column editor keep rows and roles.
	outline := url.Values{"seen": {d.seen("/outline")}, "n": {"1"}, "key_0": {"s1"}, "number_0": {"I"}, "heading_0": {"Kết quả thực hiện tháng"}, "level_0": {"1"}}
	wantStatus(t, "outline", d.post("/outline", outline), http.StatusSeeOther)
	cols := columnForm(d.seen("/forms/b1"), []string{"Kế hoạch năm", "Thực hiện tháng", "Cùng kỳ năm trước", "So cùng kỳ (%)"},
		[]string{"", "", "", "IF(c3 = 0, 0, c2 / c3 * 100)"})
	wantStatus(t, "columns", d.post("/forms/b1", cols), http.StatusSeeOther)
	tpl = d.draft().Template
	if tpl.Outline[0].Heading != "Kết quả thực hiện tháng" || len(tpl.Outline[0].DraftRows) != 1 {
		t.Errorf("the outline editor dropped the rows: %+v", tpl.Outline[0])
	}
	if r := []string{tpl.Forms[0].Columns[0].Role, tpl.Forms[0].Columns[1].Role, tpl.Forms[0].Columns[2].Role}; r[0] != forms.RolePlan || r[1] != forms.RoleCurrent || r[2] != forms.RoleLastYear {
		t.Errorf("the column editor dropped the roles: %v", r)
	}
}

// TestBrowserDesignerDrafts: the unit admin marks roles and rows with the
// page's controls and reads the preview.
func TestBrowserDesignerDrafts(t *testing.T) {
	h := newHarness(t)
	reg := h.regime("so-y-te")
	v, err := h.s.regimes.Draft(h.ctx, reg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.s.regimes.SaveDraft(h.ctx, v, plainNarrativeTemplate(), v.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	var preview string
	run(t, ctx,
		signInWithCode(base, "qt.syte", t),
		chromedp.Navigate(base+templateURL(reg)),
		clickAndLoad(chromedp.CSS(`a[href$="/template/drafts"]`)),
		chromedp.SetValue(chromedp.ID("role-b1-1"), forms.RolePlan),
		chromedp.SetValue(chromedp.ID("role-b1-2"), forms.RoleCurrent),
		chromedp.SetValue(chromedp.ID("role-b1-3"), forms.RoleLastYear),
		chromedp.Click(chromedp.CSS(`input[name="draft_rows"][value="s1|b1|r2"]`)),
		chromedp.Click(chromedp.CSS(`input[name="draft_rows"][value="s1|b1|r3"]`)),
		clickAndLoad(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#draft-s1 .draft-preview`)),
		into(&preview, chromedp.Text(chromedp.CSS(`#draft-s1 .draft-preview`))),
		shots.take("designer-drafts"),
		seen(t, "designer: drafted sentences"),
	)
	for _, want := range []string{"Số lượt khám bệnh đạt 1.234 lượt, tăng 12,2% so với cùng kỳ năm trước, đạt 23,0% kế hoạch năm.",
		"Số lượt cấp cứu đạt 1.234 lượt"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q: %s", want, preview)
		}
	}
}
