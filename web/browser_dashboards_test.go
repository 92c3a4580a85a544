package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
)

// dashboardHistory gives the fixture's regime a year of monthly periods
// (Tháng 12/2025 … Tháng 12/2026) and eight communes reporting to so-y-te
// with a spread of statuses and figures, made up from the ids so that the
// screenshots are the same on every run.
func dashboardHistory(h *harness) (regime int64) {
	h.t.Helper()
	regime, _ = dashboardFixture(h)
	steps := []string{
		`INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
		 SELECT $1, to_char(m, 'YYYY-"M"MM'), 'Tháng ' || extract(month FROM m) || '/' || extract(year FROM m),
		        (m - interval '1 month' + interval '14 days')::date, (m + interval '13 days')::date,
		        (SELECT template_version_id FROM periods WHERE regime_id = $1 LIMIT 1)
		 FROM generate_series('2025-12-01'::date, '2026-11-01', interval '1 month') m`,
		`INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, valid_from, confirmed_at)
		 SELECT $1, u.id, (SELECT id FROM units WHERE key = 'so-y-te'), '2025-01-01', now()
		 FROM units u
		 WHERE u.kind = 'ubnd-xa' AND u.valid_to IS NULL AND u.key <> 'xa-22366'
		 ORDER BY u.key = 'xa-22453' DESC, u.key LIMIT 7`,
		`INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at, late)
		 SELECT p.id, a.unit_id, a.receiver_unit_id, a.id, 1, p.end_date + 3,
		        CASE WHEN k < 6 THEN 'accepted' WHEN k < 8 THEN 'sent' WHEN k = 8 THEN 'returned' ELSE 'draft' END,
		        CASE WHEN k < 9 THEN p.end_date + 1 + k % 5 END, k < 9 AND k % 5 > 3
		 FROM periods p
		 JOIN LATERAL (SELECT DISTINCT ON (unit_id) * FROM assignments WHERE regime_id = $1 ORDER BY unit_id, id) a ON true
		 CROSS JOIN LATERAL (SELECT ((p.id * 7 + a.unit_id * 3) % 11)::int AS k) x
		 WHERE p.regime_id = $1 AND p.key <> '2026-M12' AND k <> 10`,
		`INSERT INTO report_values (report_id, form_key, row_key, col_code, num)
		 SELECT r.id, 'b1', 'r2', c.code, 800 + r.unit_id % 7 * 150 + extract(month FROM p.end_date) * 20 + c.extra
		 FROM reports r JOIN periods p ON p.id = r.period_id
		 CROSS JOIN (VALUES ('1', 0), ('2', 35)) c(code, extra)
		 WHERE p.regime_id = $1 AND p.key <> '2026-M12'`,
	}
	for _, sql := range steps {
		if _, err := h.db.Exec(h.ctx, sql, regime); err != nil {
			h.t.Fatalf("%s: %v", sql, err)
		}
	}
	return regime
}

// TestBrowserDashboards: a receiver walks through its overview and the
// indicator's trends on a desktop and a phone; the system admin looks at
// the system's activity; the receiver downloads a whole period as a .zip
// built in the background while the page shows its progress. The screenshots are for a person to look at.
func TestBrowserDashboards(t *testing.T) {
	h := newHarness(t)
	regime := dashboardHistory(h)
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	var november int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM periods WHERE regime_id = $1 AND key = '2026-M11'`, regime).Scan(&november); err != nil {
		t.Fatal(err)
	}
	q := "?regime=" + strconv.FormatInt(regime, 10) + "&from=01/12/2025"
	var grid, late, trend, across, activity string
	run(t, ctx,
		signInActions(base, receiver.Username, testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-nav`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-nav a[href="/dashboards"]`)),
		chromedp.Navigate(base+"/dashboards"+q),
		chromedp.WaitVisible(chromedp.CSS(`table.status-grid`)),
		into(&grid, chromedp.Text(chromedp.CSS(`table.status-grid`))),
		into(&late, chromedp.Text(chromedp.CSS(`main`))),
		shots.take("status"),
		chromedp.WaitVisible(chromedp.CSS(`.tabs a[href="/dashboards/trends"]`)),
		chromedp.Navigate(base+"/dashboards/trends"+q+"&row=r2&col=2"),
		chromedp.WaitVisible(chromedp.CSS(`figure.chart svg`)),
		into(&trend, chromedp.Text(chromedp.CSS(`.chart-pair .chart-data table`))),
		into(&across, chromedp.Text(chromedp.CSS(`.chart-pair:nth-of-type(2) .chart-data table`))),
		shots.take("trends"),
		// The whole of Tháng 11/2026 as a .zip, built by the background job.
		chromedp.Navigate(base+"/received/"+strconv.FormatInt(november, 10)),
		clickAndLoad(chromedp.CSS(`form[action$="/archives"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#archive-progress`)),
		shots.take("archive-waiting"),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			h.startJobs(t, 1) // the server's job runner
			return nil
		}),
		chromedp.WaitVisible(chromedp.CSS(`#archive-progress a[href$="/file"]`)),
		shots.take("archive-ready"),
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/dashboards"+q),
		shots.take("status-phone"),
		chromedp.Navigate(base+"/dashboards/trends"+q+"&row=r2&col=2"),
		shots.take("trends-phone"),
		chromedp.EmulateViewport(1280, 900),
		signOutActions(),
		signInActions(base, sys.Username, testPassword),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), mustCode(t)),
		submitAndLoad(chromedp.ID("code")),
		chromedp.Navigate(base+"/dashboards/activity"),
		chromedp.WaitVisible(chromedp.CSS(`figure.chart svg`)),
		into(&activity, chromedp.Text(chromedp.CSS(`.stats`))),
		shots.take("activity"),
	)
	if !strings.Contains(grid, "Ủy ban nhân dân phường Nha Trang") || !strings.Contains(grid, "T12/2025") {
		t.Errorf("status grid: %.300s", grid)
	}
	if !strings.Contains(late, "Đơn vị quá hạn chưa gửi báo cáo") {
		t.Error("no list of late units")
	}
	if !strings.Contains(trend, "Tháng 12/2025") || !strings.Contains(across, "Ủy ban nhân dân") {
		t.Errorf("trend table %.200s; across table %.200s", trend, across)
	}
	if !strings.Contains(activity, "lượt đăng nhập") {
		t.Errorf("activity: %q", activity)
	}
}
