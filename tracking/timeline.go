package tracking

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Timeline is an object's events in event-time order with its derived
// status.
type Timeline struct {
	Object      string     `json:"id"`
	Kind        ObjectKind `json:"kind"`
	Status      Status     `json:"status"`
	StatusLabel string     `json:"status_label"`
	Final       bool       `json:"final" doc:"No further movement expected (delivered, cancelled, terminated)"`
	Linked      bool       `json:"linked" doc:"Interpost has the shipment of this item; false for partner-only items"`
	Declared    bool       `json:"declared,omitempty" doc:"A waybill or e-commerce order declared to customs: its events are linked to the declaration"`
	Merchant    string     `json:"merchant,omitempty"`
	Lane        *Lane      `json:"lane,omitempty"`
	// TransitCountry is the country of the transit office of exchange of an
	// item in transit.
	TransitCountry string `json:"transit_country,omitempty" doc:"Country of the transit office of exchange, while in_transit"`
	// HeldSince is when the current customs hold began.
	HeldSince time.Time `json:"held_since,omitzero" doc:"When the current customs hold began (export_customs_held, import_customs_held)"`
	DutyDue   bool      `json:"duty_due,omitempty" doc:"Import customs released the item with duty due from the addressee"`
	// EstimatedDelivery is absent for final items and when nothing can be
	// estimated; NoEstimate then says why.
	EstimatedDelivery *Estimate       `json:"estimated_delivery,omitempty"`
	NoEstimate        string          `json:"no_estimate,omitempty" doc:"Why there is no estimated delivery, e.g. held by import customs since 27 Nov: no estimate until released"`
	Events            []TimelineEvent `json:"events"`
}

// TimelineEvent is one event as shown on a timeline.
type TimelineEvent struct {
	Code          Code      `json:"code"`
	Meaning       string    `json:"meaning"`
	Stage         Stage     `json:"stage"`
	Status        Status    `json:"status"`
	Office        string    `json:"office"`
	OfficeName    string    `json:"office_name,omitempty"`
	OfficeCountry string    `json:"office_country,omitempty"`
	Time          time.Time `json:"time" doc:"As reported, with its offset"`
	LocalTime     string    `json:"local_time" doc:"In the office's time zone, e.g. 2026-11-20 14:05 CST"`
	Source        string    `json:"source"`
	Reason        string    `json:"reason,omitempty"`
	NextOffice    string    `json:"next_office,omitempty"`
	Signatory     string    `json:"signatory,omitempty"`
	Received      time.Time `json:"received" doc:"When Interpost received it"`
}

// Estimate is an estimated delivery date.
type Estimate struct {
	Date  string `json:"date" doc:"Local date, YYYY-MM-DD; never before today"`
	Basis string `json:"basis" doc:"What it was planned from, e.g. route planner from PLWAWA at 2026-11-27 10:00 UTC"`
}

// Estimator estimates when an item will be delivered, e.g. from the route
// planner; ok is false when it cannot tell.
type Estimator interface {
	EstimateDelivery(ctx context.Context, q EstimateQuery) (at time.Time, ok bool, err error)
}

// EstimateQuery describes where an item stands: its last known position
// and time, and its lifecycle status there.
type EstimateQuery struct {
	Object      string // any object id: S10, waybill, order
	From        string // office of the current event, or the origin office
	Ready       time.Time
	Status      Status
	DestCountry string
	Product     string
}

// LastMileDays is how many working days delivery takes from an item's
// status once it is in the destination country: two from the inward office
// of exchange, one from the delivery office, none once out for delivery.
func LastMileDays(st Status) int {
	switch st {
	case StatusOutForDelivery:
		return 0
	case StatusAtDeliveryOffice, StatusAwaitingPickup, StatusDeliveryAttempted:
		return 1
	}
	return 2
}

// SilentAfter is how long an item may go without a scan before its
// estimate is withdrawn when the plan says it should have arrived by now.
const SilentAfter = 72 * time.Hour

