package natsbus_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/interpost/interpost/bus/natsbus"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// embedded starts an in-process NATS server with JetStream (no ports).
func embedded(t *testing.T) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{JetStream: true, StoreDir: t.TempDir(), DontListen: true, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("embedded NATS server did not start")
	}
	t.Cleanup(ns.Shutdown)
	return ns
}

func events(n, dupEvery int) []tracking.Event {
	var out []tracking.Event
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.FixedZone("", 8*3600))
	for i := range n {
		id, _ := postal.NewS10("LX", uint32(i/4), "CN")
		e := tracking.Event{Object: string(id), Code: []tracking.Code{tracking.EMA, tracking.EMB, tracking.EMC, tracking.EMD}[i%4],
			Office: "CNXMNA", Time: base.Add(time.Duration(i) * time.Minute), Source: "post"}
		out = append(out, e)
		if dupEvery > 0 && i%dupEvery == 0 {
			out = append(out, e)
		}
	}
	return out
}

// flaky fails AppendEvents while fail is set.
type flaky struct {
	tracking.EventStore
	fail atomic.Bool
}

func (f *flaky) AppendEvents(ctx context.Context, e []tracking.Event, at time.Time) (int, error) {
	if f.fail.Load() {
		return 0, errors.New("database is down")
	}
	return f.EventStore.AppendEvents(ctx, e, at)
}

func TestPublishPersist(t *testing.T) {
	ns := embedded(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := natsbus.Config{PerMessage: 100, Fetch: 8, AckWait: 2 * time.Second, InProcess: ns}
	nodes := make([]*natsbus.Bus, 2)
	for i := range nodes {
		if nodes[i], err = natsbus.Open(ctx, "", cfg); err != nil {
			t.Fatal(err)
		}
		defer nodes[i].Close()
	}
	all := events(2000, 20) // 100 duplicates
	for i, start := 0, 0; start < len(all); i, start = i+1, start+300 {
		chunk := all[start:min(len(all), start+300)]
		n, err := nodes[i%2].Append(ctx, chunk, time.Now())
		if err != nil || n != tracking.Unknown {
			t.Fatalf("Append = %d, %v", n, err)
		}
	}
	// Node 1's store fails first: its messages must come back, not be lost.
	down := &flaky{EventStore: st}
	down.fail.Store(true)
	p1 := &natsbus.Persister{Bus: nodes[1], Store: down}
	if _, err := p1.Step(ctx); err == nil {
		t.Fatal("Step with a failing store reported success")
	}
	var added atomic.Int64
	p0 := &natsbus.Persister{Bus: nodes[0], Store: st, Stored: func(_, n int) { added.Add(int64(n)) }}
	down.fail.Store(false)
	p1.Stored = p0.Stored
	deadline := time.Now().Add(30 * time.Second)
	for added.Load() < 2000 && time.Now().Before(deadline) {
		for _, p := range []*natsbus.Persister{p0, p1} {
			if _, err := p.Step(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := added.Load(); got != 2000 {
		t.Fatalf("stored %d new events, want 2000", got)
	}
	// Acknowledgements are asynchronous: the consumer may count the last
	// batch as pending for a moment after Step returned.
	pending, err := nodes[0].Pending(ctx)
	for wait := time.Now().Add(5 * time.Second); err == nil && pending != 0 && time.Now().Before(wait); {
		time.Sleep(20 * time.Millisecond)
		pending, err = nodes[0].Pending(ctx)
	}
	if err != nil || pending != 0 {
		t.Errorf("pending = %d 5 s after the last event was stored, %v", pending, err)
	}
	last, _, err := st.ProjectionLag(ctx)
	if err != nil || last < 2000 {
		t.Errorf("events table ends at seq %d, %v", last, err)
	}
}

// TestExternalServer runs the bus against the server INTERPOST_TEST_NATS
// names (CI: the Debian nats-server 2.9 on 127.0.0.1:4222), to catch
// features that server lacks.
func TestExternalServer(t *testing.T) {
	url := os.Getenv("INTERPOST_TEST_NATS")
	if url == "" {
		t.Skip("SKIPPED: external NATS server not tested: set INTERPOST_TEST_NATS=nats://127.0.0.1:4222 to run it")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	name := fmt.Sprintf("INTERPOST_TEST_%d", time.Now().UnixNano())
	b, err := natsbus.Open(ctx, url, natsbus.Config{Stream: name, Subject: "interpost.test." + name, Durable: "persist", MaxAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	t.Cleanup(func() { _ = b.DeleteStream(context.Background()) })
	if _, err := b.Append(ctx, events(1000, 10), time.Now()); err != nil {
		t.Fatal(err)
	}
	p := &natsbus.Persister{Bus: b, Store: st}
	read := 0
	for deadline := time.Now().Add(20 * time.Second); read < 1100 && time.Now().Before(deadline); {
		n, err := p.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		read += n
	}
	if last, _, _ := st.ProjectionLag(ctx); read != 1100 || last != 1000 {
		t.Fatalf("read %d events (want 1100), stored %d (want 1000)", read, last)
	}
}
