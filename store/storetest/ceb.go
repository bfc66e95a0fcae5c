package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/privacy"
	"github.com/interpost/interpost/store"
)

// testCEB: CEB messages are stored once per key, in order; a receipt is stored once and sets the
// status of the message it answers in the same transaction; buyers sum per identity and year.
func testCEB(t *testing.T, s store.Store) {
	ctx := context.Background()
	out := []ceb.Record{
		{Key: "G511", ItemID: "EE1", Office: "CNSHAA", Type: "CEB511", Dir: ceb.Out, Status: ceb.StatusQueued, At: t0, Body: "<a/>"},
		{Key: "G621", ItemID: "EE1", Office: "CNSHAA", Type: "CEB621", Dir: ceb.Out, Status: ceb.StatusQueued, At: t0, Body: "<b/>"},
	}
	if n, err := s.PutCEBRecords(ctx, out); err != nil || n != 2 {
		t.Fatalf("PutCEBRecords = %d, %v", n, err)
	}
	if n, err := s.PutCEBRecords(ctx, out); err != nil || n != 0 {
		t.Fatalf("PutCEBRecords again = %d, %v; want 0 new", n, err)
	}
	rc := ceb.Record{Key: "CEB622/R1/800/1", ItemID: "EE1", Office: "CNSHAA", Type: "CEB622", Dir: ceb.In, Answers: "G621",
		Status: "800", Meaning: "released", Info: "放行", Action: "release", At: t0.Add(time.Second)}
	if ok, err := s.RecordReceipt(ctx, rc); err != nil || !ok {
		t.Fatalf("RecordReceipt = %v, %v", ok, err)
	}
	if ok, err := s.RecordReceipt(ctx, rc); err != nil || ok {
		t.Fatalf("RecordReceipt twice = %v, %v; want false", ok, err)
	}
	recs, err := s.CEBRecords(ctx, "EE1")
	if err != nil || len(recs) != 3 {
		t.Fatalf("CEBRecords = %d, %v", len(recs), err)
	}
	if recs[0].Key != "G511" || recs[2].Key != rc.Key || recs[1].Status != "800" || !recs[2].At.Equal(rc.At) || recs[2].Info != "放行" {
		t.Errorf("CEBRecords = %+v", recs)
	}
	if _, err := s.CEBRecord(ctx, "nope"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("CEBRecord(nope) = %v, want not_found", err)
	}
	// The transmitter's queue: G621 was answered (800), G511 waits; once sent it leaves the queue,
	// and marking an answered message sent changes nothing.
	if q, err := s.QueuedCEB(ctx, 10); err != nil || len(q) != 1 || q[0].Key != "G511" || q[0].Body != "<a/>" {
		t.Fatalf("QueuedCEB = %+v, %v; want G511", q, err)
	}
	if err := s.MarkCEBSent(ctx, "G511"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkCEBSent(ctx, "G621"); err != nil {
		t.Fatal(err)
	}
	if q, err := s.QueuedCEB(ctx, 10); err != nil || len(q) != 0 {
		t.Fatalf("QueuedCEB after sending = %+v, %v", q, err)
	}
	if r, _ := s.CEBRecord(ctx, "G621"); r.Status != "800" {
		t.Errorf("G621 marked sent over its receipt: %q", r.Status)
	}
	if r, _ := s.CEBRecord(ctx, "G511"); r.Status != ceb.StatusSent {
		t.Errorf("G511 status %q, want sent", r.Status)
	}
	b := ceb.BuyerRecord{ItemID: "EE1", Office: "CNSHAA", IDHash: "h1", Year: 2026, TotalFen: 100000, At: t0,
		Buyer: ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"}}
	for _, br := range []ceb.BuyerRecord{b, {ItemID: "EE2", IDHash: "h1", Year: 2026, TotalFen: 50000, At: t0},
		{ItemID: "EE3", IDHash: "h1", Year: 2025, TotalFen: 70000, At: t0}, {ItemID: "EE4", IDHash: "h2", Year: 2026, TotalFen: 1, At: t0}} {
		if err := s.PutCEBBuyer(ctx, br); err != nil {
			t.Fatal(err)
		}
	}
	b.TotalFen = 120000
	if err := s.PutCEBBuyer(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CEBBuyer(ctx, "EE1"); err != nil || got.Buyer != b.Buyer || got.TotalFen != 120000 {
		t.Errorf("CEBBuyer = %+v, %v", got, err)
	}
	if n, err := s.CEBBuyerSpent(ctx, "h1", 2026, "EE2"); err != nil || n != 120000 {
		t.Errorf("CEBBuyerSpent = %d, %v; want 120000", n, err)
	}
	if n, err := s.CEBBuyerSpent(ctx, "h9", 2026, ""); err != nil || n != 0 {
		t.Errorf("CEBBuyerSpent(none) = %d, %v", n, err)
	}
	// Erasing the customs item's personal data (privacy) removes the buyer and blanks the bodies.
	if err := s.ErasePersonal(ctx, privacy.CustomsItem, []privacy.Record{{Kind: privacy.CustomsItem, ID: "EE1", Body: []byte("{}"), AddresseeKey: "erased:EE1"}}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CEBBuyer(ctx, "EE1"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("CEBBuyer after erasure: %v, want not_found", err)
	}
	recs, _ = s.CEBRecords(ctx, "EE1")
	for _, r := range recs {
		if r.Body != "" {
			t.Errorf("%s keeps its body after erasure", r.Key)
		}
	}
	if _, err := s.CEBBuyer(ctx, "EE2"); err != nil {
		t.Errorf("another item's buyer: %v", err)
	}
}
