package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/inward"
)

// registerInwardPush adds partner posts' push endpoints (issue 16 item
// 3): where a node's push worker sends the events waiting for a partner.
func (s *Server) registerInwardPush() {
	tags := []string{"Inward"}
	register(s, huma.Operation{
		OperationID: "inward-set-partner-endpoint", Method: http.MethodPut, Path: "/v1/inward/partners/{partner}/endpoint",
		Summary: "set where a partner post takes our events (push)", Tags: tags,
		Description: "Every node pushes the partner's waiting events there in batches of up to 5,000, every --partner-push-every (30 s by " +
			"default): a POST whose body is the pull's JSON answer (format json), the EMSEVT records (emsevt) or the EDIFACT interchange " +
			"in the partner's profile (edifact), with the batch reference in X-Interpost-Batch. A 2xx answer stamps the events returned; " +
			"anything else keeps them waiting and the endpoint backs off (30 s doubling, at most 30 min). Events pushed are not handed " +
			"out by GET /v1/inward/events, and the other way round. Setting the endpoint again restarts its retry state. Admins only.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, []string{"admin"}, s.inwardSetEndpoint)
	register(s, huma.Operation{
		OperationID: "inward-partner-endpoint", Method: http.MethodGet, Path: "/v1/inward/partners/{partner}/endpoint",
		Summary: "a partner post's push endpoint and its latest pushes", Tags: tags,
		Description: "The endpoint, its retry state (failures in a row, next try, last success, last error) and the latest pushes, newest " +
			"first. A partner key reads its own post's.",
		Errors: []int{http.StatusNotFound},
	}, []string{"admin", "partner"}, s.inwardEndpoint)
	register(s, huma.Operation{
		OperationID: "inward-delete-partner-endpoint", Method: http.MethodDelete, Path: "/v1/inward/partners/{partner}/endpoint",
		Summary: "stop pushing to a partner post", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Its events wait for GET /v1/inward/events again. Admins only.",
		Errors:      []int{http.StatusNotFound},
	}, []string{"admin"}, s.inwardDeleteEndpoint)
	register(s, huma.Operation{
		OperationID: "inward-partner-endpoints", Method: http.MethodGet, Path: "/v1/inward/endpoints",
		Summary: "every partner post's push endpoint", Tags: tags,
		Description: "By partner, with each one's retry state. Admins only.",
	}, []string{"admin"}, s.inwardEndpoints)
}

type partnerEndpoint struct {
	Partner   string    `json:"partner" example:"KRPOST"`
	URL       string    `json:"url" example:"https://edi.epost.example.kr/interpost/events"`
	Format    string    `json:"format" enum:"json,emsevt,edifact"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by" doc:"Key that set it"`
	Failures  int       `json:"failures" doc:"Failed pushes in a row"`
	RetryAt   time.Time `json:"retry_at" doc:"No push before this (the backoff after failures)"`
	LastOK    time.Time `json:"last_ok,omitzero" doc:"Last successful push"`
	LastError string    `json:"last_error,omitempty"`
}

type partnerPush struct {
	Batch       string    `json:"batch" doc:"Message reference"`
	URL         string    `json:"url"`
	Format      string    `json:"format"`
	Events      int       `json:"events"`
	AttemptedAt time.Time `json:"attempted_at"`
	OK          bool      `json:"ok"`
	Status      int       `json:"status,omitempty" doc:"HTTP status the partner answered"`
	Error       string    `json:"error,omitempty"`
	Node        string    `json:"node,omitempty" doc:"Node that pushed"`
}

func toEndpoint(e inward.Endpoint) partnerEndpoint {
	return partnerEndpoint{Partner: e.Partner, URL: e.URL, Format: e.Format, Enabled: e.Enabled, UpdatedAt: e.UpdatedAt, UpdatedBy: e.UpdatedBy,
		Failures: e.Failures, RetryAt: e.RetryAt, LastOK: e.LastOK, LastError: e.LastError}
}

type partnerPath struct {
	Partner string `path:"partner" doc:"Partner post, e.g. KRPOST"`
}

func (s *Server) inwardSetEndpoint(ctx context.Context, in *struct {
	Partner string `path:"partner" doc:"Partner post, e.g. KRPOST"`
	Body    struct {
		URL     string `json:"url" doc:"http or https URL the events are POSTed to" maxLength:"500"`
		Format  string `json:"format,omitempty" enum:"json,emsevt,edifact" doc:"Body of a push; default json"`
		Enabled *bool  `json:"enabled,omitempty" doc:"false keeps the endpoint but pushes nothing (the partner pulls); default true"`
	}
}) (*struct{ Body partnerEndpoint }, error) {
	e := inward.Endpoint{Partner: in.Partner, URL: in.Body.URL, Format: in.Body.Format, Enabled: in.Body.Enabled == nil || *in.Body.Enabled}
	if e.Format == "" {
		e.Format = inward.FormatJSON
	}
	got, err := s.inward().SetEndpoint(ctx, principal(ctx), e)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body partnerEndpoint }{toEndpoint(got)}, nil
}

func (s *Server) inwardEndpoint(ctx context.Context, in *struct {
	Partner string `path:"partner" doc:"Partner post, e.g. KRPOST"`
	Pushes  int    `query:"pushes" minimum:"1" maximum:"500" default:"20" doc:"How many of the latest pushes"`
}) (*struct {
	Body struct {
		partnerEndpoint
		Pushes []partnerPush `json:"pushes"`
	}
}, error) {
	e, ps, err := s.inward().Endpoint(ctx, principal(ctx), in.Partner, in.Pushes)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			partnerEndpoint
			Pushes []partnerPush `json:"pushes"`
		}
	}{}
	out.Body.partnerEndpoint, out.Body.Pushes = toEndpoint(e), make([]partnerPush, 0, len(ps))
	for _, p := range ps {
		out.Body.Pushes = append(out.Body.Pushes, partnerPush{Batch: p.Batch, URL: p.URL, Format: p.Format, Events: p.Events, AttemptedAt: p.AttemptedAt,
			OK: p.OK, Status: p.Status, Error: p.Error, Node: p.Node})
	}
	return out, nil
}

func (s *Server) inwardDeleteEndpoint(ctx context.Context, in *partnerPath) (*struct{}, error) {
	if err := s.inward().RemoveEndpoint(ctx, principal(ctx), in.Partner); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{}{}, nil
}

func (s *Server) inwardEndpoints(ctx context.Context, _ *struct{}) (*struct {
	Body struct {
		Endpoints []partnerEndpoint `json:"endpoints"`
	}
}, error) {
	es, err := s.inward().Endpoints(ctx, principal(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct {
		Body struct {
			Endpoints []partnerEndpoint `json:"endpoints"`
		}
	}{}
	out.Body.Endpoints = make([]partnerEndpoint, 0, len(es))
	for _, e := range es {
		out.Body.Endpoints = append(out.Body.Endpoints, toEndpoint(e))
	}
	return out, nil
}
