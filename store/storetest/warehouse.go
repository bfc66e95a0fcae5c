package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/warehouse"
)

// runWarehouse runs the warehouse cases (issue 8).
func runWarehouse(t *testing.T, newDB Opener) {
	t.Run("WarehouseCatalog", func(t *testing.T) { testWarehouseCatalog(t, newDB(t)()) })
	t.Run("InboundReceipt", func(t *testing.T) { testInboundReceipt(t, newDB(t)()) })
	t.Run("OrderLifecycle", func(t *testing.T) { testOrderLifecycle(t, newDB(t)()) })
	t.Run("CycleCount", func(t *testing.T) { testCycleCount(t, newDB(t)()) })
	t.Run("NoOverselling", func(t *testing.T) { testNoOverselling(t, newDB(t)) })
	t.Run("ConcurrentOrderKey", func(t *testing.T) { testConcurrentOrderKey(t, newDB(t)) })
	t.Run("FindOrders", func(t *testing.T) { testFindOrders(t, newDB(t)()) })
}

var (
	admin    = auth.Principal{KeyID: "admin", Role: auth.RoleAdmin}
	operator = auth.Principal{KeyID: "op", Role: auth.RoleOperator}
	customs  = auth.Principal{KeyID: "cus", Role: auth.RoleCustoms}
	acme     = auth.Principal{KeyID: "acme", Role: auth.RoleMerchant, Merchant: "ACME"}
)

// warehouseWorld seeds offices, merchants ACME and OTHER, warehouses in
// Liège (serves BE 1 day, PL 3, DE 2) and Warsaw (PL 1 day), and SKUs, and
// returns the service over s.
func warehouseWorld(t *testing.T, s store.Store) *warehouse.Service {
	t.Helper()
	ctx := context.Background()
	if err := s.PutOffices(ctx, []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.544, Lon: 118.1277, TZ: "Asia/Shanghai", ConnectMin: 150, Customs: true},
		{Code: "BELGGW", Name: "Liege Overseas Warehouse", Country: "BE", Kind: network.KindWarehouse, Lat: 50.6374, Lon: 5.4432, TZ: "Europe/Brussels", ConnectMin: 120, Customs: true},
		{Code: "PLWAWW", Name: "Warsaw Overseas Warehouse", Country: "PL", Kind: network.KindWarehouse, Lat: 52.1657, Lon: 20.9671, TZ: "Europe/Warsaw", ConnectMin: 120, Customs: true},
	}); err != nil {
		t.Fatal(err)
	}
	merchant(t, s, "ACME")
	merchant(t, s, "OTHER")
	svc := &warehouse.Service{Store: s, Rates: postal.DefaultRates(), Country: "CN", Now: func() time.Time { return t0 },
		Items: &acceptance.Service{Store: s, Rates: postal.DefaultRates(), Country: "CN", Now: func() time.Time { return t0 }}}
	zones := []warehouse.Zone{{Code: "A", Kind: warehouse.ZoneAmbient, Bins: 20}, {Code: "D", Kind: warehouse.ZoneDangerous, Bins: 2}}
	for _, w := range []warehouse.Warehouse{
		{Code: "BELGGW", Kind: warehouse.KindOverseas, Address: warehouse.Address{Address: "Rue de l'Aeroport 1", City: "Grace-Hollogne", Postcode: "4460"},
			Serves: []warehouse.Coverage{{Country: "BE", Days: 1}, {Country: "PL", Days: 3}, {Country: "DE", Days: 2}}, Zones: zones},
		{Code: "PLWAWW", Kind: warehouse.KindOverseas, Address: warehouse.Address{Address: "ul. Wirazowa 35", City: "Warszawa", Postcode: "02-158"},
			Serves: []warehouse.Coverage{{Country: "PL", Days: 1}}, Zones: zones[:1]},
	} {
		if _, err := svc.PutWarehouse(ctx, admin, w); err != nil {
			t.Fatalf("PutWarehouse(%s): %v", w.Code, err)
		}
	}
	for m, codes := range map[string][]string{"ACME": {"TEA-1", "CUP-1", "BATT-1"}, "OTHER": {"SECRET-1"}} {
		var skus []warehouse.SKU
		for _, c := range codes {
			skus = append(skus, warehouse.SKU{Code: c, Description: "Oolong tea " + c, HSCode: "0902.30", UnitWeightG: 120, UnitValue: "8.5",
				Currency: "USD", OriginCountry: "CN", DangerousGoods: c == "BATT-1"})
		}
		if _, err := svc.PutSKUs(ctx, admin, m, skus); err != nil {
			t.Fatalf("PutSKUs(%s): %v", m, err)
		}
	}
	return svc
}

