package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bus/natsbus"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/cli"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/postgres"
)

// TestMultiNodeChild is not a test: TestMultiNode runs the test binary with
// INTERPOST_MULTINODE_CHILD set to make it an `interpost` process.
func TestMultiNodeChild(t *testing.T) {
	raw := os.Getenv("INTERPOST_MULTINODE_CHILD")
	if raw == "" {
		t.Skip("helper process of TestMultiNode")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(cli.Main(args, os.Stdout, os.Stderr))
}

// TestMultiNode runs two `interpost serve --db … --bus …` processes on
// loopback over PostgreSQL and NATS JetStream, sends events split across
// them (5 % sent twice), kills one with SIGKILL part-way, restarts it, and
// checks that every acknowledged event is stored exactly once.
//
// Size: 200,000 events (50,000 with -short); INTERPOST_TEST_MULTINODE_EVENTS
// sets it (1000000 is the full run).
func TestMultiNode(t *testing.T) {
	natsURL, pgURL := os.Getenv("INTERPOST_TEST_NATS"), os.Getenv("INTERPOST_TEST_POSTGRES")
	if natsURL == "" || pgURL == "" {
		t.Skip("SKIPPED: multi-node test not run: set INTERPOST_TEST_NATS=nats://127.0.0.1:4222 and INTERPOST_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	total := 200_000
	if testing.Short() {
		total = 50_000
	}
	if v := os.Getenv("INTERPOST_TEST_MULTINODE_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5000 {
			t.Fatalf("INTERPOST_TEST_MULTINODE_EVENTS=%q: want a number ≥ 5000", v)
		}
		total = n
	}
	ctx := context.Background()
	dbURL := freshDatabase(t, pgURL)
	stream := fmt.Sprintf("INTERPOST_MULTINODE_%d", time.Now().UnixNano())
	busURL := natsURL + "?stream=" + stream + "&subject=interpost.multinode." + stream + "&durable=persist&ack_wait=5s"
	t.Cleanup(func() {
		b, err := natsbus.Open(context.Background(), busURL, natsbus.Config{})
		if err == nil {
			err = b.DeleteStream(context.Background())
			b.Close()
		}
		if err != nil {
			t.Logf("delete stream %s: %v", stream, err)
		}
	})
	secret := prepareStore(t, dbURL)

	logs := t.TempDir()
	nodes := []*node{{addr: freeAddr(t), log: filepath.Join(logs, "node0.log")}, {addr: freeAddr(t), log: filepath.Join(logs, "node1.log")}}
	for _, n := range nodes {
		if err := n.start(dbURL, busURL); err != nil {
			n.dumpLog(t)
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			n.stop()
		}
	})

	batches, unique := multinodeEvents(total, 1000)
	var sent, acked, failed atomic.Int64
	// Node 0 is killed at 40 % of the requests; at 70 % the senders wait
	// for it to be back, so the rest also goes through the restarted node.
	killAt, gateAt := int64(len(batches)*2/5), int64(len(batches)*7/10)
	var killOnce, gateOnce sync.Once
	restarted := make(chan error, 1)
	var restartErr error
	gate := make(chan struct{})
	work := make(chan int)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 60 * time.Second}
	started := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				k := sent.Add(1)
				if k == gateAt {
					gateOnce.Do(func() { restartErr = <-restarted; close(gate) })
				}
				if k >= gateAt {
					<-gate
				}
				if k == killAt {
					killOnce.Do(func() {
						// Kill node 0 mid-run and bring it back; its requests
						// in flight fail and are retried on node 1.
						go func() {
							nodes[0].kill()
							time.Sleep(time.Second)
							restarted <- nodes[0].start(dbURL, busURL)
						}()
					})
				}
				for try := 0; ; try++ {
					n := nodes[(i+try)%2]
					if err := post(client, n.addr, secret, batches[i]); err == nil {
						acked.Add(1)
						break
					} else if try > 200 {
						t.Errorf("batch %d never acknowledged: %v", i, err)
						return
					}
					failed.Add(1)
					if try > 0 {
						time.Sleep(100 * time.Millisecond)
					}
				}
			}
		}()
	}
	for i := range batches {
		work <- i
	}
	close(work)
	wg.Wait()
	sendTime := time.Since(started)
	if restartErr != nil {
		t.Errorf("restart node 0: %v", restartErr)
	}
	if t.Failed() {
		nodes[0].dumpLog(t)
		nodes[1].dumpLog(t)
		return
	}

	// Every batch is acknowledged: wait for the persisters to drain.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var stored int
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM tracking_events`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored >= len(unique) || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	drainTime := time.Since(started)
	// Exactly once: the stored identities are the acknowledged ones, each once.
	rows, err := conn.Query(ctx, `SELECT object, code, office, time, source FROM tracking_events`)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]int, len(unique))
	extra := 0
	for rows.Next() {
		var obj, code, office, source string
		var at time.Time
		if err := rows.Scan(&obj, &code, &office, &at, &source); err != nil {
			t.Fatal(err)
		}
		k := identity(obj, code, office, at, source)
		if _, ok := unique[k]; !ok {
			extra++
		}
		seen[k]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	missing, twice := 0, 0
	for k := range unique {
		switch seen[k] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	t.Logf("sent %d events (%d unique, %d duplicates) in %d requests of 1000 over 2 nodes in %s; node 0 killed with SIGKILL after %d requests and restarted; "+
		"%d requests failed and were retried; %d acknowledged; %d events stored after %s; missing %d, stored twice %d, unknown %d",
		total, len(unique), total-len(unique), len(batches), sendTime.Round(time.Millisecond), killAt, failed.Load(), acked.Load(),
		stored, drainTime.Round(time.Millisecond), missing, twice, extra)
	if stored != len(unique) || missing != 0 || twice != 0 || extra != 0 || acked.Load() != int64(len(batches)) {
		nodes[0].dumpLog(t)
		nodes[1].dumpLog(t)
		t.Fatalf("not exactly once: stored %d of %d unique events", stored, len(unique))
	}
	if nodes[0].restarts != 1 {
		t.Errorf("node 0 started %d times after the kill, want 1", nodes[0].restarts)
	}
}

func identity(obj, code, office string, at time.Time, source string) string {
	return obj + "|" + code + "|" + office + "|" + strconv.FormatInt(at.UnixMicro(), 10) + "|" + source
}

// multinodeEvents makes total events as JSON-lines request bodies of per
// events, about 5 % of them repeats of earlier events, and the set of
// unique identities.
func multinodeEvents(total, per int) ([][]byte, map[string]bool) {
	rng := rand.New(rand.NewPCG(6, 2026))
	cn := []string{"CNXMNA", "CNSZXA", "CNYIWA", "CNHGHA", "CNCANA"}
	abroad := []string{"PLWAWA", "DEFRAA", "FRCDGA", "USJFKA", "GBLONO", "RUMOWA", "KZALAA"}
	codes := []string{"EMA", "EMB", "EMC", "EMD", "EDB", "EMF", "EMG", "EMI"}
	uniqueN := int(float64(total) / 1.05)
	unique := make(map[string]bool, uniqueN)
	lines := make([]string, 0, total)
	base := time.Now().Add(-40 * 24 * time.Hour).Truncate(time.Second)
	for i := 0; len(lines) < uniqueN; i++ {
		id, _ := postal.NewS10("LX", uint32(i), "CN")
		t := base.Add(time.Duration(rng.IntN(20*24)) * time.Hour)
		o, d := cn[rng.IntN(len(cn))], abroad[rng.IntN(len(abroad))]
		for k, code := range codes {
			if len(lines) == uniqueN {
				break
			}
			t = t.Add(time.Duration(1+rng.IntN(20)) * time.Hour)
			office, source := o, "post"
			if k >= 3 {
				office, source = d, "partner:"+d[:2]+"POST"
			}
			unique[identity(string(id), code, office, t, source)] = true
			lines = append(lines, fmt.Sprintf(`{"object":"%s","code":"%s","office":"%s","time":"%s","source":"%s"}`, id, code, office, t.Format(time.RFC3339), source))
		}
	}
	for len(lines) < total {
		lines = append(lines, lines[rng.IntN(uniqueN)])
	}
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	var batches [][]byte
	for start := 0; start < len(lines); start += per {
		batches = append(batches, []byte(strings.Join(lines[start:min(len(lines), start+per)], "\n")))
	}
	return batches, unique
}

func post(c *http.Client, addr, secret string, body []byte) error {
	req, err := http.NewRequest("POST", "http://"+addr+"/v1/events", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%d %.300s", res.StatusCode, b)
	}
	var r struct {
		Accepted int  `json:"accepted"`
		Queued   bool `json:"queued"`
		Rejected int  `json:"rejected_count"`
	}
	if err := json.Unmarshal(b, &r); err != nil || !r.Queued || r.Rejected > 0 {
		return fmt.Errorf("unexpected answer %.300s (%v)", b, err)
	}
	return nil
}

type node struct {
	addr     string
	log      string
	cmd      *exec.Cmd
	done     chan struct{}
	restarts int
	starts   int
}

func (n *node) start(dbURL, busURL string) error {
	f, err := os.OpenFile(n.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	args, err := json.Marshal([]string{"--db", dbURL, "--bus", busURL, "--addr", n.addr, "serve"})
	if err != nil {
		return err
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMultiNodeChild$")
	cmd.Env = append(os.Environ(), "INTERPOST_MULTINODE_CHILD="+string(args))
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		if err := cmd.Wait(); err != nil {
			fmt.Fprintf(f, "== exited: %v\n", err)
		}
		f.Close()
		close(done)
	}()
	n.cmd, n.done = cmd, done
	if n.starts > 0 {
		n.restarts++
	}
	n.starts++
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + n.addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-done:
			return fmt.Errorf("node %s exited while starting (log %s)", n.addr, n.log)
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("node %s not ready after 60 s (log %s)", n.addr, n.log)
}

// kill sends SIGKILL: no shutdown, no drain, no acknowledgements.
func (n *node) kill() {
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err == nil {
		<-n.done
	}
}

func (n *node) stop() {
	if n.cmd == nil {
		return
	}
	select {
	case <-n.done:
		return
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(15 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
}

func (n *node) dumpLog(t *testing.T) {
	b, err := os.ReadFile(n.log)
	if err != nil {
		return
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	t.Logf("log of node %s:\n%s", n.addr, b)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// freshDatabase creates a database on the server and drops it at the end.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("interpost_multinode_%d", time.Now().UnixNano()%1e12)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
		admin.Close(context.Background())
	})
	q := ""
	u := base
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, q = u[:i], u[i:]
	}
	return u[:strings.LastIndexByte(u, '/')+1] + name + q
}

// prepareStore migrates the database, loads the demo offices and returns an
// admin key.
func prepareStore(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	offices, err := demo.Offices()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutOffices(ctx, offices); err != nil {
		t.Fatal(err)
	}
	k, secret, err := auth.NewKey(auth.RoleAdmin, "", "", nil, "multinode", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	return secret
}
