// Package holidays keeps the holiday calendar the system admin maintains
// (SPEC §3): public holidays and the compensatory working days (làm bù)
// that deadlines in working days skip or count.
package holidays

import (
	"time"

	"baocao/internal/apperr"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

// Statuses say how sure a date is: fixed by the Labour Code, announced by
// the Government, or expected and still to be confirmed (lunar dates of
// later years).
var Statuses = []struct{ Code, Name string }{
	{"legal", "Theo Bộ luật Lao động"},
	{"announced", "Đã công bố"},
	{"to-confirm", "Dự kiến, chờ công bố"},
}

// StatusName is the status in Vietnamese.
func StatusName(code string) string {
	for _, s := range Statuses {
		if s.Code == code {
			return s.Name
		}
	}
	return code
}

var weekdays = [7]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// Weekday names the day of the week of t in Vietnamese: "Thứ Hai" … "Chủ nhật".
func Weekday(t time.Time) string { return weekdays[t.Weekday()] }

// Weekend reports whether t is a Saturday or a Sunday.
func Weekend(t time.Time) bool {
	wd := t.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// Validate checks a day of the calendar and normalises its text. A
// holiday may fall on a weekend (it is then only informational); a
// compensatory working day must.
func Validate(d *periods.Day) error {
	d.Name = vn.Clean(d.Name)
	d.Date = vn.Day(d.Date)
	if d.Status == "" {
		d.Status = "announced"
	}
	fields := map[string]string{}
	if d.Date.IsZero() {
		fields["date"] = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/01/2026."
	}
	if d.Name == "" {
		fields["name"] = "Nhập tên ngày nghỉ lễ hoặc lý do làm bù."
	} else if len([]rune(d.Name)) > 200 {
		fields["name"] = "Tên không được dài quá 200 ký tự."
	}
	if d.Working && !d.Date.IsZero() && !Weekend(d.Date) {
		fields["working"] = "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày " + vn.Date(d.Date) + " là " + Weekday(d.Date) + "."
	}
	if StatusName(d.Status) == d.Status {
		fields["status"] = "Trạng thái không hợp lệ."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}
