package regimes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// Store reads and changes regimes and their template versions.
type Store struct {
	db *database.DB
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db} }

const selectRegime = `
	SELECT r.id, r.name, r.content, r.reporting_units, r.receiving_unit_id, ru.name, r.send_method, r.frequency,
	       r.calendar_periods, r.legal_number, coalesce(r.legal_date, '0001-01-01'), r.owner_unit_id, ou.name,
	       r.remind_days, r.gov_export, r.retired_at,
	       coalesce((SELECT max(version) FROM template_versions v WHERE v.regime_id = r.id AND v.published_at IS NOT NULL), 0),
	       coalesce((SELECT version FROM template_versions v WHERE v.regime_id = r.id AND v.published_at IS NULL), 0)
	FROM regimes r JOIN units ru ON ru.id = r.receiving_unit_id JOIN units ou ON ou.id = r.owner_unit_id`

func scanRegime(row pgx.CollectableRow) (Regime, error) {
	var r Regime
	var retired *time.Time
	err := row.Scan(&r.ID, &r.Name, &r.Content, &r.ReportingUnits, &r.ReceivingUnitID, &r.ReceivingUnit, &r.SendMethod,
		&r.Frequency, &r.CalendarPeriods, &r.LegalNumber, &r.LegalDate, &r.OwnerUnitID, &r.OwnerUnit, &r.RemindDays,
		&r.GovExport, &retired, &r.PublishedVersion, &r.DraftVersion)
	if retired != nil {
		r.RetiredAt = *retired
	}
	if r.LegalDate.Year() == 1 {
		r.LegalDate = time.Time{}
	} else {
		r.LegalDate = vn.Day(r.LegalDate)
	}
	return r, err
}

// Regime returns the regime with id and its deadlines.
func (s *Store) Regime(ctx context.Context, id int64) (*Regime, error) {
	rows, _ := s.db.Query(ctx, selectRegime+` WHERE r.id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, scanRegime)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy chế độ báo cáo.")
	}
	if err != nil {
		return nil, err
	}
	rows, _ = s.db.Query(ctx, `SELECT level, coalesce(working_days, 0), coalesce(fixed_day, 0) FROM regime_deadlines WHERE regime_id = $1 ORDER BY level`, id)
	r.Deadlines, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Deadline])
	return &r, err
}

// Filter selects regimes for a listing.
type Filter struct {
	Owner          int64 // owned by this unit; 0 for all
	Query          string
	IncludeRetired bool
}

// Regimes lists the regimes matching f by name.
func (s *Store) Regimes(ctx context.Context, f Filter) ([]Regime, error) {
	var where []string
	var args []any
	if f.Owner != 0 {
		args = append(args, f.Owner)
		where = append(where, `r.owner_unit_id = $1`)
	}
	if q := vn.Clean(f.Query); q != "" {
		args = append(args, q)
		where = append(where, fmt.Sprintf(`(r.name ILIKE '%%' || $%[1]d || '%%' OR r.legal_number ILIKE '%%' || $%[1]d || '%%')`, len(args)))
	}
	if !f.IncludeRetired {
		where = append(where, `r.retired_at IS NULL`)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, _ := s.db.Query(ctx, selectRegime+cond+` ORDER BY r.retired_at NULLS FIRST, r.name COLLATE "vi-VN-x-icu"`, args...)
	return pgx.CollectRows(rows, scanRegime)
}

// CreateRegime adds a regime with an empty draft template (version 1).
func (s *Store) CreateRegime(ctx context.Context, in Input, by int64) (*Regime, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO regimes (name, content, reporting_units, receiving_unit_id, send_method, frequency, calendar_periods,
			                     legal_number, legal_date, owner_unit_id, remind_days, gov_export)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			in.Name, in.Content, in.ReportingUnits, in.ReceivingUnitID, in.SendMethod, in.Frequency, in.CalendarPeriods,
			in.LegalNumber, nullDate(in.LegalDate), in.OwnerUnitID, in.RemindDays, in.GovExport).Scan(&id)
		if err != nil {
			return err
		}
		if err := saveDeadlines(ctx, tx, id, in.Deadlines); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO template_versions (regime_id, version, content, created_by) VALUES ($1, 1, $2, $3)`,
			id, forms.Template{}, nullID(by)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "regime.create", ObjectType: "regime", ObjectID: id, UnitID: in.OwnerUnitID,
			Detail: map[string]any{"name": in.Name, "frequency": in.Frequency}})
	})
	if err != nil {
		return nil, err
	}
	return s.Regime(ctx, id)
}

// UpdateRegime changes a regime's elements; periods already opened keep
// their windows, deadlines and template version.
func (s *Store) UpdateRegime(ctx context.Context, id int64, in Input) error {
	if err := in.Validate(); err != nil {
		return err
	}
	old, err := s.Regime(ctx, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			UPDATE regimes SET name = $2, content = $3, reporting_units = $4, receiving_unit_id = $5, send_method = $6,
			       frequency = $7, calendar_periods = $8, legal_number = $9, legal_date = $10, owner_unit_id = $11,
			       remind_days = $12, gov_export = $13, updated_at = now()
			WHERE id = $1`, id, in.Name, in.Content, in.ReportingUnits, in.ReceivingUnitID, in.SendMethod, in.Frequency,
			in.CalendarPeriods, in.LegalNumber, nullDate(in.LegalDate), in.OwnerUnitID, in.RemindDays, in.GovExport)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM regime_deadlines WHERE regime_id = $1`, id); err != nil {
			return err
		}
		if err := saveDeadlines(ctx, tx, id, in.Deadlines); err != nil {
			return err
		}
		detail := map[string]any{}
		if old.Name != in.Name {
			detail["name"] = map[string]string{"from": old.Name, "to": in.Name}
		}
		if old.Frequency != in.Frequency {
			detail["frequency"] = map[string]string{"from": old.Frequency, "to": in.Frequency}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "regime.update", ObjectType: "regime", ObjectID: id, UnitID: in.OwnerUnitID, Detail: detail})
	})
}

// RetireRegime stops a regime: no new periods open; past reports stay.
func (s *Store) RetireRegime(ctx context.Context, r *Regime) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE regimes SET retired_at = now(), updated_at = now() WHERE id = $1 AND retired_at IS NULL`, r.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Chế độ báo cáo này đã dừng áp dụng.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "regime.retire", ObjectType: "regime", ObjectID: r.ID, UnitID: r.OwnerUnitID})
	})
}

func saveDeadlines(ctx context.Context, tx pgx.Tx, regime int64, deadlines []Deadline) error {
	for _, d := range deadlines {
		_, err := tx.Exec(ctx, `INSERT INTO regime_deadlines (regime_id, level, working_days, fixed_day) VALUES ($1, $2, nullif($3, 0), nullif($4, 0))`,
			regime, d.Level, d.WorkingDays, d.FixedDay)
		if err != nil {
			return err
		}
	}
	return nil
}

func nullDate(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