// stockUp books and receives an inbound of qty units per SKU at a warehouse.
func stockUp(t *testing.T, svc *warehouse.Service, merchant, wh string, qty map[string]int) warehouse.Inbound {
	t.Helper()
	ctx := context.Background()
	var lines []warehouse.SKULine
	var counted []warehouse.ReceiptLine
	for sku, q := range qty {
		lines = append(lines, warehouse.SKULine{SKU: sku, Quantity: q})
		counted = append(counted, warehouse.ReceiptLine{SKU: sku, Counted: q})
	}
	in, err := svc.BookInbound(ctx, admin, warehouse.InboundRequest{Merchant: merchant, Warehouse: wh,
		Packages: []warehouse.Package{{Ref: "PALLET-1", Kind: "pallet", Lines: lines}}})
	if err != nil {
		t.Fatalf("BookInbound: %v", err)
	}
	if _, err := svc.RecordClearance(ctx, customs, in.ID, warehouse.Clearance{Decision: "released", Reference: "C-" + in.ID}); err != nil {
		t.Fatalf("RecordClearance: %v", err)
	}
	in, err = svc.Receive(ctx, operator, in.ID, warehouse.ReceiptRequest{Lines: counted})
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return in
}

func stockOf(t *testing.T, s store.Store, wh, m, sku string) warehouse.Stock {
	t.Helper()
	rows, err := s.Stock(context.Background(), warehouse.StockFilter{Warehouse: wh, Merchant: m, SKU: sku})
	if err != nil || len(rows) > 1 {
		t.Fatalf("Stock(%s %s %s) = %v, %v", wh, m, sku, rows, err)
	}
	if len(rows) == 0 {
		return warehouse.Stock{Warehouse: wh, Merchant: m, SKU: sku}
	}
	return rows[0]
}

func verifyLedger(t *testing.T, s store.Store) {
	t.Helper()
	bad, err := s.VerifyLedger(context.Background())
	if err != nil || len(bad) > 0 {
		t.Fatalf("VerifyLedger = %+v, %v; want no mismatch", bad, err)
	}
}

func testWarehouseCatalog(t *testing.T, s store.Store) {
	ctx := context.Background()
	svc := warehouseWorld(t, s)
	w, err := s.Warehouse(ctx, "BELGGW")
	if err != nil || w.Name != "Liege Overseas Warehouse" || w.Country != "BE" || len(w.Zones) != 2 || !w.UpdatedAt.Equal(t0) {
		t.Fatalf("Warehouse = %+v, %v", w, err)
	}
	if d, ok := w.Days("PL"); !ok || d != 3 {
		t.Errorf("Days(PL) = %d, %v", d, ok)
	}
	if _, err := s.Warehouse(ctx, "CNXMNA"); code(err) != postal.CodeNotFound {
		t.Errorf("Warehouse(oe) = %v, want not_found", err)
	}
	if ws, err := s.Warehouses(ctx); err != nil || len(ws) != 2 || ws[0].Code != "BELGGW" {
		t.Errorf("Warehouses = %+v, %v", ws, err)
	}
	// An office of another kind can't be a warehouse.
	if _, err := svc.PutWarehouse(ctx, admin, warehouse.Warehouse{Code: "CNXMNA", Kind: warehouse.KindBorder, Address: w.Address, Serves: w.Serves, Zones: w.Zones}); code(err) != postal.CodeInvalid {
		t.Errorf("warehouse on an OE = %v, want invalid", err)
	}
	skus, err := s.SKUs(ctx, "ACME")
	if err != nil || len(skus) != 3 || skus[0].Code != "BATT-1" || !skus[0].DangerousGoods || skus[1].HSCode != "090230" || skus[1].UnitValue != "8.50" {
		t.Fatalf("SKUs = %+v, %v", skus, err)
	}
	if some, err := s.SKUs(ctx, "ACME", "TEA-1", "SECRET-1"); err != nil || len(some) != 1 {
		t.Errorf("SKUs(codes) = %+v, %v; another merchant's SKU must not match", some, err)
	}
	if err := s.PutSKUs(ctx, []warehouse.SKU{{Merchant: "NOBODY", Code: "X", Description: "x", HSCode: "090230", UnitWeightG: 1, UnitValue: "1.00", Currency: "USD", OriginCountry: "CN"}}); code(err) != postal.CodeNotFound {
		t.Errorf("SKU of unknown merchant = %v, want not_found", err)
	}
}

