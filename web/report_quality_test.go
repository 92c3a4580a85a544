package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestNoteBadInputOverHTTP: an explanation too long, on a formula cell,
// on another unit's report or after sending is refused with a message and
// changes nothing; a good one is kept.
func TestNoteBadInputOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	clerk := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	other := h.account("nhaplieu.camlam", "xa-22453", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(clerk)
	post := func(cookie *http.Cookie, csrf, key, note string) (int, string) {
		rec := h.do(http.MethodPost, reportPath(id)+"/note", cookie, url.Values{"csrf_token": {csrf}, "key": {key}, "note": {note}})
		return rec.Code, rec.Body.String()
	}
	for _, c := range []struct {
		key, note string
		status    int
		want      string
	}{
		{"b1|r2|1", strings.Repeat("Tăng ", 101), http.StatusUnprocessableEntity, "Giải trình không được dài quá 500 ký tự (đang có 504 ký tự)."},
		{"b1|r2|3", "Tỷ lệ tăng", http.StatusUnprocessableEntity, "tự tính theo công thức"},
		{"b1|r9|1", "Không có dòng này", http.StatusUnprocessableEntity, "không thuộc biểu mẫu"},
	} {
		if code, body := post(cookie, csrf, c.key, c.note); code != c.status || !strings.Contains(body, c.want) {
			t.Errorf("note on %s: %d, want %d with %q", c.key, code, c.status, c.want)
		}
	}
	oc, ocsrf := h.sessionFor(other)
	if code, _ := post(oc, ocsrf, "b1|r2|1", "Của đơn vị khác"); code != http.StatusForbidden {
		t.Errorf("a note by another unit: %d, want 403", code)
	}
	if notes, _ := h.s.reports.Notes(h.ctx, id); len(notes) != 0 {
		t.Fatalf("refused notes were kept: %+v", notes)
	}
	if code, _ := post(cookie, csrf, "b1|r2|1", "Tăng do chiến dịch khám sàng lọc."); code != http.StatusSeeOther {
		t.Fatalf("a good note: %d", code)
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if code, body := post(cookie, csrf, "b1|r2|1", "Sửa sau khi gửi"); code != http.StatusConflict || !strings.Contains(body, "không sửa giải trình được") {
		t.Errorf("a note after sending: %d", code)
	}
	if notes, _ := h.s.reports.Notes(h.ctx, id); notes["b1|r2|1"].Body != "Tăng do chiến dịch khám sàng lọc." {
		t.Errorf("notes = %+v", notes)
	}
	// The receiver reads it on the cell's page.
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	rc, _ := h.sessionFor(receiver)
	page := h.do(http.MethodGet, reportPath(id)+"/cell?key="+url.QueryEscape("b1|r2|1"), rc, nil)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Tăng do chiến dịch khám sàng lọc.") {
		t.Errorf("the receiver's cell page: %d", page.Code)
	}
	if page := h.do(http.MethodGet, reportPath(id)+"/cell?key=b1|r9|1", rc, nil); page.Code != http.StatusNotFound {
		t.Errorf("the page of a cell not in the form: %d", page.Code)
	}
}

// TestReturnPointingOutsideTheFormRefused: a return that would open cells
// or columns the form does not have is refused and leaves the report sent.
func TestReturnPointingOutsideTheFormRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	cookie, csrf := h.sessionFor(receiver)
	for _, extra := range []url.Values{
		{"mark_cell": {"b1|r9|1"}},
		{"mark_rows": {"b1|r2"}, "mark_cols": {"7"}},
	} {
		form := url.Values{"csrf_token": {csrf}, "reason": {"Sai số liệu"}, "confirmed": {"yes"}}
		for k, v := range extra {
			form[k] = v
		}
		rec := h.do(http.MethodPost, reportPath(id)+"/return", cookie, form)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "không") {
			t.Errorf("return with %v: %d", extra, rec.Code)
		}
	}
	rep, _ := h.s.reports.Report(h.ctx, id)
	if rep.Status != "sent" {
		t.Errorf("after refused returns the report is %s", rep.Status)
	}
}
