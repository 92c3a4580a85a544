package components

import (
	"testing"

	"baocao/internal/forms"
)

func TestFormulaWords(t *testing.T) {
	f := &forms.Form{
		Columns: []forms.Column{{Code: "1", Label: "Kế hoạch năm"}, {Code: "3", Label: "Thực hiện kỳ này"}, {Code: "4", Label: "Lũy kế"}},
		Rows:    []forms.Row{{Key: "r2", Label: "Tổng số lượt khám"}},
	}
	for src, want := range map[string]string{
		"prev(c4) + c3": "= Lũy kế kỳ trước + Thực hiện kỳ này",
		"IF(lastyear(c4) = 0, 0, c4 / lastyear(c4) * 100)": "= Lũy kế ÷ Lũy kế cùng kỳ năm trước × 100 (bằng 0 khi Lũy kế cùng kỳ năm trước bằng 0)",
		"(3) + (1)":     "= Thực hiện kỳ này + Kế hoạch năm",
		"r2.c1 - c9":    "= Kế hoạch năm của dòng “Tổng số lượt khám” - cột (9)",
		"SUM(children)": "= Tổng các dòng chi tiết bên dưới",
	} {
		if got := FormulaWords(f, src); got != want {
			t.Errorf("FormulaWords(%q)\n got %q\nwant %q", src, got, want)
		}
	}
}
