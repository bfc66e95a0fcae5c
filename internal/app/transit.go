package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
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
	open, err := a.Inward.OpenTransitReceived(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, it := range open {
		t := accounting.TransitReceptacle{Dispatch: it.Dispatch, Receptacle: it.Receptacle, Item: it.Item, Origin: it.Origin, Partner: it.Partner,
			Subclass: it.Subclass, Items: 1, WeightG: it.WeightG, ReceivedAt: it.ReceivedAt}
		if t.ReceivedAt.IsZero() {
			t.ReceivedAt = from
		}
		if t.Destination, t.ForwardedAt, err = a.openTransitForwarded(ctx, it.Office, it.Item); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// openTransitForwarded says where an open-transit item left for: the
// destination office of the outward dispatch it was scanned into at
// office and when that dispatch was closed (zero while it is open, or
// when the item is in no outward dispatch yet).
func (a *App) openTransitForwarded(ctx context.Context, office, item string) (string, time.Time, error) {
	sc, err := a.Store.Scanned(ctx, office, item)
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, err
	}
	r, err := a.Store.Receptacle(ctx, sc.Receptacle)
	if err != nil {
		return "", time.Time{}, err
	}
	d, err := a.Store.Dispatch(ctx, r.Dispatch)
	if err != nil {
		return "", time.Time{}, err
	}
	if d.ClosedAt == nil || d.Status == dispatch.StatusCancelled {
		return d.Destination, time.Time{}, nil
	}
	return d.Destination, *d.ClosedAt, nil
}

// openTransitSorter re-sorts open transit by the office's outward sort
// plan (inward.Presorter). A partner's item has no product of ours: the
// S10 service indicator's first letter stands for it (E EMS, C parcel,
// R registered small packet, L e-Packet, else small packet).
type openTransitSorter struct{ dispatch *dispatch.Service }

// partnerProduct is the product of ours a partner's item sorts as: the one
// its S10 service indicator's first letter stands for.
func partnerProduct(id postal.S10) postal.Product {
	product := postal.ProductSmallPacket
	for _, p := range postal.Products() {
		if p.ServiceLetter == id.ServiceIndicator()[:1] {
			product = p.Code
		}
	}
	return product
}

func (o openTransitSorter) Presort(ctx context.Context, office string, items []inward.ResortItem) ([]inward.Resorted, error) {
	plan, err := o.dispatch.SortPlan(ctx, office)
	if err != nil {
		return nil, err
	}
	in := make([]dispatch.Item, 0, len(items))
	country := map[string]string{}
	for _, it := range items {
		id := postal.S10(it.Item)
		product := partnerProduct(id)
		spec, _ := postal.LookupProduct(string(product))
		in = append(in, dispatch.Item{ID: id, Product: product, Country: it.Country, WeightG: it.WeightG, Registered: spec.Registered})
		country[it.Item] = it.Country
	}
	sorted := dispatch.Presort(&plan, in)
	out := make([]inward.Resorted, 0, len(items))
	for k, its := range sorted.Streams {
		for _, it := range its {
			out = append(out, inward.Resorted{Item: string(it.ID), Country: it.Country, Destination: k.Destination, Category: k.Category,
				Subclass: k.Subclass, Receptacle: string(k.Type), Stream: office + k.Destination + k.Category + k.Subclass})
		}
	}
	for _, u := range sorted.Unsorted {
		out = append(out, inward.Resorted{Item: u.Item, Country: country[u.Item], Reason: u.Reason})
	}
	slices.SortFunc(out, func(a, b inward.Resorted) int { return strings.Compare(a.Item, b.Item) })
	return out, nil
}
