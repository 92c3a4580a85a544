package units

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/vn"
)

// Store reads and changes units.
type Store struct {
	db  *database.DB
	now func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db, now: time.Now} }

const selectUnit = `
	SELECT u.id, coalesce(u.key, ''), u.name, u.kind, k.name, coalesce(u.agency_code, ''),
	       coalesce(u.territory_code, ''), coalesce(p.parent_id, 0), coalesce(pu.name, ''),
	       u.valid_from, coalesce(u.valid_to, '0001-01-01'::date)
	FROM units u
	JOIN unit_kinds k ON k.code = u.kind
	LEFT JOIN unit_parents p ON p.unit_id = u.id AND p.valid_to IS NULL
	LEFT JOIN units pu ON pu.id = p.parent_id`

func scanUnit(row pgx.CollectableRow) (Unit, error) {
	var u Unit
	err := row.Scan(&u.ID, &u.Key, &u.Name, &u.Kind, &u.KindName, &u.AgencyCode, &u.TerritoryCode,
		&u.ParentID, &u.ParentName, &u.ValidFrom, &u.ValidTo)
	if u.ValidTo.Year() == 1 {
		u.ValidTo = time.Time{}
	}
	u.ValidFrom, u.ValidTo = vn.Day(u.ValidFrom), vn.Day(u.ValidTo)
	return u, err
}

// Unit returns the unit with id, with its successors.
func (s *Store) Unit(ctx context.Context, id int64) (*Unit, error) {
	rows, _ := s.db.Query(ctx, selectUnit+` WHERE u.id = $1`, id)
	u, err := pgx.CollectExactlyOneRow(rows, scanUnit)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy cơ quan, đơn vị.")
	}
	if err != nil {
		return nil, err
	}
	rows, _ = s.db.Query(ctx, `
		SELECT s.id, s.name FROM unit_successors us JOIN units s ON s.id = us.successor_id
		WHERE us.unit_id = $1 ORDER BY s.name`, id)
	u.Successors, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Ref])
	return &u, err
}

// UnitByKey returns the seeded unit with key.
func (s *Store) UnitByKey(ctx context.Context, key string) (*Unit, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM units WHERE key = $1`, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy cơ quan, đơn vị.")
	}
	if err != nil {
		return nil, err
	}
	return s.Unit(ctx, id)
}

// Filter selects units for a listing.
type Filter struct {
	Within        int64  // only this unit's subtree; 0 for all
	Query         string // name or code contains
	Kind          string
	IncludeClosed bool
}

// Tree returns the units matching f in tree order (each parent before its
// children, siblings by name), with their depth below the listing's roots.
func (s *Store) Tree(ctx context.Context, f Filter) ([]Unit, error) {
	rows, _ := s.db.Query(ctx, selectUnit+` ORDER BY u.name COLLATE "vi-VN-x-icu"`)
	all, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, err
	}
	today := vn.Today(s.now())
	children := map[int64][]Unit{}
	byID := map[int64]bool{}
	for _, u := range all {
		byID[u.ID] = true
	}
	var roots []Unit
	for _, u := range all {
		switch {
		case f.Within != 0 && u.ID == f.Within:
			roots = append(roots, u)
		case f.Within == 0 && (u.ParentID == 0 || !byID[u.ParentID]):
			roots = append(roots, u)
		default:
			children[u.ParentID] = append(children[u.ParentID], u)
		}
	}
	q := strings.ToLower(vn.Clean(f.Query))
	var out []Unit
	var walk func(u Unit, depth int)
	walk = func(u Unit, depth int) {
		if u.Closed(today) && !f.IncludeClosed {
			return
		}
		u.Depth = depth
		if (q == "" || strings.Contains(strings.ToLower(u.Name), q) || strings.Contains(strings.ToLower(u.AgencyCode), q) ||
			u.TerritoryCode == q) && (f.Kind == "" || u.Kind == f.Kind) {
			out = append(out, u)
		}
		for _, c := range children[u.ID] {
			walk(c, depth+1)
		}
	}
	// Open roots first, so the province comes before the closed pre-2025 roots.
	for _, r := range roots {
		if !r.Closed(today) {
			walk(r, 0)
		}
	}
	for _, r := range roots {
		if r.Closed(today) {
			walk(r, 0)
		}
	}
	return out, nil
}

// Kinds lists the kinds of unit.
func (s *Store) Kinds(ctx context.Context) ([]Kind, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, name FROM unit_kinds ORDER BY sort, name`)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Kind])
}

