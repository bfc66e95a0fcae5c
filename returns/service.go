package returns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Scans reads an item's stored events (tracking's event store).
type Scans interface {
	// EventsOf returns the stored events of object (empty when none).
	EventsOf(ctx context.Context, object string) ([]tracking.Stored, error)
}

// Facts is what a return needs of a shipment we accepted.
type Facts struct {
	Merchant     string
	Product      string
	WeightG      int
	OriginOffice string // the merchant's office
	Dest         string // the addressee's country
}

// Items looks up our own shipments (ok false: not one of ours).
type Items func(ctx context.Context, item string) (f Facts, ok bool, err error)

// Recorder records tracking events (tracking.Service.Record).
type Recorder interface {
	Record(ctx context.Context, events ...tracking.Event) error
}

// Ledger posts return charges (accounting.Service.PostReturn).
type Ledger interface {
	PostReturn(ctx context.Context, f accounting.ReturnFact) (accounting.Entry, error)
}

// Catalog checks a warehouse and the SKUs of a merchant before a restock:
// an invalid error naming the unknown warehouse or SKU (package warehouse).
type Catalog func(ctx context.Context, warehouse, merchant string, skus []string) (office string, err error)

// Service opens, follows and closes returns.
type Service struct {
	Store   Store
	Scans   Scans
	Items   Items
	Events  Recorder
	Ledger  Ledger  // nil: returns are not charged
	Catalog Catalog // nil: no warehouse restocking on this node
	Country string  // ours
	Now     func() time.Time
	Logger  *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func by(who auth.Principal) string {
	if who.KeyID != "" {
		return who.KeyID
	}
	return string(who.Role)
}

// productOf is the product whose S10 range holds an item id ("" if none).
func productOf(item string) string {
	id := postal.S10(item)
	for _, p := range postal.Products() {
		for _, ind := range p.Indicators {
			if len(item) >= 2 && ind == string(id)[:2] {
				return string(p.Code)
			}
		}
	}
	return ""
}

func checkReason(reason string, fe *postal.FieldList) string {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		fe.Add("reason", "required: why the item goes back")
	case utf8.RuneCountInString(reason) > 80:
		fe.Add("reason", "longer than 80 characters")
	}
	return reason
}

// InboundReturn is an inbound item the inward office sends back to its
// origin post (package inward's return step).
type InboundReturn struct {
	Item     string
	Partner  string // origin post, JPPOST
	Office   string // our office that decided it
	Origin   string // the origin office of exchange it goes back to
	Reason   string
	Customs  bool // refused by our import customs
	WeightG  int  // as received
	At       time.Time
	Operator string
}

// ToOrigin opens the return of a partner's item to its origin post and
// charges the origin post. Asking again returns the return already open.
func (s *Service) ToOrigin(ctx context.Context, in InboundReturn) (Return, error) {
	kind := KindUndeliverable
	if in.Customs {
		kind = KindCustomsImport
	}
	country := in.Partner[:2]
	r := Return{ID: ID(in.Item), Item: in.Item, Kind: kind, Direction: ToOrigin, Status: StatusReturning, Reason: in.Reason,
		Partner: in.Partner, Office: in.Office, ReturnTo: in.Origin, Origin: s.Country, Dest: country, Product: productOf(in.Item),
		WeightG: in.WeightG, CreatedAt: in.At.UTC(), CreatedBy: in.Operator}
	got, created, err := s.Store.CreateReturn(ctx, r)
	if err != nil || !created {
		return got, err
	}
	return s.charge(ctx, got, accounting.Post(country))
}

