package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/notify"
)

// notification gives a a notification directly; how they are made is
// tested in internal/notify.
func (h *harness) notification(a *accounts.Account, kind notify.Kind, title, link string) int64 {
	h.t.Helper()
	var id int64
	err := h.db.QueryRow(h.ctx, `INSERT INTO notifications (account_id, kind, dedupe_key, title, body, link)
		VALUES ($1, $2, $3, $3, 'Nội dung thông báo', $4) RETURNING id`, a.ID, kind, title, link).Scan(&id)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *harness) unread(a *accounts.Account) int {
	h.t.Helper()
	n, err := notify.NewStore(h.db).Unread(h.ctx, a.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// The bell counts the account's unread notifications; the list shows only
// its own; reading one goes to its report; another account's notification
// and forged IDs are refused and change nothing.
func TestNotificationsAreOwn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	me := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	other := h.account("nhaplieu.xa", "xa-22366", accounts.User, accounts.Enter)
	returned := h.notification(me, notify.Returned, "Báo cáo bị trả lại: Báo cáo y tế tháng – Tháng 12/2026", "/reports/7")
	h.notification(me, notify.PeriodOpened, "Kỳ báo cáo mới: Báo cáo y tế tháng – Tháng 01/2027", "/reports/8")
	theirs := h.notification(other, notify.Overdue, "Quá hạn gửi: Báo cáo của xã", "/reports/9")
	cookie, csrf := h.sessionFor(me)
	form := url.Values{"csrf_token": {csrf}}

	rec := h.do(http.MethodGet, "/", cookie, nil)
	if body := rec.Body.String(); !strings.Contains(body, `aria-label="Thông báo, 2 chưa đọc"`) || !strings.Contains(body, `<span class="site-header__count">2</span>`) {
		t.Errorf("the bell does not show 2 unread:\n%s", body)
	}
	rec = h.do(http.MethodGet, "/notifications", cookie, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Báo cáo bị trả lại: Báo cáo y tế tháng – Tháng 12/2026") ||
		!strings.Contains(body, "Kỳ báo cáo mới: Báo cáo y tế tháng – Tháng 01/2027") || strings.Contains(body, "Báo cáo của xã") {
		t.Errorf("list: status %d\n%s", rec.Code, body)
	}

	for _, target := range []string{fmt.Sprintf("/notifications/%d/read", theirs), "/notifications/abc/read", "/notifications/0/read", "/notifications/99999/read"} {
		rec = h.do(http.MethodPost, target, cookie, form)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Không tìm thấy") {
			t.Errorf("POST %s: status %d, want 404 with a message", target, rec.Code)
		}
	}
	if h.unread(other) != 1 || h.unread(me) != 2 {
		t.Errorf("a refused request changed something: unread %d (theirs), %d (mine)", h.unread(other), h.unread(me))
	}

	rec = h.do(http.MethodPost, fmt.Sprintf("/notifications/%d/read", returned), cookie, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/reports/7" {
		t.Errorf("reading: status %d, location %q", rec.Code, rec.Header().Get("Location"))
	}
	if h.unread(me) != 1 {
		t.Errorf("unread after reading one: %d", h.unread(me))
	}
	rec = h.do(http.MethodPost, "/notifications/read-all", cookie, form)
	if rec.Code != http.StatusSeeOther || h.unread(me) != 0 || h.unread(other) != 1 {
		t.Errorf("read all: status %d, unread %d (mine), %d (theirs)", rec.Code, h.unread(me), h.unread(other))
	}
	if body := h.do(http.MethodGet, "/notifications", cookie, nil).Body.String(); !strings.Contains(body, `aria-label="Thông báo, không có thông báo mới"`) {
		t.Error("the bell still counts after reading all")
	}
}

// Each official chooses the kinds sent by e-mail; an unknown kind is
// refused with a message and changes nothing.
func TestNotificationSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	me := h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve)
	cookie, csrf := h.sessionFor(me)
	store := notify.NewStore(h.db)

	rec := h.do(http.MethodGet, "/account/notifications", cookie, nil)
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, "Báo cáo chờ tôi duyệt") ||
		strings.Contains(body, "Tài khoản bị khóa") || strings.Count(body, "checked") != len(notify.KindsFor(false)) {
		t.Errorf("settings page: status %d\n%s", rec.Code, body)
	}
	rec = h.do(http.MethodPost, "/account/notifications", cookie, url.Values{"csrf_token": {csrf}, "email": {"awaiting_approval", "returned"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: status %d", rec.Code)
	}
	off, err := store.EmailOff(h.ctx, me.ID)
	if err != nil || len(off) != len(notify.Kinds)-2 || slices.Contains(off, notify.AwaitingApproval) || slices.Contains(off, notify.Returned) {
		t.Errorf("e-mail off after saving: %v, %v", off, err)
	}
	rec = h.do(http.MethodPost, "/account/notifications", cookie, url.Values{"csrf_token": {csrf}, "email": {"accepted", "made_up"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Loại thông báo không hợp lệ") {
		t.Errorf("unknown kind: status %d", rec.Code)
	}
	if again, _ := store.EmailOff(h.ctx, me.ID); !slices.Equal(again, off) {
		t.Errorf("a refused save changed the settings: %v", again)
	}
}
