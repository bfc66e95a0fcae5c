package dispatch_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// items is a fake acceptance store: shipments by id.
type items map[postal.S10]acceptance.Shipment

func (m items) Shipment(_ context.Context, id postal.S10) (acceptance.Shipment, error) {
	if sh, ok := m[id]; ok {
		return sh, nil
	}
	return acceptance.Shipment{}, postal.Errorf(postal.CodeNotFound, "no shipment %s", id)
}

func (m items) add(id, product, country, postcode string, w int) string {
	m[postal.S10(id)] = acceptance.Shipment{ID: postal.S10(id), Product: product, OriginOffice: "CNXMNA", WeightG: w,
		Addressee: acceptance.Party{Country: country, Postcode: postcode}}
	return id
}

// sink records delivered events.
type sink struct {
	mu     sync.Mutex
	events []dispatch.Event
}

func (s *sink) Record(_ context.Context, evs []dispatch.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, evs...)
	return nil
}

func (s *sink) codes(object string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.events {
		if e.Object == object {
			out = append(out, e.Code)
		}
	}
	return out
}

var (
	op    = auth.Principal{KeyID: "op1", Role: auth.RoleOperator, Offices: []string{"CNXMNA"}}
	other = auth.Principal{KeyID: "op2", Role: auth.RoleOperator, Offices: []string{"CNSZXA"}}
	now   = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 10:00 in Xiamen
)

func world(t *testing.T) (*dispatch.Service, items, *sink) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	offices := []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1, TZ: "Asia/Shanghai", ConnectMin: 150, Customs: true},
		{Code: "NLAMSA", Name: "Amsterdam", Country: "NL", Kind: network.KindOE, Lat: 52.3, Lon: 4.8, TZ: "Europe/Amsterdam", ConnectMin: 120, Customs: true},
		{Code: "DEFRAA", Name: "Frankfurt", Country: "DE", Kind: network.KindOE, Lat: 50.0, Lon: 8.6, TZ: "Europe/Berlin", ConnectMin: 120, Customs: true},
	}
	services := []network.Leg{
		{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: network.ModeAir, Carrier: "Xiamen Airlines", Days: civil.EveryDay, Departs: 23*60 + 30,
			DurationMin: 780, CutoffMin: 240, CapacityKg: 20, CostPerKg: 5.85},
		{ID: "KL1771", From: "NLAMSA", To: "DEFRAA", Mode: network.ModeAir, Carrier: "KLM", Days: civil.EveryDay, Departs: 10 * 60,
			DurationMin: 70, CutoffMin: 120, CapacityKg: 500, CostPerKg: 2.1},
		{ID: "X8057", From: "CNXMNA", To: "DEFRAA", Mode: network.ModeRail, Carrier: "CR Express", Days: civil.EveryDay, Departs: 21 * 60,
			DurationMin: 20000, CutoffMin: 360, CapacityKg: 40000, CostPerKg: 1.05},
	}
	if err := st.ReplaceNetwork(context.Background(), offices, services); err != nil {
		t.Fatal(err)
	}
	it, sk := items{}, &sink{}
	svc := &dispatch.Service{Store: st, Network: st, Items: it, Events: sk, Now: func() time.Time { return now }}
	rules := []dispatch.Rule{{Country: "NL", Destination: "NLAMSA"}, {Country: "DE", Category: "A", Destination: "DEFRAA"},
		{Country: "DE", Category: "C", Destination: "DEFRAA", Receptacle: dispatch.Pallet}}
	if _, err := svc.PutSortPlan(context.Background(), op, "CNXMNA", rules); err != nil {
		t.Fatal(err)
	}
	return svc, it, sk
}

