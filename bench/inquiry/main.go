// Command inquiry measures automatic inquiry answers and liability
// decisions over a store of many items (docs/benchmarks.md, "Inquiries"):
//
//  1. seeds -items S10 items with a journey of up to ten scans each (about
//     60 % delivered, 15 % held by import customs, 25 % still on the way)
//     into a fresh SQLite store in -dir;
//  2. answers: -queries inquiries opened by our desk on random items through
//     inquiry.Service.Open (read the scans and the shipment, answer or
//     route, store the inquiry and its trail), on -workers goroutines:
//     inquiries per second and p50/p99 latency; next to the peer measured in
//     the same run on the same items, tracking.Service.Timeline — the read
//     the desk does today before answering by hand;
//  3. liability: -claims claims decided from the stored scans
//     (inquiry.DecideLiability + Rules.Compensation after reading the
//     events), and -posted of them through the full Service.Decide with the
//     compensation posted to the ledger.
//
// go run ./bench/inquiry [-items 100000] [-queries 20000] [-claims 10000] [-posted 1000] [-workers 4] [-seed 1]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

var journey = []struct {
	code   tracking.Code
	abroad bool
	hours  int
}{
	{tracking.EMA, false, 0}, {tracking.EMB, false, 3}, {tracking.EXA, false, 6}, {tracking.EXC, false, 8}, {tracking.EMC, false, 20},
	{tracking.EMD, true, 44}, {tracking.EDB, true, 50}, {tracking.EMF, true, 70}, {tracking.EMG, true, 90}, {tracking.EMI, true, 110},
}

var (
	origins = []string{"CNXMNA", "CNPEKA", "CNSHAA", "CNCANA"}
	dests   = []string{"PLWAWA", "DEFRAA", "FRCDGA", "GBLHRA", "ESMADA", "ITMXPA", "NLAMSA", "JPTYOA"}
)

func main() {
	nItems := flag.Int("items", 100_000, "items seeded")
	nQueries := flag.Int("queries", 20_000, "inquiries answered")
	nClaims := flag.Int("claims", 10_000, "claims decided from the scans")
	nPosted := flag.Int("posted", 1_000, "claims decided and posted to the ledger")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0)*2, "concurrent callers")
	dir := flag.String("dir", "", "store directory (default: a temporary one, removed after)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	ctx := context.Background()
	if *dir == "" {
		d, err := os.MkdirTemp("", "bench-inquiry-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	st, err := sqlite.Open(ctx, *dir)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(*seed, 20))
	start := time.Now()
	items, events := seed_(ctx, st, *nItems, now, rng)
	fmt.Printf("seeded %d items, %d events in %s (SQLite, %s)\n", len(items), events, time.Since(start).Round(time.Millisecond), *dir)

	officer := auth.Principal{KeyID: "bench", Role: auth.RoleOperator}
	pick := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = items[rng.IntN(len(items))]
		}
		return out
	}
	qs := pick(*nQueries)
	peer := run(qs, *workers, func(id string) error { _, err := a.Tracking.Timeline(ctx, officer, id); return err })
	mine := run(qs, *workers, func(id string) error { _, _, err := a.Inquiry.Open(ctx, officer, id, ""); return err })
	again := run(qs, *workers, func(id string) error { _, _, err := a.Inquiry.Open(ctx, officer, id, ""); return err })
	answered, routed := 0, 0
	list, err := st.Inquiries(ctx, inquiry.Filter{})
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range list {
		if in.State == inquiry.StateAnswered {
			answered++
		} else {
			routed++
		}
	}
	fmt.Printf("\ninquiries over %d items, %d queries, %d workers (%d distinct: %d answered from the scans, %d routed)\n",
		len(items), len(qs), *workers, len(list), answered, routed)
	fmt.Printf("%-44s %10s %9s %9s\n", "", "per s", "p50 ms", "p99 ms")
	peer.print("peer: tracking timeline read")
	mine.print("inquiry opened (answered or routed, stored)")
	again.print("same inquiry again (replay)")
	fmt.Printf("inquiry open / timeline read: %.2f× the time per call\n", peer.rate/mine.rate)

	// Liability from the stored scans.
	cs := pick(*nClaims)
	kinds := []inquiry.ClaimKind{inquiry.ClaimLoss, inquiry.ClaimDamage, inquiry.ClaimTheftFull, inquiry.ClaimDelay}
	rules := inquiry.DefaultRules()
	var liable atomic.Int64
	var n atomic.Int64
	dec := run(cs, *workers, func(id string) error {
		evs, err := st.EventsOf(ctx, id)
		if err != nil {
			return err
		}
		k := kinds[int(n.Add(1))%len(kinds)]
		l := inquiry.DecideLiability(k, inquiry.Read(evs), "post:CNPOST")
		if l.Liable != "" {
			liable.Add(1)
			rules.Compensation(k, "ems", 1200, decimal.Zero)
		}
		return nil
	})
	fmt.Printf("\nliability decisions: %d claims (%d with a liable post)\n", len(cs), liable.Load())
	dec.print("decided from the stored scans")
	ps := pick(*nPosted)
	posted := run(ps, *workers, func(id string) error {
		in, _, err := a.Inquiry.Open(ctx, officer, id, "")
		if err != nil {
			return err
		}
		_, err = a.Inquiry.Decide(ctx, officer, in.ID, inquiry.ClaimRequest{Kind: inquiry.ClaimLoss})
		return err
	})
	posted.print(fmt.Sprintf("opened + decided + posted (%d)", len(ps)))
}

