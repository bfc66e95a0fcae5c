// Command sqlitedrivers measures the pure-Go SQLite drivers we can use for
// store/sqlite, and the sqlite3 CLI (C SQLite) as a peer, in one run.
//
// For each of modernc.org/sqlite, github.com/ncruces/go-sqlite3 (its
// database/sql driver with the SQLite build it embeds) and the sqlite3 CLI it
// measures, on a table shaped like our shipments/events table:
//
//   - bulk insert of -n rows, 10k rows per transaction, prepared statement,
//     WAL, synchronous=NORMAL;
//   - -commits rows with synchronous=FULL (fsync on every commit, our
//     durability setting for accepted shipments), one row per transaction;
//   - -lookups point lookups by item_id (random existing ids, ~5 rows each):
//     p50/p99 latency and lookups/s.
//
// It prints one table with the ratio of each driver against the CLI. The CLI
// is fed the same rows: the bulk load as one `.import` per 10k-row CSV file
// (the shell runs each import as one transaction with one prepared INSERT),
// the commits as one INSERT statement per transaction, and the lookups as one
// script of SELECT statements. CLI figures are wall-clock times of the whole
// sqlite3 process, including its start, so they slightly favour the drivers;
// p50/p99 are not available for the CLI. Data generation is never timed, and
// dirty pages are synced to disk (untimed) before every timed phase so one
// phase's writeback does not slow the next one's fsyncs.
//
// Usage:
//
//	go run ./bench/sqlitedrivers [-n 1000000] [-commits 2000] [-lookups 100000] [-dir DIR]
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
	_ "modernc.org/sqlite" // registers "sqlite"
)

const (
	batchSize = 10_000

	schema = `CREATE TABLE events (
	seq      integer PRIMARY KEY,
	item_id  text    NOT NULL,
	merchant text    NOT NULL,
	code     text    NOT NULL,
	office   text    NOT NULL,
	ts       integer NOT NULL,
	body     text    NOT NULL
);
CREATE INDEX events_item_id ON events(item_id);
`
	insertSQL = `INSERT INTO events (seq, item_id, merchant, code, office, ts, body) VALUES (?, ?, ?, ?, ?, ?, ?)`
	lookupSQL = `SELECT seq, merchant, code, office, ts, body FROM events WHERE item_id = ? ORDER BY seq`
)

type config struct {
	n, commits, lookups int
	dir                 string
	cli                 string
	seed                uint64
}

// result holds one subject's figures. A zero duration means "not measured".
type result struct {
	name    string
	version string

	insertDur  time.Duration
	commitDur  time.Duration
	commitP50  time.Duration
	commitP99  time.Duration
	lookupDur  time.Duration
	lookupP50  time.Duration
	lookupP99  time.Duration
	lookupRows int64
	hasLatency bool
}

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 1_000_000, "rows for the bulk insert (10k rows per transaction, synchronous=NORMAL)")
	flag.IntVar(&cfg.commits, "commits", 2000, "rows for the synchronous=FULL test, one row per transaction")
	flag.IntVar(&cfg.lookups, "lookups", 100_000, "point lookups by item_id")
	flag.StringVar(&cfg.dir, "dir", "", "parent directory for the temporary databases (default: the system temp dir); it should be on the disk you care about, not tmpfs")
	flag.StringVar(&cfg.cli, "sqlite3", "sqlite3", "sqlite3 CLI used as the peer")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed for the random lookup ids")
	flag.Parse()
	if cfg.n < 1 || cfg.commits < 1 || cfg.lookups < 1 {
		fmt.Fprintln(os.Stderr, "sqlitedrivers: -n, -commits and -lookups must be positive")
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "sqlitedrivers:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	tmp, err := os.MkdirTemp(cfg.dir, "sqlitedrivers-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// The same random item ids for every subject.
	rng := rand.New(rand.NewPCG(cfg.seed, 0x5eed))
	items := itemCount(cfg.n)
	ids := make([]string, cfg.lookups)
	for i := range ids {
		ids[i] = itemID(rng.IntN(items))
	}

	fmt.Printf("SQLite drivers: %d rows bulk insert (%d rows/tx, WAL, synchronous=NORMAL), %d commits (1 row/tx, synchronous=FULL), %d lookups by item_id\n",
		cfg.n, batchSize, cfg.commits, cfg.lookups)
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), %s %s/%s, temp dir %s (%s)\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, tmp, fsType(tmp))

	var results []result
	var notes []string

	// The peer first: if it is missing we say so and go on.
	var peer *result
	cliPath, lookErr := exec.LookPath(cfg.cli)
	if lookErr != nil {
		notes = append(notes, fmt.Sprintf("peer sqlite3 CLI skipped: %v (install it with `apt-get install sqlite3`); ratios are not available", lookErr))
	} else {
		r, err := benchCLI(cfg, cliPath, tmp, ids)
		if err != nil {
			notes = append(notes, fmt.Sprintf("peer sqlite3 CLI skipped: %v", err))
		} else {
			peer = &r
			results = append(results, r)
		}
	}

	for _, d := range []struct{ name, driver string }{
		{"modernc.org/sqlite", "sqlite"},
		{"ncruces/go-sqlite3", "sqlite3"},
	} {
		r, err := benchDriver(cfg, d.name, d.driver, tmp, ids)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		results = append(results, r)
	}

	// Every subject must have returned the same rows.
	for _, r := range results[1:] {
		if r.lookupRows != results[0].lookupRows {
			notes = append(notes, fmt.Sprintf("WARNING: %s returned %d lookup rows, %s returned %d", r.name, r.lookupRows, results[0].name, results[0].lookupRows))
		}
	}

	printTable(os.Stdout, cfg, results, peer)
	fmt.Printf("\nlookups returned %.2f rows each on average.\n", float64(results[0].lookupRows)/float64(cfg.lookups))
	fmt.Println("Ratios are subject/CLI throughput: above 1.00 means faster than C SQLite through its own shell.")
	if peer != nil {
		fmt.Println("CLI figures are wall clock of the whole sqlite3 process (start, schema, work, exit); its p50/p99 are n/a: one process runs all queries.")
	}
	for _, n := range notes {
		fmt.Println(n)
	}
	return nil
}

