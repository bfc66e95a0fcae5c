package warehouse

import (
	"fmt"
	"slices"
	"time"
)

// InboundStatus is where an inbound shipment is.
type InboundStatus string

// Inbound statuses, in order.
const (
	InboundBooked   InboundStatus = "booked"   // advised by the merchant; on its way
	InboundCleared  InboundStatus = "cleared"  // customs released the bulk (imports only)
	InboundReceived InboundStatus = "received" // counted in at the warehouse; stock booked
)

// SKULine is a quantity of one SKU.
type SKULine struct {
	SKU      string `json:"sku" example:"TEA-OOLONG-100"`
	Quantity int    `json:"quantity" doc:"Units, at least 1"`
}

// Package is a pallet or carton of an inbound shipment.
type Package struct {
	Ref   string    `json:"ref" maxLength:"40" doc:"The merchant's label on the pallet or carton" example:"PALLET-1"`
	Kind  string    `json:"kind" enum:"pallet,carton"`
	Lines []SKULine `json:"lines" minItems:"1" maxItems:"200"`
}

// Corridor is a way from an origin office to a warehouse with its transit
// time and indicative cost.
type Corridor struct {
	Mode        string   `json:"mode" enum:"air,rail,road,sea"`
	Via         []string `json:"via,omitempty" doc:"Offices on the way"`
	TransitDays float64  `json:"transit_days"`
	CostPerKg   string   `json:"cost_per_kg" doc:"Indicative cost per kg, a decimal string in currency" example:"4.20"`
	Currency    string   `json:"currency" doc:"ISO 4217 currency of cost_per_kg: the network's cost currency" example:"USD"`
	Source      string   `json:"source" enum:"planner,estimate" doc:"planner: from the route planner's timetable; estimate: from distance and typical mode speeds"`
}

// BulkLine is a line of the B2B declaration of an inbound shipment.
type BulkLine struct {
	SKU           string `json:"sku"`
	Description   string `json:"description"`
	HSCode        string `json:"hs_code"`
	OriginCountry string `json:"origin_country"`
	Quantity      int    `json:"quantity"`
	NetWeightG    int    `json:"net_weight_g"`
	Value         string `json:"value"`
}

// BulkDeclaration is the single customs declaration of an inbound
// consolidated shipment (B2B, category sale of goods), one line per SKU.
type BulkDeclaration struct {
	Category        string     `json:"category"`
	Currency        string     `json:"currency"`
	Importer        string     `json:"importer" doc:"The merchant, importing into the warehouse's country"`
	Reference       string     `json:"reference,omitempty" doc:"Customs' reference for the lodged declaration"`
	Lines           []BulkLine `json:"lines"`
	TotalValue      string     `json:"total_value"`
	TotalValueSDR   string     `json:"total_value_sdr"`
	TotalNetWeightG int        `json:"total_net_weight_g"`
}

// Clearance is customs' decision on an inbound shipment.
type Clearance struct {
	Decision  string    `json:"decision" enum:"released,held"`
	Reference string    `json:"reference,omitempty" maxLength:"60" doc:"Customs declaration or decision number"`
	Note      string    `json:"note,omitempty" maxLength:"300"`
	By        string    `json:"by,omitempty" readOnly:"true"`
	At        time.Time `json:"at" readOnly:"true"`
}

// ReceiptLine is what was found of one SKU when an inbound was received.
type ReceiptLine struct {
	SKU     string `json:"sku"`
	Advised int    `json:"advised" readOnly:"true" doc:"Units the merchant advised"`
	Counted int    `json:"counted" minimum:"0" doc:"Good units counted in"`
	Damaged int    `json:"damaged,omitempty" minimum:"0" doc:"Damaged units, not put into stock"`
	Bin     string `json:"bin,omitempty" doc:"Bin the SKU is put away to; empty = its current bin or the first free one of a fitting zone"`
}

// Discrepancy kinds.
const (
	DiscrepancyShort   = "short"   // fewer units arrived than advised
	DiscrepancyOver    = "over"    // more units arrived than advised (or a SKU not advised)
	DiscrepancyDamaged = "damaged" // units arrived damaged
)

