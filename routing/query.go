package routing

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Defaults and limits of a query.
const (
	DefaultMaxLegs = 6
	MaxMaxLegs     = 16
	DefaultHorizon = 14 * 24 * time.Hour
	MaxHorizon     = 120 * 24 * time.Hour
	DefaultWeightG = 1000
)

// Query asks for the way of one item.
type Query struct {
	From, To string    // office codes
	Ready    time.Time // when the item is ready at From
	WeightG  int       // item weight in grams; 0 means DefaultWeightG
	// Product limits the modes (AllowedModes); empty allows every mode.
	Product postal.Product
	Surface bool     // no air
	DG      bool     // dangerous goods: only services that accept them
	Avoid   []string // ISO countries the item must not pass through in transit
	MaxLegs int      // 0 means DefaultMaxLegs
	Horizon time.Duration
	// Pareto also asks for the Pareto set over arrival, cost and CO2.
	Pareto bool
}

// AllowedModes returns the modes an item of product may travel by. EMS and
// letter-post items (registered and unregistered small packets, e-Packet)
// travel by air and road — they are promised in days and are not accepted on
// the surface corridors — and parcels by any mode. Surface removes air. An
// empty product allows every mode.
func AllowedModes(product postal.Product, surface bool) ([]network.Mode, error) {
	modes := network.Modes
	if product != "" {
		spec, err := postal.LookupProduct(string(product))
		if err != nil {
			return nil, err
		}
		if spec.Class != postal.ClassParcel {
			modes = []network.Mode{network.ModeAir, network.ModeRoad}
		}
	}
	if surface {
		modes = slices.DeleteFunc(slices.Clone(modes), func(m network.Mode) bool { return m == network.ModeAir })
	}
	return modes, nil
}

// ParseReady parses a ready time given as RFC 3339 text. A time without a
// zone is refused: 10:00 in Xiamen and 10:00 in Duisburg are seven hours
// apart.
func ParseReady(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", time.DateOnly} {
		if _, err := time.Parse(layout, s); err == nil {
			return time.Time{}, fmt.Errorf("%q has no time zone: add Z or an offset, e.g. 2026-11-23T10:00:00+08:00", s)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-11-23T10:00:00+08:00", s)
}

// query is a Query checked and translated to the planner's indices.
type query struct {
	Query
	from, to         int32
	readyMin, endMin int32
	maxLegs          int
	modeMask         uint8
	reqMask          uint8
	blocked          []bool // offices the item may not pass (nil: none)
	svcBlocked       []bool // services too small for the item (nil: none)
}

func (p *Planner) check(q Query) (*query, error) {
	var fe postal.FieldList
	pq := &query{Query: q}
	var ok bool
	if pq.from, ok = p.index[q.From]; !ok {
		fe.Add("from", "unknown office %q", q.From)
	}
	if pq.to, ok = p.index[q.To]; !ok {
		fe.Add("to", "unknown office %q", q.To)
	} else if q.To == q.From {
		fe.Add("to", "is the from office %s", q.From)
	}
	if q.Ready.IsZero() {
		fe.Add("ready", "required: when the item is ready at the from office (RFC 3339 with a zone)")
	} else if y := q.Ready.Year(); y < 1971 || y > 5000 {
		fe.Add("ready", "%s is out of range", q.Ready.Format(time.RFC3339))
	}
	if pq.WeightG == 0 {
		pq.WeightG = DefaultWeightG
	}
	if pq.WeightG < 0 || pq.WeightG > 100_000_000 {
		fe.Add("weight_g", "%d must be between 1 and 100000000 grams", q.WeightG)
	}
	pq.maxLegs = q.MaxLegs
	if pq.maxLegs == 0 {
		pq.maxLegs = DefaultMaxLegs
	}
	if pq.maxLegs < 1 || pq.maxLegs > MaxMaxLegs {
		fe.Add("max_legs", "%d must be between 1 and %d", q.MaxLegs, MaxMaxLegs)
	}
	if pq.Horizon == 0 {
		pq.Horizon = DefaultHorizon
	}
	if pq.Horizon < time.Minute || pq.Horizon > MaxHorizon {
		fe.Add("horizon", "%s must be between 1 minute and %d days", q.Horizon, int(MaxHorizon/(24*time.Hour)))
	}
	modes, err := AllowedModes(q.Product, q.Surface)
	if err != nil {
		fe.Add("product", "%v", err)
	}
	for _, m := range modes {
		pq.modeMask |= modeBit(m)
	}
	if q.DG {
		pq.reqMask = dgBit
	}
	var avoid []string
	for _, c := range q.Avoid {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !postal.ValidCountry(c) {
			fe.Add("avoid", "%q is not an ISO 3166-1 alpha-2 country code", c)
			continue
		}
		avoid = append(avoid, c)
	}
	if err := fe.Err("bad route query"); err != nil {
		return nil, err
	}
	pq.readyMin = int32(ceilDiv(pq.Ready.Unix(), 60))
	pq.endMin = int32(floorDiv(pq.Ready.Add(pq.Horizon).Unix(), 60))
	if len(avoid) > 0 {
		pq.blocked = make([]bool, len(p.offices))
		for i, o := range p.offices {
			pq.blocked[i] = slices.Contains(avoid, o.Country) && int32(i) != pq.from && int32(i) != pq.to
		}
	}
	if kg := float64(pq.WeightG) / 1000; kg > p.minCapacityKg {
		pq.svcBlocked = make([]bool, len(p.services))
		for i, s := range p.services {
			pq.svcBlocked[i] = kg > s.CapacityKg
		}
	}
	return pq, nil
}

// admits reports whether the item may take connection c at all (mode, dangerous goods, capacity).
func (q *query) admits(c *conn) bool {
	return c.mask&q.modeMask != 0 && c.mask&q.reqMask == q.reqMask && (q.svcBlocked == nil || !q.svcBlocked[c.svc])
}

// passes reports whether the item may be at office i in transit.
func (q *query) passes(i int32) bool { return q.blocked == nil || !q.blocked[i] }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// Mode bits of a connection's mask; dgBit marks services that accept
// dangerous goods.
const dgBit uint8 = 1 << 7

func modeBit(m network.Mode) uint8 {
	if i := slices.Index(network.Modes, m); i >= 0 {
		return 1 << i
	}
	return 0
}

const inf = math.MaxInt32