// dsn returns the same connection string for both drivers (both accept
// _pragma and _txlock); busy_timeout goes first as ncruces asks.
func dsn(path, sync string) string {
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")&_txlock=immediate"
}

func openDB(driver, path, sync string) (*sql.DB, error) {
	db, err := sql.Open(driver, dsn(path, sync))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer connection, as store/sqlite will use
	return db, db.Ping()
}

func benchDriver(cfg config, name, driver, tmp string, ids []string) (result, error) {
	ctx := context.Background()
	res := result{name: name, hasLatency: true}
	path := filepath.Join(tmp, driver+"-bulk.db")

	// Bulk insert.
	db, err := openDB(driver, path, "NORMAL")
	if err != nil {
		return res, err
	}
	if err := db.QueryRow(`SELECT sqlite_version()`).Scan(&res.version); err != nil {
		return res, err
	}
	if _, err := db.Exec(schema); err != nil {
		return res, err
	}
	stmt, err := db.Prepare(insertSQL)
	if err != nil {
		return res, err
	}
	settle()
	bar := newProgress(name+" insert", cfg.n)
	batch := make([]row, 0, batchSize)
	for start := 1; start <= cfg.n; start += batchSize {
		batch = batch[:0]
		for i := start; i < start+batchSize && i <= cfg.n; i++ {
			batch = append(batch, makeRow(i, cfg.n))
		}
		t0 := time.Now()
		if err := insertBatch(ctx, db, stmt, batch); err != nil {
			return res, err
		}
		res.insertDur += time.Since(t0)
		bar.add(len(batch))
	}
	bar.done()
	stmt.Close()
	var count int
	if err := db.QueryRow(`SELECT count(*) FROM events`).Scan(&count); err != nil {
		return res, err
	}
	if count != cfg.n {
		return res, fmt.Errorf("inserted %d rows, want %d", count, cfg.n)
	}
	if err := db.Close(); err != nil {
		return res, err
	}

	// Lookups on a fresh connection to the database just written.
	db, err = openDB(driver, path, "NORMAL")
	if err != nil {
		return res, err
	}
	q, err := db.Prepare(lookupSQL)
	if err != nil {
		return res, err
	}
	lat := make([]time.Duration, len(ids))
	settle()
	bar = newProgress(name+" lookups", len(ids))
	var (
		seq, ts                      int64
		merchant, code, office, body string
	)
	for i, id := range ids {
		t0 := time.Now()
		rows, err := q.QueryContext(ctx, id)
		if err != nil {
			return res, err
		}
		for rows.Next() {
			if err := rows.Scan(&seq, &merchant, &code, &office, &ts, &body); err != nil {
				return res, err
			}
			res.lookupRows++
		}
		if err := rows.Err(); err != nil {
			return res, err
		}
		rows.Close()
		lat[i] = time.Since(t0)
		res.lookupDur += lat[i]
		if i%1000 == 999 {
			bar.add(1000)
		}
	}
	bar.done()
	res.lookupP50, res.lookupP99 = percentiles(lat)
	q.Close()
	db.Close()
	removeDB(path)

	// One row per transaction, synchronous=FULL.
	path = filepath.Join(tmp, driver+"-commits.db")
	db, err = openDB(driver, path, "FULL")
	if err != nil {
		return res, err
	}
	if _, err := db.Exec(schema); err != nil {
		return res, err
	}
	stmt, err = db.Prepare(insertSQL)
	if err != nil {
		return res, err
	}
	lat = make([]time.Duration, cfg.commits)
	settle()
	bar = newProgress(name+" commits", cfg.commits)
	for i := 1; i <= cfg.commits; i++ {
		r := makeRow(i, cfg.commits)
		t0 := time.Now()
		if err := insertBatch(ctx, db, stmt, []row{r}); err != nil {
			return res, err
		}
		lat[i-1] = time.Since(t0)
		res.commitDur += lat[i-1]
		if i%100 == 0 {
			bar.add(100)
		}
	}
	bar.done()
	res.commitP50, res.commitP99 = percentiles(lat)
	stmt.Close()
	db.Close()
	removeDB(path)
	return res, nil
}

