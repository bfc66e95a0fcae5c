// Command routing measures the timetable planner (package routing) on a
// generated world-scale network and compares its earliest arrivals, answer
// by answer and in speed, with gonum's Dijkstra on a time-expanded graph of
// the same timetable, in the same run.
//
// The network: -hubs gateways in regions of ten, each with -per-hub - 1
// local offices (2,000 offices by default) in 32 real time zones; trucks
// between each office and its gateway and its neighbours, regional trucks
// and trains between gateways, flights between gateways worldwide and
// long-distance trains — about 1.1 million departures in 14 days. The
// timetable is expanded for 21 days so that every query (ready within the
// first 7 days, horizon 14 days) is covered.
//
// Queries: -queries random (origin, destination, ready time) triples, the
// same for every method. Each is timed alone, single-threaded, after a
// warm-up, -runs times; its median time counts. The peer is path.DijkstraFromTo of gonum v0.17.0, which stops at
// the target, on a compressed time-expanded graph that implements gonum's
// graph interfaces directly (no map-based simple.Graph), so the comparison
// is of algorithms, not of graph containers. Dijkstra has no leg limit; the
// planner keeps its default of 6 legs, and any answer that differs is
// re-planned with 16 legs to show the difference is the limit, not an error.
//
// Usage:
//
//	go run ./bench/routing [-hubs 200] [-per-hub 10] [-queries 1000] [-gonum 1000] [-runs 3] [-seed 1]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/interpost/interpost/bench/internal/benchworld"
	"github.com/interpost/interpost/routing"
)

func main() {
	hubs := flag.Int("hubs", 200, "gateways (regions of ten)")
	perHub := flag.Int("per-hub", 10, "offices per gateway, itself included")
	queries := flag.Int("queries", 1000, "random queries")
	gonumN := flag.Int("gonum", -1, "queries also run through gonum Dijkstra (-1: all)")
	runs := flag.Int("runs", 3, "times each query is run; its median time counts (for every method alike)")
	seed := flag.Uint64("seed", 1, "random seed of network and queries")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/routing:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(os.Stdout, *hubs, *perHub, *queries, *gonumN, max(1, *runs), *seed); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench/routing:", err)
		os.Exit(1)
	}
}

var t0 = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

const (
	day     = 24 * time.Hour
	horizon = 14 * day
)

