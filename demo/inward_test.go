package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// TestDemoInward checks the demo's inbound flows: every partner country
// sends to each of the four inward offices over the window, most
// dispatches are verified clean, the others with varied discrepancies,
// some are still on their way, and a second run stores nothing new.
func TestDemoInward(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo world")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	in := &inward.Service{Store: st, Network: st, Country: "CN", Now: func() time.Time { return now }}
	svc := &acceptance.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN"}
	res, err := demo.Seed(ctx, st, svc, demo.Options{Now: now, Shipments: 10, Inward: in})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Inward
	t.Logf("inward demo: %+v", r)
	if r.Received == 0 || r.Expected == 0 || r.Received+r.Expected != r.Dispatches {
		t.Errorf("received %d + expected %d, want both and %d dispatches", r.Received, r.Expected, r.Dispatches)
	}
	if share := float64(r.Notes) / float64(r.Received); share < 0.1 || share > 0.5 {
		t.Errorf("%d of %d received dispatches have a CN 43: want most clean, some not", r.Notes, r.Received)
	}
	ds, err := st.InwardDispatches(ctx, inward.DispatchFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	partners, offices := map[string]bool{}, map[string]bool{}
	for _, d := range ds {
		partners[d.Partner], offices[d.Destination] = true, true
	}
	for _, p := range []string{"JPPOST", "KRPOST", "USPOST", "DEPOST", "FRPOST", "PLPOST", "KZPOST", "GBPOST"} {
		if !partners[p] {
			t.Errorf("no inbound dispatch from %s", p)
		}
	}
	for _, o := range []string{"CNPEKA", "CNSHAA", "CNCANA", "CNXMNA"} {
		if !offices[o] {
			t.Errorf("no inbound dispatch to %s", o)
		}
	}
	kinds := map[inward.DiscrepancyKind]int{}
	for _, id := range r.NoteDispatches {
		ds, err := st.InwardDiscrepancies(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			kinds[d.Kind]++
		}
	}
	if len(kinds) < 4 {
		t.Errorf("discrepancies %v: want at least four kinds (a missing bag, an overweight one, an item not on the list …)", kinds)
	}
	again, err := demo.SeedInward(ctx, in, now)
	if err != nil {
		t.Fatal(err)
	}
	if again.Dispatches != 0 || again.Repeated != again.Predes+again.Cardits || again.Received != r.Received || again.Notes != r.Notes {
		t.Errorf("second run: %+v, want everything repeated, the same notes", again)
	}
}
