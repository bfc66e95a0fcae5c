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
)

var (
	shipmentWriters = []string{"admin", "operator", "merchant"}
	shipmentReaders = []string{"admin", "operator", "customs", "merchant"}
)

type createShipmentInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Makes the POST safe to retry: a retry with the same key and body returns the first shipment (200) instead of creating another; the same key with a different body is 409."`
	Body           acceptance.Request
}

type shipmentOutput struct {
	Status   int
	Location string `header:"Location"`
	Replayed bool   `header:"Idempotent-Replayed" doc:"true when this response repeats an earlier one for the same Idempotency-Key"`
	Body     createdShipment
}

// createdShipment is the shipment with what Interpost derived from the
// request.
type createdShipment struct {
	acceptance.Shipment
	Warnings []warningBody `json:"warnings" doc:"What Interpost derived from the request and the client may want to check, e.g. a Latin form transliterated from Chinese or Cyrillic (code latin_derived); empty when nothing was derived"`
}

type warningBody struct {
	Field   string `json:"field" doc:"The field Interpost set" example:"sender.name_latin"`
	Code    string `json:"code" enum:"latin_derived"`
	Message string `json:"message"`
}

type shipmentIDInput struct {
	ID string `path:"id" doc:"S10 item id" example:"EE123456785CN"`
}

// ShipmentFilter is the filter of the shipments list and of its export.
type ShipmentFilter struct {
	Merchant    string    `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
	Status      string    `query:"status" enum:"created,accepted,at_outward_oe,export_customs_held,export_customs_released,departed,in_transit,arrived,import_customs_held,import_customs_released,in_delivery_network,at_delivery_office,awaiting_pickup,out_for_delivery,delivery_attempted,delivered,returning,returned,seized" doc:"Only shipments in this lifecycle status (docs/lifecycle.md); an unknown value is 422 naming the allowed ones"`
	Product     string    `query:"product" enum:"bulk_ecommerce,e_packet,ems,express,parcel,registered_small_packet,unregistered_small_packet" doc:"Only this product"`
	Destination string    `query:"destination" doc:"Only shipments to this country (ISO 3166-1 alpha-2)" example:"PL"`
	Office      string    `query:"office" doc:"Only shipments leaving from this office of exchange (operators see only the offices of their key)" example:"CNXMNA"`
	Since       time.Time `query:"since" doc:"Only shipments created at or after this RFC 3339 time (same as from; kept for older clients)"`
	From        time.Time `query:"from" doc:"Only shipments created at or after this RFC 3339 time"`
	To          time.Time `query:"to" doc:"Only shipments created before this RFC 3339 time"`
	StuckDays   int       `query:"stuck_days" minimum:"0" maximum:"3650" doc:"Only shipments not delivered, returned or seized whose status has not changed for more than this many days"`
	Q           string    `query:"q" maxLength:"100" doc:"Prefix of the S10 id, the merchant reference or the addressee's name (any word of it); case, accents and spacing are ignored and Chinese names match their pinyin (王小 = wangxiao)"`
	Sort        string    `query:"sort" enum:"-created,created,-updated,updated,-weight,weight,-destination,destination,-status,status" default:"-created" doc:"Column to sort by, descending with a leading -; newest first by default. updated is when the status last changed."`
}

func (f ShipmentFilter) query() acceptance.Query {
	from := f.From
	if from.IsZero() {
		from = f.Since
	}
	return acceptance.Query{Merchant: f.Merchant, Status: f.Status, Product: f.Product, Destination: f.Destination,
		Office: f.Office, From: from, To: f.To, StuckDays: f.StuckDays, Search: f.Q, Sort: f.Sort}
}

type listShipmentsInput struct {
	ShipmentFilter
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page (of the same sort)"`
}

type shipmentPage struct {
	Items      []acceptance.Shipment `json:"items"`
	NextCursor string                `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page"`
	Total      int64                 `json:"total" doc:"How many shipments match the filter (all pages); at most 1000 unless total_exact"`
	TotalExact bool                  `json:"total_exact" doc:"false when more than total shipments match: the count stops at 1000 for filters beyond merchant and status"`
}

type listShipmentsOutput struct {
	Body shipmentPage
}

type labelOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) registerShipments() {
	register(s, huma.Operation{
		OperationID: "create-shipment", Method: http.MethodPost, Path: "/v1/shipments",
		Summary: "create a shipment", Tags: []string{"Shipments"},
		Description:   "Validates the shipment (postcodes against the destination's format, names and addresses available in Latin script), decides CN 22 or CN 23, assigns a UPU S10 id and stores it. Answers 201 with the shipment and its warnings (e.g. Latin forms derived from Chinese or Cyrillic); with an Idempotency-Key a retry answers 200 with the same shipment. A name in a script Interpost cannot transliterate is 422 until its *_latin form is given.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity},
	}, shipmentWriters, s.createShipment)
	register(s, huma.Operation{
		OperationID: "get-shipment", Method: http.MethodGet, Path: "/v1/shipments/{id}",
		Summary: "get a shipment", Tags: []string{"Shipments"},
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, shipmentReaders, s.getShipment)
	register(s, huma.Operation{
		OperationID: "list-shipments", Method: http.MethodGet, Path: "/v1/shipments",
		Summary: "list shipments", Tags: []string{"Shipments"},
		Description: "Shipments newest first (or by sort), filtered by status, product, destination, office, merchant, creation date and time stuck, " +
			"and searched by a prefix of the id, merchant reference or addressee name; a page at a time (cursor pagination) with the total. " +
			"An unknown filter value is 422 naming the allowed values.",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, shipmentReaders, s.listShipments)
	register(s, huma.Operation{
		OperationID: "export-shipments", Method: http.MethodGet, Path: "/v1/shipments/export",
		Summary: "export the shipments list", Tags: []string{"Shipments"},
		Description: fmt.Sprintf("The shipments the same filters select, in the same order, as CSV (UTF-8) or XLSX; at most %d rows (422 asks for a narrower filter beyond).", acceptance.ExportMax),
		Responses:   exportResponses(),
		Errors:      []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, shipmentReaders, s.exportShipments)
	register(s, huma.Operation{
		OperationID: "get-shipment-label", Method: http.MethodGet, Path: "/v1/shipments/{id}/label.pdf",
		Summary: "get a shipment's label", Tags: []string{"Shipments"},
		Description: "A 100 × 150 mm PDF label: the S10 id as Code 128 and QR, addresses and the CN 22/CN 23 contents.",
		Responses: map[string]*huma.Response{"200": {Description: "PDF label", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
		Errors: []int{http.StatusNotFound},
	}, shipmentReaders, s.shipmentLabel)
	register(s, huma.Operation{
		OperationID: "accept-shipment", Method: http.MethodPost, Path: "/v1/shipments/{id}/accept",
		Summary: "scan a shipment at the counter", Tags: []string{"Shipments"},
		Description: "The acceptance scan: the item is handed over at its origin office. Records the tracking event EMA there " +
			"(the shipment's status becomes accepted once tracking has projected it, docs/lifecycle.md). Operators whose offices " +
			"include the shipment's origin office, and admins.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, []string{"admin", "operator"}, s.acceptShipment)
}

type acceptShipmentBody struct {
	At time.Time `json:"at,omitempty" doc:"When the item was handed over (RFC 3339); default now. Not in the future, not before the shipment was created."`
}

type acceptShipmentInput struct {
	ID   string `path:"id" doc:"S10 item id" example:"EE123456785CN"`
	Body *acceptShipmentBody
}

type acceptShipmentResponse struct {
	Item   string    `json:"item" doc:"S10 item id"`
	Code   string    `json:"code" doc:"The tracking event recorded" example:"EMA"`
	Office string    `json:"office" doc:"The origin office, where the item was scanned"`
	Time   time.Time `json:"time"`
}

func (s *Server) acceptShipment(ctx context.Context, in *acceptShipmentInput) (*struct{ Body acceptShipmentResponse }, error) {
	var at time.Time
	if in.Body != nil {
		at = in.Body.At
	}
	sh, at, err := s.cfg.Acceptance.CounterScan(ctx, principal(ctx), in.ID, at)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body acceptShipmentResponse }{acceptShipmentResponse{Item: string(sh.ID), Code: "EMA", Office: sh.OriginOffice, Time: at}}, nil
}

func (s *Server) createShipment(ctx context.Context, in *createShipmentInput) (*shipmentOutput, error) {
	res, err := s.cfg.Acceptance.Accept(ctx, principal(ctx), in.Body, in.IdempotencyKey)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	sh := res.Shipment
	body := createdShipment{Shipment: sh, Warnings: make([]warningBody, len(res.Warnings))}
	for i, w := range res.Warnings {
		body.Warnings[i] = warningBody{Field: w.Field, Code: w.Code, Message: w.Message}
	}
	out := &shipmentOutput{Status: http.StatusCreated, Location: "/v1/shipments/" + string(sh.ID), Body: body}
	if !res.Created {
		out.Status, out.Replayed = http.StatusOK, true
	}
	return out, nil
}

func (s *Server) getShipment(ctx context.Context, in *shipmentIDInput) (*struct{ Body acceptance.Shipment }, error) {
	sh, err := s.cfg.Acceptance.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body acceptance.Shipment }{sh}, nil
}

func (s *Server) listShipments(ctx context.Context, in *listShipmentsInput) (*listShipmentsOutput, error) {
	q := in.query()
	q.Limit, q.Cursor = in.Limit, in.Cursor
	page, err := s.cfg.Acceptance.Find(ctx, principal(ctx), q)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if page.Items == nil {
		page.Items = []acceptance.Shipment{}
	}
	return &listShipmentsOutput{Body: shipmentPage{Items: page.Items, NextCursor: page.NextCursor, Total: page.Total, TotalExact: page.TotalExact}}, nil
}

func (s *Server) shipmentLabel(ctx context.Context, in *shipmentIDInput) (*labelOutput, error) {
	sh, err := s.cfg.Acceptance.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	origin, tz := "", ""
	if o, err := s.cfg.Network.Office(ctx, sh.OriginOffice); err == nil {
		origin, tz = o.Name, o.TZ
	}
	var buf bytes.Buffer
	if err := document.WriteLabel(&buf, document.ShipmentLabel(sh, origin, tz)); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &labelOutput{
		ContentType:        "application/pdf",
		ContentDisposition: `inline; filename="` + string(sh.ID) + `.pdf"`,
		Body:               buf.Bytes(),
	}, nil
}
