package reports

import (
	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/richtext"
	"baocao/internal/vn"
)

// sectionOverLimit says, in Vietnamese, how far the section's text goes
// past the size limit its designer set; "" when it fits. The limit counts
// the characters an official reads (richtext.Length), as the page's
// counter does, not the HTML around them.
func sectionOverLimit(sec forms.Section, html string) string {
	if sec.MaxChars <= 0 {
		return ""
	}
	n := richtext.Length(html)
	if n <= sec.MaxChars {
		return ""
	}
	return "Mục " + sec.Number + " " + sec.Heading + " dài " + vn.Int(int64(n)) + " ký tự, vượt giới hạn " +
		vn.Int(int64(sec.MaxChars)) + " ký tự. Hãy rút gọn nội dung."
}

// checkSectionSizes refuses a save with a section over its limit.
func checkSectionSizes(sections map[string]forms.Section, typed map[string]string) error {
	for key, html := range typed {
		if msg := sectionOverLimit(sections[key], html); msg != "" {
			return &apperr.Error{Code: apperr.Invalid, Message: msg, Fields: map[string]string{"section|" + key: msg}}
		}
	}
	return nil
}

// sectionSizeProblems lists the sections over their limit, for submission.
func sectionSizeProblems(tpl *forms.Template, c *Content) []Problem {
	var problems []Problem
	for _, sec := range tpl.Outline {
		if msg := sectionOverLimit(sec, c.Sections[sec.Key]); msg != "" {
			problems = append(problems, Problem{"section|" + sec.Key, msg})
		}
	}
	return problems
}
