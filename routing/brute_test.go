package routing

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// This file is the test oracle: an exhaustive search written from the rules
// in docs/formats.md without the planner's machinery (no connection scan, no
// day cache, no labels), and a generator of small random networks.

// bruteDep is one dated departure, times in Unix seconds.
type bruteDep struct {
	svc       int
	from, to  string
	dep, arr  int64
	drop      int64
	cost, co2 int64
}

// bruteLocal finds the instant clocks in loc show h:m on y-m-d by trying
// every offset the zone uses in the surrounding days: the earliest instant
// that matches wins (first occurrence when clocks go back); if none matches
// (clocks went forward over it) the offset in force before the change is
// used, i.e. the time moves forward by the gap.
func bruteLocal(loc *time.Location, d civil.Date, clock civil.Clock) int64 {
	naive := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() + int64(clock)*60
	var offsets []int64
	for u := naive - 3*86400; u <= naive+3*86400; u += 1800 {
		_, off := time.Unix(u, 0).In(loc).Zone()
		if !slices.Contains(offsets, int64(off)) {
			offsets = append(offsets, int64(off))
		}
	}
	best := int64(math.MaxInt64)
	for _, off := range offsets {
		u := naive - off
		if _, o := time.Unix(u, 0).In(loc).Zone(); int64(o) == off && u < best {
			best = u
		}
	}
	if best != math.MaxInt64 {
		return best
	}
	_, before := time.Unix(naive-2*86400, 0).In(loc).Zone()
	return naive - int64(before)
}

func bruteDeps(offices map[string]network.Office, services []network.Leg, from, to int64) []bruteDep {
	var out []bruteDep
	for i, s := range services {
		loc, err := time.LoadLocation(offices[s.From].TZ)
		if err != nil {
			panic(err)
		}
		for day := time.Unix(from, 0).UTC().AddDate(0, 0, -3); day.Unix() < to+3*86400; day = day.AddDate(0, 0, 1) {
			d := civil.DateOf(day)
			wd := int(day.Weekday())
			if wd == 0 {
				wd = 7
			}
			if !strings.Contains(s.Days.String(), fmt.Sprint(wd)) {
				continue
			}
			if (s.ValidFrom != civil.Date{} && d.String() < s.ValidFrom.String()) || (s.ValidTo != civil.Date{} && d.String() > s.ValidTo.String()) {
				continue
			}
			dep := bruteLocal(loc, d, s.Departs)
			out = append(out, bruteDep{
				svc: i, from: s.From, to: s.To, dep: dep, arr: dep + int64(s.DurationMin)*60, drop: dep - int64(s.CutoffMin)*60,
				cost: int64(math.Round(s.CostPerKg * 1e4)),
				co2:  int64(math.Round(s.CO2GramsPerKg(offices[s.From], offices[s.To]) * 1000)),
			})
		}
	}
	return out
}

type bruteItin struct {
	arr       int64
	legs      int
	cost, co2 int64
	deps      []bruteDep
}

// bruteForce lists every itinerary the rules allow (stopping at the
// destination), or ok=false if there are too many to list.
func bruteForce(offices []network.Office, services []network.Leg, q Query) (all []bruteItin, ok bool) {
	om := network.OfficeMap(offices)
	if q.WeightG == 0 {
		q.WeightG = DefaultWeightG
	}
	if q.MaxLegs == 0 {
		q.MaxLegs = DefaultMaxLegs
	}
	if q.Horizon == 0 {
		q.Horizon = DefaultHorizon
	}
	ready := q.Ready.Unix()
	end := q.Ready.Add(q.Horizon).Unix()
	allowed := map[network.Mode]bool{"air": true, "rail": true, "road": true, "sea": true}
	if q.Product != "" {
		if spec, _ := postal.LookupProduct(string(q.Product)); spec.Class != postal.ClassParcel {
			allowed = map[network.Mode]bool{"air": true, "road": true}
		}
	}
	if q.Surface {
		delete(allowed, "air")
	}
	var usable []bruteDep
	for _, d := range bruteDeps(om, services, ready, end) {
		s := services[d.svc]
		if d.drop < ready || d.arr > end || !allowed[s.Mode] || (q.DG && !s.DG) || float64(q.WeightG)/1000 > s.CapacityKg {
			continue
		}
		usable = append(usable, d)
	}
	avoided := func(code string) bool {
		return code != q.From && code != q.To && slices.Contains(q.Avoid, om[code].Country)
	}
	budget := 2_000_000
	var path []bruteDep
	var walk func(at string, readyAt int64)
	walk = func(at string, readyAt int64) {
		if budget--; budget < 0 || len(path) == q.MaxLegs {
			return
		}
		for _, d := range usable {
			if d.from != at || d.drop < readyAt || avoided(d.to) {
				continue
			}
			path = append(path, d)
			if d.to == q.To {
				it := bruteItin{arr: d.arr, legs: len(path), deps: slices.Clone(path)}
				for _, p := range path {
					it.cost += p.cost
					it.co2 += p.co2
				}
				all = append(all, it)
			} else {
				walk(d.to, d.arr+int64(om[d.to].ConnectMin)*60)
			}
			path = path[:len(path)-1]
		}
	}
	walk(q.From, ready)
	return all, budget >= 0
}