// Discrepancy is a difference between advice and receipt, reported to the merchant.
type Discrepancy struct {
	SKU      string `json:"sku"`
	Kind     string `json:"kind" enum:"short,over,damaged"`
	Quantity int    `json:"quantity"`
}

// Receipt is the record of receiving an inbound shipment.
type Receipt struct {
	Lines         []ReceiptLine `json:"lines"`
	Discrepancies []Discrepancy `json:"discrepancies"`
	Note          string        `json:"note,omitempty"`
	By            string        `json:"by,omitempty"`
	ReceivedAt    time.Time     `json:"received_at"`
}

// Inbound is a consolidated B2B shipment from a merchant's origin office to
// a warehouse.
type Inbound struct {
	ID              string           `json:"id" example:"INB-7KQ2M9XD4T"`
	Merchant        string           `json:"merchant"`
	Reference       string           `json:"reference,omitempty" doc:"The merchant's reference, e.g. its purchase order"`
	Origin          string           `json:"origin" doc:"Office the goods leave from"`
	Warehouse       string           `json:"warehouse"`
	Status          InboundStatus    `json:"status" enum:"booked,cleared,received"`
	CustomsRequired bool             `json:"customs_required" doc:"True when the goods cross a border into the warehouse's country: customs must release them before receipt"`
	Packages        []Package        `json:"packages"`
	Corridor        Corridor         `json:"corridor" doc:"The chosen corridor"`
	Alternatives    []Corridor       `json:"alternatives,omitempty" doc:"Other corridors the planner proposed"`
	ETA             time.Time        `json:"eta"`
	Declaration     *BulkDeclaration `json:"declaration,omitempty"`
	Clearance       *Clearance       `json:"clearance,omitempty"`
	Receipt         *Receipt         `json:"receipt,omitempty"`
	CreatedAt       time.Time        `json:"created_at"`
}

// Advised returns the advised units per SKU, summed over packages.
func (in Inbound) Advised() map[string]int {
	m := map[string]int{}
	for _, p := range in.Packages {
		for _, l := range p.Lines {
			m[l.SKU] += l.Quantity
		}
	}
	return m
}

// Discrepancies compares counted lines with the advice: one entry per SKU
// and kind, sorted by SKU.
func Discrepancies(advised map[string]int, lines []ReceiptLine) []Discrepancy {
	got := map[string]ReceiptLine{}
	skus := []string{}
	for sku := range advised {
		skus = append(skus, sku)
	}
	for _, l := range lines {
		if _, ok := advised[l.SKU]; !ok {
			skus = append(skus, l.SKU)
		}
		got[l.SKU] = l
	}
	slices.Sort(skus)
	skus = slices.Compact(skus)
	out := []Discrepancy{}
	for _, sku := range skus {
		l := got[sku]
		arrived := l.Counted + l.Damaged
		switch a := advised[sku]; {
		case arrived < a:
			out = append(out, Discrepancy{SKU: sku, Kind: DiscrepancyShort, Quantity: a - arrived})
		case arrived > a:
			out = append(out, Discrepancy{SKU: sku, Kind: DiscrepancyOver, Quantity: arrived - a})
		}
		if l.Damaged > 0 {
			out = append(out, Discrepancy{SKU: sku, Kind: DiscrepancyDamaged, Quantity: l.Damaged})
		}
	}
	return out
}

// InboundFilter selects inbound shipments, oldest first.
type InboundFilter struct {
	Merchant, Warehouse string
	Status              InboundStatus
	After               int64
	Limit               int
}

// notReceivable says why an inbound can't be received in its state.
func notReceivable(in Inbound) error {
	switch in.Status {
	case InboundReceived:
		return fmt.Errorf("inbound %s was already received at %s", in.ID, in.Receipt.ReceivedAt.Format(time.RFC3339))
	case InboundBooked:
		if !in.CustomsRequired {
			return nil
		}
		return fmt.Errorf("inbound %s is an import into %s and customs has not released it yet; record the clearance first", in.ID, in.Warehouse)
	}
	return nil
}
