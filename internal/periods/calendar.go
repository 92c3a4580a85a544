package periods

import (
	"baocao/internal/apperr"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"baocao/internal/vn"
)

// Day is a date that departs from the Monday-to-Friday week: a holiday
// (Working false) or a compensatory working day, ngày làm bù (Working true),
// such as Saturday 26/04/2025.
type Day struct {
	Date    time.Time
	Name    string
	Working bool
	Status  string // how sure the date is, as the holiday list says (holidays.Statuses); "" when it does not
}

// Calendar tells working days from days off. The zero Calendar knows only
// weekends.
type Calendar struct {
	days map[int]Day // by dateKey
}

// NewCalendar returns the calendar of the given holidays and compensatory
// working days. When a date is listed twice the later entry wins.
func NewCalendar(days []Day) Calendar {
	c := Calendar{days: make(map[int]Day, len(days))}
	for _, d := range days {
		d.Date = dayOf(d.Date)
		c.days[dateKey(d.Date)] = d
	}
	return c
}

func dateKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// IsWorkingDay reports whether day is a working day: Monday to Friday
// unless listed as a holiday, or a listed compensatory working day.
func (c Calendar) IsWorkingDay(day time.Time) bool {
	day = dayOf(day)
	if d, ok := c.days[dateKey(day)]; ok {
		return d.Working
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the n-th working day strictly after day. A
// negative n counts back: the |n|-th working day strictly before day. For
// n = 0 it returns day itself, working or not.
func (c Calendar) AddWorkingDays(day time.Time, n int) time.Time {
	day = dayOf(day)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		day = Date(day.Year(), day.Month(), day.Day()+step)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// ParseHolidaysCSV reads the holiday list the application is seeded from
// (data/vn-holidays-2025-2027.csv): a header line naming the columns date,
// name and kind (and optionally status; other columns are ignored), then one line
// per date. date is yyyy-mm-dd (dd/mm/yyyy is also accepted, as a
// spreadsheet may rewrite it); kind is "holiday" or "working-day" (a
// compensatory Saturday or Sunday). Errors are in Vietnamese and give the
// line number.
func ParseHolidaysCSV(r io.Reader) ([]Day, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, apperr.New(apperr.Invalid, "Tệp danh sách ngày nghỉ trống")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, name := range []string{"date", "name", "kind"} {
		if _, ok := col[name]; !ok {
			return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Dòng 1: thiếu cột %q (cần các cột date, name, kind)", name))
		}
	}
	var days []Day
	seen := map[int]int{} // date → line
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		field := func(name string) string {
			if i := col[name]; i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		dateText, name, kind := field("date"), vn.Clean(field("name")), field("kind")
		if dateText == "" && name == "" && kind == "" {
			continue // a line of empty cells, as spreadsheets leave
		}
		date, ok := parseCSVDate(dateText)
		if !ok {
			return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Dòng %d: ngày %q không hợp lệ (viết theo dạng yyyy-mm-dd, ví dụ 2026-01-01)", line, dateText))
		}
		if name == "" {
			return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Dòng %d: thiếu tên ngày %s", line, vn.Date(date)))
		}
		var working bool
		switch strings.ToLower(kind) {
		case "holiday":
		case "working-day":
			working = true
			if wd := date.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Dòng %d: ngày làm bù %s không phải thứ Bảy hoặc Chủ nhật", line, vn.Date(date)))
			}
		default:
			return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Dòng %d: loại ngày %q không hợp lệ (holiday là ngày nghỉ, working-day là ngày làm bù)", line, kind))
		}
		if first, dup := seen[dateKey(date)]; dup {
			return nil, apperr.New(apperr.Invalid, fmt.Sprintf("Dòng %d: ngày %s đã có ở dòng %d", line, vn.Date(date), first))
		}
		seen[dateKey(date)] = line
		days = append(days, Day{Date: date, Name: name, Working: working, Status: field("status")})
	}
	return days, nil
}

func parseCSVDate(s string) (time.Time, bool) {
	if t, err := time.ParseInLocation("2006-01-02", s, vn.Location); err == nil {
		return t, true
	}
	if strings.Contains(s, "/") {
		return vn.ParseDate(s)
	}
	return time.Time{}, false
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return apperr.Wrap(apperr.Invalid, fmt.Sprintf("Dòng %d: tệp CSV sai định dạng.", pe.Line), pe.Err)
	}
	return apperr.Wrap(apperr.Invalid, "Không đọc được tệp danh sách ngày nghỉ.", err)
}
