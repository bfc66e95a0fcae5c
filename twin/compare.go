package twin

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Comparison sets a scenario's run beside the baseline's.
type Comparison struct {
	Baseline *Result `json:"baseline"`
	Scenario *Result `json:"scenario,omitempty"`
	Diff     *Diff   `json:"diff,omitempty"`
}

// Diff is the scenario minus the baseline.
type Diff struct {
	Totals  []Delta `json:"totals"`
	OnTime  []Delta `json:"on_time" doc:"On-time share per lane (origin-destination) and week"`
	Backlog []Delta `json:"backlog" doc:"Items waiting per office and day"`
	ModeKg  []Delta `json:"kg_by_mode"`
	Margin  []Delta `json:"margin" doc:"Margin per lane"`
}

// Delta is one figure in both runs.
type Delta struct {
	Key      string  `json:"key"`
	Baseline float64 `json:"baseline"`
	Scenario float64 `json:"scenario"`
	Delta    float64 `json:"delta"`
}

// Compare computes the difference of a scenario's run to the baseline's.
func Compare(base, scen *Result) *Diff {
	d := &Diff{}
	tb, ts := totalsMap(base), totalsMap(scen)
	for _, k := range totalKeys {
		d.Totals = append(d.Totals, delta(k, tb[k], ts[k]))
	}
	d.OnTime = join(laneShares(base), laneShares(scen))
	d.Backlog = join(backlogs(base), backlogs(scen))
	d.ModeKg = join(modeKgs(base), modeKgs(scen))
	d.Margin = join(margins(base), margins(scen))
	return d
}

var totalKeys = []string{"accepted", "delivered", "on_time_share", "kg_departed", "revenue", "cost", "margin", "co2_kg",
	"peak_backlog_items", "mean_utilisation", "cancelled_departures", "border_waits_closed", "in_flight_blocked"}

func totalsMap(r *Result) map[string]float64 {
	t := r.Totals
	return map[string]float64{"accepted": float64(t.Accepted), "delivered": float64(t.Delivered), "on_time_share": t.OnTimeShare,
		"kg_departed": t.Kg, "revenue": t.Revenue, "cost": t.Cost, "margin": t.Margin, "co2_kg": t.CO2Kg,
		"peak_backlog_items": float64(t.PeakBacklog), "mean_utilisation": t.MeanUtil, "cancelled_departures": float64(r.Cancelled),
		"border_waits_closed": float64(r.BorderBlocked), "in_flight_blocked": float64(r.States[stBlocked])}
}

func delta(k string, a, b float64) Delta {
	return Delta{Key: k, Baseline: a, Scenario: b, Delta: b - a}
}

func join(a, b map[string]float64) []Delta {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := make([]Delta, 0, len(keys))
	for _, k := range sortedKeys(keys) {
		out = append(out, delta(k, a[k], b[k]))
	}
	return out
}

func laneShares(r *Result) map[string]float64 {
	del, on := map[string]int{}, map[string]int{}
	for _, l := range r.OnTime {
		k := l.Origin + "-" + l.Destination + " " + l.Week
		del[k] += l.Delivered
		on[k] += l.OnTime
	}
	out := map[string]float64{}
	for k, n := range del {
		if n > 0 {
			out[k] = float64(on[k]) / float64(n)
		}
	}
	return out
}

func backlogs(r *Result) map[string]float64 {
	out := map[string]float64{}
	for _, b := range r.Backlog {
		out[b.Date+" "+b.Office] = float64(b.Items)
	}
	return out
}

func modeKgs(r *Result) map[string]float64 {
	out := map[string]float64{}
	for _, m := range r.ModeKg {
		out[m.Mode+" "+m.Corridor] += m.Kg
	}
	return out
}

func margins(r *Result) map[string]float64 {
	out := map[string]float64{}
	for _, l := range r.Lanes {
		out[l.Origin+"-"+l.Dest] = l.Margin
	}
	return out
}

// Write stores a comparison in dir: comparison.json and one CSV per table
// (totals, on_time, backlog, kg_by_mode, departures, lanes), each with a
// run column and, where there is a scenario, the diff tables.
func (c Comparison) Write(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "comparison.json"), b, 0o644); err != nil {
		return nil, err
	}
	files = append(files, "comparison.json")
	runs := []*Result{c.Baseline}
	if c.Scenario != nil {
		runs = append(runs, c.Scenario)
	}
	tables := map[string][][]string{
		"on_time.csv":    {{"run", "origin", "destination", "product", "week", "volume", "delivered", "on_time", "on_time_share", "standard_days", "jn"}},
		"backlog.csv":    {{"run", "date", "office", "items", "kg"}},
		"kg_by_mode.csv": {{"run", "mode", "corridor", "kg"}},
		"departures.csv": {{"run", "service", "mode", "departs", "capacity_kg", "loaded_kg", "utilisation", "cancelled"}},
		"lanes.csv":      {{"run", "origin", "dest", "items", "kg", "revenue", "cost", "margin"}},
	}
	for _, r := range runs {
		for _, l := range r.OnTime {
			tables["on_time.csv"] = append(tables["on_time.csv"], []string{r.Name, l.Origin, l.Destination, l.Product, l.Week, itoa(l.Volume),
				itoa(l.Delivered), itoa(l.OnTime), ftoa(l.OnTimeShare), itoa(l.Standard), fmt.Sprint(l.JN)})
		}
		for _, x := range r.Backlog {
			tables["backlog.csv"] = append(tables["backlog.csv"], []string{r.Name, x.Date, x.Office, itoa(x.Items), ftoa(x.Kg)})
		}
		for _, x := range r.ModeKg {
			tables["kg_by_mode.csv"] = append(tables["kg_by_mode.csv"], []string{r.Name, x.Mode, x.Corridor, ftoa(x.Kg)})
		}
		for _, x := range r.Departures {
			tables["departures.csv"] = append(tables["departures.csv"], []string{r.Name, x.Service, x.Mode, x.Departs, ftoa(x.CapacityKg),
				ftoa(x.LoadedKg), ftoa(x.Utilisation), strconv.FormatBool(x.Cancelled)})
		}
		for _, x := range r.Lanes {
			tables["lanes.csv"] = append(tables["lanes.csv"], []string{r.Name, x.Origin, x.Dest, itoa(x.Items), ftoa(x.Kg), ftoa(x.Revenue),
				ftoa(x.Cost), ftoa(x.Margin)})
		}
	}
	if c.Diff != nil {
		for name, ds := range map[string][]Delta{"diff_totals.csv": c.Diff.Totals, "diff_on_time.csv": c.Diff.OnTime,
			"diff_backlog.csv": c.Diff.Backlog, "diff_kg_by_mode.csv": c.Diff.ModeKg, "diff_margin.csv": c.Diff.Margin} {
			rows := [][]string{{"key", "baseline", "scenario", "delta"}}
			for _, d := range ds {
				rows = append(rows, []string{d.Key, ftoa(d.Baseline), ftoa(d.Scenario), ftoa(d.Delta)})
			}
			tables[name] = rows
		}
	}
	names := sortedKeys(tables)
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(a, b) })
	for _, name := range names {
		if err := writeCSV(filepath.Join(dir, name), tables[name]); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func itoa(n int) string     { return strconv.Itoa(n) }
func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
