package dispatch

import (
	"context"
	"fmt"
)

// deliverBatch is how many outbox entries one delivery round takes, and
// eventChunk how many events go to the sink per call.
const (
	deliverBatch = 200
	eventChunk   = 5000
)

// deliver hands pending events to the sink after an operation; failures
// are logged and the events stay in the outbox for the next round.
func (s *Service) deliver(ctx context.Context) {
	if s.Events == nil {
		return
	}
	if _, err := s.DeliverEvents(ctx); err != nil {
		s.logger().WarnContext(ctx, "dispatch events stay in the outbox", "err", err)
	}
}

// DeliverEvents hands every pending outbox entry to the sink, expanding
// fan-outs into one event per item, and marks the entries delivered. It
// returns how many events were delivered. Delivery is at least once: an
// entry delivered by two nodes at once reaches the sink twice, which the
// sink's idempotence absorbs.
func (s *Service) DeliverEvents(ctx context.Context) (int, error) {
	if s.Events == nil {
		return 0, nil
	}
	total := 0
	for {
		entries, err := s.Store.PendingOutbox(ctx, deliverBatch)
		if err != nil || len(entries) == 0 {
			return total, err
		}
		var events []Event
		seqs := make([]int64, 0, len(entries))
		for _, o := range entries {
			evs, err := s.expand(ctx, o)
			if err != nil {
				return total, fmt.Errorf("expand outbox entry %d: %w", o.Seq, err)
			}
			events = append(events, evs...)
			seqs = append(seqs, o.Seq)
		}
		for len(events) > 0 {
			n := min(len(events), eventChunk)
			if err := s.Events.Record(ctx, events[:n]); err != nil {
				return total, err
			}
			total += n
			events = events[n:]
		}
		if err := s.Store.MarkOutboxDelivered(ctx, seqs, s.now()); err != nil {
			return total, err
		}
		if len(entries) < deliverBatch {
			return total, nil
		}
	}
}

// expand turns an outbox entry into events.
func (s *Service) expand(ctx context.Context, o Outbox) ([]Event, error) {
	out := append([]Event(nil), o.Events...)
	for _, f := range o.FanOut {
		items, err := s.Store.Contents(ctx, f.Receptacle)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ev := f.Event
			ev.Object = it.Item
			if f.ScanTime {
				ev.Time = it.ScannedAt
			}
			out = append(out, ev)
		}
	}
	return out, nil
}
