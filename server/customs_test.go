package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/store/sqlite"
)

// customsEnv is a server with customs wired in: offices CNXMNA (export),
// CNSHAA and CNPEKA (import), the demo rules, and officers per office.
type customsEnv struct {
	*env
	svc    *customs.Service
	app    *app.App
	rules  string // path of the rules file the service reloads
	mu     sync.Mutex
	events []customs.Event
}

func newCustomsEnv(t *testing.T) *customsEnv {
	t.Helper()
	return newCustomsEnvWith(t, app.Options{})
}

// newCustomsEnvWith is newCustomsEnv with more app options (the rules file is the env's).
func newCustomsEnvWith(t *testing.T, o app.Options) *customsEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	office := func(code, country string) network.Office {
		return network.Office{Code: code, Name: code, Country: country, Kind: network.KindOE, TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true}
	}
	if err := st.PutOffices(ctx, []network.Office{office("CNXMNA", "CN"), office("CNSHAA", "CN"), office("CNPEKA", "CN")}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMerchant(ctx, acceptance.Merchant{Code: "ACME", Name: "Acme", Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ce := &customsEnv{env: &env{t: t, store: st, keys: map[string]string{}}}
	for name, k := range map[string]struct {
		role    auth.Role
		offices []string
	}{
		"admin": {role: auth.RoleAdmin}, "partner": {role: auth.RolePartner}, "acme": {role: auth.RoleMerchant},
		"officer": {auth.RoleCustoms, []string{"CNSHAA"}}, "officer2": {auth.RoleCustoms, []string{"CNSHAA"}},
		"peking": {auth.RoleCustoms, []string{"CNPEKA"}}, "xiamen": {auth.RoleCustoms, []string{"CNXMNA"}},
	} {
		merchant, partner := "", ""
		switch k.role {
		case auth.RoleMerchant:
			merchant = "ACME"
		case auth.RolePartner:
			partner = "DEPOST"
		}
		key, secret, err := auth.NewKey(k.role, merchant, partner, k.offices, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		ce.keys[name] = secret
	}
	rules, err := os.ReadFile("../demo/customs-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ce.rules = filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(ce.rules, rules, 0o600); err != nil {
		t.Fatal(err)
	}
	o.CustomsRules = ce.rules
	a := newApp(t, st, o)
	ce.svc, ce.app = a.Customs, a
	// The test reads the decision events customs hands on.
	ce.svc.Events = customs.EventSinkFunc(func(_ context.Context, evs []customs.Event) error {
		ce.mu.Lock()
		defer ce.mu.Unlock()
		ce.events = append(ce.events, evs...)
		return nil
	})
	h := newServer(t, a)
	ce.handler = h
	ce.srv = httptest.NewServer(h)
	t.Cleanup(ce.srv.Close)
	return ce
}

func (e *customsEnv) need(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: %d, want %d: %s", what, r.status, status, r.body)
	}
	return r
}

// declaration is an express import into Shanghai; edit tweaks it.
func declaration(id string, edit func(map[string]any)) map[string]any {
	d := map[string]any{
		"id": id, "stream": "express", "direction": "import", "office": "CNSHAA", "category": "sale_of_goods", "currency": "USD",
		"sender":    map[string]any{"name": "Acme Outdoor Inc", "address": "1 Main St", "city": "Denver", "country": "US"},
		"addressee": map[string]any{"name": "Zhang Wei", "address": "88 Century Ave", "city": "Shanghai", "postcode": "200120", "country": "CN"},
		"express":   map[string]any{"carrier": "UPS", "master_waybill": "MAWB-176-1234", "manifest_line": 7},
		"lines": []any{map[string]any{"description": "Trail running shoes", "quantity": 1, "net_weight_g": 700,
			"value": "60.00", "hs_code": "640411", "origin_country": "VN"}},
	}
	if edit != nil {
		edit(d)
	}
	return d
}

func setLine(d map[string]any, desc, hs, value string) {
	d["lines"] = []any{map[string]any{"description": desc, "quantity": 1, "net_weight_g": 400, "value": value, "hs_code": hs, "origin_country": "US"}}
}

func TestDeclarationsAPI(t *testing.T) {
	t.Parallel()
	e := newCustomsEnv(t)
	var it customs.Item
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000001", nil)), 201, "clean declaration").json(t, &it)
	if it.Status != customs.StatusReleased || !it.AutoReleased || it.Duties == nil || it.Duties.Kind != customs.DutyFinal || it.Declaration.ReferenceCurrency != "CNY" {
		t.Errorf("clean item = %+v", it)
	}
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000001", nil)), 409, "same id again")

	var p problem
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000002", func(d map[string]any) {
		d["lines"].([]any)[0].(map[string]any)["quantity"] = -1
		d["currency"] = "XYZ"
	})), 422, "bad declaration").json(t, &p)
	if !p.names("body.lines[0].quantity") || !p.names("body.currency") {
		t.Errorf("problem does not name the fields: %+v", p)
	}
	e.need(e.do("POST", "/v1/declarations", "peking", declaration("1Z999AA10000000003", nil)), 403, "officer of another office")
	e.need(e.do("POST", "/v1/declarations", "acme", declaration("1Z999AA10000000004", nil)), 403, "merchant")
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000005", func(d map[string]any) { d["direction"] = "export" })), 403, "partner export")

	// A shipment accepted through the foundation API is declared for export.
	var sh acceptance.Shipment
	e.need(e.do("POST", "/v1/shipments", "acme", validBody()), 201, "shipment").json(t, &sh)
	var v customs.ItemView
	e.need(e.do("GET", "/v1/customs/items/"+string(sh.ID), "xiamen", nil), 200, "shipment's declaration").json(t, &v)
	if v.Declaration.Direction != customs.Export || v.Declaration.Office != "CNXMNA" || v.Declaration.Stream != customs.StreamPostal ||
		v.Declaration.Postal.Form != "CN22" || v.Duties == nil || v.Duties.Country != "PL" || v.Duties.Kind != customs.DutyEstimate {
		t.Errorf("shipment declaration = %+v", v.Item)
	}
	e.need(e.do("GET", "/v1/customs/items/"+string(sh.ID), "officer", nil), 403, "item of another office")

	var d customs.Duties
	e.need(e.do("POST", "/v1/customs/duties/estimate", "acme", declaration("1Z999AA10000000006", func(d map[string]any) {
		d["direction"], d["office"], d["importer_ref"] = "export", "CNXMNA", "IM2760000001"
		d["sender"], d["addressee"] = d["addressee"], map[string]any{"name": "Anna Schmidt", "city": "Berlin", "country": "DE"}
	})), 200, "estimate").json(t, &d)
	if d.Country != "DE" || d.Currency != "EUR" || d.VAT != "0.00" || !strings.Contains(strings.Join(d.Notes, " "), "IOSS") {
		t.Errorf("estimate = %+v", d)
	}
}

