package pages

import "strconv"

// The re-based view of the dashboards (issue 17): a past period on
// today's units, with the mapping shown and every re-based figure marked.

// RebasedMark is the mark beside a unit's name or a period's label whose
// figures come, wholly or partly, from old units.
const RebasedMark = " (*)"

// MappingRow is a line of the mapping: a unit of today and the old units
// it stands for in the period shown.
type MappingRow struct {
	Unit    string
	Period  string
	Sources string // "Ủy ban nhân dân phường Vĩnh Hòa (toàn bộ); …"
}

// Rebasing is what a dashboard page shows of the re-based view.
type Rebasing struct {
	On      bool
	Marks   map[string]string // CellMark(unit, period index) → where the figure comes from
	Mapping []MappingRow
}

// CellMark keys a unit's cell of a period in Rebasing.Marks.
func CellMark(unit int64, period int) string {
	return strconv.FormatInt(unit, 10) + "/" + strconv.Itoa(period)
}
