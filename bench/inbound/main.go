// Command inbound runs an inbound peak day at our inward offices of
// exchange end to end on SQLite and times each stage (docs/benchmarks.md,
// "Inbound peak day"), next to the outward peak day (bench/peakday)
// measured in the same run:
//
//  1. pre-advice: one PREDES per dispatch from seven partner posts to four
//     of our offices (receptacles, item lists, ITMATT-like item data),
//     through inward.Service.AcceptPredes;
//  2. receive and verify: each dispatch's scans file (receptacle, open,
//     item lines; docs/formats.md "Inward scans CSV") parsed and applied
//     with inward.Service.ApplyScans, which closes the dispatch: CN 43 with
//     the discrepancies, RESDES, EMD events;
//  3. import customs: each dispatch cleared with inward.Service.ClearDispatch
//     (the API's path): the received items' declarations from the item data
//     the PREDES carried, validated, screened and stored in one batch
//     (customs.Service.DeclareMany), EDB/EDC for the items released;
//  4. handover: released items handed to the domestic network, an EMF
//     event each with tracking and in the origin post's outbox
//     (tracking.Service.Record and inward.Service.Enqueue, what
//     ScanDelivery writes; its per-item checks are not run here).
//
// Data are generated first and not timed. The target is ≤ 30 s on 2 cores.
//
// go run ./bench/inbound [-items 1000000] [-receptacles 30000] [-outward 3300000] [-dir DIR] [-cpuprofile FILE]
//
// Each stage prints its wall time, the CPU time the process used in it
// and the load average at its end: on a shared box the CPU time is the
// steadier figure.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bench/internal/outward"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

func main() {
	nItems := flag.Int("items", 1_000_000, "items of the inbound day")
	nRecs := flag.Int("receptacles", 30_000, "receptacles of the inbound day")
	perDispatch := flag.Int("per-dispatch", 30, "receptacles per dispatch (S8)")
	nOut := flag.Int("outward", 3_300_000, "items of the outward peak day measured in the same run (0 = skip it)")
	dir := flag.String("dir", "", "parent of the temporary SQLite directories")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the inbound day to this file")
	dateFlag := flag.String("date", "2026-11-24", "the peak day")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()
	date, err := civil.ParseDate(*dateFlag)
	check(err)
	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s %s/%s; other work may share the cores\n", runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), runtime.GOOS, runtime.GOARCH)

	in, err := runInbound(ctx, *nItems, *nRecs, *perDispatch, *dir, date, *cpuprofile)
	check(err)
	in.print(os.Stdout)

	if *nOut > 0 {
		fmt.Println()
		runtime.GC()
		outCPU := cpuTime()
		day, err := outward.Run(ctx, outward.Options{Items: *nOut, Dir: *dir, Date: date})
		check(err)
		outCPU = cpuTime() - outCPU
		fmt.Print("OUTWARD PEAK DAY (bench/peakday, same run) ")
		day.Print(os.Stdout, "≤ 60 s")
		check(day.Close())
		fmt.Println()
		fmt.Printf("%-34s %10s %10s %10s %12s %6s\n", "peak day", "items", "wall s", "CPU s", "items/s", "load")
		fmt.Printf("%-34s %10d %10.1f %10.1f %12.0f %6s\n", "inbound (this benchmark)", in.data.items, in.total.Seconds(), in.totalCPU.Seconds(),
			float64(in.data.items)/in.total.Seconds(), in.stages[len(in.stages)-1].load)
		fmt.Printf("%-34s %10d %10.1f %10.1f %12.0f %6s\n", "outward (bench/peakday)", day.Items(), day.Total.Seconds(), outCPU.Seconds(),
			float64(day.Items())/day.Total.Seconds(), loadAvg())
	}
}

// stage is one timed stage: its wall time, the CPU time the process used
// in it (user + system, all goroutines) and the load average at its end.
type stage struct {
	name string
	d    time.Duration
	cpu  time.Duration
	load string
	what string
}

type inbound struct {
	dir      string
	data     *dayData
	stages   []stage
	total    time.Duration
	totalCPU time.Duration
	cpuMark  time.Duration // process CPU time at the start of the running stage
}

