package pages

import (
	"baocao/internal/decimal"

	"net/url"

	"baocao/internal/consolidation"
	"baocao/internal/dashboard"
	"baocao/internal/forms"
	"baocao/internal/vn"
	"baocao/templates/components"
)

// DashboardFilter is the filter every dashboard shares: regime, the
// periods' range and the unit subtree.
type DashboardFilter struct {
	Path     string
	Regimes  []components.Option
	Unit     components.UnitPick
	Sort     []components.Option // the order of the units, where the page sorts them
	From, To string
	Errors   map[string]string
	Query    url.Values          // the filter as chosen, for links and downloads
	Activity bool                // the viewer may see the system's activity
	View     []components.Option // as reported or re-based on today's units (issue 17)
	Rebased  bool
	Rebasing Rebasing
}

// Link is the address of path with the filter and extra parameters.
func (f DashboardFilter) Link(path string, extra ...string) string {
	q := url.Values{}
	for k, v := range f.Query {
		q[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return path + "?" + q.Encode()
}

type DashboardView struct {
	Filter    DashboardFilter
	Status    *dashboard.Status
	Lines     []dashboard.Line // the units of this page
	Pager     components.Pager
	Late      []dashboard.LateUnit // the first ones
	LateTotal int
}

type TrendsView struct {
	Filter                        DashboardFilter
	Forms, Rows, Columns, Periods []components.Option
	Indicator                     string // the row and column followed
	Decimals                      int
	Points                        []dashboard.Point
	Period                        string // the period of the comparison across units
	Units                         []dashboard.UnitValue
	LineSVG, BarSVG               []byte
	BarShown                      int // how many units the bar chart shows, from the top
}

type ActivityView struct {
	From, To string
	Errors   map[string]string
	Query    url.Values
	Activity *dashboard.Activity
	ChartSVG []byte
}

// RowName names an indicator row: "1. Label (unit)".
func RowName(r forms.Row) string {
	s := r.Label
	if r.STT != "" {
		s = r.STT + ". " + s
	}
	if r.Unit != "" {
		s += " (" + r.Unit + ")"
	}
	return s
}

// SelectedLabel is the label of the chosen option with a value.
func SelectedLabel(opts []components.Option) string {
	for _, o := range opts {
		if o.Selected && o.Value != "" {
			return o.Label
		}
	}
	return ""
}

// RangeText writes a range of dates typed as dd/mm/yyyy, either end open.
func RangeText(from, to string) string {
	switch {
	case from != "" && to != "":
		return "từ " + from + " đến " + to
	case from != "":
		return "từ " + from
	case to != "":
		return "đến " + to
	}
	return ""
}

func rate(x float64) string { return vn.Decimal(x, 1) + " %" }

// dueRate is a rate of the tally's reports due, or "chưa đến hạn" while
// none is: a report whose deadline is ahead is no failure.
func dueRate(t dashboard.Tally, x float64) string {
	if t.Due == 0 {
		return "chưa đến hạn"
	}
	return rate(x)
}

// figure shows a consolidated figure exactly, or a dash when blank.
func figure(x decimal.Decimal, ok bool) string {
	if !ok {
		return "—"
	}
	return x.Format()
}

// change is x against last year's figure, as a percentage of it.
func change(x decimal.Decimal, ok bool, last decimal.Decimal, lastOK bool) string {
	if !ok || !lastOK || last.IsZero() {
		return "—"
	}
	q, _ := x.Quo(last)
	pct, _ := q.Mul(decimal.FromInt(100))
	return pct.FormatFixed(1) + " %"
}

// cellMark is the short mark of a state in the grid; the full state is
// its title and the legend.
func cellMark(c dashboard.Cell) string {
	switch c.State {
	case consolidation.Accepted:
		return "✓"
	case consolidation.Sent:
		return "Đ"
	case consolidation.SentLate:
		return "M"
	case consolidation.Returned:
		return "T"
	case consolidation.Overdue:
		return "!"
	case consolidation.NotSent:
		return "…"
	}
	return ""
}

func cellTitle(c dashboard.Cell) string {
	if c.State == consolidation.Accepted && c.Late {
		return c.State + " (gửi muộn)"
	}
	return c.State
}

func cellClass(c dashboard.Cell) string {
	if c.State == "" {
		return "status-cell"
	}
	return "status-cell tag--" + stateColour(c.State)
}

// dashboardCell is a cell in a state, for the legend.
func dashboardCell(state string) dashboard.Cell { return dashboard.Cell{State: state} }

// shortPeriod shortens a period label for a column head: "Tháng 3/2026" → "T3/2026".
func shortPeriod(label string) string {
	for prefix, short := range map[string]string{"Tháng ": "T", "Quý ": "Q"} {
		if len(label) > len(prefix) && label[:len(prefix)] == prefix {
			return short + label[len(prefix):]
		}
	}
	return label
}
