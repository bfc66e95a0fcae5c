package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/warehouse"
)

// warehouseEnv adds the Liège warehouse office to a fresh env.
func warehouseEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	if err := e.store.PutOffices(context.Background(), []network.Office{
		{Code: "BELGGW", Name: "Liege Overseas Warehouse", Country: "BE", Kind: network.KindWarehouse, Lat: 50.6374, Lon: 5.4432, TZ: "Europe/Brussels", ConnectMin: 120, Customs: true},
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) must(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: %d, want %d: %s", what, r.status, status, r.body)
	}
	return r
}

// TestWarehouseWalkthrough: warehouse → SKUs → inbound → clearance →
// receipt → order → pick list → pack → label, over HTTP with each role.
func TestWarehouseWalkthrough(t *testing.T) {
	t.Parallel()
	e := warehouseEnv(t)
	e.must(e.do("PUT", "/v1/warehouses/BELGGW", "admin", map[string]any{
		"kind": "overseas", "address": map[string]any{"address": "Rue de l'Aeroport 1", "city": "Grace-Hollogne", "postcode": "4460"},
		"serves": []any{map[string]any{"country": "BE", "days": 1}, map[string]any{"country": "PL", "days": 3}},
		"zones":  []any{map[string]any{"code": "A", "kind": "ambient", "bins": 40}},
	}), 200, "put warehouse")
	e.must(e.do("PUT", "/v1/warehouses/BELGGW", "acme", map[string]any{}), 403, "merchant configures a warehouse")
	e.must(e.do("PUT", "/v1/skus", "acme", map[string]any{"skus": []any{
		map[string]any{"sku": "TEA-1", "description": "Oolong tea 100 g tin", "hs_code": "090230", "unit_weight_g": 120, "unit_value": "8.50", "currency": "USD", "origin_country": "CN"},
	}}), 200, "put SKUs")
	e.must(e.do("PUT", "/v1/skus", "other", map[string]any{"skus": []any{
		map[string]any{"sku": "SECRET-1", "description": "Jasmine tea 50 g", "hs_code": "090220", "unit_weight_g": 60, "unit_value": "4.00", "currency": "USD", "origin_country": "CN"},
	}}), 200, "put OTHER's SKUs")

	var in warehouse.Inbound
	e.must(e.do("POST", "/v1/inbounds", "acme", map[string]any{"warehouse": "BELGGW", "reference": "PO-77", "priority": "cost",
		"packages": []any{map[string]any{"ref": "PALLET-1", "kind": "pallet", "lines": []any{map[string]any{"sku": "TEA-1", "quantity": 50}}}},
	}), 201, "book inbound").json(t, &in)
	if in.Corridor.Mode != "sea" || !in.CustomsRequired || in.Declaration.TotalValue != "425.00" || len(in.Alternatives) != 2 {
		t.Errorf("inbound %+v", in)
	}
	e.must(e.do("GET", "/v1/inbounds/"+in.ID, "other", nil), 404, "other merchant reads the inbound")
	e.must(e.do("POST", "/v1/inbounds/"+in.ID+"/receipt", "operator", map[string]any{"lines": []any{map[string]any{"sku": "TEA-1", "counted": 48}}}), 409, "receipt before clearance")
	e.must(e.do("POST", "/v1/inbounds/"+in.ID+"/clearance", "operator", map[string]any{"decision": "released"}), 403, "operator clears")
	e.must(e.do("POST", "/v1/inbounds/"+in.ID+"/clearance", "customs", map[string]any{"decision": "released", "reference": "BE26IM0001"}), 200, "clearance")
	e.must(e.do("POST", "/v1/inbounds/INB-NEVERBOOKED/receipt", "operator", map[string]any{"lines": []any{}}), 404, "receipt of an inbound never booked")
	e.must(e.do("POST", "/v1/inbounds/"+in.ID+"/receipt", "operator", map[string]any{"lines": []any{map[string]any{"sku": "TEA-1", "counted": 48, "damaged": 1}}}), 200, "receipt").json(t, &in)
	if len(in.Receipt.Discrepancies) != 2 {
		t.Errorf("discrepancies %+v", in.Receipt.Discrepancies)
	}

	order := map[string]any{"merchant_order_id": "SHOP-1",
		"buyer": map[string]any{"name": "Anna Nowak", "address": "ul. Prosta 5", "city": "Warszawa", "postcode": "00-850", "country": "PL"},
		"lines": []any{map[string]any{"sku": "TEA-1", "quantity": 2}}}
	var o warehouse.Order
	e.must(e.do("POST", "/v1/orders", "acme", order, "Idempotency-Key", "k-1"), 201, "order").json(t, &o)
	if o.Status != "reserved" || o.Parcels[0].Warehouse != "BELGGW" {
		t.Fatalf("order %+v", o)
	}
	r := e.must(e.do("POST", "/v1/orders", "acme", order, "Idempotency-Key", "k-1"), 200, "replayed order")
	if r.header.Get("Idempotent-Replayed") != "true" || !strings.Contains(string(r.body), o.ID) {
		t.Errorf("replay: %v %s", r.header, r.body)
	}
	e.must(e.do("GET", "/v1/orders/"+o.ID, "other", nil), 404, "other merchant reads the order")

	var pl warehouse.PickList
	e.must(e.do("POST", "/v1/warehouses/BELGGW/pick-lists", "operator", map[string]any{"max_parcels": 10}), 201, "pick list").json(t, &pl)
	if pl.Parcels != 1 || pl.Lines[0].Bin != "A-001" {
		t.Errorf("pick list %+v", pl)
	}
	e.must(e.do("POST", "/v1/orders/"+o.ID+"/cancel", "acme", nil), 409, "cancel after pick")
	var packed struct {
		Order warehouse.Order
		Item  struct {
			ID          string
			Declaration struct{ Form string }
		}
	}
	e.must(e.do("POST", "/v1/orders/"+o.ID+"/parcels/1/pack", "operator", map[string]any{"weight_g": 300}), 200, "pack").json(t, &packed)
	if packed.Order.Status != "packed" || len(packed.Item.ID) != 13 || packed.Item.Declaration.Form != "CN22" {
		t.Errorf("packed %+v", packed)
	}
	label := e.must(e.do("GET", "/v1/orders/"+o.ID+"/parcels/1/label.pdf", "acme", nil), 200, "label")
	if !bytes.HasPrefix(label.body, []byte("%PDF")) {
		t.Errorf("label is not a PDF")
	}
	var stock struct{ Items []warehouse.Stock }
	e.must(e.do("GET", "/v1/stock?warehouse=BELGGW", "acme", nil), 200, "stock").json(t, &stock)
	if len(stock.Items) != 1 || stock.Items[0].OnHand != 46 || stock.Items[0].Reserved != 0 {
		t.Errorf("stock %+v", stock.Items)
	}
	// The orders list: filtered, searched, counted, exported; bad filters named.
	var list struct {
		Items      []warehouse.Order
		Total      int64
		TotalExact bool `json:"total_exact"`
	}
	e.must(e.do("GET", "/v1/orders?q=now&destination=pl&status=packed&warehouse=BELGGW", "acme", nil), 200, "find orders").json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != o.ID || list.Total != 1 || !list.TotalExact {
		t.Errorf("orders list %+v", list)
	}
	e.must(e.do("GET", "/v1/orders?q=now", "other", nil), 200, "other's search").json(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("other merchant finds %+v", list.Items)
	}
	r = e.must(e.do("GET", "/v1/orders?status=lost", "acme", nil), 422, "unknown status")
	if !strings.Contains(string(r.body), "reserved") || !strings.Contains(string(r.body), "status") {
		t.Errorf("unknown status: %s", r.body)
	}
	r = e.must(e.do("GET", "/v1/orders?destination=Poland", "acme", nil), 422, "bad destination")
	if !strings.Contains(string(r.body), "query.destination") {
		t.Errorf("bad destination: %s", r.body)
	}
	e.must(e.do("GET", "/v1/orders?merchant=OTHER", "acme", nil), 403, "another merchant's orders")
	r = e.must(e.do("GET", "/v1/orders/export?format=csv&q=shop-1", "acme", nil), 200, "export orders")
	if !strings.Contains(string(r.body), "id,merchant,merchant_order_id,status") || !strings.Contains(string(r.body), o.ID+",ACME,SHOP-1,packed") {
		t.Errorf("orders export:\n%s", r.body)
	}
	var bad struct{ Items []any }
	e.must(e.do("GET", "/v1/stock/verify", "operator", nil), 200, "verify").json(t, &bad)
	if len(bad.Items) != 0 {
		t.Errorf("ledger mismatches %v", bad.Items)
	}
	var adv struct{ Items []warehouse.Advice }
	e.must(e.do("GET", "/v1/replenishment?weeks=4", "acme", nil), 200, "replenishment").json(t, &adv)
	if len(adv.Items) != 1 || adv.Items[0].Sold != 2 || adv.Items[0].Corridor.Mode != "sea" {
		t.Errorf("advice %+v", adv.Items)
	}
}

