package routing

import (
	"cmp"
	"context"
	"slices"
)

// label is a partial itinerary waiting at an office: ready for a departure
// at ready, having used legs legs and cost and co2 per kg. ref points into
// the workspace log to rebuild its legs.
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

// dominates reports whether label a makes b useless: ready no later, no
// dearer, no dirtier, with no more legs.
func (a *label) dominates(b *label) bool {
	return a.ready <= b.ready && a.cost <= b.cost && a.co2 <= b.co2 && a.legs <= b.legs
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

// pareto runs the forward multi-criteria scan over the whole horizon and
// returns the Pareto set over (arrival, cost, CO2), one itinerary per
// distinct vector (the one with the fewest legs), sorted by arrival, then
// cost, then CO2.
func (p *Planner) pareto(ctx context.Context, tt *Timetable, q *query, ws *workspace) ([]Itinerary, error) {
	n := len(p.offices)
	ws.bags = growBags(ws.bags, n)
	bags := ws.bags
	for _, o := range ws.inBag {
		bags[o] = bags[o][:0]
	}
	ws.inBag = append(ws.inBag[:0], q.from)
	ws.log = ws.log[:0]
	ws.dest = ws.dest[:0]
	bags[q.from] = append(bags[q.from], label{ready: q.readyMin, ref: -1})
	K := int32(q.maxLegs)
	conns := tt.conns
	for i := tt.first(q.readyMin); i < len(conns); i++ {
		c := &conns[i]
		if c.drop > q.endMin {
			break
		}
		if i&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		bag := bags[c.from]
		if len(bag) == 0 || c.arr > q.endMin || c.from == q.to || !q.admits(c) {
			continue
		}
		if c.to != q.to && !q.passes(c.to) {
			continue
		}
		sv := &p.svc[c.svc]
		for li := 0; li < len(bag); li++ {
			l := &bag[li]
			if l.ready > c.drop || l.legs >= K {
				continue
			}
			cost, co2 := l.cost+sv.cost, l.co2+sv.co2
			if c.to == q.to {
				d := destLabel{arr: c.arr, legs: l.legs + 1, cost: cost, co2: co2}
				if p.insertDest(ws, &d) {
					ws.dest[len(ws.dest)-1].ref = p.logStep(ws, int32(i), l.ref)
				}
				continue
			}
			nl := label{ready: c.arr + p.connect[c.to], legs: l.legs + 1, cost: cost, co2: co2}
			if p.deadEnd(ws, &nl) {
				continue
			}
			if p.insertLabel(ws, c.to, &nl) {
				bags[c.to][len(bags[c.to])-1].ref = p.logStep(ws, int32(i), l.ref)
			}
		}
	}
	out := make([]Itinerary, 0, len(ws.dest))
	slices.SortFunc(ws.dest, func(a, b destLabel) int {
		return cmp.Or(cmp.Compare(a.arr, b.arr), cmp.Compare(a.cost, b.cost), cmp.Compare(a.co2, b.co2))
	})
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

// deadEnd reports whether every continuation of l is beaten by an itinerary
// already at the destination: any later leg arrives after l.ready and only
// adds cost and CO2.
func (p *Planner) deadEnd(ws *workspace, l *label) bool {
	for i := range ws.dest {
		d := &ws.dest[i]
		if d.arr <= l.ready && d.cost <= l.cost && d.co2 <= l.co2 {
			return true
		}
	}
	return false
}

// insertLabel adds l to the bag of office o unless a label there dominates
// it, dropping the labels it dominates. It reports whether l was added (as
// the bag's last label).
func (p *Planner) insertLabel(ws *workspace, o int32, l *label) bool {
	bag := ws.bags[o]
	for i := range bag {
		if bag[i].dominates(l) {
			return false
		}
	}
	if len(bag) == 0 {
		ws.inBag = append(ws.inBag, o)
	}
	bag = slices.DeleteFunc(bag, func(b label) bool { return l.dominates(&b) })
	ws.bags[o] = append(bag, *l)
	return true
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
