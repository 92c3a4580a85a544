package reports_test

import (
	"context"
	"strings"
	"testing"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/decimal"
	"baocao/internal/reports"
)

// TestQuestionsWithoutAReturn: the receiver asks about a cell of a sent
// report, the unit answers, the receiver closes; the report's figures,
// status and revision never change, and bad input is refused with a
// message naming the field, changing nothing.
func TestQuestionsWithoutAReturn(t *testing.T) {
	t.Parallel()
	db, s, draft := demoReport(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "Trần Văn Tổng Hợp"})
	if _, _, err := s.Save(ctx, draft, reports.Draft{Values: map[string]string{"b1|r1|1": "1.234"}}, 0); err != nil {
		t.Fatal(err)
	}
	draft, _ = s.Report(ctx, draft.ID)
	msg := func(err error) string {
		return apperr.Message(err) + " " + strings.Join(mapValues(apperr.FieldErrors(err)), " ")
	}
	if _, err := s.Ask(ctx, draft, "b1|r1|1", "Vì sao tăng?"); apperr.Code(err) != apperr.Conflict || !strings.Contains(msg(err), "đã gửi hoặc đã tiếp nhận") {
		t.Errorf("asking on a draft: %v", err)
	}
	if _, err := db.Exec(ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, draft.ID); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Report(ctx, draft.ID)
	for _, c := range []struct{ key, body, field, want string }{
		{"b1|r1|1", "   ", "question", "Hãy nhập nội dung đề nghị giải trình."},
		{"b1|r1|1", strings.Repeat("ắ", reports.MaxQuestion+1), "question", "Nội dung đề nghị giải trình không được dài quá 500 ký tự (đang có 501 ký tự)."},
		{"b1|r99|1", "Dòng nào?", "", "không thuộc biểu mẫu"},
	} {
		_, err := s.Ask(ctx, r, c.key, c.body)
		if got := msg(err); !strings.Contains(got, c.want) || (c.field != "" && apperr.FieldErrors(err)[c.field] == "") {
			t.Errorf("Ask(%s, %.20q) = %q, want %q on %q", c.key, c.body, got, c.want, c.field)
		}
	}
	if qs, _ := s.Questions(ctx, r.ID); len(qs) != 0 {
		t.Fatalf("refused questions were kept: %+v", qs)
	}
	id, err := s.Ask(ctx, r, "b1|r1|1", "Số ca mắc tăng gấp đôi tháng trước, đề nghị giải trình.")
	if err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenQuestions(ctx, r.PeriodID, r.ReceiverUnitID)
	if err != nil || len(open) != 1 || open[0].ID != id || open[0].Unit != r.Unit || open[0].Key != "b1|r1|1" {
		t.Fatalf("open questions of the period = %+v, %v", open, err)
	}
	for _, c := range []struct{ body, want string }{
		{"", "Hãy nhập nội dung trả lời."},
		{strings.Repeat("a", reports.MaxQuestion+1), "Nội dung trả lời không được dài quá 500 ký tự"},
	} {
		if err := s.AnswerQuestion(ctx, r, id, c.body); apperr.FieldErrors(err)["answer"] == "" || !strings.Contains(msg(err), c.want) {
			t.Errorf("answer %.20q: %v (%s)", c.body, err, msg(err))
		}
	}
	// Another unit's report does not hold this question.
	var otherID int64
	if err := db.QueryRow(ctx, `SELECT id FROM reports WHERE period_id = $1 AND id <> $2 ORDER BY id LIMIT 1`, r.PeriodID, r.ID).Scan(&otherID); err != nil {
		t.Fatal(err)
	}
	other, _ := s.Report(ctx, otherID)
	if err := s.AnswerQuestion(ctx, other, id, "Trả lời hộ"); apperr.Code(err) != apperr.NotFound {
		t.Errorf("answering another report's question: %v", err)
	}
	if err := s.AnswerQuestion(ctx, r, id, "Do dịch sốt xuất huyết bùng phát ở tổ dân phố 3."); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseQuestion(ctx, other, id); apperr.Code(err) != apperr.NotFound {
		t.Errorf("closing through another report: %v", err)
	}
	if err := s.CloseQuestion(ctx, r, id); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerQuestion(ctx, r, id, "Bổ sung"); apperr.Code(err) != apperr.Conflict {
		t.Errorf("answering a closed question: %v", err)
	}
	qs, err := s.Questions(ctx, r.ID)
	if err != nil || len(qs) != 1 || qs[0].Open() || qs[0].Answer != "Do dịch sốt xuất huyết bùng phát ở tổ dân phố 3." ||
		qs[0].AskedBy != "Trần Văn Tổng Hợp" || qs[0].AnsweredAt.IsZero() {
		t.Fatalf("questions = %+v, %v", qs, err)
	}
	if open, _ := s.OpenQuestions(ctx, r.PeriodID, r.ReceiverUnitID); len(open) != 0 {
		t.Errorf("a closed question is still open on the board: %+v", open)
	}
	after, _ := s.Report(ctx, r.ID)
	content, _ := s.Content(ctx, after)
	if after.Status != reports.StatusSent || after.Revision != r.Revision || after.Version != r.Version || content.Values["b1|r1|1"] != "1.234" {
		t.Errorf("the report changed: %+v, b1|r1|1 = %q", after, content.Values["b1|r1|1"])
	}
	var audited, queued int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE object_id = $1 AND action IN ('report.question', 'report.question.answer', 'report.question.close')`, r.ID).Scan(&audited); err != nil || audited != 3 {
		t.Errorf("%d question audit events, %v; want 3", audited, err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('report_question_asked', 'report_question_answered')`).Scan(&queued); err != nil || queued != 2 {
		t.Errorf("%d question events queued, %v; want 2", queued, err)
	}
}

