package routing

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
	heap distHeap
	tmp  []int64
}

const unreachable = int64(1) << 62

// Which bound a backward run computes.
const (
	byTime = iota
	byCost
	byCO2
	byLegs
)

// computeBounds runs backward Dijkstras (time, cost, CO2, legs) from the
// destination over the admissible services.
func (p *Planner) computeBounds(q *query, b *bounds) {
	n := len(p.offices)
	b.time, b.cost, b.co2 = grow(b.time, n), grow(b.cost, n), grow(b.co2, n)
	b.legs, b.tmp = grow(b.legs, n), grow(b.tmp, n)
	p.backward(q, b, b.time, byTime)
	p.backward(q, b, b.cost, byCost)
	p.backward(q, b, b.co2, byCO2)
	p.backward(q, b, b.tmp, byLegs)
	for i, l := range b.tmp {
		b.legs[i] = int32(min(l, 1<<20))
	}
}

// backward fills dist with the shortest distance from each office to the
// destination under the weight kind.
func (p *Planner) backward(q *query, b *bounds, dist []int64, kind int) {
	for i := range dist {
		dist[i] = unreachable
	}
	dist[q.to] = 0
	h := &b.heap
	*h = append((*h)[:0], distItem{0, q.to})
	for len(*h) > 0 {
		it := h.pop()
		if it.d > dist[it.o] {
			continue
		}
		for _, s := range p.in[p.inOff[it.o]:p.inOff[it.o+1]] {
			sv := &p.svc[s]
			if sv.mask&q.modeMask == 0 || sv.mask&q.reqMask != q.reqMask || (q.svcBlocked != nil && q.svcBlocked[s]) ||
				sv.from == q.to || (sv.from != q.from && !q.passes(sv.from)) {
				continue
			}
			var w int64
			switch kind {
			case byTime:
				w = sv.minutes
				if it.o != q.to {
					w += int64(p.connect[it.o])
				}
			case byCost:
				w = sv.cost
			case byCO2:
				w = sv.co2
			default:
				w = 1
			}
			if nd := it.d + w; nd < dist[sv.from] {
				dist[sv.from] = nd
				h.push(distItem{nd, sv.from})
			}
		}
	}
}

type distItem struct {
	d int64
	o int32
}

// distHeap is a binary min-heap on d (typed, so pushes do not allocate).
type distHeap []distItem

func (h *distHeap) push(it distItem) {
	*h = append(*h, it)
	s := *h
	i := len(s) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if s[parent].d <= s[i].d {
			break
		}
		s[parent], s[i] = s[i], s[parent]
		i = parent
	}
}

func (h *distHeap) pop() distItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s[l].d < s[m].d {
			m = l
		}
		if r < len(s) && s[r].d < s[m].d {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}
