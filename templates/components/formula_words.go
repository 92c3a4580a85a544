package components

import (
	"regexp"
	"strings"

	"baocao/internal/forms"
)

// FormulaWords says a computed cell's formula in the words of the form,
// for the official: "prev(c4) + c3" of the monthly form reads
// "= Lũy kế từ đầu năm kỳ trước + Ước thực hiện tháng". It only reads the
// formula's text, so the formula language stays in internal/formula.
func FormulaWords(f *forms.Form, src string) string {
	src = strings.TrimSpace(src)
	if src == "SUM(children)" {
		return "= Tổng các dòng chi tiết bên dưới"
	}
	// The guard of a ratio: IF(x = 0, 0, y) reads as y, 0 when x is 0.
	if m := guardedRatio.FindStringSubmatch(src); m != nil {
		return "= " + words(f, m[2]) + " (bằng 0 khi " + words(f, m[1]) + " bằng 0)"
	}
	return "= " + words(f, src)
}

var (
	guardedRatio = regexp.MustCompile(`(?i)^IF\((.+?)\s*=\s*0\s*,\s*0\s*,\s*(.+)\)$`)
	cellRef      = regexp.MustCompile(`(?i)\b(prev|lastyear)\(\s*(?:(r\w+)\.)?c(\w+)\s*\)|\b(?:(r\w+)\.)?c(\w+)\b|\((\d+)\)`)
)

func words(f *forms.Form, src string) string {
	out := cellRef.ReplaceAllStringFunc(src, func(ref string) string {
		m := cellRef.FindStringSubmatch(ref)
		switch {
		case m[1] != "":
			when := " kỳ trước"
			if strings.EqualFold(m[1], "lastyear") {
				when = " cùng kỳ năm trước"
			}
			return cellWords(f, m[2], m[3]) + when
		case m[5] != "":
			return cellWords(f, m[4], m[5])
		default:
			return cellWords(f, "", m[6])
		}
	})
	return strings.NewReplacer("*", "×", "/", "÷", "<=", "≤", ">=", "≥", "<>", "≠").Replace(out)
}

// cellWords names a column, and its row when the formula names one.
func cellWords(f *forms.Form, row, col string) string {
	name := "cột (" + col + ")"
	if c, ok := f.Column(col); ok {
		name = c.Label
	}
	if row == "" {
		return name
	}
	for _, r := range f.Rows {
		if r.Key == row {
			return name + " của dòng “" + r.Label + "”"
		}
	}
	return name
}
