package tracking

import (
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
	Merchant    string     `json:"merchant,omitempty"`
	Lane        *Lane      `json:"lane,omitempty"`
	// EstimatedDelivery is absent for delivered items and when nothing can
	// be estimated.
	EstimatedDelivery *Estimate       `json:"estimated_delivery,omitempty"`
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
	Date  string `json:"date" doc:"Local date, YYYY-MM-DD"`
	Basis string `json:"basis" doc:"route planner, or delivery standard (J+n working days from posting)"`
}

// Estimator estimates when an item will be delivered, e.g. from the route
// planner; ok is false when it cannot tell.
type Estimator interface {
	EstimateDelivery(ctx context.Context, q EstimateQuery) (at time.Time, ok bool, err error)
}

// EstimateQuery describes where an item stands.
type EstimateQuery struct {
	Object      string
	From        string    // office of the latest event, or the origin office
	Ready       time.Time // time of the latest event, or now
	DestCountry string
	Product     string
}

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
	for _, e := range events {
		it.Apply(e.Event, country)
		tl.Events = append(tl.Events, s.timelineEvent(ctx, e))
	}
	tl.Status, tl.StatusLabel, tl.Final, tl.Merchant = it.Status, it.Status.Label(), it.Status.Final(), it.Merchant
	if it.Origin != "" || it.Dest != "" {
		l := it.Lane()
		tl.Lane = &l
	}
	if !tl.Final {
		tl.EstimatedDelivery = s.estimate(ctx, it, ref)
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

// estimate asks the Estimator (the route planner) from where the item is;
// without one, or when it cannot tell, it counts the lane's delivery
// standard in working days from posting.
func (s *Service) estimate(ctx context.Context, it Item, ref *ItemRef) *Estimate {
	if s.Estimator != nil && it.Dest != "" {
		q := EstimateQuery{Object: it.Object, From: it.LastOffice, Ready: it.LastTime, DestCountry: it.Dest, Product: it.Product}
		if q.From == "" && ref != nil {
			q.From, q.Ready = ref.OriginOffice, s.now()
		}
		if q.From != "" {
			at, ok, err := s.Estimator.EstimateDelivery(ctx, q)
			if err != nil {
				s.logger().WarnContext(ctx, "estimate delivery", "object", it.Object, "err", err)
			} else if ok {
				return s.notBeforeToday(localDate(at, 0), "route planner")
			}
		}
	}
	start, off := it.AcceptedAt, it.AcceptedOffset
	if start.IsZero() {
		if ref == nil {
			return nil
		}
		start, off = ref.CreatedAt, 0
	}
	stds, err := s.standards(ctx)
	if err != nil {
		return nil
	}
	days := StandardFor(stds, it.Lane())
	return s.notBeforeToday(AddWorkingDays(localDate(start, off), days), fmt.Sprintf("delivery standard J+%d", days))
}

// notBeforeToday turns an estimate into an answer: an estimate already in
// the past means the item is late, so the next working day is the earliest
// it can come.
func (s *Service) notBeforeToday(d time.Time, basis string) *Estimate {
	if today := localDate(s.now(), 0); d.Before(today) {
		d, basis = AddWorkingDays(today, 1), basis+"; overdue, so the next working day at the earliest"
	}
	return &Estimate{Date: d.Format(time.DateOnly), Basis: basis}
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
