package twin_test

import (
	"context"
	"testing"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/twin"
)

// smallTwin runs a small twin on a fresh SQLite store.
func smallTwin(t *testing.T, days int, sc twin.Scenario) (*twin.Result, *app.App) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a, svc, err := app.NewTwin(ctx, st, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := twin.DefaultBaseline()
	for i := range b.Merchants {
		b.Merchants[i].PerDay /= 6
	}
	res, err := twin.Run(ctx, svc, twin.Options{Baseline: b, Scenario: sc, Days: days, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return res, a
}

func TestTwinSmoke(t *testing.T) {
	res, _ := smallTwin(t, 10, twin.Scenario{})
	t.Logf("%+v", res.Totals)
	t.Logf("states %v scans %+v held %d cancelled %d unsorted %d", res.States, res.Scans, res.ExportHeld, res.Cancelled, res.Unsorted)
}
