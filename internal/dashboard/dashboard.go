// Package dashboard computes the leaders' and receivers' overviews (Tổng
// quan, SPEC §6) live from the reports: the units × periods grid of
// statuses with counts and rates, the units late now with their unit
// admins' contacts, the trends of one indicator over periods and across
// units, and the system's activity.
//
// Every query takes the viewer's Scope, so that a receiver sees only the
// reports sent to its unit and a unit admin only its subtree's, whatever
// the filter asks for.
package dashboard

import (
	"time"

	"baocao/internal/reports"
)

// Scope is what a viewer may see; both limits apply when set.
type Scope struct {
	Receiver int64 // only the reports sent to this unit (0: any receiver)
	Root     int64 // only the reports of units in this subtree (0: any unit)
}

// Filter narrows a dashboard.
type Filter struct {
	RegimeID int64
	From, To time.Time // the periods ending within [From, To]; zero: unbounded
	Root     int64     // only units in this subtree (0: all the scope allows)
}

// Period is a column of the dashboards.
type Period struct {
	ID         int64
	Key, Label string
	Start, End time.Time
}

// counted is the statuses of the reports that carry figures into the trends:
// received (sent) or accepted, as the receiver's live consolidation with
// sent reports included.
var counted = []string{string(reports.StatusSent), string(reports.StatusAccepted)}

// date is the SQL parameter of an optional bound.
func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// scopeSQL limits reports aliased r to the scope ($1, $2) and the filter's
// subtree ($3).
const scopeSQL = `($1::bigint = 0 OR r.receiver_unit_id = $1)
	AND ($2::bigint = 0 OR r.unit_id IN (SELECT unit_id FROM subtree($2)))
	AND ($3::bigint = 0 OR r.unit_id IN (SELECT unit_id FROM subtree($3)))`
