package inward

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Network looks up offices.
type Network interface {
	// Office returns an office, or not_found.
	Office(ctx context.Context, code string) (network.Office, error)
}

// Service accepts pre-advice and answers what is expected.
type Service struct {
	Store   Store
	Network Network
	// Country is our country (ISO alpha-2): pre-advice must point at our
	// offices of exchange.
	Country string
	// Profiles are the partners' EDIFACT layouts the answers are written
	// in; nil writes every answer in ours.
	Profiles *edi.Profiles
	// Events records the receipt scans (EMD); nil records none.
	Events Events
	// Customs is the import queue inbound items are declared to; nil
	// leaves import clearance unavailable.
	Customs Customs
	// Router plans the way onward of closed transit; nil forwards none.
	Router Router
	// Presorter re-sorts open transit by our outward sort plans; nil
	// re-sorts none.
	Presorter Presorter
	// Returns hears of items going back: inbound items returned to their
	// origin (the return step) and our own items received back from
	// abroad (package returns); nil: neither opens a return.
	Returns ReturnHook
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Result says what became of a pre-advice.
type Result struct {
	Kind        Kind
	Partner     string // UNB sender
	Ref         string // its interchange reference
	Repeated    bool   // the same message was accepted before: nothing new stored
	Dispatches  []string
	Receptacles int
	Items       int
	Reply       Reply
}

// AcceptPredes stores a partner's dispatch pre-advice as an expected
// dispatch with its receptacles and items, and answers with a RESDES.
// The same message again (same sender and reference, same content) is
// repeated and changes nothing; another message under a reference already
// used is a conflict, as is a second PREDES for the same dispatch.
// Partner keys send only for their own post's offices.
func (s *Service) AcceptPredes(ctx context.Context, who auth.Principal, p edi.Predes) (Result, error) {
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	if err := s.mayAdvise(who, p.Origin, "", s.adviseOffice(p.Destination, p.Transport)); err != nil {
		return Result{}, err
	}
	var fe postal.FieldList
	s.checkOffice(ctx, "origin", p.Origin, false, &fe)
	via := ""
	if p.Transport != nil {
		via = p.Transport.To
	}
	transit := s.checkDestination(ctx, "destination", p.Destination, via, &fe)
	if err := fe.Err("PREDES names offices we cannot take it for"); err != nil {
		return Result{}, err
	}
	p.Prepared = p.Prepared.UTC()
	in, repeated, err := s.interchange(ctx, p.Origin, p.Ref, KindPredes, p)
	if err != nil || repeated != nil {
		return s.repeated(repeated), err
	}
	now := s.now()
	id, _ := postal.ParseDispatchID(p.Dispatch)
	d := Dispatch{ID: p.Dispatch, Origin: p.Origin, Destination: p.Destination, Partner: partnerOf(p.Origin),
		Category: string(id.Category), Subclass: id.Subclass, Status: StatusExpected, PreAdvice: p.Ref, Prepared: p.Prepared,
		AdvisedAt: now, UpdatedAt: now}
	if t := p.Transport; t != nil {
		d.Carrier, d.Service, d.Mode, d.Departure, d.Arrival = t.Carrier, t.Service, t.Mode, t.Departure.UTC(), t.Arrival.UTC()
	}
	a := Advice{Interchange: in, Dispatches: []Dispatch{d}}
	if transit != "" {
		a.Transit = []Transit{{Dispatch: d.ID, Office: transit, AdvisedAt: now}}
	}
	for _, r := range p.Receptacles {
		rid, _ := postal.ParseReceptacleID(r.ID)
		a.Receptacles = append(a.Receptacles, Receptacle{ID: r.ID, Dispatch: p.Dispatch, Type: r.Type, GrossWeightG: r.GrossWeightG,
			Registered: rid.Registered, Last: rid.Last, Items: len(r.Items), Status: StatusExpected, Predes: true})
		data := map[string]edi.ItemData{}
		for _, x := range r.ItemData {
			data[x.Item] = x
		}
		for _, it := range r.Items {
			x := data[it]
			a.Items = append(a.Items, Item{Item: it, Receptacle: r.ID, Dispatch: p.Dispatch, Status: StatusExpected,
				Contents: x.Contents, HSCode: x.HSCode, WeightG: x.WeightG, Value: x.Value, Currency: x.Currency,
				SenderName: x.SenderName, SenderCountry: x.SenderCountry, AddresseeName: x.AddresseeName, AddresseeCountry: x.AddresseeCountry})
		}
	}
	return s.save(ctx, a, "")
}

// AcceptCardit stores a consignment message: its receptacles, grouped by
// their dispatches (S8, the S9's first 20 characters), are expected at our
// offices with the consignment and its transport. Dispatches a PREDES
// announced get the consignment; others are created from the CARDIT
// alone (without items). Answered with a RESDES to the sender. A carrier's
// key sends only its own consignments (Carrier), a post's key only those
// handed over at its offices.
func (s *Service) AcceptCardit(ctx context.Context, who auth.Principal, c edi.Cardit) (Result, error) {
	if err := c.Validate(); err != nil {
		return Result{}, err
	}
	var fe postal.FieldList
	s.checkOffice(ctx, "office", c.Office, false, &fe)
	byDispatch := map[string]*Dispatch{}
	var order []string
	now := s.now()
	var rs []Receptacle
	var transit []Transit
	for i, r := range c.Receptacles {
		rid, _ := postal.ParseReceptacleID(r.ID)
		did := rid.Dispatch.String()
		if err := s.mayAdvise(who, rid.Dispatch.Origin, c.Carrier, s.adviseOffice(rid.Dispatch.Destination, &c.Transport)); err != nil {
			return Result{}, err
		}
		if byDispatch[did] == nil {
			if via := s.checkDestination(ctx, fmt.Sprintf("receptacles[%d].id", i), rid.Dispatch.Destination, c.Transport.To, &fe); via != "" {
				transit = append(transit, Transit{Dispatch: did, Office: via, AdvisedAt: now})
			}
			byDispatch[did] = &Dispatch{ID: did, Origin: rid.Dispatch.Origin, Destination: rid.Dispatch.Destination,
				Partner: partnerOf(rid.Dispatch.Origin), Category: string(rid.Dispatch.Category), Subclass: rid.Dispatch.Subclass,
				Status: StatusExpected, Consignment: c.Consignment, Carrier: c.Carrier, Service: c.Transport.Service, Mode: c.Transport.Mode,
				Departure: c.Transport.Departure.UTC(), Arrival: c.Transport.Arrival.UTC(), AdvisedAt: now, UpdatedAt: now}
			order = append(order, did)
		}
		rs = append(rs, Receptacle{ID: r.ID, Dispatch: did, Type: r.Type, GrossWeightG: r.GrossWeightG, Registered: rid.Registered,
			Last: rid.Last, Status: StatusExpected, Consignment: c.Consignment, Cardit: true})
	}
	if err := fe.Err("CARDIT names offices we cannot take it for"); err != nil {
		return Result{}, err
	}
	c.Prepared = c.Prepared.UTC()
	in, repeated, err := s.interchange(ctx, c.Office, c.Ref, KindCardit, c)
	if err != nil || repeated != nil {
		return s.repeated(repeated), err
	}
	a := Advice{Interchange: in, Receptacles: rs, Transit: transit}
	for _, id := range order {
		a.Dispatches = append(a.Dispatches, *byDispatch[id])
	}
	return s.save(ctx, a, c.Consignment)
}

// mayAdvise checks who may announce a dispatch from origin to our office
// dest: admins; operators for dispatches to their offices; a post's key
// (JPPOST) for dispatches from its country; a carrier's key for its own
// consignments (carrier is the CARDIT's carrier, "" for a PREDES).
func (s *Service) mayAdvise(who auth.Principal, origin, carrier, dest string) error {
	switch who.Role {
	case auth.RoleAdmin:
		return nil
	case auth.RoleOperator:
		if !who.InOffice(dest) {
			return postal.Errorf(postal.CodeForbidden, "this key is for offices %v, not %s", who.Offices, dest)
		}
		return nil
	case auth.RolePartner:
		if country, post := partnerCountry(who.Partner); post {
			if len(origin) < 2 || origin[:2] != country {
				return postal.Errorf(postal.CodeForbidden, "%s sends pre-advice for dispatches from %s, not from %s", who.Partner, country, origin)
			}
			return nil
		}
		if carrier == "" {
			return postal.Errorf(postal.CodeForbidden, "%s is a carrier: it sends CARDIT, a post sends PREDES", who.Partner)
		}
		if carrier != who.Partner {
			return postal.Errorf(postal.CodeForbidden, "this key sends for carrier %s, not %s", who.Partner, carrier)
		}
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "pre-advice comes from partner posts, carriers, operators or admins; this is a %s key", who.Role)
}

// partnerCountry returns the country of a post's partner code (JPPOST →
// JP); false for a carrier.
func partnerCountry(partner string) (string, bool) {
	if len(partner) != 6 || partner[2:] != "POST" || !postal.ValidCountry(partner[:2]) {
		return "", false
	}
	return partner[:2], true
}

// partnerOf is the partner post of an office (JPTYOA → JPPOST).
func partnerOf(office string) string { return office[:2] + "POST" }

// checkOffice adds a field error unless code is a known office, and one
// of ours when ours is set.
func (s *Service) checkOffice(ctx context.Context, field, code string, ours bool, fe *postal.FieldList) {
	o, err := s.Network.Office(ctx, code)
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		fe.Add(field, "%s is not an office in our network (offices.csv)", postal.Quote(code))
	case err != nil:
		fe.Add(field, "%s cannot be looked up: %v", postal.Quote(code), err)
	case ours && o.Country != s.Country:
		fe.Add(field, "%s is in %s: pre-advice we take is for our offices in %s", code, o.Country, s.Country)
	case !ours && o.Country == s.Country:
		fe.Add(field, "%s is one of our own offices: inward pre-advice comes from abroad", code)
	}
}

