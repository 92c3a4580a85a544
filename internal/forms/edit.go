package forms

import (
	"regexp"
	"strings"
)

// WithForm returns a copy of the template with f replacing the form of
// the same key (or added after the others).
func (t Template) WithForm(f Form) Template {
	out := t
	out.Forms = make([]Form, 0, len(t.Forms)+1)
	replaced := false
	for _, old := range t.Forms {
		if old.Key == f.Key {
			out.Forms = append(out.Forms, f)
			replaced = true
			continue
		}
		out.Forms = append(out.Forms, old)
	}
	if !replaced {
		out.Forms = append(out.Forms, f)
	}
	return out
}

// WithoutForm returns a copy of the template without the form key.
func (t Template) WithoutForm(key string) Template {
	out := t
	out.Forms = nil
	for _, f := range t.Forms {
		if f.Key != key {
			out.Forms = append(out.Forms, f)
		}
	}
	return out
}

var (
	romanSTT  = regexp.MustCompile(`^(?i)[IVXLC]+\.?$`)
	numberSTT = regexp.MustCompile(`^[0-9]+\.?$`)
	nestedSTT = regexp.MustCompile(`^([0-9]+\.[0-9]+(\.[0-9]+)*|[a-zđ][.)]?)$`)
)

// LevelOfSTT infers a row's level from how its STT is written on paper:
// I, II → 1; 1, 2 → 2; 1.1, a → 3; "-", "+" → 4. Blank → 2.
func LevelOfSTT(stt string) int {
	stt = strings.TrimSpace(stt)
	switch {
	case stt == "":
		return 2
	case romanSTT.MatchString(stt) && strings.ToUpper(stt) == stt:
		return 1
	case numberSTT.MatchString(stt):
		return 2
	case nestedSTT.MatchString(stt):
		return 3
	case stt == "-" || stt == "+" || stt == "*":
		return 4
	}
	return 2
}

// columnRef matches a column reference of the formula language: c3, or
// the paper-form alias (3).
var columnRef = regexp.MustCompile(`(?i)\bc([0-9]+)\b|\(([0-9]+)\)`)

// rewriteColumns replaces each column reference in expr by mapping; it
// returns the references to columns missing from the mapping.
func rewriteColumns(expr string, mapping map[string]string) (string, []string) {
	var missing []string
	out := columnRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := columnRef.FindStringSubmatch(ref)
		code, alias := m[1], m[2]
		if alias != "" {
			code = alias
		}
		code = strings.TrimLeft(code, "0")
		next, ok := mapping[code]
		if !ok {
			missing = append(missing, code)
			return ref
		}
		if alias != "" {
			return "(" + next + ")"
		}
		return ref[:1] + next
	})
	return out, missing
}

// RenumberColumns gives the form's columns new codes (old code → new code)
// and rewrites every formula, weight and rule to match, so that deleting
// or reordering columns never points a formula at another column. It
// returns the messages of references to columns that are gone.
func (f *Form) RenumberColumns(mapping map[string]string) []string {
	var problems []string
	rewrite := func(expr, where string) string {
		out, missing := rewriteColumns(expr, mapping)
		for _, code := range missing {
			problems = append(problems, where+" dùng cột ("+code+") đã bị xóa; hãy sửa công thức trước khi xóa cột.")
		}
		return out
	}
	for i := range f.Columns {
		c := &f.Columns[i]
		where := "Công thức của cột (" + c.Code + ")"
		c.Formula = rewrite(c.Formula, where)
		if c.WeightBy != "" {
			if next, ok := mapping[c.WeightBy]; ok {
				c.WeightBy = next
			} else {
				problems = append(problems, "Cột ("+c.Code+") lấy trọng số theo cột ("+c.WeightBy+") đã bị xóa.")
			}
		}
	}
	for i := range f.Rows {
		r := &f.Rows[i]
		if len(r.Formulas) > 0 {
			formulas := map[string]string{}
			for code, expr := range r.Formulas {
				if next, ok := mapping[code]; ok {
					formulas[next] = rewrite(expr, "Công thức riêng của dòng \""+r.Label+"\"")
				}
			}
			r.Formulas = formulas
		}
		if len(r.Aggregation) > 0 {
			agg := map[string]string{}
			for code, rule := range r.Aggregation {
				if next, ok := mapping[code]; ok {
					agg[next] = rule
				}
			}
			r.Aggregation = agg
		}
	}
	for i := range f.Rules {
		f.Rules[i].Expr = rewrite(f.Rules[i].Expr, "Kiểm tra chéo \""+f.Rules[i].Message+"\"")
	}
	for i := range f.Columns {
		if next, ok := mapping[f.Columns[i].Code]; ok {
			f.Columns[i].Code = next
		}
	}
	return problems
}
