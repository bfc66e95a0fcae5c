package routing

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Planner answers route queries over one network. It is safe for concurrent
// use. It keeps the dated departures of the last window it needed and builds
// a new window when a query falls outside it; Prepare builds one up front.
type Planner struct {
	offices  []network.Office
	index    map[string]int32
	locs     []*time.Location
	connect  []int32 // connect_min per office
	services []network.Leg
	svc      []svcInfo
	// minCapacityKg is the smallest capacity: lighter items need no
	// per-service capacity check.
	minCapacityKg float64
	// in lists the services into each office: in[inOff[o]:inOff[o+1]].
	in, inOff []int32

	tt   atomic.Pointer[Timetable]
	ttMu sync.Mutex // one timetable build at a time
	ws   sync.Pool
}

type svcInfo struct {
	from, to int32
	cost     int64 // cost per kg in 1/10 000 units
	co2      int64 // CO2e in milligrams per kg
	minutes  int64 // cut-off + duration: the least time from ready to arrival
	mask     uint8
}

// New compiles a network for planning. It checks what the planner relies
// on: valid offices with loadable zones, valid services, known offices,
// unique codes and ids.
func New(offices []network.Office, services []network.Leg) (*Planner, error) {
	p := &Planner{
		offices: offices, services: services, index: make(map[string]int32, len(offices)),
		locs: make([]*time.Location, len(offices)), connect: make([]int32, len(offices)),
		svc: make([]svcInfo, len(services)), minCapacityKg: math.Inf(1),
	}
	var fe postal.FieldList
	for i, o := range offices {
		if err := o.Validate(); err != nil {
			fe.Add(fmt.Sprintf("offices[%d]", i), "%v", err)
			continue
		}
		if _, dup := p.index[o.Code]; dup {
			fe.Add(fmt.Sprintf("offices[%d].code", i), "office %s appears twice", o.Code)
		}
		p.index[o.Code] = int32(i)
		p.locs[i], _ = time.LoadLocation(o.TZ) // Validate loaded it
		p.connect[i] = int32(o.ConnectMin)
	}
	ids := make(map[string]bool, len(services))
	for i, s := range services {
		if err := s.Validate(); err != nil {
			fe.Add(fmt.Sprintf("services[%d]", i), "%v", err)
			continue
		}
		if ids[s.ID] {
			fe.Add(fmt.Sprintf("services[%d].id", i), "service %s appears twice", s.ID)
		}
		ids[s.ID] = true
		from, okF := p.index[s.From]
		to, okT := p.index[s.To]
		if !okF || !okT {
			fe.Add(fmt.Sprintf("services[%d]", i), "service %s joins unknown offices %s → %s", s.ID, s.From, s.To)
			continue
		}
		mask := modeBit(s.Mode)
		if s.DG {
			mask |= dgBit
		}
		p.svc[i] = svcInfo{
			from: from, to: to, mask: mask, minutes: int64(s.CutoffMin + s.DurationMin),
			cost: int64(math.Round(s.CostPerKg * 1e4)),
			co2:  int64(math.Round(s.CO2GramsPerKg(offices[from], offices[to]) * 1000)),
		}
		p.minCapacityKg = min(p.minCapacityKg, s.CapacityKg)
	}
	if err := fe.Err("network cannot be planned on"); err != nil {
		return nil, err
	}
	p.inOff = make([]int32, len(offices)+1)
	for _, sv := range p.svc {
		p.inOff[sv.to+1]++
	}
	for i := range offices {
		p.inOff[i+1] += p.inOff[i]
	}
	p.in = make([]int32, len(services))
	next := slices.Clone(p.inOff)
	for i, sv := range p.svc {
		p.in[next[sv.to]] = int32(i)
		next[sv.to]++
	}
	return p, nil
}

// Offices returns the offices the planner was built with.
func (p *Planner) Offices() []network.Office { return p.offices }

// Office returns an office by code.
func (p *Planner) Office(code string) (network.Office, bool) {
	i, ok := p.index[code]
	if !ok {
		return network.Office{}, false
	}
	return p.offices[i], true
}

