package warehouse

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

// RoutePlanner proposes corridors with the timetable route planner
// (package routing) over the network's scheduled services: the Pareto set
// of itineraries over arrival and cost, best one per mode. A lane the
// timetable doesn't serve within the horizon (e.g. a warehouse no service
// reaches yet) falls back to Estimate, and says so in Corridor.Source.
type RoutePlanner struct {
	// Planners hands out the planner of the current network (the node's
	// shared routing.Cache).
	Planners routing.Planners
	Now      func() time.Time
	// LoadG is the consolidated load the capacity check uses (default 500 kg).
	LoadG int
}

// Corridors implements Planner.
func (r RoutePlanner) Corridors(ctx context.Context, from, to network.Office) ([]Corridor, error) {
	p, err := r.Planners.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("route planner: %w", err)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	load := r.LoadG
	if load == 0 {
		load = 500_000
	}
	ready := now().UTC()
	res, err := p.Plan(ctx, routing.Query{From: from.Code, To: to.Code, Ready: ready, WeightG: load, Horizon: routing.MaxHorizon, Pareto: true})
	if postal.ErrorCode(err) == postal.CodeInvalid {
		// An office the timetable doesn't know: no scheduled way yet.
		return Estimate{}.Corridors(ctx, from, to)
	}
	if err != nil {
		return nil, fmt.Errorf("plan %s → %s: %w", from.Code, to.Code, err)
	}
	best := map[string]Corridor{}
	var order []string
	for _, it := range res.Pareto {
		c := corridorOf(it, ready, load)
		b, seen := best[c.Mode]
		if !seen {
			order = append(order, c.Mode)
		}
		if !seen || c.TransitDays < b.TransitDays || (c.TransitDays == b.TransitDays && costOf(c) < costOf(b)) {
			best[c.Mode] = c
		}
	}
	if len(order) == 0 {
		return Estimate{}.Corridors(ctx, from, to)
	}
	out := make([]Corridor, 0, len(order))
	for _, m := range order {
		out = append(out, best[m])
	}
	return out, nil
}

// corridorOf summarises an itinerary: its mode is the mode of its longest
// leg (a China–Europe train with a truck to the warehouse is rail).
func corridorOf(it routing.Itinerary, ready time.Time, loadG int) Corridor {
	c := Corridor{Source: "planner"}
	var longest time.Duration
	for i, l := range it.Legs {
		if d := l.Arrive.Sub(l.Depart); d > longest {
			longest, c.Mode = d, string(l.Mode)
		}
		if i > 0 {
			c.Via = append(c.Via, l.From)
		}
	}
	c.TransitDays = math.Round(it.Arrive.Sub(ready).Hours()/24*2) / 2
	c.CostPerKg = fmt.Sprintf("%.2f", it.Cost/(float64(loadG)/1000))
	c.Currency = it.Currency
	return c
}

func costOf(c Corridor) float64 {
	v, err := strconv.ParseFloat(c.CostPerKg, 64)
	if err != nil {
		return math.Inf(1)
	}
	return v
}