func testInboundReceipt(t *testing.T, s store.Store) {
	ctx := context.Background()
	svc := warehouseWorld(t, s)
	in, err := svc.BookInbound(ctx, acme, warehouse.InboundRequest{Warehouse: "BELGGW", Reference: "PO-1", Packages: []warehouse.Package{
		{Ref: "P1", Kind: "pallet", Lines: []warehouse.SKULine{{SKU: "TEA-1", Quantity: 100}, {SKU: "CUP-1", Quantity: 20}}},
		{Ref: "C1", Kind: "carton", Lines: []warehouse.SKULine{{SKU: "TEA-1", Quantity: 10}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != warehouse.InboundBooked || !in.CustomsRequired || in.Origin != "CNXMNA" || in.Corridor.Mode == "" ||
		in.Declaration == nil || len(in.Declaration.Lines) != 2 || in.Declaration.TotalValue != "1105.00" {
		t.Fatalf("booked %+v decl %+v", in, in.Declaration)
	}
	if _, err := svc.BookInbound(ctx, acme, warehouse.InboundRequest{Warehouse: "BELGGW", Reference: "PO-1", Packages: in.Packages}); code(err) != postal.CodeConflict {
		t.Errorf("same reference again = %v, want conflict", err)
	}
	if _, err := svc.Receive(ctx, operator, in.ID, warehouse.ReceiptRequest{Lines: []warehouse.ReceiptLine{{SKU: "TEA-1", Counted: 1}}}); code(err) != postal.CodeConflict {
		t.Errorf("receipt before clearance = %v, want conflict", err)
	}
	if _, err := svc.Receive(ctx, operator, "INB-NEVERBOOKED", warehouse.ReceiptRequest{}); code(err) != postal.CodeNotFound {
		t.Errorf("receipt of unbooked inbound = %v, want not_found", err)
	}
	if _, err := svc.RecordClearance(ctx, customs, in.ID, warehouse.Clearance{Decision: "released", Reference: "BE-IMP-1"}); err != nil {
		t.Fatal(err)
	}
	receipt := warehouse.ReceiptRequest{Lines: []warehouse.ReceiptLine{{SKU: "TEA-1", Counted: 105, Damaged: 2}, {SKU: "BATT-1", Counted: 3}}}
	got, err := svc.Receive(ctx, operator, in.ID, receipt)
	if err != nil {
		t.Fatal(err)
	}
	want := []warehouse.Discrepancy{{SKU: "BATT-1", Kind: "over", Quantity: 3}, {SKU: "CUP-1", Kind: "short", Quantity: 20}, {SKU: "TEA-1", Kind: "short", Quantity: 3}, {SKU: "TEA-1", Kind: "damaged", Quantity: 2}}
	if got.Status != warehouse.InboundReceived || fmt.Sprint(got.Receipt.Discrepancies) != fmt.Sprint(want) {
		t.Fatalf("receipt %+v\ndiscrepancies %v\nwant %v", got.Receipt, got.Receipt.Discrepancies, want)
	}
	if st := stockOf(t, s, "BELGGW", "ACME", "TEA-1"); st.OnHand != 105 || st.Available != 105 || st.Bin != "A-001" {
		t.Errorf("TEA-1 stock %+v", st)
	}
	if st := stockOf(t, s, "BELGGW", "ACME", "BATT-1"); st.OnHand != 3 || st.Bin != "D-001" {
		t.Errorf("BATT-1 stock %+v (dangerous goods go to the D zone)", st)
	}
	// Retrying the same receipt changes nothing; another one is refused.
	if again, err := svc.Receive(ctx, operator, in.ID, receipt); err != nil || !again.Receipt.ReceivedAt.Equal(got.Receipt.ReceivedAt) {
		t.Errorf("replayed receipt = %v", err)
	}
	if _, err := svc.Receive(ctx, operator, in.ID, warehouse.ReceiptRequest{Lines: []warehouse.ReceiptLine{{SKU: "TEA-1", Counted: 1}}}); code(err) != postal.CodeConflict {
		t.Errorf("second, different receipt = %v, want conflict", err)
	}
	if st := stockOf(t, s, "BELGGW", "ACME", "TEA-1"); st.OnHand != 105 {
		t.Errorf("after replays TEA-1 on hand %d, want 105", st.OnHand)
	}
	moves, _, err := s.Movements(ctx, warehouse.MovementFilter{Ref: in.ID, Limit: 10})
	if err != nil || len(moves) != 2 || moves[0].Reason != warehouse.ReasonReceipt {
		t.Errorf("movements %+v, %v", moves, err)
	}
	list, _, err := s.Inbounds(ctx, warehouse.InboundFilter{Merchant: "ACME", Status: warehouse.InboundReceived, Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != in.ID {
		t.Errorf("Inbounds = %v, %v", list, err)
	}
	verifyLedger(t, s)
}

func testOrderLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	svc := warehouseWorld(t, s)
	stockUp(t, svc, "ACME", "BELGGW", map[string]int{"TEA-1": 10, "CUP-1": 5})
	stockUp(t, svc, "ACME", "PLWAWW", map[string]int{"TEA-1": 2})
	buyer := acceptance.Party{Name: "Anna Nowak", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"}
	order := func(ref string, lines ...warehouse.SKULine) (warehouse.Order, error) {
		o, _, err := svc.PlaceOrder(ctx, acme, warehouse.OrderRequest{MerchantOrderID: ref, Buyer: buyer, Lines: lines}, "")
		return o, err
	}
	// Warsaw (1 day) holds 2 TEA-1: a 2-unit order ships from there alone.
	o1, err := order("S-1", warehouse.SKULine{SKU: "TEA-1", Quantity: 2})
	if err != nil || len(o1.Parcels) != 1 || o1.Parcels[0].Warehouse != "PLWAWW" || o1.Status != warehouse.OrderReserved {
		t.Fatalf("o1 = %+v, %v", o1, err)
	}
	// Liège holds everything of this one: one parcel from Liège.
	o2, err := order("S-2", warehouse.SKULine{SKU: "TEA-1", Quantity: 3}, warehouse.SKULine{SKU: "CUP-1", Quantity: 1})
	if err != nil || len(o2.Parcels) != 1 || o2.Parcels[0].Warehouse != "BELGGW" {
		t.Fatalf("o2 = %+v, %v", o2, err)
	}
	// All or none: CUP-1 is short, so TEA-1 is not reserved either.
	before := stockOf(t, s, "BELGGW", "ACME", "TEA-1")
	if _, err := order("S-3", warehouse.SKULine{SKU: "TEA-1", Quantity: 1}, warehouse.SKULine{SKU: "CUP-1", Quantity: 50}); !errors.Is(err, warehouse.ErrInsufficientStock) {
		t.Fatalf("short order = %v, want ErrInsufficientStock", err)
	}
	if after := stockOf(t, s, "BELGGW", "ACME", "TEA-1"); after != before {
		t.Fatalf("a refused order changed stock: %+v → %+v", before, after)
	}
	if _, err := order("S-4", warehouse.SKULine{SKU: "SECRET-1", Quantity: 1}); code(err) != postal.CodeNotFound {
		t.Errorf("another merchant's SKU = %v, want not_found", err)
	}
	if _, err := order("S-2", warehouse.SKULine{SKU: "TEA-1", Quantity: 1}); code(err) != postal.CodeConflict {
		t.Errorf("reused merchant order id = %v, want conflict", err)
	}
	// Cancel before pick releases the reservation; twice is fine.
	c, err := svc.CancelOrder(ctx, acme, o1.ID)
	if err != nil || c.Status != warehouse.OrderCancelled || c.Parcels[0].Status != warehouse.ParcelCancelled {
		t.Fatalf("cancel = %+v, %v", c, err)
	}
	if _, err := svc.CancelOrder(ctx, acme, o1.ID); err != nil {
		t.Errorf("second cancel: %v", err)
	}
	if st := stockOf(t, s, "PLWAWW", "ACME", "TEA-1"); st.Reserved != 0 || st.Available != 2 {
		t.Errorf("after cancel %+v", st)
	}
	// Split: 11 TEA-1 to PL = 2 from Warsaw (fastest) + 9 from Liège... but
	// Liège has only 7 left (10 - 3): 2 + 7 = 9 < 11 → refused.
	if _, err := order("S-5", warehouse.SKULine{SKU: "TEA-1", Quantity: 11}); !errors.Is(err, warehouse.ErrInsufficientStock) {
		t.Fatalf("11 TEA-1 = %v, want insufficient", err)
	}
	o6, err := order("S-6", warehouse.SKULine{SKU: "TEA-1", Quantity: 9})
	if err != nil || len(o6.Parcels) != 2 || o6.Parcels[0].Warehouse != "PLWAWW" || o6.Parcels[0].Lines[0].Quantity != 2 ||
		o6.Parcels[1].Warehouse != "BELGGW" || o6.Parcels[1].Lines[0].Quantity != 7 {
		t.Fatalf("split order = %+v, %v", o6, err)
	}
	// Pick at Liège: o2 then o6's parcel 2, lines in bin order.
	pl, err := svc.CreatePickList(ctx, operator, "BELGGW", 10)
	if err != nil || pl.Parcels != 2 || len(pl.Lines) != 3 || pl.Lines[0].Bin > pl.Lines[2].Bin {
		t.Fatalf("pick list = %+v, %v", pl, err)
	}
	if _, err := svc.CreatePickList(ctx, operator, "BELGGW", 10); !errors.Is(err, warehouse.ErrNothingToPick) {
		t.Errorf("second pick list = %v, want ErrNothingToPick", err)
	}
	if got, err := s.PickList(ctx, pl.ID); err != nil || len(got.Lines) != 3 {
		t.Errorf("PickList = %+v, %v", got, err)
	}
	if _, err := svc.CancelOrder(ctx, acme, o2.ID); code(err) != postal.CodeConflict {
		t.Errorf("cancel after pick = %v, want conflict", err)
	}
	packed, sh, err := svc.Pack(ctx, operator, o2.ID, 1, warehouse.PackRequest{})
	if err != nil || packed.Status != warehouse.OrderPacked || packed.Parcels[0].ItemID != sh.ID || sh.Declaration == nil ||
		len(sh.Declaration.Lines) != 2 || sh.Addressee.Country != "PL" || sh.Sender.Country != "BE" || sh.Product != "e-packet" {
		t.Fatalf("pack = %+v, %+v, %v", packed, sh, err)
	}
	if again, sh2, err := svc.Pack(ctx, operator, o2.ID, 1, warehouse.PackRequest{}); err != nil || sh2.ID != sh.ID || again.Status != warehouse.OrderPacked {
		t.Errorf("repack = %s, %v", sh2.ID, err)
	}
	if _, _, err := svc.Pack(ctx, operator, o6.ID, 1, warehouse.PackRequest{}); code(err) != postal.CodeConflict {
		t.Errorf("pack unpicked parcel = %v, want conflict", err)
	}
	if st := stockOf(t, s, "BELGGW", "ACME", "TEA-1"); st.OnHand != 7 || st.Reserved != 7 || st.Available != 0 {
		t.Errorf("Liège TEA-1 after packing 3: %+v", st)
	}
	if o, err := s.Order(ctx, o6.ID); err != nil || o.Status != warehouse.OrderPicking {
		t.Errorf("o6 status = %s, %v", o.Status, err)
	}
	page, next, err := s.Orders(ctx, warehouse.OrderFilter{Merchant: "ACME", Limit: 2})
	if err != nil || len(page) != 2 || next == "" || page[0].ID != o1.ID || len(page[1].Parcels) != 1 {
		t.Errorf("Orders page = %+v, %q, %v", page, next, err)
	}
	demand, err := s.Demand(ctx, "ACME", t0.Add(-time.Hour))
	if err != nil || fmt.Sprint(demand) != "[{BELGGW ACME CUP-1 1} {BELGGW ACME TEA-1 10} {PLWAWW ACME TEA-1 2}]" {
		t.Errorf("Demand = %v, %v", demand, err)
	}
	verifyLedger(t, s)
}

func testCycleCount(t *testing.T, s store.Store) {
	ctx := context.Background()
	svc := warehouseWorld(t, s)
	stockUp(t, svc, "ACME", "BELGGW", map[string]int{"TEA-1": 10})
	buyer := acceptance.Party{Name: "Jan Peeters", Address: "Rue Neuve 1", City: "Bruxelles", Postcode: "1000", Country: "BE"}
	if _, _, err := svc.PlaceOrder(ctx, acme, warehouse.OrderRequest{MerchantOrderID: "C-1", Buyer: buyer, Lines: []warehouse.SKULine{{SKU: "TEA-1", Quantity: 4}}}, ""); err != nil {
		t.Fatal(err)
	}
	c, err := svc.RecordCount(ctx, operator, "BELGGW", warehouse.CountRequest{Note: "zone A", Lines: []warehouse.CountLine{
		{Merchant: "ACME", SKU: "TEA-1", Counted: 8}, {Merchant: "ACME", SKU: "CUP-1", Counted: 2}}})
	if err != nil || c.Lines[0].Expected != 10 || c.Lines[0].Adjustment != -2 || c.Lines[1].Expected != 0 || c.Lines[1].Adjustment != 2 {
		t.Fatalf("count = %+v, %v", c, err)
	}
	if st := stockOf(t, s, "BELGGW", "ACME", "TEA-1"); st.OnHand != 8 || st.Reserved != 4 || st.Available != 4 {
		t.Errorf("after count %+v", st)
	}
	// Counting fewer than are reserved is refused and changes nothing.
	_, err = svc.RecordCount(ctx, operator, "BELGGW", warehouse.CountRequest{Lines: []warehouse.CountLine{
		{Merchant: "ACME", SKU: "CUP-1", Counted: 5}, {Merchant: "ACME", SKU: "TEA-1", Counted: 3}}})
	if code(err) != postal.CodeConflict || len(postal.Fields(err)) != 1 || postal.Fields(err)[0].Field != "lines[1].counted" {
		t.Fatalf("count below reserved = %v (%v), want conflict on lines[1].counted", err, postal.Fields(err))
	}
	if st := stockOf(t, s, "BELGGW", "ACME", "CUP-1"); st.OnHand != 2 {
		t.Errorf("refused count changed CUP-1: %+v", st)
	}
	moves, _, err := s.Movements(ctx, warehouse.MovementFilter{Ref: c.ID, Limit: 10})
	if err != nil || len(moves) != 2 || moves[0].Reason != warehouse.ReasonCount {
		t.Errorf("count movements %+v, %v", moves, err)
	}
	verifyLedger(t, s)
}

// testNoOverselling fires 1,000 concurrent orders of one unit at a SKU with
// 100 units over two nodes: exactly 100 must be reserved.
func testNoOverselling(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	svcs := make([]*warehouse.Service, len(nodes))
	svcs[0] = warehouseWorld(t, nodes[0])
	for i := 1; i < len(nodes); i++ {
		cp := *svcs[0]
		cp.Store = nodes[i]
		svcs[i] = &cp
	}
	stockUp(t, svcs[0], "ACME", "PLWAWW", map[string]int{"TEA-1": 100})
	const orders = 1000
	buyer := acceptance.Party{Name: "Anna Nowak", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, orders)
	ids := make([]string, orders)
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			o, _, err := svcs[i%len(svcs)].PlaceOrder(context.Background(), acme, warehouse.OrderRequest{
				MerchantOrderID: fmt.Sprintf("RUSH-%04d", i), Buyer: buyer, Lines: []warehouse.SKULine{{SKU: "TEA-1", Quantity: 1}}}, "")
			ids[i], errs[i] = o.ID, err
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	reserved, refused := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			reserved++
		case errors.Is(err, warehouse.ErrInsufficientStock):
			refused++
		default:
			t.Fatalf("order %d: %v", i, err)
		}
	}
	st := stockOf(t, nodes[0], "PLWAWW", "ACME", "TEA-1")
	t.Logf("%s: %d concurrent orders fired at 100 units: %d reserved, %d refused, stock on_hand=%d reserved=%d available=%d, in %v",
		nodes[0].Kind(), orders, reserved, refused, st.OnHand, st.Reserved, st.Available, took.Round(time.Millisecond))
	if reserved != 100 || refused != orders-100 || st.Reserved != 100 || st.Available != 0 || st.OnHand != 100 {
		t.Fatalf("oversold or undersold: %d orders reserved, stock %+v", reserved, st)
	}
	stored, _, err := nodes[1].Orders(context.Background(), warehouse.OrderFilter{Merchant: "ACME", Limit: 500})
	if err != nil || len(stored) != 100 {
		t.Fatalf("%d orders stored, want 100 (%v)", len(stored), err)
	}
	verifyLedger(t, nodes[0])
}

// testConcurrentOrderKey replays one Idempotency-Key concurrently on two
// nodes: one order, reserved once.
func testConcurrentOrderKey(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	svc := warehouseWorld(t, nodes[0])
	other := *svc
	other.Store = nodes[1]
	svcs := []*warehouse.Service{svc, &other}
	stockUp(t, svc, "ACME", "BELGGW", map[string]int{"TEA-1": 10})
	r := warehouse.OrderRequest{MerchantOrderID: "K-1", Lines: []warehouse.SKULine{{SKU: "TEA-1", Quantity: 2}},
		Buyer: acceptance.Party{Name: "Jan Peeters", Address: "Rue Neuve 1", City: "Bruxelles", Postcode: "1000", Country: "BE"}}
	const tries = 12
	ids := make([]string, tries)
	created := make([]bool, tries)
	errs := make([]error, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, c, err := svcs[i%2].PlaceOrder(context.Background(), acme, r, "same-key")
			ids[i], created[i], errs[i] = o.ID, c, err
		}()
	}
	wg.Wait()
	n := 0
	for i := range tries {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("try %d: %s %v (try 0: %s)", i, ids[i], errs[i], ids[0])
		}
		if created[i] {
			n++
		}
	}
	if st := stockOf(t, nodes[0], "BELGGW", "ACME", "TEA-1"); n != 1 || st.Reserved != 2 {
		t.Fatalf("%d created, reserved %d; want 1 and 2", n, st.Reserved)
	}
	r.Lines[0].Quantity = 3
	if _, _, err := svc.PlaceOrder(context.Background(), acme, r, "same-key"); !errors.Is(err, warehouse.ErrOrderKeyMismatch) {
		t.Errorf("same key, other order = %v", err)
	}
}
