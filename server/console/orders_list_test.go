package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
