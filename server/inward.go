package server

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
)

// adviceSenders may send pre-advice: partner posts and carriers for their
// own mail, admins and operators (keying in a pre-advice received another
// way) for their offices.
var adviceSenders = []string{"admin", "operator", "partner"}

// inwardReaders see expected dispatches: operators and customs at their
// offices, partner posts their own.
var inwardReaders = []string{"admin", "operator", "customs", "partner"}

func (s *Server) inward() *inward.Service { return s.cfg.Inward }

func (s *Server) registerInward() {
	tags := []string{"Inward"}
	register(s, huma.Operation{
		OperationID: "inward-predes", Method: http.MethodPost, Path: "/v1/inward/predes",
		Summary: "send a dispatch pre-advice (PREDES) to us", Tags: tags,
		Description: "A partner post's pre-advice of a dispatch to one of our offices of exchange, as JSON (`application/json`) or as EDIFACT text " +
			"(`application/edifact`) in the sender's exchange profile (ours unless it has its own; docs/formats.md). The dispatch, its receptacles and " +
			"the items listed (with their customs data) become expected; the answer carries our RESDES receipt confirmation. The same message again " +
			"answers the same (repeated=true); another message under a used reference is 409, as is a second pre-advice for a dispatch. " +
			"Bad input is 422 naming the segment or field; nothing is stored. A partner post's key sends only dispatches from its country.",
		RequestBody: adviceBody(s, reflect.TypeOf(edi.Predes{})), SkipValidateBody: true,
		Errors: []int{http.StatusForbidden, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity},
	}, adviceSenders, s.inwardPredes)
	register(s, huma.Operation{
		OperationID: "inward-cardit", Method: http.MethodPost, Path: "/v1/inward/cardit",
		Summary: "send a consignment message (CARDIT) to us", Tags: tags,
		Description: "A carrier's (or the origin post's) consignment message: its receptacles become expected at our offices, grouped by their " +
			"dispatches, with the consignment and transport; dispatches already pre-advised get them. JSON or EDIFACT text as for PREDES; answered " +
			"with a RESDES. A carrier's key sends only its own consignments.",
		RequestBody: adviceBody(s, reflect.TypeOf(edi.Cardit{})), SkipValidateBody: true,
		Errors: []int{http.StatusForbidden, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity},
	}, adviceSenders, s.inwardCardit)
	register(s, huma.Operation{
		OperationID: "inward-dispatches", Method: http.MethodGet, Path: "/v1/inward/dispatches",
		Summary: "list dispatches pre-advised to our offices", Tags: tags,
		Description: "By expected arrival (unknown last). Operators and customs see their offices' only (naming another office is 403), " +
			"partner posts the dispatches from their country.",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, inwardReaders, s.inwardDispatches)
	register(s, huma.Operation{
		OperationID: "inward-dispatch", Method: http.MethodGet, Path: "/v1/inward/dispatches/{id}",
		Summary: "get a pre-advised dispatch with its receptacles and items", Tags: tags,
		Description: "404 outside the caller's scope.",
		Errors:      []int{http.StatusNotFound},
	}, inwardReaders, s.inwardDispatch)
	s.registerInwardReceive()
	s.registerInwardDeliver()
	s.registerInwardPush()
	s.registerInwardTransit()
}

func adviceBody(s *Server, t reflect.Type) *huma.RequestBody {
	schema := huma.SchemaFromType(s.api.OpenAPI().Components.Schemas, t)
	return &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/json":    {Schema: schema},
		"application/edifact": {Schema: &huma.Schema{Type: "string", Description: "EDIFACT text in the sender's profile (docs/formats.md)"}},
	}}
}

type adviceInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/edifact"`
}

// adviceResult is the answer to a pre-advice.
type adviceResult struct {
	Kind        string   `json:"kind" enum:"PREDES,CARDIT"`
	Sender      string   `json:"sender" doc:"UNB sender: origin office or the office handing over"`
	Ref         string   `json:"ref" doc:"Interchange reference of the message"`
	Repeated    bool     `json:"repeated" doc:"The same message was accepted before; nothing new was stored"`
	Dispatches  []string `json:"dispatches" doc:"S8 ids now expected"`
	Receptacles int      `json:"receptacles"`
	Items       int      `json:"items"`
	Reply       struct {
		Kind      string `json:"kind" example:"RESDES"`
		Recipient string `json:"recipient"`
		Ref       string `json:"ref" doc:"Our interchange reference, unique per recipient"`
		Text      string `json:"text" doc:"EDIFACT text in the recipient's profile"`
	} `json:"reply" doc:"Receipt confirmation to the sender"`
}