// Timeline returns the timeline of an object the caller may see: merchants
// see their own items only (others are not_found, so ids can't be probed).
func (s *Service) Timeline(ctx context.Context, who auth.Principal, id string) (Timeline, error) {
	obj, kind, err := s.Resolve(ctx, id)
	if err != nil {
		return Timeline{}, err
	}
	tl, ref, err := s.timeline(ctx, obj, kind)
	if err != nil {
		return Timeline{}, err
	}
	if who.Role == auth.RoleMerchant && (ref == nil || ref.Merchant != who.Merchant) {
		return Timeline{}, postal.Errorf(postal.CodeNotFound, "no events for %s", obj)
	}
	return tl, nil
}

// PublicTimeline is the timeline for the public tracking page: statuses,
// steps, places and times only — no merchant, addresses or signatory.
func (s *Service) PublicTimeline(ctx context.Context, id string) (Timeline, error) {
	obj, kind, err := s.Resolve(ctx, id)
	if err != nil {
		return Timeline{}, err
	}
	if !kind.Shipment() {
		return Timeline{}, postal.Invalid("bad item id", postal.FieldError{Field: "path.id",
			Message: fmt.Sprintf("%q is a %s id: the public page tracks items, waybills and e-commerce consignments", obj, kind)})
	}
	tl, _, err := s.timeline(ctx, obj, kind)
	if err != nil {
		return Timeline{}, err
	}
	tl.Merchant = ""
	for i := range tl.Events {
		tl.Events[i].Signatory = ""
		tl.Events[i].Source = ""
	}
	return tl, nil
}

// Resolve reads an object id as a caller writes it: any canonical form (see
// ParseObject), or a waybill or e-commerce number without its carrier or
// platform, which names the one object with that number. Errors: invalid
// (a malformed id, or a number that two carriers or platforms use, listing
// them), not_found (a number no event has named).
func (s *Service) Resolve(ctx context.Context, id string) (string, ObjectKind, error) {
	obj, kind, err := ParseObject(id)
	if err == nil {
		return obj, kind, nil
	}
	n := BareNumber(id)
	if n == "" {
		return "", "", postal.Invalid("bad object id", postal.FieldError{Field: "path.id", Message: idMessage(err)})
	}
	objs, lerr := s.Store.ObjectsNumbered(ctx, n)
	if lerr != nil {
		return "", "", lerr
	}
	switch len(objs) {
	case 0:
		return "", "", postal.Errorf(postal.CodeNotFound, "no events for %s: no waybill or e-commerce consignment has that number, and it is not an S10, S8 or S9 id", n)
	case 1:
		return objs[0], KindOf(objs[0]), nil
	}
	return "", "", postal.Invalid("ambiguous number", postal.FieldError{Field: "path.id",
		Message: fmt.Sprintf("%s is the number of %d objects: name one, e.g. %s", n, len(objs), strings.Join(objs, " or "))})
}

func (s *Service) timeline(ctx context.Context, obj string, kind ObjectKind) (Timeline, *ItemRef, error) {
	events, err := s.Store.EventsOf(ctx, obj)
	if err != nil {
		return Timeline{}, nil, err
	}
	var ref *ItemRef
	if kind == KindItem {
		refs, err := s.Store.ItemRefs(ctx, []string{obj})
		if err != nil {
			return Timeline{}, nil, err
		}
		if r, ok := refs[obj]; ok {
			ref = &r
		}
	}
	if len(events) == 0 && ref == nil {
		return Timeline{}, nil, postal.Errorf(postal.CodeNotFound, "no events for %s", obj)
	}
	sortStored(events)
	country := s.countryOf(ctx)
	it := Item{Object: obj, Kind: kind, Status: StatusCreated}
	if ref != nil {
		it.link(*ref, country)
	}
	tl := Timeline{Object: obj, Kind: kind, Linked: ref != nil, Events: make([]TimelineEvent, 0, len(events))}
	if (kind == KindWaybill || kind == KindEcommerce) && s.Declared != nil {
		d, err := s.Declared(ctx, []string{obj})
		if err != nil {
			return Timeline{}, nil, fmt.Errorf("look up the customs declaration of %s: %w", obj, err)
		}
		tl.Declared = d[obj]
	}
	for _, e := range events {
		it.Apply(e.Event, country)
		tl.Events = append(tl.Events, s.timelineEvent(ctx, e))
	}
	tl.Status, tl.StatusLabel, tl.Final, tl.Merchant = it.Status, it.Status.Label(), it.Status.Final(), it.Merchant
	if it.Origin != "" || it.Dest != "" {
		l := it.Lane()
		tl.Lane = &l
	}
	if it.Status == StatusInTransit {
		tl.TransitCountry = country(it.LastOffice)
	}
	tl.HeldSince, tl.DutyDue = it.HeldSince(), it.DutyDue
	if !tl.Final {
		tl.EstimatedDelivery, tl.NoEstimate = s.estimate(ctx, it, ref)
	}
	return tl, ref, nil
}

