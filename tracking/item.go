package tracking

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// Item is the read model of one object: its derived status, its latest
// event, the milestones performance is measured on and its lane. It is a
// projection of the event log (see Projector).
type Item struct {
	Object      string     `json:"id"`
	Kind        ObjectKind `json:"kind"`
	Merchant    string     `json:"merchant,omitempty"`
	MerchantRef string     `json:"merchant_ref,omitempty"`
	Product     string     `json:"product,omitempty"`
	Origin      string     `json:"origin,omitempty" doc:"Lane origin country"`
	Dest        string     `json:"dest,omitempty" doc:"Lane destination country"`
	Status      Status     `json:"status"`
	LastCode    Code       `json:"last_code"`
	LastOffice  string     `json:"last_office"`
	LastTime    time.Time  `json:"last_time"`
	Events      int        `json:"events"`
	// Milestones (zero when not reached); see MilestoneAccepted ….
	AcceptedAt  time.Time `json:"accepted_at,omitzero"`
	DepartedAt  time.Time `json:"departed_at,omitzero"`
	ArrivedAt   time.Time `json:"arrived_at,omitzero"`
	ReleasedAt  time.Time `json:"released_at,omitzero"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	// Lifecycle facts (see lifecycle.go): the first import customs
	// presentation or hold (EDB, EME) and release (EDC), the earliest return
	// and seizure decisions (EXX, EDX), the latest final delivery (EMI).
	CustomsHeldAt     time.Time `json:"customs_held_at,omitzero"`
	CustomsReleasedAt time.Time `json:"customs_released_at,omitzero"`
	ReturnAt          time.Time `json:"return_at,omitzero"`
	SeizedAt          time.Time `json:"seized_at,omitzero"`
	LastDeliveredAt   time.Time `json:"-"`
	// DutyDue is set when import customs released the item with duty to
	// pay by the addressee.
	DutyDue bool `json:"duty_due,omitempty"`
	// Offsets (seconds east of UTC) the acceptance and delivery were
	// reported with: J+n counts days in the local calendar.
	AcceptedOffset  int       `json:"-"`
	DeliveredOffset int       `json:"-"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Linked reports whether the item has a shipment in Interpost.
func (it Item) Linked() bool { return it.Merchant != "" }

// Lane names the item's lane, e.g. "CN-PL ems".
func (it Item) Lane() Lane { return Lane{Origin: it.Origin, Dest: it.Dest, Product: it.Product} }

// Lane is an origin country, a destination country and a product.
type Lane struct {
	Origin  string `json:"origin"`
	Dest    string `json:"dest"`
	Product string `json:"product"`
}

func (l Lane) String() string {
	s := l.Origin + "-" + l.Dest
	if l.Product != "" {
		s += ":" + l.Product
	}
	return s
}

// ParseLane reads "CN-PL" or "CN-PL:ems".
func ParseLane(s string) (Lane, error) {
	od, product, _ := strings.Cut(strings.TrimSpace(s), ":")
	o, d, ok := strings.Cut(strings.ToUpper(od), "-")
	if !ok || !postal.ValidCountry(o) || !postal.ValidCountry(d) {
		return Lane{}, postal.Invalid("bad lane", postal.FieldError{Field: "query.lane", Message: "want ORIGIN-DEST or ORIGIN-DEST:product with ISO country codes, e.g. CN-PL or CN-PL:ems"})
	}
	if product != "" {
		if _, err := postal.LookupProduct(product); err != nil {
			return Lane{}, postal.Invalid("bad lane", postal.FieldError{Field: "query.lane", Message: err.Error()})
		}
	}
	return Lane{Origin: o, Dest: d, Product: product}, nil
}

// CountryOf tells the country of an office code ("" if unknown).
type CountryOf func(office string) string

// Apply folds one event into the item by the lifecycle rules (lifecycle.go)
// and reports whether its status changed. Apply is order-independent:
// folding the same events in any order gives the same item (except
// UpdatedAt).
func (it *Item) Apply(e Event, country CountryOf) bool {
	info, ok := LookupCode(e.Code)
	if !ok {
		return false
	}
	if it.Object == "" {
		it.Object, it.Kind = e.Object, KindOf(e.Object)
	}
	it.Events++
	before := it.Status
	if it.outranks(e, info) {
		it.LastCode, it.LastOffice, it.LastTime = e.Code, e.Office, e.Time.UTC()
	}
	_, off := e.Time.Zone()
	t := e.Time.UTC()
	switch e.Code {
	case MilestoneAccepted:
		if earlier(t, it.AcceptedAt) {
			it.AcceptedAt, it.AcceptedOffset = t, off
		}
	case MilestoneDeparted:
		if earlier(t, it.DepartedAt) {
			it.DepartedAt = t
		}
	case MilestoneArrived:
		if earlier(t, it.ArrivedAt) {
			it.ArrivedAt = t
		}
	case MilestoneReleased:
		if earlier(t, it.ReleasedAt) {
			it.ReleasedAt = t
		}
	case MilestoneDelivered:
		if earlier(t, it.DeliveredAt) {
			it.DeliveredAt, it.DeliveredOffset = t, off
		}
		if t.After(it.LastDeliveredAt) {
			it.LastDeliveredAt = t
		}
	case EDB, EME:
		if earlier(t, it.CustomsHeldAt) {
			it.CustomsHeldAt = t
		}
	case EDC:
		if earlier(t, it.CustomsReleasedAt) {
			it.CustomsReleasedAt = t
		}
		if dutyDue(e) {
			it.DutyDue = true
		}
	case EXX, EDX:
		if seizure(e) {
			if earlier(t, it.SeizedAt) {
				it.SeizedAt = t
			}
		} else if earlier(t, it.ReturnAt) {
			it.ReturnAt = t
		}
	}
	it.Status = it.derive()
	if !it.Linked() && country != nil {
		it.inferLane(e, info, country)
	}
	return it.Status != before
}

func earlier(t, than time.Time) bool { return than.IsZero() || t.Before(than) }

// inferLane fills the lane of an item we have no shipment for from what its
// events say: the S10 issuing country is the origin, the country of the
// first destination-side office the destination, the S10 service indicator
// the product.
func (it *Item) inferLane(e Event, info CodeInfo, country CountryOf) {
	if it.Kind != KindItem {
		return
	}
	if it.Origin == "" {
		it.Origin = postal.S10(it.Object).Country()
	}
	if it.Product == "" {
		it.Product = productOf(postal.S10(it.Object).ServiceIndicator())
	}
	if it.Dest == "" && (info.Stage == StageDestination || info.Stage == StageLastMile) {
		it.Dest = country(e.Office)
	}
}

// link copies a shipment's data into the item.
func (it *Item) link(ref ItemRef, country CountryOf) {
	it.Merchant, it.MerchantRef, it.Product, it.Dest = ref.Merchant, ref.MerchantRef, ref.Product, ref.DestCountry
	if c := country(ref.OriginOffice); c != "" {
		it.Origin = c
	} else if it.Kind == KindItem {
		it.Origin = postal.S10(it.Object).Country()
	}
}

// indicatorProducts maps an S10 service indicator to the product whose range
// holds it.
var indicatorProducts = func() map[string]string {
	m := map[string]string{}
	for _, p := range postal.Products() {
		for _, ind := range p.Indicators {
			m[ind] = string(p.Code)
		}
	}
	return m
}()

func productOf(indicator string) string { return indicatorProducts[indicator] }

// sortStored orders events by time, then chain position.
func sortStored(events []Stored) {
	slices.SortStableFunc(events, func(a, b Stored) int { return compareEvents(&a.Event, &b.Event) })
}

func compareEvents(a, b *Event) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	pa, _ := LookupCode(a.Code)
	pb, _ := LookupCode(b.Code)
	return cmp.Compare(pa.Position, pb.Position)
}
