package outliers_test

import (
	"strings"
	"testing"

	"baocao/internal/decimal"
	"baocao/internal/outliers"
)

func figures(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = decimal.MustParse(s)
	}
	return out
}

func TestCheckReasons(t *testing.T) {
	steady := figures("1200", "1180", "1250", "1210", "1190", "1230", "1220", "1205")
	ly := decimal.MustParse("1150")
	for _, c := range []struct {
		kind outliers.Kind
		x    string
		h    outliers.History
		want string // "" for not flagged
	}{
		{outliers.Count, "11730", outliers.History{Previous: steady, LastYear: &ly}, "gấp 10,2 lần cùng kỳ năm trước (1.150)"},
		{outliers.Count, "12", outliers.History{Previous: steady}, "chỉ bằng 1% trung vị 8 kỳ trước (1.205)"},
		{outliers.Count, "1260", outliers.History{Previous: steady, LastYear: &ly}, ""},
		{outliers.Count, "-1210", outliers.History{Previous: steady}, "là số âm"},
		{outliers.Off, "11730", outliers.History{Previous: steady}, ""},
		{outliers.Count, "11730", outliers.History{Previous: steady[:3]}, ""}, // too little history
		// Rare events: a few cases are ordinary, twenty are not.
		{outliers.Count, "3", outliers.History{Previous: figures("0", "1", "0", "0", "2", "0", "1")}, ""},
		{outliers.Count, "20", outliers.History{Previous: figures("0", "1", "0", "0", "2", "0", "1")}, "trung vị 7 kỳ trước (0)"},
		{outliers.Percent, "925", outliers.History{Previous: figures("92.5", "93", "91.8", "92", "94", "93.1")}, "vượt 100%"},
	} {
		f, ok := outliers.Check(c.kind, decimal.MustParse(c.x), c.h)
		switch {
		case c.want == "" && ok:
			t.Errorf("%s %s flagged: %s", c.kind, c.x, f.Reason)
		case c.want != "" && (!ok || !strings.Contains(f.Reason, c.want)):
			t.Errorf("%s %s: %q, %v; want %q", c.kind, c.x, f.Reason, ok, c.want)
		}
	}
}
