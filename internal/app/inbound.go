package app

import (
	"context"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/tracking"
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

// customsLink is import customs as inward sees it: the queue and a
// lookup of an item's clearance without the caller's scope.
type customsLink struct{ *customs.Service }

func (c customsLink) Item(ctx context.Context, id string) (customs.Item, error) {
	return c.Store.Item(ctx, id)
}

// returning hands customs' events to next, then puts those on partners'
// inbound items into their outboxes (inward keeps only the import codes).
func returning(next customs.EventSink, in *inward.Service) customs.EventSink {
	return customs.EventSinkFunc(func(ctx context.Context, evs []customs.Event) error {
		if err := next.Record(ctx, evs); err != nil {
			return err
		}
		out := make([]tracking.Event, 0, len(evs))
		for _, e := range evs {
			out = append(out, tracking.Event{Object: e.TrackingObject(), Code: tracking.Code(e.Code), Office: e.Office, Time: e.At,
				Source: tracking.SourceCustoms, Reason: e.Reason})
		}
		return in.Enqueue(ctx, out...)
	})
}

// qualityFacts adapts the partner outbox to accounting.QualityFacts: each
// inbound item that arrived (EMD) in the period, with its first delivery
// attempt or delivery and when those events went back to the origin.
type qualityFacts struct{ in *inward.Service }

var _ accounting.QualityFacts = qualityFacts{}

func (q qualityFacts) Quality(ctx context.Context, p accounting.Period) ([]accounting.ItemQuality, error) {
	qs, err := q.in.Qualities(ctx, p.From, p.To)
	if err != nil {
		return nil, err
	}
	out := make([]accounting.ItemQuality, 0, len(qs))
	for _, x := range qs {
		if x.Arrived.IsZero() {
			continue
		}
		out = append(out, accounting.ItemQuality{Item: x.Item, Partner: x.Partner, Arrived: x.Arrived, Final: x.Final,
			WithinStandard: x.WithinStandard, ArrivalSent: x.ArrivalSent, FinalSent: x.FinalSent})
	}
	return out, nil
}