// adviseOffice is our office a pre-advice is for: the destination, or for
// a dispatch bound abroad the office its transport arrives at.
func (s *Service) adviseOffice(dest string, t *edi.Transport) string {
	if !s.bound(dest) && t != nil && s.bound(t.To) {
		return t.To
	}
	return dest
}

// checkDestination checks a dispatch's destination: one of our offices,
// or an office abroad when the transport via arrives at one of ours —
// closed transit through that office, which it returns ("" otherwise).
func (s *Service) checkDestination(ctx context.Context, field, dest, via string, fe *postal.FieldList) string {
	if len(dest) < 2 || dest[:2] == s.Country {
		s.checkOffice(ctx, field, dest, true, fe)
		return ""
	}
	var bad postal.FieldList
	s.checkOffice(ctx, field, dest, false, &bad)
	if len(bad) > 0 {
		*fe = append(*fe, bad...)
		return ""
	}
	if o, err := s.Network.Office(ctx, via); via == "" || err != nil || o.Country != s.Country {
		fe.Add(field, "%s is in %s: pre-advice we take is for our offices in %s, or for transit whose transport arrives at one of them (transport.to is %s)",
			dest, dest[:2], s.Country, postal.Quote(via))
		return ""
	}
	return via
}

// interchange checks a message's reference: new (returns the row to
// store), the same message again (returns the stored one as repeated), or
// another message under a used reference (conflict).
func (s *Service) interchange(ctx context.Context, partner, ref string, kind Kind, msg any) (Interchange, *Interchange, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return Interchange{}, nil, fmt.Errorf("encode %s %s: %w", kind, ref, err)
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	old, err := s.Store.Interchange(ctx, partner, ref)
	switch {
	case err == nil && old.Digest == digest && old.Kind == kind:
		return Interchange{}, &old, nil
	case err == nil:
		return Interchange{}, nil, postal.Errorf(postal.CodeConflict, "interchange %s from %s was already received (%s at %s) with other content: a new message needs a new reference",
			ref, partner, old.Kind, old.ReceivedAt.Format(time.RFC3339))
	case postal.ErrorCode(err) != postal.CodeNotFound:
		return Interchange{}, nil, err
	}
	return Interchange{Partner: partner, Ref: ref, Kind: kind, Digest: digest, Message: body, ReceivedAt: s.now()}, nil, nil
}

