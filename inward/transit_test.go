package inward_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

var opURC = auth.Principal{KeyID: "u", Role: auth.RoleOperator, Offices: []string{"CNURCA"}}

// events keeps what the service records.
type events struct{ got []tracking.Event }

func (e *events) Record(_ context.Context, evs ...tracking.Event) error {
	e.got = append(e.got, evs...)
	return nil
}

func (e *events) of(object string) []string {
	var out []string
	for _, ev := range e.got {
		if ev.Object == object {
			out = append(out, string(ev.Code)+"@"+ev.Office+">"+ev.NextOffice)
		}
	}
	return out
}

// router answers every plan with the road service Urumqi → Almaty via
// Khorgos, leaving at 20:00 UTC+8 (12:00 UTC) the day after.
type router struct{ asked []string }

func (r *router) Onward(_ context.Context, from, to string, ready time.Time, weightG int) ([]inward.Leg, error) {
	r.asked = append(r.asked, from+"→"+to)
	if to != "KZALAA" {
		return nil, nil
	}
	dep := ready.Truncate(24 * time.Hour).Add(36 * time.Hour)
	return []inward.Leg{{Service: "RD-URC-ALA-1", Mode: "road", Carrier: "China Post / Kazpost (via Khorgos)", From: from, To: to,
		Depart: dep, Arrive: dep.Add(24 * time.Hour)}}, nil
}

func transitService(t *testing.T) (*inward.Service, *events, *router) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	office := func(code, country, tz string) network.Office {
		return network.Office{Code: code, Name: code, Country: country, Kind: network.KindOE, Lat: 1, Lon: 1, TZ: tz, ConnectMin: 120, Customs: true}
	}
	if err := st.PutOffices(context.Background(), []network.Office{office("CNURCA", "CN", "Asia/Shanghai"), office("CNPEKA", "CN", "Asia/Shanghai"),
		office("KRSELA", "KR", "Asia/Seoul"), office("KZALAA", "KZ", "Asia/Almaty"), office("UZTASA", "UZ", "Asia/Tashkent")}); err != nil {
		t.Fatal(err)
	}
	ev, rt := &events{}, &router{}
	clock := now
	return &inward.Service{Store: st, Network: st, Country: "CN", Events: ev, Router: rt, Now: func() time.Time { return clock }}, ev, rt
}

// krTransit is Korea Post's dispatch Seoul → Almaty flown to Urumqi: two
// bags, the first with two listed registered items.
func krTransit(t *testing.T) (edi.Predes, edi.Cardit) {
	t.Helper()
	d := postal.DispatchID{Origin: "KRSELA", Destination: "KZALAA", Category: 'A', Subclass: "UN", YearDigit: 6, Serial: 1}
	r1 := postal.ReceptacleID{Dispatch: d, Serial: 1, Registered: true, WeightHg: 52}
	r2 := postal.ReceptacleID{Dispatch: d, Serial: 2, Last: true, WeightHg: 110}
	var items []string
	for _, n := range []uint32{1001, 1002} {
		id, err := postal.NewS10("RR", n, "KR")
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, string(id))
	}
	tr := edi.Transport{Service: "CZ6092", Mode: "air", Carrier: "CZ", From: "KRSELA", To: "CNURCA", Departure: now.Add(-6 * time.Hour), Arrival: now.Add(-time.Hour)}
	p := edi.Predes{Ref: "KR26000001", Prepared: now.Add(-8 * time.Hour), Dispatch: d.String(), Origin: "KRSELA", Destination: "KZALAA", Transport: &tr,
		Receptacles: []edi.Receptacle{{ID: r1.String(), Type: "bag", GrossWeightG: 5200, Items: items}, {ID: r2.String(), Type: "bag", GrossWeightG: 11000}}}
	c := edi.Cardit{Ref: "CZ26000001", Prepared: now.Add(-7 * time.Hour), Consignment: "KRSELA2600001", Form: "CN38", Office: "KRSELA", Carrier: "CZ",
		Transport: tr, Receptacles: []edi.Receptacle{{ID: r1.String(), Type: "bag", GrossWeightG: 5200}, {ID: r2.String(), Type: "bag", GrossWeightG: 11000}}}
	return p, c
}

