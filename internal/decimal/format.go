package decimal

import "strings"

// Format writes x exactly the Vietnamese way: dots between thousands, a
// comma before the decimals, every decimal it has and no trailing zeros
// (1.234,5; -0,25; 12). Parse(Format(x)) is x.
func (x Decimal) Format() string {
	return vietnamese(x.reduced().String(), -1)
}

// FormatFixed writes x rounded to n decimals (halves away from zero) with
// exactly n decimals: FormatFixed(85,25; 1) is "85,3", FormatFixed(12; 1)
// is "12,0". For rates and shares the system computes, never for a figure
// an official typed.
func (x Decimal) FormatFixed(n int) string {
	return vietnamese(x.Round(n).String(), max(n, 0))
}

// vietnamese regroups canonical text ("-1234.5") and pads it to n decimals
// when n ≥ 0.
func vietnamese(canonical string, n int) string {
	neg := strings.HasPrefix(canonical, "-")
	canonical = strings.TrimPrefix(canonical, "-")
	whole, frac, _ := strings.Cut(canonical, ".")
	if n >= 0 {
		for len(frac) < n {
			frac += "0"
		}
	}
	var b strings.Builder
	if neg && (strings.Trim(whole, "0") != "" || strings.Trim(frac, "0") != "") {
		b.WriteByte('-')
	}
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
