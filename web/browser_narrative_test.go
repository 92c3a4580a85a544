package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"baocao/internal/accounts"
)

// TestBrowserNarrativeFigures: the clerk inserts a figure from the form
// with the keyboard picker, changes the cell and sees the narrative
// follow; asks for the drafted sentences and inserts them; the report is
// submitted, approved, signed, sealed and sent; the PDF (pdftotext) reads
// the same sentences as the sent page.
func TestBrowserNarrativeFigures(t *testing.T) {
	h := newHarness(t)
	id := h.reportWith("xa-22366", "so-y-te", narrativeTemplate())
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	leader := h.account("lanhdao.nhatrang", "xa-22366", accounts.User, accounts.Approve)
	clerk := h.account("vanthu.nhatrang", "xa-22366", accounts.User, accounts.Send)
	h.certify([]*accounts.Account{leader}, "xa-22366")

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
	confirm := clickAndLoad(chromedp.CSS(`form.confirm-step button[type=submit]`))
	waitSaved := into(new(bool), chromedp.Poll[bool](`document.getElementById("save-status").textContent.indexOf("Đã lưu") >= 0 &&
		!document.querySelector("form[data-autosave][data-unsaved]")`))
	editor := `[id="s.s1-editor"]`
	figureText := func(ref string) string {
		return `(document.querySelector('` + editor + ` span[data-figure="` + ref + `"]') || {}).textContent`
	}
	waitFigure := func(ref, text string) chromedp.Action[chromedp.Void] {
		return into(new(bool), chromedp.Poll[bool](figureText(ref)+` === "`+text+`"`))
	}
	choose := func(sel, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.SetValue(chromedp.ID(sel), value),
			into(new(any), chromedp.Evaluate[any](`document.getElementById("`+sel+`").dispatchEvent(new Event("change"))`)))
	}
	var now, sentPage string
	run(t, ctx,
		openReport("nhaplieu.nhatrang"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.1"]`), "10000"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.2"]`), "1234,5"),
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.3"]`), "1000"),
		waitSaved,
		// The keyboard: into the editor, a few words, Ctrl+Shift+F opens the picker.
		chromedp.Click(chromedp.CSS(editor)),
		chromedp.SendKeys(chromedp.CSS(editor), "Trong tháng khám "),
		chromedp.KeyEvent("f", chromedp.KeyModifiers(chromedp.ModifierCtrl|chromedp.ModifierShift)),
		chromedp.WaitVisible(chromedp.CSS(`dialog.figure-dialog[open]`)),
		chromedp.SendKeys(chromedp.ID("figure-find"), "khám"),
		choose("figure-row", "r2"),
		choose("figure-col", "2"),
		into(&now, chromedp.Text(chromedp.ID("figure-now"))),
		shots.take("picker"),
		seenModal(t, "narrative figure picker"),
		chromedp.Click(chromedp.ID("figure-insert")),
		waitFigure("b1|r2|2", "1234,5"),
		chromedp.SendKeys(chromedp.CSS(editor), "lượt, so cùng kỳ "),
		chromedp.KeyEvent("f", chromedp.KeyModifiers(chromedp.ModifierCtrl|chromedp.ModifierShift)),
		chromedp.WaitVisible(chromedp.CSS(`dialog.figure-dialog[open]`)),
		choose("figure-row", "r2"),
		choose("figure-col", "4"),
		chromedp.Click(chromedp.ID("figure-insert")),
		chromedp.KeyEvent(kb.Backspace), // the space after the figure: "210%"
		chromedp.SendKeys(chromedp.CSS(editor), "%."),
		waitSaved,
		// The server's formatting comes back with the autosave.
		waitFigure("b1|r2|2", "1.234,5"),
		waitFigure("b1|r2|4", "123,5"),
		shots.take("inserted"),

		// The cell changes: the narrative follows, the formula cell too.
		into(new(bool), chromedp.Evaluate[bool](`(document.getElementById("v.b1.r2.2").value = "") === ""`)), // what was typed, not the attribute
		chromedp.SendKeys(chromedp.CSS(`[id="v.b1.r2.2"]`), "2100"),
		waitSaved,
		waitFigure("b1|r2|2", "2.100"),
		waitFigure("b1|r2|4", "210"),
		shots.take("followed"),

		// Gợi ý nội dung: shown first, inserted only on the official's click.
		chromedp.Click(chromedp.CSS(`#section-s1 [data-draft-ask]`)),
		chromedp.WaitVisible(chromedp.CSS(`#draft-s1 .draft__text`)),
		shots.take("drafted"),
		seen(t, "narrative drafted sentences"),
		chromedp.Click(chromedp.CSS(`#draft-s1 .btn:not(.btn--secondary)`)),
		into(new(bool), chromedp.Poll[bool](`document.querySelector('`+editor+`').textContent.indexOf("gấp 2,1 lần cùng kỳ năm trước") >= 0`)),
		waitSaved,
		shots.take("draft-inserted"),
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
		chromedp.WaitVisible(chromedp.CSS(`#section-s1 .report-text`)),
		into(&sentPage, chromedp.Text(chromedp.CSS(`#section-s1 .report-text`))),
		shots.take("sent"),
	)
	if !strings.Contains(now, "1.234,5") && !strings.Contains(now, "1234,5") {
		t.Errorf("the picker shows the cell's value: %q", now)
	}
	wantTyped := "Trong tháng khám 2.100 lượt, so cùng kỳ 210%."
	wantDraft := "Số lượt khám bệnh đạt 2.100 lượt, gấp 2,1 lần cùng kỳ năm trước, đạt 21,0% kế hoạch năm."
	flat := strings.Join(strings.Fields(strings.ReplaceAll(sentPage, "\u00a0", " ")), " ")
	for _, want := range []string{wantTyped, wantDraft} {
		if !strings.Contains(flat, want) {
			t.Errorf("the sent page lacks %q:\n%s", want, flat)
		}
	}
	var status string
	if err := h.db.QueryRow(h.ctx, `SELECT status FROM reports WHERE id = $1`, id).Scan(&status); err != nil || status != "sent" {
		t.Fatalf("status %s (%v)", status, err)
	}

	// The PDF prints the figures as plain text: the same sentences.
	code, _, pdf := h.getAs(clerk, path+"/pdf")
	if code != 200 {
		t.Fatalf("pdf: %d", code)
	}
	dir := filepath.Join("..", "var", "screenshots", t.Name())
	file := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	_ = exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", file, filepath.Join(dir, "pdf-page")).Run()
	flatPDF := strings.Join(strings.Fields(strings.ReplaceAll(string(text), "\u00a0", " ")), " ")
	for _, want := range []string{wantTyped, wantDraft} {
		if !strings.Contains(flatPDF, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, flatPDF)
		}
	}
	if strings.Contains(flatPDF, "data-figure") || strings.Contains(flatPDF, "b1|r2") {
		t.Error("the PDF shows a figure's reference")
	}
}

// seenModal is seen() for a page under a modal dialog: the dialog covers
// the grid on purpose, so only axe-core's checks apply.
func seenModal(t *testing.T, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		violations, err := axe(ctx, tg)
		if err != nil {
			return err
		}
		tallyAxe(name, violations)
		for _, v := range violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s", name, fmt.Sprintf("axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", ")))
			}
		}
		return nil
	})
}