// A transit receptacle end to end: advised by PREDES and CARDIT, received
// unopened at Urumqi (EMJ, a broken seal on the CN 43), forwarded on the
// planned road service to Almaty (EMK), charged as transit, not as
// inbound mail, and confirmed to the carrier (RESDIT).
func TestClosedTransit(t *testing.T) {
	ctx := context.Background()
	s, ev, rt := transitService(t)
	p, c := krTransit(t)

	t.Run("bound abroad without a transport to us is refused", func(t *testing.T) {
		q := p
		q.Ref, q.Transport = "KR26000009", nil
		_, err := s.AcceptPredes(ctx, admin, q)
		if postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "destination") || !strings.Contains(err.Error(), "transit") {
			t.Errorf("%v", err)
		}
	})
	if _, err := s.AcceptPredes(ctx, krpost, p); err != nil {
		t.Fatal(err)
	}
	cz := auth.Principal{KeyID: "cz", Role: auth.RolePartner, Partner: "CZ"}
	if _, err := s.AcceptCardit(ctx, cz, c); err != nil {
		t.Fatal(err)
	}
	list, err := s.TransitDispatches(ctx, opURC, 0)
	if err != nil || len(list) != 1 || list[0].Office != "CNURCA" || list[0].Dispatch != p.Dispatch {
		t.Fatalf("transit list %+v, %v", list, err)
	}
	if l, _ := s.TransitDispatches(ctx, opPEK, 0); len(l) != 0 {
		t.Errorf("Beijing sees Urumqi's transit: %+v", l)
	}

	r1, r2 := p.Receptacles[0].ID, p.Receptacles[1].ID
	// Checked unopened at the transit office (the default office).
	res, err := s.ScanReceptacle(ctx, opURC, inward.ReceptacleScan{Receptacle: r1, WeightG: 5230})
	if err != nil || !res.OK() || res.Receptacle.ReceivedOffice != "CNURCA" {
		t.Fatalf("scan %+v, %v", res, err)
	}
	res, err = s.ScanReceptacle(ctx, opURC, inward.ReceptacleScan{Receptacle: r2, WeightG: 11020, Flags: []string{inward.FlagSealBroken}})
	if err != nil || len(res.Discrepancies) != 1 || res.Discrepancies[0].Kind != inward.SealBroken {
		t.Fatalf("scan %+v, %v", res, err)
	}
	if again, err := s.ScanReceptacle(ctx, opURC, inward.ReceptacleScan{Receptacle: r2}); err != nil || !again.Repeated {
		t.Errorf("scanned twice: %+v, %v", again, err)
	}
	if got := ev.of(r1); !slices.Equal(got, []string{"EMJ@CNURCA>"}) {
		t.Errorf("receptacle events %v", got)
	}
	if got := ev.of(p.Receptacles[0].Items[1]); !slices.Equal(got, []string{"EMJ@CNURCA>"}) {
		t.Errorf("item events %v", got)
	}
	if rec, _ := s.Received(ctx, now.Add(-time.Hour), now.Add(time.Hour)); len(rec) != 0 {
		t.Errorf("transit counted as inbound mail: %+v", rec)
	}
	tr, err := s.TransitReceived(ctx, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil || len(tr) != 2 || !tr[0].ForwardedAt.IsZero() || tr[0].Destination != "KZALAA" || tr[0].Office != "CNURCA" || tr[0].Items != 2 || tr[0].WeightG != 5230 {
		t.Fatalf("transit facts %+v, %v", tr, err)
	}

	// Forwarded on the planned service.
	if _, err := s.Forward(ctx, opPEK, p.Dispatch); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("Beijing forwards Urumqi's transit: %v", err)
	}
	fw, err := s.Forward(ctx, opURC, p.Dispatch)
	if err != nil || len(fw.Forwarded) != 2 || len(fw.Waiting) != 0 {
		t.Fatalf("forward %+v, %v", fw, err)
	}
	if f := fw.Forwarded[0]; f.Service != "RD-URC-ALA-1" || f.Mode != "road" || f.Next != "KZALAA" || f.Office != "CNURCA" || len(f.Legs) != 1 {
		t.Errorf("forwarding %+v", f)
	}
	// One onward consignment to the road carrier, with its CARDIT.
	if len(fw.Onward) != 1 {
		t.Fatalf("onward %+v", fw.Onward)
	}
	if c := fw.Onward[0]; c.Form != "CN37" || c.Office != "CNURCA" || c.Transport.To != "KZALAA" || len(c.Receptacles) != 2 || c.Ref == "" ||
		c.Carrier != "RD-URC-ALA-1" || !strings.HasPrefix(c.Consignment, "CNURCA-RD-URC-ALA-1-") {
		t.Errorf("onward CARDIT %+v", c)
	}
	if cs, err := s.OnwardCardits(ctx, opURC, p.Dispatch); err != nil || len(cs) != 1 || cs[0].Ref != fw.Onward[0].Ref {
		t.Errorf("onward CARDITs again: %+v %v", cs, err)
	}
	if _, err := s.OnwardCardits(ctx, krpost, p.Dispatch); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("KRPOST reading the road carrier's CARDIT: %v", err)
	}
	if !slices.Equal(rt.asked, []string{"CNURCA→KZALAA"}) {
		t.Errorf("planned %v", rt.asked)
	}
	if got := ev.of(r2); !slices.Equal(got, []string{"EMJ@CNURCA>", "EMK@CNURCA>KZALAA"}) {
		t.Errorf("timeline of %s: %v", r2, got)
	}
	again, err := s.Forward(ctx, opURC, p.Dispatch)
	if err != nil || len(again.Forwarded) != 0 || len(again.Earlier) != 2 {
		t.Errorf("forwarded twice %+v, %v", again, err)
	}
	tr, _ = s.TransitReceived(ctx, now.Add(-time.Hour), now.Add(time.Hour))
	if len(tr) != 2 || !tr[1].ForwardedAt.Equal(now) {
		t.Errorf("forwarded facts %+v", tr)
	}
	view, err := s.TransitDispatch(ctx, opURC, p.Dispatch)
	if err != nil || len(view.Forwardings) != 2 || len(view.Receptacles) != 2 || view.Dispatch.Destination != "KZALAA" {
		t.Errorf("view %+v, %v", view, err)
	}
	if _, err := s.TransitDispatch(ctx, opPEK, p.Dispatch); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("out of scope: %v", err)
	}

	// Confirmed to the carrier: RESDIT 21 in its profile (ours), repeatable.
	cr, err := s.ConfirmToCarrier(ctx, opURC, c.Consignment)
	if err != nil || cr.Carrier != "CZ" || cr.Ref != "CZ00000001" || cr.Receptacles != 2 {
		t.Fatalf("RESDIT %+v, %v", cr, err)
	}
	m, err := edi.UnmarshalPostResditWith(nil, cr.Text)
	if err != nil || m.Sender != "CNURCA" || m.Consignment != c.Consignment || len(m.Events) != 1 || m.Events[0].Code != "21" ||
		!slices.Equal(m.Events[0].Receptacles, []string{r1, r2}) || m.Events[0].Transport != "CZ6092" {
		t.Errorf("RESDIT read back %+v, %v\n%s", m, err, cr.Text)
	}
	if cr2, err := s.ConfirmToCarrier(ctx, opURC, c.Consignment); err != nil || cr2.Ref != cr.Ref || string(cr2.Text) != string(cr.Text) {
		t.Errorf("confirmed again: %+v, %v", cr2, err)
	}
	if l, err := s.CarrierReceipts(ctx, cz, c.Consignment); err != nil || len(l) != 1 {
		t.Errorf("carrier's list %+v, %v", l, err)
	}
	if l, _ := s.CarrierReceipts(ctx, opPEK, c.Consignment); len(l) != 0 {
		t.Errorf("Beijing sees Urumqi's RESDIT: %+v", l)
	}

	// Closing the verification: the CN 43 with the broken seal, from Urumqi.
	n, err := s.Close(ctx, opURC, p.Dispatch)
	if err != nil || n.Office != "CNURCA" || len(n.Discrepancies) != 1 || n.Discrepancies[0].Receptacle != r2 {
		t.Errorf("note %+v, %v", n, err)
	}
}

