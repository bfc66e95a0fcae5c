package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// runDispatch runs the exchange-operations cases (issue 7).
func runDispatch(t *testing.T, newDB Opener) {
	t.Run("SortPlans", func(t *testing.T) { testSortPlans(t, newDB(t)()) })
	t.Run("ReceptacleLifecycle", func(t *testing.T) { testReceptacleLifecycle(t, newDB(t)()) })
	t.Run("DispatchCloseAndConsign", func(t *testing.T) { testDispatchCloseAndConsign(t, newDB(t)()) })
	t.Run("ConcurrentDispatchSerials", func(t *testing.T) { testConcurrentDispatchSerials(t, newDB(t)) })
	t.Run("ConcurrentConsignCapacity", func(t *testing.T) { testConcurrentConsign(t, newDB(t)) })
	t.Run("SaveDispatches", func(t *testing.T) { testSaveDispatches(t, newDB(t)()) })
	t.Run("CarrierEvents", func(t *testing.T) { testCarrierEvents(t, newDB(t)()) })
	t.Run("FindDispatches", func(t *testing.T) { testFindDispatches(t, newDB(t)()) })
}

func testSortPlans(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.SortPlan(ctx, "CNXMNA"); code(err) != postal.CodeNotFound {
		t.Fatalf("SortPlan(none) = %v, want not_found", err)
	}
	p := dispatch.SortPlan{Office: "CNXMNA", UpdatedAt: t0, UpdatedBy: "op",
		Rules: []dispatch.Rule{{Country: "DE", Destination: "DEFRAA", Receptacle: dispatch.Bag}}}
	got, err := s.PutSortPlan(ctx, p)
	if err != nil || got.Version != 1 {
		t.Fatalf("PutSortPlan = v%d, %v; want v1", got.Version, err)
	}
	p.Rules = append(p.Rules, dispatch.Rule{Country: "PL", PostcodeFrom: "00", PostcodeTo: "39", Destination: "PLWAWA"})
	if got, err = s.PutSortPlan(ctx, p); err != nil || got.Version != 2 {
		t.Fatalf("second PutSortPlan = v%d, %v; want v2", got.Version, err)
	}
	read, err := s.SortPlan(ctx, "CNXMNA")
	if err != nil || read.Version != 2 || len(read.Rules) != 2 || read.Rules[1].PostcodeTo != "39" || !read.UpdatedAt.Equal(t0) {
		t.Fatalf("SortPlan = %+v, %v", read, err)
	}
}

func openDispatch(t *testing.T, s store.Store, dest, cat string) dispatch.Dispatch {
	t.Helper()
	d, err := s.OpenDispatch(context.Background(), dispatch.NewDispatch{Origin: "CNXMNA", Destination: dest, Category: cat, Subclass: "UN", Year: 2026, At: t0, By: "op"})
	if err != nil {
		t.Fatalf("OpenDispatch: %v", err)
	}
	return d
}

func scan(office, item, receptacle string, w int, reg bool) dispatch.ScannedItem {
	return dispatch.ScannedItem{Item: item, Receptacle: receptacle, Office: office, WeightG: w, Registered: reg, ScannedAt: t0, ScannedBy: "op"}
}

func testReceptacleLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	d := openDispatch(t, s, "DEFRAA", "A")
	if d.ID != "CNXMNADEFRAAAUN60001" || d.Serial != 1 || d.Status != dispatch.StatusOpen {
		t.Fatalf("first dispatch = %+v", d)
	}
	r1, err := s.OpenReceptacle(ctx, d.ID, dispatch.Bag, t0)
	if err != nil || r1.Number != d.ID+"001" {
		t.Fatalf("OpenReceptacle = %+v, %v", r1, err)
	}
	r2, _ := s.OpenReceptacle(ctx, d.ID, dispatch.Bag, t0)
	out := dispatch.Outbox{Events: []dispatch.Event{{Object: "LA000000014CN", Code: "EMB", Office: "CNXMNA", Time: t0, Source: "post"}}}
	got, dup, err := s.AddItem(ctx, scan("CNXMNA", "LA000000014CN", r1.Number, 800, false), 30000, 500, out)
	if err != nil || dup || got.Items != 1 || got.NetWeightG != 800 || got.Registered {
		t.Fatalf("AddItem = %+v dup=%v %v", got, dup, err)
	}
	if got, dup, err = s.AddItem(ctx, scan("CNXMNA", "LA000000014CN", r1.Number, 800, false), 30000, 500, out); err != nil || !dup || got.Items != 1 {
		t.Fatalf("double scan = %+v dup=%v %v; want the same receptacle, dup", got, dup, err)
	}
	if _, _, err = s.AddItem(ctx, scan("CNXMNA", "LA000000014CN", r2.Number, 800, false), 30000, 500, out); !errors.Is(err, dispatch.ErrInOther) {
		t.Fatalf("scan into a second receptacle = %v, want ErrInOther", err)
	}
	// The same item at another office (re-dispatched at a hub) is fine.
	if _, _, err = s.AddItem(ctx, scan("CNSHAA", "LA000000014CN", r2.Number, 800, false), 30000, 500, out); err != nil {
		t.Fatalf("scan at another office: %v", err)
	}
	if got, _, err = s.AddItem(ctx, scan("CNXMNA", "RA000000028CN", r1.Number, 1200, true), 30000, 500, out); err != nil || !got.Registered || got.NetWeightG != 2000 {
		t.Fatalf("registered item: %+v %v", got, err)
	}
	if _, _, err = s.AddItem(ctx, scan("CNXMNA", "LA000000028CN", r1.Number, 27600, false), 30000, 500, out); !errors.Is(err, dispatch.ErrFull) {
		t.Fatalf("over 30 kg = %v, want ErrFull", err)
	}
	if it, err := s.Scanned(ctx, "CNXMNA", "LA000000028CN"); code(err) != postal.CodeNotFound {
		t.Fatalf("refused item was stored: %+v %v", it, err)
	}
	items, err := s.Contents(ctx, r1.Number)
	if err != nil || len(items) != 2 || items[0].Item != "LA000000014CN" {
		t.Fatalf("Contents = %+v, %v", items, err)
	}
	if got, err = s.RemoveItem(ctx, r1.Number, "RA000000028CN"); err != nil || got.Items != 1 || got.Registered {
		t.Fatalf("RemoveItem = %+v, %v", got, err)
	}
	if _, err = s.RemoveItem(ctx, r1.Number, "RA000000028CN"); code(err) != postal.CodeNotFound {
		t.Fatalf("RemoveItem again = %v, want not_found", err)
	}
	id, _ := dispatch.S9(d.ID, 1, false, false, 1300)
	if _, err = s.CloseReceptacle(ctx, dispatch.ReceptacleClose{Number: r1.Number, Items: 5, ID: id, GrossWeightG: 1300, At: t0}); !errors.Is(err, dispatch.ErrChanged) {
		t.Fatalf("close with a stale count = %v, want ErrChanged", err)
	}
	closed, err := s.CloseReceptacle(ctx, dispatch.ReceptacleClose{Number: r1.Number, Items: 1, ID: id, GrossWeightG: 1300, At: t0, By: "op"})
	if err != nil || closed.Status != dispatch.StatusClosed || closed.ID != id {
		t.Fatalf("CloseReceptacle = %+v, %v", closed, err)
	}
	if byID, err := s.Receptacle(ctx, id); err != nil || byID.Number != r1.Number {
		t.Fatalf("Receptacle(S9) = %+v, %v", byID, err)
	}
	if _, _, err = s.AddItem(ctx, scan("CNXMNA", "LA000000031CN", r1.Number, 100, false), 30000, 500, out); !errors.Is(err, dispatch.ErrClosed) {
		t.Fatalf("scan into a closed receptacle = %v, want ErrClosed", err)
	}
	if r, err := s.ReopenReceptacle(ctx, r1.Number); err != nil || r.Status != dispatch.StatusOpen || r.ID != "" {
		t.Fatalf("ReopenReceptacle = %+v, %v", r, err)
	}
	view, err := s.Dispatch(ctx, d.ID)
	if err != nil || view.Items != 2 || view.NetWeightG != 1600 || view.Receptacles != 2 {
		t.Fatalf("open dispatch totals = %+v, %v", view, err)
	}
	if _, err := s.CancelDispatch(ctx, d.ID, t0, "op"); code(err) != postal.CodeConflict {
		t.Fatalf("cancel with items = %v, want conflict", err)
	}
	empty := openDispatch(t, s, "DEFRAA", "A")
	if empty.Serial != 2 {
		t.Fatalf("second dispatch serial %d", empty.Serial)
	}
	s.OpenReceptacle(ctx, empty.ID, dispatch.Bag, t0)
	if c, err := s.CancelDispatch(ctx, empty.ID, t0, "op"); err != nil || c.Status != dispatch.StatusCancelled {
		t.Fatalf("cancel empty = %+v, %v", c, err)
	}
	if _, err := s.OpenReceptacle(ctx, empty.ID, dispatch.Bag, t0); !errors.Is(err, dispatch.ErrClosed) {
		t.Fatalf("receptacle in a cancelled dispatch = %v", err)
	}
	// Another pair of offices has its own serials.
	if other := openDispatch(t, s, "NLAMSA", "A"); other.Serial != 1 {
		t.Fatalf("serial of another pair = %d, want 1", other.Serial)
	}
}

