package alloc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Options tune an allocation. Money is in the network's currency.
type Options struct {
	Date civil.Date
	// ReadyAt is the local time a lane's mail is ready at its origin when
	// the volume gives none (default 18:00: the day's acceptance done).
	ReadyAt civil.Clock
	// HorizonDays is how far after the planning date departures are
	// considered (default 45: the slowest sea corridor takes a month).
	HorizonDays int
	Standards   []Standard
	// LatePerKgDay is the penalty per kg and day past the standard, by
	// category (default A 2.00, B 1.00, D 0.50, C 0.20).
	LatePerKgDay map[string]float64
	// UnservedPerKg is the penalty per kg no departure in the horizon can
	// carry (default 100).
	UnservedPerKg float64
	// Loads is the weight already consigned per departure, grams.
	Loads map[dispatch.DepartureKey]int
	// DispatchCost is what one dispatch costs on a departure beyond its
	// weight (documents, handling, a carrier's minimum charge); it prices
	// consolidation (default 25).
	DispatchCost float64
	// Baseline solves each commodity with plain successive shortest paths
	// (Bellman–Ford, no potentials) instead of Dijkstra with potentials.
	Baseline bool
	// Rounds of price refinement (Lagrangian relaxation of the shared
	// capacities) after the priority pass; default 8, negative = none.
	Rounds   int
	Progress func(done, all int)
}

func (o *Options) defaults() {
	if o.ReadyAt == 0 {
		o.ReadyAt = 18 * 60
	}
	if o.HorizonDays == 0 {
		o.HorizonDays = 45
	}
	if o.LatePerKgDay == nil {
		o.LatePerKgDay = map[string]float64{"A": 2, "B": 1, "D": 0.5, "C": 0.2}
	}
	if o.UnservedPerKg == 0 {
		o.UnservedPerKg = 100
	}
	if o.DispatchCost == 0 {
		o.DispatchCost = 25
	}
	if o.Rounds == 0 {
		o.Rounds = 8
	}
}

// units converts money per kg into the solver's integer cost per gram
// (1e-7 of the currency).
func units(perKg float64) int64 { return int64(math.Round(perKg * 1e4)) }

// Allocator holds one allocation in progress.
type Allocator struct {
	opts   Options
	x      *expanded
	lanes  []lane
	ks     []*commodity
	ws     workspace
	stats  Stats
	offMap map[string]network.Office
}

// Stats describe the solver's work.
type Stats struct {
	Algorithm     string  `json:"algorithm"`
	Departures    int     `json:"departures" doc:"Dated departures in the time-expanded network"`
	Nodes         int     `json:"nodes" doc:"Nodes of the time-expanded network"`
	Commodities   int     `json:"commodities"`
	Solves        int     `json:"solves" doc:"Single-commodity min-cost flows solved"`
	Augmentations int     `json:"augmentations" doc:"Shortest paths found by the solver"`
	Rounds        int     `json:"rounds" doc:"Price-refinement rounds run"`
	LowerBound    float64 `json:"lower_bound" doc:"Lagrangian lower bound on the total cost (0 when not computed)"`
	Gap           float64 `json:"gap" doc:"(cost − lower bound) / cost: how far from optimal the plan can be at most"`
	Millis        float64 `json:"millis" doc:"Solver time"`
	nodes, arcs   int
	solves        int
}

// Allocate plans the volumes over the network's services.
func Allocate(offices []network.Office, services []network.Leg, volumes []Volume, opts Options) (Plan, error) {
	opts.defaults()
	started := time.Now()
	a := &Allocator{opts: opts, offMap: network.OfficeMap(offices)}
	if err := a.setup(offices, services, volumes); err != nil {
		return Plan{}, err
	}
	best, err := a.run()
	if err != nil {
		return Plan{}, err
	}
	for i, k := range a.ks {
		k.sol = best[i]
	}
	a.stats.Millis = float64(time.Since(started).Microseconds()) / 1000
	return a.plan(), nil
}

