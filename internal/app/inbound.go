package app

import (
	"context"
	"time"

	"github.com/interpost/interpost/accounting"
)

// inboundFacts adapts receiving at the inward office of exchange to
// accounting.InboundFacts: received lists the items verified on receipt in
// [from, to), transit the closed-transit receptacles received (nil: none).
// Wired once inward offers its receipts, e.g.
//
//	a.Accounting.Inbound = inboundFacts{received: func(ctx context.Context, from, to time.Time) ([]accounting.InboundItem, error) {
//		rs, err := a.Inward.Received(ctx, from, to)
//		out := make([]accounting.InboundItem, len(rs))
//		for i, r := range rs {
//			out[i] = accounting.InboundItem{Dispatch: r.Dispatch, Receptacle: r.Receptacle, Item: r.Item, Origin: r.Origin,
//				Destination: r.Destination, Partner: r.Partner, Category: r.Category, Subclass: r.Subclass,
//				Items: r.Items, WeightG: r.WeightG, ReceivedAt: r.ReceivedAt}
//		}
//		return out, err
//	}}
//
// Until then accounting.Service.Inbound stays nil: rating and statements
// say "no inbound facts source" and nothing is receivable from partner
// posts.
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
