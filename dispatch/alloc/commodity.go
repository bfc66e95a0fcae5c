package alloc

import (
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/mcf"
	"github.com/interpost/interpost/postal"
)

// lane is one Volume placed on the network.
type lane struct {
	v        Volume
	origin   int32
	dest     int32
	ready    int64 // minute the mail is ready at the origin
	std      int   // standard, days after the planning date
	deadline civil.Date
	node     int32 // office node at (origin, ready)
}

// commodity is the lanes sharing a destination, category and deadline.
type commodity struct {
	dest     int32
	cat      string
	deadline civil.Date
	lanes    []int // into Allocator.lanes
	supply   int64
	late     int64 // penalty per gram and day late, 1e-7 units
	unserved int64 // penalty per gram not carried
	allowed  []bool
	sol      solution
}

// solution is how a commodity's mail travels.
type solution struct {
	flows    map[int32]int64 // departure → grams
	paths    []path
	carried  []int64 // per lane of the commodity
	cost     int64   // true cost: transport + lateness + unserved
	augments int
}

// path is mail of one lane on one itinerary.
type path struct {
	lane     int
	deps     []int32
	grams    int64
	lateDays int
}

// capMode says which capacity a commodity's graph gives each departure.
type capMode int

const (
	residual  capMode = iota // what other commodities left
	ownOnly                  // the whole capacity (Lagrangian relaxation)
	unlimited                // none (the preferred itinerary)
)

// karc is an arc of a commodity graph, for reading the flow back.
type karc struct {
	from, to int32 // local nodes
	dep      int32 // departure, -1 if none
	lane     int32 // lane position (source arcs), -1 if none
	late     int32 // days late (sink arcs), -1 if not a sink arc
}

// kgraph is one commodity's min-cost flow graph.
type kgraph struct {
	g       *mcf.Graph
	s, t    int
	arcs    []karc
	laneArc []int // arc of S → lane source, -1 when the lane can't reach the destination
	nodes   int
}

// workspace holds the reachability marks, reused across commodities.
type workspace struct {
	fwd, bwd []uint32
	epoch    uint32
	local    []int32
	queue    []int32
}

func (w *workspace) reset(n int) {
	if len(w.fwd) < n {
		w.fwd, w.bwd, w.local = make([]uint32, n), make([]uint32, n), make([]int32, n)
	}
	w.epoch++
}

// build makes the graph of commodity k. With onlyLane ≥ 0 only that lane
// (position in k.lanes) gets supply. prices, if set, add to departure costs.
func (a *Allocator) build(k *commodity, mode capMode, prices []int64, onlyLane int, used []int64) *kgraph {
	x, w := a.x, &a.ws
	n := len(x.nodeOffice)
	w.reset(n)
	avail := func(d int32) int64 {
		switch mode {
		case residual:
			return x.deps[d].capG - used[d]
		case ownOnly:
			return x.deps[d].capG
		}
		return mcf.Inf
	}
	ok := func(d int32) bool { return k.allowed[d] && avail(d) > 0 }
	// Forward from the lanes' ready nodes.
	w.queue = w.queue[:0]
	for i, li := range k.lanes {
		if onlyLane >= 0 && i != onlyLane {
			continue
		}
		if nd := a.lanes[li].node; w.fwd[nd] != w.epoch {
			w.fwd[nd] = w.epoch
			w.queue = append(w.queue, nd)
		}
	}
	visit := func(marks []uint32, v int32) {
		if v >= 0 && marks[v] != w.epoch {
			marks[v] = w.epoch
			w.queue = append(w.queue, v)
		}
	}
	for len(w.queue) > 0 {
		u := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		if x.isOffice(u) {
			if !x.lastOfOffice(u) {
				visit(w.fwd, u+1)
			}
			for _, d := range x.depsAt[u] {
				if ok(d) {
					visit(w.fwd, x.arrNode[d])
				}
			}
		} else {
			visit(w.fwd, x.postNode[int(u)-len(x.depsAt)])
		}
	}
	// Backward from arrivals at the destination.
	for d := range x.deps {
		if x.deps[d].to == k.dest && ok(int32(d)) && w.fwd[x.arrNode[d]] == w.epoch {
			visit(w.bwd, x.arrNode[d])
		}
	}
	for len(w.queue) > 0 {
		u := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		if x.isOffice(u) {
			if !x.firstOfOffice(u) {
				visit(w.bwd, u-1)
			}
			for _, d := range x.arrsAt[u] {
				if ok(d) {
					visit(w.bwd, x.arrNode[d])
				}
			}
		} else {
			visit(w.bwd, x.depNode[int(u)-len(x.depsAt)])
		}
	}
	kg := &kgraph{g: mcf.New(2), s: 0, t: 1, laneArc: make([]int, len(k.lanes))}
	localOf := func(v int32) int32 {
		if w.fwd[v] != w.epoch || w.bwd[v] != w.epoch {
			return -1
		}
		return w.local[v]
	}
	// Number the kept nodes.
	kept := 0
	for v := range n {
		if w.fwd[v] == w.epoch && w.bwd[v] == w.epoch {
			kept++
		}
	}
	kg.g.Grow(kept, 3*kept+len(k.lanes)+1)
	kg.arcs = make([]karc, 0, 3*kept+len(k.lanes)+1)
	for v := range n {
		if w.fwd[v] == w.epoch && w.bwd[v] == w.epoch {
			w.local[v] = int32(kg.g.AddNode())
		}
	}
	kg.nodes = kg.g.Nodes()
	add := func(from, to int32, capacity, cost int64, arc karc) {
		arc.from, arc.to = from, to
		kg.g.AddArc(int(from), int(to), capacity, cost)
		kg.arcs = append(kg.arcs, arc)
	}
	none := karc{dep: -1, lane: -1, late: -1}
	for i, li := range k.lanes {
		kg.laneArc[i] = -1
		if onlyLane >= 0 && i != onlyLane {
			continue
		}
		l := &a.lanes[li]
		if src := localOf(l.node); src >= 0 {
			kg.laneArc[i] = len(kg.arcs)
			arc := none
			arc.lane = int32(i)
			add(0, src, l.v.Grams, 0, arc)
		}
	}
	add(0, 1, mcf.Inf, k.unserved, none) // mail no departure can carry
	nOffice := len(x.depsAt)
	for v := range nOffice {
		lv := localOf(int32(v))
		if lv < 0 {
			continue
		}
		if !x.lastOfOffice(int32(v)) {
			if nx := localOf(int32(v + 1)); nx >= 0 {
				add(lv, nx, mcf.Inf, 0, none)
			}
		}
		for _, d := range x.depsAt[v] {
			ar := localOf(x.arrNode[d])
			if ar < 0 || !ok(d) {
				continue
			}
			cost := x.deps[d].cost
			if prices != nil {
				cost += prices[d]
			}
			arc := none
			arc.dep = d
			add(lv, ar, avail(d), cost, arc)
			dp := &x.deps[d]
			if dp.to == k.dest {
				day := daysBetween(a.opts.Date, x.localDate(k.dest, dp.arrive))
				late := max(0, daysBetween(k.deadline, x.localDate(k.dest, dp.arrive)))
				s := none
				s.late = int32(late)
				// One unit (1e-7 per gram, 0.0001 per kg) per day of arrival
				// breaks ties between equally cheap itineraries in favour of
				// the earlier; it stays out of the costs reported.
				add(ar, 1, mcf.Inf, int64(late)*k.late+int64(max(day, 0)), s)
			}
			if post := x.postNode[d]; post >= 0 {
				if lp := localOf(post); lp >= 0 {
					add(ar, lp, mcf.Inf, 0, none)
				}
			}
		}
	}
	return kg
}

