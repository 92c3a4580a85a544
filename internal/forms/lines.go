package forms

import (
	"slices"
	"strconv"
	"strings"

	"baocao/internal/decimal"
	"baocao/internal/outliers"
	"baocao/internal/vn"
)

// The designer edits a template as lines of text fields, as a clerk
// would write them on paper: an outline's sections, a form's columns and
// its rows. This file turns a template into those lines and lines back
// into a template, refusing what it cannot read with a message keyed by
// the field it names ("max-2", "decimals-3", "formulas-r7" …). Blank lines
// (no heading, label) are dropped.

// SectionLine is one line of the outline editor.
type SectionLine struct {
	Key, Number, Heading, Guidance, MaxChars string
	Level                                    int
	Required                                 bool
}

// ColumnLine is one line of the column editor; Code is the number the
// page shows, (1), (2) … by line.
type ColumnLine struct {
	Code, Label, Groups, Type, Decimals, Formula, Aggregation, WeightBy, Min, Max, Prefill string
	Required, NonNegative                                                                  bool
	Outlier                                                                                string // outliers.Kind
}

// RowLine is one line of the row editor; Indicator is the catalogue
// number as typed, Formulas and Aggregation as "c3 = …; c4 = …".
type RowLine struct {
	Key, STT, Label, Kind, Unit, Formulas, Aggregation, Indicator string
	Level                                                         int
	Bold                                                          bool
}

// Outline.

// OutlineLines are the sections of t as the outline editor shows them.
func OutlineLines(t Template) []SectionLine {
	level := map[string]int{}
	var lines []SectionLine
	for _, s := range t.Outline {
		level[s.Key] = level[s.Parent] + 1
		lines = append(lines, SectionLine{Key: s.Key, Number: s.Number, Heading: s.Heading, Guidance: s.Guidance,
			Required: s.Required, MaxChars: itoaIf(s.MaxChars), Level: level[s.Key]})
	}
	return lines
}

// WithOutlineLines returns t with its outline read from lines (blank
// headings dropped; new sections get new keys), the lines kept, and what
// could not be read. Each section keeps its drafted sentences.
func (t Template) WithOutlineLines(lines []SectionLine) (Template, []SectionLine, map[string]string) {
	lines = slices.DeleteFunc(slices.Clone(lines), func(l SectionLine) bool { return l.Heading == "" })
	keyLines(lines, "s", func(l *SectionLine) (*string, int) { return &l.Key, l.Level })
	parents := parentsByLevel(len(lines), func(i int) (string, int) { return lines[i].Key, lines[i].Level })
	errs := map[string]string{}
	out := t
	out.Outline = nil
	for i, l := range lines {
		maxChars, err := strconv.Atoi(or(l.MaxChars, "0"))
		if err != nil || maxChars < 0 {
			errs["max-"+strconv.Itoa(i)] = "Mục " + or(l.Number, l.Heading) + ": giới hạn ký tự là một số không âm."
		}
		var draftRows []string
		if old, ok := t.section(l.Key); ok {
			draftRows = old.DraftRows
		}
		out.Outline = append(out.Outline, Section{Key: l.Key, Parent: parents[i], Number: l.Number, Heading: l.Heading,
			Guidance: l.Guidance, Required: l.Required, MaxChars: maxChars, DraftRows: draftRows})
	}
	return out, lines, errs
}

func (t Template) section(key string) (Section, bool) {
	for _, s := range t.Outline {
		if s.Key == key {
			return s, true
		}
	}
	return Section{}, false
}

// Columns.

// ColumnLines are the columns of f as the column editor shows them.
func ColumnLines(f *Form) []ColumnLine {
	var lines []ColumnLine
	for _, c := range f.Columns {
		l := ColumnLine{Code: c.Code, Label: c.Label, Groups: strings.Join(c.Groups, " > "), Type: c.Type,
			Decimals: itoaIf(c.Decimals), Formula: c.Formula, Aggregation: c.Aggregation, WeightBy: c.WeightBy,
			Required: c.Required, NonNegative: c.NonNegative, Prefill: c.Prefill, Outlier: c.Outlier}
		if c.Min != nil {
			l.Min = c.Min.Format()
		}
		if c.Max != nil {
			l.Max = c.Max.Format()
		}
		lines = append(lines, l)
	}
	return lines
}

