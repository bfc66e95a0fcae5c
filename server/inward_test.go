package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
)

func plPredes() edi.Predes {
	t0 := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	return edi.Predes{Ref: "PL0001", Prepared: t0, Dispatch: "PLWAWACNXMNAAUN60001", Origin: "PLWAWA", Destination: "CNXMNA",
		Receptacles: []edi.Receptacle{{ID: "PLWAWACNXMNAAUN60001001100082", Type: "bag", GrossWeightG: 8200, Items: []string{"RR123456785PL"},
			ItemData: []edi.ItemData{{Item: "RR123456785PL", Contents: "Amber brooch", Value: "120.00", Currency: "PLN"}}}}}
}

func TestInwardAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.store.PutOffices(ctx, []network.Office{{Code: "PLWAWA", Name: "Warsaw", Country: "PL", Kind: network.KindOE, Lat: 52.2, Lon: 21,
		TZ: "Europe/Warsaw", ConnectMin: 120, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	key, secret, err := auth.NewKey(auth.RoleOperator, "", "", []string{"CNPEKA"}, "pek", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	e.keys["pek"] = secret
	text := string(plPredes().MarshalEDI())
	edifact := []string{"Content-Type", "application/edifact"}

	res := e.do("POST", "/v1/inward/predes", "partner", text, edifact...)
	if res.status != http.StatusOK {
		t.Fatalf("PREDES: %d %s", res.status, res.body)
	}
	var ans struct {
		Repeated bool `json:"repeated"`
		Items    int  `json:"items"`
		Reply    struct {
			Ref, Text string
		} `json:"reply"`
	}
	res.json(t, &ans)
	if ans.Repeated || ans.Items != 1 || ans.Reply.Ref != "PLWAWA00000001" || !strings.Contains(ans.Reply.Text, "BGM+RESDES+PL0001+9'") {
		t.Errorf("answer %s", res.body)
	}
	again := e.do("POST", "/v1/inward/predes", "partner", text, edifact...)
	if again.status != http.StatusOK || !strings.Contains(string(again.body), `"repeated":true`) {
		t.Errorf("again: %d %s", again.status, again.body)
	}
	js, _ := plPredes().JSON()
	if r := e.do("POST", "/v1/inward/predes", "partner", string(js), "Content-Type", "application/json"); r.status != http.StatusOK ||
		!strings.Contains(string(r.body), `"repeated":true`) {
		t.Errorf("same pre-advice as JSON: %d %s", r.status, r.body)
	}
	other := plPredes()
	other.Receptacles[0].Type = "tray"
	if r := e.do("POST", "/v1/inward/predes", "partner", string(other.MarshalEDI()), edifact...); r.status != http.StatusConflict {
		t.Errorf("other content under the same reference: %d %s", r.status, r.body)
	}
	cut := text[:strings.Index(text, "MEA+")+10]
	if r := e.do("POST", "/v1/inward/predes", "partner", cut, edifact...); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "not terminated") {
		t.Errorf("truncated: %d %s", r.status, r.body)
	}
	bad := strings.Replace(text, "MEA+WT+G+KGM:8.2", "MEA+WT+G+KGM:8,2", 1)
	if r := e.do("POST", "/v1/inward/predes", "partner", bad, edifact...); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "segment 11 (MEA)") {
		t.Errorf("bad weight: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inward/predes", "partner", text, "Content-Type", "text/csv"); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("CSV: %d", r.status)
	}
	if r := e.do("POST", "/v1/inward/predes", "acme", text, edifact...); r.status != http.StatusForbidden {
		t.Errorf("merchant: %d", r.status)
	}

	list := e.do("GET", "/v1/inward/dispatches?status=expected&office=CNXMNA", "operator", nil)
	if list.status != http.StatusOK || !strings.Contains(string(list.body), `"id":"PLWAWACNXMNAAUN60001"`) {
		t.Errorf("list: %d %s", list.status, list.body)
	}
	if r := e.do("GET", "/v1/inward/dispatches?office=CNXMNA", "pek", nil); r.status != http.StatusForbidden {
		t.Errorf("another office's list: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inward/dispatches", "pek", nil); r.status != http.StatusOK || strings.Contains(string(r.body), "PLWAWA") {
		t.Errorf("scoped list: %d %s", r.status, r.body)
	}
	det := e.do("GET", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001", "partner", nil)
	if det.status != http.StatusOK || !strings.Contains(string(det.body), `"contents":"Amber brooch"`) {
		t.Errorf("detail: %d %s", det.status, det.body)
	}
	if r := e.do("GET", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001", "pek", nil); r.status != http.StatusNotFound {
		t.Errorf("detail outside scope: %d", r.status)
	}
}

func TestInwardReceiveAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.store.PutOffices(ctx, []network.Office{{Code: "PLWAWA", Name: "Warsaw", Country: "PL", Kind: network.KindOE, Lat: 52.2, Lon: 21,
		TZ: "Europe/Warsaw", ConnectMin: 120, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	key, secret, err := auth.NewKey(auth.RoleOperator, "", "", []string{"CNPEKA"}, "pek", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	e.keys["pek"] = secret
	if r := e.do("POST", "/v1/inward/predes", "partner", string(plPredes().MarshalEDI()), "Content-Type", "application/edifact"); r.status != http.StatusOK {
		t.Fatalf("PREDES: %d %s", r.status, r.body)
	}
	const rc = "PLWAWACNXMNAAUN60001001100082"
	if r := e.do("POST", "/v1/inward/receptacles/"+rc+"/scan", "pek", map[string]any{"weight_g": 9000}); r.status != http.StatusForbidden {
		t.Errorf("Beijing operator scanning at Xiamen: %d %s", r.status, r.body)
	}
	r := e.do("POST", "/v1/inward/receptacles/"+rc+"/scan", "operator", map[string]any{"weight_g": 9000})
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"result":"discrepancy"`) || !strings.Contains(string(r.body), `"kind":"weight"`) {
		t.Fatalf("overweight scan: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inward/receptacles/"+rc+"/open", "operator", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), "RR123456785PL") {
		t.Errorf("open: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/v1/inward/items/RR123456785PL/scan", "operator", map[string]any{"receptacle": rc})
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"result":"ok"`) {
		t.Errorf("listed item: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inward/items/RR123456785PL/scan", "operator", map[string]any{"receptacle": rc}); !strings.Contains(string(r.body), `"repeated":true`) {
		t.Errorf("item again: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001/cn43", "partner", nil); r.status != http.StatusNotFound {
		t.Errorf("CN 43 before closing: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001/close", "operator", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"cn43":"/v1/inward/dispatches/PLWAWACNXMNAAUN60001/cn43.pdf"`) ||
		!strings.Contains(string(r.body), "RESDES") {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001/cn43", "partner", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"kind":"weight"`) {
		t.Errorf("partner reads its CN 43: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001/cn43.pdf", "partner", nil); r.status != http.StatusOK || !strings.HasPrefix(string(r.body), "%PDF") {
		t.Errorf("CN 43 PDF: %d %.100s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inward/cn43", "partner", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), "PLWAWACNXMNAAUN60001") {
		t.Errorf("partner's notes: %d %s", r.status, r.body)
	}
	csv := "scan,id,receptacle,weight_g,flags,condition\nreceptacle,PLWAWACNXMNAAUN60001001100082,,heavy,,\n"
	if r := e.do("POST", "/v1/inward/dispatches/PLWAWACNXMNAAUN60001/scans", "operator", csv, "Content-Type", "text/csv"); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "line 2, weight_g") {
		t.Errorf("bad scans file: %d %s", r.status, r.body)
	}
}
