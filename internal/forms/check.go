package forms

import (
	"fmt"
	"regexp"
	"strconv"

	"baocao/internal/apperr"
)

var (
	keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	colPattern = regexp.MustCompile(`^[1-9][0-9]{0,2}$`)
)

// Choice is a coded setting with its Vietnamese name.
type Choice struct {
	Code, Name string
}

// The settings of columns and rows, in the order the designer offers them;
// the indicator catalogue uses the same value types and aggregations.
var (
	ValueTypes   = []Choice{{Number, "Số"}, {Integer, "Số nguyên"}, {Percent, "Tỷ lệ (%)"}, {Text, "Văn bản"}}
	Aggregations = []Choice{{Sum, "Cộng"}, {Average, "Trung bình"}, {WeightedAvg, "Bình quân gia quyền"},
		{Min, "Nhỏ nhất"}, {Max, "Lớn nhất"}, {NoAggregate, "Không tổng hợp"}}
	RowKinds = []Choice{{Indicator, "Chỉ tiêu"}, {Heading, "Tiêu đề"}, {Subtotal, "Tổng các dòng con"}, {OfWhich, "Trong đó"}}
)

// NameOf is the Vietnamese name of code among choices ("" when unknown).
func NameOf(choices []Choice, code string) string {
	for _, c := range choices {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Limits that keep a template printable and quick to fill.
const (
	MaxSections = 100
	MaxForms    = 20
	MaxColumns  = 60
	MaxRows     = 2000
	// MaxCells keeps a report's form post under the 10,000 fields a
	// request may carry.
	MaxCells = 8000
)

// Check returns every problem of the template's structure and formulas
// as one Invalid error, or nil. A draft must pass it to be saved.
func (t *Template) Check() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(t.Outline) > MaxSections {
		add("Đề cương có quá %d mục.", MaxSections)
	}
	if len(t.Forms) > MaxForms {
		add("Mẫu có quá %d biểu.", MaxForms)
	}
	sections := map[string]bool{}
	for i, s := range t.Outline {
		where := fmt.Sprintf("Mục %d của đề cương", i+1)
		switch {
		case !keyPattern.MatchString(s.Key) || sections[s.Key]:
			add("%s: mã mục trùng hoặc không hợp lệ.", where)
		case s.Heading == "":
			add("%s: chưa có tiêu đề.", where)
		case s.Parent != "" && !sections[s.Parent]:
			add("%s: mục cha phải đứng trước.", where)
		case s.MaxChars < 0:
			add("%s: giới hạn ký tự không được âm.", where)
		}
		sections[s.Key] = true
	}
	cells := 0
	for _, f := range t.Forms {
		for _, r := range f.Rows {
			if r.HasValues() {
				cells += len(f.Columns)
			}
		}
	}
	if cells > MaxCells {
		add("Mẫu có %d ô số liệu, vượt giới hạn %d ô của một báo cáo; hãy tách thành nhiều chế độ báo cáo hoặc bớt dòng, cột.", cells, MaxCells)
	}
	formKeys := map[string]bool{}
	for i := range t.Forms {
		f := &t.Forms[i]
		if !keyPattern.MatchString(f.Key) || formKeys[f.Key] {
			add("Biểu %d: mã biểu trùng hoặc không hợp lệ.", i+1)
		}
		formKeys[f.Key] = true
		for _, p := range f.check() {
			add("Biểu %q: %s", f.Title, p)
		}
	}
	problems = append(problems, t.draftProblems()...)
	if len(problems) == 0 {
		return nil
	}
	fields := map[string]string{}
	for i, p := range problems {
		fields["problem-"+strconv.Itoa(i+1)] = p
	}
	return &apperr.Error{Code: apperr.Invalid, Message: "Mẫu báo cáo còn lỗi cần sửa.", Fields: fields}
}

// CheckPublishable adds what a version in force needs: at least one
// outline section or form, and every form with columns and rows.
func (t *Template) CheckPublishable() error {
	if err := t.Check(); err != nil {
		return err
	}
	if len(t.Outline) == 0 && len(t.Forms) == 0 {
		return apperr.New(apperr.Invalid, "Mẫu báo cáo chưa có đề cương hay biểu số liệu nào.")
	}
	for _, f := range t.Forms {
		if len(f.Columns) == 0 || len(f.Rows) == 0 {
			return apperr.New(apperr.Invalid, fmt.Sprintf("Biểu %q chưa có cột hoặc dòng nào.", f.Title))
		}
	}
	return nil
}

func (f *Form) check() []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if f.Title == "" {
		add("chưa có tên biểu.")
	}
	if len(f.Columns) > MaxColumns {
		add("có quá %d cột.", MaxColumns)
	}
	if len(f.Rows) > MaxRows {
		add("có quá %d dòng.", MaxRows)
	}
	cols := map[string]bool{}
	for _, c := range f.Columns {
		switch {
		case !colPattern.MatchString(c.Code) || cols[c.Code]:
			add("cột (%s): số thứ tự cột trùng hoặc không hợp lệ.", c.Code)
		case c.Label == "":
			add("cột (%s): chưa có tên cột.", c.Code)
		case NameOf(ValueTypes, c.Type) == "":
			add("cột (%s): kiểu dữ liệu không hợp lệ.", c.Code)
		case c.Aggregation != "" && NameOf(Aggregations, c.Aggregation) == "":
			add("cột (%s): cách tổng hợp không hợp lệ.", c.Code)
		case c.Aggregation == WeightedAvg && !cols[c.WeightBy] && c.WeightBy == c.Code:
			add("cột (%s): bình quân gia quyền cần một cột trọng số khác.", c.Code)
		case c.Min != nil && c.Max != nil && c.Min.Cmp(*c.Max) > 0:
			add("cột (%s): giá trị nhỏ nhất lớn hơn giá trị lớn nhất.", c.Code)
		case c.Decimals < 0 || c.Decimals > 6:
			add("cột (%s): số chữ số thập phân từ 0 đến 6.", c.Code)
		}
		cols[c.Code] = true
	}
	for _, c := range f.Columns {
		if c.Aggregation == WeightedAvg && !cols[c.WeightBy] {
			add("cột (%s): cột trọng số (%s) không có trong biểu.", c.Code, c.WeightBy)
		}
	}
	rows := map[string]bool{}
	for i, r := range f.Rows {
		where := fmt.Sprintf("dòng %d", i+1)
		switch {
		case !keyPattern.MatchString(r.Key) || rows[r.Key]:
			add("%s: mã dòng trùng hoặc không hợp lệ.", where)
		case r.Label == "":
			add("%s: chưa có tên chỉ tiêu.", where)
		case NameOf(RowKinds, r.Kind) == "":
			add("%s: loại dòng không hợp lệ.", where)
		case r.Parent != "" && !rows[r.Parent]:
			add("%s: dòng cha phải đứng trước.", where)
		}
		for code := range r.Formulas {
			if !cols[code] {
				add("%s: công thức cho cột (%s) không có trong biểu.", where, code)
			}
		}
		for code, rule := range r.Aggregation {
			if !cols[code] || NameOf(Aggregations, rule) == "" {
				add("%s: cách tổng hợp riêng của cột (%s) không hợp lệ.", where, code)
			}
		}
		rows[r.Key] = true
	}
	problems = append(problems, f.checkFormulas()...)
	return problems
}
