package twin_test

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/twin"
)

// smallTwin runs a small twin (about 35 items a day) on a fresh SQLite store.
func smallTwin(t *testing.T, days int, sc twin.Scenario) (*twin.Result, *app.App, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a, svc, err := app.NewTwin(ctx, st, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := twin.DefaultBaseline()
	for i := range b.Merchants {
		b.Merchants[i].PerDay /= 6
	}
	b.CapacityScale /= 6
	res, err := twin.Run(ctx, svc, twin.Options{Baseline: b, Scenario: sc, Days: days, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return res, a, st
}

// TestTwinTruth runs a small twin and checks invariants across the whole
// system after it, through the services (and the outbox counts of the
// store).
func TestTwinTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a twin for 10 simulated days")
	}
	ctx := context.Background()
	res, a, st := smallTwin(t, 10, twin.Scenario{})
	admin := auth.Principal{KeyID: "truth", Role: auth.RoleAdmin}
	t.Logf("totals %+v; states %v; scans %+v", res.Totals, res.States, res.Scans)
	if res.Accepted < 200 {
		t.Fatalf("only %d items accepted", res.Accepted)
	}

	t.Run("every accepted item in exactly one state", func(t *testing.T) {
		sum := 0
		for _, n := range res.States {
			sum += n
		}
		if sum != res.Accepted {
			t.Errorf("states %v sum to %d, want %d accepted", res.States, sum, res.Accepted)
		}
		known := map[string]bool{}
		for _, s := range tracking.StatusNames() {
			known[s] = true
		}
		n, delivered, cursor := 0, 0, ""
		for {
			page, next, err := a.Acceptance.List(ctx, admin, "", time.Time{}, 500, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, sh := range page {
				n++
				if !known[sh.Status] {
					t.Errorf("%s: status %q is no lifecycle status", sh.ID, sh.Status)
				}
				if sh.Status == string(tracking.StatusDelivered) {
					delivered++
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if n != res.Accepted {
			t.Errorf("%d shipments stored, the twin accepted %d", n, res.Accepted)
		}
		if delivered != res.DeliveredReported {
			t.Errorf("%d shipments delivered, the partners reported %d deliveries", delivered, res.DeliveredReported)
		}
		t.Run("e2e report counts equal items delivered", func(t *testing.T) {
			if res.Totals.Delivered != delivered {
				t.Errorf("e2e report: %d delivered, shipments: %d", res.Totals.Delivered, delivered)
			}
		})
	})

	t.Run("receptacles, dispatches and departures add up", func(t *testing.T) {
		from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		cs, err := a.Dispatch.Consignments(ctx, "", from, from.AddDate(0, 3, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			t.Fatal("no consignments")
		}
		seen := map[string]string{}
		perDeparture := map[string]int{}
		capacity := map[string]float64{}
		for _, c := range cs {
			key := c.Service + " " + c.Departure.UTC().Format(time.RFC3339)
			perDeparture[key] += c.GrossWeightG
			capacity[key] = c.CapacityKg
			for _, did := range c.Dispatches {
				v, err := a.Dispatch.View(ctx, did)
				if err != nil {
					t.Fatal(err)
				}
				for _, rc := range v.ReceptacleList {
					items, err := a.Dispatch.Contents(ctx, rc.Number)
					if err != nil {
						t.Fatal(err)
					}
					sum := 0
					for _, it := range items {
						sum += it.WeightG
						if prev, ok := seen[it.Item]; ok {
							t.Errorf("%s is in receptacles %s and %s", it.Item, prev, rc.Number)
						}
						seen[it.Item] = rc.Number
					}
					if sum != rc.NetWeightG {
						t.Errorf("receptacle %s weighs %d g net, its items %d g", rc.Number, rc.NetWeightG, sum)
					}
				}
			}
		}
		for k, g := range perDeparture {
			if float64(g) > capacity[k]*1000+0.5 {
				t.Errorf("departure %s carries %d g over its capacity of %.1f kg", k, g, capacity[k])
			}
		}
	})

	t.Run("ledger balances reconcile", func(t *testing.T) {
		p, err := accounting.ParsePeriod(res.Start + ".." + "2026-11-11")
		if err != nil {
			t.Fatal(err)
		}
		bs, err := a.Accounting.Balances(ctx, admin, p)
		if err != nil {
			t.Fatal(err)
		}
		entries := 0
		for _, b := range bs {
			entries += b.Entries
			if !b.Net.Equal(b.Receivable.Sub(b.Payable)) {
				t.Errorf("%v %s: net %s ≠ receivable %s − payable %s", b.Party, b.Currency, b.Net, b.Receivable, b.Payable)
			}
		}
		if entries == 0 {
			t.Error("the ledger holds no entries for the run")
		}
		again, err := a.Accounting.Rate(ctx, admin, p)
		if err != nil {
			t.Fatal(err)
		}
		if again.Posted+again.Adjusted+again.Reversed != 0 {
			t.Errorf("rating the run again changed the ledger: %+v", again)
		}
		if res.Totals.Revenue <= 0 {
			t.Errorf("revenue %v", res.Totals.Revenue)
		}
	})

	t.Run("nothing left in an outbox", func(t *testing.T) {
		waiting, failed, err := st.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if waiting+failed != 0 {
			t.Errorf("customs outbox: %d waiting, %d failed", waiting, failed)
		}
		pending, err := st.PendingOutbox(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 0 {
			t.Errorf("%d dispatch events wait in the outbox", len(pending))
		}
	})
}

// TestTwinDeterministic runs the same small twin twice: same seed, same results.
func TestTwinDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a twin twice")
	}
	a, _, _ := smallTwin(t, 3, twin.Scenario{})
	b, _, _ := smallTwin(t, 3, twin.Scenario{})
	if a.Totals != b.Totals || a.Accepted != b.Accepted || len(a.Departures) != len(b.Departures) || a.Scans.Sent != b.Scans.Sent {
		t.Errorf("two runs with seed 7 differ:\n%+v\n%+v", a.Totals, b.Totals)
	}
}
