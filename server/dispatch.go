package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/dispatch"
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
		Summary: "list dispatches", Tags: tags,
		Description: "Newest first unless sort says otherwise; filters combine (AND). Operator and customs keys see only dispatches " +
			"from their offices. total counts the whole filtered list up to 1,000 (total_exact false past it). A filter value that " +
			"is not allowed is 422 naming the field and the allowed values.",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, exchangeReaders, s.listDispatches)
	register(s, huma.Operation{
		OperationID: "export-dispatches", Method: http.MethodGet, Path: "/v1/dispatches/export",
		Summary: "export the dispatches list", Tags: tags,
		Description: "The dispatches the filters select (as GET /v1/dispatches takes them), in the list's order, as CSV (UTF-8) or XLSX: " +
			"one row per dispatch (docs/formats.md). More than 100,000 matching dispatches is 422 asking for a narrower filter.",
		Responses: exportResponses(),
		Errors:    []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, exchangeReaders, s.exportDispatches)
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

// DispatchFilter is the filter bar of the dispatches list and its export.
type DispatchFilter struct {
	Origin      string    `query:"origin" doc:"Office of origin (operator and customs keys: one of theirs; default all of theirs)" example:"CNXMNA"`
	Destination string    `query:"destination" doc:"Destination office of exchange (6 characters) or its country (ISO 3166-1 alpha-2)" example:"NLAMSA"`
	Status      string    `query:"status" enum:"open,closed,consigned,departed,cancelled" doc:"Only dispatches in this status"`
	Category    string    `query:"category" enum:"A,B,C,D" doc:"Only dispatches of this mail category"`
	From        time.Time `query:"from" doc:"Only dispatches opened at or after this RFC 3339 time"`
	To          time.Time `query:"to" doc:"Only dispatches opened before this RFC 3339 time"`
	Since       time.Time `query:"since" deprecated:"true" doc:"Deprecated: use from (the same meaning)"`
	Q           string    `query:"q" maxLength:"40" doc:"Prefix of the dispatch id (S8); case and spaces are ignored" example:"CNXMNANLAMSA"`
	Sort        string    `query:"sort" enum:"-opened,opened,-status,status,-destination,destination" default:"-opened" doc:"Column to sort by, descending with a leading -; newest first by default; ties go by id"`
}

func (f DispatchFilter) query() dispatch.DispatchQuery {
	from := f.From
	if from.IsZero() {
		from = f.Since
	}
	return dispatch.DispatchQuery{Origin: f.Origin, Destination: f.Destination, Status: f.Status, Category: f.Category,
		From: from, To: f.To, Search: f.Q, Sort: f.Sort}
}

type listDispatchesInput struct {
	DispatchFilter
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page (of the same sort)"`
}

type dispatchPage struct {
	Items      []dispatch.Dispatch `json:"items"`
	NextCursor string              `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page"`
	Total      int64               `json:"total" doc:"How many dispatches match the filter (all pages); at most 1000 unless total_exact"`
	TotalExact bool                `json:"total_exact" doc:"false when more than total dispatches match: the count stops at 1000"`
}

func (s *Server) listDispatches(ctx context.Context, in *listDispatchesInput) (*struct{ Body dispatchPage }, error) {
	q := in.query()
	q.Limit, q.Cursor = in.Limit, in.Cursor
	p, err := s.dispatches().FindDispatches(ctx, principal(ctx), q)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	items := p.Items
	if items == nil {
		items = []dispatch.Dispatch{}
	}
	return &struct{ Body dispatchPage }{dispatchPage{Items: items, NextCursor: p.NextCursor, Total: p.Total, TotalExact: p.TotalExact}}, nil
}

type exportDispatchesInput struct {
	DispatchFilter
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8) or xlsx"`
}

func (s *Server) exportDispatches(ctx context.Context, in *exportDispatchesInput) (*fileOutput, error) {
	return s.exportFile(ctx, "dispatches", in.Format, func(write func(header []string, rows func(func([]string) error) error) error) error {
		return s.dispatches().ExportDispatches(ctx, principal(ctx), in.query(), write)
	})
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

func init() {
	// Plan and message types share names with routing's and dispatch's own
	// (Leg, Receptacle): their schemas get a prefix.
	schemaPrefixes["github.com/interpost/interpost/dispatch/alloc"] = "Plan"
	schemaPrefixes["github.com/interpost/interpost/edi"] = "EDI"
}
