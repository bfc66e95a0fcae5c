package server

import (
	"github.com/interpost/interpost/server/console"
)

// registerConsole mounts the operator console (package console) under
// /console on the same mux as the API.
func (s *Server) registerConsole() {
	c, err := console.New(console.Config{
		Store:      s.cfg.Store,
		Acceptance: s.cfg.Acceptance,
		Customs:    s.cfg.Customs,
		Warehouse:  s.cfg.Warehouse,  // registerWarehouses has built one when the config named none
		Accounting: s.cfg.Accounting, // registerAccounting has built one when the config named none
		Tracking:   s.tracking(),
		Dispatch:   s.cfg.Dispatch, // registerDispatch has built one when the config named none
		Logger:     s.cfg.Logger,
		Now:        s.cfg.Now,
		RequestID:  requestID,
	})
	if err != nil {
		panic(err) // the console's files are embedded: failing to parse them is a programmer error
	}
	c.Register(s.plain)
}
