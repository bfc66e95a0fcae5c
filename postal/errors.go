package postal

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for callers that branch on it: the HTTP server maps
// it to a status, the CLI to an exit code.
type Code string

// Error codes. Keep the list short: a new code needs a mapping in server and cmd.
const (
	CodeInvalid         Code = "invalid"         // the input is wrong; FieldErrors say where
	CodeNotFound        Code = "not_found"       // no such object (or not visible to the caller)
	CodeConflict        Code = "conflict"        // clashes with stored state (duplicate, reused key)
	CodeForbidden       Code = "forbidden"       // the caller may not do this
	CodeUnauthenticated Code = "unauthenticated" // no valid credentials
	CodeUnavailable     Code = "unavailable"     // a dependency is down; retry later
	CodeInternal        Code = "internal"        // a bug or an unexpected failure
)

// FieldError names one bad input field and what is wrong with it. Field uses
// the JSON path of the request body (e.g. "declaration.lines[0].hs_code") or,
// for files, "line N: column".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Value   any    `json:"value,omitempty"`
}

func (e FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Error is the error type domain packages return for conditions a caller can
// act on. Message is safe to show to the user; Fields lists input problems.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error // the cause, if any; not shown to users
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, f := range e.Fields {
		if i == 0 && e.Message != "" {
			b.WriteString(": ")
		} else if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	if b.Len() == 0 && e.Err != nil {
		return e.Err.Error()
	}
	return b.String()
}

// Unwrap returns the cause so errors.Is sees sentinels wrapped inside.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
// A %w verb in format wraps the cause as usual.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// Invalid returns a CodeInvalid error listing the bad fields.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: CodeInvalid, Message: message, Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Fields returns the field errors carried by err's chain, if any.
func Fields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldList accumulates field errors during validation.
type FieldList []FieldError

// Add records a problem with field.
func (l *FieldList) Add(field, format string, args ...any) {
	*l = append(*l, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when the list is empty, else a CodeInvalid *Error with message.
func (l FieldList) Err(message string) error {
	if len(l) == 0 {
		return nil
	}
	return Invalid(message, l...)
}

// QuoteMax is how many characters of bad input an error message quotes.
const QuoteMax = 40

// Quote quotes input for an error message as %q does, but at most its first
// QuoteMax characters, saying how long the rest was: a 100 MB header line
// must not come back as a 100 MB error.
func Quote(s string) string {
	n := 0
	for i := range s {
		if n == QuoteMax {
			return fmt.Sprintf("%q… (%d bytes in all)", s[:i], len(s))
		}
		n++
	}
	return fmt.Sprintf("%q", s)
}
