package warehouse

import (
	"fmt"
	"time"

	"github.com/interpost/interpost/postal"
)

// Stock is what a warehouse holds of one merchant's SKU.
type Stock struct {
	Warehouse string `json:"warehouse"`
	Merchant  string `json:"merchant"`
	SKU       string `json:"sku"`
	Bin       string `json:"bin,omitempty" doc:"Bin location the SKU is kept in"`
	OnHand    int    `json:"on_hand" doc:"Units physically in the warehouse"`
	Reserved  int    `json:"reserved" doc:"Units reserved by open orders (not yet packed)"`
	Available int    `json:"available" doc:"on_hand - reserved: what new orders may take"`
}

// Reason says why stock moved.
type Reason string

// Movement reasons. Each names the reference it carries.
const (
	ReasonReceipt Reason = "receipt" // inbound received; ref = inbound id
	ReasonReserve Reason = "reserve" // order placed; ref = order id
	ReasonRelease Reason = "release" // order cancelled before pick; ref = order id
	ReasonShip    Reason = "ship"    // parcel packed and handed to the post; ref = order id/parcel
	ReasonCount   Reason = "count"   // cycle count adjustment; ref = count id
	ReasonReturn  Reason = "return"  // returned parcel restocked after inspection; ref = return id
)

// Movement is one entry of the stock ledger. On hand and reserved of a stock
// row are the sums of its movements' deltas.
type Movement struct {
	Seq           int64     `json:"seq"`
	At            time.Time `json:"at"`
	Warehouse     string    `json:"warehouse"`
	Merchant      string    `json:"merchant"`
	SKU           string    `json:"sku"`
	OnHandDelta   int       `json:"on_hand_delta"`
	ReservedDelta int       `json:"reserved_delta"`
	Reason        Reason    `json:"reason" enum:"receipt,reserve,release,ship,count,return"`
	Ref           string    `json:"ref" doc:"Inbound, order or count id the movement belongs to"`
}

// StockFilter selects stock rows; empty fields match everything.
type StockFilter struct {
	Warehouse, Merchant, SKU string
}

// MovementFilter selects ledger entries, oldest first.
type MovementFilter struct {
	Warehouse, Merchant, SKU, Ref string
	After                         int64 // seq after which the page starts
	Limit                         int
}

// LedgerMismatch is a stock row whose numbers differ from its ledger's sums.
type LedgerMismatch struct {
	Warehouse      string `json:"warehouse"`
	Merchant       string `json:"merchant"`
	SKU            string `json:"sku"`
	OnHand         int    `json:"on_hand"`
	Reserved       int    `json:"reserved"`
	LedgerOnHand   int    `json:"ledger_on_hand"`
	LedgerReserved int    `json:"ledger_reserved"`
}

// Demand is what orders took of a SKU at a warehouse in a period: units
// reserved minus units released by cancellations.
type Demand struct {
	Warehouse, Merchant, SKU string
	Units                    int
}

// CountLine is one SKU counted in a cycle count.
type CountLine struct {
	Merchant   string `json:"merchant,omitempty" doc:"Owner of the SKU; merchant keys imply their own"`
	SKU        string `json:"sku"`
	Counted    int    `json:"counted" minimum:"0" doc:"Units found"`
	Bin        string `json:"bin,omitempty" readOnly:"true"`
	Expected   int    `json:"expected" readOnly:"true" doc:"On hand before the count"`
	Adjustment int    `json:"adjustment" readOnly:"true" doc:"counted - expected, booked to the ledger with reason count"`
}

// CycleCount is a cycle count: SKUs counted at a warehouse and the adjustments
// that set on hand to what was found.
type CycleCount struct {
	ID        string      `json:"id" example:"CNT-7KQ2M9XD4T"`
	Warehouse string      `json:"warehouse"`
	Note      string      `json:"note,omitempty"`
	By        string      `json:"by,omitempty" doc:"Key id of who recorded it"`
	Lines     []CountLine `json:"lines"`
	CountedAt time.Time   `json:"counted_at"`
}

// CountBelowReserved is the error a store returns when a count would leave
// fewer units on hand than open orders have reserved: those orders would be
// oversold. The count must be checked again, or the orders cancelled first.
func CountBelowReserved(line int, l CountLine, reserved int) error {
	return &postal.Error{Code: postal.CodeConflict, Message: "the count is below what open orders reserved", Fields: []postal.FieldError{{
		Field:   fmt.Sprintf("lines[%d].counted", line),
		Message: fmt.Sprintf("%s/%s counted %d but %d units are reserved by open orders; recount, or cancel orders first", l.Merchant, l.SKU, l.Counted, reserved),
	}}}
}

// ErrInsufficientStock is wrapped by the error a store returns when a
// reservation finds less available than asked: nothing was reserved.
var ErrInsufficientStock = postal.Errorf(postal.CodeConflict, "not enough stock")

// Short returns the insufficient-stock error for one stock row.
func Short(warehouse, merchant, sku string, qty int) error {
	return &postal.Error{Code: postal.CodeConflict, Err: ErrInsufficientStock,
		Message: fmt.Sprintf("not enough stock of %s/%s at %s to reserve %d; nothing was reserved", merchant, sku, warehouse, qty)}
}
