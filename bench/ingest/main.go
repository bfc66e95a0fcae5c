// Command ingest measures tracking event ingest end to end, beside the
// physical floor of the same machine, in one run:
//
//   - the sqlite3 command-line shell's .import of the CSV file into a plain
//     table (no index, no checks: C SQLite at full speed);
//   - interpost's own path into SQLite: the `interpost events import` code —
//     CSV parsing, validation of every event (code, S10 check digit, known
//     office, time), dedupe within the batch, the unlinked check against the
//     shipments, and the bulk insert that skips events already stored (the
//     identity index);
//   - with -pg (default: $INTERPOST_TEST_POSTGRES): PostgreSQL COPY of the
//     same file into a plain table, and interpost's path into PostgreSQL
//     (COPY into a staging table, INSERT … ON CONFLICT DO NOTHING);
//   - then timeline lookups of random items at that size: the whole
//     GET /v1/items/{id}/events work (events, shipment, derived status,
//     estimate) without HTTP, p50 and p99;
//   - and, with -project, how fast the item read model catches up after
//     the backfill on each backend (its lag), next to the ingest rate.
//
// The data is generated first (untimed): -n records in the tracking CSV wire
// format, ten scans per item, ordered as they would reach a post (see
// data.go), 1 % resent. Dirty pages are synced to disk before each timed
// phase. CLI and COPY figures include process or connection start.
//
// Usage:
//
//	go run ./bench/ingest [-n 10000000] [-lookups 10000] [-dir DIR] [-pg URL] [-project]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

type config struct {
	n, lookups, batch int
	dir, pg, cli      string
	project, keep     bool
	cpuprofile        string
}

type row struct {
	what    string
	events  int
	elapsed time.Duration
	note    string
	peer    *row // the floor
	store   *row // C SQLite storing into the same schema
}

type lookupRow struct {
	what     string
	p50, p99 time.Duration
	n        int
}

func main() {
	var c config
	flag.IntVar(&c.n, "n", 10_000_000, "events (records) to ingest")
	flag.IntVar(&c.lookups, "lookups", 10_000, "timeline lookups of random items")
	flag.IntVar(&c.batch, "batch", 250_000, "events per transaction (interpost events import --batch)")
	flag.StringVar(&c.dir, "dir", "", "working directory (default: a new temporary directory, removed at the end)")
	flag.StringVar(&c.pg, "pg", os.Getenv("INTERPOST_TEST_POSTGRES"), "PostgreSQL server URL (a database is created and dropped); empty skips PostgreSQL")
	flag.StringVar(&c.cli, "sqlite3", "sqlite3", "the sqlite3 command-line shell")
	flag.BoolVar(&c.project, "project", true, "also time the item read model catching up (both backends)")
	flag.BoolVar(&c.keep, "keep", false, "keep the working directory")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of interpost's SQLite ingest to this file")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench/ingest:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	ctx := context.Background()
	if c.dir == "" {
		d, err := os.MkdirTemp("", "interpost-ingest-")
		if err != nil {
			return err
		}
		c.dir = d
		if !c.keep {
			defer os.RemoveAll(d)
		}
	}
	offices, err := demo.Offices()
	if err != nil {
		return err
	}
	csvPath := filepath.Join(c.dir, "events.csv")
	fmt.Fprintf(os.Stderr, "generating %d events in %s …\n", c.n, csvPath)
	ds, err := generate(csvPath, c.n, offices, 2026, bar("generating"))
	if err != nil {
		return err
	}
	fi, err := os.Stat(csvPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d records (%d unique events of %d items), %.0f MB\n", ds.records, ds.unique, len(ds.items), float64(fi.Size())/1e6)
	var rows []*row
	var lookups []lookupRow

	flush()
	floor, err := sqliteImport(c, csvPath)
	if err != nil {
		return fmt.Errorf("sqlite3 .import: %w", err)
	}
	rows = append(rows, floor)

	flush()
	native, err := sqliteIndexed(c, ds)
	if err != nil {
		return fmt.Errorf("sqlite3, identity index: %w", err)
	}
	native.peer = floor
	rows = append(rows, native)

	flush()
	st, err := sqlite.Open(ctx, filepath.Join(c.dir, "interpost-sqlite"))
	if err != nil {
		return err
	}
	defer st.Close()
	if c.cpuprofile != "" {
		pf, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
	}
	ours, svc, err := ingest(ctx, c, st, csvPath, ds, "interpost → SQLite (validate, dedupe, identity index)")
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	ours.peer, ours.store = floor, native
	rows = append(rows, ours)
	lk, err := timelines(ctx, c, svc, ds, "SQLite")
	if err != nil {
		return err
	}
	lookups = append(lookups, lk...)
	if c.project {
		flush()
		r, err := project(ctx, svc, "item read model catch-up (SQLite)")
		if err != nil {
			return err
		}
		r.note += fmt.Sprintf("; %.2f× the ingest rate", (float64(r.events)/r.elapsed.Seconds())/(float64(ours.events)/ours.elapsed.Seconds()))
		rows = append(rows, r)
	}

	if c.pg != "" {
		pgRows, pgLookups, err := pgBench(ctx, c, csvPath, ds)
		if err != nil {
			return fmt.Errorf("PostgreSQL: %w", err)
		}
		rows = append(rows, pgRows...)
		lookups = append(lookups, pgLookups...)
	}
	printTable(os.Stdout, c, ds, rows, lookups)
	return nil
}

func bar(what string) func(done, all int) {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		last := -1
		return func(done, all int) {
			if p := done * 10 / max(all, 1); p != last {
				last = p
				fmt.Fprintf(os.Stderr, "%s: %d%%\n", what, p*10)
			}
		}
	}
	var b *progressbar.ProgressBar
	return func(done, all int) {
		if b == nil {
			b = progressbar.NewOptions(all, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(os.Stderr) }))
		}
		_ = b.Set(done)
	}
}

