package inward

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Customs is import customs: the three-in-one queue (customs.Service)
// and a lookup of an item's clearance without the caller's scope (the
// customs store), for delivery offices that only need to know whether an
// item was released.
type Customs interface {
	Declare(ctx context.Context, who auth.Principal, d customs.Declaration) (customs.Item, error)
	// DeclareMany is Declare for many declarations in one transaction:
	// errs[i] is what Declare would have answered for ds[i] alone.
	DeclareMany(ctx context.Context, who auth.Principal, ds []customs.Declaration) (items []customs.Item, errs []error, err error)
	Item(ctx context.Context, id string) (customs.Item, error)
}

// ImportData is the declaration an officer keys in for an item whose
// pre-advice carried no customs data (or to correct it): the CN 22/CN 23
// as read on the item.
type ImportData struct {
	Stream      customs.Stream
	Category    string
	Explanation string
	Currency    string
	Sender      customs.Party
	Addressee   customs.Party
	Ecommerce   *customs.EcommerceInfo
	Lines       []customs.Line
}

// Clearance says where an inbound item stands with import customs.
type Clearance struct {
	Item     string
	Office   string
	Source   string
	Repeated bool
	Status   customs.Status
	Duties   *customs.Duties
}

// Clearance sources.
const (
	SourcePreAdvice = "pre-advice"
	SourceKeyed     = "keyed"
)

// DeclareImport puts an item received at our inward office into the
// import queue: with keyed data when given, else with the customs data
// that came with the pre-advice (ITMATT-like item data). An item without
// either is refused naming what to key in. An item already declared is
// answered as it stands (repeated). Operators of the receiving office and
// admins only. An item the risk engine releases at once gets its EDB and
// EDC now; one it queues gets them from the officer's decision.
func (s *Service) DeclareImport(ctx context.Context, who auth.Principal, item string, keyed *ImportData) (Clearance, error) {
	if s.Customs == nil {
		return Clearance{}, postal.Errorf(postal.CodeUnavailable, "import customs is not wired on this node")
	}
	id, err := postal.ParseS10(item)
	if err != nil {
		return Clearance{}, postal.Invalid("bad item id", postal.FieldError{Field: "item", Message: err.Error()})
	}
	it, office, err := s.receivedItem(ctx, string(id))
	if err != nil {
		return Clearance{}, err
	}
	if err := mayReceive(who, office); err != nil {
		return Clearance{}, err
	}
	if old, err := s.Customs.Item(ctx, it.Item); err == nil {
		return Clearance{Item: it.Item, Office: old.Declaration.Office, Source: SourcePreAdvice, Repeated: true, Status: old.Status, Duties: old.Duties}, nil
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return Clearance{}, err
	}
	d, source, err := s.importDeclaration(it, office, keyed)
	if err != nil {
		return Clearance{}, err
	}
	ci, err := s.Customs.Declare(ctx, who, d)
	if postal.ErrorCode(err) == postal.CodeConflict {
		if old, e := s.Customs.Item(ctx, it.Item); e == nil { // a concurrent declaration won
			return Clearance{Item: it.Item, Office: office, Source: source, Repeated: true, Status: old.Status, Duties: old.Duties}, nil
		}
	}
	if err != nil {
		return Clearance{}, fmt.Errorf("import declaration of %s: %w", it.Item, err)
	}
	if ci.Status == customs.StatusReleased {
		now := s.now()
		for _, e := range []tracking.Event{
			{Object: it.Item, Code: tracking.EDB, Office: office, Time: now, Source: tracking.SourcePost, Reason: "presented to import customs"},
			{Object: it.Item, Code: tracking.EDC, Office: office, Time: now, Source: tracking.SourceCustoms, Reason: "released by import customs"},
		} {
			if err := s.record(ctx, e); err != nil {
				return Clearance{}, err
			}
		}
	}
	return Clearance{Item: it.Item, Office: office, Source: source, Status: ci.Status, Duties: ci.Duties}, nil
}

