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

func init() {
	// Plan and message types share names with routing's and dispatch's own
	// (Leg, Receptacle): their schemas get a prefix.
	schemaPrefixes["github.com/interpost/interpost/dispatch/alloc"] = "Plan"
	schemaPrefixes["github.com/interpost/interpost/edi"] = "EDI"
}
