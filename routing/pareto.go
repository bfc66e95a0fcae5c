package routing

import (
	"cmp"
	"context"
	"slices"
)

// label is a partial itinerary at an office: ready for a departure at
// ready, having used legs legs and cost and co2 per kg. ref points into the
// workspace log to rebuild its legs.
type label struct {
	ready int32
	legs  int32
	cost  int64
	co2   int64
	ref   int32
}

// step is one log entry: the connection taken and the step before it (-1
// at the origin).
type step struct {
	conn, parent int32
}

// destLabel is an itinerary at the destination.
type destLabel struct {
	arr       int32
	legs      int32
	cost, co2 int64
	ref       int32
}

// beats reports whether destination itinerary a makes b useless: a is no
// worse on arrival, cost and CO2 and either better on one of them or equal
// with no more legs.
func (a *destLabel) beats(b *destLabel) bool {
	if a.arr > b.arr || a.cost > b.cost || a.co2 > b.co2 {
		return false
	}
	return a.arr < b.arr || a.cost < b.cost || a.co2 < b.co2 || a.legs <= b.legs
}

// sweepEvery is how many connections the scan passes between sweeps that
// drop hopeless labels and stop the scan when none is left.
const sweepEvery = 1 << 13

// pareto runs the forward multi-criteria scan and returns the Pareto set
// over (arrival, cost, CO2), one itinerary per distinct vector (the one with
// the fewest legs), sorted by arrival, then cost, then CO2.
//
// Each office keeps pending labels (not ready yet, by ready time) and
// active ones. Connections are scanned by drop time, so a label that is
// ready for one departure is ready for every later one: among active labels
// only cost, CO2 and legs still matter, and a label beaten on those is
// dropped. A label is also dropped when the lower bounds show that no way on
// can beat the itineraries already at the destination.
func (p *Planner) pareto(ctx context.Context, tt *Timetable, q *query, ws *workspace) ([]Itinerary, error) {
	b := &ws.bounds
	p.computeBounds(q, b)
	K := int32(q.maxLegs)
	if b.time[q.from] >= unreachable || b.legs[q.from] > K {
		return []Itinerary{}, nil
	}
	n := len(p.offices)
	for _, o := range ws.inBag {
		ws.pending[o], ws.active[o] = ws.pending[o][:0], ws.active[o][:0]
	}
	ws.pending, ws.active = growBags(ws.pending, n), growBags(ws.active, n)
	ws.inBag = append(ws.inBag[:0], q.from)
	ws.log, ws.dest = ws.log[:0], ws.dest[:0]
	ws.pending[q.from] = append(ws.pending[q.from], label{ready: q.readyMin, ref: -1})

	conns := tt.conns
	for i := tt.first(q.readyMin); i < len(conns); i++ {
		c := &conns[i]
		if c.drop > q.endMin {
			break
		}
		if i%sweepEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if len(ws.dest) > 0 && p.sweep(ws, c.drop) == 0 {
				break
			}
		}
		if c.from == q.to || c.arr > q.endMin || (len(ws.pending[c.from]) == 0 && len(ws.active[c.from]) == 0) || !q.admits(c) {
			continue
		}
		toDest := c.to == q.to
		if !toDest && (!q.passes(c.to) || b.time[c.to] >= unreachable) {
			continue
		}
		p.activate(ws, c.from, c.drop)
		sv := &p.svc[c.svc]
		ready := c.arr
		if !toDest {
			ready += p.connect[c.to]
		}
		for _, l := range ws.active[c.from] {
			if l.legs >= K {
				continue
			}
			nl := label{ready: ready, legs: l.legs + 1, cost: l.cost + sv.cost, co2: l.co2 + sv.co2}
			if toDest {
				d := destLabel{arr: c.arr, legs: nl.legs, cost: nl.cost, co2: nl.co2}
				if p.insertDest(ws, &d) {
					ws.dest[len(ws.dest)-1].ref = p.logStep(ws, int32(i), l.ref)
				}
				continue
			}
			if nl.legs+b.legs[c.to] > K || p.beaten(ws, c.to, &nl) || p.hopeless(ws, c.to, nl.ready, nl.cost, nl.co2) {
				continue
			}
			nl.ref = p.logStep(ws, int32(i), l.ref)
			p.insertPending(ws, c.to, &nl)
		}
	}
	slices.SortFunc(ws.dest, func(a, b destLabel) int {
		return cmp.Or(cmp.Compare(a.arr, b.arr), cmp.Compare(a.cost, b.cost), cmp.Compare(a.co2, b.co2))
	})
	out := make([]Itinerary, 0, len(ws.dest))
	var chain []int32
	for _, d := range ws.dest {
		chain = chain[:0]
		for r := d.ref; r >= 0; r = ws.log[r].parent {
			chain = append(chain, ws.log[r].conn)
		}
		slices.Reverse(chain)
		out = append(out, *p.itinerary(tt, q, chain))
	}
	return out, nil
}

