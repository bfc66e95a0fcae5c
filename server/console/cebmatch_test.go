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

// TestCEBMatchingPages: the matching queue lists the demo's mismatched order first-class, its page
// shows the differing field in the CEB311 and CEB411 columns with the documents' XML masked, and
// the item page links to it; zh-CN has its own words.
func TestCEBMatchingPages(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	var hall *ceb.Hall
	var matcher *ceb.Matcher
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
		matcher = &ceb.Matcher{Store: st, Customs: svc, Now: func() time.Time { return now }}
		hall = &ceb.Hall{Store: st, Customs: svc, Profiles: profiles, Rates: postal.DefaultRates(), Now: func() time.Time { return now },
			Sent: func(ctx context.Context, no string) error { _, err := matcher.Rematch(ctx, no); return err }}
		svc.DecidedElsewhere = hall.DecidedByCustoms
		cfg.Customs, cfg.CEB, cfg.CEBMatch = svc, hall, matcher
	})
	ctx := context.Background()
	res, err := demo.SeedCEB(ctx, hall, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedCEBMatching(ctx, matcher, now); err != nil {
		t.Fatal(err)
	}
	cookies, _ := tc.signIn(t, "admin")
	resp, page := tc.do(t, "GET", "/console/customs/ceb/matching?state=mismatched", nil, cookies)
	if resp.StatusCode != 200 || !strings.Contains(page, demo.CEBMismatched) || strings.Contains(page, "TMG-20261207-0001") {
		t.Fatalf("mismatched queue (%d) should list %s only:\n%s", resp.StatusCode, demo.CEBMismatched, page)
	}
	resp, page = tc.do(t, "GET", "/console/customs/ceb/matching/"+demo.CEBMismatched, nil, cookies)
	if resp.StatusCode != 200 {
		t.Fatalf("order page: %d", resp.StatusCode)
	}
	rows := page[max(strings.Index(page, `id="match-rows"`), 0):]
	if !strings.Contains(page, `id="match-rows"`) || !strings.Contains(rows, "amount paid") || strings.Count(rows, "<mark") != 2 ||
		!strings.Contains(rows, "OrderHead/acturalPaid") || !strings.Contains(rows, "PaymentHead/amountPaid") {
		t.Errorf("the order page does not mark the differing amount in the order's and payment's columns:\n%s", page)
	}
	for _, typ := range []string{"CEB311", "CEB411", "CEB511", "CEB621"} {
		if !strings.Contains(page, "<h3 class=\"code\">"+typ+"</h3>") {
			t.Errorf("the order page lacks the %s document", typ)
		}
	}
	if strings.Contains(page, "310104199203030000") {
		t.Error("the order page shows an identity number unmasked")
	}
	resp, page = tc.do(t, "GET", "/console/customs/items/"+res.Flagged, nil, cookies)
	if resp.StatusCode != 200 || !strings.Contains(page, `id="ceb-matching"`) || !strings.Contains(page, "/console/customs/ceb/matching/"+demo.CEBMismatched) {
		t.Errorf("the item page does not link to its matching:\n%s", page)
	}
	if _, page = tc.do(t, "GET", "/console/customs", nil, cookies); !strings.Contains(page, `id="matching-link"`) {
		t.Error("the customs desk does not link to the matching queue")
	}
	resp, page = tc.do(t, "GET", "/console/customs/ceb/matching?lang=zh-CN", nil, cookies, "Accept-Language", "zh-CN")
	if resp.StatusCode != 200 || !strings.Contains(page, "三单对碰") {
		t.Errorf("zh-CN queue page lacks its title")
	}
}