const manifestCSV = `item_id,stream,direction,office,currency,total_value,sender_name,sender_country,addressee_name,addressee_postcode,addressee_country,carrier,description,quantity,net_weight_g,value,hs_code,origin_country
1Z999AA10000000101,express,import,CNSHAA,USD,,Acme Outdoor Inc,US,Zhang Wei,200120,CN,UPS,Trail running shoes,1,700,60.00,640411,VN
1Z999AA10000000102,express,import,CNSHAA,USD,,Acme Outdoor Inc,US,Li Na,200030,CN,UPS,Power bank 20000 mAh,1,400,25.00,850760,CN
1Z999AA10000000103,express,import,CNSHAA,USD,99.00,Acme Outdoor Inc,US,Li Na,200030,CN,UPS,Wool cap,1,100,20.00,650500,CN
1Z999AA10000000104,express,import,CNSHAA,USD,,Acme Outdoor Inc,US,Chen Jie,200040,CN,UPS,Hoodie,-1,500,30.00,6110.20,CN
1Z999AA10000000101,express,import,CNSHAA,USD,,Acme Outdoor Inc,US,Zhang Wei,200120,CN,UPS,Socks,1,100,5.00,611595,VN
1Z999AA10000000105,express,import,CNSHAA,USD,,Dmitriy Volkoff,RU,Wang Fang,200050,CN,UPS,Carved ivory figurine,1,300,80.00,960110,RU
`

