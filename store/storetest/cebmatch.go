package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// testCEBMatching: received documents are stored once per key and read per order in order; the
// post's messages are found by order number; the queue keeps one entry per order, filtered by state.
func testCEBMatching(t *testing.T, s store.Store) {
	ctx := context.Background()
	docs := []ceb.Document{
		{Key: "CEB311/G1", Message: "M1", Type: "CEB311", OrderNo: "O1", By: "admin", At: t0, Body: "<o/>"},
		{Key: "CEB411/G2", Message: "M2", Type: "CEB411", OrderNo: "O1", By: "admin", At: t0, Body: "<p/>"},
		{Key: "CEB311/G3", Message: "M3", Type: "CEB311", OrderNo: "O2", By: "admin", At: t0, Body: "<o2/>"},
	}
	if n, err := s.PutCEBDocuments(ctx, docs); err != nil || n != 3 {
		t.Fatalf("PutCEBDocuments = %d, %v", n, err)
	}
	if n, err := s.PutCEBDocuments(ctx, docs[:1]); err != nil || n != 0 {
		t.Fatalf("PutCEBDocuments again = %d, %v; want 0 new", n, err)
	}
	got, err := s.CEBDocuments(ctx, "O1")
	if err != nil || len(got) != 2 || got[0].Key != "CEB311/G1" || got[1].Body != "<p/>" || !got[0].At.Equal(t0) {
		t.Fatalf("CEBDocuments(O1) = %+v, %v", got, err)
	}
	if _, err := s.PutCEBRecords(ctx, []ceb.Record{
		{Key: "W1", ItemID: "EE1", Office: "CNSHAA", Type: "CEB511", Dir: ceb.Out, Status: ceb.StatusQueued, At: t0, Body: "<w/>", OrderNo: "O1"},
		{Key: "W2", ItemID: "EE2", Office: "CNSHAA", Type: "CEB511", Dir: ceb.Out, Status: ceb.StatusQueued, At: t0, Body: "<w/>"},
	}); err != nil {
		t.Fatal(err)
	}
	if recs, err := s.CEBOrderRecords(ctx, "O1"); err != nil || len(recs) != 1 || recs[0].Key != "W1" || recs[0].OrderNo != "O1" {
		t.Fatalf("CEBOrderRecords(O1) = %+v, %v", recs, err)
	}
	if recs, err := s.CEBOrderRecords(ctx, ""); err != nil || len(recs) != 0 {
		t.Fatalf("CEBOrderRecords(\"\") = %+v, %v; want none", recs, err)
	}
	if _, err := s.CEBMatch(ctx, "O1"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Fatalf("CEBMatch before = %v, want not_found", err)
	}
	e := ceb.MatchEntry{OrderNo: "O1", ItemID: "EE1", Office: "CNSHAA", State: ceb.MatchMismatched, At: t0,
		Result: ceb.MatchResult{OrderNo: "O1", Mismatches: []ceb.Mismatch{{Check: "amount paid", Values: []ceb.Value{{Doc: "CEB311", Path: "OrderHead/acturalPaid", Value: "1"}}}}}}
	for _, x := range []ceb.MatchEntry{e, {OrderNo: "O2", State: ceb.MatchWaiting, At: t0.Add(time.Second)}} {
		if err := s.PutCEBMatch(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.CEBMatch(ctx, "O1"); err != nil || got.State != ceb.MatchMismatched || len(got.Result.Mismatches) != 1 || got.Result.Mismatches[0].Values[0].Value != "1" {
		t.Fatalf("CEBMatch(O1) = %+v, %v", got, err)
	}
	e.State, e.Result, e.At = ceb.MatchMatched, ceb.MatchResult{OrderNo: "O1"}, t0.Add(2*time.Second)
	if err := s.PutCEBMatch(ctx, e); err != nil {
		t.Fatal(err)
	}
	if all, err := s.CEBMatches(ctx, "", 10); err != nil || len(all) != 2 || all[0].OrderNo != "O1" || all[0].State != ceb.MatchMatched {
		t.Fatalf("CEBMatches(all) = %+v, %v; want O1 (matched, latest) first", all, err)
	}
	if w, err := s.CEBMatches(ctx, ceb.MatchWaiting, 10); err != nil || len(w) != 1 || w[0].OrderNo != "O2" {
		t.Fatalf("CEBMatches(waiting) = %+v, %v", w, err)
	}
}
