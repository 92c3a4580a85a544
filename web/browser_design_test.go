package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
)

// navigateLater navigates to a URL known only when the step runs.
func navigateLater(url func() string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Navigate(url())(ctx, t)
		return err
	})
}

// acceptConfirm makes the page's confirmation dialogs answer yes, as an
// official clicking OK would.
func acceptConfirm() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](`window.confirm = () => true`)(ctx, t)
		return err
	})
}

// signInWithCode signs an admin in with the code of the moment the step
// runs (a long run of steps outlasts a code read when they were built).
func signInWithCode(base, username string, t *testing.T) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		signInActions(base, username, testPassword),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.SendKeys(chromedp.ID("code"), mustCode(t))(ctx, tg)
			return err
		}),
		submitAndLoad(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(`.card-grid`)),
	)
}

// TestBrowserDesignPublishAssign: a department's unit admin designs a small
// template (two outline sections; a form with two sections and a formula
// column), previews it, publishes it and assigns it to two communes; a
// system admin confirms the assignments (the communes are outside the
// department's subtree); a commune user then finds the report under
// "Báo cáo của tôi".
func TestBrowserDesignPublishAssign(t *testing.T) {
	h := newHarness(t)
	h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	// TOTP codes are single-use: each admin signs in once in this test.
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	nhaTrang, camLam := strconv.FormatInt(h.unit("xa-22366").ID, 10), strconv.FormatInt(h.unit("xa-22453").ID, 10)

	var regimeURL, previewText, flash, home string
	run(t, ctx,
		signInWithCode(base, "qt.syte", t),
		chromedp.Navigate(base+"/regimes/new"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Báo cáo công tác y tế cơ sở hằng tháng"),
		chromedp.SetValue(chromedp.ID("receiving_unit_id"), strconv.FormatInt(h.unit("so-y-te").ID, 10)),
		chromedp.SendKeys(chromedp.ID("legal_number"), "123/QĐ-SYT"),
		shots.take("regime-form"),
		clickAndLoad(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.summary-list`)),
		into(&regimeURL, chromedp.Location()),

		navigateLater(func() string { return regimeURL + "/template/outline" }),
		chromedp.WaitVisible(chromedp.CSS(`input[name=heading_0]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=number_0]`), "I"),
		chromedp.SendKeys(chromedp.CSS(`input[name=heading_0]`), "Kết quả thực hiện"),
		chromedp.SendKeys(chromedp.CSS(`input[name=number_1]`), "II"),
		chromedp.SendKeys(chromedp.CSS(`input[name=heading_1]`), "Kiến nghị, đề xuất"),
		chromedp.Click(chromedp.CSS(`input[name=required_0]`)),
		clickAndLoad(chromedp.CSS(`main form .actions button`)),
		chromedp.WaitVisible(chromedp.CSS(`.outline-list`)),

		chromedp.SendKeys(chromedp.ID("title"), "Tình hình khám, chữa bệnh"),
		clickAndLoad(chromedp.CSS(`.panel form button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=label_0]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=label_0]`), "Kế hoạch năm"),
		chromedp.SendKeys(chromedp.CSS(`input[name=label_1]`), "Thực hiện tháng"),
		clickAndLoad(chromedp.CSS(`main form .actions button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=label_3]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=label_2]`), "So kế hoạch (%)"),
		chromedp.SetValue(chromedp.CSS(`select[name=type_2]`), "percent"),
		chromedp.SendKeys(chromedp.CSS(`input[name=formula_2]`), "IF(c1 = 0, 0, c2 / c1 * 100)"),
		chromedp.SetValue(chromedp.CSS(`select[name=aggregation_2]`), "none"),
		shots.take("columns"),
		clickAndLoad(chromedp.CSS(`main form .actions button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=label_4]`)),

		navigateLater(func() string { return regimeURL + "/template/forms/b1/rows" }),
		chromedp.WaitVisible(chromedp.ID("paste")),
		chromedp.SetValue(chromedp.ID("paste"), "I\tKhám, chữa bệnh\t\n1\tSố lượt khám bệnh\tlượt\n2\tSố lượt điều trị nội trú\tlượt\nII\tTiêm chủng\t\n1\tSố trẻ em được tiêm chủng đầy đủ\ttrẻ"),
		clickAndLoad(chromedp.CSS(`main form .actions button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=label_9]`)),
		shots.take("rows"),

		navigateLater(func() string { return regimeURL + "/template/forms/b1/preview" }),
		chromedp.WaitVisible(chromedp.CSS(`table.grid`)),
		into(&previewText, chromedp.Text(chromedp.CSS(`table.grid`))),
		shots.take("preview"),

		navigateLater(func() string { return regimeURL + "/template" }),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/publish"] button`)),
		clickAndLoad(chromedp.CSS(`form[action$="/publish"] button`)),
		// Publishing is confirmed on the server.
		chromedp.WaitVisible(chromedp.CSS(`form.confirm-step`)),
		shots.take("confirm-publish"),
		seen(t, "confirm publish (unit admin)"),
		clickAndLoad(chromedp.CSS(`form.confirm-step button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/new-draft"]`)),
		shots.take("published"),

		navigateLater(func() string { return regimeURL + "/assignments" }),
		chromedp.WaitVisible(chromedp.ID("root")),
		chromedp.SetValue(chromedp.ID("root"), nhaTrang),
		clickAndLoad(chromedp.CSS(`.panel form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice--success`)),
		chromedp.SetValue(chromedp.ID("root"), camLam),
		clickAndLoad(chromedp.CSS(`.panel form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice--success`)),
		into(&flash, chromedp.Text(chromedp.CSS(`.notice--success`))),
		shots.take("assigned"),
		signOutActions(),

		signInWithCode(base, "qtht", t),
		chromedp.Navigate(base+"/admin/assignments"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/confirm"] button`)),
		shots.take("pending"),
		clickAndLoad(chromedp.CSS(`form[action$="/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice--success`)),
		clickAndLoad(chromedp.CSS(`form[action$="/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.empty`)),
		signOutActions(),

		signInActions(base, "nhaplieu.nhatrang", testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-header__account`)),
		into(&home, chromedp.Text(chromedp.CSS(`main`))),
		shots.take("my-reports"),
	)
	for _, want := range []string{"Khám, chữa bệnh", "Số lượt khám bệnh", "Tiêm chủng", "So kế hoạch (%)", "(3)"} {
		if !strings.Contains(previewText, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if !strings.Contains(flash, "chờ quản trị hệ thống xác nhận") {
		t.Errorf("assigning outside the subtree: flash %q", flash)
	}
	for _, want := range []string{"Báo cáo của tôi", "Báo cáo công tác y tế cơ sở hằng tháng", "Đang soạn", "Gửi Sở Y tế"} {
		if !strings.Contains(home, want) {
			t.Errorf("Báo cáo của tôi lacks %q", want)
		}
	}
	var reports int
	if err := h.db.QueryRow(h.ctx, `SELECT count(*) FROM reports`).Scan(&reports); err != nil || reports != 2 {
		t.Errorf("reports opened: %d, %v; want 2", reports, err)
	}
}
