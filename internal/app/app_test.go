package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// TestNewWiresOneConfiguration builds the services over a fresh store and
// checks that each takes the one clock, country and rates, that the
// services are connected to each other, and that the server built over
// them answers.
func TestNewWiresOneConfiguration(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, err := app.New(ctx, st, app.Options{Country: "PL", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })

	for name, got := range map[string]string{
		"acceptance": a.Acceptance.Country, "customs": a.Customs.Country,
		"warehouse": a.Warehouse.Country, "accounting": a.Accounting.Country,
	} {
		if got != "PL" {
			t.Errorf("%s country %q, want PL", name, got)
		}
	}
	for name, r := range map[string]postal.Rates{
		"acceptance": a.Acceptance.Rates, "customs": a.Customs.Rates,
		"warehouse": a.Warehouse.Rates, "accounting": a.Accounting.Rates,
	} {
		if r.PerSDR == nil {
			t.Errorf("%s has no exchange rates", name)
		}
	}
	for name, f := range map[string]func() time.Time{
		"acceptance": a.Acceptance.Now, "customs": a.Customs.Now, "tracking": a.Tracking.Now, "dispatch": a.Dispatch.Now,
		"warehouse": a.Warehouse.Now, "accounting": a.Accounting.Now, "auth": a.Auth.Now, "merchants": a.Merchants.Now,
	} {
		if f == nil || !f().Equal(now) {
			t.Errorf("%s does not take the app's clock", name)
		}
	}
	if a.Acceptance.Declared == nil || a.Customs.Events == nil || a.Dispatch.Events == nil || a.Warehouse.Items != a.Acceptance {
		t.Error("services are not connected: declarations, customs and dispatch events, warehouse items")
	}
	if a.Customs.Rules() == nil {
		t.Error("customs runs without rules")
	}

	h, err := a.Server("test", nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("/readyz = %d %s", rec.Code, rec.Body)
	}
	stop := a.Start(ctx)
	stop()
}

func TestNewRefusesBadRules(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := app.New(ctx, st, app.Options{CustomsRules: "/nonexistent/rules.yaml"}); err == nil {
		t.Error("a rules file that does not load must stop the start")
	}
}
