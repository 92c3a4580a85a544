package indicators

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
	"baocao/internal/vn"
)

// Store reads and changes the indicator catalogue.
type Store struct {
	db *database.DB
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db} }

const selectIndicator = `
	SELECT i.id, i.source, i.code, i.name, i.unit_of_measure, i.value_type, i.aggregation, i.group_name,
	       i.period_note, i.description, coalesce(i.responsible_unit_id, 0), coalesce(u.name, ''), i.retired_at
	FROM indicators i
	LEFT JOIN units u ON u.id = i.responsible_unit_id`

func scanIndicator(row pgx.CollectableRow) (Indicator, error) {
	var i Indicator
	var retired *time.Time
	err := row.Scan(&i.ID, &i.Source, &i.Code, &i.Name, &i.UnitOfMeasure, &i.ValueType, &i.Aggregation, &i.Group,
		&i.PeriodNote, &i.Description, &i.ResponsibleUnitID, &i.ResponsibleUnit, &retired)
	if retired != nil {
		i.RetiredAt = *retired
	}
	return i, err
}

var errNotFound = apperr.New(apperr.NotFound, "Không tìm thấy chỉ tiêu.")

// Indicator returns the indicator with id.
func (s *Store) Indicator(ctx context.Context, id int64) (*Indicator, error) {
	rows, _ := s.db.Query(ctx, selectIndicator+` WHERE i.id = $1`, id)
	i, err := pgx.CollectExactlyOneRow(rows, scanIndicator)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return &i, nil
}

// ByCode returns the indicators with code (one per source list that uses it).
func (s *Store) ByCode(ctx context.Context, code string) ([]Indicator, error) {
	rows, _ := s.db.Query(ctx, selectIndicator+` WHERE i.code = $1 AND i.code <> '' ORDER BY i.source`, vn.Clean(code))
	return pgx.CollectRows(rows, scanIndicator)
}

// Filter selects indicators for a listing.
type Filter struct {
	Query          string // name or code contains
	Group          string
	Source         string
	IncludeRetired bool
	Sort           string // "code", "name", "unit", "source"; by group otherwise
	Page           int    // from 1
	PerPage        int
}

// indicatorOrder maps a listing's sort key to its ORDER BY. Within a group
// the catalogue keeps the order of its source lists.
var indicatorOrder = map[string]string{
	"":       `i.group_name COLLATE "vi-VN-x-icu", i.id`,
	"code":   `i.code = '', i.code, i.name COLLATE "vi-VN-x-icu", i.id`,
	"name":   `i.name COLLATE "vi-VN-x-icu", i.id`,
	"unit":   `i.unit_of_measure = '', i.unit_of_measure COLLATE "vi-VN-x-icu", i.name COLLATE "vi-VN-x-icu", i.id`,
	"source": `i.source COLLATE "vi-VN-x-icu", i.id`,
}

