package inward

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Delivery steps of an inbound item after import clearance.
const (
	StepHandover = "handover" // EMF: left the inward office for the domestic network
	StepArrived  = "arrived"  // EMG: at the delivery office
	StepAttempt  = "attempt"  // EMH: delivery attempted, with a reason
	StepDeliver  = "deliver"  // EMI: delivered, with the signatory
	StepReturn   = "return"   // sent back to the origin post
)

// stepCode is each step's event.
var stepCode = map[string]tracking.Code{StepHandover: tracking.EMF, StepArrived: tracking.EMG, StepAttempt: tracking.EMH, StepDeliver: tracking.EMI}

// AttemptReasons are the reasons of an unsuccessful delivery (EMH) we
// accept; they go back to the origin post as they are.
var AttemptReasons = []string{"addressee_absent", "address_incomplete", "refused", "moved", "unknown_addressee", "office_closed", "duties_unpaid"}

// DeliveryScan is one delivery step scanned for an item.
type DeliveryScan struct {
	Item   string
	Step   string
	Office string // where: the inward office for handover, the delivery office after
	// NextOffice is the delivery office the item is handed over to (handover).
	NextOffice string
	Reason     string // attempt: one of AttemptReasons; return: why
	Signatory  string // deliver: who signed
}

// Delivery is where an inbound item stands in the domestic network.
type Delivery struct {
	Item     string
	Partner  string
	Step     string
	Repeated bool
	Events   []PartnerEvent
	Return   *Return
}

// Return is an inbound item going back to its origin post: it leaves in
// our next outward dispatch to the origin office under its own S10 id
// (the return keeps the item's id), with the return charge due from the
// partner per our tariff (not rated yet).
type Return struct {
	Item      string
	Partner   string
	Office    string
	Origin    string
	Reason    string
	CreatedAt time.Time
}

// ReturnHook opens returns (package returns, adapted in internal/app).
type ReturnHook interface {
	// ToOrigin opens the return of an inbound item to its origin post:
	// customs says our import customs refused it; weightG is as received.
	// It returns the return's id.
	ToOrigin(ctx context.Context, r Return, customs bool, weightG int, operator string) (string, error)
	// Back records one of our own items received back at office from
	// abroad.
	Back(ctx context.Context, item, office string, at time.Time) error
}

// ReturnStore keeps returns to origin.
type ReturnStore interface {
	// AddReturn stores a return; an item already returned keeps its first.
	AddReturn(ctx context.Context, r Return) error
	// InwardReturn returns an item's return, or not_found.
	InwardReturn(ctx context.Context, item string) (Return, error)
}

// mayDeliver checks who may scan a delivery step at office: admins, and
// operators of that office (the delivery office's own staff).
func mayDeliver(who auth.Principal, office string) error {
	switch who.Role {
	case auth.RoleAdmin:
		return nil
	case auth.RoleOperator:
		if !who.InOffice(office) {
			return postal.Errorf(postal.CodeForbidden, "this key is for offices %v, not %s", who.Offices, office)
		}
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "delivery steps are scanned by operators of the office; this is a %s key", who.Role)
}