// IsWithin reports whether unit lies in the current subtree of ancestor
// (a unit is within itself).
func (s *Store) IsWithin(ctx context.Context, ancestor, unit int64) (bool, error) {
	if ancestor == unit {
		return true, nil
	}
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subtree($1) WHERE unit_id = $2)`, ancestor, unit).Scan(&ok)
	return ok, err
}

// CreateUnit adds a unit under in.ParentID.
func (s *Store) CreateUnit(ctx context.Context, in Input) (*Unit, error) {
	err := in.Validate()
	if in.ParentID == 0 {
		fields := apperr.FieldErrors(err)
		if fields == nil {
			fields = map[string]string{}
		}
		fields["parent_id"] = "Chọn đơn vị cấp trên."
		err = apperr.InvalidFields(fields)
	}
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx pgx.Tx) error {
		if err := checkRefs(ctx, tx, in, 0); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO units (name, kind, agency_code, territory_code, valid_from)
			VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5) RETURNING id`,
			in.Name, in.Kind, in.AgencyCode, in.TerritoryCode, in.ValidFrom).Scan(&id)
		if err != nil {
			return uniqueErr(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO unit_parents (unit_id, parent_id, valid_from) VALUES ($1, $2, $3)`,
			id, in.ParentID, in.ValidFrom); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.create", ObjectType: "unit", ObjectID: id, UnitID: id,
			Detail: map[string]any{"name": in.Name, "kind": in.Kind, "parent_id": in.ParentID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Unit(ctx, id)
}

// UpdateUnit renames or re-codes a unit and, when the parent changes, moves
// it from today on, keeping where it sat before.
func (s *Store) UpdateUnit(ctx context.Context, id int64, in Input) error {
	old, err := s.Unit(ctx, id)
	if err != nil {
		return err
	}
	in.ValidFrom = old.ValidFrom // the start date is set at creation
	if err := in.Validate(); err != nil {
		return err
	}
	today := vn.Today(s.now())
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if err := checkRefs(ctx, tx, in, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE units SET name = $2, kind = $3, agency_code = nullif($4, ''), territory_code = nullif($5, ''), updated_at = now()
			WHERE id = $1`, id, in.Name, in.Kind, in.AgencyCode, in.TerritoryCode); err != nil {
			return uniqueErr(err)
		}
		detail := map[string]any{}
		for _, c := range []struct {
			field    string
			old, new string
		}{{"name", old.Name, in.Name}, {"kind", old.Kind, in.Kind}, {"agency_code", old.AgencyCode, in.AgencyCode},
			{"territory_code", old.TerritoryCode, in.TerritoryCode}} {
			if c.old != c.new {
				detail[c.field] = map[string]string{"from": c.old, "to": c.new}
			}
		}
		if old.ParentID != 0 && in.ParentID != 0 && in.ParentID != old.ParentID {
			if err := move(ctx, tx, id, in.ParentID, today); err != nil {
				return err
			}
			detail["parent_id"] = map[string]int64{"from": old.ParentID, "to": in.ParentID}
		}
		if len(detail) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.update", ObjectType: "unit", ObjectID: id, UnitID: id, Detail: detail})
	})
}

