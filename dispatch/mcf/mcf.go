// Package mcf solves minimum-cost flow problems: send a given amount from a
// source to a sink through arcs with capacities and costs per unit, at the
// least total cost.
//
// Solve uses successive shortest paths with node potentials (Johnson's
// reweighting) and Dijkstra's algorithm with a binary heap, stopping each
// search once the sink is settled. SolveBellmanFord is the plain textbook
// version (a Bellman–Ford/SPFA search per augmentation, no potentials),
// kept as the baseline the benchmark compares against. Both are exact for
// integer capacities and costs. gonum has no min-cost flow (its LP simplex
// is the test oracle; see DEPENDENCIES.md).
package mcf

import (
	"errors"
	"math"
)

// Inf is an infinite capacity.
const Inf = math.MaxInt64 / 4

// Graph is a flow network. Arcs are stored in pairs: arc 2k is the k-th
// arc added, 2k+1 its residual reverse.
type Graph struct {
	first []int32 // first arc out of each node, -1 if none
	next  []int32 // next arc out of the same tail
	to    []int32
	cap   []int64 // residual capacity
	cost  []int64
}

// New returns a graph with n nodes numbered 0…n-1.
func New(n int) *Graph {
	g := &Graph{first: make([]int32, n)}
	for i := range g.first {
		g.first[i] = -1
	}
	return g
}

// Grow reserves room for n more nodes and m more arcs.
func (g *Graph) Grow(n, m int) {
	g.first = growCap(g.first, n)
	g.next, g.to = growCap(g.next, 2*m), growCap(g.to, 2*m)
	g.cap, g.cost = growCap(g.cap, 2*m), growCap(g.cost, 2*m)
}

func growCap[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	out := make([]T, len(s), len(s)+n)
	copy(out, s)
	return out
}

// AddNode adds a node and returns its number.
func (g *Graph) AddNode() int {
	g.first = append(g.first, -1)
	return len(g.first) - 1
}

// Nodes returns the number of nodes.
func (g *Graph) Nodes() int { return len(g.first) }

// Arcs returns the number of arcs added (not counting residual reverses).
func (g *Graph) Arcs() int { return len(g.to) / 2 }

// AddArc adds an arc from → to with a capacity (≥ 0) and a cost per unit,
// and returns its id for Flow.
func (g *Graph) AddArc(from, to int, capacity, cost int64) int {
	id := len(g.to)
	g.to = append(g.to, int32(to), int32(from))
	g.cap = append(g.cap, capacity, 0)
	g.cost = append(g.cost, cost, -cost)
	g.next = append(g.next, g.first[from], g.first[to])
	g.first[from], g.first[to] = int32(id), int32(id+1)
	return id / 2
}

// Flow returns the flow on arc id.
func (g *Graph) Flow(id int) int64 { return g.cap[2*id+1] }

// ErrNegativeCycle is returned when the costs make a cycle of negative
// total cost: the problem is unbounded.
var ErrNegativeCycle = errors.New("mcf: negative-cost cycle")

// Result is what a solve achieved.
type Result struct {
	Flow          int64 // sent from s to t (less than asked if the network can't carry more)
	Cost          int64 // total cost of the flow
	Augmentations int   // shortest paths found
}

// Solve sends up to amount units from s to t at minimum cost, adding to any
// flow already on the graph. Costs may be negative provided no cycle is.
func (g *Graph) Solve(s, t int, amount int64) (Result, error) {
	n := len(g.first)
	pot := make([]int64, n)
	if g.negativeCosts() {
		d, err := g.bellmanFord(s, nil)
		if err != nil {
			return Result{}, err
		}
		for v := range pot {
			if d[v] < Inf {
				pot[v] = d[v]
			}
		}
	}
	dist := make([]int64, n)
	prev := make([]int32, n)
	done := make([]bool, n)
	var res Result
	h := &nodeHeap{items: make([]item, 0, 64)}
	for res.Flow < amount {
		for v := range dist {
			dist[v], prev[v], done[v] = Inf, -1, false
		}
		dist[s] = 0
		h.items = h.items[:0]
		h.push(item{int32(s), 0})
		for len(h.items) > 0 {
			it := h.pop()
			u := it.node
			if done[u] || it.dist > dist[u] {
				continue
			}
			done[u] = true
			if int(u) == t {
				break
			}
			du := dist[u] + pot[u]
			for a := g.first[u]; a >= 0; a = g.next[a] {
				if g.cap[a] == 0 {
					continue
				}
				v := g.to[a]
				nd := du + g.cost[a] - pot[v]
				if nd < dist[v] {
					dist[v], prev[v] = nd, a
					h.push(item{v, nd})
				}
			}
		}
		if dist[t] >= Inf {
			break
		}
		// Potentials grow by min(dist, dist[t]): reduced costs of residual
		// arcs stay non-negative for nodes settled after t too.
		dt := dist[t]
		for v := range pot {
			pot[v] += min(dist[v], dt)
		}
		res.add(g.augment(s, t, prev, amount-res.Flow))
	}
	return res, nil
}

