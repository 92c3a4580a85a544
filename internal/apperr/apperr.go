// Package apperr defines the application's errors: a code that decides the
// HTTP status and a message in Vietnamese that is safe to show an official.
// Wrapped detail is for the log only.
package apperr

import (
	"errors"
	"fmt"
)

// Error codes.
const (
	Invalid      = "invalid"      // the input breaks a rule
	NotFound     = "not_found"    // no such object (or not visible to the caller)
	Conflict     = "conflict"     // the object changed, or a uniqueness rule
	Forbidden    = "forbidden"    // the caller may not do this
	Unauthorized = "unauthorized" // the caller is not signed in
	TooLarge     = "too_large"    // the request body or a file is too large
	RateLimited  = "rate_limited" // too many attempts
	Unavailable  = "unavailable"  // the database did not answer: an outage, not the request's fault
	Internal     = "internal"     // anything unexpected
)

// Error is an error an official may read.
type Error struct {
	Code    string
	Message string // Vietnamese, shown to the official
	Fields  map[string]string
	Err     error // detail for the log
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a Vietnamese message.
func New(code, message string) *Error { return &Error{Code: code, Message: message} }

// Wrap returns an error with a code and message wrapping err for the log.
func Wrap(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// InvalidFields is a validation error with one message per form field.
func InvalidFields(fields map[string]string) *Error {
	return &Error{Code: Invalid, Message: "Thông tin chưa hợp lệ, vui lòng kiểm tra lại.", Fields: fields}
}

// Code returns the code of err, or Internal when err is not an *Error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Message returns the message of err for an official; never the detail of
// an unexpected error.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "Hệ thống gặp lỗi ngoài dự kiến. Vui lòng thử lại sau ít phút."
}

// FieldErrors returns the per-field messages of a validation error.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
