package inward

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Returned are the event codes we return to the origin post of an inbound
// item (issue 16 item 3): arrival at the inward office, import customs,
// handover to and delivery by the domestic network, return to origin.
var Returned = []tracking.Code{tracking.EMD, tracking.EDB, tracking.EME, tracking.EDC, tracking.EDX,
	tracking.EMF, tracking.EMG, tracking.EMH, tracking.EMI}

// PartnerEvent is one of our events on a partner's item, waiting in the
// partner's outbox or returned to it.
type PartnerEvent struct {
	Seq        int64
	Partner    string // origin post, e.g. JPPOST
	Item       string // S10
	Code       tracking.Code
	Office     string
	At         time.Time // when it happened
	Reason     string
	Signatory  string    // EMI only
	RecordedAt time.Time // when it joined the outbox
	ReturnedAt time.Time // when the partner got it (pulled or pushed); zero while waiting
	Batch      string    // the message reference it went back in
}

// OutboxStore keeps the events returned to partner posts. Methods return
// postal errors.
type OutboxStore interface {
	// InwardItem returns an inbound item by S10 (the latest dispatch
	// listing or receiving it), or not_found.
	InwardItem(ctx context.Context, item string) (Item, error)
	// AddPartnerEvents appends events; an event already there (same item,
	// code, time) is kept as it is.
	AddPartnerEvents(ctx context.Context, evs []PartnerEvent) error
	// PartnerItemEvents lists an item's events in the order recorded.
	PartnerItemEvents(ctx context.Context, item string) ([]PartnerEvent, error)
	// PendingPartnerEvents lists up to limit events waiting for partner, in
	// the order recorded.
	PendingPartnerEvents(ctx context.Context, partner string, limit int) ([]PartnerEvent, error)
	// MarkPartnerEventsReturned stamps events of partner as returned in
	// batch at at (events already returned keep their first stamp).
	MarkPartnerEventsReturned(ctx context.Context, partner string, seqs []int64, batch string, at time.Time) error
	// ItemPartners answers, for those of items listed in an inbound
	// dispatch, the partner post of that dispatch (the latest one listing
	// the item, a received one first); items in no dispatch are absent.
	ItemPartners(ctx context.Context, items []string) (map[string]string, error)
	// ArrivedPartnerEvents lists every event of the items whose arrival
	// (EMD) is in [from, to), by item and order recorded.
	ArrivedPartnerEvents(ctx context.Context, from, to time.Time) ([]PartnerEvent, error)
}

// itemPartner is the origin post of an inbound S10 item (its country's
// post, RR123456785JP → JPPOST); false for our own items or other objects.
func (s *Service) itemPartner(object string) (string, bool) {
	id, err := postal.ParseS10(object)
	if err != nil || id.Country() == s.Country {
		return "", false
	}
	return id.Country() + "POST", true
}

// Enqueue puts our events on partners' inbound items into their outboxes
// (codes in Returned, sources post and customs; other events are
// ignored). The partner is the origin post of the dispatch the item came
// in (a Japanese item in Korea Post's dispatch goes back to KRPOST), else
// the post of the S10's country. Repeated events are kept once. Tracking
// records them itself: Enqueue only remembers what goes back to the
// origin.
func (s *Service) Enqueue(ctx context.Context, evs ...tracking.Event) error {
	var out []PartnerEvent
	var items []string
	seen := map[string]bool{}
	now := s.now()
	for _, e := range evs {
		if !slices.Contains(Returned, e.Code) || (e.Source != tracking.SourcePost && e.Source != tracking.SourceCustoms) {
			continue
		}
		partner, ok := s.itemPartner(e.Object)
		if !ok {
			continue
		}
		out = append(out, PartnerEvent{Partner: partner, Item: e.Object, Code: e.Code, Office: e.Office, At: e.Time.UTC(), Reason: e.Reason,
			Signatory: e.Signatory, RecordedAt: now})
		if !seen[e.Object] {
			seen[e.Object] = true
			items = append(items, e.Object)
		}
	}
	if len(out) == 0 || s.Store == nil {
		return nil
	}
	byDispatch, err := s.Store.ItemPartners(ctx, items)
	if err != nil {
		return err
	}
	for i, e := range out {
		if p := byDispatch[e.Item]; p != "" {
			out[i].Partner = p
		}
	}
	return s.Store.AddPartnerEvents(ctx, out)
}

// EventBatch is one message of our events returned to a partner post.
type EventBatch struct {
	Partner  string
	Ref      string // message reference, unique per partner
	Prepared time.Time
	Events   []PartnerEvent
	Text     []byte // the EMSEVT records (edi.EncodeEvents)
	EDIFACT  []byte // the same as an EDIFACT EMSEVT interchange in the partner's profile
}

// maxBatch bounds the events of one returned message.
const maxBatch = 5000

