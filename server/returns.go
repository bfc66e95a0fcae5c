package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/returns"
)

var (
	returnReaders  = []string{"admin", "operator", "customs", "merchant", "partner"}
	returnRecalls  = []string{"admin", "operator", "merchant"}
	returnHandlers = []string{"admin", "operator"}
)

func (s *Server) registerReturns() {
	tags := []string{"Returns"}
	register(s, huma.Operation{
		OperationID: "return-recall", Method: http.MethodPost, Path: "/v1/shipments/{id}/return", Summary: "recall an item: return it to the merchant", Tags: tags,
		DefaultStatus: http.StatusCreated,
		Description: "A merchant recalls one of its own items (others' are 404; admins and operators any). An item still with us (not departed) " +
			"is taken out of the outward flow at once (EXX \"returned to sender at the merchant's request\") and waits at its last office to be " +
			"handed back (status received); one that left is requested from the destination post (status requested) and charged when it comes " +
			"back through our inward receipt. A delivered, seized or returned item is 409; an item with a return already returns it. The return " +
			"charge (returns.csv, kind merchant) is posted to the ledger, debtor the merchant.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, returnRecalls, s.returnRecall)
	register(s, huma.Operation{
		OperationID: "return-list", Method: http.MethodGet, Path: "/v1/returns", Summary: "list returns, newest first", Tags: tags,
		Description: "Merchants see their own items' returns, partner posts the returns going back to them, staff all.",
		Errors:      []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, returnReaders, s.returnList)
	register(s, huma.Operation{
		OperationID: "return-get", Method: http.MethodGet, Path: "/v1/returns/{id}", Summary: "get a return by its id (RET-S10) or the item's S10 id", Tags: tags,
		Description: "With its progress read from the item's scans (in our outward dispatch, departed, delivered by the origin post). 404 outside the caller's scope.",
		Errors:      []int{http.StatusNotFound},
	}, returnReaders, s.returnGet)
	register(s, huma.Operation{
		OperationID: "return-deliver", Method: http.MethodPost, Path: "/v1/returns/{id}/deliver", Summary: "hand a returned item back to its merchant or sender", Tags: tags,
		Description: "Operators of the office: EMI with the signatory, so the item reads returned (never delivered) on its timeline, public page, " +
			"webhooks and the e2e report. Only a return of our own item that is back with us (received); again is harmless.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, returnHandlers, s.returnDeliver)
	register(s, huma.Operation{
		OperationID: "return-restock", Method: http.MethodPost, Path: "/v1/returns/{id}/restock", Summary: "receive a returned parcel back into the merchant's warehouse stock", Tags: tags,
		Description: "The warehouse inspects each SKU: resaleable units go back into available stock (movement reason return), damaged ones " +
			"are written off and kept on the return. Operators of the warehouse's office; the item gets EMI at the warehouse (returned).",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, returnHandlers, s.returnRestock)
}

type returnLineView struct {
	SKU        string `json:"sku"`
	Resaleable int    `json:"resaleable" minimum:"0"`
	Damaged    int    `json:"damaged" minimum:"0"`
}

// returnView is a return as the API shows it.
type returnView struct {
	ID             string           `json:"id" example:"RET-EE123456785CN"`
	Item           string           `json:"item" doc:"The original item: a return keeps its S10 id"`
	Kind           string           `json:"kind" enum:"undeliverable,customs_import,customs_export,merchant,abroad"`
	Direction      string           `json:"direction" enum:"to_origin,to_sender" doc:"to_origin: a partner's item back to its origin post; to_sender: our item back to its merchant"`
	Status         string           `json:"status" enum:"requested,returning,dispatched,departed,received,delivered,restocked"`
	Reason         string           `json:"reason"`
	Merchant       string           `json:"merchant,omitempty"`
	Partner        string           `json:"partner,omitempty" doc:"The origin post it goes back to"`
	Office         string           `json:"office,omitempty" doc:"Our office where the return was decided"`
	ReturnTo       string           `json:"return_to,omitempty" doc:"The origin office of exchange, or the merchant's office"`
	Product        string           `json:"product,omitempty"`
	WeightG        int              `json:"weight_g"`
	CreatedAt      time.Time        `json:"created_at"`
	ReceivedAt     time.Time        `json:"received_at,omitzero"`
	ReceivedOffice string           `json:"received_office,omitempty"`
	ClosedAt       time.Time        `json:"closed_at,omitzero"`
	ClosedOffice   string           `json:"closed_office,omitempty"`
	Signatory      string           `json:"signatory,omitempty"`
	Warehouse      string           `json:"warehouse,omitempty"`
	Lines          []returnLineView `json:"lines,omitempty" doc:"The warehouse inspection"`
	Charge         string           `json:"charge,omitempty" doc:"The return charge posted (returns.csv)"`
	ChargeCurrency string           `json:"charge_currency,omitempty"`
	ChargeDebtor   string           `json:"charge_debtor,omitempty" doc:"merchant:CODE or post:CCPOST"`
}

func toReturnView(r returns.Return) returnView {
	v := returnView{ID: r.ID, Item: r.Item, Kind: string(r.Kind), Direction: string(r.Direction), Status: string(r.Status), Reason: r.Reason,
		Merchant: r.Merchant, Partner: r.Partner, Office: r.Office, ReturnTo: r.ReturnTo, Product: r.Product, WeightG: r.WeightG,
		CreatedAt: r.CreatedAt, ReceivedAt: r.ReceivedAt, ReceivedOffice: r.ReceivedOffice, ClosedAt: r.ClosedAt, ClosedOffice: r.ClosedOffice,
		Signatory: r.Signatory, Warehouse: r.Warehouse, Charge: r.Charge, ChargeCurrency: r.ChargeCurrency, ChargeDebtor: r.ChargeDebtor}
	for _, l := range r.Lines {
		v.Lines = append(v.Lines, returnLineView{SKU: l.SKU, Resaleable: l.Resaleable, Damaged: l.Damaged})
	}
	return v
}

type returnRecallBody struct {
	Reason string `json:"reason" maxLength:"80" doc:"Why the merchant wants the item back"`
}

func (s *Server) returnRecall(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body returnRecallBody
}) (*struct{ Body returnView }, error) {
	r, err := s.cfg.Returns.Recall(ctx, principal(ctx), returns.Request{Item: in.ID, Reason: in.Body.Reason})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body returnView }{toReturnView(r)}, nil
}

func (s *Server) returnList(ctx context.Context, in *struct {
	Merchant  string `query:"merchant"`
	Kind      string `query:"kind" enum:"undeliverable,customs_import,customs_export,merchant,abroad"`
	Direction string `query:"direction" enum:"to_origin,to_sender"`
	Status    string `query:"status" enum:"requested,returning,dispatched,departed,received,delivered,restocked"`
	Limit     int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
}) (*struct{ Body []returnView }, error) {
	list, err := s.cfg.Returns.List(ctx, principal(ctx), returns.Filter{Merchant: in.Merchant, Kind: returns.Kind(in.Kind),
		Direction: returns.Direction(in.Direction), Status: returns.Status(in.Status), Limit: in.Limit})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := make([]returnView, len(list))
	for i, r := range list {
		out[i] = toReturnView(r)
	}
	return &struct{ Body []returnView }{out}, nil
}

func (s *Server) returnGet(ctx context.Context, in *struct {
	ID string `path:"id"`
}) (*struct{ Body returnView }, error) {
	r, err := s.cfg.Returns.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body returnView }{toReturnView(r)}, nil
}

type returnDeliverBody struct {
	Office    string `json:"office" doc:"Our office handing the item back"`
	Signatory string `json:"signatory" maxLength:"100" doc:"Who signed for it (the merchant's courier, the sender)"`
}

func (s *Server) returnDeliver(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body returnDeliverBody
}) (*struct{ Body returnView }, error) {
	r, err := s.cfg.Returns.Deliver(ctx, principal(ctx), in.ID, returns.Handover{Office: in.Body.Office, Signatory: in.Body.Signatory})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body returnView }{toReturnView(r)}, nil
}

type returnRestockBody struct {
	Warehouse string           `json:"warehouse" doc:"The merchant's warehouse receiving the parcel"`
	Lines     []returnLineView `json:"lines" minItems:"1" doc:"Each SKU as inspected"`
}

func (s *Server) returnRestock(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body returnRestockBody
}) (*struct{ Body returnView }, error) {
	lines := make([]returns.Line, len(in.Body.Lines))
	for i, l := range in.Body.Lines {
		lines[i] = returns.Line{SKU: l.SKU, Resaleable: l.Resaleable, Damaged: l.Damaged}
	}
	r, err := s.cfg.Returns.Restock(ctx, principal(ctx), in.ID, returns.Inspection{Warehouse: in.Body.Warehouse, Lines: lines})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body returnView }{toReturnView(r)}, nil
}
