package cli_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/interpost/interpost/internal/cli"
	"github.com/interpost/interpost/store/sqlite"
)

// drainNow is the clock of the drain test's processes.
var drainNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// outcome of one request of the drain test.
type outcome int

const (
	acked       outcome = iota // 2xx: must be stored exactly once
	refused                    // connection refused: must not be stored
	unavailable                // 503 from the draining gate: must not be stored
	closed                     // the connection closed with no answer: must not be stored
	unknown                    // any other answer: must not happen
)

// TestServeDrainsOnSIGTERM starts `interpost serve` on SQLite as a child
// process, sends a stream of shipment creations and event posts from
// several clients, takes an online backup while it serves, sends SIGTERM
// mid-stream and keeps sending; /readyz must answer 503 during the drain
// delay. Every request answered 2xx must be stored
// exactly once; every later request must be refused cleanly (503 or no
// connection) and not stored; none may be cut off mid-request.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process; skipped with -short")
	}
	data := t.TempDir()
	var out, errOut bytes.Buffer
	now := drainNow.Format(time.RFC3339)
	if code := cli.Main([]string{"demo", "--data", data, "--no-serve", "--shipments", "10", "--now", now}, &out, &errOut); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out.String(), errOut.String())
	}
	merchantKey := regexp.MustCompile(`merchant XMTEA\s+(ipk_\w+)`).FindStringSubmatch(out.String())
	adminKey := regexp.MustCompile(`admin\s+(ipk_\w+)`).FindStringSubmatch(out.String())
	if merchantKey == nil || adminKey == nil {
		t.Fatalf("no demo keys in:\n%s", out.String())
	}

	addr := freeAddr(t)
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"serve", "--data", data, "--addr", addr, "--now", now, "--drain", "5s", "--drain-delay", "400ms"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestMultiNodeChild$")
	cmd.Env = append(os.Environ(), "INTERPOST_MULTINODE_CHILD="+string(args))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logf.Close() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	dumpLog := func() {
		b, _ := os.ReadFile(logPath)
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		t.Logf("server log:\n%s", b)
	}
	if err := waitReady(addr, exited); err != nil {
		dumpLog()
		t.Fatal(err)
	}

	base := drainNow.AddDate(-1, 0, 0) // event times far from the demo's own
	var (
		mu       sync.Mutex
		results  = map[string]outcome{} // "S:n" shipment n, "E:n" event n
		seq      atomic.Int64
		termed   atomic.Bool
		afterN   atomic.Int64 // requests sent after SIGTERM
		stopSend = make(chan struct{})
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range 6 {
		wg.Go(func() {
			for {
				select {
				case <-stopSend:
					return
				default:
				}
				n := seq.Add(1)
				if termed.Load() {
					afterN.Add(1)
				}
				var key string
				var o outcome
				if w%2 == 0 {
					key, o = fmt.Sprintf("S:%d", n), createShipment(client, addr, merchantKey[1], n)
				} else {
					key, o = fmt.Sprintf("E:%d", n), postEvent(client, addr, adminKey[1], base.Add(time.Duration(n)*time.Second))
				}
				mu.Lock()
				results[key] = o
				mu.Unlock()
				if o == refused {
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}

	// An online backup while the server is writing.
	time.Sleep(1500 * time.Millisecond)
	bk := filepath.Join(t.TempDir(), "bk")
	var bout, berr bytes.Buffer
	if code := cli.Main([]string{"backup", bk, "--data", data, "--now", now}, &bout, &berr); code != 0 {
		t.Errorf("backup while serving: %d %s %s", code, bout.String(), berr.String())
	}
	t.Logf("%s", strings.TrimSpace(bout.String()))
	time.Sleep(1500 * time.Millisecond)

	sentBefore := seq.Load()
	termed.Store(true)
	termAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Readiness during the drain delay: 503 while requests are still served.
	ready503 := make(chan int, 1)
	go func() {
		seen := 0
		for range 20 {
			if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(b), "draining") {
					seen++
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		ready503 <- seen
	}()
	var exitErr error
	select {
	case exitErr = <-exited:
	case <-time.After(30 * time.Second):
		dumpLog()
		t.Fatal("server did not stop within 30 s of SIGTERM")
	}
	stoppedIn := time.Since(termAt)
	time.Sleep(300 * time.Millisecond) // requests against the stopped server
	close(stopSend)
	wg.Wait()
	if exitErr != nil {
		dumpLog()
		t.Fatalf("server exited with %v after SIGTERM", exitErr)
	}
	logText, _ := os.ReadFile(logPath)
	if !strings.Contains(string(logText), `"msg":"draining"`) || !strings.Contains(string(logText), `"msg":"stopped"`) {
		dumpLog()
		t.Error("the server log does not show draining and stopped")
	}

	// What is stored, per shipment merchant_ref and per event time.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, sqlite.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string]int{}
	count := func(q string, key func(int64) string, args ...any) {
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			stored[key(v)]++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	count(`SELECT CAST(substr(merchant_ref, 7) AS INTEGER) FROM shipments WHERE merchant_ref LIKE 'DRAIN-%'`,
		func(v int64) string { return fmt.Sprintf("S:%d", v) })
	count(`SELECT time FROM tracking_events WHERE time < ?`,
		func(v int64) string {
			return fmt.Sprintf("E:%d", time.UnixMicro(v).Sub(base)/time.Second)
		}, drainNow.AddDate(0, -6, 0).UnixMicro())

	var n503, nAcked, nRefused, nClosed, nUnknown, lost, twice, refusedStored, closedStored, ackedShip, ackedEv int
	for k, o := range results {
		switch o {
		case acked:
			nAcked++
			if k[0] == 'S' {
				ackedShip++
			} else {
				ackedEv++
			}
			switch stored[k] {
			case 0:
				lost++
			case 1:
			default:
				twice++
			}
		case refused, unavailable:
			if o == unavailable {
				n503++
			}
			nRefused++
			if stored[k] > 0 {
				refusedStored++
			}
		case closed:
			nClosed++
			if stored[k] > 0 {
				closedStored++
			}
		default:
			nUnknown++
		}
	}
	extra := 0
	for k := range stored {
		if _, ok := results[k]; !ok {
			extra++
		}
	}
	t.Logf("sent %d requests (%d before SIGTERM, %d after); acked %d (%d shipments, %d events), stored %d; "+
		"refused %d (%d with 503, the rest connection refused), connection closed unanswered %d, other answers %d; "+
		"lost %d, stored twice %d, refused but stored %d, unanswered but stored %d, stored but never sent %d; server stopped %s after SIGTERM",
		len(results), sentBefore, afterN.Load(), nAcked, ackedShip, ackedEv, len(stored), nRefused, n503, nClosed, nUnknown,
		lost, twice, refusedStored, closedStored, extra, stoppedIn.Round(time.Millisecond))
	if lost != 0 || twice != 0 || refusedStored != 0 || closedStored != 0 || extra != 0 || nUnknown != 0 {
		dumpLog()
		t.Error("not every acknowledged request stored exactly once, or a refusal was not clean")
	}
	if n := <-ready503; n == 0 {
		t.Error("/readyz never answered 503 draining after SIGTERM")
	} else {
		t.Logf("/readyz answered 503 draining %d times during the drain delay", n)
	}
	if ackedShip == 0 || ackedEv == 0 || nRefused == 0 {
		t.Errorf("the stream did not exercise both sides of the drain: %d shipments and %d events acked, %d refused", ackedShip, ackedEv, nRefused)
	}

	// The backup taken under load restores into a working store.
	restored := t.TempDir()
	if code := cli.Main([]string{"restore", bk, "--data", restored + "/d"}, &bout, &berr); code != 0 {
		t.Errorf("restore of the backup taken while serving: %d %s", code, berr.String())
	}
	if err := sqlite.Check(t.Context(), filepath.Join(restored, "d", sqlite.FileName)); err != nil {
		t.Error(err)
	}
}

func waitReady(addr string, exited <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("server exited while starting: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("server not ready after 60 s")
}

func createShipment(c *http.Client, addr, key string, n int64) outcome {
	body := fmt.Sprintf(`{"product":"ems","merchant_ref":"DRAIN-%d",
"sender":{"name":"Xiamen Tea Co","address":"1 Hubin Rd","city":"Xiamen","postcode":"361000","country":"CN"},
"addressee":{"name":"Anna Nowak","address":"ul. Prosta 5","city":"Warszawa","postcode":"00-850","country":"PL"},
"weight_g":850,"dimensions_mm":[300,200,100],
"declaration":{"category":"sale_of_goods","currency":"USD","lines":[{"description":"Oolong tea","quantity":2,"net_weight_g":800,"value":"24.00","hs_code":"090230","origin_country":"CN"}]}}`, n)
	return send(c, "http://"+addr+"/v1/shipments", key, "application/json", body)
}

func postEvent(c *http.Client, addr, key string, at time.Time) outcome {
	body := fmt.Sprintf(`{"object":"LX000000005CN","code":"EMA","office":"CNXMNA","time":"%s","source":"post"}`, at.Format(time.RFC3339))
	return send(c, "http://"+addr+"/v1/events", key, "application/x-ndjson", body)
}

func send(c *http.Client, url, key, ctype, body string) outcome {
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		return unknown
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := c.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return refused
	}
	if err != nil {
		// A kept-alive connection the server closed as idle when the drain
		// began (the transport does not resend a POST), or one cut off
		// mid-request; the check that it is not stored tells them apart.
		return closed
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	switch {
	case res.StatusCode == http.StatusServiceUnavailable:
		return unavailable
	case res.StatusCode >= 200 && res.StatusCode < 300:
		var r struct {
			Rejected int `json:"rejected_count"`
		}
		if json.Unmarshal(b, &r) == nil && r.Rejected > 0 {
			fmt.Fprintf(os.Stderr, "drain test: %s rejected: %.300s\n", url, b)
			return unknown
		}
		return acked
	default:
		fmt.Fprintf(os.Stderr, "drain test: %s: %d %.300s\n", url, res.StatusCode, b)
		return unknown
	}
}
