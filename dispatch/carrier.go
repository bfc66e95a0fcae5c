package dispatch

import (
	"context"
	"fmt"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// CarrierReport says what became of a carrier response.
type CarrierReport struct {
	Message  string              `json:"message" doc:"Reference of the message"`
	Events   int                 `json:"events" doc:"Receptacle events in the message"`
	Stored   int                 `json:"stored" doc:"New events stored"`
	Repeated int                 `json:"repeated" doc:"Events already stored (a resent message)"`
	Rejected []postal.FieldError `json:"rejected" doc:"Events not stored, with the reason"`
}

// IngestResdit stores a carrier's response: one carrier event per
// receptacle named, for receptacles Interpost dispatched. Uplift (24) is
// forwarded to tracking as EMC at the dispatch's origin (EMK elsewhere) and
// delivery to the post (21) as EMD, for the receptacle and every item in
// it; the other codes are kept with the receptacle. A partner key may only
// report for its own carrier code, about receptacles on a consignment to
// that carrier, at the consignment's first or last office (carrierLeg).
// Events naming unknown receptacles or places, or outside the carrier's
// leg, are rejected one by one; the rest are stored.
func (s *Service) IngestResdit(ctx context.Context, who auth.Principal, m edi.Resdit) (CarrierReport, error) {
	switch {
	case who.Is(auth.RoleAdmin, auth.RoleOperator):
	case who.Is(auth.RolePartner):
		if who.Partner != m.Carrier {
			return CarrierReport{}, postal.Errorf(postal.CodeForbidden, "this key reports for %s, not %s", who.Partner, m.Carrier)
		}
	default:
		return CarrierReport{}, postal.Errorf(postal.CodeForbidden, "carrier responses come from partner keys (or admins and operators); this is a %s key", who.Role)
	}
	if err := m.Validate(); err != nil {
		return CarrierReport{}, err
	}
	offices, err := s.Network.Offices(ctx)
	if err != nil {
		return CarrierReport{}, err
	}
	now := s.now()
	rep := CarrierReport{Message: m.Ref, Rejected: []postal.FieldError{}}
	var evs []CarrierEvent
	legs := map[string]*Consignment{} // dispatch → its consignment (nil: none)
	origin := map[string]string{}     // receptacle → dispatch origin
	number := map[string]string{}     // receptacle → its number
	for i, ev := range m.Events {
		office, msg := resolvePlace(ev.Place, offices)
		for j, rid := range ev.Receptacles {
			rep.Events++
			field := fmt.Sprintf("events[%d].receptacles[%d]", i, j)
			if msg != "" {
				rep.Rejected = append(rep.Rejected, postal.FieldError{Field: fmt.Sprintf("events[%d].place", i), Message: msg})
				continue
			}
			if ev.Time.After(now.Add(24 * time.Hour)) {
				rep.Rejected = append(rep.Rejected, postal.FieldError{Field: fmt.Sprintf("events[%d].time", i), Message: "more than a day in the future (clock skew?)"})
				continue
			}
			r, err := s.Store.Receptacle(ctx, rid)
			if postal.ErrorCode(err) == postal.CodeNotFound {
				rep.Rejected = append(rep.Rejected, postal.FieldError{Field: field, Message: rid + " is not a receptacle Interpost dispatched (or it was reopened)"})
				continue
			}
			if err != nil {
				return CarrierReport{}, err
			}
			if who.Is(auth.RolePartner) {
				msg, err := s.carrierLeg(ctx, legs, r, m.Carrier, office)
				if err != nil {
					return CarrierReport{}, err
				}
				if msg != "" {
					rep.Rejected = append(rep.Rejected, postal.FieldError{Field: field, Message: msg})
					continue
				}
			}
			origin[rid], number[rid] = r.Dispatch[:6], r.Number
			evs = append(evs, CarrierEvent{Receptacle: rid, Code: ev.Code, Office: office, Time: ev.Time.UTC().Truncate(time.Microsecond),
				Carrier: m.Carrier, Transport: ev.Transport, Message: m.Ref, Received: now})
		}
	}
	if len(evs) == 0 {
		return rep, nil
	}
	stored, err := s.Store.RecordCarrierEvents(ctx, evs, func(fresh []CarrierEvent) Outbox {
		var out Outbox
		for _, e := range fresh {
			code := ""
			switch {
			case e.Code == "24" && e.Office == origin[e.Receptacle]:
				code = CodeDeparted
			case e.Code == "24":
				code = CodeLeftTransit
			case e.Code == "21":
				code = CodeArrivedAtDOE
			}
			if code == "" {
				continue
			}
			ev := Event{Code: code, Office: e.Office, Time: e.Time, Source: "carrier:" + e.Carrier,
				Reason: "RESDIT " + e.Code + " " + edi.ResditCodes[e.Code]}
			re := ev
			re.Object = e.Receptacle
			out.Events = append(out.Events, re)
			out.FanOut = append(out.FanOut, FanOut{Receptacle: number[e.Receptacle], Event: ev})
		}
		return out
	})
	if err != nil {
		return CarrierReport{}, err
	}
	rep.Stored, rep.Repeated = stored, len(evs)-stored
	if stored > 0 {
		s.deliver(ctx)
	}
	return rep, nil
}

// carrierLeg checks a carrier key's event against what it carries: the
// receptacle's dispatch must be on a consignment to that carrier (its
// current one: a dispatch consigned again at a transit hub belongs to the
// onward carrier), and the event must be at the consignment's first or last
// office. It returns why not ("" when it is), caching consignments in legs.
func (s *Service) carrierLeg(ctx context.Context, legs map[string]*Consignment, r Receptacle, carrier, office string) (string, error) {
	c, seen := legs[r.Dispatch]
	if !seen {
		d, err := s.Store.Dispatch(ctx, r.Dispatch)
		if err != nil && postal.ErrorCode(err) != postal.CodeNotFound {
			return "", err
		}
		if d.Consignment != "" {
			got, err := s.Store.Consignment(ctx, d.Consignment)
			if err != nil && postal.ErrorCode(err) != postal.CodeNotFound {
				return "", err
			}
			if err == nil {
				c = &got
			}
		}
		legs[r.Dispatch] = c
	}
	switch {
	case c == nil:
		return fmt.Sprintf("forbidden: %s is on no consignment to a carrier yet", r.ID), nil
	case carrierCode(*c) != carrier:
		return fmt.Sprintf("forbidden: %s travels with %s (consignment %s), not %s", r.ID, carrierCode(*c), c.ID, carrier), nil
	case office != c.From && office != c.To:
		return fmt.Sprintf("forbidden: %s carries %s from %s to %s, not at %s", carrier, r.ID, c.From, c.To, office), nil
	}
	return "", nil
}

// resolvePlace maps a RESDIT place to an office: a 6-character office code
// as is, a 3-letter location to the one office whose code holds it after
// the country (XMN → CNXMNA).
func resolvePlace(place string, offices []network.Office) (string, string) {
	if len(place) == 6 {
		for _, o := range offices {
			if o.Code == place {
				return place, ""
			}
		}
		return "", fmt.Sprintf("unknown office %q", place)
	}
	var hits []string
	for _, o := range offices {
		if o.Code[2:5] == place && (o.Kind == network.KindOE || o.Kind == network.KindIMPC) {
			hits = append(hits, o.Code)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], ""
	case 0:
		return "", fmt.Sprintf("location %q matches no office of exchange; send the 6-character office code", place)
	}
	return "", fmt.Sprintf("location %q matches offices %v; send the 6-character office code", place, hits)
}

// CarrierEvents lists a receptacle's carrier events.
func (s *Service) CarrierEvents(ctx context.Context, ref string) ([]CarrierEvent, error) {
	r, err := s.receptacle(ctx, ref)
	if err != nil {
		return nil, err
	}
	if r.ID == "" {
		return []CarrierEvent{}, nil
	}
	return s.Store.CarrierEvents(ctx, r.ID)
}
