// Command routes measures GET /v1/routes over HTTP with concurrent clients:
// an interpost server started in process on loopback over SQLite, exactly
// as `interpost serve` builds it (internal/app), answering from the route
// planner it holds in memory (routing.Cache, one build per network
// version). The peer, measured in the same run on the same store and the
// same queries, is a second server that does what GET /v1/routes did
// before: read the offices and legs from the store and compile
// routing.New on every request.
//
// Two networks, each in its own database: the demo network (demo/*.csv)
// and the world-scale network of bench/routing (bench/internal/benchworld:
// 2,000 offices, about 1.1 million departures in 14 days).
//
// Queries: -queries random (origin, destination, ready within the first
// 7 days) triples per network that have a route, earliest arrival only (the API's default;
// -pareto adds the Pareto set), horizon 14 days. -clients goroutines send
// them round-robin over keep-alive connections for -duration per server;
// each request's latency is the client's wall time from sending to the end
// of the body. Before timing, both servers answer the first -check queries
// and their bodies must be identical.
//
// Usage:
//
//	go run ./bench/routes [-clients 8] [-duration 10s] [-peer-duration 10s] [-queries 2000] [-networks demo,large] [-hubs 200] [-per-hub 10] [-seed 1]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bench/internal/benchworld"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/store/sqlite"
)

var t0 = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

type config struct {
	clients                int
	duration, peerDuration time.Duration
	queries, check         int
	pareto                 bool
	networks               []string
	hubs, perHub           int
	seed                   uint64
	dir                    string
}

func main() {
	var c config
	var networks string
	flag.IntVar(&c.clients, "clients", 8, "concurrent HTTP clients")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "how long the clients send to the in-memory planner")
	flag.DurationVar(&c.peerDuration, "peer-duration", 10*time.Second, "how long the clients send to the per-request rebuild (peer); 0 skips it")
	flag.IntVar(&c.queries, "queries", 2000, "random queries per network")
	flag.IntVar(&c.check, "check", 20, "queries both servers answer, compared body for body, before timing")
	flag.BoolVar(&c.pareto, "pareto", false, "ask for the Pareto set too")
	flag.StringVar(&networks, "networks", "demo,large", "networks to run: demo, large")
	flag.IntVar(&c.hubs, "hubs", 200, "large network: gateways (regions of ten)")
	flag.IntVar(&c.perHub, "per-hub", 10, "large network: offices per gateway, itself included")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed of the large network and of the queries")
	flag.StringVar(&c.dir, "dir", "", "parent of the temporary database directories (default: the system's)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/routes:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	c.networks = strings.Split(networks, ",")
	if err := run(os.Stdout, c); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench/routes:", err)
		os.Exit(1)
	}
}

// result is one server's timed phase.
type result struct {
	network, server string
	requests        int
	errors          int
	elapsed         time.Duration
	lat             []time.Duration
	cpu             time.Duration // the process's CPU time (server and clients) during the phase
}

// cpuPerRequest is the process's CPU time per request: what a request
// costs whatever else the machine runs.
func (r result) cpuPerRequest() time.Duration { return r.cpu / time.Duration(max(r.requests, 1)) }

func (r result) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func run(out io.Writer, c config) error {
	load0 := loadAvg()
	started := time.Now()
	var results []result
	var notes []string
	for _, name := range c.networks {
		var offices []network.Office
		var legs []network.Leg
		switch strings.TrimSpace(name) {
		case "demo":
			n, err := demo.Network()
			if err != nil {
				return err
			}
			offices, legs = n.Offices, n.Services
		case "large":
			w := benchworld.Generate(c.hubs, c.perHub, c.seed)
			offices, legs = w.Offices, w.Services
		default:
			return fmt.Errorf("-networks: unknown network %q (demo, large)", name)
		}
		rs, note, err := runNetwork(c, strings.TrimSpace(name), offices, legs)
		if err != nil {
			return fmt.Errorf("%s network: %w", name, err)
		}
		results = append(results, rs...)
		notes = append(notes, note)
	}
	report(out, c, results, notes, load0, loadAvg(), time.Since(started))
	return nil
}

