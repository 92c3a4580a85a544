// Package periods computes reporting periods (kỳ báo cáo) and their cut-off
// windows (thời gian chốt số liệu) under Nghị định 09/2019/NĐ-CP Điều 12,
// with Khánh Hòa's nine-month period, and the deadlines (thời hạn gửi) counted
// in working days.
//
// Every date is a calendar date: a time.Time at 00:00 in vn.Location. Build
// one with Date; functions that take a date first reduce it to the day it
// falls on in Vietnam.
package periods

import (
	"baocao/internal/apperr"
	"fmt"
	"time"

	"baocao/internal/vn"
)

// Frequency is how often a regime asks for a report.
type Frequency string

// Frequencies.
const (
	Monthly    Frequency = "monthly"
	Quarterly  Frequency = "quarterly"
	HalfYear   Frequency = "half_year"
	NineMonths Frequency = "nine_months" // Khánh Hòa's addition to ND 09
	Annual     Frequency = "annual"
	AdHocFreq  Frequency = "ad_hoc" // đột xuất: dates given by the regime
)

// Frequencies lists the frequencies in the order a form offers them.
var Frequencies = []Frequency{Monthly, Quarterly, HalfYear, NineMonths, Annual, AdHocFreq}

// Name is the frequency as officials write it.
func (f Frequency) Name() string {
	switch f {
	case Monthly:
		return "Hằng tháng"
	case Quarterly:
		return "Hằng quý"
	case HalfYear:
		return "6 tháng"
	case NineMonths:
		return "9 tháng"
	case Annual:
		return "Hằng năm"
	case AdHocFreq:
		return "Đột xuất"
	}
	return string(f)
}

// Valid reports whether f is one of the frequencies above.
func (f Frequency) Valid() bool {
	_, ok := spans[f]
	return ok || f == AdHocFreq
}

// spans gives, per recurring frequency, how many months a period covers.
var spans = map[Frequency]int{Monthly: 1, Quarterly: 3, HalfYear: 6, NineMonths: 9, Annual: 12}

// Date returns the calendar date y-m-d at midnight in Vietnam. Out-of-range
// months and days normalise as in time.Date (Date(2026, 3, 0) is 28/02/2026).
func Date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, vn.Location)
}

// dayOf reduces t to the date it falls on in Vietnam.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(vn.Location).Date()
	return Date(y, m, d)
}

// Period is one reporting period of a regime.
type Period struct {
	Frequency Frequency
	// Calendar is true for calendar periods (1st of the month to the last
	// day) and false for the cut-off windows of ND 09 Điều 12 (15th to 14th).
	Calendar bool
	// Year is the year the period ends in: ND 09's Tháng 1/2026 and Năm 2026
	// both start on 15/12/2025.
	Year int
	// Number is the month (1–12), quarter (1–4) or half (1–2); 0 otherwise.
	Number int
	// Start and End are the first and last days of the cut-off window,
	// both included.
	Start, End time.Time
	// AdHocLabel names an ad-hoc period; empty otherwise.
	AdHocLabel string
}

// New returns the recurring period numbered number in year. Use AdHoc for
// ad-hoc periods.
func New(f Frequency, calendar bool, year, number int) (Period, error) {
	if f == AdHocFreq {
		return Period{}, apperr.New(apperr.Invalid, "Kỳ báo cáo đột xuất cần ngày bắt đầu, ngày kết thúc và tên kỳ")
	}
	if _, ok := spans[f]; !ok {
		return Period{}, apperr.New(apperr.Invalid, fmt.Sprintf("Tần suất báo cáo không hợp lệ: %q", string(f)))
	}
	if year < 1 || year > 9999 {
		return Period{}, apperr.New(apperr.Invalid, fmt.Sprintf("Năm báo cáo không hợp lệ: %d", year))
	}
	last := perYear[f] // 0 when the period is not numbered
	if last == 0 && number != 0 {
		return Period{}, apperr.New(apperr.Invalid, fmt.Sprintf("Kỳ %s không đánh số (nhận được số %d)", f.Name(), number))
	}
	if last != 0 && (number < 1 || number > last) {
		var what string
		switch f {
		case Monthly:
			what = "Tháng phải từ 1 đến 12"
		case Quarterly:
			what = "Quý phải từ I đến IV"
		case HalfYear:
			what = "Kỳ 6 tháng phải là 6 tháng đầu năm (1) hoặc 6 tháng cuối năm (2)"
		}
		return Period{}, apperr.New(apperr.Invalid, fmt.Sprintf("%s (nhận được %d)", what, number))
	}
	return build(f, calendar, year, number), nil
}

// build computes the window of a recurring period whose frequency and
// number are known to be valid.
func build(f Frequency, calendar bool, year, number int) Period {
	span := spans[f]
	endMonth := 12
	switch f {
	case Monthly, Quarterly, HalfYear:
		endMonth = number * span
	case NineMonths:
		endMonth = 9
	}
	p := Period{Frequency: f, Calendar: calendar, Year: year, Number: number}
	if calendar {
		p.Start = Date(year, time.Month(endMonth-span+1), 1)
		p.End = Date(year, time.Month(endMonth+1), 0)
	} else {
		p.Start = Date(year, time.Month(endMonth-span), 15)
		p.End = Date(year, time.Month(endMonth), 14)
	}
	return p
}

