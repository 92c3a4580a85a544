// Package forms describes what a report template contains: the outline
// (đề cương thuyết minh) and the numeric forms (biểu mẫu số liệu) with
// their row tree, multi-level column headers, formulas, validation and
// consolidation rules (SPEC §3). A template version is stored as one JSON
// document of these types and never changes once published.
package forms

import (
	"fmt"

	"baocao/internal/decimal"
)

// Template is the content of one template version.
type Template struct {
	Outline  []Section `json:"outline"`
	Forms    []Form    `json:"forms"`
	Guidance string    `json:"guidance,omitempty"` // hướng dẫn chung
}

// Section is a narrative section of the outline. Sections nest through
// Parent; their order in the slice is the document order.
type Section struct {
	Key      string `json:"key"`              // s1, s2 …
	Parent   string `json:"parent,omitempty"` // key of the parent section
	Number   string `json:"number"`           // I, II, 1, 2, a …
	Heading  string `json:"heading"`
	Guidance string `json:"guidance,omitempty"`
	Required bool   `json:"required,omitempty"`
	MaxChars int    `json:"max_chars,omitempty"` // 0: no limit
	// DraftRows are the rows ("form|row") the section's suggested
	// sentences speak of (internal/narrative), in order.
	DraftRows []string `json:"draft_rows,omitempty"`
}

// Form is a numeric table.
type Form struct {
	Key      string   `json:"key"`                 // b1, b2 …
	Code     string   `json:"code,omitempty"`      // mã biểu, e.g. 06/VPCP/KSTT
	Title    string   `json:"title"`               // tên biểu
	IssuedBy string   `json:"issued_by,omitempty"` // ban hành kèm theo …
	Unit     string   `json:"unit,omitempty"`      // đơn vị tính chung
	Columns  []Column `json:"columns"`
	Rows     []Row    `json:"rows"`
	Rules    []Rule   `json:"rules,omitempty"` // cross-cell validation
}

// Value types of a column.
const (
	Number  = "number"
	Integer = "integer"
	Percent = "percent"
	Text    = "text"
)

// Aggregation rules for consolidation. Formula cells are recomputed from
// the consolidated inputs, never aggregated.
const (
	Sum         = "sum"
	Average     = "avg"
	WeightedAvg = "weighted_avg"
	Min         = "min"
	Max         = "max"
	NoAggregate = "none"
)

// Column is a leaf column of a form. Its header sits under Groups, the
// labels of the header cells above it from the top; equal neighbouring
// group labels merge into one spanning cell.
type Column struct {
	Code        string           `json:"code"` // 1, 2, 3 … printed as (1), (2) …
	Label       string           `json:"label"`
	Groups      []string         `json:"groups,omitempty"`
	Type        string           `json:"type"`
	Decimals    int              `json:"decimals,omitempty"`
	Formula     string           `json:"formula,omitempty"` // for every data row, e.g. "c1 + c2"
	Aggregation string           `json:"aggregation,omitempty"`
	WeightBy    string           `json:"weight_by,omitempty"` // column code, for weighted_avg
	Required    bool             `json:"required,omitempty"`
	Min         *decimal.Decimal `json:"min,omitempty"`
	Max         *decimal.Decimal `json:"max,omitempty"`
	NonNegative bool             `json:"non_negative,omitempty"`
	Prefill     string           `json:"prefill,omitempty"` // "previous": copied from the previous period (plan figures); "usage": the rows' Metric over the period (the usage report)
	// Role says what the column holds for the drafted sentences of the
	// outline (internal/narrative): RoleCurrent, RoleYearToDate,
	// RoleLastYear or RolePlan; "" for none.
	Role string `json:"role,omitempty"`
	// Outlier is how typed figures are checked against the unit's own
	// history (outliers.Kind: count, money, percent, off); empty follows
	// the column's type.
	Outlier string `json:"outlier,omitempty"`
}

