package network

import (
	"context"

	"github.com/interpost/interpost/postal"
)

// DirectoryStore is what a Directory reads.
type DirectoryStore interface {
	// Offices lists all offices sorted by code.
	Offices(ctx context.Context) ([]Office, error)
	// Office returns one office, or not_found.
	Office(ctx context.Context, code string) (Office, error)
	// Services lists every leg sorted by id.
	Services(ctx context.Context) ([]Leg, error)
	// PutOffices creates or replaces offices by code, all or none.
	PutOffices(ctx context.Context, offices []Office) error
	// ReplaceNetwork creates or replaces offices and replaces the whole
	// timetable, all or nothing.
	ReplaceNetwork(ctx context.Context, offices []Office, legs []Leg) error
	// NetworkVersion returns the version of the stored network (LegStore).
	NetworkVersion(ctx context.Context) (int64, error)
}

// Directory is the network as adapters (API, console, CLI) see it: the
// offices and the legs between them, read by anyone, and replaced whole by
// an import (PutOffices, Replace) that only trusted callers make.
type Directory struct {
	Store DirectoryStore
}

// Offices lists all offices sorted by code.
func (d *Directory) Offices(ctx context.Context) ([]Office, error) { return d.Store.Offices(ctx) }

// Office returns one office, or not_found.
func (d *Directory) Office(ctx context.Context, code string) (Office, error) {
	return d.Store.Office(ctx, code)
}

// Legs lists every scheduled leg sorted by id.
func (d *Directory) Legs(ctx context.Context) ([]Leg, error) { return d.Store.Services(ctx) }

// Version returns the version of the stored network: it grows with every
// change to offices or legs, on any node (LegStore.NetworkVersion). One
// point read: cheap enough to poll.
func (d *Directory) Version(ctx context.Context) (int64, error) { return d.Store.NetworkVersion(ctx) }

// CheckOffice returns nil when the office exists, not_found when it does not.
func (d *Directory) CheckOffice(ctx context.Context, code string) error {
	_, err := d.Store.Office(ctx, code)
	return err
}

// PutOffices creates or replaces offices by code, all or none. The offices
// must have been validated (ReadOffices does).
func (d *Directory) PutOffices(ctx context.Context, offices []Office) error {
	if len(offices) == 0 {
		return postal.Invalid("no offices", postal.FieldError{Field: "offices", Message: "the file lists no office"})
	}
	return d.Store.PutOffices(ctx, offices)
}

// Replace creates or replaces offices and replaces the whole timetable with
// legs, in one transaction. The network must have been read and checked
// against the known offices (ReadDir does).
func (d *Directory) Replace(ctx context.Context, n Network) error {
	return d.Store.ReplaceNetwork(ctx, n.Offices, n.Services)
}
