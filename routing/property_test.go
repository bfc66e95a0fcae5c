package routing

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// TestAgainstBruteForce compares the planner with the exhaustive search on
// many small random networks: the earliest arrival must have the same
// (arrival, legs, cost, CO2) as the best listed itinerary, the Pareto set
// the same vectors with the fewest legs for each, and every itinerary must
// be one the rules allow.
func TestAgainstBruteForce(t *testing.T) {
	networks, perNetwork := 2000, 6
	if testing.Short() {
		networks = 300
	}
	var queries, routed, skipped, paretoItins, multiLeg int
	for seed := range networks {
		r := rand.New(rand.NewPCG(uint64(seed), 4))
		offices, services, base := randomNetwork(r)
		p, err := New(offices, services)
		if err != nil {
			t.Fatalf("seed %d: New: %v", seed, err)
		}
		for range perNetwork {
			q := randomQuery(r, offices, base)
			all, ok := bruteForce(offices, services, q)
			if !ok {
				skipped++
				continue
			}
			queries++
			res, err := p.Plan(context.Background(), q)
			if err != nil {
				t.Fatalf("seed %d: Plan(%+v): %v", seed, q, err)
			}
			want := bruteEarliest(all)
			if (want == nil) != (res.Earliest == nil) {
				t.Fatalf("seed %d query %+v:\nearliest = %+v, brute force %+v\nservices %+v", seed, q, res.Earliest, want, services)
			}
			if want == nil {
				if len(res.Pareto) != 0 {
					t.Fatalf("seed %d: no route but Pareto set %+v", seed, res.Pareto)
				}
				continue
			}
			routed++
			if want.legs > 1 {
				multiLeg++
			}
			got := res.Earliest
			v, err := checkItinerary(offices, services, q, got)
			if err != nil {
				t.Fatalf("seed %d query %+v: earliest %+v: %v", seed, q, got.Legs, err)
			}
			if v != (vector{want.arr, want.cost, want.co2}) || len(got.Legs) != want.legs {
				t.Fatalf("seed %d query %+v:\nearliest arr %s legs %d cost %d co2 %d\nbrute    arr %s legs %d cost %d co2 %d (%+v)\nservices %+v\noffices %+v",
					seed, q, got.Arrive, len(got.Legs), got.costUnits, got.co2Units,
					time.Unix(want.arr, 0).UTC(), want.legs, want.cost, want.co2, want.deps, services, offices)
			}
			wantSet := brutePareto(all)
			if len(res.Pareto) != len(wantSet) {
				t.Fatalf("seed %d query %+v: Pareto set has %d itineraries, brute force %d: %v\ngot %+v", seed, q, len(res.Pareto), len(wantSet), wantSet, res.Pareto)
			}
			for i := range res.Pareto {
				it := &res.Pareto[i]
				v, err := checkItinerary(offices, services, q, it)
				if err != nil {
					t.Fatalf("seed %d query %+v: Pareto itinerary %d: %v", seed, q, i, err)
				}
				legs, ok := wantSet[v]
				if !ok || legs != len(it.Legs) {
					t.Fatalf("seed %d query %+v: Pareto itinerary %v with %d legs; brute force set %v", seed, q, v, len(it.Legs), wantSet)
				}
				if i > 0 && res.Pareto[i-1].Arrive.After(it.Arrive) {
					t.Fatalf("seed %d: Pareto set not sorted by arrival", seed)
				}
			}
			paretoItins += len(res.Pareto)
		}
	}
	t.Logf("%d random networks, %d queries checked against brute force (%d skipped as too large to enumerate): %d with a route (%d needing more than one leg), %d Pareto itineraries compared",
		networks, queries, skipped, routed, multiLeg, paretoItins)
	if routed < queries/5 {
		t.Errorf("only %d of %d queries have a route: the generator is too sparse to test much", routed, queries)
	}
}
