package reports

import (
	"baocao/internal/holidays"
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/periods"
	"baocao/internal/vn"
)

// Summary is a report as listed under "Báo cáo của tôi".
type Summary struct {
	ID          int64
	RegimeID    int64
	Regime      string
	PeriodLabel string
	Start, End  time.Time
	Deadline    time.Time
	Status      Status
	Receiver    string
}

// Done reports whether the report has left the unit.
func (s Summary) Done() bool { return s.Status == StatusSent || s.Status == StatusAccepted }

// DaysLeft counts calendar days from today to the deadline (negative when late).
func (s Summary) DaysLeft(today time.Time) int {
	return int(s.Deadline.Sub(today).Hours() / 24)
}

// Window is the cut-off window as dd/mm/yyyy – dd/mm/yyyy.
func (s Summary) Window() string { return vn.Date(s.Start) + " – " + vn.Date(s.End) }

// Upcoming is a period that will open for the unit.
type Upcoming struct {
	RegimeID int64
	Regime   string
	Period   periods.Period
	Deadline time.Time
}

// Mine lists the unit's reports: those still to do (open and overdue)
// and those of the last periods, newest period first.
func (s *Store) Mine(ctx context.Context, unitID int64) ([]Summary, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT rp.id, g.id, g.name, p.label, p.start_date, p.end_date, rp.deadline, rp.status, ru.name
		FROM reports rp
		JOIN periods p ON p.id = rp.period_id
		JOIN regimes g ON g.id = p.regime_id
		JOIN units ru ON ru.id = rp.receiver_unit_id
		WHERE rp.unit_id = $1
		ORDER BY p.end_date DESC, g.name COLLATE "vi-VN-x-icu"
		LIMIT 200`, unitID)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Summary, error) {
		var r Summary
		err := row.Scan(&r.ID, &r.RegimeID, &r.Regime, &r.PeriodLabel, &r.Start, &r.End, &r.Deadline, &r.Status, &r.Receiver)
		r.Start, r.End, r.Deadline = vn.Day(r.Start), vn.Day(r.End), vn.Day(r.Deadline)
		return r, err
	})
}

// UpcomingFor lists the next period of every regime the unit is assigned,
// with the deadline it will have.
func (s *Store) UpcomingFor(ctx context.Context, unitID int64) ([]Upcoming, error) {
	today := vn.Today(s.Now())
	cal, err := holidays.Calendar(ctx, s.db)
	if err != nil {
		return nil, err
	}
	rows, _ := s.db.Query(ctx, `
		SELECT g.id, g.name, g.frequency, g.calendar_periods, d.working_days, d.fixed_day
		FROM assignments a
		JOIN regimes g ON g.id = a.regime_id
		LEFT JOIN regime_deadlines d ON d.regime_id = g.id AND d.level = a.level
		WHERE a.unit_id = $1 AND a.confirmed_at IS NOT NULL AND (a.valid_to IS NULL OR a.valid_to >= $2)
		  AND g.retired_at IS NULL AND g.frequency <> 'ad_hoc'
		ORDER BY g.name COLLATE "vi-VN-x-icu"`, unitID, today)
	type row struct {
		ID                    int64
		Name, Frequency       string
		Calendar              bool
		WorkingDays, FixedDay *int
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return nil, err
	}
	var out []Upcoming
	for _, r := range list {
		next := periods.Containing(periods.Frequency(r.Frequency), r.Calendar, today).Next()
		out = append(out, Upcoming{RegimeID: r.ID, Regime: r.Name, Period: next, Deadline: periods.StoredRule(r.WorkingDays, r.FixedDay).Deadline(next, cal)})
	}
	return out, nil
}

// UnitSummary is a report listed with its unit.
type UnitSummary struct {
	Summary
	UnitID int64
	Unit   string
}

// SentBy lists the reports units sent (at least once), newest period
// first: the past of old units a new one reads (issue 17).
func (s *Store) SentBy(ctx context.Context, units []int64) ([]UnitSummary, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT rp.id, g.id, g.name, p.label, p.start_date, p.end_date, rp.deadline, rp.status, ru.name, u.id, u.name
		FROM reports rp
		JOIN periods p ON p.id = rp.period_id
		JOIN regimes g ON g.id = p.regime_id
		JOIN units ru ON ru.id = rp.receiver_unit_id
		JOIN units u ON u.id = rp.unit_id
		WHERE rp.unit_id = ANY($1) AND rp.sent_at IS NOT NULL
		ORDER BY p.end_date DESC, g.name COLLATE "vi-VN-x-icu", u.name COLLATE "vi-VN-x-icu"
		LIMIT 1000`, units)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (UnitSummary, error) {
		var r UnitSummary
		err := row.Scan(&r.ID, &r.RegimeID, &r.Regime, &r.PeriodLabel, &r.Start, &r.End, &r.Deadline, &r.Status, &r.Receiver, &r.UnitID, &r.Unit)
		r.Start, r.End, r.Deadline = vn.Day(r.Start), vn.Day(r.End), vn.Day(r.Deadline)
		return r, err
	})
}
