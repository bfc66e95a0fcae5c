package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/postal"
)

var statusOf = map[postal.Code]int{
	postal.CodeInvalid:         http.StatusUnprocessableEntity,
	postal.CodeNotFound:        http.StatusNotFound,
	postal.CodeConflict:        http.StatusConflict,
	postal.CodeForbidden:       http.StatusForbidden,
	postal.CodeUnauthenticated: http.StatusUnauthorized,
	postal.CodeUnavailable:     http.StatusServiceUnavailable,
}

// problem turns a domain error into an RFC 9457 problem. Unknown errors are
// logged and answered with "Internal error." so nothing internal leaks.
func (s *Server) problem(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var pe *postal.Error
	if !errors.As(err, &pe) || pe.Code == postal.CodeInternal {
		if errors.Is(err, context.Canceled) {
			return huma.NewError(499, "request cancelled")
		}
		s.cfg.Logger.ErrorContext(ctx, "internal error", "err", err, "request_id", requestID(ctx))
		return huma.NewError(http.StatusInternalServerError, "Internal error.")
	}
	status, ok := statusOf[pe.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	details := make([]error, 0, len(pe.Fields))
	for _, f := range pe.Fields {
		details = append(details, &huma.ErrorDetail{Location: location(f.Field), Message: f.Message, Value: f.Value})
	}
	return huma.NewError(status, pe.Message, details...)
}

// location prefixes a body field path the way huma's own validation does, so
// every field error reads alike ("body.addressee.country"). Header and query
// parameters are named as such by the domain already.
func location(field string) string {
	switch {
	case field == "":
		return ""
	case strings.HasPrefix(field, "header.") || strings.HasPrefix(field, "query.") || strings.HasPrefix(field, "path."),
		strings.HasPrefix(field, "line "): // a line of a file (rules, manifest), not a body field
		return field
	}
	return "body." + field
}

// Huma's own validation errors carry the offending value, and for a body it cannot read (an
// unknown content type, malformed JSON) that value is the whole body: a 100 MB upload would come
// back in the error. Every error built through huma quotes at most a short prefix of bad input.
func init() {
	build := huma.NewError
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		se := build(status, msg, errs...)
		if m, ok := se.(*huma.ErrorModel); ok {
			for _, d := range m.Errors {
				if d == nil {
					continue
				}
				switch v := d.Value.(type) {
				case string:
					d.Value = clipValue(v)
				case []byte:
					d.Value = clipValue(string(v))
				}
			}
		}
		return se
	}
}

// clipValue keeps the first 40 characters of bad input quoted back in an error.
func clipValue(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