// Mail bound abroad that nobody advised is received as not advised at the
// office that scanned it, and becomes transit there.
func TestTransitNotAdvised(t *testing.T) {
	ctx := context.Background()
	s, ev, _ := transitService(t)
	d := postal.DispatchID{Origin: "KRSELA", Destination: "UZTASA", Category: 'A', Subclass: "UN", YearDigit: 6, Serial: 7}
	r := postal.ReceptacleID{Dispatch: d, Serial: 1, Last: true, WeightHg: 30}.String()
	if _, err := s.ScanReceptacle(ctx, opURC, inward.ReceptacleScan{Receptacle: r}); postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "office") {
		t.Errorf("without an office: %v", err)
	}
	res, err := s.ScanReceptacle(ctx, opURC, inward.ReceptacleScan{Receptacle: r, Office: "CNURCA"})
	if err != nil || len(res.Discrepancies) != 1 || res.Discrepancies[0].Kind != inward.NotAdvisedReceptacle {
		t.Fatalf("%+v, %v", res, err)
	}
	if v, err := s.TransitDispatch(ctx, opURC, d.String()); err != nil || v.Transit.Office != "CNURCA" {
		t.Errorf("%+v, %v", v, err)
	}
	if got := ev.of(r); !slices.Equal(got, []string{"EMJ@CNURCA>"}) {
		t.Errorf("events %v", got)
	}
	// No service to Tashkent in the plan: it stays, nothing stored.
	if _, err := s.Forward(ctx, opURC, d.String()); postal.ErrorCode(err) != postal.CodeConflict || !strings.Contains(err.Error(), "UZTASA") {
		t.Errorf("forward without a way: %v", err)
	}
	if _, err := s.Forward(ctx, opURC, "KRSELACNPEKAAUN60001"); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("forward mail bound for us: %v", err)
	}
}