// receivedItem finds an item received at one of our offices, with the
// office that received it.
func (s *Service) receivedItem(ctx context.Context, item string) (Item, string, error) {
	it, err := s.Store.InwardItem(ctx, item)
	if err != nil {
		return Item{}, "", err
	}
	if it.Status != StatusReceived {
		return Item{}, "", postal.Errorf(postal.CodeConflict, "item %s has not been received at an inward office (it is %s): scan it first", item, it.Status)
	}
	r, _, err := s.receivedReceptacle(ctx, it.Receptacle)
	if err != nil {
		return Item{}, "", err
	}
	return it, r.ReceivedOffice, nil
}

// importDeclaration builds the import declaration of a received item.
func (s *Service) importDeclaration(it Item, office string, k *ImportData) (customs.Declaration, string, error) {
	d := customs.Declaration{ID: it.Item, Stream: customs.StreamPostal, Direction: customs.Import, Office: office,
		GrossWeightG: max(it.ReceivedWeightG, it.WeightG), Postal: &customs.PostalInfo{}}
	if k != nil {
		if k.Stream != "" {
			d.Stream = k.Stream
		}
		if d.Stream != customs.StreamPostal {
			d.Postal = nil
		}
		d.Category, d.Explanation, d.Currency, d.Sender, d.Addressee, d.Ecommerce, d.Lines =
			k.Category, k.Explanation, k.Currency, k.Sender, k.Addressee, k.Ecommerce, k.Lines
		if d.Addressee.Country == "" {
			d.Addressee.Country = s.Country
		}
		return d, SourceKeyed, nil
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"contents", it.Contents}, {"value", it.Value}, {"currency", it.Currency}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return customs.Declaration{}, "", postal.Invalid("no customs data for this item", postal.FieldError{Field: "declaration",
			Message: fmt.Sprintf("the pre-advice of %s carried no %s: key the declaration in (category, currency, lines)", it.Item, strings.Join(missing, ", "))})
	}
	sender := it.SenderCountry
	if sender == "" {
		if id, err := postal.ParseS10(it.Item); err == nil {
			sender = id.Country()
		}
	}
	d.Category, d.Explanation, d.Currency = "other", "personal postal article as pre-advised: "+it.Contents, it.Currency
	d.Sender = customs.Party{Name: orUnknown(it.SenderName), Country: sender}
	d.Addressee = customs.Party{Name: orUnknown(it.AddresseeName), Country: s.Country}
	d.Lines = []customs.Line{{Description: it.Contents, Quantity: 1, NetWeightG: max(it.WeightG, it.ReceivedWeightG, 1), Value: it.Value,
		HSCode: it.HSCode, OriginCountry: sender}}
	return d, SourcePreAdvice, nil
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown (not pre-advised)"
	}
	return s
}

// ClearReport is what ClearDispatch did.
type ClearReport struct {
	Dispatch  string
	Declared  []Clearance
	NeedsData []string
}

