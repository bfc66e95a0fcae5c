package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/tracking"
)

// TestInsuredItemClaimAPI: an insured parcel is accepted in the CV range
// (one above the destination's limit is refused naming the limit); it is
// lost in PL and the merchant's claim is paid up to the insured value, in
// euros at the dated rate, on the claim and in the ledger.
func TestInsuredItemClaimAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	body := validBody()
	body["product"], body["weight_g"] = "parcel", 2400
	body["declaration"].(map[string]any)["lines"] = []any{map[string]any{"description": "Yixing clay teapot", "quantity": 1, "net_weight_g": 2000,
		"value": "700.00", "hs_code": "691200", "origin_country": "CN"}}
	body["insured_value"] = map[string]any{"amount": "6000.00", "currency": "USD"}
	if r := e.do("POST", "/v1/shipments", "acme", body); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "insured_value.amount") || !strings.Contains(string(r.body), "limit of 4000 SDR") {
		t.Fatalf("over the limit: %d %s", r.status, r.body)
	}
	body["insured_value"] = map[string]any{"amount": "600.00", "currency": "USD"}
	r := e.do("POST", "/v1/shipments", "acme", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sh struct {
		ID      string
		Insured struct {
			Value, Currency string
			ValueSDR        string `json:"value_sdr"`
		} `json:"insured"`
	}
	r.json(t, &sh)
	// 600 USD / 1.3650 = 439.56 SDR.
	if !strings.HasPrefix(sh.ID, "CV") || sh.Insured.ValueSDR != "439.56" || sh.Insured.Currency != "USD" || sh.Insured.Value != "600.00" {
		t.Fatalf("insured shipment = %s", r.body)
	}
	at := time.Now().UTC().Add(-72 * time.Hour).Truncate(time.Second)
	evs := []tracking.Event{
		{Object: sh.ID, Code: tracking.EMA, Office: "CNXMNA", Time: at, Source: "post"},
		{Object: sh.ID, Code: tracking.EMC, Office: "CNXMNA", Time: at.Add(10 * time.Hour), Source: "post"},
		{Object: sh.ID, Code: tracking.EMD, Office: "PLWAWA", Time: at.Add(30 * time.Hour), Source: "partner:PLPOST"},
	}
	if _, err := e.store.AppendEvents(ctx, evs, at.Add(31*time.Hour)); err != nil {
		t.Fatal(err)
	}
	open := e.do("POST", "/v1/inquiries", "acme", map[string]any{"item": sh.ID})
	var in struct{ ID string }
	open.json(t, &in)
	if r := e.do("POST", "/v1/inquiries/"+in.ID+"/answer", "partner", map[string]any{"answer": "lost"}); r.status != http.StatusOK {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inquiries/"+in.ID+"/claims", "acme", map[string]any{"kind": "loss", "currency": "EURO"}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "body.currency") {
		t.Errorf("bad currency: %d %s", r.status, r.body)
	}
	cl := e.do("POST", "/v1/inquiries/"+in.ID+"/claims", "acme", map[string]any{"kind": "loss", "currency": "EUR"})
	if cl.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", cl.status, cl.body)
	}
	var c struct {
		InsuredValue string `json:"insured_value_sdr"`
		Paid         struct {
			Amount, Currency string
			RatesOf          string `json:"rates_of"`
		}
	}
	cl.json(t, &c)
	// 439.56 SDR × 1.1790 EUR/SDR = 518.24 EUR (rates of 2026-11-02).
	if c.InsuredValue != "439.56" || c.Paid.Amount != "518.24" || c.Paid.Currency != "EUR" || c.Paid.RatesOf != "2026-11-02" {
		t.Errorf("claim = %s", cl.body)
	}
	entries, _, err := e.store.Entries(ctx, accounting.EntryFilter{Kind: accounting.KindCompensation})
	if err != nil || len(entries) != 2 || entries[0].Currency != "XDR" || entries[0].Amount.StringFixed(2) != "439.56" ||
		entries[1].Currency != "EUR" || entries[1].Amount.StringFixed(2) != "518.24" || !strings.Contains(entries[1].Rate, "439.56 SDR × 1.179 EUR/SDR") {
		t.Fatalf("ledger = %+v, %v", entries, err)
	}
}
