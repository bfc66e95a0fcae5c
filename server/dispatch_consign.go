package server

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/network"
)

func (s *Server) registerConsignments(tags []string) {
	register(s, huma.Operation{
		OperationID: "consign", Method: http.MethodPost, Path: "/v1/consignments",
		Summary: "hand dispatches to a departure", Tags: tags,
		Description:   "Consigns closed dispatches at an office to one departure of a service, on one delivery bill (CN 38 air, CN 41 S.A.L., CN 37 surface). Refused before the cut-off has passed, for a category the service's mode can't carry, and when the departure's capacity would be exceeded (409 with the capacity, the weight already consigned and these dispatches' weight), even with operators on several nodes.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, exchangeOperators, s.consign)
	register(s, huma.Operation{
		OperationID: "list-consignments", Method: http.MethodGet, Path: "/v1/consignments",
		Summary: "list consignments", Tags: tags, Description: "Departing in [from, to), by departure.",
	}, exchangeReaders, s.listConsignments)
	register(s, huma.Operation{
		OperationID: "get-consignment", Method: http.MethodGet, Path: "/v1/consignments/{id}",
		Summary: "get a consignment", Tags: tags, Errors: []int{http.StatusNotFound},
	}, exchangeReaders, s.getConsignment)
	register(s, huma.Operation{
		OperationID: "depart-consignment", Method: http.MethodPost, Path: "/v1/consignments/{id}/depart",
		Summary: "record a consignment's departure", Tags: tags,
		Description: "Marks the consignment and its dispatches departed and emits EMC (EMK at a transit office) for each dispatch, receptacle and item. Departing again changes nothing.",
		Errors:      []int{http.StatusNotFound},
	}, exchangeOperators, s.depart)
	register(s, huma.Operation{
		OperationID: "get-delivery-bill-pdf", Method: http.MethodGet, Path: "/v1/consignments/{id}/bill.pdf",
		Summary: "get the delivery bill (CN 38/41/37) as PDF", Tags: tags,
		Responses: map[string]*huma.Response{"200": {Description: "A4 landscape PDF", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
		Errors: []int{http.StatusNotFound},
	}, exchangeReaders, s.billPDF)
	register(s, huma.Operation{
		OperationID: "get-delivery-bill-csv", Method: http.MethodGet, Path: "/v1/consignments/{id}/bill.csv",
		Summary: "get the delivery bill as CSV", Tags: tags, Description: "One row per receptacle (docs/formats.md).",
		Responses: map[string]*huma.Response{"200": {Description: "CSV", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}}}}},
		Errors: []int{http.StatusNotFound},
	}, exchangeReaders, s.billCSV)
	register(s, huma.Operation{
		OperationID: "get-cardit", Method: http.MethodGet, Path: "/v1/consignments/{id}/cardit",
		Summary: "get the consignment message to the carrier (CARDIT)", Tags: tags,
		Responses: textResponses("CARDIT"), Errors: []int{http.StatusNotFound},
	}, exchangeReaders, s.cardit)
	register(s, huma.Operation{
		OperationID: "ingest-resdit", Method: http.MethodPost, Path: "/v1/resdit",
		Summary: "send carrier responses (RESDIT)", Tags: tags,
		Description: "A carrier's events on receptacles, as JSON or EDIFACT-style text (docs/formats.md). Each receptacle's event is stored once (a resent message changes nothing); uplift (24) and delivery to the post (21) reach the item timelines as EMC/EMK and EMD. Events for unknown receptacles or places are listed in rejected; the rest are stored. A partner key reports for its own carrier code only.",
		Errors:      []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, carrierSenders, s.ingestResdit)
}

type consignmentOutput struct {
	Status int
	Body   dispatch.Consignment
}

func (s *Server) consign(ctx context.Context, in *struct{ Body dispatch.ConsignRequest }) (*consignmentOutput, error) {
	c, err := s.dispatches().Consign(ctx, principal(ctx), in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &consignmentOutput{Status: http.StatusCreated, Body: c}, nil
}

func (s *Server) listConsignments(ctx context.Context, in *struct {
	Office string    `query:"office"`
	From   time.Time `query:"from" doc:"Departing at or after (RFC 3339); default 7 days ago"`
	To     time.Time `query:"to" doc:"Departing before (RFC 3339); default 30 days after from"`
}) (*itemsOf[dispatch.Consignment], error) {
	from, to := in.From, in.To
	if from.IsZero() {
		from = s.cfg.Now().Add(-7 * 24 * time.Hour)
	}
	if to.IsZero() {
		to = from.Add(30 * 24 * time.Hour)
	}
	cs, err := s.dispatches().Consignments(ctx, in.Office, from, to)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(cs), nil
}

func (s *Server) getConsignment(ctx context.Context, in *idInput) (*consignmentOutput, error) {
	c, err := s.dispatches().Consignment(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &consignmentOutput{Status: http.StatusOK, Body: c}, nil
}

func (s *Server) depart(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body *struct {
		At time.Time `json:"at,omitempty" doc:"Actual departure (RFC 3339); default now"`
	}
}) (*consignmentOutput, error) {
	var at time.Time
	if in.Body != nil {
		at = in.Body.At
	}
	c, err := s.dispatches().Depart(ctx, principal(ctx), in.ID, at)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &consignmentOutput{Status: http.StatusOK, Body: c}, nil
}

func (s *Server) billPDF(ctx context.Context, in *idInput) (*textOutput, error) {
	b, err := s.dispatches().DeliveryBill(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var buf bytes.Buffer
	doc := document.ConsignmentBill(b)
	doc.Lang = staffLang(ctx)
	if err := document.WriteDeliveryBill(&buf, doc); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &textOutput{ContentType: "application/pdf", ContentDisposition: `inline; filename="` + b.Name() + `.pdf"`, Body: buf.Bytes()}, nil
}

func (s *Server) billCSV(ctx context.Context, in *idInput) (*textOutput, error) {
	b, err := s.dispatches().DeliveryBill(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var buf bytes.Buffer
	if err := dispatch.WriteBillCSV(&buf, b); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &textOutput{ContentType: "text/csv", ContentDisposition: `attachment; filename="` + b.Name() + `.csv"`, Body: buf.Bytes()}, nil
}

func (s *Server) cardit(ctx context.Context, in *formatInput) (*textOutput, error) {
	c, err := s.dispatches().Cardit(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return message(in.Format, "CARDIT-"+c.Consignment, c.JSON, c.MarshalEDI)
}

func (s *Server) ingestResdit(ctx context.Context, in *struct {
	RawBody []byte `contentType:"application/edifact" doc:"RESDIT as EDIFACT-style text, or as JSON"`
}) (*struct{ Body dispatch.CarrierReport }, error) {
	m, err := edi.DecodeResdit(in.RawBody)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rep, err := s.dispatches().IngestResdit(ctx, principal(ctx), m)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body dispatch.CarrierReport }{rep}, nil
}

func (s *Server) registerPlan(tags []string) {
	register(s, huma.Operation{
		OperationID: "plan-day", Method: http.MethodGet, Path: "/v1/plan/day",
		Summary: "allocate a day's accepted mail to departures", Tags: tags,
		Description: "Sorts the items accepted on the date (local at their origin) by each origin's sort plan and allocates the lanes' weight to capacity-limited departures as a min-cost flow over the time-expanded network: per departure the allocated kg and utilisation, per lane the share meeting its standard, the spill list, and what consolidating origins on shared departures saves.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, exchangeReaders, s.planDay)
	register(s, huma.Operation{
		OperationID: "plan-day-forecast", Method: http.MethodPost, Path: "/v1/plan/day",
		Summary: "allocate a forecast day to departures", Tags: tags,
		Description: "As GET, for the volumes of a forecast file (CSV origin,destination,category,kg,items[,ready]); a bad line is 422 naming the line and reason.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, exchangeReaders, s.planDayForecast)
}

type planDayInput struct {
	Date     string `query:"date" required:"true" doc:"Planning date YYYY-MM-DD" example:"2026-11-24"`
	Baseline bool   `query:"baseline" doc:"Solve with plain successive shortest paths (Bellman-Ford) instead of Dijkstra with potentials"`
}

func (s *Server) planner() *alloc.Planner { return s.cfg.Planner }

func (s *Server) planDay(ctx context.Context, in *planDayInput) (*struct{ Body alloc.DayPlan }, error) {
	p, err := s.planner().PlanDay(ctx, alloc.DayRequest{Date: in.Date, Options: alloc.Options{Baseline: in.Baseline}})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body alloc.DayPlan }{p}, nil
}

func (s *Server) planDayForecast(ctx context.Context, in *struct {
	Date     string `query:"date" required:"true" doc:"Planning date YYYY-MM-DD" example:"2026-11-24"`
	Baseline bool   `query:"baseline" doc:"Solve with plain successive shortest paths (Bellman-Ford)"`
	RawBody  []byte `contentType:"text/csv" doc:"Forecast CSV: origin,destination,category,kg,items[,ready]"`
}) (*struct{ Body alloc.DayPlan }, error) {
	offices, err := s.cfg.Network.Offices(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	vols, err := alloc.ReadForecast(bytes.NewReader(in.RawBody), network.OfficeMap(offices))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	p, err := s.planner().PlanDay(ctx, alloc.DayRequest{Date: in.Date, Forecast: vols, Options: alloc.Options{Baseline: in.Baseline}})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body alloc.DayPlan }{p}, nil
}
