package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// runAccounting runs the accounting cases (issue 10).
func runAccounting(t *testing.T, newDB Opener) {
	t.Run("TariffVersions", func(t *testing.T) { testTariffVersions(t, newDB(t)()) })
	t.Run("Ledger", func(t *testing.T) { testLedger(t, newDB(t)()) })
	t.Run("LedgerConcurrentRevision", func(t *testing.T) { testLedgerRace(t, newDB(t)) })
	t.Run("ItemFacts", func(t *testing.T) { testItemFacts(t, newDB(t)()) })
	t.Run("Departed", func(t *testing.T) { testDeparted(t, newDB(t)()) })
	t.Run("DispatchLegs", func(t *testing.T) { testDispatchLegs(t, newDB(t)()) })
}

func testTariffVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.TariffVersion(ctx, ""); code(err) != postal.CodeNotFound {
		t.Fatalf("TariffVersion before any: %v, want not_found", err)
	}
	v1 := accounting.TariffVersion{Version: "2026.1", Description: "first", ImportedAt: t0, ImportedBy: "k1", SHA256: "aa",
		Rows: map[string]int{"terminal-dues.csv": 2}, Files: map[string][]byte{"tariff.yaml": []byte("version: 2026.1\n"), "terminal-dues.csv": []byte("dest,…\nPL,ä\n")}}
	if err := s.PutTariffVersion(ctx, v1); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTariffVersion(ctx, v1); code(err) != postal.CodeConflict {
		t.Fatalf("same version again: %v, want conflict", err)
	}
	v2 := v1
	v2.Version, v2.ImportedAt, v2.SHA256 = "2026.2", t0.Add(time.Hour), "bb"
	if err := s.PutTariffVersion(ctx, v2); err != nil {
		t.Fatal(err)
	}
	cur, err := s.TariffVersion(ctx, "")
	if err != nil || cur.Version != "2026.2" || string(cur.Files["terminal-dues.csv"]) != "dest,…\nPL,ä\n" || !cur.ImportedAt.Equal(v2.ImportedAt) {
		t.Fatalf("current version: %+v %v", cur, err)
	}
	old, err := s.TariffVersion(ctx, "2026.1")
	if err != nil || old.Description != "first" || old.Rows["terminal-dues.csv"] != 2 || old.Seq >= cur.Seq {
		t.Errorf("version 2026.1: %+v %v", old, err)
	}
	list, err := s.TariffVersions(ctx)
	if err != nil || len(list) != 2 || list[0].Version != "2026.2" || list[0].Files != nil {
		t.Errorf("TariffVersions: %+v %v", list, err)
	}
	if _, err := s.TariffVersion(ctx, "1999"); code(err) != postal.CodeNotFound {
		t.Errorf("unknown version: %v", err)
	}
}

func entry(key string, rev int, at time.Time, debtor, creditor accounting.Party, amount, currency string) accounting.Entry {
	return accounting.Entry{Revision: rev, Charge: accounting.Charge{Key: key, Kind: accounting.KindTerminalDues, Category: "E", At: at,
		Debtor: debtor, Creditor: creditor, Amount: decimal.RequireFromString(amount), Currency: currency, Items: 1, WeightG: 850,
		Item: "LA000000014CN", Merchant: "ACME", Origin: "CNXMNA", Dest: "PL", Product: "e-packet", TariffVersion: "2026.1",
		TariffRow: "terminal-dues.csv:2", Rate: "0.735 + 4.52 × 0.850 kg"}}
}