func (s *Service) timelineEvent(ctx context.Context, e Stored) TimelineEvent {
	info, _ := LookupCode(e.Code)
	te := TimelineEvent{
		Code: e.Code, Meaning: info.Meaning, Stage: info.Stage, Status: info.Status, Office: e.Office,
		Time: e.Time, Source: e.Source, Reason: e.Reason, NextOffice: e.NextOffice, Signatory: e.Signatory,
		Received: e.Received,
	}
	local := e.Time
	if o, ok := s.office(ctx, e.Office); ok {
		te.OfficeName, te.OfficeCountry = o.Name, o.Country
		if loc := zone(o.TZ); loc != nil {
			local = e.Time.In(loc)
		}
	}
	te.LocalTime = local.Format("2006-01-02 15:04 MST")
	return te
}

// estimate re-plans the delivery from the item's last known position and
// time (see docs/lifecycle.md). It never answers a date in the past: when
// it cannot give a date it says why instead (a customs hold, a return, no
// scan for SilentAfter past the planned arrival, no plan).
func (s *Service) estimate(ctx context.Context, it Item, ref *ItemRef) (*Estimate, string) {
	now := s.now()
	switch it.Status {
	case StatusImportCustomsHeld:
		return nil, fmt.Sprintf("held by import customs since %s: no estimate until released", s.dayOf(ctx, it.LastTime, it.LastOffice))
	case StatusExportCustomsHeld:
		return nil, fmt.Sprintf("held by export customs since %s: no estimate until released", s.dayOf(ctx, it.LastTime, it.LastOffice))
	case StatusReturning:
		return nil, "returning to the sender: no delivery estimate"
	}
	silent := it.LastCode != "" && now.Sub(it.LastTime) > SilentAfter
	noScan := func() string {
		return fmt.Sprintf("no scan since %s: no estimate until the item is scanned again", s.dayOf(ctx, it.LastTime, it.LastOffice))
	}
	if s.Estimator != nil && it.Dest != "" {
		q := EstimateQuery{Object: it.Object, From: it.LastOffice, Ready: it.LastTime, Status: it.Status, DestCountry: it.Dest, Product: it.Product}
		if q.From == "" && ref != nil {
			q.From, q.Ready = ref.OriginOffice, now
		}
		if q.From != "" {
			at, ok, err := s.Estimator.EstimateDelivery(ctx, q)
			if err != nil {
				s.logger().WarnContext(ctx, "estimate delivery", "object", it.Object, "err", err)
			}
			if err == nil && ok && localDate(at, 0).Before(localDate(now, 0)) {
				// The plan from the last scan is overdue: an item scanned
				// lately missed it and is re-planned from now; a silent one
				// gets no date.
				if silent {
					return nil, noScan()
				}
				q.Ready = now
				at, ok, err = s.Estimator.EstimateDelivery(ctx, q)
				if err != nil {
					s.logger().WarnContext(ctx, "estimate delivery", "object", it.Object, "err", err)
				}
			}
			if err == nil && ok && !localDate(at, 0).Before(localDate(now, 0)) {
				return &Estimate{Date: localDate(at, 0).Format(time.DateOnly),
					Basis: fmt.Sprintf("route planner from %s at %s", q.From, q.Ready.UTC().Format("2006-01-02 15:04 UTC"))}, ""
			}
		}
	}
	// Without a plan: the lane's delivery standard counted from posting, as
	// long as it is still ahead.
	start, off := it.AcceptedAt, it.AcceptedOffset
	if start.IsZero() {
		if ref == nil {
			return nil, "no route plan and no posting date: no estimate"
		}
		start, off = ref.CreatedAt, 0
	}
	stds, err := s.standards(ctx)
	if err != nil {
		return nil, "no estimate: delivery standards unavailable"
	}
	days := StandardFor(stds, it.Lane())
	d := AddWorkingDays(localDate(start, off), days)
	if d.Before(localDate(now, 0)) {
		if silent {
			return nil, noScan()
		}
		return nil, fmt.Sprintf("overdue against the J+%d delivery standard and no route plan from %s: no estimate", days, cmp.Or(it.LastOffice, "the origin"))
	}
	return &Estimate{Date: d.Format(time.DateOnly), Basis: fmt.Sprintf("delivery standard J+%d from posting", days)}, ""
}