// charge posts a return's charge and keeps it on the return. A tariff
// without a return charge leaves the return uncharged (logged): the
// return itself is never refused for it.
func (s *Service) charge(ctx context.Context, r Return, debtor accounting.Party) (Return, error) {
	if s.Ledger == nil {
		return r, nil
	}
	e, err := s.Ledger.PostReturn(ctx, accounting.ReturnFact{Return: r.ID, Item: r.Item, Kind: string(r.Kind), Product: r.Product,
		WeightG: r.WeightG, At: r.CreatedAt, Debtor: debtor, Merchant: r.Merchant, Origin: r.Origin, Dest: r.Dest})
	switch {
	case errors.Is(err, accounting.ErrNoReturnRate) || errors.Is(err, accounting.ErrNoTariff):
		s.logger().Warn("return not charged", "return", r.ID, "err", err)
		return r, nil
	case err != nil:
		return r, err
	}
	r.Charge, r.ChargeCurrency, r.ChargeDebtor = accounting.FormatAmount(e.Amount, e.Currency), e.Currency, string(e.Debtor)
	return r, s.Store.UpdateReturn(ctx, r)
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// ours opens (or finds) the return of one of our own items coming back
// to its merchant, charged to the merchant.
func (s *Service) ours(ctx context.Context, item string, kind Kind, status Status, office, reason, createdBy string, at time.Time) (Return, bool, error) {
	f, ok, err := s.Items(ctx, item)
	if err != nil {
		return Return{}, false, err
	}
	if !ok {
		return Return{}, false, postal.Errorf(postal.CodeNotFound, "item %s is not one of our shipments", item)
	}
	r := Return{ID: ID(item), Item: item, Kind: kind, Direction: ToSender, Status: status, Reason: reason, Merchant: f.Merchant,
		Office: office, ReturnTo: f.OriginOffice, Origin: f.Dest, Dest: s.Country, Product: f.Product, WeightG: f.WeightG,
		CreatedAt: at.UTC(), CreatedBy: createdBy}
	if kind == KindCustomsExport {
		r.Origin = s.Country
	}
	if status == StatusReceived {
		r.ReceivedAt, r.ReceivedOffice = at.UTC(), office
	}
	got, created, err := s.Store.CreateReturn(ctx, r)
	if err != nil || !created {
		return got, false, err
	}
	if status == StatusRequested {
		return got, true, nil // charged when it comes back
	}
	got, err = s.charge(ctx, got, accounting.Merchant(got.Merchant))
	return got, true, err
}

// CustomsExport opens the return of one of our items export customs
// refused (an EXX that is not a seizure): it never left the outward
// office of exchange and goes back to the merchant from there.
func (s *Service) CustomsExport(ctx context.Context, item, office, reason string, at time.Time) (Return, error) {
	if _, ok, err := s.Items(ctx, item); err != nil || !ok {
		return Return{}, err // not one of our shipments: nothing to send back
	}
	r, _, err := s.ours(ctx, item, KindCustomsExport, StatusReceived, office, reason, "customs", at)
	return r, err
}

// Back records one of our items received back at our inward office from
// abroad (package inward's receipt): the merchant's recall, or the
// destination post sending it back on its own. The return is charged to
// the merchant now.
func (s *Service) Back(ctx context.Context, item, office string, at time.Time) (Return, error) {
	if _, ok, err := s.Items(ctx, item); err != nil || !ok {
		return Return{}, err
	}
	r, err := s.Store.Return(ctx, ID(item))
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		r, _, err = s.ours(ctx, item, KindAbroad, StatusReceived, office, s.abroadReason(ctx, item), "inward", at)
		return r, err
	case err != nil:
		return Return{}, err
	case r.Direction != ToSender || !r.ReceivedAt.IsZero():
		return r, nil
	}
	r.Status, r.ReceivedAt, r.ReceivedOffice = StatusReceived, at.UTC(), office
	if err := s.Store.UpdateReturn(ctx, r); err != nil {
		return Return{}, err
	}
	return s.charge(ctx, r, accounting.Merchant(r.Merchant))
}

// abroadReason is the reason the destination post gave: the reason of
// its last return decision or delivery attempt.
func (s *Service) abroadReason(ctx context.Context, item string) string {
	evs, err := s.Scans.EventsOf(ctx, item)
	if err != nil {
		return "sent back by the destination post"
	}
	why := ""
	for _, e := range evs {
		if (e.Code == tracking.EDX || e.Code == tracking.EMH) && e.Reason != "" {
			why = e.Reason
		}
	}
	if why == "" {
		return "sent back by the destination post"
	}
	return "sent back by the destination post: " + why
}

