package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
)

// testPartnerClaims: concurrent pullers on two nodes never take the same
// outbox event; a claim hides its events from others until it is
// returned, released or its lease ends; an item's partner is its
// dispatch's.
func testPartnerClaims(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	nodes := []store.Store{open(), open()}
	s := nodes[0]
	if err := s.SaveAdvice(ctx, predesAdvice("JP00000017")); err != nil {
		t.Fatal(err)
	}
	ps, err := s.ItemPartners(ctx, []string{"RR123456785JP", "RR000000015KR"})
	if err != nil || len(ps) != 1 || ps["RR123456785JP"] != "JPPOST" {
		t.Errorf("item partners: %v %v", ps, err)
	}
	const total = 300
	var evs []inward.PartnerEvent
	for i := range total {
		evs = append(evs, inward.PartnerEvent{Partner: "KRPOST", Item: fmt.Sprintf("RR%08d5KR", i), Code: tracking.EMD, Office: "CNPEKA",
			At: t0, RecordedAt: t0})
	}
	if err := s.AddPartnerEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := nodes[w%2]
			for i := 0; ; i++ {
				claim := fmt.Sprintf("claim:w%d-%d", w, i)
				got, err := n.ClaimPartnerEvents(ctx, "KRPOST", claim, 7, t0, t0.Add(time.Minute))
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, e := range got {
					seen[e.Seq]++
				}
				mu.Unlock()
				if err := n.ReturnClaimedEvents(ctx, "KRPOST", claim, fmt.Sprintf("KRPOST%08d", w*1000+i), t0); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != total {
		t.Errorf("claimed %d distinct events, want %d", len(seen), total)
	}
	for seq, n := range seen {
		if n != 1 {
			t.Errorf("event %d handed out %d times", seq, n)
		}
	}

	// Leases: held events are skipped, released or expired ones come back.
	jp := []inward.PartnerEvent{}
	for i := range 4 {
		jp = append(jp, inward.PartnerEvent{Partner: "JPPOST", Item: fmt.Sprintf("RR%08d5JP", i), Code: tracking.EMF, Office: "CNPEKA",
			At: t0.Add(time.Duration(i) * time.Minute), RecordedAt: t0})
	}
	if err := s.AddPartnerEvents(ctx, jp); err != nil {
		t.Fatal(err)
	}
	a, err := s.ClaimPartnerEvents(ctx, "JPPOST", "claim:a", 2, t0, t0.Add(time.Minute))
	if err != nil || len(a) != 2 || a[0].Item != "RR000000005JP" || a[1].Item != "RR000000015JP" {
		t.Fatalf("claim a: %+v %v", a, err)
	}
	b, err := nodes[1].ClaimPartnerEvents(ctx, "JPPOST", "claim:b", 10, t0, t0.Add(time.Minute))
	if err != nil || len(b) != 2 || b[0].Item != "RR000000025JP" {
		t.Fatalf("claim b skips a's: %+v %v", b, err)
	}
	if err := s.ReleaseClaimedEvents(ctx, "JPPOST", "claim:a"); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimPartnerEvents(ctx, "JPPOST", "claim:c", 10, t0, t0.Add(time.Minute))
	if err != nil || len(c) != 2 || c[0].Item != "RR000000005JP" {
		t.Fatalf("released come back: %+v %v", c, err)
	}
	// b's holder died: after its lease the events wait again.
	if d, err := s.ClaimPartnerEvents(ctx, "JPPOST", "claim:d", 10, t0.Add(30*time.Second), t0.Add(time.Hour)); err != nil || len(d) != 0 {
		t.Fatalf("within the leases: %+v %v", d, err)
	}
	d, err := s.ClaimPartnerEvents(ctx, "JPPOST", "claim:d", 10, t0.Add(2*time.Minute), t0.Add(3*time.Minute))
	if err != nil || len(d) != 4 {
		t.Fatalf("after the leases: %+v %v", d, err)
	}
	if err := s.ReturnClaimedEvents(ctx, "JPPOST", "claim:d", "JPPOST00000009", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A late holder's stamp changes nothing.
	if err := s.ReturnClaimedEvents(ctx, "JPPOST", "claim:b", "JPPOST00000008", t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.PartnerItemEvents(ctx, "RR000000025JP")
	if err != nil || len(got) != 1 || got[0].Batch != "JPPOST00000009" || !got[0].ReturnedAt.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("returned once: %+v %v", got, err)
	}
	if left, err := s.PendingPartnerEvents(ctx, "JPPOST", 10); err != nil || len(left) != 0 {
		t.Errorf("left: %+v %v", left, err)
	}
}

// testPartnerEndpoints: an endpoint is stored, replaced (its push state
// restarting), keeps the outcome of pushes, and is removed.
func testPartnerEndpoints(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.PartnerEndpoint(ctx, "KRPOST"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("none yet: %v", err)
	}
	e := inward.Endpoint{Partner: "KRPOST", URL: "https://edi.example.kr/events", Format: inward.FormatJSON, Enabled: true, UpdatedAt: t0,
		UpdatedBy: "k1", RetryAt: t0}
	if err := s.SavePartnerEndpoint(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePartnerEndpoint(ctx, inward.Endpoint{Partner: "JPPOST", URL: "http://127.0.0.1:1/evt", Format: inward.FormatEDIFACT,
		UpdatedAt: t0, UpdatedBy: "k1", RetryAt: t0}); err != nil {
		t.Fatal(err)
	}
	fail := inward.Push{Partner: "KRPOST", Batch: "KRPOST00000001", URL: e.URL, Format: e.Format, Events: 3, AttemptedAt: t0.Add(time.Minute),
		Status: 503, Error: "answered HTTP 503", Node: "n1"}
	if err := s.RecordPush(ctx, fail, 1, t0.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := s.PartnerEndpoint(ctx, "KRPOST")
	if err != nil || got.Failures != 1 || !got.RetryAt.Equal(t0.Add(90*time.Second)) || got.LastError != "answered HTTP 503" || !got.LastOK.IsZero() ||
		!got.Enabled || got.URL != e.URL {
		t.Errorf("after a failure: %+v %v", got, err)
	}
	ok := fail
	ok.Batch, ok.AttemptedAt, ok.OK, ok.Status, ok.Error = "KRPOST00000002", t0.Add(2*time.Minute), true, 200, ""
	if err := s.RecordPush(ctx, ok, 0, ok.AttemptedAt); err != nil {
		t.Fatal(err)
	}
	got, err = s.PartnerEndpoint(ctx, "KRPOST")
	if err != nil || got.Failures != 0 || got.LastError != "" || !got.LastOK.Equal(ok.AttemptedAt) {
		t.Errorf("after a success: %+v %v", got, err)
	}
	pushes, err := s.PartnerPushes(ctx, "KRPOST", 10)
	if err != nil || len(pushes) != 2 || pushes[0].Batch != "KRPOST00000002" || !pushes[0].OK || pushes[1].OK || pushes[1].Status != 503 ||
		pushes[1].Node != "n1" || !pushes[1].AttemptedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("pushes: %+v %v", pushes, err)
	}
	e.URL, e.Format, e.UpdatedAt = "https://edi.example.kr/v2", inward.FormatEMSEVT, t0.Add(time.Hour)
	if err := s.SavePartnerEndpoint(ctx, e); err != nil {
		t.Fatal(err)
	}
	all, err := s.PartnerEndpoints(ctx)
	if err != nil || len(all) != 2 || all[0].Partner != "JPPOST" || all[0].Enabled || all[1].URL != e.URL || all[1].Format != "emsevt" ||
		!all[1].LastOK.IsZero() {
		t.Errorf("endpoints: %+v %v", all, err)
	}
	if err := s.DeletePartnerEndpoint(ctx, "JPPOST"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePartnerEndpoint(ctx, "JPPOST"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("deleted twice: %v", err)
	}
}
