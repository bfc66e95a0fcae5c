package storetest

import (
	"context"
	"testing"
	"time"

	cst "github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal/latin"
	"github.com/interpost/interpost/store"
)

// testCustomsQueuePage: the queue's filters (stream, direction, status,
// search by id or name prefix in any script), its sort orders with keyset
// cursors, and its counts.
func testCustomsQueuePage(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := customsItem("1Z0000000000000021", "CNSHAA", cst.StatusPending, 10, t0)
	b := customsItem("1Z0000000000000022", "CNSHAA", cst.StatusHeld, 50, t0.Add(time.Hour))
	b.Declaration.Addressee.Name = "王小明"
	c := customsItem("EE123456785CN", "CNSHAA", cst.StatusPending, 30, t0.Add(2*time.Hour))
	c.Declaration.Stream, c.Declaration.Direction, c.Declaration.Express = cst.StreamPostal, cst.Export, nil
	c.Declaration.Sender.Name = "Łucja Wójcik"
	d := customsItem("1Z0000000000000024", "CNSHAA", cst.StatusReleased, 0, t0.Add(3*time.Hour)) // not in the queue
	e := customsItem("1Z0000000000000025", "CNPEKA", cst.StatusPending, 0, t0)                   // another office
	importItems(t, s, a, b, c, d, e)

	ids := func(items []cst.Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID())
		}
		return out
	}
	list := func(f cst.QueueFilter, want ...string) {
		t.Helper()
		f.Office, f.Limit = "CNSHAA", 10
		items, next, err := s.QueuePage(ctx, f)
		if err != nil || next != "" || !equal(ids(items), want) {
			t.Errorf("QueuePage(%+v) = %v, next %q, %v; want %v", f, ids(items), next, err, want)
		}
		n, exact, err := s.CountQueue(ctx, f, 100)
		if err != nil || !exact || n != int64(len(want)) {
			t.Errorf("CountQueue(%+v) = %d, %v, %v; want %d", f, n, exact, err, len(want))
		}
	}
	// Priority: declared time less 2 minutes a risk point (b t0-40m, a t0-20m, c t0+1h).
	list(cst.QueueFilter{}, b.ID(), a.ID(), c.ID())
	list(cst.QueueFilter{Sort: "-declared"}, c.ID(), b.ID(), a.ID())
	list(cst.QueueFilter{Sort: "score"}, a.ID(), c.ID(), b.ID())
	list(cst.QueueFilter{Stream: cst.StreamPostal}, c.ID())
	list(cst.QueueFilter{Direction: cst.Import}, b.ID(), a.ID())
	list(cst.QueueFilter{Status: cst.StatusHeld}, b.ID())
	list(cst.QueueFilter{Search: latin.SearchKey("wang xiao")}, b.ID())
	list(cst.QueueFilter{Search: latin.SearchKey("WOJ")}, c.ID())
	list(cst.QueueFilter{Search: latin.SearchKey("ee1234")}, c.ID())
	list(cst.QueueFilter{Search: latin.SearchKey("wei")}, a.ID(), c.ID())
	list(cst.QueueFilter{Search: latin.SearchKey("acme")}, b.ID(), a.ID())
	list(cst.QueueFilter{Search: "nobody"})

	// Pages of one: the cursor walks every entry once, in order.
	for _, sort := range []string{"priority", "-declared", "declared", "-score", "score"} {
		var got []string
		f := cst.QueueFilter{Office: "CNSHAA", Sort: sort, Limit: 1}
		for range 5 {
			items, next, err := s.QueuePage(ctx, f)
			if err != nil {
				t.Fatalf("sort %s: %v", sort, err)
			}
			got = append(got, ids(items)...)
			if next == "" {
				break
			}
			k, _, err := paging.DecodeKey(next, sort)
			if err != nil {
				t.Fatalf("sort %s: cursor %q: %v", sort, next, err)
			}
			f.Key = &k
		}
		if len(got) != 3 {
			t.Errorf("sort %s: pages = %v, want 3 entries", sort, got)
		}
	}
	if n, exact, err := s.CountQueue(ctx, cst.QueueFilter{Office: "CNSHAA"}, 2); err != nil || exact || n != 2 {
		t.Errorf("capped count = %d, %v, %v; want 2, false", n, exact, err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
