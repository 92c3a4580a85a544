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

// Signature is a document's signature block above the signer's name.
type Signature struct {
	OnBehalf string // "TM. ỦY BAN NHÂN DÂN": the collective body signs
	For      string // "KT. CHỦ TỊCH": a deputy signs for the head
	Title    string // "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Q. GIÁM ĐỐC"
}

// heads are the titles of the heads of bodies; a position names one of
// them, perhaps followed by the body ("Giám đốc Sở", "Chủ tịch Ủy ban nhân
// dân xã"), which the signature block leaves out.
var heads = []string{"Chủ tịch", "Tổng Giám đốc", "Giám đốc", "Chánh Văn phòng", "Chánh Thanh tra", "Trưởng ban",
	"Chi cục trưởng", "Cục trưởng", "Viện trưởng", "Hiệu trưởng", "Thủ trưởng"}

// SignatureBlock is the signature block of an official holding position in
// a unit of kind, by the capacity the position gives (ND 30 Phụ lục I):
// the chair of a People's Committee signs "TM. ỦY BAN NHÂN DÂN / CHỦ
// TỊCH", a vice-chair "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ
// TỊCH"; a department's director "GIÁM ĐỐC", a deputy "KT. GIÁM ĐỐC / PHÓ
// GIÁM ĐỐC", an acting director "Q. GIÁM ĐỐC". A position naming no head
// is printed as it is. Without a position a People's Committee's chair and
// another body's head are assumed.
func SignatureBlock(kind, position string) Signature {
	var sig Signature
	if committee(kind) {
		sig.OnBehalf = "TM. " + strings.ToUpper(committeeName)
	}
	base := strings.Join(strings.Fields(vn.Clean(position)), " ")
	if base == "" {
		if committee(kind) {
			sig.Title = "CHỦ TỊCH"
		} else {
			sig.Title = "THỦ TRƯỞNG CƠ QUAN"
		}
		return sig
	}
	deputy, acting := false, false
	if rest, ok := cutPrefixFold(base, "Phó "); ok {
		deputy, base = true, rest
	} else if rest, ok := cutPrefixFold(base, "Quyền "); ok {
		acting, base = true, rest
	}
	head := base
	for _, h := range heads {
		if rest, ok := cutPrefixFold(base, h); ok && (rest == "" || rest[0] == ' ') {
			head = h
			break
		}
	}
	if committee(kind) && head != "Chủ tịch" {
		sig.OnBehalf = "" // the committee's officials sign in their own name
	}
	head = strings.ToUpper(head)
	switch {
	case deputy:
		sig.For, sig.Title = "KT. "+head, "PHÓ "+head
	case acting:
		sig.Title = "Q. " + head
	default:
		sig.Title = head
	}
	return sig
}

// SignatureBlockAs is the signature block of an official holding position
// in a unit of kind who signs in capacity c (CapacityFromPosition: as
// SignatureBlock reads the position). The head's title is the one the
// position names, else the one of the unit's kind (a People's Committee's
// Chủ tịch, a department's Giám đốc). ND 30 Phụ lục I:
//
//	head   TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH            GIÁM ĐỐC
//	kt     TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
//	                                                 KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC
//	q      TM. ỦY BAN NHÂN DÂN / Q. CHỦ TỊCH         Q. GIÁM ĐỐC
//	tl     TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG            TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG
//	tuq    TUQ. CHỦ TỊCH / GIÁM ĐỐC SỞ NỘI VỤ        TUQ. GIÁM ĐỐC / TRƯỞNG PHÒNG …
func SignatureBlockAs(kind string, c Capacity, position string) Signature {
	if c == CapacityFromPosition {
		return SignatureBlock(kind, position)
	}
	base := strings.Join(strings.Fields(vn.Clean(position)), " ")
	var sig Signature
	head := strings.ToUpper(headOf(kind))
	switch c {
	case CapacityByOrder, CapacityByAuthority:
		prefix := "TL. "
		if c == CapacityByAuthority {
			prefix = "TUQ. "
		}
		sig.For, sig.Title = prefix+head, strings.ToUpper(base)
		return sig
	}
	if committee(kind) {
		sig.OnBehalf = "TM. " + strings.ToUpper(committeeName)
	} else {
		// A position naming a head ("Phó Chánh Văn phòng") gives that head.
		rest := base
		if r, ok := cutPrefixFold(rest, "Phó "); ok {
			rest = r
		} else if r, ok := cutPrefixFold(rest, "Quyền "); ok {
			rest = r
		}
		for _, h := range heads {
			if r, ok := cutPrefixFold(rest, h); ok && (r == "" || r[0] == ' ') {
				head = strings.ToUpper(h)
				break
			}
		}
	}
	switch c {
	case CapacityDeputy:
		sig.For, sig.Title = "KT. "+head, "PHÓ "+head
	case CapacityActing:
		sig.Title = "Q. " + head
	default:
		sig.Title = head
	}
	return sig
}

// headOf is the title of the head of a unit of kind.
func headOf(kind string) string {
	switch {
	case committee(kind):
		return "Chủ tịch"
	case kind == "so":
		return "Giám đốc"
	case kind == "van-phong":
		return "Chánh Văn phòng"
	case kind == "ban":
		return "Trưởng ban"
	case kind == "su-nghiep":
		return "Giám đốc"
	}
	return "Thủ trưởng cơ quan"
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
