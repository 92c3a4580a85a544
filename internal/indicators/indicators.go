// Package indicators keeps the indicator catalogue (bộ chỉ tiêu): measured
// quantities with a code, a unit of measure, a value type and the rule by
// which they are consolidated.
package indicators

import (
	"time"

	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// Indicator is one entry of the catalogue.
type Indicator struct {
	ID                int64
	Source            string // the list or report it comes from; (source, code) is unique
	Code              string // mã số, may be empty
	Name              string
	UnitOfMeasure     string // đơn vị tính
	ValueType         string // one of forms.ValueTypes
	Aggregation       string // one of forms.Aggregations
	Group             string
	PeriodNote        string // the periods it is reported for, as the source writes them
	Description       string
	ResponsibleUnitID int64 // 0: kept by the system admins
	ResponsibleUnit   string
	RetiredAt         time.Time // zero while in use
}

// Retired reports whether the indicator is no longer in use.
func (i *Indicator) Retired() bool { return !i.RetiredAt.IsZero() }

// ValueTypeName is the value type in Vietnamese (an indicator takes the
// value types of form columns, forms.ValueTypes).
func ValueTypeName(code string) string { return nameOr(forms.ValueTypes, code) }

// AggregationName is the aggregation rule in Vietnamese (forms.Aggregations).
func AggregationName(code string) string { return nameOr(forms.Aggregations, code) }

func nameOr(choices []forms.Choice, code string) string {
	if name := forms.NameOf(choices, code); name != "" {
		return name
	}
	return code
}

func known(choices []forms.Choice, code string) bool {
	for _, c := range choices {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Input is what an administrator types to add or edit an indicator.
type Input struct {
	Source            string
	Code              string
	Name              string
	UnitOfMeasure     string
	ValueType         string
	Aggregation       string
	Group             string
	PeriodNote        string
	Description       string
	ResponsibleUnitID int64
}

// Validate checks the input and normalises its text.
func (in *Input) Validate() error {
	for _, s := range []*string{&in.Source, &in.Code, &in.Name, &in.UnitOfMeasure, &in.ValueType, &in.Aggregation,
		&in.Group, &in.PeriodNote, &in.Description} {
		*s = vn.Clean(*s)
	}
	fields := map[string]string{}
	tooLong := func(field, value, label string, limit int) {
		if len([]rune(value)) > limit {
			fields[field] = label + " không được dài quá " + vn.Int(int64(limit)) + " ký tự."
		}
	}
	if in.Name == "" {
		fields["name"] = "Nhập tên chỉ tiêu."
	}
	tooLong("name", in.Name, "Tên chỉ tiêu", 500)
	tooLong("code", in.Code, "Mã số", 50)
	tooLong("unit_of_measure", in.UnitOfMeasure, "Đơn vị tính", 100)
	tooLong("group", in.Group, "Nhóm chỉ tiêu", 200)
	tooLong("period_note", in.PeriodNote, "Kỳ báo cáo", 200)
	tooLong("source", in.Source, "Nguồn", 500)
	tooLong("description", in.Description, "Mô tả", 4000)
	switch {
	case in.ValueType == "":
		fields["value_type"] = "Chọn kiểu giá trị."
	case !known(forms.ValueTypes, in.ValueType):
		fields["value_type"] = "Kiểu giá trị không hợp lệ."
	}
	switch {
	case in.Aggregation == "":
		fields["aggregation"] = "Chọn cách tổng hợp."
	case !known(forms.Aggregations, in.Aggregation):
		fields["aggregation"] = "Cách tổng hợp không hợp lệ."
	case in.ValueType == "text" && in.Aggregation != "none":
		fields["aggregation"] = "Chỉ tiêu dạng văn bản không tổng hợp được; chọn “Không tổng hợp”."
	case in.ValueType == "percent" && in.Aggregation == "sum":
		fields["aggregation"] = "Không cộng các tỷ lệ phần trăm; chọn trung bình, bình quân gia quyền, nhỏ nhất, lớn nhất hoặc không tổng hợp."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}
