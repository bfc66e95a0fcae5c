// Package sim runs a whole day of exchange operations at one or more
// offices of exchange in bulk: presort the day's items by each office's
// sort plan, allocate the lanes' volume to departures (package alloc), pack
// the items into receptacles and dispatches planned for those departures,
// store them, consign each departure's dispatches (with the capacity check
// of a real consignment) and optionally record the departures. The
// operator CLI's `dispatch simulate` and the peak-day benchmark use it.
package sim

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/network"
)

// Runner runs simulated days over a dispatch service.
type Runner struct {
	Service *dispatch.Service
	// Options tune the allocation; Date is set by Run.
	Options alloc.Options
	// DepartBefore records the departure (EMC events) of every consignment
	// leaving at or before it; zero departs none.
	DepartBefore time.Time
	// Progress reports each stage's progress.
	Progress func(stage string, done, all int)

	zones map[string]*time.Location // service → zone of its first office
}

// Day is a day's items per office.
type Day struct {
	Date  civil.Date
	Items map[string][]dispatch.Item
}

// Report says what the day made.
type Report struct {
	Date          string             `json:"date"`
	Offices       []OfficeReport     `json:"offices"`
	Consignments  []string           `json:"consignments"`
	Plan          alloc.Plan         `json:"plan"`
	Timings       map[string]float64 `json:"timings_ms" doc:"Wall time per stage"`
	Items         int                `json:"items"`
	Receptacles   int                `json:"receptacles"`
	Dispatches    int                `json:"dispatches"`
	UnplacedItems int                `json:"unplaced_items" doc:"Items packed but left without a departure in the horizon"`
}

// OfficeReport is one office's day.
type OfficeReport struct {
	Office        string              `json:"office"`
	Items         int                 `json:"items"`
	Unsorted      []dispatch.Unsorted `json:"unsorted"`
	Dispatches    int                 `json:"dispatches"`
	Receptacles   int                 `json:"receptacles"`
	Consignments  int                 `json:"consignments"`
	GrossKg       float64             `json:"gross_kg"`
	UnplacedItems int                 `json:"unplaced_items"`
}

// quota is what the plan puts on one first-leg departure for one lane.
type quota struct {
	service string
	departs time.Time
	left    int64 // grams the plan gives this lane on it
}

// Run simulates day. Offices without a sort plan are an error; items a
// plan has no rule for are reported per office.
func (r *Runner) Run(ctx context.Context, day Day) (Report, error) {
	rep := Report{Date: day.Date.String(), Timings: map[string]float64{}}
	lap := time.Now()
	stage := func(name string) {
		rep.Timings[name] += float64(time.Since(lap).Microseconds()) / 1000
		lap = time.Now()
	}
	svc := r.Service
	offices, err := svc.Network.Offices(ctx)
	if err != nil {
		return rep, err
	}
	om := network.OfficeMap(offices)
	names := make([]string, 0, len(day.Items))
	for o := range day.Items {
		names = append(names, o)
	}
	slices.Sort(names)

	// 1. Presort.
	sorted := map[string]dispatch.Sorted{}
	var vols []alloc.Volume
	for i, o := range names {
		plan, err := svc.SortPlan(ctx, o)
		if err != nil {
			return rep, err
		}
		s := dispatch.Presort(&plan, day.Items[o])
		sorted[o] = s
		vols = append(vols, volumes(o, s)...)
		r.progress("presort", i+1, len(names))
	}
	stage("presort")

	// 2. Allocate the day's lanes to departures.
	services, err := svc.Network.Services(ctx)
	if err != nil {
		return rep, err
	}
	r.zones = map[string]*time.Location{}
	for _, s := range services {
		r.zones[s.ID] = mustLoc(om[s.From].TZ)
	}
	opts := r.Options
	opts.Date = day.Date
	from := time.Date(day.Date.Year, day.Date.Month, day.Date.Day, 0, 0, 0, 0, time.UTC).Add(-48 * time.Hour)
	if opts.Loads, err = svc.Store.DepartureLoads(ctx, from, from.Add(120*24*time.Hour)); err != nil {
		return rep, err
	}
	if opts.Progress == nil && r.Progress != nil {
		opts.Progress = func(done, all int) { r.progress("allocate", done, all) }
	}
	if len(vols) > 0 {
		if rep.Plan, err = alloc.Allocate(offices, services, vols, opts); err != nil {
			return rep, err
		}
	}
	stage("allocate")

	// 3. Pack per office along the plan's first legs, store, consign.
	ready := civil.LocalTime(mustLoc(om[names[0]].TZ), day.Date, readyAt(opts))
	run := *svc
	run.Now = func() time.Time { return ready }
	admin := auth.Principal{KeyID: "sim", Role: auth.RoleAdmin}
	capLeft := map[dispatch.DepartureKey]int64{}
	for _, d := range rep.Plan.Departures {
		capLeft[dispatch.DepartureKey{Service: d.Service, Departure: d.Departs}] = int64((d.CapacityKg - d.ConsignedKg) * 1000)
	}
	for i, o := range names {
		or, err := r.office(ctx, &run, admin, o, sorted[o], rep.Plan, capLeft, day.Date, ready, &rep)
		if err != nil {
			return rep, fmt.Errorf("office %s: %w", o, err)
		}
		rep.Offices = append(rep.Offices, or)
		rep.Items += or.Items
		rep.Dispatches += or.Dispatches
		rep.Receptacles += or.Receptacles
		rep.UnplacedItems += or.UnplacedItems
		r.progress("pack, store, consign", i+1, len(names))
	}
	stage("pack, store, consign")
	return rep, nil
}

