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
// in. Running it again declares nothing twice.
func (s *Service) ClearDispatch(ctx context.Context, who auth.Principal, dispatch string) (ClearReport, error) {
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
	for _, it := range items {
		if it.Status != StatusReceived {
			continue
		}
		c, err := s.DeclareImport(ctx, who, it.Item, nil)
		switch {
		case postal.ErrorCode(err) == postal.CodeInvalid:
			rep.NeedsData = append(rep.NeedsData, it.Item)
		case err != nil:
			return rep, err
		default:
			rep.Declared = append(rep.Declared, c)
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