// WithColumnLines returns f with its columns read from lines and its
// cross-checks from rules ("biểu thức | thông báo" a line), the lines
// kept, numbered again, and what could not be read. Formulas typed on the
// page use the numbers the page showed, (1), (2) … by line; after lines
// are deleted the columns are numbered again and every formula, rule and
// row follows its column. Each column keeps its role in drafted sentences.
func (f Form) WithColumnLines(lines []ColumnLine, rules string) (Form, []ColumnLine, map[string]string) {
	errs := map[string]string{}
	out := f
	out.Columns = nil
	var kept []ColumnLine
	renumber := map[string]string{}
	for i, l := range lines {
		if l.Label == "" {
			continue
		}
		original := strconv.Itoa(i + 1)
		l.Code = strconv.Itoa(len(out.Columns) + 1)
		renumber[original] = l.Code
		kept = append(kept, l)
		old, _ := f.Column(original)
		c := Column{Code: original, Label: l.Label, Type: l.Type, Formula: l.Formula, Aggregation: l.Aggregation,
			WeightBy: l.WeightBy, Required: l.Required, NonNegative: l.NonNegative, Prefill: l.Prefill, Role: old.Role, Outlier: l.Outlier}
		if !outliers.Valid(outliers.Kind(l.Outlier)) {
			errs["outlier-"+original] = "Cột (" + original + "): cách kiểm tra số liệu bất thường không hợp lệ."
		}
		for _, g := range strings.Split(l.Groups, ">") {
			if g = strings.TrimSpace(g); g != "" {
				c.Groups = append(c.Groups, g)
			}
		}
		if l.Decimals != "" {
			d, err := strconv.Atoi(l.Decimals)
			if err != nil {
				errs["decimals-"+l.Code] = "Cột (" + l.Code + "): số chữ số thập phân là một số."
			}
			c.Decimals = d
		}
		for _, bound := range []struct {
			raw string
			dst **decimal.Decimal
			msg string
		}{{l.Min, &c.Min, "giá trị nhỏ nhất"}, {l.Max, &c.Max, "giá trị lớn nhất"}} {
			if bound.raw == "" {
				continue
			}
			x, err := decimal.Parse(bound.raw)
			if err != nil {
				errs["bound-"+l.Code] = "Cột (" + l.Code + "), " + bound.msg + ": " + vn.LowerFirst(err.Error())
				continue
			}
			*bound.dst = &x
		}
		out.Columns = append(out.Columns, c)
	}
	out.Rules = nil
	for n, line := range strings.Split(rules, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		expr, msg, found := strings.Cut(line, "|")
		if !found || strings.TrimSpace(expr) == "" || strings.TrimSpace(msg) == "" {
			errs["rules"] = "Kiểm tra chéo, dòng " + strconv.Itoa(n+1) + ": cần dạng \"biểu thức | thông báo\"."
			continue
		}
		out.Rules = append(out.Rules, Rule{Expr: strings.TrimSpace(expr), Message: vn.Clean(msg)})
	}
	out.Rows = slices.Clone(f.Rows)
	for i, problem := range out.RenumberColumns(renumber) {
		errs["renumber-"+strconv.Itoa(i)] = problem
	}
	return out, kept, errs
}

// RulesText is f's cross-checks as the column editor shows them.
func RulesText(f *Form) string {
	var b strings.Builder
	for _, rule := range f.Rules {
		b.WriteString(rule.Expr + " | " + rule.Message + "\n")
	}
	return b.String()
}

// Rows.

// RowLines are the rows of f as the row editor shows them.
func RowLines(f *Form) []RowLine {
	depths := f.Depths()
	var lines []RowLine
	for _, row := range f.Rows {
		l := RowLine{Key: row.Key, STT: row.STT, Label: row.Label, Kind: row.Kind, Unit: row.Unit, Bold: row.Bold,
			Level: depths[row.Key] + 1, Formulas: cellsText(row.Formulas, func(s string) string { return s }),
			Aggregation: cellsText(row.Aggregation, func(rule string) string { return aggregationSaid[rule] })}
		if row.IndicatorID != 0 {
			l.Indicator = strconv.FormatInt(row.IndicatorID, 10)
		}
		lines = append(lines, l)
	}
	return lines
}

