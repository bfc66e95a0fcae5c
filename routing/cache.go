package routing

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Planners hands out the planner of the current network. *Cache is the one
// a node runs; its users (the route API and console page, the tracking
// estimator, the warehouse's corridors) take this interface.
type Planners interface {
	// Current returns the planner of the network as last seen. A network
	// that cannot be planned on is invalid.
	Current(ctx context.Context) (*Planner, error)
}

// Source is what a Cache reads: the stored network and its version
// (network.Directory).
type Source interface {
	// Version grows with every change to offices or legs, on any node.
	Version(ctx context.Context) (int64, error)
	Offices(ctx context.Context) ([]network.Office, error)
	Legs(ctx context.Context) ([]network.Leg, error)
}

// DefaultCheckEvery is how often a Cache's Run checks the stored version.
const DefaultCheckEvery = 5 * time.Second

// Cache keeps one compiled planner per network version in memory and swaps
// it atomically when the stored version moves. Current never reads the
// store once a planner is built: Run (or Refresh) checks the version, a
// single-row read, at most every Every, and builds the next planner off the
// request path while Current keeps answering with the previous one.
// Because the version lives in the store, a change imported on one node
// reaches the planners of every node within Every.
type Cache struct {
	Source Source
	// Every is how often Run checks the stored version; 0 means
	// DefaultCheckEvery.
	Every time.Duration
	// Now, when set, is the clock around which a new planner's departures
	// are expanded before it is swapped in (from a day before to four weeks
	// after), so the first queries after a swap find them ready.
	Now    func() time.Time
	Logger *slog.Logger

	cur    atomic.Pointer[snapshot]
	mu     sync.Mutex // one build at a time
	builds atomic.Int64
}

// snapshot is the planner of one network version, or why there is none.
type snapshot struct {
	version int64
	planner *Planner
	err     error // the stored network cannot be planned on
}

// Current returns the planner of the network as of the last check. Only the
// first call, before anything is built, reads the store (and builds).
func (c *Cache) Current(ctx context.Context) (*Planner, error) {
	s := c.cur.Load()
	if s == nil {
		if _, err := c.Refresh(ctx); err != nil {
			return nil, err
		}
		s = c.cur.Load()
	}
	return s.planner, s.err
}

// Version returns the network version the current planner was built from;
// 0 before the first build.
func (c *Cache) Version() int64 {
	if s := c.cur.Load(); s != nil {
		return s.version
	}
	return 0
}

// Builds returns how many planners the cache has built.
func (c *Cache) Builds() int64 { return c.builds.Load() }

// Refresh checks the stored version now and, when it differs from the one
// held (or nothing is held yet), builds the planner of the stored network
// and swaps it in. It reports whether it swapped. A read error keeps the
// planner held; a network that does not compile is held as that error,
// until the next version.
func (c *Cache) Refresh(ctx context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.Source.Version(ctx)
	if err != nil {
		return false, err
	}
	if s := c.cur.Load(); s != nil && s.version == v {
		return false, nil
	}
	// The version is read before the network: a change committed in
	// between is built now under the older number and again at the next
	// check, never missed.
	offices, err := c.Source.Offices(ctx)
	if err != nil {
		return false, err
	}
	legs, err := c.Source.Legs(ctx)
	if err != nil {
		return false, err
	}
	next := &snapshot{version: v}
	next.planner, next.err = New(offices, legs)
	if next.err != nil && postal.ErrorCode(next.err) != postal.CodeInvalid {
		return false, fmt.Errorf("build the route planner: %w", next.err)
	}
	if next.planner != nil && c.Now != nil {
		day := c.Now().UTC().Truncate(24 * time.Hour)
		next.planner.Prepare(day.Add(-24*time.Hour), day.Add(4*7*24*time.Hour))
	}
	c.cur.Store(next)
	c.builds.Add(1)
	return true, nil
}

// Run refreshes the planner every Every until ctx ends. A failed check is
// logged and the planner held is kept.
func (c *Cache) Run(ctx context.Context) {
	every := c.Every
	if every <= 0 {
		every = DefaultCheckEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		swapped, err := c.Refresh(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			c.logger().WarnContext(ctx, "route planner: check the network version", "err", err)
		case swapped:
			c.logger().InfoContext(ctx, "route planner rebuilt", "network_version", c.Version())
		}
	}
}

func (c *Cache) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}
