package consolidation

import (
	"context"

	"baocao/internal/database"
	"baocao/internal/decimal"
)

// UnitValue is one unit's value of a consolidated cell.
type UnitValue struct {
	UnitID   int64
	Unit     string
	ReportID int64
	Status   string
	Value    decimal.Decimal
	OK       bool   // false: the unit left the cell blank
	Text     string // the text of a text cell
}

// DrillDown lists, for one cell of a form, the value of every report that
// Compute includes with the same arguments (blank when the unit left it
// empty), sorted by unit name. A formula cell shows each report's computed
// value as it was stored.
func DrillDown(ctx context.Context, q database.Querier, periodID, receiverUnitID int64, formKey, rowKey, colCode string, includeSent bool) ([]UnitValue, error) {
	rows, _ := q.Query(ctx, `
		SELECT u.id, u.name, rp.id, rp.status, v.num::text, v.txt
		FROM reports rp
		JOIN units u ON u.id = rp.unit_id
		LEFT JOIN report_values v ON v.report_id = rp.id AND v.form_key = $3 AND v.row_key = $4 AND v.col_code = $5
		WHERE rp.period_id = $1 AND rp.receiver_unit_id = $2 AND rp.status = ANY($6)
		ORDER BY u.name COLLATE "vi-VN-x-icu", rp.id`,
		periodID, receiverUnitID, formKey, rowKey, colCode, statusesFor(includeSent))
	var (
		list []UnitValue
		num  *string
		txt  *string
	)
	for rows.Next() {
		var u UnitValue
		if err := rows.Scan(&u.UnitID, &u.Unit, &u.ReportID, &u.Status, &num, &txt); err != nil {
			rows.Close()
			return nil, err
		}
		if num != nil {
			x, err := decimal.ParseCanonical(*num)
			if err != nil {
				rows.Close()
				return nil, err
			}
			u.Value, u.OK = x, true
		}
		if txt != nil {
			u.Text = *txt
		}
		list = append(list, u)
	}
	return list, rows.Err()
}
