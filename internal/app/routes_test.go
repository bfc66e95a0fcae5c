package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/store/sqlite"
)

// TestRoutePlannerFollowsTheStoredNetwork runs two nodes (two apps, each
// with its own connections to one SQLite database). Node 1 changes the
// timetable through its store; node 2's GET /v1/routes answers from the new
// network without a restart, and neither node rebuilds its planner per
// request.
func TestRoutePlannerFollowsTheStoredNetwork(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	var nodes [2]*app.App
	for i := range nodes {
		st, err := sqlite.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		if i == 0 {
			if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, NetworkCheck: 5 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		nodes[i] = a
	}
	key, secret, err := auth.NewKey(auth.RoleOperator, "", "", nil, "routes", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := nodes[0].Store.CreateKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	h, err := nodes[1].Server("test", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	firstService := func() string {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
			srv.URL+"/v1/routes?from=CNXMNA&to=DEDUIA&ready=2026-11-23T10:00:00%2B08:00&product=ems", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res routing.Result
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&res) != nil || res.Earliest == nil {
			t.Fatalf("GET /v1/routes: %d %+v", resp.StatusCode, res)
		}
		return res.Earliest.Legs[0].Service
	}
	cache := func(a *app.App) *routing.Cache { return a.Routes.(*routing.Cache) }

	if got := firstService(); got != "MF811" {
		t.Fatalf("before the change: first leg %s, want MF811", got)
	}
	for range 20 {
		firstService()
	}
	if n := cache(nodes[1]).Builds(); n != 1 {
		t.Errorf("21 route queries built %d planners, want 1", n)
	}
	v1 := cache(nodes[1]).Version()
	for _, a := range nodes {
		defer a.Start(ctx)()
	}

	// Node 1 drops the Xiamen Airlines flight from the timetable.
	n, err := demo.Network()
	if err != nil {
		t.Fatal(err)
	}
	var legs []network.Leg
	for _, l := range n.Services {
		if l.ID != "MF811" {
			legs = append(legs, l)
		}
	}
	if err := nodes[0].Store.ReplaceNetwork(ctx, nil, legs); err != nil {
		t.Fatal(err)
	}
	stored, err := nodes[0].Network.Version(ctx)
	if err != nil || stored <= v1 {
		t.Fatalf("stored version after the import %d (%v), want > %d", stored, err, v1)
	}
	deadline := time.Now().Add(10 * time.Second)
	for cache(nodes[1]).Version() != stored && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := firstService(); got == "MF811" {
		t.Fatalf("node 2 still routes over MF811 after node 1 removed it (planner version %d, stored %d)", cache(nodes[1]).Version(), stored)
	}
	if n := cache(nodes[1]).Builds(); n != 2 {
		t.Errorf("node 2 built %d planners for two network versions, want 2", n)
	}
	// Node 1 follows too (it made the change, but learns it like any node).
	for cache(nodes[0]).Version() != stored && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p, err := nodes[0].Routes.Current(ctx); err != nil || len(p.Offices()) == 0 || cache(nodes[0]).Version() != stored {
		t.Errorf("node 1: planner version %d (%v), want %d", cache(nodes[0]).Version(), err, stored)
	}
}
