package signing

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns an ASCII-only rendering of Vietnamese text: it decomposes the
// string (NFD), drops combining marks, maps đ→d and Đ→D, and replaces any
// remaining non-ASCII rune with '?'. "Nguyễn Văn Nghĩa" → "Nguyen Van Nghia".
// It makes identifiers such as a document's symbol (BC-SYT); text that
// officials read, in the signature dictionary included, keeps its
// diacritics (TextString).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
