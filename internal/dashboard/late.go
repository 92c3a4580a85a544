package dashboard

import (
	"context"

	"baocao/internal/consolidation"
	"baocao/internal/database"
)

// Contact is a unit admin to call about a late report.
type Contact struct {
	Name, Phone, Email string
}

// LateUnit is a unit with reports overdue now.
type LateUnit struct {
	UnitID   int64
	Unit     string
	Periods  []string // labels of the overdue periods, oldest first
	Contacts []Contact
}

// LateUnits lists the units of a grid with overdue reports (not sent,
// deadline passed: late now, or missing altogether), with the contacts of
// their active unit admins.
func LateUnits(ctx context.Context, q database.Querier, st *Status) ([]LateUnit, error) {
	var list []LateUnit
	var ids []int64
	for _, l := range st.Lines {
		if l.Tally.States[consolidation.Overdue] == 0 {
			continue
		}
		u := LateUnit{UnitID: l.UnitID, Unit: l.Unit}
		for i, c := range l.Cells {
			if c.State == consolidation.Overdue {
				u.Periods = append(u.Periods, st.Periods[i].Label)
			}
		}
		list = append(list, u)
		ids = append(ids, l.UnitID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, _ := q.Query(ctx, `
		SELECT unit_id, full_name, phone, email FROM accounts
		WHERE unit_id = ANY($1) AND tier = 'unit_admin' AND disabled_at IS NULL
		ORDER BY full_name, id`, ids)
	contacts := map[int64][]Contact{}
	for rows.Next() {
		var unit int64
		var c Contact
		if err := rows.Scan(&unit, &c.Name, &c.Phone, &c.Email); err != nil {
			rows.Close()
			return nil, err
		}
		contacts[unit] = append(contacts[unit], c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Contacts = contacts[list[i].UnitID]
	}
	return list, nil
}
