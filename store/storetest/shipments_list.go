package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/postal/latin"
	"github.com/interpost/interpost/store"
)

// testFindShipments checks the shipments list's filters, prefix search,
// keyset sorting and counts (issue 19 item 2).
func testFindShipments(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	merchant(t, s, "OTHER")
	names := []string{"Hans Müller", "王小明", "Anna Nowak", "Łukasz Wąs", "Wang Li"}
	dests := []string{"DE", "CN", "PL", "PL", "US"}
	var ns []acceptance.NewShipment
	for i := range 20 {
		m := "ACME"
		if i%4 == 3 {
			m = "OTHER"
		}
		n := newShipment(m, fmt.Sprintf("ORD-%04d", 1000+i), t0.Add(time.Duration(i)*time.Hour))
		n.Shipment.Addressee.Name = names[i%5]
		n.Shipment.Addressee.Country = dests[i%5]
		n.Shipment.WeightG = 100 + (i*37)%400
		if i%2 == 1 {
			n.Shipment.Product = "parcel"
		}
		ns = append(ns, n)
	}
	// One shipment alone, the others as a batch: both paths write terms.
	first, _, err := s.CreateShipment(ctx, ns[0])
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.CreateShipments(ctx, ns[1:], nil)
	if err != nil {
		t.Fatal(err)
	}
	all := []acceptance.Shipment{first}
	for _, r := range res {
		all = append(all, r.Shipment)
	}

	list := func(f acceptance.Filter) []acceptance.Shipment {
		t.Helper()
		var out []acceptance.Shipment
		for pages := 0; ; pages++ {
			if pages > 30 {
				t.Fatalf("%+v: pagination does not end", f)
			}
			page, next, err := s.Shipments(ctx, f)
			if err != nil {
				t.Fatalf("Shipments(%+v): %v", f, err)
			}
			out = append(out, page...)
			if next == "" {
				return out
			}
			k, _, err := paging.DecodeKey(next, f.Sort)
			if err != nil {
				t.Fatalf("next cursor %q: %v", next, err)
			}
			f.Key = &k
		}
	}
	ids := func(shs []acceptance.Shipment) []postal.S10 {
		out := make([]postal.S10, len(shs))
		for i, sh := range shs {
			out[i] = sh.ID
		}
		return out
	}
	want := func(keep func(i int, sh acceptance.Shipment) bool) []postal.S10 {
		var out []postal.S10
		for i := len(all) - 1; i >= 0; i-- {
			if keep(i, all[i]) {
				out = append(out, all[i].ID)
			}
		}
		return out
	}
	check := func(name string, f acceptance.Filter, w []postal.S10) {
		t.Helper()
		if f.Sort == "" {
			f.Sort = acceptance.DefaultSort
		}
		f.Limit = 3
		if got := ids(list(f)); !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", name, got, w)
		}
		n, exact, err := s.CountMatching(ctx, f, 100)
		if err != nil || n != int64(len(w)) || !exact {
			t.Errorf("%s: CountMatching = %d, %v, %v; want %d exact", name, n, exact, err, len(w))
		}
	}
	check("newest first", acceptance.Filter{}, want(func(int, acceptance.Shipment) bool { return true }))
	check("merchant", acceptance.Filter{Merchant: "OTHER"}, want(func(i int, _ acceptance.Shipment) bool { return i%4 == 3 }))
	check("product", acceptance.Filter{Product: "parcel"}, want(func(i int, _ acceptance.Shipment) bool { return i%2 == 1 }))
	check("destination", acceptance.Filter{Destination: "PL"}, want(func(i int, _ acceptance.Shipment) bool { return i%5 == 2 || i%5 == 3 }))
	check("date range", acceptance.Filter{Since: t0.Add(5 * time.Hour), Until: t0.Add(8 * time.Hour)},
		want(func(i int, _ acceptance.Shipment) bool { return i >= 5 && i < 8 }))
	check("offices", acceptance.Filter{Offices: []string{"CNPEKA"}}, nil)
	check("accent-folded name", acceptance.Filter{Search: latin.SearchKey("MÜLL")}, want(func(i int, _ acceptance.Shipment) bool { return i%5 == 0 }))
	check("family name", acceptance.Filter{Search: latin.SearchKey("was")}, want(func(i int, _ acceptance.Shipment) bool { return i%5 == 3 }))
	check("chinese typed", acceptance.Filter{Search: latin.SearchKey("王小")}, want(func(i int, _ acceptance.Shipment) bool { return i%5 == 1 }))
	check("pinyin typed", acceptance.Filter{Search: latin.SearchKey("wang")}, want(func(i int, _ acceptance.Shipment) bool { return i%5 == 1 || i%5 == 4 }))
	check("merchant reference", acceptance.Filter{Search: latin.SearchKey("ord-101")}, want(func(i int, _ acceptance.Shipment) bool { return i >= 10 && i < 20 }))
	check("id", acceptance.Filter{Search: latin.SearchKey(string(all[7].ID))}, []postal.S10{all[7].ID})
	check("search and merchant", acceptance.Filter{Search: "wang", Merchant: "ACME", Destination: "US"},
		want(func(i int, _ acceptance.Shipment) bool { return i%5 == 4 && i%4 != 3 }))
	// Within the merchant or the destination a search reads one range of
	// shipment_terms (migration 00032), for the page and the count.
	check("search within merchant", acceptance.Filter{Search: "wang", Merchant: "OTHER"},
		want(func(i int, _ acceptance.Shipment) bool { return (i%5 == 1 || i%5 == 4) && i%4 == 3 }))
	check("search within destination", acceptance.Filter{Search: "wang", Destination: "US"},
		want(func(i int, sh acceptance.Shipment) bool {
			return (i%5 == 1 || i%5 == 4) && sh.Addressee.Country == "US"
		}))
	check("search within merchant and status", acceptance.Filter{Search: "wang", Merchant: "ACME", Status: acceptance.StatusCreated},
		want(func(i int, _ acceptance.Shipment) bool { return (i%5 == 1 || i%5 == 4) && i%4 != 3 }))
	check("stuck", acceptance.Filter{StuckBefore: t0.Add(3 * time.Hour)}, want(func(i int, _ acceptance.Shipment) bool { return i < 3 }))

	// Sorted by a column, ties broken by position, across pages.
	byWeight := slices.Clone(all)
	slices.SortStableFunc(byWeight, func(a, b acceptance.Shipment) int { return a.WeightG - b.WeightG })
	check("weight ascending", acceptance.Filter{Sort: "weight"}, ids(byWeight))
	byDest := slices.Clone(all)
	slices.Reverse(byDest)
	slices.SortStableFunc(byDest, func(a, b acceptance.Shipment) int {
		if a.Addressee.Country == b.Addressee.Country {
			return 0
		}
		if a.Addressee.Country > b.Addressee.Country {
			return -1
		}
		return 1
	})
	check("destination descending", acceptance.Filter{Sort: "-destination"}, ids(byDest))
	check("updated descending", acceptance.Filter{Sort: "-updated"}, want(func(int, acceptance.Shipment) bool { return true }))

	n, exact, err := s.CountMatching(ctx, acceptance.Filter{Product: "ems"}, 4)
	if err != nil || n != 4 || exact {
		t.Errorf("capped count = %d, %v, %v; want 4, not exact", n, exact, err)
	}
	n, exact, err = s.CountMatching(ctx, acceptance.Filter{Merchant: "ACME", Status: acceptance.StatusCreated}, 4)
	if err != nil || n != 15 || !exact {
		t.Errorf("kept count = %d, %v, %v; want 15 exact", n, exact, err)
	}
	if _, _, err := s.Shipments(ctx, acceptance.Filter{Sort: "weight", Limit: 2, Key: &paging.Key{Sort: "weight", Value: "heavy"}}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("forged cursor value = %v, want invalid", err)
	}
}
