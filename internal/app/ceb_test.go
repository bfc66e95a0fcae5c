package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// TestCEBDeliveredFromTracking: with CEB profiles, e-commerce imports wait for customs' receipts
// (the risk engine does not release them), and the final delivery scan of an item whose CEB511
// went out makes its CEB513, once.
func TestCEBDeliveredFromTracking(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, CEBProfiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	d := customs.Declaration{ID: "TGDELIV01", Stream: customs.StreamEcommerce, Direction: customs.Import, Office: "CNSHAA", Category: "sale_of_goods", Currency: "CNY",
		Sender:    customs.Party{Name: "Seller", Address: "1 Street", City: "Berlin", Country: "DE"},
		Addressee: customs.Party{Name: "刘洋", Address: "陕西北路 66 号", City: "Shanghai", Postcode: "200040", Country: "CN"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "O-1", Model: customs.ModelB2C, Seller: customs.Party{Name: "Seller", Country: "DE"}},
		Lines:     []customs.Line{{Description: "Face cream", Quantity: 1, NetWeightG: 100, Value: "30.00", HSCode: "3304990099", OriginCountry: "DE"}}}
	it, err := a.Customs.Declare(ctx, admin, d)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != customs.StatusPending {
		t.Errorf("declared: %s, want pending until customs answers", it.Status)
	}
	if _, err := a.CEB.Send(ctx, admin, d.ID, ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"}); err != nil {
		t.Fatal(err)
	}
	ev := tracking.Event{Object: d.TrackingObject(), Code: tracking.EMI, Office: "CNSHAA", Time: now.Add(-time.Hour), Source: tracking.SourcePost}
	for range 2 {
		if err := a.Tracking.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := a.CEB.Messages(ctx, admin, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Type == "CEB513" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d CEB513 after two delivery scans, want 1: %+v", n, recs)
	}
}

// TestCEBExportFromTracking: the arrival (EMB) and departure (EMC) scans of an e-commerce export
// whose CEB505 went out make its CEB507 and CEB509, once each.
func TestCEBExportFromTracking(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, CEBProfiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	d := customs.Declaration{ID: "LXEXPORT01", Stream: customs.StreamEcommerce, Direction: customs.Export, Office: "CNSHAA", Category: "sale_of_goods", Currency: "CNY",
		Sender:    customs.Party{Name: "Hangzhou Silk Co", Address: "1 Silk Rd", City: "Hangzhou", Postcode: "310000", Country: "CN"},
		Addressee: customs.Party{Name: "Anna Becker", Address: "Torstr. 1", City: "Berlin", Postcode: "10119", Country: "DE"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "EX-1", Model: customs.ModelB2C, Seller: customs.Party{Name: "Hangzhou Silk Co", Country: "CN"}},
		Lines:     []customs.Line{{Description: "Silk scarf", Quantity: 1, NetWeightG: 150, Value: "190.00", HSCode: "621410", OriginCountry: "CN"}}}
	if _, err := a.Customs.Declare(ctx, admin, d); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CEB.Send(ctx, admin, d.ID, ceb.Buyer{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []tracking.Code{tracking.EMB, tracking.EMB, tracking.EMC, tracking.EMC} {
		ev := tracking.Event{Object: d.TrackingObject(), Code: c, Office: "CNSHAA", Time: now.Add(-time.Hour), Source: tracking.SourcePost}
		if err := a.Tracking.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := a.CEB.Messages(ctx, admin, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Type)
	}
	if want := "[CEB505 CEB603 CEB507 CEB509]"; fmt.Sprint(got) != want {
		t.Errorf("records %v, want %s", got, want)
	}
}
