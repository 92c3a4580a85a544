package dashboard

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/forms"
)

// Choice is an entry of a filter's list.
type Choice struct {
	ID   int64
	Name string
}

// Regimes lists the regimes that have periods, by name.
func Regimes(ctx context.Context, q database.Querier) ([]Choice, error) {
	return choices(ctx, q, `
		SELECT g.id, g.name FROM regimes g
		WHERE EXISTS (SELECT 1 FROM periods p WHERE p.regime_id = g.id)
		ORDER BY g.retired_at IS NOT NULL, g.name COLLATE "vi-VN-x-icu", g.id`)
}

// Units lists the units in force the scope may filter on: a receiver's
// reporting units, a unit admin's subtree, or every unit.
func Units(ctx context.Context, q database.Querier, sc Scope) ([]Choice, error) {
	return choices(ctx, q, `
		SELECT u.id, u.name FROM units u
		WHERE u.valid_to IS NULL
		  AND ($1::bigint = 0 OR u.id IN (SELECT unit_id FROM assignments WHERE receiver_unit_id = $1))
		  AND ($2::bigint = 0 OR u.id IN (SELECT unit_id FROM subtree($2)))
		ORDER BY u.name COLLATE "vi-VN-x-icu", u.id`, sc.Receiver, sc.Root)
}

func choices(ctx context.Context, q database.Querier, sql string, args ...any) ([]Choice, error) {
	rows, _ := q.Query(ctx, sql, args...)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Choice, error) {
		var c Choice
		err := row.Scan(&c.ID, &c.Name)
		return c, err
	})
}

// Template returns the regime's latest published template, whose rows
// and columns name the indicators to follow.
func Template(ctx context.Context, q database.Querier, regimeID int64) (*forms.Template, error) {
	var t forms.Template
	err := q.QueryRow(ctx, `
		SELECT content FROM template_versions WHERE id = published_template($1)`, regimeID).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Chế độ báo cáo này chưa có mẫu báo cáo được ban hành.")
	}
	return &t, err
}
