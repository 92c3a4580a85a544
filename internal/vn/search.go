package vn

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Contains reports whether text contains query the way an official
// searches: case and diacritics do not matter ("cam lam" finds "Cam Lâm",
// "đồng" finds "Đông"), spaces are collapsed.
func Contains(text, query string) bool {
	return strings.Contains(searchable(text), searchable(query))
}

func searchable(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
			space = false
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(unicode.ToLower(r))
			space = false
		}
	}
	return b.String()
}

// SortKey orders names as an official expects, ignoring case and
// diacritics first (Đ sorts with D).
func SortKey(s string) string { return searchable(s) + "\x00" + s }
