package pages

import (
	"baocao/internal/consolidation"
)

func stateColour(state string) string {
	switch state {
	case consolidation.Accepted, consolidation.Sent:
		return "green"
	case consolidation.Overdue, consolidation.Returned:
		return "red"
	case consolidation.SentLate:
		return "yellow"
	}
	return "grey"
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func unitValue(u consolidation.UnitValue) string {
	switch {
	case u.Text != "":
		return u.Text
	case !u.OK:
		return "—"
	}
	return u.Value.Format()
}
