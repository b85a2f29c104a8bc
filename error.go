package rebound

import (
	"errors"
	"fmt"
)

// Error codes. Each adapter maps them once: the CLI to exit codes, the web
// server to HTTP statuses.
const (
	EInvalid  = "invalid"   // the input is wrong; the message says what and where
	ENotFound = "not_found" // the thing asked for does not exist
	EConflict = "conflict"  // the thing already exists
	EInternal = "internal"  // a bug or an environment failure
)

// Error is an error with a code and a message meant for the runner.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
