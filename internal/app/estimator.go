package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/tracking"
)

// routeEstimator estimates delivery with the route planner: the earliest
// arrival from the item's last known office and time (tracking re-plans
// from there, not from acceptance) at the destination's inward office of
// exchange, plus the last mile's working days (tracking.LastMileDays of
// the item's status). The planner is rebuilt
// from the network every 10 minutes (of the app's clock).
type routeEstimator struct {
	dir     *network.Directory
	now     func() time.Time
	mu      sync.Mutex
	planner *routing.Planner
	inward  map[string]string
	built   time.Time
}

func (r *routeEstimator) load(ctx context.Context) (*routing.Planner, map[string]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.built.IsZero() && now.Sub(r.built) < 10*time.Minute && !now.Before(r.built) {
		return r.planner, r.inward, nil
	}
	offices, err := r.dir.Offices(ctx)
	if err != nil {
		return nil, nil, err
	}
	legs, err := r.dir.Legs(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := routing.New(offices, legs)
	if err != nil {
		// No usable network (no legs yet): estimate from the delivery
		// standards until the next rebuild.
		p = nil
	}
	inward := map[string]string{}
	for _, o := range offices {
		if _, ok := inward[o.Country]; !ok && (o.Kind == network.KindOE || o.Kind == network.KindIMPC) {
			inward[o.Country] = o.Code
		}
	}
	r.planner, r.inward, r.built = p, inward, now
	return p, inward, nil
}

// EstimateDelivery implements tracking.Estimator.
func (r *routeEstimator) EstimateDelivery(ctx context.Context, q tracking.EstimateQuery) (time.Time, bool, error) {
	p, inward, err := r.load(ctx)
	if err != nil || p == nil {
		return time.Time{}, false, err
	}
	to, ok := inward[q.DestCountry]
	from, known := p.Office(q.From)
	if !ok || !known {
		return time.Time{}, false, nil
	}
	arrive := q.Ready
	if from.Country != q.DestCountry {
		it, err := p.Earliest(routing.Query{From: q.From, To: to, Ready: q.Ready, Product: postal.Product(q.Product)})
		if err != nil {
			return time.Time{}, false, fmt.Errorf("plan %s → %s: %w", q.From, to, err)
		}
		if it == nil {
			return time.Time{}, false, nil
		}
		arrive = it.Arrive
	}
	d := arrive
	for n := 0; n < tracking.LastMileDays(q.Status); {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d, true, nil
}
