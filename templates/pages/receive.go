package pages

import (
	"net/url"

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

// boardURL is the board filtered by state ("" for all), keeping the other
// filters and going back to the first page.
func boardURL(v ReceivedPeriodView, state string) string {
	q := url.Values{}
	if state != "" {
		q.Set("state", consolidation.StateKeys[state])
	}
	if v.Query.Name != "" {
		q.Set("name", v.Query.Name)
	}
	if v.Query.Sort != "" {
		q.Set("sort", v.Query.Sort)
	}
	if v.IncludeSent {
		q.Set("sent", "1")
	}
	u := "/received/" + itoa(v.Period.PeriodID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u + "#board"
}

// viewParam keeps the re-based view in a link's query (issue 17).
func viewParam(rebased bool) string {
	if rebased {
		return "&view=rebased"
	}
	return ""
}
