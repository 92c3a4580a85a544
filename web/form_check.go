package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"baocao/web/request"
)

// multiValued are the form fields sent once per ticked box or chosen
// option; every other field is sent once, and twice with different values
// is refused rather than "first one wins".
var multiValued = map[string]bool{
	"rights": true, "successors": true, "units": true, "email": true, "mark_section": true, "mark_rows": true,
	"draft_rows": true, // the narrative's drafted sentences: section|form|row
}

// checkForm refuses, before any handler or the database sees them, form
// fields and query parameters holding a NUL byte or bytes that are not
// UTF-8 (PostgreSQL refuses the first; the second would be stored as
// "�"), and form fields sent twice. The answer names the field.
func (s *Server) checkForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := badField(r.URL.Query(), false); err != nil {
			s.fail(w, r, err)
			return
		}
		if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
			next.ServeHTTP(w, r)
			return
		}
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(8 << 20)
		} else {
			err = parseBodyForm(r)
		}
		if err != nil {
			s.fail(w, r, request.BodyError(err, s.cfg.MaxBodyBytes))
			return
		}
		if err := badField(r.PostForm, true); err != nil {
			s.fail(w, r, err)
			return
		}
		if r.MultipartForm != nil {
			for name, files := range r.MultipartForm.File {
				for _, f := range files {
					if !cleanText(f.Filename) {
						s.fail(w, r, request.FieldError(name, "Tên tệp của trường “%s” có ký tự không hợp lệ (ký tự NUL hoặc không phải UTF-8). Hãy đổi tên tệp rồi gửi lại."))
						return
					}
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseBodyForm is r.ParseForm, without its copy of the posted fields
// into r.Form when the URL has no query (r.Form is then r.PostForm, read
// only as every handler reads it): an autosave posts every cell of the
// form, 1.228 fields, and the copy was a third of what parsing allocated.
func parseBodyForm(r *http.Request) error {
	if r.URL.RawQuery != "" || r.Form != nil {
		return r.ParseForm()
	}
	r.Form = url.Values{} // set: ParseForm reads the body into PostForm only
	err := r.ParseForm()
	r.Form = r.PostForm
	return err
}

// badField finds the first field of values that is not clean text, or
// (once) is sent more than once with different values.
func badField(values url.Values, once bool) error {
	for name, vs := range values {
		if !cleanText(name) {
			return request.FieldError(strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "?"),
				"Tên trường “%s” có ký tự không hợp lệ (ký tự NUL hoặc không phải UTF-8).")
		}
		if once && len(vs) > 1 && !multiValued[name] && slices.ContainsFunc(vs[1:], func(v string) bool { return v != vs[0] }) {
			return request.FieldError(name, "Trường “%s” được gửi nhiều lần. Hãy tải lại trang rồi gửi lại.")
		}
		for _, v := range vs {
			if !cleanText(v) {
				return request.FieldError(name, "Trường “%s” có ký tự không hợp lệ (ký tự NUL hoặc không phải UTF-8). Hãy xóa ký tự lạ, gõ lại rồi gửi lại.")
			}
		}
	}
	return nil
}

func cleanText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
