// Package assignments keeps who reports what to whom (giao báo cáo):
// regime × reporting unit × receiving unit, with validity dates. Ending an
// assignment never rewrites past periods.
package assignments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/vn"
)

// Assignment is one unit's duty to report a regime to a receiver.
type Assignment struct {
	ID             int64
	RegimeID       int64
	Regime         string
	RegimeOwnerID  int64
	UnitID         int64
	Unit           string
	ReceiverUnitID int64
	Receiver       string
	Level          int
	ValidFrom      time.Time
	ValidTo        time.Time // zero while in force
	ConfirmedAt    time.Time // zero while waiting for a system admin
	CreatedBy      string
}

// Pending reports whether a system admin must still confirm it.
func (a *Assignment) Pending() bool { return a.ConfirmedAt.IsZero() }

// Store reads and changes assignments.
type Store struct{ db *database.DB }

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db} }

const selectAssignment = `
	SELECT a.id, a.regime_id, r.name, r.owner_unit_id, a.unit_id, u.name, a.receiver_unit_id, ru.name, a.level,
	       a.valid_from, a.valid_to, a.confirmed_at, coalesce(c.username, '')
	FROM assignments a
	JOIN regimes r ON r.id = a.regime_id
	JOIN units u ON u.id = a.unit_id
	JOIN units ru ON ru.id = a.receiver_unit_id
	LEFT JOIN accounts c ON c.id = a.created_by`

func scan(row pgx.CollectableRow) (Assignment, error) {
	var a Assignment
	var validTo, confirmed *time.Time
	err := row.Scan(&a.ID, &a.RegimeID, &a.Regime, &a.RegimeOwnerID, &a.UnitID, &a.Unit, &a.ReceiverUnitID, &a.Receiver, &a.Level,
		&a.ValidFrom, &validTo, &confirmed, &a.CreatedBy)
	a.ValidFrom = vn.Day(a.ValidFrom)
	if validTo != nil {
		a.ValidTo = vn.Day(*validTo)
	}
	if confirmed != nil {
		a.ConfirmedAt = *confirmed
	}
	return a, err
}

// Assignment returns the assignment with id.
func (s *Store) Assignment(ctx context.Context, id int64) (*Assignment, error) {
	rows, _ := s.db.Query(ctx, selectAssignment+` WHERE a.id = $1`, id)
	a, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy việc giao báo cáo.")
	}
	return &a, err
}

// OfRegime lists a regime's assignments, current ones first.
func (s *Store) OfRegime(ctx context.Context, regimeID int64) ([]Assignment, error) {
	rows, _ := s.db.Query(ctx, selectAssignment+` WHERE a.regime_id = $1
		ORDER BY a.valid_to NULLS FIRST, a.level, u.name COLLATE "vi-VN-x-icu"`, regimeID)
	return pgx.CollectRows(rows, scan)
}

// Pending lists the assignments waiting for a system admin.
func (s *Store) Pending(ctx context.Context) ([]Assignment, error) {
	rows, _ := s.db.Query(ctx, selectAssignment+` WHERE a.confirmed_at IS NULL AND a.valid_to IS NULL ORDER BY a.created_at`)
	return pgx.CollectRows(rows, scan)
}

// Request assigns a regime to units.
type Request struct {
	RegimeID       int64
	Root           int64  // the units below (and including) this one …
	Kind           string // … of this kind only, when set
	ReceiverUnitID int64
	Level          int
	ValidFrom      time.Time
	By             int64 // the assigning account
	// Scope is the assigner's subtree (0 for a system admin): assignments
	// of units outside it, or to a receiver outside it, wait for a system
	// admin's confirmation.
	Scope int64
}

// Result counts what Assign did.
type Result struct {
	Created, Pending, Skipped int
}

