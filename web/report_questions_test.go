package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestQuestionsOverHTTP: the receiver asks about a cell of a sent report
// without returning it, the unit sees the question on the cell and
// answers it, the period's board lists it while open, the receiver closes
// it; bad input and the wrong people are refused, changing nothing.
func TestQuestionsOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	clerk := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	otherClerk := h.account("nhaplieu.camlam", "xa-22453", accounts.User, accounts.Enter)
	rc, rcsrf := h.sessionFor(receiver)
	cc, ccsrf := h.sessionFor(clerk)
	oc, ocsrf := h.sessionFor(otherClerk)
	ask := func(key, question string) (int, string) {
		rec := h.do(http.MethodPost, reportPath(id)+"/questions", rc, url.Values{"csrf_token": {rcsrf}, "key": {key}, "question": {question}})
		return rec.Code, rec.Body.String()
	}
	// A draft is not the receiver's yet: the policy refuses.
	if code, _ := ask("b1|r2|1", "Vì sao tăng?"); code != http.StatusForbidden {
		t.Errorf("asking on a draft: %d, want 403", code)
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, question, want string }{
		{"b1|r2|1", "", "Hãy nhập nội dung đề nghị giải trình."},
		{"b1|r2|1", strings.Repeat("Vì sao ", 72), "Nội dung đề nghị giải trình không được dài quá 500 ký tự (đang có 503 ký tự)."},
		{"b1|r9|1", "Dòng nào?", "không thuộc biểu mẫu"},
	} {
		if code, body := ask(c.key, c.question); code != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
			t.Errorf("asking %.20q on %s: %d, want 422 with %q", c.question, c.key, code, c.want)
		}
	}
	// Neither the reporting unit nor another unit asks.
	for _, who := range []struct {
		c    *http.Cookie
		csrf string
	}{{cc, ccsrf}, {oc, ocsrf}} {
		rec := h.do(http.MethodPost, reportPath(id)+"/questions", who.c, url.Values{"csrf_token": {who.csrf}, "key": {"b1|r2|1"}, "question": {"?"}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("a question by a non-receiver: %d", rec.Code)
		}
	}
	if qs, _ := h.s.reports.Questions(h.ctx, id); len(qs) != 0 {
		t.Fatalf("refused questions were kept: %+v", qs)
	}
	if code, _ := ask("b1|r2|1", "Số lượt khám tăng gấp đôi, đề nghị giải trình."); code != http.StatusSeeOther {
		t.Fatalf("a good question: %d", code)
	}
	qs, _ := h.s.reports.Questions(h.ctx, id)
	if len(qs) != 1 {
		t.Fatalf("questions = %+v", qs)
	}
	qpath := reportPath(id) + "/questions/" + strconv.FormatInt(qs[0].ID, 10)
	// The unit sees it on its report and on the cell, with a box to answer.
	if page := h.do(http.MethodGet, reportPath(id), cc, nil).Body.String(); !strings.Contains(page, "grid__cell--asked") ||
		!strings.Contains(page, "Đề nghị giải trình của cơ quan nhận (1 đang mở)") {
		t.Errorf("the report page does not show the question to the unit")
	}
	cell := h.do(http.MethodGet, cellPath(id, "b1|r2|1"), cc, nil).Body.String()
	if !strings.Contains(cell, "Số lượt khám tăng gấp đôi, đề nghị giải trình.") || !strings.Contains(cell, qpath+"/answer") {
		t.Errorf("the unit's cell page has no question to answer")
	}
	answer := func(c *http.Cookie, csrf, text string) (int, string) {
		rec := h.do(http.MethodPost, qpath+"/answer", c, url.Values{"csrf_token": {csrf}, "key": {"b1|r2|1"}, "answer": {text}})
		return rec.Code, rec.Body.String()
	}
	if code, body := answer(cc, ccsrf, " "); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy nhập nội dung trả lời.") {
		t.Errorf("an empty answer: %d", code)
	}
	if code, _ := answer(oc, ocsrf, "Trả lời hộ"); code != http.StatusForbidden {
		t.Errorf("an answer by another unit: %d", code)
	}
	// The question of one report is not answered through another.
	otherReport := h.report("xa-22453", "so-y-te")
	rec := h.do(http.MethodPost, reportPath(otherReport)+"/questions/"+strconv.FormatInt(qs[0].ID, 10)+"/answer", oc,
		url.Values{"csrf_token": {ocsrf}, "key": {"b1|r2|1"}, "answer": {"Trả lời hộ"}})
	if rec.Code != http.StatusNotFound {
		t.Errorf("answering through another report: %d", rec.Code)
	}
	if qs, _ := h.s.reports.Questions(h.ctx, id); qs[0].Answered() {
		t.Fatalf("a refused answer was kept: %+v", qs[0])
	}
	// Answered on a sent report, which the unit cannot edit: the status stays.
	if code, _ := answer(cc, ccsrf, "Do chiến dịch khám sàng lọc tại trường học."); code != http.StatusSeeOther {
		t.Fatalf("a good answer: %d", code)
	}
	rep, _ := h.s.reports.Report(h.ctx, id)
	if rep.Status != "sent" {
		t.Errorf("after the answer the report is %s", rep.Status)
	}
	// The board of the period lists it while open, with the answer.
	board := "/received/" + strconv.FormatInt(rep.PeriodID, 10)
	if page := h.do(http.MethodGet, board, rc, nil).Body.String(); !strings.Contains(page, "Đề nghị giải trình đang mở (1)") ||
		!strings.Contains(page, "Do chiến dịch khám sàng lọc tại trường học.") {
		t.Errorf("the board does not list the open question")
	}
	if rec := h.do(http.MethodPost, qpath+"/close", cc, url.Values{"csrf_token": {ccsrf}, "key": {"b1|r2|1"}}); rec.Code != http.StatusForbidden {
		t.Errorf("the unit closing the question: %d", rec.Code)
	}
	if rec := h.do(http.MethodPost, qpath+"/close", rc, url.Values{"csrf_token": {rcsrf}, "key": {"b1|r2|1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("closing: %d", rec.Code)
	}
	if page := h.do(http.MethodGet, board, rc, nil).Body.String(); strings.Contains(page, "Đề nghị giải trình đang mở") {
		t.Errorf("the board still lists a closed question")
	}
	if code, _ := answer(cc, ccsrf, "Bổ sung"); code != http.StatusConflict {
		t.Errorf("answering a closed question: %d", code)
	}
}
