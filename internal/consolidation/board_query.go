package consolidation

import (
	"cmp"
	"slices"

	"baocao/internal/vn"
)

// BoardQuery is what the receiver asks of the board: the units in one
// state, whose name contains a text, in an order, one page at a time.
type BoardQuery struct {
	State   string // one of States, or "" for all
	Name    string
	Sort    string // one of BoardSorts' keys; "" sorts by name
	Page    int    // from 1
	PerPage int
}

// StateKeys name the states in addresses (?state=qua-han).
var StateKeys = map[string]string{NotSent: "chua-gui", Overdue: "qua-han", Sent: "da-gui", SentLate: "gui-muon",
	Returned: "bi-tra-lai", Accepted: "da-tiep-nhan"}

// StateOfKey is the state a key names, or "" for an unknown key.
func StateOfKey(key string) string {
	for s, k := range StateKeys {
		if k == key {
			return s
		}
	}
	return ""
}

// BoardSorts are the orders the board offers, with their labels.
var BoardSorts = []struct{ Key, Label string }{
	{"", "Tên đơn vị"},
	{"state", "Tình trạng (chưa gửi, quá hạn trước)"},
	{"sent", "Gửi gần nhất trước"},
	{"sent-first", "Gửi sớm nhất trước"},
}

// Select applies q to the board: the page of the units that match, and
// how many match in all.
func Select(list []UnitStatus, q BoardQuery) ([]UnitStatus, int) {
	var out []UnitStatus
	for _, u := range list {
		if (q.State == "" || u.State == q.State) && vn.Contains(u.Unit, q.Name) {
			out = append(out, u)
		}
	}
	rank := map[string]int{}
	for i, s := range States {
		rank[s] = i
	}
	byName := func(a, b UnitStatus) int { return cmp.Compare(vn.SortKey(a.Unit), vn.SortKey(b.Unit)) }
	switch q.Sort {
	case "state":
		slices.SortStableFunc(out, func(a, b UnitStatus) int { return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]), byName(a, b)) })
	case "sent", "sent-first":
		// Not sent yet goes last either way.
		slices.SortStableFunc(out, func(a, b UnitStatus) int {
			if a.SentAt.IsZero() != b.SentAt.IsZero() {
				if a.SentAt.IsZero() {
					return 1
				}
				return -1
			}
			c := a.SentAt.Compare(b.SentAt)
			if q.Sort == "sent" {
				c = -c
			}
			return cmp.Or(c, byName(a, b))
		})
	default:
		slices.SortStableFunc(out, byName)
	}
	total := len(out)
	if q.PerPage > 0 {
		page := max(1, q.Page)
		from := min(total, (page-1)*q.PerPage)
		out = out[from:min(total, from+q.PerPage)]
	}
	return out, total
}