// PasteRows appends to lines the rows pasted from a spreadsheet or a
// Word table: a line each, STT, label and unit separated by tabs. I, II …
// are headings; "- …" lines and "Trong đó: …" lines are parts of the
// numbered line above them, one level below it, whatever its level. A
// line without an STT and a label is refused (the last such is said).
func PasteRows(lines []RowLine, paste string) ([]RowLine, string) {
	var problem string
	for _, line := range strings.Split(paste, "\n") {
		cells := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(cells) < 2 || vn.Clean(cells[1]) == "" {
			if strings.TrimSpace(line) != "" {
				problem = "Dòng dán vào \"" + vn.Truncate(strings.TrimSpace(line), 60) + "\" cần có STT và tên chỉ tiêu cách nhau bởi phím Tab."
			}
			continue
		}
		l := RowLine{STT: vn.Clean(cells[0]), Label: vn.Clean(cells[1]), Kind: Indicator, Level: LevelOfSTT(cells[0])}
		if l.Level == 1 {
			l.Kind, l.Bold = Heading, true // I, II …: a section of the form
		}
		ofWhich := strings.HasPrefix(strings.ToLower(l.Label), "trong đó")
		if ofWhich {
			l.Kind = OfWhich
		}
		if ofWhich || dashSTT(l.STT) {
			for i := len(lines) - 1; i >= 0; i-- {
				if !dashSTT(lines[i].STT) && lines[i].Kind != OfWhich {
					l.Level = min(lines[i].Level+1, 6)
					break
				}
			}
		}
		if len(cells) > 2 {
			l.Unit = vn.Clean(cells[2])
		}
		lines = append(lines, l)
	}
	return lines, problem
}

// dashSTT tells the STT of a part of the line above: "-", "+", "*".
func dashSTT(stt string) bool { return stt == "-" || stt == "+" || stt == "*" }

// WithRowLines returns f with its rows read from lines (blank labels
// dropped; new rows get new keys), the lines kept, and what could not be
// read. known says whether an indicator number is in the catalogue. Each
// row keeps its usage metric, which the grid does not show.
func (f Form) WithRowLines(lines []RowLine, known func(id int64) bool) (Form, []RowLine, map[string]string) {
	lines = slices.DeleteFunc(slices.Clone(lines), func(l RowLine) bool { return l.Label == "" })
	errs := map[string]string{}
	if len(lines) > MaxRows {
		errs["paste"] = "Biểu có quá " + strconv.Itoa(MaxRows) + " dòng."
	}
	keyLines(lines, "r", func(l *RowLine) (*string, int) { return &l.Key, l.Level })
	parents := parentsByLevel(len(lines), func(i int) (string, int) { return lines[i].Key, lines[i].Level })
	metrics := map[string]string{}
	for _, row := range f.Rows {
		metrics[row.Key] = row.Metric
	}
	out := f
	out.Rows = nil
	for i, l := range lines {
		row := Row{Key: l.Key, Parent: parents[i], STT: l.STT, Label: l.Label, Kind: l.Kind, Unit: l.Unit, Bold: l.Bold, Metric: metrics[l.Key]}
		if l.Indicator != "" {
			id, err := strconv.ParseInt(l.Indicator, 10, 64)
			switch {
			case err != nil || id <= 0:
				errs["indicator-"+l.Key] = "Dòng \"" + l.Label + "\": số hiệu chỉ tiêu là một số trong danh mục chỉ tiêu."
			case !known(id):
				errs["indicator-"+l.Key] = "Dòng \"" + l.Label + "\": không có chỉ tiêu số hiệu " + l.Indicator + " trong danh mục."
			}
			row.IndicatorID = id
		}
		aggregation, problem := parseCells(l.Aggregation, func(rhs string) (string, bool) {
			rule := aggregationWords[strings.ToLower(vn.Clean(rhs))]
			return rule, rule != ""
		})
		if problem {
			errs["aggregation-"+l.Key] = "Dòng \"" + l.Label + "\": tổng hợp riêng viết theo dạng \"c3 = trung bình\" (cộng, trung bình, bình quân gia quyền, nhỏ nhất, lớn nhất, không)."
		}
		row.Aggregation = aggregation
		formulas, problem := parseCells(l.Formulas, func(rhs string) (string, bool) {
			rhs = strings.TrimSpace(rhs)
			return rhs, rhs != ""
		})
		if problem {
			errs["formulas-"+l.Key] = "Dòng \"" + l.Label + "\": công thức riêng viết theo dạng \"c3 = c1 - c2\", nhiều công thức cách nhau bởi dấu chấm phẩy."
		}
		row.Formulas = formulas
		out.Rows = append(out.Rows, row)
	}
	return out, lines, errs
}

