package reports

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/decimal"
	"baocao/internal/events"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// Action is a step of a report's life (SPEC §4).
type Action string

const (
	Submit         Action = "submit"          // draft, returned → awaiting approval
	Approve        Action = "approve"         // awaiting approval → approved
	ReturnInternal Action = "return_internal" // awaiting approval, approved → draft
	Sign           Action = "sign"            // approved → signed (the signing service calls it)
	Seal           Action = "seal"            // signed → signed: the clerk put the organisation's seal on (the signing service calls it)
	Send           Action = "send"            // signed → sent
	Accept         Action = "accept"          // sent → accepted
	Return         Action = "return"          // sent → returned
	Supplement     Action = "supplement"      // accepted → draft, a new version ("gửi bổ sung")
)

var transitions = map[Action]struct {
	from   []Status
	to     Status
	reason bool // a reason is required
	name   string
}{
	Submit:         {[]Status{StatusDraft, StatusReturned}, StatusAwaitingApproval, false, "Trình duyệt"},
	Approve:        {[]Status{StatusAwaitingApproval}, StatusApproved, false, "Duyệt"},
	ReturnInternal: {[]Status{StatusAwaitingApproval, StatusApproved}, StatusDraft, true, "Trả lại để sửa"},
	Sign:           {[]Status{StatusApproved}, StatusSigned, false, "Ký số"},
	Seal:           {[]Status{StatusSigned}, StatusSigned, false, "Đóng dấu số"},
	Send:           {[]Status{StatusSigned}, StatusSent, false, "Gửi"},
	Accept:         {[]Status{StatusSent}, StatusAccepted, false, "Tiếp nhận"},
	Return:         {[]Status{StatusSent}, StatusReturned, true, "Trả lại"},
	Supplement:     {[]Status{StatusAccepted}, StatusDraft, false, "Gửi bổ sung"},
}

// ActionName is the action in Vietnamese.
func ActionName(a Action) string { return transitions[a].name }

// Allowed reports whether the report's status lets a happen (the policy
// decides who).
func (r *Report) Allowed(a Action) bool {
	t, ok := transitions[a]
	if !ok {
		return false
	}
	for _, from := range t.from {
		if r.Status == from {
			return true
		}
	}
	return false
}

// EOffice records a report sent through the E-Office fallback channel
// during an outage: the document's number and the date it was sent.
type EOffice struct {
	Number string
	Date   time.Time
}

// Marks are the cells and sections a return points at.
type Marks struct {
	Cells    []string `json:"cells,omitempty"`    // CellKeys
	Sections []string `json:"sections,omitempty"` // section keys
	// All ("trả lại toàn bộ") opens the whole report to correction; else
	// only the cells and sections pointed at may change (Locks).
	All bool `json:"all,omitempty"`
}

// Move applies action a to the report, recording who, when, from where and
// why. Submitting checks the report is complete; sending freezes the
// version and decides whether it is on time.
func (s *Store) Move(ctx context.Context, r *Report, a Action, reason string, marks Marks) error {
	return s.move(ctx, r, a, reason, marks, nil, nil)
}

// MoveWith applies action a like Move and runs also in the same
// transaction, before the move's own checks: signing stores the signed
// document this way, so the status and the document change together.
func (s *Store) MoveWith(ctx context.Context, r *Report, a Action, also func(pgx.Tx) error) error {
	return s.move(ctx, r, a, "", Marks{}, nil, also)
}

