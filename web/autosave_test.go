package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/templates/components"
)

var outputRE = regexp.MustCompile(`<output id="([^"]+)"[^>]*>([^<]*)</output>`)

// outputs are the formula cells of a page or an autosave answer.
func outputs(body string) map[string]string {
	out := map[string]string{}
	for _, m := range outputRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// An autosave of one cell of the 343-row form answers with the status,
// the revision and only the formula cells whose value changed (SPEC §8:
// ≤ 5 KB), which are exactly those a fresh page shows differently.
func TestAutosaveAnswersChangedCells(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, d := seededMonthlyReport(t, h)
	rep, _ := h.s.reports.Report(h.ctx, id)
	if _, _, err := h.s.reports.Save(h.ctx, rep, d, 0); err != nil {
		t.Fatal(err)
	}
	user := h.account("nhaplieu.luu", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	before := outputs(h.do("GET", reportPath(id), cookie, nil).Body.String())
	if len(before) < 500 {
		t.Fatalf("the page shows %d formula cells", len(before))
	}

	// The browser posts the whole form; one number changed.
	form := url.Values{"csrf_token": {csrf}, "revision": {"1"}}
	var edited string
	for key, v := range d.Values {
		parts := strings.SplitN(key, "|", 3)
		name := components.CellName(parts[0], parts[1], parts[2])
		form.Set(name, v)
		if edited == "" && strings.HasSuffix(v, ",5") && parts[1] == "1" {
			edited = name
		}
	}
	if edited == "" {
		for name, v := range form {
			if strings.HasSuffix(v[0], ",5") {
				edited = name
				break
			}
		}
	}
	form.Set(edited, "987654")
	req := newFormRequest("POST", reportPath(id), form)
	req.AddCookie(cookie)
	req.Header.Set("HX-Request", "true")
	rec := serve(h, req)
	answer := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(answer, "Đã lưu lúc") || !strings.Contains(answer, `id="revision"`) ||
		!strings.Contains(answer, `value="2"`) {
		t.Fatalf("autosave: %d %.600s", rec.Code, answer)
	}
	t.Logf("editing %s: the answer is %d bytes, %d formula cells", edited, len(answer), len(outputs(answer)))
	if len(answer) > 5<<10 {
		t.Errorf("one-cell autosave answers %d bytes, budget 5 KB", len(answer))
	}

	after := outputs(h.do("GET", reportPath(id), cookie, nil).Body.String())
	want := map[string]string{}
	for name, v := range after {
		if before[name] != v {
			want[name] = v
		}
	}
	got := outputs(answer)
	if len(want) == 0 {
		t.Fatalf("editing %s changed no formula cell; pick a cell a formula reads", edited)
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s: answer %q, page %q (was %q)", name, got[name], v, before[name])
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s sent though unchanged (%q)", name, got[name])
		}
	}

	// Typing the old value back changes those cells back, and a save that
	// changes nothing sends none.
	form.Set(edited, d.Values[strings.Replace(strings.TrimPrefix(edited, "v."), ".", "|", 2)])
	form.Set("revision", "2")
	req = newFormRequest("POST", reportPath(id), form)
	req.AddCookie(cookie)
	req.Header.Set("HX-Request", "true")
	back := outputs(serve(h, req).Body.String())
	for name, v := range want {
		if back[name] != before[name] {
			t.Errorf("%s back: %q, want %q (not %q)", name, back[name], before[name], v)
		}
	}
	form.Set("revision", "3")
	req = newFormRequest("POST", reportPath(id), form)
	req.AddCookie(cookie)
	req.Header.Set("HX-Request", "true")
	again := serve(h, req).Body.String()
	if n := len(outputs(again)); n != 0 || !strings.Contains(again, `value="`+strconv.Itoa(4)+`"`) {
		t.Errorf("a save changing nothing: %d formula cells, %.300s", n, again)
	}
}
