package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/inward"
)

// registerInwardDeliver adds import clearance of inbound items, their
// delivery steps and the partner event outbox (issue 16 item 3).
func (s *Server) registerInwardDeliver() {
	tags := []string{"Inward"}
	register(s, huma.Operation{
		OperationID: "inward-declare-import", Method: http.MethodPost, Path: "/v1/inward/items/{id}/declaration",
		Summary: "put a received inbound item into the import customs queue", Tags: tags,
		Description: "Without a body the declaration comes from the customs data of the pre-advice (ITMATT-like item data); with one, an " +
			"officer keys it in from the CN 22/CN 23. Duties and taxes follow China's rules for personal postal articles or, with stream " +
			"ecommerce, cross-border e-commerce retail imports (docs/customs-rules.md). An item already declared is answered as it stands " +
			"(repeated=true). Operators of the receiving office only.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardDeclareImport)
	register(s, huma.Operation{
		OperationID: "inward-clear-dispatch", Method: http.MethodPost, Path: "/v1/inward/dispatches/{id}/clear",
		Summary: "put every received item of a dispatch into the import queue", Tags: tags,
		Description: "Items whose pre-advice carried customs data are declared; the others are listed in needs_data to key in. Idempotent.",
		Errors:      []int{http.StatusForbidden, http.StatusNotFound},
	}, inwardReceivers, s.inwardClearDispatch)
	register(s, huma.Operation{
		OperationID: "inward-delivery-scan", Method: http.MethodPost, Path: "/v1/inward/items/{id}/delivery",
		Summary: "scan a delivery step of an inbound item (EMF, EMG, EMH, EMI, return)", Tags: tags,
		Description: "handover (EMF at the inward office, with next_office; only once import customs released the item), arrived (EMG at " +
			"the delivery office), attempt (EMH with a reason), deliver (EMI with the signatory), return (back to the origin office under " +
			"the same S10, after an attempt or a customs refusal). Steps go forward only; the same step again is repeated=true. Operators " +
			"scan at their own offices. Every event goes back to the origin post (GET /v1/inward/events).",
		Errors: []int{http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardDeliveryScan)
	register(s, huma.Operation{
		OperationID: "inward-partner-events", Method: http.MethodGet, Path: "/v1/inward/events",
		Summary: "take our events on a partner post's inbound items (pull)", Tags: tags,
		Description: "Answers the events waiting for the partner (EMD, EDB, EME, EDC, EDX, EMF, EMG, EMH, EMI), oldest first, at most " +
			"5,000, as JSON and as an EMSEVT message (records HDR/EVT/TRL, docs/formats.md), and stamps them returned: the time the " +
			"24 h quality share counts. Events are ready as soon as they are recorded. A partner key takes its own post's events only. " +
			"The take is atomic: two pulls at once, or a pull and a push (PUT /v1/inward/partners/{partner}/endpoint), never hand out " +
			"the same event.",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, []string{"admin", "partner"}, s.inwardPartnerEvents)
}

type importClearance struct {
	Item     string          `json:"item"`
	Office   string          `json:"office" doc:"Our inward office of exchange that presented it"`
	Source   string          `json:"source" enum:"pre-advice,keyed"`
	Repeated bool            `json:"repeated" doc:"Already in the import queue: nothing new stored"`
	Status   string          `json:"status" enum:"pending,held,released,seized,returned"`
	Duties   *customs.Duties `json:"duties,omitempty"`
}

func toClearance(c inward.Clearance) importClearance {
	return importClearance{Item: c.Item, Office: c.Office, Source: c.Source, Repeated: c.Repeated, Status: string(c.Status), Duties: c.Duties}
}

type importDataBody struct {
	Stream      string                 `json:"stream,omitempty" enum:"postal,ecommerce" doc:"postal (personal postal articles, default) or ecommerce (cross-border e-commerce retail import)"`
	Category    string                 `json:"category" enum:"gift,documents,commercial_sample,returned_goods,sale_of_goods,other"`
	Explanation string                 `json:"explanation,omitempty" maxLength:"200"`
	Currency    string                 `json:"currency" example:"JPY"`
	Sender      customs.Party          `json:"sender"`
	Addressee   customs.Party          `json:"addressee"`
	Ecommerce   *customs.EcommerceInfo `json:"ecommerce,omitempty"`
	Lines       []customs.Line         `json:"lines" maxItems:"99"`
}

func (s *Server) inwardDeclareImport(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"S10 item id"`
	Body *importDataBody
}) (*struct{ Body importClearance }, error) {
	var k *inward.ImportData
	if b := in.Body; b != nil {
		k = &inward.ImportData{Stream: customs.Stream(b.Stream), Category: b.Category, Explanation: b.Explanation, Currency: b.Currency,
			Sender: b.Sender, Addressee: b.Addressee, Ecommerce: b.Ecommerce, Lines: b.Lines}
	}
	c, err := s.inward().DeclareImport(ctx, principal(ctx), in.ID, k)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body importClearance }{toClearance(c)}, nil
}

type clearReport struct {
	Dispatch  string            `json:"dispatch"`
	Declared  []importClearance `json:"declared"`
	NeedsData []string          `json:"needs_data" doc:"Received items without pre-advised customs data: key them in (POST /v1/inward/items/{id}/declaration)"`
}

func (s *Server) inwardClearDispatch(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct{ Body clearReport }, error) {
	r, err := s.inward().ClearDispatch(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := clearReport{Dispatch: r.Dispatch, Declared: make([]importClearance, 0, len(r.Declared)), NeedsData: r.NeedsData}
	for _, c := range r.Declared {
		out.Declared = append(out.Declared, toClearance(c))
	}
	return &struct{ Body clearReport }{out}, nil
}

type partnerEvent struct {
	Item       string    `json:"item" doc:"S10"`
	Code       string    `json:"code" example:"EMI"`
	Office     string    `json:"office"`
	Time       time.Time `json:"time"`
	Reason     string    `json:"reason,omitempty"`
	Signatory  string    `json:"signatory,omitempty"`
	ReturnedAt time.Time `json:"returned_at,omitzero" doc:"When it went back to the origin post"`
}

func toPartnerEvents(evs []inward.PartnerEvent) []partnerEvent {
	out := make([]partnerEvent, 0, len(evs))
	for _, e := range evs {
		out = append(out, partnerEvent{Item: e.Item, Code: string(e.Code), Office: e.Office, Time: e.At, Reason: e.Reason, Signatory: e.Signatory,
			ReturnedAt: e.ReturnedAt})
	}
	return out
}

type deliveryResult struct {
	Item     string         `json:"item"`
	Partner  string         `json:"partner" doc:"Origin post the events go back to"`
	Step     string         `json:"step" enum:"handover,arrived,attempt,deliver,return"`
	Repeated bool           `json:"repeated"`
	Events   []partnerEvent `json:"events" doc:"The item's events for its origin post so far"`
	Return   *itemReturn    `json:"return,omitempty"`
}

type itemReturn struct {
	Office    string    `json:"office" doc:"Our office that sent it back"`
	Origin    string    `json:"origin" doc:"Origin office of exchange it goes back to, under its own S10, in our next outward dispatch there"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) inwardDeliveryScan(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"S10 item id"`
	Body struct {
		Step       string `json:"step" enum:"handover,arrived,attempt,deliver,return"`
		Office     string `json:"office" doc:"Our office where the step happens" example:"CNPEKA"`
		NextOffice string `json:"next_office,omitempty" doc:"handover: the delivery office it goes to"`
		Reason     string `json:"reason,omitempty" doc:"attempt: addressee_absent, address_incomplete, refused, moved, unknown_addressee, office_closed, duties_unpaid; return: why" maxLength:"100"`
		Signatory  string `json:"signatory,omitempty" doc:"deliver: who signed (never shown publicly)" maxLength:"100"`
	}
}) (*struct{ Body deliveryResult }, error) {
	b := in.Body
	d, err := s.inward().ScanDelivery(ctx, principal(ctx), inward.DeliveryScan{Item: in.ID, Step: b.Step, Office: b.Office, NextOffice: b.NextOffice,
		Reason: b.Reason, Signatory: b.Signatory})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := deliveryResult{Item: d.Item, Partner: d.Partner, Step: d.Step, Repeated: d.Repeated, Events: toPartnerEvents(d.Events)}
	if r := d.Return; r != nil {
		out.Return = &itemReturn{Office: r.Office, Origin: r.Origin, Reason: r.Reason, CreatedAt: r.CreatedAt}
	}
	return &struct{ Body deliveryResult }{out}, nil
}

type eventBatch struct {
	Partner  string         `json:"partner"`
	Ref      string         `json:"ref,omitempty" doc:"Message reference, unique per partner; empty when nothing was waiting"`
	Prepared time.Time      `json:"prepared"`
	Events   []partnerEvent `json:"events"`
	EMSEVT   string         `json:"emsevt,omitempty" doc:"The same events as an EMSEVT message (HDR/EVT/TRL records)"`
	EDIFACT  string         `json:"edifact,omitempty" doc:"The same events as an EDIFACT EMSEVT interchange in the partner's exchange profile (docs/formats.md)"`
}

func (s *Server) inwardPartnerEvents(ctx context.Context, in *struct {
	Partner string `query:"partner" doc:"Partner post, e.g. JPPOST; default the key's own"`
}) (*struct{ Body eventBatch }, error) {
	who := principal(ctx)
	partner := in.Partner
	if partner == "" {
		partner = who.Partner
	}
	b, err := s.inward().PullEvents(ctx, who, partner)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body eventBatch }{eventBatch{Partner: b.Partner, Ref: b.Ref, Prepared: b.Prepared, Events: toPartnerEvents(b.Events),
		EMSEVT: string(b.Text), EDIFACT: string(b.EDIFACT)}}, nil
}
