package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
)

// TestCEBAPI: an e-commerce import's CEB messages made through the API, customs' receipts
// uploaded (one of them twice), the item's messages and its status after them.
func TestCEBAPI(t *testing.T) {
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	e := newCustomsEnvWith(t, app.Options{CEBProfiles: profiles})
	d := declaration("TGAPI0001", func(d map[string]any) {
		d["stream"], d["currency"] = "ecommerce", "CNY"
		delete(d, "express")
		d["ecommerce"] = map[string]any{"platform": "tmall-global", "order_id": "TMG-API-1", "model": "B2C", "seller": map[string]any{"name": "Seller", "country": "DE"}}
		d["lines"] = []map[string]any{{"description": "Face cream", "quantity": 1, "net_weight_g": 100, "value": "300.00", "hs_code": "3304990099", "origin_country": "DE"}}
	})
	e.need(e.do("POST", "/v1/declarations", "admin", d), 201, "declare")
	if it, _ := e.app.Store.Item(t.Context(), "TGAPI0001"); it.Status != "pending" {
		t.Fatalf("an e-commerce import at a CEB office is %s, want pending (customs' receipts decide)", it.Status)
	}
	body := map[string]any{"buyer": map[string]any{"idNumber": "310101199001010000", "telephone": "13900000000"}}
	e.need(e.do("POST", "/v1/customs/items/TGAPI0001/ceb", "officer", body), 403, "an officer makes the post's messages")
	r := e.need(e.do("POST", "/v1/customs/items/TGAPI0001/ceb", "admin", body), 200, "send")
	if strings.Contains(string(r.body), "310101199001010000") || !strings.Contains(string(r.body), "3101**********0000") {
		t.Errorf("the answer shows the identity number unmasked or not at all: %.300s", r.body)
	}
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for i, st := range []string{"120", "500", "800", "800"} {
		seed := st
		if i == 3 {
			seed = "800" // the same receipt again
		}
		data, err := demo.SimulatedReceipt("CEB622", "TGAPI0001", st, "模拟回执 "+st, at.Add(time.Duration(min(i, 2))*time.Minute), seed)
		if err != nil {
			t.Fatal(err)
		}
		r := e.need(e.do("POST", "/v1/customs/ceb/receipts", "admin", string(data), "Content-Type", "application/xml"), 200, "receipt "+st)
		var rep ceb.ReceiptReport
		r.json(t, &rep)
		want := ceb.OutcomeApplied
		if i == 3 {
			want = ceb.OutcomeDuplicate
		}
		if len(rep.Receipts) != 1 || rep.Receipts[0].Outcome != want {
			t.Errorf("receipt %d (%s): %+v, want %s", i, st, rep.Receipts, want)
		}
	}
	e.need(e.do("POST", "/v1/customs/ceb/receipts", "admin", "<CEB622Message", "Content-Type", "application/xml"), 422, "malformed XML")
	var view struct {
		Messages []ceb.Record `json:"messages"`
	}
	e.need(e.do("GET", "/v1/customs/items/TGAPI0001/ceb", "officer", nil), 200, "list").json(t, &view)
	var got []string
	for _, m := range view.Messages {
		got = append(got, m.Type+":"+m.Status+":"+m.Action)
	}
	if strings.Join(got, " ") != "CEB511:queued: CEB621:800: CEB622:120:present CEB622:500:hold CEB622:800:release" {
		t.Errorf("messages: %v", got)
	}
	e.need(e.do("GET", "/v1/customs/items/TGAPI0001/ceb", "peking", nil), 403, "an officer of another office")
	if it, _ := e.app.Store.Item(t.Context(), "TGAPI0001"); it.Status != "released" {
		t.Errorf("after 800 the item is %s", it.Status)
	}
}
