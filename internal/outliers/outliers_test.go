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

// TestSeasonAndSwaps: a count ten times last year's same month is flagged
// even in the season's trough with no year's change seen yet; the
// season's own fall is not; two digits typed the wrong way round are
// named with the figure that would fit.
func TestSeasonAndSwaps(t *testing.T) {
	season := figures("518", "274", "224", "208", "311", "845", "1661", "2504", "2388", "2813", "2213", "1486")
	ly := decimal.MustParse("518")
	steady := figures("5120", "5080", "5210", "4990", "5150", "5060", "5170", "5110")
	for _, c := range []struct {
		kind outliers.Kind
		x    string
		h    outliers.History
		want string
	}{
		{outliers.Count, "5440", outliers.History{Previous: season, LastYear: &ly, Yearly: 12}, "gấp 10,5 lần cùng kỳ năm trước (518)"},
		{outliers.Count, "544", outliers.History{Previous: season, LastYear: &ly, Yearly: 12}, ""},
		{outliers.Count, "166", outliers.History{Previous: figures("500", "748", "907", "970", "841", "479"), Yearly: 12}, ""},
		{outliers.Count, "1510", outliers.History{Previous: steady}, "có thể gõ đảo hai chữ số (5.110 mới gần với các kỳ trước)"},
		{outliers.Count, "10", outliers.History{Previous: figures("2", "1", "2", "2", "1", "2")}, "trung vị 6 kỳ trước (2)"},
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
