package tracking

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestSortForStorage checks the key sort against a plain sort by
// CompareStorage on ids that share long prefixes and times.
func TestSortForStorage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := []string{"EE123456785CN", "EE123456785DE", "EE123456790CN", "LA000000017DE",
		"CNPEKAPLWAWAAUN61001", "CNPEKAPLWAWAAUN61002", "CNPEKAPLWAWAAUN61001001000100", "CNPEKAPLWAWAAUN61001001000101",
		"CNPEKAPLWAWAAUN6", "CNPEKAPLWAWAAUN6Z"}
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for round := range 200 {
		events := make([]Event, rng.IntN(300))
		for i := range events {
			events[i] = Event{Object: ids[rng.IntN(len(ids))], Code: EMA, Time: base.Add(time.Duration(rng.IntN(20)) * time.Minute), Office: "CNXMNA"}
			if rng.IntN(2) == 0 {
				events[i].Time = events[i].Time.In(time.FixedZone("", 8*3600))
			}
		}
		count := map[Event]int{}
		for _, e := range events {
			count[e]++
		}
		want := slices.Clone(events)
		slices.SortStableFunc(want, func(a, b Event) int { return CompareStorage(&a, &b) })
		order := StorageOrder(events)
		SortForStorage(events)
		if order != nil && len(order) != len(events) {
			t.Fatalf("round %d: order has %d indexes for %d events", round, len(order), len(events))
		}
		if !SortedForStorage(events) {
			t.Fatalf("round %d: not sorted", round)
		}
		for _, e := range events {
			count[e]--
		}
		for e, n := range count {
			if n != 0 {
				t.Fatalf("round %d: %+v appears %d times more in the input than in the output", round, e, n)
			}
		}
		for i := range events {
			if events[i] != want[i] { // stable: equal keys keep their input order
				t.Fatalf("round %d, position %d: %s %v, want %s %v", round, i, events[i].Object, events[i].Time, want[i].Object, want[i].Time)
			}
		}
	}
}