func insertBatch(ctx context.Context, db *sql.DB, stmt *sql.Stmt, batch []row) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ts := tx.StmtContext(ctx, stmt) // reuses the statement prepared on this (only) connection
	for _, r := range batch {
		if _, err := ts.ExecContext(ctx, r.seq, r.itemID, r.merchant, r.code, r.office, r.ts, r.body); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func benchCLI(cfg config, cli, tmp string, ids []string) (result, error) {
	res := result{name: "sqlite3 CLI (peer)"}
	out, err := exec.Command(cli, "-version").Output()
	if err != nil {
		return res, fmt.Errorf("%s -version: %w", cli, err)
	}
	res.version, _, _ = strings.Cut(strings.TrimSpace(string(out)), " ")

	// Bulk insert: one CSV file per 10k-row batch, each loaded by one
	// `.import`, which the shell runs as one transaction with one prepared INSERT.
	csvDir := filepath.Join(tmp, "cli-csv")
	if err := os.Mkdir(csvDir, 0o755); err != nil {
		return res, err
	}
	fmt.Fprintf(os.Stderr, "sqlite3 CLI: writing %d rows as CSV batches (not timed)\n", cfg.n)
	var script bytes.Buffer
	script.WriteString("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n")
	script.WriteString(schema)
	var buf []byte
	for b, start := 0, 1; start <= cfg.n; b, start = b+1, start+batchSize {
		buf = buf[:0]
		for i := start; i < start+batchSize && i <= cfg.n; i++ {
			buf = appendCSV(buf, makeRow(i, cfg.n))
		}
		name := filepath.Join(csvDir, fmt.Sprintf("b%06d.csv", b))
		if err := os.WriteFile(name, buf, 0o644); err != nil {
			return res, err
		}
		fmt.Fprintf(&script, ".import --csv %s events\n", strconv.Quote(name))
	}
	path := filepath.Join(tmp, "cli-bulk.db")
	settle()
	fmt.Fprintln(os.Stderr, "sqlite3 CLI: bulk insert")
	d, _, err := runCLI(cli, path, script.Bytes())
	if err != nil {
		return res, fmt.Errorf("bulk insert: %w", err)
	}
	res.insertDur = d
	fmt.Fprintf(os.Stderr, "sqlite3 CLI: bulk insert done in %s\n", d.Round(time.Millisecond))
	os.RemoveAll(csvDir)
	_, out2, err := runCLI(cli, path, []byte("SELECT count(*) FROM events;\n"))
	if err != nil {
		return res, err
	}
	if got := strings.TrimSpace(out2); got != strconv.Itoa(cfg.n) {
		return res, fmt.Errorf("bulk insert left %s rows, want %d", got, cfg.n)
	}

	// Lookups: one process runs every SELECT; we count the rows it prints.
	script.Reset()
	for _, id := range ids {
		fmt.Fprintf(&script, "SELECT seq, merchant, code, office, ts, body FROM events WHERE item_id = '%s' ORDER BY seq;\n", id)
	}
	settle()
	fmt.Fprintf(os.Stderr, "sqlite3 CLI: %d lookups\n", len(ids))
	d, lines, err := runCLICount(cli, path, script.Bytes())
	if err != nil {
		return res, fmt.Errorf("lookups: %w", err)
	}
	res.lookupDur = d
	res.lookupRows = lines
	fmt.Fprintf(os.Stderr, "sqlite3 CLI: lookups done in %s\n", d.Round(time.Millisecond))
	removeDB(path)

	// Commits: autocommit INSERTs, so each statement is its own transaction.
	script.Reset()
	script.WriteString("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n")
	script.WriteString(schema)
	buf = buf[:0]
	for i := 1; i <= cfg.commits; i++ {
		buf = appendInsertSQL(buf, makeRow(i, cfg.commits))
	}
	script.Write(buf)
	path = filepath.Join(tmp, "cli-commits.db")
	settle()
	fmt.Fprintf(os.Stderr, "sqlite3 CLI: %d commits with synchronous=FULL\n", cfg.commits)
	d, _, err = runCLI(cli, path, script.Bytes())
	if err != nil {
		return res, fmt.Errorf("commits: %w", err)
	}
	res.commitDur = d
	fmt.Fprintf(os.Stderr, "sqlite3 CLI: commits done in %s\n", d.Round(time.Millisecond))
	removeDB(path)
	return res, nil
}

// runCLI feeds script to `sqlite3 -batch -bail db` on stdin and returns the
// wall-clock time of the whole process and its output.
func runCLI(cli, db string, script []byte) (time.Duration, string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(cli, "-batch", "-bail", db)
	cmd.Stdin = bytes.NewReader(script)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err == nil && stderr.Len() > 0 {
		err = errors.New("wrote to stderr")
	}
	if err != nil {
		return d, "", fmt.Errorf("%w: %s", err, firstLines(stderr.String(), 3))
	}
	return d, stdout.String(), nil
}

// runCLICount is runCLI that only counts output lines (one per row in the
// default list mode; our rows hold no newlines).
func runCLICount(cli, db string, script []byte) (time.Duration, int64, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(cli, "-batch", "-bail", db)
	cmd.Stdin = bytes.NewReader(script)
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	var lines int64
	r := bufio.NewReaderSize(pipe, 1<<20)
	chunk := make([]byte, 1<<20)
	for {
		n, err := r.Read(chunk)
		lines += int64(bytes.Count(chunk[:n], []byte{'\n'}))
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, err
		}
	}
	err = cmd.Wait()
	d := time.Since(t0)
	if err == nil && stderr.Len() > 0 {
		err = errors.New("wrote to stderr")
	}
	if err != nil {
		return d, 0, fmt.Errorf("%w: %s", err, firstLines(stderr.String(), 3))
	}
	return d, lines, nil
}