// ScanDelivery records a delivery step of an inbound item: handover to
// the domestic network (EMF, only once import customs released it, or
// for an item customs never saw), arrival at the delivery office (EMG),
// an attempt (EMH with a reason), delivery (EMI with the signatory), or a
// return to the origin (after an attempt, or refused by customs). Steps
// go forward only; the same step again is repeated and records nothing.
// Each event joins the origin post's outbox.
func (s *Service) ScanDelivery(ctx context.Context, who auth.Principal, sc DeliveryScan) (Delivery, error) {
	id, err := postal.ParseS10(sc.Item)
	if err != nil {
		return Delivery{}, postal.Invalid("bad item id", postal.FieldError{Field: "item", Message: err.Error()})
	}
	sc.Item, sc.Office, sc.NextOffice = string(id), strings.ToUpper(strings.TrimSpace(sc.Office)), strings.ToUpper(strings.TrimSpace(sc.NextOffice))
	partner, ok := s.itemPartner(sc.Item)
	if !ok {
		return Delivery{}, postal.Invalid("not an inbound item", postal.FieldError{Field: "item", Message: fmt.Sprintf("%s is one of our own items, not a partner's", sc.Item)})
	}
	if err := s.checkScan(sc); err != nil {
		return Delivery{}, err
	}
	if err := mayDeliver(who, sc.Office); err != nil {
		return Delivery{}, err
	}
	if _, err := s.ourDeliveryOffice(ctx, "office", sc.Office); err != nil {
		return Delivery{}, err
	}
	if sc.NextOffice != "" {
		if _, err := s.ourDeliveryOffice(ctx, "next_office", sc.NextOffice); err != nil {
			return Delivery{}, err
		}
	}
	evs, err := s.Store.PartnerItemEvents(ctx, sc.Item)
	if err != nil {
		return Delivery{}, err
	}
	out := Delivery{Item: sc.Item, Partner: partner, Step: lastStep(evs)}
	if ret, err := s.Store.InwardReturn(ctx, sc.Item); err == nil {
		out.Step, out.Return = StepReturn, &ret
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return Delivery{}, err
	}
	if out.Step == sc.Step && sc.Step != StepAttempt {
		out.Repeated, out.Events = true, evs
		return out, nil
	}
	if err := s.mayStep(ctx, sc, out.Step, evs); err != nil {
		return Delivery{}, err
	}
	now := s.now()
	if sc.Step == StepReturn {
		origin := partner[:2]
		if it, err := s.Store.InwardItem(ctx, sc.Item); err == nil {
			if d, err := s.Store.InwardDispatch(ctx, it.Dispatch); err == nil {
				origin = d.Origin
			}
		}
		r := Return{Item: sc.Item, Partner: partner, Office: sc.Office, Origin: origin, Reason: sc.Reason, CreatedAt: now}
		if err := s.Store.AddReturn(ctx, r); err != nil {
			return Delivery{}, err
		}
		if err := s.returnToOrigin(ctx, who, r); err != nil {
			return Delivery{}, err
		}
		out.Step, out.Return = StepReturn, &r
		if out.Events, err = s.Store.PartnerItemEvents(ctx, sc.Item); err != nil {
			return Delivery{}, err
		}
		return out, nil
	}
	e := tracking.Event{Object: sc.Item, Code: stepCode[sc.Step], Office: sc.Office, Time: now, Source: tracking.SourcePost,
		Reason: sc.Reason, NextOffice: sc.NextOffice, Signatory: sc.Signatory}
	if err := s.record(ctx, e); err != nil {
		return Delivery{}, err
	}
	out.Step = sc.Step
	if out.Events, err = s.Store.PartnerItemEvents(ctx, sc.Item); err != nil {
		return Delivery{}, err
	}
	return out, nil
}

func (s *Service) checkScan(sc DeliveryScan) error {
	var fe postal.FieldList
	if sc.Office == "" {
		fe.Add("office", "required: the office where the step happens")
	}
	switch sc.Step {
	case StepHandover:
		if sc.NextOffice == "" {
			fe.Add("next_office", "required for a handover: the delivery office the item goes to")
		}
	case StepArrived:
	case StepAttempt:
		if !slices.Contains(AttemptReasons, sc.Reason) {
			fe.Add("reason", "%s is not one of %s", postal.Quote(sc.Reason), strings.Join(AttemptReasons, ", "))
		}
	case StepDeliver:
		if strings.TrimSpace(sc.Signatory) == "" {
			fe.Add("signatory", "required: who signed for the item")
		} else if utf8.RuneCountInString(sc.Signatory) > 100 {
			fe.Add("signatory", "longer than 100 characters")
		}
	case StepReturn:
		if strings.TrimSpace(sc.Reason) == "" {
			fe.Add("reason", "required: why the item goes back")
		} else if utf8.RuneCountInString(sc.Reason) > 100 {
			fe.Add("reason", "longer than 100 characters")
		}
	default:
		fe.Add("step", "%s is not handover, arrived, attempt, deliver or return", postal.Quote(sc.Step))
	}
	return fe.Err("the delivery scan has invalid fields")
}

// ourDeliveryOffice checks code is an office of ours.
func (s *Service) ourDeliveryOffice(ctx context.Context, field, code string) (network.Office, error) {
	o, err := s.Network.Office(ctx, code)
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		return o, postal.Invalid("unknown office", postal.FieldError{Field: field, Message: fmt.Sprintf("%s is not an office in our network", postal.Quote(code))})
	case err != nil:
		return o, err
	case o.Country != s.Country:
		return o, postal.Invalid("not our office", postal.FieldError{Field: field, Message: fmt.Sprintf("%s is in %s: inbound items are delivered by our offices in %s", code, o.Country, s.Country)})
	}
	return o, nil
}

