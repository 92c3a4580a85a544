package response

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"baocao/internal/apperr"
)

// TestStatus: every apperr code has its status, and an error without a
// code is an internal error, never a 200 or a 0.
func TestStatus(t *testing.T) {
	for err, want := range map[error]int{
		apperr.New(apperr.Invalid, "x"):     http.StatusUnprocessableEntity,
		apperr.New(apperr.NotFound, "x"):    http.StatusNotFound,
		apperr.New(apperr.Conflict, "x"):    http.StatusConflict,
		apperr.New(apperr.Forbidden, "x"):   http.StatusForbidden,
		apperr.New(apperr.TooLarge, "x"):    http.StatusRequestEntityTooLarge,
		apperr.New(apperr.RateLimited, "x"): http.StatusTooManyRequests,
		apperr.New(apperr.Unavailable, "x"): http.StatusServiceUnavailable,
		errors.New("plain"):                 http.StatusInternalServerError,
	} {
		if got := Status(err); got != want {
			t.Errorf("Status(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestJSONIsNeverCached(t *testing.T) {
	rec := httptest.NewRecorder()
	JSON(rec, http.StatusConflict, map[string]string{"a": "Đã lưu"})
	if rec.Code != http.StatusConflict || rec.Header().Get("Cache-Control") != "no-store" ||
		rec.Body.String() != "{\"a\":\"Đã lưu\"}\n" {
		t.Fatalf("%d %q %q", rec.Code, rec.Header().Get("Cache-Control"), rec.Body.String())
	}
}
