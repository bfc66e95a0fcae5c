package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/edi"
)

// TestReturnsRoundTrip: a Japan Post item refused by its addressee goes
// back to Tokyo — return RET-… charged to JPPOST, EDX on its timeline and
// in JPPOST's outbox, then presorted into our outward dispatch to JPTYOA
// like any item of ours; and a merchant recalls an item that has not
// left, which waits at Xiamen and is handed back (EMI: returned, not
// delivered), the charge on the merchant. Scopes: another merchant and
// another post see neither.
func TestReturnsRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, _, err := demo.SeedNetwork(ctx, e.store); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutMerchant(ctx, acceptance.Merchant{Code: "XMTEA", Name: "Xiamen Tea Co", Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"files": map[string]string{}}
	for name, b := range files {
		body["files"].(map[string]string)[name] = string(b)
	}
	if r := e.do("POST", "/v1/tariffs", "admin", body); r.status != http.StatusCreated {
		t.Fatalf("load tariffs: %d %s", r.status, r.body)
	}
	for name, k := range map[string]auth.Principal{"jp": {Role: auth.RolePartner, Partner: "JPPOST"},
		"xmnd": {Role: auth.RoleOperator, Offices: []string{"CNXMND"}}} {
		key, secret, err := auth.NewKey(k.Role, "", k.Partner, k.Offices, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		e.keys[name] = secret
	}

	// An inbound item, received, released, attempted and refused.
	const (
		disp = "JPTYOACNXMNAAUN60031"
		rc   = "JPTYOACNXMNAAUN60031001100082"
		item = "RR123456785JP"
	)
	p := edi.Predes{Ref: "JP0031", Prepared: time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Minute), Dispatch: disp, Origin: "JPTYOA", Destination: "CNXMNA",
		Receptacles: []edi.Receptacle{{ID: rc, Type: "bag", GrossWeightG: 8200, Items: []string{item},
			ItemData: []edi.ItemData{{Item: item, Contents: "Green tea", HSCode: "090210", Value: "3500", Currency: "JPY", SenderName: "Sato Hanako",
				SenderCountry: "JP", AddresseeName: "Li Wei", AddresseeCountry: "CN"}}}}}
	if r := e.do("POST", "/v1/inward/predes", "jp", string(p.MarshalEDI()), "Content-Type", "application/edifact"); r.status != http.StatusOK {
		t.Fatalf("PREDES: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/v1/inward/receptacles/" + rc + "/scan", "/v1/inward/receptacles/" + rc + "/open"} {
		if r := e.do("POST", path, "operator", map[string]any{"weight_g": 8200}); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
	}
	if r := e.do("POST", "/v1/inward/items/"+item+"/scan", "operator", map[string]any{"receptacle": rc, "weight_g": 450}); r.status != http.StatusOK {
		t.Fatalf("item scan: %d %s", r.status, r.body)
	}
	r := e.do("POST", "/v1/inward/dispatches/"+disp+"/clear", "operator", nil)
	if r.status != http.StatusOK {
		t.Fatalf("clear: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"status":"released"`) {
		if r := e.do("POST", "/v1/customs/items/"+item+"/decision", "customs", map[string]any{"action": "release", "reason": "tea for personal use"}); r.status != http.StatusOK {
			t.Fatalf("release: %d %s", r.status, r.body)
		}
	}
	for _, b := range []map[string]any{
		{"step": "handover", "office": "CNXMNA", "next_office": "CNXMND", "key": "operator"},
		{"step": "arrived", "office": "CNXMND", "key": "xmnd"},
		{"step": "attempt", "office": "CNXMND", "reason": "refused", "key": "xmnd"},
		{"step": "return", "office": "CNXMND", "reason": "refused by the addressee", "key": "xmnd"},
	} {
		key := b["key"].(string)
		delete(b, "key")
		if r := e.do("POST", "/v1/inward/items/"+item+"/delivery", key, b); r.status != http.StatusOK {
			t.Fatalf("%v: %d %s", b["step"], r.status, r.body)
		}
	}
	var ret struct {
		ID, Item, Kind, Direction, Status, Partner, Charge string
		Debtor                                             string `json:"charge_debtor"`
		Currency                                           string `json:"charge_currency"`
	}
	e.do("GET", "/v1/returns/"+item, "jp", nil).json(t, &ret)
	if ret.ID != "RET-"+item || ret.Kind != "undeliverable" || ret.Direction != "to_origin" || ret.Status != "returning" ||
		ret.Partner != "JPPOST" || ret.Debtor != "post:JPPOST" || ret.Charge == "" || ret.Currency != "CNY" {
		t.Fatalf("inbound return = %+v", ret)
	}
	for _, key := range []string{"acme", "partner"} {
		if r := e.do("GET", "/v1/returns/RET-"+item, key, nil); r.status != http.StatusNotFound {
			t.Errorf("%s reading JPPOST's return: %d", key, r.status)
		}
	}
	r = e.do("GET", "/v1/items/"+item+"/events", "admin", nil)
	if !strings.Contains(string(r.body), `"code":"EDX"`) || !strings.Contains(string(r.body), "RET-"+item) {
		t.Errorf("timeline lacks the return (EDX, RET-…): %s", r.body)
	}
	r = e.do("GET", "/v1/inward/events", "jp", nil)
	if !strings.Contains(string(r.body), "EVT|"+item+"|EDX|CNXMND|") {
		t.Errorf("JPPOST's outbox lacks the EDX: %s", r.body)
	}
	r = e.do("GET", "/v1/ledger?item="+item, "admin", nil)
	if !strings.Contains(string(r.body), `"kind":"return"`) || !strings.Contains(string(r.body), `"debtor":"post:JPPOST"`) || !strings.Contains(string(r.body), `"tariff_row":"returns.csv:`) {
		t.Errorf("ledger lacks the return charge: %s", r.body)
	}
	// Back to Tokyo through our outward dispatch code.
	if r := e.do("PUT", "/v1/offices/CNXMNA/sortplan", "operator", map[string]any{"rules": []any{
		map[string]any{"country": "JP", "destination": "JPTYOA"}}}); r.status != http.StatusOK {
		t.Fatalf("sort plan: %d %s", r.status, r.body)
	}
	var sorted struct {
		Target struct{ Destination, Category, Subclass string }
	}
	if r := e.do("POST", "/v1/offices/CNXMNA/sort", "operator", map[string]any{"item": item}); r.status != http.StatusOK {
		t.Fatalf("sort the return: %d %s", r.status, r.body)
	} else {
		r.json(t, &sorted)
	}
	if sorted.Target.Destination != "JPTYOA" {
		t.Fatalf("return sorted to %+v", sorted)
	}
	var d struct{ ID string }
	e.do("POST", "/v1/dispatches", "operator", map[string]any{"origin": "CNXMNA", "destination": "JPTYOA", "category": sorted.Target.Category,
		"subclass": sorted.Target.Subclass}).json(t, &d)
	var rcp struct{ Number string }
	e.do("POST", "/v1/dispatches/"+d.ID+"/receptacles", "operator", map[string]any{}).json(t, &rcp)
	if r := e.do("POST", "/v1/receptacles/"+rcp.Number+"/items", "operator", map[string]any{"item": item}); r.status != http.StatusCreated {
		t.Fatalf("return into the receptacle to Tokyo: %d %s", r.status, r.body)
	}
	waitFor(t, func() bool {
		e.do("GET", "/v1/returns/RET-"+item, "admin", nil).json(t, &ret)
		return ret.Status == "dispatched"
	}, "return dispatched after EMB")

	// A merchant recalls an item that has not left.
	res := e.do("POST", "/v1/shipments", "acme", validBody())
	if res.status != http.StatusCreated {
		t.Fatalf("shipment: %d %s", res.status, res.body)
	}
	var sh struct{ ID string }
	res.json(t, &sh)
	if r := e.do("POST", "/v1/shipments/"+sh.ID+"/return", "other", map[string]any{"reason": "buyer cancelled"}); r.status != http.StatusNotFound {
		t.Errorf("another merchant recalling: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/shipments/"+sh.ID+"/return", "acme", map[string]any{"reason": ""}); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "reason") {
		t.Errorf("recall without a reason: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/v1/shipments/"+sh.ID+"/return", "acme", map[string]any{"reason": "buyer cancelled the order"})
	if r.status != http.StatusCreated {
		t.Fatalf("recall: %d %s", r.status, r.body)
	}
	r.json(t, &ret)
	if ret.Kind != "merchant" || ret.Status != "received" || ret.Debtor != "merchant:ACME" || ret.Charge == "" {
		t.Fatalf("recall = %+v", ret)
	}
	if r := e.do("POST", "/v1/returns/"+ret.ID+"/deliver", "acme", map[string]any{"office": "CNXMNA", "signatory": "Wang"}); r.status != http.StatusForbidden {
		t.Errorf("merchant handing back: %d", r.status)
	}
	if r := e.do("POST", "/v1/returns/"+ret.ID+"/deliver", "operator", map[string]any{"office": "CNXMNA", "signatory": "Wang Fang (ACME)"}); r.status != http.StatusOK {
		t.Fatalf("hand back: %d %s", r.status, r.body)
	} else {
		r.json(t, &ret)
	}
	if ret.Status != "delivered" {
		t.Errorf("handed back = %+v", ret)
	}
	r = e.do("GET", "/v1/items/"+sh.ID+"/events", "acme", nil)
	if !strings.Contains(string(r.body), `"code":"EXX"`) || !strings.Contains(string(r.body), `"code":"EMI"`) {
		t.Errorf("recalled item's timeline: %s", r.body)
	}
	// Poland Post sends one of ACME's items back: it arrives through our
	// inward receipt, which opens the return (abroad) charged to ACME.
	res = e.do("POST", "/v1/shipments", "acme", validBody())
	var back struct{ ID string }
	res.json(t, &back)
	const (
		plDisp = "PLWAWACNXMNAAUN60007"
		plRc   = "PLWAWACNXMNAAUN60007001100031"
	)
	pl := edi.Predes{Ref: "PL0007", Prepared: time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Minute), Dispatch: plDisp, Origin: "PLWAWA", Destination: "CNXMNA",
		Receptacles: []edi.Receptacle{{ID: plRc, Type: "bag", GrossWeightG: 3100, Items: []string{back.ID},
			ItemData: []edi.ItemData{{Item: back.ID, Contents: "Oolong tea (returned: refused)", SenderName: "Anna Nowak", SenderCountry: "PL",
				AddresseeName: "ACME", AddresseeCountry: "CN"}}}}}
	if r := e.do("POST", "/v1/inward/predes", "partner", string(pl.MarshalEDI()), "Content-Type", "application/edifact"); r.status != http.StatusOK {
		t.Fatalf("PLPOST PREDES: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/v1/inward/receptacles/" + plRc + "/scan", "/v1/inward/receptacles/" + plRc + "/open"} {
		if r := e.do("POST", path, "operator", map[string]any{"weight_g": 3100}); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
	}
	if r := e.do("POST", "/v1/inward/items/"+back.ID+"/scan", "operator", map[string]any{"receptacle": plRc}); r.status != http.StatusOK {
		t.Fatalf("our item back: %d %s", r.status, r.body)
	}
	e.do("GET", "/v1/returns/RET-"+back.ID, "acme", nil).json(t, &ret)
	if ret.Kind != "abroad" || ret.Status != "received" || ret.Debtor != "merchant:ACME" || ret.Charge == "" {
		t.Fatalf("item back from abroad = %+v", ret)
	}
	var list []struct{ ID string }
	e.do("GET", "/v1/returns?kind=merchant", "acme", nil).json(t, &list)
	if len(list) != 1 || list[0].ID != "RET-"+sh.ID {
		t.Errorf("ACME's returns = %+v", list)
	}
	e.do("GET", "/v1/returns", "jp", nil).json(t, &list)
	if len(list) != 1 || list[0].ID != "RET-"+item {
		t.Errorf("JPPOST's returns = %+v", list)
	}
}

func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	for range 100 {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("timed out waiting for: %s", what)
}