func readyAt(o alloc.Options) civil.Clock {
	if o.ReadyAt == 0 {
		return 18 * 60
	}
	return o.ReadyAt
}

func mustLoc(tz string) *time.Location {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (r *Runner) progress(stage string, done, all int) {
	if r.Progress != nil {
		r.Progress(stage, done, all)
	}
}

// volumes sums an office's streams into lanes, with the bags' tare.
func volumes(office string, s dispatch.Sorted) []alloc.Volume {
	byLane := map[[2]string]*alloc.Volume{}
	var keys [][2]string
	for _, st := range s.SortStreams() {
		k := [2]string{st.Destination, st.Category}
		v := byLane[k]
		if v == nil {
			v = &alloc.Volume{Origin: office, Destination: st.Destination, Category: st.Category}
			byLane[k] = v
			keys = append(keys, k)
		}
		spec, _ := dispatch.LookupType(st.Type)
		for _, it := range s.Streams[st] {
			v.Grams += int64(it.WeightG)
			v.Items++
		}
		v.Grams += int64(len(dispatch.Receptacles(s.Streams[st], st.Type)) * spec.TareG)
	}
	out := make([]alloc.Volume, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byLane[k])
	}
	return out
}

// quotas returns, per lane of office, the plan's first-leg departures in
// time order with the grams each gets.
func quotas(office string, p alloc.Plan) map[[2]string][]*quota {
	out := map[[2]string][]*quota{}
	for _, l := range p.Lanes {
		if l.Origin != office {
			continue
		}
		k := [2]string{l.Destination, l.Category}
		byDep := map[dispatch.DepartureKey]*quota{}
		for _, rt := range l.Routes {
			first := rt.Legs[0]
			dk := dispatch.DepartureKey{Service: first.Service, Departure: first.Departs}
			q := byDep[dk]
			if q == nil {
				q = &quota{service: first.Service, departs: first.Departs}
				byDep[dk] = q
				out[k] = append(out[k], q)
			}
			q.left += int64(rt.Kg * 1000)
		}
		slices.SortFunc(out[k], func(a, b *quota) int { return cmp.Or(a.departs.Compare(b.departs), cmp.Compare(a.service, b.service)) })
	}
	return out
}

