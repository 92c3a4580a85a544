package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"baocao/internal/apperr"
	"baocao/web/request"
)

// checkJSONBody refuses, before the handler decodes it, a JSON body that
// is not UTF-8 (Go's decoder would put "�" in its place silently) or holds
// a NUL character in a string (PostgreSQL refuses it): the JSON
// counterpart of checkForm, naming the field.
func (s *Server) checkJSONBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			Error(w, request.BodyError(err, s.cfg.MaxBodyBytes))
			return
		}
		if !utf8.Valid(body) {
			Error(w, apperr.New(apperr.Invalid, "Nội dung gửi lên không phải văn bản UTF-8."))
			return
		}
		var v any
		if json.Unmarshal(body, &v) == nil {
			if field, bad := nulField(v, ""); bad {
				Error(w, request.FieldError(field, "Trường “%s” có ký tự NUL, không được nhận."))
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// nulField finds a string (or an object key) holding U+0000 in v.
func nulField(v any, path string) (string, bool) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch v := v.(type) {
	case string:
		return path, strings.ContainsRune(v, 0)
	case []any:
		for i, e := range v {
			if f, bad := nulField(e, join(strconv.Itoa(i))); bad {
				return f, true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.ContainsRune(k, 0) {
				return join(strings.ReplaceAll(k, "\x00", "")), true
			}
			if f, bad := nulField(e, join(k)); bad {
				return f, true
			}
		}
	}
	return "", false
}
