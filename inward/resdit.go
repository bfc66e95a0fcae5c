package inward

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
)

// ResditDelivered is the RESDIT event code of a carrier's handover to the
// post ("delivered to the post", edi.ResditCodes).
const ResditDelivered = "21"

// CarrierReceipt is a RESDIT-like confirmation we sent a carrier about its
// consignment (CARDIT): the receptacles we received from it.
type CarrierReceipt struct {
	Carrier     string // UNB recipient
	Ref         string // our interchange reference, unique per carrier
	Consignment string
	Office      string // our office confirming
	Receptacles int    // receptacles confirmed
	CreatedAt   time.Time
	Message     []byte // the message as JSON
	Text        []byte // EDIFACT text in the carrier's profile
}

// CarrierStore keeps what we confirm to carriers.
type CarrierStore interface {
	// ConsignmentReceptacles lists the receptacles a CARDIT put on a
	// consignment, with their dispatches (Items empty), by receptacle.
	ConsignmentReceptacles(ctx context.Context, consignment string) ([]Received, error)
	// SaveCarrierReceipt stores a confirmation; one already stored under
	// (carrier, ref) is kept.
	SaveCarrierReceipt(ctx context.Context, c CarrierReceipt) error
	// CarrierReceipts lists the confirmations of a consignment, oldest
	// first.
	CarrierReceipts(ctx context.Context, consignment string) ([]CarrierReceipt, error)
}

// ConfirmToCarrier answers a carrier's consignment (CARDIT) with a RESDIT:
// event 21 for the receptacles we received from it, one event per office
// and minute of receipt. The reference is the carrier's next serial for
// this state of the consignment: asking again with nothing new received
// gives the same message, after more receptacles arrived a new one listing
// all. Operators of the receiving office and admins may confirm.
func (s *Service) ConfirmToCarrier(ctx context.Context, who auth.Principal, consignment string) (CarrierReceipt, error) {
	if consignment == "" || len(consignment) > 35 {
		return CarrierReceipt{}, postal.Errorf(postal.CodeInvalid, "consignment: required, at most 35 characters")
	}
	rs, err := s.Store.ConsignmentReceptacles(ctx, consignment)
	if err != nil {
		return CarrierReceipt{}, err
	}
	if len(rs) == 0 {
		return CarrierReceipt{}, postal.Errorf(postal.CodeNotFound, "no consignment %s was advised to us by CARDIT", postal.Quote(consignment))
	}
	carrier := rs[0].Dispatch.Carrier
	received := slices.DeleteFunc(slices.Clone(rs), func(x Received) bool { return x.Receptacle.Status != StatusReceived })
	if len(received) == 0 {
		return CarrierReceipt{}, postal.Errorf(postal.CodeConflict, "nothing of consignment %s has been received yet: scan its receptacles first", consignment)
	}
	office := received[0].Receptacle.ReceivedOffice
	if err := mayReceive(who, office); err != nil {
		return CarrierReceipt{}, err
	}
	m := edi.PostResdit{Sender: office, Carrier: carrier, Consignment: consignment}
	type key struct {
		office string
		at     time.Time
	}
	idx := map[key]int{}
	for _, x := range received {
		r := x.Receptacle
		k := key{r.ReceivedOffice, r.ReceivedAt.UTC().Truncate(time.Minute)}
		i, ok := idx[k]
		if !ok {
			i = len(m.Events)
			idx[k] = i
			m.Events = append(m.Events, edi.ResditEvent{Code: ResditDelivered, Place: k.office, Time: k.at, Transport: x.Dispatch.Service})
		}
		m.Events[i].Receptacles = append(m.Events[i].Receptacles, r.ID)
		if k.at.After(m.Prepared) {
			m.Prepared = k.at
		}
	}
	serial, err := s.Store.InterchangeSerial(ctx, carrier, "RESDIT "+consignment+" "+strconv.Itoa(len(received)))
	if err != nil {
		return CarrierReceipt{}, err
	}
	m.Ref = edi.Ref(carrier, serial)
	if err := m.Validate(); err != nil {
		return CarrierReceipt{}, fmt.Errorf("RESDIT to %s for %s: %w", carrier, consignment, err)
	}
	msg, err := json.Marshal(m)
	if err != nil {
		return CarrierReceipt{}, fmt.Errorf("RESDIT to %s for %s: %w", carrier, consignment, err)
	}
	c := CarrierReceipt{Carrier: carrier, Ref: m.Ref, Consignment: consignment, Office: office, Receptacles: len(received),
		CreatedAt: m.Prepared, Message: msg, Text: m.MarshalProfile(s.Profiles.For(carrier))}
	if err := s.Store.SaveCarrierReceipt(ctx, c); err != nil {
		return CarrierReceipt{}, err
	}
	return c, nil
}

// CarrierReceipts lists the confirmations sent for a consignment: admins,
// operators of the office that sent them, and the carrier itself.
func (s *Service) CarrierReceipts(ctx context.Context, who auth.Principal, consignment string) ([]CarrierReceipt, error) {
	cs, err := s.Store.CarrierReceipts(ctx, consignment)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cs, func(c CarrierReceipt) bool {
		switch who.Role {
		case auth.RoleAdmin:
			return false
		case auth.RoleOperator:
			return !who.InOffice(c.Office)
		case auth.RolePartner:
			return who.Partner != c.Carrier
		}
		return true
	}), nil
}