// closedDispatch opens a dispatch with one closed receptacle of grossG.
func closedDispatch(t *testing.T, s store.Store, dest string, item string, grossG int) dispatch.Dispatch {
	t.Helper()
	ctx := context.Background()
	d := openDispatch(t, s, dest, "A")
	r, err := s.OpenReceptacle(ctx, d.ID, dispatch.Bag, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddItem(ctx, scan("CNXMNA", item, r.Number, grossG-500, false), 1_000_000, 500, dispatch.Outbox{}); err != nil {
		t.Fatal(err)
	}
	id, _ := dispatch.S9(d.ID, 1, true, false, grossG)
	if _, err := s.CloseReceptacle(ctx, dispatch.ReceptacleClose{Number: r.Number, Items: 1, ID: id, GrossWeightG: grossG, Last: true, At: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CloseDispatch(ctx, dispatch.DispatchClose{ID: d.ID, Receptacles: 1, At: t0, By: "op"}, dispatch.Outbox{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testDispatchCloseAndConsign(t *testing.T, s store.Store) {
	ctx := context.Background()
	d := openDispatch(t, s, "DEFRAA", "A")
	r1, _ := s.OpenReceptacle(ctx, d.ID, dispatch.Bag, t0)
	r2, _ := s.OpenReceptacle(ctx, d.ID, dispatch.Tray, t0)
	for i, r := range []dispatch.Receptacle{r1, r2} {
		item := []string{"LA000000014CN", "LA000000028CN"}[i]
		if _, _, err := s.AddItem(ctx, scan("CNXMNA", item, r.Number, 1000, i == 1), 30000, 500, dispatch.Outbox{}); err != nil {
			t.Fatal(err)
		}
	}
	id1, _ := dispatch.S9(d.ID, 1, true, false, 1500) // closed as "last" by mistake
	s.CloseReceptacle(ctx, dispatch.ReceptacleClose{Number: r1.Number, Items: 1, ID: id1, GrossWeightG: 1500, Last: true, At: t0})
	out := dispatch.Outbox{Events: []dispatch.Event{{Object: d.ID, Code: "EMB", Office: "CNXMNA", Time: t0, Source: "post"}}}
	if _, err := s.CloseDispatch(ctx, dispatch.DispatchClose{ID: d.ID, Receptacles: 2, At: t0}, out); !errors.Is(err, dispatch.ErrChanged) {
		t.Fatalf("close with an open receptacle = %v, want ErrChanged", err)
	}
	id2, _ := dispatch.S9(d.ID, 2, false, true, 2000)
	s.CloseReceptacle(ctx, dispatch.ReceptacleClose{Number: r2.Number, Items: 1, ID: id2, GrossWeightG: 2000, Registered: true, At: t0})
	new1, _ := dispatch.S9(d.ID, 1, false, false, 1500)
	new2, _ := dispatch.S9(d.ID, 2, true, true, 2000)
	got, err := s.CloseDispatch(ctx, dispatch.DispatchClose{ID: d.ID, Receptacles: 2, At: t0, By: "op",
		Relabel: map[string]string{r1.Number: new1, r2.Number: new2}}, out)
	if err != nil || got.Status != dispatch.StatusClosed || got.Items != 2 || got.GrossWeightG != 3500 || !got.Registered || got.ClosedAt == nil {
		t.Fatalf("CloseDispatch = %+v, %v", got, err)
	}
	rs, _ := s.Receptacles(ctx, d.ID)
	if rs[0].ID != new1 || rs[0].Last || rs[1].ID != new2 || !rs[1].Last {
		t.Fatalf("relabelled = %+v", rs)
	}
	if _, err := s.ReopenReceptacle(ctx, r1.Number); code(err) != postal.CodeConflict {
		t.Fatalf("reopen in a closed dispatch = %v, want conflict", err)
	}
	pending, err := s.PendingOutbox(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].Events[0].Object != d.ID {
		t.Fatalf("PendingOutbox = %+v, %v", pending, err)
	}
	dep := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)
	c := dispatch.Consignment{Office: "CNXMNA", Service: "MF811", Carrier: "Xiamen Airlines", Mode: "air", From: "CNXMNA", To: "NLAMSA",
		Departure: dep, Arrival: dep.Add(13 * time.Hour), Form: dispatch.CN38, Category: "A", Dispatches: []string{d.ID},
		Receptacles: 2, GrossWeightG: 3500, CapacityKg: 5, CreatedAt: t0, CreatedBy: "op"}
	got2 := closedDispatch(t, s, "NLAMSA", "LA000000031CN", 1600)
	cons, err := s.Consign(ctx, c)
	if err != nil || cons.ID != "CNXMNA2600001" || cons.LoadedG != 3500 || cons.Status != dispatch.StatusConsigned {
		t.Fatalf("Consign = %+v, %v", cons, err)
	}
	if _, err := s.Consign(ctx, c); code(err) != postal.CodeConflict {
		t.Fatalf("consign the same dispatch again = %v, want conflict", err)
	}
	over := c
	over.Dispatches, over.GrossWeightG = []string{got2.ID}, 1600
	var ce *dispatch.CapacityError
	if _, err := s.Consign(ctx, over); !errors.As(err, &ce) || ce.LoadedG != 3500 || ce.CapacityG != 5000 || ce.AddG != 1600 || code(err) != postal.CodeConflict {
		t.Fatalf("over capacity = %v (%+v), want CapacityError 3500+1600 > 5000", err, ce)
	}
	if d2, _ := s.Dispatch(ctx, got2.ID); d2.Status != dispatch.StatusClosed {
		t.Fatalf("refused consignment changed the dispatch: %s", d2.Status)
	}
	loads, err := s.DepartureLoads(ctx, dep.Add(-time.Hour), dep.Add(time.Hour))
	if err != nil || loads[dispatch.DepartureKey{Service: "MF811", Departure: dep}] != 3500 {
		t.Fatalf("DepartureLoads = %v, %v", loads, err)
	}
	departed, changed, err := s.Depart(ctx, cons.ID, dep, out)
	if err != nil || !changed || departed.Status != dispatch.StatusDeparted || departed.DepartedAt == nil {
		t.Fatalf("Depart = %+v %v %v", departed, changed, err)
	}
	if _, changed, _ := s.Depart(ctx, cons.ID, dep, out); changed {
		t.Fatal("second Depart changed something")
	}
	dd, _ := s.Dispatch(ctx, d.ID)
	if dd.Status != dispatch.StatusDeparted || dd.AtOffice != "NLAMSA" || dd.Consignment != cons.ID {
		t.Fatalf("departed dispatch = %+v", dd)
	}
	list, err := s.Consignments(ctx, "CNXMNA", dep.Add(-time.Hour), dep.Add(time.Hour))
	if err != nil || len(list) != 1 || list[0].ID != cons.ID || list[0].Status != dispatch.StatusDeparted {
		t.Fatalf("Consignments = %+v, %v", list, err)
	}
	pending, _ = s.PendingOutbox(ctx, 10)
	seqs := make([]int64, len(pending))
	for i, p := range pending {
		seqs[i] = p.Seq
	}
	if err := s.MarkOutboxDelivered(ctx, seqs, t0); err != nil {
		t.Fatal(err)
	}
	if pending, _ = s.PendingOutbox(ctx, 10); len(pending) != 0 {
		t.Fatalf("delivered entries still pending: %d", len(pending))
	}
}

// testConcurrentDispatchSerials opens dispatches of one pair of offices from
// two nodes at once: every S8 serial is handed out once, densely.
func testConcurrentDispatchSerials(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	const workers, each = 8, 15
	var mu sync.Mutex
	var serials []int
	ids := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := nodes[w%2]
			for i := range each {
				cat := []string{"A", "B", "C"}[(w+i)%3] // categories share the pair's serial
				d, err := s.OpenDispatch(context.Background(), dispatch.NewDispatch{Origin: "CNXMNA", Destination: "DEFRAA", Category: cat,
					Subclass: "UN", Year: 2026, At: t0, By: fmt.Sprint("op", w)})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if ids[d.ID] {
					errs <- fmt.Errorf("S8 %s handed out twice", d.ID)
				}
				ids[d.ID] = true
				serials = append(serials, d.Serial)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(serials)
	for i, s := range serials {
		if s != i+1 {
			t.Fatalf("serials are not 1…%d without gaps or repeats: %v", workers*each, serials)
		}
	}
	first, err := nodes[1].AllocateSerials(context.Background(), "CNXMNA", "DEFRAA", 2026, 10)
	if err != nil || first != workers*each+1 {
		t.Fatalf("AllocateSerials = %d, %v; want %d", first, err, workers*each+1)
	}
	if d, err := nodes[0].OpenDispatch(context.Background(), dispatch.NewDispatch{Origin: "CNXMNA", Destination: "DEFRAA", Category: "A",
		Subclass: "UN", Year: 2027, At: t0, By: "op"}); err != nil || d.Serial != 1 || d.ID[15] != '7' {
		t.Fatalf("a new year starts at 1: %+v, %v", d, err)
	}
}

// testConcurrentConsign consigns dispatches of 1 kg each to a 10 kg
// departure from two nodes at once: exactly ten fit.
func testConcurrentConsign(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	const n = 24
	ds := make([]dispatch.Dispatch, n)
	for i := range n {
		item, _ := postal.NewS10("LA", uint32(i), "CN")
		ds[i] = closedDispatch(t, nodes[0], "NLAMSA", string(item), 1000)
	}
	dep := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dispatch.Consignment{Office: "CNXMNA", Service: "MF811", Mode: "air", From: "CNXMNA", To: "NLAMSA", Departure: dep,
				Arrival: dep, Form: dispatch.CN38, Category: "A", Dispatches: []string{ds[i].ID}, Receptacles: 1, GrossWeightG: 1000,
				CapacityKg: 10, CreatedAt: t0}
			_, results[i] = nodes[i%2].Consign(context.Background(), c)
		}()
	}
	wg.Wait()
	ok, over := 0, 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, dispatch.ErrOverCapacity):
			over++
		default:
			t.Fatalf("Consign: %v", err)
		}
	}
	loads, _ := nodes[1].DepartureLoads(context.Background(), dep, dep.Add(time.Minute))
	if ok != 10 || over != n-10 || loads[dispatch.DepartureKey{Service: "MF811", Departure: dep}] != 10000 {
		t.Fatalf("%d consigned, %d refused, load %v; want 10, %d, 10000 g", ok, over, loads, n-10)
	}
}

func testSaveDispatches(t *testing.T, s store.Store) {
	ctx := context.Background()
	first, err := s.AllocateSerials(ctx, "CNYIWA", "USJFKA", 2026, 2)
	if err != nil || first != 1 {
		t.Fatalf("AllocateSerials = %d, %v", first, err)
	}
	var batch []dispatch.PackedDispatch
	item := 0
	for k := range 2 {
		id := postal.DispatchID{Origin: "CNYIWA", Destination: "USJFKA", Category: 'A', Subclass: "UN", YearDigit: 6, Serial: first + k}.String()
		closed := t0
		p := dispatch.PackedDispatch{Dispatch: dispatch.Dispatch{ID: id, Origin: "CNYIWA", Destination: "USJFKA", Category: "A", Subclass: "UN",
			Year: 2026, Serial: first + k, Status: dispatch.StatusClosed, AtOffice: "CNYIWA", Receptacles: 3, OpenedAt: t0, OpenedBy: "sim", ClosedAt: &closed}}
		for r := range 3 {
			rec := dispatch.PackedReceptacle{Receptacle: dispatch.Receptacle{Number: dispatch.ReceptacleNumber(id, r+1), Dispatch: id, Serial: r + 1,
				Type: dispatch.Bag, Status: dispatch.StatusClosed, OpenedAt: t0, ClosedAt: &closed, Last: r == 2}}
			for range 700 {
				s10, _ := postal.NewS10("LA", uint32(item), "CN")
				item++
				rec.Items = append(rec.Items, dispatch.ScannedItem{Item: string(s10), Receptacle: rec.Receptacle.Number, Office: "CNYIWA", WeightG: 20, ScannedAt: t0, ScannedBy: "sim"})
				rec.Receptacle.Items++
				rec.Receptacle.NetWeightG += 20
			}
			rec.Receptacle.GrossWeightG = rec.Receptacle.NetWeightG + 500
			rec.Receptacle.ID, _ = dispatch.S9(id, r+1, r == 2, false, rec.Receptacle.GrossWeightG)
			p.Dispatch.Items += rec.Receptacle.Items
			p.Dispatch.NetWeightG += rec.Receptacle.NetWeightG
			p.Dispatch.GrossWeightG += rec.Receptacle.GrossWeightG
			p.Receptacles = append(p.Receptacles, rec)
		}
		batch = append(batch, p)
	}
	out := []dispatch.Outbox{{FanOut: []dispatch.FanOut{{Receptacle: batch[0].Receptacles[0].Receptacle.Number,
		Event: dispatch.Event{Code: "EMB", Office: "CNYIWA", Source: "post"}, ScanTime: true}}}}
	if err := s.SaveDispatches(ctx, batch, out); err != nil {
		t.Fatalf("SaveDispatches: %v", err)
	}
	d, err := s.Dispatch(ctx, batch[1].Dispatch.ID)
	if err != nil || d.Items != 2100 || d.Status != dispatch.StatusClosed {
		t.Fatalf("stored dispatch = %+v, %v", d, err)
	}
	items, _ := s.Contents(ctx, batch[1].Receptacles[2].Receptacle.Number)
	if len(items) != 700 {
		t.Fatalf("contents = %d items, want 700", len(items))
	}
	if p, _ := s.PendingOutbox(ctx, 10); len(p) != 1 || len(p[0].FanOut) != 1 {
		t.Fatalf("outbox = %+v", p)
	}
	// A batch repeating an item stores nothing.
	again := batch[:1]
	again[0].Dispatch.ID = "CNYIWAUSJFKAAUN60003"
	again[0].Receptacles = again[0].Receptacles[:1]
	again[0].Receptacles[0].Receptacle.Number = "CNYIWAUSJFKAAUN60003001"
	again[0].Receptacles[0].Receptacle.Dispatch = "CNYIWAUSJFKAAUN60003"
	again[0].Receptacles[0].Receptacle.ID, _ = dispatch.S9("CNYIWAUSJFKAAUN60003", 1, true, false, 14500)
	if err := s.SaveDispatches(ctx, again, nil); code(err) != postal.CodeConflict {
		t.Fatalf("batch with items already scanned = %v, want conflict", err)
	}
	if _, err := s.Dispatch(ctx, "CNYIWAUSJFKAAUN60003"); code(err) != postal.CodeNotFound {
		t.Fatalf("refused batch left its dispatch: %v", err)
	}
}

func testCarrierEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	d := closedDispatch(t, s, "NLAMSA", "LA000000014CN", 1600)
	rs, _ := s.Receptacles(ctx, d.ID)
	ev := dispatch.CarrierEvent{Receptacle: rs[0].ID, Code: "24", Office: "CNXMNA", Time: t0, Carrier: "MF", Transport: "MF811", Message: "R1", Received: t0}
	mk := func(fresh []dispatch.CarrierEvent) dispatch.Outbox {
		return dispatch.Outbox{Events: []dispatch.Event{{Object: fresh[0].Receptacle, Code: "EMC", Office: "CNXMNA", Time: t0, Source: "carrier:MF"}}}
	}
	before, _ := s.PendingOutbox(ctx, 100)
	n, err := s.RecordCarrierEvents(ctx, []dispatch.CarrierEvent{ev, ev}, mk)
	if err != nil || n != 1 {
		t.Fatalf("RecordCarrierEvents = %d, %v; want 1 (the same event twice)", n, err)
	}
	if n, _ := s.RecordCarrierEvents(ctx, []dispatch.CarrierEvent{ev}, mk); n != 0 {
		t.Fatalf("resent event stored again: %d", n)
	}
	after, _ := s.PendingOutbox(ctx, 100)
	if len(after) != len(before)+1 {
		t.Fatalf("outbox grew by %d, want 1", len(after)-len(before))
	}
	list, err := s.CarrierEvents(ctx, rs[0].ID)
	if err != nil || len(list) != 1 || list[0].Transport != "MF811" || !list[0].Time.Equal(t0) {
		t.Fatalf("CarrierEvents = %+v, %v", list, err)
	}
}
