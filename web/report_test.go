package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/forms"
	"baocao/internal/seed"
)

// TestReportLifecycleOverHTTP: a commune user types and submits; its leader
// returns it, then approves it; once signed (the signing service's step)
// the clerk sends it; the receiving department returns it, and after the
// fix and a new round accepts it.
func TestReportLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	path := reportPath(id)
	enter := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	leader := h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve)
	clerk := h.account("vanthu.nhatrang", "xa-22366", accounts.User, accounts.Send)
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	as := func(a *accounts.Account) (*http.Cookie, string) { return h.sessionFor(a) }
	post := func(a *accounts.Account, p string, form url.Values, htmx bool) (int, string) {
		t.Helper()
		cookie, csrf := as(a)
		form.Set("csrf_token", csrf)
		form.Set("confirmed", "yes") // the confirmation page: TestIrreversibleStepsConfirmed
		req := newFormRequest("POST", p, form)
		req.AddCookie(cookie)
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		rec := serve(h, req)
		return rec.Code, rec.Body.String()
	}
	status := func() string {
		var s string
		if err := h.db.QueryRow(h.ctx, `SELECT status FROM reports WHERE id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}

	// Autosave computes the formula cells and hands back the revision.
	code, body := post(enter, path, url.Values{"revision": {"0"}, "v.b1.r2.1": {"1.000"}, "v.b1.r2.2": {"250"}, "v.b1.r3.1": {"200"}, "s.s1": {"<p>Đã thực hiện <script>x()</script></p>"}}, true)
	if code != http.StatusOK || !strings.Contains(body, "Đã lưu lúc") || !strings.Contains(body, `id="revision"`) || !strings.Contains(body, ">25<") {
		t.Fatalf("autosave: %d %s", code, body)
	}
	var html string
	if err := h.db.QueryRow(h.ctx, `SELECT html FROM report_sections WHERE report_id = $1`, id).Scan(&html); err != nil || strings.Contains(html, "script") {
		t.Fatalf("narrative not sanitised: %q %v", html, err)
	}
	// A second editor on the old revision gets the conflict, and nothing is overwritten.
	code, body = post(enter, path, url.Values{"revision": {"0"}, "v.b1.r2.1": {"9"}}, false)
	if code != http.StatusConflict || !strings.Contains(body, "vừa được người khác lưu") || !strings.Contains(body, `value="9"`) {
		t.Fatalf("stale save: %d", code)
	}
	// A forged cell changes nothing.
	if code, _ := post(enter, path, url.Values{"revision": {"1"}, "v.b1.r2.3": {"77"}}, false); code != http.StatusUnprocessableEntity {
		t.Fatalf("forged formula cell: %d", code)
	}
	// The leader cannot type, the clerk cannot submit.
	if code, _ := post(leader, path, url.Values{"revision": {"1"}}, false); code != http.StatusForbidden {
		t.Fatalf("leader saving: %d", code)
	}
	if code, _ := post(clerk, path+"/submit", url.Values{}, false); code != http.StatusForbidden {
		t.Fatalf("clerk submitting: %d", code)
	}
	steps := []struct {
		who    *accounts.Account
		action string
		form   url.Values
		want   string
	}{
		{enter, "/submit", url.Values{}, "awaiting_approval"},
		{leader, "/return-internal", url.Values{"reason": {"Số liệu dòng 2 chưa khớp"}}, "draft"},
		{enter, "/submit", url.Values{}, "awaiting_approval"},
		{leader, "/approve", url.Values{}, "approved"},
	}
	for _, st := range steps {
		if code, body := post(st.who, path+st.action, st.form, false); code != http.StatusSeeOther {
			t.Fatalf("%s %s: %d %s", st.who.Username, st.action, code, body[:min(len(body), 400)])
		}
		if got := status(); got != st.want {
			t.Fatalf("after %s: %s, want %s", st.action, got, st.want)
		}
	}
	// Sending needs the signed step, which no route skips.
	if code, _ := post(clerk, path+"/send", url.Values{}, false); code != http.StatusConflict {
		t.Fatalf("send before signing: %d", code)
	}
	// The leader signs, then the clerk seals, each with the certificate
	// the system holds; neither can do the other's part.
	h.certify([]*accounts.Account{leader}, "xa-22366")
	for _, st := range []struct {
		who    *accounts.Account
		action string
		code   int
		want   string
	}{
		{clerk, "/sign", http.StatusForbidden, "approved"},
		{clerk, "/seal", http.StatusConflict, "approved"},
		{leader, "/sign", http.StatusSeeOther, "signed"},
		{leader, "/sign", http.StatusConflict, "signed"},
		{clerk, "/send", http.StatusConflict, "signed"}, // not sealed yet
		{clerk, "/seal", http.StatusSeeOther, "signed"},
	} {
		if code, body := post(st.who, path+st.action, url.Values{}, false); code != st.code {
			t.Fatalf("%s %s: %d, want %d: %s", st.who.Username, st.action, code, st.code, body[:min(len(body), 600)])
		}
		if got := status(); got != st.want {
			t.Fatalf("after %s: %s, want %s", st.action, got, st.want)
		}
	}
	for _, st := range []struct {
		who    *accounts.Account
		action string
		form   url.Values
		code   int
		want   string
	}{
		{clerk, "/send", url.Values{}, http.StatusSeeOther, "sent"},
		{receiver, "/return", url.Values{}, http.StatusUnprocessableEntity, "sent"}, // a return needs its reason
		{receiver, "/return", url.Values{"reason": {"Cột (2) dòng 1 sai"}, "mark_rows": {"b1|r99"}}, http.StatusUnprocessableEntity, "sent"},
		{receiver, "/return", url.Values{"reason": {"Cột (2) dòng 1 sai"}, "mark_rows": {"b1|r2"}, "mark_cols": {"2"}, "mark_section": {"s1"}}, http.StatusSeeOther, "returned"},
	} {
		if code, _ := post(st.who, path+st.action, st.form, false); code != st.code {
			t.Fatalf("%s %s: %d, want %d", st.who.Username, st.action, code, st.code)
		}
		if got := status(); got != st.want {
			t.Fatalf("after %s: %s, want %s", st.action, got, st.want)
		}
	}
	// The unit sees what to fix, fixes it, and sees what changed since.
	var revision int
	_ = h.db.QueryRow(h.ctx, `SELECT revision FROM reports WHERE id = $1`, id).Scan(&revision)
	if code, _ := post(enter, path, url.Values{"revision": {strconv.Itoa(revision)}, "v.b1.r2.1": {"1.000"}, "v.b1.r2.2": {"260"}, "v.b1.r3.1": {"200"},
		"s.s1": {"<p>Đã thực hiện</p>"}}, false); code != http.StatusSeeOther {
		t.Fatalf("fixing the returned report: %d", code)
	}
	cookieEnter, _ := as(enter)
	req0 := newFormRequest("GET", path, nil)
	req0.AddCookie(cookieEnter)
	returned := serve(h, req0).Body.String()
	for _, want := range []string{"Phiên bản 1 bị trả lại", "Số lượt khám, cột (2)", "Mục I Kết quả thực hiện", "Đã thay đổi 1 ô", "grid__cell--marked", "grid__cell--changed"} {
		if !strings.Contains(returned, want) {
			t.Errorf("returned report page lacks %q", want)
		}
	}
	if code, _ := post(enter, path+"/submit", url.Values{}, false); code != http.StatusSeeOther {
		t.Fatalf("resubmitting: %d", code)
	}
	// The history shows every step with its reason.
	cookie, _ := as(enter)
	req := newFormRequest("GET", path, nil)
	req.AddCookie(cookie)
	page := serve(h, req).Body.String()
	for _, want := range []string{"Trả lại để sửa", "Số liệu dòng 2 chưa khớp", "Cột (2) dòng 1 sai", "Phiên bản 2"} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	var version int
	_ = h.db.QueryRow(h.ctx, `SELECT version FROM reports WHERE id = $1`, id).Scan(&version)
	if version != 2 {
		t.Errorf("version after a return and a new submission: %d, want 2", version)
	}
	_ = strconv.Itoa
}

func TestReportPDFPreview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	rep, _ := h.s.reports.Report(h.ctx, id)
	if _, _, err := h.s.reports.Save(h.ctx, rep, draftOf(map[string]string{"b1|r2|1": "1.234,5"}), 0); err != nil {
		t.Fatal(err)
	}
	cookie, _ := h.sessionFor(user)
	req := newFormRequest("GET", reportPath(id)+"/pdf", nil)
	req.AddCookie(cookie)
	rec := serve(h, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF")) {
		t.Fatalf("pdf preview: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// TestUsageReportIsPrefilled: the usage regime's report starts with the
// unit's own figures (QĐ 2838 Điều 12.1).
func TestUsageReportIsPrefilled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	enter := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve)
	id := h.reportWith("xa-22366", "so-kh-cn", forms.Template{Forms: []forms.Form{seed.UsageForm()}})
	cookie, _ := h.sessionFor(enter)
	req := newFormRequest(http.MethodGet, reportPath(id), nil)
	req.AddCookie(cookie)
	rec := serve(h, req)
	body := rec.Body.String()
	// Two accounts, both active; the page says the figures were filled in.
	for _, want := range []string{`id="v.b1.r2.1"`, `name="v.b1.r2.1" value="2"`, `name="v.b1.r3.1" value="2"`, `name="v.b1.r4.1" value="0"`} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %s", want)
		}
	}
}
