package routing

// stair is one step of a backward profile: boarding connection conn (drop
// time drop) leads on to the destination in time for cost and co2 per kg.
// A stair list is appended in falling drop order and keeps only steps that
// are strictly cheaper than the last one, so the cheapest way on for an item
// ready at time t is the last step with drop ≥ t.
type stair struct {
	drop      int32
	conn      int32
	cost, co2 int64
}

// earliest runs the legs-bounded forward scan for the earliest arrival, then
// the backward scan that picks, among itineraries arriving then, the one
// with the fewest legs, then the lowest cost, then the lowest CO2.
func (p *Planner) earliest(tt *Timetable, q *query, ws *workspace) *Itinerary {
	K := q.maxLegs
	n := len(p.offices)
	// ready[o*K+k]: earliest time the item can be ready at office o for a
	// departure having used at most k legs; non-increasing in k.
	ready := grow(ws.ready, n*K)
	ws.ready = ready
	for i := range ready {
		ready[i] = inf
	}
	for k := range K {
		ready[int(q.from)*K+k] = q.readyMin
	}
	var destArr [MaxMaxLegs + 1]int32 // by legs used, non-increasing
	for i := range destArr {
		destArr[i] = inf
	}
	best := int32(inf)
	conns := tt.conns
	i0 := tt.first(q.readyMin)
	i := i0
	for ; i < len(conns); i++ {
		c := &conns[i]
		if c.drop >= best || c.drop > q.endMin {
			break // every later departure arrives after best
		}
		b := int(c.from) * K
		if ready[b+K-1] > c.drop || c.arr > q.endMin || !q.admits(c) {
			continue
		}
		k := 0
		for ready[b+k] > c.drop {
			k++
		}
		if c.to == q.to {
			for j := k + 1; j <= K && c.arr < destArr[j]; j++ {
				destArr[j] = c.arr
			}
			best = destArr[K]
			continue
		}
		if !q.passes(c.to) {
			continue
		}
		v := c.arr + p.connect[c.to]
		t := int(c.to) * K
		for j := k + 1; j < K && v < ready[t+j]; j++ {
			ready[t+j] = v
		}
	}
	if best == inf {
		return nil
	}
	legs := 1
	for destArr[legs] != best {
		legs++
	}
	chain := p.cheapestChain(tt, q, ws, i0, i, best, legs)
	return p.itinerary(tt, q, chain)
}

// cheapestChain scans connections [i0, iEnd) backwards keeping, per office
// and remaining leg budget j ≤ legs, the stair of cheapest ways on to the
// destination by arrival best; then it follows the stairs from the origin.
// Only connections the forward scan could reach with legs to spare are
// considered, which keeps the scan to the part of the network that matters.
func (p *Planner) cheapestChain(tt *Timetable, q *query, ws *workspace, i0, iEnd int, best int32, legs int) []int32 {
	K := q.maxLegs
	n := len(p.offices)
	full := ws.stairs[:cap(ws.stairs)] // touched indices are from the last query's layout
	for _, s := range ws.touched {
		full[s] = full[s][:0]
	}
	ws.touched = ws.touched[:0]
	stairs := growStairs(ws.stairs, n*legs)
	ws.stairs = stairs
	at := func(office int32, j int) int { return int(office)*legs + j - 1 }
	push := func(s int, st stair) {
		l := stairs[s]
		if len(l) > 0 {
			last := l[len(l)-1]
			if st.cost > last.cost || (st.cost == last.cost && st.co2 >= last.co2) {
				return
			}
		} else {
			ws.touched = append(ws.touched, s)
		}
		stairs[s] = append(l, st)
	}
	ready := ws.ready
	for i := iEnd - 1; i >= i0; i-- {
		c := &tt.conns[i]
		if c.arr > best || c.from == q.to {
			continue
		}
		// k: legs used to be ready at c.from in time; the rest is the budget.
		b := int(c.from) * K
		if ready[b+K-1] > c.drop {
			continue
		}
		k := 0
		for ready[b+k] > c.drop {
			k++
		}
		budget := legs - k
		if budget < 1 || !q.admits(c) {
			continue
		}
		sv := &p.svc[c.svc]
		if c.to == q.to {
			for j := 1; j <= budget; j++ {
				push(at(c.from, j), stair{drop: c.drop, conn: int32(i), cost: sv.cost, co2: sv.co2})
			}
			continue
		}
		if !q.passes(c.to) {
			continue
		}
		thr := c.arr + p.connect[c.to]
		if thr >= best {
			continue
		}
		// Reaching the destination in time with fewer legs implies reaching
		// it with more, so one look with the whole budget rules most out.
		if budget < 2 {
			continue
		}
		if _, ok := lookup(stairs[at(c.to, budget-1)], thr); !ok {
			continue
		}
		for j := 2; j <= budget; j++ {
			if next, ok := lookup(stairs[at(c.to, j-1)], thr); ok {
				push(at(c.from, j), stair{drop: c.drop, conn: int32(i), cost: sv.cost + next.cost, co2: sv.co2 + next.co2})
			}
		}
	}
	var chain []int32
	office, thr := q.from, q.readyMin
	for j := legs; ; j-- {
		st, ok := lookup(stairs[at(office, j)], thr)
		if !ok {
			panic("routing: backward scan lost the earliest arrival") // the forward scan found it
		}
		chain = append(chain, st.conn)
		c := &tt.conns[st.conn]
		if c.to == q.to {
			return chain
		}
		office, thr = c.to, c.arr+p.connect[c.to]
	}
}

// lookup returns the last stair with drop ≥ t: the cheapest way on for an
// item ready at t.
func lookup(l []stair, t int32) (stair, bool) {
	// drops fall along l; find the first with drop < t.
	lo, hi := 0, len(l)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l[m].drop >= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return stair{}, false
	}
	return l[lo-1], true
}

func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

func growStairs(s [][]stair, n int) [][]stair {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([][]stair, n-cap(s))...)
}
