package alloc_test

import (
	"math"
	"os"
	"testing"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/network"
)

// TestPeakForecast plans the peak-day forecast on the demo network and
// checks the plan's books: no departure over capacity, every lane's kg
// either on a route or unserved, and the departures carrying what the
// routes say.
func TestPeakForecast(t *testing.T) {
	n, err := demo.Network()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/peak-forecast.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vols, err := alloc.ReadForecast(f, network.OfficeMap(n.Offices))
	if err != nil {
		t.Fatal(err)
	}
	p, err := alloc.Allocate(n.Offices, n.Services, vols, alloc.Options{Date: civil.Date{Year: 2026, Month: 11, Day: 24}, Rounds: 2})
	if err != nil {
		t.Fatal(err)
	}
	onDep := map[string]float64{}
	for _, d := range p.Departures {
		if d.AllocatedKg+d.ConsignedKg > d.CapacityKg+1e-6 {
			t.Errorf("%s %s: %.3f kg on %.0f kg capacity", d.Service, d.Departs, d.AllocatedKg, d.CapacityKg)
		}
		onDep[d.Service+d.Departs.String()] = d.AllocatedKg
	}
	routed := map[string]float64{}
	full := 0
	for _, l := range p.Lanes {
		sum := l.UnservedKg
		for _, r := range l.Routes {
			sum += r.Kg
			for _, lg := range r.Legs {
				routed[lg.Service+lg.Departs.String()] += r.Kg
			}
		}
		if math.Abs(sum-l.Kg) > 0.01 {
			t.Errorf("%s→%s %s: routes and unserved hold %.3f kg of %.3f", l.Origin, l.Destination, l.Category, sum, l.Kg)
		}
	}
	for k, kg := range routed {
		if math.Abs(onDep[k]-kg) > 0.01 {
			t.Errorf("departure %s: routes put %.3f kg on it, the table says %.3f", k, kg, onDep[k])
		}
	}
	for _, d := range p.Departures {
		if d.Utilisation >= 0.9999 {
			full++
		}
	}
	if full == 0 || len(p.Spill) == 0 {
		t.Errorf("a peak day should fill departures and spill: %d full, %d spill lines", full, len(p.Spill))
	}
	if p.Solver.LowerBound <= 0 || p.Solver.LowerBound > p.Totals.Objective+0.01 {
		t.Errorf("lower bound %.2f vs objective %.2f", p.Solver.LowerBound, p.Totals.Objective)
	}
	t.Logf("%.0f t in %d lanes: %d departures (%d full), %d spill lines, on time %.1f%%, objective %.0f ≥ bound %.0f, %.0f ms",
		p.Totals.Kg/1000, len(p.Lanes), len(p.Departures), full, len(p.Spill), 100*p.Totals.OnTimeShare, p.Totals.Objective, p.Solver.LowerBound, p.Solver.Millis)
}
