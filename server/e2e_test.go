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
	"github.com/interpost/interpost/bus/natsbus"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// TestItemLifeEndToEnd is the contract for the joints between the
// capabilities: items are driven through their whole life with the public
// API and the partner message formats only, on SQLite and on PostgreSQL
// (and over a NATS JetStream bus when INTERPOST_TEST_NATS names one), and
// after each step every view must tell the same story: the shipment, the
// timeline, the public page, the merchant's webhooks (received by a test
// endpoint), the e2e report; at the end the ledger.
//
// The node is a real one: app.New and App.Start run the tracking
// projector, the webhook dispatcher, the customs outbox and (with a bus)
// the persister in the background, as `interpost serve` does. After each
// step the test polls the views until they agree, for at most agreeWithin;
// a step whose views never agree fails naming what disagreed.
func TestItemLifeEndToEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		itemLife(t, e2eSQLite(t), "")
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("INTERPOST_TEST_POSTGRES")
		if base == "" {
			t.Skip("SKIPPED: PostgreSQL half not run: set INTERPOST_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it")
		}
		itemLife(t, e2ePostgres(t, base), "")
	})
	// With the bus, events go through JetStream and the persister stores
	// them, as on a multi-node deployment (PostgreSQL when it is set).
	t.Run("nats", func(t *testing.T) {
		nurl := os.Getenv("INTERPOST_TEST_NATS")
		if nurl == "" {
			t.Skip("SKIPPED: NATS half not run: set INTERPOST_TEST_NATS=nats://127.0.0.1:4222 to run it")
		}
		stream := fmt.Sprintf("INTERPOST_E2E_%d", time.Now().UnixNano())
		bus := nurl + "?stream=" + stream + "&subject=interpost.e2e." + stream + "&durable=persist"
		t.Cleanup(func() {
			b, err := natsbus.Open(context.Background(), bus, natsbus.Config{})
			if err == nil {
				err = b.DeleteStream(context.Background())
				_ = b.Close()
			}
			if err != nil {
				t.Logf("delete stream %s: %v", stream, err)
			}
		})
		if base := os.Getenv("INTERPOST_TEST_POSTGRES"); base != "" {
			itemLife(t, e2ePostgres(t, base), bus)
			return
		}
		itemLife(t, e2eSQLite(t), bus)
	})
}

func e2eSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
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
	app   *app.App
	clock *e2eClock
	hooks *hookSink
	// expected statuses of the items posted (EMA) on the test's day, for
	// the e2e report.
	posted map[string]string
	start  time.Time
	// fails collects what disagrees in one round of checks.
	fails []string
}

// agreeWithin bounds the wait for the background work after a step.
const agreeWithin = 20 * time.Second

func (e *lifeEnv) need(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: %d, want %d: %s", what, r.status, status, r.body)
	}
	return r
}

// errorf records a disagreement of the current round of checks.
func (e *lifeEnv) errorf(format string, args ...any) {
	e.fails = append(e.fails, fmt.Sprintf(format, args...))
}

// fetch GETs path as key into v; a failure is a disagreement.
func (e *lifeEnv) fetch(path, key, what string, v any) bool {
	e.t.Helper()
	r := e.do("GET", path, key, nil)
	if r.status != 200 {
		e.errorf("%s: %d %.300s", what, r.status, r.body)
		return false
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			e.errorf("%s: decode %.300s: %v", what, r.body, err)
			return false
		}
	}
	return true
}

// eventually runs checks until they all agree, at most agreeWithin: the
// node's projector, webhook dispatcher and bus persister run in the
// background. It fails the test with what still disagreed.
func (e *lifeEnv) eventually(name string, checks ...func()) {
	e.t.Helper()
	deadline := time.Now().Add(agreeWithin)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		e.fails = nil
		for _, c := range checks {
			c()
		}
		if len(e.fails) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, f := range e.fails {
				e.t.Error(f)
			}
			e.t.Fatalf("step %q: the views did not agree within %s (above)", name, agreeWithin)
		}
		time.Sleep(pause)
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

