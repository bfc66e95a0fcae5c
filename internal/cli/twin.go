package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/twin"
)

func twinCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "twin", Short: "the network's digital twin: simulate weeks of the whole chain and compare scenarios (docs/twin.md)"}
	cmd.AddCommand(twinRunCmd(o))
	return cmd
}

type twinFlags struct {
	baseline, scenario, out, storeDir, storeDB string
	days                                       int
	seed                                       uint64
	fresh, noBaseline, keep                    bool
}

func twinRunCmd(o *Options) *cobra.Command {
	var f twinFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "run the baseline and a scenario through the real services on scratch stores",
		Long: `Run the twin: --days days of demand from the baseline model (--baseline FILE, default the
built-in model of docs/twin.md) through acceptance, customs, the exchange operations, transport,
the partners' handling and scans, and the ledger — once for the baseline and once with the
changes of --scenario FILE — each on a fresh scratch SQLite store (never the node's data), and
write JSON and CSV results with the difference to the baseline into --out.

--store DIR (SQLite) or --store-db URL (PostgreSQL) runs on that store instead; a store that
holds data is refused unless --fresh, which runs on a fresh scratch store instead of it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTwin(cmd.Context(), o, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.baseline, "baseline", "", "baseline model YAML (default: the built-in model)")
	fl.StringVar(&f.scenario, "scenario", "", "scenario YAML of changes to the baseline")
	fl.IntVar(&f.days, "days", 14, "days to simulate (1–120)")
	fl.Uint64Var(&f.seed, "seed", 2026, "random seed: the same seed gives the same run")
	fl.StringVar(&f.out, "out", "twin-out", "directory for the results (JSON and CSV)")
	fl.StringVar(&f.storeDir, "store", "", "run on this SQLite directory (must hold no data)")
	fl.StringVar(&f.storeDB, "store-db", "", "run on this PostgreSQL database (must hold no data)")
	fl.BoolVar(&f.fresh, "fresh", false, "when --store/--store-db holds data, run on a fresh scratch store instead")
	fl.BoolVar(&f.noBaseline, "no-baseline", false, "run only the scenario (no comparison)")
	fl.BoolVar(&f.keep, "keep-stores", false, "keep the scratch SQLite stores under --out/stores")
	return cmd
}

func runTwin(ctx context.Context, o *Options, f twinFlags) error {
	base, err := twin.LoadBaseline(f.baseline)
	if err != nil {
		return postal.Errorf(postal.CodeInvalid, "%w", err)
	}
	var sc twin.Scenario
	if f.scenario != "" {
		if sc, err = loadTwinScenario(f.scenario, base, f.days); err != nil {
			return err
		}
	}
	explicit := f.storeDir != "" || f.storeDB != ""
	if explicit && f.scenario != "" && !f.noBaseline {
		return postal.Errorf(postal.CodeInvalid, "--store/--store-db hold one run: add --no-baseline to run only the scenario on it")
	}
	var cmp twin.Comparison
	if !f.noBaseline || f.scenario == "" {
		if cmp.Baseline, err = twinOnce(ctx, o, f, base, twin.Scenario{}, "baseline"); err != nil {
			return err
		}
	}
	if f.scenario != "" {
		if cmp.Scenario, err = twinOnce(ctx, o, f, base, sc, "scenario"); err != nil {
			return err
		}
		if cmp.Baseline != nil {
			cmp.Diff = twin.Compare(cmp.Baseline, cmp.Scenario)
		} else {
			cmp.Baseline, cmp.Scenario = cmp.Scenario, nil
		}
	}
	files, err := cmp.Write(f.out)
	if err != nil {
		return err
	}
	charts, err := cmp.WriteCharts(f.out)
	if err != nil {
		return err
	}
	files = append(files, charts...)
	printTwin(o.out, cmp)
	fmt.Fprintf(o.out, "Results in %s: %v\n", f.out, files)
	return nil
}

// loadTwinScenario reads a scenario against the demo network and tariffs.
func loadTwinScenario(path string, b twin.Baseline, days int) (twin.Scenario, error) {
	n, err := demo.Network()
	if err != nil {
		return twin.Scenario{}, err
	}
	start, err := civil.ParseDate(b.Start)
	if err != nil {
		return twin.Scenario{}, err
	}
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		return twin.Scenario{}, err
	}
	tables := make([]string, 0, len(files))
	for name := range files {
		tables = append(tables, name)
	}
	return twin.LoadScenario(path, twin.World{Network: n, Start: start, Days: days, Tables: slices.Sorted(slices.Values(tables))})
}

// twinOnce runs the twin once on its store: the given one when it is
// empty, else (with --fresh, or by default) a fresh scratch SQLite store.
func twinOnce(ctx context.Context, o *Options, f twinFlags, b twin.Baseline, sc twin.Scenario, label string) (*twin.Result, error) {
	st, cleanup, err := twinStore(ctx, f, label)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	rates, err := o.rates()
	if err != nil {
		return nil, err
	}
	a, svc, err := app.NewTwin(ctx, st, app.Options{Country: o.Country, Rates: rates, CustomsRules: o.CustomsRules,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if errors.Is(err, twin.ErrLiveStore) && f.fresh {
		fmt.Fprintf(o.errOut, "twin: %v; --fresh: running on a fresh scratch store instead\n", err)
		st.Close()
		f.storeDir, f.storeDB = "", ""
		return twinOnce(ctx, o, f, b, sc, label)
	}
	if errors.Is(err, twin.ErrLiveStore) {
		return nil, postal.Errorf(postal.CodeConflict, "%w: refusing to run on it (add --fresh to run on a fresh scratch store instead)", err)
	}
	if err != nil {
		return nil, err
	}
	defer a.Close()
	started := time.Now()
	res, err := twin.Run(ctx, svc, twin.Options{Baseline: b, Scenario: sc, Days: f.days, Seed: f.seed,
		Progress: twinProgress(o.errOut, "twin "+label)})
	if err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(started).Seconds()
	return res, nil
}

func twinStore(ctx context.Context, f twinFlags, label string) (store.Store, func(), error) {
	switch {
	case f.storeDB != "":
		if err := store.CheckURL(f.storeDB); err != nil {
			return nil, nil, err
		}
		st, err := postgres.Open(ctx, f.storeDB)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	case f.storeDir != "":
		st, err := sqlite.Open(ctx, f.storeDir)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	// A scratch store lives in memory where the system has it: the run
	// commits thousands of small transactions whose durability it does
	// not need.
	parent := ""
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		parent = "/dev/shm"
	}
	dir, err := os.MkdirTemp(parent, "interpost-twin-")
	if err != nil {
		return nil, nil, err
	}
	if f.keep {
		dir = filepath.Join(f.out, "stores", label)
		if err := os.RemoveAll(dir); err != nil {
			return nil, nil, err
		}
	}
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	return st, func() {
		st.Close()
		if !f.keep {
			os.RemoveAll(dir)
		}
	}, nil
}

// twinProgress shows the days simulated with the CLI's progress bar.
func twinProgress(w io.Writer, what string) func(stage string, done, all int) {
	days := progress(w, what+": days")
	return func(stage string, done, all int) {
		if stage == "days" {
			days(done, all)
		}
	}
}

func printTwin(w io.Writer, c twin.Comparison) {
	if c.Diff == nil {
		t := c.Baseline.Totals
		fmt.Fprintf(w, "%s: %d accepted, %d delivered (e2e), on time %.1f%%, %.0f kg departed, margin %.0f %s, CO2e %.0f kg, peak backlog %d, mean utilisation %.1f%% (%.0f s)\n",
			c.Baseline.Name, t.Accepted, t.Delivered, 100*t.OnTimeShare, t.Kg, t.Margin, t.Currency, t.CO2Kg, t.PeakBacklog, 100*t.MeanUtil, c.Baseline.Elapsed)
		return
	}
	fmt.Fprintf(w, "%-22s %14s %14s %14s\n", "", "baseline", c.Scenario.Name, "delta")
	for _, d := range c.Diff.Totals {
		fmt.Fprintf(w, "%-22s %14.3f %14.3f %+14.3f\n", d.Key, d.Baseline, d.Scenario, d.Delta)
	}
}
