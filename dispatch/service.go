package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Network is what exchange operations need to know of the network.
type Network interface {
	Offices(ctx context.Context) ([]network.Office, error)
	Office(ctx context.Context, code string) (network.Office, error)
	Services(ctx context.Context) ([]network.Leg, error)
}

// Items looks up accepted items.
type Items interface {
	// Shipment returns the shipment with id, or not_found.
	Shipment(ctx context.Context, id postal.S10) (acceptance.Shipment, error)
}

// Service runs exchange operations.
type Service struct {
	Store   Store
	Network Network
	Items   Items
	// Customs, if set, says whether customs lets an item leave: an error
	// (an item held by export customs) refuses its receptacle scan.
	Customs func(ctx context.Context, item string) error
	// Events receives the tracking events; nil leaves them in the outbox
	// until DeliverEvents runs with a sink.
	Events EventSink
	Now    func() time.Time
	// Logger reports event-delivery failures, which never fail an
	// operation: the events stay in the outbox.
	Logger *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// operators may run exchange operations: admins anywhere, operators at the
// offices of their key.
func authorize(who auth.Principal, office string) error {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return postal.Errorf(postal.CodeForbidden, "exchange operations need an admin or operator key; this is a %s key", who.Role)
	}
	if !who.InOffice(office) {
		return postal.Errorf(postal.CodeForbidden, "office %s is outside the offices of your key", office)
	}
	return nil
}

func by(who auth.Principal) string {
	if who.KeyID == "" {
		return string(who.Role)
	}
	return who.KeyID
}

func (s *Service) officeMap(ctx context.Context) (map[string]network.Office, error) {
	offices, err := s.Network.Offices(ctx)
	if err != nil {
		return nil, err
	}
	return network.OfficeMap(offices), nil
}

// PutSortPlan replaces an office's sort plan with rules, all or nothing:
// every bad field of every rule is reported.
func (s *Service) PutSortPlan(ctx context.Context, who auth.Principal, office string, rules []Rule) (SortPlan, error) {
	if err := authorize(who, office); err != nil {
		return SortPlan{}, err
	}
	offices, err := s.officeMap(ctx)
	if err != nil {
		return SortPlan{}, err
	}
	p := SortPlan{Office: office, Rules: rules, UpdatedAt: s.now(), UpdatedBy: by(who)}
	if err := p.Normalize(offices); err != nil {
		return SortPlan{}, err
	}
	return s.Store.PutSortPlan(ctx, p)
}

// SortPlan returns an office's sort plan.
func (s *Service) SortPlan(ctx context.Context, office string) (SortPlan, error) {
	p, err := s.Store.SortPlan(ctx, office)
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return SortPlan{}, postal.Errorf(postal.CodeNotFound, "office %s has no sort plan yet (interpost dispatch sortplan import %s FILE)", office, office)
	}
	return p, err
}

// ItemOf turns a shipment into what sorting needs.
func ItemOf(sh acceptance.Shipment) Item {
	spec, _ := postal.LookupProduct(sh.Product)
	return Item{ID: sh.ID, Product: postal.Product(sh.Product), Country: sh.Addressee.Country, Postcode: sh.Addressee.Postcode,
		WeightG: sh.WeightG, Registered: spec.Registered}
}

func (s *Service) item(ctx context.Context, id string, category string) (Item, error) {
	s10, err := postal.ParseS10(id)
	if err != nil {
		return Item{}, postal.Invalid("bad item id", postal.FieldError{Field: "item", Message: err.Error()})
	}
	sh, err := s.Items.Shipment(ctx, s10)
	if err != nil {
		if postal.ErrorCode(err) == postal.CodeNotFound {
			return Item{}, postal.Errorf(postal.CodeNotFound, "item %s was never accepted: no shipment has this id", s10)
		}
		return Item{}, err
	}
	it := ItemOf(sh)
	if category != "" {
		c, err := postal.ParseMailCategory(category)
		if err != nil {
			return Item{}, postal.Invalid("bad category", postal.FieldError{Field: "category", Message: err.Error()})
		}
		it.Category = c
	}
	return it, nil
}

// SortResult says where an item goes and which open receptacle takes it.
type SortResult struct {
	Item   Item   `json:"item"`
	Target Target `json:"target"`
	// Receptacle is an open receptacle for the target ("" if none is
	// open); Dispatch an open dispatch for it.
	Receptacle string `json:"receptacle,omitempty"`
	Dispatch   string `json:"dispatch,omitempty"`
}

// Sort tells where an item goes at office: the sort-plan target and an
// open receptacle that takes it. category overrides the product's default.
func (s *Service) Sort(ctx context.Context, who auth.Principal, office, item, category string) (SortResult, error) {
	if err := authorize(who, office); err != nil {
		return SortResult{}, err
	}
	it, err := s.item(ctx, item, category)
	if err != nil {
		return SortResult{}, err
	}
	plan, err := s.SortPlan(ctx, office)
	if err != nil {
		return SortResult{}, err
	}
	t, err := plan.Sort(it)
	if err != nil {
		return SortResult{}, err
	}
	res := SortResult{Item: it, Target: t}
	res.Dispatch, res.Receptacle, err = s.openFor(ctx, office, t)
	return res, err
}