func (p *Planner) logStep(ws *workspace, conn, parent int32) int32 {
	ws.log = append(ws.log, step{conn: conn, parent: parent})
	return int32(len(ws.log) - 1)
}

// hopeless reports whether a label at office o, ready at t with cost and
// co2 so far, cannot lead to a new Pareto itinerary: an itinerary already at
// the destination is no worse than the lower bounds of every way on, and
// strictly better on one criterion (so ties, which could have fewer legs,
// are kept).
func (p *Planner) hopeless(ws *workspace, o int32, t int32, cost, co2 int64) bool {
	b := &ws.bounds
	at, ac, ae := int64(t)+b.time[o], cost+b.cost[o], co2+b.co2[o]
	for i := range ws.dest {
		d := &ws.dest[i]
		if int64(d.arr) <= at && d.cost <= ac && d.co2 <= ae && (int64(d.arr) < at || d.cost < ac || d.co2 < ae) {
			return true
		}
	}
	return false
}

// activate moves the pending labels of office o that are ready by now to
// its active set.
func (p *Planner) activate(ws *workspace, o int32, now int32) {
	pend := ws.pending[o]
	k := 0
	for k < len(pend) && pend[k].ready <= now {
		k++
	}
	if k == 0 {
		return
	}
	act := ws.active[o]
	for _, l := range pend[:k] {
		if p.hopeless(ws, o, now, l.cost, l.co2) || slices.ContainsFunc(act, func(a label) bool {
			return a.cost <= l.cost && a.co2 <= l.co2 && a.legs <= l.legs
		}) {
			continue
		}
		act = slices.DeleteFunc(act, func(a label) bool { return l.cost <= a.cost && l.co2 <= a.co2 && l.legs <= a.legs })
		act = append(act, l)
	}
	ws.active[o] = act
	ws.pending[o] = append(pend[:0], pend[k:]...)
}

// beaten reports whether a label of office o is at least as good as l, which
// is ready after every active label of o.
func (p *Planner) beaten(ws *workspace, o int32, l *label) bool {
	for _, a := range ws.active[o] {
		if a.cost <= l.cost && a.co2 <= l.co2 && a.legs <= l.legs {
			return true
		}
	}
	for _, q := range ws.pending[o] {
		if q.ready <= l.ready && q.cost <= l.cost && q.co2 <= l.co2 && q.legs <= l.legs {
			return true
		}
	}
	return false
}

// insertPending adds l, which no label of o beats, to the pending labels of
// o, dropping the pending labels it beats.
func (p *Planner) insertPending(ws *workspace, o int32, l *label) {
	pend := ws.pending[o]
	if len(pend) == 0 && len(ws.active[o]) == 0 {
		ws.inBag = append(ws.inBag, o)
	}
	pend = slices.DeleteFunc(pend, func(q label) bool {
		return l.ready <= q.ready && l.cost <= q.cost && l.co2 <= q.co2 && l.legs <= q.legs
	})
	i, _ := slices.BinarySearchFunc(pend, l.ready, func(q label, t int32) int { return cmp.Compare(q.ready, t+1) })
	ws.pending[o] = slices.Insert(pend, i, *l)
}

// sweep drops hopeless labels everywhere and returns how many are left.
func (p *Planner) sweep(ws *workspace, now int32) int {
	left := 0
	for _, o := range ws.inBag {
		ws.pending[o] = slices.DeleteFunc(ws.pending[o], func(l label) bool { return p.hopeless(ws, o, l.ready, l.cost, l.co2) })
		ws.active[o] = slices.DeleteFunc(ws.active[o], func(l label) bool { return p.hopeless(ws, o, now, l.cost, l.co2) })
		left += len(ws.pending[o]) + len(ws.active[o])
	}
	return left
}

// insertDest adds d to the destination set unless beaten, dropping what it
// beats; it reports whether d was added (last).
func (p *Planner) insertDest(ws *workspace, d *destLabel) bool {
	for i := range ws.dest {
		if ws.dest[i].beats(d) {
			return false
		}
	}
	ws.dest = slices.DeleteFunc(ws.dest, func(b destLabel) bool { return d.beats(&b) })
	ws.dest = append(ws.dest, *d)
	return true
}

func growBags(s [][]label, n int) [][]label {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([][]label, n-cap(s))...)
}
