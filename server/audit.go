package server

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// mutating reports whether a request changes something and is audited.
func mutating(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// audited runs next and records the staff action in the audit log: the
// operation, the ids its path named, the status answered. A failure to
// record is logged, not answered: the action has happened.
func (s *Server) audited(ctx huma.Context, p auth.Principal, next func(huma.Context)) {
	next(ctx)
	op := ctx.Operation()
	var objects []string
	for _, par := range op.Parameters {
		if par.In == "path" {
			objects = append(objects, par.Name+"="+ctx.Param(par.Name))
		}
	}
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	s.record(ctx.Context(), p, audit.Entry{Via: "api", Method: op.Method, Operation: op.OperationID, Objects: strings.Join(objects, ";"),
		Client: auth.ClientOf(ctx.RemoteAddr()), Status: status})
}

// record stores one audit entry (the console calls it for its forms).
func (s *Server) record(ctx context.Context, p auth.Principal, e audit.Entry) {
	e.RequestID = requestID(ctx)
	if err := s.cfg.Audit.Record(context.WithoutCancel(ctx), p, e); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "audit record", "err", err, "operation", e.Operation, "request_id", e.RequestID)
	}
}

type auditInput struct {
	From time.Time `query:"from" required:"true" doc:"Start (RFC 3339), inclusive" example:"2026-12-01T00:00:00Z"`
	To   time.Time `query:"to" required:"true" doc:"End (RFC 3339), exclusive" example:"2026-12-08T00:00:00Z"`
}

func (s *Server) registerAudit() {
	register(s, huma.Operation{
		OperationID: "export-audit", Method: http.MethodGet, Path: "/v1/audit", Summary: "export the staff audit log", Tags: []string{"Privacy"},
		Description: "Every mutating API call and console form between from and to, as CSV: seq, at, key_id, role, offices, merchant, " +
			"partner, via, method, operation, objects, client, status, request_id (see docs/privacy.md).",
		Errors: []int{http.StatusUnprocessableEntity}, Responses: fileResponses("csv"),
	}, adminOnly, s.exportAudit)
}

func (s *Server) exportAudit(ctx context.Context, in *auditInput) (*fileOutput, error) {
	var buf bytes.Buffer
	if _, err := s.cfg.Audit.WriteCSV(ctx, principal(ctx), in.From, in.To, &buf); err != nil {
		if postal.ErrorCode(err) == postal.CodeInvalid {
			return nil, s.problem(ctx, postal.Invalid(err.Error(), postal.FieldError{Field: "query.to", Message: "must be after from"}))
		}
		return nil, s.problem(ctx, err)
	}
	return &fileOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="audit.csv"`, Body: buf.Bytes()}, nil
}