func firstLines(s string, n int) string {
	ls := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, " | ")
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.SortFunc(s, cmp.Compare)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return at(0.50), at(0.99)
}

func perSec(count int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(count) / d.Seconds()
}

func printTable(w io.Writer, cfg config, results []result, peer *result) {
	ratio := func(v, p float64) string {
		if peer == nil || p == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", v/p)
	}
	us := func(d time.Duration, ok bool) string {
		if !ok {
			return "n/a"
		}
		return fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond))
	}
	ms := func(d time.Duration, ok bool) string {
		if !ok {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
	}
	var pIns, pCom, pLook float64
	if peer != nil {
		pIns = perSec(cfg.n, peer.insertDur)
		pCom = perSec(cfg.commits, peer.commitDur)
		pLook = perSec(cfg.lookups, peer.lookupDur)
	}

	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "driver\tSQLite\tinsert rows/s\t× CLI\tFULL commits/s\t× CLI\tlookup p50 µs\tlookup p99 µs\tlookups/s\t× CLI\t")
	for _, r := range results {
		ins, com, look := perSec(cfg.n, r.insertDur), perSec(cfg.commits, r.commitDur), perSec(cfg.lookups, r.lookupDur)
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%.0f\t%s\t%s\t%s\t%.0f\t%s\t\n",
			r.name, r.version, ins, ratio(ins, pIns), com, ratio(com, pCom),
			us(r.lookupP50, r.hasLatency), us(r.lookupP99, r.hasLatency), look, ratio(look, pLook))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nPer-commit latency, synchronous=FULL, 1 row/tx (%d commits):\n", cfg.commits)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "driver\tp50 ms\tp99 ms\tmean ms\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", r.name, ms(r.commitP50, r.hasLatency), ms(r.commitP99, r.hasLatency),
			ms(r.commitDur/time.Duration(cfg.commits), true))
	}
	tw.Flush()
}

// progress reports on stderr: a bar on a terminal, plain lines every 10% otherwise.
type progress struct {
	label      string
	start      time.Time
	total, cur int
	nextLine   int
	bar        *progressbar.ProgressBar
}

func newProgress(label string, total int) *progress {
	p := &progress{label: label, start: time.Now(), total: total, nextLine: total / 10}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	} else {
		fmt.Fprintf(os.Stderr, "%s: %d\n", label, total)
	}
	return p
}

func (p *progress) add(n int) {
	p.cur += n
	if p.bar != nil {
		p.bar.Add(n)
		return
	}
	if p.cur >= p.nextLine && p.cur < p.total {
		fmt.Fprintf(os.Stderr, "%s: %d/%d (%d%%) %s\n", p.label, p.cur, p.total, p.cur*100/p.total, time.Since(p.start).Round(time.Millisecond))
		for p.nextLine <= p.cur {
			p.nextLine += max(1, p.total/10)
		}
	}
}

func (p *progress) done() {
	if p.bar != nil {
		p.bar.Finish()
	}
	fmt.Fprintf(os.Stderr, "%s: done in %s\n", p.label, time.Since(p.start).Round(time.Millisecond))
}
