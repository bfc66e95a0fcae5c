package main

import (
	"cmp"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
)

// departure is one dated departure, expanded here independently of package
// routing (network.Leg.RunsOn and civil.LocalTime); times are minutes
// since the Unix epoch.
type departure struct {
	from, to   int32
	drop, arr  int32
	legService int32
}

// expand lists the departures of services with drop ≥ start and arrival ≤
// end — the same window rule as routing.Planner.Prepare.
func expand(offices []network.Office, services []network.Leg, start, end time.Time) []departure {
	idx := map[string]int32{}
	locs := make([]*time.Location, len(offices))
	for i, o := range offices {
		idx[o.Code] = int32(i)
		locs[i], _ = time.LoadLocation(o.TZ)
	}
	s0, e0 := int32(start.Unix()/60), int32(end.Unix()/60)
	var out []departure
	for si, s := range services {
		from := idx[s.From]
		loc := locs[from]
		for d := civil.DateOf(start.In(loc)).AddDays(-1); !civil.DateOf(end.In(loc)).Before(d); d = d.AddDays(1) {
			if !s.RunsOn(d) {
				continue
			}
			dep := int32(civil.LocalTime(loc, d, s.Departs).Unix() / 60)
			drop, arr := dep-int32(s.CutoffMin), dep+int32(s.DurationMin)
			if drop >= s0 && arr <= e0 {
				out = append(out, departure{from: from, to: idx[s.To], drop: drop, arr: arr, legService: int32(si)})
			}
		}
	}
	return out
}

// teGraph is the time-expanded graph of a timetable in compressed sparse
// rows, implementing the gonum interfaces Dijkstra needs (traverse.Graph and
// path.Weighted). Nodes:
//
//   - a timeline node per office and distinct event time (a drop time of a
//     departure, or an arrival + connect_min), chained in time order with
//     waiting edges of weight Δt;
//   - an arrival node per office and distinct arrival time, with an edge of
//     weight connect_min to the timeline and of weight 0 to the office's sink;
//   - one sink per office, the target of a query to that office.
//
// A departure is an edge from its office's timeline node at its drop time to
// the arrival node at the other end, weighted arrival − drop. Every weight
// is elapsed minutes, so the distance to a sink plus the start node's time
// is the earliest arrival.
type teGraph struct {
	times    []int32 // per node: its time (sinks: 0)
	officeTL []int32 // first timeline node of each office; len(offices)+1 entries
	sink0    int32   // sink of office i is sink0+i
	off      []int32 // CSR row offsets
	dst      []int32
	w        []float32
}

func buildTE(offices []network.Office, deps []departure) *teGraph {
	type ev struct {
		office, t int32
	}
	var tl, ar []ev
	for _, d := range deps {
		tl = append(tl, ev{d.from, d.drop}, ev{d.to, d.arr + int32(offices[d.to].ConnectMin)})
		ar = append(ar, ev{d.to, d.arr})
	}
	order := func(a, b ev) int { return cmp.Or(cmp.Compare(a.office, b.office), cmp.Compare(a.t, b.t)) }
	slices.SortFunc(tl, order)
	tl = slices.Compact(tl)
	slices.SortFunc(ar, order)
	ar = slices.Compact(ar)
	g := &teGraph{officeTL: make([]int32, len(offices)+1)}
	nTL, nAR := int32(len(tl)), int32(len(ar))
	g.sink0 = nTL + nAR
	n := int(g.sink0) + len(offices)
	g.times = make([]int32, n)
	for i, e := range tl {
		g.times[i] = e.t
	}
	for i, e := range ar {
		g.times[int(nTL)+i] = e.t
	}
	o := 0
	for i, e := range tl {
		for o <= int(e.office) {
			g.officeTL[o] = int32(i)
			o++
		}
	}
	for ; o <= len(offices); o++ {
		g.officeTL[o] = nTL
	}
	find := func(list []ev, e ev) int32 {
		i, ok := slices.BinarySearchFunc(list, e, order)
		if !ok {
			panic("time-expanded graph: event not found")
		}
		return int32(i)
	}
	// Edges, grouped by source node.
	type edge struct {
		from, to int32
		w        float32
	}
	edges := make([]edge, 0, len(tl)+3*len(deps))
	for i := 0; i+1 < len(tl); i++ {
		if tl[i].office == tl[i+1].office {
			edges = append(edges, edge{int32(i), int32(i + 1), float32(tl[i+1].t - tl[i].t)})
		}
	}
	for i, e := range ar {
		c := int32(offices[e.office].ConnectMin)
		edges = append(edges, edge{nTL + int32(i), find(tl, ev{e.office, e.t + c}), float32(c)}, edge{nTL + int32(i), g.sink0 + e.office, 0})
	}
	for _, d := range deps {
		edges = append(edges, edge{find(tl, ev{d.from, d.drop}), nTL + find(ar, ev{d.to, d.arr}), float32(d.arr - d.drop)})
	}
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	edges = slices.CompactFunc(edges, func(a, b edge) bool { return a.from == b.from && a.to == b.to })
	g.off = make([]int32, n+1)
	g.dst = make([]int32, len(edges))
	g.w = make([]float32, len(edges))
	for i, e := range edges {
		g.off[e.from+1]++
		g.dst[i], g.w[i] = e.to, e.w
	}
	for i := range n {
		g.off[i+1] += g.off[i]
	}
	return g
}

