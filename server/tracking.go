package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

var (
	eventWriters   = []string{"admin", "operator", "customs", "partner"}
	timelineReader = []string{"admin", "operator", "customs", "merchant"}
	webhookUsers   = []string{"admin", "merchant"}
	reportReaders  = []string{"admin", "operator"}
)

// MaxEventsBody is the largest POST /v1/events body (larger ones get 413).
const MaxEventsBody = 10 << 20

// tracking returns the tracking service.
func (s *Server) tracking() *tracking.Service { return s.cfg.Tracking }

type ingestInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"text/csv"`
}

type ingestOutput struct {
	Body tracking.Result
}

type timelineInput struct {
	ID string `path:"id" maxLength:"70" doc:"S10 item id, S8 dispatch / S9 receptacle id, waybill:CARRIER:NUMBER or ecommerce:PLATFORM:NUMBER, or a bare waybill or consignment number (e.g. 1Z84F2W60412945528) naming the one object with that number" example:"EE123456785CN"`
}

type listItemsInput struct {
	Status   string `query:"status" doc:"Comma-separated item statuses, e.g. import_customs_held,arrived (GET /v1/events/codes lists them)"`
	Lane     string `query:"lane" doc:"ORIGIN-DEST or ORIGIN-DEST:product, e.g. CN-PL or CN-PL:ems"`
	StuckFor string `query:"stuck_for" doc:"Only items whose latest event is at least this old: 36h, 90m, 3d"`
	Limit    int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor   string `query:"cursor" doc:"next_cursor of the previous page"`
}

type itemPage struct {
	Items      []tracking.Item `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

type codesOutput struct {
	Body struct {
		Codes    []tracking.CodeInfo `json:"codes"`
		Statuses []statusInfo        `json:"statuses"`
	}
}

type statusInfo struct {
	Status tracking.Status `json:"status"`
	Label  string          `json:"label"`
	Final  bool            `json:"final"`
}

type e2eInput struct {
	From string `query:"from" required:"true" doc:"First posting date, YYYY-MM-DD" example:"2026-11-01"`
	To   string `query:"to" required:"true" doc:"Last posting date, YYYY-MM-DD" example:"2026-11-30"`
}

type csvOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) registerTracking() {
	s.tracking()
	s.metrics.registerTracking(s.cfg.Registry)
	register(s, huma.Operation{
		OperationID: "ingest-events", Method: http.MethodPost, Path: "/v1/events",
		Summary: "send tracking events", Tags: []string{"Tracking"},
		Description: "Stores scans and decisions on items, receptacles and dispatches. The body is a JSON array of events, " +
			"JSON lines (`application/x-ndjson`), CSV with the header `" + strings.Join(tracking.Columns, ",") + "` (`text/csv`), " +
			"or a partner event message (`" + edi.ContentType + "`, docs/formats.md). Each event is validated on its own: valid ones are " +
			"stored, rejected ones come back with their index (and line) and reason. The same event sent twice is stored once. " +
			"Events for items Interpost has no shipment for are stored and listed as `unlinked`. Bodies over 10 MB get 413.",
		MaxBodyBytes: MaxEventsBody,
		RequestBody:  s.eventsRequestBody(),
		// Each event is validated on its own (and JSON lines are no JSON
		// document): huma's whole-body validation would refuse them all.
		SkipValidateBody: true,
		Errors:           []int{http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, eventWriters, s.ingestEvents)
	register(s, huma.Operation{
		OperationID: "list-event-codes", Method: http.MethodGet, Path: "/v1/events/codes",
		Summary: "list event codes and statuses", Tags: []string{"Tracking"},
		Description: "The UPU EMSEVT V3 event codes Interpost accepts, in chain order, and the item statuses derived from them.",
	}, nil, s.eventCodes)
	register(s, huma.Operation{
		OperationID: "get-timeline", Method: http.MethodGet, Path: "/v1/items/{id}/events",
		Summary: "get an item's timeline", Tags: []string{"Tracking"},
		Description: "The item's events in event-time order (they may arrive out of order), its derived status, lane and estimated delivery date. " +
			"Items, express waybills and e-commerce consignments (docs/formats.md, Object kinds); a bare number that two carriers use is 422 naming both. Merchants see their own items only.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, timelineReader, s.timeline)
	register(s, huma.Operation{
		OperationID: "list-items", Method: http.MethodGet, Path: "/v1/items",
		Summary: "find items by status, lane and time stuck", Tags: []string{"Tracking"},
		Description: "Items not yet delivered (or otherwise final), oldest latest event first. With `stuck_for`, only those that have stayed at their step at least that long. Merchants see their own items only.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, timelineReader, s.listItems)
	register(s, huma.Operation{
		OperationID: "e2e-report", Method: http.MethodGet, Path: "/v1/reports/e2e",
		Summary: "end-to-end performance per lane and week", Tags: []string{"Tracking"},
		Description: "For items posted (EMA) between from and to: per lane (origin, destination, product) and ISO week of posting, the volume, the J+n distribution (working days from posting to delivery), the share delivered within the lane's delivery standard and the median/p90 hours of origin handling, transport, destination customs and last mile.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, reportReaders, s.e2eReport)
	register(s, huma.Operation{
		OperationID: "e2e-report-csv", Method: http.MethodGet, Path: "/v1/reports/e2e.csv",
		Summary: "end-to-end performance as CSV", Tags: []string{"Tracking"},
		Description: "The same report as /v1/reports/e2e, one CSV row per lane and week.",
		Responses: map[string]*huma.Response{"200": {Description: "CSV", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}}}}},
		Errors: []int{http.StatusUnprocessableEntity},
	}, reportReaders, s.e2eReportCSV)
	register(s, huma.Operation{
		OperationID: "list-delivery-standards", Method: http.MethodGet, Path: "/v1/lanes/standards",
		Summary: "list delivery standards", Tags: []string{"Tracking"},
		Description: fmt.Sprintf("J+n delivery standards per lane; lanes without one use J+%d.", tracking.DefaultStandardDays),
	}, reportReaders, s.listStandards)
	register(s, huma.Operation{
		OperationID: "put-delivery-standard", Method: http.MethodPut, Path: "/v1/lanes/standards",
		Summary: "set a lane's delivery standard", Tags: []string{"Tracking"},
		Description: "Creates or replaces the standard of (origin, dest, product); empty fields match any.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, adminOnly, s.putStandard)
	s.registerWebhooks()
	s.registerTrackPage()
	s.registerBuyerNotify()
}

// eventsRequestBody documents the body types POST /v1/events takes.
func (s *Server) eventsRequestBody() *huma.RequestBody {
	events := huma.SchemaFromType(s.api.OpenAPI().Components.Schemas, reflect.TypeOf([]tracking.Event{}))
	text := func(desc string) *huma.MediaType {
		return &huma.MediaType{Schema: &huma.Schema{Type: "string", Description: desc}}
	}
	return &huma.RequestBody{
		Description: "Events, up to 10 MB.",
		Required:    true,
		Content: map[string]*huma.MediaType{
			"application/json":     {Schema: events},
			"application/x-ndjson": text("One JSON event object per line."),
			edi.ContentType:        text("A partner event message (docs/formats.md)."),
		},
	}
}

func (s *Server) ingestEvents(ctx context.Context, in *ingestInput) (*ingestOutput, error) {
	var dec tracking.Decoder
	mt, _, _ := strings.Cut(in.ContentType, ";")
	switch mt = strings.TrimSpace(strings.ToLower(mt)); mt {
	case "text/csv":
		dec = tracking.NewCSVDecoder(bytes.NewReader(in.RawBody))
	case edi.ContentType:
		m, err := edi.DecodeEvents(bytes.NewReader(in.RawBody))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		dec = m.Decoder()
	case "application/json", "application/x-ndjson", "application/jsonl", "":
		dec = tracking.NewJSONDecoder(bytes.NewReader(in.RawBody))
	default:
		return nil, huma.Error415UnsupportedMediaType("Content-Type " + mt + " is not accepted: send application/json, application/x-ndjson, text/csv or " + edi.ContentType)
	}
	res, err := s.tracking().IngestStream(ctx, principal(ctx), dec, tracking.StreamOptions{})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	s.metrics.trackingEvents(res)
	return &ingestOutput{Body: res}, nil
}

func (s *Server) eventCodes(context.Context, *struct{}) (*codesOutput, error) {
	out := &codesOutput{}
	out.Body.Codes = tracking.Codes()
	for _, st := range tracking.Statuses() {
		out.Body.Statuses = append(out.Body.Statuses, statusInfo{Status: st, Label: st.Label(), Final: st.Final()})
	}
	return out, nil
}

func (s *Server) timeline(ctx context.Context, in *timelineInput) (*struct{ Body tracking.Timeline }, error) {
	tl, err := s.tracking().Timeline(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body tracking.Timeline }{tl}, nil
}

func (s *Server) listItems(ctx context.Context, in *listItemsInput) (*struct{ Body itemPage }, error) {
	stuck, err := parseStuckFor(in.StuckFor)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var statuses []string
	for _, st := range strings.Split(in.Status, ",") {
		if st = strings.TrimSpace(st); st != "" {
			statuses = append(statuses, st)
		}
	}
	items, next, err := s.tracking().Stuck(ctx, principal(ctx), statuses, in.Lane, stuck, in.Cursor, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body itemPage }{itemPage{Items: items, NextCursor: next}}, nil
}

// parseStuckFor reads a duration such as 36h, 90m or 3d.
func parseStuckFor(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	bad := postal.Invalid("bad stuck_for", postal.FieldError{Field: "query.stuck_for", Message: fmt.Sprintf("%q is not a duration such as 36h, 90m or 3d", v)})
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 || n > 3650 {
			return 0, bad
		}
		return time.Duration(n * 24 * float64(time.Hour)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

func parseDates(from, to string) (time.Time, time.Time, error) {
	var fe postal.FieldList
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		fe.Add("query.from", "%q is not a date YYYY-MM-DD", from)
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		fe.Add("query.to", "%q is not a date YYYY-MM-DD", to)
	}
	return f, t, fe.Err("bad period")
}

func (s *Server) e2eReport(ctx context.Context, in *e2eInput) (*struct{ Body tracking.Report }, error) {
	from, to, err := parseDates(in.From, in.To)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rep, err := s.tracking().E2E(ctx, from, to)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body tracking.Report }{rep}, nil
}

func (s *Server) e2eReportCSV(ctx context.Context, in *e2eInput) (*csvOutput, error) {
	from, to, err := parseDates(in.From, in.To)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rep, err := s.tracking().E2E(ctx, from, to)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &csvOutput{ContentType: "text/csv; charset=utf-8",
		ContentDisposition: fmt.Sprintf(`attachment; filename="e2e-%s-%s.csv"`, rep.From, rep.To), Body: buf.Bytes()}, nil
}

func (s *Server) listStandards(ctx context.Context, _ *struct{}) (*struct{ Body []tracking.Standard }, error) {
	stds, err := s.tracking().Standards(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body []tracking.Standard }{stds}, nil
}

func (s *Server) putStandard(ctx context.Context, in *struct{ Body tracking.Standard }) (*struct{ Body tracking.Standard }, error) {
	if err := s.tracking().PutStandard(ctx, in.Body); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body tracking.Standard }{in.Body}, nil
}