// lastStep is the furthest delivery step of an item's events.
func lastStep(evs []PartnerEvent) string {
	step := ""
	for _, e := range evs {
		switch e.Code {
		case tracking.EMF:
			if step == "" {
				step = StepHandover
			}
		case tracking.EMG:
			if step == "" || step == StepHandover {
				step = StepArrived
			}
		case tracking.EMH:
			if step != StepDeliver {
				step = StepAttempt
			}
		case tracking.EMI:
			step = StepDeliver
		}
	}
	return step
}

// mayStep checks the step follows the item's state: received and
// released before handover, handed over before arriving, at the delivery
// office before an attempt or delivery, never after delivery.
func (s *Service) mayStep(ctx context.Context, sc DeliveryScan, last string, evs []PartnerEvent) error {
	if last == StepDeliver {
		return postal.Errorf(postal.CodeConflict, "item %s was delivered (EMI): no further delivery steps", sc.Item)
	}
	if last == StepReturn {
		return postal.Errorf(postal.CodeConflict, "item %s is going back to its origin: no further delivery steps", sc.Item)
	}
	status, declared, err := s.customsStatus(ctx, sc.Item)
	if err != nil {
		return err
	}
	switch sc.Step {
	case StepHandover:
		if last != "" {
			return postal.Errorf(postal.CodeConflict, "item %s was already handed over to the domestic network", sc.Item)
		}
		if _, _, err := s.receivedItem(ctx, sc.Item); err != nil {
			return err
		}
		if declared && status != customs.StatusReleased {
			return postal.Errorf(postal.CodeConflict, "item %s is %s by import customs: it is handed over once released", sc.Item, status)
		}
	case StepArrived:
		if last != StepHandover {
			return postal.Errorf(postal.CodeConflict, "item %s was not handed over to the domestic network (EMF) yet", sc.Item)
		}
	case StepAttempt, StepDeliver:
		if last != StepArrived && last != StepAttempt {
			return postal.Errorf(postal.CodeConflict, "item %s has not arrived at a delivery office (EMG) yet", sc.Item)
		}
	case StepReturn:
		refused := declared && status == customs.StatusReturned
		if last != StepAttempt && !refused {
			return postal.Errorf(postal.CodeConflict, "item %s goes back only after a delivery attempt (EMH) or when import customs returns it", sc.Item)
		}
	}
	return nil
}

// customsStatus is an item's import clearance; declared is false when
// customs never saw it (letter post without goods).
func (s *Service) customsStatus(ctx context.Context, item string) (customs.Status, bool, error) {
	if s.Customs == nil {
		return "", false, nil
	}
	it, err := s.Customs.Item(ctx, item)
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	return it.Status, true, nil
}

// returnToOrigin opens the return of an inbound item (package returns
// charges the origin post) and records its return decision: EDX "returned
// to sender: REASON (RET-…)" at the deciding office, which makes the item
// returning and goes back to the origin post with our other events. The
// item then leaves in our outward dispatch to the origin office.
func (s *Service) returnToOrigin(ctx context.Context, who auth.Principal, r Return) error {
	id := ""
	if s.Returns != nil {
		status, declared, err := s.customsStatus(ctx, r.Item)
		if err != nil {
			return err
		}
		weight := 0
		if it, err := s.Store.InwardItem(ctx, r.Item); err == nil {
			weight = cmp.Or(it.ReceivedWeightG, it.WeightG)
		}
		operator := who.KeyID
		if operator == "" {
			operator = string(who.Role)
		}
		if id, err = s.Returns.ToOrigin(ctx, r, declared && status == customs.StatusReturned, weight, operator); err != nil {
			return fmt.Errorf("return %s to its origin: %w", r.Item, err)
		}
		id = " (" + id + ")"
	}
	reason := "returned to sender: " + r.Reason
	if n := utf8.RuneCountInString(reason) + len(id); n > 100 {
		reason = string([]rune(reason)[:100-len(id)])
	}
	return s.record(ctx, tracking.Event{Object: r.Item, Code: tracking.EDX, Office: r.Office, Time: r.CreatedAt, Source: tracking.SourcePost,
		Reason: reason + id})
}
