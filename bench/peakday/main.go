// Command peakday runs a peak day of exchange operations at the demo
// network's Chinese offices of exchange end to end and times it
// (docs/benchmarks.md, "Peak day at the offices of exchange"):
//
//  1. presort: 3,300,000 generated items (the demo's destination mix,
//     an e-commerce product mix) by each office's sort plan;
//  2. allocation of the day's lanes to the capacity-limited departures as
//     a min-cost flow over the time-expanded network;
//  3. packing into receptacles and dispatches per planned departure,
//     storing them in SQLite (every item scan a row), consigning each
//     departure with its capacity check;
//
// then the allocation alone three ways on the same lanes: the solver as
// shipped (Dijkstra with potentials, price refinement), the priority pass
// alone, and the baseline solver (plain successive shortest paths with
// Bellman–Ford). The target is ≤ 60 s on 2 cores for the whole day.
//
// go run ./bench/peakday [-items 3300000] [-dir DIR] [-cpuprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/dispatch/sim"
	"github.com/interpost/interpost/store/sqlite"
)

// countryMix is the demo's destination mix (demo/samples.go), per cent;
// each office draws from the countries its sort plan serves.
var countryMix = map[string]int{"US": 18, "RU": 12, "FR": 7, "DE": 7, "GB": 6, "PL": 6, "ES": 5, "BR": 6, "KZ": 5, "IL": 4,
	"AU": 4, "JP": 4, "KR": 3, "NL": 3, "IT": 3, "UZ": 2, "HU": 2, "MN": 1}

