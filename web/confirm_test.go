package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/apiclients"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// TestIrreversibleStepsConfirmed: each irreversible step posted without
// confirmed=yes answers with the confirmation page, which posts the same
// fields again, and changes nothing; a return without a reason is refused
// with the field's error.
func TestIrreversibleStepsConfirmed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	leader := h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve)
	id := h.report("xa-22366", "so-y-te")
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'awaiting_approval' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	client, _, err := h.s.apiClients.Create(h.ctx, "Phần mềm một cửa", []int64{h.unit("xa-22366").ID}, apiclients.Read)
	if err != nil {
		t.Fatal(err)
	}
	reg := h.regime("so-kh-cn")
	post := func(a *accounts.Account, path string, form url.Values) *http.Response {
		t.Helper()
		cookie, csrf := h.sessionFor(a)
		form.Set("csrf_token", csrf)
		return h.do(http.MethodPost, path, cookie, form).Result()
	}
	body := func(res *http.Response) string {
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				return b.String()
			}
		}
	}
	for _, c := range []struct {
		who   *accounts.Account
		path  string
		form  url.Values
		title string
	}{
		{leader, reportPath(id) + "/return-internal", url.Values{"reason": {"Thiếu số liệu"}}, "Trả lại báo cáo để sửa?"},
		{admin, "/admin/api-clients/" + itoa64(client.ID) + "/revoke", url.Values{}, "Thu hồi mã truy cập của Phần mềm một cửa?"},
		{admin, "/admin/units/" + itoa64(h.unit("xa-22453").ID) + "/close", url.Values{"valid_to": {"30/06/2026"}}, "Đóng Ủy ban nhân dân xã Cam Lâm?"},
		{admin, regimePath(reg.ID) + "/template/publish", url.Values{}, "Ban hành phiên bản"},
	} {
		res := post(c.who, c.path, c.form)
		page := body(res)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, c.title) || !strings.Contains(page, `name="confirmed" value="yes"`) ||
			!strings.Contains(page, `action="`+c.path+`"`) {
			t.Errorf("%s unconfirmed: %d %.300s", c.path, res.StatusCode, page)
		}
	}
	var status string
	_ = h.db.QueryRow(h.ctx, `SELECT status FROM reports WHERE id = $1`, id).Scan(&status)
	var revoked, closed bool
	_ = h.db.QueryRow(h.ctx, `SELECT revoked_at IS NOT NULL FROM api_clients WHERE id = $1`, client.ID).Scan(&revoked)
	_ = h.db.QueryRow(h.ctx, `SELECT valid_to IS NOT NULL FROM units WHERE id = $1`, h.unit("xa-22453").ID).Scan(&closed)
	if status != "awaiting_approval" || revoked || closed {
		t.Errorf("unconfirmed steps changed something: %s, revoked %v, closed %v", status, revoked, closed)
	}

	// The reason is checked on the server, beside its field.
	res := post(leader, reportPath(id)+"/return-internal", url.Values{"confirmed": {"yes"}, "reason": {"  "}})
	if page := body(res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="reason-error"`) ||
		!strings.Contains(page, "Nhập lý do trả lại") {
		t.Errorf("return without a reason: %d %.300s", res.StatusCode, page)
	}
	res = post(leader, reportPath(id)+"/return-internal", url.Values{"confirmed": {"yes"}, "reason": {"Thiếu số liệu"}})
	_ = h.db.QueryRow(h.ctx, `SELECT status FROM reports WHERE id = $1`, id).Scan(&status)
	if res.StatusCode != http.StatusSeeOther || status != "draft" {
		t.Errorf("confirmed return: %d, %s", res.StatusCode, status)
	}
}

// TestEOfficeSendingConfirmed: recording a report as sent by E-Office
// during an outage is confirmed on the server like sending; the page
// names the document's number and date and posts them again.
func TestEOfficeSendingConfirmed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sender := h.account("vanthu.nhatrang", "xa-22366", accounts.User, accounts.Send)
	id := h.report("xa-22366", "so-y-te")
	today := vn.Today(time.Now())
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'signed', deadline = $2 WHERE id = $1`, id, today); err != nil {
		t.Fatal(err)
	}
	if err := h.s.reports.RecordOutage(h.ctx, reports.Outage{Start: vn.Day(today), End: vn.Day(today).Add(2 * time.Hour),
		GraceUntil: vn.Day(today).AddDate(0, 0, 2), Description: "Mất điện"}, 0); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := h.sessionFor(sender)
	form := url.Values{"csrf_token": {csrf}, "eoffice_number": {"215/UBND-VP"}, "eoffice_date": {vn.Date(today)}}
	rec := h.do(http.MethodPost, reportPath(id)+"/send-eoffice", cookie, form)
	page := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(page, "Ghi nhận đã gửi qua E-Office?") || !strings.Contains(page, "văn bản số 215/UBND-VP ngày "+vn.Date(today)) ||
		!strings.Contains(page, `name="eoffice_number" value="215/UBND-VP"`) || !strings.Contains(page, `name="confirmed" value="yes"`) {
		t.Fatalf("unconfirmed E-Office sending: %d %.400s", rec.Code, page)
	}
	status := func() string {
		var s string
		_ = h.db.QueryRow(h.ctx, `SELECT status FROM reports WHERE id = $1`, id).Scan(&s)
		return s
	}
	if s := status(); s != "signed" {
		t.Fatalf("unconfirmed E-Office sending changed the report: %s", s)
	}
	form.Set("confirmed", "yes")
	if rec := h.do(http.MethodPost, reportPath(id)+"/send-eoffice", cookie, form); rec.Code != http.StatusSeeOther || status() != "sent" {
		t.Fatalf("confirmed E-Office sending: %d, %s", rec.Code, status())
	}
}
