package cebport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/ceb"
)

var at = time.Date(2026, 11, 24, 1, 22, 0, 0, time.UTC)

func newPort(t *testing.T, dir, node string) *Port {
	t.Helper()
	p, err := New(Config{Outbox: filepath.Join(dir, "out"), Inbox: filepath.Join(dir, "in"), Node: node,
		SenderID: "DXPENT0000000001", ReceiverIDs: []string{"DXPEDCCEB0000002"}, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sample(t *testing.T, typ string) []byte {
	t.Helper()
	b, err := ceb.Marshal(ceb.Sample(typ), ceb.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSendWritesEnvelopeOnceAndItUnwraps(t *testing.T) {
	dir := t.TempDir()
	p := newPort(t, dir, "a")
	msg := sample(t, "CEB511")
	path, err := p.Send(context.Background(), "CEB511", "ABC-1", msg)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "ABC-1.xml" {
		t.Fatalf("file %s, want ABC-1.xml", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ti, payload, err := ceb.UnwrapDxp(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(payload) != string(msg) || ti.CopMsgID != "ABC-1" || ti.MsgType != "CEB511Message" || !ti.CreatTime.Equal(at) {
		t.Fatalf("envelope %+v, payload equal %v", ti, string(payload) == string(msg))
	}
	if _, err := p.Send(context.Background(), "CEB511", "ABC-1", msg); !errors.Is(err, ErrAlreadySent) {
		t.Fatalf("second send: %v, want ErrAlreadySent", err)
	}
	left, _ := os.ReadDir(filepath.Join(dir, "out"))
	if len(left) != 1 {
		t.Fatalf("outbox holds %d files, want 1 (no temporary file left)", len(left))
	}
	if _, err := p.Send(context.Background(), "CEB511", "../evil", msg); err == nil || !strings.Contains(err.Error(), "cannot name a file") {
		t.Fatalf("CopMsgId with a path: %v", err)
	}
}

type signer struct{}

func (signer) Sign(_ context.Context, typ string, m []byte) ([]byte, error) {
	if typ == "CEB621" {
		return nil, errors.New("ukey not present")
	}
	return append([]byte("<!-- signed -->"), m...), nil
}

func TestSignerIsPluggedAndItsFailureWritesNothing(t *testing.T) {
	dir := t.TempDir()
	p, err := New(Config{Outbox: dir, SenderID: "S", ReceiverIDs: []string{"R"}, Signer: signer{}, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	path, err := p.Send(context.Background(), "CEB511", "G1", []byte("<x/>"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if _, payload, _ := ceb.UnwrapDxp(data); !strings.HasPrefix(string(payload), "<!-- signed -->") {
		t.Fatalf("payload not signed: %q", payload)
	}
	if _, err := p.Send(context.Background(), "CEB621", "G2", []byte("<x/>")); err == nil || !strings.Contains(err.Error(), "ukey not present") {
		t.Fatalf("signer failure: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "G2.xml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a message whose signing failed was written: %v", err)
	}
}

// drop writes a receipt into the inbox as the E-Port client would.
func drop(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "in", name), data, 0o640); err != nil {
		t.Fatal(err)
	}
}

func TestTwoNodesHandleEachInboxFileOnce(t *testing.T) {
	dir := t.TempDir()
	a, b := newPort(t, dir, "a"), newPort(t, dir, "b")
	receipt := sample(t, "CEB512")
	env, err := ceb.WrapDxp(receipt, ceb.TransInfo{CopMsgID: "R", SenderID: "DXPEDCCEB0000002", ReceiverIDs: []string{"DXPENT0000000001"}, CreatTime: at, MsgType: "CEB512Message"})
	if err != nil {
		t.Fatal(err)
	}
	const files = 300
	for i := range files {
		data := env
		if i%2 == 1 {
			data = receipt // some clients hand over the bare message
		}
		drop(t, dir, fmt.Sprintf("r%04d.xml", i), data)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	h := func(_ context.Context, r Received) error {
		if string(r.Message) != string(receipt) {
			return fmt.Errorf("%s: payload differs", r.Name)
		}
		mu.Lock()
		seen[r.Name]++
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	for _, p := range []*Port{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := p.Poll(context.Background(), h); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != files {
		t.Fatalf("%d files handled, want %d", len(seen), files)
	}
	for name, n := range seen {
		if n != 1 {
			t.Fatalf("%s handled %d times", name, n)
		}
	}
	done, _ := os.ReadDir(filepath.Join(dir, "in", "done", "20261124"))
	if len(done) != files {
		t.Fatalf("done/20261124 holds %d files, want %d", len(done), files)
	}
}

func TestBadFileGoesToFailedTransientErrorIsRetried(t *testing.T) {
	dir := t.TempDir()
	p := newPort(t, dir, "a")
	drop(t, dir, "bad.xml", []byte(`<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp"><dxp:TransInfo/></dxp:DxpMsg>`))
	drop(t, dir, "busy.xml", sample(t, "CEB622"))
	drop(t, dir, ".partial.xml", []byte("<"))
	fail := true
	h := func(_ context.Context, r Received) error {
		if fail {
			return errors.New("database is locked")
		}
		return nil
	}
	st, err := p.Poll(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed != 1 || st.Retrying != 1 || st.Handled != 0 {
		t.Fatalf("first poll %+v, want one failed and one retrying", st)
	}
	why, err := os.ReadFile(filepath.Join(dir, "in", "failed", "20261124", "bad.xml.err"))
	if err != nil || !strings.Contains(string(why), "/DxpMsg/TransInfo/CopMsgId") {
		t.Fatalf("failed reason %q (%v), want the element path", why, err)
	}
	fail = false
	if st, err = p.Poll(context.Background(), h); err != nil || st.Handled != 1 {
		t.Fatalf("retry poll %+v %v, want the busy file handled", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "in", ".partial.xml")); err != nil {
		t.Fatalf("a hidden partial file was touched: %v", err)
	}
}

func TestDeadNodesClaimIsTakenOverOnceStale(t *testing.T) {
	dir := t.TempDir()
	dead, alive := newPort(t, dir, "dead"), newPort(t, dir, "alive")
	drop(t, dir, "r1.xml", sample(t, "CEB512"))
	// The dead node claimed the file and crashed before handling it.
	if _, err := dead.Poll(context.Background(), func(context.Context, Received) error { return errors.New("crash") }); err != nil {
		t.Fatal(err)
	}
	handled := 0
	h := func(context.Context, Received) error { handled++; return nil }
	if st, _ := alive.Poll(context.Background(), h); st.TakenOver != 0 || handled != 0 {
		t.Fatalf("a fresh claim was taken over: %+v", st)
	}
	old := time.Now().Add(-time.Hour)
	claim := filepath.Join(dir, "in", ".claims", "dead", "r1.xml")
	if err := os.Chtimes(claim, old, old); err != nil {
		t.Fatal(err)
	}
	if st, _ := alive.Poll(context.Background(), h); st.TakenOver != 1 || handled != 1 {
		t.Fatalf("stale claim: %+v handled %d, want taken over and handled once", st, handled)
	}
}

func TestConfigRefused(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("no directories accepted")
	}
	if _, err := New(Config{Inbox: t.TempDir(), Node: "a/b"}); err == nil || !strings.Contains(err.Error(), "node name") {
		t.Fatalf("node with a slash: %v", err)
	}
}