// TestCellFlagsOfADrillDown: in a consolidation's drill-down each unit's
// figure is judged against its own history: a unit's ×10 is flagged with
// the reason in words, another unit's usual figure is not.
func TestCellFlagsOfADrillDown(t *testing.T) {
	t.Parallel()
	db, s, r := demoReport(t)
	ctx := context.Background()
	usual := map[int64]string{}
	rows, _ := db.Query(ctx, `SELECT x.unit_id, v.num::text FROM report_values v JOIN reports x ON x.id = v.report_id JOIN periods p ON p.id = x.period_id
		WHERE p.regime_id = $1 AND p.key = '2026-M11' AND x.status = 'accepted' AND v.form_key = 'b1' AND v.row_key = 'r1' AND v.col_code = '1'
		ORDER BY x.unit_id <> $2, x.unit_id LIMIT 2`, r.RegimeID, r.UnitID)
	for rows.Next() {
		var unit int64
		var num string
		if err := rows.Scan(&unit, &num); err != nil {
			t.Fatal(err)
		}
		usual[unit] = num
	}
	if len(usual) != 2 || usual[r.UnitID] == "" {
		t.Fatalf("November figures = %v", usual)
	}
	figures := map[int64]decimal.Decimal{}
	var other int64
	for unit, num := range usual {
		figures[unit] = mustDecimal(t, num)
		if unit != r.UnitID {
			other = unit
		}
	}
	figures[r.UnitID], _ = figures[r.UnitID].Mul(mustDecimal(t, "10"))
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := s.CellFlags(ctx, r.PeriodID, tpl, "b1|r1|1", figures)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := flags[r.UnitID]; !ok || !strings.Contains(f.Reason, "lần cùng kỳ năm trước") {
		t.Errorf("the unit's ×10: %+v", flags)
	}
	if _, ok := flags[other]; ok {
		t.Errorf("another unit's usual figure flagged: %+v", flags[other])
	}
	if flags, _ := s.CellFlags(ctx, r.PeriodID, tpl, "b1|r5|2", figures); len(flags) != 0 {
		t.Errorf("a computed cell judged: %+v", flags)
	}
}