// Indicators returns one page of the indicators matching f, and how many match.
func (s *Store) Indicators(ctx context.Context, f Filter) ([]Indicator, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if q := vn.Clean(f.Query); q != "" {
		add(`(i.name ILIKE $%[1]d OR i.code ILIKE $%[1]d)`, contains(q))
	}
	if g := vn.Clean(f.Group); g != "" {
		add(`i.group_name = $%d`, g)
	}
	if src := vn.Clean(f.Source); src != "" {
		add(`i.source = $%d`, src)
	}
	if !f.IncludeRetired {
		where = append(where, `i.retired_at IS NULL`)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM indicators i`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	order, ok := indicatorOrder[f.Sort]
	if !ok {
		order = indicatorOrder[""]
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	rows, _ := s.db.Query(ctx, fmt.Sprintf(`%s%s ORDER BY %s LIMIT $%d OFFSET $%d`,
		selectIndicator, cond, order, len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, scanIndicator)
	return list, total, err
}

// contains is an ILIKE pattern matching text that contains q literally.
func contains(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// Groups lists the groups in use, for a filter.
func (s *Store) Groups(ctx context.Context) ([]string, error) {
	return s.distinct(ctx, "group_name")
}

// Sources lists the sources in use, for a filter.
func (s *Store) Sources(ctx context.Context) ([]string, error) {
	return s.distinct(ctx, "source")
}

func (s *Store) distinct(ctx context.Context, column string) ([]string, error) {
	rows, _ := s.db.Query(ctx, fmt.Sprintf(`
		SELECT %[1]s FROM indicators WHERE %[1]s <> '' GROUP BY %[1]s ORDER BY %[1]s COLLATE "vi-VN-x-icu"`, column))
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// CreateIndicator adds an indicator to the catalogue.
func (s *Store) CreateIndicator(ctx context.Context, in Input) (*Indicator, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		if err := checkUnit(ctx, tx, in.ResponsibleUnitID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO indicators (source, code, name, unit_of_measure, value_type, aggregation, group_name, period_note,
			                        description, responsible_unit_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, 0)) RETURNING id`,
			in.Source, in.Code, in.Name, in.UnitOfMeasure, in.ValueType, in.Aggregation, in.Group, in.PeriodNote,
			in.Description, in.ResponsibleUnitID).Scan(&id)
		if err != nil {
			return uniqueErr(err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "indicator.create", ObjectType: "indicator", ObjectID: id,
			UnitID: in.ResponsibleUnitID, Detail: map[string]any{"name": in.Name, "code": in.Code, "source": in.Source,
				"value_type": in.ValueType, "aggregation": in.Aggregation, "responsible_unit_id": in.ResponsibleUnitID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Indicator(ctx, id)
}

// UpdateIndicator changes an indicator, recording what changed.
func (s *Store) UpdateIndicator(ctx context.Context, id int64, in Input) error {
	if err := in.Validate(); err != nil {
		return err
	}
	old, err := s.Indicator(ctx, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if in.ResponsibleUnitID != old.ResponsibleUnitID {
			if err := checkUnit(ctx, tx, in.ResponsibleUnitID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `
			UPDATE indicators SET source = $2, code = $3, name = $4, unit_of_measure = $5, value_type = $6, aggregation = $7,
			       group_name = $8, period_note = $9, description = $10, responsible_unit_id = nullif($11, 0), updated_at = now()
			WHERE id = $1`,
			id, in.Source, in.Code, in.Name, in.UnitOfMeasure, in.ValueType, in.Aggregation, in.Group, in.PeriodNote,
			in.Description, in.ResponsibleUnitID); err != nil {
			return uniqueErr(err)
		}
		detail := map[string]any{}
		for _, c := range []struct {
			field    string
			old, new string
		}{{"source", old.Source, in.Source}, {"code", old.Code, in.Code}, {"name", old.Name, in.Name},
			{"unit_of_measure", old.UnitOfMeasure, in.UnitOfMeasure}, {"value_type", old.ValueType, in.ValueType},
			{"aggregation", old.Aggregation, in.Aggregation}, {"group", old.Group, in.Group},
			{"period_note", old.PeriodNote, in.PeriodNote}, {"description", old.Description, in.Description}} {
			if c.old != c.new {
				detail[c.field] = map[string]string{"from": c.old, "to": c.new}
			}
		}
		if old.ResponsibleUnitID != in.ResponsibleUnitID {
			detail["responsible_unit_id"] = map[string]int64{"from": old.ResponsibleUnitID, "to": in.ResponsibleUnitID}
		}
		if len(detail) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{Action: "indicator.update", ObjectType: "indicator", ObjectID: id,
			UnitID: in.ResponsibleUnitID, Detail: detail})
	})
}

// RetireIndicator takes an indicator out of use; forms that name it keep it.
func (s *Store) RetireIndicator(ctx context.Context, id int64) error {
	return s.setRetired(ctx, id, true)
}

// RestoreIndicator puts a retired indicator back in use.
func (s *Store) RestoreIndicator(ctx context.Context, id int64) error {
	return s.setRetired(ctx, id, false)
}

func (s *Store) setRetired(ctx context.Context, id int64, retire bool) error {
	action, cond, set, already := "indicator.restore", "retired_at IS NOT NULL", "NULL", "Chỉ tiêu này đang được sử dụng."
	if retire {
		action, cond, set, already = "indicator.retire", "retired_at IS NULL", "now()", "Chỉ tiêu này đã ngừng sử dụng từ trước."
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		var unit int64
		err := tx.QueryRow(ctx, `
			UPDATE indicators SET retired_at = `+set+`, updated_at = now() WHERE id = $1 AND `+cond+`
			RETURNING coalesce(responsible_unit_id, 0)`, id).Scan(&unit)
		if errors.Is(err, pgx.ErrNoRows) {
			if _, err := s.Indicator(ctx, id); err != nil {
				return err
			}
			return apperr.New(apperr.Conflict, already)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "indicator", ObjectID: id, UnitID: unit})
	})
}

// checkUnit refuses a responsible unit that does not exist or has closed.
func checkUnit(ctx context.Context, tx pgx.Tx, unit int64) error {
	if unit == 0 {
		return nil
	}
	var ok bool
	err := tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM units WHERE id = $1 AND (valid_to IS NULL OR valid_to >= current_date))`, unit).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.InvalidFields(map[string]string{"responsible_unit_id": "Đơn vị chịu trách nhiệm không tồn tại hoặc đã ngừng hoạt động."})
	}
	return nil
}

func uniqueErr(err error) error {
	if database.IsUniqueViolation(err, "indicators_source_code") {
		return apperr.InvalidFields(map[string]string{"code": "Mã số này đã có trong danh mục cho cùng nguồn; hãy kiểm tra lại hoặc ghi rõ nguồn khác."})
	}
	return err
}
