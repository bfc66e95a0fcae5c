// Package outward runs the outward peak day at the demo network's Chinese
// offices of exchange end to end on SQLite (presort, allocation, packing,
// storing, consigning) through the same code as `interpost dispatch
// simulate`. bench/peakday prints it with the allocation compared three
// ways; bench/inbound measures it in the same run as the inbound peak day.
package outward

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/sim"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/sqlstore"
)

// CountryMix is the demo's destination mix (demo/samples.go), per cent;
// each office draws from the countries its sort plan serves.
var CountryMix = map[string]int{"US": 18, "RU": 12, "FR": 7, "DE": 7, "GB": 6, "PL": 6, "ES": 5, "BR": 6, "KZ": 5, "IL": 4,
	"AU": 4, "JP": 4, "KR": 3, "NL": 3, "IT": 3, "UZ": 2, "HU": 2, "MN": 1}

// Options size the day.
type Options struct {
	Items      int        // items of the day, spread evenly over the offices
	Dir        string     // parent of the temporary SQLite directory
	Date       civil.Date // the peak day
	CPUProfile string     // write a CPU profile of the timed part here ("" = none)
}

// Day is a measured outward peak day. Close removes its store.
type Day struct {
	Store    *sqlstore.Store
	Dir      string // the SQLite directory
	Report   sim.Report
	Total    time.Duration
	Unsorted int
}

// Run seeds the demo network and sort plans into a new SQLite store,
// generates the items (not timed) and times the day.
func Run(ctx context.Context, o Options) (*Day, error) {
	tmp, err := os.MkdirTemp(o.Dir, "peakday-")
	if err != nil {
		return nil, err
	}
	d := &Day{Dir: tmp}
	if d.Store, err = sqlite.Open(ctx, tmp); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := d.run(ctx, o); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Day) run(ctx context.Context, o Options) error {
	st := d.Store
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		return err
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	ready := civil.LocalTime(loc, o.Date, 18*60)
	svc := &dispatch.Service{Store: st, Network: st, Items: st, Now: func() time.Time { return ready }}
	admin := auth.Principal{KeyID: "bench", Role: auth.RoleAdmin}
	for _, of := range demo.SortPlanOffices {
		b, err := demo.SortPlanFile(of)
		if err != nil {
			return err
		}
		rules, err := dispatch.ReadSortPlan(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if _, err := svc.PutSortPlan(ctx, admin, of, rules); err != nil {
			return err
		}
	}
	// Items: generated, not timed.
	day := sim.Day{Date: o.Date, Items: map[string][]dispatch.Item{}}
	per := o.Items / len(demo.SortPlanOffices)
	for i, of := range demo.SortPlanOffices {
		plan, err := svc.SortPlan(ctx, of)
		if err != nil {
			return err
		}
		day.Items[of] = sim.Generate(&plan, per, CountryMix, rand.New(rand.NewPCG(uint64(i+1), 2026)), uint32(i)*10_000_000, "CN")
	}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	r := &sim.Runner{Service: svc}
	start := time.Now()
	d.Report, err = r.Run(ctx, day)
	if err != nil {
		return err
	}
	d.Total = time.Since(start)
	for _, of := range d.Report.Offices {
		d.Unsorted += len(of.Unsorted)
	}
	return nil
}

// Items is the number of items the day handled (sorted or reported
// without a rule).
func (d *Day) Items() int { return d.Report.Items + d.Unsorted }

// Print writes the day's stages.
func (d *Day) Print(w io.Writer, target string) {
	rep := d.Report
	fmt.Fprintf(w, "END TO END (SQLite, %s): %.1f s for %d items — target %s\n", d.Dir, d.Total.Seconds(), d.Items(), target)
	fmt.Fprintf(w, "  presort                %8.0f ms  (%d sorted, %d reported without a rule)\n", rep.Timings["presort"], rep.Items, d.Unsorted)
	fmt.Fprintf(w, "  allocate               %8.0f ms  (%d lanes, %d departures used, %d spill lines)\n", rep.Timings["allocate"], len(rep.Plan.Lanes),
		len(rep.Plan.Departures), len(rep.Plan.Spill))
	fmt.Fprintf(w, "  pack, store, consign   %8.0f ms  (%d receptacles, %d dispatches, %d consignments; %d items without a departure)\n",
		rep.Timings["pack, store, consign"], rep.Receptacles, rep.Dispatches, len(rep.Consignments), rep.UnplacedItems)
	p := rep.Plan
	fmt.Fprintf(w, "  plan: %.0f t, cost %.0f + lateness %.0f + unserved %.0f; %.1f%% of kg on time; consolidation saves %.0f and %.1f t CO2e\n",
		p.Totals.Kg/1000, p.Totals.Cost, p.Totals.LatePenalty, p.Totals.UnservedPenalty, 100*p.Totals.OnTimeShare,
		p.Consolidation.SavedCost, p.Consolidation.SavedCO2Kg/1000)
}

// Close closes the store and removes its directory.
func (d *Day) Close() error {
	err := d.Store.Close()
	if e := os.RemoveAll(d.Dir); err == nil {
		err = e
	}
	return err
}
