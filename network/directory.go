package network

import "context"

// DirectoryStore is what a Directory reads.
type DirectoryStore interface {
	// Offices lists all offices sorted by code.
	Offices(ctx context.Context) ([]Office, error)
	// Office returns one office, or not_found.
	Office(ctx context.Context, code string) (Office, error)
	// Services lists every leg sorted by id.
	Services(ctx context.Context) ([]Leg, error)
}

// Directory is the read-only view of the network that adapters (API,
// console, CLI) use: the offices and the legs between them. Changing the
// network goes through import (LegStore.ReplaceNetwork) only.
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

// CheckOffice returns nil when the office exists, not_found when it does not.
func (d *Directory) CheckOffice(ctx context.Context, code string) error {
	_, err := d.Store.Office(ctx, code)
	return err
}
