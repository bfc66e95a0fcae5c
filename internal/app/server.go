package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/tracking"
)

// Server builds the HTTP API and console over the app's services.
// registry receives the metrics; nil makes a new one.
func (a *App) Server(version string, registry *prometheus.Registry) (*server.Server, error) {
	return server.New(server.Config{
		Health:     a.Store,
		Auth:       a.Auth,
		Merchants:  a.Merchants,
		Network:    a.Network,
		Routes:     a.Routes,
		Acceptance: a.Acceptance,
		Uploads:    a.Uploads,
		Customs:    a.Customs,
		CEB:        a.CEB,
		CEBMatch:   a.CEBMatch,
		Tracking:   a.Tracking,
		Dispatch:   a.Dispatch,
		Inward:     a.Inward,
		Inquiry:    a.Inquiry,
		Returns:    a.Returns,
		Planner:    a.Planner,
		Warehouse:  a.Warehouse,
		Accounting: a.Accounting,
		Audit:      a.Audit,
		Privacy:    a.Privacy,
		Logger:     a.Logger,
		Version:    version,
		Now:        a.Now,
		Registry:   registry,
	})
}

func webhookPoster(allowPrivate bool) tracking.Poster {
	return server.NewWebhookPoster(server.WebhookPolicy{AllowPrivate: allowPrivate})
}