// bruteEarliest is the lexicographic minimum of (arrival, legs, cost, CO2).
func bruteEarliest(all []bruteItin) *bruteItin {
	if len(all) == 0 {
		return nil
	}
	best := slices.MinFunc(all, func(a, b bruteItin) int {
		return cmp.Or(cmp.Compare(a.arr, b.arr), cmp.Compare(a.legs, b.legs), cmp.Compare(a.cost, b.cost), cmp.Compare(a.co2, b.co2))
	})
	return &best
}

type vector struct {
	arr       int64
	cost, co2 int64
}

// brutePareto returns the non-dominated vectors, each with the fewest legs
// that achieve it.
func brutePareto(all []bruteItin) map[vector]int {
	legs := map[vector]int{}
	for _, it := range all {
		v := vector{it.arr, it.cost, it.co2}
		if l, ok := legs[v]; !ok || it.legs < l {
			legs[v] = it.legs
		}
	}
	out := map[vector]int{}
	for v, l := range legs {
		dominated := false
		for w := range legs {
			if w != v && w.arr <= v.arr && w.cost <= v.cost && w.co2 <= v.co2 {
				dominated = true
				break
			}
		}
		if !dominated {
			out[v] = l
		}
	}
	return out
}

// checkItinerary verifies an itinerary against the rules: each leg is a real
// departure the item can make, and the totals add up. It returns the vector.
func checkItinerary(offices []network.Office, services []network.Leg, q Query, it *Itinerary) (vector, error) {
	all, _ := bruteForceDeps(offices, services, q)
	om := network.OfficeMap(offices)
	at, readyAt := q.From, q.Ready.Unix()
	var v vector
	if len(it.Legs) == 0 {
		return v, fmt.Errorf("no legs")
	}
	for i, l := range it.Legs {
		j := slices.IndexFunc(all, func(d bruteDep) bool {
			return services[d.svc].ID == l.Service && d.dep == l.Depart.Unix() && d.arr == l.Arrive.Unix()
		})
		if j < 0 {
			return v, fmt.Errorf("leg %d: %s %s→%s is not a departure the item may take", i, l.Service, l.Depart, l.Arrive)
		}
		d := all[j]
		if d.from != at || d.drop < readyAt {
			return v, fmt.Errorf("leg %d: %s from %s (drop %s) cannot be made at %s ready %s", i, l.Service, d.from, time.Unix(d.drop, 0).UTC(), at, time.Unix(readyAt, 0).UTC())
		}
		if i < len(it.Legs)-1 && (d.to == q.To || (d.to != q.From && slices.Contains(q.Avoid, om[d.to].Country))) {
			return v, fmt.Errorf("leg %d: passes %s", i, d.to)
		}
		at, readyAt = d.to, d.arr+int64(om[d.to].ConnectMin)*60
		v.cost += d.cost
		v.co2 += d.co2
		v.arr = d.arr
	}
	if at != q.To {
		return v, fmt.Errorf("ends at %s", at)
	}
	if !it.Arrive.Equal(time.Unix(v.arr, 0)) || it.costUnits != v.cost || it.co2Units != v.co2 {
		return v, fmt.Errorf("totals %v/%d/%d, legs add up to %v/%d/%d", it.Arrive, it.costUnits, it.co2Units, time.Unix(v.arr, 0).UTC(), v.cost, v.co2)
	}
	return v, nil
}

// bruteForceDeps returns the departures the item of q may take at all.
func bruteForceDeps(offices []network.Office, services []network.Leg, q Query) ([]bruteDep, error) {
	q2 := q
	if q2.Horizon == 0 {
		q2.Horizon = DefaultHorizon
	}
	if q2.WeightG == 0 {
		q2.WeightG = DefaultWeightG
	}
	var out []bruteDep
	allowed, _ := AllowedModes(q.Product, q.Surface)
	for _, d := range bruteDeps(network.OfficeMap(offices), services, q.Ready.Unix(), q.Ready.Add(q2.Horizon).Unix()) {
		s := services[d.svc]
		if d.drop >= q.Ready.Unix() && d.arr <= q.Ready.Add(q2.Horizon).Unix() && slices.Contains(allowed, s.Mode) &&
			(!q.DG || s.DG) && float64(q2.WeightG)/1000 <= s.CapacityKg {
			out = append(out, d)
		}
	}
	return out, nil
}

var testZones = []string{
	"Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
	"Asia/Kathmandu", "Europe/London", "America/Santiago", "Pacific/Chatham", "Australia/Lord_Howe",
}

var testCountries = []string{"CN", "KZ", "RU", "BY", "PL"}

