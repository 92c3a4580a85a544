// Package regimes keeps the reporting regimes (chế độ báo cáo) with the
// nine elements of ND 09 Điều 7, their deadlines per level and the
// versions of their templates.
package regimes

import (
	"time"

	"baocao/internal/apperr"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

// Frequencies of a regime; the period engine is baocao/internal/periods.
var Frequencies = []struct{ Code, Name string }{
	{"monthly", "Hằng tháng"},
	{"quarterly", "Hằng quý"},
	{"half_year", "6 tháng"},
	{"nine_months", "9 tháng"},
	{"annual", "Hằng năm"},
	{"ad_hoc", "Đột xuất"},
}

// FrequencyName is the frequency in Vietnamese.
func FrequencyName(code string) string {
	for _, f := range Frequencies {
		if f.Code == code {
			return f.Name
		}
	}
	return code
}

// Regime is a reporting obligation.
type Regime struct {
	ID              int64
	Name            string
	Content         string // nội dung yêu cầu báo cáo
	ReportingUnits  string // đối tượng thực hiện, as the decision words it
	ReceivingUnitID int64
	ReceivingUnit   string
	SendMethod      string
	Frequency       string
	CalendarPeriods bool
	LegalNumber     string
	LegalDate       time.Time
	OwnerUnitID     int64
	OwnerUnit       string
	RemindDays      int
	GovExport       bool // accepted reports go on to the Government Reporting Information System
	RetiredAt       time.Time
	Deadlines       []Deadline
	// The template versions: the newest published and the draft, if any.
	PublishedVersion int
	DraftVersion     int
}

// Deadline is the deadline rule of one level (1: the first step up).
type Deadline struct {
	Level       int
	WorkingDays int // N working days after the cut-off; or
	FixedDay    int // a fixed day of the following month
}

// Rule is the level's rule for computing deadlines.
func (d Deadline) Rule() periods.Rule {
	return periods.Rule{WorkingDays: d.WorkingDays, FixedDay: d.FixedDay}
}

// Describe writes the rule in Vietnamese.
func (d Deadline) Describe() string {
	if d.FixedDay > 0 {
		return "Ngày " + itoa(d.FixedDay) + " (ngày " + itoa(d.FixedDay) + " đầu tiên sau ngày chốt số liệu)"
	}
	return itoa(d.WorkingDays) + " ngày làm việc sau ngày chốt số liệu"
}

// Input is what a designer types for a regime.
type Input struct {
	Name            string
	Content         string
	ReportingUnits  string
	ReceivingUnitID int64
	SendMethod      string
	Frequency       string
	CalendarPeriods bool
	LegalNumber     string
	LegalDate       time.Time
	OwnerUnitID     int64
	RemindDays      int
	GovExport       bool
	Deadlines       []Deadline
}

// Validate normalises and checks the input.
func (in *Input) Validate() error {
	in.Name, in.Content, in.ReportingUnits = vn.Clean(in.Name), vn.Clean(in.Content), vn.Clean(in.ReportingUnits)
	in.SendMethod, in.LegalNumber = vn.Clean(in.SendMethod), vn.Clean(in.LegalNumber)
	fields := map[string]string{}
	if in.Name == "" {
		fields["name"] = "Nhập tên chế độ báo cáo."
	} else if len([]rune(in.Name)) > 500 {
		fields["name"] = "Tên không được dài quá 500 ký tự."
	}
	if FrequencyName(in.Frequency) == in.Frequency {
		fields["frequency"] = "Chọn tần suất báo cáo."
	}
	if in.ReceivingUnitID == 0 {
		fields["receiving_unit_id"] = "Chọn cơ quan nhận báo cáo."
	}
	if in.OwnerUnitID == 0 {
		fields["owner_unit_id"] = "Chọn đơn vị chủ trì chế độ báo cáo."
	}
	if in.SendMethod == "" {
		in.SendMethod = "Hệ thống thông tin báo cáo tỉnh"
	}
	if in.RemindDays < 0 || in.RemindDays > 30 {
		fields["remind_days"] = "Số ngày nhắc trước hạn từ 0 đến 30."
	}
	if len(in.Deadlines) == 0 {
		fields["deadline_1"] = "Nhập thời hạn gửi báo cáo."
	}
	levels := map[int]bool{}
	for _, d := range in.Deadlines {
		key := "deadline_" + itoa(d.Level)
		switch {
		case d.Level < 1 || d.Level > 5:
			fields["deadline_1"] = "Cấp báo cáo từ 1 đến 5."
		case levels[d.Level]:
			fields[key] = "Mỗi cấp chỉ có một thời hạn gửi."
		default:
			if err := d.Rule().Validate(); err != nil {
				fields[key] = apperr.Message(err)
			}
		}
		levels[d.Level] = true
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}

func itoa(n int) string { return vn.Int(int64(n)) }
