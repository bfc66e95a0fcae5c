package routing

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// memNetwork is a stored network with its version, counting the reads.
type memNetwork struct {
	mu       sync.Mutex
	version  int64
	offices  []network.Office
	legs     []network.Leg
	fail     error
	versions atomic.Int64 // Version calls
	loads    atomic.Int64 // Offices and Legs calls
}

func (m *memNetwork) set(legs ...network.Leg) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offices, m.legs = handOffices, legs
	m.version++
}

func (m *memNetwork) Version(context.Context) (int64, error) {
	m.versions.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version, m.fail
}

func (m *memNetwork) Offices(context.Context) ([]network.Office, error) {
	m.loads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offices, nil
}

func (m *memNetwork) Legs(context.Context) ([]network.Leg, error) {
	m.loads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.legs, nil
}

func earliestVia(t *testing.T, ps Planners) string {
	t.Helper()
	p, err := ps.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	it, err := p.Earliest(Query{From: "CNXMNA", To: "DEDUIA", Ready: at("2026-11-23T10:00:00+08:00")})
	if err != nil {
		t.Fatal(err)
	}
	if it == nil {
		return "none"
	}
	return it.Legs[0].Service
}

func TestCacheServesOnePlannerPerVersion(t *testing.T) {
	ctx := context.Background()
	m := &memNetwork{}
	m.set(svc("AIR1", "CNXMNA", "DEDUIA", network.ModeAir, "12:00", 900, 120, 5))
	c := &Cache{Source: m}

	// Many first callers at once: one build.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := c.Current(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if c.Builds() != 1 || c.Version() != 1 {
		t.Fatalf("builds %d, version %d after concurrent first calls, want 1 and 1", c.Builds(), c.Version())
	}
	// Current does not read the store once built.
	reads := m.versions.Load() + m.loads.Load()
	for range 100 {
		if got := earliestVia(t, c); got != "AIR1" {
			t.Fatalf("earliest via %s, want AIR1", got)
		}
	}
	if n := m.versions.Load() + m.loads.Load(); n != reads {
		t.Errorf("100 queries read the store %d times, want 0", n-reads)
	}

	// A check with nothing changed reads the version only.
	loads := m.loads.Load()
	if swapped, err := c.Refresh(ctx); err != nil || swapped {
		t.Fatalf("Refresh on an unchanged network = %v, %v", swapped, err)
	}
	if m.loads.Load() != loads || c.Builds() != 1 {
		t.Errorf("unchanged network reloaded (%d loads) or rebuilt (%d builds)", m.loads.Load()-loads, c.Builds())
	}

	// The network changes: the held planner answers until the next check,
	// which swaps in the new one.
	m.set(svc("RAIL1", "CNXMNA", "DEDUIA", network.ModeRail, "12:00", 20000, 120, 1))
	held, _ := c.Current(ctx)
	if got := earliestVia(t, c); got != "AIR1" {
		t.Fatalf("before the check: via %s, want AIR1 (the held planner)", got)
	}
	if swapped, err := c.Refresh(ctx); err != nil || !swapped {
		t.Fatalf("Refresh after a change = %v, %v", swapped, err)
	}
	if got := earliestVia(t, c); got != "RAIL1" || c.Version() != 2 || c.Builds() != 2 {
		t.Fatalf("after the check: via %s, version %d, builds %d; want RAIL1, 2, 2", got, c.Version(), c.Builds())
	}
	// A planner handed out before the swap still answers with its network.
	if it, err := held.Earliest(Query{From: "CNXMNA", To: "DEDUIA", Ready: at("2026-11-23T10:00:00+08:00")}); err != nil || it == nil || it.Legs[0].Service != "AIR1" {
		t.Errorf("held planner after the swap: %+v, %v", it, err)
	}
}

