// Package response writes what the HTML pages and the JSON API answer
// alike: the HTTP status of an error, its outage form, and JSON bodies.
package response

import (
	"encoding/json"
	"net/http"

	"baocao/internal/apperr"
	"baocao/internal/database"
)

var statusOf = map[string]int{
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.RateLimited:  http.StatusTooManyRequests,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.Internal:     http.StatusInternalServerError,
}

// Status is the HTTP status of err, from its apperr code.
func Status(err error) int {
	if s, ok := statusOf[apperr.Code(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// outage is what an official reads when the database did not answer.
const outage = "Hệ thống đang gián đoạn, dữ liệu đã nhập vẫn được giữ. Vui lòng thử lại sau ít phút; nếu vẫn chưa được, hãy báo bộ phận hỗ trợ kèm mã yêu cầu bên dưới."

// Outage turns a database that did not answer (down, frozen, too slow)
// into an Unavailable error; any other error is returned as it is.
func Outage(err error) error {
	if apperr.Code(err) == apperr.Internal && database.Unavailable(err) {
		return apperr.Wrap(apperr.Unavailable, outage, err)
	}
	return err
}

// JSON answers v as JSON with status; never cached.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