// runNetwork stores the network in a fresh SQLite database, starts the
// two servers over it and times each.
func runNetwork(c config, name string, offices []network.Office, legs []network.Leg) ([]result, string, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp(c.dir, "bench-routes-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, "", err
	}
	defer st.Close()
	storeStart := time.Now()
	if err := st.ReplaceNetwork(ctx, offices, legs); err != nil {
		return nil, "", err
	}
	storeTime := time.Since(storeStart)
	key, secret, err := auth.NewKey(auth.RoleOperator, "", "", nil, "bench", t0)
	if err != nil {
		return nil, "", err
	}
	if err := st.CreateKey(ctx, key); err != nil {
		return nil, "", err
	}
	paths, err := queries(c, offices, legs)
	if err != nil {
		return nil, "", err
	}
	opts := app.Options{Now: func() time.Time { return t0 }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	// The node as `interpost serve` runs it.
	mem, err := app.New(ctx, st, opts)
	if err != nil {
		return nil, "", err
	}
	defer mem.Close()
	buildStart := time.Now()
	if _, err := mem.Routes.Current(ctx); err != nil {
		return nil, "", err
	}
	build := time.Since(buildStart)
	defer mem.Start(ctx)()
	// The peer: the same node, but its route API compiles the network from
	// the store on every request, as GET /v1/routes did before.
	peer, err := app.New(ctx, st, opts)
	if err != nil {
		return nil, "", err
	}
	defer peer.Close()
	peer.Routes = perRequest{peer.Network}

	memURL, stopMem, err := serve(mem)
	if err != nil {
		return nil, "", err
	}
	defer stopMem()
	peerURL, stopPeer, err := serve(peer)
	if err != nil {
		return nil, "", err
	}
	defer stopPeer()

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * c.clients, MaxIdleConnsPerHost: c.clients, MaxConnsPerHost: c.clients}}
	get := func(base, path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %d %.200s", path, resp.StatusCode, body)
		}
		return body, err
	}

	// Both servers must give the same answers.
	for _, p := range paths[:min(c.check, len(paths))] {
		a, err := get(memURL, p)
		if err != nil {
			return nil, "", err
		}
		b, err := get(peerURL, p)
		if err != nil {
			return nil, "", err
		}
		if !bytes.Equal(a, b) {
			return nil, "", fmt.Errorf("%s: the node and the peer answer differently:\n%.300s\n%.300s", p, a, b)
		}
	}
	note := fmt.Sprintf("%s network: %d offices, %d services, stored in %s; the node builds its planner (reads the network, compiles it, expands four weeks of departures) in %s, once per network version; "+
		"the first %d queries answered identically by both servers",
		name, len(offices), len(legs), storeTime.Round(time.Millisecond), build.Round(time.Millisecond), min(c.check, len(paths)))

	m := hammer(ctx, c.clients, c.duration, paths, func(p string) error { _, err := get(memURL, p); return err })
	m.network, m.server = name, "planner in memory (routing.Cache)"
	if c.peerDuration <= 0 {
		return []result{m}, note, nil
	}
	p := hammer(ctx, c.clients, c.peerDuration, paths, func(p string) error { _, err := get(peerURL, p); return err })
	p.network, p.server = name, "rebuild per request (peer)"
	return []result{p, m}, note, nil
}

// queries draws c.queries random (origin, destination, ready) triples
// that have a route within the horizon, so that every request plans a way
// (on the demo network most random pairs have none and cost nothing).
func queries(c config, offices []network.Office, legs []network.Leg) ([]string, error) {
	p, err := routing.New(offices, legs)
	if err != nil {
		return nil, err
	}
	p.Prepare(t0, t0.Add(21*24*time.Hour))
	r := rand.New(rand.NewPCG(c.seed, 11))
	var paths []string
	for tries := 0; len(paths) < c.queries; tries++ {
		if tries > 1000*c.queries {
			return nil, fmt.Errorf("found %d routed queries in %d tries, want %d", len(paths), tries, c.queries)
		}
		from := r.IntN(len(offices))
		to := (from + 1 + r.IntN(len(offices)-1)) % len(offices)
		ready := t0.Add(time.Duration(r.IntN(7*24*60)) * time.Minute)
		it, err := p.Earliest(routing.Query{From: offices[from].Code, To: offices[to].Code, Ready: ready})
		if err != nil {
			return nil, err
		}
		if it == nil {
			continue
		}
		v := url.Values{"from": {offices[from].Code}, "to": {offices[to].Code}, "ready": {ready.Format(time.RFC3339)}}
		if c.pareto {
			v.Set("pareto", "true")
		}
		paths = append(paths, "/v1/routes?"+v.Encode())
	}
	return paths, nil
}

