// Command ceb benchmarks the CEB codec (package customs/ceb; docs/benchmarks.md, "CEB messages"):
//
//  1. generate: build, validate and write N messages, CEB511 waybills and CEB621 inventories
//     alternately (1 to 4 goods lines), from varied seeded data, on every core; the peer
//     marshals the same data with encoding/xml from tagged structs, without validation;
//  2. receipts: parse, validate and read N receipts (CEB512 and CEB622, both namespace
//     styles, from a pool of distinct files) on every core; the peer is encoding/xml
//     Unmarshal into a struct, without validation.
//
// Peak memory is the process's peak resident set (VmHWM) and the largest heap seen.
//
// go run ./bench/ceb [-n 1000000] [-receipts 1000000] [-peer 200000] [-workers 0]
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/interpost/interpost/customs/ceb"
)

func main() {
	n := flag.Int("n", 1_000_000, "messages to generate and validate (511/621 alternately)")
	nReceipts := flag.Int("receipts", 1_000_000, "receipts to parse")
	nPeer := flag.Int("peer", 200_000, "messages each peer handles")
	workers := flag.Int("workers", 0, "goroutines (0 = GOMAXPROCS)")
	flag.Parse()
	log.SetFlags(0)
	if *workers <= 0 {
		*workers = runtime.GOMAXPROCS(0)
	}
	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s %s/%s; %d workers; other work may share the cores\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, *workers)
	stop := watchHeap()

	gen, genBytes := run(*n, *workers, func(i int, buf *bytes.Buffer) int {
		m := message(i)
		if ps := m.ValidateUnsigned(); len(ps) > 0 {
			log.Fatalf("message %d: %v", i, ps)
		}
		buf.Reset()
		ceb.AppendXML(buf, m, ceb.EncodeOptions{})
		return buf.Len()
	})
	peerGen, _ := run(*nPeer, *workers, func(i int, buf *bytes.Buffer) int {
		buf.Reset()
		if err := xml.NewEncoder(buf).Encode(peerMessage(i)); err != nil {
			log.Fatal(err)
		}
		return buf.Len()
	})
	fmt.Printf("generate + validate + write (mixed CEB511/CEB621, avg %d bytes)\n", genBytes / *n)
	report("  ceb", *n, gen)
	report("  peer encoding/xml Marshal, no validation", *nPeer, peerGen)
	fmt.Printf("  ratio ceb/peer (CPU): %.2f\n\n", (float64(*n)/gen.cpu.Seconds())/(float64(*nPeer)/peerGen.cpu.Seconds()))

	pool := receiptPool(10_000)
	var unknown atomic.Int64
	rec, recBytes := run(*nReceipts, *workers, func(i int, _ *bytes.Buffer) int {
		data := pool[i%len(pool)]
		m, err := ceb.Decode(data)
		if err != nil {
			log.Fatalf("receipt %d: %v\n%s", i, err, data)
		}
		for _, r := range m.Receipts() {
			if _, ok := ceb.DescribeStatus(r.Status); !ok {
				unknown.Add(1)
			}
		}
		return len(data)
	})
	peerRec, _ := run(*nPeer, *workers, func(i int, _ *bytes.Buffer) int {
		data := pool[i%len(pool)]
		var r peerReceipt
		if err := xml.Unmarshal(data, &r); err != nil {
			log.Fatal(err)
		}
		return len(data)
	})
	fmt.Printf("parse + validate receipts (CEB512/CEB622, prefixed and default namespace, avg %d bytes)\n", recBytes / *nReceipts)
	report("  ceb", *nReceipts, rec)
	report("  peer encoding/xml Unmarshal, no validation", *nPeer, peerRec)
	fmt.Printf("  ratio ceb/peer (CPU): %.2f\n\n", (float64(*nReceipts)/rec.cpu.Seconds())/(float64(*nPeer)/peerRec.cpu.Seconds()))
	if unknown.Load() != 0 {
		log.Fatalf("%d receipts with an unknown status", unknown.Load())
	}
	heap := stop()
	fmt.Printf("peak memory: resident %s, heap in use %.1f MiB\n", vmHWM(), float64(heap)/(1<<20))
}

func rate(n int, p phase) float64 { return float64(n) / p.wall.Seconds() }

// report prints the wall-clock rate and the rate per CPU-second: on a box whose cores are shared,
// the second says what the code costs, the first what this run got.
func report(name string, n int, p phase) {
	fmt.Printf("%-46s %9d in %7.2fs  %8.0f messages/s   %8.0f per CPU-second (%.1f µs CPU each)\n",
		name, n, p.wall.Seconds(), rate(n, p), float64(n)/p.cpu.Seconds(), float64(p.cpu.Microseconds())/float64(n))
}

// phase is one measured run: wall time and the process's CPU time (user + system).
type phase struct{ wall, cpu time.Duration }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run calls f for i in [0, n) on workers goroutines and returns the times and total bytes.
func run(n, workers int, f func(i int, buf *bytes.Buffer) int) (phase, int) {
	var wg sync.WaitGroup
	var total atomic.Int64
	cpu0 := cpuTime()
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			var buf bytes.Buffer
			sum := 0
			for i := w; i < n; i += workers {
				sum += f(i, &buf)
			}
			total.Add(int64(sum))
		})
	}
	wg.Wait()
	return phase{time.Since(start), cpuTime() - cpu0}, int(total.Load())
}

// watchHeap samples the heap every 10 ms; the returned func stops and gives the peak.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
		}
	}
	return "unknown"
}
