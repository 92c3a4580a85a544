package notify_test

import (
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"baocao/internal/events"
	"baocao/internal/reports"
)

// TestQuestionsNotifyBothSides: a receiver's question on a cell reaches
// the reporting unit's clerks (not its leader), and the unit's answer
// reaches the official who asked, each linking to the cell.
func TestQuestionsNotifyBothSides(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	enter := f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	leader := f.account("lanhdao.syte", "so-y-te", "user", "approve")
	asker := f.account("tonghop.vp", "vp-ubnd", "user", "consolidate")
	other := f.account("lanhdao.vp", "vp-ubnd", "user", "approve")
	id := f.openReports("so-y-te")[0]
	asked := reports.QuestionAsked{QuestionID: 7, ReportID: id, Key: "b1|r2|1", Cell: "Số ca mắc, cột (1)", Text: "Vì sao tăng gấp đôi?", AskerID: asker}
	err := f.db.Tx(f.ctx, func(tx pgx.Tx) error {
		return events.EmitMany(f.ctx, tx, asked, reports.QuestionAnswered{QuestionID: 7, ReportID: id, Key: "b1|r2|1", Cell: asked.Cell,
			Text: "Do dịch sốt xuất huyết ở phường Tây Nha Trang.", AskerID: asker})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.service()
	f.waitFor("both notifications", func() bool {
		return f.count(`SELECT count(*) FROM notifications WHERE kind IN ('question_asked', 'question_answered')`) == 2
	})
	link := "/reports/" + strconv.FormatInt(id, 10) + "/cell?key=b1%7Cr2%7C1"
	if n := f.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'question_asked' AND link = $2
		AND body LIKE '%đề nghị giải trình ô Số ca mắc, cột (1)%(báo cáo không bị trả lại): Vì sao tăng gấp đôi?'`, enter, link); n != 1 {
		t.Errorf("the clerk got %d question notifications", n)
	}
	if n := f.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'question_answered' AND link = $2
		AND body LIKE '%Do dịch sốt xuất huyết ở phường Tây Nha Trang.'`, asker, link); n != 1 {
		t.Errorf("the asker got %d answer notifications", n)
	}
	if n := f.count(`SELECT count(*) FROM notifications WHERE account_id = ANY($1) AND kind LIKE 'question%'`, []int64{leader, other}); n != 0 {
		t.Errorf("the unit's leader and the asker's colleague got %d question notifications, want none", n)
	}
}
