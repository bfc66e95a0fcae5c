package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// ConsignRequest hands closed dispatches to a carrier for one departure.
type ConsignRequest struct {
	Office     string   `json:"office" example:"CNXMNA"`
	Service    string   `json:"service" doc:"Service id (flight number, train path, truck line)" example:"MF811"`
	Date       string   `json:"date" doc:"Local departure date at the service's first office, YYYY-MM-DD" example:"2026-11-24"`
	Dispatches []string `json:"dispatches" minItems:"1" maxItems:"500" doc:"S8 ids of closed dispatches at the office"`
}

// Departure is one dated departure of a service.
type Departure struct {
	Service   network.Leg
	Date      civil.Date
	Departure time.Time // UTC
	Arrival   time.Time // UTC
	Cutoff    time.Time // hand-over deadline, UTC
}

// departure finds a service's departure on a local date.
func (s *Service) departure(ctx context.Context, service, date string) (Departure, network.Office, error) {
	var fe postal.FieldList
	d, err := civil.ParseDate(date)
	if err != nil || d.IsZero() {
		fe.Add("date", "%q is not a date YYYY-MM-DD", date)
	}
	services, err := s.Network.Services(ctx)
	if err != nil {
		return Departure{}, network.Office{}, err
	}
	i := slices.IndexFunc(services, func(x network.Leg) bool { return x.ID == service })
	if i < 0 {
		fe.Add("service", "unknown service %q (see interpost network export)", service)
	}
	if err := fe.Err("cannot consign"); err != nil {
		return Departure{}, network.Office{}, err
	}
	svc := services[i]
	from, err := s.Network.Office(ctx, svc.From)
	if err != nil {
		return Departure{}, network.Office{}, err
	}
	if !svc.RunsOn(d) {
		return Departure{}, from, postal.Invalid("no such departure", postal.FieldError{Field: "date",
			Message: fmt.Sprintf("%s does not depart on %s (days %s, valid %s–%s)", svc.ID, d, svc.Days, svc.ValidFrom, svc.ValidTo)})
	}
	loc, err := time.LoadLocation(from.TZ)
	if err != nil {
		return Departure{}, from, err
	}
	dep := svc.DepartureOn(d, loc)
	return Departure{Service: svc, Date: d, Departure: dep, Arrival: dep.Add(time.Duration(svc.DurationMin) * time.Minute),
		Cutoff: dep.Add(-time.Duration(svc.CutoffMin) * time.Minute)}, from, nil
}

// Consign hands closed dispatches at an office to a departure, or
// dispatches in transit at the hub their last consignment reached to the
// departure of their next leg (a consignment booked for the onward leg,
// as the office or carrier at the hub hands them on; the operator must
// hold that office). They must
// share a delivery bill (CN 38 air, CN 41 S.A.L., CN 37 surface), their
// category must be allowed on the service's mode, the hand-over must be
// before the cut-off, and the departure's capacity must hold them: the
// refusal gives the numbers.
func (s *Service) Consign(ctx context.Context, who auth.Principal, r ConsignRequest) (Consignment, error) {
	if err := authorize(who, r.Office); err != nil {
		return Consignment{}, err
	}
	dep, _, err := s.departure(ctx, r.Service, r.Date)
	if err != nil {
		return Consignment{}, err
	}
	svc := dep.Service
	if svc.From != r.Office {
		return Consignment{}, postal.Invalid("wrong office", postal.FieldError{Field: "service",
			Message: fmt.Sprintf("%s leaves from %s, not %s", svc.ID, svc.From, r.Office)})
	}
	now := s.now()
	if now.After(dep.Cutoff) {
		return Consignment{}, postal.Errorf(postal.CodeConflict, "%s on %s took mail until %s (%d min before departure); it is %s: take a later departure",
			svc.ID, dep.Date, dep.Cutoff.Format("2006-01-02 15:04Z"), svc.CutoffMin, now.Format("2006-01-02 15:04Z"))
	}
	c := Consignment{Office: r.Office, Service: svc.ID, Carrier: svc.Carrier, Mode: string(svc.Mode), From: svc.From, To: svc.To,
		Departure: dep.Departure, Arrival: dep.Arrival, CapacityKg: svc.CapacityKg, CreatedAt: now, CreatedBy: by(who)}
	var fe postal.FieldList
	seen := map[string]bool{}
	for i, id := range r.Dispatches {
		field := fmt.Sprintf("dispatches[%d]", i)
		d, err := s.Dispatch(ctx, id)
		if err != nil {
			if pe := postal.ErrorCode(err); pe == postal.CodeNotFound || pe == postal.CodeInvalid {
				fe.Add(field, "%v", err)
				continue
			}
			return Consignment{}, err
		}
		if seen[d.ID] {
			fe.Add(field, "%s is listed twice", d.ID)
			continue
		}
		seen[d.ID] = true
		if msg, err := s.onward(ctx, d, r.Office, dep); err != nil {
			return Consignment{}, err
		} else if msg != "" {
			fe.Add(field, "%s", msg)
			continue
		}
		switch {
		case c.Form == "":
			c.Form, c.Category = d.Form, d.Category
		case d.Form != c.Form:
			fe.Add(field, "%s goes on a %s; this consignment is a %s: consign it separately", d.ID, d.Form, c.Form)
		}
		if !ModeAllowed(d.MailCategory(), c.Mode) {
			fe.Add(field, "%s is category %s (%s), which may not travel by %s (allowed: %s)", d.ID, d.Category, d.MailCategory(), c.Mode, strings.Join(Modes(d.MailCategory()), ", "))
		}
		c.Dispatches = append(c.Dispatches, d.ID)
		c.Receptacles += d.Receptacles
		c.GrossWeightG += d.GrossWeightG
	}
	if err := fe.Err("cannot consign these dispatches"); err != nil {
		return Consignment{}, err
	}
	got, err := s.Store.Consign(ctx, c)
	var ce *CapacityError
	if errors.As(err, &ce) {
		return Consignment{}, postal.Errorf(postal.CodeConflict, "cannot consign %d dispatches: %w", len(c.Dispatches), ce)
	}
	return got, err
}

