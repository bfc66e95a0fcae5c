package alloc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/network"
)

// dep is one dated departure of a service. Times are minutes since the
// Unix epoch.
type dep struct {
	svc          int32
	from, to     int32
	drop, depart int64 // hand-over deadline and departure
	arrive       int64
	capG         int64 // capacity left after what is already consigned
	fullG        int64 // capacity of the departure
	cost         int64 // per gram in 1e-7 (= cost per kg in 1e-4)
	co2          float64
	mode         string
}

// expanded is the time-expanded network of a planning window.
type expanded struct {
	offices  []network.Office
	index    map[string]int32
	locs     []*time.Location
	services []network.Leg
	deps     []dep

	// Office nodes: one per office and moment, ordered by time within the
	// office; then one arrival node per departure.
	nodeOffice []int32
	nodeTime   []int64
	officeFrom []int32 // office o's nodes are officeFrom[o] … officeFrom[o+1]-1
	depNode    []int32 // per departure: office node at its drop time
	arrNode    []int32 // per departure: its arrival node
	postNode   []int32 // per departure: office node at arrival + connection time, -1 past the window
	depsAt     [][]int32
	arrsAt     [][]int32 // departures whose postNode is the node
	start, end int64
}

func minutes(t time.Time) int64 { return t.Unix() / 60 }

func atMinute(m int64) time.Time { return time.Unix(m*60, 0).UTC() }

// expand builds the departures of every service in [start, end] (drop at
// or after start, arrival by end) and the nodes of the network; extra are
// (office, minute) moments that need a node (the lanes' ready times).
func expand(offices []network.Office, services []network.Leg, start, end time.Time, loads map[dispatch.DepartureKey]int, extra [][2]int64) (*expanded, error) {
	x := &expanded{offices: offices, services: services, index: map[string]int32{}, locs: make([]*time.Location, len(offices)),
		start: minutes(start), end: minutes(end)}
	for i, o := range offices {
		x.index[o.Code] = int32(i)
		loc, err := time.LoadLocation(o.TZ)
		if err != nil {
			return nil, fmt.Errorf("office %s: time zone %q: %w", o.Code, o.TZ, err)
		}
		x.locs[i] = loc
	}
	startDay := civil.DateOf(start.UTC()).AddDays(-2)
	endDay := civil.DateOf(end.UTC()).AddDays(1)
	for si, s := range services {
		from, ok1 := x.index[s.From]
		to, ok2 := x.index[s.To]
		if !ok1 || !ok2 || s.CapacityKg <= 0 {
			continue
		}
		co2 := s.CO2GramsPerKg(offices[from], offices[to])
		for d := startDay; !endDay.Before(d); d = d.AddDays(1) {
			if !s.RunsOn(d) {
				continue
			}
			depart := s.DepartureOn(d, x.locs[from])
			dm := minutes(depart)
			dp := dep{svc: int32(si), from: from, to: to, depart: dm, drop: dm - int64(s.CutoffMin), arrive: dm + int64(s.DurationMin),
				fullG: int64(math.Round(s.CapacityKg * 1000)), cost: int64(math.Round(s.CostPerKg * 1e4)), co2: co2, mode: string(s.Mode)}
			if dp.drop < x.start || dp.arrive > x.end {
				continue
			}
			dp.capG = max(0, dp.fullG-int64(loads[dispatch.DepartureKey{Service: s.ID, Departure: depart}]))
			x.deps = append(x.deps, dp)
		}
	}
	x.buildNodes(extra)
	return x, nil
}

// buildNodes makes the office nodes (one per distinct moment per office),
// the arrival nodes and the adjacency the reachability searches use.
func (x *expanded) buildNodes(extra [][2]int64) {
	type moment struct {
		office int32
		t      int64
	}
	var ms []moment
	for _, e := range extra {
		ms = append(ms, moment{int32(e[0]), e[1]})
	}
	for _, d := range x.deps {
		ms = append(ms, moment{d.from, d.drop})
		if post := d.arrive + int64(x.offices[d.to].ConnectMin); post <= x.end {
			ms = append(ms, moment{d.to, post})
		}
	}
	slices.SortFunc(ms, func(a, b moment) int {
		if c := cmp.Compare(a.office, b.office); c != 0 {
			return c
		}
		return cmp.Compare(a.t, b.t)
	})
	ms = slices.Compact(ms)
	x.officeFrom = make([]int32, len(x.offices)+1)
	for _, m := range ms {
		x.nodeOffice = append(x.nodeOffice, m.office)
		x.nodeTime = append(x.nodeTime, m.t)
		x.officeFrom[m.office+1]++
	}
	for o := range x.offices {
		x.officeFrom[o+1] += x.officeFrom[o]
	}
	nOffice := len(ms)
	x.depNode = make([]int32, len(x.deps))
	x.arrNode = make([]int32, len(x.deps))
	x.postNode = make([]int32, len(x.deps))
	x.depsAt = make([][]int32, nOffice)
	x.arrsAt = make([][]int32, nOffice)
	for i, d := range x.deps {
		x.depNode[i] = x.node(d.from, d.drop)
		x.arrNode[i] = int32(nOffice + i)
		x.nodeOffice = append(x.nodeOffice, d.to)
		x.nodeTime = append(x.nodeTime, d.arrive)
		x.postNode[i] = -1
		if post := d.arrive + int64(x.offices[d.to].ConnectMin); post <= x.end {
			x.postNode[i] = x.node(d.to, post)
			x.arrsAt[x.postNode[i]] = append(x.arrsAt[x.postNode[i]], int32(i))
		}
		x.depsAt[x.depNode[i]] = append(x.depsAt[x.depNode[i]], int32(i))
	}
}

// node returns the office node of office at minute t (which must exist).
func (x *expanded) node(office int32, t int64) int32 {
	lo, hi := x.officeFrom[office], x.officeFrom[office+1]
	i, _ := slices.BinarySearch(x.nodeTime[lo:hi], t)
	return lo + int32(i)
}

// isOffice reports whether n is an office node (not an arrival node).
func (x *expanded) isOffice(n int32) bool { return n < x.officeFrom[len(x.offices)] }

// lastOfOffice reports whether office node n is its office's last.
func (x *expanded) lastOfOffice(n int32) bool { return n+1 == x.officeFrom[x.nodeOffice[n]+1] }

// firstOfOffice reports whether office node n is its office's first.
func (x *expanded) firstOfOffice(n int32) bool { return n == x.officeFrom[x.nodeOffice[n]] }

// localDate returns the local date at office o of minute m.
func (x *expanded) localDate(o int32, m int64) civil.Date {
	return civil.DateOf(atMinute(m).In(x.locs[o]))
}

// daysBetween counts calendar days from a to b.
func daysBetween(a, b civil.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 12, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 12, 0, 0, 0, time.UTC)
	return int(math.Round(tb.Sub(ta).Hours() / 24))
}