func TestManifestAPI(t *testing.T) {
	t.Parallel()
	e := newCustomsEnv(t)
	csv := []string{"Content-Type", "text/csv"}

	// Atomic: one bad line stores nothing.
	var rep customs.ImportReport
	e.need(e.do("POST", "/v1/manifests?atomic=true", "officer", manifestCSV, csv...), 422, "atomic import").json(t, &rep)
	if rep.Stored || rep.Accepted != 3 || rep.Rejected != 3 || rep.Manifest != "" {
		t.Fatalf("atomic report = %+v", rep)
	}
	e.need(e.do("GET", "/v1/customs/items/1Z999AA10000000101", "officer", nil), 404, "nothing stored by the atomic import")

	// Default: the valid declarations are stored, the others reported line by line.
	e.need(e.do("POST", "/v1/manifests?name=ups-1123.csv", "officer", manifestCSV, csv...), 201, "import").json(t, &rep)
	if !rep.Stored || rep.Lines != 6 || rep.Declarations != 6 || rep.Accepted != 3 || rep.Rejected != 3 || rep.Manifest == "" {
		t.Fatalf("report = %+v", rep)
	}
	want := []customs.LineError{
		{Line: 4, ItemID: "1Z999AA10000000103", Field: "total_value", Reason: "declared total 99.00 USD does not equal the sum of the lines 20.00 USD"},
		{Line: 5, ItemID: "1Z999AA10000000104", Field: "quantity", Reason: "must be at least 1, got -1"},
		{Line: 6, ItemID: "1Z999AA10000000101", Field: "item_id", Reason: "duplicate item id: already declared on line 2 of this manifest"},
	}
	if len(rep.Errors) != len(want) {
		t.Fatalf("errors = %+v", rep.Errors)
	}
	for i, w := range want {
		if rep.Errors[i] != w {
			t.Errorf("error %d = %+v, want %+v", i, rep.Errors[i], w)
		}
	}
	if rep.Actions[risk.ActionRelease] != 1 || len(rep.Flagged) != 2 || rep.Flagged[1].Action != risk.ActionSeize ||
		!strings.Contains(strings.Join(rep.Flagged[1].Reasons, "; "), "CITES") || !strings.Contains(strings.Join(rep.Flagged[1].Reasons, "; "), "Dmitri Volkov") {
		t.Errorf("screening in report: %+v %+v", rep.Actions, rep.Flagged)
	}
	var m customs.Manifest
	e.need(e.do("GET", "/v1/manifests/"+rep.Manifest, "officer", nil), 200, "manifest record").json(t, &m)
	if m.Name != "ups-1123.csv" || m.Accepted != 3 || m.Rejected != 3 {
		t.Errorf("manifest = %+v", m)
	}
	// A manifest's record (with the submitting key's id) is the
	// submitter's and customs': another partner's key finds nothing.
	e.need(e.do("GET", "/v1/manifests/"+rep.Manifest, "partner", nil), 404, "another key's manifest")
	// The same manifest again: every id is a duplicate across manifests.
	rep = customs.ImportReport{}
	e.need(e.do("POST", "/v1/manifests", "officer", manifestCSV, csv...), 422, "re-import").json(t, &rep)
	if rep.Accepted != 0 || rep.Manifest != "" || rep.Errors[0].Line != 2 || !strings.Contains(rep.Errors[0].Reason, "earlier manifest") {
		t.Errorf("re-import report = %+v", rep)
	}
	jsonl := `{"id":"1Z999AA10000000201","stream":"express","direction":"import","office":"CNSHAA","category":"gift","currency":"USD","sender":{"name":"A","country":"US"},"addressee":{"name":"B","country":"CN"},"express":{"carrier":"UPS"},"lines":[{"description":"Book","quantity":1,"net_weight_g":300,"value":"10.00","hs_code":"490199","origin_country":"US"}]}` + "\n"
	rep = customs.ImportReport{}
	e.need(e.do("POST", "/v1/manifests?dry_run=true", "partner", jsonl, "Content-Type", "application/x-ndjson"), 200, "dry run").json(t, &rep)
	if rep.Stored || rep.Accepted != 1 {
		t.Errorf("dry run = %+v", rep)
	}
	e.need(e.do("GET", "/v1/customs/items/1Z999AA10000000201", "officer", nil), 404, "dry run stores nothing")
	e.need(e.do("POST", "/v1/manifests", "partner", jsonl, "Content-Type", "application/octet-stream"), 422, "unknown format")
}

