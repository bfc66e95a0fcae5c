package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

const (
	trDispatch = "KRSELAKZALAAAUN60001"
	trR1       = "KRSELAKZALAAAUN60001001010052"
	trR2       = "KRSELAKZALAAAUN60001002100110"
)

// testInwardTransit: closed transit (advised with its transit office,
// forwarded) and the RESDITs we send carriers.
func testInwardTransit(t *testing.T, s store.Store) {
	ctx := context.Background()
	d := inward.Dispatch{ID: trDispatch, Origin: "KRSELA", Destination: "KZALAA", Partner: "KRPOST", Category: "A", Subclass: "UN",
		Status: inward.StatusExpected, Consignment: "KRSELA2600001", Carrier: "CZ", Service: "CZ6092", Mode: "air", AdvisedAt: t0, UpdatedAt: t0}
	a := inward.Advice{
		Interchange: inward.Interchange{Partner: "KRSELA", Ref: "CZ26000001", Kind: inward.KindCardit, Digest: "d", Message: []byte(`{}`),
			Dispatches: []string{trDispatch}, ReceivedAt: t0, Reply: inward.Reply{Kind: "RESDES", Recipient: "KRSELA", Ref: "KRSELA00000001", Text: []byte("x")}},
		Dispatches: []inward.Dispatch{d},
		Receptacles: []inward.Receptacle{
			{ID: trR1, Dispatch: trDispatch, Type: "bag", GrossWeightG: 5200, Registered: true, Status: inward.StatusExpected, Consignment: "KRSELA2600001", Cardit: true},
			{ID: trR2, Dispatch: trDispatch, Type: "bag", GrossWeightG: 11000, Last: true, Status: inward.StatusExpected, Consignment: "KRSELA2600001", Cardit: true},
		},
		Transit: []inward.Transit{{Dispatch: trDispatch, Office: "CNURCA", AdvisedAt: t0}},
	}
	if err := s.SaveAdvice(ctx, a); err != nil {
		t.Fatal(err)
	}
	tr, err := s.InwardTransit(ctx, trDispatch)
	if err != nil || tr.Office != "CNURCA" || !tr.AdvisedAt.Equal(t0) {
		t.Fatalf("transit %+v, %v", tr, err)
	}
	if _, err := s.InwardTransit(ctx, "KRSELAKZALAAAUN60002"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("unknown transit: %v", err)
	}
	// Saving again keeps the first office.
	if err := s.SaveTransit(ctx, inward.Transit{Dispatch: trDispatch, Office: "CNPEKA", AdvisedAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if l, err := s.TransitDispatches(ctx, []string{"CNURCA"}, 10); err != nil || len(l) != 1 || l[0].Office != "CNURCA" {
		t.Errorf("list %+v, %v", l, err)
	}
	if l, err := s.TransitDispatches(ctx, []string{"CNPEKA"}, 10); err != nil || len(l) != 0 {
		t.Errorf("other office's list %+v, %v", l, err)
	}

	cs, err := s.ConsignmentReceptacles(ctx, "KRSELA2600001")
	if err != nil || len(cs) != 2 || cs[0].Receptacle.ID != trR1 || cs[1].Dispatch.Carrier != "CZ" {
		t.Errorf("consignment %+v, %v", cs, err)
	}

	dep := t0.Add(30 * time.Hour)
	f := inward.Forwarding{Receptacle: trR1, Dispatch: trDispatch, Office: "CNURCA", Destination: "KZALAA", Service: "RD-URC-ALA-1", Mode: "road",
		Carrier: "Kazpost", Next: "KZALAA", Departure: dep, Arrival: dep.Add(24 * time.Hour), WeightG: 5230, ForwardedAt: t0.Add(2 * time.Hour),
		Legs: []inward.Leg{{Service: "RD-URC-ALA-1", Mode: "road", Carrier: "Kazpost", From: "CNURCA", To: "KZALAA", Depart: dep, Arrive: dep.Add(24 * time.Hour)}}}
	if err := s.SaveForwardings(ctx, []inward.Forwarding{f}); err != nil {
		t.Fatal(err)
	}
	g := f
	g.Receptacle = trR2
	if err := s.SaveForwardings(ctx, []inward.Forwarding{g, f}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("forwarded twice: %v", err)
	}
	fs, err := s.Forwardings(ctx, trDispatch)
	if err != nil || len(fs) != 1 {
		t.Fatalf("forwardings %+v, %v (the conflicting batch stored nothing)", fs, err)
	}
	if x := fs[0]; x.Service != f.Service || x.Next != "KZALAA" || !x.Departure.Equal(dep) || !x.ForwardedAt.Equal(f.ForwardedAt) || x.WeightG != 5230 ||
		len(x.Legs) != 1 || !x.Legs[0].Arrive.Equal(dep.Add(24*time.Hour)) || x.Legs[0].From != "CNURCA" {
		t.Errorf("forwarding read back %+v", x)
	}

	c := inward.CarrierReceipt{Carrier: "CZ", Ref: "CZ00000001", Consignment: "KRSELA2600001", Office: "CNURCA", Receptacles: 2, CreatedAt: t0,
		Message: []byte(`{"ref":"CZ00000001"}`), Text: []byte("UNB+UNOC:3+CNURCA+CZ'")}
	for range 2 {
		if err := s.SaveCarrierReceipt(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := s.CarrierReceipts(ctx, "KRSELA2600001")
	if err != nil || len(rs) != 1 || rs[0].Ref != c.Ref || string(rs[0].Text) != string(c.Text) || !rs[0].CreatedAt.Equal(t0) || rs[0].Receptacles != 2 {
		t.Errorf("RESDITs %+v, %v", rs, err)
	}
}