// presorter sends KZ to Urumqi's road stream and knows no other country.
type presorter struct{ got []inward.ResortItem }

func (p *presorter) Presort(_ context.Context, office string, items []inward.ResortItem) ([]inward.Resorted, error) {
	p.got = append(p.got, items...)
	out := make([]inward.Resorted, 0, len(items))
	for _, it := range items {
		if it.Country == "KZ" {
			out = append(out, inward.Resorted{Item: it.Item, Country: "KZ", Destination: "KZALAA", Category: "A", Subclass: "UN", Receptacle: "bag",
				Stream: office + "KZALAAAUN"})
			continue
		}
		out = append(out, inward.Resorted{Item: it.Item, Country: it.Country, Reason: "no rule for " + it.Country})
	}
	return out, nil
}

// Open transit: a dispatch to Urumqi with an item for Almaty among the
// items for China. The foreign item gets EMJ, is not inbound mail of
// ours, and is re-sorted into Urumqi's outward stream to KZALAA.
func TestOpenTransit(t *testing.T) {
	ctx := context.Background()
	s, ev, _ := transitService(t)
	ps := &presorter{}
	s.Presorter = ps
	d := postal.DispatchID{Origin: "KRSELA", Destination: "CNURCA", Category: 'A', Subclass: "UN", YearDigit: 6, Serial: 3}
	r := postal.ReceptacleID{Dispatch: d, Serial: 1, Last: true, Registered: true, WeightHg: 20}.String()
	var ids []string
	for _, n := range []uint32{3001, 3002, 3003} {
		id, _ := postal.NewS10("RR", n, "KR")
		ids = append(ids, string(id))
	}
	p := edi.Predes{Ref: "KR26000003", Prepared: now.Add(-8 * time.Hour), Dispatch: d.String(), Origin: "KRSELA", Destination: "CNURCA",
		Receptacles: []edi.Receptacle{{ID: r, Type: "bag", GrossWeightG: 2000, Items: ids, ItemData: []edi.ItemData{
			{Item: ids[0], AddresseeCountry: "CN", WeightG: 300}, {Item: ids[1], AddresseeCountry: "KZ", WeightG: 400}, {Item: ids[2], AddresseeCountry: "KZ", WeightG: 500}}}}}
	if _, err := s.AcceptPredes(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScanReceptacle(ctx, opURC, inward.ReceptacleScan{Receptacle: r}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.OpenReceptacle(ctx, opURC, r); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:2] {
		if _, err := s.ScanItem(ctx, opURC, inward.ItemScan{Item: id, Receptacle: r}); err != nil {
			t.Fatal(err)
		}
	}
	if got := ev.of(ids[0]); !slices.Equal(got, []string{"EMD@CNURCA>"}) {
		t.Errorf("item for CN: %v", got)
	}
	if got := ev.of(ids[1]); !slices.Equal(got, []string{"EMJ@CNURCA>"}) {
		t.Errorf("item for KZ: %v", got)
	}
	rec, err := s.Received(ctx, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil || len(rec) != 1 || rec[0].Item != ids[0] {
		t.Errorf("inbound %+v, %v", rec, err)
	}
	if _, err := s.Resort(ctx, opPEK, d.String()); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("Beijing re-sorts Urumqi's mail: %v", err)
	}
	res, err := s.Resort(ctx, opURC, d.String())
	if err != nil || res.Office != "CNURCA" || len(res.Items) != 1 || res.Items[0].Stream != "CNURCAKZALAAAUN" || !slices.Equal(res.Waiting, ids[2:]) {
		t.Errorf("resort %+v, %v", res, err)
	}
	if len(ps.got) != 1 || ps.got[0].Item != ids[1] || ps.got[0].WeightG != 400 {
		t.Errorf("presorted %+v", ps.got)
	}
	if _, err := s.Resort(ctx, opURC, "KRSELAKZALAAAUN60001"); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("closed transit re-sorted: %v", err)
	}
}
