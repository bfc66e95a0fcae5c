package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
)

// dispatchEnv adds Amsterdam and Frankfurt, a daily Xiamen → Amsterdam
// flight, a sort plan for Xiamen, and three accepted items.
func dispatchEnv(t *testing.T) (*env, []string) {
	e := newEnv(t)
	ctx := context.Background()
	offices := []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1, TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true},
		{Code: "NLAMSA", Name: "Amsterdam", Country: "NL", Kind: network.KindOE, Lat: 52.3, Lon: 4.8, TZ: "Europe/Amsterdam", ConnectMin: 120, Customs: true},
		{Code: "DEFRAA", Name: "Frankfurt", Country: "DE", Kind: network.KindOE, Lat: 50.0, Lon: 8.6, TZ: "Europe/Berlin", ConnectMin: 120, Customs: true},
	}
	services := []network.Leg{{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: network.ModeAir, Carrier: "Xiamen Airlines",
		Days: civil.EveryDay, Departs: 23*60 + 30, DurationMin: 780, CutoffMin: 240, CapacityKg: 4000, CostPerKg: 5.85}}
	if err := e.store.ReplaceNetwork(ctx, offices, services); err != nil {
		t.Fatal(err)
	}
	res := e.do("PUT", "/v1/offices/CNXMNA/sortplan", "operator", map[string]any{"rules": []any{
		map[string]any{"country": "NL", "destination": "NLAMSA"}, map[string]any{"country": "DE", "destination": "DEFRAA"}}})
	if res.status != http.StatusOK {
		t.Fatalf("put sort plan: %d %s", res.status, res.body)
	}
	var ids []string
	for i, country := range []string{"NL", "NL", "DE"} {
		b := validBody()
		b["product"] = "e-packet"
		b["merchant_ref"] = fmt.Sprint("R-", i)
		b["addressee"].(map[string]any)["country"] = country
		b["addressee"].(map[string]any)["postcode"] = map[string]string{"NL": "1012 AB", "DE": "10115"}[country]
		res := e.do("POST", "/v1/shipments", "acme", b)
		if res.status != http.StatusCreated {
			t.Fatalf("shipment: %d %s", res.status, res.body)
		}
		var sh struct{ ID string }
		res.json(t, &sh)
		ids = append(ids, sh.ID)
	}
	return e, ids
}

