package periods

import (
	"errors"
	"time"
)

// DefaultWorkingDays is Khánh Hòa's rule: a report is due 2 working days
// after the end of its cut-off window.
const DefaultWorkingDays = 2

// MaxWorkingDays bounds WorkingDays, to catch typing mistakes.
const MaxWorkingDays = 60

// Rule says when a report is due. Exactly one field is set. A regime has
// one rule per level (commune, department, province).
type Rule struct {
	// WorkingDays: due that many working days after the window ends.
	WorkingDays int
	// FixedDay: due on this day of the month after the month the window
	// ends in (the last day of that month when it is shorter), moved to the
	// next working day when it is a day off.
	FixedDay int
}

// DefaultRule is the rule a new regime starts with.
func DefaultRule() Rule { return Rule{WorkingDays: DefaultWorkingDays} }

// Validate checks the rule; its errors are in Vietnamese.
func (r Rule) Validate() error {
	switch {
	case r.WorkingDays == 0 && r.FixedDay == 0:
		return errors.New("Chưa chọn cách tính hạn gửi báo cáo: số ngày làm việc sau ngày chốt số liệu hoặc một ngày cố định trong tháng")
	case r.WorkingDays != 0 && r.FixedDay != 0:
		return errors.New("Chỉ chọn một cách tính hạn gửi báo cáo: số ngày làm việc sau ngày chốt số liệu hoặc một ngày cố định trong tháng")
	case r.WorkingDays != 0 && (r.WorkingDays < 1 || r.WorkingDays > MaxWorkingDays):
		// ND 09 Điều 8: the deadline comes after the cut-off, so at least 1.
		return errors.New("Hạn gửi báo cáo phải từ 1 đến 60 ngày làm việc sau ngày chốt số liệu")
	case r.FixedDay != 0 && (r.FixedDay < 1 || r.FixedDay > 31):
		return errors.New("Ngày gửi báo cáo cố định phải từ ngày 1 đến ngày 31 của tháng")
	}
	return nil
}

// Deadline returns the date a report for p is due under r. A rule that
// does not validate is read leniently: FixedDay is clamped to 1–31, and
// without a FixedDay a WorkingDays below 1 means the default of 2.
func (r Rule) Deadline(p Period, cal Calendar) time.Time {
	end := dayOf(p.End)
	if r.FixedDay != 0 {
		day := min(max(r.FixedDay, 1), 31)
		// The month after the one the window ends in.
		first := Date(end.Year(), end.Month()+1, 1)
		last := Date(first.Year(), first.Month()+1, 0)
		due := Date(first.Year(), first.Month(), min(day, last.Day()))
		if !cal.IsWorkingDay(due) {
			due = cal.AddWorkingDays(due, 1)
		}
		return due
	}
	n := r.WorkingDays
	if n < 1 {
		n = DefaultWorkingDays
	}
	return cal.AddWorkingDays(end, n)
}
