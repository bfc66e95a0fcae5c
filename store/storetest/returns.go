package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/warehouse"
)

// testReturns: one return per item (the second create returns the first),
// updates, filters newest first, and a restock booking the resaleable
// units into stock with the inspection kept, all in one transaction.
func testReturns(t *testing.T, s store.Store) {
	ctx := context.Background()
	warehouseWorld(t, s)
	if _, err := s.Return(ctx, "RET-EE000000000CN"); code(err) != postal.CodeNotFound {
		t.Fatalf("Return(unknown) = %v, want not_found", err)
	}
	in := returns.Return{ID: "RET-EE100000001JP", Item: "EE100000001JP", Kind: returns.KindUndeliverable, Direction: returns.ToOrigin,
		Status: returns.StatusReturning, Reason: "refused", Partner: "JPPOST", Office: "CNPEKA", ReturnTo: "JPTYOA", Origin: "CN", Dest: "JP",
		Product: "ems", WeightG: 900, CreatedAt: t0, CreatedBy: "op"}
	got, created, err := s.CreateReturn(ctx, in)
	if err != nil || !created || got.ID != in.ID || !got.CreatedAt.Equal(t0) || got.Partner != "JPPOST" || !got.ReceivedAt.IsZero() {
		t.Fatalf("CreateReturn = %+v, %v, %v", got, created, err)
	}
	again := in
	again.Reason = "other"
	if got, created, err := s.CreateReturn(ctx, again); err != nil || created || got.Reason != "refused" {
		t.Fatalf("CreateReturn again = %+v, %v, %v; want the first, not created", got, created, err)
	}
	ours := returns.Return{ID: "RET-EE100000002CN", Item: "EE100000002CN", Kind: returns.KindMerchant, Direction: returns.ToSender,
		Status: returns.StatusReceived, Reason: "wrong address", Merchant: "ACME", Office: "CNXMNA", ReturnTo: "CNXMNA", Origin: "CN", Dest: "CN",
		Product: "parcel", WeightG: 1200, CreatedAt: t0.Add(time.Hour), ReceivedAt: t0.Add(time.Hour), ReceivedOffice: "CNXMNA"}
	if _, _, err := s.CreateReturn(ctx, ours); err != nil {
		t.Fatal(err)
	}
	ours.Charge, ours.ChargeCurrency, ours.ChargeDebtor = "13.00", "CNY", "merchant:ACME"
	if err := s.UpdateReturn(ctx, ours); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateReturn(ctx, returns.Return{ID: "RET-NOPE"}); code(err) != postal.CodeNotFound {
		t.Fatalf("UpdateReturn(unknown) = %v, want not_found", err)
	}
	list, err := s.Returns(ctx, returns.Filter{})
	if err != nil || len(list) != 2 || list[0].ID != ours.ID || list[0].Charge != "13.00" {
		t.Fatalf("Returns = %+v, %v; want newest first with its charge", list, err)
	}
	if list, err := s.Returns(ctx, returns.Filter{Merchant: "ACME"}); err != nil || len(list) != 1 {
		t.Fatalf("Returns(merchant) = %d, %v", len(list), err)
	}
	if list, err := s.Returns(ctx, returns.Filter{Partner: "JPPOST", Status: returns.StatusReturning}); err != nil || len(list) != 1 {
		t.Fatalf("Returns(partner, status) = %d, %v", len(list), err)
	}
	ours.Status, ours.ClosedAt, ours.ClosedOffice, ours.Warehouse = returns.StatusRestocked, t0.Add(2*time.Hour), "CNXMNA", "PLWAWW"
	ours.Lines = []returns.Line{{SKU: "TEA-1", Resaleable: 2, Damaged: 1}, {SKU: "CUP-1", Damaged: 1}}
	if err := s.RestockReturn(ctx, ours); err != nil {
		t.Fatal(err)
	}
	back, err := s.Return(ctx, ours.ID)
	if err != nil || back.Status != returns.StatusRestocked || len(back.Lines) != 2 || back.Lines[1].Resaleable != 2 || back.Warehouse != "PLWAWW" {
		t.Fatalf("Return after restock = %+v, %v", back, err)
	}
	stock, err := s.Stock(ctx, warehouse.StockFilter{Warehouse: "PLWAWW", Merchant: "ACME"})
	if err != nil || len(stock) != 1 || stock[0].SKU != "TEA-1" || stock[0].OnHand != 2 || stock[0].Available != 2 {
		t.Fatalf("Stock after restock = %+v, %v; want TEA-1 2 on hand (damaged written off)", stock, err)
	}
	moves, _, err := s.Movements(ctx, warehouse.MovementFilter{Ref: ours.ID, Limit: 10})
	if err != nil || len(moves) != 1 || moves[0].Reason != warehouse.ReasonReturn || moves[0].OnHandDelta != 2 {
		t.Fatalf("Movements(return) = %+v, %v", moves, err)
	}
	if err := s.RestockReturn(ctx, ours); err == nil {
		t.Fatal("RestockReturn twice: want an error (inspection stored once)")
	}
	if stock, _ := s.Stock(ctx, warehouse.StockFilter{Warehouse: "PLWAWW"}); len(stock) != 1 || stock[0].OnHand != 2 {
		t.Fatalf("a failed restock changed stock: %+v", stock)
	}
}
