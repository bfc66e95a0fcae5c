package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interpost/interpost/dispatch"
)

// TestOrdersListFilters: the console's orders list searches by the buyer's
// name, filters, shows the total and exports what is filtered.
func TestOrdersListFilters(t *testing.T) {
	t.Parallel()
	oc := newOpsConsole(t)
	o, err := oc.st.Order(context.Background(), oc.seed.Warehouse.SampleOrder)
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := oc.signIn(t, "admin")
	word := strings.Fields(o.Buyer.Name)[0]
	prefix := strings.ToLower(string([]rune(word)[:min(3, len([]rune(word)))]))
	_, page := oc.do(t, "GET", "/console/orders?q="+url.QueryEscape(prefix)+"&destination="+strings.ToLower(o.Buyer.Country), nil, admin)
	if !strings.Contains(page, `data-order="`+o.ID+`"`) || !strings.Contains(page, `id="orders-total">`) {
		t.Errorf("search %q: sample order %s missing:\n%s", prefix, o.ID, section(page, "orders-table"))
	}
	if !strings.Contains(page, "/console/orders/export?destination="+o.Buyer.Country+"&amp;format=csv&amp;q="+url.QueryEscape(prefix)) {
		t.Errorf("export link does not carry the filter: %s", section(page, "export-csv"))
	}
	_, page = oc.do(t, "GET", "/console/orders?q=zzzzqqq", nil, admin)
	if strings.Contains(page, `data-order="`) || !strings.Contains(page, "No orders match") {
		t.Errorf("search zzzzqqq finds orders")
	}
	_, page = oc.do(t, "GET", "/console/orders?destination=Poland", nil, admin)
	if !strings.Contains(page, `role="alert"`) || !strings.Contains(page, "ISO 3166-1") {
		t.Errorf("a bad destination shows no error")
	}
	resp, body := oc.do(t, "GET", "/console/orders/export?format=csv&q="+url.QueryEscape(o.ID), nil, admin)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, o.ID+","+o.Merchant+","+o.MerchantOrderID) || strings.Count(body, "\n") != 2 {
		t.Errorf("CSV export = %d\n%s", resp.StatusCode, body)
	}
}

// TestDispatchesListFilters: the console's dispatches list filters by
// origin, destination country and status, searches by id prefix, shows the
// total and exports what is filtered; an officer sees only its offices.
func TestDispatchesListFilters(t *testing.T) {
	t.Parallel()
	oc := newOpsConsole(t)
	all, err := oc.st.Dispatches(context.Background(), dispatch.DispatchFilter{Limit: 500})
	if err != nil || len(all) == 0 {
		t.Fatalf("demo dispatches: %d, %v", len(all), err)
	}
	d := all[len(all)-1]
	admin, _ := oc.signIn(t, "admin")
	q := "origin=" + strings.ToLower(d.Origin) + "&destination=" + d.Destination[:2] + "&status=" + string(d.Status) + "&q=" + strings.ToLower(d.ID[:14])
	_, page := oc.do(t, "GET", "/console/exchange/dispatches?"+q, nil, admin)
	if !strings.Contains(page, `data-dispatch="`+d.ID+`"`) || !strings.Contains(page, `id="dispatches-total">`) {
		t.Errorf("filter %s: dispatch %s missing:\n%s", q, d.ID, section(page, "dispatches-table"))
	}
	if !strings.Contains(page, "/console/exchange/dispatches/export?destination="+d.Destination[:2]+"&amp;format=csv") {
		t.Errorf("export link does not carry the filter: %s", section(page, "export-csv"))
	}
	_, page = oc.do(t, "GET", "/console/exchange/dispatches?q=ZZZZ", nil, admin)
	if strings.Contains(page, `data-dispatch="`) || !strings.Contains(page, "No dispatches match") {
		t.Errorf("search ZZZZ finds dispatches")
	}
	_, page = oc.do(t, "GET", "/console/exchange/dispatches?category=E", nil, admin)
	if !strings.Contains(page, `role="alert"`) || !strings.Contains(page, "A, B, C, D") {
		t.Errorf("a bad category shows no error naming the categories")
	}
	pek, _ := oc.signIn(t, "customs-pek")
	_, page = oc.do(t, "GET", "/console/exchange/dispatches", nil, pek)
	if strings.Contains(page, `data-dispatch="`) {
		t.Errorf("Beijing's officer sees other offices' dispatches")
	}
	resp, body := oc.do(t, "GET", "/console/exchange/dispatches/export?format=csv&q="+d.ID, nil, admin)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, d.ID+","+d.Origin+","+d.Destination) || strings.Count(body, "\n") != 2 {
		t.Errorf("CSV export = %d\n%s", resp.StatusCode, body)
	}
}
