package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestSectionSizeLimitEnforced: a section of 150 characters against a
// limit of 100 is refused at saving and at submitting (a section stored
// before the limit was lowered), with the limit in the message; markup
// does not count towards the limit.
func TestSectionSizeLimitEnforced(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tpl := smallTemplate()
	tpl.Outline[0].MaxChars = 100
	id := h.reportWith("xa-22366", "so-y-te", tpl)
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	save := func(html string) (int, string) {
		var revision int
		if err := h.db.QueryRow(h.ctx, `SELECT revision FROM reports WHERE id = $1`, id).Scan(&revision); err != nil {
			t.Fatal(err)
		}
		rec := h.do("POST", reportPath(id), cookie, url.Values{"csrf_token": {csrf}, "revision": {itoa64(int64(revision))}, "s.s1": {html}})
		return rec.Code, rec.Body.String()
	}
	long := strings.Repeat("Dài quá. ", 16)[:150]
	if code, body := save("<p>" + long + "</p>"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "vượt giới hạn 100 ký tự") {
		t.Errorf("save of 150 characters: %d, want 422 with the limit", code)
	}
	if n := h.count(`SELECT count(*) FROM report_sections WHERE report_id = $1`, id); n != 0 {
		t.Fatalf("the long section was stored")
	}
	// 85 characters in bold and italics: 85, however much HTML.
	bold := "<p>" + strings.Repeat("<strong><em>Đạt.</em></strong> ", 17) + "</p>"
	if code, _ := save(bold); code != http.StatusSeeOther {
		t.Errorf("save of 85 characters with markup: %d", code)
	}

	if _, err := h.db.Exec(h.ctx, `UPDATE report_sections SET html = $2 WHERE report_id = $1`, id, "<p>"+long+"</p>"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET revision = revision + 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	rec := h.do("POST", reportPath(id)+"/submit", cookie, url.Values{"csrf_token": {csrf}})
	if !strings.Contains(rec.Body.String(), "vượt giới hạn 100 ký tự") {
		t.Errorf("submit with 150 characters: %d, the limit is not named", rec.Code)
	}
	if n := h.count(`SELECT count(*) FROM reports WHERE id = $1 AND status = 'draft'`, id); n != 1 {
		t.Error("the report was submitted")
	}
}
