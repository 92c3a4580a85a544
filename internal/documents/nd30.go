package documents

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"baocao/internal/units"
	"baocao/internal/vn"
)

// The parts of a document that ND 30/2020/NĐ-CP Phụ lục I fixes and
// officials check: the header, the place name, the summary line and the
// signature block.

// committee reports whether a unit of kind is a People's Committee (of the
// province, a commune, or a former district).
func committee(kind string) bool { return strings.HasPrefix(kind, "ubnd-") }

const committeeName = "Ủy ban nhân dân"

// Header returns the two header lines of u's documents: the parent agency
// ("UBND TỈNH KHÁNH HÒA"; empty for a People's Committee, which has none,
// and for a central agency sitting in the province) and the issuing body,
// whose word groups are separated by "\n" so that a line breaks only
// between them: "ỦY BAN NHÂN DÂN\nXÃ CAM LÂM", "SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG".
func Header(u *units.Unit) (parent, body string) {
	name := withoutNote(u.Name)
	if committee(u.Kind) {
		if rest, ok := cutPrefixFold(name, committeeName); ok {
			return "", strings.ToUpper(committeeName) + "\n" + strings.ToUpper(strings.TrimSpace(rest))
		}
		return "", groups(strings.ToUpper(name))
	}
	if p := withoutNote(u.ParentName); p != "" {
		_, underCommittee := cutPrefixFold(p, committeeName)
		if u.Kind != "trung-uong" || !underCommittee {
			parent = strings.ReplaceAll(strings.ToUpper(p), strings.ToUpper(committeeName), "UBND")
		}
	}
	return parent, groups(strings.ToUpper(name))
}

// groups puts a break before the words an agency's name may break at:
// "SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG", "BAN QUẢN LÝ / KHU KINH TẾ VÂN PHONG",
// "THUẾ / TỈNH KHÁNH HÒA", "VĂN PHÒNG / ỦY BAN NHÂN DÂN / TỈNH"; "ỦY BAN
// NHÂN DÂN" itself never breaks.
func groups(upper string) string {
	words := strings.Fields(upper)
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			switch {
			case w == "VÀ" || w == "TỈNH" || w == "KHU" ||
				w == "ỦY" && strings.HasPrefix(strings.Join(words[i:], " "), "ỦY BAN NHÂN DÂN"):
				b.WriteString("\n")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// province is the place name of a body with no People's Committee above it
// in the tree.
const province = "Khánh Hòa"

// PlaceName is the proper name of the administrative unit of a People's
// Committee, as the date line writes it: "Ủy ban nhân dân xã Cam Lâm" →
// "Cam Lâm", "Ủy ban nhân dân phường Nha Trang" → "Nha Trang", "Ủy ban
// nhân dân tỉnh Khánh Hòa" → "Khánh Hòa".
func PlaceName(committeeUnitName string) string {
	rest, _ := cutPrefixFold(withoutNote(committeeUnitName), committeeName)
	rest = strings.TrimSpace(rest)
	for _, level := range []string{"thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường"} {
		if r, ok := cutPrefixFold(rest, level+" "); ok {
			return strings.TrimSpace(r)
		}
	}
	return rest
}

// place is the place name of u's date line: the proper name of the
// administrative unit of the People's Committee that u is or sits under
// ("Cam Lâm" for xã Cam Lâm and its bodies, "Khánh Hòa" for the provincial
// departments).
func (s *Store) place(ctx context.Context, u *units.Unit) (string, error) {
	for range 16 { // the tree is shallow; a cycle must not hang a rendering
		if committee(u.Kind) {
			if p := PlaceName(u.Name); p != "" {
				return p, nil
			}
		}
		if u.ParentID == 0 {
			break
		}
		var err error
		if u, err = s.units.Unit(ctx, u.ParentID); err != nil {
			return "", err
		}
	}
	return province, nil
}

// Summary is the line under "BÁO CÁO" (trích yếu): what the report is
// about, without repeating "Báo cáo", and its period, the regime's closing
// word merged with the period's: "Báo cáo tình hình kinh tế - xã hội
// tháng" of "Tháng 3/2026" → "Tình hình kinh tế - xã hội tháng 3/2026".
func Summary(regime, period string) string {
	subject := strings.TrimSpace(regime)
	if rest, ok := cutPrefixFold(subject, "Báo cáo "); ok {
		subject = strings.TrimSpace(rest)
	}
	subject = upperFirst(subject)
	period = strings.TrimSpace(period)
	switch {
	case period == "":
		return subject
	case subject == "":
		return period
	}
	ws, wp := strings.Fields(subject), strings.Fields(period)
	for k := min(len(ws), len(wp)-1); k > 0; k-- {
		if strings.EqualFold(strings.Join(ws[len(ws)-k:], " "), strings.Join(wp[:k], " ")) {
			return subject + " " + strings.Join(wp[k:], " ")
		}
	}
	if first := strings.ToLower(wp[0]); first == "tháng" || first == "quý" || first == "năm" || first[0] >= '0' && first[0] <= '9' {
		return subject + " " + vn.LowerFirst(period)
	}
	return subject + " – " + period
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// withoutNote drops a trailing remark in brackets: "Ủy ban nhân dân tỉnh
// Khánh Hòa (trước hợp nhất)".
func withoutNote(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	return s
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