// step times one step and waits until every view agrees with the checks
// (and the e2e report with the items' statuses).
func (e *lifeEnv) step(name string, do func(), checks ...func()) {
	e.t.Helper()
	t0 := time.Now()
	do()
	e.eventually(name, append(checks, e.report)...)
	d := time.Since(t0)
	e.t.Logf("step %-52s %7.1f ms", name, float64(d.Microseconds())/1000)
}

// agree checks that every view of the S10 item id shows status, that the
// timeline has the event code (when given), and that the merchant's last
// webhook for it carried status.
func (e *lifeEnv) agree(id, status string, code tracking.Code) func() {
	return func() {
		e.t.Helper()
		var sh acceptance.Shipment
		if e.fetch("/v1/shipments/"+id, "merchant", "shipment "+id, &sh) && sh.Status != status {
			e.errorf("%s: shipment status %s, want %s", id, sh.Status, status)
		}
		var page struct{ Items []acceptance.Shipment }
		if e.fetch("/v1/shipments?status="+status+"&limit=500", "merchant", "list "+status, &page) &&
			!slices.ContainsFunc(page.Items, func(s acceptance.Shipment) bool { return string(s.ID) == id }) {
			e.errorf("%s: not listed under status=%s", id, status)
		}
		tl := e.timeline(id, "merchant", status, code)
		e.page(id, tl.Status)
		hooks := e.hooks.statuses(id)
		switch {
		case status == string(tracking.StatusCreated) && len(hooks) > 0:
			e.errorf("%s: webhooks %v before any event", id, hooks)
		case status != string(tracking.StatusCreated) && (len(hooks) == 0 || hooks[len(hooks)-1] != status):
			e.errorf("%s: webhooks received %v, want them to end with %s", id, hooks, status)
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
	if !e.fetch("/v1/items/"+url.PathEscape(id)+"/events", key, "timeline of "+id, &tl) {
		return tl
	}
	if string(tl.Status) != status {
		e.errorf("%s: timeline status %s, want %s", id, tl.Status, status)
	}
	if code != "" && !slices.ContainsFunc(tl.Events, func(ev tracking.TimelineEvent) bool { return ev.Code == code }) {
		e.errorf("%s: timeline lacks %s: %+v", id, code, tl.Events)
	}
	return tl
}

// page checks the public page shows the status's English buyer label.
func (e *lifeEnv) page(id string, st tracking.Status) {
	e.t.Helper()
	label := i18n.Default().For(language.English).T("public.status." + string(st))
	r := e.do("GET", "/track/"+url.PathEscape(id), "", nil)
	if r.status != 200 {
		e.errorf("public page of %s: %d", id, r.status)
		return
	}
	if want := `<h1 id="status">` + html.EscapeString(label) + `</h1>`; !strings.Contains(string(r.body), want) {
		e.errorf("%s: public page lacks %s", id, want)
	}
}

// report checks the e2e report of the posting day counts the posted items
// by the statuses they have.
func (e *lifeEnv) report() {
	e.t.Helper()
	day := e.start.In(cst).Format(time.DateOnly)
	var rep tracking.Report
	if !e.fetch("/v1/reports/e2e?from="+day+"&to="+day, "admin", "e2e report", &rep) {
		return
	}
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
		e.errorf("e2e report: volume %d statuses %v, want %d %v", volume, got, len(e.posted), want)
	}
}

var cst = time.FixedZone("CST", 8*3600)

func itemLife(t *testing.T, st store.Store, bus string) {
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
		"shanghai-operator": {role: auth.RoleOperator, offices: []string{"CNSHAA"}},
		"beijing-operator":  {role: auth.RoleOperator, offices: []string{"CNPEKA"}},
		"merchant":          {role: auth.RoleMerchant, merchant: "XMTEA"},
		"partner":           {role: auth.RolePartner, partner: "PLPOST"}, "carrier": {role: auth.RolePartner, partner: "UPS"},
		"officer":        {role: auth.RoleCustoms, offices: []string{"CNSHAA"}},
		"export-officer": {role: auth.RoleCustoms, offices: []string{"CNXMNA"}},
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
	// A real node: its background work runs as in `interpost serve`.
	a := newApp(t, st, app.Options{Now: clock.Now, WebhookAllowPrivate: true, Bus: bus, Node: "e2e"})
	e.app = a
	t.Cleanup(a.Start(ctx))
	e.handler = newServer(t, a)
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	e.hooks = &hookSink{got: map[string][]string{}}
	hookSrv := httptest.NewServer(e.hooks)
	t.Cleanup(hookSrv.Close)
	if bus != "" {
		t.Logf("events go through the bus %s", bus)
	}

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

	// Four EMS items to Warsaw travel in one receptacle, one per outcome:
	// (a) plain, delivered; (b) a power bank, held by export customs and
	// released, held by import customs and released with duty, delivered
	// at the second attempt; (c) seized by import customs; (d) refused by
	// the addressee, sent back and returned to the sender.
	var plain, dutied, seized, returned string
	create := func(edit func(map[string]any)) string {
		body := validBody()
		if edit != nil {
			edit(body)
		}
		var sh acceptance.Shipment
		e.need(e.do("POST", "/v1/shipments", "merchant", body), 201, "create shipment").json(t, &sh)
		return string(sh.ID)
	}
	powerBank := func(b map[string]any) {
		b["declaration"].(map[string]any)["lines"] = []any{map[string]any{"description": "Power bank 20000 mAh", "quantity": 1, "net_weight_g": 400,
			"value": "25.00", "hs_code": "850760", "origin_country": "CN"}}
	}
	all := func(status string, code tracking.Code) []func() {
		return []func(){func() {
			for _, id := range []string{plain, dutied, seized, returned} {
				e.agree(id, status, code)()
			}
		}}
	}
	e.step("create shipments, declared to export customs", func() {
		plain, dutied, seized, returned = create(nil), create(powerBank), create(nil), create(nil)
	}, append(all("created", ""), func() {
		// Acceptance declared each to export customs at Xiamen: the tea is
		// cleared by the rules, the power bank waits for an officer.
		for id, want := range map[string]customs.Status{plain: customs.StatusReleased, dutied: customs.StatusPending} {
			var it customs.ItemView
			if e.fetch("/v1/customs/items/"+id, "export-officer", "export declaration of "+id, &it) &&
				(it.Declaration.Direction != customs.Export || it.Declaration.Office != "CNXMNA" || it.Status != want) {
				e.errorf("%s: export declaration %s at %s %s, want export at CNXMNA %s", id, it.Declaration.Direction, it.Declaration.Office, it.Status, want)
			}
		}
	})...)

	at := func(d time.Duration) time.Time { return start.Add(d) }
	ev := func(id string, code tracking.Code, office string, when time.Time, reason string) tracking.Event {
		return tracking.Event{Object: id, Code: code, Office: office, Time: when, Reason: reason}
	}
	clock.Set(at(time.Hour))
	e.step("acceptance scan at the Xiamen counter (EMA)", func() {
		// Only an operator of the origin office (or an admin) scans it.
		e.need(e.do("POST", "/v1/shipments/"+plain+"/accept", "shanghai-operator", map[string]any{}), 403, "accept at another office")
		e.need(e.do("POST", "/v1/shipments/"+plain+"/accept", "merchant", map[string]any{}), 403, "accept as the merchant")
		e.need(e.do("POST", "/v1/shipments/"+plain+"/accept", "operator", map[string]any{"at": at(2 * time.Hour)}), 422, "accept in the future")
		for i, id := range []string{plain, dutied, seized, returned} {
			var res struct{ Item, Code, Office string }
			e.need(e.do("POST", "/v1/shipments/"+id+"/accept", "operator", map[string]any{"at": at(time.Duration(30+i) * time.Minute)}), 200, "accept "+id).json(t, &res)
			if res.Item != id || res.Code != "EMA" || res.Office != "CNXMNA" {
				t.Errorf("accept %s: %+v", id, res)
			}
		}
	}, all("accepted", tracking.EMA)...)

	clock.Set(at(90 * time.Minute))
	e.step("export customs holds the power bank (EXA, EXB)", func() {
		e.need(e.do("POST", "/v1/customs/items/"+dutied+"/decision", "export-officer", map[string]any{"action": "hold", "check": "xray", "reason": "lithium batteries"}), 200, "hold for export")
	}, e.agree(dutied, "export_customs_held", tracking.EXB), e.agree(plain, "accepted", ""))

	// Presort, dispatch, receptacle: the item held by export customs is
	// refused, so a receptacle scan (EMB) never hides a hold.
	clock.Set(at(2 * time.Hour))
	var target dispatch.Target
	var d dispatch.Dispatch
	var r dispatch.Receptacle
	e.step("presort; receptacle scan (held item refused)", func() {
		var sr dispatch.SortResult
		e.need(e.do("POST", "/v1/offices/CNXMNA/sort", "operator", map[string]any{"item": plain}), 200, "sort").json(t, &sr)
		target = sr.Target
		if target.Destination != "PLWAWA" {
			t.Fatalf("sorted to %+v", target)
		}
		e.need(e.do("POST", "/v1/dispatches", "operator", map[string]any{"origin": "CNXMNA", "destination": target.Destination,
			"category": target.Category, "subclass": target.Subclass}), 201, "open dispatch").json(t, &d)
		e.need(e.do("POST", "/v1/dispatches/"+d.ID+"/receptacles", "operator", map[string]any{"type": string(target.Receptacle)}), 201, "open receptacle").json(t, &r)
		for _, id := range []string{plain, seized, returned} {
			e.need(e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": id}), 201, "receptacle scan "+id)
		}
		res := e.need(e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": dutied}), 409, "receptacle scan of a held item")
		if !strings.Contains(string(res.body), "held by export customs") {
			t.Errorf("refusal of a held item: %s", res.body)
		}
	}, e.agree(plain, "at_outward_oe", tracking.EMB), e.agree(seized, "at_outward_oe", tracking.EMB), e.agree(returned, "at_outward_oe", tracking.EMB),
		e.agree(dutied, "export_customs_held", ""))

	clock.Set(at(150 * time.Minute))
	e.step("export customs releases the power bank (EXC)", func() {
		e.need(e.do("POST", "/v1/customs/items/"+dutied+"/decision", "export-officer", map[string]any{"action": "release", "reason": "within limits"}), 200, "release for export")
	}, e.agree(dutied, "export_customs_released", tracking.EXC))

	clock.Set(at(3 * time.Hour))
	var s9 string
	e.step("receptacle scan, close receptacle and dispatch", func() {
		e.need(e.do("POST", "/v1/receptacles/"+r.Number+"/items", "operator", map[string]any{"item": dutied}), 201, "receptacle scan "+dutied)
		e.need(e.do("POST", "/v1/receptacles/"+r.Number+"/close", "operator", map[string]any{"gross_weight_g": 4300}), 200, "close receptacle")
		var v dispatch.DispatchView
		e.need(e.do("POST", "/v1/dispatches/"+d.ID+"/close", "operator", nil), 200, "close dispatch").json(t, &v)
		s9 = v.ReceptacleList[0].ID
	}, all("at_outward_oe", tracking.EMB)...)

	// Consign to the planned first departure; depart.
	var c dispatch.Consignment
	var route routing.Result
	e.step("consign to the planned departure", func() {
		q := url.Values{"from": {"CNXMNA"}, "to": {target.Destination}, "ready": {clock.Now().Format(time.RFC3339)}, "product": {"ems"}, "weight_g": {"4300"}}
		e.need(e.do("GET", "/v1/routes?"+q.Encode(), "operator", nil), 200, "plan the route").json(t, &route)
		if route.Earliest == nil || len(route.Earliest.Legs) == 0 {
			t.Fatalf("no route CNXMNA→%s", target.Destination)
		}
		leg := route.Earliest.Legs[0]
		e.need(e.do("POST", "/v1/consignments", "operator", map[string]any{"office": "CNXMNA", "service": leg.Service,
			"date": leg.Depart.In(cst).Format(time.DateOnly), "dispatches": []string{d.ID}}), 201, "consign").json(t, &c)
		t.Logf("route: %+v; consignment %s on %s", route.Earliest.Legs, c.ID, c.Service)
	}, all("at_outward_oe", "")...)
	clock.Set(c.Departure.Add(20 * time.Minute))
	e.step("depart", func() {
		e.need(e.do("POST", "/v1/consignments/"+c.ID+"/depart", "operator", map[string]any{"at": c.Departure}), 200, "depart")
	}, append(all("departed", tracking.EMC), func() {
		e.fetch("/v1/items/"+s9+"/events", "admin", "receptacle "+s9+" timeline", nil)
	})...)

	// Each onward leg: the operator of the hub the dispatch reached books
	// it on the leg's departure (not the Xiamen operator, not before it
	// arrives) and records the departure; the items leave the hub (EMK).
	consignments := []dispatch.Consignment{c}
	operators := map[string]string{"CNSHAA": "shanghai-operator", "CNPEKA": "beijing-operator"}
	for i, leg := range route.Earliest.Legs[1:] {
		prev := route.Earliest.Legs[i]
		key := operators[leg.From]
		if key == "" {
			t.Fatalf("no operator key for the hub %s of leg %d", leg.From, i+2)
		}
		clock.Set(prev.Arrive.Add(10 * time.Minute))
		var on dispatch.Consignment
		body := map[string]any{"office": leg.From, "service": leg.Service, "date": leg.Depart.In(cst).Format(time.DateOnly), "dispatches": []string{d.ID}}
		e.step("consign on at "+leg.From+" to "+leg.Service, func() {
			e.need(e.do("POST", "/v1/consignments", "operator", body), 403, "consign on by the Xiamen operator")
			e.need(e.do("POST", "/v1/consignments", key, body), 201, "consign on at "+leg.From).json(t, &on)
		}, func() {
			var v dispatch.DispatchView
			if e.fetch("/v1/dispatches/"+d.ID, "admin", "dispatch "+d.ID, &v) && (len(v.Legs) != i+2 || v.Legs[i+1].Consignment != on.ID || v.Legs[i+1].From != leg.From) {
				e.errorf("dispatch legs after consigning on at %s: %+v", leg.From, v.Legs)
			}
		})
		consignments = append(consignments, on)
		clock.Set(on.Departure.Add(20 * time.Minute))
		e.step("depart "+leg.Service+" from "+leg.From, func() {
			e.need(e.do("POST", "/v1/consignments/"+on.ID+"/depart", key, map[string]any{"at": on.Departure}), 200, "depart from "+leg.From)
		}, all("in_transit", tracking.EMK)...)
	}

	// The partner post at Warsaw: arrival, import customs, delivery.
	arrived := route.Earliest.Arrive.Add(2 * time.Hour)
	partner := func(name string, when time.Time, status string, evs ...tracking.Event) {
		clock.Set(when.Add(10 * time.Minute))
		var checks []func()
		ids := map[string]bool{}
		for _, x := range evs {
			if !ids[x.Object] {
				ids[x.Object] = true
				checks = append(checks, e.agree(x.Object, status, x.Code))
			}
		}
		e.step(name, func() { e.events("partner", "partner:PLPOST", 0, evs...) }, checks...)
	}
	partner("EMD arrival at PLWAWA", arrived, "arrived", ev(plain, tracking.EMD, "PLWAWA", arrived, ""), ev(dutied, tracking.EMD, "PLWAWA", arrived, ""),
		ev(seized, tracking.EMD, "PLWAWA", arrived, ""), ev(returned, tracking.EMD, "PLWAWA", arrived, ""))
	// (d) The addressee refuses the item: the destination sends it back.
	partner("EDX returned to the sender", arrived.Add(2*time.Hour), "returning", ev(returned, tracking.EDX, "PLWAWA", arrived.Add(2*time.Hour), "refused by the addressee: return to sender"))
	held := arrived.Add(3 * time.Hour)
	partner("EDB/EME held by import customs", held, "import_customs_held",
		ev(dutied, tracking.EDB, "PLWAWA", held, ""), ev(dutied, tracking.EME, "PLWAWA", held.Add(time.Hour), "document_check"),
		ev(seized, tracking.EDB, "PLWAWA", held, ""), ev(seized, tracking.EME, "PLWAWA", held.Add(time.Hour), "counterfeit goods"))
	partner("EMI plain item delivered", held.Add(5*time.Hour), "delivered", ev(plain, tracking.EMI, "PLWAWA", held.Add(5*time.Hour), ""))
	released := held.Add(24 * time.Hour)
	partner("EDC released, duty due", released, "import_customs_released", ev(dutied, tracking.EDC, "PLWAWA", released, "released by customs; duty due 12.40 EUR"))
	e.eventually("duty due on the timeline", func() {
		if tl := e.timeline(dutied, "merchant", "import_customs_released", tracking.EDC); !tl.DutyDue {
			e.errorf("%s: released with duty, timeline duty_due false", dutied)
		}
	})
	partner("EDX seized by import customs", released.Add(time.Hour), "seized", ev(seized, tracking.EDX, "PLWAWA", released.Add(time.Hour), "seized by customs: counterfeit goods"))
	attempt := released.Add(20 * time.Hour)
	partner("EMH delivery attempted", attempt, "delivery_attempted", ev(dutied, tracking.EMH, "PLWAWA", attempt, "addressee absent"))
	final := attempt.Add(24 * time.Hour)
	partner("EMI delivered after duty paid", final, "delivered", ev(dutied, tracking.EMI, "PLWAWA", final, ""))
	// The returned item is handed back to the sender at Xiamen.
	back := final.Add(72 * time.Hour)
	clock.Set(back.Add(10 * time.Minute))
	e.step("EMI returned to the sender", func() {
		e.events("operator", "post", 0, ev(returned, tracking.EMI, "CNXMNA", back, "handed back to the sender"))
	}, e.agree(returned, "returned", tracking.EMI))
	for id, want := range map[string][]string{
		plain: {"accepted", "at_outward_oe", "departed", "in_transit", "arrived", "delivered"},
		dutied: {"accepted", "export_customs_held", "export_customs_released", "at_outward_oe", "departed", "in_transit", "arrived", "import_customs_held",
			"import_customs_released", "delivery_attempted", "delivered"},
		seized:   {"accepted", "at_outward_oe", "departed", "in_transit", "arrived", "import_customs_held", "seized"},
		returned: {"accepted", "at_outward_oe", "departed", "in_transit", "arrived", "returning", "returned"},
	} {
		if got := e.hooks.statuses(id); !slices.Equal(got, want) {
			t.Errorf("%s: webhooks received %v, want %v", id, got, want)
		}
	}

	// The month rated: the item's own charges from its acceptance, the
	// conveyance of every leg from the consignment that carried it, and
	// nothing planned: neither for the items nor for the dispatch's way on
	// (every leg of it departed).
	month := start.Format("2006-01")
	e.step("rate the month", func() {
		var rep accounting.RateReport
		e.need(e.do("POST", "/v1/ledger/rate", "admin", map[string]any{"period": month}), 200, "rate").json(t, &rep)
		if rep.Items != 4 || rep.Posted == 0 {
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
			if !e.fetch("/v1/ledger?period="+month+"&limit=500&cursor="+url.QueryEscape(cursor), "admin", "ledger", &page) {
				return
			}
			all = append(all, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		kinds := map[accounting.Kind]string{}
		conveyance := map[string]string{} // consignment → basis
		for _, en := range all {
			switch {
			case en.Item == dutied && (en.Kind == accounting.KindPostage || en.Kind == accounting.KindEMS):
				kinds[en.Kind] = en.Basis
			case en.Kind == accounting.KindConveyance:
				conveyance[en.Consignment] = en.Basis
			}
			if en.Basis == "planned" {
				e.errorf("planned charge though every leg departed: %s item=%s dispatch=%s", en.Key, en.Item, en.Dispatch)
			}
		}
		if kinds[accounting.KindPostage] != "accepted" || kinds[accounting.KindEMS] != "accepted" {
			e.errorf("%s: postage and EMS charges %v, want both on basis accepted", dutied, kinds)
		}
		if len(conveyance) != len(consignments) {
			e.errorf("conveyance entries %v, want one per consignment of the %d legs", conveyance, len(consignments))
		}
		for _, cn := range consignments {
			if b := conveyance[cn.ID]; b != "dispatched" {
				e.errorf("conveyance of consignment %s (%s from %s): basis %q, want dispatched", cn.ID, cn.Service, cn.Office, b)
			}
		}
		if len(e.fails) == 0 {
			for _, en := range all {
				t.Logf("ledger: %s %s %s→%s %s %s basis=%s item=%s consignment=%s", en.Key, en.Kind, en.Debtor, en.Creditor, en.Amount, en.Currency, en.Basis, en.Item, en.Consignment)
			}
		}
	})

	// (e) An express waybill: the carrier declares it, the officer holds
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
			if tl.Object != "waybill:UPS:"+waybill || tl.Kind != tracking.KindWaybill || !tl.Declared {
				e.errorf("waybill timeline is %s %s declared=%v", tl.Object, tl.Kind, tl.Declared)
			}
			e.page(waybill, tl.Status)
		})
	}
	decide("express: officer holds", "import_customs_held", tracking.EME, map[string]any{"action": "hold", "check": "xray", "reason": "lithium batteries"})
	decide("express: officer releases", "import_customs_released", tracking.EDC, map[string]any{"action": "release", "reason": "within limits"})
	delivery := clock.Now()
	clock.Set(delivery.Add(time.Hour))
	e.step("express: carrier delivers", func() {
		// Interpost has no shipment of the waybill, but customs has its
		// declaration: the scan is linked to it, not reported unlinked; a
		// scan of a waybill nobody declared is stored and reported unlinked.
		e.events("carrier", "partner:UPS", 1, ev("waybill:UPS:"+waybill, tracking.EMI, "CNSHAA", delivery, ""),
			ev("waybill:UPS:1Z84F2W60400000000", tracking.EMD, "CNSHAA", delivery, ""))
	}, func() {
		tl := e.timeline(waybill, "admin", "delivered", tracking.EMI)
		var codes []string
		for _, x := range tl.Events {
			codes = append(codes, string(x.Code))
		}
		if strings.Join(codes, " ") != "EDB EME EDC EMI" {
			e.errorf("waybill timeline %v", codes)
		}
		e.page(waybill, tl.Status)
	})

	// (f) A cross-border e-commerce order: declared with its platform, held
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
			if tl.Object != "ecommerce:TMALL-GLOBAL:"+order || tl.Kind != tracking.KindEcommerce || !tl.Declared {
				e.errorf("e-commerce timeline is %s %s declared=%v", tl.Object, tl.Kind, tl.Declared)
			}
			e.page(order, tl.Status)
		})
	}
	t.Logf("whole life in %.1f ms", float64(time.Since(began).Microseconds())/1000)
}