func TestOrderBadInput(t *testing.T) {
	t.Parallel()
	e := warehouseEnv(t)
	e.must(e.do("PUT", "/v1/warehouses/BELGGW", "admin", map[string]any{
		"kind": "overseas", "address": map[string]any{"address": "Rue 1", "city": "Liege"},
		"serves": []any{map[string]any{"country": "BE", "days": 1}}, "zones": []any{map[string]any{"code": "A", "kind": "ambient", "bins": 4}},
	}), 200, "put warehouse")
	e.must(e.do("PUT", "/v1/skus", "other", map[string]any{"skus": []any{
		map[string]any{"sku": "SECRET-1", "description": "Jasmine tea 50 g", "hs_code": "090220", "unit_weight_g": 60, "unit_value": "4.00", "currency": "USD", "origin_country": "CN"},
	}}), 200, "put OTHER's SKUs")
	buyer := map[string]any{"name": "Jan Peeters", "address": "Rue Neuve 1", "city": "Bruxelles", "postcode": "1000", "country": "BE"}
	order := func(lines []any, b map[string]any) map[string]any {
		return map[string]any{"merchant_order_id": "X-1", "buyer": b, "lines": lines}
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"unknown SKU", order([]any{map[string]any{"sku": "NOPE", "quantity": 1}}, buyer), 404, "body.lines[0].sku"},
		{"another merchant's SKU", order([]any{map[string]any{"sku": "SECRET-1", "quantity": 1}}, buyer), 404, "body.lines[0].sku"},
		{"negative quantity", order([]any{map[string]any{"sku": "SECRET-1", "quantity": -2}}, buyer), 422, "body.lines[0].quantity"},
		{"country no warehouse serves", order([]any{map[string]any{"sku": "SECRET-1", "quantity": 1}}, map[string]any{"name": "A", "address": "B", "city": "C", "postcode": "01310-100", "country": "BR"}), 422, "body.buyer.country"},
		{"domestic buyer", order([]any{map[string]any{"sku": "SECRET-1", "quantity": 1}}, map[string]any{"name": "A", "address": "B", "city": "C", "postcode": "361000", "country": "CN"}), 422, "body.buyer.country"},
		{"out of stock", order([]any{map[string]any{"sku": "SECRET-1", "quantity": 1}}, buyer), 409, "body.lines[0].quantity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "acme"
			if tt.name == "out of stock" {
				key = "other"
			}
			r := e.do("POST", "/v1/orders", key, tt.body)
			var p problem
			r.json(t, &p)
			if r.status != tt.status || !p.names(tt.field) {
				t.Errorf("%d %s; want %d naming %s", r.status, r.body, tt.status, tt.field)
			}
		})
	}
	r := e.do("POST", "/v1/orders", "acme", order([]any{map[string]any{"sku": "SECRET-1", "quantity": 1}}, map[string]any{"name": "A", "address": "B", "city": "C", "postcode": "01310-100", "country": "BR"}))
	if !strings.Contains(string(r.body), `no warehouse serves BR (Brazil)`) {
		t.Errorf("unserved country message: %s", r.body)
	}
	var list struct{ Items []any }
	e.must(e.do("GET", "/v1/orders", "admin", nil), 200, "list").json(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("bad orders were stored: %v", list.Items)
	}
}
