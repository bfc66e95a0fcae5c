package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWarehouseWalkthrough: inbound → clearance → receipt → order → pick →
// pack → label through the CLI, on the demo world.
func TestWarehouseWalkthrough(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, out, errOut := run(t, "demo", "--data", data, "--no-serve", "--shipments", "10"); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inbound := write("inbound.json", `{"merchant":"XMTEA","warehouse":"BELGGW","reference":"PO-2026-118","priority":"cost",
		"packages":[{"ref":"PALLET-1","kind":"pallet","lines":[{"sku":"TEA-OOLONG-100","quantity":400},{"sku":"TEA-SET-GAIWAN","quantity":60}]}]}`)
	code, out, errOut := run(t, "warehouse", "inbound", "book", inbound, "--data", data, "--json")
	var in struct {
		ID       string
		Corridor struct{ Mode string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &in) != nil || in.Corridor.Mode == "" {
		t.Fatalf("book: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "warehouse", "inbound", "book", inbound, "--data", data); code != 4 || !strings.Contains(errOut, in.ID) {
		t.Errorf("booking the same reference again: %d %s", code, errOut)
	}
	counted := write("counted.csv", "sku,counted,damaged,bin\nTEA-OOLONG-100,396,3,\nTEA-SET-GAIWAN,60,0,\n")
	if code, _, errOut := run(t, "warehouse", "inbound", "receive", in.ID, counted, "--data", data); code != 4 || !strings.Contains(errOut, "customs has not released") {
		t.Errorf("receive before clearance: %d %s", code, errOut)
	}
	if code, out, errOut := run(t, "warehouse", "inbound", "clear", in.ID, "--reference", "BE26IM000118", "--data", data); code != 0 || !strings.Contains(out, "released BE26IM000118") {
		t.Fatalf("clear: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "warehouse", "inbound", "receive", in.ID, counted, "--data", data)
	if code != 0 || !strings.Contains(out, "DISCREPANCY TEA-OOLONG-100 short 1") || !strings.Contains(out, "DISCREPANCY TEA-OOLONG-100 damaged 3") {
		t.Fatalf("receive: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "warehouse", "inbound", "receive", "INB-NEVERBOOKED", counted, "--data", data); code != 3 || !strings.Contains(errOut, "was never booked") {
		t.Errorf("receive unbooked: %d %s", code, errOut)
	}
	order := write("order.json", `{"merchant":"XMTEA","merchant_order_id":"SHOP-20001","service_level":"standard",
		"buyer":{"name":"Lotte Peeters","address":"Rue Neuve 12","city":"Bruxelles","postcode":"1000","country":"BE"},
		"lines":[{"sku":"TEA-OOLONG-100","quantity":2},{"sku":"TEA-SET-GAIWAN","quantity":1}]}`)
	code, out, errOut = run(t, "warehouse", "order", "place", order, "--key", "shop-20001", "--data", data, "--json")
	var o struct {
		ID      string
		Parcels []struct{ Warehouse string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &o) != nil || len(o.Parcels) != 1 || o.Parcels[0].Warehouse != "BELGGW" {
		t.Fatalf("order: %d %s %s", code, out, errOut)
	}
	if code, out, _ := run(t, "warehouse", "pick", "BELGGW", "--data", data); code != 0 || !strings.Contains(out, o.ID) {
		t.Fatalf("pick: %d %s", code, out)
	}
	if code, out, errOut := run(t, "warehouse", "pack", o.ID, "--data", data); code != 0 || !strings.Contains(out, "packed") || !strings.Contains(out, "e-packet") {
		t.Fatalf("pack: %d %s %s", code, out, errOut)
	}
	label := filepath.Join(dir, "label.pdf")
	if code, _, errOut := run(t, "warehouse", "label", o.ID, "-o", label, "--data", data); code != 0 {
		t.Fatalf("label: %d %s", code, errOut)
	}
	if b, err := os.ReadFile(label); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("label file: %v", err)
	}
	if code, out, errOut := run(t, "warehouse", "verify", "--data", data); code != 0 {
		t.Errorf("verify: %d %s %s", code, out, errOut)
	}
	if code, out, _ := run(t, "warehouse", "replenish", "--merchant", "XMTEA", "--warehouse", "BELGGW", "--data", data); code != 0 || !strings.Contains(out, "TEA-OOLONG-100") {
		t.Errorf("replenish: %d %s", code, out)
	}
	bad := write("bad.json", `{"merchant":"XMTEA","merchant_order_id":"SHOP-X","buyer":{"name":"A","address":"B","city":"C","postcode":"01310-100","country":"BR"},"lines":[{"sku":"TEA-OOLONG-100","quantity":1}]}`)
	if code, _, errOut := run(t, "warehouse", "order", "place", bad, "--data", data); code != 2 || !strings.Contains(errOut, "buyer.country: no warehouse serves BR (Brazil)") {
		t.Errorf("unserved country: %d %s", code, errOut)
	}
}
