package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
)

// env is a server on a fresh SQLite store with a merchant ACME (and OTHER)
// and keys for each role.
type env struct {
	t       *testing.T
	srv     *httptest.Server
	handler *server.Server
	app     *app.App
	store   store.Store
	keys    map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	if err := st.PutOffices(ctx, []network.Office{{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1, TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"ACME", "OTHER"} {
		if err := st.PutMerchant(ctx, acceptance.Merchant{Code: m, Name: m, Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{t: t, store: st, keys: map[string]string{}}
	for name, k := range map[string]struct {
		role     auth.Role
		merchant string
		partner  string
	}{
		"admin": {role: auth.RoleAdmin}, "operator": {role: auth.RoleOperator}, "customs": {role: auth.RoleCustoms},
		"acme": {role: auth.RoleMerchant, merchant: "ACME"}, "other": {role: auth.RoleMerchant, merchant: "OTHER"},
		"partner": {role: auth.RolePartner, partner: "PLPOST"},
	} {
		key, secret, err := auth.NewKey(k.role, k.merchant, k.partner, nil, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		e.keys[name] = secret
	}
	e.app = newApp(t, st, app.Options{})
	h := newServer(t, e.app)
	e.handler = h
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem is the RFC 9457 body.
type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// names reports whether the problem names field: at its own location, or
// (huma's form for a missing required property) at its parent's location
// with a message naming the property.
func (p problem) names(field string) bool {
	parent, prop := field, ""
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		parent, prop = field[:i], field[i+1:]
	}
	for _, e := range p.Errors {
		if e.Location == field || (e.Location == parent && strings.Contains(e.Message, "property "+prop+" ")) {
			return true
		}
	}
	return false
}

func (e *env) do(method, path, key string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+e.keys[key])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// validBody is the shipment of the example.
func validBody() map[string]any {
	return map[string]any{
		"product": "ems", "merchant_ref": "ORDER-1001",
		"sender":    map[string]any{"name": "Xiamen Tea Co", "address": "1 Hubin Rd", "city": "Xiamen", "postcode": "361000", "country": "CN"},
		"addressee": map[string]any{"name": "Anna Nowak", "address": "ul. Prosta 5", "city": "Warszawa", "postcode": "00-850", "country": "PL"},
		"weight_g":  850, "dimensions_mm": []int{300, 200, 100},
		"declaration": map[string]any{"category": "sale_of_goods", "currency": "USD",
			"lines": []any{map[string]any{"description": "Oolong tea", "quantity": 2, "net_weight_g": 800, "value": "24.00", "hs_code": "090230", "origin_country": "CN"}}},
	}
}

func (e *env) count() int {
	e.t.Helper()
	items, _, err := e.store.Shipments(context.Background(), acceptance.Filter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(items)
}

func TestCreateAndGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("POST", "/v1/shipments", "acme", validBody())
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sh acceptance.Shipment
	r.json(t, &sh)
	if _, err := postal.ParseS10(string(sh.ID)); err != nil || sh.ID.ServiceIndicator()[0] != 'E' || sh.ID.Country() != "CN" {
		t.Errorf("id %q: %v", sh.ID, err)
	}
	if sh.Merchant != "ACME" || sh.Declaration.Form != "CN22" || sh.Declaration.TotalValue != "24.00" || sh.Declaration.TotalValueSDR != "17.58" {
		t.Errorf("shipment = %+v, declaration %+v", sh, sh.Declaration)
	}
	if got := r.header.Get("Location"); got != "/v1/shipments/"+string(sh.ID) {
		t.Errorf("Location = %q", got)
	}
	g := e.do("GET", "/v1/shipments/"+string(sh.ID), "acme", nil)
	var got acceptance.Shipment
	g.json(t, &got)
	if g.status != 200 || got.ID != sh.ID || got.Addressee.City != "Warszawa" {
		t.Errorf("get: %d %s", g.status, g.body)
	}
	// Other merchants can't see it, and can't tell it exists.
	if r := e.do("GET", "/v1/shipments/"+string(sh.ID), "other", nil); r.status != http.StatusNotFound {
		t.Errorf("other merchant get = %d, want 404", r.status)
	}
	if r := e.do("GET", "/v1/shipments/"+string(sh.ID), "customs", nil); r.status != http.StatusOK {
		t.Errorf("customs get = %d, want 200", r.status)
	}
	if r := e.do("GET", "/v1/shipments/EE123456785CN", "admin", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown id = %d, want 404", r.status)
	}
	var p problem
	r = e.do("GET", "/v1/shipments/EE123456783CN", "admin", nil)
	r.json(t, &p)
	if r.status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, "check digit is 3, expected 5") {
		t.Errorf("bad id = %d %s", r.status, r.body)
	}
}

func TestCN23AboveLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := validBody()
	b["declaration"].(map[string]any)["lines"].([]any)[0].(map[string]any)["value"] = "450.00"
	r := e.do("POST", "/v1/shipments", "acme", b)
	var sh acceptance.Shipment
	r.json(t, &sh)
	if r.status != 201 || sh.Declaration.Form != "CN23" {
		t.Fatalf("450 USD (329.67 SDR): %d form %q", r.status, sh.Declaration.Form)
	}
	b["product"] = "parcel"
	b["declaration"].(map[string]any)["lines"].([]any)[0].(map[string]any)["value"] = "5.00"
	r = e.do("POST", "/v1/shipments", "acme", b)
	r.json(t, &sh)
	if r.status != 201 || sh.Declaration.Form != "CN23" || sh.ID.ServiceIndicator()[0] != 'C' {
		t.Fatalf("parcel: %d form %q id %s", r.status, sh.Declaration.Form, sh.ID)
	}
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.do("POST", "/v1/shipments", "acme", validBody(), "Idempotency-Key", "order-1001-try")
	again := e.do("POST", "/v1/shipments", "acme", validBody(), "Idempotency-Key", "order-1001-try")
	var a, b acceptance.Shipment
	first.json(t, &a)
	again.json(t, &b)
	if first.status != 201 || again.status != 200 || a.ID != b.ID || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s / %d %s replayed=%q", first.status, a.ID, again.status, b.ID, again.header.Get("Idempotent-Replayed"))
	}
	other := validBody()
	other["weight_g"] = 900
	if r := e.do("POST", "/v1/shipments", "acme", other, "Idempotency-Key", "order-1001-try"); r.status != http.StatusConflict {
		t.Errorf("same key, other body = %d, want 409: %s", r.status, r.body)
	}
	// Concurrent retries of one request create one shipment.
	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.do("POST", "/v1/shipments", "acme", validBody(), "Idempotency-Key", "burst")
			var sh acceptance.Shipment
			_ = json.Unmarshal(r.body, &sh)
			ids[i] = string(sh.ID)
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("concurrent retries got ids %v", ids)
		}
	}
	if n := e.count(); n != 2 {
		t.Errorf("%d shipments stored, want 2", n)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name, method, path, key string
		body                    any
		want                    int
	}{
		{"no key", "GET", "/v1/shipments", "", nil, 401},
		{"unknown key", "GET", "/v1/shipments", "nobody", nil, 401},
		{"partner can't list shipments", "GET", "/v1/shipments", "partner", nil, 403},
		{"customs can't create", "POST", "/v1/shipments", "customs", validBody(), 403},
		{"merchant can't make keys", "POST", "/v1/keys", "acme", map[string]any{"role": "admin"}, 403},
		{"merchant for another merchant", "POST", "/v1/shipments", "acme", func() any { b := validBody(); b["merchant"] = "OTHER"; return b }(), 403},
		{"merchant can't list another's", "GET", "/v1/shipments?merchant=OTHER", "acme", nil, 403},
		{"public products", "GET", "/v1/products", "", nil, 200},
		{"public s10 check", "GET", "/v1/s10/RR473124829GB", "", nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.method, c.path, c.key, c.body)
			if r.status != c.want {
				t.Fatalf("%s %s = %d, want %d: %s", c.method, c.path, r.status, c.want, r.body)
			}
			if c.want >= 400 && !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("error content type %q", r.header.Get("Content-Type"))
			}
		})
	}
	// A revoked key stops working at once.
	r := e.do("POST", "/v1/keys", "admin", map[string]any{"role": "merchant", "merchant": "ACME"})
	var k struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	r.json(t, &k)
	if r.status != 201 || !strings.HasPrefix(k.Key, "ipk_") {
		t.Fatalf("create key: %d %s", r.status, r.body)
	}
	e.keys["new"] = k.Key
	if r := e.do("GET", "/v1/shipments", "new", nil); r.status != 200 {
		t.Fatalf("new key = %d", r.status)
	}
	if r := e.do("DELETE", "/v1/keys/"+k.ID, "admin", nil); r.status != 204 {
		t.Fatalf("revoke = %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/shipments", "new", nil); r.status != 401 {
		t.Fatalf("revoked key = %d, want 401", r.status)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mod := func(f func(b map[string]any)) map[string]any { b := validBody(); f(b); return b }
	line := func(b map[string]any) map[string]any {
		return b["declaration"].(map[string]any)["lines"].([]any)[0].(map[string]any)
	}
	cases := []struct {
		name   string
		body   any
		status int
		fields []string // locations that must be named
	}{
		{"malformed JSON", `{"product": "ems",`, 400, nil},
		{"wrong type", mod(func(b map[string]any) { b["weight_g"] = "heavy" }), 422, []string{"body.weight_g"}},
		{"unknown field", mod(func(b map[string]any) { b["colour"] = "red" }), 422, []string{"body.colour"}},
		{"unknown product", mod(func(b map[string]any) { b["product"] = "pigeon" }), 422, []string{"body.product"}},
		{"bad country", mod(func(b map[string]any) { b["addressee"].(map[string]any)["country"] = "XX" }), 422, []string{"body.addressee.country"}},
		{"domestic", mod(func(b map[string]any) { b["addressee"].(map[string]any)["country"] = "CN" }), 422, []string{"body.addressee.country"}},
		{"bad currency", mod(func(b map[string]any) { b["declaration"].(map[string]any)["currency"] = "USX" }), 422, []string{"body.declaration.currency"}},
		{"bad HS code", mod(func(b map[string]any) { line(b)["hs_code"] = "09A2" }), 422, []string{"body.declaration.lines[0].hs_code"}},
		{"HS subheading not in the nomenclature", mod(func(b map[string]any) { line(b)["hs_code"] = "0902.99" }), 422, []string{"body.declaration.lines[0].hs_code"}},
		{"zero weight", mod(func(b map[string]any) { b["weight_g"] = 0 }), 422, []string{"body.weight_g"}},
		{"negative weight", mod(func(b map[string]any) { b["weight_g"] = -5 }), 422, []string{"body.weight_g"}},
		{"over value limit", mod(func(b map[string]any) {
			b["product"] = "small-packet"
			b["dimensions_mm"] = []int{200, 150, 50}
			line(b)["value"] = "500.00"
		}), 422, []string{"body.declaration.lines"}},
		{"over weight limit", mod(func(b map[string]any) {
			b["product"] = "e-packet"
			b["weight_g"] = 2500
			b["dimensions_mm"] = []int{200, 150, 50}
		}), 422, []string{"body.weight_g"}},
		{"missing declaration", mod(func(b map[string]any) { delete(b, "declaration") }), 422, []string{"body.declaration"}},
		{"vague description and bad origin", mod(func(b map[string]any) { line(b)["description"] = "gift"; line(b)["origin_country"] = "ZZ" }), 422,
			[]string{"body.declaration.lines[0].description", "body.declaration.lines[0].origin_country"}},
		{"missing sender name", mod(func(b map[string]any) { delete(b["sender"].(map[string]any), "name") }), 422, []string{"body.sender.name"}},
		{"too many decimals", mod(func(b map[string]any) { line(b)["value"] = "24.001" }), 422, []string{"body.declaration.lines[0].value"}},
		{"net over gross", mod(func(b map[string]any) { b["weight_g"] = 500 }), 422, []string{"body.weight_g"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/v1/shipments", "acme", c.body)
			var p problem
			r.json(t, &p)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			for _, f := range c.fields {
				if !p.names(f) {
					t.Errorf("problem does not name %s: %s", f, r.body)
				}
			}
		})
	}
	if n := e.count(); n != 0 {
		t.Errorf("%d shipments stored from bad input", n)
	}
	big := `{"product":"ems","merchant_ref":"` + strings.Repeat("x", 2<<20) + `"}`
	if r := e.do("POST", "/v1/shipments", "acme", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB body = %d, want 413", r.status)
	}
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 7 {
		if r := e.do("POST", "/v1/shipments", "acme", validBody()); r.status != 201 {
			t.Fatal(string(r.body))
		}
	}
	if r := e.do("POST", "/v1/shipments", "other", validBody()); r.status != 201 {
		t.Fatal(string(r.body))
	}
	var ids []string
	cursor := ""
	for range 5 {
		r := e.do("GET", "/v1/shipments?limit=3&cursor="+cursor, "acme", nil)
		var page struct {
			Items      []acceptance.Shipment `json:"items"`
			NextCursor string                `json:"next_cursor"`
		}
		r.json(t, &page)
		for _, sh := range page.Items {
			if sh.Merchant != "ACME" {
				t.Errorf("merchant ACME sees %s's shipment", sh.Merchant)
			}
			ids = append(ids, string(sh.ID))
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(ids) != 7 {
		t.Errorf("paged %d shipments, want 7: %v", len(ids), ids)
	}
	if r := e.do("GET", "/v1/shipments?cursor=garbage", "acme", nil); r.status != 422 {
		t.Errorf("bad cursor = %d", r.status)
	}
	if r := e.do("GET", "/v1/shipments?limit=1000", "admin", nil); r.status != 422 {
		t.Errorf("limit 1000 = %d", r.status)
	}
	if r := e.do("GET", "/v1/shipments?colour=red", "admin", nil); r.status != 422 {
		t.Errorf("unknown query parameter = %d", r.status)
	}
	r := e.do("GET", "/v1/shipments?since="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "admin", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"items":[]`) {
		t.Errorf("since future = %d %s", r.status, r.body)
	}
}

func TestLabelPDF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("POST", "/v1/shipments", "acme", validBody())
	var sh acceptance.Shipment
	r.json(t, &sh)
	l := e.do("GET", "/v1/shipments/"+string(sh.ID)+"/label.pdf", "acme", nil)
	if l.status != 200 || l.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(l.body, []byte("%PDF")) {
		t.Fatalf("label: %d %s %.20q", l.status, l.header.Get("Content-Type"), l.body)
	}
	if r := e.do("GET", "/v1/shipments/"+string(sh.ID)+"/label.pdf", "other", nil); r.status != 404 {
		t.Errorf("other merchant's label = %d", r.status)
	}
}

func TestOps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.do("GET", p, "", nil); r.status != 200 {
			t.Errorf("%s = %d %s", p, r.status, r.body)
		}
	}
	e.do("GET", "/v1/products", "", nil)
	r := e.do("GET", "/metrics", "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `interpost_http_requests_total{code="200",route="GET /v1/products"}`) ||
		!strings.Contains(string(r.body), `interpost_http_request_duration_seconds_bucket{route="GET /v1/products"`) {
		t.Errorf("metrics lack per-route counters:\n%.2000s", r.body)
	}
	if r := e.do("POST", "/healthz", "", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d", r.status)
	}
}

// newApp builds the services over st as `interpost serve` does
// (internal/app), logging nowhere; o's country defaults to CN.
func newApp(t *testing.T, st store.Store, o app.Options) *app.App {
	t.Helper()
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a, err := app.New(context.Background(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// newServer is the HTTP server over a's services.
func newServer(t *testing.T, a *app.App) *server.Server {
	t.Helper()
	h, err := a.Server("test", nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestAuthThrottle: after ten failed authentications from one address the
// API answers 429 with Retry-After, even to a good key from there, and
// counts it in /metrics.
func TestAuthThrottle(t *testing.T) {
	e := newEnv(t)
	e.keys["guess"] = "ipk_" + strings.Repeat("z", 52)
	for i := range 10 {
		if r := e.do("GET", "/v1/shipments", "guess", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("bad key %d = %d, want 401", i+1, r.status)
		}
	}
	r := e.do("GET", "/v1/shipments", "admin", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("after ten failures = %d (Retry-After %q) %s, want 429", r.status, r.header.Get("Retry-After"), r.body)
	}
	m := e.do("GET", "/metrics", "", nil)
	if !strings.Contains(string(m.body), `interpost_auth_throttled_total{via="api"} 1`) {
		t.Error("the throttled request is not counted in /metrics")
	}
	// Public operations need no key and are not throttled.
	if r := e.do("GET", "/v1/products", "", nil); r.status != http.StatusOK {
		t.Errorf("a public operation while throttled = %d", r.status)
	}
}

// TestOperatorOfficeScope: an operator key scoped to one office accepts
// items only at that office.
func TestOperatorOfficeScope(t *testing.T) {
	e := newEnv(t)
	k, secret, err := auth.NewKey(auth.RoleOperator, "", "", []string{"CNSHAA"}, "shanghai operator", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	e.keys["shanghai"] = secret
	body := validBody()
	body["merchant"] = "ACME" // leaves from CNXMNA
	r := e.do("POST", "/v1/shipments", "shanghai", body, "Idempotency-Key", "scope-1")
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "not from CNXMNA") {
		t.Errorf("operator of CNSHAA accepting at CNXMNA = %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/shipments", "operator", body, "Idempotency-Key", "scope-2"); r.status != http.StatusCreated {
		t.Errorf("an unscoped operator = %d %s", r.status, r.body)
	}
}