// aggregationWords are the consolidation rules as a designer writes them.
var aggregationWords = map[string]string{
	"cộng": Sum, "tổng": Sum, "trung bình": Average, "bình quân gia quyền": WeightedAvg,
	"nhỏ nhất": Min, "lớn nhất": Max, "không": NoAggregate, "không tổng hợp": NoAggregate,
	Sum: Sum, Average: Average, WeightedAvg: WeightedAvg, Min: Min, Max: Max, NoAggregate: NoAggregate,
}

// aggregationSaid is how the row editor writes each rule back.
var aggregationSaid = map[string]string{Sum: "cộng", Average: "trung bình", WeightedAvg: "bình quân gia quyền",
	Min: "nhỏ nhất", Max: "lớn nhất", NoAggregate: "không"}

// parseCells reads "c3 = …; c5 = …" into column → what value reads from
// the right-hand side; problem when a part is not of that form. Nothing
// written is nil.
func parseCells(text string, value func(rhs string) (string, bool)) (map[string]string, bool) {
	out := map[string]string{}
	for _, part := range strings.Split(text, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		lhs, rhs, found := strings.Cut(part, "=")
		col := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(lhs)), "c")
		v, ok := value(rhs)
		if _, err := strconv.Atoi(col); !found || err != nil || !ok {
			return nil, true
		}
		out[col] = v
	}
	if len(out) == 0 {
		return nil, false
	}
	return out, false
}

// cellsText writes column → value as "c3 = …; c5 = …", by column number.
func cellsText(m map[string]string, say func(string) string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	parts := make([]string, 0, len(keys))
	for _, c := range keys {
		parts = append(parts, "c"+c+" = "+say(m[c]))
	}
	return strings.Join(parts, "; ")
}

// Keys and levels.

// NextKey returns prefix+N for the smallest N above every key in use, and
// marks it used.
func NextKey(prefix string, used map[string]bool) string {
	n := len(used) + 1
	for used[prefix+strconv.Itoa(n)] {
		n++
	}
	used[prefix+strconv.Itoa(n)] = true
	return prefix + strconv.Itoa(n)
}

// keyLines gives every line without a key of its kind (prefix) a new one,
// never one already in use.
func keyLines[L any](lines []L, prefix string, key func(*L) (*string, int)) {
	used := map[string]bool{}
	for i := range lines {
		if k, _ := key(&lines[i]); *k != "" {
			used[*k] = true
		}
	}
	for i := range lines {
		if k, _ := key(&lines[i]); *k == "" || !strings.HasPrefix(*k, prefix) {
			*k = NextKey(prefix, used)
		}
	}
}

// parentsByLevel turns the level of each of n lines into parent keys: a
// line's parent is the nearest line above it with a smaller level.
func parentsByLevel(n int, line func(i int) (key string, level int)) []string {
	parents := make([]string, n)
	var stack []int // indexes of open ancestors
	for i := range n {
		_, level := line(i)
		for len(stack) > 0 {
			if _, top := line(stack[len(stack)-1]); top < level {
				break
			}
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			parents[i], _ = line(stack[len(stack)-1])
		}
		stack = append(stack, i)
	}
	return parents
}

func itoaIf(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
