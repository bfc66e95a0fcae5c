package returns

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// mayHandle checks who may hand a return back at office: admins, and
// operators of that office.
func mayHandle(who auth.Principal, office string) error {
	switch who.Role {
	case auth.RoleAdmin:
		return nil
	case auth.RoleOperator:
		if !who.InOffice(office) {
			return postal.Errorf(postal.CodeForbidden, "this key is for offices %v, not %s", who.Offices, office)
		}
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "returns are handed back by operators of the office; this is a %s key", who.Role)
}

// closable loads a return our office can close: one of our items, back
// with us, not closed yet. Closing a closed return again is repeated=true.
func (s *Service) closable(ctx context.Context, id string, want Status) (r Return, repeated bool, err error) {
	r, err = s.Store.Return(ctx, ID(ItemOf(id)))
	if err != nil {
		return r, false, err
	}
	switch {
	case r.Status == want:
		return r, true, nil
	case r.Direction != ToSender:
		return r, false, postal.Errorf(postal.CodeConflict, "return %s goes back to %s: its origin post delivers it to the sender", r.ID, r.Partner)
	case r.Status.Closed():
		return r, false, postal.Errorf(postal.CodeConflict, "return %s is %s already", r.ID, r.Status)
	case r.Status != StatusReceived:
		return r, false, postal.Errorf(postal.CodeConflict, "return %s is %s: the item is not back with us yet", r.ID, r.Status)
	}
	return r, false, nil
}

// Handover is the item of a return handed back to the merchant or sender.
type Handover struct {
	Office    string // ours, where it is handed over
	Signatory string // who signed for it
}

// Deliver hands a returned item back to its merchant or sender: EMI at
// office with the signatory, which makes the item "returned" on its
// timeline, public page and webhooks. Delivering it again changes nothing.
func (s *Service) Deliver(ctx context.Context, who auth.Principal, id string, h Handover) (Return, error) {
	var fe postal.FieldList
	h.Office = strings.ToUpper(strings.TrimSpace(h.Office))
	if h.Office == "" {
		fe.Add("office", "required: the office handing the item back")
	}
	if strings.TrimSpace(h.Signatory) == "" {
		fe.Add("signatory", "required: who signed for the item")
	} else if utf8.RuneCountInString(h.Signatory) > 100 {
		fe.Add("signatory", "longer than 100 characters")
	}
	if err := fe.Err("the handover has invalid fields"); err != nil {
		return Return{}, err
	}
	if err := mayHandle(who, h.Office); err != nil {
		return Return{}, err
	}
	r, repeated, err := s.closable(ctx, id, StatusDelivered)
	if err != nil || repeated {
		return r, err
	}
	now := s.now()
	if err := s.Events.Record(ctx, tracking.Event{Object: r.Item, Code: tracking.EMI, Office: h.Office, Time: now, Source: tracking.SourcePost,
		Reason: clip("returned to sender (" + r.ID + ")"), Signatory: h.Signatory}); err != nil {
		return Return{}, err
	}
	r.Status, r.ClosedAt, r.ClosedOffice, r.Signatory = StatusDelivered, now, h.Office, h.Signatory
	return r, s.Store.UpdateReturn(ctx, r)
}

// Inspection is a returned parcel received into a warehouse: each SKU's
// units, resaleable or damaged.
type Inspection struct {
	Warehouse string
	Lines     []Line
}

