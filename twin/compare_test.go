package twin

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompareAndWrite(t *testing.T) {
	base := &Result{Name: "baseline", States: map[string]int{},
		OnTime:  []LaneWeek{{Origin: "CNXMNA", Destination: "DE", Week: "2026-W45", Delivered: 10, OnTime: 9}},
		Backlog: []Backlog{{Date: "2026-11-02", Office: "CNXMNA", Items: 5}, {Date: "2026-11-03", Office: "CNXMNA", Items: 3}},
		Lanes:   []LaneMoney{{Origin: "CNXMNA", Dest: "DE", Margin: 100}}, Totals: Totals{Accepted: 20, OnTimeShare: 0.9}}
	scen := &Result{Name: "x5 on 11 Nov", States: map[string]int{"blocked": 2},
		OnTime:  []LaneWeek{{Origin: "CNXMNA", Destination: "DE", Week: "2026-W45", Delivered: 10, OnTime: 6}},
		Backlog: []Backlog{{Date: "2026-11-02", Office: "CNXMNA", Items: 25}},
		Lanes:   []LaneMoney{{Origin: "CNXMNA", Dest: "DE", Margin: 400}}, Totals: Totals{Accepted: 60, OnTimeShare: 0.6}}
	d := Compare(base, scen)
	find := func(ds []Delta, k string) Delta {
		for _, x := range ds {
			if x.Key == k {
				return x
			}
		}
		t.Fatalf("no %q in %+v", k, ds)
		return Delta{}
	}
	if x := find(d.Totals, "accepted"); x.Delta != 40 {
		t.Errorf("accepted %+v", x)
	}
	if x := find(d.OnTime, "CNXMNA-DE 2026-W45"); x.Baseline != 0.9 || x.Scenario != 0.6 {
		t.Errorf("on time %+v", x)
	}
	if x := find(d.Backlog, "2026-11-03 CNXMNA"); x.Scenario != 0 || x.Delta != -3 {
		t.Errorf("backlog %+v", x)
	}
	if x := find(d.Totals, "in_flight_blocked"); x.Delta != 2 {
		t.Errorf("blocked %+v", x)
	}
	dir := t.TempDir()
	c := Comparison{Baseline: base, Scenario: scen, Diff: d}
	files, err := c.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := c.WriteCharts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 11 || len(charts) != 2 {
		t.Errorf("files %v, charts %v", files, charts)
	}
	var back Comparison
	b, _ := os.ReadFile(filepath.Join(dir, "comparison.json"))
	if err := json.Unmarshal(b, &back); err != nil || back.Scenario.Name != "x5 on 11 Nov" {
		t.Errorf("comparison.json: %v", err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "diff_totals.csv"))
	if !strings.HasPrefix(string(csv), "key,baseline,scenario,delta\n") {
		t.Errorf("diff_totals.csv: %s", csv)
	}
}
