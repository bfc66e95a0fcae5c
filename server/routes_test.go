package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interpost/interpost/demo"
)

func routesEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	if _, _, err := demo.SeedNetwork(context.Background(), e.store); err != nil {
		t.Fatal(err)
	}
	return e
}

func routesPath(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return "/v1/routes?" + v.Encode()
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	e := routesEnv(t)
	xmnDui := []string{"from", "CNXMNA", "to", "DEDUIA", "ready", "2026-11-23T10:00:00+08:00", "weight_g", "800"}

	r := e.do("GET", routesPath(append(xmnDui, "product", "ems", "pareto", "true")...), "acme", nil)
	if r.status != http.StatusOK {
		t.Fatalf("EMS route: %d %s", r.status, r.body)
	}
	var res struct {
		Earliest *struct {
			Arrive     string  `json:"arrive"`
			Cost       float64 `json:"cost"`
			CostAmount string  `json:"cost_amount"`
			Currency   string  `json:"currency"`
			CO2Kg      float64 `json:"co2_kg"`
			Legs       []map[string]string
		} `json:"earliest"`
		Pareto    []json.RawMessage `json:"pareto"`
		CostBasis string            `json:"cost_basis"`
	}
	r.json(t, &res)
	// Money is a decimal string beside its currency, and the answer names
	// the tariff; the number is kept (deprecated) for one version.
	if e := res.Earliest; e == nil || e.Currency != "USD" || e.CostAmount != fmt.Sprintf("%.2f", e.Cost) || res.CostBasis != "network services cost_per_kg (USD)" {
		t.Errorf("EMS route money = %s", r.body)
	}
	if res.Earliest == nil || res.Earliest.Arrive != "2026-11-24T12:00:00Z" || len(res.Earliest.Legs) != 2 ||
		res.Earliest.Legs[0]["service"] != "MF811" || res.Earliest.Legs[1]["to"] != "DEDUIA" || len(res.Pareto) < 2 {
		t.Errorf("EMS route = %s", r.body)
	}
	for _, leg := range res.Earliest.Legs {
		if len(leg) != 5 || leg["depart"] == "" || leg["from"] == "" {
			t.Errorf("leg %v: want exactly service, from, to, depart, arrive", leg)
		}
	}

	// By rail: parcels on the surface take the Xiamen block train.
	r = e.do("GET", routesPath(append(xmnDui, "product", "parcel", "surface", "true")...), "operator", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"service":"X8057"`) || !strings.Contains(string(r.body), `"pareto":[]`) {
		t.Errorf("rail route: %d %s", r.status, r.body)
	}

	// No route is not an error.
	r = e.do("GET", routesPath(append(xmnDui, "product", "parcel", "surface", "true", "horizon_days", "3")...), "customs", nil)
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"earliest":null,"pareto":[],"cost_basis":"network services cost_per_kg (USD)"}` {
		t.Errorf("no route: %d %q", r.status, r.body)
	}
}

func TestRoutesBadInput(t *testing.T) {
	t.Parallel()
	e := routesEnv(t)
	cases := []struct {
		name, path, field string
		status            int
	}{
		{"unknown office", routesPath("from", "XXXXXX", "to", "DEDUIA", "ready", "2026-11-23T10:00:00+08:00"), "query.from", 422},
		{"ready without a zone", routesPath("from", "CNXMNA", "to", "DEDUIA", "ready", "2026-11-23T10:00:00"), "query.ready", 422},
		{"bad avoid", routesPath("from", "CNXMNA", "to", "DEDUIA", "ready", "2026-11-23T10:00:00Z", "avoid", "BY,ZZ"), "query.avoid", 422},
		{"bad product", routesPath("from", "CNXMNA", "to", "DEDUIA", "ready", "2026-11-23T10:00:00Z", "product", "pigeon"), "query.product", 422},
		{"missing ready", routesPath("from", "CNXMNA", "to", "DEDUIA"), "query.ready", 422},
	}
	for _, c := range cases {
		r := e.do("GET", c.path, "admin", nil)
		var p problem
		r.json(t, &p)
		if r.status != c.status || !p.names(c.field) {
			t.Errorf("%s: %d %s, want %d naming %s", c.name, r.status, r.body, c.status, c.field)
		}
	}
	if r := e.do("GET", cases[0].path, "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("without a key: %d", r.status)
	}
	if r := e.do("GET", routesPath("from", "CNXMNA", "to", "DEDUIA", "ready", "2026-11-23T10:00:00Z"), "partner", nil); r.status != http.StatusForbidden {
		t.Errorf("partner key: %d %s", r.status, r.body)
	}
}
