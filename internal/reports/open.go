// Package reports keeps the periods of each regime and the units'
// reports in them. Periods open on their own: a job creates, for every
// confirmed assignment, the report in "Đang soạn" when the period's
// cut-off window begins.
package reports

import (
	"baocao/internal/holidays"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/events"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

// Store reads and changes periods and reports.
type Store struct {
	db    *database.DB
	Now   func() time.Time
	cache templateCache
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db, Now: time.Now} }

// openLock keys the advisory lock that lets one server instance at a time
// open periods.
const openLock = 0x62616f63616f01 // "baocao" + 1

// OpenDue opens the current period of every regime in force that has a
// published template, and creates the missing reports of its confirmed
// assignments. It is idempotent and safe to run on every instance: one
// runs at a time, and the others skip. It returns how many reports it
// created.
func (s *Store) OpenDue(ctx context.Context) (int, error) {
	today := vn.Today(s.Now())
	created := 0
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		var locked bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, openLock).Scan(&locked); err != nil || !locked {
			return err
		}
		cal, err := holidays.Calendar(ctx, tx)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `
			SELECT r.id, r.frequency, r.calendar_periods,
			       published_template(r.id)
			FROM regimes r
			WHERE r.retired_at IS NULL AND r.frequency <> 'ad_hoc'
			  AND published_template(r.id) IS NOT NULL`)
		type due struct {
			ID        int64
			Frequency string
			Calendar  bool
			Version   int64
		}
		regimes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[due])
		if err != nil {
			return err
		}
		for _, r := range regimes {
			p := periods.Containing(periods.Frequency(r.Frequency), r.Calendar, today)
			n, err := openPeriod(ctx, tx, r.ID, r.Version, p, cal, true)
			if err != nil {
				return fmt.Errorf("open %s of regime %d: %w", p.Key(), r.ID, err)
			}
			created += n
		}
		return nil
	})
	return created, err
}

// openPeriod makes sure the period exists (bound to version when it is
// new) and that every assignment in force during it has its report; with
// tell, the units' users are notified of the new reports.
func openPeriod(ctx context.Context, tx pgx.Tx, regimeID, version int64, p periods.Period, cal periods.Calendar, tell bool) (int, error) {
	var periodID int64
	err := tx.QueryRow(ctx, `
		INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (regime_id, key) DO UPDATE SET key = EXCLUDED.key
		RETURNING id`, regimeID, p.Key(), p.Label(), p.Start, p.End, version).Scan(&periodID)
	if err != nil {
		return 0, err
	}
	// One report per unit, from its assignment in force (the open one when
	// an old one ended during the period); units that do not owe the
	// period report nothing: closed before it began, or during it into
	// successors, which report it (unit_owes_report).
	rows, _ := tx.Query(ctx, `
		SELECT DISTINCT ON (a.unit_id) a.id, a.unit_id, a.receiver_unit_id, a.level, d.working_days, d.fixed_day
		FROM assignments a
		JOIN units u ON u.id = a.unit_id
		LEFT JOIN regime_deadlines d ON d.regime_id = a.regime_id AND d.level = a.level
		WHERE a.regime_id = $1 AND a.confirmed_at IS NOT NULL
		  AND a.valid_from <= $3 AND (a.valid_to IS NULL OR a.valid_to >= $2)
		  AND unit_owes_report(u.id, u.valid_to, $2, $3)
		  AND NOT EXISTS (SELECT 1 FROM reports x WHERE x.period_id = $4 AND x.unit_id = a.unit_id)
		ORDER BY a.unit_id, a.valid_to DESC NULLS FIRST, a.id DESC`,
		regimeID, p.Start, p.End, periodID)
	type todo struct {
		ID, UnitID, ReceiverID int64
		Level                  int
		WorkingDays, FixedDay  *int
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[todo])
	if err != nil {
		return 0, err
	}
	created := 0
	for _, a := range list {
		rule := periods.StoredRule(a.WorkingDays, a.FixedDay)
		tag, err := tx.Exec(ctx, `
			INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (period_id, unit_id) DO NOTHING`,
			periodID, a.UnitID, a.ReceiverID, a.ID, a.Level, rule.Deadline(p, cal))
		if err != nil {
			return 0, err
		}
		created += int(tag.RowsAffected())
	}
	if created > 0 && tell {
		if err := events.Emit(ctx, tx, PeriodOpened{PeriodID: periodID}); err != nil {
			return 0, err
		}
	}
	return created, nil
}
