package reports

import (
	"baocao/internal/holidays"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/periods"
	"baocao/internal/vn"
)

// PastReport is a report of a past period that WritePast is telling.
type PastReport struct {
	ID, UnitID, ReceiverID int64
	UnitKey                string
	Level                  int
	Period                 periods.Period
	Deadline               time.Time
}

// PastOutcome is how a past report went.
type PastOutcome struct {
	Values   []PastValue
	SentAt   time.Time // zero: never sent (still a draft, missing)
	Returned string    // the receiver's reason when it was returned once before it was accepted
	EOffice  string    // the E-Office document number when it left by the fallback channel
	// Names of the officials who entered, approved, sent and received it.
	Clerk, Leader, Sender, Receiver string
}

// PastValue is one number of a past report as a decimal literal
// ("1234.5"); Computed marks formula cells.
type PastValue struct {
	Form, Row, Col, Num string
	Computed            bool
}

// WritePast gives a regime the past periods it would have had since
// since: their reports, with the values, the history and the outcome that
// tell returns, each report's outcome in order of period, then level, then
// unit. It is meant for a demo province, writes everything set-based in
// one transaction, notifies nobody, and does nothing when the regime has
// any past period already. It returns how many reports it wrote.
func (s *Store) WritePast(ctx context.Context, regimeID int64, since time.Time, tell func(PastReport) PastOutcome) (int, error) {
	today := vn.Today(s.Now())
	written := 0
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		var freq string
		var calendar bool
		var version int64
		err := tx.QueryRow(ctx, `
			SELECT r.frequency, r.calendar_periods,
			       published_template(r.id)
			FROM regimes r WHERE r.id = $1`, regimeID).Scan(&freq, &calendar, &version)
		if err != nil {
			return fmt.Errorf("regime %d: %w", regimeID, err)
		}
		current := periods.Containing(periods.Frequency(freq), calendar, today)
		var past bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM periods WHERE regime_id = $1 AND end_date < $2)`,
			regimeID, current.Start).Scan(&past); err != nil || past {
			return err
		}
		cal, err := holidays.Calendar(ctx, tx)
		if err != nil {
			return err
		}
		var list []periods.Period
		for p := periods.Containing(periods.Frequency(freq), calendar, since); p.Start.Before(current.Start); p = p.Next() {
			if _, err := openPeriod(ctx, tx, regimeID, version, p, cal, false); err != nil {
				return err
			}
			list = append(list, p)
		}
		var b pastBatch
		for _, p := range list {
			rows, _ := tx.Query(ctx, `
				SELECT r.id, r.unit_id, r.receiver_unit_id, coalesce(u.key, ''), r.level, r.deadline
				FROM reports r JOIN periods pe ON pe.id = r.period_id JOIN units u ON u.id = r.unit_id
				WHERE pe.regime_id = $1 AND pe.key = $2 ORDER BY r.level, r.unit_id`, regimeID, p.Key())
			reps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (PastReport, error) {
				r := PastReport{Period: p}
				err := row.Scan(&r.ID, &r.UnitID, &r.ReceiverID, &r.UnitKey, &r.Level, &r.Deadline)
				r.Deadline = vn.Day(r.Deadline)
				return r, err
			})
			if err != nil {
				return err
			}
			for _, r := range reps {
				o := tell(r)
				late := false
				if !o.SentAt.IsZero() {
					if late, err = lateAt(ctx, tx, r.Deadline, o.SentAt); err != nil {
						return err
					}
				}
				b.add(r, o, late)
			}
			written += len(reps)
		}
		return b.write(ctx, tx)
	})
	return written, err
}

// pastBatch collects the rows WritePast writes, column by column.
type pastBatch struct {
	// reports
	id, version     []int64
	status, eoffice []string
	sentAt          []*time.Time
	late            []bool
	// report_values
	vReport                 []int64
	vForm, vRow, vCol, vNum []string
	vComputed               []bool
	// report_events
	eReport, eVersion          []int64
	eAt                        []time.Time
	eName, eAction, eFrom, eTo []string
	eReason                    []string
}

func (b *pastBatch) add(r PastReport, o PastOutcome, late bool) {
	for _, v := range o.Values {
		b.vReport = append(b.vReport, r.ID)
		b.vForm, b.vRow, b.vCol, b.vNum = append(b.vForm, v.Form), append(b.vRow, v.Row), append(b.vCol, v.Col), append(b.vNum, v.Num)
		b.vComputed = append(b.vComputed, v.Computed)
	}
	if o.SentAt.IsZero() {
		return
	}
	event := func(at time.Time, name string, a Action, from, to Status, version int64, reason string) {
		b.eReport, b.eVersion, b.eAt = append(b.eReport, r.ID), append(b.eVersion, version), append(b.eAt, at)
		b.eName, b.eAction, b.eFrom, b.eTo = append(b.eName, name), append(b.eAction, string(a)), append(b.eFrom, string(from)), append(b.eTo, string(to))
		b.eReason = append(b.eReason, reason)
	}
	sent := o.SentAt
	version := int64(1)
	first := sent
	if o.Returned != "" {
		first = sent.Add(-72 * time.Hour)
	}
	event(first.Add(-26*time.Hour), o.Clerk, Submit, StatusDraft, StatusAwaitingApproval, 1, "")
	event(first.Add(-22*time.Hour), o.Leader, Approve, StatusAwaitingApproval, StatusApproved, 1, "")
	event(first.Add(-21*time.Hour), o.Leader, Sign, StatusApproved, StatusSigned, 1, "")
	if o.Returned != "" {
		event(first, o.Sender, Send, StatusSigned, StatusSent, 1, "")
		event(first.Add(20*time.Hour), o.Receiver, Return, StatusSent, StatusReturned, 1, o.Returned)
		version = 2
		event(sent.Add(-6*time.Hour), o.Clerk, Submit, StatusReturned, StatusAwaitingApproval, 2, "")
		event(sent.Add(-4*time.Hour), o.Leader, Approve, StatusAwaitingApproval, StatusApproved, 2, "")
		event(sent.Add(-3*time.Hour), o.Leader, Sign, StatusApproved, StatusSigned, 2, "")
	}
	event(sent, o.Sender, Send, StatusSigned, StatusSent, version, "")
	event(sent.Add(26*time.Hour), o.Receiver, Accept, StatusSent, StatusAccepted, version, "")
	at := sent
	b.id, b.version, b.status, b.eoffice = append(b.id, r.ID), append(b.version, version), append(b.status, string(StatusAccepted)), append(b.eoffice, o.EOffice)
	b.sentAt, b.late = append(b.sentAt, &at), append(b.late, late)
}

func (b *pastBatch) write(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `
		INSERT INTO report_values (report_id, form_key, row_key, col_code, num, computed)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::boolean[])`,
		b.vReport, b.vForm, b.vRow, b.vCol, b.vNum, b.vComputed); err != nil {
		return fmt.Errorf("past values: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		UPDATE reports r SET status = x.status, version = x.version, sent_at = x.sent_at, late = x.late,
		       via_eoffice = x.eoffice <> '', eoffice_number = x.eoffice,
		       eoffice_date = CASE WHEN x.eoffice <> '' THEN (x.sent_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date END,
		       saved_at = x.sent_at - interval '1 day', updated_at = x.sent_at + interval '26 hours'
		FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::boolean[], $6::text[])
		     AS x (id, version, status, sent_at, late, eoffice)
		WHERE r.id = x.id`, b.id, b.version, b.status, b.sentAt, b.late, b.eoffice); err != nil {
		return fmt.Errorf("past reports: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO report_events (report_id, at, actor_name, action, from_status, to_status, version, reason)
		SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])`,
		b.eReport, b.eAt, b.eName, b.eAction, b.eFrom, b.eTo, b.eVersion, b.eReason); err != nil {
		return fmt.Errorf("past events: %w", err)
	}
	// The sent versions as frozen copies; a returned first version is
	// kept with the same figures (the demo's corrections are in words).
	if _, err := tx.Exec(ctx, `
		INSERT INTO report_snapshots (report_id, version, content, created_at)
		SELECT r.id, v.version, jsonb_build_object(
			'values', coalesce((SELECT jsonb_object_agg(form_key || '|' || row_key || '|' || col_code, coalesce(num::text, txt))
			                    FROM report_values WHERE report_id = r.id), '{}'),
			'sections', '{}'::jsonb), r.sent_at
		FROM reports r CROSS JOIN LATERAL generate_series(1, r.version) AS v (version)
		WHERE r.id = ANY ($1)`, b.id); err != nil {
		return fmt.Errorf("past snapshots: %w", err)
	}
	return nil
}
