package web

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/decimal"
	"baocao/internal/reports"
	"baocao/internal/seed"
)

// demoHealthReport gives the harness the demo's health regime with its
// past (accepted months since 7/2025) and opens this month; it returns
// phường Nha Trang's report of this month and the figures it sent last
// month, by row.
func (h *harness) demoHealthReport(t *testing.T) (*reports.Report, map[string]decimal.Decimal) {
	t.Helper()
	if err := seed.Catalog(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	if err := seed.DemoRegimes(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.DemoHistory(h.ctx, h.db, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.reports.OpenDue(h.ctx); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := h.db.QueryRow(h.ctx, `SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		JOIN units u ON u.id = r.unit_id WHERE g.name = $1 AND u.key = $2 AND r.status = 'draft' ORDER BY p.end_date DESC LIMIT 1`,
		seed.HealthRegime, seed.DemoCommune).Scan(&id); err != nil {
		t.Fatal(err)
	}
	rep, err := h.s.reports.Report(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := h.db.Query(h.ctx, `SELECT v.row_key, v.num::text FROM report_values v JOIN reports x ON x.id = v.report_id
		JOIN periods p ON p.id = x.period_id WHERE x.unit_id = $1 AND p.regime_id = $2 AND p.end_date < $3 AND v.col_code = '1'
		  AND p.end_date = (SELECT max(end_date) FROM periods WHERE regime_id = $2 AND end_date < $3)`, rep.UnitID, rep.RegimeID, rep.Start)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]decimal.Decimal{}
	for rows.Next() {
		var row, num string
		if err := rows.Scan(&row, &num); err != nil {
			t.Fatal(err)
		}
		last[row] = decimal.MustParse(num)
	}
	if len(last) != 9 {
		t.Fatalf("last month's figures: %v", last)
	}
	return rep, last
}

// TestBrowserFiguresAReceiverCanTrust is issue 18's journey: the clerk's
// draft has two figures ten times the commune's usual; both are flagged
// with the reason in words; the clerk explains one on its cell's page
// (which shows its history) and the other when submitting; the document
// and the workbook carry the explanations; the department sees the
// flagged cells first, returns only one row; the clerk may change only
// that row; the department's next view starts at it, old → new.
func TestBrowserFiguresAReceiverCanTrust(t *testing.T) {
	h := newHarness(t)
	rep, last := h.demoHealthReport(t)
	h.account("nhaplieu.nhatrang", seed.DemoCommune, accounts.User, accounts.Enter)
	leader := h.account("lanhdao.nhatrang", seed.DemoCommune, accounts.User, accounts.Approve)
	h.account("vanthu.nhatrang", seed.DemoCommune, accounts.User, accounts.Send)
	receiver := h.account("tonghop.syte", seed.DemoDepartment, accounts.User, accounts.Consolidate)
	h.certify([]*accounts.Account{leader}, seed.DemoCommune)

	// The clerk's autosaved draft: last month's figures, but visits and
	// e-health records typed with a zero too many.
	values := map[string]string{}
	for row, x := range last {
		values["b1|"+row+"|1"] = x.Format()
	}
	visits, _ := last["r1"].Mul(decimal.FromInt(10))
	records, _ := last["r7"].Mul(decimal.FromInt(10))
	values["b1|r1|1"], values["b1|r7|1"] = visits.Format(), records.Format()
	ctx := audit.WithActor(h.ctx, audit.Actor{Name: "Cán bộ nhaplieu.nhatrang"})
	if _, _, err := h.s.reports.Save(ctx, rep, reports.Draft{Values: values, Source: reports.SourceAutosave,
		Sections: map[string]string{"s1": "<p>Trạm y tế phường duy trì khám chữa bệnh, tiêm chủng mở rộng và kiểm tra an toàn thực phẩm.</p>"}}, 0); err != nil {
		t.Fatal(err)
	}

	base := h.browser(t).base
	bctx := startBrowser(t)
	shots := newScreenshots(t)
	path := reportPath(rep.ID)
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
	// retype replaces a cell's figure as an official selecting it and typing would.
	retype := func(id, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			into(new(any), chromedp.Evaluate[any](`(() => { const el = document.getElementById(`+strconv.Quote(id)+`); el.focus(); el.select(); })()`)),
			chromedp.KeyEvent("\b"),
			chromedp.SendKeys(chromedp.CSS(`[id="`+id+`"]`), value),
		)
	}
	confirm := clickAndLoad(chromedp.CSS(`form.confirm-step button[type=submit]`))
	waitSaved := into(new(bool), chromedp.Poll[bool](`document.getElementById("save-status").textContent.indexOf("Đã lưu") >= 0 &&
		!document.querySelector("form[data-autosave][data-unsaved]")`))
	pregnant, _ := last["r4"].Mul(decimal.FromInt(1000))
	var typedFlag, afterFix, savedStatus string
	var keptFlag bool
	var marked int
	var flagged, history, note, explain, receiverFlags, locked, returned string
	var r1Editable, r7Editable bool
	question := "Số trẻ được tiêm chủng đầy đủ giảm so với tháng trước, đề nghị giải trình."
	answer := "Một số trẻ chuyển tiêm tại bệnh viện tỉnh, đã có danh sách đối chiếu."
	var asked, answered string
	run(t, bctx,
		openReport("nhaplieu.nhatrang"),
		chromedp.WaitVisible(chromedp.ID("flagged-cells")),
		into(&flagged, chromedp.Text(chromedp.ID("flagged-cells"))),
		chromedp.ScrollIntoView(chromedp.CSS(`[id="v.b1.r1.1"]`)),
		shots.take("flagged-cells"),
		seen(t, "report with flagged cells (enter)"),
		// Typing a figure far off marks it as soon as the autosave answers.
		retype("v.b1.r4.1", pregnant.Format()),
		waitSaved,
		into(new(bool), chromedp.Poll[bool](`document.getElementById("v.b1.r4.1").closest("td").classList.contains("grid__cell--flagged")`)),
		into(&typedFlag, chromedp.Evaluate[string](`document.getElementById("v.b1.r4.1").title`)),
		// The autosave judged the cell it changed; the cells flagged when
		// the page loaded keep their marks, and the status line counts all.
		into(&keptFlag, chromedp.Evaluate[bool](`document.getElementById("v.b1.r1.1").closest("td").classList.contains("grid__cell--flagged")`)),
		into(&savedStatus, chromedp.Text(chromedp.ID("save-status"))),
		into(&marked, chromedp.Evaluate[int](`document.querySelectorAll("td.grid__cell--flagged").length`)),
		shots.take("flagged-on-entry"),
		retype("v.b1.r4.1", last["r4"].Format()),
		waitSaved,
		into(new(bool), chromedp.Poll[bool](`!document.getElementById("v.b1.r4.1").closest("td").classList.contains("grid__cell--flagged")`)),
		clickAndLoad(chromedp.CSS(`#flagged-cells a[href$="b1|r1|1"], #flagged-cells a[href$="b1%7Cr1%7C1"]`)),
		chromedp.WaitVisible(chromedp.ID("note")),
		chromedp.SendKeys(chromedp.ID("note"), "Tăng do khám sàng lọc cho học sinh toàn phường đầu năm học."),
		submitAndLoad(chromedp.ID("note")),
		chromedp.WaitVisible(chromedp.CSS(`main table`)),
		into(&history, chromedp.Text(chromedp.CSS(`main`))),
		into(&note, chromedp.Evaluate[string](`document.getElementById("note").value`)),
		shots.take("cell-page"),
		seen(t, "a cell's page: explanation and history (enter)"),
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"] button`)),
		act("submit"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="note.b1|r7|1"]`)),
		into(&explain, chromedp.Text(chromedp.CSS(`main`))),
		shots.take("explain-before-submit"),
		seen(t, "explanations asked before submitting (enter)"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="note.b1|r7|1"]`), "Chiến dịch lập hồ sơ sức khỏe điện tử cho toàn bộ người cao tuổi."),
		submitAndLoad(chromedp.CSS(`textarea[name="note.b1|r7|1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1.page-title`)),
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
		chromedp.WaitVisible(chromedp.ID("flagged-cells")),
		into(&receiverFlags, chromedp.Text(chromedp.ID("flagged-cells"))),
		shots.take("receiver-sees-flagged-first"),
		seen(t, "report sent with flagged, explained cells (receiver)"),
		chromedp.SendKeys(chromedp.ID("reason-return"), "Số lượt khám tháng này gấp 10 lần tháng trước, đề nghị kiểm tra lại dòng 1."),
		chromedp.Click(chromedp.CSS(`form[action$="/return"] details summary`)),
		chromedp.Click(chromedp.CSS(`input[name="mark_rows"][value="b1|r1"]`)),
		chromedp.SendKeys(chromedp.ID("mark_cols"), "1"),
		act("return"),
		chromedp.WaitVisible(chromedp.CSS(`form.confirm-step`)),
		confirm,
		signOutActions(),

		openReport("nhaplieu.nhatrang"),
		chromedp.WaitVisible(chromedp.ID("returned-cells")),
		into(&locked, chromedp.Text(chromedp.ID("returned-cells"))),
		into(&r1Editable, chromedp.Evaluate[bool](`document.querySelector('input[id="v.b1.r1.1"]') !== null`)),
		into(&r7Editable, chromedp.Evaluate[bool](`document.querySelector('input[id="v.b1.r7.1"]') !== null`)),
		shots.take("selectively-unlocked"),
		seen(t, "report returned for one cell (enter)"),
		retype("v.b1.r1.1", last["r1"].Format()),
		waitSaved,
		// Submitted through the form itself: the sticky save bar may cover the button.
		submitAndLoad(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`h1.page-title`)),
		shots.take("corrected-submitted"),
		into(&afterFix, chromedp.Text(chromedp.CSS(`main`))),
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
		chromedp.WaitVisible(chromedp.ID("returned-cells")),
		into(&returned, chromedp.Text(chromedp.ID("returned-cells"))),
		shots.take("receiver-old-new"),
		seen(t, "corrected report back (receiver)"),

		// A question without a return: the department asks about a cell
		// of the sent report; the clerk answers it on the cell.
		chromedp.Navigate(base+cellPath(rep.ID, "b1|r3|1")),
		chromedp.WaitVisible(chromedp.ID("question")),
		chromedp.SendKeys(chromedp.ID("question"), question),
		submitAndLoad(chromedp.ID("question")),
		chromedp.WaitVisible(chromedp.CSS(`.question--open`)),
		signOutActions(),
		openReport("nhaplieu.nhatrang"),
		chromedp.WaitVisible(chromedp.CSS(`#questions a[href*="r3"]`)),
		clickAndLoad(chromedp.CSS(`#questions a[href*="r3"]`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="answer"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="answer"]`), answer),
		submitAndLoad(chromedp.CSS(`textarea[name="answer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="answer"]`)),
		into(&asked, chromedp.Text(chromedp.CSS(`.question`))),
		into(&answered, chromedp.Evaluate[string](`document.querySelector('textarea[name="answer"]').value`)),
		chromedp.ScrollIntoView(chromedp.CSS(`.question`)),
		shots.take("question-answered"),
		seen(t, "a cell's question and its answer (enter)"),
	)
	if !strings.Contains(asked, question) || answered != answer {
		t.Errorf("the unit's cell page: question %q, answer %q", asked, answered)
	}
	after, _ := h.s.reports.Report(h.ctx, rep.ID)
	if after.Status != reports.StatusSent {
		t.Errorf("after a question and its answer the report is %s", after.Status)
	}
	for _, want := range []string{"Số lượt khám bệnh tại trạm y tế", "Số người dân được lập hồ sơ sức khỏe điện tử", "lần cùng kỳ năm trước"} {
		if !strings.Contains(flagged, want) {
			t.Errorf("flagged cells do not say %q:\n%s", want, flagged)
		}
	}
	if !keptFlag {
		t.Error("the autosave unmarked r1.1, flagged when the page loaded and not changed since")
	}
	if want := " · " + strconv.Itoa(marked) + " ô khác thường so với các kỳ trước"; marked < 2 || !strings.HasSuffix(savedStatus, want) {
		t.Errorf("after the autosave %d cells are marked and the status says %q, want it to end %q", marked, savedStatus, want)
	}
	if !strings.Contains(typedFlag, "Khác thường: gấp") {
		t.Errorf("a figure typed ×1000: title %q", typedFlag)
	}
	if !strings.Contains(history, "tự động lưu") || !strings.Contains(history, visits.Format()) || !strings.Contains(note, "Tăng do khám sàng lọc") {
		t.Errorf("the cell's page lacks its history or explanation:\n%s", history)
	}
	if !strings.Contains(explain, "Số người dân được lập hồ sơ sức khỏe điện tử") || strings.Contains(explain, "Số lượt khám bệnh tại trạm y tế:") {
		t.Errorf("the question before submitting should list only the unexplained flagged cell:\n%s", explain)
	}
	for _, want := range []string{"Tăng do khám sàng lọc", "Chiến dịch lập hồ sơ"} {
		if !strings.Contains(receiverFlags, want) {
			t.Errorf("the receiver does not see the explanation %q:\n%s", want, receiverFlags)
		}
	}
	if !strings.Contains(afterFix, "Chờ duyệt") {
		t.Errorf("after the corrected submission:\n%s", afterFix)
	}
	if !r1Editable || r7Editable {
		t.Errorf("after returning row 1 only: row 1 editable %v (want true), row 6 editable %v (want false)\n%s", r1Editable, r7Editable, locked)
	}
	if !strings.Contains(returned, visits.Format()) || !strings.Contains(returned, last["r1"].Format()) {
		t.Errorf("the receiver's view of the corrected cell lacks old → new (%s → %s):\n%s", visits.Format(), last["r1"].Format(), returned)
	}

	// The consolidation's drill-down shows the unit's explanation beside
	// its figure, and the question asked with its answer; the period's
	// board lists the open question.
	cookie, _ := h.sessionFor(receiver)
	drill := h.do(http.MethodGet, "/received/"+itoa64(rep.PeriodID)+"/cell?form=b1&row=r7&col=1&sent=1", cookie, nil)
	if body := drill.Body.String(); !strings.Contains(body, "Chiến dịch lập hồ sơ sức khỏe điện tử cho toàn bộ người cao tuổi.") ||
		!strings.Contains(body, "row--flagged") || !strings.Contains(body, "lần cùng kỳ năm trước") {
		t.Errorf("drill-down (%d) lacks the unit's flag or its explanation", drill.Code)
	}
	drill = h.do(http.MethodGet, "/received/"+itoa64(rep.PeriodID)+"/cell?form=b1&row=r3&col=1&sent=1", cookie, nil)
	if !strings.Contains(drill.Body.String(), question) || !strings.Contains(drill.Body.String(), answer) {
		t.Errorf("drill-down (%d) lacks the question and its answer", drill.Code)
	}
	if board := h.do(http.MethodGet, "/received/"+itoa64(rep.PeriodID), cookie, nil).Body.String(); !strings.Contains(board, "Đề nghị giải trình đang mở (1)") || !strings.Contains(board, answer) {
		t.Errorf("the board does not list the open question")
	}

	// The workbook carries the explanations as cell comments.
	rec := h.do(http.MethodGet, path+"/forms/b1/xlsx", cookie, nil)
	book, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	comments, _ := book.GetComments(book.GetSheetName(0))
	var texts []string
	for _, c := range comments {
		for _, p := range c.Paragraph {
			texts = append(texts, p.Text)
		}
	}
	if all := strings.Join(texts, " "); !strings.Contains(all, "Tăng do khám sàng lọc") || !strings.Contains(all, "Chiến dịch lập hồ sơ") {
		t.Errorf("workbook comments: %q", all)
	}
	dir := filepath.Join("..", "var", "screenshots", t.Name())
	_ = os.WriteFile(filepath.Join(dir, "report.xlsx"), rec.Body.Bytes(), 0o644)

	// The signed document carries them as numbered notes under the table.
	rec = h.do(http.MethodGet, path+"/pdf", cookie, nil)
	pdfPath := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(pdfPath, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"Giải trình số liệu của đơn vị:", "(1) Dòng 1 Số lượt khám bệnh tại trạm y tế, cột (1): Tăng do khám sàng lọc",
			"(2) Dòng 6 Số người dân được lập hồ sơ sức khỏe điện tử, cột (1): Chiến dịch lập hồ sơ", last["r1"].Format() + " (1)"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
		_ = exec.Command("pdftoppm", "-png", "-r", "70", pdfPath, filepath.Join(dir, "report-page")).Run()
	}
}