func toAdviceResult(r inward.Result) *struct{ Body adviceResult } {
	out := adviceResult{Kind: string(r.Kind), Sender: r.Partner, Ref: r.Ref, Repeated: r.Repeated, Dispatches: r.Dispatches,
		Receptacles: r.Receptacles, Items: r.Items}
	if out.Dispatches == nil {
		out.Dispatches = []string{}
	}
	out.Reply.Kind, out.Reply.Recipient, out.Reply.Ref, out.Reply.Text = r.Reply.Kind, r.Reply.Recipient, r.Reply.Ref, string(r.Reply.Text)
	return &struct{ Body adviceResult }{out}
}

// adviceFormat checks the Content-Type: JSON or EDIFACT text.
func adviceFormat(ct string, body []byte) (json bool, err error) {
	mt, _, _ := strings.Cut(ct, ";")
	switch mt = strings.TrimSpace(strings.ToLower(mt)); mt {
	case "application/json":
		return true, nil
	case "application/edifact", "text/plain":
		return false, nil
	case "":
		t := strings.TrimLeft(string(body[:min(len(body), 16)]), "\ufeff \t\r\n")
		return strings.HasPrefix(t, "{"), nil
	}
	return false, huma.Error415UnsupportedMediaType("Content-Type " + mt + " is not accepted: send application/json or application/edifact")
}