// Restock receives a returned item into its merchant's warehouse: each
// line's resaleable units go back into available stock (movement
// "return"), damaged ones are written off and kept on the return. The
// item gets EMI at the warehouse (signed by the warehouse): returned.
// Operators of the warehouse's office and admins may restock; doing it
// again changes nothing.
func (s *Service) Restock(ctx context.Context, who auth.Principal, id string, in Inspection) (Return, error) {
	if s.Catalog == nil {
		return Return{}, postal.Errorf(postal.CodeUnavailable, "no warehouses on this node: returns cannot be restocked")
	}
	var fe postal.FieldList
	in.Warehouse = strings.ToUpper(strings.TrimSpace(in.Warehouse))
	if in.Warehouse == "" {
		fe.Add("warehouse", "required: the warehouse receiving the return")
	}
	if len(in.Lines) == 0 {
		fe.Add("lines", "required: at least one SKU as inspected")
	}
	seen := map[string]bool{}
	var skus []string
	for i, l := range in.Lines {
		p := "lines[" + strconv.Itoa(i) + "]."
		switch {
		case strings.TrimSpace(l.SKU) == "":
			fe.Add(p+"sku", "required")
		case seen[l.SKU]:
			fe.Add(p+"sku", "%s is listed twice", postal.Quote(l.SKU))
		}
		seen[l.SKU] = true
		skus = append(skus, l.SKU)
		if l.Resaleable < 0 || l.Damaged < 0 {
			fe.Add(p+"resaleable", "units must be 0 or more")
		} else if l.Resaleable+l.Damaged == 0 || l.Resaleable+l.Damaged > 10_000 {
			fe.Add(p+"resaleable", "resaleable + damaged must be 1–10000 units, got %d", l.Resaleable+l.Damaged)
		}
	}
	if err := fe.Err("the inspection has invalid fields"); err != nil {
		return Return{}, err
	}
	r, repeated, err := s.closable(ctx, id, StatusRestocked)
	if err != nil || repeated {
		return r, err
	}
	office, err := s.Catalog(ctx, in.Warehouse, r.Merchant, skus)
	if err != nil {
		return Return{}, err
	}
	if err := mayHandle(who, office); err != nil {
		return Return{}, err
	}
	now := s.now()
	r.Status, r.ClosedAt, r.ClosedOffice, r.Warehouse, r.Lines = StatusRestocked, now, office, in.Warehouse, in.Lines
	r.Signatory = "warehouse " + in.Warehouse
	if err := s.Store.RestockReturn(ctx, r); err != nil {
		return Return{}, err
	}
	if err := s.Events.Record(ctx, tracking.Event{Object: r.Item, Code: tracking.EMI, Office: office, Time: now, Source: tracking.SourcePost,
		Reason: clip("returned to the merchant's warehouse " + in.Warehouse + " (" + r.ID + ")"), Signatory: r.Signatory}); err != nil {
		return Return{}, err
	}
	return r, nil
}

// scope checks who may see r: admins, operators and customs all; a
// merchant its own; a partner post the returns going back to it.
func scope(who auth.Principal, r Return) bool {
	switch who.Role {
	case auth.RoleMerchant:
		return r.Merchant != "" && r.Merchant == who.Merchant
	case auth.RolePartner:
		return r.Partner != "" && r.Partner == who.Partner
	}
	return who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms)
}

// Get returns a return by id (RET-S10) or item id, with its progress
// read from the item's scans. Others' returns are not_found.
func (s *Service) Get(ctx context.Context, who auth.Principal, id string) (Return, error) {
	r, err := s.Store.Return(ctx, ID(ItemOf(id)))
	if err != nil {
		return Return{}, err
	}
	if !scope(who, r) {
		return Return{}, postal.Errorf(postal.CodeNotFound, "no return %s", ID(ItemOf(id)))
	}
	return s.progress(ctx, r)
}

// List lists returns: a merchant's own, a partner post's going back to
// it, or (staff) all matching f.
func (s *Service) List(ctx context.Context, who auth.Principal, f Filter) ([]Return, error) {
	switch who.Role {
	case auth.RoleMerchant:
		if f.Merchant != "" && f.Merchant != who.Merchant {
			return nil, postal.Errorf(postal.CodeForbidden, "this key is for merchant %s", who.Merchant)
		}
		f.Merchant = who.Merchant
	case auth.RolePartner:
		f.Partner = who.Partner
	case auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms:
	default:
		return nil, postal.Errorf(postal.CodeForbidden, "a %s key cannot list returns", who.Role)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rs, err := s.Store.Returns(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if rs[i], err = s.progress(ctx, rs[i]); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// progress advances a return going back to its origin post by the item's
// scans since the return was decided: into our outward receptacle (EMB),
// departed (EMC), delivered by the origin post (EMI). A recalled item
// that left shows returning once the destination post decides the return.
func (s *Service) progress(ctx context.Context, r Return) (Return, error) {
	if r.Status.Closed() || r.Status == StatusReceived {
		return r, nil
	}
	evs, err := s.Scans.EventsOf(ctx, r.Item)
	if err != nil {
		return r, err
	}
	for _, e := range evs {
		if e.Time.Before(r.CreatedAt) {
			continue
		}
		switch {
		case r.Direction == ToOrigin && e.Code == tracking.EMB && r.Status == StatusReturning:
			r.Status = StatusDispatched
		case r.Direction == ToOrigin && e.Code == tracking.EMC && (r.Status == StatusReturning || r.Status == StatusDispatched):
			r.Status = StatusDeparted
		case r.Direction == ToOrigin && e.Code == tracking.EMI:
			r.Status, r.ClosedAt, r.ClosedOffice = StatusDelivered, e.Time.UTC(), e.Office
		case r.Direction == ToSender && r.Status == StatusRequested && (e.Code == tracking.EDX || e.Code == tracking.EXX):
			r.Status = StatusReturning
		}
	}
	return r, nil
}
