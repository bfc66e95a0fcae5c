package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/privacy"
	"github.com/interpost/interpost/store"
)

// testPrivacy: erasure rewrites what is due and only that, marks it, is
// found by the export search both before and after, and runs are recorded.
func testPrivacy(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	old, _, err := s.CreateShipment(ctx, newShipment("ACME", "OLD", t0.AddDate(-3, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, err := s.CreateShipment(ctx, newShipment("ACME", "NEW", t0))
	if err != nil {
		t.Fatal(err)
	}
	// Anna_Nowak with a wildcard must not match "Anna Nowak".
	if recs, err := s.PersonalMatching(ctx, []string{"anna_nowak"}, 10); err != nil || len(recs) != 0 {
		t.Fatalf("PersonalMatching(anna_nowak) = %d records, %v; want none (LIKE wildcards escaped)", len(recs), err)
	}
	recs, err := s.PersonalMatching(ctx, []string{"anna nowak"}, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("PersonalMatching(anna nowak) = %d records, %v; want both shipments", len(recs), err)
	}
	svc := &privacy.Service{Store: s, Now: func() time.Time { return t0 }}
	run, err := svc.Erase(ctx, "test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Erased[privacy.Shipments] != 1 {
		t.Fatalf("erased %d shipments, want 1 (only the one older than 24 months)", run.Erased[privacy.Shipments])
	}
	got, err := s.Shipment(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Addressee.Name != privacy.Erased || got.Addressee.Address != "" || got.Addressee.Country != "PL" || got.WeightG != 850 {
		t.Fatalf("erased shipment addressee = %+v weight %d; want name erased, address blank, country and weight kept", got.Addressee, got.WeightG)
	}
	if got, _ := s.Shipment(ctx, fresh.ID); got.Addressee.Name != "Anna Nowak" {
		t.Fatalf("fresh shipment addressee = %q; want it kept", got.Addressee.Name)
	}
	again, err := svc.Erase(ctx, "test", time.Time{})
	if err != nil || again.Erased[privacy.Shipments] != 0 {
		t.Fatalf("second run erased %d, %v; want 0 (already erased)", again.Erased[privacy.Shipments], err)
	}
	runs, err := s.ErasureRuns(ctx, 10)
	if err != nil || len(runs) != 2 || runs[1].Erased[privacy.Shipments] != 1 || runs[1].By != "test" ||
		!runs[1].Cutoffs[privacy.Shipments].Equal(t0.AddDate(0, -24, 0)) {
		t.Fatalf("ErasureRuns = %+v, %v", runs, err)
	}
	recs, err = s.PersonalMatching(ctx, []string{"anna nowak"}, 10)
	if err != nil || len(recs) != 1 || recs[0].ID != fresh.ID.String() || recs[0].Erased {
		t.Fatalf("after erasure PersonalMatching = %+v, %v; want the fresh shipment only", recs, err)
	}

	a := &audit.Service{Store: s, Now: func() time.Time { return t0 }}
	p := auth.Principal{KeyID: "ipk_admin01", Role: auth.RoleOperator, Offices: []string{"CNXMNA", "CNSZXA"}}
	for _, op := range []string{"createShipment", "cancelOrder"} {
		if err := a.Record(ctx, p, audit.Entry{Via: "api", Method: "POST", Operation: op, Objects: "id=X", Client: "127.0.0.1", Status: 201}); err != nil {
			t.Fatal(err)
		}
	}
	es, err := s.AuditEntries(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), 0, 10)
	if err != nil || len(es) != 2 || es[0].Operation != "createShipment" || es[1].Seq <= es[0].Seq ||
		es[0].Offices != "CNXMNA,CNSZXA" || !es[0].At.Equal(t0) || es[0].Status != 201 {
		t.Fatalf("AuditEntries = %+v, %v", es, err)
	}
	if es, _ := s.AuditEntries(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), es[0].Seq, 10); len(es) != 1 {
		t.Fatalf("AuditEntries after first = %d entries, want 1", len(es))
	}
	if es, _ := s.AuditEntries(ctx, t0.Add(time.Second), t0.Add(time.Hour), 0, 10); len(es) != 0 {
		t.Fatalf("AuditEntries from after t0 = %d entries, want 0", len(es))
	}
	if n, err := s.DeleteAuditBefore(ctx, t0.Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("DeleteAuditBefore = %d, %v; want 2", n, err)
	}
}
