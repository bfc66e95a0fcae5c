// Command customs benchmarks the customs risk engine and manifest import
// (docs/benchmarks.md, "Customs screening and manifest import"):
//
//  1. screening: a generated rule set (≥ 500 rules, ≥ 10,000 watch-list
//     names) screens generated declarations on every core; the peer is a
//     naive engine that tries every rule and every watch-list name;
//  2. import: a manifest of ≥ 1,000,000 CSV lines into SQLite and, with
//     -pg, PostgreSQL, through the same code as `interpost customs import`;
//     the peers are the sqlite3 CLI's .import and psql's \copy of the same
//     file into a bare table (no validation, screening, JSON or indexes).
//
// go run ./bench/customs [-decls 200000] [-rules 500] [-watch 10000] [-lines 1000000] [-pg postgres://…] [-dir DIR]
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/sqlstore"
)

func main() {
	nDecls := flag.Int("decls", 200_000, "declarations to screen")
	nRules := flag.Int("rules", 500, "rules in the generated rule set")
	nWatch := flag.Int("watch", 10_000, "watch-list entries")
	nPeer := flag.Int("peer", 2_000, "declarations the naive peer screens")
	nLines := flag.Int("lines", 1_000_000, "CSV lines of the import manifest (0 skips the import)")
	pgURL := flag.String("pg", os.Getenv("INTERPOST_BENCH_POSTGRES"), "PostgreSQL server for the import (a fresh database is created and dropped)")
	dir := flag.String("dir", "", "parent of the temporary directory (manifest, SQLite)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the screening to this file")
	importProfile := flag.String("importprofile", "", "write a CPU profile of the SQLite import to this file")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()
	rates := postal.DefaultRates()

	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s %s/%s; other work may share the cores\n\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	base, err := risk.ParseRules(demo.CustomsRules, "demo")
	check(err)
	r := rand.New(rand.NewPCG(2026, 1123))
	rf := ruleFile(r, base, *nRules, *nWatch)
	text, err := rf.Format()
	check(err)
	heap0 := heapInUse()
	start := time.Now()
	e, err := risk.CompileRules(text, "bench rules", rates)
	check(err)
	compile := time.Since(start)
	engineMB := float64(heapInUse()-heap0) / (1 << 20)
	fmt.Printf("rule set: %d rules, %d watch-list names and aliases, %d duty tables; %d KiB of YAML parsed, checked and compiled in %v; engine heap %.1f MiB\n\n",
		e.Counts.Rules, e.Counts.Watchlist, e.Counts.Duties, len(text)/1024, compile.Round(time.Millisecond), engineMB)

	decls := declarations(r, *nDecls, rf.Watchlist)
	start = time.Now()
	valid := make([]customs.Declaration, 0, len(decls))
	for _, d := range decls {
		v, err := customs.Validate(d, e.Money())
		check(err)
		valid = append(valid, v)
	}
	validate := time.Since(start)
	decls = nil

	workers := runtime.GOMAXPROCS(0)
	screenAll(e, valid[:min(len(valid), 20_000)], workers) // warm up
	one, oneCPU, _, _ := screenAll(e, valid, 1)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	all, allCPU, acts, allocs := screenAll(e, valid, workers)
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	peerRate := naivePeer(e, rf, valid[:min(*nPeer, len(valid))])

	n := float64(len(valid))
	fmt.Println("Screening (whole screen: every rule, watch list on sender/addressee/seller, splitting, duties not included;")
	fmt.Println("decl/CPU-s × goroutines divides by the CPU time this process used: the rate unshared cores would give):")
	fmt.Printf("%28s|%14s|%10s|%22s|%12s|%8s|\n", "", "declarations/s", "µs/decl", "decl/CPU-s × goroutines", "allocs/decl", "× peer")
	row := func(name string, rate float64, cpuRate string, allocs string) {
		fmt.Printf("%28s|%14.0f|%10.2f|%22s|%12s|%8.1f|\n", name, rate, 1e6/rate, cpuRate, allocs, rate/peerRate)
	}
	row("naive peer, 1 goroutine", peerRate, "", "")
	row("engine, 1 goroutine", n/one.Seconds(), fmt.Sprintf("%.0f", n/oneCPU.Seconds()), "")
	row(fmt.Sprintf("engine, %d goroutines", workers), n/all.Seconds(), fmt.Sprintf("%.0f", n/allCPU.Seconds()*float64(workers)), fmt.Sprintf("%.1f", allocs))
	fmt.Printf("validate (parse money, HS, S10; convert to SDR), 1 goroutine: %.0f declarations/s\n", n/validate.Seconds())
	fmt.Printf("proposed actions over %d declarations: %s\n\n", len(valid), fmtActions(acts))
	valid = nil

	if *nLines == 0 {
		return
	}
	tmp, err := os.MkdirTemp(*dir, "customs-bench-")
	check(err)
	defer os.RemoveAll(tmp)
	manifest := filepath.Join(tmp, "manifest.csv")
	lines, nd := writeManifest(manifest, r, *nLines, rf.Watchlist)
	fi, err := os.Stat(manifest)
	check(err)
	fmt.Printf("Import of a %d-line manifest (%d declarations, %.0f MiB CSV), one transaction, through customs.Service.ImportManifest:\n", lines, nd, float64(fi.Size())/(1<<20))
	fmt.Printf("%34s|%10s|%10s|%12s|%10s|\n", "", "seconds", "lines/s", "peak heap", "× peer")
	offices, err := demo.Offices()
	check(err)

	sq, err := sqlite.Open(ctx, filepath.Join(tmp, "sqlite"))
	check(err)
	check(sq.PutOffices(ctx, offices))
	peer := sqlitePeer(manifest, filepath.Join(tmp, "peer.db"))
	if *importProfile != "" {
		f, err := os.Create(*importProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	secs, peak := importInto(ctx, sq, e, manifest)
	if *importProfile != "" {
		pprof.StopCPUProfile()
	}
	check(sq.Close())
	importRow("sqlite3 CLI .import (peer)", peer, lines, 0, peer)
	importRow("Interpost → SQLite", secs, lines, peak, peer)
	if st, err := os.Stat(filepath.Join(tmp, "sqlite", sqlite.FileName)); err == nil {
		fmt.Printf("%34s  SQLite file %.0f MiB\n", "", float64(st.Size())/(1<<20))
	}
	if *pgURL != "" {
		pgBench(ctx, *pgURL, offices, e, manifest, lines)
	} else {
		fmt.Println("PostgreSQL: skipped (give -pg postgres://… or INTERPOST_BENCH_POSTGRES)")
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// screenAll screens ds on n goroutines, each keeping its own splitting
// history as one import batch does, and returns the wall time, the CPU time
// the process used meanwhile, the actions and the allocations per
// declaration.
func screenAll(e *risk.Engine, ds []customs.Declaration, n int) (time.Duration, time.Duration, map[risk.Action]int, float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	acts := make([]map[risk.Action]int, n)
	var wg sync.WaitGroup
	now := time.Now()
	start, cpu0 := time.Now(), cpuTime()
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := map[string]risk.Prior{}
			acts[w] = map[risk.Action]int{}
			for i := w; i < len(ds); i += n {
				d := &ds[i]
				key := d.AddresseeKey()
				p := seen[key]
				s := customs.Screen(e, d, p, now)
				seen[key] = p.Add(1)
				acts[w][s.Action]++
				for _, h := range s.Hits {
					acts[w][risk.Action("hit:"+string(h.Kind))]++
				}
			}
		}()
	}
	wg.Wait()
	el, cpu := time.Since(start), cpuTime()-cpu0
	runtime.ReadMemStats(&after)
	total := map[risk.Action]int{}
	for _, a := range acts {
		for k, v := range a {
			total[k] += v
		}
	}
	return el, cpu, total, float64(after.Mallocs-before.Mallocs) / float64(len(ds))
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fmtActions(m map[risk.Action]int) string {
	var s, h []string
	for _, a := range risk.Actions {
		if m[a] > 0 {
			s = append(s, fmt.Sprintf("%s %d", a, m[a]))
		}
	}
	for _, k := range risk.Kinds {
		if n := m[risk.Action("hit:"+string(k))]; n > 0 {
			h = append(h, fmt.Sprintf("%s %d", k, n))
		}
	}
	return strings.Join(s, ", ") + "\nhits by rule kind: " + strings.Join(h, ", ")
}

// writeManifest writes at least lines CSV rows and returns the rows and
// declarations written.
func writeManifest(path string, r *rand.Rand, lines int, watch []risk.WatchSpec) (int, int) {
	f, err := os.Create(path)
	check(err)
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := customs.NewCSVWriter(bw)
	check(err)
	rows, nd, chunk := 0, 0, 0
	for rows < lines {
		ds := declarations(r, 10_000, watch)
		for i := range ds {
			if rows >= lines {
				break
			}
			// Unique ids across chunks: the generator numbers from 0 each call.
			ds[i].ID = uniqueID(ds[i], chunk, i)
			check(w.Write(&ds[i]))
			rows += len(ds[i].Lines)
			nd++
		}
		chunk++
	}
	check(w.Flush())
	check(bw.Flush())
	check(f.Close())
	return rows, nd
}

func uniqueID(d customs.Declaration, chunk, i int) string {
	n := chunk*10_000 + i
	switch d.Stream {
	case customs.StreamPostal:
		id, err := postal.NewS10(d.ID[:2], uint32(n%100_000_000), d.ID[11:])
		check(err)
		return string(id)
	case customs.StreamExpress:
		return fmt.Sprintf("1Z%016d", n)
	}
	return fmt.Sprintf("EC%014d", n)
}

// importInto imports the manifest and samples the Go heap while it runs.
func importInto(ctx context.Context, st *sqlstore.Store, e *risk.Engine, manifest string) (float64, uint64) {
	svc := &customs.Service{Store: st, Offices: st}
	svc.SetRules(e)
	f, err := os.Open(manifest)
	check(err)
	defer f.Close()
	var peak uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	start := time.Now()
	rep, err := svc.ImportManifest(ctx, auth.Principal{Role: auth.RoleAdmin}, f, customs.ImportOptions{Format: customs.FormatCSV, Name: "bench.csv"})
	secs := time.Since(start).Seconds()
	close(done)
	check(err)
	if !rep.Stored || rep.Rejected > 0 {
		log.Fatalf("import stored=%v rejected=%d: %v", rep.Stored, rep.Rejected, rep.Errors[:min(5, len(rep.Errors))])
	}
	return secs, peak
}

func importRow(name string, secs float64, lines int, peak uint64, peer float64) {
	heap := "n/a"
	if peak > 0 {
		heap = fmt.Sprintf("%.0f MiB", float64(peak)/(1<<20))
	}
	fmt.Printf("%34s|%10.1f|%10.0f|%12s|%10.2f|\n", name, secs, float64(lines)/secs, heap, peer/secs)
}

// sqlitePeer times the sqlite3 CLI importing the same CSV into a bare table.
func sqlitePeer(manifest, db string) float64 {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		log.Printf("sqlite3 CLI not found: peer skipped")
		return 0
	}
	script := "PRAGMA journal_mode=WAL;\n.import --csv " + manifest + " manifest\n"
	start := time.Now()
	cmd := exec.Command("sqlite3", db)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		log.Fatalf("sqlite3 .import: %v: %s", err, out)
	}
	return time.Since(start).Seconds()
}

func pgBench(ctx context.Context, url string, offices []networkOffice, e *risk.Engine, manifest string, lines int) {
	admin, err := sql.Open("pgx", url)
	check(err)
	defer admin.Close()
	name := fmt.Sprintf("customs_bench_%d", time.Now().Unix())
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name)
	check(err)
	defer func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			log.Printf("drop %s: %v", name, err)
		}
	}()
	dbURL := withDatabase(url, name)
	pg, err := postgres.Open(ctx, dbURL)
	check(err)
	check(pg.PutOffices(ctx, offices))
	peer := psqlPeer(dbURL, manifest)
	secs, peak := importInto(ctx, pg, e, manifest)
	check(pg.Close())
	importRow("psql \\copy (peer)", peer, lines, 0, peer)
	importRow("Interpost → PostgreSQL", secs, lines, peak, peer)
}

// psqlPeer times psql's \copy of the CSV into a bare table of text columns.
func psqlPeer(url, manifest string) float64 {
	cols := customs.CSVColumns()
	ddl := "CREATE TABLE peer_manifest (" + strings.Join(cols, " text, ") + " text);"
	script := ddl + "\n\\copy peer_manifest FROM '" + manifest + "' WITH (FORMAT csv, HEADER true)\n"
	start := time.Now()
	cmd := exec.Command("psql", "-q", "-v", "ON_ERROR_STOP=1", url)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		log.Fatalf("psql \\copy: %v: %s", err, out)
	}
	return time.Since(start).Seconds()
}

func withDatabase(url, db string) string {
	q := ""
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, q = url[:i], url[i:]
	}
	i := strings.LastIndexByte(url, '/')
	if i < len("postgres://") {
		return url + "/" + db + q
	}
	return url[:i+1] + db + q
}