// SendViaEOffice sends a signed report that went out through E-Office
// while the system was down; it is on time when the E-Office date falls
// within the grace period of an outage that covered the deadline.
func (s *Store) SendViaEOffice(ctx context.Context, r *Report, e EOffice) error {
	e.Number = vn.Clean(e.Number)
	fields := map[string]string{}
	if e.Number == "" {
		fields["eoffice_number"] = "Nhập số văn bản đã gửi qua E-Office."
	}
	if e.Date.IsZero() || e.Date.After(s.Now()) {
		fields["eoffice_date"] = "Nhập ngày gửi qua E-Office (không sau hôm nay)."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	covered, err := s.OutageCovers(ctx, r.Deadline, e.Date)
	if err != nil {
		return err
	}
	if !covered {
		return apperr.InvalidFields(map[string]string{"eoffice_date": "Chỉ ghi nhận gửi qua E-Office khi hệ thống có sự cố trùng hạn gửi của báo cáo " +
			"(đã được quản trị hệ thống ghi nhận) và ngày gửi nằm trong thời gian sự cố hoặc hạn gửi bù."})
	}
	return s.move(ctx, r, Send, "", Marks{}, &e, nil)
}

// OutageCovers reports whether a recorded outage covered the deadline day
// and, when sent is not zero, whether that day falls between the outage's
// start and the end of its grace period.
func (s *Store) OutageCovers(ctx context.Context, deadline, sent time.Time) (bool, error) {
	day := vn.Day(deadline)
	var ok bool
	err := s.db.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM outages
			WHERE started_at < $1 AND ended_at >= $2
			  AND ($3::timestamptz IS NULL OR ($3 + interval '1 day' > started_at AND $3 <= grace_until)))`,
		day.AddDate(0, 0, 1), day, nullTime(sent)).Scan(&ok)
	return ok, err
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	d := vn.Day(t)
	return &d
}

func (s *Store) move(ctx context.Context, r *Report, a Action, reason string, marks Marks, eoffice *EOffice, also func(pgx.Tx) error) error {
	t, ok := transitions[a]
	if !ok {
		return apperr.New(apperr.Invalid, "Thao tác không hợp lệ.")
	}
	if !r.Allowed(a) {
		return apperr.New(apperr.Conflict, "Báo cáo đang ở trạng thái "+r.Status.Label()+" nên không thể "+vn.LowerFirst(t.name)+".")
	}
	reason = vn.Clean(reason)
	if t.reason && reason == "" {
		return apperr.InvalidFields(map[string]string{"reason": "Nhập lý do để đơn vị biết cần sửa gì."})
	}
	if len([]rune(reason)) > 2000 {
		return apperr.InvalidFields(map[string]string{"reason": "Lý do không được dài quá 2.000 ký tự."})
	}
	if a == Submit {
		if problems, err := s.Check(ctx, r); err != nil {
			return err
		} else if len(problems) > 0 {
			return &IncompleteError{Problems: problems}
		}
	}
	now := s.Now()
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		// A submission is of exactly the content that was checked: a save
		// landing in between makes it a conflict.
		var revision *int
		if a == Submit {
			revision = &r.Revision
		}
		// The report's row is locked first and its status changed last:
		// the change fires the consolidation's upkeep (sending and
		// accepting add the report's figures to its receiver's totals,
		// rows every report of that receiver and period shares), whose
		// locks are then held for the commit only, not for the checks
		// and writes in between (the signatures' verification above all).
		var found bool
		err := tx.QueryRow(ctx, `SELECT true FROM reports WHERE id = $1 AND status = $2 AND ($3::int IS NULL OR revision = $3) FOR UPDATE`,
			r.ID, r.Status, revision).Scan(&found)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.Conflict, "Báo cáo vừa được người khác chuyển trạng thái. Hãy tải lại trang.")
		}
		if err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if err := signedEnough(ctx, tx, r, a, eoffice != nil); err != nil {
			return err
		}
		version := r.Version
		switch a {
		case Send:
			sentAt := now
			if eoffice != nil {
				sentAt = vn.Day(eoffice.Date).Add(12 * time.Hour) // the day it left by E-Office
			}
			late, err := lateAt(ctx, tx, r.Deadline, sentAt)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE reports SET sent_at = $2, late = $3 WHERE id = $1`, r.ID, sentAt, late); err != nil {
				return err
			}
			if eoffice != nil {
				if _, err := tx.Exec(ctx, `UPDATE reports SET via_eoffice = true, eoffice_number = $2, eoffice_date = $3 WHERE id = $1`,
					r.ID, eoffice.Number, eoffice.Date); err != nil {
					return err
				}
			}
			if err := snapshot(ctx, tx, r.ID, version); err != nil {
				return err
			}
		case Return:
			raw, _ := json.Marshal(marks)
			if _, err := tx.Exec(ctx, `UPDATE report_snapshots SET marks = $3 WHERE report_id = $1 AND version = $2`, r.ID, version, raw); err != nil {
				return err
			}
		case Submit:
			if r.Status == StatusReturned {
				version++ // the corrected report is a new version
			}
		case Supplement:
			version++
			if _, err := tx.Exec(ctx, `UPDATE reports SET supplementary = true WHERE id = $1`, r.ID); err != nil {
				return err
			}
		}
		if version != r.Version {
			if _, err := tx.Exec(ctx, `UPDATE reports SET version = $2 WHERE id = $1`, r.ID, version); err != nil {
				return err
			}
		}
		actor := audit.ActorFrom(ctx)
		detail, _ := json.Marshal(marks)
		if _, err := tx.Exec(ctx, `
			INSERT INTO report_events (report_id, actor_id, actor_name, action, from_status, to_status, version, reason, ip, detail)
			VALUES ($1, nullif($2, 0), $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.ID, actor.AccountID, actor.Name, string(a), r.Status, t.to, version, reason, actor.IP, detail); err != nil {
			return err
		}
		if err := events.Emit(ctx, tx, Moved{ReportID: r.ID, Action: a, Version: version, Reason: reason, ActorID: actor.AccountID}); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "report." + string(a), ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"from": r.Status, "to": t.to, "reason": reason}}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE reports SET status = $2, updated_at = now() WHERE id = $1`, r.ID, t.to)
		return err
	})
}