// dayOf formats the local day of t at an office, e.g. "27 Nov".
func (s *Service) dayOf(ctx context.Context, t time.Time, office string) string {
	if o, ok := s.office(ctx, office); ok {
		if loc := zone(o.TZ); loc != nil {
			t = t.In(loc)
		}
	}
	return t.Format("2 Jan")
}

// Stuck lists items that have stayed at one step for at least stuckFor,
// optionally only those in the given statuses and lane; merchants see only
// their own. Final items (delivered, cancelled, terminated) are never stuck.
func (s *Service) Stuck(ctx context.Context, who auth.Principal, statuses []string, lane string, stuckFor time.Duration, cursor string, limit int) ([]Item, string, error) {
	f := ItemFilter{NotFinal: true, After: cursor, Limit: limit}
	for _, st := range statuses {
		v, ok := ParseStatus(st)
		if !ok {
			return nil, "", postal.Invalid("bad status", postal.FieldError{Field: "query.status", Message: fmt.Sprintf("%q is not an item status", st)})
		}
		f.Statuses = append(f.Statuses, v)
	}
	if lane != "" {
		l, err := ParseLane(lane)
		if err != nil {
			return nil, "", err
		}
		f.Origin, f.Dest, f.Product = l.Origin, l.Dest, l.Product
	}
	if stuckFor < 0 {
		return nil, "", postal.Invalid("bad stuck_for", postal.FieldError{Field: "query.stuck_for", Message: "must not be negative"})
	}
	if stuckFor > 0 {
		f.LastBefore = s.now().Add(-stuckFor)
	}
	var err error // the caller names no merchant, so no Other refusal
	if f.Merchant, err = who.MerchantScope("", auth.Refusals{Role: "role %s cannot list items"}); err != nil {
		return nil, "", err
	}
	return s.Store.TrackedItems(ctx, f)
}

// ItemOf returns the projected state of an item the caller may see.
func (s *Service) ItemOf(ctx context.Context, who auth.Principal, id string) (Item, error) {
	obj, _, err := s.Resolve(ctx, id)
	if err != nil {
		return Item{}, err
	}
	it, err := s.Store.TrackedItem(ctx, obj)
	if err != nil {
		return Item{}, err
	}
	if who.Role == auth.RoleMerchant && it.Merchant != who.Merchant {
		return Item{}, postal.Errorf(postal.CodeNotFound, "no item %s", obj)
	}
	return it, nil
}

// zones caches time.LoadLocation, which reads the zone file on every call.
var zones sync.Map // IANA name → *time.Location (nil when unknown)

func zone(name string) *time.Location {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	zones.Store(name, loc)
	return loc
}

// standardsTTL is how long timelines reuse the delivery standards read.
const standardsTTL = 30 * time.Second

type standardsCache struct {
	mu   sync.Mutex
	list []Standard
	at   time.Time
}

// standards returns the delivery standards, read at most every standardsTTL.
func (s *Service) standards(ctx context.Context) ([]Standard, error) {
	c := &s.stdCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.list != nil && time.Since(c.at) < standardsTTL {
		return c.list, nil
	}
	list, err := s.Store.DeliveryStandards(ctx)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []Standard{}
	}
	c.list, c.at = list, time.Now()
	return list, nil
}