// ClearDispatch puts every received item of a dispatch into the import
// queue with its pre-advised data; items without data are listed to key
// in. Running it again declares nothing twice (items already declared are
// answered as they stand, repeated). The dispatch's items are declared in
// one batch (customs.Service.DeclareMany: the same checks and screening as
// one DeclareImport, stored in one transaction), and the EDB/EDC events of
// the items released at once are recorded together.
func (s *Service) ClearDispatch(ctx context.Context, who auth.Principal, dispatch string) (ClearReport, error) {
	if s.Customs == nil {
		return ClearReport{}, postal.Errorf(postal.CodeUnavailable, "import customs is not wired on this node")
	}
	d, err := s.Store.InwardDispatch(ctx, dispatch)
	if err != nil {
		return ClearReport{}, err
	}
	if err := mayReceive(who, d.Destination); err != nil {
		return ClearReport{}, err
	}
	items, err := s.Store.InwardItems(ctx, d.ID)
	if err != nil {
		return ClearReport{}, err
	}
	rep := ClearReport{Dispatch: d.ID, Declared: []Clearance{}, NeedsData: []string{}}
	var recs map[string]Receptacle
	var decls []customs.Declaration
	var offices []string
	for _, it := range items {
		if it.Status != StatusReceived {
			continue
		}
		if recs == nil {
			rs, err := s.Store.InwardReceptacles(ctx, d.ID)
			if err != nil {
				return rep, err
			}
			recs = make(map[string]Receptacle, len(rs))
			for _, r := range rs {
				recs[r.ID] = r
			}
		}
		r, ok := recs[it.Receptacle]
		if !ok || r.Status != StatusReceived {
			return rep, postal.Errorf(postal.CodeConflict, "receptacle %s has not been received: scan it first", it.Receptacle)
		}
		if err := mayReceive(who, r.ReceivedOffice); err != nil {
			return rep, err
		}
		decl, _, err := s.importDeclaration(it, r.ReceivedOffice, nil)
		if postal.ErrorCode(err) == postal.CodeInvalid {
			rep.NeedsData = append(rep.NeedsData, it.Item)
			continue
		}
		if err != nil {
			return rep, err
		}
		decls, offices = append(decls, decl), append(offices, r.ReceivedOffice)
	}
	if len(decls) == 0 {
		return rep, nil
	}
	cis, errs, err := s.Customs.DeclareMany(ctx, who, decls)
	if err != nil {
		return rep, fmt.Errorf("import declarations of dispatch %s: %w", d.ID, err)
	}
	now := s.now()
	var evs []tracking.Event
	for i, decl := range decls {
		switch {
		case errs[i] == nil:
			ci := cis[i]
			rep.Declared = append(rep.Declared, Clearance{Item: decl.ID, Office: offices[i], Source: SourcePreAdvice, Status: ci.Status, Duties: ci.Duties})
			if ci.Status == customs.StatusReleased {
				evs = append(evs,
					tracking.Event{Object: decl.ID, Code: tracking.EDB, Office: offices[i], Time: now, Source: tracking.SourcePost, Reason: "presented to import customs"},
					tracking.Event{Object: decl.ID, Code: tracking.EDC, Office: offices[i], Time: now, Source: tracking.SourceCustoms, Reason: "released by import customs"})
			}
		case postal.ErrorCode(errs[i]) == postal.CodeConflict:
			old, err := s.Customs.Item(ctx, decl.ID) // declared before (a repeated clearance)
			if err != nil {
				return rep, err
			}
			rep.Declared = append(rep.Declared, Clearance{Item: decl.ID, Office: old.Declaration.Office, Source: SourcePreAdvice, Repeated: true,
				Status: old.Status, Duties: old.Duties})
		case postal.ErrorCode(errs[i]) == postal.CodeInvalid:
			rep.NeedsData = append(rep.NeedsData, decl.ID)
		default:
			return rep, fmt.Errorf("import declaration of %s: %w", decl.ID, errs[i])
		}
	}
	if len(evs) > 0 {
		if err := s.record(ctx, evs...); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// receivedReceptacle returns a receptacle received at one of our offices, with its dispatch.
func (s *Service) receivedReceptacle(ctx context.Context, receptacle string) (Receptacle, Dispatch, error) {
	rid, err := postal.ParseReceptacleID(receptacle)
	if err != nil {
		return Receptacle{}, Dispatch{}, postal.Errorf(postal.CodeInvalid, "receptacle: %v", err)
	}
	d, err := s.Store.InwardDispatch(ctx, rid.Dispatch.String())
	if err != nil {
		return Receptacle{}, Dispatch{}, err
	}
	rs, err := s.Store.InwardReceptacles(ctx, d.ID)
	if err != nil {
		return Receptacle{}, Dispatch{}, err
	}
	i := slices.IndexFunc(rs, func(r Receptacle) bool { return r.ID == rid.String() })
	if i < 0 || rs[i].Status != StatusReceived {
		return Receptacle{}, Dispatch{}, postal.Errorf(postal.CodeConflict, "receptacle %s has not been received: scan it first", rid.String())
	}
	return rs[i], d, nil
}
