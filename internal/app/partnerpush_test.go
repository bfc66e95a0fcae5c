package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// TestPartnerPushTwoNodes: two nodes on one store push a partner's
// waiting events to its endpoint (an HTTP server on loopback) in batches;
// each event reaches the partner once, and a pull finds nothing left.
func TestPartnerPushTwoNodes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var nodes []*app.App
	for _, name := range []string{"node1", "node2"} {
		st, err := sqlite.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		a, err := app.New(ctx, st, app.Options{Country: "CN", Now: clock, Node: name, Logger: slog.New(slog.DiscardHandler), PartnerPushEvery: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		nodes = append(nodes, a)
	}
	var mu sync.Mutex
	got := map[string]int{}
	refs := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Partner string `json:"partner"`
			Ref     string `json:"ref"`
			Events  []struct {
				Item string `json:"item"`
				Code string `json:"code"`
			} `json:"events"`
			EMSEVT string `json:"emsevt"`
		}
		if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&b) != nil || b.Partner != "KRPOST" ||
			b.Ref == "" || b.Ref != r.Header.Get("X-Interpost-Batch") || b.EMSEVT == "" {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		refs[b.Ref] = true
		for _, e := range b.Events {
			got[e.Item+" "+e.Code]++
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	admin := auth.Principal{KeyID: "admin", Role: auth.RoleAdmin}
	if _, err := nodes[0].Inward.SetEndpoint(ctx, admin, inward.Endpoint{Partner: "KRPOST", URL: srv.URL + "/events", Format: "json", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	const total = 120
	var evs []tracking.Event
	for i := range total {
		id, err := postal.NewS10("RR", uint32(10000000+i), "KR")
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, tracking.Event{Object: string(id), Code: tracking.EMD, Office: "CNPEKA", Time: now, Source: tracking.SourcePost})
	}
	var stops []func()
	for i := 0; i < total; i += 10 { // events keep coming while both nodes push
		if i == 20 {
			for _, a := range nodes {
				stops = append(stops, a.Start(ctx))
			}
		}
		if err := nodes[i/10%2].Inward.Enqueue(ctx, evs[i:i+10]...); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == total || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, stop := range stops { // pushes in flight are recorded
		stop()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != total {
		t.Fatalf("partner got %d distinct events, want %d", len(got), total)
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s pushed %d times", k, n)
		}
	}
	if b, err := nodes[1].Inward.PullEvents(ctx, auth.Principal{KeyID: "kr", Role: auth.RolePartner, Partner: "KRPOST"}, "KRPOST"); err != nil || len(b.Events) != 0 {
		t.Errorf("pull after the pushes: %d events, %v", len(b.Events), err)
	}
	e, pushes, err := nodes[0].Inward.Endpoint(ctx, admin, "KRPOST", 500)
	if err != nil || e.Failures != 0 || e.LastOK.IsZero() || len(pushes) != len(refs) {
		t.Errorf("endpoint %+v, %d pushes recorded for %d batches, %v", e, len(pushes), len(refs), err)
	}
	for _, p := range pushes {
		if !p.OK || p.Status != http.StatusAccepted || (p.Node != "node1" && p.Node != "node2") {
			t.Errorf("push %+v", p)
		}
	}
}

func TestPushBodyFormats(t *testing.T) {
	b := inward.EventBatch{Partner: "JPPOST", Ref: "JPPOST00000001", Text: []byte("HDR|EMSEVT|3"), EDIFACT: []byte("UNB+UNOC:3")}
	for format, ctype := range map[string]string{"json": "application/json", "emsevt": "application/vnd.interpost.evt", "edifact": "application/EDIFACT"} {
		body, ct, err := app.PushBody(format, b)
		if err != nil || ct != ctype || len(body) == 0 {
			t.Errorf("%s: %q %q %v", format, body, ct, err)
		}
	}
	if _, _, err := app.PushBody("xml", b); err == nil {
		t.Error("xml accepted")
	}
}
