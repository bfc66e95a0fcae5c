package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/tracking"
)

// trackingEnv is newEnv with the tracking service in reach of the test
// (to run the projector and the webhook dispatcher) and a Warsaw office.
func trackingEnv(t *testing.T) (*env, *tracking.Service) {
	t.Helper()
	e := newEnv(t)
	e.srv.Close()
	ctx := context.Background()
	if err := e.store.PutOffices(ctx, []network.Office{{Code: "PLWAWA", Name: "Warszawa", Country: "PL", Kind: network.KindOE, Lat: 52.2, Lon: 21, TZ: "Europe/Warsaw", ConnectMin: 90, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, e.store, app.Options{WebhookAllowPrivate: true}) // hooks are on loopback
	svc := a.Tracking
	h := newServer(t, a)
	e.handler = h
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e, svc
}

func (e *env) shipment(key string) string {
	e.t.Helper()
	r := e.do("POST", "/v1/shipments", key, validBody())
	if r.status != http.StatusCreated {
		e.t.Fatalf("create shipment = %d %s", r.status, r.body)
	}
	var sh acceptance.Shipment
	r.json(e.t, &sh)
	return string(sh.ID)
}

func jsonLine(obj string, code tracking.Code, office string, at time.Time, source string) string {
	return fmt.Sprintf(`{"object":%q,"code":%q,"office":%q,"time":%q,"source":%q}`, obj, code, office, at.Format(time.RFC3339), source)
}

func TestTrackingIngest(t *testing.T) {
	e, _ := trackingEnv(t)
	id := e.shipment("acme")
	now := time.Now().Truncate(time.Second)
	cst := time.FixedZone("", 8*3600)
	body := strings.Join([]string{
		jsonLine(id, tracking.EMC, "CNXMNA", now.Add(-20*time.Hour).In(cst), "post"),
		`{"object": "` + id + `", "code": }`,
		jsonLine(id, tracking.EMA, "CNXMNA", now.Add(-30*time.Hour).In(cst), "post"),
		jsonLine(id, "EMZ", "CNXMNA", now, "post"),
		jsonLine("LX000000005PL", tracking.EMD, "PLWAWA", now.Add(-2*time.Hour), "partner:PLPOST"),
		jsonLine(id, tracking.EMD, "PLWAWA", now.Add(25*time.Hour), "post"),
		jsonLine(id, tracking.EMD, "DEFRAA", now.Add(-time.Hour), "post"),
		jsonLine(id, tracking.EMA, "CNXMNA", now.Add(-30*time.Hour).In(cst), "post"),
	}, "\n")
	r := e.do("POST", "/v1/events", "admin", body, "Content-Type", "application/x-ndjson")
	if r.status != http.StatusOK {
		t.Fatalf("POST /v1/events = %d %s", r.status, r.body)
	}
	var res tracking.Result
	r.json(t, &res)
	if res.Received != 8 || res.Accepted != 4 || res.New != 3 || res.Duplicates != 1 || res.RejectedCount != 4 || res.UnlinkedCount != 1 {
		t.Fatalf("result = %+v", res)
	}
	for i, want := range []struct {
		line int
		text string
	}{{2, "not a JSON event"}, {4, "not a UPU"}, {6, "future"}, {7, "unknown office"}} {
		if got := res.Rejected[i]; got.Line != want.line || got.Index != want.line-1 || !strings.Contains(got.Reason, want.text) {
			t.Errorf("rejection %d = %+v, want line %d %q", i, got, want.line, want.text)
		}
	}
	if res.Unlinked[0].Object != "LX000000005PL" || res.Unlinked[0].Line != 5 {
		t.Errorf("unlinked = %+v", res.Unlinked)
	}

	// The timeline is in event-time order although EMC arrived first.
	r = e.do("GET", "/v1/items/"+id+"/events", "acme", nil)
	var tl tracking.Timeline
	r.json(t, &tl)
	if r.status != http.StatusOK || len(tl.Events) != 2 || tl.Events[0].Code != tracking.EMA || tl.Status != tracking.StatusDeparted || !tl.Linked || tl.EstimatedDelivery == nil {
		t.Fatalf("timeline = %d %s", r.status, r.body)
	}
	if tl.Events[0].LocalTime == "" || tl.Events[0].OfficeName != "Xiamen" {
		t.Errorf("event = %+v", tl.Events[0])
	}
	if r := e.do("GET", "/v1/items/"+id+"/events", "other", nil); r.status != http.StatusNotFound {
		t.Errorf("another merchant's item = %d", r.status)
	}
	if r := e.do("GET", "/v1/items/LX000000005PL/events", "operator", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"linked":false`) {
		t.Errorf("partner item timeline = %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/items/EE123456784CN/events", "admin", nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad id = %d", r.status)
	}

	// CSV, a partner key (its source is forced), and the partner message format.
	csv := "object,code,office,time,source\n" + id + ",EDB,PLWAWA," + now.Add(-30*time.Minute).Format(time.RFC3339) + ",partner:PLPOST\n" +
		id + ",EDC,PLWAWA," + now.Add(-20*time.Minute).Format(time.RFC3339) + ",partner:DEPOST\n"
	r = e.do("POST", "/v1/events", "partner", csv, "Content-Type", "text/csv")
	r.json(t, &res)
	if r.status != http.StatusOK || res.New != 1 || res.RejectedCount != 1 || !strings.Contains(res.Rejected[0].Reason, "forbidden") {
		t.Errorf("partner CSV = %d %s", r.status, r.body)
	}
	var msg strings.Builder
	if err := edi.EncodeEvents(&msg, edi.Message{Sender: "PLPOST", Recipient: "CNPOST", Ref: "1", Events: []tracking.Event{
		{Object: id, Code: tracking.EMF, Office: "PLWAWA", Time: now.Add(-10 * time.Minute)}}}); err != nil {
		t.Fatal(err)
	}
	r = e.do("POST", "/v1/events", "partner", msg.String(), "Content-Type", edi.ContentType)
	r.json(t, &res)
	if r.status != http.StatusOK || res.New != 1 {
		t.Errorf("partner message = %d %s", r.status, r.body)
	}
	// A French-bound item may pass through Poland (EMJ, a transit scan),
	// but the Polish post cannot deliver it.
	fr := validBody()
	fr["addressee"] = map[string]any{"name": "Camille Martin", "address": "1 rue de Rivoli", "city": "Paris", "postcode": "75001", "country": "FR"}
	var frSh acceptance.Shipment
	if r := e.do("POST", "/v1/shipments", "acme", fr); r.status != http.StatusCreated {
		t.Fatalf("a French-bound shipment = %d %s", r.status, r.body)
	} else {
		r.json(t, &frSh)
	}
	csv = "object,code,office,time,source\n" + string(frSh.ID) + ",EMJ,PLWAWA," + now.Add(-9*time.Minute).Format(time.RFC3339) + ",partner:PLPOST\n" +
		string(frSh.ID) + ",EMI,PLWAWA," + now.Add(-8*time.Minute).Format(time.RFC3339) + ",partner:PLPOST\n"
	res = tracking.Result{}
	r = e.do("POST", "/v1/events", "partner", csv, "Content-Type", "text/csv")
	r.json(t, &res)
	if r.status != http.StatusOK || res.New != 1 || res.RejectedCount != 1 || !strings.Contains(res.Rejected[0].Reason, "is bound for FR; partner PLPOST scans EMI only on items bound for PL") {
		t.Errorf("partner delivering a French item = %d %s", r.status, r.body)
	}
	// A partner post reports at its own country's offices only: the Polish
	// post cannot deliver the item in Xiamen.
	csv = "object,code,office,time,source\n" + id + ",EMI,CNXMNA," + now.Add(-5*time.Minute).Format(time.RFC3339) + ",partner:PLPOST\n"
	res = tracking.Result{}
	r = e.do("POST", "/v1/events", "partner", csv, "Content-Type", "text/csv")
	r.json(t, &res)
	if r.status != http.StatusOK || res.New != 0 || res.RejectedCount != 1 || !strings.Contains(res.Rejected[0].Reason, "partner PLPOST reports events at its own offices (PL), not at CNXMNA (CN)") {
		t.Errorf("partner event abroad = %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/events", "acme", body, "Content-Type", "application/x-ndjson"); r.status != http.StatusForbidden {
		t.Errorf("merchant sending events = %d", r.status)
	}
	if r := e.do("POST", "/v1/events", "admin", "<xml/>", "Content-Type", "application/xml"); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("XML body = %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/events", "admin", `[{"object":"x"}, {"obj`); r.status != http.StatusUnprocessableEntity {
		t.Errorf("broken JSON array = %d %s", r.status, r.body)
	}
}

func TestTrackingBodyTooLarge(t *testing.T) {
	e, _ := trackingEnv(t)
	big := strings.Repeat(" ", server.MaxEventsBody+1)
	if r := e.do("POST", "/v1/events", "admin", big, "Content-Type", "application/x-ndjson"); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("11 MB body = %d, want 413", r.status)
	}
}

func TestTrackingStuckAndPage(t *testing.T) {
	e, svc := trackingEnv(t)
	id := e.shipment("acme")
	at := time.Now().Add(-80 * time.Hour)
	ctx := context.Background()
	if err := svc.Record(ctx,
		tracking.Event{Object: id, Code: tracking.EMD, Office: "PLWAWA", Time: at, Source: "partner:PLPOST"},
		tracking.Event{Object: id, Code: tracking.EME, Office: "PLWAWA", Time: at.Add(time.Hour), Source: "customs", Reason: "document_check"},
		tracking.Event{Object: id, Code: tracking.EMA, Office: "CNXMNA", Time: at.Add(-50 * time.Hour), Source: "post", Signatory: "Secret Person"},
	); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []tracking.Item `json:"items"`
	}
	r := e.do("GET", "/v1/items?status=import_customs_held&stuck_for=3d&lane=CN-PL", "operator", nil)
	r.json(t, &page)
	if r.status != http.StatusOK || len(page.Items) != 1 || page.Items[0].Object != id {
		t.Fatalf("stuck = %d %s", r.status, r.body)
	}
	for _, q := range []string{"?stuck_for=4d", "?status=delivered", "?lane=CN-DE"} {
		r := e.do("GET", "/v1/items"+q, "admin", nil)
		r.json(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("%s found %+v", q, page.Items)
		}
	}
	if r := e.do("GET", "/v1/items", "other", nil); !strings.Contains(string(r.body), `"items":[]`) {
		t.Errorf("another merchant sees %s", r.body)
	}
	for _, q := range []string{"?stuck_for=soon", "?status=lost", "?lane=CN"} {
		if r := e.do("GET", "/v1/items"+q, "admin", nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s = %d", q, r.status)
		}
	}

	r = e.do("GET", "/track/"+id, "", nil)
	page2 := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(page2, "Held by import customs") || !strings.Contains(page2, "Warszawa") {
		t.Fatalf("public page = %d\n%s", r.status, page2)
	}
	for _, private := range []string{"Secret Person", "Anna Nowak", "ACME", "Prosta", "document_check"} {
		if strings.Contains(page2, private) {
			t.Errorf("public page shows %q", private)
		}
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if r := e.do("GET", "/track/EE123456784CN", "", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "not a valid item number") {
		t.Errorf("bad id page = %d", r.status)
	}
	if r := e.do("GET", "/track/EE123456785CN", "", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown item page = %d", r.status)
	}
	if r := e.do("GET", "/track?id=ee+123+456+785+cn", "", nil); r.status != http.StatusNotFound {
		t.Errorf("form redirect = %d", r.status)
	}
}

func TestTrackingWebhooks(t *testing.T) {
	e, svc := trackingEnv(t)
	var got atomic.Int32
	var secret atomic.Value
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s, _ := secret.Load().(string)
		if !tracking.Verify(s, body, r.Header.Get(tracking.HeaderSignature)) || r.Header.Get(tracking.HeaderDelivery) == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got.Add(1)
	}))
	defer hook.Close()
	hang := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer hanging.Close()
	defer close(hang)

	var sub struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	r := e.do("POST", "/v1/webhooks", "acme", map[string]any{"url": hook.URL, "statuses": []string{"delivered", "import_customs_held"}})
	r.json(t, &sub)
	if r.status != http.StatusCreated || sub.Secret == "" {
		t.Fatalf("subscribe = %d %s", r.status, r.body)
	}
	secret.Store(sub.Secret)
	var slow struct {
		ID string `json:"id"`
	}
	e.do("POST", "/v1/webhooks", "acme", map[string]any{"url": hanging.URL}).json(t, &slow)
	if r := e.do("POST", "/v1/webhooks", "acme", map[string]any{"url": "ftp://x", "statuses": []string{"lost"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad subscription = %d", r.status)
	}
	if r := e.do("GET", "/v1/webhooks/"+sub.ID+"/deliveries", "other", nil); r.status != http.StatusNotFound {
		t.Errorf("another merchant's deliveries = %d", r.status)
	}

	id := e.shipment("acme")
	ctx := context.Background()
	now := time.Now()
	if err := svc.Record(ctx, tracking.Event{Object: id, Code: tracking.EMA, Office: "CNXMNA", Time: now.Add(-3 * time.Hour), Source: "post"},
		tracking.Event{Object: id, Code: tracking.EMI, Office: "PLWAWA", Time: now.Add(-time.Hour), Source: "partner:PLPOST"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	d := &tracking.Dispatcher{Store: e.store, Poster: server.NewWebhookPoster(server.WebhookPolicy{AllowPrivate: true}), Timeout: 300 * time.Millisecond}
	started := time.Now()
	n, err := d.Step(ctx)
	if err != nil || n != 3 { // delivered to hook; accepted and delivered to the hanging endpoint
		t.Fatalf("Step = %d, %v", n, err)
	}
	if el := time.Since(started); el > 5*time.Second {
		t.Errorf("a hanging endpoint held the dispatcher for %s", el)
	}
	if got.Load() != 1 {
		t.Errorf("hook received %d signed deliveries, want 1", got.Load())
	}
	// Ingest is not blocked by the hanging endpoint.
	if r := e.do("POST", "/v1/events", "admin", jsonLine(id, tracking.EMB, "CNXMNA", now.Add(-2*time.Hour), "post")); r.status != http.StatusOK {
		t.Errorf("ingest while an endpoint hangs = %d", r.status)
	}
	var dl struct {
		Deliveries []tracking.Delivery `json:"deliveries"`
	}
	e.do("GET", "/v1/webhooks/"+slow.ID+"/deliveries", "acme", nil).json(t, &dl)
	if len(dl.Deliveries) != 2 || dl.Deliveries[0].State != tracking.DeliveryPending || dl.Deliveries[0].Attempts != 1 ||
		!strings.Contains(dl.Deliveries[0].LastError, "timeout") || dl.Deliveries[0].NextAttempt.Before(now.Add(20*time.Second)) {
		t.Errorf("hanging endpoint's deliveries = %+v", dl.Deliveries)
	}
	e.do("GET", "/v1/webhooks/"+sub.ID+"/deliveries", "acme", nil).json(t, &dl)
	if len(dl.Deliveries) != 1 || dl.Deliveries[0].State != tracking.DeliveryDelivered || dl.Deliveries[0].Status != tracking.StatusDelivered {
		t.Errorf("deliveries = %+v", dl.Deliveries)
	}
	if r := e.do("DELETE", "/v1/webhooks/"+slow.ID, "acme", nil); r.status != http.StatusNoContent {
		t.Errorf("unsubscribe = %d", r.status)
	}
	if n, _ := d.Step(ctx); n != 0 {
		t.Errorf("%d deliveries claimed for a disabled subscription", n)
	}
}

func TestTrackingReport(t *testing.T) {
	e, svc := trackingEnv(t)
	id := e.shipment("acme")
	ctx := context.Background()
	j := time.Date(2026, 11, 16, 9, 0, 0, 0, time.FixedZone("", 8*3600)) // a Monday
	if err := svc.Record(ctx, tracking.Event{Object: id, Code: tracking.EMA, Office: "CNXMNA", Time: j, Source: "post"},
		tracking.Event{Object: id, Code: tracking.EMI, Office: "PLWAWA", Time: j.Add(4 * 24 * time.Hour), Source: "partner:PLPOST"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var rep tracking.Report
	r := e.do("GET", "/v1/reports/e2e?from=2026-11-01&to=2026-11-30", "operator", nil)
	r.json(t, &rep)
	if r.status != http.StatusOK || len(rep.Lanes) != 1 || rep.Lanes[0].JN[4] != 1 || rep.Lanes[0].OnTime != 1 || rep.Lanes[0].Week != "2026-W47" {
		t.Fatalf("report = %d %s", r.status, r.body)
	}
	r = e.do("GET", "/v1/reports/e2e.csv?from=2026-11-01&to=2026-11-30", "admin", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(string(r.body), "origin,dest,product,week") || !strings.Contains(string(r.body), "CN,PL,ems,2026-W47,1,1,5,1,1.000") {
		t.Errorf("CSV = %d %s", r.status, r.body)
	}
	if r := e.do("PUT", "/v1/lanes/standards", "admin", map[string]any{"origin": "CN", "dest": "PL", "product": "ems", "days": 3}); r.status != http.StatusOK {
		t.Errorf("put standard = %d %s", r.status, r.body)
	}
	e.do("GET", "/v1/reports/e2e?from=2026-11-01&to=2026-11-30", "admin", nil).json(t, &rep)
	if rep.Lanes[0].OnTime != 0 || rep.Lanes[0].StandardDays != 3 {
		t.Errorf("with J+3: %+v", rep.Lanes[0])
	}
	if r := e.do("GET", "/v1/reports/e2e?from=2026-11-31&to=x", "admin", nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad dates = %d", r.status)
	}
}