// setup places the lanes, expands the network over the window and groups
// the lanes into commodities.
func (a *Allocator) setup(offices []network.Office, services []network.Leg, volumes []Volume) error {
	var fe postal.FieldList
	type placed struct {
		v         Volume
		o, d      int32
		readyTime time.Time
	}
	var ps []placed
	idx := map[string]int32{}
	for i, o := range offices {
		idx[o.Code] = int32(i)
	}
	start, end := time.Time{}, time.Time{}
	for i, v := range volumes {
		o, ok1 := idx[v.Origin]
		d, ok2 := idx[v.Destination]
		if !ok1 || !ok2 || v.Origin == v.Destination || len(v.Category) != 1 || !postal.MailCategory(v.Category[0]).Valid() || v.Grams <= 0 {
			fe.Add(fmt.Sprintf("volumes[%d]", i), "lane %s→%s %s (%d g) is not a lane of this network", v.Origin, v.Destination, v.Category, v.Grams)
			continue
		}
		loc, err := time.LoadLocation(offices[o].TZ)
		if err != nil {
			return err
		}
		ready := v.Ready
		if ready == 0 {
			ready = a.opts.ReadyAt
		}
		rt := civil.LocalTime(loc, a.opts.Date, ready)
		ps = append(ps, placed{v, o, d, rt})
		if start.IsZero() || rt.Before(start) {
			start = rt
		}
	}
	if err := fe.Err("volumes are invalid"); err != nil {
		return err
	}
	if len(ps) == 0 {
		return postal.Invalid("nothing to plan", postal.FieldError{Field: "volumes", Message: "no lane has mail on " + a.opts.Date.String()})
	}
	end = start.Add(time.Duration(a.opts.HorizonDays) * 24 * time.Hour)
	extra := make([][2]int64, len(ps))
	for i, p := range ps {
		extra[i] = [2]int64{int64(p.o), minutes(p.readyTime)}
	}
	x, err := expand(offices, services, start, end, a.opts.Loads, extra)
	if err != nil {
		return err
	}
	a.x = x
	a.stats.Departures, a.stats.Nodes = len(x.deps), len(x.nodeOffice)
	byKey := map[[3]string]*commodity{}
	for _, p := range ps {
		std := standardFor(a.opts.Standards, p.v, a.offMap)
		l := lane{v: p.v, origin: p.o, dest: p.d, ready: minutes(p.readyTime), std: std, deadline: a.opts.Date.AddDays(std)}
		l.node = x.node(p.o, l.ready)
		a.lanes = append(a.lanes, l)
		key := [3]string{p.v.Destination, p.v.Category, l.deadline.String()}
		k := byKey[key]
		if k == nil {
			k = &commodity{dest: p.d, cat: p.v.Category, deadline: l.deadline, late: units(a.opts.LatePerKgDay[p.v.Category]),
				unserved: units(a.opts.UnservedPerKg), allowed: a.allowedDeps(p.v.Category)}
			byKey[key] = k
			a.ks = append(a.ks, k)
		}
		k.lanes = append(k.lanes, len(a.lanes)-1)
		k.supply += p.v.Grams
	}
	// Priority order: air and priority mail first, then the bigger flows.
	slices.SortStableFunc(a.ks, func(p, q *commodity) int {
		if c := cmp.Compare(dispatch.CategoryRank(postal.MailCategory(p.cat[0])), dispatch.CategoryRank(postal.MailCategory(q.cat[0]))); c != 0 {
			return c
		}
		if c := cmp.Compare(q.supply, p.supply); c != 0 {
			return c
		}
		return cmp.Compare(a.x.offices[p.dest].Code, a.x.offices[q.dest].Code)
	})
	a.stats.Commodities = len(a.ks)
	return nil
}

// run allocates: the priority pass, then price refinement keeping the best
// plan found and a lower bound.
func (a *Allocator) run() ([]solution, error) {
	a.stats.Algorithm = "successive shortest paths (Dijkstra, potentials) per commodity, priority order, Lagrangian price refinement"
	if a.opts.Baseline {
		a.stats.Algorithm = "successive shortest paths (Bellman-Ford) per commodity, priority order, Lagrangian price refinement"
	}
	rounds := max(a.opts.Rounds, 0)
	total := len(a.ks) * (1 + 2*rounds)
	done := 0
	tick := func() {
		done++
		if a.opts.Progress != nil {
			a.opts.Progress(done, total)
		}
	}
	best, bestCost, err := a.sequential(nil, tick)
	if err != nil {
		return nil, err
	}
	if rounds == 0 {
		return best, nil
	}
	nd := len(a.x.deps)
	prices := make([]float64, nd)
	iprices := make([]int64, nd)
	lower := math.Inf(-1)
	theta := 1.0
	for r := 0; r < rounds; r++ {
		a.stats.Rounds++
		// Relaxation: every commodity alone with the departures' whole
		// capacity, paying the prices on them.
		load := make([]int64, nd)
		var relaxed float64
		for _, k := range a.ks {
			sol, err := a.solve(k, ownOnly, iprices, nil)
			if err != nil {
				return nil, err
			}
			tick()
			relaxed += float64(sol.cost)
			for d, f := range sol.flows {
				relaxed += float64(f * iprices[d])
				load[d] += f
			}
		}
		var norm float64
		g := make([]float64, nd)
		for d := range g {
			relaxed -= float64(iprices[d]) * float64(a.x.deps[d].capG)
			g[d] = float64(load[d] - a.x.deps[d].capG)
			if g[d] < 0 && prices[d] == 0 {
				g[d] = 0
			}
			norm += g[d] * g[d]
		}
		if relaxed > lower {
			lower = relaxed
		} else {
			theta /= 2
		}
		// A feasible plan under the prices.
		sol, cost, err := a.sequential(iprices, tick)
		if err != nil {
			return nil, err
		}
		if cost < bestCost {
			best, bestCost = sol, cost
		}
		if norm == 0 || float64(bestCost)-lower <= 1e-4*float64(bestCost) {
			break
		}
		step := theta * (float64(bestCost) - lower) / norm
		for d := range prices {
			prices[d] = max(0, prices[d]+step*g[d])
			iprices[d] = int64(math.Round(prices[d]))
		}
	}
	if lower > 0 {
		a.stats.LowerBound = lower / 1e7
		if bestCost > 0 {
			a.stats.Gap = math.Max(0, (float64(bestCost)-lower)/float64(bestCost))
		}
	}
	if a.opts.Progress != nil {
		a.opts.Progress(total, total)
	}
	return best, nil
}

// sequential routes the commodities one after the other in priority order
// on what the earlier ones left; prices (nil = none) steer the choice, the
// returned cost leaves them out.
func (a *Allocator) sequential(prices []int64, tick func()) ([]solution, int64, error) {
	used := make([]int64, len(a.x.deps))
	out := make([]solution, len(a.ks))
	var total int64
	for i, k := range a.ks {
		sol, err := a.solve(k, residual, prices, used)
		if err != nil {
			return nil, 0, err
		}
		tick()
		for d, f := range sol.flows {
			used[d] += f
		}
		out[i] = sol
		total += sol.cost
	}
	return out, total, nil
}