// sqliteImport times the sqlite3 shell importing the CSV into a plain table.
func sqliteImport(c config, csvPath string) (*row, error) {
	if _, err := exec.LookPath(c.cli); err != nil {
		return nil, fmt.Errorf("%s not found (apt-get install sqlite3, or -sqlite3 PATH)", c.cli)
	}
	db := filepath.Join(c.dir, "plain.db")
	script := `CREATE TABLE events (object TEXT, code TEXT, office TEXT, time TEXT, source TEXT, reason TEXT, next_office TEXT, signatory TEXT);
.import --csv --skip 1 ` + csvPath + ` events
`
	fmt.Fprintln(os.Stderr, "sqlite3 .import …")
	cmd := exec.Command(c.cli, db)
	cmd.Stdin = strings.NewReader(script)
	started := time.Now()
	out, err := cmd.CombinedOutput()
	el := time.Since(started)
	if err != nil || len(out) > 0 {
		return nil, fmt.Errorf("%v: %s", err, firstLines(string(out), 5))
	}
	var n int
	cnt, err := exec.Command(c.cli, db, "SELECT count(*) FROM events").Output()
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Sscan(string(cnt), &n); err != nil {
		return nil, err
	}
	v, err := exec.Command(c.cli, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &row{what: "sqlite3 .import, plain table (the floor)", events: n, elapsed: el, note: "SQLite " + strings.Fields(string(v))[0]}, nil
}

// sqliteIndexed times C SQLite doing only the storing part of our path:
// the sqlite3 shell moves the rows .import left in plain.db into the
// tracking_events table as interpost's migrations define it (identity
// index, S10 ids packed), c.batch rows per transaction, each sorted by
// (object, time), INSERT OR IGNORE, WAL with synchronous=FULL and the same
// page cache and checkpoint interval. No parsing or validation (the rows are already in a table):
// the fastest any store path with this index can be on this machine.
func sqliteIndexed(c config, ds *dataset) (*row, error) {
	plain := filepath.Join(c.dir, "plain.db")
	db := filepath.Join(c.dir, "indexed.db")
	defer os.Remove(plain)
	defer os.Remove(db)
	const pack = `CASE WHEN object GLOB '[A-Z][A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z][A-Z]'
  THEN ((unicode(substr(object, 1, 1)) - 65) * 26 + unicode(substr(object, 2, 1)) - 65) * 676000000000
     + CAST(substr(object, 3, 9) AS INTEGER) * 676 + (unicode(substr(object, 12, 1)) - 65) * 26 + unicode(substr(object, 13, 1)) - 65
  ELSE object END`
	var b strings.Builder
	b.WriteString(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 25000;
ATTACH '` + plain + `' AS src;
CREATE TABLE tracking_events (seq INTEGER PRIMARY KEY, object NOT NULL, code TEXT NOT NULL, office TEXT NOT NULL, time INTEGER NOT NULL,
  tz_offset INTEGER NOT NULL, source TEXT NOT NULL, reason TEXT, next_office TEXT, signatory TEXT, received_at INTEGER NOT NULL);
CREATE UNIQUE INDEX tracking_events_identity ON tracking_events (object, time, code, office, source);
`)
	for lo := 0; lo < ds.records; lo += c.batch {
		fmt.Fprintf(&b, `BEGIN IMMEDIATE;
INSERT OR IGNORE INTO tracking_events (object, code, office, time, tz_offset, source, reason, next_office, signatory, received_at)
SELECT %s AS k, code, office, unixepoch(time) * 1000000 AS t, 0, source, NULL, NULL, NULL, 1 FROM src.events
WHERE rowid > %d AND rowid <= %d ORDER BY k, t;
COMMIT;
`, pack, lo, lo+c.batch)
	}
	b.WriteString("SELECT count(*) FROM tracking_events;\n")
	fmt.Fprintln(os.Stderr, "sqlite3, identity index …")
	cmd := exec.Command(c.cli, db)
	cmd.Stdin = strings.NewReader(b.String())
	started := time.Now()
	out, err := cmd.CombinedOutput()
	el := time.Since(started)
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, firstLines(string(out), 5))
	}
	var n int
	lines := strings.Fields(string(out)) // the pragmas' answers, then the count
	if len(lines) == 0 {
		return nil, fmt.Errorf("no count from sqlite3")
	}
	if _, err := fmt.Sscan(lines[len(lines)-1], &n); err != nil || n != ds.unique {
		return nil, fmt.Errorf("stored %d events (%v), want %d: %s", n, err, ds.unique, firstLines(string(out), 5))
	}
	return &row{what: "sqlite3, identity index, same batches (C store floor)", events: ds.records, elapsed: el,
		note: fmt.Sprintf("%d per transaction, no parsing or validation", c.batch)}, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// ingest runs `interpost events import` over the file.
func ingest(ctx context.Context, c config, st store.Store, csvPath string, ds *dataset, what string) (*row, *tracking.Service, error) {
	offices, err := demo.Offices()
	if err != nil {
		return nil, nil, err
	}
	if err := st.PutOffices(ctx, offices); err != nil {
		return nil, nil, err
	}
	svc := &tracking.Service{Store: st, Offices: st}
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fmt.Fprintf(os.Stderr, "%s …\n", what)
	progress := bar(what)
	started := time.Now()
	res, err := svc.IngestStream(ctx, auth.Principal{Role: auth.RoleAdmin}, tracking.NewCSVDecoder(f), tracking.StreamOptions{
		Batch: c.batch, Progress: func(n int) { progress(n, ds.records) }})
	el := time.Since(started)
	if err != nil {
		return nil, nil, err
	}
	if res.RejectedCount > 0 || res.New != ds.unique || res.Received != ds.records {
		return nil, nil, fmt.Errorf("read %d, stored %d new, rejected %d (first: %v); want %d read, %d new", res.Received, res.New, res.RejectedCount,
			firstReason(res), ds.records, ds.unique)
	}
	note := fmt.Sprintf("%d new, %d duplicates dropped, %d unlinked", res.New, res.Duplicates, res.UnlinkedCount)
	return &row{what: what, events: res.Received, elapsed: el, note: note}, svc, nil
}

func firstReason(r tracking.Result) string {
	if len(r.Rejected) == 0 {
		return "-"
	}
	return r.Rejected[0].Reason
}

// timelines times GET /v1/items/{id}/events' work and the bare store read.
func timelines(ctx context.Context, c config, svc *tracking.Service, ds *dataset, backend string) ([]lookupRow, error) {
	rng := rand.New(rand.NewPCG(7, 7))
	admin := auth.Principal{Role: auth.RoleAdmin}
	full := make([]time.Duration, 0, c.lookups)
	bare := make([]time.Duration, 0, c.lookups)
	for range c.lookups {
		id := ds.items[rng.IntN(len(ds.items))]
		t0 := time.Now()
		tl, err := svc.Timeline(ctx, admin, id)
		full = append(full, time.Since(t0))
		if err != nil {
			return nil, fmt.Errorf("timeline %s: %w", id, err)
		}
		if len(tl.Events) != eventsPerItem {
			return nil, fmt.Errorf("timeline %s has %d events, want %d", id, len(tl.Events), eventsPerItem)
		}
		t0 = time.Now()
		if _, err := svc.Store.EventsOf(ctx, id); err != nil {
			return nil, err
		}
		bare = append(bare, time.Since(t0))
	}
	p := func(d []time.Duration) (time.Duration, time.Duration) {
		slices.Sort(d)
		return d[len(d)/2], d[len(d)*99/100]
	}
	a50, a99 := p(full)
	b50, b99 := p(bare)
	return []lookupRow{
		{what: "timeline (status, shipment, estimate), " + backend, p50: a50, p99: a99, n: len(full)},
		{what: "events of one item (store read), " + backend, p50: b50, p99: b99, n: len(bare)},
	}, nil
}

func project(ctx context.Context, svc *tracking.Service, what string) (*row, error) {
	fmt.Fprintf(os.Stderr, "%s …\n", what)
	started := time.Now()
	n, err := svc.CatchUp(ctx)
	if err != nil {
		return nil, err
	}
	return &row{what: what, events: n, elapsed: time.Since(started), note: "statuses, milestones, lanes: asynchronous to ingest"}, nil
}

// pgBench creates a database, times COPY into a plain table and interpost's
// path, and looks timelines up; the database is dropped at the end.
func pgBench(ctx context.Context, c config, csvPath string, ds *dataset) ([]*row, []lookupRow, error) {
	admin, err := pgx.Connect(ctx, c.pg)
	if err != nil {
		return nil, nil, err
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("interpost_bench_%d", time.Now().Unix())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, err
	}
	if !c.keep {
		defer func() {
			if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				fmt.Fprintln(os.Stderr, "drop", name+":", err)
			}
		}()
	}
	url := withDatabase(c.pg, name)
	var version string
	if err := admin.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		return nil, nil, err
	}
	flush()
	floor, err := pgCopy(ctx, url, csvPath)
	if err != nil {
		return nil, nil, err
	}
	floor.note = "PostgreSQL " + strings.Fields(version)[0]
	flush()
	st, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	ours, svc, err := ingest(ctx, c, st, csvPath, ds, "interpost → PostgreSQL (COPY, ON CONFLICT DO NOTHING)")
	if err != nil {
		return nil, nil, err
	}
	ours.peer = floor
	// Measure lookups in steady state: after a bulk load of this size
	// autovacuum would otherwise be vacuuming and analysing the table
	// (minutes of IO) during the lookups. Untimed.
	fmt.Fprintln(os.Stderr, "VACUUM ANALYZE tracking_events …")
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) tracking_events"); err != nil {
		return nil, nil, err
	}
	lk, err := timelines(ctx, c, svc, ds, "PostgreSQL")
	if err != nil {
		return nil, nil, err
	}
	rows := []*row{floor, ours}
	if c.project {
		flush()
		r, err := project(ctx, svc, "item read model catch-up (PostgreSQL)")
		if err != nil {
			return nil, nil, err
		}
		r.note += fmt.Sprintf("; %.2f× the ingest rate", (float64(r.events)/r.elapsed.Seconds())/(float64(ours.events)/ours.elapsed.Seconds()))
		rows = append(rows, r)
	}
	return rows, lk, nil
}

func pgCopy(ctx context.Context, url, csvPath string) (*row, error) {
	fmt.Fprintln(os.Stderr, "PostgreSQL COPY …")
	started := time.Now()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE events_plain (object text, code text, office text, time timestamptz, source text,
		reason text, next_office text, signatory text)`); err != nil {
		return nil, err
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tag, err := conn.PgConn().CopyFrom(ctx, f, "COPY events_plain FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil {
		return nil, err
	}
	return &row{what: "PostgreSQL COPY, plain table (the floor)", events: int(tag.RowsAffected()), elapsed: time.Since(started)}, nil
}

// withDatabase replaces the database name in a postgres:// URL.
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

func printTable(w io.Writer, c config, ds *dataset, rows []*row, lookups []lookupRow) {
	host, _ := os.Hostname()
	fmt.Fprintf(w, "\nTracking ingest, %d records (%d unique events, %d items, 1%% resent) on %s, %d CPUs\n\n", ds.records, ds.unique, len(ds.items), host, runtime.NumCPU())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PATH\tEVENTS\tSECONDS\tEVENTS/S\tVS FLOOR\tVS C STORE\tNOTE")
	for _, r := range rows {
		rate := float64(r.events) / r.elapsed.Seconds()
		ratio := ""
		if r.peer != nil {
			ratio = fmt.Sprintf("%.2f×", rate/(float64(r.peer.events)/r.peer.elapsed.Seconds()))
		}
		vsStore := ""
		if r.store != nil {
			vsStore = fmt.Sprintf("%.2f×", rate/(float64(r.store.events)/r.store.elapsed.Seconds()))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.0f\t%s\t%s\t%s\n", r.what, r.events, r.elapsed.Seconds(), rate, ratio, vsStore, r.note)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOOKUP\tN\tP50\tP99")
	for _, l := range lookups {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", l.what, l.n, l.p50.Round(time.Microsecond), l.p99.Round(time.Microsecond))
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