// AdHoc returns an ad-hoc (đột xuất) period from start to end, both included.
func AdHoc(label string, start, end time.Time) (Period, error) {
	label = vn.Clean(label)
	if label == "" {
		return Period{}, apperr.New(apperr.Invalid, "Chưa nhập tên kỳ báo cáo đột xuất")
	}
	if start.IsZero() || end.IsZero() {
		return Period{}, apperr.New(apperr.Invalid, "Chưa nhập ngày bắt đầu và ngày kết thúc của kỳ báo cáo đột xuất")
	}
	start, end = dayOf(start), dayOf(end)
	if end.Before(start) {
		return Period{}, apperr.New(apperr.Invalid, fmt.Sprintf("Ngày kết thúc (%s) phải bằng hoặc sau ngày bắt đầu (%s)", vn.Date(end), vn.Date(start)))
	}
	if start.Year() < 1 || end.Year() > 9999 {
		return Period{}, apperr.New(apperr.Invalid, "Ngày của kỳ báo cáo đột xuất không hợp lệ")
	}
	return Period{Frequency: AdHocFreq, Year: end.Year(), Start: start, End: end, AdHocLabel: label}, nil
}

// Containing returns the period of frequency f whose window contains day.
//
// A nine-month window (15/12 → 14/09, or January → September for calendar
// periods) leaves a gap each year; for a day in the gap Containing returns
// the next nine-month period, the one that opens at the end of the gap.
// For ad-hoc or unknown frequencies it returns the zero Period.
func Containing(f Frequency, calendar bool, day time.Time) Period {
	if _, ok := spans[f]; !ok {
		return Period{}
	}
	// The month (y, m) whose monthly window holds day.
	y, m, d := dayOf(day).Date()
	if !calendar && d >= 15 {
		m++
		if m > 12 {
			m, y = 1, y+1
		}
	}
	switch f {
	case Monthly:
		return build(f, calendar, y, int(m))
	case Quarterly:
		return build(f, calendar, y, (int(m)-1)/3+1)
	case HalfYear:
		return build(f, calendar, y, (int(m)-1)/6+1)
	case NineMonths:
		if m > 9 {
			y++
		}
		return build(f, calendar, y, 0)
	default: // Annual
		return build(f, calendar, y, 0)
	}
}

// Contains reports whether day falls in p's window.
func (p Period) Contains(day time.Time) bool {
	day = dayOf(day)
	return !day.Before(p.Start) && !day.After(p.End)
}

// IsZero reports whether p is the zero Period, which Containing, Next, Prev
// and SamePeriodLastYear return when there is no such period.
func (p Period) IsZero() bool { return p.Frequency == "" }

// Next returns the period after p: the next month, quarter or half (H2 is
// followed by next year's H1), or next year's nine months or year. An
// ad-hoc period has no successor: Next returns the zero Period.
func (p Period) Next() Period { return p.shift(1) }

// Prev returns the period before p, or the zero Period for an ad-hoc one.
func (p Period) Prev() Period { return p.shift(-1) }

// SamePeriodLastYear returns the period with the same number one year
// earlier (cùng kỳ năm trước), or the zero Period for an ad-hoc one.
func (p Period) SamePeriodLastYear() Period {
	if _, ok := spans[p.Frequency]; !ok {
		return Period{}
	}
	return build(p.Frequency, p.Calendar, p.Year-1, p.Number)
}

// perYear gives how many periods of a numbered frequency a year holds.
var perYear = map[Frequency]int{Monthly: 12, Quarterly: 4, HalfYear: 2}

func (p Period) shift(by int) Period {
	if _, ok := spans[p.Frequency]; !ok {
		return Period{}
	}
	n, ok := perYear[p.Frequency]
	if !ok {
		return build(p.Frequency, p.Calendar, p.Year+by, 0)
	}
	i := p.Year*n + p.Number - 1 + by // months, quarters or halves since year 0
	year, idx := i/n, i%n
	if idx < 0 {
		year, idx = year-1, idx+n
	}
	return build(p.Frequency, p.Calendar, year, idx+1)
}

var roman = [...]string{"", "I", "II", "III", "IV"}

// Label names the period as officials write it: "Tháng 3/2026",
// "Quý I/2026", "6 tháng đầu năm 2026", "6 tháng cuối năm 2026",
// "9 tháng năm 2026", "Năm 2026", or an ad-hoc period's own label.
func (p Period) Label() string {
	switch p.Frequency {
	case Monthly:
		return fmt.Sprintf("Tháng %d/%d", p.Number, p.Year)
	case Quarterly:
		if p.Number >= 1 && p.Number <= 4 {
			return fmt.Sprintf("Quý %s/%d", roman[p.Number], p.Year)
		}
	case HalfYear:
		if p.Number == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	case NineMonths:
		return fmt.Sprintf("9 tháng năm %d", p.Year)
	case Annual:
		return fmt.Sprintf("Năm %d", p.Year)
	case AdHocFreq:
		return p.AdHocLabel
	}
	return ""
}

// Window is the cut-off window: "15/02/2026 – 14/03/2026".
func (p Period) Window() string {
	return vn.Date(p.Start) + " – " + vn.Date(p.End)
}

// Title shows label, window and deadline together, as the SPEC asks:
// "Tháng 3/2026 (15/02/2026 – 14/03/2026), hạn gửi 17/03/2026". A zero
// deadline leaves out the ", hạn gửi …" part.
func (p Period) Title(deadline time.Time) string {
	s := p.Label() + " (" + p.Window() + ")"
	if !deadline.IsZero() {
		s += ", hạn gửi " + vn.Date(deadline)
	}
	return s
}
