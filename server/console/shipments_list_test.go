package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
)

// TestShipmentsListFilters: the console's list searches, filters, sorts,
// shows the total and exports what is filtered.
func TestShipmentsListFilters(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	ctx := context.Background()
	admin := auth.Principal{Role: auth.RoleAdmin}
	for i, name := range []string{"Иван Петров", "Anna Nowak", "Łukasz Wąs"} {
		r := acceptance.Request{Merchant: "ACME", Product: "ems", MerchantRef: fmt.Sprintf("ORD-%d", i),
			Sender:    acceptance.Party{Name: "Acme", Address: "1 Road", City: "Xiamen", Postcode: "361000", Country: "CN"},
			Addressee: acceptance.Party{Name: name, Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"},
			WeightG:   300 + 100*i, DimensionsMM: []int{200, 150, 40},
			Declaration: &acceptance.Declaration{Category: "sale_of_goods", Currency: "USD",
				Lines: []acceptance.Line{{Description: "Oolong tea", Quantity: 1, NetWeightG: 100, Value: "10", HSCode: "090230", OriginCountry: "CN"}}}}
		if _, _, err := tc.cfg.Acceptance.Create(ctx, admin, r, ""); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	cookies, _ := tc.signIn(t, "merchant")
	_, page := tc.do(t, "GET", "/console/shipments?q=petrov", nil, cookies)
	if !strings.Contains(page, "ORD-0") || strings.Contains(page, "ORD-1") || !strings.Contains(page, `id="shipments-total">1 shipments match`) {
		t.Errorf("search petrov:\n%s", section(page, "shipments-table"))
	}
	_, page = tc.do(t, "GET", "/console/shipments?sort=weight", nil, cookies)
	if i0, i2 := strings.Index(page, "ORD-0"), strings.Index(page, "ORD-2"); i0 < 0 || i2 < 0 || i0 > i2 || !strings.Contains(page, `aria-sort="ascending"`) {
		t.Errorf("sort=weight does not put the lightest first")
	}
	if !strings.Contains(page, "/console/shipments/export?format=csv&amp;sort=weight") {
		t.Errorf("export link does not carry the sort: %s", section(page, "export-csv"))
	}
	_, page = tc.do(t, "GET", "/console/shipments?product=pigeon", nil, cookies)
	if !strings.Contains(page, `role="alert"`) || !strings.Contains(page, "ems") {
		t.Errorf("unknown product shows no error naming the products")
	}
	resp, body := tc.do(t, "GET", "/console/shipments/export?format=csv&q="+url.QueryEscape("wąs"), nil, cookies)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Łukasz Wąs") || strings.Contains(body, "Anna") {
		t.Errorf("CSV export = %d\n%s", resp.StatusCode, body)
	}
}

func section(page, id string) string {
	if i := strings.Index(page, id); i >= 0 {
		return page[i:min(len(page), i+3000)]
	}
	return page
}