// onward checks a dispatch that departed before and is consigned on at
// office, the hub its last leg reached: it must not have reached its
// destination already, and the departure must not leave before its last
// leg arrives. It returns what is wrong, or "".
func (s *Service) onward(ctx context.Context, d Dispatch, office string, dep Departure) (string, error) {
	if d.Status != StatusDeparted {
		return "", nil
	}
	if d.AtOffice == d.Destination {
		return fmt.Sprintf("%s has reached its destination %s: it goes no further", d.ID, d.Destination), nil
	}
	if d.AtOffice != office {
		return fmt.Sprintf("%s is on its way to %s, not at %s: consign it on where it is", d.ID, d.AtOffice, office), nil
	}
	legs, err := s.Store.Legs(ctx, d.ID)
	if err != nil || len(legs) == 0 {
		return "", err
	}
	last := legs[len(legs)-1]
	if dep.Departure.Before(last.Arrival) {
		return fmt.Sprintf("%s reaches %s at %s on %s (consignment %s); %s departs at %s, before it arrives: take a later departure",
			d.ID, office, last.Arrival.UTC().Format("2006-01-02 15:04Z"), last.Service, last.Consignment,
			dep.Service.ID, dep.Departure.UTC().Format("2006-01-02 15:04Z")), nil
	}
	return "", nil
}

// Consignment returns a consignment.
func (s *Service) Consignment(ctx context.Context, id string) (Consignment, error) {
	return s.Store.Consignment(ctx, strings.ToUpper(strings.TrimSpace(id)))
}

// Depart records that a consignment left: the dispatches are departed and
// EMC (or EMK at a transit office) goes out for each dispatch, receptacle
// and item. at zero means now; departing again changes nothing.
func (s *Service) Depart(ctx context.Context, who auth.Principal, id string, at time.Time) (Consignment, error) {
	c, err := s.Consignment(ctx, id)
	if err != nil {
		return Consignment{}, err
	}
	if err := authorize(who, c.Office); err != nil {
		return Consignment{}, err
	}
	if at.IsZero() {
		at = s.now()
	}
	var out Outbox
	for _, did := range c.Dispatches {
		d, err := s.Store.Dispatch(ctx, did)
		if err != nil {
			return Consignment{}, err
		}
		code := CodeDeparted
		if d.Origin != c.Office {
			code = CodeLeftTransit
		}
		ev := Event{Code: code, Office: c.Office, Time: at, Source: SourcePost, NextOffice: c.To, Reason: "on " + c.Service + " " + c.ID}
		de := ev
		de.Object = d.ID
		out.Events = append(out.Events, de)
		rs, err := s.Store.Receptacles(ctx, did)
		if err != nil {
			return Consignment{}, err
		}
		for _, r := range rs {
			re := ev
			re.Object = r.ID
			out.Events = append(out.Events, re)
			out.FanOut = append(out.FanOut, FanOut{Receptacle: r.Number, Event: ev})
		}
	}
	got, changed, err := s.Store.Depart(ctx, c.ID, at, out)
	if err != nil {
		return Consignment{}, err
	}
	if changed {
		s.deliver(ctx)
	}
	return got, nil
}

// Consignments lists consignments departing in [from, to) at an office
// ("" = all).
func (s *Service) Consignments(ctx context.Context, office string, from, to time.Time) ([]Consignment, error) {
	return s.Store.Consignments(ctx, office, from, to)
}