// Request is a merchant's recall of one of its items.
type Request struct {
	Item   string
	Reason string
}

// preDeparture are the statuses in which an item is still in our hands.
var preDeparture = map[tracking.Status]bool{tracking.StatusCreated: true, tracking.StatusAccepted: true, tracking.StatusAtOutwardOE: true,
	tracking.StatusExportCustomsHeld: true, tracking.StatusExportCustomsReleased: true}

// Recall is a merchant asking for its own item back (admins and operators
// may ask for any). An item still with us (not departed) is taken out of
// the outward flow at once — EXX "returned at the merchant's request" at
// its last office — and waits there for the merchant; one that left is
// requested from the destination post and charged when it comes back
// (Back). A delivered, seized or returned item cannot be recalled; an item
// already going back returns its return.
func (s *Service) Recall(ctx context.Context, who auth.Principal, req Request) (Return, error) {
	if !who.Is(auth.RoleMerchant, auth.RoleAdmin, auth.RoleOperator) {
		return Return{}, postal.Errorf(postal.CodeForbidden, "items are recalled by their merchant or an operator; this is a %s key", who.Role)
	}
	var fe postal.FieldList
	id, err := postal.ParseS10(req.Item)
	if err != nil {
		fe.Add("item", "%v", err)
	}
	reason := checkReason(req.Reason, &fe)
	if err := fe.Err("the recall has invalid fields"); err != nil {
		return Return{}, err
	}
	item := string(id)
	f, ok, err := s.Items(ctx, item)
	if err != nil {
		return Return{}, err
	}
	if !ok || !who.CanSeeMerchant(f.Merchant) {
		return Return{}, postal.Errorf(postal.CodeNotFound, "no shipment %s", item)
	}
	if r, err := s.Store.Return(ctx, ID(item)); err == nil {
		return r, nil
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return Return{}, err
	}
	evs, err := s.Scans.EventsOf(ctx, item)
	if err != nil {
		return Return{}, err
	}
	plain := make([]tracking.Event, len(evs))
	for i, e := range evs {
		plain[i] = e.Event
	}
	st := tracking.DeriveStatus(plain)
	if st.Final() || st == tracking.StatusReturning {
		return Return{}, postal.Errorf(postal.CodeConflict, "item %s is %s: it cannot be recalled", item, st)
	}
	now := s.now()
	if !preDeparture[st] {
		r, _, err := s.ours(ctx, item, KindMerchant, StatusRequested, "", reason, by(who), now)
		return r, err
	}
	office := f.OriginOffice
	if n := len(evs); n > 0 {
		office = evs[n-1].Office
	}
	r, _, err := s.ours(ctx, item, KindMerchant, StatusReceived, office, reason, by(who), now)
	if err != nil {
		return Return{}, err
	}
	if err := s.Events.Record(ctx, tracking.Event{Object: item, Code: tracking.EXX, Office: office, Time: now, Source: tracking.SourcePost,
		Reason: clip("returned to sender at the merchant's request (" + r.ID + ")")}); err != nil {
		return Return{}, fmt.Errorf("recall %s: %w", item, err)
	}
	return r, nil
}

// clip keeps an event reason within tracking's 100 characters.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 100 {
		return s
	}
	return string([]rune(s)[:100])
}

// ChargeDue charges the returns decided while no tariff (or no
// returns.csv row) was in force: those back with us or going back to
// their origin, without a charge yet. It returns how many it charged; run
// it after importing a tariff (the demo does).
func (s *Service) ChargeDue(ctx context.Context) (int, error) {
	rs, err := s.Store.Returns(ctx, Filter{Limit: 500})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if r.Charge != "" || r.Status == StatusRequested {
			continue
		}
		debtor := accounting.Merchant(r.Merchant)
		if r.Direction == ToOrigin {
			debtor = accounting.Post(r.Dest)
		}
		got, err := s.charge(ctx, r, debtor)
		if err != nil {
			return n, err
		}
		if got.Charge != "" {
			n++
		}
	}
	return n, nil
}
