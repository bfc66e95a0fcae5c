package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
)

// testPartnerOutbox: events join a partner's outbox once, wait in order,
// are stamped returned once, and give the arrivals of a period; returns
// are kept once; an inbound item is found by its S10.
func testPartnerOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.InwardItem(ctx, "RR123456785JP"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("item before advice: %v", err)
	}
	if err := s.SaveAdvice(ctx, predesAdvice("JP00000017")); err != nil {
		t.Fatal(err)
	}
	if it, err := s.InwardItem(ctx, "RR123456785JP"); err != nil || it.Dispatch != inDispatch || it.Contents != "Green tea" {
		t.Errorf("item by S10: %+v %v", it, err)
	}
	ev := func(item string, code tracking.Code, h int) inward.PartnerEvent {
		return inward.PartnerEvent{Partner: "JPPOST", Item: item, Code: code, Office: "CNPEKA", At: t0.Add(time.Duration(h) * time.Hour),
			RecordedAt: t0.Add(time.Duration(h) * time.Hour)}
	}
	batch := []inward.PartnerEvent{ev("RR123456785JP", tracking.EMD, 1), ev("EE123456785JP", tracking.EMD, 1), ev("RR123456785JP", tracking.EMF, 2)}
	for range 2 { // the same events again are kept once
		if err := s.AddPartnerEvents(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	late := ev("RR123456785JP", tracking.EMI, 30)
	late.Signatory = "Li Wei"
	kr := ev("RR000000015KR", tracking.EMD, 1)
	kr.Partner = "KRPOST"
	if err := s.AddPartnerEvents(ctx, []inward.PartnerEvent{late, kr}); err != nil {
		t.Fatal(err)
	}
	waiting, err := s.PendingPartnerEvents(ctx, "JPPOST", 3)
	if err != nil || len(waiting) != 3 || waiting[0].Code != tracking.EMD || waiting[2].Code != tracking.EMF || !waiting[0].At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("waiting: %+v %v", waiting, err)
	}
	at := t0.Add(3 * time.Hour)
	if err := s.MarkPartnerEventsReturned(ctx, "JPPOST", []int64{waiting[0].Seq, waiting[1].Seq, waiting[2].Seq, kr.Seq}, "CNPOST00000001", at); err != nil {
		t.Fatal(err)
	}
	// A second stamp keeps the first.
	if err := s.MarkPartnerEventsReturned(ctx, "JPPOST", []int64{waiting[0].Seq}, "CNPOST00000002", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if left, err := s.PendingPartnerEvents(ctx, "JPPOST", 10); err != nil || len(left) != 1 || left[0].Code != tracking.EMI || left[0].Signatory != "Li Wei" {
		t.Errorf("left: %+v %v", left, err)
	}
	if krw, err := s.PendingPartnerEvents(ctx, "KRPOST", 10); err != nil || len(krw) != 1 {
		t.Errorf("another partner's outbox: %+v %v", krw, err)
	}
	evs, err := s.PartnerItemEvents(ctx, "RR123456785JP")
	if err != nil || len(evs) != 3 || !evs[0].ReturnedAt.Equal(at) || evs[0].Batch != "CNPOST00000001" || !evs[2].ReturnedAt.IsZero() {
		t.Errorf("item events: %+v %v", evs, err)
	}
	arr, err := s.ArrivedPartnerEvents(ctx, t0, t0.Add(2*time.Hour))
	if err != nil || len(arr) != 5 || arr[0].Item != "EE123456785JP" || arr[len(arr)-1].Code != tracking.EMI {
		t.Errorf("arrivals: %+v %v", arr, err)
	}
	if arr, err := s.ArrivedPartnerEvents(ctx, t0.Add(2*time.Hour), t0.Add(48*time.Hour)); err != nil || len(arr) != 0 {
		t.Errorf("no arrivals later: %+v %v", arr, err)
	}
	if _, err := s.InwardReturn(ctx, "RR123456785JP"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("no return yet: %v", err)
	}
	r := inward.Return{Item: "RR123456785JP", Partner: "JPPOST", Office: "CNBJSA", Origin: "JPTYOA", Reason: "refused", CreatedAt: t0}
	if err := s.AddReturn(ctx, r); err != nil {
		t.Fatal(err)
	}
	r2 := r
	r2.Reason = "again"
	if err := s.AddReturn(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if got, err := s.InwardReturn(ctx, "RR123456785JP"); err != nil || got.Reason != "refused" || !got.CreatedAt.Equal(t0) {
		t.Errorf("return: %+v %v", got, err)
	}
}

// testPartnerOutboxBulk: a call of many events (several statements' worth)
// with the same event twice in it, then again, keeps each event once, in
// the order given.
func testPartnerOutboxBulk(t *testing.T, s store.Store) {
	ctx := context.Background()
	var evs []inward.PartnerEvent
	for i := range 150 {
		id, err := postal.NewS10("RR", uint32(i+1), "JP")
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, inward.PartnerEvent{Partner: "JPPOST", Item: string(id), Code: tracking.EMD, Office: "CNPEKA", At: t0, RecordedAt: t0})
	}
	evs = append(evs, evs[3], evs[100])
	for range 2 {
		if err := s.AddPartnerEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.PendingPartnerEvents(ctx, "JPPOST", 1000)
	if err != nil || len(got) != 150 {
		t.Fatalf("outbox: %d events, %v; want 150", len(got), err)
	}
	for i, e := range got {
		if e.Item != evs[i].Item {
			t.Fatalf("event %d is %s, want %s (the order given)", i, e.Item, evs[i].Item)
		}
	}
	if err := s.AddPartnerEvents(ctx, nil); err != nil {
		t.Errorf("no events: %v", err)
	}
}