func run(out io.Writer, hubs, perHub, nq, gonumN, runs int, seed uint64) error {
	if gonumN < 0 || gonumN > nq {
		gonumN = nq
	}
	before := heap()
	started := time.Now()
	w := benchworld.Generate(hubs, perHub, seed)
	genTime := time.Since(started)

	started = time.Now()
	p, err := routing.New(w.Offices, w.Services)
	if err != nil {
		return err
	}
	tt := p.Prepare(t0, t0.Add(21*day))
	buildTime := time.Since(started)
	netMem := heap() - before

	// The same departures, expanded independently, feed the gonum graph and
	// check the planner's expansion.
	deps := expand(w.Offices, w.Services, t0, t0.Add(21*day))
	if len(deps) != tt.Len() {
		return fmt.Errorf("planner expanded %d departures, the independent expansion %d", tt.Len(), len(deps))
	}
	in14 := 0
	for _, d := range deps {
		if dep := d.drop + int32(w.Services[d.legService].CutoffMin); dep < int32(t0.Add(horizon).Unix()/60) {
			in14++
		}
	}

	r := rand.New(rand.NewPCG(seed, 7))
	qs := make([]routing.Query, nq)
	for i := range qs {
		from := r.IntN(len(w.Offices))
		to := (from + 1 + r.IntN(len(w.Offices)-1)) % len(w.Offices)
		qs[i] = routing.Query{From: w.Offices[from].Code, To: w.Offices[to].Code, Ready: t0.Add(time.Duration(r.IntN(7*24*60)) * time.Minute)}
	}
	for _, q := range qs[:min(50, nq)] { // warm-up
		if _, err := p.Earliest(q); err != nil {
			return err
		}
	}

	earliest := make([]*routing.Itinerary, nq)
	var tEA, tPareto, tGonum []time.Duration
	bar := newBar("earliest arrival", nq)
	for i, q := range qs {
		var err error
		tEA = append(tEA, timed(runs, func() { earliest[i], err = p.Earliest(q) }))
		if err != nil {
			return err
		}
		bar(i + 1)
	}
	paretoSizes := 0
	bar = newBar("Pareto", nq)
	for i, q := range qs {
		var set []routing.Itinerary
		var err error
		tPareto = append(tPareto, timed(runs, func() { set, err = p.Pareto(context.Background(), q) }))
		if err != nil {
			return err
		}
		paretoSizes += len(set)
		if (len(set) == 0) != (earliest[i] == nil) || (len(set) > 0 && !set[0].Arrive.Equal(earliest[i].Arrive)) {
			return fmt.Errorf("query %d: Pareto set and earliest arrival disagree", i)
		}
		bar(i + 1)
	}

	before = heap()
	started = time.Now()
	g := buildTE(w.Offices, deps)
	teBuild := time.Since(started)
	teMem := heap() - before
	idx := map[string]int32{}
	for i, o := range w.Offices {
		idx[o.Code] = int32(i)
	}
	same, noRoute, legLimited, legs := 0, 0, 0, 0
	bar = newBar("gonum Dijkstra", gonumN)
	for i, q := range qs[:gonumN] {
		ready := int32((q.Ready.Unix() + 59) / 60)
		var arr int32
		tGonum = append(tGonum, timed(runs, func() { arr = g.earliest(idx[q.From], idx[q.To], ready) }))
		end := int32(q.Ready.Add(horizon).Unix() / 60)
		if arr > end {
			arr = -1 // outside the horizon: no route for the planner either
		}
		ours := int32(-1)
		if earliest[i] != nil {
			ours = int32(earliest[i].Arrive.Unix() / 60)
			legs += len(earliest[i].Legs)
		}
		switch {
		case arr == ours:
			same++
			if arr < 0 {
				noRoute++
			}
		case arr >= 0 && (ours < 0 || arr < ours):
			// Dijkstra has no leg limit: check the planner agrees with more legs.
			q.MaxLegs = routing.MaxMaxLegs
			it, err := p.Earliest(q)
			if err != nil || it == nil || int32(it.Arrive.Unix()/60) != arr {
				return fmt.Errorf("query %d %+v: planner %d, gonum %d, planner with %d legs %v", i, qs[i], ours, arr, routing.MaxMaxLegs, it)
			}
			legLimited++
		default:
			return fmt.Errorf("query %d %+v: planner arrives %s, gonum %d", i, q, earliest[i].Arrive, arr)
		}
		bar(i + 1)
	}

	report(out, reportData{
		hubs: hubs, offices: len(w.Offices), services: len(w.Services), departures: tt.Len(), in14: in14,
		gen: genTime, build: buildTime, netMem: netMem, nq: nq, gonumN: gonumN, runs: runs,
		tEA: tEA, tPareto: tPareto, tGonum: tGonum, paretoAvg: float64(paretoSizes) / float64(nq),
		teNodes: g.nodes(), teEdges: g.edges(), teBuild: teBuild, teMem: teMem,
		same: same, noRoute: noRoute, legLimited: legLimited, avgLegs: float64(legs) / float64(max(1, gonumN-noRoute)),
	})
	return nil
}

type reportData struct {
	hubs, offices, services, departures, in14 int
	gen, build                                time.Duration
	netMem                                    uint64
	nq, gonumN, runs                          int
	tEA, tPareto, tGonum                      []time.Duration
	paretoAvg                                 float64
	teNodes, teEdges                          int
	teBuild                                   time.Duration
	teMem                                     uint64
	same, noRoute, legLimited                 int
	avgLegs                                   float64
}

