package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
)

// TestBrowserReportEntry: a commune user opens the report from "Báo cáo của
// tôi", types figures and narrative, autosave computes the formula cells,
// and the user submits it for approval.
func TestBrowserReportEntry(t *testing.T) {
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	var ratio, status string
	var scolded bool
	run(t, ctx,
		chromedp.EmulateViewport(1366, 768),
		signInActions(base, "nhaplieu.nhatrang", testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-header__account`)),
		seen(t, "home (enter)"),
		chromedp.Navigate(base+reportPath(id)),
		chromedp.WaitVisible(chromedp.CSS(`[id="v.b1.r2.1"]`)),
		shots.take("empty-report"),
		// A new, untouched draft does not open with a list of problems.
		into(&scolded, chromedp.Evaluate[bool](`document.querySelector('.error-summary') !== null`)),
		seen(t, "report entry"),
		chromedp.EmulateViewport(390, 844),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[id="v.b1.r2.1"]`)),
		shots.take("empty-report-phone"),
		seen(t, "report entry (phone)"),
		chromedp.EmulateViewport(1366, 768),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[id="v.b1.r2.1"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.1"]`), "1.000"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.2"]`), "250"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r3.1"]`), "200"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r3.2"]`), "50"),
		// Autosave after a pause in typing fills the computed cells.
		// The subtotal of column (2) needs every typed figure, so it waits for the last save.
		into(new(bool), chromedp.Poll[bool](`document.getElementById("v.b1.r1.2").textContent.trim() === "300" && document.getElementById("v.b1.r2.3").textContent.trim() === "25"`)),
		into(&ratio, chromedp.Text(chromedp.CSS(`[id="v.b1.r2.3"]`))),
		into(&status, chromedp.Text(chromedp.ID("save-status"))),
		shots.take("autosaved"),
	)
	if scolded {
		t.Error("an untouched draft opens with an error summary")
	}
	if ratio != "25" || !strings.Contains(status, "Đã lưu lúc") {
		t.Fatalf("after autosave: ratio %q, status %q", ratio, status)
	}
	var reports int
	_ = h.db.QueryRow(h.ctx, `SELECT count(*) FROM report_values WHERE report_id = $1 AND NOT computed`, id).Scan(&reports)
	if reports != 4 {
		t.Errorf("stored %d typed cells, want 4", reports)
	}
	_ = strconv.Itoa

	// A block copied from a spreadsheet fills from the focused cell across
	// and down, skips the formula column and says so, saves once and marks
	// the cells with problems at once.
	var said string
	var saves int
	var marked, sent []string
	run(t, ctx,
		// Leaving the last typed cell saves it (change); count from here.
		chromedp.Focus(chromedp.CSS(`[id="v.b1.r2.1"]`)),
		into(new(bool), chromedp.Evaluate[bool](`window.saves = 0; document.addEventListener('htmx:beforeRequest', () => window.saves++);
			window.sent = []; document.addEventListener('htmx:configRequest', e => {
				window.sent = []; e.detail.formData.forEach((v, k) => { if (k.startsWith('v.')) window.sent.push(k); });
			}); true`)),
		into(new(bool), chromedp.Evaluate[bool](`(() => {
			const dt = new DataTransfer();
			dt.setData('text/plain', '2.000\t500\t99\r\n-5\tabc\t7\r\n');
			document.getElementById('v.b1.r2.1').dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
			return true;
		})()`)),
		into(&said, chromedp.Text(chromedp.CSS(`[data-paste-status]`))),
		into(&marked, chromedp.Poll[[]string](`(() => {
			const m = [...document.querySelectorAll('input[aria-invalid="true"]')].map(i => i.id);
			return m.length === 2 && document.getElementById("v.b1.r2.3").textContent.trim() === "25" ? m : false;
		})()`)),
		into(&saves, chromedp.Evaluate[int](`window.saves`)),
		into(&sent, chromedp.Evaluate[[]string](`window.sent.sort()`)),
		shots.take("pasted"),
		seen(t, "report entry (pasted)"),
	)
	if !strings.Contains(said, "Đã dán 4 ô") || !strings.Contains(said, "Bỏ qua 2 ô tự tính") {
		t.Errorf("paste said %q", said)
	}
	if strings.Join(marked, " ") != "v.b1.r3.1 v.b1.r3.2" {
		t.Errorf("marked after paste: %v", marked)
	}
	if saves != 1 {
		t.Errorf("the paste asked for %d saves, want 1", saves)
	}
	// The save carried the pasted cells only (the others are stored).
	if strings.Join(sent, " ") != "v.b1.r2.1 v.b1.r2.2 v.b1.r3.1 v.b1.r3.2" {
		t.Errorf("the paste's save sent %v", sent)
	}
	_ = h.db.QueryRow(h.ctx, `SELECT count(*) FROM report_values WHERE report_id = $1 AND NOT computed`, id).Scan(&reports)
	if reports != 4 {
		t.Errorf("after the paste %d typed cells are stored, want 4", reports)
	}
	var r21 string
	_ = h.db.QueryRow(h.ctx, `SELECT coalesce(num::text, txt) FROM report_values WHERE report_id = $1 AND row_key = 'r2' AND col_code = '1'`, id).Scan(&r21)
	if r21 != "2000" {
		t.Errorf("r2.1 stored %q after the paste, want 2000", r21)
	}
}
