package routing

import "container/heap"

// bounds are per-office lower bounds on what is still to come on the way to
// the destination: minutes from being ready to arriving, cost and CO2 per
// kg, and legs. They come from backward shortest paths over the services the
// item may use, ignoring days and waiting, so no itinerary can beat them;
// the Pareto scan uses them to drop labels that cannot lead to a new Pareto
// itinerary (target pruning with lower bounds).
type bounds struct {
	time []int64 // cut-off + duration of each leg + connect_min where it changes
	cost []int64
	co2  []int64
	legs []int32
}

const unreachable = int64(1) << 62

// computeBounds runs four backward Dijkstras (time, cost, CO2, legs) from the
// destination over the admissible services.
func (p *Planner) computeBounds(q *query, b *bounds) {
	n := len(p.offices)
	b.time, b.cost, b.co2 = grow(b.time, n), grow(b.cost, n), grow(b.co2, n)
	b.legs = grow(b.legs, n)
	weights := []func(s int32) int64{
		func(s int32) int64 {
			sv := &p.services[s]
			w := int64(sv.CutoffMin + sv.DurationMin)
			if to := p.svc[s].to; to != q.to {
				w += int64(p.connect[to])
			}
			return w
		},
		func(s int32) int64 { return p.svc[s].cost },
		func(s int32) int64 { return p.svc[s].co2 },
		func(int32) int64 { return 1 },
	}
	var legs []int64
	for k, dist := range [][]int64{b.time, b.cost, b.co2, nil} {
		if dist == nil {
			legs = grow(legs, n)
			dist = legs
		}
		p.backward(q, dist, weights[k])
	}
	for i, l := range legs {
		b.legs[i] = int32(min(l, 1<<20))
	}
}

// backward fills dist with the shortest distance from each office to the
// destination under weight w.
func (p *Planner) backward(q *query, dist []int64, w func(s int32) int64) {
	for i := range dist {
		dist[i] = unreachable
	}
	dist[q.to] = 0
	h := &distHeap{{0, q.to}}
	for h.Len() > 0 {
		it := heap.Pop(h).(distItem)
		if it.d > dist[it.o] {
			continue
		}
		for _, s := range p.in[p.inOff[it.o]:p.inOff[it.o+1]] {
			sv := &p.svc[s]
			if sv.mask&q.modeMask == 0 || sv.mask&q.reqMask != q.reqMask || (q.svcBlocked != nil && q.svcBlocked[s]) {
				continue
			}
			if sv.from == q.to || (sv.from != q.from && !q.passes(sv.from)) {
				continue
			}
			if nd := it.d + w(s); nd < dist[sv.from] {
				dist[sv.from] = nd
				heap.Push(h, distItem{nd, sv.from})
			}
		}
	}
}

type distItem struct {
	d int64
	o int32
}

type distHeap []distItem

func (h distHeap) Len() int           { return len(h) }
func (h distHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h distHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *distHeap) Push(x any)        { *h = append(*h, x.(distItem)) }
func (h *distHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}
