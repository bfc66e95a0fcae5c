package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/warehouse"
)

// BenchmarkOrders measures orders per second through warehouse choice,
// reservation and pick-list creation (one pick list per 50 orders), with
// orders placed from 16 goroutines at once. PostgreSQL runs when
// INTERPOST_TEST_POSTGRES names a database to use (its tables are reset).
func BenchmarkOrders(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(context.Background(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchOrders(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		url := os.Getenv("INTERPOST_TEST_POSTGRES")
		if url == "" {
			b.Skip("set INTERPOST_TEST_POSTGRES to measure PostgreSQL")
		}
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		for _, t := range []string{"order_keys", "order_parcels", "orders", "pick_lists", "cycle_counts", "stock_movements", "stock", "inbounds", "skus", "warehouses"} {
			if _, err := st.W.Exec("DELETE FROM " + t); err != nil {
				b.Fatal(err)
			}
		}
		benchOrders(b, st)
	})
}

var benchRun atomic.Int64

func benchOrders(b *testing.B, st store.Store) {
	ctx := context.Background()
	admin := auth.Principal{Role: auth.RoleAdmin}
	run := benchRun.Add(1)
	if err := st.PutOffices(ctx, []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1, TZ: "Asia/Shanghai", ConnectMin: 120},
		{Code: "BELGGW", Name: "Liege", Country: "BE", Kind: network.KindWarehouse, Lat: 50.6, Lon: 5.4, TZ: "Europe/Brussels", ConnectMin: 120},
	}); err != nil {
		b.Fatal(err)
	}
	if err := st.PutMerchant(ctx, acceptance.Merchant{Code: "ACME", Name: "Acme", Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	svc := &warehouse.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN"}
	if _, err := svc.PutWarehouse(ctx, admin, warehouse.Warehouse{Code: "BELGGW", Kind: warehouse.KindOverseas,
		Address: warehouse.Address{Address: "Rue 1", City: "Liege"}, Serves: []warehouse.Coverage{{Country: "BE", Days: 1}},
		Zones: []warehouse.Zone{{Code: "A", Kind: warehouse.ZoneAmbient, Bins: 100}}}); err != nil {
		b.Fatal(err)
	}
	var skus []warehouse.SKU
	var lines []warehouse.SKULine
	var counted []warehouse.ReceiptLine
	for i := range 20 {
		code := fmt.Sprintf("SKU-%02d", i)
		skus = append(skus, warehouse.SKU{Code: code, Description: "Oolong tea tin " + code, HSCode: "090230", UnitWeightG: 100, UnitValue: "5.00", Currency: "USD", OriginCountry: "CN"})
		lines = append(lines, warehouse.SKULine{SKU: code, Quantity: 1_000_000})
		counted = append(counted, warehouse.ReceiptLine{SKU: code, Counted: 1_000_000})
	}
	if _, err := svc.PutSKUs(ctx, admin, "ACME", skus); err != nil {
		b.Fatal(err)
	}
	in, err := svc.BookInbound(ctx, admin, warehouse.InboundRequest{Merchant: "ACME", Warehouse: "BELGGW", Packages: []warehouse.Package{{Ref: "P", Kind: "pallet", Lines: lines}}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.RecordClearance(ctx, admin, in.ID, warehouse.Clearance{Decision: "released"}); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Receive(ctx, admin, in.ID, warehouse.ReceiptRequest{Lines: counted}); err != nil {
		b.Fatal(err)
	}
	buyer := acceptance.Party{Name: "Jan Peeters", Address: "Rue Neuve 1", City: "Bruxelles", Postcode: "1000", Country: "BE"}
	var n atomic.Int64
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, _, err := svc.PlaceOrder(ctx, admin, warehouse.OrderRequest{Merchant: "ACME", MerchantOrderID: fmt.Sprintf("B%d-%d", run, i), Buyer: buyer,
				Lines: []warehouse.SKULine{{SKU: fmt.Sprintf("SKU-%02d", i%20), Quantity: 1}, {SKU: fmt.Sprintf("SKU-%02d", (i+7)%20), Quantity: 2}}}, ""); err != nil {
				b.Error(err)
				return
			}
			if i%50 == 0 {
				if _, err := svc.CreatePickList(ctx, admin, "BELGGW", 50); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "orders/s")
}
