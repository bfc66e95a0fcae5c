package twin

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/dispatch/sim"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// exchange runs the evening's exchange operations at every office with
// the real presort, allocation, packing and consigning (dispatch/sim over
// the dispatch service), then reads back what each consignment holds.
func (r *run) exchange(ctx context.Context, date civil.Date, ready time.Time) error {
	day := sim.Day{Date: date, Items: map[string][]dispatch.Item{}}
	var cand []*item
	for _, it := range r.items {
		if it.state != stAccepted {
			continue
		}
		if err := r.svc.Customs.MayLeave(ctx, it.id); err != nil {
			if postal.ErrorCode(err) == postal.CodeNotFound || postal.ErrorCode(err) == postal.CodeUnavailable {
				return err
			}
			// Held by the risk engine: an officer checks it like a sample.
			it.state = stHeld
			it.release = ready.Add(time.Duration(r.draw("release", it.id).ExpFloat64() * r.o.Baseline.ExportHoldDays * 24 * float64(time.Hour)))
			r.res.ExportHeld++
			continue
		}
		spec, _ := postal.LookupProduct(it.product)
		day.Items[it.office] = append(day.Items[it.office], dispatch.Item{ID: postal.S10(it.id), Product: postal.Product(it.product),
			Country: it.country, Postcode: it.postcode, WeightG: it.weightG, Registered: spec.Registered})
		cand = append(cand, it)
	}
	if len(cand) == 0 {
		return nil
	}
	runner := &sim.Runner{Service: r.svc.Dispatch}
	rep, err := runner.Run(ctx, day)
	if err != nil {
		return err
	}
	r.res.CO2Kg += rep.Plan.Totals.CO2Kg
	r.res.PlanCost += rep.Plan.Totals.Cost
	unsorted := map[string]bool{}
	for _, of := range rep.Offices {
		for _, u := range of.Unsorted {
			unsorted[u.Item] = true
		}
	}
	r.learnRoutes(rep.Plan)
	placed := map[string]bool{}
	for _, id := range rep.Consignments {
		cs, err := r.readConsignment(ctx, id, func(c dispatch.Consignment, dest string) alloc.Route { return routeOf(rep.Plan, c, dest) })
		if err != nil {
			return err
		}
		for _, it := range cs.items {
			placed[it.id] = true
		}
		r.cons = append(r.cons, cs)
	}
	for _, it := range cand {
		switch {
		case placed[it.id]:
		case unsorted[it.id]:
			r.res.Unsorted++
			it.state = stReturning // no sort rule: back to the merchant
		default:
			it.state = stPacked
		}
	}
	return nil
}

// readConsignment reads a consignment's items through the dispatch
// service and draws its departure: cancellation and delay by mode.
func (r *run) readConsignment(ctx context.Context, id string, routeFn func(dispatch.Consignment, string) alloc.Route) (*consignment, error) {
	c, err := r.svc.Dispatch.Consignment(ctx, id)
	if err != nil {
		return nil, err
	}
	cs := &consignment{c: c, actual: c.Departure}
	for _, did := range c.Dispatches {
		v, err := r.svc.Dispatch.View(ctx, did)
		if err != nil {
			return nil, err
		}
		g := cs.group(v.Destination, routeFn(c, v.Destination))
		for _, rc := range v.ReceptacleList {
			got, err := r.svc.Dispatch.Contents(ctx, rc.Number)
			if err != nil {
				return nil, err
			}
			for _, s := range got {
				it := r.byID[s.Item]
				if it == nil {
					return nil, fmt.Errorf("consignment %s holds %s, which the twin did not accept", id, s.Item)
				}
				it.state, it.cons = stConsigned, id
				cs.items = append(cs.items, it)
				g.items = append(g.items, it)
			}
		}
	}
	mm := r.o.Baseline.Modes[c.Mode]
	if r.draw("cancel", c.Service, c.Departure.UTC().Format(time.RFC3339)).chance(mm.Cancel) {
		cs.cancel = true
		cs.actual = cs.actual.Add(hours(mm.CancelWaitH))
		r.res.Cancelled++
	}
	return cs, nil
}

