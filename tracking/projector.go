package tracking

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// ProjectBatch is how many events one projection step reads: larger steps
// share a commit and touch each index page once for more items.
var ProjectBatch = 20000

// Project runs one projection step (see ProjectionStore.ProjectItems) and returns
// how many events it folded into the item read model.
func (s *Service) Project(ctx context.Context) (int, error) {
	country := s.countryOf(ctx)
	return s.Store.ProjectItems(ctx, ProjectBatch, func(b ProjectionBatch) (ProjectionResult, error) {
		return s.apply(b, country)
	})
}

// CatchUp projects until the read model has every stored event (or another
// node is projecting) and returns how many events it folded in.
func (s *Service) CatchUp(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.Project(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// RunProjector keeps the read model up to date until ctx ends: it catches
// up whenever events were stored through this service, and every second for
// events stored elsewhere (other nodes, the bus persister).
func (s *Service) RunProjector(ctx context.Context) {
	s.init()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		n, err := s.CatchUp(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger().Error("tracking projector", "err", err)
		}
		if n > 0 {
			select {
			case s.caught <- struct{}{}:
			default:
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// Notify tells the projector that events were stored outside this service
// (by a bus persister), so it runs now rather than at its next tick.
func (s *Service) Notify() {
	s.init()
	s.notify()
}

// apply folds a batch of events into item states. Each object's new events
// are applied in event-time order, so a batch holding several scans of one
// item notifies each status change it makes, in order.
func (s *Service) apply(b ProjectionBatch, country CountryOf) (ProjectionResult, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	byObject := map[string][]Stored{}
	var order []string
	for _, e := range b.Events {
		if _, ok := byObject[e.Object]; !ok {
			order = append(order, e.Object)
		}
		byObject[e.Object] = append(byObject[e.Object], e)
	}
	var res ProjectionResult
	for _, obj := range order {
		it := b.Items[obj]
		if !it.Linked() {
			if ref, ok := b.Refs[obj]; ok {
				if it.Object == "" {
					it.Object, it.Kind = obj, KindOf(obj)
				}
				it.link(ref, country)
			}
		}
		events := byObject[obj]
		sortStored(events)
		for _, e := range events {
			prev := it.Status
			if !it.Apply(e.Event, country) || !it.Linked() {
				continue
			}
			for _, sub := range b.Subscriptions[it.Merchant] {
				if !sub.Wants(it.Status) {
					continue
				}
				d, err := newDelivery(sub, it, prev, e.Event, now)
				if err != nil {
					return res, err
				}
				res.Deliveries = append(res.Deliveries, d)
			}
			if it.Status != prev {
				res.Mails = append(res.Mails, buyerMails(b, it, e.Event, now)...)
			}
		}
		it.UpdatedAt = now
		res.Items = append(res.Items, it)
	}
	return res, nil
}

func newDelivery(sub Subscription, it Item, prev Status, e Event, now time.Time) (Delivery, error) {
	var body webhookBody
	body.ID = randomID("whd_", 10)
	body.Type = "item.status_changed"
	body.CreatedAt = now
	body.Item.ID, body.Item.MerchantRef = it.Object, it.MerchantRef
	body.Item.Status, body.Item.StatusLabel, body.Item.PreviousStatus = it.Status, it.Status.Label(), prev
	info, _ := LookupCode(e.Code)
	body.Event.Code, body.Event.Meaning, body.Event.Office, body.Event.Time = e.Code, info.Meaning, e.Office, FormatTime(e.Time)
	raw, err := json.Marshal(body)
	if err != nil {
		return Delivery{}, fmt.Errorf("encode webhook for %s: %w", it.Object, err)
	}
	return Delivery{
		ID: body.ID, Subscription: sub.ID, Object: it.Object, Status: it.Status, Body: raw,
		State: DeliveryPending, NextAttempt: now, CreatedAt: now,
	}, nil
}
