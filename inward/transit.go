package inward

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Closed transit through us (issue 16 item 4): a partner's dispatch bound
// for an office abroad (its S8 names, say, KZALAA) arrives at one of our
// offices of exchange, is checked unopened (weight, seal, damage: the
// same findings as any receptacle, on the same CN 43) and is forwarded on
// the service the route planner gives from our office to its destination.
// Its receptacles and listed items get EMJ (arrival at the transit office)
// and EMK (departure from it); what was forwarded is what the origin post
// owes us transit charges for (Service.Transit).
//
// A pre-advice is taken for transit when its dispatch is bound abroad and
// its transport (the PREDES's planned transport, the CARDIT's departure)
// arrives at one of our offices: that office is the dispatch's transit
// office. A receptacle bound abroad that was never advised is received as
// not advised at the office that scanned it, like any other.

// Transit is a dispatch in closed transit through us.
type Transit struct {
	Dispatch  string // S8, bound for an office abroad
	Office    string // our office of exchange it arrives at
	AdvisedAt time.Time
}

// Leg is one departure of the way onward.
type Leg struct {
	Service, Mode, Carrier string
	From, To               string // office codes
	Depart, Arrive         time.Time
}

// Forwarding is a transit receptacle forwarded unopened from our office on
// the planned service.
type Forwarding struct {
	Receptacle  string // S9
	Dispatch    string // S8
	Office      string // our transit office it left
	Destination string // the dispatch's office abroad
	// The first leg of the planned way: the service it left on.
	Service, Mode, Carrier string
	Next                   string // office that service goes to
	Departure, Arrival     time.Time
	Legs                   []Leg // the whole planned way to Destination
	WeightG                int   // as received
	ForwardedAt            time.Time
}

// Router plans the way onward (internal/app adapts the route planner).
type Router interface {
	// Onward returns the earliest way from office from to office to for a
	// receptacle of weightG ready at ready; no legs when there is none
	// within the planner's horizon.
	Onward(ctx context.Context, from, to string, ready time.Time, weightG int) ([]Leg, error)
}

// TransitStore keeps transit dispatches and their forwarding. Methods
// return postal errors.
type TransitStore interface {
	// SaveTransit stores a dispatch's transit office; an existing one is
	// kept.
	SaveTransit(ctx context.Context, t Transit) error
	// InwardTransit returns a dispatch's transit, or not_found.
	InwardTransit(ctx context.Context, dispatch string) (Transit, error)
	// TransitDispatches lists transit dispatches at our offices (empty:
	// all), newest advice first.
	TransitDispatches(ctx context.Context, offices []string, limit int) ([]Transit, error)
	// SaveForwardings stores forwarded receptacles in one transaction;
	// conflict (nothing stored) when one was forwarded before.
	SaveForwardings(ctx context.Context, fs []Forwarding) error
	// Forwardings lists a dispatch's forwarded receptacles by receptacle.
	Forwardings(ctx context.Context, dispatch string) ([]Forwarding, error)
}

// transitOf returns the transit of a dispatch bound abroad (nil for one
// bound for us). A dispatch never advised for transit has Office "".
func (s *Service) transitOf(ctx context.Context, d postal.DispatchID) (*Transit, error) {
	if len(d.Destination) < 2 || d.Destination[:2] == s.Country {
		return nil, nil
	}
	t, err := s.Store.InwardTransit(ctx, d.String())
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		return &Transit{Dispatch: d.String()}, nil
	case err != nil:
		return nil, err
	}
	return &t, nil
}

// bound reports whether a dispatch is bound for our country.
func (s *Service) bound(destination string) bool {
	return len(destination) >= 2 && destination[:2] == s.Country
}

// inTransit reports whether a dispatch (S8) is bound abroad: closed
// transit when it reached us.
func (s *Service) inTransit(dispatch string) bool {
	d, err := postal.ParseDispatchID(dispatch)
	return err == nil && !s.bound(d.Destination)
}

// verifyingOffice is our office that verifies a dispatch: where its
// receptacles were received, else its transit office (closed transit) or
// its destination.
func (s *Service) verifyingOffice(ctx context.Context, d Dispatch, rs []Receptacle) string {
	for _, r := range rs {
		if r.ReceivedOffice != "" {
			return r.ReceivedOffice
		}
	}
	if !s.bound(d.Destination) {
		if t, err := s.Store.InwardTransit(ctx, d.ID); err == nil && t.Office != "" {
			return t.Office
		}
	}
	return d.Destination
}

