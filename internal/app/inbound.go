package app

import (
	"context"
	"time"

	"github.com/interpost/interpost/accounting"
)

// inboundFacts adapts receiving at the inward office of exchange to
// accounting.InboundFacts: received lists the items verified on receipt in
// [from, to), transit the closed-transit receptacles received (charged
// once forwarded; nil: none).
type inboundFacts struct {
	received func(ctx context.Context, from, to time.Time) ([]accounting.InboundItem, error)
	transit  func(ctx context.Context, from, to time.Time) ([]accounting.TransitReceptacle, error)
}

var _ accounting.InboundFacts = inboundFacts{}

func (f inboundFacts) Inbound(ctx context.Context, p accounting.Period) ([]accounting.InboundItem, error) {
	if f.received == nil {
		return nil, nil
	}
	return f.received(ctx, p.From, p.To)
}

func (f inboundFacts) Transit(ctx context.Context, p accounting.Period) ([]accounting.TransitReceptacle, error) {
	if f.transit == nil {
		return nil, nil
	}
	return f.transit(ctx, p.From, p.To)
}

// receivedInbound is what inward verified on receipt, as accounting facts.
func (a *App) receivedInbound(ctx context.Context, from, to time.Time) ([]accounting.InboundItem, error) {
	rs, err := a.Inward.Received(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]accounting.InboundItem, len(rs))
	for i, r := range rs {
		out[i] = accounting.InboundItem{Dispatch: r.Dispatch, Receptacle: r.Receptacle, Item: r.Item, Origin: r.Origin,
			Destination: r.Destination, Partner: r.Partner, Category: r.Category, Subclass: r.Subclass,
			Items: r.Items, WeightG: r.WeightG, ReceivedAt: r.ReceivedAt}
	}
	return out, nil
}
