package inward

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
)

// Onward consignments of closed transit (issue 16 item 4): the
// receptacles forwarded on one departure of a service (same service and
// departure) are one consignment of ours to that service's carrier, with
// its CARDIT pre-advice, as the outward flow consigns our own dispatches
// (dispatch.Service.Cardit). The consignment and its message are derived
// from the stored forwardings: asking again answers the same message
// (the reference is the carrier's serial for that consignment).

// onwardID is the consignment number of forwardings from office on
// service leaving at departure (≤ 35 characters).
func onwardID(office, service string, departure time.Time) string {
	id := office + "-" + service + "-" + departure.UTC().Format("200601021504")
	return id[:min(len(id), 35)]
}

// carrierOf is the carrier's code in messages, as the outward flow
// writes it: for air, the airline designator of the flight number (MF811
// → MF); otherwise the service id (A–Z, 0–9, - and _, at most 20).
func carrierOf(mode, service string) string {
	if mode == "air" && len(service) >= 3 && strings.Trim(service[2:], "0123456789") == "" {
		return service[:2]
	}
	var b strings.Builder
	for _, ch := range service {
		if b.Len() < 20 && ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') {
			b.WriteRune(ch)
		}
	}
	return b.String()
}

// billForm is the delivery bill of a mode: CN 38 by air, CN 37 by
// surface (road, rail, sea).
func billForm(mode string) string {
	if mode == "air" {
		return "CN38"
	}
	return "CN37"
}

// onwardCardits builds the CARDIT of each consignment of fs (forwardings
// of one dispatch), by departure then service.
func (s *Service) onwardCardits(ctx context.Context, fs []Forwarding, rs []Receptacle) ([]edi.Cardit, error) {
	weight, kind := map[string]int{}, map[string]string{}
	for _, r := range rs {
		weight[r.ID], kind[r.ID] = r.GrossWeightG, cmpStr(r.Type, "bag")
	}
	var out []edi.Cardit
	for _, f := range fs {
		id := onwardID(f.Office, f.Service, f.Departure)
		i := slices.IndexFunc(out, func(c edi.Cardit) bool { return c.Consignment == id })
		if i < 0 {
			carrier := carrierOf(f.Mode, f.Service)
			serial, err := s.Store.InterchangeSerial(ctx, carrier, "CARDIT "+id)
			if err != nil {
				return nil, err
			}
			out = append(out, edi.Cardit{Ref: edi.Ref(carrier, serial), Prepared: f.ForwardedAt.UTC().Truncate(time.Minute), Consignment: id,
				Form: billForm(f.Mode), Office: f.Office, Carrier: carrier,
				Transport: edi.Transport{Service: f.Service, Mode: f.Mode, Carrier: f.Carrier, From: f.Office, To: f.Next,
					Departure: f.Departure.UTC().Truncate(time.Minute), Arrival: f.Arrival.UTC().Truncate(time.Minute)}})
			i = len(out) - 1
		}
		// The carrier's receptacle weight is the S9's (its label);
		// the advised weight when it rounds to it.
		g := weight[f.Receptacle]
		if rid, err := postal.ParseReceptacleID(f.Receptacle); err == nil && (g <= 0 || (g+50)/100 != rid.WeightHg) {
			g = rid.WeightHg * 100
		}
		out[i].Receptacles = append(out[i].Receptacles, edi.Receptacle{ID: f.Receptacle, Type: cmpStr(kind[f.Receptacle], "bag"), GrossWeightG: g})
	}
	for _, c := range out {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("onward CARDIT %s: %w", c.Consignment, err)
		}
	}
	slices.SortStableFunc(out, func(a, b edi.Cardit) int {
		return cmpOr(a.Transport.Departure.Compare(b.Transport.Departure), strings.Compare(a.Consignment, b.Consignment))
	})
	return out, nil
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// OnwardCardits answers the CARDITs of a transit dispatch's onward
// consignments: one per departure its receptacles were forwarded on, to
// that service's carrier. Operators of the transit office, admins, and
// the carrier's own partner key (its own consignments only).
func (s *Service) OnwardCardits(ctx context.Context, who auth.Principal, dispatch string) ([]edi.Cardit, error) {
	did, err := postal.ParseDispatchID(dispatch)
	if err != nil {
		return nil, postal.Errorf(postal.CodeInvalid, "dispatch: %v", err)
	}
	t, err := s.Store.InwardTransit(ctx, did.String())
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return nil, postal.Errorf(postal.CodeNotFound, "dispatch %s is not in transit through us", did)
	}
	if err != nil {
		return nil, err
	}
	if who.Role != auth.RolePartner {
		if err := mayReceive(who, t.Office); err != nil {
			return nil, err
		}
	}
	fs, err := s.Store.Forwardings(ctx, t.Dispatch)
	if err != nil {
		return nil, err
	}
	rs, err := s.Store.InwardReceptacles(ctx, t.Dispatch)
	if err != nil {
		return nil, err
	}
	cs, err := s.onwardCardits(ctx, fs, rs)
	if err != nil || who.Role != auth.RolePartner {
		return cs, err
	}
	mine := []edi.Cardit{}
	for _, c := range cs {
		if c.Carrier == who.Partner || c.Transport.Carrier == who.Partner {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		return nil, postal.Errorf(postal.CodeForbidden, "none of %s's onward consignments is carried by %s", did, who.Partner)
	}
	return mine, nil
}
