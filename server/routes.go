package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

var routeReaders = []string{"admin", "operator", "customs", "merchant"}

type routesInput struct {
	From        string `query:"from" required:"true" maxLength:"6" doc:"Office where the item is ready" example:"CNXMNA"`
	To          string `query:"to" required:"true" maxLength:"6" doc:"Destination office" example:"DEDUIA"`
	Ready       string `query:"ready" required:"true" maxLength:"40" doc:"When the item is ready at from: RFC 3339 with a zone" example:"2026-11-23T10:00:00+08:00"`
	WeightG     int    `query:"weight_g" minimum:"1" maximum:"100000000" default:"1000" doc:"Item weight in grams: cost and CO2 scale with it; services with less capacity are skipped"`
	Product     string `query:"product" enum:"ems,e-packet,registered-small-packet,small-packet,parcel" doc:"Limits the modes: EMS and letter-post items by air and road, parcels by any mode. Empty: any mode"`
	Surface     bool   `query:"surface" doc:"No air legs"`
	DG          bool   `query:"dg" doc:"Dangerous goods (lithium batteries): only services that accept them"`
	Avoid       string `query:"avoid" maxLength:"200" doc:"Comma-separated ISO countries the item must not pass through in transit" example:"BY,RU"`
	MaxLegs     int    `query:"max_legs" minimum:"1" maximum:"16" default:"6" doc:"At most this many legs"`
	HorizonDays int    `query:"horizon_days" minimum:"1" maximum:"120" default:"14" doc:"Arrive within this many days of ready"`
	Pareto      bool   `query:"pareto" doc:"Also return the Pareto set over arrival, cost and CO2"`
}

func (s *Server) registerRoutes() {
	register(s, huma.Operation{
		OperationID: "plan-route", Method: http.MethodGet, Path: "/v1/routes", Summary: "plan an item's route", Tags: []string{"Network"},
		Description: "Plans the way of an item over the stored timetable with an exact timetable planner (Connection Scan). " +
			"`earliest` is the earliest arrival (ties: fewer legs, then lower cost), null when nothing arrives within the horizon; " +
			"`pareto` lists, when asked, every itinerary no other beats on arrival, cost and CO2 together. Times are UTC.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, routeReaders, s.planRoute)
}

func (s *Server) planRoute(ctx context.Context, in *routesInput) (*struct{ Body routing.Result }, error) {
	ready, err := routing.ParseReady(in.Ready)
	if err != nil {
		return nil, s.problem(ctx, postal.Invalid("bad route query", postal.FieldError{Field: "query.ready", Message: err.Error(), Value: in.Ready}))
	}
	q := routing.Query{
		From: strings.ToUpper(in.From), To: strings.ToUpper(in.To), Ready: ready, WeightG: in.WeightG,
		Product: postal.Product(in.Product), Surface: in.Surface, DG: in.DG, MaxLegs: in.MaxLegs,
		Horizon: time.Duration(in.HorizonDays) * 24 * time.Hour, Pareto: in.Pareto,
	}
	if in.Avoid != "" {
		q.Avoid = strings.Split(in.Avoid, ",")
	}
	// The planner is built once per network version and held in memory
	// (routing.Cache); no request reads or compiles the network.
	p, err := s.cfg.Routes.Current(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	res, err := p.Plan(ctx, q)
	if err != nil {
		return nil, s.problem(ctx, inQuery(err))
	}
	return &struct{ Body routing.Result }{res}, nil
}

// inQuery names the planner's fields as the query parameters that set them.
func inQuery(err error) error {
	pe, ok := err.(*postal.Error)
	if !ok {
		return err
	}
	out := *pe
	out.Fields = make([]postal.FieldError, len(pe.Fields))
	for i, f := range pe.Fields {
		if f.Field == "horizon" {
			f.Field = "horizon_days"
		}
		f.Field = "query." + f.Field
		out.Fields[i] = f
	}
	return &out
}
