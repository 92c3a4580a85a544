package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/reports"
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

// An autosave sends only the fields changed since its revision
// (partial=1): every other cell stays exactly as stored, and the answer
// judges the whole form as a save of the whole form would. A cell sent
// empty is emptied; a partial save from an old revision changes nothing.
func TestPartialAutosaveKeepsTheOtherCells(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, d := seededMonthlyReport(t, h)
	var numeric []string // input cells holding a number, in a fixed order
	for key, v := range d.Values {
		if strings.HasSuffix(v, ",5") {
			numeric = append(numeric, key)
		}
	}
	slices.Sort(numeric)
	if len(numeric) < 3 {
		t.Fatalf("%d numeric cells", len(numeric))
	}
	bad, edited, cleared := numeric[0], numeric[1], numeric[2]
	d.Values[bad] = "12,5,3" // kept as typed, with its problem
	rep, _ := h.s.reports.Report(h.ctx, id)
	if _, _, err := h.s.reports.Save(h.ctx, rep, d, 0); err != nil {
		t.Fatal(err)
	}
	rep, _ = h.s.reports.Report(h.ctx, id)
	before, err := h.s.reports.Content(h.ctx, rep)
	if err != nil {
		t.Fatal(err)
	}
	user := h.account("nhaplieu.phan", "xa-22366", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	name := func(key string) string {
		parts := strings.SplitN(key, "|", 3)
		return components.CellName(parts[0], parts[1], parts[2])
	}
	autosave := func(form url.Values) string {
		t.Helper()
		req := newFormRequest("POST", reportPath(id), form)
		req.AddCookie(cookie)
		req.Header.Set("HX-Request", "true")
		rec := serve(h, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("autosave: %d %.300s", rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	content := func() *reports.Content {
		t.Helper()
		rep, _ := h.s.reports.Report(h.ctx, id)
		c, err := h.s.reports.Content(h.ctx, rep)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	problemsOf := func(answer string) (count string, marked map[string]string) {
		m := regexp.MustCompile(`· ([0-9.]+) ô cần xem lại`).FindStringSubmatch(answer)
		if m == nil {
			t.Fatalf("no problem count in %.400s", answer)
		}
		raw := regexp.MustCompile(`data-problems="([^"]*)"`).FindStringSubmatch(answer)
		if raw == nil {
			t.Fatalf("no problems in %.400s", answer)
		}
		if err := json.Unmarshal([]byte(html.UnescapeString(raw[1])), &marked); err != nil {
			t.Fatal(err)
		}
		return m[1], marked
	}

	// One cell sent: it changes, and nothing else does.
	answer := autosave(url.Values{"csrf_token": {csrf}, "revision": {strconv.Itoa(rep.Revision)}, "partial": {"1"}, name(edited): {"4321"}})
	count, marked := problemsOf(answer)
	if _, ok := marked[name(bad)]; !ok {
		t.Errorf("the stored figure kept as typed is not marked: %v", marked)
	}
	after := content()
	for key, v := range before.Values {
		if before.Computed[key] {
			continue
		}
		want := v
		if key == edited {
			want = "4.321"
		}
		if after.Values[key] != want {
			t.Errorf("%s: %q after a partial save of %s, want %q", key, after.Values[key], edited, want)
		}
	}
	for key := range after.Values {
		if _, ok := before.Values[key]; !ok && !after.Computed[key] {
			t.Errorf("%s appeared: %q", key, after.Values[key])
		}
	}

	// The whole form, as the page now shows it, is the same save: no
	// formula cell moves, and the form is judged alike.
	whole := url.Values{"csrf_token": {csrf}, "revision": {strconv.Itoa(rep.Revision + 1)}}
	for key, v := range after.Values {
		if !after.Computed[key] {
			whole.Set(name(key), v)
		}
	}
	answer = autosave(whole)
	if n := len(outputs(answer)); n != 0 {
		t.Errorf("the whole form after the partial save moved %d formula cells", n)
	}
	if c, m := problemsOf(answer); c != count || len(m) != len(marked) {
		t.Errorf("the whole form: %s problems, %d marked; the partial save: %s, %d", c, len(m), count, len(marked))
	}

	// A cell sent empty is emptied.
	autosave(url.Values{"csrf_token": {csrf}, "revision": {strconv.Itoa(rep.Revision + 2)}, "partial": {"1"}, name(cleared): {""}})
	if v, ok := content().Values[cleared]; ok {
		t.Errorf("%s sent empty still holds %q", cleared, v)
	}

	// From an old revision: refused, nothing changed.
	stale := autosave(url.Values{"csrf_token": {csrf}, "revision": {strconv.Itoa(rep.Revision)}, "partial": {"1"}, name(edited): {"1"}})
	if !strings.Contains(stale, "Chưa lưu") || content().Values[edited] != "4.321" {
		t.Errorf("a partial save from an old revision: %.300s; %s holds %q", stale, edited, content().Values[edited])
	}
}
