package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// TestFinanceTrackingExchange checks who may open the finance, tracking
// and exchange pages and what a partner key sees, over the demo world.
func TestFinanceTrackingExchange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := testNow
	svc := &acceptance.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN", Statuses: tracking.StatusNames()}
	if _, err := demo.Seed(ctx, st, svc, demo.Options{Shipments: 20, Now: now}); err != nil {
		t.Fatal(err)
	}
	tc := &testConsole{keys: map[string]string{}}
	for name, k := range map[string]auth.Key{
		"admin": {Role: auth.RoleAdmin}, "operator": {Role: auth.RoleOperator}, "merchant": {Role: auth.RoleMerchant, Merchant: "XMTEA"},
		"partner": {Role: auth.RolePartner, Partner: "PLPOST"},
	} {
		key, secret, err := auth.NewKey(k.Role, k.Merchant, k.Partner, nil, name, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		tc.keys[name] = secret
	}
	c, err := New(Config{Auth: &auth.Service{Store: st, Refs: testRefs{st}}, Merchants: &acceptance.Merchants{Store: st}, Network: &network.Directory{Store: st}, Acceptance: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now },
		Accounting: &accounting.Service{Store: st, Network: st, Merchants: st, Rates: svc.Rates, Country: "CN", Now: func() time.Time { return now }},
		Tracking:   &tracking.Service{Store: st, Offices: st, Merchants: st, Now: func() time.Time { return now }},
		Dispatch:   &dispatch.Service{Store: st, Network: st, Items: st, Now: func() time.Time { return now }},
		Planner:    &alloc.Planner{Network: st, Store: st, Shipments: st}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(func(p string, h http.HandlerFunc) { mux.HandleFunc(p, h) })
	tc.Console = c
	tc.srv = httptest.NewServer(mux)
	t.Cleanup(tc.srv.Close)
	period := accounting.Month(now).Name

	admin, _ := tc.signIn(t, "admin")
	for _, p := range []string{"/console/finance", "/console/tracking", "/console/performance", "/console/exchange"} {
		if resp, page := tc.do(t, "GET", p, nil, admin); resp.StatusCode != http.StatusOK {
			t.Errorf("admin GET %s = %d\n%.400s", p, resp.StatusCode, page)
		}
	}
	// A shipment's page shows its lifecycle status and timeline; the list
	// filters on the status the projector keeps.
	if _, err := tc.Console.cfg.Tracking.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	list, _, err := svc.ListStatus(ctx, auth.Principal{Role: auth.RoleAdmin}, "", "delivered", time.Time{}, 50, "")
	if err != nil || len(list) == 0 {
		t.Fatalf("delivered shipments: %d, %v", len(list), err)
	}
	sh := list[0]
	if resp, page := tc.do(t, "GET", "/console/shipments/"+string(sh.ID), nil, admin); resp.StatusCode != http.StatusOK ||
		!strings.Contains(page, `id="timeline-card"`) || !strings.Contains(page, `data-status="delivered"`) || !strings.Contains(page, `data-code="EMI"`) {
		t.Errorf("shipment page = %d\n%.600s", resp.StatusCode, page)
	}
	if resp, page := tc.do(t, "GET", "/console/shipments?status=delivered", nil, admin); resp.StatusCode != http.StatusOK ||
		strings.Count(page, `data-status="delivered"`) == 0 || strings.Count(page, `data-status="`) != strings.Count(page, `data-status="delivered"`) {
		t.Errorf("shipments?status=delivered = %d", resp.StatusCode)
	}
	if _, page := tc.do(t, "GET", "/console/shipments?status=lost", nil, admin); !strings.Contains(page, "not a shipment status; use one of created, accepted") {
		t.Errorf("an unknown status is not explained:\n%.400s", page)
	}
	resp, body := tc.do(t, "GET", "/console/finance/statements/post:PLPOST/csv?period="+period, nil, admin)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || body == "" {
		t.Errorf("admin statement CSV = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// A merchant reads its invoice from its own side: "Amount due", not
	// the post's "Receivable"; items not yet charged listed by id with
	// the reason; a month picker.
	if _, err := tc.Console.cfg.Accounting.Rate(ctx, auth.Principal{Role: auth.RoleAdmin}, accounting.Month(now)); err != nil {
		t.Fatal(err)
	}
	merchant, _ := tc.signIn(t, "merchant")
	resp, page := tc.do(t, "GET", "/console/finance?period="+period, nil, merchant)
	if resp.StatusCode != http.StatusOK || strings.Contains(page, "Receivable") || !strings.Contains(page, `<select id="f-period"`) ||
		!strings.Contains(page, "Amount due (") || strings.Contains(page, `id="party-table"`) {
		t.Errorf("merchant finance page = %d:\n%.1500s", resp.StatusCode, page[strings.Index(page, "<main"):])
	}
	if strings.Contains(page, "not yet charged") && !strings.Contains(page, `id="unrated-table"`) {
		t.Error("the merchant page counts items not yet charged without listing them")
	}

	// A partner post sees its own statement, not another's, and no ledger.
	partner, _ := tc.signIn(t, "partner")
	resp, page = tc.do(t, "GET", "/console/finance?period="+period, nil, partner)
	if resp.StatusCode != http.StatusOK || strings.Contains(page, `id="party-table"`) {
		t.Errorf("partner finance page = %d, party table shown: %v", resp.StatusCode, strings.Contains(page, `id="party-table"`))
	}
	if !strings.Contains(page, "ST-"+period+"-PLPOST") && !strings.Contains(page, "Your key names no party") {
		t.Errorf("partner page names no statement:\n%.600s", page[strings.Index(page, "<main"):])
	}
	if resp, _ := tc.do(t, "GET", "/console/finance/statements/post:DEPOST/pdf?period="+period, nil, partner); resp.StatusCode != http.StatusNotFound {
		t.Errorf("partner downloading another post's statement = %d, want 404", resp.StatusCode)
	}
	if resp, _ := tc.do(t, "GET", "/console/tracking", nil, partner); resp.StatusCode != http.StatusForbidden {
		t.Errorf("partner tracking = %d, want 403", resp.StatusCode)
	}

	// Operators run exchange operations and read performance, not finance.
	operator, token := tc.signIn(t, "operator")
	if resp, _ := tc.do(t, "GET", "/console/finance", nil, operator); resp.StatusCode != http.StatusForbidden {
		t.Errorf("operator finance = %d, want 403", resp.StatusCode)
	}
	resp, page = tc.do(t, "POST", "/console/exchange/receptacles/CNXMNAPLWAWAAUN60999001/close", url.Values{"csrf": {token}, "office": {"CNXMNA"}}, operator)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, `id="exchange-problem"`) {
		t.Errorf("closing an unknown receptacle = %d, problem shown: %v", resp.StatusCode, strings.Contains(page, `id="exchange-problem"`))
	}
	if resp, _ := tc.do(t, "POST", "/console/exchange/receptacles/CNXMNAPLWAWAAUN60999001/close", url.Values{"office": {"CNXMNA"}}, operator); resp.StatusCode != http.StatusForbidden {
		t.Errorf("closing without a form token = %d, want 403", resp.StatusCode)
	}

	// A merchant's nav has tracking and finance, not exchange.
	merchant, _ = tc.signIn(t, "merchant")
	_, page = tc.do(t, "GET", "/console/shipments", nil, merchant)
	if !strings.Contains(page, `href="/console/finance"`) || !strings.Contains(page, `href="/console/tracking"`) || strings.Contains(page, `href="/console/exchange"`) {
		t.Error("a merchant's nav is wrong")
	}
	if resp, _ := tc.do(t, "GET", "/console/performance", nil, merchant); resp.StatusCode != http.StatusForbidden {
		t.Errorf("merchant performance = %d, want 403", resp.StatusCode)
	}
}
