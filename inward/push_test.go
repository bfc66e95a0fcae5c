package inward_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// fakePusher answers status (or err) and keeps what it was given.
type fakePusher struct {
	mu      sync.Mutex
	status  int
	err     error
	batches []inward.EventBatch
}

func (f *fakePusher) Push(_ context.Context, e inward.Endpoint, b inward.EventBatch) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, b)
	return f.status, f.err
}

// The partner of an event is the origin post of the dispatch its item
// came in, else its S10's country's post.
func TestEnqueuePartnerFromDispatch(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	p := jpPredes()
	p.Receptacles[1].Items = []string{"RR123456785US"}
	if _, err := s.AcceptPredes(ctx, jppost, p); err != nil {
		t.Fatal(err)
	}
	ev := func(item string) tracking.Event {
		return tracking.Event{Object: item, Code: tracking.EMD, Office: "CNPEKA", Time: now, Source: tracking.SourcePost}
	}
	if err := s.Enqueue(ctx, ev("RR123456785US"), ev("RR123456785KR"), ev("RR123456785CN")); err != nil {
		t.Fatal(err)
	}
	for item, want := range map[string]string{"RR123456785US": "JPPOST", "RR123456785KR": "KRPOST", "RR123456785CN": ""} {
		evs, err := s.Store.PartnerItemEvents(ctx, item)
		if err != nil || (want == "" && len(evs) != 0) || (want != "" && (len(evs) != 1 || evs[0].Partner != want)) {
			t.Errorf("%s: %+v %v, want partner %q", item, evs, err, want)
		}
	}
}

func TestPushEndpointChecks(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	ok := inward.Endpoint{Partner: "KRPOST", URL: "https://edi.example.kr/events", Format: "json", Enabled: true}
	if _, err := s.SetEndpoint(ctx, krpost, ok); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("a partner setting its endpoint: %v", err)
	}
	for _, bad := range []inward.Endpoint{
		{Partner: "KR", URL: ok.URL, Format: "json"},
		{Partner: "KRPOST", URL: "ftp://edi.example.kr", Format: "json"},
		{Partner: "KRPOST", URL: "https://user:pw@edi.example.kr", Format: "json"},
		{Partner: "KRPOST", URL: "", Format: "json"},
		{Partner: "KRPOST", URL: ok.URL, Format: "xml"},
	} {
		if _, err := s.SetEndpoint(ctx, admin, bad); postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	e, err := s.SetEndpoint(ctx, admin, ok)
	if err != nil || e.UpdatedBy != "a" || !e.RetryAt.Equal(now) || !e.Enabled {
		t.Fatalf("set: %+v %v", e, err)
	}
	if _, _, err := s.Endpoint(ctx, jppost, "KRPOST", 0); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("JPPOST reading KRPOST's endpoint: %v", err)
	}
	if got, _, err := s.Endpoint(ctx, krpost, "KRPOST", 0); err != nil || got.URL != ok.URL {
		t.Errorf("KRPOST reading its endpoint: %+v %v", got, err)
	}
	if _, err := s.Endpoints(ctx, krpost); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("a partner listing endpoints: %v", err)
	}
	if err := s.RemoveEndpoint(ctx, admin, "KRPOST"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Endpoint(ctx, admin, "KRPOST", 0); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("removed: %v", err)
	}
}

// A push that fails keeps the events waiting and backs off; one that
// succeeds stamps them, and a pull then finds nothing (and the other way
// round).
func TestPushDue(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	clock := now
	s.Now = func() time.Time { return clock }
	ev := func(item string, code tracking.Code) tracking.Event {
		return tracking.Event{Object: item, Code: code, Office: "CNPEKA", Time: now, Source: tracking.SourcePost}
	}
	if err := s.Enqueue(ctx, ev("RR123456785KR", tracking.EMD), ev("EE123456785KR", tracking.EMD), ev("RR123456785JP", tracking.EMD)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetEndpoint(ctx, admin, inward.Endpoint{Partner: "KRPOST", URL: "https://edi.example.kr/events", Format: "json", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetEndpoint(ctx, admin, inward.Endpoint{Partner: "JPPOST", URL: "https://edi.example.jp/events", Format: "edifact"}); err != nil {
		t.Fatal(err)
	}
	down := &fakePusher{err: errors.New("connection refused")}
	n, err := s.PushDue(ctx, down, "node1")
	if err == nil || n != 0 || len(down.batches) != 1 || down.batches[0].Partner != "KRPOST" || len(down.batches[0].Events) != 2 {
		t.Fatalf("push to a refusing endpoint: %d %v %+v", n, err, down.batches)
	}
	e, pushes, err := s.Endpoint(ctx, admin, "KRPOST", 10)
	if err != nil || e.Failures != 1 || !e.RetryAt.Equal(now.Add(30*time.Second)) || len(pushes) != 1 || pushes[0].OK || pushes[0].Node != "node1" ||
		pushes[0].Events != 2 {
		t.Fatalf("after the failure: %+v %+v %v", e, pushes, err)
	}
	// Backing off: nothing is tried before RetryAt.
	clock = now.Add(10 * time.Second)
	if n, err := s.PushDue(ctx, down, "node1"); err != nil || n != 0 || len(down.batches) != 1 {
		t.Errorf("within the backoff: %d %v", n, err)
	}
	clock = now.Add(31 * time.Second)
	if _, err := s.PushDue(ctx, &fakePusher{status: 503}, "node1"); err == nil {
		t.Error("HTTP 503 is a failure")
	}
	if e, _, _ := s.Endpoint(ctx, admin, "KRPOST", 0); e.Failures != 2 || !e.RetryAt.Equal(clock.Add(time.Minute)) || e.LastError == "" {
		t.Errorf("second failure: %+v", e)
	}
	clock = now.Add(2 * time.Minute)
	up := &fakePusher{status: 202}
	n, err = s.PushDue(ctx, up, "node2")
	if err != nil || n != 2 || len(up.batches) != 1 || up.batches[0].Ref == "" || len(up.batches[0].EDIFACT) == 0 {
		t.Fatalf("push: %d %v %+v", n, err, up.batches)
	}
	if e, ps, _ := s.Endpoint(ctx, admin, "KRPOST", 0); e.Failures != 0 || !e.LastOK.Equal(clock) || len(ps) != 3 || !ps[0].OK || ps[0].Batch != up.batches[0].Ref {
		t.Errorf("after the push: %+v %+v", e, ps)
	}
	if b, err := s.PullEvents(ctx, krpost, "KRPOST"); err != nil || len(b.Events) != 0 {
		t.Errorf("pull after the push: %+v %v", b, err)
	}
	// JPPOST's endpoint is disabled: it pulls; a push then has nothing.
	if b, err := s.PullEvents(ctx, jppost, "JPPOST"); err != nil || len(b.Events) != 1 {
		t.Errorf("JPPOST pulls: %+v %v", b, err)
	}
	if _, err := s.SetEndpoint(ctx, admin, inward.Endpoint{Partner: "JPPOST", URL: "https://edi.example.jp/events", Format: "edifact", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PushDue(ctx, up, "node2"); err != nil || n != 0 || len(up.batches) != 1 {
		t.Errorf("nothing left to push: %d %v", n, err)
	}
}

func TestPushBackoff(t *testing.T) {
	for f, want := range map[int]time.Duration{0: 0, 1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 30 * time.Minute, 40: 30 * time.Minute} {
		if got := inward.PushBackoff(f); got != want {
			t.Errorf("PushBackoff(%d) = %v, want %v", f, got, want)
		}
	}
}