// transitEvents records code (EMJ, EMK) on a receptacle and on the items
// its dispatch's pre-advice lists in it.
func (s *Service) transitEvents(ctx context.Context, code tracking.Code, r Receptacle, office, next string, at time.Time) error {
	items, err := s.Store.InwardItems(ctx, r.Dispatch)
	if err != nil {
		return err
	}
	evs := []tracking.Event{{Object: r.ID, Code: code, Office: office, Time: at, Source: tracking.SourcePost, NextOffice: next}}
	for _, it := range items {
		if it.Receptacle == r.ID {
			evs = append(evs, tracking.Event{Object: it.Item, Code: code, Office: office, Time: at, Source: tracking.SourcePost, NextOffice: next})
		}
	}
	return s.record(ctx, evs...)
}

// TransitDispatches lists the dispatches in transit through the caller's
// offices (admins: all) with their receptacles and what was forwarded.
func (s *Service) TransitDispatches(ctx context.Context, who auth.Principal, limit int) ([]Transit, error) {
	var offices []string
	switch who.Role {
	case auth.RoleAdmin:
	case auth.RoleOperator, auth.RoleCustoms:
		offices = who.Offices
		if len(offices) == 0 {
			return []Transit{}, nil
		}
	default:
		return nil, postal.Errorf(postal.CodeForbidden, "transit dispatches are for operators and customs at our offices; this is a %s key", who.Role)
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return s.Store.TransitDispatches(ctx, offices, limit)
}

// ForwardResult says what a forwarding did.
type ForwardResult struct {
	Dispatch    string
	Forwarded   []Forwarding // forwarded now
	Earlier     []Forwarding // forwarded before (a repeated call)
	Waiting     []string     // advised receptacles not received yet
	Unforwarded []string     // received but not forwardable (missing from the network's plan)
	// Onward are the consignments to the carriers with their CARDIT:
	// those the receptacles forwarded now left in.
	Onward []edi.Cardit
}

// Forward hands a transit dispatch's received receptacles, unopened, to
// the service the route planner gives from our transit office to the
// dispatch's office abroad, now: each gets its Forwarding and an EMK (on
// it and its listed items) naming the next office. Receptacles forwarded
// before are left alone, so forwarding again after more arrived takes the
// newcomers only; those not received wait. Operators of the transit office
// and admins may forward.
func (s *Service) Forward(ctx context.Context, who auth.Principal, dispatch string) (ForwardResult, error) {
	did, err := postal.ParseDispatchID(dispatch)
	if err != nil {
		return ForwardResult{}, postal.Errorf(postal.CodeInvalid, "dispatch: %v", err)
	}
	if s.bound(did.Destination) {
		return ForwardResult{}, postal.Errorf(postal.CodeConflict, "dispatch %s is bound for our office %s, not in transit: receive, open and clear it", did, did.Destination)
	}
	t, err := s.Store.InwardTransit(ctx, did.String())
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return ForwardResult{}, postal.Errorf(postal.CodeNotFound, "dispatch %s is not in transit through us: nothing advised or received for it", did)
	}
	if err != nil {
		return ForwardResult{}, err
	}
	if err := mayReceive(who, t.Office); err != nil {
		return ForwardResult{}, err
	}
	if s.Router == nil {
		return ForwardResult{}, postal.Errorf(postal.CodeUnavailable, "no route planner: transit cannot be forwarded on this node")
	}
	rs, err := s.Store.InwardReceptacles(ctx, t.Dispatch)
	if err != nil {
		return ForwardResult{}, err
	}
	earlier, err := s.Store.Forwardings(ctx, t.Dispatch)
	if err != nil {
		return ForwardResult{}, err
	}
	res := ForwardResult{Dispatch: t.Dispatch, Earlier: earlier, Forwarded: []Forwarding{}}
	now := s.now()
	var legs []Leg
	for _, r := range rs {
		switch {
		case slices.ContainsFunc(earlier, func(f Forwarding) bool { return f.Receptacle == r.ID }):
			continue
		case r.Status != StatusReceived:
			res.Waiting = append(res.Waiting, r.ID)
			continue
		}
		if legs == nil {
			if legs, err = s.Router.Onward(ctx, t.Office, did.Destination, now, r.ReceivedWeightG); err != nil {
				return ForwardResult{}, fmt.Errorf("plan %s → %s: %w", t.Office, did.Destination, err)
			}
			if len(legs) == 0 {
				return ForwardResult{}, postal.Errorf(postal.CodeConflict, "no service from %s reaches %s within the planner's horizon: %s stays at %s",
					t.Office, did.Destination, t.Dispatch, t.Office)
			}
		}
		l := legs[0]
		res.Forwarded = append(res.Forwarded, Forwarding{Receptacle: r.ID, Dispatch: t.Dispatch, Office: t.Office, Destination: did.Destination,
			Service: l.Service, Mode: l.Mode, Carrier: l.Carrier, Next: l.To, Departure: l.Depart, Arrival: l.Arrive, Legs: legs,
			WeightG: r.ReceivedWeightG, ForwardedAt: now})
	}
	if len(res.Forwarded) == 0 {
		return res, nil
	}
	if err := s.Store.SaveForwardings(ctx, res.Forwarded); err != nil {
		return ForwardResult{}, err
	}
	for _, f := range res.Forwarded {
		i := slices.IndexFunc(rs, func(r Receptacle) bool { return r.ID == f.Receptacle })
		if err := s.transitEvents(ctx, tracking.EMK, rs[i], f.Office, f.Next, now); err != nil {
			return ForwardResult{}, err
		}
	}
	// The onward consignments: all forwardings on the departures used
	// now (earlier receptacles on the same departure are in them too).
	all := append(slices.Clone(earlier), res.Forwarded...)
	var used []Forwarding
	for _, f := range all {
		if slices.ContainsFunc(res.Forwarded, func(n Forwarding) bool { return n.Service == f.Service && n.Departure.Equal(f.Departure) }) {
			used = append(used, f)
		}
	}
	if res.Onward, err = s.onwardCardits(ctx, used, rs); err != nil {
		return ForwardResult{}, err
	}
	return res, nil
}