// move puts unit under parent from day on.
func move(ctx context.Context, tx pgx.Tx, unit, parent int64, day time.Time) error {
	var cycle bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subtree($1) WHERE unit_id = $2)`, unit, parent).Scan(&cycle); err != nil {
		return err
	}
	if cycle {
		return apperr.InvalidFields(map[string]string{"parent_id": "Không thể chuyển đơn vị vào dưới chính nó hoặc đơn vị trực thuộc nó."})
	}
	// A move on the day the current link began replaces it; otherwise the
	// current link ends yesterday and a new one starts today.
	tag, err := tx.Exec(ctx, `UPDATE unit_parents SET parent_id = $2 WHERE unit_id = $1 AND valid_to IS NULL AND valid_from >= $3`,
		unit, parent, day)
	if err != nil || tag.RowsAffected() == 1 {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE unit_parents SET valid_to = $2::date - 1 WHERE unit_id = $1 AND valid_to IS NULL`, unit, day); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO unit_parents (unit_id, parent_id, valid_from) VALUES ($1, $2, $3)`, unit, parent, day)
	return err
}

// CloseUnit records that a unit ceased on lastDay, succeeded by successors
// (a single one takes it whole; the shares of several are given later).
// Its reports and accounts stay; its accounts can no longer sign in.
func (s *Store) CloseUnit(ctx context.Context, id int64, lastDay time.Time, successors []int64) error {
	u, err := s.Unit(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case !u.ValidTo.IsZero():
		return apperr.New(apperr.Conflict, "Đơn vị này đã giải thể hoặc sáp nhập từ trước.")
	case u.ParentID == 0:
		return apperr.New(apperr.Invalid, "Không thể đóng đơn vị gốc của cây đơn vị.")
	case lastDay.IsZero() || vn.Day(lastDay).Before(u.ValidFrom):
		return apperr.InvalidFields(map[string]string{"valid_to": "Ngày kết thúc phải sau ngày bắt đầu hoạt động (" + vn.Date(u.ValidFrom) + ")."})
	}
	shares := make([]Share, 0, len(successors))
	for _, succ := range successors {
		sh := Share{UnitID: succ}
		if len(successors) == 1 {
			sh.Percent = hundred
		}
		shares = append(shares, sh)
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		err := closeTx(ctx, tx, u, vn.Day(lastDay), shares, "", "unit.close")
		if fields := apperr.FieldErrors(err); fields != nil && fields["day"] != "" {
			return apperr.InvalidFields(map[string]string{"valid_to": fields["day"]})
		}
		return err
	})
}

// ReopenUnit undoes a closure.
func (s *Store) ReopenUnit(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE units SET valid_to = NULL, updated_at = now() WHERE id = $1 AND valid_to IS NOT NULL`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if _, err := s.Unit(ctx, id); err != nil {
				return err
			}
			return apperr.New(apperr.Conflict, "Đơn vị này đang hoạt động.")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM unit_successors WHERE unit_id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.reopen", ObjectType: "unit", ObjectID: id, UnitID: id})
	})
}

// checkRefs refuses an unknown kind, and a parent that does not exist or
// has closed (self is the unit being edited, 0 when creating).
func checkRefs(ctx context.Context, tx pgx.Tx, in Input, self int64) error {
	fields := map[string]string{}
	var kindOK, parentOK bool
	err := tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM unit_kinds WHERE code = $1),
		       EXISTS (SELECT 1 FROM units WHERE id = $2 AND id <> $3 AND (valid_to IS NULL OR valid_to >= current_date))`,
		in.Kind, in.ParentID, self).Scan(&kindOK, &parentOK)
	if err != nil {
		return err
	}
	if !kindOK {
		fields["kind"] = "Loại đơn vị không hợp lệ."
	}
	if in.ParentID != 0 && !parentOK {
		fields["parent_id"] = "Đơn vị cấp trên không tồn tại hoặc đã ngừng hoạt động."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}

func uniqueErr(err error) error {
	switch {
	case database.IsUniqueViolation(err, "units_agency_code_key"):
		return apperr.InvalidFields(map[string]string{"agency_code": "Mã định danh này đã được dùng cho đơn vị khác."})
	case database.IsUniqueViolation(err, "units_territory_code_key"):
		return apperr.InvalidFields(map[string]string{"territory_code": "Mã đơn vị hành chính này đã được dùng cho đơn vị khác."})
	}
	return err
}