// Roles of a column in drafted sentences.
const (
	RoleCurrent    = "current"   // thực hiện kỳ này
	RoleYearToDate = "ytd"       // lũy kế từ đầu năm
	RoleLastYear   = "last_year" // cùng kỳ năm trước
	RolePlan       = "plan"      // kế hoạch năm
	// RoleYearToDateLastYear is the year to date of the same period last
	// year, which the year to date is compared with.
	RoleYearToDateLastYear = "ytd_last_year"
)

// RoleLabels names the roles for the designer, in the order they are offered.
var RoleLabels = []struct{ Role, Label string }{
	{RoleCurrent, "Thực hiện kỳ này"},
	{RoleYearToDate, "Lũy kế từ đầu năm"},
	{RoleLastYear, "Cùng kỳ năm trước"},
	{RolePlan, "Kế hoạch năm"},
	{RoleYearToDateLastYear, "Lũy kế cùng kỳ năm trước"},
}

// ColumnOfRole returns the first column marked with role.
func (f *Form) ColumnOfRole(role string) (Column, bool) {
	for _, c := range f.Columns {
		if c.Role == role {
			return c, true
		}
	}
	return Column{}, false
}

// Kinds of row.
const (
	Heading   = "heading"   // a title line without values
	Indicator = "indicator" // values typed in
	Subtotal  = "subtotal"  // sum of its children
	OfWhich   = "of_which"  // "trong đó": part of its parent, not added again
)

// Row is a line of a form; rows nest through Parent and their order in
// the slice is the printed order.
type Row struct {
	Key         string            `json:"key"` // r1, r2 … (formula references use it)
	Parent      string            `json:"parent,omitempty"`
	STT         string            `json:"stt,omitempty"` // I, 1, a, -
	Label       string            `json:"label"`
	Kind        string            `json:"kind"`
	IndicatorID int64             `json:"indicator_id,omitempty"`
	Unit        string            `json:"unit,omitempty"`        // đơn vị tính of the row
	Formulas    map[string]string `json:"formulas,omitempty"`    // column code → formula overriding the column's
	Aggregation map[string]string `json:"aggregation,omitempty"` // column code → rule overriding the column's
	Bold        bool              `json:"bold,omitempty"`
	// Metric names the system figure (usage.Metrics) a "usage" prefill
	// column takes for this row, e.g. "reports_late".
	Metric string `json:"metric,omitempty"`
}

// Rule is a validation across cells, checked on every data row unless
// Rows names some, e.g. "c2 <= c1" with the message "Số đã giải quyết
// không được lớn hơn số tiếp nhận".
type Rule struct {
	Expr    string   `json:"expr"`
	Message string   `json:"message"`
	Rows    []string `json:"rows,omitempty"`
}

// HasValues reports whether the row's cells hold values.
func (r Row) HasValues() bool { return r.Kind != Heading }

// HeaderCell is a cell of the printed multi-level header.
type HeaderCell struct {
	Label   string
	ColSpan int
	RowSpan int
}

// Header lays out the multi-level column header: one slice per header
// line, from the top. The caller adds the fixed leading columns (STT,
// label, unit) spanning every line.
func (f *Form) Header() [][]HeaderCell {
	depth := 0
	for _, c := range f.Columns {
		depth = max(depth, len(c.Groups))
	}
	lines := make([][]HeaderCell, depth+1)
	for level := 0; level <= depth; level++ {
		for i := 0; i < len(f.Columns); {
			c := f.Columns[i]
			switch {
			case level < len(c.Groups):
				// A group label spans the neighbours that share the path up to it.
				j := i + 1
				for j < len(f.Columns) && samePrefix(f.Columns[j].Groups, c.Groups, level+1) {
					j++
				}
				lines[level] = append(lines[level], HeaderCell{Label: c.Groups[level], ColSpan: j - i, RowSpan: 1})
				i = j
			case level == len(c.Groups):
				lines[level] = append(lines[level], HeaderCell{Label: c.Label, ColSpan: 1, RowSpan: depth + 1 - level})
				i++
			default:
				i++ // covered by the leaf's row span
			}
		}
	}
	return lines
}

