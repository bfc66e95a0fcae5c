// Package store names what Interpost needs from persistence: the union of
// the store interfaces the domain packages declare. Implementations live in
// store/sqlite (embedded default) and store/postgres (shared system of
// record for several nodes); store/storetest is the contract both pass.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/privacy"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/warehouse"
)

// Store is a complete Interpost store.
type Store interface {
	acceptance.Store
	accounting.Store
	accounting.DispatchFacts // what departed, for rating
	audit.Store
	auth.Store
	bulk.Store
	customs.Store
	ceb.Store
	ceb.Outbox
	ceb.MatchStore
	customs.ListStore
	dispatch.Store
	inquiry.Store
	inward.Store
	network.OfficeStore
	network.LegStore
	privacy.Store
	returns.Store
	tracking.Store
	tracking.BuyerStore
	warehouse.Store
	// Ping checks the database answers (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
	// Kind names the backend ("sqlite" or "postgres") for logs and /readyz.
	Kind() string
}

// ErrUnknownURL is returned by Open for a URL it can't serve.
var ErrUnknownURL = errors.New("unsupported database URL")

// IsPostgresURL reports whether url names a PostgreSQL server.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// CheckURL rejects database URLs other than PostgreSQL ones.
func CheckURL(url string) error {
	if !IsPostgresURL(url) {
		return fmt.Errorf("%w %q: --db takes postgres://user@host:port/db; leave it empty for embedded SQLite in --data", ErrUnknownURL, url)
	}
	return nil
}