// perRequest is the peer: the route API as it was, reading the network and
// compiling a planner for every request.
type perRequest struct{ dir *network.Directory }

func (n perRequest) Current(ctx context.Context) (*routing.Planner, error) {
	offices, err := n.dir.Offices(ctx)
	if err != nil {
		return nil, err
	}
	legs, err := n.dir.Legs(ctx)
	if err != nil {
		return nil, err
	}
	return routing.New(offices, legs)
}

// serve runs a's HTTP server on a loopback port.
func serve(a *app.App) (string, func(), error) {
	h, err := a.Server("bench", nil)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// hammer sends paths round-robin from clients goroutines until d has
// passed; requests under way then are finished and counted.
func hammer(ctx context.Context, clients int, d time.Duration, paths []string, get func(string) error) result {
	var mu sync.Mutex
	var res result
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	deadline := start.Add(d)
	for c := range clients {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			for i := c * len(paths) / clients; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				s := time.Now()
				if err := get(paths[i%len(paths)]); err != nil {
					errs++
					if errs == 1 && !errors.Is(err, context.Canceled) {
						fmt.Fprintln(os.Stderr, "bench/routes:", err)
					}
				}
				lat = append(lat, time.Since(s))
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.cpu = cpuTime() - cpu0
	res.requests = len(res.lat)
	return res
}

func report(out io.Writer, c config, rs []result, notes []string, load0, load1 string, took time.Duration) {
	fmt.Fprintf(out, "\nInterpost GET /v1/routes over HTTP (%s, %s/%s, %d CPUs, GOMAXPROCS %d)\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(out, "server in process on loopback, SQLite store; %d clients, keep-alive; %d random queries with a route per network (ready in the first 7 days, horizon 14 days, %s)\n",
		c.clients, c.queries, map[bool]string{false: "earliest arrival only", true: "with the Pareto set"}[c.pareto])
	for _, n := range notes {
		fmt.Fprintln(out, n)
	}
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "network\tserver\trequests\terrors\tseconds\treq/s\tp50 ms\tp99 ms\t× peer req/s\tCPU ms/req\treq/s per idle CPU\t")
	peer := map[string]float64{}
	for _, r := range rs {
		if strings.Contains(r.server, "peer") {
			peer[r.network] = r.perSecond()
		}
	}
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%.1f\t%.2f\t%.2f\t%s\t%.3f\t%.0f\t\n", r.network, r.server, r.requests, r.errors, r.elapsed.Seconds(),
			r.perSecond(), msf(pct(r.lat, 50)), msf(pct(r.lat, 99)), ratioTo(r.perSecond(), peer[r.network]),
			msf(r.cpuPerRequest()), float64(time.Second)/float64(max(r.cpuPerRequest(), 1)))
	}
	tw.Flush()
	for _, r := range rs {
		if r.network == "large" && !strings.Contains(r.server, "peer") {
			check := func(ok bool) string {
				if ok {
					return "met"
				}
				return "NOT met"
			}
			fmt.Fprintf(out, "\ntargets on the large network: ≥ 1,000 req/s %s; p99 ≤ 20 ms %s\n",
				check(r.perSecond() >= 1000), check(pct(r.lat, 99) <= 20*time.Millisecond))
		}
	}
	fmt.Fprintln(out, "CPU ms/req: the process's user+system CPU time during the phase (server, in-process clients, GC; the background planner check) per request;")
	fmt.Fprintln(out, "req/s per idle CPU = 1000 / CPU ms/req: what one otherwise idle core could serve (derived, not measured).")
	fmt.Fprintf(out, "load average before: %s; after: %s; whole run %s (a shared machine: read the ratios, not the absolutes)\n", load0, load1, took.Round(time.Second))
}

func ratioTo(v, peer float64) string {
	if peer == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", v/peer)
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

func pct(ts []time.Duration, p int) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func msf(d time.Duration) float64 { return float64(d) / 1e6 }
