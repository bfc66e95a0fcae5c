package warehouse

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/listing"
	"github.com/interpost/interpost/paging"
)

// Sort orders of the orders list: a column, descending with a leading "-".
// The list is newest first unless asked otherwise.
const (
	OrderSortCreated     = "created"
	OrderSortUpdated     = "updated" // when the status last changed
	OrderSortStatus      = "status"
	OrderSortDestination = "destination"
	OrderDefaultSort     = "-" + OrderSortCreated
)

// OrderSorts lists the sort orders the orders list accepts.
var OrderSorts = []string{"-created", "created", "-updated", "updated", "-status", "status", "-destination", "destination"}

// OrderStatuses lists the statuses an order can be in.
var OrderStatuses = []string{OrderReserved, OrderPicking, OrderPacked, OrderCancelled}

// OrderQuery is what an orders list asks for, as the API, the console and
// the exports take it. Zero values mean "any".
type OrderQuery struct {
	Merchant    string
	Status      string
	Warehouse   string // a warehouse holding one of the order's parcels
	Destination string // the buyer's country, ISO 3166-1 alpha-2
	From, To    time.Time
	StuckDays   int    // only reserved or picking orders unchanged for more than this many days
	Search      string // prefix of the order id, the merchant's order id or the buyer's name
	Sort        string // one of OrderSorts; "" = OrderDefaultSort
	Limit       int
	Cursor      string
}

// OrderPage is one page of an orders list with the total of the whole list.
type OrderPage struct {
	Items      []Order
	NextCursor string
	Total      int64
	TotalExact bool // false: more than Total (listing.CountCap) match
}

// FindOrders returns a page of the orders q selects, in q.Sort order, for
// who: merchant keys see only their merchant, operators only orders with a
// parcel at a warehouse of their key. A filter value that is not allowed
// is an invalid-argument error naming the field and the allowed values.
func (s *Service) FindOrders(ctx context.Context, who auth.Principal, q OrderQuery) (OrderPage, error) {
	f, err := s.orderFilter(who, q)
	if err != nil {
		return OrderPage{}, err
	}
	if f.Limit, f.Key, err = listing.Page(q.Limit, 50, q.Cursor, f.Sort); err != nil {
		return OrderPage{}, err
	}
	items, next, err := s.Store.Orders(ctx, f)
	if err != nil {
		return OrderPage{}, err
	}
	n, exact, err := s.Store.CountOrders(ctx, f, listing.CountCap)
	if err != nil {
		return OrderPage{}, err
	}
	return OrderPage{Items: items, NextCursor: next, Total: n, TotalExact: exact}, nil
}

// OrderExportColumns are the columns of an orders export, in order.
var OrderExportColumns = []string{"id", "merchant", "merchant_order_id", "status", "service_level", "buyer", "destination",
	"warehouses", "items", "parcels", "created_at"}

// ExportRow is o as a row of OrderExportColumns.
func (o Order) ExportRow() []string {
	var whs, items []string
	for _, p := range o.Parcels {
		whs = append(whs, p.Warehouse)
		if p.ItemID != "" {
			items = append(items, string(p.ItemID))
		}
	}
	return []string{o.ID, o.Merchant, o.MerchantOrderID, o.Status, string(o.ServiceLevel), o.Buyer.Name, o.Buyer.Country,
		strings.Join(whs, " "), strings.Join(items, " "), strconv.Itoa(len(o.Parcels)), o.CreatedAt.UTC().Format(time.RFC3339)}
}

// ExportOrders writes the orders q selects for who (q.Limit and q.Cursor
// ignored) through write (export.Write bound to a writer and format). More
// than listing.ExportMax matching orders is an invalid-argument error
// asking for a narrower filter, before anything is written.
func (s *Service) ExportOrders(ctx context.Context, who auth.Principal, q OrderQuery, write func(header []string, rows func(emit func([]string) error) error) error) error {
	f, err := s.orderFilter(who, q)
	if err != nil {
		return err
	}
	return write(OrderExportColumns, func(emit func([]string) error) error {
		return listing.Walk(listing.ExportMax, "orders", f.Sort,
			func(upTo int) (int64, bool, error) { return s.Store.CountOrders(ctx, f, upTo) },
			func(limit int, key *paging.Key) ([]Order, string, error) {
				f.Limit, f.Key = limit, key
				return s.Store.Orders(ctx, f)
			},
			func(o Order) error { return emit(o.ExportRow()) })
	})
}

func (s *Service) orderFilter(who auth.Principal, q OrderQuery) (OrderFilter, error) {
	merchant, err := who.MerchantScope(q.Merchant, readRefusals)
	if err != nil {
		return OrderFilter{}, err
	}
	var c listing.Checker
	f := OrderFilter{Merchant: merchant, Since: q.From, Until: q.To}
	f.Status = c.OneOf("query.status", "status", q.Status, OrderStatuses)
	f.Sort = c.Sort(q.Sort, OrderDefaultSort, OrderSorts)
	f.Destination = c.Country("query.destination", q.Destination)
	if f.Warehouses, err = c.Office(who, q.Warehouse, false); err != nil {
		return OrderFilter{}, err
	}
	c.Range(q.From, q.To)
	if q.StuckDays != 0 {
		f.StuckBefore = c.Stuck(q.StuckDays, s.now())
	}
	f.Search = c.Search(q.Search)
	return f, c.Err("bad orders filter")
}

// Terms returns the keys o is found under by prefix search: its id, the
// merchant's order id and the buyer's name (and its Latin form), folded
// (case, accents, pinyin).
func (o Order) Terms() []string {
	var t listing.Terms
	t.AddID(o.ID, o.MerchantOrderID)
	t.AddName(o.Buyer.Name, o.Buyer.NameLatin)
	return t
}
