package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/sim"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

// sortPlanFiles are the sort plans of the Chinese offices of exchange the
// demo merchants ship from, one CSV per office (docs/formats.md).
//
//go:embed sortplan-*.csv
var sortPlanFiles embed.FS

// SortPlanOffices are the offices with a demo sort plan.
var SortPlanOffices = []string{"CNCANA", "CNHGHA", "CNSZXA", "CNXMNA", "CNYIWA"}

// SortPlanFile returns the demo sort plan of an office as CSV.
func SortPlanFile(office string) ([]byte, error) {
	return sortPlanFiles.ReadFile("sortplan-" + office + ".csv")
}

// DispatchStore is what seeding exchange operations needs.
type DispatchStore interface {
	dispatch.Store
	network.OfficeStore
	network.LegStore
	acceptance.Store
}

// DispatchResult says what the exchange-operations seed made.
type DispatchResult struct {
	SortPlans    int
	Date         string // the simulated day
	Report       *sim.Report
	Consignments []string
	// Onward lists the consignments booked at hubs for the onward legs of
	// departed dispatches (Xiamen → Shanghai by road, then on by air).
	Onward   []string
	Existing bool // the day was simulated by an earlier run
}

var demoAdmin = auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}

// SeedDispatch stores the sort plans (unless an office's plan is already
// the same) and runs one day of exchange operations at the five offices:
// the items accepted three days before now are presorted, allocated to
// departures, packed into receptacles and dispatches, consigned with their
// delivery bills, and the departures already past are recorded. A second
// run finds the day's items in receptacles and does nothing.
func SeedDispatch(ctx context.Context, svc *dispatch.Service, st DispatchStore, now time.Time) (DispatchResult, error) {
	var res DispatchResult
	for _, o := range SortPlanOffices {
		b, err := SortPlanFile(o)
		if err != nil {
			return res, err
		}
		rules, err := dispatch.ReadSortPlan(bytes.NewReader(b))
		if err != nil {
			return res, fmt.Errorf("demo sort plan of %s: %w", o, err)
		}
		if cur, err := st.SortPlan(ctx, o); err == nil && sameRules(cur.Rules, rules) {
			continue
		}
		if _, err := svc.PutSortPlan(ctx, demoAdmin, o, rules); err != nil {
			return res, fmt.Errorf("demo sort plan of %s: %w", o, err)
		}
		res.SortPlans++
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	day := civil.DateOf(now.In(shanghai)).AddDays(-3)
	res.Date = day.String()
	items, done, err := dayItems(ctx, st, day, shanghai)
	if err != nil {
		return res, err
	}
	if done > 0 {
		// An earlier run simulated the day: its items are in receptacles.
		res.Existing = true
		return res, nil
	}
	r := &sim.Runner{Service: svc, DepartBefore: now}
	rep, err := r.Run(ctx, sim.Day{Date: day, Items: items})
	if err != nil {
		return res, fmt.Errorf("demo day of exchange operations: %w", err)
	}
	res.Report, res.Consignments = &rep, rep.Consignments
	if res.Onward, err = consignOnward(ctx, svc, st, rep.Consignments, now); err != nil {
		return res, fmt.Errorf("demo onward legs: %w", err)
	}
	return res, nil
}

// consignOnward books the onward legs of the day's departed dispatches:
// a dispatch whose last leg stopped at a hub short of its destination is
// consigned at the hub to the first leg of the earliest way on from its
// arrival there, as the hub's office hands it to the next carrier, and
// departed when that departure is before now; again from the next hub.
// A departure the dispatch may not take (mode, capacity) ends its way in
// the demo there: rating charges the rest as planned.
func consignOnward(ctx context.Context, svc *dispatch.Service, st DispatchStore, consignments []string, now time.Time) ([]string, error) {
	offices, err := st.Offices(ctx)
	if err != nil {
		return nil, err
	}
	services, err := st.Services(ctx)
	if err != nil {
		return nil, err
	}
	planner, err := routing.New(offices, services)
	if err != nil {
		return nil, err
	}
	om := network.OfficeMap(offices)
	var out []string
	for _, cid := range consignments {
		c, err := svc.Consignment(ctx, cid)
		if err != nil {
			return out, err
		}
		if c.DepartedAt == nil {
			continue
		}
		for _, id := range c.Dispatches {
			for range 4 {
				on, err := consignOn(ctx, svc, st, planner, om, id, now)
				if err != nil {
					return out, err
				}
				if on == "" {
					break
				}
				out = append(out, on)
			}
		}
	}
	return out, nil
}

// consignOn books and departs the next leg of a dispatch in transit; ""
// when it has none to take before now.
func consignOn(ctx context.Context, svc *dispatch.Service, st DispatchStore, planner *routing.Planner, om map[string]network.Office, id string, now time.Time) (string, error) {
	d, err := svc.Dispatch(ctx, id)
	if err != nil || d.Status != dispatch.StatusDeparted || d.AtOffice == d.Destination {
		return "", err
	}
	legs, err := st.Legs(ctx, id)
	if err != nil || len(legs) == 0 {
		return "", err
	}
	last := legs[len(legs)-1]
	itin, err := planner.Earliest(routing.Query{From: d.AtOffice, To: d.Destination, Ready: last.Arrival, WeightG: d.GrossWeightG,
		Surface: !dispatch.ModeAllowed(d.MailCategory(), string(network.ModeAir))})
	if err != nil || itin == nil || len(itin.Legs) == 0 || itin.Legs[0].Depart.After(now) {
		return "", nil
	}
	l := itin.Legs[0]
	loc, err := time.LoadLocation(om[l.From].TZ)
	if err != nil {
		return "", err
	}
	// The hub's operator books it when the dispatch arrives there.
	run := *svc
	run.Now = func() time.Time { return last.Arrival }
	c, err := run.Consign(ctx, demoAdmin, dispatch.ConsignRequest{Office: l.From, Service: l.Service, Date: l.Depart.In(loc).Format(time.DateOnly), Dispatches: []string{id}})
	if code := postal.ErrorCode(err); code == postal.CodeConflict || code == postal.CodeInvalid {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if _, err := run.Depart(ctx, demoAdmin, c.ID, c.Departure); err != nil {
		return "", err
	}
	return c.ID, nil
}

func sameRules(a, b []dispatch.Rule) bool {
	return slices.EqualFunc(a, b, func(x, y dispatch.Rule) bool {
		x.Line, y.Line = 0, 0
		return x == y
	})
}

// dayItems returns the shipments accepted on day at the offices with a
// sort plan, and how many of them are in receptacles already.
func dayItems(ctx context.Context, st DispatchStore, day civil.Date, loc *time.Location) (map[string][]dispatch.Item, int, error) {
	out := map[string][]dispatch.Item{}
	for _, o := range SortPlanOffices {
		out[o] = nil
	}
	since := civil.LocalTime(loc, day, 0)
	var after int64
	done := 0
	for {
		page, next, err := st.Shipments(ctx, acceptance.Filter{Since: since, After: after, Limit: 500})
		if err != nil {
			return nil, 0, err
		}
		for _, sh := range page {
			if _, ok := out[sh.OriginOffice]; !ok || civil.DateOf(sh.CreatedAt.In(loc)) != day {
				continue
			}
			_, err := st.Scanned(ctx, sh.OriginOffice, string(sh.ID))
			switch {
			case err == nil:
				done++
			case postal.ErrorCode(err) == postal.CodeNotFound:
				out[sh.OriginOffice] = append(out[sh.OriginOffice], dispatch.ItemOf(sh))
			default:
				return nil, 0, err
			}
		}
		if next == "" {
			return out, done, nil
		}
		if after, err = paging.DecodeCursor(next); err != nil {
			return nil, 0, err
		}
	}
}
