package accounting

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

// Leg is one departure of a service an item or dispatch travels on.
type Leg struct {
	Service string    `json:"service"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Depart  time.Time `json:"depart"`
	Arrive  time.Time `json:"arrive"`
}

// Ways derives an item's way from the timetable planner: the earliest
// itinerary from its office of exchange, ready at acceptance, to any office
// of exchange or IMPC in the destination country (ties: lower cost, then
// office code). It stands in for dispatch facts until dispatches and
// consignments are recorded; it is safe for concurrent use and remembers
// each item's way, so a what-if rating plans nothing again.
type Ways struct {
	planner *routing.Planner
	dests   map[string][]string // country → offices of exchange and IMPCs
	mu      sync.Mutex
	cache   map[string]way
}

type way struct {
	legs []Leg
	why  string // no way: why not
	note string // a way found only by relaxing the product's modes
	// none is set when the planner found no itinerary (rather than the
	// question being void: no office in the country, an unknown origin).
	none bool
}

// NewWays plans over p.
func NewWays(p *routing.Planner) *Ways {
	w := &Ways{planner: p, dests: map[string][]string{}, cache: map[string]way{}}
	for _, o := range p.Offices() {
		if o.Kind == network.KindOE || o.Kind == network.KindIMPC {
			w.dests[o.Country] = append(w.dests[o.Country], o.Code)
		}
	}
	for _, codes := range w.dests {
		slices.Sort(codes)
	}
	return w
}

// Of returns the item's legs and a note when the way needed more modes
// than the product's, or nil and why there is no way.
func (w *Ways) Of(it ItemFact) (legs []Leg, note, why string) {
	w.mu.Lock()
	c, ok := w.cache[it.ID]
	w.mu.Unlock()
	if !ok {
		c = w.plan(it, it.Product, 0)
		if c.none && it.Product != "" {
			// Letter post and EMS go by air and road, but where the network
			// has no such way the post sends them as it can (e.g. postal
			// rail to Europe and Russia): rate that way rather than none.
			// Surface mail takes weeks: allow SurfaceHorizon.
			if alt := w.plan(it, "", SurfaceHorizon); alt.legs != nil {
				c = way{legs: alt.legs, note: "no air or road way in the network: planned over every mode"}
			} else {
				c.why += fmt.Sprintf("; none by any mode within %d days either", int(SurfaceHorizon/(24*time.Hour)))
			}
		}
		w.mu.Lock()
		if len(w.cache) >= maxWays {
			clear(w.cache) // a long-running server: keep memory bounded
		}
		w.cache[it.ID] = c
		w.mu.Unlock()
	}
	return c.legs, c.note, c.why
}

// maxWays bounds the ways remembered (about 1 KB each).
const maxWays = 200_000

// SurfaceHorizon bounds the way of an item planned over every mode.
const SurfaceHorizon = 35 * 24 * time.Hour

func (w *Ways) plan(it ItemFact, product postal.Product, horizon time.Duration) way {
	dests := w.dests[it.Dest]
	if len(dests) == 0 {
		return way{why: fmt.Sprintf("no office of exchange in %s in the network", it.Dest)}
	}
	if _, ok := w.planner.Office(it.Origin); !ok {
		return way{why: fmt.Sprintf("origin office %q is not in the network", it.Origin)}
	}
	var best *routing.Itinerary
	var lastErr error
	for _, to := range dests {
		if to == it.Origin {
			continue
		}
		itin, err := w.planner.Earliest(routing.Query{From: it.Origin, To: to, Ready: it.AcceptedAt, WeightG: it.WeightG, Product: product, Horizon: horizon})
		if err != nil {
			lastErr = err
			continue
		}
		if itin != nil && (best == nil || itin.Arrive.Before(best.Arrive) || itin.Arrive.Equal(best.Arrive) && itin.Cost < best.Cost) {
			best = itin
		}
	}
	if best == nil {
		if lastErr != nil {
			return way{why: fmt.Sprintf("no way from %s to %s: %v", it.Origin, it.Dest, lastErr)}
		}
		return way{none: true, why: fmt.Sprintf("no route from %s to an office of exchange in %s within %d days of acceptance", it.Origin, it.Dest, int(cmp.Or(horizon, routing.DefaultHorizon)/(24*time.Hour)))}
	}
	legs := make([]Leg, len(best.Legs))
	for i, l := range best.Legs {
		legs[i] = Leg{Service: l.Service, From: l.From, To: l.To, Depart: l.Depart, Arrive: l.Arrive}
	}
	return way{legs: legs}
}

// Onward returns the planned way of a dispatch (of weightG gross) from the
// office it was carried to, ready there at ready, to its destination office
// of exchange, over every mode; or nil and why there is none. It charges
// the legs no consignment records yet (a dispatch consigned to a hub is
// carried on from there).
func (w *Ways) Onward(from, to string, ready time.Time, weightG int) ([]Leg, string) {
	itin, err := w.planner.Earliest(routing.Query{From: from, To: to, Ready: ready, WeightG: weightG})
	switch {
	case err != nil:
		return nil, fmt.Sprintf("no way on from %s to %s: %v", from, to, err)
	case itin == nil:
		return nil, fmt.Sprintf("no route on from %s to %s within %d days", from, to, int(routing.DefaultHorizon/(24*time.Hour)))
	}
	legs := make([]Leg, len(itin.Legs))
	for i, l := range itin.Legs {
		legs[i] = Leg{Service: l.Service, From: l.From, To: l.To, Depart: l.Depart, Arrive: l.Arrive}
	}
	return legs, ""
}
