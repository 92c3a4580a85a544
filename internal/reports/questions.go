package reports

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/events"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// Questions without a return (issue 18, "Đề nghị giải trình"): the
// receiving unit asks about a cell of a report sent to it, the reporting
// unit answers on the cell, the receiver closes the question. None of it
// changes the report's figures or its status. Who may ask, answer and
// close is the policy's (ReceiveReport, EditReport); the store checks the
// report's status, the cell and the question.

// MaxQuestion is the longest question or answer, in characters.
const MaxQuestion = 500

// Question is a receiver's question about one cell of a report, with the
// unit's answer once given.
type Question struct {
	ID         int64
	ReportID   int64
	Key        string // CellKey
	Body       string
	AskedBy    string
	AskedAt    time.Time
	Answer     string // "" until answered
	AnsweredBy string
	AnsweredAt time.Time
	ClosedAt   time.Time // zero while open
}

// Open reports whether the receiver has not closed the question.
func (q Question) Open() bool { return q.ClosedAt.IsZero() }

// Answered reports whether the unit has answered.
func (q Question) Answered() bool { return q.Answer != "" }

// QuestionAsked is a receiver's question on a report; QuestionAnswered
// the unit's answer to it. Both are events (internal/events) carrying
// what their notifications say: the cell in words, the text, the account
// that asked (0: none).
type QuestionAsked struct {
	QuestionID int64  `json:"question_id"`
	ReportID   int64  `json:"report_id"`
	Key        string `json:"key"`  // CellKey
	Cell       string `json:"cell"` // the cell in words
	Text       string `json:"text"`
	AskerID    int64  `json:"asker_id,omitempty"`
}

func (QuestionAsked) Kind() string { return "report_question_asked" }

type QuestionAnswered QuestionAsked

func (QuestionAnswered) Kind() string { return "report_question_answered" }

// checkText refuses an empty or over-long text, naming the field.
func checkText(field, label, text string) (string, error) {
	text = vn.Clean(text)
	if text == "" {
		return "", apperr.InvalidFields(map[string]string{field: "Hãy nhập " + vn.LowerFirst(label) + "."})
	}
	if n := utf8.RuneCountInString(text); n > MaxQuestion {
		return "", apperr.InvalidFields(map[string]string{field: label + " không được dài quá " + vn.Int(MaxQuestion) +
			" ký tự (đang có " + vn.Int(int64(n)) + " ký tự)."})
	}
	return text, nil
}

// Ask records the receiver's question about a cell (typed or computed)
// of a sent or accepted report, and tells the reporting unit.
func (s *Store) Ask(ctx context.Context, r *Report, key, body string) (int64, error) {
	body, err := checkText("question", "Nội dung đề nghị giải trình", body)
	if err != nil {
		return 0, err
	}
	if r.Status != StatusSent && r.Status != StatusAccepted {
		return 0, apperr.New(apperr.Conflict, "Báo cáo đang ở trạng thái "+r.Status.Label()+
			": chỉ đề nghị giải trình được trên báo cáo đã gửi hoặc đã tiếp nhận.")
	}
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return 0, err
	}
	if !IsCell(tpl, key) {
		return 0, apperr.New(apperr.Invalid, "Ô được chọn không thuộc biểu mẫu của báo cáo này.")
	}
	actor := audit.ActorFrom(ctx)
	form, row, col := splitKey(key)
	var id int64
	err = s.db.Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `
			INSERT INTO report_questions (report_id, form_key, row_key, col_code, body, asked_by, asked_by_name)
			VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7) RETURNING id`,
			r.ID, form, row, col, body, actor.AccountID, actor.Name).Scan(&id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "report.question", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"question_id": id, "cell": CellName(tpl, key), "question": body}}); err != nil {
			return err
		}
		return events.Emit(ctx, tx, QuestionAsked{QuestionID: id, ReportID: r.ID, Key: key, Cell: CellName(tpl, key), Text: body, AskerID: actor.AccountID})
	})
	return id, err
}