func (r *Result) add(f, c int64) {
	r.Flow += f
	r.Cost += c
	r.Augmentations++
}

// augment pushes as much as the path in prev and limit allow; it returns
// the amount and its cost.
func (g *Graph) augment(s, t int, prev []int32, limit int64) (int64, int64) {
	f := limit
	for v := t; v != s; v = int(g.to[prev[v]^1]) {
		f = min(f, g.cap[prev[v]])
	}
	var c int64
	for v := t; v != s; v = int(g.to[prev[v]^1]) {
		a := prev[v]
		g.cap[a] -= f
		g.cap[a^1] += f
		c += g.cost[a]
	}
	return f, f * c
}

// negativeCosts reports a residual arc of negative cost: a negative cost
// given, or the reverse of an arc that already carries flow.
func (g *Graph) negativeCosts() bool {
	for a := range g.cost {
		if g.cost[a] < 0 && g.cap[a] > 0 {
			return true
		}
	}
	return false
}

// bellmanFord returns shortest distances from s over residual arcs (SPFA:
// a queue of nodes whose distance improved), recording predecessors in
// prev if given.
func (g *Graph) bellmanFord(s int, prev []int32) ([]int64, error) {
	n := len(g.first)
	dist := make([]int64, n)
	inQueue := make([]bool, n)
	count := make([]int32, n)
	for v := range dist {
		dist[v] = Inf
		if prev != nil {
			prev[v] = -1
		}
	}
	dist[s] = 0
	queue := []int32{int32(s)}
	inQueue[s] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		inQueue[u] = false
		for a := g.first[u]; a >= 0; a = g.next[a] {
			if g.cap[a] == 0 {
				continue
			}
			v := g.to[a]
			if nd := dist[u] + g.cost[a]; nd < dist[v] {
				dist[v] = nd
				if prev != nil {
					prev[v] = a
				}
				if !inQueue[v] {
					count[v]++
					if int(count[v]) > n {
						return nil, ErrNegativeCycle
					}
					inQueue[v] = true
					queue = append(queue, v)
				}
			}
		}
	}
	return dist, nil
}

// SolveBellmanFord is Solve without potentials: one Bellman–Ford (SPFA)
// search per augmenting path. Same answer, more work; the baseline.
func (g *Graph) SolveBellmanFord(s, t int, amount int64) (Result, error) {
	prev := make([]int32, len(g.first))
	var res Result
	for res.Flow < amount {
		dist, err := g.bellmanFord(s, prev)
		if err != nil {
			return res, err
		}
		if dist[t] >= Inf {
			break
		}
		res.add(g.augment(s, t, prev, amount-res.Flow))
	}
	return res, nil
}

type item struct {
	node int32
	dist int64
}

// nodeHeap is a binary min-heap of tentative distances (lazy deletion:
// stale entries are skipped when popped).
type nodeHeap struct{ items []item }

func (h *nodeHeap) push(x item) {
	h.items = append(h.items, x)
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.items[p].dist <= x.dist {
			break
		}
		h.items[i] = h.items[p]
		i = p
	}
	h.items[i] = x
}

func (h *nodeHeap) pop() item {
	top := h.items[0]
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	n := len(h.items)
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h.items[c+1].dist < h.items[c].dist {
			c++
		}
		if last.dist <= h.items[c].dist {
			break
		}
		h.items[i] = h.items[c]
		i = c
	}
	h.items[i] = last
	return top
}
