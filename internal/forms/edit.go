package forms

import (
	"regexp"
	"strings"
)

// WithForm returns a copy of the template with f replacing the form of
// the same key (or added after the others).
func (t Template) WithForm(f Form) Template {
	out := t
	out.Forms = make([]Form, 0, len(t.Forms)+1)
	replaced := false
	for _, old := range t.Forms {
		if old.Key == f.Key {
			out.Forms = append(out.Forms, f)
			replaced = true
			continue
		}
		out.Forms = append(out.Forms, old)
	}
	if !replaced {
		out.Forms = append(out.Forms, f)
	}
	return out
}

// WithoutForm returns a copy of the template without the form key.
func (t Template) WithoutForm(key string) Template {
	out := t
	out.Forms = nil
	for _, f := range t.Forms {
		if f.Key != key {
			out.Forms = append(out.Forms, f)
		}
	}
	return out
}

var (
	romanSTT  = regexp.MustCompile(`^(?i)[IVXLC]+\.?$`)
	numberSTT = regexp.MustCompile(`^[0-9]+\.?$`)
	nestedSTT = regexp.MustCompile(`^([0-9]+\.[0-9]+(\.[0-9]+)*|[a-zđ][.)]?)$`)
)

// LevelOfSTT infers a row's level from how its STT is written on paper:
// I, II → 1; 1, 2 → 2; 1.1, a → 3; "-", "+" → 4. Blank → 2.
func LevelOfSTT(stt string) int {
	stt = strings.TrimSpace(stt)
	switch {
	case stt == "":
		return 2
	case romanSTT.MatchString(stt) && strings.ToUpper(stt) == stt:
		return 1
	case numberSTT.MatchString(stt):
		return 2
	case nestedSTT.MatchString(stt):
		return 3
	case stt == "-" || stt == "+" || stt == "*":
		return 4
	}
	return 2
}
