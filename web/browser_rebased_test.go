package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
	"baocao/internal/seed"
)

// TestBrowserRebased: on the demo's history, the receiver looks at Tháng
// 6/2025 re-based on today's units (the grid and phường Bắc Nha Trang's
// trend, Sở Y tế's consolidation and a cell's drill-down) and the system admin at the history of phường Bắc Nha Trang and
// of the split xã Cam Tân (issue 17). The screenshots are for a person to
// look at.
func TestBrowserRebased(t *testing.T) {
	h := newHarness(t)
	demoPast(h)
	var regime int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM regimes WHERE name = $1`, seed.HealthRegime).Scan(&regime); err != nil {
		t.Fatal(err)
	}
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	r := strconv.FormatInt(regime, 10)
	bnt := strconv.FormatInt(h.unit("xa-22333").ID, 10)
	var june int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM periods WHERE regime_id = $1 AND key = '2025-M06'`, regime).Scan(&june); err != nil {
		t.Fatal(err)
	}
	received := base + "/received/" + strconv.FormatInt(june, 10)
	var grid, trend, history, split, consolidated, drill string
	run(t, ctx,
		signInActions(base, receiver.Username, testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-nav`)),
		chromedp.Navigate(base+"/dashboards?regime="+r+"&from=15/04/2025&to=14/07/2025&view=rebased"),
		chromedp.WaitVisible(chromedp.CSS(`table.status-grid`)),
		into(&grid, chromedp.Text(chromedp.CSS(`main`))),
		seen(t, "re-based grid"),
		shots.take("rebased-grid"),
		chromedp.Navigate(base+"/dashboards/trends?regime="+r+"&from=15/04/2025&to=14/09/2025&unit="+bnt+"&row=r1&col=1&view=rebased"),
		chromedp.WaitVisible(chromedp.CSS(`figure.chart`)),
		into(&trend, chromedp.Text(chromedp.CSS(`main`))),
		seen(t, "re-based trend"),
		shots.take("rebased-trend"),
		// The consolidation of Tháng 6/2025 re-based, and a cell's drill-down.
		chromedp.Navigate(received+"?view=rebased"),
		chromedp.WaitVisible(chromedp.CSS(`.notice--rebased`)),
		into(&consolidated, chromedp.Text(chromedp.CSS(`main`))),
		seen(t, "re-based consolidation"),
		shots.take("rebased-consolidation"),
		chromedp.Navigate(received+"/cell?form=b1&row=r1&col=1&sent=&view=rebased"),
		chromedp.WaitVisible(chromedp.CSS(`table.table--cards`)),
		into(&drill, chromedp.Text(chromedp.CSS(`main`))),
		seen(t, "re-based drill-down"),
		shots.take("rebased-drill-down"),
		signOutActions(),
		signInWithCode(base, sys.Username, t),
		chromedp.Navigate(base+"/admin/units/"+bnt),
		chromedp.WaitVisible(chromedp.ID("lich-su")),
		into(&history, chromedp.Text(chromedp.CSS(`main`))),
		seen(t, "unit history"),
		shots.take("unit-history"),
		chromedp.Navigate(base+"/admin/units/"+strconv.FormatInt(h.unit("xa-cu-22435").ID, 10)),
		chromedp.WaitVisible(chromedp.ID("lich-su")),
		into(&split, chromedp.Text(chromedp.CSS(`main`))),
		seen(t, "split unit"),
		shots.take("split-unit"),
	)
	for _, c := range []struct{ page, text, want string }{
		{"grid", grid, "Ủy ban nhân dân phường Bắc Nha Trang (*)"},
		{"grid", grid, "Đối chiếu đơn vị hiện nay với đơn vị trước sắp xếp"},
		{"trend", trend, "Tháng 6/2025 (*)"},
		{"consolidation", consolidated, "Tính lại theo 65 đơn vị hiện nay từ 22 báo cáo"},
		{"consolidation", consolidated, "Ủy ban nhân dân phường Vĩnh Hòa (toàn bộ)"},
		{"drill-down", drill, "Ủy ban nhân dân phường Bắc Nha Trang (*)"},
		{"history", history, "Ủy ban nhân dân xã Vĩnh Phương"},
		{"history", history, "khoản 50"},
		{"split", split, "Ủy ban nhân dân xã Suối Dầu"},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s page lacks %q", c.page, c.want)
		}
	}
}