func TestCacheInvalidNetworkAndReadErrors(t *testing.T) {
	ctx := context.Background()
	m := &memNetwork{}
	bad := svc("BAD", "CNXMNA", "XXXXXX", network.ModeAir, "12:00", 900, 120, 5)
	m.set(bad)
	c := &Cache{Source: m}
	if _, err := c.Current(ctx); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Fatalf("network naming an unknown office: %v, want invalid", err)
	}
	if _, err := c.Current(ctx); postal.ErrorCode(err) != postal.CodeInvalid || c.Builds() != 1 {
		t.Fatalf("second call: %v after %d builds, want the held error and no rebuild", err, c.Builds())
	}
	m.set(svc("AIR1", "CNXMNA", "DEDUIA", network.ModeAir, "12:00", 900, 120, 5))
	if _, err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := earliestVia(t, c); got != "AIR1" {
		t.Fatalf("after the fix: via %s", got)
	}
	// A store that stops answering keeps the held planner.
	m.fail = errors.New("connection refused")
	if _, err := c.Refresh(ctx); err == nil {
		t.Fatal("Refresh with the store down: no error")
	}
	if got := earliestVia(t, c); got != "AIR1" {
		t.Errorf("with the store down: via %s, want the held AIR1", got)
	}
}

func TestCacheRunSwapsWithinEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	m := &memNetwork{}
	m.set(svc("AIR1", "CNXMNA", "DEDUIA", network.ModeAir, "12:00", 900, 120, 5))
	now := at("2026-11-23T00:00:00Z")
	c := &Cache{Source: m, Every: time.Millisecond, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	p, err := c.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if start, end := p.tt.Load().Window(); !start.Equal(now.Add(-24*time.Hour)) || !end.Equal(now.Add(28*24*time.Hour)) {
		t.Errorf("prepared window %s – %s, want a day before to four weeks after now", start, end)
	}
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	m.set(svc("RAIL1", "CNXMNA", "DEDUIA", network.ModeRail, "12:00", 20000, 120, 1))
	deadline := time.Now().Add(10 * time.Second)
	for c.Version() != 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := earliestVia(t, c); got != "RAIL1" {
		t.Errorf("Run did not swap in the new network: via %s, version %d", got, c.Version())
	}
	cancel()
	<-done
}

func TestTimetableWindowGrowsForQueries(t *testing.T) {
	p := mustPlanner(t, svc("AIR1", "CNXMNA", "DEDUIA", network.ModeAir, "12:00", 900, 120, 5))
	q := Query{From: "CNXMNA", To: "DEDUIA", Ready: at("2026-11-23T10:00:00+08:00")}
	if _, err := p.Earliest(q); err != nil {
		t.Fatal(err)
	}
	// The first query: exactly its window.
	if start, end := p.tt.Load().Window(); !start.Equal(q.Ready) || !end.Equal(q.Ready.Add(DefaultHorizon)) {
		t.Fatalf("first window %s – %s, want the query's own", start, end)
	}
	// A query outside it: whole days from the day before, at least
	// windowDays, merged with the first.
	q.Ready = at("2026-11-24T10:00:00Z")
	if _, err := p.Earliest(q); err != nil {
		t.Fatal(err)
	}
	second := p.tt.Load()
	start, end := second.Window()
	if !start.Equal(at("2026-11-23T00:00:00Z")) || !end.Equal(start.Add(windowDays*24*time.Hour)) {
		t.Fatalf("second window %s – %s: want %d days from the day before ready", start, end, windowDays)
	}
	// Later queries within it reuse it.
	q.Ready = q.Ready.Add(7 * 24 * time.Hour)
	if _, err := p.Earliest(q); err != nil || p.tt.Load() != second {
		t.Fatalf("query inside the window rebuilt it (%v)", err)
	}
	// One far away replaces it rather than merging past mergeDays.
	q.Ready = at("2027-06-01T00:00:00Z")
	if _, err := p.Earliest(q); err != nil {
		t.Fatal(err)
	}
	if s, e := p.tt.Load().Window(); !s.Equal(at("2027-05-31T00:00:00Z")) || e.Sub(s) != windowDays*24*time.Hour {
		t.Errorf("far window %s – %s, want %d days from 2027-05-31", s, e, windowDays)
	}
}