func (s *Server) inwardPredes(ctx context.Context, in *adviceInput) (*struct{ Body adviceResult }, error) {
	isJSON, err := adviceFormat(in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	var p edi.Predes
	if isJSON {
		p, err = edi.DecodePredes(in.RawBody)
	} else {
		p, err = edi.UnmarshalPredesWith(s.inward().Profiles, in.RawBody)
	}
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	r, err := s.inward().AcceptPredes(ctx, principal(ctx), p)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return toAdviceResult(r), nil
}

func (s *Server) inwardCardit(ctx context.Context, in *adviceInput) (*struct{ Body adviceResult }, error) {
	isJSON, err := adviceFormat(in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	var c edi.Cardit
	if isJSON {
		c, err = edi.DecodeCardit(in.RawBody)
	} else {
		c, err = edi.UnmarshalCarditWith(s.inward().Profiles, in.RawBody)
	}
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	r, err := s.inward().AcceptCardit(ctx, principal(ctx), c)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return toAdviceResult(r), nil
}

// inwardDispatch is an expected (or received) dispatch.
type inwardDispatch struct {
	ID           string     `json:"id" doc:"S8 dispatch id"`
	Origin       string     `json:"origin"`
	Destination  string     `json:"destination" doc:"Our office of exchange expecting it"`
	Partner      string     `json:"partner" doc:"Origin post" example:"JPPOST"`
	Category     string     `json:"category"`
	Subclass     string     `json:"subclass"`
	Status       string     `json:"status" enum:"expected,received"`
	PreAdvice    string     `json:"pre_advice,omitempty" doc:"Interchange reference of its PREDES (absent when only a CARDIT announced it)"`
	Consignment  string     `json:"consignment,omitempty"`
	Carrier      string     `json:"carrier,omitempty"`
	Service      string     `json:"service,omitempty"`
	Mode         string     `json:"mode,omitempty"`
	Departure    *time.Time `json:"departure,omitempty"`
	Arrival      *time.Time `json:"arrival,omitempty" doc:"Expected arrival"`
	Receptacles  int        `json:"receptacles"`
	GrossWeightG int        `json:"gross_weight_g"`
	Items        int        `json:"items"`
	AdvisedAt    time.Time  `json:"advised_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toInwardDispatch(d inward.Dispatch) inwardDispatch {
	return inwardDispatch{ID: d.ID, Origin: d.Origin, Destination: d.Destination, Partner: d.Partner, Category: d.Category, Subclass: d.Subclass,
		Status: string(d.Status), PreAdvice: d.PreAdvice, Consignment: d.Consignment, Carrier: d.Carrier, Service: d.Service, Mode: d.Mode,
		Departure: optTime(d.Departure), Arrival: optTime(d.Arrival), Receptacles: d.Receptacles, GrossWeightG: d.GrossWeightG, Items: d.Items,
		AdvisedAt: d.AdvisedAt}
}

type inwardListInput struct {
	Status  string `query:"status" enum:"expected,received" doc:"Only dispatches in this state"`
	Office  string `query:"office" pattern:"^[A-Z0-9]{6}$" doc:"Our office of exchange expecting them"`
	Partner string `query:"partner" doc:"Origin post, e.g. JPPOST"`
	Limit   int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
}

func (s *Server) inwardDispatches(ctx context.Context, in *inwardListInput) (*struct {
	Body struct {
		Dispatches []inwardDispatch `json:"dispatches"`
	}
}, error) {
	ds, err := s.inward().Dispatches(ctx, principal(ctx), inward.DispatchFilter{Status: inward.Status(in.Status), Destination: in.Office,
		Partner: in.Partner, Limit: in.Limit})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Dispatches []inwardDispatch `json:"dispatches"`
		}
	}{}
	out.Body.Dispatches = make([]inwardDispatch, 0, len(ds))
	for _, d := range ds {
		out.Body.Dispatches = append(out.Body.Dispatches, toInwardDispatch(d))
	}
	return out, nil
}

type inwardReceptacle struct {
	ID           string `json:"id" doc:"S9 receptacle id"`
	Type         string `json:"type,omitempty"`
	GrossWeightG int    `json:"gross_weight_g"`
	Registered   bool   `json:"registered"`
	Last         bool   `json:"last"`
	Items        int    `json:"items"`
	Status       string `json:"status" enum:"expected,received,missing"`
	Consignment  string `json:"consignment,omitempty"`
	Predes       bool   `json:"predes" doc:"Listed by the PREDES"`
	Cardit       bool   `json:"cardit" doc:"Listed by a CARDIT"`
	NotAdvised   bool   `json:"not_advised,omitempty" doc:"Received without any pre-advice"`
	// Receipt at our office.
	ReceivedWeightG int        `json:"received_weight_g,omitempty"`
	ReceivedAt      *time.Time `json:"received_at,omitempty"`
	ReceivedOffice  string     `json:"received_office,omitempty"`
	Flags           []string   `json:"flags,omitempty" doc:"seal_broken, damaged, wet"`
	OpenedAt        *time.Time `json:"opened_at,omitempty"`
}

func toInwardReceptacle(r inward.Receptacle) inwardReceptacle {
	return inwardReceptacle{ID: r.ID, Type: r.Type, GrossWeightG: r.GrossWeightG, Registered: r.Registered, Last: r.Last, Items: r.Items,
		Status: string(r.Status), Consignment: r.Consignment, Predes: r.Predes, Cardit: r.Cardit, NotAdvised: r.NotAdvised,
		ReceivedWeightG: r.ReceivedWeightG, ReceivedAt: optTime(r.ReceivedAt), ReceivedOffice: r.ReceivedOffice, Flags: strings.Fields(r.Flags),
		OpenedAt: optTime(r.OpenedAt)}
}

func toInwardItem(it inward.Item) inwardItem {
	return inwardItem{Item: it.Item, Receptacle: it.Receptacle, Status: string(it.Status), Contents: it.Contents,
		HSCode: it.HSCode, WeightG: it.WeightG, Value: it.Value, Currency: it.Currency, SenderName: it.SenderName, SenderCountry: it.SenderCountry,
		AddresseeName: it.AddresseeName, AddresseeCountry: it.AddresseeCountry, NotAdvised: it.NotAdvised, Condition: it.Condition,
		ReceivedWeightG: it.ReceivedWeightG, ReceivedAt: optTime(it.ReceivedAt)}
}

type inwardItem struct {
	Item             string `json:"item" doc:"S10 item id"`
	Receptacle       string `json:"receptacle"`
	Status           string `json:"status" enum:"expected,received,missing"`
	Contents         string `json:"contents,omitempty"`
	HSCode           string `json:"hs_code,omitempty"`
	WeightG          int    `json:"weight_g,omitempty"`
	Value            string `json:"value,omitempty"`
	Currency         string `json:"currency,omitempty"`
	SenderName       string `json:"sender_name,omitempty"`
	SenderCountry    string `json:"sender_country,omitempty"`
	AddresseeName    string `json:"addressee_name,omitempty"`
	AddresseeCountry string `json:"addressee_country,omitempty"`
	// Receipt out of the opened receptacle.
	NotAdvised      bool       `json:"not_advised,omitempty" doc:"Found, not on the list"`
	Condition       string     `json:"condition,omitempty" enum:"ok,damaged,rifled"`
	ReceivedWeightG int        `json:"received_weight_g,omitempty"`
	ReceivedAt      *time.Time `json:"received_at,omitempty"`
}

type inwardDetail struct {
	inwardDispatch
	ReceptacleList []inwardReceptacle `json:"receptacle_list"`
	ItemList       []inwardItem       `json:"item_list"`
}

func (s *Server) inwardDispatch(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct{ Body inwardDetail }, error) {
	d, err := s.inward().Dispatch(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := inwardDetail{inwardDispatch: toInwardDispatch(d.Dispatch), ReceptacleList: []inwardReceptacle{}, ItemList: []inwardItem{}}
	for _, r := range d.Receptacles {
		out.ReceptacleList = append(out.ReceptacleList, toInwardReceptacle(r))
	}
	for _, it := range d.Items {
		out.ItemList = append(out.ItemList, toInwardItem(it))
	}
	return &struct{ Body inwardDetail }{out}, nil
}
