package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
)

func (s *Server) registerInwardTransit() {
	tags := []string{"Inward"}
	register(s, huma.Operation{
		OperationID: "inward-transit-list", Method: http.MethodGet, Path: "/v1/inward/transit",
		Summary: "list dispatches in closed transit through our offices", Tags: tags,
		Description: "Dispatches bound abroad whose transport arrives at one of our offices of exchange (or received there unadvised), " +
			"newest first. Operators and customs see their offices' only.",
		Errors: []int{http.StatusForbidden},
	}, []string{"admin", "operator", "customs"}, s.inwardTransitList)
	register(s, huma.Operation{
		OperationID: "inward-transit", Method: http.MethodGet, Path: "/v1/inward/transit/{id}",
		Summary: "get a transit dispatch with its receptacles and forwarding", Tags: tags,
		Description: "Receptacles as received at our transit office (checked unopened: weight, seal, damage) and, for those forwarded, " +
			"the service they left on with the planned way to the office abroad. Their timeline (EMJ, EMK) is GET /v1/items/{S9}/events.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound},
	}, []string{"admin", "operator", "customs"}, s.inwardTransit)
	register(s, huma.Operation{
		OperationID: "inward-transit-forward", Method: http.MethodPost, Path: "/v1/inward/transit/{id}/forward",
		Summary: "forward a transit dispatch's received receptacles unopened on the planned service", Tags: tags,
		Description: "The route planner gives the earliest way from our transit office to the dispatch's office abroad; each received " +
			"receptacle not forwarded before leaves on its first service, with EMK on it and its listed items. Calling again forwards only " +
			"receptacles received since. 409 when no service reaches the destination within the planner's horizon (nothing stored).",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardTransitForward)
	register(s, huma.Operation{
		OperationID: "inward-transit-cardit", Method: http.MethodGet, Path: "/v1/inward/transit/{id}/cardit",
		Summary: "the CARDITs of a transit dispatch's onward consignments", Tags: tags,
		Description: "Receptacles forwarded on one departure of a service are one consignment of ours to its carrier (number " +
			"OFFICE-SERVICE-YYYYMMDDHHMM): its CARDIT pre-advice, as JSON and as EDIFACT in the carrier's profile, the reference the " +
			"carrier's own serial. Asking again answers the same messages. A carrier's partner key sees its own consignments.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound},
	}, []string{"admin", "operator", "partner"}, s.inwardTransitCardit)
	register(s, huma.Operation{
		OperationID: "inward-resort", Method: http.MethodGet, Path: "/v1/inward/dispatches/{id}/resort",
		Summary: "re-sort a dispatch's open-transit items into our outward streams", Tags: tags,
		Description: "Items of a dispatch to us whose pre-advice names an addressee abroad (open transit: scanned, they got EMJ, not EMD) " +
			"are sorted by the outward sort plan of the office that received them: each item's stream (the first 15 characters of its " +
			"outward S8) or why no rule takes it. Items not received yet are waiting. Stores nothing.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardResort)
	register(s, huma.Operation{
		OperationID: "inward-resdit-confirm", Method: http.MethodPost, Path: "/v1/inward/consignments/{id}/resdit",
		Summary: "confirm to the carrier what of its consignment (CARDIT) we received: RESDIT", Tags: tags,
		Description: "Event 21 (delivered to the post) for the received receptacles, one event per office and minute, in the carrier's " +
			"EDIFACT profile (ours: docs/formats.md) and as JSON. The reference is the carrier's own serial (unique per carrier and " +
			"interchange); confirming again with nothing new received answers the same message.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inwardReceivers, s.inwardResditConfirm)
	register(s, huma.Operation{
		OperationID: "inward-resdit-list", Method: http.MethodGet, Path: "/v1/inward/consignments/{id}/resdit",
		Summary: "list the RESDITs sent for a consignment", Tags: tags,
		Description: "Admins, operators of the confirming office, and the carrier's own key.",
	}, []string{"admin", "operator", "partner"}, s.inwardResditList)
}

type transitLeg struct {
	Service string    `json:"service"`
	Mode    string    `json:"mode" enum:"air,rail,road,sea"`
	Carrier string    `json:"carrier,omitempty"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Depart  time.Time `json:"depart"`
	Arrive  time.Time `json:"arrive"`
}

type transitForwarding struct {
	Receptacle  string       `json:"receptacle" doc:"S9"`
	Office      string       `json:"office" doc:"Our transit office it left"`
	Destination string       `json:"destination" doc:"The dispatch's office abroad"`
	Service     string       `json:"service" doc:"The service it left on (first leg)"`
	Mode        string       `json:"mode"`
	Next        string       `json:"next" doc:"Office that service goes to"`
	Departure   time.Time    `json:"departure"`
	Arrival     time.Time    `json:"arrival"`
	WeightG     int          `json:"weight_g" doc:"As received"`
	ForwardedAt time.Time    `json:"forwarded_at"`
	Legs        []transitLeg `json:"legs" doc:"The planned way to the destination"`
}

func toForwardings(fs []inward.Forwarding) []transitForwarding {
	out := make([]transitForwarding, 0, len(fs))
	for _, f := range fs {
		x := transitForwarding{Receptacle: f.Receptacle, Office: f.Office, Destination: f.Destination, Service: f.Service, Mode: f.Mode,
			Next: f.Next, Departure: f.Departure, Arrival: f.Arrival, WeightG: f.WeightG, ForwardedAt: f.ForwardedAt, Legs: []transitLeg{}}
		for _, l := range f.Legs {
			x.Legs = append(x.Legs, transitLeg{Service: l.Service, Mode: l.Mode, Carrier: l.Carrier, From: l.From, To: l.To, Depart: l.Depart, Arrive: l.Arrive})
		}
		out = append(out, x)
	}
	return out
}

type transitSummary struct {
	Dispatch  string    `json:"dispatch" doc:"S8, bound abroad"`
	Office    string    `json:"office" doc:"Our office of exchange of transit"`
	AdvisedAt time.Time `json:"advised_at"`
}

func (s *Server) inwardTransitList(ctx context.Context, in *struct {
	Limit int `query:"limit" doc:"At most 1000; default 100"`
}) (*struct {
	Body struct {
		Transit []transitSummary `json:"transit"`
	}
}, error) {
	ts, err := s.inward().TransitDispatches(ctx, principal(ctx), in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Transit []transitSummary `json:"transit"`
		}
	}{}
	out.Body.Transit = make([]transitSummary, 0, len(ts))
	for _, t := range ts {
		out.Body.Transit = append(out.Body.Transit, transitSummary{Dispatch: t.Dispatch, Office: t.Office, AdvisedAt: t.AdvisedAt})
	}
	return out, nil
}

type transitView struct {
	Dispatch    string              `json:"dispatch" doc:"S8"`
	Origin      string              `json:"origin"`
	Destination string              `json:"destination" doc:"The office abroad"`
	Office      string              `json:"office" doc:"Our transit office"`
	Partner     string              `json:"partner"`
	Status      string              `json:"status" enum:"expected,received"`
	Consignment string              `json:"consignment,omitempty"`
	Carrier     string              `json:"carrier,omitempty"`
	Receptacles []inwardReceptacle  `json:"receptacles"`
	Forwardings []transitForwarding `json:"forwardings"`
}

func (s *Server) inwardTransit(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct{ Body transitView }, error) {
	v, err := s.inward().TransitDispatch(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	d := v.Dispatch
	out := transitView{Dispatch: d.ID, Origin: d.Origin, Destination: d.Destination, Office: v.Transit.Office, Partner: d.Partner,
		Status: string(d.Status), Consignment: d.Consignment, Carrier: d.Carrier, Receptacles: make([]inwardReceptacle, 0, len(v.Receptacles)),
		Forwardings: toForwardings(v.Forwardings)}
	for _, r := range v.Receptacles {
		out.Receptacles = append(out.Receptacles, toInwardReceptacle(r))
	}
	return &struct{ Body transitView }{out}, nil
}

func (s *Server) inwardTransitForward(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct {
	Body struct {
		Dispatch  string              `json:"dispatch"`
		Forwarded []transitForwarding `json:"forwarded" doc:"Forwarded now"`
		Earlier   []transitForwarding `json:"earlier" doc:"Forwarded before"`
		Waiting   []string            `json:"waiting" doc:"Advised receptacles not received yet"`
		Onward    []onwardCardit      `json:"onward" doc:"The onward consignments the receptacles forwarded now left in, with the CARDIT to each carrier"`
	}
}, error) {
	r, err := s.inward().Forward(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Dispatch  string              `json:"dispatch"`
			Forwarded []transitForwarding `json:"forwarded" doc:"Forwarded now"`
			Earlier   []transitForwarding `json:"earlier" doc:"Forwarded before"`
			Waiting   []string            `json:"waiting" doc:"Advised receptacles not received yet"`
			Onward    []onwardCardit      `json:"onward" doc:"The onward consignments the receptacles forwarded now left in, with the CARDIT to each carrier"`
		}
	}{}
	out.Body.Dispatch, out.Body.Forwarded, out.Body.Earlier, out.Body.Waiting = r.Dispatch, toForwardings(r.Forwarded), toForwardings(r.Earlier), r.Waiting
	out.Body.Onward = s.toOnward(r.Onward)
	if out.Body.Waiting == nil {
		out.Body.Waiting = []string{}
	}
	return out, nil
}

type carrierResdit struct {
	Carrier     string         `json:"carrier"`
	Ref         string         `json:"ref" doc:"Our interchange reference, unique per carrier"`
	Consignment string         `json:"consignment"`
	Office      string         `json:"office"`
	Receptacles int            `json:"receptacles"`
	CreatedAt   time.Time      `json:"created_at"`
	Message     edi.PostResdit `json:"message"`
	EDI         string         `json:"edi" doc:"The EDIFACT text in the carrier's profile"`
}

func toCarrierResdit(c inward.CarrierReceipt) (carrierResdit, error) {
	out := carrierResdit{Carrier: c.Carrier, Ref: c.Ref, Consignment: c.Consignment, Office: c.Office, Receptacles: c.Receptacles,
		CreatedAt: c.CreatedAt, EDI: string(c.Text)}
	return out, json.Unmarshal(c.Message, &out.Message)
}

func (s *Server) inwardResditConfirm(ctx context.Context, in *struct {
	ID string `path:"id" doc:"Consignment (CARDIT) number"`
}) (*struct{ Body carrierResdit }, error) {
	c, err := s.inward().ConfirmToCarrier(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out, err := toCarrierResdit(c)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body carrierResdit }{out}, nil
}

func (s *Server) inwardResditList(ctx context.Context, in *struct {
	ID string `path:"id" doc:"Consignment (CARDIT) number"`
}) (*struct {
	Body struct {
		Resdits []carrierResdit `json:"resdits"`
	}
}, error) {
	cs, err := s.inward().CarrierReceipts(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Resdits []carrierResdit `json:"resdits"`
		}
	}{}
	out.Body.Resdits = make([]carrierResdit, 0, len(cs))
	for _, c := range cs {
		x, err := toCarrierResdit(c)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out.Body.Resdits = append(out.Body.Resdits, x)
	}
	return out, nil
}

type resortedItem struct {
	Item        string `json:"item" doc:"S10"`
	Country     string `json:"country" doc:"Addressee's country"`
	Destination string `json:"destination,omitempty" doc:"Outward office of exchange"`
	Category    string `json:"category,omitempty"`
	Subclass    string `json:"subclass,omitempty"`
	Receptacle  string `json:"receptacle,omitempty"`
	Stream      string `json:"stream,omitempty" doc:"Outward S8 prefix: office, destination, category, subclass"`
	Reason      string `json:"reason,omitempty" doc:"Why the sort plan has no rule for it"`
}

func (s *Server) inwardResort(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct {
	Body struct {
		Dispatch string         `json:"dispatch"`
		Office   string         `json:"office"`
		Items    []resortedItem `json:"items"`
		Waiting  []string       `json:"waiting"`
	}
}, error) {
	r, err := s.inward().Resort(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Dispatch string         `json:"dispatch"`
			Office   string         `json:"office"`
			Items    []resortedItem `json:"items"`
			Waiting  []string       `json:"waiting"`
		}
	}{}
	out.Body.Dispatch, out.Body.Office, out.Body.Items, out.Body.Waiting = r.Dispatch, r.Office, make([]resortedItem, 0, len(r.Items)), r.Waiting
	for _, x := range r.Items {
		out.Body.Items = append(out.Body.Items, resortedItem{Item: x.Item, Country: x.Country, Destination: x.Destination, Category: x.Category,
			Subclass: x.Subclass, Receptacle: x.Receptacle, Stream: x.Stream, Reason: x.Reason})
	}
	if out.Body.Waiting == nil {
		out.Body.Waiting = []string{}
	}
	return out, nil
}

type onwardCardit struct {
	edi.Cardit
	EDIFACT string `json:"edifact" doc:"The same message as EDIFACT in the carrier's exchange profile"`
}

func (s *Server) toOnward(cs []edi.Cardit) []onwardCardit {
	out := make([]onwardCardit, 0, len(cs))
	for _, c := range cs {
		out = append(out, onwardCardit{Cardit: c, EDIFACT: string(c.MarshalProfile(s.inward().Profiles.For(c.Carrier)))})
	}
	return out
}

func (s *Server) inwardTransitCardit(ctx context.Context, in *struct {
	ID string `path:"id" doc:"S8 dispatch id"`
}) (*struct {
	Body struct {
		Consignments []onwardCardit `json:"consignments"`
	}
}, error) {
	cs, err := s.inward().OnwardCardits(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Consignments []onwardCardit `json:"consignments"`
		}
	}{}
	out.Body.Consignments = s.toOnward(cs)
	return out, nil
}