func main() {
	nItems := flag.Int("items", 3_300_000, "items of the peak day, spread evenly over the offices")
	dir := flag.String("dir", "", "parent of the temporary SQLite directory")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the day to this file")
	dateFlag := flag.String("date", "2026-11-24", "the peak day")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()
	date, err := civil.ParseDate(*dateFlag)
	check(err)
	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s %s/%s; other work may share the cores\n", runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), runtime.GOOS, runtime.GOARCH)

	tmp, err := os.MkdirTemp(*dir, "peakday-")
	check(err)
	defer os.RemoveAll(tmp)
	st, err := sqlite.Open(ctx, tmp)
	check(err)
	defer st.Close()
	_, _, err = demo.SeedNetwork(ctx, st)
	check(err)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	ready := civil.LocalTime(loc, date, 18*60)
	svc := &dispatch.Service{Store: st, Network: st, Items: st, Now: func() time.Time { return ready }}
	admin := demoAdmin()
	for _, o := range demo.SortPlanOffices {
		b, err := demo.SortPlanFile(o)
		check(err)
		rules, err := dispatch.ReadSortPlan(bytesReader(b))
		check(err)
		_, err = svc.PutSortPlan(ctx, admin, o, rules)
		check(err)
	}

	// Items: generated, not timed.
	gen := time.Now()
	day := sim.Day{Date: date, Items: map[string][]dispatch.Item{}}
	per := *nItems / len(demo.SortPlanOffices)
	for i, o := range demo.SortPlanOffices {
		plan, err := svc.SortPlan(ctx, o)
		check(err)
		day.Items[o] = sim.Generate(&plan, per, countryMix, rand.New(rand.NewPCG(uint64(i+1), 2026)), uint32(i)*10_000_000, "CN")
	}
	fmt.Printf("generated %d items at %d offices in %v (not timed)\n\n", per*len(demo.SortPlanOffices), len(day.Items), time.Since(gen).Round(time.Millisecond))

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	r := &sim.Runner{Service: svc}
	start := time.Now()
	rep, err := r.Run(ctx, day)
	check(err)
	total := time.Since(start)
	unsorted := 0
	for _, o := range rep.Offices {
		unsorted += len(o.Unsorted)
	}
	fmt.Printf("END TO END (SQLite, %s): %.1f s for %d items — target ≤ 60 s\n", tmp, total.Seconds(), rep.Items+unsorted)
	fmt.Printf("  presort                %8.0f ms  (%d sorted, %d reported without a rule)\n", rep.Timings["presort"], rep.Items, unsorted)
	fmt.Printf("  allocate               %8.0f ms  (%d lanes, %d departures used, %d spill lines)\n", rep.Timings["allocate"], len(rep.Plan.Lanes),
		len(rep.Plan.Departures), len(rep.Plan.Spill))
	fmt.Printf("  pack, store, consign   %8.0f ms  (%d receptacles, %d dispatches, %d consignments; %d items without a departure)\n",
		rep.Timings["pack, store, consign"], rep.Receptacles, rep.Dispatches, len(rep.Consignments), rep.UnplacedItems)
	p := rep.Plan
	fmt.Printf("  plan: %.0f t, cost %.0f + lateness %.0f + unserved %.0f; %.1f%% of kg on time; consolidation saves %.0f and %.1f t CO2e\n\n",
		p.Totals.Kg/1000, p.Totals.Cost, p.Totals.LatePenalty, p.Totals.UnservedPenalty, 100*p.Totals.OnTimeShare,
		p.Consolidation.SavedCost, p.Consolidation.SavedCO2Kg/1000)

	// The allocation alone, three ways, on the same lanes.
	offices, err := st.Offices(ctx)
	check(err)
	services, err := st.Services(ctx)
	check(err)
	var vols []alloc.Volume
	for _, l := range p.Lanes {
		vols = append(vols, alloc.Volume{Origin: l.Origin, Destination: l.Destination, Category: l.Category, Grams: int64(l.Kg * 1000), Items: l.Items})
	}
	fmt.Printf("ALLOCATION ALONE: %d lanes, %.0f t; the departures' load is what the day consigned, so start from empty\n", len(vols), p.Totals.Kg/1000)
	fmt.Printf("%-58s %10s %12s %10s %14s %8s\n", "solver", "ms", "objective", "gap", "shortest paths", "× ours")
	type run struct {
		name string
		opts alloc.Options
	}
	runs := []run{
		{"ours: SSP Dijkstra+potentials, priority + 8 price rounds", alloc.Options{Date: date}},
		{"priority pass alone (SSP Dijkstra+potentials)", alloc.Options{Date: date, Rounds: -1}},
		{"baseline: plain SSP (Bellman-Ford), priority + 8 rounds", alloc.Options{Date: date, Baseline: true}},
	}
	var ours float64
	for i, rn := range runs {
		best := time.Duration(1 << 62)
		var pl alloc.Plan
		for range 2 {
			runtime.GC()
			t := time.Now()
			pl, err = alloc.Allocate(offices, services, vols, rn.opts)
			check(err)
			best = min(best, time.Since(t))
		}
		ms := float64(best.Microseconds()) / 1000
		if i == 0 {
			ours = ms
		}
		gap := "–"
		if pl.Solver.LowerBound > 0 {
			gap = fmt.Sprintf("≤ %.2f%%", 100*pl.Solver.Gap)
		}
		fmt.Printf("%-58s %10.0f %12.0f %10s %14d %8.2f\n", rn.name, ms, pl.Totals.Objective, gap, pl.Solver.Augmentations, ms/ours)
	}
	fmt.Println("\n(an LP in gonum's dense simplex is the test oracle on small networks only: DEPENDENCIES.md measured 10 s at 60 nodes/400 arcs;")
	fmt.Printf(" this network has %d nodes)\n", p.Solver.Nodes)
	lanes := slices.Clone(p.Lanes)
	slices.SortFunc(lanes, func(a, b alloc.Lane) int { return cmpF(b.UnservedKg, a.UnservedKg) })
	fmt.Println("\nlargest unserved lanes (no departure within the horizon for them):")
	for _, l := range lanes[:min(6, len(lanes))] {
		if l.UnservedKg > 0 {
			fmt.Printf("  %s→%s %s  %9.1f kg of %9.1f\n", l.Origin, l.Destination, l.Category, l.UnservedKg, l.Kg)
		}
	}
	busiest := slices.Clone(p.Departures)
	slices.SortFunc(busiest, func(a, b alloc.Departure) int { return cmpF(b.AllocatedKg, a.AllocatedKg) })
	fmt.Println("\nbusiest departures:")
	for _, d := range busiest[:min(8, len(busiest))] {
		fmt.Printf("  %-14s %s→%s %s  %9.1f kg of %9.1f  %5.1f%%\n", d.Service, d.From, d.To, d.Departs.Format("2006-01-02 15:04Z"), d.AllocatedKg, d.CapacityKg, 100*d.Utilisation)
	}
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
