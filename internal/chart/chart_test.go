package chart_test

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"

	"baocao/internal/chart"
)

// wellFormed parses the SVG as XML and returns its text content.
func wellFormed(t *testing.T, svg []byte) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if c, ok := tok.(xml.CharData); ok {
			text.Write(c)
			text.WriteByte('\n')
		}
	}
	return text.String()
}

func TestLine(t *testing.T) {
	svg := chart.Line{ID: "c1", Title: "Số hồ sơ <tiếp nhận>", Desc: "Theo tháng",
		Labels: []string{"Tháng 1/2026", "Tháng 2/2026", "Tháng 3/2026"},
		Series: []chart.Series{
			{Name: "Năm nay", Values: []float64{1234.5, math.NaN(), 2000}},
			{Name: "Cùng kỳ năm trước", Values: []float64{math.NaN(), 900, 1500}, Dashed: true},
		}, Decimals: 1}.SVG()
	text := wellFormed(t, svg)
	for _, want := range []string{"Số hồ sơ <tiếp nhận>", "Theo tháng", "Năm nay, Tháng 1/2026: 1.234,5", "1/2026", "2.000", "Cùng kỳ năm trước"} {
		if !strings.Contains(text, want) {
			t.Errorf("chart text lacks %q:\n%s", want, text)
		}
	}
	s := string(svg)
	if !strings.Contains(s, `role="img"`) || !strings.Contains(s, `aria-labelledby="c1-t c1-d"`) || !strings.Contains(s, `viewBox=`) {
		t.Errorf("not accessible or not scalable: %.200s", s)
	}
	// The gap splits the current year's line: two moves, no line through
	// the missing point.
	if n := strings.Count(s, `d="M`); n != 2 {
		t.Errorf("%d paths", n)
	}
	if strings.Count(s, "<circle") != 4 {
		t.Errorf("want 4 points, got %d", strings.Count(s, "<circle"))
	}
}

func TestBar(t *testing.T) {
	svg := chart.Bar{ID: "b", Title: "Theo đơn vị", Labels: []string{"Phường Nha Trang", "Xã Cam Lâm"}, Values: []float64{120, -5}}.SVG()
	text := wellFormed(t, svg)
	for _, want := range []string{"Phường Nha Trang", "Xã Cam Lâm: -5", "120"} {
		if !strings.Contains(text, want) {
			t.Errorf("chart text lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(string(svg), "<rect"); n != 3 { // the background and two bars
		t.Errorf("%d rects", n)
	}
	wellFormed(t, chart.Bar{ID: "e", Title: "Trống"}.SVG())
	wellFormed(t, chart.Line{ID: "e", Title: "Trống"}.SVG())
}