// Plan answers a query: the earliest arrival (nil if there is no route) and,
// if q.Pareto, the Pareto set over arrival, cost and CO2 sorted by arrival.
// A bad query is invalid, naming the field.
func (p *Planner) Plan(ctx context.Context, q Query) (Result, error) {
	pq, err := p.check(q)
	if err != nil {
		return Result{}, err
	}
	tt := p.timetableFor(pq.readyMin, pq.endMin)
	ws := p.workspace()
	defer p.ws.Put(ws)
	res := Result{Pareto: []Itinerary{}, CostBasis: CostBasis}
	res.Earliest = p.earliest(tt, pq, ws)
	if q.Pareto && res.Earliest != nil {
		if res.Pareto, err = p.pareto(ctx, tt, pq, ws); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// Earliest returns only the earliest arrival (nil if there is no route).
func (p *Planner) Earliest(q Query) (*Itinerary, error) {
	pq, err := p.check(q)
	if err != nil {
		return nil, err
	}
	tt := p.timetableFor(pq.readyMin, pq.endMin)
	ws := p.workspace()
	defer p.ws.Put(ws)
	return p.earliest(tt, pq, ws), nil
}

// Pareto returns only the Pareto set over arrival, cost and CO2.
func (p *Planner) Pareto(ctx context.Context, q Query) ([]Itinerary, error) {
	pq, err := p.check(q)
	if err != nil {
		return nil, err
	}
	tt := p.timetableFor(pq.readyMin, pq.endMin)
	ws := p.workspace()
	defer p.ws.Put(ws)
	return p.pareto(ctx, tt, pq, ws)
}

// Timetable is the dated departures of a network within a window, sorted by
// drop time (departure − cut-off).
type Timetable struct {
	start, end int32 // minutes since the Unix epoch
	conns      []conn
}

// conn is one dated departure of a service. Times are minutes since the
// Unix epoch (int32 lasts until the year 6053).
type conn struct {
	drop int32 // departure − cut-off: the item must be ready at from by then
	arr  int32 // arrival at to
	from int32
	to   int32
	svc  int32
	mask uint8 // mode bit | dgBit
}

// Len returns the number of departures in the timetable.
func (t *Timetable) Len() int { return len(t.conns) }

// Window returns the span the timetable covers: every departure whose drop
// time is at or after start and whose arrival is at or before end.
func (t *Timetable) Window() (start, end time.Time) {
	return time.Unix(int64(t.start)*60, 0).UTC(), time.Unix(int64(t.end)*60, 0).UTC()
}

// first returns the index of the first connection with drop ≥ m.
func (t *Timetable) first(m int32) int {
	i, _ := slices.BinarySearchFunc(t.conns, m, func(c conn, m int32) int { return cmp.Compare(c.drop, m) })
	return i
}

// Prepare builds and keeps the departures for queries whose ready time and
// horizon fall within [start, end].
func (p *Planner) Prepare(start, end time.Time) *Timetable {
	tt := p.build(int32(floorDiv(start.Unix(), 60)), int32(ceilDiv(end.Unix(), 60)))
	p.tt.Store(tt)
	return tt
}

// The first timetable a planner builds covers exactly the query that asked
// for it (a planner used once pays for nothing more). A query that falls
// outside it shows the planner is long-lived and shared (routing.Cache), so
// the next timetable covers whole days, from the day before the query's
// ready time to at least windowDays later, and is merged with the one it
// replaces while the two together span at most mergeDays: queries with
// ready times spread over days, or alternating between two nearby windows,
// don't rebuild it each time.
const (
	windowDays = 28
	mergeDays  = 63
)

func (p *Planner) timetableFor(start, end int32) *Timetable {
	covers := func(tt *Timetable) bool { return tt != nil && tt.start <= start && tt.end >= end }
	if tt := p.tt.Load(); covers(tt) {
		return tt
	}
	p.ttMu.Lock()
	defer p.ttMu.Unlock()
	old := p.tt.Load()
	if covers(old) {
		return old // built while this query waited
	}
	if old == nil {
		tt := p.build(start, end)
		p.tt.Store(tt)
		return tt
	}
	const day = 1440
	s := (floorDiv(int64(start), day) - 1) * day
	e := max(ceilDiv(int64(end), day)*day, s+windowDays*day)
	if us, ue := min(s, int64(old.start)), max(e, int64(old.end)); ue-us <= mergeDays*day {
		s, e = us, ue
	}
	s, e = max(s, math.MinInt32), min(e, math.MaxInt32)
	tt := p.build(int32(s), int32(e))
	p.tt.Store(tt)
	return tt
}

// build expands every service into its departures with drop ≥ start and
// arrival ≤ end.
func (p *Planner) build(start, end int32) *Timetable {
	tt := &Timetable{start: start, end: end}
	days := newDayCache(p.locs)
	for i, s := range p.services {
		info := p.svc[i]
		first := floorDiv(int64(start)+int64(s.CutoffMin), 1440) - 1
		last := floorDiv(int64(end)-int64(s.DurationMin), 1440) + 1
		validFrom, validTo := int64(math.MinInt64), int64(math.MaxInt64)
		if !s.ValidFrom.IsZero() {
			validFrom = dayNumber(s.ValidFrom)
		}
		if !s.ValidTo.IsZero() {
			validTo = dayNumber(s.ValidTo)
		}
		for day := max(first, validFrom); day <= last && day <= validTo; day++ {
			if s.Days&(1<<isoWeekday(day)) == 0 {
				continue
			}
			dep := days.departure(info.from, day, s.Departs)
			drop, arr := dep-int64(s.CutoffMin), dep+int64(s.DurationMin)
			if drop < int64(start) || arr > int64(end) {
				continue
			}
			tt.conns = append(tt.conns, conn{drop: int32(drop), arr: int32(arr), from: info.from, to: info.to, svc: int32(i), mask: info.mask})
		}
	}
	slices.SortFunc(tt.conns, func(a, b conn) int {
		if c := cmp.Compare(a.drop, b.drop); c != 0 {
			return c
		}
		if c := cmp.Compare(a.arr, b.arr); c != 0 {
			return c
		}
		return cmp.Compare(a.svc, b.svc)
	})
	return tt
}

// dayNumber returns the days since 1970-01-01 of a date.
func dayNumber(d civil.Date) int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// isoWeekday returns 0 for Monday … 6 for Sunday of a day number
// (1970-01-01 was a Thursday).
func isoWeekday(day int64) int64 { return ((day+3)%7 + 7) % 7 }

// dayCache remembers, per office zone and local date, the instant of local
// midnight when the day has no clock change, so most departures cost an
// addition; days with a change go through civil.LocalTime.
type dayCache struct {
	locs []*time.Location
	m    map[dayKey]int64 // minutes since epoch of local midnight, or noFastPath
}

type dayKey struct {
	loc *time.Location
	day int64
}

const noFastPath = math.MinInt64

func newDayCache(locs []*time.Location) *dayCache {
	return &dayCache{locs: locs, m: map[dayKey]int64{}}
}

// departure returns the departure, in minutes since the epoch, at local
// clock c on local day number day in the zone of office.
func (d *dayCache) departure(office int32, day int64, c civil.Clock) int64 {
	loc := d.locs[office]
	k := dayKey{loc, day}
	mid, ok := d.m[k]
	if !ok {
		date := civil.DateOf(time.Unix(day*86400, 0).UTC())
		u0 := civil.LocalTime(loc, date, 0).Unix()
		u1 := civil.LocalTime(loc, date.AddDays(1), 0).Unix()
		_, off0 := time.Unix(u0, 0).In(loc).Zone()
		_, off1 := time.Unix(u1-1, 0).In(loc).Zone()
		mid = noFastPath
		if u1-u0 == 86400 && off0 == off1 && u0%60 == 0 {
			mid = u0 / 60
		}
		d.m[k] = mid
	}
	if mid != noFastPath {
		return mid + int64(c)
	}
	date := civil.DateOf(time.Unix(day*86400, 0).UTC())
	return floorDiv(civil.LocalTime(loc, date, c).Unix(), 60)
}

// workspace holds a query's scratch memory; planners reuse them.
type workspace struct {
	ready   []int32
	stairs  [][]stair
	touched []int
	bounds  bounds
	pending [][]label // per office: labels not yet ready, by ready time
	active  [][]label // per office: ready labels, none dominating another on cost, CO2, legs
	inBag   []int32
	log     []step
	dest    []destLabel
}

func (p *Planner) workspace() *workspace {
	if ws, ok := p.ws.Get().(*workspace); ok {
		return ws
	}
	return &workspace{}
}
