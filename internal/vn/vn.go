// Package vn formats dates, times and numbers the way Vietnamese officials
// write them (dd/mm/yyyy, 1.234,5) and normalises text to NFC.
package vn

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the server may run without system zoneinfo
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Location is the province's time zone.
var Location = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Today returns the current date in Vietnam at midnight.
func Today(now time.Time) time.Time {
	y, m, d := now.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Location)
}

// Date formats t as 05/01/2026.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format("02/01/2006")
}

// DateTime formats t as 09:15 16/03/2026.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format("15:04 02/01/2006")
}

// ParseDate reads a date written dd/mm/yyyy (or yyyy-mm-dd from a date input).
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Int formats n with dots between thousands: 1.234.567.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Decimal formats x with the given number of decimals: 1.234,5.
func Decimal(x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := Int(n)
	if n == 0 && strings.HasPrefix(whole, "-") {
		out = "-0"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}

// Clean trims s and normalises it to NFC, so that text typed on different
// keyboards (composed or decomposed diacritics) compares and sorts equal.
func Clean(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}

// oldTone maps a word-final "oa", "oe" or "uy" written with the old tone
// placement (Hoà, Thuỷ) to the official one (Hòa, Thủy).
var oldTone = func() *strings.Replacer {
	var pairs []string
	add := func(first, second string, toned []string, firstToned []string) {
		for i, t := range toned {
			pairs = append(pairs, first+t, firstToned[i]+second)
		}
	}
	add("o", "a", []string{"à", "á", "ả", "ã", "ạ"}, []string{"ò", "ó", "ỏ", "õ", "ọ"})
	add("o", "e", []string{"è", "é", "ẻ", "ẽ", "ẹ"}, []string{"ò", "ó", "ỏ", "õ", "ọ"})
	add("u", "y", []string{"ỳ", "ý", "ỷ", "ỹ", "ỵ"}, []string{"ù", "ú", "ủ", "ũ", "ụ"})
	return strings.NewReplacer(pairs...)
}()

// OfficialTone rewrites old-style tone placement in word-final "oa", "oe"
// and "uy" to the official spelling (Hoà → Hòa), leaving "qu" words
// (quý) and non-final pairs (hoàng) alone.
func OfficialTone(s string) string {
	s = norm.NFC.String(s)
	words := strings.Fields(s)
	for i, w := range words {
		lower := strings.ToLower(w)
		if strings.HasPrefix(lower, "qu") {
			continue
		}
		runes := []rune(w)
		if len(runes) < 2 {
			continue
		}
		tail := string(runes[len(runes)-2:])
		if fixed := oldTone.Replace(strings.ToLower(tail)); fixed != strings.ToLower(tail) {
			if tail != strings.ToLower(tail) { // keep a capital first letter of the pair
				fixedRunes := []rune(fixed)
				fixed = strings.ToUpper(string(fixedRunes[0])) + string(fixedRunes[1:])
			}
			words[i] = string(runes[:len(runes)-2]) + fixed
		}
	}
	return strings.Join(words, " ")
}

// Day returns the calendar date of t (as written in t's own location) at
// midnight in Vietnam, so that dates read from PostgreSQL (UTC midnight)
// and dates typed by an official compare equal.
func Day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Location)
}

// Truncate cuts s to at most n bytes on a character boundary, replacing
// invalid UTF-8, for storing text from outside (user agents, typed names).
func Truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// LowerFirst lowers the first letter: "Đất đai" → "đất đai", "Gửi" → "gửi".
func LowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
