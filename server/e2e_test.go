package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// TestItemLifeEndToEnd is the contract for the joints between the
// capabilities: items are driven through their whole life with the public
// API and the partner message formats only, on SQLite and on PostgreSQL,
// and after each step every view must tell the same story: the shipment,
// the timeline, the public page, the merchant's webhooks (received by a
// test endpoint), the e2e report; at the end the ledger.
//
// The node's background work (the tracking projector and the webhook
// dispatcher, which `interpost serve` runs on tickers) is run by the test
// after each step, so that each step is checked when the node has caught up.
func TestItemLifeEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		itemLife(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("INTERPOST_TEST_POSTGRES")
		if base == "" {
			t.Skip("SKIPPED: PostgreSQL half not run: set INTERPOST_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it")
		}
		itemLife(t, e2ePostgres(t, base))
	})
}

// e2ePostgres opens a fresh database on the server base names, dropped at
// the end of the test.
func e2ePostgres(t *testing.T, base string) store.Store {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	name := fmt.Sprintf("interpost_e2e_%d", time.Now().UnixNano()%1e9)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u, q := base, ""
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, q = u[:i], u[i:]
	}
	u = u[:strings.LastIndexByte(u, '/')+1] + name + q
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// e2eClock is the node's clock: fixed, moved on by the test step by step.
type e2eClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *e2eClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *e2eClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

// hookSink is the merchant's webhook endpoint: it records the statuses it
// receives per item, in order.
type hookSink struct {
	mu  sync.Mutex
	got map[string][]string
}

func (h *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Item struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"item"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got[body.Item.ID] = append(h.got[body.Item.ID], body.Item.Status)
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookSink) statuses(id string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got[id])
}

type lifeEnv struct {
	*env
	app     *app.App
	clock   *e2eClock
	hooks   *hookSink
	webhook *tracking.Dispatcher
	// expected statuses of the items posted (EMA) on the test's day, for
	// the e2e report.
	posted map[string]string
	start  time.Time
}

func (e *lifeEnv) need(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: %d, want %d: %s", what, r.status, status, r.body)
	}
	return r
}

