package accounting

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// ItemFact is what rating needs of an accepted item.
type ItemFact struct {
	ID        string         `json:"id"`
	Merchant  string         `json:"merchant"`
	Product   postal.Product `json:"product"`
	Origin    string         `json:"origin"` // office of exchange it leaves from
	Dest      string         `json:"dest"`   // addressee country
	Postcode  string         `json:"postcode,omitempty"`
	WeightG   int            `json:"weight_g"`
	DimsMM    [3]int         `json:"dimensions_mm"`
	Documents bool           `json:"documents,omitempty"` // declared as documents only: no goods
	DDP       bool           `json:"ddp,omitempty"`       // duties paid by the sender (importer reference given)
	// InsuredSDR is an insured item's insured value in SDR (zero when
	// not insured): its insurance fee is rated on it.
	InsuredSDR decimal.Decimal `json:"insured_sdr,omitzero"`
	AcceptedAt time.Time       `json:"accepted_at"`
}

// FactOf takes the facts of a shipment.
func FactOf(sh acceptance.Shipment) ItemFact {
	f := ItemFact{
		ID: string(sh.ID), Merchant: sh.Merchant, Product: postal.Product(sh.Product), Origin: sh.OriginOffice,
		Dest: sh.Addressee.Country, Postcode: sh.Addressee.Postcode, WeightG: sh.WeightG, AcceptedAt: sh.CreatedAt.UTC(),
	}
	copy(f.DimsMM[:], sh.DimensionsMM)
	if sh.Insured != nil {
		f.InsuredSDR, _ = decimal.NewFromString(sh.Insured.ValueSDR) // validated at acceptance
	}
	if d := sh.Declaration; d != nil {
		f.Documents = d.Category == "documents"
		f.DDP = d.ImporterRef != ""
	}
	return f
}

// Letter-post format limits (UPU Letter Post Regulations): P up to
// 235 × 120 × 5 mm and 100 g, G up to 353 × 250 × 20 mm and 500 g.
type formatLimit struct {
	dims [3]int // longest side first
	g    int
}

var (
	formatP = formatLimit{[3]int{235, 120, 5}, 100}
	formatG = formatLimit{[3]int{353, 250, 20}, 500}
)

// LetterFormat is the format terminal dues take for a letter-post item.
// Since 2020 the UPU classes every letter-post item containing goods as E
// whatever its size (UNCONFIRMED against the Regulations' text; see
// docs/formats.md); documents are P, G or E by size and weight.
func LetterFormat(it ItemFact) Format {
	if !it.Documents {
		return FormatE
	}
	d := it.DimsMM
	slices.SortFunc(d[:], func(a, b int) int { return b - a })
	fits := func(l formatLimit) bool {
		return it.WeightG <= l.g && d[0] <= l.dims[0] && d[1] <= l.dims[1] && d[2] <= l.dims[2]
	}
	switch {
	case fits(formatP):
		return FormatP
	case fits(formatG):
		return FormatG
	}
	return FormatE
}

// DispatchFact is a dispatch that departed: the S8 id, its offices of
// exchange, the items inside and the gross weight of its receptacles.
type DispatchFact struct {
	ID          string    `json:"id"` // S8
	Origin      string    `json:"origin"`
	Dest        string    `json:"dest"`
	Class       string    `json:"class"` // U, C, E
	ClosedAt    time.Time `json:"closed_at"`
	Items       []string  `json:"items"`
	Receptacles int       `json:"receptacles"`
	GrossG      int       `json:"gross_g"`
	// Transit lists the offices the dispatch was carried to on its way
	// before its destination, in order (the arrival office of its
	// consignment's service when that is not the destination). Transit is
	// charged to the post of each that is an office of exchange or IMPC in
	// a third country; a carrier's hub is not charged.
	Transit []string `json:"transit,omitempty"`
	// Consignment is the consignment that carried it and Departure that
	// consignment's departure: its charges are dated by it, like the
	// conveyance.
	Consignment string    `json:"consignment,omitempty"`
	Departure   time.Time `json:"departure"`
	// Reached is the office its consignment's service arrived at, at
	// ReachedAt; when that is not Dest (a hub), the way on from there is
	// charged as planned until a consignment records it.
	Reached   string    `json:"reached,omitempty"`
	ReachedAt time.Time `json:"reached_at"`
	// Legs are the consignments that carried it, first to last, as far as
	// they departed (leg 1 is Consignment). When there are legs, transit
	// and the office reached are read from them: each leg's arrival short
	// of Dest is a transit stop, and the way on is planned from the last
	// leg's arrival only.
	Legs []LegFact `json:"legs,omitempty"`
}

// LegFact is one departed leg of a dispatch: the consignment that carried
// it from From to To, with the receptacles and gross weight handed over.
type LegFact struct {
	Leg         int       `json:"leg"`
	Consignment string    `json:"consignment"`
	Service     string    `json:"service"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Departure   time.Time `json:"departure"`
	Arrival     time.Time `json:"arrival"`
	Receptacles int       `json:"receptacles"`
	GrossG      int       `json:"gross_g"`
}

// ConsignmentFact is a consignment handed to a carrier for one departure of
// a service (CN 38/37/41) whose departure was recorded.
type ConsignmentFact struct {
	ID         string    `json:"id"`
	Service    string    `json:"service"`
	Departure  time.Time `json:"departure"`
	Dispatches []string  `json:"dispatches"`
	GrossG     int       `json:"gross_g"`
	// Items counts the items of its dispatches (0: count those of the
	// period's dispatch facts).
	Items int `json:"items,omitempty"`
}

// Departed is what left in a period: the consignments whose departure was
// recorded, the dispatches whose first leg they carried (with every leg
// of theirs that departed, whenever), and which of the items asked
// about left their office of exchange in a departed dispatch (at any time,
// so an item accepted at the end of a month and dispatched the next is
// not charged its planned way as well).
type Departed struct {
	Consignments []ConsignmentFact
	Dispatches   []DispatchFact
	Left         map[string]bool // item id → left in a departed dispatch
}

// DispatchFacts is what rating reads of exchange operations. When it is
// wired, conveyance is charged per departed consignment and transit per
// departed dispatch; only items that never left in a dispatch are charged
// conveyance and transit along their planned way.
type DispatchFacts interface {
	// Departed returns the consignments with a recorded departure
	// scheduled in [from, to), by departure then id, the dispatches they
	// carried, by id, and which of items (by id and office of exchange)
	// left in a departed dispatch.
	Departed(ctx context.Context, from, to time.Time, items []ItemFact) (Departed, error)
}

// Rating bases: what a charge was worked out from.
const (
	BasisAccepted   = "accepted"   // the accepted item: postage, surcharges, the destination's charge
	BasisDispatched = "dispatched" // a departed consignment or dispatch
	BasisPlanned    = "planned"    // the item's planned way: it has not left in a dispatch
)
