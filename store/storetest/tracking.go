package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
)

func runTracking(t *testing.T, newDB Opener) {
	t.Run("TrackingAppend", func(t *testing.T) { testTrackingAppend(t, newDB(t)()) })
	t.Run("TrackingStreams", func(t *testing.T) { testTrackingStreams(t, newDB(t)()) })
	t.Run("TrackingConcurrentAppend", func(t *testing.T) { testTrackingConcurrent(t, newDB(t)) })
	t.Run("TrackingProjection", func(t *testing.T) { testTrackingProjection(t, newDB(t)()) })
	t.Run("TrackingProjectionBulk", func(t *testing.T) { testTrackingProjectionBulk(t, newDB(t)()) })
	t.Run("TrackingWebhooks", func(t *testing.T) { testTrackingWebhooks(t, newDB(t)()) })
	t.Run("TrackingStandards", func(t *testing.T) { testTrackingStandards(t, newDB(t)()) })
	t.Run("ShipmentStatus", func(t *testing.T) { testShipmentStatus(t, newDB(t)()) })
	t.Run("BuyerNotify", func(t *testing.T) { testBuyerNotify(t, newDB(t)()) })
}

// testShipmentStatus: the projector keeps each linked shipment's status
// (the column the list filters on) and the lifecycle facts of its item.
func testShipmentStatus(t *testing.T, s store.Store) {
	ctx := context.Background()
	trkOffices(t, s)
	merchant(t, s, "ACME")
	var ids []string
	for i := range 3 {
		sh, _, err := s.CreateShipment(ctx, newShipment("ACME", fmt.Sprint("ORDER-", i), t0.Add(time.Duration(i)*time.Minute)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, string(sh.ID))
	}
	svc := &tracking.Service{Store: s, Offices: s, Now: func() time.Time { return t0.Add(30 * 24 * time.Hour) }}
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	held := trkEvent(ids[1], tracking.EME, "PLWAWA", at(27, 9))
	held.Reason = "document_check"
	released := trkEvent(ids[2], tracking.EDC, "PLWAWA", at(28, 9))
	released.Reason = "released by customs; duty due 12.40 EUR"
	err := svc.Record(ctx,
		trkEvent(ids[1], tracking.EMD, "PLWAWA", at(26, 9)), held,
		trkEvent(ids[2], tracking.EMI, "PLWAWA", at(27, 9)), trkEvent(ids[2], tracking.EDB, "PLWAWA", at(26, 9)), released,
		// A partner item without a shipment touches no shipment.
		trkEvent("LX000000005PL", tracking.EMD, "PLWAWA", at(26, 9)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ids[0]: "created", ids[1]: "import_customs_held", ids[2]: "delivered"}
	for id, st := range want {
		sh, err := s.Shipment(ctx, postal.S10(id))
		if err != nil || sh.Status != st {
			t.Errorf("shipment %s status %q, %v; want %s", id, sh.Status, err, st)
		}
	}
	for _, st := range []string{"created", "import_customs_held", "delivered", "departed"} {
		list, _, err := s.Shipments(ctx, acceptance.Filter{Merchant: "ACME", Status: st, Limit: 10})
		var got []string
		for _, sh := range list {
			got = append(got, string(sh.ID))
			if sh.Status != st {
				t.Errorf("status=%s lists %s in %s", st, sh.ID, sh.Status)
			}
		}
		var exp []string
		for _, id := range ids {
			if want[id] == st {
				exp = append(exp, id)
			}
		}
		if err != nil || !slices.Equal(got, exp) {
			t.Errorf("status=%s lists %v, %v; want %v", st, got, err, exp)
		}
	}
	it, err := s.TrackedItem(ctx, ids[2])
	if err != nil || !it.DutyDue || !it.CustomsHeldAt.Equal(at(26, 9)) || !it.CustomsReleasedAt.Equal(at(28, 9)) || !it.LastDeliveredAt.Equal(at(27, 9)) {
		t.Errorf("lifecycle facts of %s: %+v, %v", ids[2], it, err)
	}
	// A return and a seizure round-trip too.
	ret := trkEvent(ids[1], tracking.EDX, "PLWAWA", at(29, 9))
	ret.Reason = "refused by customs: returned to sender"
	sz := trkEvent(ids[0], tracking.EXX, "CNXMNA", at(29, 9))
	sz.Reason = "seizure"
	if err := svc.Record(ctx, ret, sz); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for id, st := range map[string]tracking.Status{ids[1]: tracking.StatusReturning, ids[0]: tracking.StatusSeized} {
		it, err := s.TrackedItem(ctx, id)
		sh, err2 := s.Shipment(ctx, postal.S10(id))
		if err != nil || err2 != nil || it.Status != st || sh.Status != string(st) || (st == tracking.StatusSeized) != !it.SeizedAt.IsZero() || (st == tracking.StatusReturning) != !it.ReturnAt.IsZero() {
			t.Errorf("%s: item %s, shipment %s (%v %v); want %s", id, it.Status, sh.Status, err, err2, st)
		}
	}
}

var (
	trkCST = time.FixedZone("", 8*3600)
	trkCET = time.FixedZone("", 3600)
)

func trkEvent(obj string, code tracking.Code, office string, at time.Time) tracking.Event {
	return tracking.Event{Object: obj, Code: code, Office: office, Time: at, Source: "post"}
}

func trkOffices(t *testing.T, s store.Store) {
	t.Helper()
	err := s.PutOffices(context.Background(), []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1, TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true},
		{Code: "PLWAWA", Name: "Warszawa", Country: "PL", Kind: network.KindOE, Lat: 52.2, Lon: 21, TZ: "Europe/Warsaw", ConnectMin: 90, Customs: true},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testTrackingAppend(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	sh, _, err := s.CreateShipment(ctx, newShipment("ACME", "ORDER-1", t0))
	if err != nil {
		t.Fatal(err)
	}
	id := string(sh.ID)
	ema := trkEvent(id, tracking.EMA, "CNXMNA", time.Date(2026, 11, 20, 9, 0, 0, 0, trkCST))
	emc := trkEvent(id, tracking.EMC, "CNXMNA", time.Date(2026, 11, 21, 18, 30, 0, 123000, trkCST))
	emd := trkEvent(id, tracking.EMD, "PLWAWA", time.Date(2026, 11, 22, 7, 0, 0, 0, trkCET))
	emd.Source, emd.Reason, emd.NextOffice, emd.Signatory = "partner:PLPOST", "R1", "PLWAWA", "J. Kowalski"
	// Out of order on arrival; the same instant in another offset is the same event.
	added, err := s.AppendEvents(ctx, []tracking.Event{emd, ema}, t0)
	if err != nil || added != 2 {
		t.Fatalf("first append = %d, %v; want 2", added, err)
	}
	same := emd
	same.Time = emd.Time.UTC()
	added, err = s.AppendEvents(ctx, []tracking.Event{emc, same, ema}, t0.Add(time.Minute))
	if err != nil || added != 1 {
		t.Fatalf("second append = %d, %v; want 1 (only EMC is new)", added, err)
	}
	got, err := s.EventsOf(ctx, id)
	if err != nil || len(got) != 3 {
		t.Fatalf("EventsOf = %d events, %v", len(got), err)
	}
	for i, want := range []tracking.Event{ema, emc, emd} {
		g := got[i].Event
		if g.Code != want.Code || !g.Time.Equal(want.Time) || g.Time.Format(time.RFC3339Nano) != want.Time.Format(time.RFC3339Nano) ||
			g.Office != want.Office || g.Source != want.Source || g.Reason != want.Reason || g.NextOffice != want.NextOffice || g.Signatory != want.Signatory {
			t.Errorf("event %d = %+v\nwant %+v", i, g, want)
		}
	}
	if !got[0].Received.Equal(t0) || !got[1].Received.Equal(t0.Add(time.Minute)) {
		t.Errorf("received = %v, %v", got[0].Received, got[1].Received)
	}
	for i := range got {
		if got[i].Object != id {
			t.Errorf("event %d is of %q, want %q", i, got[i].Object, id)
		}
	}
	// Receptacles (S9, 29 characters) and dispatches (S8, 20) are stored
	// beside items and read back as they came.
	for _, obj := range []string{"CNPEKAPLWAWAAUN61001001000100", "CNPEKAPLWAWAAUN61001", "LA000000017DE"} {
		ev := trkEvent(obj, tracking.EMC, "CNXMNA", time.Date(2026, 11, 21, 10, 0, 0, 0, trkCST))
		if added, err := s.AppendEvents(ctx, []tracking.Event{ev, ev}, t0); err != nil || added != 1 {
			t.Fatalf("append for %s = %d, %v; want 1", obj, added, err)
		}
		if got, err := s.EventsOf(ctx, obj); err != nil || len(got) != 1 || got[0].Object != obj || got[0].Code != tracking.EMC {
			t.Fatalf("EventsOf(%s) = %+v, %v", obj, got, err)
		}
	}
	if none, err := s.EventsOf(ctx, "EE123456785CN"); err != nil || len(none) != 0 {
		t.Errorf("EventsOf(unknown) = %v, %v; want empty", none, err)
	}
	refs, err := s.ItemRefs(ctx, []string{id, "EE123456785CN"})
	if err != nil || len(refs) != 1 || refs[id].Merchant != "ACME" || refs[id].DestCountry != "PL" || refs[id].MerchantRef != "ORDER-1" {
		t.Errorf("ItemRefs = %+v, %v", refs, err)
	}
	// A big batch goes through the bulk path in several statements.
	var many []tracking.Event
	for i := range 1234 {
		obj, _ := postal.NewS10("LX", uint32(i), "CN")
		many = append(many, trkEvent(string(obj), tracking.EMA, "CNXMNA", t0.Add(time.Duration(i)*time.Second)))
	}
	if added, err := s.AppendEvents(ctx, append(many, many[:100]...), t0); err != nil || added != 1234 {
		t.Fatalf("bulk append = %d, %v; want 1234", added, err)
	}
	if last, projected, err := s.ProjectionLag(ctx); err != nil || last < 1240 || projected != 0 {
		t.Errorf("ProjectionLag = %d, %d, %v", last, projected, err)
	}
}

// testTrackingStreams stores events of express waybills and e-commerce
// consignments beside S10 items: read back by their canonical id, found by
// their bare number, projected with their kind.
func testTrackingStreams(t *testing.T, s store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, trkCST)
	ups := "waybill:UPS:1Z84F2W60412945528"
	dhl := "waybill:DHL:4812766390"
	tg := "ecommerce:TMALL-GLOBAL:TG20261123003"
	same := "waybill:FEDEX:4812766390" // another carrier's waybill with DHL's number
	item := "LX305678945JP"
	var evs []tracking.Event
	for i, obj := range []string{ups, dhl, tg, same, item} {
		evs = append(evs, trkEvent(obj, tracking.Code("EDB"), "CNXMNA", at.Add(time.Duration(i)*time.Minute)),
			trkEvent(obj, tracking.Code("EME"), "CNXMNA", at.Add(time.Hour)))
	}
	evs[0].Source, evs[0].Reason = "customs", "held by customs for X-ray examination"
	added, err := s.AppendEvents(ctx, append(evs, evs[:4]...), t0)
	if err != nil || added != len(evs) {
		t.Fatalf("append = %d, %v; want %d", added, err, len(evs))
	}
	for _, obj := range []string{ups, dhl, tg, same, item} {
		got, err := s.EventsOf(ctx, obj)
		if err != nil || len(got) != 2 || got[0].Object != obj || got[0].Code != "EDB" || got[1].Code != "EME" {
			t.Fatalf("EventsOf(%s) = %+v, %v", obj, got, err)
		}
	}
	if got, _ := s.EventsOf(ctx, ups); got[0].Source != "customs" || got[0].Reason != "held by customs for X-ray examination" {
		t.Errorf("waybill event = %+v", got[0].Event)
	}
	for number, want := range map[string][]string{
		"1Z84F2W60412945528": {ups}, "TG20261123003": {tg}, "4812766390": {dhl, same}, "LX305678945JP": {}, "NOSUCH0001": {},
	} {
		got, err := s.ObjectsNumbered(ctx, number)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ObjectsNumbered(%s) = %q, %v; want %q", number, got, err, want)
		}
	}
	refs, err := s.ItemRefs(ctx, []string{ups, tg, item})
	if err != nil || len(refs) != 0 {
		t.Errorf("ItemRefs of objects without shipments = %+v, %v", refs, err)
	}
	svc := &tracking.Service{Store: s}
	for {
		n, err := svc.Project(ctx)
		if err != nil {
			t.Fatalf("Project: %v", err)
		}
		if n == 0 {
			break
		}
	}
	for obj, kind := range map[string]tracking.ObjectKind{ups: tracking.KindWaybill, tg: tracking.KindEcommerce, item: tracking.KindItem} {
		it, err := s.TrackedItem(ctx, obj)
		if err != nil || it.Kind != kind || it.Events != 2 || it.LastCode != "EME" {
			t.Errorf("TrackedItem(%s) = %+v, %v", obj, it, err)
		}
	}
}

func testTrackingConcurrent(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	ctx := context.Background()
	var events []tracking.Event
	for i := range 400 {
		obj, _ := postal.NewS10("LX", uint32(i%50), "CN")
		events = append(events, trkEvent(string(obj), tracking.EMA, "CNXMNA", t0.Add(time.Duration(i)*time.Minute)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker sends overlapping slices of the same events.
			part := events[w*50 : min(len(events), w*50+150)]
			n, err := nodes[w%2].AppendEvents(ctx, part, t0)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	want := min(len(events), 5*50+150)
	if total != want {
		t.Errorf("added %d in all, want %d (each event once)", total, want)
	}
	stored := 0
	for i := range 50 {
		obj, _ := postal.NewS10("LX", uint32(i), "CN")
		evs, err := nodes[0].EventsOf(ctx, string(obj))
		if err != nil {
			t.Fatal(err)
		}
		stored += len(evs)
	}
	if stored != want {
		t.Errorf("stored %d events, want %d", stored, want)
	}
}

func testTrackingProjection(t *testing.T, s store.Store) {
	ctx := context.Background()
	trkOffices(t, s)
	merchant(t, s, "ACME")
	sh, _, err := s.CreateShipment(ctx, newShipment("ACME", "ORDER-1", t0))
	if err != nil {
		t.Fatal(err)
	}
	id := string(sh.ID)
	sub := tracking.Subscription{ID: "whs_test", Merchant: "ACME", URL: "https://shop.example/hook", Secret: "whsec_x", CreatedAt: t0}
	if err := s.CreateWebhook(ctx, sub); err != nil {
		t.Fatal(err)
	}
	svc := &tracking.Service{Store: s, Offices: s, Now: func() time.Time { return t0.Add(72 * time.Hour) }}
	partner := "LX000000005PL" // a partner's item we have no shipment for
	events := []tracking.Event{
		trkEvent(id, tracking.EMA, "CNXMNA", time.Date(2026, 11, 20, 9, 0, 0, 0, trkCST)),
		trkEvent(id, tracking.EMC, "CNXMNA", time.Date(2026, 11, 21, 18, 0, 0, 0, trkCST)),
		trkEvent(partner, tracking.EMD, "PLWAWA", time.Date(2026, 11, 21, 7, 0, 0, 0, trkCET)),
	}
	if err := svc.Record(ctx, events...); err != nil {
		t.Fatal(err)
	}
	n, err := svc.CatchUp(ctx)
	if err != nil || n != 3 {
		t.Fatalf("CatchUp = %d, %v; want 3", n, err)
	}
	if n, err := svc.CatchUp(ctx); err != nil || n != 0 {
		t.Fatalf("second CatchUp = %d, %v; want 0", n, err)
	}
	it, err := s.TrackedItem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != tracking.StatusDeparted || it.Merchant != "ACME" || it.Origin != "CN" || it.Dest != "PL" || it.Product != "ems" ||
		it.Events != 2 || it.AcceptedAt.IsZero() || it.DepartedAt.IsZero() || it.AcceptedOffset != 8*3600 || it.MerchantRef != "ORDER-1" {
		t.Errorf("item = %+v", it)
	}
	p, err := s.TrackedItem(ctx, partner)
	if err != nil || p.Linked() || p.Origin != "PL" || p.Dest != "PL" || p.Product != "e-packet" || p.Status != tracking.StatusArrived {
		t.Errorf("partner item = %+v, %v", p, err)
	}
	if _, err := s.TrackedItem(ctx, "EE123456785CN"); code(err) != postal.CodeNotFound {
		t.Errorf("TrackedItem(unknown) = %v", err)
	}
	// One delivery per status change of the linked item: accepted, departed.
	ds, err := s.WebhookDeliveries(ctx, "whs_test", 0, 10)
	if err != nil || len(ds) != 2 || ds[0].Status != tracking.StatusDeparted || ds[1].Status != tracking.StatusAccepted {
		t.Fatalf("deliveries = %+v, %v", ds, err)
	}
	// A late scan out of order does not change the status.
	late := trkEvent(id, tracking.EMB, "CNXMNA", time.Date(2026, 11, 20, 15, 0, 0, 0, trkCST))
	if err := svc.Record(ctx, late); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if it, _ := s.TrackedItem(ctx, id); it.Status != tracking.StatusDeparted || it.Events != 3 {
		t.Errorf("after a late EMB: %s with %d events", it.Status, it.Events)
	}
	// Stuck listing: both items' last events are before now-24h.
	items, next, err := s.TrackedItems(ctx, tracking.ItemFilter{NotFinal: true, LastBefore: t0, Limit: 1})
	if err != nil || len(items) != 1 || next == "" || items[0].Object != partner {
		t.Fatalf("page 1 = %+v, %q, %v", items, next, err)
	}
	items, next, err = s.TrackedItems(ctx, tracking.ItemFilter{NotFinal: true, LastBefore: t0, Limit: 1, After: next})
	if err != nil || len(items) != 1 || next != "" || items[0].Object != id {
		t.Fatalf("page 2 = %+v, %q, %v", items, next, err)
	}
	items, _, err = s.TrackedItems(ctx, tracking.ItemFilter{Statuses: []tracking.Status{tracking.StatusArrived}, Origin: "PL", Dest: "PL", Limit: 10})
	if err != nil || len(items) != 1 || items[0].Object != partner {
		t.Errorf("by status and lane = %+v, %v", items, err)
	}
	items, _, err = s.TrackedItems(ctx, tracking.ItemFilter{Merchant: "ACME", LastBefore: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Limit: 10})
	if err != nil || len(items) != 0 {
		t.Errorf("departed 21 Nov 10:00 UTC is not before 21 Nov 00:00: %+v, %v", items, err)
	}
	var accepted []string
	err = s.TrackedItemsAccepted(ctx, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), func(it tracking.Item) error {
		accepted = append(accepted, it.Object)
		return nil
	})
	if err != nil || !slices.Equal(accepted, []string{id}) {
		t.Errorf("accepted = %v, %v", accepted, err)
	}
}

// testTrackingProjectionBulk: a projection step with many items (the bulk
// path: COPY and one upsert on PostgreSQL) inserts them, and a later step
// updates the same items in place.
func testTrackingProjectionBulk(t *testing.T, s store.Store) {
	ctx := context.Background()
	trkOffices(t, s)
	svc := &tracking.Service{Store: s, Offices: s, Now: func() time.Time { return t0.Add(72 * time.Hour) }}
	const n = 300
	objs := make([]string, n)
	var events []tracking.Event
	for i := range objs {
		id, _ := postal.NewS10("LX", uint32(1000+i), "PL")
		objs[i] = string(id)
		events = append(events, trkEvent(objs[i], tracking.EMD, "PLWAWA", time.Date(2026, 11, 21, 7, 0, 0, 0, trkCET)))
	}
	if err := svc.Record(ctx, events...); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.CatchUp(ctx); err != nil || got != n {
		t.Fatalf("CatchUp = %d, %v; want %d", got, err, n)
	}
	for i := range events {
		events[i].Code, events[i].Time = tracking.EMI, events[i].Time.Add(24*time.Hour)
	}
	if err := svc.Record(ctx, events...); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.CatchUp(ctx); err != nil || got != n {
		t.Fatalf("second CatchUp = %d, %v; want %d", got, err, n)
	}
	for _, o := range []string{objs[0], objs[n/2], objs[n-1]} {
		it, err := s.TrackedItem(ctx, o)
		if err != nil || it.Status != tracking.StatusDelivered || it.Events != 2 || it.Origin != "PL" || !it.DeliveredAt.Equal(events[0].Time) {
			t.Errorf("item %s = %+v, %v", o, it, err)
		}
	}
	items, _, err := s.TrackedItems(ctx, tracking.ItemFilter{Statuses: []tracking.Status{tracking.StatusDelivered}, Limit: 1000})
	if err != nil || len(items) != n {
		t.Errorf("delivered items = %d, %v; want %d", len(items), err, n)
	}
}

func testTrackingWebhooks(t *testing.T, s store.Store) {
	ctx := context.Background()
	trkOffices(t, s)
	merchant(t, s, "ACME")
	merchant(t, s, "OTHER")
	for i, m := range []string{"ACME", "OTHER"} {
		sub := tracking.Subscription{ID: fmt.Sprint("whs_", i), Merchant: m, URL: "https://x.example/" + m, Secret: "s" + m,
			Statuses: []tracking.Status{tracking.StatusDelivered, tracking.StatusImportCustomsHeld}, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := s.CreateWebhook(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateWebhook(ctx, tracking.Subscription{ID: "whs_0", Merchant: "ACME", URL: "https://y", Secret: "z", CreatedAt: t0}); code(err) != postal.CodeConflict {
		t.Errorf("duplicate id = %v, want conflict", err)
	}
	all, err := s.Webhooks(ctx, "")
	if err != nil || len(all) != 2 || all[0].ID != "whs_1" || !slices.Equal(all[1].Statuses, []tracking.Status{tracking.StatusDelivered, tracking.StatusImportCustomsHeld}) {
		t.Fatalf("Webhooks = %+v, %v", all, err)
	}
	if mine, err := s.Webhooks(ctx, "ACME"); err != nil || len(mine) != 1 || mine[0].Secret != "sACME" {
		t.Errorf("Webhooks(ACME) = %+v, %v", mine, err)
	}
	// Queue deliveries through a projection.
	merchantItem := func(m string) string {
		sh, _, err := s.CreateShipment(ctx, newShipment(m, "R-"+m, t0))
		if err != nil {
			t.Fatal(err)
		}
		return string(sh.ID)
	}
	a, o := merchantItem("ACME"), merchantItem("OTHER")
	svc := &tracking.Service{Store: s, Offices: s, Now: func() time.Time { return t0 }}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, trkCET)
	if err := svc.Record(ctx, trkEvent(a, tracking.EMI, "PLWAWA", at), trkEvent(o, tracking.EMI, "PLWAWA", at), trkEvent(o, tracking.EMD, "PLWAWA", at.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	got, err := s.ClaimWebhookDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("claim = %+v, %v; want the 2 deliveries (arrived is not subscribed)", got, err)
	}
	if again, err := s.ClaimWebhookDeliveries(ctx, now, time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("second claim while leased = %d, %v; want 0", len(again), err)
	}
	var first tracking.Delivery
	for _, d := range got {
		if d.Subscription == "whs_0" {
			first = d
		}
	}
	if first.URL != "https://x.example/ACME" || first.Secret != "sACME" || first.Object != a || len(first.Body) == 0 {
		t.Fatalf("claimed = %+v", first)
	}
	for _, d := range got {
		a := tracking.Attempt{Seq: d.Seq, At: now, Attempts: 1, ResponseStatus: 200, State: tracking.DeliveryDelivered}
		if d.Subscription == "whs_1" {
			a = tracking.Attempt{Seq: d.Seq, At: now, Attempts: 1, ResponseStatus: 503, Error: "endpoint answered 503",
				State: tracking.DeliveryPending, NextAttempt: now.Add(30 * time.Second)}
		}
		if err := s.FinishWebhookAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if due, _ := s.ClaimWebhookDeliveries(ctx, now.Add(10*time.Second), time.Minute, 10); len(due) != 0 {
		t.Errorf("retry claimed before its time: %+v", due)
	}
	due, err := s.ClaimWebhookDeliveries(ctx, now.Add(31*time.Second), time.Minute, 10)
	if err != nil || len(due) != 1 || due[0].Subscription != "whs_1" || due[0].Attempts != 1 || due[0].LastStatus != 503 {
		t.Fatalf("retry = %+v, %v", due, err)
	}
	ds, err := s.WebhookDeliveries(ctx, "whs_0", 0, 10)
	if err != nil || len(ds) != 1 || ds[0].State != tracking.DeliveryDelivered || ds[0].DeliveredAt.IsZero() || ds[0].LastStatus != 200 {
		t.Errorf("deliveries of whs_0 = %+v, %v", ds, err)
	}
	if err := s.DisableWebhook(ctx, "whs_1", now); err != nil {
		t.Fatal(err)
	}
	if err := s.DisableWebhook(ctx, "nope", now); code(err) != postal.CodeNotFound {
		t.Errorf("DisableWebhook(unknown) = %v", err)
	}
	if due, _ := s.ClaimWebhookDeliveries(ctx, now.Add(time.Hour), time.Minute, 10); len(due) != 0 {
		t.Errorf("claimed for a disabled subscription: %+v", due)
	}
	if sub, err := s.Webhook(ctx, "whs_1"); err != nil || sub.DisabledAt.IsZero() {
		t.Errorf("Webhook = %+v, %v", sub, err)
	}
}

func testTrackingStandards(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, st := range []tracking.Standard{{Origin: "CN", Dest: "PL", Days: 8}, {Origin: "CN", Dest: "PL", Product: "ems", Days: 5}, {Origin: "CN", Dest: "PL", Days: 7}} {
		if err := s.PutDeliveryStandard(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.DeliveryStandards(ctx)
	want := []tracking.Standard{{Origin: "CN", Dest: "PL", Days: 7}, {Origin: "CN", Dest: "PL", Product: "ems", Days: 5}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("standards = %+v, %v", got, err)
	}
}
