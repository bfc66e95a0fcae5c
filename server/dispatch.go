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

var (
	exchangeOperators = []string{"admin", "operator"}
	exchangeReaders   = []string{"admin", "operator", "customs"}
	carrierSenders    = []string{"admin", "operator", "partner"}
)

// dispatches returns the exchange-operations service, built over the
// store when the config names none.
func (s *Server) dispatches() *dispatch.Service { return s.cfg.Dispatch }

func (s *Server) registerDispatch() {
	if s.cfg.Dispatch == nil {
		s.cfg.Dispatch = &dispatch.Service{Store: s.cfg.Store, Network: s.cfg.Store, Items: s.cfg.Store, Now: s.cfg.Now, Logger: s.cfg.Logger}
	}
	tags := []string{"Exchange operations"}
	register(s, huma.Operation{
		OperationID: "put-sort-plan", Method: http.MethodPut, Path: "/v1/offices/{office}/sortplan",
		Summary: "replace an office's sort plan", Tags: tags,
		Description: "Replaces the presort plan of an office of exchange, all or nothing: every bad field of every rule is listed (unknown destination offices, overlapping rules, bad postcode ranges). Unknown destinations are never guessed: a country without a rule is reported when an item for it is sorted.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, exchangeOperators, s.putSortPlan)
	register(s, huma.Operation{
		OperationID: "get-sort-plan", Method: http.MethodGet, Path: "/v1/offices/{office}/sortplan",
		Summary: "get an office's sort plan", Tags: tags, Errors: []int{http.StatusNotFound},
	}, exchangeReaders, s.getSortPlan)
	register(s, huma.Operation{
		OperationID: "sort-item", Method: http.MethodPost, Path: "/v1/offices/{office}/sort",
		Summary: "say where an item goes", Tags: tags,
		Description: "The sort-plan target of an accepted item at the office (destination office, category, subclass, receptacle type) and an open receptacle that takes it.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, exchangeOperators, s.sortItem)
	register(s, huma.Operation{
		OperationID: "open-dispatch", Method: http.MethodPost, Path: "/v1/dispatches",
		Summary: "open a dispatch", Tags: tags,
		Description:   "Opens a dispatch and gives it its S8 id: the next yearly dispatch serial of the pair of offices, unique across nodes.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, exchangeOperators, s.openDispatch)
	register(s, huma.Operation{
		OperationID: "list-dispatches", Method: http.MethodGet, Path: "/v1/dispatches",
		Summary: "list dispatches", Tags: tags, Description: "Newest first.",
	}, exchangeReaders, s.listDispatches)
	register(s, huma.Operation{
		OperationID: "get-dispatch", Method: http.MethodGet, Path: "/v1/dispatches/{id}",
		Summary: "get a dispatch with its receptacles", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, exchangeReaders, s.getDispatch)
	register(s, huma.Operation{
		OperationID: "open-receptacle", Method: http.MethodPost, Path: "/v1/dispatches/{id}/receptacles",
		Summary: "open a receptacle in a dispatch", Tags: tags, DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, exchangeOperators, s.openReceptacle)
	register(s, huma.Operation{
		OperationID: "close-dispatch", Method: http.MethodPost, Path: "/v1/dispatches/{id}/close",
		Summary: "close a dispatch", Tags: tags,
		Description: "Closes a dispatch whose receptacles are all closed. The highest-numbered receptacle carries the S9 last-receptacle flag; receptacles whose S9 id changed are listed in relabelled. A closed dispatch takes no more items.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, exchangeOperators, s.closeDispatch)
	register(s, huma.Operation{
		OperationID: "cancel-dispatch", Method: http.MethodPost, Path: "/v1/dispatches/{id}/cancel",
		Summary: "cancel an empty dispatch", Tags: tags, Description: "Its serial stays used.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, exchangeOperators, s.cancelDispatch)
	register(s, huma.Operation{
		OperationID: "get-predes", Method: http.MethodGet, Path: "/v1/dispatches/{id}/predes",
		Summary: "get a dispatch's pre-advice (PREDES)", Tags: tags,
		Description: "The pre-advice to the destination post: JSON, or EDIFACT-style text with format=edifact (docs/formats.md).",
		Responses:   textResponses("PREDES"),
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, exchangeReaders, s.predes)
	register(s, huma.Operation{
		OperationID: "get-receptacle", Method: http.MethodGet, Path: "/v1/receptacles/{id}",
		Summary: "get a receptacle with its items", Tags: tags,
		Description: "By number (dispatch id + 3-digit serial, 23 characters) or S9 id (29).",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, exchangeReaders, s.getReceptacle)
	register(s, huma.Operation{
		OperationID: "scan-item", Method: http.MethodPost, Path: "/v1/receptacles/{id}/items",
		Summary: "scan an item into a receptacle", Tags: tags,
		Description:   "Puts an accepted item into an open receptacle (201). The item must belong there by the office's sort plan; otherwise 409 names the receptacle it belongs in. Scanning it again answers 200 with duplicate=true and changes nothing. A full receptacle (30 kg for a bag) is 409 with the numbers.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, exchangeOperators, s.scanItem)
	register(s, huma.Operation{
		OperationID: "unscan-item", Method: http.MethodDelete, Path: "/v1/receptacles/{id}/items/{item}",
		Summary: "take an item out of an open receptacle", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, exchangeOperators, s.unscanItem)
	register(s, huma.Operation{
		OperationID: "close-receptacle", Method: http.MethodPost, Path: "/v1/receptacles/{id}/close",
		Summary: "close a receptacle", Tags: tags,
		Description: "Weighs (or takes items + tare) and closes an open receptacle, giving it its S9 id with the last-receptacle and registered flags. An empty receptacle can't be closed (409).",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, exchangeOperators, s.closeReceptacle)
	register(s, huma.Operation{
		OperationID: "reopen-receptacle", Method: http.MethodPost, Path: "/v1/receptacles/{id}/reopen",
		Summary: "reopen a closed receptacle of an open dispatch", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, exchangeOperators, s.reopenReceptacle)
	s.registerConsignments(tags)
	s.registerPlan(tags)
}

type officeInput struct {
	Office string `path:"office" example:"CNXMNA"`
}

type sortPlanOutput struct{ Body dispatch.SortPlan }

func (s *Server) putSortPlan(ctx context.Context, in *struct {
	Office string `path:"office" example:"CNXMNA"`
	Body   struct {
		Rules []dispatch.Rule `json:"rules" minItems:"1" maxItems:"5000"`
	}
}) (*sortPlanOutput, error) {
	p, err := s.dispatches().PutSortPlan(ctx, principal(ctx), in.Office, in.Body.Rules)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &sortPlanOutput{p}, nil
}

func (s *Server) getSortPlan(ctx context.Context, in *officeInput) (*sortPlanOutput, error) {
	p, err := s.dispatches().SortPlan(ctx, in.Office)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &sortPlanOutput{p}, nil
}

type itemBody struct {
	Item     string `json:"item" doc:"S10 id of an accepted item" example:"LA000000014CN"`
	Category string `json:"category,omitempty" enum:"A,B,C,D" doc:"Mail category; default: the product's (parcels C where the plan has a surface rule, else B, else A; others A)"`
}

func (s *Server) sortItem(ctx context.Context, in *struct {
	Office string `path:"office" example:"CNXMNA"`
	Body   itemBody
}) (*struct{ Body dispatch.SortResult }, error) {
	r, err := s.dispatches().Sort(ctx, principal(ctx), in.Office, in.Body.Item, in.Body.Category)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body dispatch.SortResult }{r}, nil
}

type dispatchOutput struct {
	Status int
	Body   dispatch.Dispatch
}

func (s *Server) openDispatch(ctx context.Context, in *struct{ Body dispatch.OpenDispatchRequest }) (*dispatchOutput, error) {
	d, err := s.dispatches().OpenDispatch(ctx, principal(ctx), in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &dispatchOutput{Status: http.StatusCreated, Body: d}, nil
}

type listDispatchesInput struct {
	Origin      string    `query:"origin"`
	Destination string    `query:"destination"`
	Status      string    `query:"status" enum:"open,closed,consigned,departed,cancelled"`
	Since       time.Time `query:"since" doc:"Opened at or after (RFC 3339)"`
	Limit       int       `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

func (s *Server) listDispatches(ctx context.Context, in *listDispatchesInput) (*itemsOf[dispatch.Dispatch], error) {
	ds, err := s.dispatches().Dispatches(ctx, dispatch.DispatchFilter{Origin: in.Origin, Destination: in.Destination,
		Status: dispatch.Status(in.Status), Since: in.Since, Limit: in.Limit})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(ds), nil
}

type idInput struct {
	ID string `path:"id"`
}

func (s *Server) getDispatch(ctx context.Context, in *idInput) (*struct{ Body dispatch.DispatchView }, error) {
	v, err := s.dispatches().View(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body dispatch.DispatchView }{v}, nil
}

type receptacleOutput struct {
	Status int
	Body   dispatch.Receptacle
}

// OpenReceptacleRequest opens a receptacle.
type OpenReceptacleRequest struct {
	Type dispatch.ReceptacleType `json:"type,omitempty" enum:"bag,tray,pallet" doc:"Default bag"`
}

func (s *Server) openReceptacle(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body OpenReceptacleRequest
}) (*receptacleOutput, error) {
	r, err := s.dispatches().OpenReceptacle(ctx, principal(ctx), in.ID, in.Body.Type)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &receptacleOutput{Status: http.StatusCreated, Body: r}, nil
}

func (s *Server) closeDispatch(ctx context.Context, in *idInput) (*struct{ Body dispatch.DispatchView }, error) {
	v, err := s.dispatches().CloseDispatch(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body dispatch.DispatchView }{v}, nil
}

func (s *Server) cancelDispatch(ctx context.Context, in *idInput) (*dispatchOutput, error) {
	d, err := s.dispatches().CancelDispatch(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &dispatchOutput{Status: http.StatusOK, Body: d}, nil
}

// textOutput is a JSON or text message body.
type textOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type formatInput struct {
	ID     string `path:"id"`
	Format string `query:"format" enum:"json,edifact" default:"json" doc:"json, or EDIFACT-style text"`
}

func textResponses(what string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {Description: what + " as JSON or EDIFACT-style text", Content: map[string]*huma.MediaType{
		"application/json":    {Schema: &huma.Schema{Type: "object"}},
		"application/edifact": {Schema: &huma.Schema{Type: "string"}},
	}}}
}

func message(format, name string, js func() ([]byte, error), text func() []byte) (*textOutput, error) {
	if format == "edifact" {
		return &textOutput{ContentType: "application/edifact", ContentDisposition: `inline; filename="` + name + `.edi"`, Body: text()}, nil
	}
	b, err := js()
	return &textOutput{ContentType: "application/json", Body: b}, err
}

func (s *Server) predes(ctx context.Context, in *formatInput) (*textOutput, error) {
	p, err := s.dispatches().Predes(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return message(in.Format, "PREDES-"+p.Dispatch, p.JSON, p.MarshalEDI)
}

// ReceptacleView is a receptacle with its items and carrier events.
type ReceptacleView struct {
	dispatch.Receptacle
	ItemList      []dispatch.ScannedItem  `json:"item_list"`
	CarrierEvents []dispatch.CarrierEvent `json:"carrier_events"`
}

func (s *Server) getReceptacle(ctx context.Context, in *idInput) (*struct{ Body ReceptacleView }, error) {
	svc := s.dispatches()
	r, err := svc.Receptacle(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	v := ReceptacleView{Receptacle: r, ItemList: []dispatch.ScannedItem{}, CarrierEvents: []dispatch.CarrierEvent{}}
	if list, err := svc.Contents(ctx, r.Number); err != nil {
		return nil, s.problem(ctx, err)
	} else if list != nil {
		v.ItemList = list
	}
	if evs, err := svc.CarrierEvents(ctx, r.Number); err != nil {
		return nil, s.problem(ctx, err)
	} else if evs != nil {
		v.CarrierEvents = evs
	}
	return &struct{ Body ReceptacleView }{v}, nil
}

type scanOutput struct {
	Status int
	Body   dispatch.ScanResult
}

func (s *Server) scanItem(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"Receptacle number (23 characters) or S9 id"`
	Body itemBody
}) (*scanOutput, error) {
	r, err := s.dispatches().Scan(ctx, principal(ctx), in.ID, in.Body.Item, in.Body.Category)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &scanOutput{Status: http.StatusCreated, Body: r}
	if r.Duplicate {
		out.Status = http.StatusOK
	}
	return out, nil
}

func (s *Server) unscanItem(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Item string `path:"item"`
}) (*receptacleOutput, error) {
	r, err := s.dispatches().Unscan(ctx, principal(ctx), in.ID, in.Item)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &receptacleOutput{Status: http.StatusOK, Body: r}, nil
}

func (s *Server) closeReceptacle(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body dispatch.CloseReceptacleRequest
}) (*receptacleOutput, error) {
	r, err := s.dispatches().CloseReceptacle(ctx, principal(ctx), in.ID, in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &receptacleOutput{Status: http.StatusOK, Body: r}, nil
}

func (s *Server) reopenReceptacle(ctx context.Context, in *idInput) (*receptacleOutput, error) {
	r, err := s.dispatches().ReopenReceptacle(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &receptacleOutput{Status: http.StatusOK, Body: r}, nil
}

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
	if err := document.WriteDeliveryBill(&buf, b); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &textOutput{ContentType: "application/pdf", ContentDisposition: `inline; filename="` + b.Form + "-" + b.Number + `.pdf"`, Body: buf.Bytes()}, nil
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
	return &textOutput{ContentType: "text/csv", ContentDisposition: `attachment; filename="` + b.Form + "-" + b.Number + `.csv"`, Body: buf.Bytes()}, nil
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

func (s *Server) planner() *alloc.Planner {
	return &alloc.Planner{Network: s.cfg.Store, Store: s.cfg.Store, Shipments: s.cfg.Store}
}

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
	offices, err := s.cfg.Store.Offices(ctx)
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

func init() {
	// Plan and message types share names with routing's and dispatch's own
	// (Leg, Receptacle): their schemas get a prefix.
	schemaPrefixes["github.com/interpost/interpost/dispatch/alloc"] = "Plan"
	schemaPrefixes["github.com/interpost/interpost/edi"] = "EDI"
}
