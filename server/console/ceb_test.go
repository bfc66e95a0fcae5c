package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlstore"
)

// TestCEBOnItemPage: the customs item page lists the item's CEB messages and receipts in order,
// the flagged one marked, the buyer's identity number masked.
func TestCEBOnItemPage(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	var hall *ceb.Hall
	tc := newTestConsoleWith(t, func(st *sqlstore.Store, cfg *Config) {
		ctx := context.Background()
		if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
			t.Fatal(err)
		}
		svc, err := demo.NewCustoms(st, st, postal.DefaultRates(), func() time.Time { return now })
		if err != nil {
			t.Fatal(err)
		}
		profiles, err := demo.CEBProfiles()
		if err != nil {
			t.Fatal(err)
		}
		hall = &ceb.Hall{Store: st, Customs: svc, Profiles: profiles, Rates: postal.DefaultRates(), Now: func() time.Time { return now }}
		svc.DecidedElsewhere = hall.DecidedByCustoms
		cfg.Customs, cfg.CEB = svc, hall
	})
	res, err := demo.SeedCEB(context.Background(), hall, now)
	if err != nil {
		t.Fatal(err)
	}
	cookies, _ := tc.signIn(t, "admin")
	resp, page := tc.do(t, "GET", "/console/customs/items/"+res.Flagged, nil, cookies)
	if resp.StatusCode != 200 {
		t.Fatalf("item page: %d", resp.StatusCode)
	}
	sec := page[max(strings.Index(page, `id="ceb-messages"`), 0):]
	i621, i622, i950 := strings.Index(sec, "CEB621"), strings.Index(sec, "CEB622"), strings.Index(sec, "unknown returnStatus")
	if !strings.Contains(page, `id="ceb-messages"`) || i621 < 0 || i622 < i621 || i950 < i622 || !strings.Contains(page, `id="ceb-flagged"`) {
		t.Errorf("the page does not list the CEB messages in order with the flag:\n%s", page)
	}
	if strings.Contains(page, "310104199203030000") || !strings.Contains(page, "3101**********0000") {
		t.Error("the page shows the buyer's identity number unmasked, or not at all")
	}
}