func samePrefix(a, b []string, n int) bool {
	if len(a) < n || len(b) < n {
		return false
	}
	for i := range n {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Depths returns each row's depth in the tree (0 for top-level rows).
func (f *Form) Depths() map[string]int {
	depth := make(map[string]int, len(f.Rows))
	for _, r := range f.Rows {
		if r.Parent != "" {
			depth[r.Key] = depth[r.Parent] + 1
		}
	}
	return depth
}

// IsFormula reports whether the cell of row r in column c is computed
// rather than typed: a row's own formula, the column's formula on data
// rows, or a subtotal row's sum of its children.
func (f *Form) IsFormula(r Row, c Column) bool {
	if !r.HasValues() {
		return false
	}
	if r.Formulas[c.Code] != "" || c.Formula != "" {
		return true
	}
	return r.Kind == Subtotal && c.Type != Text
}

// CellFormula is the formula of a computed cell ("" for an input cell).
func (f *Form) CellFormula(r Row, c Column) string {
	switch {
	case !r.HasValues():
		return ""
	case r.Formulas[c.Code] != "":
		return r.Formulas[c.Code]
	case c.Formula != "":
		return c.Formula
	case r.Kind == Subtotal && c.Type != Text:
		return "SUM(children)"
	}
	return ""
}

// Column returns the column with code.
func (f *Form) Column(code string) (Column, bool) {
	for _, c := range f.Columns {
		if c.Code == code {
			return c, true
		}
	}
	return Column{}, false
}

// FormByKey returns the form with key.
func (t *Template) FormByKey(key string) (*Form, bool) {
	for i := range t.Forms {
		if t.Forms[i].Key == key {
			return &t.Forms[i], true
		}
	}
	return nil, false
}

// Places is the number of decimals the column keeps: its Decimals, one
// for a percentage and none for an integer unless set, and -1 for a number
// column without a setting, which keeps what is typed.
func (c Column) Places() int {
	switch {
	case c.Decimals > 0:
		return c.Decimals
	case c.Type == Integer:
		return 0
	case c.Type == Percent:
		return 1
	}
	return -1
}

// computedPlaces is how many decimals a computed value of a column that
// keeps what is typed is given.
const computedPlaces = 6

// Computed rounds a value a formula computed to the column's decimals
// (halves away from zero), as the designer set them; typed values are
// never rounded.
func (c Column) Computed(x decimal.Decimal) decimal.Decimal {
	if p := c.Places(); p >= 0 {
		return x.Round(p)
	}
	return x.Round(computedPlaces)
}

// Format writes a stored value of the column the Vietnamese way (1.234,5),
// exactly: every stored digit, trailing zeros dropped. Typed values are
// kept as typed and computed ones were rounded to the column when they
// were computed, so reading back what is shown never changes a value.
func (c Column) Format(x decimal.Decimal) string { return x.Format() }

// Check applies the column's rules to a typed number and returns what is
// wrong with it, in Vietnamese, or "".
func (c Column) Check(x decimal.Decimal) string {
	switch p := c.Places(); {
	case c.Type == Integer && !x.IsInteger():
		return "Phải là số nguyên."
	case p > 0 && x.Decimals() > p:
		return fmt.Sprintf("Cột này ghi tối đa %d chữ số thập phân; hãy tự làm tròn nếu cần.", p)
	case c.NonNegative && x.Sign() < 0:
		return "Không được âm."
	case c.Min != nil && x.Cmp(*c.Min) < 0:
		return "Không được nhỏ hơn " + c.Min.Format() + "."
	case c.Max != nil && x.Cmp(*c.Max) > 0:
		return "Không được lớn hơn " + c.Max.Format() + "."
	}
	return ""
}
