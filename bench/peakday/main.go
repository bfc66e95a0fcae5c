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
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/interpost/interpost/bench/internal/outward"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch/alloc"
)

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

	day, err := outward.Run(ctx, outward.Options{Items: *nItems, Dir: *dir, Date: date, CPUProfile: *cpuprofile})
	check(err)
	defer day.Close()
	st := day.Store
	day.Print(os.Stdout, "≤ 60 s")
	fmt.Println()
	p := day.Report.Plan

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