// DST change days in the zones above (2026), around which ready times are
// drawn, plus an ordinary day.
var testDays = []time.Time{
	time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC),  // Europe forward
	time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), // Europe back
	time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC),   // US forward
	time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),  // US back
	time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC),   // Sydney, Lord Howe, Chatham, Santiago back
	time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),  // Sydney forward
	time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC),   // Santiago forward
	time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
}

// randomNetwork draws a small network. Values are drawn from small sets
// often, so ties in time, cost and CO2 are common.
func randomNetwork(r *rand.Rand) ([]network.Office, []network.Leg, time.Time) {
	nOff := 2 + r.IntN(5)
	if r.IntN(4) > 0 {
		nOff = 3 + r.IntN(4)
	}
	offices := make([]network.Office, nOff)
	for i := range offices {
		offices[i] = network.Office{
			Code: fmt.Sprintf("OFF%03d", i), Name: fmt.Sprint("Office ", i), Country: testCountries[r.IntN(len(testCountries))],
			Kind: network.KindOE, Lat: float64(r.IntN(120) - 60), Lon: float64(r.IntN(340) - 170),
			TZ: testZones[r.IntN(len(testZones))], ConnectMin: []int{0, 15, 30, 60, 120, 240}[r.IntN(6)],
		}
	}
	base := testDays[r.IntN(len(testDays))]
	nSvc := 1 + r.IntN(2*nOff) + r.IntN(4*nOff)
	services := make([]network.Leg, nSvc)
	specialClocks := []int{0, 1, 59, 60, 90, 119, 120, 121, 150, 179, 180, 181, 1380, 1439}
	for i := range services {
		from := r.IntN(nOff)
		to := (from + 1 + r.IntN(nOff-1)) % nOff
		if r.IntN(2) == 0 && nOff > 2 { // forward along the chain 0 → n-1, so queries 0 → n-1 need several legs
			from = r.IntN(nOff - 1)
			to = min(nOff-1, from+1+r.IntN(2))
		}
		s := network.Leg{
			ID: fmt.Sprint("S", i), From: offices[from].Code, To: offices[to].Code,
			Mode: network.Modes[r.IntN(4)], Carrier: "C", Days: []civil.Weekdays{civil.EveryDay, civil.Weekdays(1 + r.IntN(127))}[r.IntN(2)],
			DurationMin: []int{1, 30, 60, 90, 180, 240, 600, 1440, 3000}[r.IntN(9)] + r.IntN(3)*r.IntN(200),
			CutoffMin:   []int{0, 0, 30, 60, 120}[r.IntN(5)],
			CapacityKg:  []float64{0.5, 5, 30, 1000, 1000, 1000}[r.IntN(6)],
			CostPerKg:   []float64{0, 1, 1.5, 2.25, 3.1415}[r.IntN(5)],
			DG:          r.IntN(3) == 0,
		}
		if r.IntN(3) == 0 {
			s.Departs = civil.Clock(specialClocks[r.IntN(len(specialClocks))])
		} else {
			s.Departs = civil.Clock(r.IntN(1440))
		}
		if r.IntN(2) == 0 {
			co2 := []float64{0, 100, 250.5}[r.IntN(3)]
			s.CO2GPerKg = &co2
		}
		if r.IntN(5) == 0 {
			s.ValidFrom = civil.DateOf(base.AddDate(0, 0, r.IntN(5)-2))
		}
		if r.IntN(5) == 0 {
			s.ValidTo = civil.DateOf(base.AddDate(0, 0, r.IntN(5)-1))
			if s.ValidTo.Before(s.ValidFrom) {
				s.ValidTo = s.ValidFrom
			}
		}
		services[i] = s
	}
	return offices, services, base
}

func randomQuery(r *rand.Rand, offices []network.Office, base time.Time) Query {
	from := r.IntN(len(offices))
	to := (from + 1 + r.IntN(len(offices)-1)) % len(offices)
	if r.IntN(2) == 0 {
		from, to = 0, len(offices)-1
	}
	q := Query{
		From: offices[from].Code, To: offices[to].Code,
		Ready:   base.Add(time.Duration(r.IntN(4*24*60)-2*24*60) * time.Minute),
		WeightG: []int{0, 200, 1000, 5000, 25000}[r.IntN(5)],
		MaxLegs: 1 + r.IntN(5),
		Horizon: time.Duration(1+r.IntN(6)) * 24 * time.Hour,
		Product: []postal.Product{"", "", "", postal.ProductEMS, postal.ProductParcel, postal.ProductEPacket}[r.IntN(6)],
		Surface: r.IntN(8) == 0,
		DG:      r.IntN(8) == 0,
		Pareto:  true,
	}
	if r.IntN(4) == 0 {
		q.Ready = q.Ready.Add(time.Duration(r.IntN(60)) * time.Second)
	}
	if r.IntN(4) == 0 {
		q.Avoid = []string{testCountries[r.IntN(len(testCountries))]}
	}
	return q
}
