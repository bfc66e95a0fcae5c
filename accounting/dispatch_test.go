package accounting_test

import (
	"context"
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

func (f fakeDispatches) ClosedDispatches(_ context.Context, from, to time.Time) ([]accounting.DispatchFact, error) {
	var out []accounting.DispatchFact
	for _, d := range f.dispatches {
		if !d.ClosedAt.Before(from) && d.ClosedAt.Before(to) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f fakeDispatches) Consignments(_ context.Context, from, to time.Time) ([]accounting.ConsignmentFact, error) {
	var out []accounting.ConsignmentFact
	for _, c := range f.consignments {
		if !c.Departure.Before(from) && c.Departure.Before(to) {
			out = append(out, c)
		}
	}
	return out, nil
}

// TestRateDispatched: with dispatch facts wired, conveyance is charged per
// consignment on its gross weight and transit per dispatch, not per item;
// the margin report shares them among the items by weight.
func TestRateDispatched(t *testing.T) {
	ctx := context.Background()
	a, b := item("LA000000014CN", "e-packet", 850, "PL"), item("LA000000028CN", "e-packet", 150, "PL")
	svc, st := newService(t, a, b)
	closed := nov16.Add(6 * time.Hour)
	svc.Dispatches = fakeDispatches{
		dispatches: []accounting.DispatchFact{{ID: "CNXMNAPLWAWAAUN60001", Origin: "CNXMNA", Dest: "PLWAWA", Class: "U", ClosedAt: closed,
			Items: []string{a.ID, b.ID}, Receptacles: 1, GrossG: 1400, Transit: []string{"NLAMSA"}}},
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
	if c := got["conv/CNXMNA2600001"]; c.Amount.String() != "7.77" || c.Creditor != "carrier:XIAMEN-AIRLINES" || c.Items != 2 || c.WeightG != 1400 || c.Consignment != "CNXMNA2600001" {
		t.Errorf("consignment charge %+v", c)
	}
	if c := got["transit/CNXMNAPLWAWAAUN60001/NL"]; c.Amount.String() != "0.81" || c.Creditor != "post:NLPOST" || c.Dispatch != "CNXMNAPLWAWAAUN60001" {
		t.Errorf("transit charge %+v", c)
	}
	if _, ok := got["conv/"+a.ID+"/1"]; ok || len(st.entries) != 8 { // 2 × (postage, fuel, dues) + conveyance + transit
		t.Errorf("%d entries: %v", len(st.entries), got)
	}
	m, err := svc.Margin(ctx, admin, november, accounting.MarginOptions{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	// The whole consignment charge lands on the lane, shared by weight.
	if c := m.Rows[0].Base.Conveyance; c.String() != "7.77" {
		t.Errorf("lane conveyance %s USD, want 7.77", c)
	}
}
