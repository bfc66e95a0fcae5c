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

// TestDispatchList: the dispatches list filtered, searched, sorted,
// counted and exported; bad filters named with the allowed values; an
// operator of another office sees none of these (issue 19 item 2).
func TestDispatchList(t *testing.T) {
	e, _ := dispatchEnv(t)
	ctx := context.Background()
	key, secret, err := auth.NewKey(auth.RoleOperator, "", "", []string{"CNSHAA"}, "shanghai", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	e.keys["shanghai"] = secret
	var ids []string
	for _, d := range []struct{ dest, cat string }{{"NLAMSA", "A"}, {"DEFRAA", "C"}, {"NLAMSA", "C"}} {
		var got dispatch.Dispatch
		e.must(e.do("POST", "/v1/dispatches", "operator", map[string]any{"origin": "CNXMNA", "destination": d.dest, "category": d.cat, "subclass": "UN"}),
			201, "open dispatch").json(t, &got)
		ids = append(ids, got.ID)
	}
	type page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
		Total      int64  `json:"total"`
		TotalExact bool   `json:"total_exact"`
	}
	list := func(key, query string) ([]string, page) {
		t.Helper()
		var p page
		e.must(e.do("GET", "/v1/dispatches?"+query, key, nil), 200, "list "+query).json(t, &p)
		var out []string
		for _, d := range p.Items {
			out = append(out, d.ID)
		}
		return out, p
	}
	if got, p := list("customs", "limit=2"); fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[1]}) || p.Total != 3 || !p.TotalExact || p.NextCursor == "" {
		t.Errorf("newest first, page 1 = %v %+v", got, p)
	} else if got, p := list("customs", "limit=2&cursor="+p.NextCursor); fmt.Sprint(got) != fmt.Sprint([]string{ids[0]}) || p.NextCursor != "" {
		t.Errorf("page 2 = %v %+v", got, p)
	}
	if got, _ := list("operator", "destination=nl&category=C&origin=CNXMNA&status=open"); fmt.Sprint(got) != fmt.Sprint([]string{ids[2]}) {
		t.Errorf("filtered = %v", got)
	}
	if got, _ := list("operator", "q="+strings.ToLower(ids[1][:12])+"&sort=opened"); fmt.Sprint(got) != fmt.Sprint([]string{ids[1]}) {
		t.Errorf("searched = %v", got)
	}
	if got, p := list("shanghai", ""); len(got) != 0 || p.Total != 0 {
		t.Errorf("Shanghai's operator sees %v", got)
	}
	e.must(e.do("GET", "/v1/dispatches?origin=CNXMNA", "shanghai", nil), 403, "another office's dispatches")
	e.must(e.do("GET", "/v1/dispatches", "acme", nil), 403, "merchant lists dispatches")
	for query, field := range map[string]string{"status=lost": "status", "category=E": "category", "sort=weight": "sort",
		"destination=Amsterdam": "query.destination", "q=CN-XMN": "query.q"} {
		r := e.must(e.do("GET", "/v1/dispatches?"+query, "operator", nil), 422, "bad "+query)
		if !strings.Contains(string(r.body), field) {
			t.Errorf("%s: %s does not name %s", query, r.body, field)
		}
	}
	if r := e.must(e.do("GET", "/v1/dispatches?status=lost", "operator", nil), 422, "bad status"); !strings.Contains(string(r.body), "open") || !strings.Contains(string(r.body), "cancelled") {
		t.Errorf("bad status does not list the allowed values: %s", r.body)
	}
	r := e.must(e.do("GET", "/v1/dispatches/export?format=csv&destination=NLAMSA", "customs", nil), 200, "export")
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(string(r.body), "\ufeff"), "\r\n", "\n")), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,origin,destination,category") || !strings.HasPrefix(lines[1], ids[2]+",CNXMNA,NLAMSA,C,UN,open") {
		t.Errorf("export:\n%s", r.body)
	}
}