// learnRoutes keeps, per lane (origin, destination office), the
// itineraries the planner has used, for mail left without a departure.
func (r *run) learnRoutes(p alloc.Plan) {
	for _, l := range p.Lanes {
		k := [2]string{l.Origin, l.Destination}
		for _, rt := range l.Routes {
			if !slices.ContainsFunc(r.routes[k], func(x alloc.Route) bool { return x.Legs[0].Service == rt.Legs[0].Service }) {
				r.routes[k] = append(r.routes[k], rt)
			}
		}
	}
}

// reconsign puts the dispatches packed on an earlier day without a
// departure onto the next departure of a service their lane has used,
// where it has capacity left (the consignment's own capacity check).
func (r *run) reconsign(ctx context.Context, ready time.Time) error {
	for _, office := range r.origins() {
		ds, err := r.svc.Dispatch.Dispatches(ctx, dispatch.DispatchFilter{Origin: office, Status: dispatch.StatusClosed})
		if err != nil {
			return err
		}
		for _, d := range ds {
			id, rt := r.consignLate(ctx, office, d, ready)
			if id == "" {
				continue
			}
			cs, err := r.readConsignment(ctx, id, func(c dispatch.Consignment, _ string) alloc.Route {
				rt.Legs = append([]alloc.Leg(nil), rt.Legs...)
				rt.Legs[0].Departs = c.Departure
				return rt
			})
			if err != nil {
				return err
			}
			r.cons = append(r.cons, cs)
			r.res.Reconsigned += len(cs.items)
		}
	}
	return nil
}

func (r *run) consignLate(ctx context.Context, office string, d dispatch.Dispatch, ready time.Time) (string, alloc.Route) {
	for _, rt := range r.routes[[2]string{office, d.Destination}] {
		leg, ok := r.legs[rt.Legs[0].Service]
		if !ok {
			continue
		}
		after := ready.Add(time.Duration(leg.CutoffMin) * time.Minute)
		for range 3 {
			dep := r.nextDeparture(leg, after)
			c, err := r.svc.Dispatch.Consign(ctx, r.admin, dispatch.ConsignRequest{Office: office, Service: leg.ID,
				Date: civil.DateOf(dep.In(r.zone(leg.From))).String(), Dispatches: []string{d.ID}})
			if err == nil {
				return c.ID, rt
			}
			after = dep.Add(time.Minute)
		}
	}
	return "", alloc.Route{}
}

func (r *run) origins() []string {
	seen := map[string]bool{}
	for _, it := range r.items {
		seen[it.office] = true
	}
	return sortedKeys(seen)
}

// routeOf finds the plan's itinerary of a consignment's mail for one
// destination office; a direct leg when the plan has none.
func routeOf(p alloc.Plan, c dispatch.Consignment, dest string) alloc.Route {
	for _, l := range p.Lanes {
		if l.Origin != c.Office || l.Destination != dest {
			continue
		}
		for _, rt := range l.Routes {
			if first := rt.Legs[0]; first.Service == c.Service && first.Departs.Equal(c.Departure) {
				return rt
			}
		}
	}
	return alloc.Route{Arrives: c.Arrival, Legs: []alloc.Leg{{Service: c.Service, From: c.From, To: c.To, Departs: c.Departure}}}
}

// depart records the departures that left by end and makes the chain of
// every item on them.
func (r *run) depart(ctx context.Context, end time.Time) error {
	var due []*consignment
	for _, cs := range r.cons {
		if !cs.departed && !cs.actual.After(end) {
			due = append(due, cs)
		}
	}
	slices.SortStableFunc(due, func(a, b *consignment) int { return a.actual.Compare(b.actual) })
	for _, cs := range due {
		r.svc.Clock.Set(cs.actual)
		if _, err := r.svc.Dispatch.Depart(ctx, r.admin, cs.c.ID, cs.actual); err != nil {
			return fmt.Errorf("depart %s: %w", cs.c.ID, err)
		}
		cs.departed = true
		r.res.addDeparted(cs)
		for _, g := range cs.groups {
			arrive, office, blocked := r.carry(cs, g.route)
			for _, it := range g.items {
				if blocked {
					it.state = stBlocked
					continue
				}
				it.state = stTransit
				r.inward(it, office, arrive)
			}
		}
	}
	return nil
}

