package server

import (
	"context"
	"fmt"

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
		Warehouse:  s.cfg.Warehouse,
		Accounting: s.cfg.Accounting,
		Tracking:   s.cfg.Tracking,
		Dispatch:   s.cfg.Dispatch,
		Planner:    s.cfg.Planner,
		Logger:     s.cfg.Logger,
		Now:        s.cfg.Now,
		RequestID:  requestID,
		Throttled:  func(ctx context.Context, remote string) { s.throttled(ctx, "console", remote) },
	})
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	c.Register(s.plain)
	return nil
}
