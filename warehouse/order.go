package warehouse

import (
	"fmt"
	"github.com/interpost/interpost/paging"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// ServiceLevel is how fast and how tracked a buyer's parcel travels; it
// decides the postal product of the parcel (see Product).
type ServiceLevel string

// Service levels.
const (
	LevelEconomy  ServiceLevel = "economy"  // small packet (untracked) up to 2 kg, else parcel
	LevelStandard ServiceLevel = "standard" // e-packet (tracked) up to 2 kg, else parcel
	LevelExpress  ServiceLevel = "express"  // EMS
)

// Product returns the postal product for a parcel of weightG grams worth
// valueSDR at this service level.
func (l ServiceLevel) Product(weightG int, valueSDR float64) postal.Product {
	switch {
	case l == LevelExpress:
		return postal.ProductEMS
	case weightG > 2000:
		return postal.ProductParcel
	case l == LevelEconomy && valueSDR <= 300:
		return postal.ProductSmallPacket
	case valueSDR <= 1000:
		return postal.ProductEPacket
	}
	return postal.ProductParcel
}

// OrderRequest is what a merchant sends to place a B2C order.
type OrderRequest struct {
	Merchant        string           `json:"merchant,omitempty" doc:"Merchant code; only admins and operators set it, merchants' keys imply it"`
	MerchantOrderID string           `json:"merchant_order_id" maxLength:"64" doc:"The merchant's order number, unique per merchant" example:"SHOP-10001"`
	Buyer           acceptance.Party `json:"buyer"`
	Lines           []SKULine        `json:"lines" minItems:"1" maxItems:"50"`
	ServiceLevel    ServiceLevel     `json:"service_level,omitempty" enum:"economy,standard,express" doc:"Default standard"`
}

// ParcelStatus is where one warehouse's part of an order is.
type ParcelStatus string

// Parcel statuses.
const (
	ParcelReserved  ParcelStatus = "reserved"  // stock reserved, waiting for a pick list
	ParcelPicking   ParcelStatus = "picking"   // on a pick list; can no longer be cancelled
	ParcelPacked    ParcelStatus = "packed"    // packed, postal item created, stock shipped
	ParcelCancelled ParcelStatus = "cancelled" // cancelled before pick; reservation released
)

// Parcel is the part of an order one warehouse fulfils.
type Parcel struct {
	No           int          `json:"no" doc:"1, 2, … within the order"`
	Warehouse    string       `json:"warehouse"`
	Status       ParcelStatus `json:"status" enum:"reserved,picking,packed,cancelled"`
	DeliveryDays int          `json:"delivery_days"`
	Lines        []SKULine    `json:"lines"`
	PickList     string       `json:"pick_list,omitempty"`
	ItemID       postal.S10   `json:"item_id,omitempty" doc:"S10 id of the postal item, once packed"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// Order statuses: reserved, picking (some parcel picked or packed, not all
// packed), packed, cancelled.
const (
	OrderReserved  = "reserved"
	OrderPicking   = "picking"
	OrderPacked    = "packed"
	OrderCancelled = "cancelled"
)

// Order is a B2C order fulfilled from one or more warehouses.
type Order struct {
	ID              string           `json:"id" example:"ORD-7KQ2M9XD4T"`
	Merchant        string           `json:"merchant"`
	MerchantOrderID string           `json:"merchant_order_id"`
	Status          string           `json:"status" enum:"reserved,picking,packed,cancelled"`
	ServiceLevel    ServiceLevel     `json:"service_level"`
	Buyer           acceptance.Party `json:"buyer"`
	Lines           []SKULine        `json:"lines"`
	Parcels         []Parcel         `json:"parcels"`
	CreatedAt       time.Time        `json:"created_at"`
}

// StatusOf derives an order's status from its parcels.
func StatusOf(parcels []Parcel) string {
	n := map[ParcelStatus]int{}
	for _, p := range parcels {
		n[p.Status]++
	}
	switch len(parcels) {
	case n[ParcelCancelled]:
		return OrderCancelled
	case n[ParcelPacked]:
		return OrderPacked
	case n[ParcelReserved]:
		return OrderReserved
	}
	return OrderPicking
}

// NewOrder is an order ready to be stored with its reservations.
type NewOrder struct {
	Order          Order
	IdempotencyKey string
	RequestHash    string
}

// OrderFilter selects orders: oldest first after After when Sort is ""
// (the console's older list), else in Sort order after Key with the
// list's filters (FindOrders).
type OrderFilter struct {
	Merchant    string
	Status      string
	After       int64
	Limit       int
	Warehouses  []string  // any of the order's parcels at one of them
	Destination string    // the buyer's country
	Since       time.Time // created at or after
	Until       time.Time // created before
	StuckBefore time.Time // reserved or picking, unchanged since before this
	Search      string    // folded prefix (latin.SearchKey) of a term of Order.Terms
	Sort        string    // one of OrderSorts; "" = oldest first after After
	Key         *paging.Key
}

// ErrOrderKeyMismatch is returned when an Idempotency-Key is reused with a different order.
var ErrOrderKeyMismatch = postal.Errorf(postal.CodeConflict, "this Idempotency-Key was already used with a different order; use a new key for a new order")

// PickLine is one stop on a pick list.
type PickLine struct {
	Bin      string `json:"bin"`
	Merchant string `json:"merchant"`
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	Order    string `json:"order"`
	Parcel   int    `json:"parcel"`
}

// PickList is a batch of parcels a picker collects in one walk, lines in bin order.
type PickList struct {
	ID        string     `json:"id" example:"PCK-7KQ2M9XD4T"`
	Warehouse string     `json:"warehouse"`
	Parcels   int        `json:"parcels"`
	Lines     []PickLine `json:"lines"`
	CreatedAt time.Time  `json:"created_at"`
}

// PickParcel is a reserved parcel offered to a pick list, with the bin of
// each of its SKUs.
type PickParcel struct {
	Order    string
	Merchant string
	Parcel   Parcel
	Bins     map[string]string // SKU → bin
}

// ErrNothingToPick is returned when a warehouse has no reserved parcels.
var ErrNothingToPick = postal.Errorf(postal.CodeNotFound, "no reserved orders are waiting to be picked here")

// validateOrder checks the request's own fields (not stock or SKUs).
func validateOrder(r OrderRequest) error {
	var fe postal.FieldList
	switch n := utf8.RuneCountInString(strings.TrimSpace(r.MerchantOrderID)); {
	case n == 0:
		fe.Add("merchant_order_id", "required: the merchant's own order number")
	case n > 64:
		fe.Add("merchant_order_id", "longer than 64 characters")
	}
	text := func(field, v string, max int) {
		switch n := utf8.RuneCountInString(strings.TrimSpace(v)); {
		case n == 0:
			fe.Add(field, "required")
		case n > max:
			fe.Add(field, "longer than %d characters", max)
		}
	}
	text("buyer.name", r.Buyer.Name, 100)
	text("buyer.address", r.Buyer.Address, 200)
	text("buyer.city", r.Buyer.City, 100)
	switch {
	case r.Buyer.Country == "":
		fe.Add("buyer.country", "required (ISO 3166-1 alpha-2, e.g. \"PL\")")
	case !postal.ValidCountry(r.Buyer.Country):
		fe.Add("buyer.country", "%q is not an ISO 3166-1 alpha-2 country code", r.Buyer.Country)
	}
	if len(r.Buyer.Postcode) > 20 {
		fe.Add("buyer.postcode", "longer than 20 characters")
	} else if postal.ValidCountry(r.Buyer.Country) {
		// The parcel becomes a postal item: refuse now what acceptance
		// would refuse at packing (postcode form, a name with no Latin form).
		acceptance.CheckAddress(&fe, "buyer", r.Buyer, true)
	}
	switch r.ServiceLevel {
	case "", LevelEconomy, LevelStandard, LevelExpress:
	default:
		fe.Add("service_level", "%q is not one of economy, standard, express", r.ServiceLevel)
	}
	if len(r.Lines) == 0 {
		fe.Add("lines", "at least one line")
	}
	if len(r.Lines) > 50 {
		fe.Add("lines", "at most 50 lines, got %d", len(r.Lines))
	}
	seen := map[string]int{}
	for i, l := range r.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		if !ValidSKUCode(l.SKU) {
			fe.Add(p+"sku", "%q is not a SKU code", l.SKU)
		} else if j, dup := seen[l.SKU]; dup {
			fe.Add(p+"sku", "%s is already on line %d; put the whole quantity on one line", l.SKU, j)
		}
		seen[l.SKU] = i
		if l.Quantity < 1 || l.Quantity > 10000 {
			fe.Add(p+"quantity", "must be 1 to 10000, got %d", l.Quantity)
		}
	}
	return fe.Err("the order has invalid fields")
}