// must returns v, or panics (failing the test) on an unexpected error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestDispatchDay(t *testing.T) {
	ctx := context.Background()
	svc, it, sk := world(t)
	nl1 := it.add("LA000000014CN", "e-packet", "NL", "1012 JS", 800)
	nl2 := it.add("RA000000028CN", "registered-small-packet", "NL", "3011 AD", 1200)
	de := it.add("LA000000028CN", "e-packet", "DE", "10115", 500)
	fr := it.add("LA000000031CN", "e-packet", "FR", "75011", 500)

	toNL := must(svc.OpenDispatch(ctx, op, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: "NLAMSA", Category: "A", Subclass: "UN"}))
	if toNL.ID != "CNXMNANLAMSAAUN60001" || toNL.Form != dispatch.CN38 {
		t.Fatalf("dispatch %s (%s)", toNL.ID, toNL.Form)
	}
	bag := must(svc.OpenReceptacle(ctx, op, toNL.ID, dispatch.Bag))
	res := must(svc.Scan(ctx, op, bag.Number, nl1, ""))
	if res.Duplicate || res.Receptacle.Items != 1 {
		t.Fatalf("scan = %+v", res)
	}
	t.Run("double scan is idempotent", func(t *testing.T) {
		res := must(svc.Scan(ctx, op, bag.Number, nl1, ""))
		if !res.Duplicate || res.Receptacle.Items != 1 {
			t.Fatalf("second scan = %+v", res)
		}
	})
	t.Run("registered subclass goes elsewhere", func(t *testing.T) {
		_, err := svc.Scan(ctx, op, bag.Number, nl2, "")
		if postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "subclass UR") ||
			!strings.Contains(err.Error(), "open a dispatch CNXMNA→NLAMSA A/UR") {
			t.Fatalf("UR item into a UN bag: %v", err)
		}
	})
	toDE := must(svc.OpenDispatch(ctx, op, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: "DEFRAA", Category: "A", Subclass: "UN"}))
	deBag := must(svc.OpenReceptacle(ctx, op, toDE.ID, dispatch.Bag))
	t.Run("wrong destination names the right receptacle", func(t *testing.T) {
		_, err := svc.Scan(ctx, op, bag.Number, de, "")
		if postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "scan it into receptacle "+deBag.Number) {
			t.Fatalf("DE item into the NL bag: %v", err)
		}
		if f := postal.Fields(err); len(f) != 1 || f[0].Value != deBag.Number {
			t.Fatalf("fields %+v", f)
		}
	})
	t.Run("unknown destination is reported", func(t *testing.T) {
		_, err := svc.Scan(ctx, op, bag.Number, fr, "")
		if !errors.Is(err, dispatch.ErrNoRule) || !strings.Contains(err.Error(), "FR 75011") {
			t.Fatalf("FR item: %v", err)
		}
	})
	t.Run("another office's operator", func(t *testing.T) {
		if _, err := svc.Scan(ctx, other, bag.Number, nl1, ""); postal.ErrorCode(err) != postal.CodeForbidden {
			t.Fatalf("scan by an operator of another office: %v", err)
		}
	})
	t.Run("empty receptacle close refused", func(t *testing.T) {
		empty := must(svc.OpenReceptacle(ctx, op, toNL.ID, dispatch.Bag))
		_, err := svc.CloseReceptacle(ctx, op, empty.Number, dispatch.CloseReceptacleRequest{})
		if postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "is empty") {
			t.Fatalf("close empty: %v", err)
		}
		// The dispatch can't close with it open.
		if _, err := svc.CloseDispatch(ctx, op, toNL.ID); postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), empty.Number) {
			t.Fatalf("close dispatch with an open receptacle: %v", err)
		}
	})
	// The empty second bag gets the item; the first one closes.
	rs := must(svc.View(ctx, toNL.ID)).ReceptacleList
	closed := must(svc.CloseReceptacle(ctx, op, bag.Number, dispatch.CloseReceptacleRequest{Last: true}))
	if closed.ID != toNL.ID+"001100013" || closed.GrossWeightG != 1300 {
		t.Fatalf("closed receptacle %s %d g", closed.ID, closed.GrossWeightG)
	}
	it.add("LA000000045CN", "e-packet", "NL", "1012", 2000)
	must(svc.Scan(ctx, op, rs[1].Number, "LA000000045CN", ""))
	if _, err := svc.Scan(ctx, op, bag.Number, "LA000000045CN", ""); postal.ErrorCode(err) != postal.CodeConflict {
		t.Fatalf("item in another receptacle: %v", err)
	}
	must(svc.CloseReceptacle(ctx, op, rs[1].Number, dispatch.CloseReceptacleRequest{GrossWeightG: 2600}))
	view := must(svc.CloseDispatch(ctx, op, toNL.ID))
	if view.Status != dispatch.StatusClosed || len(view.Relabelled) != 2 || !view.ReceptacleList[1].Last || view.ReceptacleList[0].Last {
		t.Fatalf("closed dispatch: %+v", view)
	}
	t.Run("closed dispatch takes no items", func(t *testing.T) {
		if _, err := svc.ReopenReceptacle(ctx, op, view.ReceptacleList[0].Number); postal.ErrorCode(err) != postal.CodeConflict {
			t.Fatalf("reopen in a closed dispatch: %v", err)
		}
		if _, err := svc.OpenReceptacle(ctx, op, toNL.ID, dispatch.Bag); postal.ErrorCode(err) != postal.CodeConflict {
			t.Fatalf("new receptacle in a closed dispatch: %v", err)
		}
	})
	p := must(svc.Predes(ctx, toNL.ID))
	if len(p.Receptacles) != 2 || p.GrossWeightG() != 3900 || p.Transport != nil {
		t.Fatalf("PREDES %+v", p)
	}
	if _, err := edi.DecodePredes(p.MarshalEDI()); err != nil {
		t.Fatalf("PREDES does not read back: %v", err)
	}

	// The DE dispatch: 1 kg, closed too.
	must(svc.Scan(ctx, op, deBag.Number, de, ""))
	must(svc.CloseReceptacle(ctx, op, deBag.Number, dispatch.CloseReceptacleRequest{}))
	must(svc.CloseDispatch(ctx, op, toDE.ID))

	t.Run("over capacity refused with the numbers", func(t *testing.T) {
		big := must(svc.OpenDispatch(ctx, op, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: "NLAMSA", Category: "A", Subclass: "UN"}))
		r := must(svc.OpenReceptacle(ctx, op, big.ID, dispatch.Bag))
		it.add("LA000000059CN", "e-packet", "NL", "1012", 1800)
		must(svc.Scan(ctx, op, r.Number, "LA000000059CN", ""))
		must(svc.CloseReceptacle(ctx, op, r.Number, dispatch.CloseReceptacleRequest{GrossWeightG: 16500}))
		must(svc.CloseDispatch(ctx, op, big.ID))
		_, err := svc.Consign(ctx, op, dispatch.ConsignRequest{Office: "CNXMNA", Service: "MF811", Date: "2026-11-24", Dispatches: []string{toNL.ID, big.ID}})
		if !errors.Is(err, dispatch.ErrOverCapacity) || postal.ErrorCode(err) != postal.CodeConflict ||
			!strings.Contains(err.Error(), "20.0 kg capacity and 0.0 kg already consigned; these dispatches weigh 20.4 kg, 0.4 kg too many") {
			t.Fatalf("over capacity: %v", err)
		}
	})
	t.Run("surface mail can't fly", func(t *testing.T) {
		_, err := svc.Consign(ctx, op, dispatch.ConsignRequest{Office: "CNXMNA", Service: "X8057", Date: "2026-11-24", Dispatches: []string{toNL.ID}})
		if postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "may not travel by rail") {
			t.Fatalf("air mail by rail: %v", err)
		}
	})
	c := must(svc.Consign(ctx, op, dispatch.ConsignRequest{Office: "CNXMNA", Service: "MF811", Date: "2026-11-24", Dispatches: []string{toNL.ID, toDE.ID}}))
	if c.Form != dispatch.CN38 || c.GrossWeightG != 4900 || c.Receptacles != 3 || c.Departure != time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC) {
		t.Fatalf("consignment %+v", c)
	}
	bill := must(svc.DeliveryBill(ctx, c.ID))
	var pdf, csv bytes.Buffer
	if err := document.WriteDeliveryBill(&pdf, document.ConsignmentBill(bill)); err != nil {
		t.Fatal(err)
	}
	if err := dispatch.WriteBillCSV(&csv, bill); err != nil || strings.Count(csv.String(), "\n") != 4 {
		t.Fatalf("CSV: %v\n%s", err, csv.String())
	}
	cardit := must(svc.Cardit(ctx, c.ID))
	if cardit.Carrier != "MF" || len(cardit.Receptacles) != 3 {
		t.Fatalf("CARDIT %+v", cardit)
	}
	if p := must(svc.Predes(ctx, toNL.ID)); p.Transport == nil || p.Transport.Service != "MF811" {
		t.Fatalf("PREDES after consigning has no transport: %+v", p.Transport)
	}
	// Interchange references: a serial per partner, kept per message, so
	// two destinations never share one though their S8 tails are alike.
	refNL, refDE := must(svc.Predes(ctx, toNL.ID)).Ref, must(svc.Predes(ctx, toDE.ID)).Ref
	if refNL != "NLAMSA00000001" || refDE != "DEFRAA00000001" || cardit.Ref != "MF00000001" || p.Ref != refNL {
		t.Errorf("references NL %s (first fetch %s), DE %s, CARDIT %s", refNL, p.Ref, refDE, cardit.Ref)
	}
	must(svc.Depart(ctx, op, c.ID, time.Time{}))
	if got := sk.codes(nl1); strings.Join(got, ",") != "EMB,EMC" {
		t.Errorf("item events %v, want EMB,EMC", got)
	}
	r0 := must(svc.View(ctx, toNL.ID)).ReceptacleList[0]
	if got := sk.codes(r0.ID); strings.Join(got, ",") != "EMB,EMC" {
		t.Errorf("receptacle events %v, want EMB,EMC", got)
	}
	if got := sk.codes(toNL.ID); strings.Join(got, ",") != "EMB,EMC" {
		t.Errorf("dispatch events %v, want EMB,EMC", got)
	}

	// The carrier answers: received at XMN, uplifted, delivered in AMS.
	m := edi.Resdit{Ref: "MF0001", Prepared: now, Carrier: "MF", Recipient: "CNXMNA", Events: []edi.ResditEvent{
		{Code: "74", Place: "XMN", Time: now, Receptacles: []string{r0.ID}},
		{Code: "24", Place: "CNXMNA", Time: now.Add(12 * time.Hour), Transport: "MF811", Receptacles: []string{r0.ID}},
		{Code: "21", Place: "AMS", Time: now.Add(20 * time.Hour), Receptacles: []string{r0.ID, "CNXMNANLAMSAAUN60099001100013"}},
	}}
	carrier := auth.Principal{KeyID: "mf", Role: auth.RolePartner, Partner: "MF"}
	rep := must(svc.IngestResdit(ctx, carrier, m))
	if rep.Stored != 3 || len(rep.Rejected) != 1 || !strings.Contains(rep.Rejected[0].Message, "not a receptacle Interpost dispatched") {
		t.Fatalf("RESDIT report %+v", rep)
	}
	if rep := must(svc.IngestResdit(ctx, carrier, m)); rep.Stored != 0 || rep.Repeated != 3 {
		t.Fatalf("resent RESDIT %+v", rep)
	}
	if got := sk.codes(nl1); strings.Join(got, ",") != "EMB,EMC,EMC,EMD" {
		t.Errorf("item events after RESDIT %v, want EMB,EMC,EMC,EMD", got)
	}
	if _, err := svc.IngestResdit(ctx, auth.Principal{Role: auth.RolePartner, Partner: "CA"}, m); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Fatalf("another carrier's key: %v", err)
	}
}

