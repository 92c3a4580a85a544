package web

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"baocao/internal/accounts"
	"baocao/internal/xlsx"
)

// TestBrowserReportLifecycle is the journey of SPEC §4: a commune user
// enters data (part of it from Excel) and submits; the leader returns it
// with a reason; the user fixes and resubmits; the leader approves; once
// signed (the signing service's step, done here through the store) the
// clerk sends it; the department returns one cell; it is fixed, resent and
// accepted; the department sees the consolidated form of two communes and
// drills down into one cell.
func TestBrowserReportLifecycle(t *testing.T) {
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	var period, assignment int64
	if err := h.db.QueryRow(h.ctx, `SELECT period_id, assignment_id FROM reports WHERE id = $1`, id).Scan(&period, &assignment); err != nil {
		t.Fatal(err)
	}
	var second int64
	if err := h.db.QueryRow(h.ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		VALUES ($1, $2, $3, $4, 1, '2026-12-16') RETURNING id`, period, h.unit("xa-22453").ID, h.unit("so-y-te").ID, assignment).Scan(&second); err != nil {
		t.Fatal(err)
	}
	rep2, _ := h.s.reports.Report(h.ctx, second)
	if _, _, err := h.s.reports.Save(h.ctx, rep2, draftOf(map[string]string{"b1|r2|1": "500", "b1|r2|2": "100"}), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'accepted', sent_at = now() WHERE id = $1`, second); err != nil {
		t.Fatal(err)
	}
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	leader := h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve)
	h.account("vanthu.nhatrang", "xa-22366", accounts.User, accounts.Send)
	h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	h.certify([]*accounts.Account{leader}, "xa-22366")

	// The Excel file the user fills offline: the form downloaded from the
	// system with one figure typed in.
	rep, _ := h.s.reports.Report(h.ctx, id)
	tpl, _, _ := h.s.reports.Template(h.ctx, rep.TemplateVersionID)
	var sheet bytes.Buffer
	if err := xlsx.ExportForm(&sheet, &tpl.Forms[0], xlsx.ExportOptions{TemplateVersion: rep.TemplateVersionID}); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(sheet.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	name := book.GetSheetName(0)
	rows, _ := book.GetRows(name)
	for i, row := range rows {
		if len(row) > 1 && strings.Contains(row[1], "Số lượt cấp cứu") {
			cell, _ := excelize.CoordinatesToCellName(4, i+1) // column (1)
			_ = book.SetCellValue(name, cell, 200)
		}
	}
	filled := filepath.Join(t.TempDir(), "bao-cao-nha-trang.xlsx")
	var out bytes.Buffer
	_ = book.Write(&out)
	if err := os.WriteFile(filled, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	path := reportPath(id)
	openReport := func(user string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			signInActions(base, user, testPassword),
			chromedp.WaitVisible(chromedp.CSS(`.site-header__account`)),
			chromedp.Navigate(base+path),
			chromedp.WaitVisible(chromedp.CSS(`h1.page-title`)),
		)
	}
	act := func(action string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(acceptConfirm(), clickAndLoad(chromedp.CSS(`form[action$="/`+action+`"] button`)))
	}
	// The irreversible steps answer with the server's confirmation page.
	confirm := clickAndLoad(chromedp.CSS(`form.confirm-step button[type=submit]`))
	// Saved: the last save answered and nothing typed since is waiting.
	waitSaved := into(new(bool), chromedp.Poll[bool](`document.getElementById("save-status").textContent.indexOf("Đã lưu") >= 0 &&
		!document.querySelector("form[data-autosave][data-unsaved]")`))
	var drill, consolidated, noReason, statusLine, returnedInside string
	run(t, ctx,
		openReport("nhaplieu.nhatrang"),
		chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{filled}),
		clickAndLoad(chromedp.CSS(`form[action$="/import"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="`+path+`"] button`)),
		shots.take("excel-preview"),
		clickAndLoad(chromedp.CSS(`form[action="`+path+`"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.1"]`), "1.000"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.2"]`), "250"),
		waitSaved,
		shots.take("typed"),
		act("submit"),
		shots.take("submitted"),
		signOutActions(),

		openReport("lanhdao.nhatrang"),
		seen(t, "report awaiting approval (approve)"),
		// No reason: the server asks for one, beside the field.
		act("return-internal"),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm-step`)),
		confirm,
		chromedp.WaitVisible(chromedp.ID("reason-error")),
		into(&noReason, chromedp.Text(chromedp.CSS(`.error-summary`))),
		shots.take("return-without-reason"),
		seen(t, "confirm return (no reason)"),
		chromedp.SendKeys(chromedp.ID("reason"), "Số lượt khám chưa khớp sổ theo dõi"),
		confirm,
		chromedp.WaitVisible(chromedp.ID("returned-inside")),
		shots.take("returned-internally"),
		signOutActions(),

		openReport("nhaplieu.nhatrang"),
		into(&statusLine, chromedp.Text(chromedp.CSS(`main .tag`))),
		into(&returnedInside, chromedp.Text(chromedp.ID("returned-inside"))),
		shots.take("returned-internally-clerk"),
		seen(t, "report returned internally (enter)"),
		chromedp.Clear(chromedp.CSS(`[id="v.b1.r2.2"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.2"]`), "260"),
		waitSaved,
		act("submit"),
		signOutActions(),

		openReport("lanhdao.nhatrang"),
		act("approve"),
		shots.take("ready-to-sign"),
		act("sign"),
		shots.take("signed"),
		signOutActions(),

		openReport("vanthu.nhatrang"),
		act("seal"),
		shots.take("sealed"),
		act("send"),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm-step`)),
		shots.take("confirm-send"),
		seen(t, "confirm send"),
		confirm,
		shots.take("sent"),
		signOutActions(),

		openReport("tonghop.syte"),
		shots.take("received"),
		chromedp.SendKeys(chromedp.ID("reason-return"), "Cột (2) dòng Số lượt khám chưa đúng"),
		chromedp.Click(chromedp.CSS(`form[action$="/return"] details summary`)),
		// The rows are a searchable list of checkboxes.
		chromedp.SendKeys(chromedp.CSS(`#mark_rows .picker__filter`), "kham"),
		into(new(bool), chromedp.Poll[bool](`document.querySelector('input[name="mark_rows"][value="b1|r3"]').closest('.checkbox').hidden`)),
		chromedp.Click(chromedp.CSS(`input[name="mark_rows"][value="b1|r2"]`)),
		seen(t, "report sent (receiver, marking rows)"),
		chromedp.SendKeys(chromedp.ID("mark_cols"), "2"),
		act("return"),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm-step`)),
		shots.take("confirm-return"),
		seen(t, "confirm return (receiver)"),
		confirm,
		signOutActions(),

		openReport("nhaplieu.nhatrang"),
		chromedp.WaitVisible(chromedp.CSS(`.grid__cell--marked`)),
		shots.take("returned-by-department"),
		chromedp.Clear(chromedp.CSS(`[id="v.b1.r2.2"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.2"]`), "270"),
		waitSaved,
		act("submit"),
		signOutActions(),
		openReport("lanhdao.nhatrang"),
		act("approve"),
		act("sign"),
		signOutActions(),
		openReport("vanthu.nhatrang"),
		act("seal"),
		act("send"),
		confirm,
		signOutActions(),

		openReport("tonghop.syte"),
		act("accept"),
		chromedp.Navigate(base+"/received/"+strconv.FormatInt(period, 10)),
		chromedp.WaitVisible(chromedp.CSS(`table.grid`)),
		into(&consolidated, chromedp.Text(chromedp.CSS(`table.grid`))),
		shots.take("consolidated"),
		seen(t, "received period: board and consolidation (consolidate)"),
		clickAndLoad(chromedp.CSS(`table.grid a[href*="row=r2&col=2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main table`)),
		into(&drill, chromedp.Text(chromedp.CSS(`main`))),
		shots.take("drill-down"),
		seen(t, "drill-down (consolidate)"),
	)
	if !strings.Contains(noReason, "Nhập lý do trả lại") {
		t.Errorf("a return without a reason says %q", noReason)
	}
	if statusLine != "Lãnh đạo trả lại" || !strings.Contains(returnedInside, "Số lượt khám chưa khớp sổ theo dõi") {
		t.Errorf("after the leader's return the clerk sees %q and %q", statusLine, returnedInside)
	}
	var status string
	var version int
	if err := h.db.QueryRow(h.ctx, `SELECT status, version FROM reports WHERE id = $1`, id).Scan(&status, &version); err != nil || status != "accepted" || version != 2 {
		t.Fatalf("after the journey: %s version %d (%v); want accepted, version 2", status, version, err)
	}
	for _, want := range []string{"1.500", "370"} { // plan 1.000 + 500; done 270 + 100
		if !strings.Contains(consolidated, want) {
			t.Errorf("consolidated form lacks %s", want)
		}
	}
	for _, want := range []string{"Ủy ban nhân dân phường Nha Trang", "Ủy ban nhân dân xã Cam Lâm", "270", "100"} {
		if !strings.Contains(drill, want) {
			t.Errorf("drill-down lacks %q", want)
		}
	}
	var capCuu float64
	if err := h.db.QueryRow(h.ctx, `SELECT num FROM report_values WHERE report_id = $1 AND row_key = 'r3' AND col_code = '1'`, id).Scan(&capCuu); err != nil || capCuu != 200 {
		t.Errorf("the figure from Excel: %v %v", capCuu, err)
	}
}
