package warehouse

import (
	"context"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/network"
)

// Store is what the warehouse service needs from persistence. Methods
// return postal errors: not_found for missing objects, conflict for clashes
// with stored state, internal otherwise.
type Store interface {
	CatalogStore
	InboundStore
	StockStore
	OrderStore
	// Office returns an office, or not_found (network.OfficeStore).
	Office(ctx context.Context, code string) (network.Office, error)
	// Merchant returns a merchant, or not_found (acceptance.Store).
	Merchant(ctx context.Context, code string) (acceptance.Merchant, error)
}

// CatalogStore keeps warehouses and SKUs.
type CatalogStore interface {
	// PutWarehouse creates or replaces a warehouse's layout and coverage.
	PutWarehouse(ctx context.Context, w Warehouse) error
	// Warehouse returns a warehouse, or not_found.
	Warehouse(ctx context.Context, code string) (Warehouse, error)
	// Warehouses lists warehouses by code.
	Warehouses(ctx context.Context) ([]Warehouse, error)
	// PutSKUs creates or updates SKUs, all or none; an unknown merchant is not_found.
	PutSKUs(ctx context.Context, skus []SKU) error
	// SKUs returns a merchant's SKUs by code; with codes, only those (missing
	// ones are simply absent).
	SKUs(ctx context.Context, merchant string, codes ...string) ([]SKU, error)
}

// InboundStore keeps inbound shipments.
type InboundStore interface {
	// CreateInbound stores a new inbound; a duplicate id is a conflict.
	CreateInbound(ctx context.Context, in Inbound) error
	// Inbound returns an inbound, or not_found.
	Inbound(ctx context.Context, id string) (Inbound, error)
	// Inbounds lists inbounds in booking order with the next page's cursor.
	Inbounds(ctx context.Context, f InboundFilter) ([]Inbound, string, error)
	// UpdateInbound applies change to the stored inbound under a lock and
	// saves it (not_found for an unknown id; change's error aborts).
	UpdateInbound(ctx context.Context, id string, change func(*Inbound) error) (Inbound, error)
	// ReceiveInbound, in one transaction, lets receive set in.Receipt and
	// in.Status (it returns false to leave the inbound as it is, e.g. for a
	// replayed receipt), then books every receipt line's counted units on
	// hand with a receipt movement and puts the SKU in the line's bin if it
	// has none yet.
	ReceiveInbound(ctx context.Context, id string, at time.Time, receive func(*Inbound) (bool, error)) (Inbound, error)
}

// StockStore keeps stock and its ledger.
type StockStore interface {
	// Stock lists stock rows matching f, by warehouse, merchant and SKU.
	Stock(ctx context.Context, f StockFilter, skus ...string) ([]Stock, error)
	// Movements lists ledger entries oldest first, with the next page's cursor.
	Movements(ctx context.Context, f MovementFilter) ([]Movement, string, error)
	// VerifyLedger recomputes on hand and reserved of every stock row from
	// the ledger and returns the rows that differ (none, in a healthy store).
	VerifyLedger(ctx context.Context) ([]LedgerMismatch, error)
	// RecordCount sets on hand of each counted SKU to the count, booking the
	// difference as a count movement, and stores c with Expected, Adjustment
	// and Bin filled in. A count below the reserved units fails with
	// CountBelowReserved and changes nothing.
	RecordCount(ctx context.Context, c CycleCount) (CycleCount, error)
	// Demand sums units reserved minus units released per warehouse,
	// merchant and SKU since a time.
	Demand(ctx context.Context, merchant string, since time.Time) ([]Demand, error)
}

// OrderStore keeps orders and pick lists.
type OrderStore interface {
	// CreateOrder stores an order and reserves every parcel line in one
	// transaction: all or none. A line with less available than asked fails
	// with an error wrapping ErrInsufficientStock. With an idempotency key
	// already used by the merchant the stored order is returned
	// (created=false), or ErrOrderKeyMismatch for another request hash; a
	// merchant order id already used is a conflict.
	CreateOrder(ctx context.Context, n NewOrder) (o Order, created bool, err error)
	// Order returns an order, or not_found.
	Order(ctx context.Context, id string) (Order, error)
	// OrderByKey returns the order a merchant created with an idempotency
	// key and that request's hash, or not_found.
	OrderByKey(ctx context.Context, merchant, key string) (Order, string, error)
	// Orders lists orders in creation order with the next page's cursor.
	Orders(ctx context.Context, f OrderFilter) ([]Order, string, error)
	// CountOrders counts the orders f selects, at most upTo of them
	// (exact=false when there are more).
	CountOrders(ctx context.Context, f OrderFilter, upTo int) (n int64, exact bool, err error)
	// CancelOrder cancels every parcel of an order and releases their
	// reservations; conflict if any parcel is already being picked or packed.
	CancelOrder(ctx context.Context, id string, at time.Time) (Order, error)
	// CreatePickList takes up to max reserved parcels at a warehouse, oldest
	// first, lets build make the pick list, stores it and marks the parcels
	// picking. ErrNothingToPick when none is waiting.
	CreatePickList(ctx context.Context, warehouse string, max int, at time.Time, build func([]PickParcel) PickList) (PickList, error)
	// PickList returns a pick list, or not_found.
	PickList(ctx context.Context, id string) (PickList, error)
	// PackParcel marks a picking parcel packed as postal item item and
	// ships its stock (on hand and reserved both go down). Packing a parcel
	// already packed as the same item returns the order unchanged.
	PackParcel(ctx context.Context, order string, no int, item string, at time.Time) (Order, error)
}
