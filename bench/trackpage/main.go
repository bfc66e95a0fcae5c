// Command trackpage measures the public tracking page (GET /track/{id}), the most-read route of
// any post, served by a real Interpost node on SQLite over loopback HTTP, beside a peer measured
// in the same run:
//
//   - the page: random items of -events stored events (ten scans per item, the way bench/ingest
//     makes them), readers in English, Chinese and Russian, -conns keep-alive connections for
//     -dur, every answer checked (200, the item's id on the page);
//   - revalidation: the same readers coming back with the ETag they were given (a refresh, or a
//     cache in front): 304 without a body;
//   - the peer: a bare net/http handler answering a fixed page of the same size on the same
//     loopback, the same client and connections — the floor of HTTP on this machine, so the
//     ratio says what Interpost's work costs on top of serving bytes.
//
// The load generator runs in the same process and shares the two cores; it is the same for all
// three rows. Target (issue 22): ≥ 5,000 req/s with p99 ≤ 20 ms on 2 cores at 10M events.
//
// Usage:
//
//	go run ./bench/trackpage [-events 10000000] [-dur 20s] [-conns 32] [-dir DIR]
//
// -dir keeps the store between runs (seeding 10M events takes a minute or two; a second run
// with the same -dir and -events reuses it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/sqlstore"
	"github.com/interpost/interpost/tracking"
)

const eventsPerItem = 10

var profileTo *os.File

var journey = [eventsPerItem]tracking.Code{
	tracking.EMA, tracking.EMB, tracking.EXA, tracking.EXC, tracking.EMC,
	tracking.EMD, tracking.EDB, tracking.EMF, tracking.EMG, tracking.EMI,
}

func main() {
	events := flag.Int("events", 10_000_000, "tracking events stored (ten per item)")
	dur := flag.Duration("dur", 20*time.Second, "how long each row is loaded")
	conns := flag.Int("conns", 32, "concurrent keep-alive connections")
	dir := flag.String("dir", "", "store directory to keep between runs (default: a temporary one)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the loaded rows to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "trackpage:", err)
			os.Exit(1)
		}
		defer f.Close()
		profileTo = f
	}
	if err := run(*events, *dur, *conns, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "trackpage:", err)
		os.Exit(1)
	}
}

func run(nEvents int, dur time.Duration, conns int, dir string) error {
	ctx := context.Background()
	if dir == "" {
		tmp, err := os.MkdirTemp("", "trackpage-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	offices, err := demo.Offices()
	if err != nil {
		return err
	}
	items, err := seed(ctx, st, offices, nEvents/eventsPerItem, filepath.Join(dir, ".seeded"))
	if err != nil {
		return err
	}
	a, err := app.New(ctx, st, app.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	srv, err := a.Server("bench", nil)
	if err != nil {
		return err
	}
	addr, stop, err := listen(srv)
	if err != nil {
		return err
	}
	defer stop()

	// One page, to size the peer's answer like the real one.
	sample, err := get(http.DefaultClient, "http://"+addr+"/track/"+items[0], "en", "")
	if err != nil {
		return err
	}
	page := make([]byte, len(sample.body))
	copy(page, sample.body)
	peerAddr, stopPeer, err := listen(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	}))
	if err != nil {
		return err
	}
	defer stopPeer()

	fmt.Fprintf(os.Stderr, "loading for %s per row with %d connections …\n", dur, conns)
	if profileTo != nil {
		if err := pprof.StartCPUProfile(profileTo); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rows := []result{
		load("peer: fixed page, bare net/http", peerAddr, items, conns, dur, false),
		load("Interpost GET /track/{id}", addr, items, conns, dur, false),
		load("Interpost, revalidated (If-None-Match → 304)", addr, items, conns, dur, true),
	}
	fmt.Printf("public tracking page, %d events (%d items), SQLite, %d connections, %s per row, page %d bytes\n\n",
		len(items)*eventsPerItem, len(items), conns, dur, len(page))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "row\treq/s (wall)\treq/CPU-s × cores\tp50\tp99\tp99.9\terrors\t× peer (CPU)\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%s\t%s\t%s\t%d\t%.2f\t\n", r.name, r.rate, r.cpuRate, ms(r.p50), ms(r.p99), ms(r.p999), r.errors, r.cpuRate/rows[0].cpuRate)
	}
	tw.Flush()
	for _, r := range rows {
		if r.firstErr != "" {
			fmt.Printf("\nfirst error of %s: %s\n", r.name, r.firstErr)
		}
	}
	return nil
}

