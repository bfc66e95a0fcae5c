package demo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// TestSeedIsPure seeds two fresh stores at the same "now" and compares
// what they hold: the same shipments under the same S10 ids at the same
// times, and the same ledger. The seed may depend on Options.Now and its
// fixed random seeds, on nothing else (not the machine's clock, not map
// order).
func TestSeedIsPure(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo world twice")
	}
	t.Parallel()
	now := time.Date(2027, 6, 30, 22, 0, 0, 0, time.UTC)
	a, b := seedSummary(t, now), seedSummary(t, now)
	if len(a) == 0 {
		t.Fatal("the seed made nothing")
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			t.Fatalf("two seeds at %s differ at line %d:\n%s\n%s", now, i, a[i], b[i])
		}
	}
	if len(a) != len(b) {
		t.Fatalf("two seeds differ in size: %d and %d lines", len(a), len(b))
	}
}

// seedSummary seeds a fresh store and lists its shipments and ledger
// entries as comparable lines.
func seedSummary(t *testing.T, now time.Time) []string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := &acceptance.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN"}
	if _, err := demo.Seed(ctx, st, svc, demo.Options{Shipments: 60, Now: now}); err != nil {
		t.Fatal(err)
	}
	var out []string
	for after := int64(0); ; {
		page, next, err := st.Shipments(ctx, acceptance.Filter{After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range page {
			out = append(out, fmt.Sprintf("shipment %s %s %s %s %d %s", sh.ID, sh.Merchant, sh.Product, sh.Addressee.Country, sh.WeightG, sh.CreatedAt.Format(time.RFC3339Nano)))
		}
		if next == "" {
			break
		}
		if after, err = paging.DecodeCursor(next); err != nil {
			t.Fatal(err)
		}
	}
	entries, _, err := st.Entries(ctx, accounting.EntryFilter{From: now.AddDate(-1, 0, 0), To: now.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var ledger []string
	for _, e := range entries {
		ledger = append(ledger, fmt.Sprintf("entry %s %s %s %s %s", e.Key, e.Debtor, e.Creditor, e.Amount, e.Currency))
	}
	slices.Sort(ledger)
	return append(out, ledger...)
}