func (g *teGraph) nodes() int { return len(g.times) }
func (g *teGraph) edges() int { return len(g.dst) }

// earliest runs gonum's Dijkstra (DijkstraFromTo, which stops at the
// target) from the first timeline node of office from at or after ready to
// the sink of office to. It returns the arrival in minutes since the epoch,
// or -1 when the sink is unreachable.
func (g *teGraph) earliest(from, to int32, ready int32) int32 {
	lo, hi := int(g.officeTL[from]), int(g.officeTL[from+1])
	i, _ := slices.BinarySearch(g.times[lo:hi], ready)
	if lo+i >= hi {
		return -1
	}
	start := int32(lo + i)
	_, dist := path.DijkstraFromTo(teNode(start), teNode(g.sink0+to), g)
	if math.IsInf(dist, 1) {
		return -1
	}
	return g.times[start] + int32(dist)
}

type teNode int64

func (n teNode) ID() int64 { return int64(n) }

type teEdge struct{ f, t teNode }

func (e teEdge) From() graph.Node         { return e.f }
func (e teEdge) To() graph.Node           { return e.t }
func (e teEdge) ReversedEdge() graph.Edge { return teEdge{e.t, e.f} }

// From implements traverse.Graph.
func (g *teGraph) From(id int64) graph.Nodes {
	if g.off[id] == g.off[id+1] {
		return graph.Empty
	}
	return &teNodes{g: g, lo: g.off[id], hi: g.off[id+1], i: g.off[id] - 1}
}

// Edge implements traverse.Graph.
func (g *teGraph) Edge(uid, vid int64) graph.Edge {
	for i := g.off[uid]; i < g.off[uid+1]; i++ {
		if int64(g.dst[i]) == vid {
			return teEdge{teNode(uid), teNode(vid)}
		}
	}
	return nil
}

// Weight implements path.Weighted.
func (g *teGraph) Weight(xid, yid int64) (float64, bool) {
	if xid == yid {
		return 0, true
	}
	for i := g.off[xid]; i < g.off[xid+1]; i++ {
		if int64(g.dst[i]) == yid {
			return float64(g.w[i]), true
		}
	}
	return math.Inf(1), false
}

// teNodes iterates over the heads of a node's edges.
type teNodes struct {
	g         *teGraph
	lo, hi, i int32
}

func (it *teNodes) Next() bool       { it.i++; return it.i < it.hi }
func (it *teNodes) Len() int         { return int(max(0, it.hi-it.i-1)) }
func (it *teNodes) Reset()           { it.i = it.lo - 1 }
func (it *teNodes) Node() graph.Node { return teNode(it.g.dst[it.i]) }
