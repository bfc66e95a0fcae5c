package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/warehouse"
)

// testFindOrders: the orders list newest first, filtered, searched (case,
// accents, pinyin), sorted and counted, across pages (issue 19 item 2).
func testFindOrders(t *testing.T, s store.Store) {
	ctx := context.Background()
	svc := warehouseWorld(t, s)
	stockUp(t, svc, "ACME", "BELGGW", map[string]int{"TEA-1": 50})
	stockUp(t, svc, "ACME", "PLWAWW", map[string]int{"TEA-1": 50})
	stockUp(t, svc, "OTHER", "BELGGW", map[string]int{"SECRET-1": 50})
	now := t0
	svc.Now = func() time.Time { return now }
	buyers := []acceptance.Party{
		{Name: "Hans Müller", Address: "Hauptstr. 1", City: "Köln", Postcode: "50667", Country: "DE"},
		{Name: "王小明", NameLatin: "Wang Xiaoming", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"},
		{Name: "Anna Nowak", Address: "ul. Prosta 7", City: "Warszawa", Postcode: "00-850", Country: "PL"},
		{Name: "Élodie Dubois", Address: "Rue Haute 2", City: "Bruxelles", Postcode: "1000", Country: "BE"},
	}
	var all []warehouse.Order // in creation order
	for i := range 8 {
		now = t0.Add(time.Duration(i) * time.Hour)
		who, sku := acme, "TEA-1"
		if i == 5 {
			who, sku = auth.Principal{KeyID: "other", Role: auth.RoleMerchant, Merchant: "OTHER"}, "SECRET-1"
		}
		o, _, err := svc.PlaceOrder(ctx, who, warehouse.OrderRequest{MerchantOrderID: "SO-" + string(rune('A'+i)) + "1",
			Buyer: buyers[i%4], Lines: []warehouse.SKULine{{SKU: sku, Quantity: 1}}}, "")
		if err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		all = append(all, o)
	}
	// Ten days on, Liège picks its parcels: those orders changed today.
	now = t0.Add(240 * time.Hour)
	if _, err := svc.CreatePickList(ctx, operator, "BELGGW", 50); err != nil {
		t.Fatal(err)
	}
	want := func(keep func(i int, o warehouse.Order) bool) []string {
		var out []string
		for i := len(all) - 1; i >= 0; i-- {
			if keep(i, all[i]) {
				out = append(out, all[i].ID)
			}
		}
		return out
	}
	check := func(name string, who auth.Principal, q warehouse.OrderQuery, w []string) {
		t.Helper()
		q.Limit = 2
		var got []string
		for {
			p, err := svc.FindOrders(ctx, who, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, o := range p.Items {
				got = append(got, o.ID)
			}
			if q.Cursor == "" && (p.Total != int64(len(w)) || !p.TotalExact) {
				t.Errorf("%s: total %d (exact %v), want %d", name, p.Total, p.TotalExact, len(w))
			}
			if p.NextCursor == "" {
				break
			}
			q.Cursor = p.NextCursor
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", name, got, w)
		}
	}
	everyone := func(int, warehouse.Order) bool { return true }
	check("newest first", admin, warehouse.OrderQuery{}, want(everyone))
	check("merchant's own", acme, warehouse.OrderQuery{}, want(func(i int, _ warehouse.Order) bool { return i != 5 }))
	check("destination", admin, warehouse.OrderQuery{Destination: "pl"}, want(func(i int, _ warehouse.Order) bool { return i%4 == 1 || i%4 == 2 }))
	check("warehouse", admin, warehouse.OrderQuery{Warehouse: "PLWAWW"}, want(func(_ int, o warehouse.Order) bool { return o.Parcels[0].Warehouse == "PLWAWW" }))
	check("status picking", admin, warehouse.OrderQuery{Status: warehouse.OrderPicking}, want(func(_ int, o warehouse.Order) bool { return o.Parcels[0].Warehouse == "BELGGW" }))
	check("stuck > 5 days", admin, warehouse.OrderQuery{StuckDays: 5}, want(func(_ int, o warehouse.Order) bool { return o.Parcels[0].Warehouse == "PLWAWW" }))
	check("date range", admin, warehouse.OrderQuery{From: t0.Add(2 * time.Hour), To: t0.Add(4 * time.Hour)}, want(func(i int, _ warehouse.Order) bool { return i == 2 || i == 3 }))
	check("accent-folded name", admin, warehouse.OrderQuery{Search: "MULL"}, want(func(i int, _ warehouse.Order) bool { return i%4 == 0 }))
	check("elodie", admin, warehouse.OrderQuery{Search: "élo"}, want(func(i int, _ warehouse.Order) bool { return i%4 == 3 }))
	check("pinyin", acme, warehouse.OrderQuery{Search: "wang"}, want(func(i int, _ warehouse.Order) bool { return i%4 == 1 && i != 5 }))
	check("chinese typed", admin, warehouse.OrderQuery{Search: "王小"}, want(func(i int, _ warehouse.Order) bool { return i%4 == 1 }))
	check("merchant order id", admin, warehouse.OrderQuery{Search: "so-c"}, want(func(i int, _ warehouse.Order) bool { return i == 2 }))
	check("order id", admin, warehouse.OrderQuery{Search: all[6].ID}, []string{all[6].ID})
	check("search + destination", admin, warehouse.OrderQuery{Search: "wang", Destination: "PL"}, want(func(i int, _ warehouse.Order) bool { return i%4 == 1 }))
	check("oldest first", admin, warehouse.OrderQuery{Sort: "created"}, func() []string { w := want(everyone); slices.Reverse(w); return w }())
	byDest := want(everyone)
	slices.SortStableFunc(byDest, func(a, b string) int {
		ca, cb := orderByID(all, a).Buyer.Country, orderByID(all, b).Buyer.Country
		switch {
		case ca < cb:
			return -1
		case ca > cb:
			return 1
		}
		return 0
	})
	// ties in creation order (ascending sort, ties ascending by position)
	for i := 0; i < len(byDest); {
		j := i
		for j < len(byDest) && orderByID(all, byDest[j]).Buyer.Country == orderByID(all, byDest[i]).Buyer.Country {
			j++
		}
		slices.Reverse(byDest[i:j])
		i = j
	}
	check("destination ascending", admin, warehouse.OrderQuery{Sort: "destination"}, byDest)

	for _, bad := range []warehouse.OrderQuery{{Status: "lost"}, {Sort: "weight"}, {Destination: "Poland"}, {StuckDays: -2}, {Search: "!!"}} {
		if _, err := svc.FindOrders(ctx, admin, bad); postal.ErrorCode(err) != postal.CodeInvalid || len(postal.Fields(err)) != 1 {
			t.Errorf("%+v = %v, want one invalid field", bad, err)
		}
	}
	if _, err := svc.FindOrders(ctx, acme, warehouse.OrderQuery{Merchant: "OTHER"}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("another merchant's orders = %v", err)
	}
	if _, err := svc.FindOrders(ctx, auth.Principal{Role: auth.RoleOperator, Offices: []string{"PLWAWW"}}, warehouse.OrderQuery{Warehouse: "BELGGW"}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("a warehouse outside the key = %v", err)
	}
	var rows [][]string
	err := svc.ExportOrders(ctx, acme, warehouse.OrderQuery{Destination: "PL"}, func(header []string, each func(func([]string) error) error) error {
		rows = append(rows, header)
		return each(func(r []string) error { rows = append(rows, r); return nil })
	})
	if err != nil || len(rows) != 4 || rows[0][0] != "id" || rows[1][0] != all[6].ID || rows[1][6] != "PL" {
		t.Errorf("export = %v, %v", rows, err)
	}
}

func orderByID(all []warehouse.Order, id string) warehouse.Order {
	for _, o := range all {
		if o.ID == id {
			return o
		}
	}
	return warehouse.Order{}
}