func TestCustomsWorkflow(t *testing.T) {
	t.Parallel()
	e := newCustomsEnv(t)
	lithium := declaration("1Z999AA10000000301", func(d map[string]any) { setLine(d, "Power bank 20000 mAh", "850760", "25.00") })
	phone := declaration("1Z999AA10000000302", func(d map[string]any) { setLine(d, "Used iPhone 13", "392690", "200.00") })
	ivory := declaration("1Z999AA10000000303", func(d map[string]any) { setLine(d, "Carved ivory figurine", "960110", "80.00") })
	for _, d := range []map[string]any{phone, lithium, ivory} {
		e.need(e.do("POST", "/v1/declarations", "partner", d), 201, "declare "+d["id"].(string))
	}
	var q struct{ Items []customs.QueueEntry }
	e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA", "officer", nil), 200, "queue").json(t, &q)
	if len(q.Items) != 3 || q.Items[0].ItemID != "1Z999AA10000000303" || q.Items[1].ItemID != "1Z999AA10000000301" || q.Items[2].ItemID != "1Z999AA10000000302" {
		t.Fatalf("queue order = %+v", q.Items)
	}
	e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA", "peking", nil), 403, "queue of another office")
	e.need(e.do("GET", "/v1/customs/queue", "officer", nil), 422, "queue without office")

	decide := func(key, id string, body map[string]any, status int) customs.ItemView {
		var v customs.ItemView
		r := e.need(e.do("POST", "/v1/customs/items/"+id+"/decision", key, body), status, key+" "+body["action"].(string)+" "+id)
		if status == 200 {
			r.json(t, &v)
		}
		return v
	}
	lid := "1Z999AA10000000301"
	decide("peking", lid, map[string]any{"action": "release", "reason": "looks fine"}, 403)
	decide("admin", lid, map[string]any{"action": "release", "reason": "looks fine"}, 403)
	decide("officer", lid, map[string]any{"action": "release"}, 422)
	decide("officer", lid, map[string]any{"action": "claim"}, 200)
	decide("officer2", lid, map[string]any{"action": "release", "reason": "x"}, 409)
	decide("officer", lid, map[string]any{"action": "hold", "check": "xray", "reason": "lithium battery declared"}, 200)
	decide("officer", lid, map[string]any{"action": "inspect", "result": "clear", "findings": "one 20 Ah cell, within limits", "reason": "X-ray done"}, 200)
	v := decide("officer", lid, map[string]any{"action": "release", "reason": "battery within IATA limits"}, 200)
	if v.Status != customs.StatusReleased || len(v.Inspections) != 1 || len(v.Audit) != 4 || v.Duties == nil || v.Duties.Kind != customs.DutyFinal {
		t.Errorf("released item = %+v", v)
	}
	if codes := eventCodes(v.Events); codes != "EDB EME EDC" {
		t.Errorf("events = %s, want EDB EME EDC", codes)
	}
	if a := v.Audit[1]; a.Action != "hold" || a.Reason != "lithium battery declared" || a.Officer == "" || a.FromStatus != "pending" || a.ToStatus != "held" || strings.Join(a.Events, " ") != "EDB EME" {
		t.Errorf("audit = %+v", a)
	}
	decide("officer", lid, map[string]any{"action": "seize", "reason": "too late"}, 409)

	v = decide("officer2", "1Z999AA10000000303", map[string]any{"action": "seize", "reason": "CITES Appendix I ivory"}, 200)
	if v.Status != customs.StatusSeized || eventCodes(v.Events) != "EDB EME EDX" {
		t.Errorf("seized = %s %s", v.Status, eventCodes(v.Events))
	}
	v = decide("officer", "1Z999AA10000000302", map[string]any{"action": "return", "reason": "undeclared phone, refused"}, 200)
	if v.Status != customs.StatusReturned || eventCodes(v.Events) != "EDB EDX" {
		t.Errorf("returned = %s %s", v.Status, eventCodes(v.Events))
	}
	e.mu.Lock()
	delivered := len(e.events)
	e.mu.Unlock()
	if delivered != 8 {
		t.Errorf("sink got %d events, want 8", delivered)
	}
	e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA", "officer", nil), 200, "queue").json(t, &q)
	if len(q.Items) != 0 {
		t.Errorf("queue after decisions = %+v", q.Items)
	}
}

func eventCodes(evs []customs.Event) string {
	var s []string
	for _, ev := range evs {
		s = append(s, ev.Code)
	}
	return strings.Join(s, " ")
}

func TestCustomsRulesReload(t *testing.T) {
	t.Parallel()
	e := newCustomsEnv(t)
	good, err := os.ReadFile(e.rules)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), "version: \"2026-12-07.1\"", "version: \"2026-11-24.1\"", 1)
	bad = strings.Replace(bad, "    score: 45\n    action: xray", "    scroe: 45\n    action: xray", 1)
	if err := os.WriteFile(e.rules, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var p problem
	e.need(e.do("POST", "/v1/customs/rules/reload", "admin", nil), 422, "reload a bad file").json(t, &p)
	if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Location, "line ") || !strings.Contains(p.Errors[0].Location, ".scroe") || !strings.Contains(p.Detail, "unchanged") {
		t.Errorf("problem = %+v", p)
	}
	var info struct{ Version string }
	e.need(e.do("GET", "/v1/customs/rules", "officer", nil), 200, "rules").json(t, &info)
	if info.Version != "2026-12-07.1" {
		t.Errorf("rules in force = %s, want the old 2026-12-07.1", info.Version)
	}
	fixed := strings.Replace(bad, "scroe: 45", "score: 45", 1)
	if err := os.WriteFile(e.rules, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	e.need(e.do("POST", "/v1/customs/rules/reload", "admin", nil), 200, "reload").json(t, &info)
	if info.Version != "2026-11-24.1" {
		t.Errorf("reloaded version = %s", info.Version)
	}
	e.need(e.do("POST", "/v1/customs/rules/reload", "officer", nil), 403, "officer reload")
}