// TransitReceptacle is a closed-transit receptacle received at our office
// (the accounting facts of transit charges).
type TransitReceptacle struct {
	Dispatch, Receptacle string
	Origin, Destination  string // partner's office, the office abroad
	Partner              string // origin post
	Office               string // our transit office
	Subclass             string
	Items                int // listed by the pre-advice
	WeightG              int // as received
	ReceivedAt           time.Time
	ForwardedAt          time.Time // zero while not forwarded
}

// TransitReceived lists the closed-transit receptacles received at our
// offices in [from, to), forwarded or not, by receipt.
func (s *Service) TransitReceived(ctx context.Context, from, to time.Time) ([]TransitReceptacle, error) {
	rs, err := s.Store.ReceivedReceptacles(ctx, from, to)
	if err != nil {
		return nil, err
	}
	fw := map[string][]Forwarding{}
	var out []TransitReceptacle
	for _, x := range rs {
		d, r := x.Dispatch, x.Receptacle
		if !s.inTransit(d.ID) {
			continue
		}
		did, _ := postal.ParseDispatchID(d.ID)
		fs, ok := fw[d.ID]
		if !ok {
			if fs, err = s.Store.Forwardings(ctx, d.ID); err != nil {
				return nil, err
			}
			fw[d.ID] = fs
		}
		row := TransitReceptacle{Dispatch: d.ID, Receptacle: r.ID, Origin: d.Origin, Destination: did.Destination, Partner: d.Partner,
			Office: r.ReceivedOffice, Subclass: d.Subclass, Items: r.Items, WeightG: r.ReceivedWeightG, ReceivedAt: r.ReceivedAt}
		if i := slices.IndexFunc(fs, func(f Forwarding) bool { return f.Receptacle == r.ID }); i >= 0 {
			row.ForwardedAt = fs[i].ForwardedAt
		}
		out = append(out, row)
	}
	return out, nil
}

// TransitView is a transit dispatch with its receptacles and forwarding.
type TransitView struct {
	Transit     Transit
	Dispatch    Dispatch
	Receptacles []Receptacle
	Forwardings []Forwarding
}

// TransitDispatch returns a transit dispatch in the caller's scope
// (operators and customs of its transit office, admins; else not_found).
func (s *Service) TransitDispatch(ctx context.Context, who auth.Principal, dispatch string) (TransitView, error) {
	t, err := s.Store.InwardTransit(ctx, dispatch)
	if err != nil {
		return TransitView{}, err
	}
	switch who.Role {
	case auth.RoleAdmin:
	case auth.RoleOperator, auth.RoleCustoms:
		if !who.InOffice(t.Office) {
			return TransitView{}, postal.Errorf(postal.CodeNotFound, "no transit dispatch %s", postal.Quote(dispatch))
		}
	default:
		return TransitView{}, postal.Errorf(postal.CodeForbidden, "transit dispatches are for operators and customs at our offices; this is a %s key", who.Role)
	}
	v := TransitView{Transit: t}
	if v.Dispatch, err = s.Store.InwardDispatch(ctx, dispatch); err != nil {
		return TransitView{}, err
	}
	if v.Receptacles, err = s.Store.InwardReceptacles(ctx, dispatch); err != nil {
		return TransitView{}, err
	}
	if v.Forwardings, err = s.Store.Forwardings(ctx, dispatch); err != nil {
		return TransitView{}, err
	}
	return v, nil
}