func (s *Service) repeated(in *Interchange) Result {
	if in == nil {
		return Result{}
	}
	return Result{Kind: in.Kind, Partner: in.Partner, Ref: in.Ref, Repeated: true, Dispatches: in.Dispatches, Reply: in.Reply}
}

// save writes the answer and stores the advice.
func (s *Service) save(ctx context.Context, a Advice, consignment string) (Result, error) {
	in := &a.Interchange
	for _, d := range a.Dispatches {
		in.Dispatches = append(in.Dispatches, d.ID)
	}
	serial, err := s.Store.InterchangeSerial(ctx, in.Partner, "RESDES "+in.Partner+" "+in.Ref)
	if err != nil {
		return Result{}, err
	}
	m := edi.Resdes{Ref: edi.Ref(in.Partner, serial), Prepared: in.ReceivedAt.Truncate(time.Minute), Recipient: in.Partner,
		Confirms: in.Ref, ConfirmsKind: string(in.Kind), Consignment: consignment, Status: "accepted"}
	for _, d := range a.Dispatches {
		if m.Sender == "" {
			m.Sender = d.Destination
		}
		rd := edi.ResdesDispatch{ID: d.ID, Office: d.Destination, Receptacles: []edi.ResdesReceptacle{}}
		for _, r := range a.Receptacles {
			if r.Dispatch == d.ID {
				rd.Receptacles = append(rd.Receptacles, edi.ResdesReceptacle{ID: r.ID, Status: "advised"})
			}
		}
		m.Dispatches = append(m.Dispatches, rd)
	}
	if err := m.Validate(); err != nil {
		return Result{}, fmt.Errorf("answer to %s %s: %w", in.Kind, in.Ref, err)
	}
	in.Reply = Reply{Kind: "RESDES", Recipient: in.Partner, Ref: m.Ref, Text: m.MarshalProfile(s.Profiles.For(in.Partner))}
	if err := s.Store.SaveAdvice(ctx, a); err != nil {
		if postal.ErrorCode(err) == postal.CodeConflict {
			// A concurrent copy of the same message may have won.
			if old, e := s.Store.Interchange(ctx, in.Partner, in.Ref); e == nil && old.Digest == in.Digest {
				return s.repeated(&old), nil
			}
		}
		return Result{}, err
	}
	return Result{Kind: in.Kind, Partner: in.Partner, Ref: in.Ref, Dispatches: in.Dispatches, Receptacles: len(a.Receptacles),
		Items: len(a.Items), Reply: in.Reply}, nil
}

