package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/tracking"
)

// TestCustomsStreamsInTracking: customs decisions on an express waybill and
// an e-commerce consignment reach their timelines, found by the bare number
// and by the canonical id; a decision whose events tracking refuses leaves
// them in the outbox, visibly (the item, the metric), and does not hold
// back the others.
func TestCustomsStreamsInTracking(t *testing.T) {
	t.Parallel()
	e := newCustomsEnv(t)
	e.svc.Events = app.CustomsEvents(e.app.Tracking)
	powerBank := func(d map[string]any) { setLine(d, "Power bank 20000 mAh", "850760", "25.00") } // screened for an X-ray: pending
	ups := declaration("1Z84F2W60412945528", powerBank)
	tg := declaration("TG20261123003", func(d map[string]any) {
		d["stream"], d["currency"] = "ecommerce", "EUR"
		delete(d, "express")
		d["ecommerce"] = map[string]any{"platform": "tmall-global", "order_id": "TG-881203", "model": "B2C",
			"seller": map[string]any{"name": "Berlin Beauty GmbH", "country": "DE"}}
		powerBank(d)
	})
	bad := declaration("4812766390", func(d map[string]any) { powerBank(d); d["express"] = map[string]any{"carrier": "D"} }) // not a carrier code tracking takes
	for _, d := range []map[string]any{ups, tg, bad} {
		e.need(e.do("POST", "/v1/declarations", "partner", d), 201, "declare "+d["id"].(string))
	}
	decide := func(id string, body map[string]any) customs.ItemView {
		var v customs.ItemView
		e.need(e.do("POST", "/v1/customs/items/"+id+"/decision", "officer", body), 200, "decide on "+id).json(t, &v)
		return v
	}
	decide("4812766390", map[string]any{"action": "hold", "check": "physical_inspection", "reason": "dual-use goods"})
	decide("1Z84F2W60412945528", map[string]any{"action": "hold", "check": "xray", "reason": "lithium batteries"})
	v := decide("1Z84F2W60412945528", map[string]any{"action": "release", "reason": "within limits"})
	for _, ev := range v.Events {
		if !ev.Delivered() || ev.Object != "waybill:UPS:1Z84F2W60412945528" {
			t.Errorf("waybill event %s: delivered %v, object %q, error %q", ev.Code, ev.DeliveredAt, ev.Object, ev.DeliveryError)
		}
	}
	decide("TG20261123003", map[string]any{"action": "release", "reason": "lip balm"})

	for path, want := range map[string]struct {
		object, codes string
		kind          tracking.ObjectKind
	}{
		"1Z84F2W60412945528":                   {"waybill:UPS:1Z84F2W60412945528", "EDB EME EDC", tracking.KindWaybill},
		"waybill:ups:1Z84F2W60412945528":       {"waybill:UPS:1Z84F2W60412945528", "EDB EME EDC", tracking.KindWaybill},
		"TG20261123003":                        {"ecommerce:TMALL-GLOBAL:TG20261123003", "EDB EDC", tracking.KindEcommerce},
		"ecommerce:TMALL-GLOBAL:TG20261123003": {"ecommerce:TMALL-GLOBAL:TG20261123003", "EDB EDC", tracking.KindEcommerce},
	} {
		var tl tracking.Timeline
		e.need(e.do("GET", "/v1/items/"+path+"/events", "admin", nil), 200, "timeline of "+path).json(t, &tl)
		var codes []string
		for _, ev := range tl.Events {
			codes = append(codes, string(ev.Code))
		}
		if tl.Object != want.object || tl.Kind != want.kind || strings.Join(codes, " ") != want.codes || tl.Linked {
			t.Errorf("timeline of %s = %s %s %v linked=%v; want %s %s %s", path, tl.Object, tl.Kind, codes, tl.Linked, want.object, want.kind, want.codes)
		}
	}
	if r := e.do("GET", "/track/TG20261123003", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), "ecommerce:TMALL-GLOBAL:TG20261123003") {
		t.Errorf("public page of TG20261123003 = %d", r.status)
	}
	// Malformed ids are still refused, naming what is wrong; an unknown number is not found.
	for path, want := range map[string]int{
		"EE123456784CN":       http.StatusUnprocessableEntity, // check digit
		"waybill:U:123456789": http.StatusUnprocessableEntity, // carrier code
		"NOSUCH0001":          http.StatusNotFound,
	} {
		if r := e.do("GET", "/v1/items/"+path+"/events", "admin", nil); r.status != want {
			t.Errorf("GET /v1/items/%s/events = %d, want %d: %s", path, r.status, want, r.body)
		}
	}

	// The refused decision's events wait in the outbox with the reason.
	e.need(e.do("GET", "/v1/items/4812766390/events", "admin", nil), 404, "timeline of the refused waybill")
	var held customs.ItemView
	e.need(e.do("GET", "/v1/customs/items/4812766390", "officer", nil), 200, "held item").json(t, &held)
	if len(held.Events) != 2 || held.Events[0].Delivered() || held.Events[0].Attempts < 1 || !strings.Contains(held.Events[0].DeliveryError, "carrier") {
		t.Errorf("undelivered events = %+v", held.Events)
	}
	metrics := string(e.do("GET", "/metrics", "", nil).body)
	for _, line := range []string{`interpost_customs_outbox_events{state="waiting"} 2`, `interpost_customs_outbox_events{state="failed"} 2`} {
		if !strings.Contains(metrics, line) {
			t.Errorf("metrics lack %s", line)
		}
	}

	// Partner events on a waybill Interpost has no shipment for are linked
	// to its customs declaration when it has one, else stored and reported
	// as unlinked.
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.FixedZone("", 8*3600))
	body := jsonLine("waybill:UPS:1Z84F2W60412945528", tracking.EMH, "CNSHAA", at, "post") + "\n" +
		jsonLine("CNPEKAPLWAWAAUN6100100100010X", tracking.EMC, "CNSHAA", at, "post") + "\n" +
		jsonLine("waybill:UPS:1Z84F2W60400000000", tracking.EMH, "CNSHAA", at, "post")
	r := e.need(e.do("POST", "/v1/events", "admin", body, "Content-Type", "application/x-ndjson"), 200, "ingest")
	var res tracking.Result
	r.json(t, &res)
	if res.Accepted != 2 || res.UnlinkedCount != 1 || res.Unlinked[0].Object != "waybill:UPS:1Z84F2W60400000000" || res.RejectedCount != 1 ||
		res.Rejected[0].Line != 2 || res.Rejected[0].Fields[0].Field != "object" {
		t.Errorf("ingest result = %+v", res)
	}
}
