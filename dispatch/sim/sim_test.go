package sim_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/sim"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/store/sqlite"
)

// TestDay runs a day of 6,000 items at two demo offices and checks that
// what was stored adds up: every sorted item in exactly one receptacle,
// every consignment within its departure's capacity, bills that render,
// and the events of the departed consignments delivered.
func TestDay(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	date := civil.Date{Year: 2026, Month: 11, Day: 24}
	ready := civil.LocalTime(time.FixedZone("CST", 8*3600), date, 18*60)
	var mu sync.Mutex
	events := map[string]int{}
	svc := &dispatch.Service{Store: st, Network: st, Items: st, Now: func() time.Time { return ready },
		Events: dispatch.EventSinkFunc(func(_ context.Context, evs []dispatch.Event) error {
			mu.Lock()
			defer mu.Unlock()
			for _, e := range evs {
				events[e.Code]++
			}
			return nil
		})}
	admin := demoAdmin
	day := sim.Day{Date: date, Items: map[string][]dispatch.Item{}}
	for i, o := range []string{"CNXMNA", "CNSZXA"} {
		b, _ := demo.SortPlanFile(o)
		rules, err := dispatch.ReadSortPlan(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		plan, err := svc.PutSortPlan(ctx, admin, o, rules)
		if err != nil {
			t.Fatal(err)
		}
		day.Items[o] = sim.Generate(&plan, 3000, nil, rand.New(rand.NewPCG(uint64(i), 1)), uint32(i)*100_000, "CN")
	}
	r := &sim.Runner{Service: svc, DepartBefore: ready.Add(30 * time.Hour)}
	rep, err := r.Run(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	unsorted := 0
	for _, o := range rep.Offices {
		unsorted += len(o.Unsorted) // items a plan has no rule for (none with the demo plans)
	}
	if rep.Items+unsorted != 6000 || unsorted > 300 || rep.Dispatches == 0 || len(rep.Consignments) == 0 {
		t.Fatalf("report: %d items + %d unsorted, %d dispatches, %d consignments", rep.Items, unsorted, rep.Dispatches, len(rep.Consignments))
	}
	scanned := 0
	for _, o := range []string{"CNXMNA", "CNSZXA"} {
		ds, err := st.Dispatches(ctx, dispatch.DispatchFilter{Origin: o, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			scanned += d.Items
		}
	}
	if scanned != rep.Items {
		t.Errorf("dispatches hold %d items, the day sorted %d", scanned, rep.Items)
	}
	loads, err := st.DepartureLoads(ctx, ready.Add(-24*time.Hour), ready.Add(60*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range rep.Consignments {
		c, err := st.Consignment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if l := loads[dispatch.DepartureKey{Service: c.Service, Departure: c.Departure}]; float64(l) > c.CapacityKg*1000 {
			t.Errorf("%s on %s %s: %d g on %.0f kg capacity", id, c.Service, c.Departure, l, c.CapacityKg)
		}
		b, err := svc.DeliveryBill(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := document.WriteDeliveryBill(&bytes.Buffer{}, document.ConsignmentBill(b)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.DeliverEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if events["EMB"] < rep.Items || events["EMC"] == 0 {
		t.Errorf("events %v: want an EMB per item and EMC for the departures", events)
	}
	t.Logf("%d items, %d receptacles, %d dispatches, %d consignments, events %v, timings %v", rep.Items, rep.Receptacles, rep.Dispatches,
		len(rep.Consignments), events, rep.Timings)
}