// carry draws the consignment's journey along its itinerary: delays per
// mode, waits at border crossings, missed connections, closed borders.
// It returns the arrival at the inward office, or blocked when a closed
// country stops the mail past the run.
func (r *run) carry(cs *consignment, route alloc.Route) (time.Time, string, bool) {
	t := cs.actual
	office := cs.c.To
	// One stream per departure and destination: the same departure
	// draws the same delays in every scenario (common random numbers).
	rng := r.draw("carry", cs.c.Service, cs.c.Departure.UTC().Format(time.RFC3339), route.Legs[len(route.Legs)-1].To)
	for i, leg := range route.Legs {
		nl, ok := r.legs[leg.Service]
		if !ok {
			nl = network.Leg{ID: leg.Service, From: leg.From, To: leg.To, Mode: network.Mode(cs.c.Mode), DurationMin: int(cs.c.Arrival.Sub(cs.c.Departure).Minutes())}
		}
		if i > 0 {
			t = r.nextDeparture(nl, t.Add(time.Duration(r.om[nl.From].ConnectMin)*time.Minute))
		}
		for _, code := range []string{nl.From, nl.To} {
			loc := r.zone(code)
			if closed, until := r.o.Scenario.closed(r.om[code].Country, civil.DateOf(t.In(loc))); closed {
				if until.IsZero() {
					return time.Time{}, "", true
				}
				r.res.BorderBlocked++
				t = r.nextDeparture(nl, civil.LocalTime(loc, until.AddDays(1), 0))
			}
		}
		mm := r.o.Baseline.Modes[string(nl.Mode)]
		if b, ok := r.o.Baseline.Borders[nl.From]; ok {
			t = t.Add(hours(rng.lognormal(b.MedianH, b.Sigma)))
		} else if mm.BorderQueueH > 0 && r.om[nl.From].Country != r.om[nl.To].Country {
			t = t.Add(hours(rng.lognormal(mm.BorderQueueH, 1)))
		}
		t = t.Add(time.Duration(nl.DurationMin) * time.Minute)
		if !rng.chance(mm.OnTime) {
			t = t.Add(hours(rng.lognormal(mm.DelayMedianH, mm.DelaySigma)))
		}
		office = nl.To
	}
	return t, office, false
}

// nextDeparture is the first departure of a service at or after t.
func (r *run) nextDeparture(l network.Leg, t time.Time) time.Time {
	loc := r.zone(l.From)
	d := civil.DateOf(t.In(loc))
	for k := range 60 {
		day := d.AddDays(k)
		if !l.Days.Has(day.Weekday()) {
			continue
		}
		dep := civil.LocalTime(loc, day, l.Departs)
		if !dep.Before(t) {
			return dep
		}
	}
	return t.Add(24 * time.Hour)
}

