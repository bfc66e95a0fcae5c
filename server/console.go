package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/server/console"
)

// registerConsole mounts the operator console (package console) under
// /console on the same mux as the API, over the same services.
func (s *Server) registerConsole() error {
	c, err := console.New(console.Config{
		Auth:       s.cfg.Auth,
		Merchants:  s.cfg.Merchants,
		Network:    s.cfg.Network,
		Routes:     s.cfg.Routes,
		Acceptance: s.cfg.Acceptance,
		Customs:    s.cfg.Customs,
		CEB:        s.cfg.CEB,
		CEBMatch:   s.cfg.CEBMatch,
		Warehouse:  s.cfg.Warehouse,
		Accounting: s.cfg.Accounting,
		Tracking:   s.cfg.Tracking,
		Dispatch:   s.cfg.Dispatch,
		Planner:    s.cfg.Planner,
		Inward:     s.cfg.Inward,
		Inquiry:    s.cfg.Inquiry,
		Uploads:    s.cfg.Uploads,
		Logger:     s.cfg.Logger,
		Now:        s.cfg.Now,
		RequestID:  requestID,
		Throttled:  func(ctx context.Context, remote string) { s.throttled(ctx, "console", remote) },
		Audit: func(r *http.Request, p auth.Principal, status int) {
			s.record(r.Context(), p, audit.Entry{Via: "console", Method: r.Method, Operation: r.Pattern, Objects: pathIDs(r),
				Client: auth.ClientOf(r.RemoteAddr), Status: status})
		},
	})
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	c.Register(s.plain)
	return nil
}

// pathIDs names the path values of a console route ("id=…").
func pathIDs(r *http.Request) string {
	out := ""
	for _, name := range []string{"id", "code", "no", "party", "ref"} {
		if v := r.PathValue(name); v != "" {
			if out != "" {
				out += ";"
			}
			out += name + "=" + v
		}
	}
	return out
}