// openFor finds an open dispatch of the target's stream at office and an
// open receptacle of the target's type in it.
func (s *Service) openFor(ctx context.Context, office string, t Target) (dispatch, receptacle string, err error) {
	ds, err := s.Store.Dispatches(ctx, DispatchFilter{Origin: office, Destination: t.Destination, Status: StatusOpen, Limit: 100})
	if err != nil {
		return "", "", err
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
	for _, d := range ds {
		if d.Category != t.Category || d.Subclass != t.Subclass {
			continue
		}
		if dispatch == "" {
			dispatch = d.ID
		}
		rs, err := s.Store.Receptacles(ctx, d.ID)
		if err != nil {
			return "", "", err
		}
		for _, r := range rs {
			if r.Status == StatusOpen && r.Type == t.Receptacle {
				return d.ID, r.Number, nil
			}
		}
	}
	return dispatch, "", nil
}

// OpenDispatchRequest asks for a new dispatch.
type OpenDispatchRequest struct {
	Origin      string `json:"origin" example:"CNXMNA"`
	Destination string `json:"destination" example:"DEFRAA"`
	Category    string `json:"category" example:"A"`
	Subclass    string `json:"subclass" example:"UN"`
}

// OpenDispatch opens a dispatch and takes its S8 serial: the next of the
// pair of offices in the current year (in the origin office's zone).
func (s *Service) OpenDispatch(ctx context.Context, who auth.Principal, r OpenDispatchRequest) (Dispatch, error) {
	if err := authorize(who, r.Origin); err != nil {
		return Dispatch{}, err
	}
	var fe postal.FieldList
	offices, err := s.officeMap(ctx)
	if err != nil {
		return Dispatch{}, err
	}
	origin, ok := offices[r.Origin]
	if !ok {
		fe.Add("origin", "unknown office %q", r.Origin)
	}
	if _, ok := offices[r.Destination]; !ok {
		fe.Add("destination", "unknown office %q", r.Destination)
	}
	if len(r.Category) != 1 || !postal.MailCategory(r.Category[0]).Valid() {
		fe.Add("category", "%q must be A, B, C or D", r.Category)
	}
	probe := postal.DispatchID{Origin: r.Origin, Destination: r.Destination, Category: postal.MailCategory(firstByte(r.Category)), Subclass: r.Subclass, Serial: 1}
	if len(fe) == 0 {
		if err := probe.Validate(); err != nil {
			fe.Add(idField(err), "%v", err)
		}
	}
	if err := fe.Err("cannot open the dispatch"); err != nil {
		return Dispatch{}, err
	}
	now := s.now()
	loc, _ := time.LoadLocation(origin.TZ)
	return s.Store.OpenDispatch(ctx, NewDispatch{Origin: r.Origin, Destination: r.Destination, Category: r.Category, Subclass: r.Subclass,
		Year: now.In(loc).Year(), At: now, By: by(who)})
}

func firstByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

// idField maps an S8 id error to the request field at fault.
func idField(err error) string {
	var ie *postal.IDError
	if errors.As(err, &ie) {
		switch ie.Part {
		case "origin office":
			return "origin"
		case "destination office":
			return "destination"
		case "mail category":
			return "category"
		}
	}
	return "subclass"
}

// Dispatch returns a dispatch.
func (s *Service) Dispatch(ctx context.Context, id string) (Dispatch, error) {
	d, err := postal.ParseDispatchID(id)
	if err != nil {
		return Dispatch{}, postal.Invalid("bad dispatch id", postal.FieldError{Field: "path.id", Message: err.Error()})
	}
	return s.Store.Dispatch(ctx, d.String())
}

// Dispatches lists dispatches.
func (s *Service) Dispatches(ctx context.Context, f DispatchFilter) ([]Dispatch, error) {
	f.Limit = paging.LimitOr(f.Limit, 100)
	return s.Store.Dispatches(ctx, f)
}

// DispatchView is a dispatch with its receptacles.
type DispatchView struct {
	Dispatch
	ReceptacleList []Receptacle `json:"receptacle_list"`
	// Legs lists the consignments that carried the dispatch (or will),
	// first to last.
	Legs []ConsignedLeg `json:"legs"`
	// Relabelled lists receptacles whose S9 id changed when the dispatch
	// closed (the last-receptacle flag moved): print their labels again.
	Relabelled []string `json:"relabelled,omitempty"`
}

// View returns a dispatch with its receptacles.
func (s *Service) View(ctx context.Context, id string) (DispatchView, error) {
	d, err := s.Dispatch(ctx, id)
	if err != nil {
		return DispatchView{}, err
	}
	rs, err := s.Store.Receptacles(ctx, d.ID)
	if err != nil {
		return DispatchView{}, err
	}
	if rs == nil {
		rs = []Receptacle{}
	}
	legs, err := s.Store.Legs(ctx, d.ID)
	if err != nil {
		return DispatchView{}, err
	}
	if legs == nil {
		legs = []ConsignedLeg{}
	}
	return DispatchView{Dispatch: d, ReceptacleList: rs, Legs: legs}, nil
}