func TestDispatchAPI(t *testing.T) {
	e, ids := dispatchEnv(t)
	var d dispatch.Dispatch
	res := e.do("POST", "/v1/dispatches", "operator", map[string]any{"origin": "CNXMNA", "destination": "NLAMSA", "category": "A", "subclass": "UN"})
	if res.status != http.StatusCreated {
		t.Fatalf("open dispatch: %d %s", res.status, res.body)
	}
	res.json(t, &d)
	var r dispatch.Receptacle
	e.do("POST", "/v1/dispatches/"+d.ID+"/receptacles", "operator", map[string]any{}).json(t, &r)
	if r.Number != d.ID+"001" {
		t.Fatalf("receptacle %+v", r)
	}
	if res := e.do("POST", "/v1/receptacles/"+r.Number+"/close", "operator", map[string]any{}); res.status != http.StatusConflict || !strings.Contains(string(res.body), "is empty") {
		t.Fatalf("close empty: %d %s", res.status, res.body)
	}
	if res := e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": ids[0]}); res.status != http.StatusCreated {
		t.Fatalf("scan: %d %s", res.status, res.body)
	}
	if res := e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": ids[0]}); res.status != http.StatusOK || !strings.Contains(string(res.body), `"duplicate":true`) {
		t.Fatalf("double scan: %d %s", res.status, res.body)
	}
	res = e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": ids[2]})
	var p problem
	res.json(t, &p)
	if res.status != http.StatusConflict || !strings.Contains(p.Detail, "open a dispatch CNXMNA→DEFRAA A/UN") || !p.names("body.item") {
		t.Fatalf("wrong destination: %d %s", res.status, res.body)
	}
	if res := e.do("POST", "/v1/receptacles/"+r.Number+"/items", "acme", map[string]any{"item": ids[1]}); res.status != http.StatusForbidden {
		t.Fatalf("merchant scans: %d", res.status)
	}
	e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": ids[1]})
	if res := e.do("POST", "/v1/receptacles/"+r.Number+"/close", "operator", map[string]any{"gross_weight_g": 2300}); res.status != http.StatusOK {
		t.Fatalf("close receptacle: %d %s", res.status, res.body)
	}
	var v dispatch.DispatchView
	if res := e.do("POST", "/v1/dispatches/"+d.ID+"/close", "operator", nil); res.status != http.StatusOK {
		t.Fatalf("close dispatch: %d %s", res.status, res.body)
	} else {
		res.json(t, &v)
	}
	s9 := v.ReceptacleList[0].ID
	if !v.ReceptacleList[0].Last || !strings.HasSuffix(s9, "100023") {
		t.Fatalf("S9 %s", s9)
	}
	if res := e.do("GET", "/v1/dispatches/"+d.ID+"/predes?format=edifact", "operator", nil); res.status != http.StatusOK || !strings.Contains(string(res.body), "RFF+RCP:"+s9) {
		t.Fatalf("PREDES: %d %s", res.status, res.body)
	}
	date := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 2).Format(time.DateOnly)
	res = e.do("POST", "/v1/consignments", "operator", map[string]any{"office": "CNXMNA", "service": "MF811", "date": date, "dispatches": []string{d.ID}})
	if res.status != http.StatusCreated {
		t.Fatalf("consign: %d %s", res.status, res.body)
	}
	var c dispatch.Consignment
	res.json(t, &c)
	if res := e.do("GET", "/v1/consignments/"+c.ID+"/bill.pdf", "operator", nil); res.status != http.StatusOK || !bytes.HasPrefix(res.body, []byte("%PDF-")) {
		t.Fatalf("CN38: %d %.40s", res.status, res.body)
	}
	if res := e.do("GET", "/v1/consignments/"+c.ID+"/bill.csv", "customs", nil); res.status != http.StatusOK || !strings.Contains(string(res.body), s9) {
		t.Fatalf("CN38 CSV: %d %s", res.status, res.body)
	}
	if res := e.do("GET", "/v1/consignments/"+c.ID+"/cardit?format=edifact", "operator", nil); res.status != http.StatusOK {
		t.Fatalf("CARDIT: %d %s", res.status, res.body)
	} else if _, err := edi.DecodeCardit(res.body); err != nil {
		t.Fatalf("CARDIT does not read back: %v", err)
	}
	m := edi.Resdit{Ref: "MF1", Prepared: time.Now().UTC().Truncate(time.Minute), Carrier: "MF", Recipient: "CNXMNA",
		Events: []edi.ResditEvent{{Code: "74", Place: "XMN", Time: time.Now().UTC().Truncate(time.Minute), Receptacles: []string{s9}}}}
	res = e.do("POST", "/v1/resdit", "operator", string(m.MarshalEDI()), "Content-Type", "application/edifact")
	if res.status != http.StatusOK || !strings.Contains(string(res.body), `"stored":1`) {
		t.Fatalf("RESDIT: %d %s", res.status, res.body)
	}
	if res := e.do("POST", "/v1/resdit", "partner", string(m.MarshalEDI()), "Content-Type", "application/edifact"); res.status != http.StatusForbidden {
		t.Fatalf("RESDIT from another partner: %d %s", res.status, res.body)
	}
	// Carrier keys: their own legs only.
	for _, c := range []string{"MF", "CZ"} {
		key, secret, err := auth.NewKey(auth.RolePartner, "", c, nil, "carrier "+c, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.CreateKey(context.Background(), key); err != nil {
			t.Fatal(err)
		}
		e.keys[c] = secret
	}
	at := time.Now().UTC().Truncate(time.Minute)
	own := edi.Resdit{Ref: "MF2", Prepared: at, Carrier: "MF", Recipient: "CNXMNA", Events: []edi.ResditEvent{
		{Code: "24", Place: "XMN", Time: at, Receptacles: []string{s9}},
		{Code: "24", Place: "DEFRAA", Time: at, Receptacles: []string{s9}}}}
	res = e.do("POST", "/v1/resdit", "MF", string(own.MarshalEDI()), "Content-Type", "application/edifact")
	if res.status != http.StatusOK || !strings.Contains(string(res.body), `"stored":1`) || !strings.Contains(string(res.body), "MF carries "+s9+" from CNXMNA to NLAMSA, not at DEFRAA") {
		t.Fatalf("carrier RESDIT on and off its leg: %d %s", res.status, res.body)
	}
	other := edi.Resdit{Ref: "CZ1", Prepared: at, Carrier: "CZ", Recipient: "CNXMNA", Events: []edi.ResditEvent{{Code: "74", Place: "XMN", Time: at, Receptacles: []string{s9}}}}
	res = e.do("POST", "/v1/resdit", "CZ", string(other.MarshalEDI()), "Content-Type", "application/edifact")
	if res.status != http.StatusOK || !strings.Contains(string(res.body), `"stored":0`) || !strings.Contains(string(res.body), "travels with MF") {
		t.Fatalf("another carrier's receptacle: %d %s", res.status, res.body)
	}
	if res := e.do("POST", "/v1/resdit", "operator", "UNB+broken", "Content-Type", "application/edifact"); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad RESDIT: %d %s", res.status, res.body)
	}
	if res := e.do("GET", "/v1/receptacles/"+s9, "customs", nil); res.status != http.StatusOK || !strings.Contains(string(res.body), `"carrier_events":[{`) {
		t.Fatalf("receptacle view: %d %s", res.status, res.body)
	}
}

func TestPlanDayAPI(t *testing.T) {
	e, _ := dispatchEnv(t)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	res := e.do("GET", "/v1/plan/day?date="+today, "operator", nil)
	if res.status != http.StatusOK || !strings.Contains(string(res.body), `"source":"accepted items"`) {
		t.Fatalf("plan day: %d %s", res.status, res.body)
	}
	forecast := "origin,destination,category,kg,items\nCNXMNA,NLAMSA,A,6000,12000\nCNXMNA,DEXXXA,A,1,1\n"
	res = e.do("POST", "/v1/plan/day?date="+today, "operator", forecast, "Content-Type", "text/csv")
	var p problem
	res.json(t, &p)
	if res.status != http.StatusUnprocessableEntity || !p.names("line 3: destination") {
		t.Fatalf("bad forecast: %d %s", res.status, res.body)
	}
	res = e.do("POST", "/v1/plan/day?date="+today, "operator", forecast[:strings.LastIndex(forecast[:len(forecast)-1], "\n")+1], "Content-Type", "text/csv")
	if res.status != http.StatusOK || !strings.Contains(string(res.body), `"utilisation":1`) || !strings.Contains(string(res.body), `"spill":[{`) {
		t.Fatalf("forecast plan: %d %s", res.status, res.body)
	}
}
