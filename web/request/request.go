// Package request reads what the HTML pages and the JSON API read alike:
// the caller's address and the refusals of a body that cannot be read.
package request

import (
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"baocao/internal/apperr"
)

// ClientIP is the caller's address as the client-address middleware found
// it; when a trusted proxy sent no usable X-Forwarded-For, the proxy's own.
func ClientIP(r *http.Request) string {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// TooLarge refuses a body over limit bytes, saying the limit.
func TooLarge(limit int64) error {
	if limit >= 1<<20 {
		return apperr.New(apperr.TooLarge, fmt.Sprintf("Dữ liệu gửi lên quá lớn (tối đa %d MB).", limit>>20))
	}
	return apperr.New(apperr.TooLarge, fmt.Sprintf("Dữ liệu gửi lên quá lớn (tối đa %d KB).", limit/1024))
}

// BodyError turns a body that could not be read (too large, cut off) into
// a clear refusal.
func BodyError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return TooLarge(limit)
	}
	return apperr.Wrap(apperr.Invalid, "Dữ liệu gửi lên không đọc được.", err)
}

// FieldError refuses field name with format, which names it with %s.
func FieldError(name, format string) error {
	msg := fmt.Sprintf(format, name)
	return &apperr.Error{Code: apperr.Invalid, Message: msg, Fields: map[string]string{name: msg}}
}