// settle runs the node's background work: the projector, then one round
// of webhook deliveries.
func (e *lifeEnv) settle() {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.app.Tracking.CatchUp(ctx); err != nil {
		e.t.Fatal(err)
	}
	for range 5 {
		n, err := e.webhook.Step(ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
}

// events posts partner scans as NDJSON lines (docs/formats.md) with key.
func (e *lifeEnv) events(key, source string, unlinked int, lines ...tracking.Event) {
	e.t.Helper()
	var b strings.Builder
	for _, ev := range lines {
		m := map[string]any{"object": ev.Object, "code": ev.Code, "office": ev.Office, "time": ev.Time.Format(time.RFC3339), "source": source}
		if ev.Reason != "" {
			m["reason"] = ev.Reason
		}
		raw, _ := json.Marshal(m)
		b.Write(raw)
		b.WriteByte('\n')
	}
	var res tracking.Result
	e.need(e.do("POST", "/v1/events", key, b.String(), "Content-Type", "application/x-ndjson"), 200, "post events").json(e.t, &res)
	if res.Accepted != len(lines) || res.RejectedCount != 0 || res.UnlinkedCount != unlinked {
		e.t.Fatalf("events %v: %+v", lines, res)
	}
}

// step times one step, lets the node catch up, and checks the views.
func (e *lifeEnv) step(name string, do func(), checks ...func()) {
	e.t.Helper()
	t0 := time.Now()
	do()
	e.settle()
	for _, c := range checks {
		c()
	}
	e.report()
	d := time.Since(t0)
	e.t.Logf("step %-44s %6.1f ms", name, float64(d.Microseconds())/1000)
}

// agree checks that every view of the S10 item id shows status, that the
// timeline has the event code (when given), and that the merchant's last
// webhook for it carried status.
func (e *lifeEnv) agree(id, status string, code tracking.Code) func() {
	return func() {
		e.t.Helper()
		var sh acceptance.Shipment
		e.need(e.do("GET", "/v1/shipments/"+id, "merchant", nil), 200, "shipment "+id).json(e.t, &sh)
		if sh.Status != status {
			e.t.Errorf("%s: shipment status %s, want %s", id, sh.Status, status)
		}
		var page struct{ Items []acceptance.Shipment }
		e.need(e.do("GET", "/v1/shipments?status="+status, "merchant", nil), 200, "list "+status).json(e.t, &page)
		if !slices.ContainsFunc(page.Items, func(s acceptance.Shipment) bool { return string(s.ID) == id }) {
			e.t.Errorf("%s: not listed under status=%s", id, status)
		}
		tl := e.timeline(id, "merchant", status, code)
		e.page(id, tl.Status)
		hooks := e.hooks.statuses(id)
		switch {
		case status == string(tracking.StatusCreated) && len(hooks) > 0:
			e.t.Errorf("%s: webhooks %v before any event", id, hooks)
		case status != string(tracking.StatusCreated) && (len(hooks) == 0 || hooks[len(hooks)-1] != status):
			e.t.Errorf("%s: webhooks received %v, want them to end with %s", id, hooks, status)
		}
		if status != string(tracking.StatusCreated) {
			e.posted[id] = status
		}
	}
}

// timeline reads id's timeline as key and checks its status and code.
func (e *lifeEnv) timeline(id, key, status string, code tracking.Code) tracking.Timeline {
	e.t.Helper()
	var tl tracking.Timeline
	e.need(e.do("GET", "/v1/items/"+url.PathEscape(id)+"/events", key, nil), 200, "timeline of "+id).json(e.t, &tl)
	if string(tl.Status) != status {
		e.t.Errorf("%s: timeline status %s, want %s", id, tl.Status, status)
	}
	if code != "" && !slices.ContainsFunc(tl.Events, func(ev tracking.TimelineEvent) bool { return ev.Code == code }) {
		e.t.Errorf("%s: timeline lacks %s: %+v", id, code, tl.Events)
	}
	return tl
}

// page checks the public page shows the status's English buyer label.
func (e *lifeEnv) page(id string, st tracking.Status) {
	e.t.Helper()
	label := i18n.Default().For(language.English).T("public.status." + string(st))
	r := e.need(e.do("GET", "/track/"+url.PathEscape(id), "", nil), 200, "public page of "+id)
	if want := `<h1 id="status">` + html.EscapeString(label) + `</h1>`; !strings.Contains(string(r.body), want) {
		e.t.Errorf("%s: public page lacks %s", id, want)
	}
}

// report checks the e2e report of the posting day counts the posted items
// by the statuses they have.
func (e *lifeEnv) report() {
	e.t.Helper()
	day := e.start.In(cst).Format(time.DateOnly)
	var rep tracking.Report
	e.need(e.do("GET", "/v1/reports/e2e?from="+day+"&to="+day, "admin", nil), 200, "e2e report").json(e.t, &rep)
	got := map[string]int{}
	volume := 0
	for _, l := range rep.Lanes {
		volume += l.Volume
		for st, n := range l.Statuses {
			got[string(st)] += n
		}
	}
	want := map[string]int{}
	for _, st := range e.posted {
		want[st]++
	}
	if volume != len(e.posted) || !maps.Equal(got, want) {
		e.t.Errorf("e2e report: volume %d statuses %v, want %d %v", volume, got, len(e.posted), want)
	}
}

var cst = time.FixedZone("CST", 8*3600)

func itemLife(t *testing.T, st store.Store) {
	ctx := context.Background()
	began := time.Now()
	// Monday 23 Nov 2026, 09:00 in Xiamen.
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, cst)
	clock := &e2eClock{t: start.UTC()}

	// The world: the demo network and tariffs, a merchant, keys.
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMerchant(ctx, acceptance.Merchant{Code: "XMTEA", Name: "Xiamen Tea Co", Office: "CNXMNA", Country: "CN", CreatedAt: start}); err != nil {
		t.Fatal(err)
	}
	e := &lifeEnv{env: &env{t: t, store: st, keys: map[string]string{}}, clock: clock, posted: map[string]string{}, start: start}
	for name, k := range map[string]struct {
		role              auth.Role
		merchant, partner string
		offices           []string
	}{
		"admin": {role: auth.RoleAdmin}, "operator": {role: auth.RoleOperator, offices: []string{"CNXMNA"}},
		"merchant": {role: auth.RoleMerchant, merchant: "XMTEA"},
		"partner":  {role: auth.RolePartner, partner: "PLPOST"}, "carrier": {role: auth.RolePartner, partner: "UPS"},
		"officer": {role: auth.RoleCustoms, offices: []string{"CNSHAA"}},
	} {
		key, secret, err := auth.NewKey(k.role, k.merchant, k.partner, k.offices, name, start)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		e.keys[name] = secret
	}
	a := newApp(t, st, app.Options{Now: clock.Now, WebhookAllowPrivate: true})
	e.app = a
	e.handler = newServer(t, a)
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	e.hooks = &hookSink{got: map[string][]string{}}
	hookSrv := httptest.NewServer(e.hooks)
	t.Cleanup(hookSrv.Close)
	e.webhook = &tracking.Dispatcher{Store: st, Poster: server.NewWebhookPoster(server.WebhookPolicy{AllowPrivate: true}), Now: clock.Now}

	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	tariffs := map[string]string{}
	for name, b := range files {
		tariffs[name] = string(b)
	}
	e.need(e.do("POST", "/v1/tariffs", "admin", map[string]any{"files": tariffs}), 201, "load the demo tariffs")
	plan, err := demo.SortPlanFile("CNXMNA")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := dispatch.ReadSortPlan(strings.NewReader(string(plan)))
	if err != nil {
		t.Fatal(err)
	}
	e.need(e.do("PUT", "/v1/offices/CNXMNA/sortplan", "operator", map[string]any{"rules": rules}), 200, "put the Xiamen sort plan")
	e.need(e.do("POST", "/v1/webhooks", "merchant", map[string]any{"url": hookSrv.URL + "/hook"}), 201, "subscribe a webhook")
	t.Logf("world set up in %.1f ms", float64(time.Since(began).Microseconds())/1000)

	// (a) delivered after a customs hold with duty, (b) seized by import
	// customs, (d) sent back by the destination and returned to the sender:
	// three EMS items to Warsaw travel in one receptacle.
	var delivered, seized, returned string
	create := func() string {
		var sh acceptance.Shipment
		e.need(e.do("POST", "/v1/shipments", "merchant", validBody()), 201, "create shipment").json(t, &sh)
		return string(sh.ID)
	}
	e.step("create shipments", func() { delivered, seized, returned = create(), create(), create() },
		func() {
			e.agree(delivered, "created", "")()
			e.agree(seized, "created", "")()
			e.agree(returned, "created", "")()
		})

	at := func(d time.Duration) time.Time { return start.Add(d) }
	ev := func(id string, code tracking.Code, office string, when time.Time, reason string) tracking.Event {
		return tracking.Event{Object: id, Code: code, Office: office, Time: when, Reason: reason}
	}
	clock.Set(at(time.Hour))
	e.step("acceptance scan EMA", func() {
		e.events("operator", "post", 0, ev(delivered, tracking.EMA, "CNXMNA", at(30*time.Minute), ""), ev(seized, tracking.EMA, "CNXMNA", at(35*time.Minute), ""),
			ev(returned, tracking.EMA, "CNXMNA", at(40*time.Minute), ""))
	}, func() {
		e.agree(delivered, "accepted", tracking.EMA)()
		e.agree(seized, "accepted", tracking.EMA)()
		e.agree(returned, "accepted", tracking.EMA)()
	})

	// Presort, receptacle, dispatch.
	clock.Set(at(2 * time.Hour))
	var target dispatch.Target
	var d dispatch.Dispatch
	var s9 string
	e.step("presort, receptacle, close, dispatch", func() {
		var sr dispatch.SortResult
		e.need(e.do("POST", "/v1/offices/CNXMNA/sort", "operator", map[string]any{"item": delivered}), 200, "sort").json(t, &sr)
		target = sr.Target
		if target.Destination != "PLWAWA" {
			t.Fatalf("sorted to %+v", target)
		}
		e.need(e.do("POST", "/v1/dispatches", "operator", map[string]any{"origin": "CNXMNA", "destination": target.Destination,
			"category": target.Category, "subclass": target.Subclass}), 201, "open dispatch").json(t, &d)
		var r dispatch.Receptacle
		e.need(e.do("POST", "/v1/dispatches/"+d.ID+"/receptacles", "operator", map[string]any{"type": string(target.Receptacle)}), 201, "open receptacle").json(t, &r)
		for _, id := range []string{delivered, seized, returned} {
			e.need(e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": id}), 201, "receptacle scan "+id)
		}
		e.need(e.do("POST", "/v1/receptacles/"+r.Number+"/close", "operator", map[string]any{"gross_weight_g": 3300}), 200, "close receptacle")
		var v dispatch.DispatchView
		e.need(e.do("POST", "/v1/dispatches/"+d.ID+"/close", "operator", nil), 200, "close dispatch").json(t, &v)
		s9 = v.ReceptacleList[0].ID
	}, func() {
		e.agree(delivered, "at_outward_oe", "")()
		e.agree(seized, "at_outward_oe", "")()
		e.agree(returned, "at_outward_oe", "")()
	})

	// Consign to the planned first departure; depart.
	var c dispatch.Consignment
	var route routing.Result
	e.step("consign to the planned departure", func() {
		q := url.Values{"from": {"CNXMNA"}, "to": {target.Destination}, "ready": {clock.Now().Format(time.RFC3339)}, "product": {"ems"}, "weight_g": {"3300"}}
		e.need(e.do("GET", "/v1/routes?"+q.Encode(), "operator", nil), 200, "plan the route").json(t, &route)
		if route.Earliest == nil || len(route.Earliest.Legs) == 0 {
			t.Fatalf("no route CNXMNA→%s", target.Destination)
		}
		leg := route.Earliest.Legs[0]
		e.need(e.do("POST", "/v1/consignments", "operator", map[string]any{"office": "CNXMNA", "service": leg.Service,
			"date": leg.Depart.In(cst).Format(time.DateOnly), "dispatches": []string{d.ID}}), 201, "consign").json(t, &c)
		t.Logf("route: %+v; consignment %s on %s", route.Earliest.Legs, c.ID, c.Service)
	}, func() {
		e.agree(delivered, "at_outward_oe", "")()
		e.agree(seized, "at_outward_oe", "")()
		e.agree(returned, "at_outward_oe", "")()
	})
	clock.Set(c.Departure.Add(20 * time.Minute))
	e.step("depart", func() {
		e.need(e.do("POST", "/v1/consignments/"+c.ID+"/depart", "operator", map[string]any{"at": c.Departure}), 200, "depart")
	}, func() {
		e.agree(delivered, "departed", tracking.EMC)()
		e.agree(seized, "departed", tracking.EMC)()
		e.agree(returned, "departed", tracking.EMC)()
	})
	if r := e.do("GET", "/v1/items/"+s9+"/events", "admin", nil); r.status != 200 {
		t.Errorf("receptacle %s timeline: %d %s", s9, r.status, r.body)
	}

	// The partner post at Warsaw: arrival, import customs, delivery.
	arrived := route.Earliest.Arrive.Add(2 * time.Hour)
	partner := func(name string, when time.Time, status string, evs ...tracking.Event) {
		clock.Set(when.Add(10 * time.Minute))
		e.step(name, func() { e.events("partner", "partner:PLPOST", 0, evs...) }, func() {
			ids := map[string]bool{}
			for _, x := range evs {
				if !ids[x.Object] {
					ids[x.Object] = true
					e.agree(x.Object, status, x.Code)()
				}
			}
		})
	}
	partner("EMD arrival at PLWAWA", arrived, "arrived", ev(delivered, tracking.EMD, "PLWAWA", arrived, ""), ev(seized, tracking.EMD, "PLWAWA", arrived, ""),
		ev(returned, tracking.EMD, "PLWAWA", arrived, ""))
	// (d) The addressee refuses the item: the destination sends it back.
	partner("EDX returned to the sender", arrived.Add(2*time.Hour), "returning", ev(returned, tracking.EDX, "PLWAWA", arrived.Add(2*time.Hour), "refused by the addressee: return to sender"))
	held := arrived.Add(3 * time.Hour)
	partner("EDB/EME held by import customs", held, "import_customs_held",
		ev(delivered, tracking.EDB, "PLWAWA", held, ""), ev(delivered, tracking.EME, "PLWAWA", held.Add(time.Hour), "document_check"),
		ev(seized, tracking.EDB, "PLWAWA", held, ""), ev(seized, tracking.EME, "PLWAWA", held.Add(time.Hour), "counterfeit goods"))
	released := held.Add(24 * time.Hour)
	partner("EDC released, duty due", released, "import_customs_released", ev(delivered, tracking.EDC, "PLWAWA", released, "released by customs; duty due 12.40 EUR"))
	if tl := e.timeline(delivered, "merchant", "import_customs_released", tracking.EDC); !tl.DutyDue {
		t.Errorf("%s: released with duty, timeline duty_due false", delivered)
	}
	partner("EDX seized by import customs", released.Add(time.Hour), "seized", ev(seized, tracking.EDX, "PLWAWA", released.Add(time.Hour), "seized by customs: counterfeit goods"))
	attempt := released.Add(20 * time.Hour)
	partner("EMH delivery attempted", attempt, "delivery_attempted", ev(delivered, tracking.EMH, "PLWAWA", attempt, "addressee absent"))
	final := attempt.Add(24 * time.Hour)
	partner("EMI delivered", final, "delivered", ev(delivered, tracking.EMI, "PLWAWA", final, ""))
	// The returned item is handed back to the sender at Xiamen.
	back := final.Add(72 * time.Hour)
	clock.Set(back.Add(10 * time.Minute))
	e.step("EMI returned to the sender", func() {
		e.events("operator", "post", 0, ev(returned, tracking.EMI, "CNXMNA", back, "handed back to the sender"))
	}, e.agree(returned, "returned", tracking.EMI))
	for id, want := range map[string][]string{
		delivered: {"accepted", "at_outward_oe", "departed", "arrived", "import_customs_held", "import_customs_released", "delivery_attempted", "delivered"},
		seized:    {"accepted", "at_outward_oe", "departed", "arrived", "import_customs_held", "seized"},
		returned:  {"accepted", "at_outward_oe", "departed", "arrived", "returning", "returned"},
	} {
		if got := e.hooks.statuses(id); !slices.Equal(got, want) {
			t.Errorf("%s: webhooks received %v, want %v", id, got, want)
		}
	}

	// The month rated: the item's own charges from its acceptance, the
	// conveyance from the consignment that departed, nothing planned for
	// the items or that consignment. (A dispatch rides one consignment,
	// from its origin: the onward legs of its way are charged on the
	// planned basis, keyed to the dispatch.)
	month := start.Format("2006-01")
	e.step("rate the month", func() {
		var rep accounting.RateReport
		e.need(e.do("POST", "/v1/ledger/rate", "admin", map[string]any{"period": month}), 200, "rate").json(t, &rep)
		if rep.Items != 3 || rep.Posted == 0 {
			t.Errorf("rate report %+v", rep)
		}
	}, func() {
		var all []accounting.Entry
		cursor := ""
		for {
			var page struct {
				Items      []accounting.Entry `json:"items"`
				NextCursor string             `json:"next_cursor"`
			}
			e.need(e.do("GET", "/v1/ledger?period="+month+"&limit=500&cursor="+url.QueryEscape(cursor), "admin", nil), 200, "ledger").json(t, &page)
			all = append(all, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		kinds := map[accounting.Kind]string{}
		conveyance := 0
		for _, en := range all {
			t.Logf("ledger: %s %s %s→%s %s %s basis=%s item=%s consignment=%s", en.Key, en.Kind, en.Debtor, en.Creditor, en.Amount, en.Currency, en.Basis, en.Item, en.Consignment)
			switch {
			case en.Item == delivered && (en.Kind == accounting.KindPostage || en.Kind == accounting.KindEMS):
				kinds[en.Kind] = en.Basis
			case en.Kind == accounting.KindConveyance && en.Consignment == c.ID:
				conveyance++
				if en.Basis != "dispatched" {
					t.Errorf("conveyance of %s on basis %s", c.ID, en.Basis)
				}
			}
			if en.Basis == "planned" && (en.Item == delivered || en.Item == seized || en.Item == returned) {
				t.Errorf("planned charge for an item that departed: %+v", en)
			}
		}
		if kinds[accounting.KindPostage] != "accepted" || kinds[accounting.KindEMS] != "accepted" {
			t.Errorf("%s: postage and EMS charges %v, want both on basis accepted", delivered, kinds)
		}
		if conveyance == 0 {
			t.Errorf("no conveyance entry for consignment %s", c.ID)
		}
	})

	// (c) An express waybill: the carrier declares it, the officer holds
	// and releases it; the decisions reach its timeline by the bare number.
	const waybill = "1Z84F2W60412945528"
	clock.Set(final.Add(time.Hour))
	e.step("express: declare", func() {
		d := declaration(waybill, func(d map[string]any) { setLine(d, "Power bank 20000 mAh", "850760", "25.00") })
		var it customs.Item
		e.need(e.do("POST", "/v1/declarations", "carrier", d), 201, "declare "+waybill).json(t, &it)
		if it.Status == customs.StatusReleased {
			t.Errorf("power bank auto-released: %+v", it)
		}
	})
	decide := func(name, status string, code tracking.Code, body map[string]any) {
		clock.Set(clock.Now().Add(time.Hour))
		e.step(name, func() {
			e.need(e.do("POST", "/v1/customs/items/"+waybill+"/decision", "officer", body), 200, name)
		}, func() {
			tl := e.timeline(waybill, "admin", status, code)
			if tl.Object != "waybill:UPS:"+waybill || tl.Kind != tracking.KindWaybill {
				t.Errorf("waybill timeline is %s %s", tl.Object, tl.Kind)
			}
			e.page(waybill, tl.Status)
		})
	}
	decide("express: officer holds", "import_customs_held", tracking.EME, map[string]any{"action": "hold", "check": "xray", "reason": "lithium batteries"})
	decide("express: officer releases", "import_customs_released", tracking.EDC, map[string]any{"action": "release", "reason": "within limits"})
	delivery := clock.Now()
	clock.Set(delivery.Add(time.Hour))
	e.step("express: carrier delivers", func() {
		// Interpost has no shipment of the waybill: the scan is stored unlinked.
		e.events("carrier", "partner:UPS", 1, ev("waybill:UPS:"+waybill, tracking.EMI, "CNSHAA", delivery, ""))
	}, func() {
		tl := e.timeline(waybill, "admin", "delivered", tracking.EMI)
		var codes []string
		for _, x := range tl.Events {
			codes = append(codes, string(x.Code))
		}
		if strings.Join(codes, " ") != "EDB EME EDC EMI" {
			t.Errorf("waybill timeline %v", codes)
		}
		e.page(waybill, tl.Status)
	})

	// (e) A cross-border e-commerce order: declared with its platform, held
	// and released; its timeline answers to the bare order number.
	const order = "TG20261123003"
	e.step("e-commerce: declare", func() {
		d := declaration(order, func(d map[string]any) {
			d["stream"], d["currency"] = "ecommerce", "EUR"
			delete(d, "express")
			d["ecommerce"] = map[string]any{"platform": "tmall-global", "order_id": "TG-881203", "model": "B2C",
				"seller": map[string]any{"name": "Berlin Beauty GmbH", "country": "DE"}}
			setLine(d, "Power bank 20000 mAh", "850760", "25.00")
		})
		var it customs.Item
		e.need(e.do("POST", "/v1/declarations", "carrier", d), 201, "declare "+order).json(t, &it)
		if it.Status == customs.StatusReleased {
			t.Errorf("power bank auto-released: %+v", it)
		}
	})
	for _, dec := range []struct {
		name, status string
		code         tracking.Code
		body         map[string]any
	}{
		{"e-commerce: officer holds", "import_customs_held", tracking.EME, map[string]any{"action": "hold", "check": "xray", "reason": "lithium batteries"}},
		{"e-commerce: officer releases", "import_customs_released", tracking.EDC, map[string]any{"action": "release", "reason": "within limits"}},
	} {
		clock.Set(clock.Now().Add(time.Hour))
		e.step(dec.name, func() {
			e.need(e.do("POST", "/v1/customs/items/"+order+"/decision", "officer", dec.body), 200, dec.name)
		}, func() {
			tl := e.timeline(order, "admin", dec.status, dec.code)
			if tl.Object != "ecommerce:TMALL-GLOBAL:"+order || tl.Kind != tracking.KindEcommerce {
				t.Errorf("e-commerce timeline is %s %s", tl.Object, tl.Kind)
			}
			e.page(order, tl.Status)
		})
	}
	t.Logf("whole life in %.1f ms", float64(time.Since(began).Microseconds())/1000)
}
