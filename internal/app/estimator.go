package app

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/tracking"
)

// routeEstimator estimates delivery with the route planner: the earliest
// arrival from the item's last known office and time (tracking re-plans
// from there, not from acceptance) at the destination's inward office of
// exchange, plus the last mile's working days (tracking.LastMileDays of the
// item's status). The planner is the node's shared one (routing.Cache),
// current with the stored network.
type routeEstimator struct {
	routes routing.Planners
	inward atomic.Pointer[inwardOffices]
}

// inwardOffices is, for one planner, the inward office of exchange of each
// country.
type inwardOffices struct {
	planner   *routing.Planner
	byCountry map[string]string
}

func (r *routeEstimator) load(ctx context.Context) (*routing.Planner, map[string]string, error) {
	p, err := r.routes.Current(ctx)
	if postal.ErrorCode(err) == postal.CodeInvalid {
		// No usable network (no legs yet): estimate from the delivery
		// standards until the network changes.
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if in := r.inward.Load(); in != nil && in.planner == p {
		return p, in.byCountry, nil
	}
	inward := map[string]string{}
	for _, o := range p.Offices() {
		if _, ok := inward[o.Country]; !ok && (o.Kind == network.KindOE || o.Kind == network.KindIMPC) {
			inward[o.Country] = o.Code
		}
	}
	r.inward.Store(&inwardOffices{planner: p, byCountry: inward})
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