func TestCutoff(t *testing.T) {
	ctx := context.Background()
	svc, it, _ := world(t)
	d := must(svc.OpenDispatch(ctx, op, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: "NLAMSA", Category: "A", Subclass: "UN"}))
	r := must(svc.OpenReceptacle(ctx, op, d.ID, dispatch.Bag))
	must(svc.Scan(ctx, op, r.Number, it.add("LA000000014CN", "e-packet", "NL", "1012", 800), ""))
	must(svc.CloseReceptacle(ctx, op, r.Number, dispatch.CloseReceptacleRequest{}))
	must(svc.CloseDispatch(ctx, op, d.ID))
	_, err := svc.Consign(ctx, op, dispatch.ConsignRequest{Office: "CNXMNA", Service: "MF811", Date: "2026-11-23", Dispatches: []string{d.ID}})
	if postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "took mail until 2026-11-23 11:30Z") {
		t.Fatalf("yesterday's flight: %v", err)
	}
}

// TestConsignOnward: a dispatch Xiamen → Frankfurt flies to Amsterdam on
// MF811, then is consigned on at Amsterdam to KL1771 by an operator of
// Amsterdam (not of Xiamen), on a departure after it arrives; its two
// legs are in its view, and the item leaves Amsterdam with EMK.
func TestConsignOnward(t *testing.T) {
	ctx := context.Background()
	svc, it, sk := world(t)
	ams := auth.Principal{KeyID: "op-ams", Role: auth.RoleOperator, Offices: []string{"NLAMSA"}}
	item := it.add("LA000000014CN", "e-packet", "DE", "10115", 500)
	d := must(svc.OpenDispatch(ctx, op, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: "DEFRAA", Category: "A", Subclass: "UN"}))
	r := must(svc.OpenReceptacle(ctx, op, d.ID, dispatch.Bag))
	must(svc.Scan(ctx, op, r.Number, item, ""))
	must(svc.CloseReceptacle(ctx, op, r.Number, dispatch.CloseReceptacleRequest{}))
	must(svc.CloseDispatch(ctx, op, d.ID))
	c1 := must(svc.Consign(ctx, op, dispatch.ConsignRequest{Office: "CNXMNA", Service: "MF811", Date: "2026-11-24", Dispatches: []string{d.ID}}))
	onward := dispatch.ConsignRequest{Office: "NLAMSA", Service: "KL1771", Date: "2026-11-25", Dispatches: []string{d.ID}}
	if _, err := svc.Consign(ctx, ams, onward); postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "already on consignment "+c1.ID) {
		t.Fatalf("consign on before it left Xiamen: %v", err)
	}
	must(svc.Depart(ctx, op, c1.ID, time.Time{}))
	if _, err := svc.Consign(ctx, op, onward); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("Xiamen's operator consigns at Amsterdam: %v, want forbidden", err)
	}
	early := onward
	early.Date = "2026-11-24" // 09:00Z, before MF811 lands at 04:30Z on the 25th
	if _, err := svc.Consign(ctx, ams, early); postal.ErrorCode(err) != postal.CodeInvalid ||
		!strings.Contains(err.Error(), "reaches NLAMSA at 2026-11-25 04:30Z on MF811 (consignment "+c1.ID+"); KL1771 departs at 2026-11-24 09:00Z, before it arrives") {
		t.Fatalf("departure before the dispatch arrives: %v", err)
	}
	wrong := onward
	wrong.Office, wrong.Service, wrong.Date = "CNXMNA", "MF811", "2026-11-25"
	if _, err := svc.Consign(ctx, op, wrong); postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "on its way to NLAMSA, not at CNXMNA") {
		t.Errorf("consign again at the origin: %v", err)
	}
	c2 := must(svc.Consign(ctx, ams, onward))
	if c2.Office != "NLAMSA" || c2.From != "NLAMSA" || c2.To != "DEFRAA" || c2.GrossWeightG == 0 || c2.Receptacles != 1 {
		t.Errorf("onward consignment %+v", c2)
	}
	must(svc.Depart(ctx, ams, c2.ID, time.Time{}))
	if got := sk.codes(item); strings.Join(got, ",") != "EMB,EMC,EMK" {
		t.Errorf("item events %v, want EMB,EMC,EMK", got)
	}
	v := must(svc.View(ctx, d.ID))
	if v.AtOffice != "DEFRAA" || len(v.Legs) != 2 || v.Legs[0].Consignment != c1.ID || v.Legs[1].Consignment != c2.ID ||
		v.Legs[1].Leg != 2 || v.Legs[1].From != "NLAMSA" || v.Legs[1].Service != "KL1771" || v.Legs[1].DepartedAt == nil || v.Legs[1].GrossWeightG != c2.GrossWeightG {
		t.Errorf("dispatch after two legs: at %s, legs %+v", v.AtOffice, v.Legs)
	}
	further := onward
	further.Date = "2026-11-26"
	if _, err := svc.Consign(ctx, auth.Principal{Role: auth.RoleAdmin}, further); postal.ErrorCode(err) != postal.CodeInvalid ||
		!strings.Contains(err.Error(), "reached its destination DEFRAA") {
		t.Errorf("consign beyond the destination: %v", err)
	}
}

