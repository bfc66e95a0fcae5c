package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/warehouse"
)

func (s *Server) registerOrders() {
	register(s, huma.Operation{
		OperationID: "create-order", Method: http.MethodPost, Path: "/v1/orders",
		Summary: "place a B2C order", Tags: []string{"Orders"},
		Description: "Chooses the warehouses (the fastest one holding the whole order; else a split over the serving warehouses fastest first, at most 3 parcels) and reserves the stock of every line, all or none. " +
			"409 when stock is short (nothing reserved), 404 for a SKU the merchant doesn't have, 422 naming buyer.country when no warehouse serves it. With an Idempotency-Key a retry answers 200 with the first order.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, merchantWriters, s.createOrder)
	register(s, huma.Operation{
		OperationID: "list-orders", Method: http.MethodGet, Path: "/v1/orders",
		Summary: "list orders", Tags: []string{"Orders"},
		Description: "Newest first unless sort says otherwise; filters combine (AND). total counts the whole filtered list up to 1,000 " +
			"(total_exact false past it). A filter value that is not allowed is 422 naming the field and the allowed values.",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, warehouseReaders, s.listOrders)
	register(s, huma.Operation{
		OperationID: "export-orders", Method: http.MethodGet, Path: "/v1/orders/export",
		Summary: "export the orders list", Tags: []string{"Orders"},
		Description: "The orders the filters select (as GET /v1/orders takes them), in the list's order, as CSV (UTF-8) or XLSX: " +
			"one row per order. More than 100,000 matching orders is 422 asking for a narrower filter.",
		Responses: exportResponses(),
		Errors:    []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, warehouseReaders, s.exportOrders)
	register(s, huma.Operation{
		OperationID: "get-order", Method: http.MethodGet, Path: "/v1/orders/{id}",
		Summary: "get an order", Tags: []string{"Orders"}, Errors: []int{http.StatusNotFound},
	}, warehouseReaders, s.getOrder)
	register(s, huma.Operation{
		OperationID: "cancel-order", Method: http.MethodPost, Path: "/v1/orders/{id}/cancel",
		Summary: "cancel an order", Tags: []string{"Orders"},
		Description: "Cancels an order before any of its parcels is picked and releases its reservations; cancelling again returns the order. 409 once picking started.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, merchantWriters, s.cancelOrder)
	register(s, huma.Operation{
		OperationID: "create-pick-list", Method: http.MethodPost, Path: "/v1/warehouses/{code}/pick-lists",
		Summary: "create a pick list", Tags: []string{"Orders"},
		Description:   "Puts up to max_parcels reserved parcels of the warehouse, oldest first, on a pick list in bin order; they can no longer be cancelled. 404 when none is waiting.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, warehouseAdmins, s.createPickList)
	register(s, huma.Operation{
		OperationID: "get-pick-list", Method: http.MethodGet, Path: "/v1/pick-lists/{id}",
		Summary: "get a pick list", Tags: []string{"Orders"}, Errors: []int{http.StatusNotFound},
	}, warehouseAdmins, s.getPickList)
	register(s, huma.Operation{
		OperationID: "pack-parcel", Method: http.MethodPost, Path: "/v1/orders/{id}/parcels/{no}/pack",
		Summary: "pack a parcel", Tags: []string{"Orders"},
		Description: "Turns a picked parcel into a postal item through acceptance (S10 id, CN 22/CN 23 declaration from the SKUs; product from the service level and weight) and ships its stock. Packing again returns the same item.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, warehouseAdmins, s.packParcel)
	register(s, huma.Operation{
		OperationID: "get-parcel-label", Method: http.MethodGet, Path: "/v1/orders/{id}/parcels/{no}/label.pdf",
		Summary: "get a parcel's label", Tags: []string{"Orders"},
		Description: "The 100 × 150 mm label of a packed parcel, showing the warehouse as the dispatching office.",
		Responses: map[string]*huma.Response{"200": {Description: "PDF label", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, warehouseReaders, s.parcelLabel)
}

type createOrderInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Makes the POST safe to retry: a retry with the same key and body returns the first order (200); the same key with a different body is 409."`
	Body           warehouse.OrderRequest
}

type orderOutput struct {
	Status   int
	Location string `header:"Location"`
	Replayed bool   `header:"Idempotent-Replayed" doc:"true when this response repeats an earlier one for the same Idempotency-Key"`
	Body     warehouse.Order
}

func (s *Server) createOrder(ctx context.Context, in *createOrderInput) (*orderOutput, error) {
	o, created, err := s.warehouses().PlaceOrder(ctx, principal(ctx), in.Body, in.IdempotencyKey)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &orderOutput{Status: http.StatusCreated, Location: "/v1/orders/" + o.ID, Body: o}
	if !created {
		out.Status, out.Replayed = http.StatusOK, true
	}
	return out, nil
}

// OrderFilter is the orders list's filter, as the list and its export take it.
type OrderFilter struct {
	Merchant    string    `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
	Status      string    `query:"status" enum:"reserved,picking,packed,cancelled" doc:"Only orders in this status"`
	Warehouse   string    `query:"warehouse" doc:"Only orders with a parcel at this warehouse (operators see only the warehouses of their key)" example:"BELGGW"`
	Destination string    `query:"destination" doc:"Only orders to buyers in this country (ISO 3166-1 alpha-2)" example:"PL"`
	From        time.Time `query:"from" doc:"Only orders placed at or after this RFC 3339 time"`
	To          time.Time `query:"to" doc:"Only orders placed before this RFC 3339 time"`
	StuckDays   int       `query:"stuck_days" minimum:"0" maximum:"3650" doc:"Only reserved or picking orders none of whose parcels has changed for more than this many days"`
	Q           string    `query:"q" maxLength:"100" doc:"Prefix of the order id, the merchant's order id or the buyer's name (any word of it); case, accents and spacing are ignored and Chinese names match their pinyin (王小 = wangxiao)"`
	Sort        string    `query:"sort" enum:"-created,created,-updated,updated,-status,status,-destination,destination" default:"-created" doc:"Column to sort by, descending with a leading -; newest first by default. updated is when the status last changed."`
}

func (f OrderFilter) query() warehouse.OrderQuery {
	return warehouse.OrderQuery{Merchant: f.Merchant, Status: f.Status, Warehouse: f.Warehouse, Destination: f.Destination,
		From: f.From, To: f.To, StuckDays: f.StuckDays, Search: f.Q, Sort: f.Sort}
}

type listOrdersInput struct {
	OrderFilter
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page (of the same sort)"`
}

type orderPage struct {
	Items      []warehouse.Order `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page"`
	Total      int64             `json:"total" doc:"How many orders match the filter (all pages); at most 1000 unless total_exact"`
	TotalExact bool              `json:"total_exact" doc:"false when more than total orders match: the count stops at 1000"`
}

func (s *Server) listOrders(ctx context.Context, in *listOrdersInput) (*struct{ Body orderPage }, error) {
	q := in.query()
	q.Limit, q.Cursor = in.Limit, in.Cursor
	p, err := s.warehouses().FindOrders(ctx, principal(ctx), q)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	items := p.Items
	if items == nil {
		items = []warehouse.Order{}
	}
	return &struct{ Body orderPage }{orderPage{Items: items, NextCursor: p.NextCursor, Total: p.Total, TotalExact: p.TotalExact}}, nil
}

type exportOrdersInput struct {
	OrderFilter
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8) or xlsx"`
}

func (s *Server) exportOrders(ctx context.Context, in *exportOrdersInput) (*fileOutput, error) {
	return s.exportFile(ctx, "orders", in.Format, func(write func(header []string, rows func(func([]string) error) error) error) error {
		return s.warehouses().ExportOrders(ctx, principal(ctx), in.query(), write)
	})
}

type orderIDInput struct {
	ID string `path:"id" example:"ORD-7KQ2M9XD4T"`
}

func (s *Server) getOrder(ctx context.Context, in *orderIDInput) (*struct{ Body warehouse.Order }, error) {
	o, err := s.warehouses().Order(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Order }{o}, nil
}

func (s *Server) cancelOrder(ctx context.Context, in *orderIDInput) (*struct{ Body warehouse.Order }, error) {
	o, err := s.warehouses().CancelOrder(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Order }{o}, nil
}

type pickListInput struct {
	Code string `path:"code" example:"BELGGW"`
	Body struct {
		MaxParcels int `json:"max_parcels,omitempty" minimum:"1" maximum:"500" doc:"Most parcels on the list; default 50"`
	}
}

func (s *Server) createPickList(ctx context.Context, in *pickListInput) (*struct{ Body warehouse.PickList }, error) {
	pl, err := s.warehouses().CreatePickList(ctx, principal(ctx), in.Code, in.Body.MaxParcels)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.PickList }{pl}, nil
}

type pickListIDInput struct {
	ID string `path:"id" example:"PCK-7KQ2M9XD4T"`
}

func (s *Server) getPickList(ctx context.Context, in *pickListIDInput) (*struct{ Body warehouse.PickList }, error) {
	pl, err := s.warehouses().PickList(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.PickList }{pl}, nil
}

type parcelInput struct {
	ID string `path:"id" example:"ORD-7KQ2M9XD4T"`
	No int    `path:"no" minimum:"1" doc:"Parcel number within the order"`
}

type packInput struct {
	ID   string `path:"id" example:"ORD-7KQ2M9XD4T"`
	No   int    `path:"no" minimum:"1" doc:"Parcel number within the order"`
	Body warehouse.PackRequest
}

type packOutput struct {
	Body struct {
		Order warehouse.Order     `json:"order"`
		Item  acceptance.Shipment `json:"item" doc:"The postal item the parcel became"`
	}
}

func (s *Server) packParcel(ctx context.Context, in *packInput) (*packOutput, error) {
	o, sh, err := s.warehouses().Pack(ctx, principal(ctx), in.ID, in.No, in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &packOutput{}
	out.Body.Order, out.Body.Item = o, sh
	return out, nil
}

func (s *Server) parcelLabel(ctx context.Context, in *parcelInput) (*labelOutput, error) {
	sh, w, err := s.warehouses().ParcelItem(ctx, principal(ctx), in.ID, in.No)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	// The parcel leaves from the warehouse, whatever office the merchant
	// normally dispatches from.
	sh.OriginOffice = w.Code
	var buf bytes.Buffer
	if err := document.WriteLabel(&buf, document.ShipmentLabel(sh, w.Name, w.TZ)); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &labelOutput{
		ContentType:        "application/pdf",
		ContentDisposition: fmt.Sprintf(`inline; filename="%s.pdf"`, sh.ID),
		Body:               buf.Bytes(),
	}, nil
}
