// Package holidays keeps the holiday calendar the system admin maintains
// (SPEC §3): public holidays and the compensatory working days (làm bù)
// that deadlines in working days skip or count.
package holidays

import (
	"time"

	"baocao/internal/apperr"
	"baocao/internal/vn"
)

// Day is a date that departs from the Monday-to-Friday week.
type Day struct {
	Date    time.Time // midnight in Vietnam
	Name    string
	Working bool   // a compensatory working day on a weekend; else a day off
	Status  string // one of Statuses
}

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

// Validate checks the day and normalises its text. A holiday may fall on a
// weekend (it is then only informational); a compensatory working day must.
func (d *Day) Validate() error {
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