// TestDeliveryBillInsured: the delivery bill lists the insured items of
// its registered receptacles one by one with their insured value; the
// uninsured registered item is not listed; the PDF prints them.
func TestDeliveryBillInsured(t *testing.T) {
	ctx := context.Background()
	svc, it, _ := world(t)
	ins := must(postal.NewS10("VA", 2, "CN"))
	plain := it.add("RA000000028CN", "registered-small-packet", "NL", "3011 AD", 1200)
	it.add(string(ins), "registered-small-packet", "NL", "1012 JS", 900)
	sh := it[ins]
	sh.Insured = &acceptance.Insurance{Value: "300.00", Currency: "USD", ValueSDR: "219.78", RatesOf: "2026-11-02"}
	it[ins] = sh
	d := must(svc.OpenDispatch(ctx, op, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: "NLAMSA", Category: "A", Subclass: "UR"}))
	r := must(svc.OpenReceptacle(ctx, op, d.ID, dispatch.Bag))
	must(svc.Scan(ctx, op, r.Number, plain, ""))
	must(svc.Scan(ctx, op, r.Number, string(ins), ""))
	closed := must(svc.CloseReceptacle(ctx, op, r.Number, dispatch.CloseReceptacleRequest{Last: true}))
	must(svc.CloseDispatch(ctx, op, d.ID))
	c := must(svc.Consign(ctx, op, dispatch.ConsignRequest{Office: "CNXMNA", Service: "MF811", Date: "2026-11-24", Dispatches: []string{d.ID}}))
	bill := must(svc.DeliveryBill(ctx, c.ID))
	if len(bill.Insured) != 1 || bill.Insured[0].Item != string(ins) || bill.Insured[0].Receptacle != closed.ID || bill.Insured[0].Insurance.ValueSDR != "219.78" {
		t.Fatalf("insured on the bill = %+v", bill.Insured)
	}
	doc := document.ConsignmentBill(bill)
	if len(doc.Insured) != 1 || doc.Insured[0].Value != "300.00" || doc.Insured[0].Currency != "USD" {
		t.Fatalf("insured on the document = %+v", doc.Insured)
	}
	if err := document.WriteDeliveryBill(&bytes.Buffer{}, doc); err != nil {
		t.Fatal(err)
	}
}