// seed stores n items' journeys unless the directory already holds them.
func seed(ctx context.Context, st *sqlstore.Store, offices []network.Office, n int, marker string) ([]string, error) {
	var cn, abroad []network.Office
	for _, o := range offices {
		if o.Kind != network.KindOE && o.Kind != network.KindIMPC {
			continue
		}
		if o.Country == "CN" {
			cn = append(cn, o)
		} else {
			abroad = append(abroad, o)
		}
	}
	items := make([]string, n)
	for i := range items {
		id, err := postal.NewS10("LA", uint32(i), "CN")
		if err != nil {
			return nil, err
		}
		items[i] = string(id)
	}
	if b, err := os.ReadFile(marker); err == nil && string(b) == fmt.Sprint(n) {
		fmt.Fprintf(os.Stderr, "reusing %d items already stored\n", n)
		return items, nil
	}
	if err := st.PutOffices(ctx, offices); err != nil {
		return nil, err
	}
	svc := &tracking.Service{Store: st, Offices: st}
	rng := rand.New(rand.NewPCG(1, 22))
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	const batch = 50_000
	evs := make([]tracking.Event, 0, batch)
	started := time.Now()
	flush := func() error {
		if len(evs) == 0 {
			return nil
		}
		r, err := svc.Ingest(ctx, auth.Principal{Role: auth.RoleAdmin}, evs)
		if err != nil {
			return err
		}
		if r.RejectedCount > 0 {
			return fmt.Errorf("seeding: %d events rejected, first: %s", r.RejectedCount, r.Rejected[0].Reason)
		}
		evs = evs[:0]
		return nil
	}
	for i, id := range items {
		from, to := cn[rng.IntN(len(cn))], abroad[rng.IntN(len(abroad))]
		t := base.Add(time.Duration(rng.IntN(60*24*60)) * time.Minute)
		for k, code := range journey {
			t = t.Add(time.Hour + time.Duration(rng.IntN(30*60))*time.Minute)
			o, source := from, "post"
			if k >= 5 {
				o, source = to, "partner:"+to.Country+"POST"
			}
			if k == 2 || k == 3 || k == 6 {
				source = "customs"
			}
			evs = append(evs, tracking.Event{Object: id, Code: code, Office: o.Code, Time: t, Source: source})
		}
		if len(evs) >= batch {
			if err := flush(); err != nil {
				return nil, err
			}
			if i%(batch) < eventsPerItem || i == len(items)-1 {
				fmt.Fprintf(os.Stderr, "\rseeding %d/%d items (%.0f events/s)", i+1, n, float64((i+1)*eventsPerItem)/time.Since(started).Seconds())
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "\rseeded %d events in %s; projecting …\n", n*eventsPerItem, time.Since(started).Round(time.Second))
	if _, err := svc.CatchUp(ctx); err != nil {
		return nil, err
	}
	return items, os.WriteFile(marker, []byte(fmt.Sprint(n)), 0o600)
}

func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.Serve(ln) }()
	return ln.Addr().String(), func() { _ = s.Close() }, nil
}

type answer struct {
	status int
	etag   string
	body   []byte
}

func get(c *http.Client, url, lang, etag string) (answer, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept-Language", lang)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, etag: res.Header.Get("ETag"), body: b}, err
}

type result struct {
	name           string
	rate           float64
	cpuRate        float64 // requests per CPU-second of this process × cores: the rate unshared cores would give
	p50, p99, p999 time.Duration
	errors         int
	firstErr       string
}

var langs = []string{"en", "zh-CN,zh;q=0.9", "ru-RU,ru;q=0.9"}

// seen is a page a reader holds, with its ETag.
type seen struct{ url, lang, etag string }

// load sends requests on conns connections for dur and checks every answer. With revalidate,
// each connection first fetches 64 pages untimed, then keeps asking for them again with their
// ETags (readers refreshing, or a cache in front revalidating).
func load(name, addr string, items []string, conns int, dur time.Duration, revalidate bool) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     int
		firstErr string
		wg       sync.WaitGroup
	)
	held := make([][]seen, conns)
	if revalidate {
		for w := range conns {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				for range 64 {
					url, lang := "http://"+addr+"/track/"+items[rng.IntN(len(items))], langs[rng.IntN(len(langs))]
					if a, err := get(c, url, lang, ""); err == nil && a.etag != "" {
						held[w] = append(held[w], seen{url, lang, a.etag})
					}
				}
			})
		}
		wg.Wait()
	}
	deadline := time.Now().Add(dur)
	started, cpu0 := time.Now(), cpuTime()
	for w := range conns {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			mine := make([]time.Duration, 0, 1<<14)
			bad, first := 0, ""
			fail := func(s string) {
				bad++
				if first == "" {
					first = s
				}
			}
			for time.Now().Before(deadline) {
				id, lang := items[rng.IntN(len(items))], langs[rng.IntN(len(langs))]
				url, etag := "http://"+addr+"/track/"+id, ""
				if revalidate {
					if len(held[w]) == 0 {
						fail("no page primed")
						break
					}
					h := held[w][rng.IntN(len(held[w]))]
					url, lang, etag = h.url, h.lang, h.etag
				}
				t0 := time.Now()
				a, err := get(c, url, lang, etag)
				mine = append(mine, time.Since(t0))
				switch {
				case err != nil:
					fail(err.Error())
				case revalidate && a.status != http.StatusNotModified:
					fail(fmt.Sprintf("%s: status %d, want 304", id, a.status))
				case !revalidate && a.status != http.StatusOK:
					fail(fmt.Sprintf("%s: status %d", id, a.status))
				case !revalidate && !strings.HasPrefix(name, "peer") && !strings.Contains(string(a.body), id):
					fail(id + ": page does not name the item")
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			if firstErr == "" {
				firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	el, cpu := time.Since(started), cpuTime()-cpu0
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	if len(lat) == 0 {
		firstErr = "no request completed"
	}
	return result{name: name, rate: float64(len(lat)) / el.Seconds(), cpuRate: float64(len(lat)) / cpu.Seconds() * float64(runtime.NumCPU()), p50: q(0.50), p99: q(0.99), p999: q(0.999), errors: errs, firstErr: firstErr}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// cpuTime is the user and system time this process has used (server and load generator both).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