// office packs, stores and consigns one office's day.
func (r *Runner) office(ctx context.Context, svc *dispatch.Service, who auth.Principal, office string, s dispatch.Sorted, plan alloc.Plan,
	capLeft map[dispatch.DepartureKey]int64, date civil.Date, at time.Time, rep *Report) (OfficeReport, error) {
	or := OfficeReport{Office: office, Items: s.Items, Unsorted: s.Unsorted}
	if or.Unsorted == nil {
		or.Unsorted = []dispatch.Unsorted{}
	}
	qs := quotas(office, plan)
	// Receptacles, each bound to a first-leg departure of its lane.
	groups := map[dispatch.Stream]map[*quota][][]dispatch.Item{}
	var order []dispatch.Stream
	for _, st := range s.SortStreams() {
		groups[st] = map[*quota][][]dispatch.Item{}
		order = append(order, st)
		spec, _ := dispatch.LookupType(st.Type)
		for _, rc := range dispatch.Receptacles(s.Streams[st], st.Type) {
			gross := int64(spec.TareG)
			for _, it := range rc {
				gross += int64(it.WeightG)
			}
			var to *quota
			for _, q := range qs[[2]string{st.Destination, st.Category}] {
				dk := dispatch.DepartureKey{Service: q.service, Departure: q.departs}
				if q.left > 0 && capLeft[dk] >= gross {
					to = q
					q.left -= gross
					capLeft[dk] -= gross
					break
				}
			}
			if to == nil {
				or.UnplacedItems += len(rc)
			}
			groups[st][to] = append(groups[st][to], rc)
		}
	}
	// One dispatch per stream and departure (at most 999 receptacles);
	// serials are taken per destination in one go.
	type pending struct {
		st  dispatch.Stream
		q   *quota
		rcs [][]dispatch.Item
	}
	var ps []pending
	perDest := map[string]int{}
	for _, st := range order {
		var qs []*quota
		for q := range groups[st] {
			qs = append(qs, q)
		}
		slices.SortFunc(qs, func(a, b *quota) int {
			switch {
			case a == nil:
				return 1
			case b == nil:
				return -1
			}
			return a.departs.Compare(b.departs)
		})
		for _, q := range qs {
			rcs := groups[st][q]
			for len(rcs) > 0 {
				n := min(len(rcs), 999)
				ps = append(ps, pending{st, q, rcs[:n]})
				perDest[st.Destination]++
				rcs = rcs[n:]
			}
		}
	}
	year := at.In(mustLoc("Asia/Shanghai")).Year()
	if o, err := svc.Network.Office(ctx, office); err == nil {
		year = at.In(mustLoc(o.TZ)).Year()
	}
	next := map[string]int{}
	for _, dest := range sortedKeys(perDest) {
		first, err := svc.Store.AllocateSerials(ctx, office, dest, year, perDest[dest])
		if err != nil {
			return or, err
		}
		next[dest] = first
	}
	// One consignment per departure and delivery bill.
	type consignment struct {
		service string
		departs time.Time
		form    dispatch.Form
	}
	var packed []dispatch.PackedDispatch
	var outs []dispatch.Outbox
	byDep := map[consignment][]string{}
	var depOrder []consignment
	for _, p := range ps {
		pd, err := dispatch.PackDispatch(office, p.st, year, next[p.st.Destination], p.rcs, at, who.KeyID)
		if err != nil {
			return or, err
		}
		next[p.st.Destination]++
		packed = append(packed, pd)
		outs = append(outs, dispatch.PackedOutbox(pd))
		or.Dispatches++
		or.Receptacles += len(p.rcs)
		or.GrossKg += float64(pd.Dispatch.GrossWeightG) / 1000
		if p.q != nil {
			k := consignment{p.q.service, p.q.departs, pd.Dispatch.Form}
			if byDep[k] == nil {
				depOrder = append(depOrder, k)
			}
			byDep[k] = append(byDep[k], pd.Dispatch.ID)
		}
	}
	if len(packed) > 0 {
		if err := svc.Store.SaveDispatches(ctx, packed, outs); err != nil {
			return or, err
		}
	}
	slices.SortStableFunc(depOrder, func(a, b consignment) int { return a.departs.Compare(b.departs) })
	for _, q := range depOrder {
		ids := byDep[q]
		date := q.departs.In(r.zones[q.service]).Format(time.DateOnly)
		for len(ids) > 0 {
			n := min(len(ids), 500)
			c, err := svc.Consign(ctx, who, dispatch.ConsignRequest{Office: office, Service: q.service, Date: date, Dispatches: ids[:n]})
			if err != nil {
				return or, fmt.Errorf("consign %d dispatches to %s %s: %w", n, q.service, q.departs.Format(time.RFC3339), err)
			}
			or.Consignments++
			rep.Consignments = append(rep.Consignments, c.ID)
			if !r.DepartBefore.IsZero() && !c.Departure.After(r.DepartBefore) {
				if _, err := svc.Depart(ctx, who, c.ID, c.Departure); err != nil {
					return or, err
				}
			}
			ids = ids[n:]
		}
	}
	or.GrossKg = float64(int64(or.GrossKg*10)) / 10
	return or, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
