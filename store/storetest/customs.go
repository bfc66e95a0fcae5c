package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	cst "github.com/interpost/interpost/customs" // aliased: warehouse.go names a principal customs
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

func runCustoms(t *testing.T, newDB Opener) {
	t.Run("CustomsImport", func(t *testing.T) { testCustomsImport(t, newDB(t)()) })
	t.Run("CustomsImportBulk", func(t *testing.T) { testCustomsImportBulk(t, newDB(t)()) })
	t.Run("CustomsQueue", func(t *testing.T) { testCustomsQueue(t, newDB(t)()) })
	t.Run("CustomsQueuePage", func(t *testing.T) { testCustomsQueuePage(t, newDB(t)()) })
	t.Run("CustomsDecisions", func(t *testing.T) { testCustomsDecisions(t, newDB(t)()) })
	t.Run("CustomsRescreen", func(t *testing.T) { testCustomsRescreen(t, newDB(t)()) })
	t.Run("CEBMessages", func(t *testing.T) { testCEB(t, newDB(t)()) })
	t.Run("CEBMatching", func(t *testing.T) { testCEBMatching(t, newDB(t)()) })
}

// testCustomsRescreen: the earlier parcels of a split order still under
// control are found by addressee and get a new screening in the import's
// transaction; released ones are not returned.
func testCustomsRescreen(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := customsItem("1Z0000000000000011", "CNSHAA", cst.StatusPending, 10, t0)
	b := customsItem("1Z0000000000000012", "CNSHAA", cst.StatusReleased, 0, t0)
	c := customsItem("1Z0000000000000013", "CNSHAA", cst.StatusHeld, 20, t0.Add(-48*time.Hour))
	importItems(t, s, a, b, c)
	key := a.Declaration.AddresseeKey()
	err := s.ImportItems(ctx, func(tx cst.ImportTx) error {
		open, err := tx.OpenPriors(ctx, []string{key, "nobody||CN"}, t0.Add(-time.Hour))
		if err != nil {
			return err
		}
		if len(open) != 1 || open[0].ID() != a.ID() {
			return fmt.Errorf("open priors = %d items, want only the pending one within the window", len(open))
		}
		next := open[0]
		next.Screening.Score, next.Screening.Action, next.Version = 40, risk.ActionDocumentCheck, 2
		next.Screening.Hits = []risk.Hit{{Rule: "SPLIT", Kind: risk.KindSplitting, Score: 30, Reason: "split order?"}}
		return tx.Rescreen(ctx, []cst.Update{{Item: next, PrevVersion: 1,
			Audit: cst.AuditEntry{ItemID: a.ID(), Office: "CNSHAA", At: t0, Officer: cst.RiskEngine, Action: "rescreen", FromStatus: cst.StatusPending, ToStatus: cst.StatusPending, Reason: "split order?"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Item(ctx, a.ID())
	if err != nil || got.Screening.Score != 40 || got.Version != 2 || got.Status != cst.StatusPending || len(got.Screening.Hits) != 1 {
		t.Fatalf("rescreened item = %+v, %v", got.Screening, err)
	}
	q, err := s.Queue(ctx, cst.QueueFilter{Office: "CNSHAA", Limit: 10})
	if err != nil || len(q) != 2 || q[0].ID() != c.ID() && q[0].ID() != a.ID() {
		t.Errorf("queue after rescreen = %d items, %v", len(q), err)
	}
	audit, _, err := s.ItemHistory(ctx, a.ID())
	if err != nil || len(audit) != 1 || audit[0].Officer != cst.RiskEngine || audit[0].Reason != "split order?" {
		t.Errorf("audit = %+v, %v", audit, err)
	}
	// A stale version is a conflict, nothing changes.
	err = s.ImportItems(ctx, func(tx cst.ImportTx) error {
		return tx.Rescreen(ctx, []cst.Update{{Item: got, PrevVersion: 1, Audit: cst.AuditEntry{ItemID: a.ID(), Office: "CNSHAA", At: t0, Action: "rescreen"}}})
	})
	if !errors.Is(err, cst.ErrChanged) {
		t.Errorf("stale rescreen: %v, want ErrChanged", err)
	}
}

// customsItem is a minimal stored item; the store treats the body as opaque.
func customsItem(id, office string, status cst.Status, score int, at time.Time) cst.Item {
	return cst.Item{
		Declaration: cst.Declaration{ID: id, Stream: cst.StreamExpress, Direction: cst.Import, Office: office,
			Category: "sale_of_goods", Currency: "USD", TotalValue: "10.00", TotalValueSDR: "7.33",
			Sender:    cst.Party{Name: "Acme", Country: "US"},
			Addressee: cst.Party{Name: "Zhang Wei", Postcode: "200120", Country: "CN"},
			Express:   &cst.ExpressInfo{Carrier: "UPS"},
			Lines:     []cst.Line{{Description: "Shoes", Quantity: 1, NetWeightG: 700, Value: "10.00", HSCode: "640411", OriginCountry: "VN"}}},
		Screening:  risk.Screening{RulesVersion: "v1", Score: score, Action: risk.ActionXray, At: at},
		Status:     status,
		DeclaredAt: at, UpdatedAt: at, Version: 1,
	}
}

func importItems(t *testing.T, s store.Store, items ...cst.Item) []int {
	t.Helper()
	var dups []int
	err := s.ImportItems(context.Background(), func(tx cst.ImportTx) error {
		var err error
		dups, err = tx.InsertItems(context.Background(), items)
		return err
	})
	if err != nil {
		t.Fatalf("ImportItems: %v", err)
	}
	return dups
}

func testCustomsImport(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := customsItem("1Z0000000000000001", "CNSHAA", cst.StatusPending, 40, t0)
	b := customsItem("1Z0000000000000002", "CNSHAA", cst.StatusReleased, 0, t0)
	if dups := importItems(t, s, a, b, a); !slices.Equal(dups, []int{2}) {
		t.Fatalf("dups = %v, want [2] (the repeat within the batch)", dups)
	}
	if dups := importItems(t, s, customsItem("1Z0000000000000003", "CNSHAA", cst.StatusPending, 1, t0), b); !slices.Equal(dups, []int{1}) {
		t.Fatalf("dups = %v, want [1] (already stored)", dups)
	}
	got, err := s.Item(ctx, a.ID())
	if err != nil || got.Status != cst.StatusPending || got.Screening.Score != 40 || got.Declaration.Lines[0].HSCode != "640411" || !got.DeclaredAt.Equal(t0) {
		t.Fatalf("Item = %+v, %v", got, err)
	}
	if _, err := s.Item(ctx, "NOPE"); code(err) != postal.CodeNotFound {
		t.Errorf("Item(unknown) = %v, want not_found", err)
	}
	// A failed import stores nothing, not even its manifest.
	boom := errors.New("boom")
	err = s.ImportItems(ctx, func(tx cst.ImportTx) error {
		if _, err := tx.InsertItems(ctx, []cst.Item{customsItem("1Z0000000000000009", "CNSHAA", cst.StatusPending, 1, t0)}); err != nil {
			return err
		}
		if err := tx.PutManifest(ctx, cst.Manifest{ID: "M1", Format: "csv", SubmittedBy: "cli", CreatedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("ImportItems = %v, want boom", err)
	}
	if _, err := s.Item(ctx, "1Z0000000000000009"); code(err) != postal.CodeNotFound {
		t.Errorf("rolled-back item is stored: %v", err)
	}
	if _, err := s.Manifest(ctx, "M1"); code(err) != postal.CodeNotFound {
		t.Errorf("rolled-back manifest is stored: %v", err)
	}
	m := cst.Manifest{ID: "M2", Name: "in.csv", Format: "csv", SubmittedBy: "k1", Lines: 4, Declarations: 3, Accepted: 2, Rejected: 1, Atomic: true, RulesVersion: "v1", CreatedAt: t0}
	err = s.ImportItems(ctx, func(tx cst.ImportTx) error { return tx.PutManifest(ctx, m) })
	if got, gerr := s.Manifest(ctx, "M2"); err != nil || gerr != nil || got != m {
		t.Errorf("Manifest = %+v, %v, %v; want %+v", got, err, gerr, m)
	}
	have, err := s.Declared(ctx, []string{a.ID(), "NOPE", b.ID()})
	if err != nil || len(have) != 2 || !have[a.ID()] || !have[b.ID()] {
		t.Errorf("Declared = %v, %v", have, err)
	}
	// Priors count what is stored, including rows inserted earlier in the same transaction.
	err = s.ImportItems(ctx, func(tx cst.ImportTx) error {
		key := a.Declaration.AddresseeKey()
		p, err := tx.Priors(ctx, []string{key, "nobody||CN"}, t0.Add(-time.Hour))
		if err != nil {
			return err
		}
		if p[key].Count != 3 || p[key].ValueSDR < 21.98 || p[key].ValueSDR > 22 || len(p) != 1 {
			return fmt.Errorf("priors = %+v, want 3 items worth 21.99 SDR", p)
		}
		if p, err = tx.Priors(ctx, []string{key}, t0.Add(time.Hour)); err != nil || len(p) != 0 {
			return fmt.Errorf("priors after the window = %+v, %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// testCustomsImportBulk: large batches (the COPY path on PostgreSQL),
// several per transaction and several transactions in a row, report the
// repeats within a batch and those already stored, and a failed
// transaction leaves none of its batches.
func testCustomsImportBulk(t *testing.T, s store.Store) {
	ctx := context.Background()
	batch := func(from, n int) []cst.Item {
		out := make([]cst.Item, n)
		for i := range out {
			out[i] = customsItem(fmt.Sprintf("1Z%016d", from+i), "CNSHAA", cst.StatusPending, i%50, t0)
		}
		return out
	}
	first := append(batch(0, 1000), customsItem(fmt.Sprintf("1Z%016d", 7), "CNSHAA", cst.StatusPending, 1, t0))
	err := s.ImportItems(ctx, func(tx cst.ImportTx) error {
		dups, err := tx.InsertItems(ctx, first)
		if err != nil {
			return err
		}
		if !slices.Equal(dups, []int{1000}) {
			return fmt.Errorf("first batch: dups = %v, want [1000]", dups)
		}
		if dups, err = tx.InsertItems(ctx, batch(995, 10)); err != nil || !slices.Equal(dups, []int{0, 1, 2, 3, 4}) {
			return fmt.Errorf("second batch: dups = %v, %v; want the five stored in the first", dups, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dups := importItems(t, s, batch(1005, 600)...); len(dups) != 0 {
		t.Fatalf("next transaction: dups = %v", dups)
	}
	boom := errors.New("boom")
	err = s.ImportItems(ctx, func(tx cst.ImportTx) error {
		if _, err := tx.InsertItems(ctx, batch(2000, 700)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("ImportItems = %v, want boom", err)
	}
	ids := []string{fmt.Sprintf("1Z%016d", 0), fmt.Sprintf("1Z%016d", 1004), fmt.Sprintf("1Z%016d", 1604), fmt.Sprintf("1Z%016d", 2000)}
	have, err := s.Declared(ctx, ids)
	if err != nil || len(have) != 3 || have[ids[3]] {
		t.Fatalf("declared = %v, %v; want all but the rolled-back one", have, err)
	}
	got, err := s.Item(ctx, fmt.Sprintf("1Z%016d", 49))
	if err != nil || got.Screening.Score != 49 || got.Status != cst.StatusPending || !got.DeclaredAt.Equal(t0) || got.Declaration.Lines[0].HSCode != "640411" {
		t.Errorf("Item = %+v, %v", got, err)
	}
	if q, err := s.Queue(ctx, cst.QueueFilter{Office: "CNSHAA", Limit: 1}); err != nil || len(q) != 1 || q[0].Screening.Score != 49 {
		t.Errorf("queue head = %+v, %v; want a 49-point item", q, err)
	}
}

func testCustomsQueue(t *testing.T, s store.Store) {
	ctx := context.Background()
	// priority = declared (s) - score × 120 s: the 100-point item declared an
	// hour later still comes first; the 10-point one a day earlier beats both.
	importItems(t, s,
		customsItem("Q1", "CNSHAA", cst.StatusPending, 10, t0),
		customsItem("Q2", "CNSHAA", cst.StatusHeld, 100, t0.Add(time.Hour)),
		customsItem("Q3", "CNSHAA", cst.StatusReleased, 0, t0),
		customsItem("Q4", "CNPEKA", cst.StatusPending, 50, t0),
		customsItem("Q5", "CNSHAA", cst.StatusPending, 10, t0.Add(-24*time.Hour)),
	)
	ids := func(items []cst.Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID())
		}
		return out
	}
	q, err := s.Queue(ctx, cst.QueueFilter{Office: "CNSHAA", Limit: 10})
	if err != nil || !slices.Equal(ids(q), []string{"Q5", "Q2", "Q1"}) {
		t.Errorf("Queue = %v, %v; want [Q5 Q2 Q1]", ids(q), err)
	}
	q, err = s.Queue(ctx, cst.QueueFilter{Office: "CNSHAA", Status: cst.StatusHeld, Limit: 10})
	if err != nil || !slices.Equal(ids(q), []string{"Q2"}) {
		t.Errorf("Queue(held) = %v, %v", ids(q), err)
	}
	q, err = s.Queue(ctx, cst.QueueFilter{Office: "CNSHAA", Limit: 1})
	if err != nil || !slices.Equal(ids(q), []string{"Q5"}) {
		t.Errorf("Queue(limit 1) = %v, %v", ids(q), err)
	}
}

func testCustomsDecisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	it := customsItem("D1", "CNSHAA", cst.StatusPending, 60, t0)
	importItems(t, s, it)
	next := it
	next.Status, next.Version, next.ClaimedBy, next.UpdatedAt = cst.StatusHeld, 2, "officer1", t0.Add(time.Minute)
	ev := func(code string) cst.Event {
		return cst.Event{ItemID: "D1", Code: code, Office: "CNSHAA", At: t0.Add(time.Minute), Source: "customs"}
	}
	u := cst.Update{Item: next, PrevVersion: 1,
		Audit:  cst.AuditEntry{ItemID: "D1", Office: "CNSHAA", At: t0.Add(time.Minute), Officer: "officer1", Action: "hold", FromStatus: cst.StatusPending, ToStatus: cst.StatusHeld, Reason: "lithium"},
		Events: []cst.Event{ev("EDB"), ev("EME")}}
	if err := s.UpdateItem(ctx, u); err != nil {
		t.Fatalf("UpdateItem: %v", err)
	}
	// The same version again is stale: nothing of it is stored.
	stale := u
	stale.Events = []cst.Event{ev("EDC")}
	if err := s.UpdateItem(ctx, stale); code(err) != postal.CodeConflict || !errors.Is(err, cst.ErrChanged) {
		t.Fatalf("stale UpdateItem = %v, want conflict wrapping ErrChanged", err)
	}
	got, err := s.Item(ctx, "D1")
	if err != nil || got.Status != cst.StatusHeld || got.Version != 2 || got.ClaimedBy != "officer1" {
		t.Fatalf("Item after update = %+v, %v", got, err)
	}
	audit, events, err := s.ItemHistory(ctx, "D1")
	if err != nil || len(audit) != 1 || audit[0].Reason != "lithium" || audit[0].Seq == 0 || len(events) != 2 || events[0].Code != "EDB" || events[1].Code != "EME" {
		t.Fatalf("ItemHistory = %+v, %+v, %v", audit, events, err)
	}
	q, err := s.Queue(ctx, cst.QueueFilter{Office: "CNSHAA", Status: cst.StatusHeld, Limit: 5})
	if err != nil || len(q) != 1 {
		t.Errorf("held queue = %v, %v", q, err)
	}
	out, err := s.UndeliveredEvents(ctx, 0, 10)
	if err != nil || len(out) != 2 || out[0].Delivered() || out[0].Attempts != 0 {
		t.Fatalf("UndeliveredEvents = %+v, %v", out, err)
	}
	if w, f, err := s.OutboxCounts(ctx); err != nil || w != 2 || f != 0 {
		t.Errorf("OutboxCounts = %d, %d, %v; want 2 waiting, 0 failed", w, f, err)
	}
	if err := s.MarkDelivered(ctx, []int64{out[0].Seq}, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if out, err := s.UndeliveredEvents(ctx, 0, 10); err != nil || len(out) != 1 || out[0].Code != "EME" {
		t.Errorf("UndeliveredEvents after delivery = %+v, %v", out, err)
	}
	if later, err := s.UndeliveredEvents(ctx, out[1].Seq, 10); err != nil || len(later) != 0 {
		t.Errorf("UndeliveredEvents after seq %d = %+v, %v; want none", out[1].Seq, later, err)
	}
	// A failed attempt keeps the event waiting, with its reason, twice counted once.
	for range 2 {
		if err := s.MarkUndeliverable(ctx, []int64{out[1].Seq}, t0.Add(3*time.Minute), "bad tracking event: object: not an S10 id"); err != nil {
			t.Fatal(err)
		}
	}
	if w, f, err := s.OutboxCounts(ctx); err != nil || w != 1 || f != 1 {
		t.Errorf("OutboxCounts after a failure = %d, %d, %v; want 1 waiting, 1 failed", w, f, err)
	}
	_, events, err = s.ItemHistory(ctx, "D1")
	if err != nil || len(events) != 2 || !events[0].DeliveredAt.Equal(t0.Add(2*time.Minute)) || events[1].Delivered() ||
		events[1].Attempts != 2 || events[1].DeliveryError != "bad tracking event: object: not an S10 id" {
		t.Errorf("ItemHistory events after delivery and a failure = %+v, %v", events, err)
	}
}
