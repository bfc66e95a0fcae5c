package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// A KR→KZ closed transit through Urumqi on the demo network: forwarded on
// the service the route planner gives (the road via Khorgos), then charged
// to Korea Post as transit per kg on the partner statement.
func TestClosedTransitIsForwardedAndCharged(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	for _, m := range demo.Merchants { // the demo tariff prices them
		m.CreatedAt = now
		if err := st.PutMerchant(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounting.ImportTariff(ctx, admin, files, ""); err != nil {
		t.Fatal(err)
	}

	d := postal.DispatchID{Origin: "KRSELA", Destination: "KZALAA", Category: 'A', Subclass: "UN", YearDigit: 6, Serial: 42}
	r := postal.ReceptacleID{Dispatch: d, Serial: 1, Last: true, WeightHg: 100}.String()
	tr := &edi.Transport{Service: "CZ6092", Mode: "air", Carrier: "CZ", From: "KRSELA", To: "CNURCA", Departure: now.Add(-6 * time.Hour), Arrival: now.Add(-time.Hour)}
	p := edi.Predes{Ref: "KR26112442", Prepared: now.Add(-8 * time.Hour), Dispatch: d.String(), Origin: "KRSELA", Destination: "KZALAA", Transport: tr,
		Receptacles: []edi.Receptacle{{ID: r, Type: "bag", GrossWeightG: 10000}}}
	if _, err := a.Inward.AcceptPredes(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Inward.ScanReceptacle(ctx, admin, inward.ReceptacleScan{Receptacle: r, WeightG: 10050}); err != nil {
		t.Fatal(err)
	}
	month := accounting.Month(now)
	rep, err := a.Accounting.Rate(ctx, admin, month)
	if err != nil || rep.Transit != 1 {
		t.Fatalf("rate before forwarding %+v, %v", rep, err)
	}
	fw, err := a.Inward.Forward(ctx, admin, d.String())
	if err != nil || len(fw.Forwarded) != 1 {
		t.Fatalf("forward %+v, %v", fw, err)
	}
	f := fw.Forwarded[0]
	last := f.Legs[len(f.Legs)-1]
	if f.Office != "CNURCA" || last.To != "KZALAA" || f.Departure.Before(now) || f.Legs[0].From != "CNURCA" || f.Service == "" || f.Mode == "" {
		t.Errorf("forwarding %+v", f)
	}
	t.Logf("forwarded on %s (%s, %s) → %s, %d legs", f.Service, f.Mode, f.Carrier, f.Next, len(f.Legs))
	if _, err := a.Accounting.Rate(ctx, admin, month); err != nil {
		t.Fatal(err)
	}
	es, _, err := a.Accounting.Entries(ctx, admin, accounting.EntryFilter{From: month.From, To: month.To, Kind: accounting.KindTransit}, "")
	if err != nil || len(es) != 1 {
		t.Fatalf("transit entries %+v, %v", es, err)
	}
	// CN's transit row: 0.030 per item + 0.330 per kg (demo tariff).
	if e := es[0]; e.Debtor != accounting.Post("KR") || e.Creditor != accounting.Post("CN") || e.Amount.String() != "3.32" || e.WeightG != 10050 {
		t.Errorf("entry %+v", e)
	}
	s, err := a.Accounting.Statement(ctx, admin, accounting.Post("KR"), month, accounting.StatementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var line *accounting.StatementLine
	for i, l := range s.Lines {
		if l.Kind == accounting.KindTransit {
			line = &s.Lines[i]
		}
	}
	if line == nil || line.Debtor != accounting.Post("KR") || line.Amount.String() != "3.32" || line.WeightG != 10050 {
		t.Errorf("statement's transit line %+v in %+v", line, s.Lines)
	}
}

// Open transit KR→Xiamen→DE on the demo network: a Korean item addressed
// to Germany, received at Xiamen in Korea Post's dispatch (EMJ), is
// scanned into Xiamen's own outward receptacle to Frankfurt (EMB), leaves
// in the closed dispatch and is charged to Korea Post as open transit per
// item and per kg; before the dispatch closes it is listed unrated.
func TestOpenTransitIsDispatchedAndCharged(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	for _, m := range demo.Merchants { // the demo tariff prices them
		m.CreatedAt = now
		if err := st.PutMerchant(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounting.ImportTariff(ctx, admin, files, ""); err != nil {
		t.Fatal(err)
	}
	plan, err := demo.SortPlanFile("CNXMNA")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := dispatch.ReadSortPlan(bytes.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dispatch.PutSortPlan(ctx, admin, "CNXMNA", rules); err != nil {
		t.Fatal(err)
	}

	d := postal.DispatchID{Origin: "KRSELA", Destination: "CNXMNA", Category: 'A', Subclass: "UR", YearDigit: 6, Serial: 77}
	r := postal.ReceptacleID{Dispatch: d, Serial: 1, Last: true, Registered: true, WeightHg: 10}.String()
	cn, _ := postal.NewS10("RR", 7701, "KR")
	de, _ := postal.NewS10("RR", 7702, "KR")
	waiting, _ := postal.NewS10("RR", 7703, "KR")
	p := edi.Predes{Ref: "KR26112477", Prepared: now.Add(-8 * time.Hour), Dispatch: d.String(), Origin: "KRSELA", Destination: "CNXMNA",
		Receptacles: []edi.Receptacle{{ID: r, Type: "bag", GrossWeightG: 1000, Items: []string{string(cn), string(de), string(waiting)},
			ItemData: []edi.ItemData{{Item: string(cn), AddresseeCountry: "CN", WeightG: 300}, {Item: string(de), AddresseeCountry: "DE", WeightG: 400},
				{Item: string(waiting), AddresseeCountry: "DE", WeightG: 200}}}}}
	if _, err := a.Inward.AcceptPredes(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	// Not received yet: not an item the outward dispatch knows.
	if _, err := a.Dispatch.Sort(ctx, admin, "CNXMNA", string(de), ""); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("sort of an item not received yet: %v", err)
	}
	if _, err := a.Inward.ScanReceptacle(ctx, admin, inward.ReceptacleScan{Receptacle: r, Office: "CNXMNA", WeightG: 1010}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Inward.OpenReceptacle(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	for _, id := range []postal.S10{cn, de} {
		if _, err := a.Inward.ScanItem(ctx, admin, inward.ItemScan{Item: string(id), Receptacle: r}); err != nil {
			t.Fatal(err)
		}
	}
	// The item for China is inbound mail of ours, not open transit.
	if _, err := a.Dispatch.Sort(ctx, admin, "CNXMNA", string(cn), ""); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("sort of an inbound item for China: %v", err)
	}
	sorted, err := a.Dispatch.Sort(ctx, admin, "CNXMNA", string(de), "")
	if err != nil {
		t.Fatal(err)
	}
	if sorted.Target.Destination != "DEFRAA" || sorted.Item.Country != "DE" || sorted.Item.WeightG != 400 {
		t.Fatalf("sorted %+v", sorted)
	}
	od, err := a.Dispatch.OpenDispatch(ctx, admin, dispatch.OpenDispatchRequest{Origin: "CNXMNA", Destination: sorted.Target.Destination,
		Category: sorted.Target.Category, Subclass: sorted.Target.Subclass})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := a.Dispatch.OpenReceptacle(ctx, admin, od.ID, sorted.Target.Receptacle)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dispatch.Scan(ctx, admin, rc.Number, string(de), ""); err != nil {
		t.Fatal(err)
	}
	month := accounting.Month(now)
	rep, err := a.Accounting.Rate(ctx, admin, month)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Transit != 1 {
		t.Errorf("rate with the dispatch open: %+v", rep)
	}
	if _, err := a.Dispatch.CloseReceptacle(ctx, admin, rc.Number, dispatch.CloseReceptacleRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dispatch.CloseDispatch(ctx, admin, od.ID); err != nil {
		t.Fatal(err)
	}
	evs, err := st.EventsOf(ctx, string(de))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, e := range evs {
		codes = append(codes, string(e.Code)+"@"+e.Office)
	}
	if len(codes) < 2 || codes[0] != "EMJ@CNXMNA" || !slices.Contains(codes, "EMB@CNXMNA") {
		t.Errorf("events of the open-transit item: %v", codes)
	}
	if _, err := a.Accounting.Rate(ctx, admin, month); err != nil {
		t.Fatal(err)
	}
	es, _, err := a.Accounting.Entries(ctx, admin, accounting.EntryFilter{From: month.From, To: month.To, Kind: accounting.KindTransit}, "")
	if err != nil || len(es) != 1 {
		t.Fatalf("transit entries %+v, %v", es, err)
	}
	// CN's open-transit row: 0.050 per item + 0.450 per kg (demo tariff, unconfirmed).
	if e := es[0]; e.Debtor != accounting.Post("KR") || e.Creditor != accounting.Post("CN") || e.Amount.String() != "0.23" || e.WeightG != 400 ||
		e.Item != string(de) || e.Dest != "DEFRAA" || e.Category != "open transit via us" {
		t.Errorf("entry %+v", e)
	}
}