func (r *run) zone(office string) *time.Location {
	if loc, err := time.LoadLocation(r.om[office].TZ); err == nil {
		return loc
	}
	return time.UTC
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

// inward draws an item's life at the destination post from its arrival:
// import customs, handling, delivery attempts or return, as the scans the
// partner will send (queued with their lag, some twice).
func (r *run) inward(it *item, office string, arrive time.Time) {
	cm := r.o.Baseline.country(it.country)
	rng := r.draw("inward", it.id)
	if r.om[office].Country != it.country && r.inwardOE[it.country] != "" {
		// Closed transit through a hub abroad: forwarded onward to the
		// destination's office of exchange (assumption: 36 h).
		office = r.inwardOE[it.country]
		arrive = arrive.Add(36 * time.Hour)
	}
	loc := r.zone(office)
	partner := it.country + "POST"
	add := func(code tracking.Code, at time.Time, reason string) {
		ev := tracking.Event{Object: it.id, Code: code, Office: office, Time: at.In(loc).Truncate(time.Second), Source: "partner:" + partner, Reason: reason}
		it.events = append(it.events, ev)
	}
	t := arrive
	add(tracking.EMD, t, "")
	if rng.chance(cm.ImportHold) {
		t = t.Add(time.Hour)
		add(tracking.EME, t, "held for inspection")
		t = t.Add(hours(rng.lognormal(cm.ImportHoldH, 0.6)))
		add(tracking.EDC, t, "")
	}
	t = t.Add(hours(rng.lognormal(cm.HandlingH, 0.5)))
	add(tracking.EMF, t, "")
	if rng.chance(cm.ReturnRefused) {
		t = daytime(rng, loc, t.Add(24*time.Hour))
		add(tracking.EDX, t, "refused by the addressee: returned to sender")
		it.terminal, it.settled = stReturning, t
		r.enqueue(it, partner)
		return
	}
	t = t.Add(hours(rng.lognormal(cm.LastMileDays*24, 0.5)))
	for a := 1; ; a++ {
		t = daytime(rng, loc, t)
		add(tracking.EDG, t.Add(-2*time.Hour), "")
		if !rng.chance(cm.AttemptFail) {
			add(tracking.EMI, t, "")
			it.terminal, it.settled = stDelivered, t
			break
		}
		add(tracking.EMH, t, "addressee absent")
		if a >= max(cm.MaxAttempts, 1) {
			t = daytime(rng, loc, t.Add(24*time.Hour))
			add(tracking.EDX, t, fmt.Sprintf("unclaimed after %d attempts: returned to sender", a))
			it.terminal, it.settled = stReturning, t
			break
		}
		t = t.Add(24 * time.Hour)
	}
	r.enqueue(it, partner)
}

// daytime moves t into the delivery hours of its local day (09:00–19:00),
// or the next day's.
func daytime(rng rng, loc *time.Location, t time.Time) time.Time {
	l := t.In(loc)
	d := civil.DateOf(l)
	if l.Hour() >= 19 {
		d = d.AddDays(1)
	}
	at := civil.LocalTime(loc, d, civil.Clock(9*60+rng.IntN(10*60)))
	if at.Before(t) {
		at = civil.LocalTime(loc, d.AddDays(1), civil.Clock(9*60+rng.IntN(10*60)))
	}
	return at
}

// enqueue queues an item's scans for sending: each after a log-normal
// lag, a share twice; they reach us out of order when lags cross.
func (r *run) enqueue(it *item, partner string) {
	sc := r.o.Baseline.Scans
	rng := r.draw("scans", it.id)
	for _, ev := range it.events {
		at := ev.Time.Add(hours(rng.lognormal(sc.LagMedianH, sc.LagSigma)))
		r.seq++
		r.queue = append(r.queue, sent{at: at, seq: r.seq, partner: partner, ev: ev})
		if rng.chance(sc.Duplicate) {
			r.seq++
			r.queue = append(r.queue, sent{at: at.Add(hours(rng.lognormal(6, 1))), seq: r.seq, partner: partner, ev: ev})
		}
	}
}

// sendScans ingests the scans partners have sent by end, per partner and
// in the order they were sent, through tracking's partner ingest.
func (r *run) sendScans(ctx context.Context, end time.Time) error {
	slices.SortStableFunc(r.queue, func(a, b sent) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	n := 0
	for n < len(r.queue) && !r.queue[n].at.After(end) {
		n++
	}
	due := r.queue[:n]
	byPartner := map[string][]tracking.Event{}
	for _, s := range due {
		byPartner[s.partner] = append(byPartner[s.partner], s.ev)
	}
	for _, p := range sortedKeys(byPartner) {
		evs := byPartner[p]
		res, err := r.svc.Tracking.Ingest(ctx, auth.Principal{KeyID: "twin-" + p, Role: auth.RolePartner, Partner: p}, evs)
		if err != nil {
			return fmt.Errorf("scans from %s: %w", p, err)
		}
		r.res.Scans.Sent += len(evs)
		r.res.Scans.Duplicates += res.Duplicates
		r.res.Scans.Rejected += res.RejectedCount
		for _, rj := range res.Rejected {
			if len(r.res.Scans.Reasons) < 5 {
				r.res.Scans.Reasons = append(r.res.Scans.Reasons, fmt.Sprint(rj))
			}
		}
		for _, e := range evs {
			if e.Code == tracking.EMI {
				if it := r.byID[e.Object]; it != nil && !it.deliveredSent {
					it.deliveredSent = true
					r.res.DeliveredReported++
				}
			}
		}
	}
	r.queue = append(r.queue[:0:0], r.queue[n:]...)
	return nil
}
