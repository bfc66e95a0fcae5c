package returns

import (
	"context"
	"strings"
	"time"
)

// Kind is why an item goes back.
type Kind string

// Kinds of return.
const (
	KindUndeliverable Kind = "undeliverable"  // inbound item: refused, unknown addressee, not collected
	KindCustomsImport Kind = "customs_import" // inbound item refused by our import customs
	KindCustomsExport Kind = "customs_export" // our item refused by export customs: it never left
	KindMerchant      Kind = "merchant"       // our item recalled by its merchant
	KindAbroad        Kind = "abroad"         // our item sent back by the destination post
)

// Kinds lists every kind.
var Kinds = []Kind{KindUndeliverable, KindCustomsImport, KindCustomsExport, KindMerchant, KindAbroad}

// Direction is where a return goes.
type Direction string

// Directions.
const (
	// ToOrigin: a partner post's item goes back to it, in our outward
	// dispatch to its office of exchange.
	ToOrigin Direction = "to_origin"
	// ToSender: our own item comes back to its merchant (or the merchant's
	// warehouse).
	ToSender Direction = "to_sender"
)

// Status is where a return stands.
type Status string

// Statuses, in order.
const (
	// StatusRequested: the merchant recalled an item that had left the
	// country; the destination post has not sent it back yet.
	StatusRequested Status = "requested"
	// StatusReturning: decided, on its way back (to the origin post: not
	// in a dispatch yet).
	StatusReturning Status = "returning"
	// StatusDispatched: to the origin post, in our outward dispatch (EMB).
	StatusDispatched Status = "dispatched"
	// StatusDeparted: to the origin post, the dispatch left (EMC).
	StatusDeparted Status = "departed"
	// StatusReceived: back at one of our offices, waiting for the merchant.
	StatusReceived Status = "received"
	// StatusDelivered: handed back to the merchant/sender (EMI), or
	// delivered to the sender by the origin post.
	StatusDelivered Status = "delivered"
	// StatusRestocked: received into the merchant's warehouse after
	// inspection.
	StatusRestocked Status = "restocked"
)

// Statuses lists every status.
var Statuses = []Status{StatusRequested, StatusReturning, StatusDispatched, StatusDeparted, StatusReceived, StatusDelivered, StatusRestocked}

// Closed reports whether nothing more happens to a return.
func (s Status) Closed() bool { return s == StatusDelivered || s == StatusRestocked }

// Prefix begins every return id.
const Prefix = "RET-"

// ID is the return id of an item: one return per item.
func ID(item string) string { return Prefix + item }

// ItemOf is the item of a return id (or the item id given itself).
func ItemOf(id string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(id)), Prefix)
}

// Return is an item going back.
type Return struct {
	ID        string
	Item      string // S10, the original's, kept on the way back
	Kind      Kind
	Direction Direction
	Status    Status
	Reason    string
	Merchant  string // ToSender: the item's merchant
	Partner   string // ToOrigin: the origin post (JPPOST)
	Office    string // our office where the return was decided
	ReturnTo  string // ToOrigin: the origin office of exchange; ToSender: the merchant's office
	Origin    string // country the item travels back from
	Dest      string // country it goes back to
	Product   string
	WeightG   int
	CreatedAt time.Time
	CreatedBy string
	// Back at one of our offices (ToSender).
	ReceivedAt     time.Time
	ReceivedOffice string
	// Closed: delivered to the sender, or restocked.
	ClosedAt     time.Time
	ClosedOffice string
	Signatory    string
	Warehouse    string
	Lines        []Line // the inspection, when restocked
	// The charge posted (empty when the tariff has none yet).
	Charge         string // decimal amount
	ChargeCurrency string
	ChargeDebtor   string
}

// Line is one SKU of a returned parcel as inspected at the warehouse.
type Line struct {
	SKU        string
	Resaleable int // back into available stock
	Damaged    int // written off (not put into stock)
}

// Filter selects returns; zero fields select every return.
type Filter struct {
	Merchant  string
	Partner   string
	Kind      Kind
	Direction Direction
	Status    Status
	Limit     int // 0: 100
}

// Store keeps returns.
type Store interface {
	// CreateReturn stores r unless its item has a return already; created
	// says which, and the stored return is returned either way.
	CreateReturn(ctx context.Context, r Return) (Return, bool, error)
	// Return returns a return by id, or not_found.
	Return(ctx context.Context, id string) (Return, error)
	// Returns lists returns matching f, newest first.
	Returns(ctx context.Context, f Filter) ([]Return, error)
	// UpdateReturn saves r's status, receipt, closing and charge fields.
	// not_found if it was never added.
	UpdateReturn(ctx context.Context, r Return) error
	// RestockReturn saves r (restocked, with its Lines) and books each
	// line's resaleable units into r.Warehouse's stock of r.Merchant
	// (movement reason "return", ref r.ID), in one transaction.
	RestockReturn(ctx context.Context, r Return) error
}