// mayPull checks who may take partner's outbox: admins, and the partner
// post's own key.
func mayPull(who auth.Principal, partner string) error {
	switch {
	case who.Role == auth.RoleAdmin:
		return nil
	case who.Role == auth.RolePartner && who.Partner == partner:
		return nil
	case who.Role == auth.RolePartner:
		return postal.Errorf(postal.CodeForbidden, "this key is %s's: it takes %s's events, not %s's", who.Partner, who.Partner, partner)
	}
	return postal.Errorf(postal.CodeForbidden, "events are returned to partner posts; this is a %s key", who.Role)
}

// PullEvents takes the events waiting for partner as one batch (EMSEVT
// records from us to the partner) and stamps them returned now: the time
// that counts for the 24 h quality share. The events are claimed
// atomically (ClaimPartnerEvents): two pulls at once, or a pull and the
// push worker, never hand out the same event. An empty outbox answers an
// empty batch with no reference. A pull that fails after the answer was
// written leaves the events stamped: the partner asks again with Since.
func (s *Service) PullEvents(ctx context.Context, who auth.Principal, partner string) (EventBatch, error) {
	if _, post := partnerCountry(partner); !post {
		return EventBatch{}, postal.Invalid("not a partner post", postal.FieldError{Field: "partner", Message: fmt.Sprintf("%s is not a post's partner code like JPPOST", postal.Quote(partner))})
	}
	if err := mayPull(who, partner); err != nil {
		return EventBatch{}, err
	}
	now := s.now()
	claim := newClaim()
	b, err := s.claimBatch(ctx, partner, claim, now, now.Add(pushLease))
	if err != nil || len(b.Events) == 0 {
		return b, err
	}
	for i := range b.Events {
		b.Events[i].ReturnedAt, b.Events[i].Batch = now, b.Ref
	}
	if err := s.Store.ReturnClaimedEvents(ctx, partner, claim, b.Ref, now); err != nil {
		return EventBatch{}, err
	}
	return b, nil
}

// encode writes a batch as EMSEVT records and as EDIFACT in the
// partner's profile.
func (s *Service) encode(b *EventBatch) error {
	m := edi.Message{Sender: s.Country + "POST", Recipient: b.Partner, Ref: b.Ref, Prepared: b.Prepared}
	for _, e := range b.Events {
		m.Events = append(m.Events, tracking.Event{Object: e.Item, Code: e.Code, Office: e.Office, Time: e.At, Source: tracking.SourcePost,
			Reason: e.Reason, Signatory: e.Signatory})
	}
	var buf bytes.Buffer
	if err := edi.EncodeEvents(&buf, m); err != nil {
		return fmt.Errorf("encode events for %s: %w", b.Partner, err)
	}
	b.Text, b.EDIFACT = buf.Bytes(), edi.MarshalEventsProfile(s.Profiles.For(b.Partner), m)
	return nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Quality is one inbound item's arrival, delivery and the times its
// events were returned (accounting.ItemQuality's facts).
type Quality struct {
	Item, Partner  string
	Arrived, Final time.Time // EMD; first EMH or EMI
	WithinStandard bool
	ArrivalSent    time.Time // when the EMD went back (zero: not yet)
	FinalSent      time.Time // when the first EMH/EMI went back
}

// DeliveryStandardDays is the delivery standard we measure inbound items
// against: the first delivery attempt (EMH/EMI) within this many days of
// arrival at the inward office (EMD), J+3. Our own setting, not a UPU
// figure (the bilateral standards per lane are unconfirmed, 2026-12-07;
// docs/customs-rules.md "Inbound delivery").
const DeliveryStandardDays = 3

// Qualities lists the items that arrived (EMD) in [from, to) with their
// delivery and event-return times.
func (s *Service) Qualities(ctx context.Context, from, to time.Time) ([]Quality, error) {
	evs, err := s.Store.ArrivedPartnerEvents(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var out []Quality
	for i := 0; i < len(evs); {
		j := i
		for j < len(evs) && evs[j].Item == evs[i].Item {
			j++
		}
		q := Quality{Item: evs[i].Item, Partner: evs[i].Partner}
		for _, e := range evs[i:j] {
			switch {
			case e.Code == tracking.EMD && q.Arrived.IsZero():
				q.Arrived, q.ArrivalSent = e.At, e.ReturnedAt
			case (e.Code == tracking.EMH || e.Code == tracking.EMI) && q.Final.IsZero():
				q.Final, q.FinalSent = e.At, e.ReturnedAt
			}
		}
		if !q.Final.IsZero() && !q.Arrived.IsZero() {
			q.WithinStandard = q.Final.Sub(q.Arrived) <= DeliveryStandardDays*24*time.Hour
		}
		out = append(out, q)
		i = j
	}
	return out, nil
}
