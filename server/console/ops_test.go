package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/warehouse"
)

// opsConsole is the console over the demo world with customs and
// warehouses, as `interpost demo` serves it.
type opsConsole struct {
	*testConsole
	st   store.Store
	cs   *customs.Service
	seed demo.Result
}

func newOpsConsole(t *testing.T) *opsConsole {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := func() time.Time { return testNow }
	cs, err := demo.NewCustoms(st, st, postal.DefaultRates(), clock)
	if err != nil {
		t.Fatal(err)
	}
	cs.Country = "CN"
	svc := &acceptance.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN", Declared: cs.DeclareShipment, Now: clock}
	res, err := demo.Seed(ctx, st, svc, demo.Options{Shipments: 20, Now: testNow, Customs: cs})
	if err != nil {
		t.Fatal(err)
	}
	ws := &warehouse.Service{Store: st, Items: svc, Rates: svc.Rates, Country: "CN", Now: clock}
	tc := &testConsole{keys: map[string]string{}}
	for name, k := range map[string]auth.Key{
		"admin": {Role: auth.RoleAdmin}, "merchant": {Role: auth.RoleMerchant, Merchant: "XMTEA"},
		"customs": {Role: auth.RoleCustoms, Offices: []string{"CNSHAA"}}, "customs-pek": {Role: auth.RoleCustoms, Offices: []string{"CNPEKA"}},
	} {
		key, secret, err := auth.NewKey(k.Role, k.Merchant, "", k.Offices, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		tc.keys[name] = secret
	}
	c, err := New(Config{Auth: &auth.Service{Store: st, Refs: testRefs{st}}, Merchants: &acceptance.Merchants{Store: st}, Network: &network.Directory{Store: st}, Acceptance: svc, Customs: cs, Warehouse: ws, Dispatch: &dispatch.Service{Store: st, Now: clock}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(func(p string, h http.HandlerFunc) { mux.HandleFunc(p, h) })
	tc.Console = c
	tc.srv = httptest.NewServer(mux)
	t.Cleanup(tc.srv.Close)
	return &opsConsole{testConsole: tc, st: st, cs: cs, seed: res}
}

var queueItemRE = regexp.MustCompile(`data-item="([^"]+)"`)

func TestCustomsDesk(t *testing.T) {
	t.Parallel()
	oc := newOpsConsole(t)
	ctx := context.Background()
	queue, err := oc.cs.Queue(ctx, auth.Principal{Role: auth.RoleAdmin}, customs.QueueFilter{Office: "CNSHAA", Limit: 500})
	if err != nil || len(queue) == 0 {
		t.Fatalf("queue: %d items, %v", len(queue), err)
	}
	var pending string
	for _, q := range queue {
		if q.Status == customs.StatusPending && q.ClaimedBy == "" {
			pending = q.ItemID
			break
		}
	}

	admin, adminToken := oc.signIn(t, "admin")
	resp, page := oc.do(t, "GET", "/console/customs?office=CNSHAA", nil, admin)
	rows := queueItemRE.FindAllStringSubmatch(page, -1)
	if resp.StatusCode != 200 || len(rows) != len(queue) || rows[0][1] != queue[0].ItemID {
		t.Fatalf("admin queue = %d with %d rows, want %d starting %s", resp.StatusCode, len(rows), len(queue), queue[0].ItemID)
	}
	resp, page = oc.do(t, "GET", "/console/customs/items/"+pending, nil, admin)
	if resp.StatusCode != 200 || strings.Contains(page, `id="decide-form"`) || !strings.Contains(page, `id="read-only"`) {
		t.Errorf("admin item page = %d; decide form shown: %v", resp.StatusCode, strings.Contains(page, `id="decide-form"`))
	}
	decide := url.Values{"csrf": {adminToken}, "form": {"decide"}, "action": {"release"}, "reason": {"fine"}}
	resp, page = oc.do(t, "POST", "/console/customs/items/"+pending+"/decision", decide, admin)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "only customs officers decide") || !strings.Contains(page, `id="decide-problem"`) {
		t.Errorf("admin decision = %d:\n%.600s", resp.StatusCode, page)
	}

	// The Shanghai officer: a decision without a reason is named beside
	// the reason; with one it is recorded.
	officer, token := oc.signIn(t, "customs")
	resp, _ = oc.do(t, "GET", "/console/", nil, officer)
	if loc := resp.Header.Get("Location"); loc != "/console/customs" {
		t.Errorf("an officer's home is %q", loc)
	}
	decide = url.Values{"csrf": {token}, "form": {"decide"}, "action": {"hold:xray"}, "reason": {" "}}
	resp, page = oc.do(t, "POST", "/console/customs/items/"+pending+"/decision", decide, officer)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="d-reason-err"`) {
		t.Errorf("decision without a reason = %d:\n%.600s", resp.StatusCode, page)
	}
	decide.Set("reason", "lithium cells declared")
	resp, _ = oc.do(t, "POST", "/console/customs/items/"+pending+"/decision", decide, officer)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "decided=hold") {
		t.Fatalf("hold = %d to %q", resp.StatusCode, loc)
	}
	_, page = oc.do(t, "GET", "/console/customs/items/"+pending+"?decided=hold", nil, officer)
	if !strings.Contains(page, `id="decided-banner"`) || !strings.Contains(page, "Held for X-ray") || !strings.Contains(page, `id="inspect-form"`) {
		t.Errorf("after hold:\n%.2000s", page)
	}

	// An officer of another office gets 403 with the reason.
	other, otherToken := oc.signIn(t, "customs-pek")
	decide = url.Values{"csrf": {otherToken}, "form": {"decide"}, "action": {"release"}, "reason": {"not mine"}}
	resp, page = oc.do(t, "POST", "/console/customs/items/"+pending+"/decision", decide, other)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "outside the offices of your key") {
		t.Errorf("other office's decision = %d:\n%.600s", resp.StatusCode, page)
	}
	if v, err := oc.cs.Get(ctx, auth.Principal{Role: auth.RoleAdmin}, pending); err != nil || v.Status != customs.StatusHeld {
		t.Errorf("item is %q after the refused decision, %v", v.Status, err)
	}
}

func TestOrderPages(t *testing.T) {
	t.Parallel()
	oc := newOpsConsole(t)
	ctx := context.Background()
	merchant, token := oc.signIn(t, "merchant")
	resp, page := oc.do(t, "GET", "/console/orders", nil, merchant)
	if resp.StatusCode != 200 || strings.Contains(page, "<th scope=\"col\">Merchant</th>") {
		t.Errorf("merchant's orders = %d; merchant column shown", resp.StatusCode)
	}
	form := url.Values{"csrf": {token}, "idempotency_key": {strings.Repeat("b", 32)}, "merchant_order_id": {"T-1"}, "service_level": {"standard"},
		"buyer.address": {"ul. Prosta 5"}, "buyer.city": {"Warszawa"}, "buyer.postcode": {"00-850"}, "buyer.country": {"PL"},
		"lines[0].sku": {"TEA-OOLONG-100"}, "lines[0].quantity": {"x"}}
	resp, page = oc.do(t, "POST", "/console/orders/new", form, merchant)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-buyer-name-err"`) || !strings.Contains(page, `id="f-lines-0-quantity-err"`) {
		t.Fatalf("bad order = %d:\n%.3000s", resp.StatusCode, page)
	}
	form.Set("buyer.name", "Anna Nowak")
	form.Set("lines[0].quantity", "9999")
	resp, page = oc.do(t, "POST", "/console/orders/new", form, merchant)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "not enough stock") {
		t.Errorf("oversold order = %d:\n%.600s", resp.StatusCode, page)
	}
	form.Set("lines[0].quantity", "1")
	form.Set("idempotency_key", strings.Repeat("c", 32))
	resp, _ = oc.do(t, "POST", "/console/orders/new", form, merchant)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/orders/ORD-") {
		t.Fatalf("order = %d to %q", resp.StatusCode, loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/console/orders/"), "?created=1")
	_, page = oc.do(t, "GET", loc, nil, merchant)
	if !strings.Contains(page, `id="created-banner"`) || !strings.Contains(page, `id="cancel-order"`) || strings.Contains(page, "pick-button") {
		t.Errorf("merchant's new order page:\n%.2000s", page)
	}
	// Cancel before pick releases the stock.
	resp, _ = oc.do(t, "POST", "/console/orders/"+id+"/cancel", url.Values{"csrf": {token}}, merchant)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("cancel = %d", resp.StatusCode)
	}
	if o, err := oc.st.Order(ctx, id); err != nil || o.Status != warehouse.OrderCancelled {
		t.Errorf("order %s is %q after cancel, %v", id, o.Status, err)
	}
	// Merchants neither pick nor pack.
	if resp, _ := oc.do(t, "POST", "/console/warehouses/PLWAWW/pick-lists", url.Values{"csrf": {token}}, merchant); resp.StatusCode != http.StatusForbidden {
		t.Errorf("merchant pick list = %d", resp.StatusCode)
	}

	// An admin picks and packs at a warehouse, then gets the label.
	admin, adminToken := oc.signIn(t, "admin")
	resp, _ = oc.do(t, "POST", "/console/warehouses/PLWAWW/pick-lists", url.Values{"csrf": {adminToken}}, admin)
	pl := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(pl, "/console/pick-lists/PCK-") {
		t.Fatalf("pick list = %d to %q", resp.StatusCode, pl)
	}
	_, page = oc.do(t, "GET", pl, nil, admin)
	m := regexp.MustCompile(`action="/console/orders/([^/]+)/parcels/(\d+)/pack"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no pack button on the pick list:\n%.2000s", page)
	}
	resp, _ = oc.do(t, "POST", "/console/orders/"+m[1]+"/parcels/"+m[2]+"/pack", url.Values{"csrf": {adminToken}}, admin)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pack = %d", resp.StatusCode)
	}
	resp, body := oc.do(t, "GET", "/console/orders/"+m[1]+"/parcels/"+m[2]+"/label.pdf", nil, admin)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("label = %d %.10q", resp.StatusCode, body)
	}
	// Nothing left to pick is said on the warehouse page.
	for {
		resp, page = oc.do(t, "POST", "/console/warehouses/PLWAWW/pick-lists", url.Values{"csrf": {adminToken}}, admin)
		if resp.StatusCode != http.StatusSeeOther {
			break
		}
	}
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "No reserved orders are waiting") {
		t.Errorf("empty pick list = %d:\n%.600s", resp.StatusCode, page)
	}
}

func TestWarehousePages(t *testing.T) {
	t.Parallel()
	oc := newOpsConsole(t)
	admin, _ := oc.signIn(t, "admin")
	merchant, _ := oc.signIn(t, "merchant")
	for _, p := range []string{"/console/warehouses", "/console/warehouses/BELGGW", "/console/stock", "/console/inbounds", "/console/replenishment",
		"/console/orders", "/console/orders/new", "/console/orders/" + oc.seed.Warehouse.SampleOrder} {
		if resp, page := oc.do(t, "GET", p, nil, admin); resp.StatusCode != 200 {
			t.Errorf("admin %s = %d:\n%.600s", p, resp.StatusCode, page)
		}
	}
	_, page := oc.do(t, "GET", "/console/stock", nil, merchant)
	for _, m := range regexp.MustCompile(`<tr data-sku="[^"]+" data-warehouse="[^"]+">\s*(?:<td>.*?</td>\s*)?<td>([A-Z]+)</td>`).FindAllStringSubmatch(page, -1) {
		if m[1] != "XMTEA" {
			t.Fatalf("merchant XMTEA sees stock of %s", m[1])
		}
	}
	if resp, _ := oc.do(t, "GET", "/console/customs", nil, merchant); resp.StatusCode != http.StatusForbidden {
		t.Errorf("merchant customs desk = %d", resp.StatusCode)
	}
	// Another merchant's order is not found.
	orders, _, err := oc.st.Orders(context.Background(), warehouse.OrderFilter{Merchant: "HZSILK", Limit: 1})
	if err != nil || len(orders) == 0 {
		t.Fatal(err)
	}
	if resp, _ := oc.do(t, "GET", "/console/orders/"+orders[0].ID, nil, merchant); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another merchant's order = %d", resp.StatusCode)
	}
}

func TestNavWithoutServices(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t) // no customs, no warehouses
	cookies, _ := tc.signIn(t, "admin")
	_, page := tc.do(t, "GET", "/console/shipments", nil, cookies)
	if strings.Contains(page, `href="/console/customs"`) || strings.Contains(page, `href="/console/warehouses"`) {
		t.Error("the nav links to pages of services this node does not run")
	}
	if resp, _ := tc.do(t, "GET", "/console/customs", nil, cookies); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("customs desk without customs = %d", resp.StatusCode)
	}
}
