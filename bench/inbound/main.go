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
//  3. import customs: the received items' declarations (from the item data
//     the PREDES carried) screened and stored by customs' bulk path,
//     customs.Service.ImportManifest;
//  4. handover: released items handed to the domestic network, an EMF
//     event each (tracking.Service.Record).
//
// Data are generated first and not timed. The target is ≤ 30 s on 2 cores.
//
// go run ./bench/inbound [-items 1000000] [-receptacles 30000] [-outward 3300000] [-dir DIR] [-cpuprofile FILE]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bench/internal/outward"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

func main() {
	nItems := flag.Int("items", 1_000_000, "items of the inbound day")
	nRecs := flag.Int("receptacles", 30_000, "receptacles of the inbound day")
	perDispatch := flag.Int("per-dispatch", 30, "receptacles per dispatch (S8)")
	perManifest := flag.Int("manifest", 100, "dispatches per customs manifest")
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

	in, err := runInbound(ctx, *nItems, *nRecs, *perDispatch, *perManifest, *dir, date, *cpuprofile)
	check(err)
	in.print(os.Stdout)

	if *nOut > 0 {
		fmt.Println()
		runtime.GC()
		day, err := outward.Run(ctx, outward.Options{Items: *nOut, Dir: *dir, Date: date})
		check(err)
		fmt.Print("OUTWARD PEAK DAY (bench/peakday, same run) ")
		day.Print(os.Stdout, "≤ 60 s")
		check(day.Close())
		fmt.Println()
		fmt.Printf("%-34s %10s %10s %12s\n", "peak day", "items", "s", "items/s")
		fmt.Printf("%-34s %10d %10.1f %12.0f\n", "inbound (this benchmark)", in.data.items, in.total.Seconds(), float64(in.data.items)/in.total.Seconds())
		fmt.Printf("%-34s %10d %10.1f %12.0f\n", "outward (bench/peakday)", day.Items(), day.Total.Seconds(), float64(day.Items())/day.Total.Seconds())
	}
}

// stage is one timed stage.
type stage struct {
	name string
	d    time.Duration
	what string
}

type inbound struct {
	dir    string
	data   *dayData
	stages []stage
	total  time.Duration
}

func runInbound(ctx context.Context, nItems, nRecs, perDispatch, perManifest int, parent string, date civil.Date, cpuprofile string) (*inbound, error) {
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
	svc := &inward.Service{Store: st, Network: st, Country: "CN", Events: trk, Now: now}
	cus, err := demo.NewCustoms(st, st, postal.DefaultRates(), now)
	if err != nil {
		return nil, err
	}
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
	start := time.Now()
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
	var declared, held, keyed int
	actions := map[risk.Action]int{}
	for i := 0; i < len(data.predes); i += perManifest {
		batch := data.predes[i:min(i+perManifest, len(data.predes))]
		rep, evs, nk, err := clear(ctx, svc, cus, admin, batch, clock)
		if err != nil {
			return nil, err
		}
		declared += rep.Accepted
		keyed += nk
		for a, n := range rep.Actions {
			actions[a] += n
		}
		held += len(rep.Flagged)
		released = append(released, evs...)
	}
	in.stage("import customs (screen, duties)", t, fmt.Sprintf("%d declarations screened: %v; %d not listed (keyed in at the desk, not here)", declared, actions, keyed))

	t = time.Now()
	for i := 0; i < len(released); i += 10_000 {
		if err := trk.Record(ctx, released[i:min(i+10_000, len(released))]...); err != nil {
			return nil, fmt.Errorf("handover: %w", err)
		}
	}
	in.stage("handover to delivery (EMF)", t, fmt.Sprintf("%d items released and handed over, %d held for an officer", len(released), held))
	in.total = time.Since(start)
	return in, nil
}

// clear declares the received, listed items of some dispatches to import
// customs as one manifest (JSON lines, built while customs reads it) and
// returns the EMF handover events of the items customs released.
func clear(ctx context.Context, svc *inward.Service, cus *customs.Service, who auth.Principal, batch []edi.Predes, at time.Time) (customs.ImportReport, []tracking.Event, int, error) {
	pr, pw := io.Pipe()
	office := map[string]string{}
	keyed := 0
	go func() {
		enc := json.NewEncoder(pw)
		for _, p := range batch {
			det, err := svc.Dispatch(ctx, who, p.Dispatch)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			for _, it := range det.Items {
				if it.Status != inward.StatusReceived {
					continue
				}
				if it.NotAdvised || it.Value == "" {
					keyed++
					continue
				}
				office[it.Item] = det.Dispatch.Destination
				d := customs.Declaration{ID: it.Item, Stream: customs.StreamPostal, Direction: customs.Import, Office: det.Dispatch.Destination,
					Category: "sale_of_goods", Currency: it.Currency, GrossWeightG: it.ReceivedWeightG,
					Sender:    customs.Party{Name: it.SenderName, Country: it.SenderCountry},
					Addressee: customs.Party{Name: it.AddresseeName, Country: it.AddresseeCountry},
					Lines: []customs.Line{{Description: it.Contents, Quantity: 1, NetWeightG: max(it.WeightG-30, 1), Value: it.Value, HSCode: it.HSCode,
						OriginCountry: it.SenderCountry}}}
				if err := enc.Encode(d); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
		}
		pw.Close()
	}()
	rep, err := cus.ImportManifest(ctx, who, pr, customs.ImportOptions{Format: customs.FormatJSONL, Name: "inbound " + batch[0].Dispatch, MaxListed: 1 << 30})
	pr.Close()
	if err != nil {
		return rep, nil, 0, err
	}
	if rep.Rejected > 0 {
		return rep, nil, 0, fmt.Errorf("customs rejected %d declarations, first: %+v", rep.Rejected, rep.Errors[0])
	}
	flagged := map[string]bool{}
	for _, f := range rep.Flagged {
		flagged[f.ItemID] = true
	}
	var evs []tracking.Event
	for item, o := range office {
		if !flagged[item] {
			evs = append(evs, tracking.Event{Object: item, Code: tracking.EMF, Office: o, Time: at, Source: tracking.SourcePost})
		}
	}
	return rep, evs, keyed, nil
}

func (in *inbound) stage(name string, t time.Time, what string) {
	in.stages = append(in.stages, stage{name, time.Since(t), what})
}

func (in *inbound) print(w io.Writer) {
	fmt.Fprintf(w, "INBOUND PEAK DAY END TO END (SQLite, %s): %.1f s for %d items in %d receptacles — target ≤ 30 s\n", in.dir, in.total.Seconds(),
		in.data.items, in.data.receptacles)
	for _, s := range in.stages {
		fmt.Fprintf(w, "  %-36s %8.0f ms  (%s)\n", s.name, float64(s.d.Microseconds())/1000, s.what)
	}
	g := in.data
	fmt.Fprintf(w, "  generated: %d receptacles missing, %d overweight, %d with a broken seal; %d items missing, %d damaged, %d rifled, %d not listed\n",
		g.missingRecs, g.heavyRecs, g.brokenSeals, g.missingItems, g.damaged, g.rifled, g.notListed)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
