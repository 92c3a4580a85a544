package periods

import (
	"strconv"
	"time"

	"baocao/internal/apperr"
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
	// FixedDay: due on the first such day of a month after the window
	// ends (ND 09 Điều 8: "chậm nhất là ngày 20 của tháng cuối kỳ"; a window
	// ending on the 14th is then due on the 20th of the same month), on the
	// month's last day when it is shorter, moved to the next working day
	// when it is a day off.
	FixedDay int
}

// DefaultRule is the rule a new regime starts with.
func DefaultRule() Rule { return Rule{WorkingDays: DefaultWorkingDays} }

// StoredRule is the rule kept in a level's two nullable columns, or the
// default when neither is set.
func StoredRule(workingDays, fixedDay *int) Rule {
	switch {
	case workingDays != nil:
		return Rule{WorkingDays: *workingDays}
	case fixedDay != nil:
		return Rule{FixedDay: *fixedDay}
	}
	return DefaultRule()
}

// Validate checks the rule; its errors are in Vietnamese, as the regime
// form shows them beside the level's deadline.
func (r Rule) Validate() error {
	switch {
	case r.WorkingDays != 0 && r.FixedDay != 0:
		return apperr.New(apperr.Invalid, "Chọn một trong hai: số ngày làm việc hoặc ngày cố định.")
	case r.FixedDay != 0 && (r.FixedDay < 1 || r.FixedDay > 31):
		return apperr.New(apperr.Invalid, "Ngày cố định từ 1 đến 31.")
	case r.FixedDay == 0 && r.WorkingDays < 1:
		// ND 09 Điều 8: the deadline comes after the cut-off, so at least 1.
		return apperr.New(apperr.Invalid, "Thời hạn gửi ít nhất 1 ngày làm việc sau ngày chốt số liệu (Nghị định 09/2019/NĐ-CP, Điều 8).")
	case r.WorkingDays > MaxWorkingDays:
		return apperr.New(apperr.Invalid, "Thời hạn gửi không quá "+strconv.Itoa(MaxWorkingDays)+" ngày làm việc sau ngày chốt số liệu.")
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
		due := clampedDay(end.Year(), end.Month(), day)
		if !due.After(end) {
			due = clampedDay(end.Year(), end.Month()+1, day)
		}
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

// clampedDay is day of the month, or the month's last day when it is shorter.
func clampedDay(year int, month time.Month, day int) time.Time {
	last := Date(year, month+1, 0)
	return Date(last.Year(), last.Month(), min(day, last.Day()))
}