func report(out io.Writer, d reportData) {
	fmt.Fprintf(out, "\nInterpost routing benchmark (%s, %s/%s, %d CPUs)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(out, "network: %d offices (%d gateways), %d services; timetable %s → %s: %d departures, %d departing in the first 14 days\n",
		d.offices, d.hubs, d.services, t0.Format(time.DateOnly), t0.Add(21*day).Format(time.DateOnly), d.departures, d.in14)
	fmt.Fprintf(out, "planner build (services → sorted departures): %s; heap for offices, services, planner and timetable: %.0f MiB\n", d.build.Round(time.Millisecond), mib(d.netMem))
	fmt.Fprintf(out, "queries: %d random (origin, destination, ready in the first 7 days), horizon 14 days, at most %d legs; Pareto sets average %.1f itineraries\n",
		d.nq, routing.DefaultMaxLegs, d.paretoAvg)
	fmt.Fprintf(out, "each query timed alone, single-threaded, %d runs, median kept (same for every method)\n\n", d.runs)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tqueries\tp50\tp99\tmean\tqueries/s\t")
	row := func(name string, ts []time.Duration) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%.0f\t\n", name, len(ts), ms(pct(ts, 50)), ms(pct(ts, 99)), ms(mean(ts)), float64(len(ts))/total(ts).Seconds())
	}
	row("earliest arrival (CSA)", d.tEA)
	row("Pareto arrival/cost/CO2 (McCSA)", d.tPareto)
	row("gonum DijkstraFromTo (time-expanded)", d.tGonum)
	tw.Flush()
	ours := d.tEA[:d.gonumN]
	fmt.Fprintf(out, "\ntime-expanded graph: %d nodes, %d edges, built in %s, %.0f MiB\n", d.teNodes, d.teEdges, d.teBuild.Round(time.Millisecond), mib(d.teMem))
	fmt.Fprintf(out, "speed-up of the planner's earliest arrival over gonum on the same %d queries: p50 %.0f×, p99 %.0f×, mean %.0f×\n",
		d.gonumN, ratio(pct(d.tGonum, 50), pct(ours, 50)), ratio(pct(d.tGonum, 99), pct(ours, 99)), ratio(mean(d.tGonum), mean(ours)))
	fmt.Fprintf(out, "identical earliest arrivals: %d/%d (%d with no route within 14 days in both; %d differ only by the %d-leg limit and match when re-planned with %d legs)\n",
		d.same, d.gonumN, d.noRoute, d.legLimited, routing.DefaultMaxLegs, routing.MaxMaxLegs)
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	fmt.Fprintf(out, "targets: earliest p50 ≤ 2 ms %s; ≥ 20× gonum (p50) %s; Pareto p50 ≤ 50 ms %s; network memory ≤ 1 GiB %s; ≥ 2,000 offices %s; ≥ 1,000,000 departures in 14 days %s\n",
		check(pct(d.tEA, 50) <= 2*time.Millisecond), check(ratio(pct(d.tGonum, 50), pct(ours, 50)) >= 20),
		check(pct(d.tPareto, 50) <= 50*time.Millisecond), check(d.netMem <= 1<<30), check(d.offices >= 2000), check(d.in14 >= 1_000_000))
	fmt.Fprintf(out, "(data generation %s, not timed above; same-run figures on a shared machine: read ratios, not absolutes)\n", d.gen.Round(time.Millisecond))
}

// timed runs f runs times and returns the median duration, which filters
// out preemption by other processes on a shared machine.
func timed(runs int, f func()) time.Duration {
	ts := make([]time.Duration, runs)
	for i := range ts {
		s := time.Now()
		f()
		ts[i] = time.Since(s)
	}
	slices.Sort(ts)
	return ts[runs/2]
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func pct(ts []time.Duration, p int) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func mean(ts []time.Duration) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	return total(ts) / time.Duration(len(ts))
}

func total(ts []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ts {
		t += d
	}
	return max(t, 1)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }

// newBar shows progress on a terminal, else a line every 10 %.
func newBar(what string, n int) func(done int) {
	if term.IsTerminal(int(os.Stderr.Fd())) {
		b := progressbar.NewOptions(n, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		return func(done int) { _ = b.Set(done) }
	}
	last := -1
	return func(done int) {
		if tenth := done * 10 / max(n, 1); tenth != last {
			last = tenth
			fmt.Fprintf(os.Stderr, "%s: %d/%d (%s)\n", what, done, n, strings.Repeat("#", tenth))
		}
	}
}
