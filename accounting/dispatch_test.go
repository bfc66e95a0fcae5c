package accounting_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
)

// fakeDispatches reports one dispatch Xiamen → Warsaw through Amsterdam,
// carried on MF811 in one consignment.
type fakeDispatches struct {
	dispatches   []accounting.DispatchFact
	consignments []accounting.ConsignmentFact
}

var _ accounting.DispatchFacts = fakeDispatches{}

func (f fakeDispatches) Departed(_ context.Context, from, to time.Time, items []accounting.ItemFact) (accounting.Departed, error) {
	out := accounting.Departed{Left: map[string]bool{}}
	in := map[string]bool{}
	for _, c := range f.consignments {
		if !c.Departure.Before(from) && c.Departure.Before(to) {
			out.Consignments = append(out.Consignments, c)
			for _, d := range c.Dispatches {
				in[d] = true
			}
		}
	}
	for _, d := range f.dispatches {
		if in[d.ID] {
			out.Dispatches = append(out.Dispatches, d)
		}
		for _, id := range d.Items {
			if slices.ContainsFunc(items, func(it accounting.ItemFact) bool { return it.ID == id }) {
				out.Left[id] = true
			}
		}
	}
	return out, nil
}

// TestRateDispatched: with dispatch facts wired, an item that departed is
// charged conveyance per consignment on its gross weight, to the carrier of
// the consignment's service, and transit per dispatch to the post of the
// office its consignment reached, not along its planned way; an item that
// never left in a dispatch is charged its planned way. Each entry says its
// basis; rating again posts nothing. The margin report shares the
// consignment's charges among its items by weight.
func TestRateDispatched(t *testing.T) {
	ctx := context.Background()
	a, b := item("LA000000014CN", "e-packet", 850, "PL"), item("LA000000028CN", "e-packet", 150, "PL")
	stay := item("LA000000031CN", "e-packet", 400, "PL") // never dispatched
	svc, st := newService(t, a, b, stay)
	closed := nov16.Add(6 * time.Hour)
	svc.Dispatches = fakeDispatches{
		dispatches: []accounting.DispatchFact{{ID: "CNXMNAPLWAWAAUN60001", Origin: "CNXMNA", Dest: "PLWAWA", Class: "U", ClosedAt: closed,
			Items: []string{a.ID, b.ID}, Receptacles: 1, GrossG: 1400, Transit: []string{"NLAMSA"}, Consignment: "CNXMNA2600001",
			Departure: closed.Add(7 * time.Hour), Reached: "NLAMSA", ReachedAt: closed.Add(20 * time.Hour)}},
		consignments: []accounting.ConsignmentFact{{ID: "CNXMNA2600001", Service: "MF811", Departure: closed.Add(7 * time.Hour),
			Dispatches: []string{"CNXMNAPLWAWAAUN60001"}, GrossG: 1400}},
	}
	rep := rate(t, svc)
	if rep.Conveyance != "dispatched" || rep.Dispatches != 1 || rep.Consignments != 1 || len(rep.Unrated) != 0 {
		t.Fatalf("rating: %+v", rep)
	}
	got := map[string]accounting.Entry{}
	for _, e := range st.entries {
		got[e.Key] = e
	}
	// 5.55 USD × 1.400 kg; 0.040 × 2 items + 0.520 × 1.400 kg = 0.808 XDR
	if c := got["conv/CNXMNA2600001"]; c.Amount.String() != "7.77" || c.Creditor != "carrier:XIAMEN-AIRLINES" || c.Items != 2 || c.WeightG != 1400 ||
		c.Consignment != "CNXMNA2600001" || c.Basis != accounting.BasisDispatched || !c.At.Equal(closed.Add(7*time.Hour)) {
		t.Errorf("consignment charge %+v", c)
	}
	if c := got["transit/CNXMNAPLWAWAAUN60001/NL"]; c.Amount.String() != "0.81" || c.Creditor != "post:NLPOST" || c.Dispatch != "CNXMNAPLWAWAAUN60001" ||
		c.Basis != accounting.BasisDispatched {
		t.Errorf("transit charge %+v", c)
	}
	for _, id := range []string{a.ID, b.ID} {
		for _, k := range []string{"conv/" + id + "/1", "conv/" + id + "/2", "transit/" + id + "/NL"} {
			if e, ok := got[k]; ok {
				t.Errorf("departed item charged its planned way: %+v", e)
			}
		}
		if e := got["postage/"+id]; e.Basis != accounting.BasisAccepted {
			t.Errorf("postage basis %q", e.Basis)
		}
	}
	// The dispatch reached Amsterdam, short of Warsaw: the road leg on is
	// charged as planned, on its gross weight, dated by its departure.
	if c := got["conv/CNXMNAPLWAWAAUN60001/on/1"]; c.Service != "RD-AMS-WAW-1" || c.Creditor != "carrier:POSTNL-ROAD" || c.WeightG != 1400 ||
		c.Items != 2 || c.Basis != accounting.BasisPlanned || !c.At.Equal(closed.Add(7*time.Hour)) {
		t.Errorf("onward charge %+v", c)
	}
	// The item that never left: its planned way, MF811 then road, through NL.
	for _, k := range []string{"conv/" + stay.ID + "/1", "conv/" + stay.ID + "/2", "transit/" + stay.ID + "/NL"} {
		if e, ok := got[k]; !ok || e.Basis != accounting.BasisPlanned {
			t.Errorf("%s: %+v", k, e)
		}
	}
	// 3 × (postage, fuel, dues) + consignment + dispatch transit + onward
	// leg + 2 legs and transit planned
	if len(st.entries) != 15 {
		t.Errorf("%d entries: %v", len(st.entries), got)
	}
	if again := rate(t, svc); again.Posted != 0 || again.Adjusted != 0 || again.Reversed != 0 || again.Unchanged != 15 {
		t.Errorf("rating again: %+v", again)
	}
	m, err := svc.Margin(ctx, admin, november, accounting.MarginOptions{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	// The whole consignment charge lands on the lane, shared by weight,
	// with the dispatch's road leg on (0.00021 × 1.400 kg × about 1,100 km)
	// and the planned way of the item that stayed (5.55 × 0.400 kg on
	// MF811 + 0.00021 × 0.400 kg × about 1,100 km by road).
	if c := m.Rows[0].Base.Conveyance; c.String() != "10.4" {
		t.Errorf("lane conveyance %s USD, want 10.40", c)
	}
}

// TestRateDispatchedLegs: a dispatch that flew to Amsterdam on MF811 and
// was consigned on there to the road service to Warsaw is charged both
// consignments and the transit at Amsterdam on the dispatched basis;
// nothing of its way is planned any more.
func TestRateDispatchedLegs(t *testing.T) {
	a := item("LA000000014CN", "e-packet", 850, "PL")
	svc, st := newService(t, a)
	closed := nov16.Add(6 * time.Hour)
	dep1, dep2 := closed.Add(7*time.Hour), closed.Add(30*time.Hour)
	const d = "CNXMNAPLWAWAAUN60001"
	svc.Dispatches = fakeDispatches{
		dispatches: []accounting.DispatchFact{{ID: d, Origin: "CNXMNA", Dest: "PLWAWA", Class: "U", ClosedAt: closed,
			Items: []string{a.ID}, Receptacles: 1, GrossG: 1000, Transit: []string{"NLAMSA"}, Consignment: "CNXMNA2600001", Departure: dep1,
			Reached: "NLAMSA", ReachedAt: dep1.Add(13 * time.Hour), // as leg 1 alone would say: the legs decide
			Legs: []accounting.LegFact{
				{Leg: 1, Consignment: "CNXMNA2600001", Service: "MF811", From: "CNXMNA", To: "NLAMSA", Departure: dep1, Arrival: dep1.Add(13 * time.Hour), Receptacles: 1, GrossG: 1000},
				{Leg: 2, Consignment: "NLAMSA2600001", Service: "RD-AMS-WAW-1", From: "NLAMSA", To: "PLWAWA", Departure: dep2, Arrival: dep2.Add(16 * time.Hour), Receptacles: 1, GrossG: 1000},
			}}},
		consignments: []accounting.ConsignmentFact{
			{ID: "CNXMNA2600001", Service: "MF811", Departure: dep1, Dispatches: []string{d}, GrossG: 1000},
			{ID: "NLAMSA2600001", Service: "RD-AMS-WAW-1", Departure: dep2, Dispatches: []string{d}, GrossG: 1000, Items: 1},
		},
	}
	if rep := rate(t, svc); len(rep.Unrated) != 0 || rep.Consignments != 2 {
		t.Fatalf("rating: %+v", rep)
	}
	got := map[string]accounting.Entry{}
	for _, e := range st.entries {
		got[e.Key] = e
		if e.Basis == accounting.BasisPlanned {
			t.Errorf("planned entry for a dispatch whose every leg departed: %+v", e)
		}
	}
	for _, k := range []string{"conv/CNXMNA2600001", "conv/NLAMSA2600001", "transit/" + d + "/NL"} {
		if e, ok := got[k]; !ok || e.Basis != accounting.BasisDispatched {
			t.Errorf("%s: %+v", k, e)
		}
	}
	if e := got["conv/NLAMSA2600001"]; e.Creditor != "carrier:POSTNL-ROAD" || e.Items != 1 || e.WeightG != 1000 || !e.At.Equal(dep2) {
		t.Errorf("onward consignment charge %+v", e)
	}
}