func testLedger(t *testing.T, s store.Store) {
	ctx := context.Background()
	cn, pl, nl := accounting.Post("CN"), accounting.Post("PL"), accounting.Post("NL")
	nov, dec := time.Date(2026, 11, 16, 2, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	posted, err := s.AppendEntries(ctx, []accounting.Entry{
		entry("td/A", 0, nov, cn, pl, "4.58", "XDR"),
		entry("td/B", 0, nov.Add(time.Hour), cn, pl, "-0.01", "XDR"),
		entry("td/C", 0, dec, cn, nl, "1234567.89", "XDR"),
		entry("td/D", 0, nov, cn, pl, "1500", "JPY"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(posted) != 4 || posted[0].Seq == 0 || posted[1].Seq <= posted[0].Seq || posted[0].PostedAt.IsZero() {
		t.Fatalf("posted %+v", posted)
	}
	// All or none: one taken (key, revision) refuses the whole batch.
	_, err = s.AppendEntries(ctx, []accounting.Entry{entry("td/E", 0, nov, cn, pl, "1", "XDR"), entry("td/A", 0, nov, cn, pl, "9", "XDR")})
	if code(err) != postal.CodeConflict {
		t.Fatalf("posting td/A revision 0 twice: %v, want conflict", err)
	}
	if es, _, _ := s.Entries(ctx, accounting.EntryFilter{Key: "td/E"}); len(es) != 0 {
		t.Fatalf("a refused batch left %+v", es)
	}
	if _, err := s.AppendEntries(ctx, []accounting.Entry{entry("td/A", 1, nov, cn, pl, "0.06", "XDR")}); err != nil {
		t.Fatal(err)
	}
	all, next, err := s.Entries(ctx, accounting.EntryFilter{})
	if err != nil || next != "" || len(all) != 5 {
		t.Fatalf("all entries: %d %q %v", len(all), next, err)
	}
	got := all[0]
	want := posted[0]
	if got.Key != want.Key || !got.Amount.Equal(decimal.RequireFromString("4.58")) || got.Currency != "XDR" || got.Debtor != cn || got.Creditor != pl ||
		!got.At.Equal(nov) || got.Items != 1 || got.WeightG != 850 || got.Item != "LA000000014CN" || got.TariffRow != "terminal-dues.csv:2" ||
		got.Rate != want.Rate || got.Merchant != "ACME" || got.Product != "e-packet" || got.Kind != accounting.KindTerminalDues || got.Category != "E" {
		t.Errorf("read back %+v\nwant %+v", got, want)
	}
	if all[2].Amount.String() != "1234567.89" || all[3].Amount.String() != "1500" || all[1].Amount.String() != "-0.01" {
		t.Errorf("amounts %s %s %s", all[1].Amount, all[2].Amount, all[3].Amount)
	}
	for _, c := range []struct {
		name string
		f    accounting.EntryFilter
		want int
	}{
		{"november", accounting.EntryFilter{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: dec}, 4},
		{"december", accounting.EntryFilter{From: dec}, 1},
		{"PLPOST", accounting.EntryFilter{Party: pl}, 4},
		{"CNPOST", accounting.EntryFilter{Party: cn}, 5},
		{"key", accounting.EntryFilter{Key: "td/A"}, 2},
		{"item", accounting.EntryFilter{Item: "LA000000014CN"}, 5},
		{"kind", accounting.EntryFilter{Kind: accounting.KindTransit}, 0},
		{"through", accounting.EntryFilter{Through: posted[1].Seq}, 2},
		{"currency", accounting.EntryFilter{Currency: "JPY"}, 1},
		{"currency and party", accounting.EntryFilter{Currency: "XDR", Party: pl}, 3},
		{"newest first", accounting.EntryFilter{Desc: true}, 5},
	} {
		es, _, err := s.Entries(ctx, c.f)
		if err != nil || len(es) != c.want {
			t.Errorf("%s: %d entries, %v; want %d", c.name, len(es), err, c.want)
		}
	}
	page, next, err := s.Entries(ctx, accounting.EntryFilter{Limit: 2})
	if err != nil || len(page) != 2 || next == "" {
		t.Fatalf("page 1: %d %q %v", len(page), next, err)
	}
	page2, next2, err := s.Entries(ctx, accounting.EntryFilter{Limit: 2, After: page[1].Seq})
	if err != nil || len(page2) != 2 || next2 == "" || page2[0].Seq <= page[1].Seq {
		t.Errorf("page 2: %+v %q %v", page2, next2, err)
	}
	// Newest first, a page at a time (the ledger list's default order).
	var seqs []int64
	for f := (accounting.EntryFilter{Desc: true, Limit: 2, Currency: "XDR"}); ; {
		es, next, err := s.Entries(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			seqs = append(seqs, e.Seq)
		}
		if next == "" {
			break
		}
		k, _, err := paging.DecodeKey(next, accounting.EntrySortNewest)
		if err != nil {
			t.Fatal(err)
		}
		f.Before = k.Seq
	}
	if len(seqs) != 4 || !slices.IsSortedFunc(seqs, func(a, b int64) int { return cmp.Compare(b, a) }) || seqs[0] != all[4].Seq {
		t.Errorf("XDR entries newest first = %v", seqs)
	}
}

// testLedgerRace has two nodes post the same key and revision at once:
// exactly one wins.
func testLedgerRace(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	nodes := []store.Store{open(), open()}
	cn, pl := accounting.Post("CN"), accounting.Post("PL")
	at := time.Date(2026, 11, 16, 2, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = nodes[i%2].AppendEntries(ctx, []accounting.Entry{
				entry(fmt.Sprintf("own/%d", i), 0, at, cn, pl, "1", "XDR"),
				entry("td/shared", 1, at, cn, pl, "0.06", "XDR"),
			})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch code(err) {
		case "":
			won++
		case postal.CodeConflict:
		default:
			t.Errorf("AppendEntries: %v", err)
		}
	}
	es, _, err := nodes[0].Entries(ctx, accounting.EntryFilter{})
	if won != 1 || err != nil || len(es) != 2 {
		t.Errorf("%d posts won, %d entries stored (%v); want 1 and 2", won, len(es), err)
	}
}

func testItemFacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	n := newShipment("ACME", "A-1", t0)
	n.Shipment.Declaration.ImporterRef = "IM1234567890"
	first, _, err := s.CreateShipment(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateShipment(ctx, newShipment("ACME", "A-2", t0.Add(48*time.Hour))); err != nil {
		t.Fatal(err)
	}
	facts, err := s.ItemFacts(ctx, t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil || len(facts) != 1 {
		t.Fatalf("ItemFacts: %+v %v", facts, err)
	}
	f := facts[0]
	if f.ID != string(first.ID) || f.Merchant != "ACME" || f.Product != "ems" || f.Origin != "CNXMNA" || f.Dest != "PL" || f.Postcode != "00-850" ||
		f.WeightG != 850 || f.DimsMM != [3]int{300, 200, 100} || !f.DDP || f.Documents || !f.AcceptedAt.Equal(t0) {
		t.Errorf("fact %+v", f)
	}
	if facts, err := s.ItemFacts(ctx, t0, t0.Add(72*time.Hour)); err != nil || len(facts) != 2 || facts[0].ID != string(first.ID) {
		t.Errorf("two days: %+v %v", facts, err)
	}
}

// testDeparted: rating reads the consignments whose departure was recorded,
// their dispatches with the receptacles' gross weight and items, and which
// items left in a departed dispatch; a consignment not departed is not
// read. Ledger entries keep their basis.
func testDeparted(t *testing.T, s store.Store) {
	ctx := context.Background()
	d1 := closedDispatch(t, s, "DEFRAA", "LA000000014CN", 1500)
	d2 := closedDispatch(t, s, "NLAMSA", "LA000000028CN", 2000)
	d3 := closedDispatch(t, s, "DEFRAA", "LA000000031CN", 1200)
	dep := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)
	consign := func(dep time.Time, ds ...dispatch.Dispatch) dispatch.Consignment {
		t.Helper()
		c := dispatch.Consignment{Office: "CNXMNA", Service: "MF811", Carrier: "Xiamen Airlines", Mode: "air", From: "CNXMNA", To: "NLAMSA",
			Departure: dep, Arrival: dep.Add(13 * time.Hour), Form: dispatch.CN38, Category: "A", CapacityKg: 100, CreatedAt: t0, CreatedBy: "op"}
		for _, d := range ds {
			c.Dispatches = append(c.Dispatches, d.ID)
			c.Receptacles += d.Receptacles
			c.GrossWeightG += d.GrossWeightG
		}
		cons, err := s.Consign(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return cons
	}
	c1 := consign(dep, d1, d2)
	consign(dep.Add(24*time.Hour), d3) // consigned, never departed
	if _, _, err := s.Depart(ctx, c1.ID, dep.Add(5*time.Minute), dispatch.Outbox{}); err != nil {
		t.Fatal(err)
	}
	items := []accounting.ItemFact{{ID: "LA000000014CN", Origin: "CNXMNA"}, {ID: "LA000000028CN", Origin: "CNXMNA"},
		{ID: "LA000000031CN", Origin: "CNXMNA"}, {ID: "LA000000045CN", Origin: "CNXMNA"}, {ID: "LA000000014CN", Origin: "CNSZXA"}}
	got, err := s.Departed(ctx, dep.Add(-time.Hour), dep.Add(48*time.Hour), items)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Consignments) != 1 || got.Consignments[0].ID != c1.ID || got.Consignments[0].Service != "MF811" || !got.Consignments[0].Departure.Equal(dep) ||
		got.Consignments[0].GrossG != 3500 || len(got.Consignments[0].Dispatches) != 2 {
		t.Fatalf("consignments %+v", got.Consignments)
	}
	if len(got.Dispatches) != 2 {
		t.Fatalf("dispatches %+v", got.Dispatches)
	}
	f1, f2 := got.Dispatches[0], got.Dispatches[1]
	if f1.ID != d1.ID || f1.Origin != "CNXMNA" || f1.Dest != "DEFRAA" || f1.Class != "U" || f1.Receptacles != 1 || f1.GrossG != 1500 ||
		len(f1.Items) != 1 || f1.Items[0] != "LA000000014CN" || f1.Consignment != c1.ID || !f1.Departure.Equal(dep) ||
		len(f1.Transit) != 1 || f1.Transit[0] != "NLAMSA" || f1.Reached != "NLAMSA" || !f1.ReachedAt.Equal(dep.Add(13*time.Hour)) || f1.ClosedAt.IsZero() {
		t.Errorf("dispatch to Frankfurt via Amsterdam %+v", f1)
	}
	if f2.ID != d2.ID || f2.GrossG != 2000 || len(f2.Transit) != 0 || f2.Reached != "" || len(f2.Items) != 1 || f2.Items[0] != "LA000000028CN" {
		t.Errorf("dispatch to Amsterdam %+v", f2)
	}
	if len(got.Left) != 2 || !got.Left["LA000000014CN"] || !got.Left["LA000000028CN"] {
		t.Errorf("left %v, want the two items of the departed consignment", got.Left)
	}
	if none, err := s.Departed(ctx, dep.Add(time.Hour), dep.Add(48*time.Hour), nil); err != nil || len(none.Consignments)+len(none.Dispatches)+len(none.Left) != 0 {
		t.Errorf("after the departure: %+v %v", none, err)
	}
	e := accounting.Entry{Charge: accounting.Charge{Key: "conv/" + c1.ID, Kind: accounting.KindConveyance, At: dep, Debtor: "post:CNPOST",
		Creditor: "carrier:XIAMEN-AIRLINES", Amount: decimal.RequireFromString("19.43"), Currency: "USD", Items: 2, WeightG: 3500,
		Consignment: c1.ID, Basis: accounting.BasisDispatched}}
	if _, err := s.AppendEntries(ctx, []accounting.Entry{e}); err != nil {
		t.Fatal(err)
	}
	es, _, err := s.Entries(ctx, accounting.EntryFilter{Key: e.Key})
	if err != nil || len(es) != 1 || es[0].Basis != accounting.BasisDispatched {
		t.Errorf("entry basis: %+v %v", es, err)
	}
}

// testDispatchLegs: a dispatch consigned at its origin to a hub and on from
// the hub to its destination has two legs, numbered in order, each with
// its consignment, weights and departure once departed. Rating reads both
// legs of the dispatch in the period of its first (transit at the hub,
// nothing reached short of its destination), and the onward consignment
// counts its items even in a period that holds no first leg.
func testDispatchLegs(t *testing.T, s store.Store) {
	ctx := context.Background()
	d := closedDispatch(t, s, "DEFRAA", "LA000000014CN", 1500)
	dep := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)
	consign := func(office, service, to string, dep time.Time) (dispatch.Consignment, error) {
		return s.Consign(ctx, dispatch.Consignment{Office: office, Service: service, Carrier: "C", Mode: "air", From: office, To: to,
			Departure: dep, Arrival: dep.Add(13 * time.Hour), Form: dispatch.CN38, Category: "A", CapacityKg: 100, CreatedAt: t0, CreatedBy: "op",
			Dispatches: []string{d.ID}, Receptacles: 1, GrossWeightG: 1500})
	}
	if legs, err := s.Legs(ctx, d.ID); err != nil || len(legs) != 0 {
		t.Fatalf("legs of a closed dispatch: %+v %v", legs, err)
	}
	c1, err := consign("CNXMNA", "MF811", "NLAMSA", dep)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := consign("NLAMSA", "KL1771", "DEFRAA", dep.Add(20*time.Hour)); code(err) != postal.CodeConflict {
		t.Errorf("consign on before the first leg departed: %v, want conflict", err)
	}
	legs, err := s.Legs(ctx, d.ID)
	if err != nil || len(legs) != 1 || legs[0].Leg != 1 || legs[0].Consignment != c1.ID || legs[0].From != "CNXMNA" || legs[0].To != "NLAMSA" ||
		legs[0].Service != "MF811" || legs[0].GrossWeightG != 1500 || legs[0].Receptacles != 1 || legs[0].DepartedAt != nil || !legs[0].Departure.Equal(dep) {
		t.Fatalf("leg 1 consigned: %+v %v", legs, err)
	}
	if _, _, err := s.Depart(ctx, c1.ID, dep.Add(5*time.Minute), dispatch.Outbox{}); err != nil {
		t.Fatal(err)
	}
	if _, err := consign("CNXMNA", "MF811", "NLAMSA", dep.Add(24*time.Hour)); code(err) != postal.CodeConflict {
		t.Errorf("consign at the origin after it left: %v, want conflict", err)
	}
	on := dep.Add(20 * time.Hour)
	c2, err := consign("NLAMSA", "KL1771", "DEFRAA", on)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Depart(ctx, c2.ID, on, dispatch.Outbox{}); err != nil {
		t.Fatal(err)
	}
	legs, err = s.Legs(ctx, d.ID)
	if err != nil || len(legs) != 2 || legs[0].DepartedAt == nil || !legs[0].DepartedAt.Equal(dep.Add(5*time.Minute)) ||
		legs[1].Leg != 2 || legs[1].Consignment != c2.ID || legs[1].From != "NLAMSA" || legs[1].To != "DEFRAA" || legs[1].DepartedAt == nil {
		t.Fatalf("two legs: %+v %v", legs, err)
	}
	if got, _ := s.Dispatch(ctx, d.ID); got.AtOffice != "DEFRAA" || got.Consignment != c2.ID || got.Status != dispatch.StatusDeparted {
		t.Errorf("dispatch after its second leg: %+v", got)
	}
	got, err := s.Departed(ctx, dep.Add(-time.Hour), dep.Add(48*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Consignments) != 2 || got.Consignments[1].ID != c2.ID || got.Consignments[1].Items != 1 || got.Consignments[0].Items != 1 {
		t.Errorf("consignments %+v", got.Consignments)
	}
	if len(got.Dispatches) != 1 {
		t.Fatalf("dispatches %+v, want the one dispatch once", got.Dispatches)
	}
	f := got.Dispatches[0]
	if f.Consignment != c1.ID || len(f.Legs) != 2 || f.Legs[0].Consignment != c1.ID || f.Legs[1].Consignment != c2.ID || f.Legs[1].From != "NLAMSA" ||
		f.Legs[1].GrossG != 1500 || f.Legs[1].Service != "KL1771" || len(f.Transit) != 1 || f.Transit[0] != "NLAMSA" || f.Reached != "" {
		t.Errorf("dispatch with two legs %+v", f)
	}
	// A period holding only the onward consignment: it is read with its
	// items; the dispatch belongs to the period of its first leg.
	later, err := s.Departed(ctx, on, on.Add(time.Hour), nil)
	if err != nil || len(later.Consignments) != 1 || later.Consignments[0].ID != c2.ID || later.Consignments[0].Items != 1 || len(later.Dispatches) != 0 {
		t.Errorf("onward period: %+v %v", later, err)
	}
}
