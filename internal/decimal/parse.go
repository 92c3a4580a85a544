package decimal

import (
	"strings"
	"unicode/utf8"
)

// Hint is the rule for typing a figure, shown beside number cells and in
// every refusal.
const Hint = "Ghi số theo dạng 1.234,5 (dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân); cũng nhận 1234,5 và 1234.5, hoặc 1,234.5 chép từ phần mềm tiếng Anh."

// ParseError says why a typed figure was refused, in Vietnamese.
type ParseError struct {
	Input   string
	Message string
}

func (e *ParseError) Error() string { return e.Message }

func refuse(input, why string) (Decimal, error) {
	shown := input
	if utf8.RuneCountInString(shown) > 30 {
		shown = string([]rune(shown)[:30]) + "…"
	}
	return Decimal{}, &ParseError{Input: input, Message: "Không đọc được số «" + shown + "»: " + why + " Ví dụ đúng: 1.234,5."}
}

// groupSpaces makes every space an official may put between groups a
// plain one (built once: a replacer's first use builds its table).
var groupSpaces = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2009", " ")

// Parse reads a figure as an official types or pastes it, by its
// structure, and refuses whatever could mean two different numbers:
//
//	1.234,5  1234,5  ,5      Vietnamese: comma before the decimals, dots (or spaces) between thousands
//	1234.5   0.25   12.5     a plain decimal point (any number of decimals other than a group of three after 1–3 digits)
//	1.234    12.345.678      dots between groups of three are thousands (the system's own display)
//	1,234.5  1,234,567       English grouping: commas between thousands, a point before the decimals
//	1,234,5  1.23.4  1.234,5.6  12 34  1e5  --1  refused
//
// A single comma is always the decimal comma (1,234 is 1,234 as the page
// shows it). At most MaxDigits digit positions (integer digits and
// decimals) are kept exactly; more are refused,
// never rounded.
func Parse(raw string) (Decimal, error) {
	s := strings.TrimSpace(raw)
	// Spaces of any kind between groups: 1 234 567 (regular, no-break, narrow no-break).
	s = groupSpaces.Replace(s)
	if s == "" {
		return refuse(raw, "ô trống.")
	}
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "\u2212"): // hyphen or minus sign
		neg = true
		_, n := utf8.DecodeRuneInString(s)
		s = strings.TrimLeft(s[n:], " ")
	case strings.HasPrefix(s, "+"):
		s = strings.TrimLeft(s[1:], " ")
	}
	if s == "" {
		return refuse(raw, "chỉ có dấu, không có chữ số.")
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == ',' || r == ' ') {
			return refuse(raw, "chỉ được ghi chữ số, dấu chấm, dấu phẩy và dấu trừ ở đầu.")
		}
	}
	intPart, frac, ok := split(s)
	if !ok {
		return refuse(raw, "cách ghi dấu chấm, dấu phẩy không rõ là hàng nghìn hay phần thập phân.")
	}
	if intPart == "" && frac == "" {
		return refuse(raw, "không có chữ số.")
	}
	// Positions, not significant digits: 0,000…01 with 27 places is as far
	// beyond a spreadsheet as 27 integer digits; trailing zeros are free.
	if len(strings.TrimLeft(intPart, "0"))+len(strings.TrimRight(frac, "0")) > MaxDigits {
		return refuse(raw, "có quá 15 chữ số (bảng tính cũng chỉ giữ đúng 15 chữ số).")
	}
	text := intPart
	if text == "" {
		text = "0"
	}
	if frac != "" {
		text += "." + frac
	}
	if neg {
		text = "-" + text
	}
	d, err := ParseCanonical(text)
	if err != nil {
		return refuse(raw, "không phải là số.")
	}
	return d, nil
}

// split finds the integer digits and the decimals of s (digits, dots,
// commas and spaces), or reports false when the separators are ambiguous.
func split(s string) (intPart, frac string, ok bool) {
	dots, commas, spaces := strings.Count(s, "."), strings.Count(s, ","), strings.Count(s, " ")
	var group, point string // the thousands separator and the decimal separator found
	switch {
	case dots == 0 && commas == 0:
	case dots > 0 && commas > 0:
		// Both: the one that comes last, once, is the decimal separator.
		lastDot, lastComma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
		if lastComma > lastDot && commas == 1 {
			group, point = ".", ","
		} else if lastDot > lastComma && dots == 1 {
			group, point = ",", "."
		} else {
			return "", "", false
		}
	case commas == 1:
		point = "," // Vietnamese decimal comma
	case commas > 1:
		group = "," // English grouping without decimals
	case dots > 1:
		group = "." // Vietnamese grouping without decimals
	default: // one dot: thousands when 1–3 digits (not a lone 0) then exactly three, else a decimal point
		before, after, _ := strings.Cut(s, ".")
		b := strings.ReplaceAll(before, " ", "")
		if len(after) == 3 && len(b) >= 1 && len(b) <= 3 && b != "0" && !strings.HasPrefix(b, "0") && spaces == 0 {
			group = "."
		} else {
			point = "."
		}
	}
	if spaces > 0 {
		if group != "" && group != " " {
			return "", "", false // 1 234.567.8: two kinds of grouping
		}
		group = " "
	}
	whole := s
	if point != "" {
		var found bool
		whole, frac, found = strings.Cut(s, point)
		if !found || strings.ContainsAny(frac, ". ,") || frac == "" {
			return "", "", false
		}
	}
	if group == "" {
		if strings.ContainsAny(whole, ". ,") {
			return "", "", false
		}
		return whole, frac, true
	}
	groups := strings.Split(whole, group)
	for i, g := range groups {
		if g == "" || strings.ContainsAny(g, ". ,") {
			return "", "", false
		}
		if i == 0 && (len(g) > 3 || g[0] == '0') {
			return "", "", false
		}
		if i > 0 && len(g) != 3 {
			return "", "", false
		}
	}
	if len(groups) < 2 {
		return "", "", false
	}
	return strings.Join(groups, ""), frac, true
}

// Ambiguous reports whether typed text could be either reading: one to
// three digits, a single comma, then exactly three digits ("12,345" is
// 12,345 the Vietnamese way and 12345 the English way). The page writes
// such numbers itself, so a save takes them back when they are what it
// showed for the stored value, and refuses them (AmbiguousMessage) when
// they are typed new.
func Ambiguous(raw string) bool {
	s := strings.TrimSpace(raw)
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "\u2212"), "+")
	whole, frac, ok := strings.Cut(s, ",")
	if !ok || len(frac) != 3 || len(whole) < 1 || len(whole) > 3 || whole[0] == '0' {
		return false
	}
	return strings.Trim(whole+frac, "0123456789") == ""
}

// AmbiguousMessage says how to write what Ambiguous refuses.
func AmbiguousMessage(raw string) string {
	s := strings.TrimSpace(raw)
	return "Không rõ «" + s + "» là hàng nghìn hay phần thập phân: ghi " + strings.Replace(s, ",", ".", 1) +
		" nếu là hàng nghìn, hoặc " + s + "0 nếu là phần thập phân."
}
