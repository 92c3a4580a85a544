package consolidation

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/holidays"
	"baocao/internal/periods"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// States of a unit on the board, as the receiver reads them.
const (
	NotSent  = "Chưa gửi"     // missing or not yet sent, deadline not passed
	Overdue  = "Quá hạn"      // not sent and the deadline has passed
	Sent     = "Đã gửi"       // sent on time, waiting to be accepted
	SentLate = "Gửi muộn"     // sent after the deadline, waiting to be accepted
	Returned = "Bị trả lại"   // returned to the unit
	Accepted = "Đã tiếp nhận" // accepted: counts in consolidation
)

// States lists the board's states in the order the board shows them.
var States = []string{NotSent, Overdue, Sent, SentLate, Returned, Accepted}

// UnitStatus is one line of the board: a unit that reports the period to
// the receiver.
type UnitStatus struct {
	UnitID   int64
	Unit     string
	ReportID int64          // 0 when the report is missing
	Status   reports.Status // "" when missing
	Missing  bool           // assigned and in force during the period, but no report exists
	Deadline time.Time
	SentAt   time.Time // zero until sent
	Late     bool      // sent after the deadline (decided at sending)
	// Supplementary: a new version sent after acceptance (gửi bổ sung).
	Supplementary bool
	State         string // one of States
}

// Board lists every unit that reports period periodID to receiverUnitID:
// those with a report addressed to it, and those assigned to it and in
// force during the period whose report does not exist (Missing), sorted by
// name. today decides whether an unsent report is overdue: a report is on
// time through its deadline day.
func Board(ctx context.Context, q database.Querier, periodID, receiverUnitID int64, today time.Time) ([]UnitStatus, error) {
	var end time.Time
	err := q.QueryRow(ctx, `SELECT end_date FROM periods WHERE id = $1`, periodID).Scan(&end)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy kỳ báo cáo.")
	}
	if err != nil {
		return nil, err
	}
	// The missing reports are found as the period opener would create them:
	// each unit's assignment in force during the period (the open one when an
	// old one ended during it), confirmed, of a unit that owes the period
	// (unit_owes_report: not closed before it began, nor during it into
	// successors).
	rows, _ := q.Query(ctx, `
		WITH p AS (SELECT regime_id, start_date, end_date FROM periods WHERE id = $1),
		due AS (
			SELECT DISTINCT ON (a.unit_id) a.unit_id, a.receiver_unit_id, a.regime_id, a.level
			FROM assignments a
			JOIN p ON a.regime_id = p.regime_id
			JOIN units u ON u.id = a.unit_id
			WHERE a.confirmed_at IS NOT NULL
			  AND a.valid_from <= p.end_date AND (a.valid_to IS NULL OR a.valid_to >= p.start_date)
			  AND unit_owes_report(u.id, u.valid_to, p.start_date, p.end_date)
			ORDER BY a.unit_id, a.valid_to DESC NULLS FIRST, a.id DESC
		)
		SELECT * FROM (
			SELECT u.id AS unit_id, u.name, rp.id, rp.status, rp.deadline, rp.sent_at, rp.late, rp.supplementary,
			       NULL::int AS working_days, NULL::int AS fixed_day
			FROM reports rp
			JOIN units u ON u.id = rp.unit_id
			CROSS JOIN p
			WHERE rp.period_id = $1 AND rp.receiver_unit_id = $2
			  -- a draft left by a unit that no longer owes the period (closed into successors) is not on the board
			  AND (rp.sent_at IS NOT NULL OR unit_owes_report(u.id, u.valid_to, p.start_date, p.end_date))
			UNION ALL
			SELECT u.id, u.name, NULL, NULL, NULL, NULL, false, false, d.working_days, d.fixed_day
			FROM due
			JOIN units u ON u.id = due.unit_id
			LEFT JOIN regime_deadlines d ON d.regime_id = due.regime_id AND d.level = due.level
			WHERE due.receiver_unit_id = $2
			  AND NOT EXISTS (SELECT 1 FROM reports x WHERE x.period_id = $1 AND x.unit_id = due.unit_id)
		) board
		ORDER BY name COLLATE "vi-VN-x-icu", unit_id`, periodID, receiverUnitID)
	var (
		list                  []UnitStatus
		missing               = map[int]periods.Rule{} // index in list → deadline rule of its level
		reportID              *int64
		status                *string
		deadline, sentAt      *time.Time
		workingDays, fixedDay *int
	)
	for rows.Next() {
		var s UnitStatus
		if err := rows.Scan(&s.UnitID, &s.Unit, &reportID, &status, &deadline, &sentAt, &s.Late, &s.Supplementary,
			&workingDays, &fixedDay); err != nil {
			rows.Close()
			return nil, err
		}
		if reportID == nil {
			s.Missing = true
			missing[len(list)] = periods.StoredRule(workingDays, fixedDay)
		} else {
			s.ReportID, s.Status, s.Deadline = *reportID, reports.Status(*status), vn.Day(*deadline)
			if sentAt != nil {
				s.SentAt = *sentAt
			}
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		// A missing report is due when it would have been due had it been
		// created: the rule of its level, counted from the end of the period.
		cal, err := holidays.Calendar(ctx, q)
		if err != nil {
			return nil, err
		}
		p := periods.Period{End: vn.Day(end)}
		for i, rule := range missing {
			list[i].Deadline = rule.Deadline(p, cal)
		}
	}
	day := vn.Today(today)
	for i := range list {
		list[i].State = State(list[i], day)
	}
	return list, nil
}

// State derives the board's state of a line on day: from its Status,
// Late and Deadline (a missing report has no Status).
func State(s UnitStatus, day time.Time) string {
	switch s.Status {
	case reports.StatusSent:
		if s.Late {
			return SentLate
		}
		return Sent
	case reports.StatusReturned:
		return Returned
	case reports.StatusAccepted:
		return Accepted
	}
	// Missing, or still inside the unit (draft, awaiting approval, approved, signed).
	if day.After(s.Deadline) {
		return Overdue
	}
	return NotSent
}

// Count tallies the lines of a board by state; every state has an entry.
func Count(list []UnitStatus) map[string]int {
	counts := make(map[string]int, len(States))
	for _, s := range States {
		counts[s] = 0
	}
	for _, s := range list {
		counts[s.State]++
	}
	return counts
}
