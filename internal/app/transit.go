package app

import (
	"context"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/routing"
)

// transitRouter plans the way onward of closed transit on the current
// network's route planner (inward.Router): the earliest itinerary from our
// transit office to the dispatch's office abroad, any mode.
type transitRouter struct{ routes routing.Planners }

func (r transitRouter) Onward(ctx context.Context, from, to string, ready time.Time, weightG int) ([]inward.Leg, error) {
	p, err := r.routes.Current(ctx)
	if err != nil {
		return nil, err
	}
	it, err := p.Earliest(routing.Query{From: from, To: to, Ready: ready, WeightG: max(weightG, 1)})
	if err != nil || it == nil {
		return nil, err
	}
	legs := make([]inward.Leg, len(it.Legs))
	for i, l := range it.Legs {
		legs[i] = inward.Leg{Service: l.Service, Mode: string(l.Mode), Carrier: l.Carrier, From: l.From, To: l.To, Depart: l.Depart, Arrive: l.Arrive}
	}
	return legs, nil
}

// transitReceived is the closed transit inward received, as accounting
// facts: forwarded receptacles are charged, the rest listed unrated.
func (a *App) transitReceived(ctx context.Context, from, to time.Time) ([]accounting.TransitReceptacle, error) {
	rs, err := a.Inward.TransitReceived(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]accounting.TransitReceptacle, len(rs))
	for i, r := range rs {
		out[i] = accounting.TransitReceptacle{Dispatch: r.Dispatch, Receptacle: r.Receptacle, Origin: r.Origin, Destination: r.Destination,
			Partner: r.Partner, Subclass: r.Subclass, Items: r.Items, WeightG: r.WeightG, ReceivedAt: r.ReceivedAt, ForwardedAt: r.ForwardedAt}
	}
	return out, nil
}
