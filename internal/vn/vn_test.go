package vn

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 16, 2, 15, 0, 0, time.UTC) // 09:15 in Vietnam
	cases := []struct{ got, want string }{
		{Date(at), "16/03/2026"},
		{DateTime(at), "09:15 16/03/2026"},
		{Int(0), "0"},
		{Int(999), "999"},
		{Int(1234), "1.234"},
		{Int(-1234567), "-1.234.567"},
		{Decimal(1234.5, 1), "1.234,5"},
		{Decimal(-0.25, 2), "-0,25"},
		{Clean("  Ho\u0300a "), "Hòa"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if d, ok := ParseDate("05/01/2026"); !ok || d.Day() != 5 || d.Month() != 1 {
		t.Errorf("ParseDate(05/01/2026) = %v, %v", d, ok)
	}
	if _, ok := ParseDate("31/02/2026"); ok {
		t.Error("ParseDate accepted 31/02/2026")
	}
	if got := Today(at); got.Day() != 16 || got.Location() != Location {
		t.Errorf("Today = %v", got)
	}
}

func TestOfficialTone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Phường Ninh Hoà": "Phường Ninh Hòa",
		"xã Khánh Hoà":    "xã Khánh Hòa",
		"Thuỷ Triều":      "Thủy Triều",
		"Hoàng Hoa Thám":  "Hoàng Hoa Thám",
		"Quý Nhơn":        "Quý Nhơn",
		"khoẻ":            "khỏe",
		"Ủy ban nhân dân": "Ủy ban nhân dân",
		"Ho\u0300a (NFD)": "Hòa (NFD)",
	} {
		if got := OfficialTone(in); got != want {
			t.Errorf("OfficialTone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{"Đất đai": "đất đai", "Gửi": "gửi", "Ủy ban": "ủy ban", "": "", "a": "a"} {
		if got := LowerFirst(in); got != want {
			t.Errorf("LowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContains(t *testing.T) {
	for _, c := range []struct {
		text, query string
		want        bool
	}{
		{"Ủy ban nhân dân xã Cam Lâm", "cam lam", true},
		{"Ủy ban nhân dân xã Cam Lâm", "CAM  LÂM", true},
		{"Sở Y tế", "so y te", true},
		{"Ủy ban nhân dân phường Đông Hải", "dong hai", true},
		{"Ủy ban nhân dân phường Nha Trang", "cam", false},
		{"Sở Y tế", "", true},
	} {
		if got := Contains(c.text, c.query); got != c.want {
			t.Errorf("Contains(%q, %q) = %v", c.text, c.query, got)
		}
	}
}