// seed_ stores the items' journeys in batches and returns the ids and the
// number of events.
func seed_(ctx context.Context, st interface {
	AppendEvents(ctx context.Context, events []tracking.Event, received time.Time) (int, error)
}, n int, now time.Time, rng *rand.Rand) ([]string, int) {
	items := make([]string, n)
	var batch []tracking.Event
	total := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := st.AppendEvents(ctx, batch, now); err != nil {
			log.Fatal(err)
		}
		total += len(batch)
		batch = batch[:0]
	}
	for i := range items {
		id, err := postal.NewS10("EE", uint32(i+1), "CN")
		if err != nil {
			log.Fatal(err)
		}
		items[i] = string(id)
		posted := now.Add(-time.Duration(1+rng.IntN(60*24)) * time.Hour)
		org, dst := origins[rng.IntN(len(origins))], dests[rng.IntN(len(dests))]
		steps := len(journey) // delivered
		held := false
		switch r := rng.Float64(); {
		case r < 0.15:
			steps, held = 7, true // import customs hold
		case r < 0.40:
			steps = 3 + rng.IntN(6) // on the way
		}
		for k := 0; k < steps; k++ {
			j := journey[k]
			at := posted.Add(time.Duration(j.hours) * time.Hour)
			if at.After(now) {
				break
			}
			off := org
			if j.abroad {
				off = dst
			}
			e := tracking.Event{Object: items[i], Code: j.code, Office: off, Time: at, Source: "post"}
			if held && k == 6 {
				e.Code, e.Reason = tracking.EME, "missing invoice"
			}
			if j.code == tracking.EMI {
				e.Signatory = "A. Nowak"
			}
			batch = append(batch, e)
		}
		if len(batch) >= 100_000 {
			flush()
		}
	}
	flush()
	return items, total
}

type result struct {
	calls    int
	rate     float64
	p50, p99 time.Duration
}

func (r result) print(label string) {
	fmt.Printf("%-44s %10.0f %9.3f %9.3f\n", label, r.rate, ms(r.p50), ms(r.p99))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// run calls fn for every id on workers goroutines and measures.
func run(ids []string, workers int, fn func(string) error) result {
	lat := make([]time.Duration, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				t := time.Now()
				if err := fn(ids[i]); err != nil {
					log.Fatalf("%s: %v", ids[i], err)
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	return result{calls: len(ids), rate: float64(len(ids)) / el.Seconds(), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100]}
}
