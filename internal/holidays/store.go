package holidays

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

// Store reads and changes the holiday calendar.
type Store struct {
	db *database.DB
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db} }

const selectDay = `SELECT day, name, working, status FROM holidays`

// Calendar is the holiday calendar for counting working days (periods'
// deadlines), read inside q (a transaction or the pool).
func Calendar(ctx context.Context, q database.Querier) (periods.Calendar, error) {
	rows, _ := q.Query(ctx, selectDay)
	days, err := pgx.CollectRows(rows, scanDay)
	return periods.NewCalendar(days), err
}

func scanDay(row pgx.CollectableRow) (periods.Day, error) {
	var d periods.Day
	err := row.Scan(&d.Date, &d.Name, &d.Working, &d.Status)
	d.Date = vn.Day(d.Date)
	return d, err
}

// Days lists the days of year in date order.
func (s *Store) Days(ctx context.Context, year int) ([]periods.Day, error) {
	rows, _ := s.db.Query(ctx, selectDay+` WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`, year)
	return pgx.CollectRows(rows, scanDay)
}

// All lists every day of the calendar in date order.
func (s *Store) All(ctx context.Context) ([]periods.Day, error) {
	rows, _ := s.db.Query(ctx, selectDay+` ORDER BY day`)
	return pgx.CollectRows(rows, scanDay)
}

// Day returns the calendar's entry for date.
func (s *Store) Day(ctx context.Context, date time.Time) (*periods.Day, error) {
	rows, _ := s.db.Query(ctx, selectDay+` WHERE day = $1`, vn.Day(date))
	d, err := pgx.CollectExactlyOneRow(rows, scanDay)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Ngày "+vn.Date(date)+" không có trong lịch nghỉ lễ.")
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// SetDay adds a day to the calendar or changes the one on the same date.
func (s *Store) SetDay(ctx context.Context, d periods.Day) error {
	if err := Validate(&d); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, selectDay+` WHERE day = $1 FOR UPDATE`, d.Date)
		old, err := pgx.CollectExactlyOneRow(rows, scanDay)
		existed := err == nil
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO holidays (day, name, working, status) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day) DO UPDATE SET name = excluded.name, working = excluded.working, status = excluded.status, updated_at = now()`,
			d.Date, d.Name, d.Working, d.Status); err != nil {
			return err
		}
		detail := map[string]any{"date": vn.Date(d.Date)}
		if !existed {
			detail["name"], detail["working"], detail["status"] = d.Name, d.Working, d.Status
		} else {
			if old.Name == d.Name && old.Working == d.Working && old.Status == d.Status {
				return nil
			}
			if old.Name != d.Name {
				detail["name"] = map[string]string{"from": old.Name, "to": d.Name}
			}
			if old.Working != d.Working {
				detail["working"] = map[string]bool{"from": old.Working, "to": d.Working}
			}
			if old.Status != d.Status {
				detail["status"] = map[string]string{"from": old.Status, "to": d.Status}
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "holiday.set", ObjectType: "holiday", Detail: detail})
	})
}

// DeleteDay removes date from the calendar.
func (s *Store) DeleteDay(ctx context.Context, date time.Time) error {
	date = vn.Day(date)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `DELETE FROM holidays WHERE day = $1 RETURNING day, name, working, status`, date)
		old, err := pgx.CollectExactlyOneRow(rows, scanDay)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Ngày "+vn.Date(date)+" không có trong lịch nghỉ lễ.")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "holiday.delete", ObjectType: "holiday",
			Detail: map[string]any{"date": vn.Date(old.Date), "name": old.Name, "working": old.Working}})
	})
}