func runInbound(ctx context.Context, nItems, nRecs, perDispatch int, parent string, date civil.Date, cpuprofile string) (*inbound, error) {
	tmp, err := os.MkdirTemp(parent, "inbound-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	st, err := sqlite.Open(ctx, tmp)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		return nil, err
	}
	day := time.Date(date.Year, time.Month(date.Month), date.Day, 0, 0, 0, 0, time.UTC)
	clock := day.Add(20 * time.Hour)
	now := func() time.Time { return clock }
	trk := &tracking.Service{Store: st, Offices: st, Now: now}
	cus, err := demo.NewCustoms(st, st, postal.DefaultRates(), now)
	if err != nil {
		return nil, err
	}
	svc := &inward.Service{Store: st, Network: st, Country: "CN", Events: trk, Customs: customsLink{cus}, Now: now}
	gen := time.Now()
	data, err := generate(nItems, nRecs, perDispatch, day, 16)
	if err != nil {
		return nil, err
	}
	fmt.Printf("generated %d items in %d receptacles, %d dispatches in %v (not timed)\n\n", data.items, data.receptacles, len(data.predes),
		time.Since(gen).Round(time.Millisecond))
	in := &inbound{dir: tmp, data: data}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	admin := auth.Principal{KeyID: "bench", Role: auth.RoleAdmin}
	start, startCPU := time.Now(), cpuTime()
	in.cpuMark = startCPU
	t := time.Now()
	advised := 0
	for _, p := range data.predes {
		res, err := svc.AcceptPredes(ctx, admin, p)
		if err != nil {
			return nil, fmt.Errorf("PREDES %s: %w", p.Ref, err)
		}
		advised += res.Items
	}
	in.stage("pre-advice (PREDES in)", t, fmt.Sprintf("%d dispatches, %d receptacles, %d items advised", len(data.predes), data.receptacles, advised))

	t = time.Now()
	var discs, notes int
	kinds := map[inward.DiscrepancyKind]int{}
	for i, p := range data.predes {
		scans, err := inward.ParseScans(bytes.NewReader(data.scans[i]))
		if err != nil {
			return nil, fmt.Errorf("scans of %s: %w", p.Dispatch, err)
		}
		res, err := svc.ApplyScans(ctx, admin, p.Dispatch, scans)
		if err != nil {
			return nil, fmt.Errorf("scans of %s: %w", p.Dispatch, err)
		}
		if len(res.Note.Discrepancies) > 0 {
			notes++
		}
		discs += len(res.Note.Discrepancies)
		for _, d := range res.Note.Discrepancies {
			kinds[d.Kind]++
		}
	}
	in.stage("receive and verify (scans, CN 43)", t, fmt.Sprintf("%d discrepancies on %d CN 43s: %v", discs, notes, kinds))

	t = time.Now()
	var released []tracking.Event
	var declared, held, keyed, repeated int
	statuses := map[customs.Status]int{}
	for _, p := range data.predes {
		rep, err := svc.ClearDispatch(ctx, admin, p.Dispatch)
		if err != nil {
			return nil, fmt.Errorf("clear %s: %w", p.Dispatch, err)
		}
		keyed += len(rep.NeedsData)
		for _, c := range rep.Declared {
			if c.Repeated {
				repeated++
				continue
			}
			declared++
			statuses[c.Status]++
			if c.Status != customs.StatusReleased {
				held++
				continue
			}
			released = append(released, tracking.Event{Object: c.Item, Code: tracking.EMF, Office: c.Office, Time: clock, Source: tracking.SourcePost})
		}
	}
	in.stage("import customs (screen, duties)", t, fmt.Sprintf("%d declarations screened and stored: %v; %d not listed (keyed in at the desk, not here)",
		declared, statuses, keyed))

	t = time.Now()
	for i := 0; i < len(released); i += 10_000 {
		// What ScanDelivery writes for a handover: the EMF with tracking and
		// in the origin post's outbox (its per-item checks hold here by
		// construction: received, released, not handed over before).
		evs := released[i:min(i+10_000, len(released))]
		if err := trk.Record(ctx, evs...); err != nil {
			return nil, fmt.Errorf("handover: %w", err)
		}
		if err := svc.Enqueue(ctx, evs...); err != nil {
			return nil, fmt.Errorf("handover: %w", err)
		}
	}
	in.stage("handover to delivery (EMF)", t, fmt.Sprintf("%d items released and handed over, %d held for an officer", len(released), held))
	in.total, in.totalCPU = time.Since(start), cpuTime()-startCPU
	return in, nil
}

func (in *inbound) stage(name string, t time.Time, what string) {
	c := cpuTime()
	st := stage{name: name, d: time.Since(t), cpu: c - in.cpuMark, load: loadAvg(), what: what}
	in.stages = append(in.stages, st)
	in.cpuMark = c
	// Progress for long runs on a busy box; the table follows at the end.
	log.Printf("done: %s in %.1f s wall, %.1f CPU-s, load %s", name, st.d.Seconds(), st.cpu.Seconds(), st.load)
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is the 1-minute load average of the machine (Linux), or "n/a".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "n/a"
}

func (in *inbound) print(w io.Writer) {
	fmt.Fprintf(w, "INBOUND PEAK DAY END TO END (SQLite, %s): %.1f s wall, %.1f CPU-s for %d items in %d receptacles — target ≤ 30 s\n", in.dir,
		in.total.Seconds(), in.totalCPU.Seconds(), in.data.items, in.data.receptacles)
	fmt.Fprintf(w, "  %-36s %9s %9s %6s\n", "stage", "wall ms", "CPU ms", "load")
	for _, s := range in.stages {
		fmt.Fprintf(w, "  %-36s %9.0f %9.0f %6s  (%s)\n", s.name, float64(s.d.Microseconds())/1000, float64(s.cpu.Microseconds())/1000, s.load, s.what)
	}
	g := in.data
	fmt.Fprintf(w, "  generated: %d receptacles missing, %d overweight, %d with a broken seal; %d items missing, %d damaged, %d rifled, %d not listed\n",
		g.missingRecs, g.heavyRecs, g.brokenSeals, g.missingItems, g.damaged, g.rifled, g.notListed)
}

// customsLink is import customs as inward sees it, as internal/app wires
// it: the queue and a lookup of an item's clearance without a scope.
type customsLink struct{ *customs.Service }

func (c customsLink) Item(ctx context.Context, id string) (customs.Item, error) {
	return c.Store.Item(ctx, id)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
