package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/warehouse"
)

func (s *Server) registerInbounds() {
	register(s, huma.Operation{
		OperationID: "book-inbound", Method: http.MethodPost, Path: "/v1/inbounds",
		Summary: "book an inbound shipment", Tags: []string{"Inbound"},
		Description:   "Books a consolidated B2B shipment of pallets and cartons from an origin office to a warehouse. The planner proposes the corridor (rail or sea for cost, air for speed); the bulk declaration for the single customs clearance is prepared from the SKUs. A reference already booked is refused naming the first inbound, so a retry can't book twice.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, merchantWriters, s.bookInbound)
	register(s, huma.Operation{
		OperationID: "list-inbounds", Method: http.MethodGet, Path: "/v1/inbounds",
		Summary: "list inbound shipments", Tags: []string{"Inbound"},
	}, warehouseReaders, s.listInbounds)
	register(s, huma.Operation{
		OperationID: "get-inbound", Method: http.MethodGet, Path: "/v1/inbounds/{id}",
		Summary: "get an inbound shipment", Tags: []string{"Inbound"},
		Description: "The inbound with its corridor, bulk declaration, customs clearance and, once received, the receipt and its discrepancy report (short, over, damaged per SKU).",
		Errors:      []int{http.StatusNotFound},
	}, warehouseReaders, s.getInbound)
	register(s, huma.Operation{
		OperationID: "record-inbound-clearance", Method: http.MethodPost, Path: "/v1/inbounds/{id}/clearance",
		Summary: "record customs' decision on an inbound", Tags: []string{"Inbound"},
		Description: "released lets the warehouse receive the goods; held keeps them waiting. Only imports (origin in another country) need it.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, []string{"admin", "customs"}, s.clearInbound)
	register(s, huma.Operation{
		OperationID: "receive-inbound", Method: http.MethodPost, Path: "/v1/inbounds/{id}/receipt",
		Summary: "receive an inbound shipment", Tags: []string{"Inbound"},
		Description: "Records what was counted in: good units go on hand (bins assigned), differences from the advice become the discrepancy report. The same receipt sent again returns the inbound; a different one is 409.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, warehouseAdmins, s.receiveInbound)
}

type bookInboundInput struct {
	Body warehouse.InboundRequest
}

type inboundOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     warehouse.Inbound
}

func (s *Server) bookInbound(ctx context.Context, in *bookInboundInput) (*inboundOutput, error) {
	ib, err := s.warehouses().BookInbound(ctx, principal(ctx), in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &inboundOutput{Status: http.StatusCreated, Location: "/v1/inbounds/" + ib.ID, Body: ib}, nil
}

type listInboundsInput struct {
	Merchant  string `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
	Warehouse string `query:"warehouse"`
	Status    string `query:"status" enum:"booked,cleared,received"`
	Limit     int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor    string `query:"cursor" doc:"next_cursor of the previous page"`
}

func (s *Server) listInbounds(ctx context.Context, in *listInboundsInput) (*page[warehouse.Inbound], error) {
	list, next, err := s.warehouses().Inbounds(ctx, principal(ctx), warehouse.InboundFilter{Merchant: in.Merchant, Warehouse: in.Warehouse,
		Status: warehouse.InboundStatus(in.Status), Limit: in.Limit}, in.Cursor)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return pageOf(list, next), nil
}

type inboundIDInput struct {
	ID string `path:"id" example:"INB-7KQ2M9XD4T"`
}

func (s *Server) getInbound(ctx context.Context, in *inboundIDInput) (*struct{ Body warehouse.Inbound }, error) {
	ib, err := s.warehouses().Inbound(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Inbound }{ib}, nil
}

type clearanceInput struct {
	ID   string `path:"id" example:"INB-7KQ2M9XD4T"`
	Body warehouse.Clearance
}

func (s *Server) clearInbound(ctx context.Context, in *clearanceInput) (*struct{ Body warehouse.Inbound }, error) {
	ib, err := s.warehouses().RecordClearance(ctx, principal(ctx), in.ID, in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Inbound }{ib}, nil
}

type receiptInput struct {
	ID   string `path:"id" example:"INB-7KQ2M9XD4T"`
	Body warehouse.ReceiptRequest
}

func (s *Server) receiveInbound(ctx context.Context, in *receiptInput) (*struct{ Body warehouse.Inbound }, error) {
	ib, err := s.warehouses().Receive(ctx, principal(ctx), in.ID, in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Inbound }{ib}, nil
}