// Dispatches lists expected (or received) dispatches; operators and
// customs see their offices' only, partner posts those from their country.
func (s *Service) Dispatches(ctx context.Context, who auth.Principal, f DispatchFilter) ([]Dispatch, error) {
	if err := s.scope(who, &f); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	return s.Store.InwardDispatches(ctx, f)
}

func (s *Service) scope(who auth.Principal, f *DispatchFilter) error {
	switch who.Role {
	case auth.RoleAdmin:
	case auth.RoleOperator, auth.RoleCustoms:
		if f.Destination != "" && !who.InOffice(f.Destination) {
			return postal.Errorf(postal.CodeForbidden, "this key is for offices %v, not %s", who.Offices, f.Destination)
		}
		f.Offices = who.Offices
	case auth.RolePartner:
		country, post := partnerCountry(who.Partner)
		if !post {
			return postal.Errorf(postal.CodeForbidden, "carriers do not list pre-advised dispatches")
		}
		if f.Partner != "" && f.Partner != who.Partner {
			return postal.Errorf(postal.CodeForbidden, "this key is %s's, not %s's", who.Partner, f.Partner)
		}
		f.Partner = country + "POST"
	default:
		return postal.Errorf(postal.CodeForbidden, "a %s key does not see inward dispatches", who.Role)
	}
	return nil
}

// Detail is a dispatch with its receptacles and items.
type Detail struct {
	Dispatch    Dispatch
	Receptacles []Receptacle
	Items       []Item
}

// Dispatch returns an inward dispatch with its receptacles and items, in
// the caller's scope (else not_found).
func (s *Service) Dispatch(ctx context.Context, who auth.Principal, id string) (Detail, error) {
	var f DispatchFilter
	if err := s.scope(who, &f); err != nil {
		return Detail{}, err
	}
	d, err := s.Store.InwardDispatch(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if (len(f.Offices) > 0 && !slices.Contains(f.Offices, d.Destination)) || (f.Partner != "" && f.Partner != d.Partner) {
		return Detail{}, postal.Errorf(postal.CodeNotFound, "no inward dispatch %s", id)
	}
	out := Detail{Dispatch: d}
	if out.Receptacles, err = s.Store.InwardReceptacles(ctx, id); err != nil {
		return Detail{}, err
	}
	if out.Items, err = s.Store.InwardItems(ctx, id); err != nil {
		return Detail{}, err
	}
	return out, nil
}
