package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
	"baocao/internal/notify"
)

// TestBrowserNotifications: an official sees the unread count on the bell,
// opens the list, marks everything read, and turns off one kind of e-mail.
func TestBrowserNotifications(t *testing.T) {
	h := newHarness(t)
	me := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	h.notification(me, notify.Returned, "Báo cáo bị trả lại: Báo cáo y tế tháng – Tháng 12/2026", "/reports/7")
	h.notification(me, notify.DeadlineSoon, "Sắp đến hạn gửi: Báo cáo y tế tháng – Tháng 01/2027", "/reports/8")
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)

	var count string
	var after chromedp.AttributeResult
	run(t, ctx,
		signInActions(base, me.Username, testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-header__bell`)),
		into(&count, chromedp.Text(chromedp.CSS(`.site-header__count`))),
		shots.take("home-bell"),
		clickAndLoad(chromedp.CSS(`.site-header__bell`)),
		chromedp.WaitVisible(chromedp.CSS(`.notifications`)),
		shots.take("list"),
		chromedp.EmulateViewport(390, 844),
		shots.take("list-phone"),
		chromedp.EmulateViewport(1280, 900),
		submitAndLoad(chromedp.CSS(`form[action="/notifications/read-all"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice--success`)),
		into(&after, chromedp.AttributeValue(chromedp.CSS(`.site-header__bell`), "aria-label")),
		shots.take("all-read"),
		chromedp.Navigate(base+"/account/notifications"),
		chromedp.WaitVisible(chromedp.ID("email-deadline_soon")),
		chromedp.Click(chromedp.ID("email-deadline_soon")),
		submitAndLoad(chromedp.ID("email-deadline_soon")),
		chromedp.WaitVisible(chromedp.CSS(`.notice--success`)),
		shots.take("settings-saved"),
	)
	if count != "2" || after.Value != "Thông báo, không có thông báo mới" {
		t.Errorf("bell showed %q, then %q", count, after.Value)
	}
	off, err := notify.NewStore(h.db).EmailOff(h.ctx, me.ID)
	if err != nil || len(off) != 2 || off[0] != notify.AccountLocked || off[1] != notify.DeadlineSoon {
		t.Errorf("e-mail off: %v, %v", off, err)
	}
}