// solve routes commodity k and returns its solution; the true cost leaves
// the prices out.
func (a *Allocator) solve(k *commodity, mode capMode, prices []int64, used []int64) (solution, error) {
	kg := a.build(k, mode, prices, -1, used)
	var res mcf.Result
	var err error
	if a.opts.Baseline {
		res, err = kg.g.SolveBellmanFord(kg.s, kg.t, k.supply)
	} else {
		res, err = kg.g.Solve(kg.s, kg.t, k.supply)
	}
	if err != nil {
		return solution{}, err
	}
	a.stats.Augmentations += res.Augmentations
	a.stats.nodes += kg.nodes
	a.stats.arcs += kg.g.Arcs()
	a.stats.solves++
	return a.read(k, kg, res.Augmentations), nil
}

// read turns a solved graph into a solution: departure flows, per-lane
// carried grams, the itineraries (a path decomposition of the flow, which
// is acyclic because time only moves forward) and the true cost.
func (a *Allocator) read(k *commodity, kg *kgraph, augments int) solution {
	sol := solution{flows: map[int32]int64{}, carried: make([]int64, len(k.lanes)), augments: augments}
	rest := make([]int64, len(kg.arcs))
	out := make([][]int32, kg.nodes)
	for i, ar := range kg.arcs {
		f := kg.g.Flow(i)
		if f <= 0 {
			continue
		}
		rest[i] = f
		out[ar.from] = append(out[ar.from], int32(i))
		switch {
		case ar.dep >= 0:
			sol.flows[ar.dep] += f
			sol.cost += f * a.x.deps[ar.dep].cost
		case ar.late >= 0:
			sol.cost += f * int64(ar.late) * k.late
		case ar.lane >= 0:
			sol.carried[ar.lane] = f
		case ar.from == 0 && ar.to == 1:
			sol.cost += f * k.unserved
		}
	}
	// Peel paths off the flow, one lane source at a time.
	for i := range k.lanes {
		la := kg.laneArc[i]
		for la >= 0 && rest[la] > 0 {
			p := path{lane: k.lanes[i], grams: rest[la]}
			arcs := []int32{int32(la)}
			v := kg.arcs[la].to
			for v != 1 {
				next := int32(-1)
				for _, ai := range out[v] {
					if rest[ai] > 0 {
						next = ai
						break
					}
				}
				if next < 0 {
					break // cannot happen in a conserving flow
				}
				arcs = append(arcs, next)
				p.grams = min(p.grams, rest[next])
				v = kg.arcs[next].to
			}
			for _, ai := range arcs {
				rest[ai] -= p.grams
				if d := kg.arcs[ai].dep; d >= 0 {
					p.deps = append(p.deps, d)
				}
				if l := kg.arcs[ai].late; l >= 0 {
					p.lateDays = int(l)
				}
			}
			if v != 1 {
				break
			}
			sol.paths = append(sol.paths, p)
		}
	}
	return sol
}

// preferred is a lane's cheapest itinerary with no capacity limits: the
// departures it would take if nobody else shipped.
func (a *Allocator) preferred(k *commodity, pos int) []int32 {
	kg := a.build(k, unlimited, nil, pos, nil)
	if _, err := kg.g.Solve(kg.s, kg.t, 1); err != nil {
		return nil
	}
	sol := a.read(k, kg, 0)
	if len(sol.paths) == 0 {
		return nil
	}
	return sol.paths[0].deps
}

// allowedDeps marks the departures a category may use.
func (a *Allocator) allowedDeps(cat string) []bool {
	out := make([]bool, len(a.x.deps))
	for i, d := range a.x.deps {
		out[i] = dispatch.ModeAllowed(postal.MailCategory(cat[0]), d.mode)
	}
	return out
}