// Assign gives the regime to every open unit of the request that does not
// report it already; the receiver itself is never assigned.
func (s *Store) Assign(ctx context.Context, req Request) (Result, error) {
	fields := map[string]string{}
	if req.Root == 0 {
		fields["root"] = "Chọn đơn vị hoặc nhóm đơn vị được giao."
	}
	if req.ReceiverUnitID == 0 {
		fields["receiver"] = "Chọn cơ quan nhận báo cáo."
	}
	if req.Level < 1 || req.Level > 3 {
		fields["level"] = "Cấp báo cáo từ 1 đến 3."
	}
	if req.ValidFrom.IsZero() {
		fields["valid_from"] = "Nhập ngày bắt đầu áp dụng theo dạng ngày/tháng/năm."
	}
	if len(fields) > 0 {
		return Result{}, apperr.InvalidFields(fields)
	}
	var res Result
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `
			INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, created_by, confirmed_at, confirmed_by)
			SELECT $1, u.id, $2, $3, $4, $5,
			       CASE WHEN confirmed THEN now() END, CASE WHEN confirmed THEN $5::bigint END
			FROM (
				SELECT u.id, ($7::bigint = 0 OR (u.id IN (SELECT unit_id FROM subtree($7)) AND $2 IN (SELECT unit_id FROM subtree($7)))) AS confirmed
				FROM units u
				WHERE u.id IN (SELECT unit_id FROM subtree($6)) AND u.id <> $2
				  AND (u.valid_to IS NULL OR u.valid_to >= greatest($4::date, current_date))
				  AND ($8 = '' OR u.kind = $8)
			) u
			ON CONFLICT (regime_id, unit_id) WHERE valid_to IS NULL DO NOTHING
			RETURNING id, unit_id, confirmed_at IS NOT NULL`,
			req.RegimeID, req.ReceiverUnitID, req.Level, req.ValidFrom, nullID(req.By), req.Root, req.Scope, req.Kind)
		created, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
			ID, UnitID int64
			Confirmed  bool
		}])
		if err != nil {
			return err
		}
		var candidates int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM units u WHERE u.id IN (SELECT unit_id FROM subtree($1)) AND u.id <> $2
			AND (u.valid_to IS NULL OR u.valid_to >= greatest($3::date, current_date)) AND ($4 = '' OR u.kind = $4)`, req.Root, req.ReceiverUnitID, req.ValidFrom, req.Kind).Scan(&candidates); err != nil {
			return err
		}
		for _, c := range created {
			res.Created++
			if !c.Confirmed {
				res.Pending++
			}
			if err := audit.Record(ctx, tx, audit.Event{Action: "assignment.create", ObjectType: "assignment", ObjectID: c.ID, UnitID: c.UnitID,
				Detail: map[string]any{"regime_id": req.RegimeID, "receiver_unit_id": req.ReceiverUnitID, "pending": !c.Confirmed}}); err != nil {
				return err
			}
		}
		res.Skipped = candidates - len(created)
		if candidates == 0 {
			return apperr.InvalidFields(map[string]string{"root": "Không có đơn vị nào đang hoạt động phù hợp để giao."})
		}
		return nil
	})
	return res, err
}

// End stops an assignment after lastDay; reports of earlier periods stay.
func (s *Store) End(ctx context.Context, a *Assignment, lastDay time.Time) error {
	if vn.Day(lastDay).Before(a.ValidFrom) {
		return apperr.InvalidFields(map[string]string{"valid_to": fmt.Sprintf("Ngày kết thúc phải từ %s trở đi.", vn.Date(a.ValidFrom))})
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE assignments SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL`, a.ID, lastDay)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Việc giao báo cáo này đã kết thúc.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "assignment.end", ObjectType: "assignment", ObjectID: a.ID, UnitID: a.UnitID,
			Detail: map[string]any{"valid_to": vn.Date(lastDay)}})
	})
}

// Confirm accepts a pending assignment (system admins).
func (s *Store) Confirm(ctx context.Context, a *Assignment, by int64) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE assignments SET confirmed_at = now(), confirmed_by = $2 WHERE id = $1 AND confirmed_at IS NULL`, a.ID, by)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Việc giao báo cáo này đã được xác nhận.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "assignment.confirm", ObjectType: "assignment", ObjectID: a.ID, UnitID: a.UnitID})
	})
}

// Reject removes a pending assignment (system admins); nothing was opened for it.
func (s *Store) Reject(ctx context.Context, a *Assignment) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM assignments WHERE id = $1 AND confirmed_at IS NULL`, a.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Chỉ từ chối được việc giao báo cáo đang chờ xác nhận.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "assignment.reject", ObjectType: "assignment", ObjectID: a.ID, UnitID: a.UnitID})
	})
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
