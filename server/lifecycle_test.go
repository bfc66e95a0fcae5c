package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/tracking"
)

// lifecycleNow is the fixed clock of the lifecycle tests: Tuesday 1 Dec 2026.
var lifecycleNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func lifecycleEnv(t *testing.T) (*env, *tracking.Service) {
	t.Helper()
	e := newEnv(t)
	e.srv.Close()
	if err := e.store.PutOffices(context.Background(), []network.Office{{Code: "PLWAWA", Name: "Warszawa", Country: "PL", Kind: network.KindOE, Lat: 52.2, Lon: 21, TZ: "Europe/Warsaw", ConnectMin: 90, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, e.store, app.Options{Now: func() time.Time { return lifecycleNow }, WebhookAllowPrivate: true})
	e.handler = newServer(t, a)
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	return e, a.Tracking
}

// TestShipmentStatusEverywhere: the shipment (detail and list filter), the
// timeline, the public page and webhooks show the status the lifecycle
// derives, and estimates say why there is none.
func TestShipmentStatusEverywhere(t *testing.T) {
	e, svc := lifecycleEnv(t)
	ctx := context.Background()
	r := e.do("POST", "/v1/webhooks", "acme", map[string]any{"url": "http://127.0.0.1:9/hook"})
	if r.status != http.StatusCreated {
		t.Fatalf("subscribe = %d %s", r.status, r.body)
	}
	var sub struct {
		ID string `json:"id"`
	}
	r.json(t, &sub)
	held, silent := e.shipment("acme"), e.shipment("acme")
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	ev := func(id string, c tracking.Code, office string, at time.Time, reason string) tracking.Event {
		return tracking.Event{Object: id, Code: c, Office: office, Time: at, Source: "post", Reason: reason}
	}
	record := func(evs ...tracking.Event) {
		t.Helper()
		if err := svc.Record(ctx, evs...); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	record(ev(held, tracking.EMA, "CNXMNA", day(20, 2), ""), ev(held, tracking.EMC, "CNXMNA", day(21, 2), ""),
		ev(held, tracking.EMD, "PLWAWA", day(26, 9), ""), ev(held, tracking.EME, "PLWAWA", day(27, 9), "document_check"),
		ev(silent, tracking.EMA, "CNXMNA", day(20, 2), ""), ev(silent, tracking.EMC, "CNXMNA", day(25, 2), ""))

	status := func(id string) string {
		t.Helper()
		var sh acceptance.Shipment
		e.do("GET", "/v1/shipments/"+id, "acme", nil).json(t, &sh)
		return sh.Status
	}
	listed := func(st string) []string {
		t.Helper()
		var page struct{ Items []acceptance.Shipment }
		r := e.do("GET", "/v1/shipments?status="+st, "acme", nil)
		if r.status != http.StatusOK {
			t.Fatalf("list status=%s = %d %s", st, r.status, r.body)
		}
		r.json(t, &page)
		var ids []string
		for _, sh := range page.Items {
			if sh.Status != st {
				t.Errorf("status=%s lists %s in %s", st, sh.ID, sh.Status)
			}
			ids = append(ids, string(sh.ID))
		}
		return ids
	}
	timeline := func(id string) tracking.Timeline {
		t.Helper()
		var tl tracking.Timeline
		e.do("GET", "/v1/items/"+id+"/events", "acme", nil).json(t, &tl)
		return tl
	}
	if st := status(held); st != "import_customs_held" {
		t.Errorf("held shipment status %s", st)
	}
	if ids := listed("import_customs_held"); !slices.Equal(ids, []string{held}) {
		t.Errorf("status=import_customs_held lists %v", ids)
	}
	if ids := listed("departed"); !slices.Equal(ids, []string{silent}) {
		t.Errorf("status=departed lists %v", ids)
	}
	tl := timeline(held)
	if tl.Status != "import_customs_held" || tl.EstimatedDelivery != nil || tl.NoEstimate != "held by import customs since 27 Nov: no estimate until released" {
		t.Errorf("held timeline: %s %+v %q", tl.Status, tl.EstimatedDelivery, tl.NoEstimate)
	}
	if tl := timeline(silent); tl.EstimatedDelivery != nil || !strings.HasPrefix(tl.NoEstimate, "no scan since 25 Nov") {
		t.Errorf("silent timeline: %+v %q", tl.EstimatedDelivery, tl.NoEstimate)
	}
	page := string(e.do("GET", "/track/"+held, "", nil).body)
	if !strings.Contains(page, "Held by import customs") || !strings.Contains(page, "since 27 Nov: no estimate until released") || strings.Contains(page, "Expected delivery") {
		t.Errorf("public page of the held item:\n%s", page)
	}
	if r := e.do("GET", "/v1/shipments?status=lost", "acme", nil); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "import_customs_held") || !strings.Contains(string(r.body), "delivered") {
		t.Errorf("unknown status = %d %s", r.status, r.body)
	}

	// Released with duty; the delivery is scanned before the partner's EMF
	// and with a clock ahead of it: still delivered, everywhere.
	record(ev(held, tracking.EMI, "PLWAWA", day(29, 12), ""))
	record(ev(held, tracking.EDC, "PLWAWA", day(30, 9), "released by customs; duty due 12.40 EUR"), ev(held, tracking.EMF, "PLWAWA", day(30, 10), ""))
	if st := status(held); st != "delivered" {
		t.Errorf("delivered shipment status %s", st)
	}
	if tl := timeline(held); tl.Status != "delivered" || !tl.DutyDue || tl.EstimatedDelivery != nil || tl.NoEstimate != "" {
		t.Errorf("delivered timeline: %+v", tl)
	}
	if ids := listed("delivered"); !slices.Equal(ids, []string{held}) {
		t.Errorf("status=delivered lists %v", ids)
	}
	if page := string(e.do("GET", "/track/"+held, "", nil).body); !strings.Contains(page, "<h1 id=\"status\">Delivered</h1>") {
		t.Errorf("public page after delivery:\n%s", page)
	}
	ds, err := e.store.WebhookDeliveries(ctx, sub.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, d := range slices.Backward(ds) {
		if d.Object == held {
			sent = append(sent, string(d.Status))
		}
	}
	if want := []string{"accepted", "departed", "arrived", "import_customs_held", "delivered"}; !slices.Equal(sent, want) {
		t.Errorf("webhooks for %s: %v, want %v", held, sent, want)
	}
}

// TestShipmentStatusEnum: the status enum the API documents (the list
// filter and the shipment's field) is the tracking lifecycle's.
func TestShipmentStatusEnum(t *testing.T) {
	raw, err := os.ReadFile("../docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	want := tracking.StatusNames()
	var param []string
	for _, p := range doc.Paths["/v1/shipments"]["get"].Parameters {
		if p.Name == "status" {
			param = p.Schema.Enum
		}
	}
	if !slices.Equal(param, want) {
		t.Errorf("list-shipments status enum %v, want %v", param, want)
	}
	if got := doc.Components.Schemas["Shipment"].Properties["status"].Enum; !slices.Equal(got, want) {
		t.Errorf("Shipment.status enum %v, want %v", got, want)
	}
}