// signedEnough refuses signing without a signed document, sending
// without the organisation's seal (unless it went by E-Office during an
// outage, signed outside) and accepting an unsigned report (QĐ 2838 Điều
// 7.3). The documents package verifies the signatures themselves.
func signedEnough(ctx context.Context, tx pgx.Tx, r *Report, a Action, viaEOffice bool) error {
	var stages []string
	var msg string
	switch {
	case a == Sign:
		stages, msg = []string{"personal", "organisation"}, "Báo cáo chưa có chữ ký số của lãnh đạo."
	case a == Seal:
		stages, msg = []string{"organisation"}, "Báo cáo chưa được đóng dấu số."
	case a == Send && !viaEOffice:
		stages, msg = []string{"organisation"}, "Báo cáo chưa được ký số của cơ quan (đóng dấu số) nên chưa gửi được."
	case a == Accept && !r.ViaEOffice:
		stages, msg = []string{"organisation"}, "Báo cáo chưa có đủ chữ ký số nên không tiếp nhận được."
	default:
		return nil
	}
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_documents WHERE report_id = $1 AND version = $2 AND stage = ANY($3))`,
		r.ID, r.Version, stages).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.Conflict, msg)
	}
	return nil
}

// IncompleteError lists why a report cannot be submitted yet.
type IncompleteError struct{ Problems []Problem }

func (e *IncompleteError) Error() string { return "report incomplete" }

// Check lists what keeps the report from being submitted: required cells
// and sections left blank, and every problem of its values.
func (s *Store) Check(ctx context.Context, r *Report) ([]Problem, error) {
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	c, err := s.Content(ctx, r)
	if err != nil {
		return nil, err
	}
	return Problems(tpl, c), nil
}

// Problems lists what keeps content from being submitted: required cells
// and sections left blank, and every problem of its values.
func Problems(tpl *forms.Template, c *Content) []Problem {
	var problems []Problem
	for _, sec := range tpl.Outline {
		if sec.Required && stripTags(c.Sections[sec.Key]) == "" {
			problems = append(problems, Problem{"section|" + sec.Key, "Mục " + sec.Number + " " + sec.Heading + " là bắt buộc."})
		}
	}
	problems = append(problems, sectionSizeProblems(tpl, c)...)
	problems = append(problems, figureProblems(tpl, c)...)
	for key, col := range inputCells(tpl) {
		v := c.Values[key]
		_, isNumber := c.Numbers[key]
		switch {
		case v == "" && col.Required:
			problems = append(problems, Problem{key, "Ô bắt buộc, chưa nhập."})
		case v != "" && col.Type != forms.Text && !isNumber:
			msg := "Phải là một số. " + decimal.Hint
			if _, err := decimal.Parse(v); err != nil {
				msg = err.Error()
			} else if decimal.Ambiguous(v) {
				msg = decimal.AmbiguousMessage(v)
			}
			problems = append(problems, Problem{key, msg})
		case isNumber:
			if msg := col.Check(c.Numbers[key]); msg != "" {
				problems = append(problems, Problem{key, msg})
			}
		}
	}
	return problems
}

// lateAt decides whether a report sent at now misses its deadline: it is
// on time until the end of the deadline day, or within the grace period of
// an outage that covered the deadline (QĐ 2838 Điều 7.4).
func lateAt(ctx context.Context, tx pgx.Tx, deadline, now time.Time) (bool, error) {
	endOfDeadline := vn.Day(deadline).AddDate(0, 0, 1)
	if now.Before(endOfDeadline) {
		return false, nil
	}
	var graced bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outages WHERE started_at < $1 AND ended_at >= $2 AND grace_until >= $3)`,
		endOfDeadline, vn.Day(deadline), now).Scan(&graced)
	return !graced, err
}

// snapshot freezes the report's content as version.
func snapshot(ctx context.Context, tx pgx.Tx, reportID int64, version int) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO report_snapshots (report_id, version, content)
		SELECT $1, $2, jsonb_build_object(
			'values', coalesce((SELECT jsonb_object_agg(form_key || '|' || row_key || '|' || col_code, coalesce(num::text, txt))
			                    FROM report_values WHERE report_id = $1), '{}'),
			'sections', coalesce((SELECT jsonb_object_agg(section_key, html) FROM report_sections WHERE report_id = $1), '{}'),
			'notes', coalesce((SELECT jsonb_object_agg(form_key || '|' || row_key || '|' || col_code, body)
			                   FROM report_notes WHERE report_id = $1), '{}'))
		ON CONFLICT (report_id, version) DO UPDATE SET content = EXCLUDED.content, created_at = now()`, reportID, version)
	return err
}

// Event is a step in a report's history.
type Event struct {
	At       time.Time
	Actor    string
	Action   Action
	From, To string
	Version  int
	Reason   string
	IP       string
}

// History lists a report's steps, oldest first.
func (s *Store) History(ctx context.Context, reportID int64) ([]Event, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT e.at, coalesce(a.full_name, e.actor_name), e.action, e.from_status, e.to_status, e.version, e.reason, e.ip
		FROM report_events e LEFT JOIN accounts a ON a.id = e.actor_id
		WHERE e.report_id = $1 ORDER BY e.at, e.id`, reportID)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Event])
}

var tags = regexp.MustCompile(`<[^>]*>`)

// stripTags is the visible text of sanitised HTML, trimmed.
func stripTags(html string) string {
	return strings.TrimSpace(strings.ReplaceAll(tags.ReplaceAllString(html, ""), "&nbsp;", " "))
}