// AnswerQuestion records the reporting unit's answer to an open question
// on its report r (a question of another report is refused), whatever the
// report's status: the answer changes no figure. Answering again replaces
// the answer.
func (s *Store) AnswerQuestion(ctx context.Context, r *Report, questionID int64, body string) error {
	body, err := checkText("answer", "Nội dung trả lời", body)
	if err != nil {
		return err
	}
	q, err := s.reportQuestion(ctx, r, questionID)
	if err != nil {
		return err
	}
	if !q.Open() {
		return apperr.New(apperr.Conflict, "Cơ quan nhận đã đóng đề nghị giải trình này nên không trả lời được nữa.")
	}
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return err
	}
	asker, err := s.questionAsker(ctx, q.ID)
	if err != nil {
		return err
	}
	actor := audit.ActorFrom(ctx)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE report_questions SET answer = $2, answered_by = nullif($3, 0), answered_by_name = $4, answered_at = now()
			WHERE id = $1`, q.ID, body, actor.AccountID, actor.Name); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "report.question.answer", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"question_id": q.ID, "cell": CellName(tpl, q.Key), "answer": body}}); err != nil {
			return err
		}
		return events.Emit(ctx, tx, QuestionAnswered{QuestionID: q.ID, ReportID: r.ID, Key: q.Key, Cell: CellName(tpl, q.Key), Text: body, AskerID: asker})
	})
}

// CloseQuestion is the receiver's end of a question on r: answered
// enough, or no longer needed.
func (s *Store) CloseQuestion(ctx context.Context, r *Report, questionID int64) error {
	q, err := s.reportQuestion(ctx, r, questionID)
	if err != nil {
		return err
	}
	if !q.Open() {
		return apperr.New(apperr.Conflict, "Đề nghị giải trình này đã được đóng.")
	}
	actor := audit.ActorFrom(ctx)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE report_questions SET closed_by = nullif($2, 0), closed_at = now() WHERE id = $1`,
			q.ID, actor.AccountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "report.question.close", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"question_id": q.ID}})
	})
}

// reportQuestion is the question questionID of report r.
func (s *Store) reportQuestion(ctx context.Context, r *Report, questionID int64) (Question, error) {
	list, err := s.questions(ctx, `q.id = $1 AND q.report_id = $2`, questionID, r.ID)
	if err != nil {
		return Question{}, err
	}
	if len(list) == 0 {
		return Question{}, apperr.New(apperr.NotFound, "Không có đề nghị giải trình này trên báo cáo.")
	}
	return list[0], nil
}

// Questions lists the questions on a report, oldest first.
func (s *Store) Questions(ctx context.Context, reportID int64) ([]Question, error) {
	return s.questions(ctx, `q.report_id = $1`, reportID)
}

// questionAsker is the account that asked question id (0 when the system did).
func (s *Store) questionAsker(ctx context.Context, id int64) (int64, error) {
	var by *int64
	err := s.db.QueryRow(ctx, `SELECT asked_by FROM report_questions WHERE id = $1`, id).Scan(&by)
	if errors.Is(err, pgx.ErrNoRows) || by == nil {
		return 0, nil
	}
	return *by, err
}

func (s *Store) questions(ctx context.Context, where string, args ...any) ([]Question, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT q.id, q.report_id, q.form_key, q.row_key, q.col_code, q.body, q.asked_by_name, q.asked_at,
		       coalesce(q.answer, ''), q.answered_by_name, q.answered_at, q.closed_at
		FROM report_questions q WHERE `+where+` ORDER BY q.id`, args...)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Question, error) {
		var q Question
		var form, rw, col string
		var answeredAt, closedAt *time.Time
		err := row.Scan(&q.ID, &q.ReportID, &form, &rw, &col, &q.Body, &q.AskedBy, &q.AskedAt, &q.Answer, &q.AnsweredBy, &answeredAt, &closedAt)
		q.Key = forms.CellKey(form, rw, col)
		if answeredAt != nil {
			q.AnsweredAt = *answeredAt
		}
		if closedAt != nil {
			q.ClosedAt = *closedAt
		}
		return q, err
	})
}

// OpenQuestion is an open question with the report it is on, for the
// receiving board of a period.
type OpenQuestion struct {
	Question
	Unit string
}

// OpenQuestions lists the open questions on the reports of a period sent
// to a receiving unit, by unit then oldest first.
func (s *Store) OpenQuestions(ctx context.Context, periodID, receiverUnitID int64) ([]OpenQuestion, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT q.id, u.name FROM report_questions q JOIN reports r ON r.id = q.report_id JOIN units u ON u.id = r.unit_id
		WHERE r.period_id = $1 AND r.receiver_unit_id = $2 AND q.closed_at IS NULL
		ORDER BY u.name COLLATE "vi-VN-x-icu", q.id`, periodID, receiverUnitID)
	type idUnit struct {
		id   int64
		unit string
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (idUnit, error) {
		var x idUnit
		return x, row.Scan(&x.id, &x.unit)
	})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, x := range list {
		ids[i] = x.id
	}
	qs, err := s.questions(ctx, `q.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]Question{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	out := make([]OpenQuestion, len(list))
	for i, x := range list {
		out[i] = OpenQuestion{Question: byID[x.id], Unit: x.unit}
	}
	return out, nil
}

// CellQuestions lists the questions on one cell of several reports (a
// consolidation's drill-down), by report id.
func (s *Store) CellQuestions(ctx context.Context, reportIDs []int64, key string) (map[int64][]Question, error) {
	form, row, col := splitKey(key)
	list, err := s.questions(ctx, `q.report_id = ANY($1) AND q.form_key = $2 AND q.row_key = $3 AND q.col_code = $4`, reportIDs, form, row, col)
	out := map[int64][]Question{}
	for _, q := range list {
		out[q.ReportID] = append(out[q.ReportID], q)
	}
	return out, err
}
