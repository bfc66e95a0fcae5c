// Command upload measures a 50,000-row shipment upload end to end on SQLite
// (read and decode the CSV, validate every row as acceptance does, allocate
// S10 ids, store shipments, idempotency keys and row results, declare the
// items to customs), next to two peers measured in the same run:
//
//   - the sqlite3 command-line shell's .import of the same CSV into a plain
//     table (no checks, no index: the floor of this machine);
//   - single creates: acceptance.Service.Create per shipment, the work of one
//     POST /v1/shipments without HTTP (a transaction each, synchronous=FULL).
//
// Then the labels of the upload as one PDF (roll, a page per label): time
// and size.
//
//	go run ./bench/upload -rows 50000
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/store/sqlite"
)

var cpuProfile string

var now = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func main() {
	rows := flag.Int("rows", 50_000, "rows in the upload")
	singles := flag.Int("singles", 2_000, "shipments created one by one for the peer")
	labels := flag.Bool("labels", true, "render the upload's labels as one PDF")
	cli := flag.String("sqlite3", "sqlite3", "the sqlite3 command-line shell")
	cpu := flag.String("cpuprofile", "", "write a CPU profile of the upload to this file")
	flag.Parse()
	cpuProfile = *cpu
	if err := run(*rows, *singles, *labels, *cli); err != nil {
		fmt.Fprintln(os.Stderr, "upload:", err)
		os.Exit(1)
	}
}

func open(ctx context.Context, dir string) (*app.App, func(), error) {
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	if err := st.PutOffices(ctx, []network.Office{{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1,
		TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true}}); err != nil {
		return nil, nil, err
	}
	if err := st.PutMerchant(ctx, acceptance.Merchant{Code: "XMTEA", Name: "Xiamen Tea Co", Office: "CNXMNA", Country: "CN", CreatedAt: now}); err != nil {
		return nil, nil, err
	}
	a, err := app.New(ctx, st, app.Options{Country: "CN", Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, nil, err
	}
	return a, func() { _ = a.Close(); _ = st.Close() }, nil
}

func run(rows, singles int, labels bool, cli string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-upload")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var file bytes.Buffer
	if err := bulk.Sample(&file, rows, "BENCH"); err != nil {
		return err
	}
	csvPath := filepath.Join(dir, "upload.csv")
	if err := os.WriteFile(csvPath, file.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("upload of %d rows (%.1f MB CSV), SQLite, %s/%s, %d CPUs\n\n", rows, float64(file.Len())/1e6, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())

	// Peer 1: the sqlite3 shell.
	plain, err := sqliteImport(cli, dir, csvPath, rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlite3 .import skipped:", err)
	}

	// Interpost's upload.
	if err := os.Mkdir(filepath.Join(dir, "up"), 0o755); err != nil {
		return err
	}
	a, done, err := open(ctx, filepath.Join(dir, "up"))
	if err != nil {
		return err
	}
	defer done()
	who := auth.Principal{Role: auth.RoleMerchant, Merchant: "XMTEA"}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	started := time.Now()
	j, _, err := a.Uploads.Run(ctx, who, "", "upload.csv", file.Bytes(), bulk.ModeAll, nil)
	if err != nil {
		return err
	}
	upload := time.Since(started)
	pprof.StopCPUProfile()
	if j.Status != bulk.StatusDone || j.Stored != rows {
		return fmt.Errorf("upload ended %s with %d stored: %s", j.Status, j.Stored, j.Message)
	}

	// Peer 2: single creates.
	if err := os.Mkdir(filepath.Join(dir, "single"), 0o755); err != nil {
		return err
	}
	b, done2, err := open(ctx, filepath.Join(dir, "single"))
	if err != nil {
		return err
	}
	defer done2()
	sh, err := bulk.Read(file.Bytes())
	if err != nil {
		return err
	}
	singles = min(singles, rows)
	started = time.Now()
	for i := range singles {
		req, _ := sh.Request(sh.Rows[i], "")
		if _, _, err := b.Acceptance.Create(ctx, who, req, ""); err != nil {
			return fmt.Errorf("single create %d: %w", i, err)
		}
	}
	single := time.Since(started)

	rate := func(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }
	up := rate(rows, upload)
	fmt.Println("| path | rows | time | rows/s | vs upload |")
	fmt.Println("|---|---:|---:|---:|---:|")
	if plain > 0 {
		fmt.Printf("| sqlite3 shell `.import` into a plain table | %d | %.2f s | %.0f | %.2f× |\n", rows, plain.Seconds(), rate(rows, plain), rate(rows, plain)/up)
	}
	fmt.Printf("| **interpost upload** (mode all, validated, S10, customs) | %d | %.2f s | **%.0f** | 1.00× |\n", rows, upload.Seconds(), up)
	fmt.Printf("| single creates (acceptance.Create each) | %d | %.2f s | %.0f | %.2f× |\n", singles, single.Seconds(), rate(singles, single), rate(singles, single)/up)

	if !labels {
		return nil
	}
	var ms runtime.MemStats
	started = time.Now()
	shs, err := a.Uploads.Shipments(ctx, who, j.ID)
	if err != nil {
		return err
	}
	read := time.Since(started)
	ls := make([]document.Label, len(shs))
	for i, s := range shs {
		ls[i] = document.ShipmentLabel(s, "Xiamen", "Asia/Shanghai")
	}
	started = time.Now()
	f, err := os.Create(filepath.Join(dir, "labels.pdf"))
	if err != nil {
		return err
	}
	if err := document.WriteLabels(f, ls, document.LayoutRoll, now); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	render := time.Since(started)
	fi, err := os.Stat(filepath.Join(dir, "labels.pdf"))
	if err != nil {
		return err
	}
	runtime.ReadMemStats(&ms)
	fmt.Printf("\nlabels PDF of the upload (roll, %d pages): read shipments %.2f s, render %.2f s (%.0f labels/s), %.1f MB (%.1f KB/label), Go heap peak sys %.0f MB\n",
		len(ls), read.Seconds(), render.Seconds(), rate(len(ls), render), float64(fi.Size())/1e6, float64(fi.Size())/1e3/float64(len(ls)), float64(ms.Sys)/1e6)
	return nil
}

// sqliteImport times the sqlite3 shell importing the CSV into a plain table.
func sqliteImport(cli, dir, csvPath string, rows int) (time.Duration, error) {
	if _, err := exec.LookPath(cli); err != nil {
		return 0, fmt.Errorf("%s not found (apt-get install sqlite3, or -sqlite3 PATH)", cli)
	}
	header, _, _ := strings.Cut(string(must(os.ReadFile(csvPath))), "\n")
	script := "CREATE TABLE upload (" + strings.ReplaceAll(header, ",", " TEXT, ") + " TEXT);\n.import --csv --skip 1 " + csvPath + " upload\n"
	cmd := exec.Command(cli, filepath.Join(dir, "plain.db"))
	cmd.Stdin = strings.NewReader(script)
	started := time.Now()
	out, err := cmd.CombinedOutput()
	el := time.Since(started)
	if err != nil || len(out) > 0 {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	cnt, err := exec.Command(cli, filepath.Join(dir, "plain.db"), "SELECT count(*) FROM upload").Output()
	if err != nil || strings.TrimSpace(string(cnt)) != fmt.Sprint(rows) {
		return 0, fmt.Errorf("sqlite3 imported %s rows: %v", strings.TrimSpace(string(cnt)), err)
	}
	return el, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
