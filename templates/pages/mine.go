package pages

import (
	"strconv"
	"time"

	"baocao/internal/reports"
	"baocao/templates/components"
)

// MyReports is "Báo cáo của tôi": the unit's reports to do, the periods
// about to open, and the reports already sent.
type MyReports struct {
	Today    time.Time
	ToDo     []reports.Summary
	Done     []reports.Summary
	Upcoming []reports.Upcoming
	Regimes  []components.Option
	Periods  []components.Option
	Filtered bool
}

func dueText(r reports.Summary, today time.Time) (string, string) {
	days := r.DaysLeft(today)
	switch {
	case days < 0:
		return "Quá hạn " + strconv.Itoa(-days) + " ngày", "red"
	case days == 0:
		return "Hạn gửi hôm nay", "yellow"
	case days <= 3:
		return "Còn " + strconv.Itoa(days) + " ngày", "yellow"
	}
	return "Còn " + strconv.Itoa(days) + " ngày", "blue"
}

func statusTag[S ~string](status S) (string, string) { return reports.StatusName(status) }
