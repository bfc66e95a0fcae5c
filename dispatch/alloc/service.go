package alloc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Store is what planning reads: sort plans, the loads already consigned and
// which items are already in receptacles.
type Store interface {
	SortPlan(ctx context.Context, office string) (dispatch.SortPlan, error)
	DepartureLoads(ctx context.Context, from, to time.Time) (map[dispatch.DepartureKey]int, error)
	Scanned(ctx context.Context, office, item string) (dispatch.ScannedItem, error)
}

// Shipments lists accepted items.
type Shipments interface {
	Shipments(ctx context.Context, f acceptance.Filter) ([]acceptance.Shipment, string, error)
}

// Planner plans days over the stored network.
type Planner struct {
	Network   dispatch.Network
	Store     Store
	Shipments Shipments
}

// DayRequest asks for a day's plan.
type DayRequest struct {
	Date string
	// Forecast gives the volumes; nil plans the items accepted on Date
	// (local date at their origin office), sorted by each origin's plan.
	Forecast []Volume
	Options  Options
}

// DayPlan is a day's plan with where its volumes came from.
type DayPlan struct {
	Plan
	Source string `json:"source" enum:"forecast,accepted items"`
	// Unsorted lists accepted items left out because their origin has no
	// sort plan or the plan has no rule for them: reported, not guessed.
	Unsorted []Unsorted `json:"unsorted"`
	// Dispatched counts accepted items left out because they are in
	// receptacles already: their weight is in the departures' loads.
	Dispatched int `json:"dispatched"`
}

// Unsorted is an item the plan could not place.
type Unsorted struct {
	Item   string `json:"item"`
	Origin string `json:"origin"`
	Reason string `json:"reason"`
}

// PlanDay plans a day: volumes from the forecast or the accepted items,
// loads already consigned, the stored network.
func (p *Planner) PlanDay(ctx context.Context, r DayRequest) (DayPlan, error) {
	d, err := civil.ParseDate(r.Date)
	if err != nil || d.IsZero() {
		return DayPlan{}, postal.Invalid("bad date", postal.FieldError{Field: "date", Message: fmt.Sprintf("%q is not a date YYYY-MM-DD", r.Date)})
	}
	offices, err := p.Network.Offices(ctx)
	if err != nil {
		return DayPlan{}, err
	}
	services, err := p.Network.Services(ctx)
	if err != nil {
		return DayPlan{}, err
	}
	out := DayPlan{Source: "forecast", Unsorted: []Unsorted{}}
	vols := r.Forecast
	if vols == nil {
		out.Source = "accepted items"
		if vols, out.Unsorted, out.Dispatched, err = p.VolumesFromItems(ctx, d, offices); err != nil {
			return DayPlan{}, err
		}
		if len(vols) == 0 {
			return DayPlan{}, postal.Errorf(postal.CodeNotFound, "no items accepted on %s wait for a departure (%d already dispatched, %d without a sort-plan rule): give a forecast file instead",
				d, out.Dispatched, len(out.Unsorted))
		}
	}
	opts := r.Options
	opts.Date = d
	from := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(-48 * time.Hour)
	if opts.Loads, err = p.Store.DepartureLoads(ctx, from, from.Add(120*24*time.Hour)); err != nil {
		return DayPlan{}, err
	}
	if out.Plan, err = Allocate(offices, services, vols, opts); err != nil {
		return DayPlan{}, err
	}
	return out, nil
}

// VolumesFromItems sums the items accepted on date d (local date at the
// origin office) into lanes by each origin's sort plan, leaving out items
// already in receptacles. A lane's weight is the items' plus the tare of
// the bags they fill (about 2 %).
func (p *Planner) VolumesFromItems(ctx context.Context, d civil.Date, offices []network.Office) ([]Volume, []Unsorted, int, error) {
	om := network.OfficeMap(offices)
	plans := map[string]*dispatch.SortPlan{}
	sums := map[[3]string]*Volume{}
	unsorted := []Unsorted{}
	dispatched := 0
	since := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(-15 * time.Hour) // the earliest zone is UTC+14
	var after int64
	for {
		page, next, err := p.Shipments.Shipments(ctx, acceptance.Filter{Since: since, After: after, Limit: 500})
		if err != nil {
			return nil, nil, 0, err
		}
		for _, sh := range page {
			o, ok := om[sh.OriginOffice]
			if !ok {
				continue
			}
			loc, err := time.LoadLocation(o.TZ)
			if err != nil || civil.DateOf(sh.CreatedAt.In(loc)) != d {
				continue
			}
			if _, err := p.Store.Scanned(ctx, o.Code, string(sh.ID)); err == nil {
				dispatched++
				continue
			} else if postal.ErrorCode(err) != postal.CodeNotFound {
				return nil, nil, 0, err
			}
			plan, ok := plans[o.Code]
			if !ok {
				sp, err := p.Store.SortPlan(ctx, o.Code)
				switch {
				case err == nil:
					plan = &sp
				case postal.ErrorCode(err) != postal.CodeNotFound:
					return nil, nil, 0, err
				}
				plans[o.Code] = plan
			}
			if plan == nil {
				unsorted = append(unsorted, Unsorted{Item: string(sh.ID), Origin: o.Code, Reason: "the office has no sort plan"})
				continue
			}
			t, err := plan.Sort(dispatch.ItemOf(sh))
			if err != nil {
				var pe *postal.Error
				reason := err.Error()
				if errors.As(err, &pe) {
					reason = pe.Message
				}
				unsorted = append(unsorted, Unsorted{Item: string(sh.ID), Origin: o.Code, Reason: reason})
				continue
			}
			key := [3]string{o.Code, t.Destination, t.Category}
			v := sums[key]
			if v == nil {
				v = &Volume{Origin: o.Code, Destination: t.Destination, Category: t.Category}
				sums[key] = v
			}
			v.Grams += int64(sh.WeightG)
			v.Items++
		}
		if next == "" {
			break
		}
		if after, err = paging.DecodeCursor(next); err != nil {
			return nil, nil, 0, err
		}
	}
	// Volumes are what loads: the items and their receptacles' tare.
	bag, _ := dispatch.LookupType(dispatch.Bag)
	tare := float64(bag.TareG) / (float64(bag.MaxGrossG-bag.TareG) * bag.Fill)
	vols := make([]Volume, 0, len(sums))
	for _, v := range sums {
		v.Grams = int64(float64(v.Grams) * (1 + tare))
		vols = append(vols, *v)
	}
	slices.SortFunc(vols, func(a, b Volume) int {
		if a.Origin != b.Origin {
			return compare(a.Origin, b.Origin)
		}
		if a.Destination != b.Destination {
			return compare(a.Destination, b.Destination)
		}
		return compare(a.Category, b.Category)
	})
	return vols, unsorted, dispatched, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
