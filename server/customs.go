package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

var (
	declarers     = []string{"admin", "operator", "customs", "partner"}
	customsStaff  = []string{"admin", "operator", "customs"}
	estimators    = []string{"admin", "operator", "customs", "merchant"}
	officersOnly  = []string{"customs"}
	manifestLimit = int64(100 << 20) // the documented maximum of one upload (docs/formats.md); the CLI imports larger files
)

type declarationOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     customs.Item
}

type manifestInput struct {
	ContentType string `header:"Content-Type" doc:"text/csv or application/x-ndjson (JSON lines); or give format"`
	Format      string `query:"format" enum:"csv,jsonl" doc:"Manifest format when the Content-Type does not say"`
	Atomic      bool   `query:"atomic" doc:"Store nothing if any declaration is rejected (default: store the valid ones and report the rest)"`
	DryRun      bool   `query:"dry_run" doc:"Validate and screen only; store nothing"`
	Name        string `query:"name" maxLength:"200" doc:"File name to keep with the manifest record"`
	RawBody     []byte `contentType:"text/csv"`
}

type manifestOutput struct {
	Status int
	Body   customs.ImportReport
}

// QueueFilter is the customs queue's filter, as the list and its export
// (and the console's filter bar) take it.
type QueueFilter struct {
	Office    string `query:"office" required:"true" doc:"Office of exchange, e.g. CNSHAA"`
	Status    string `query:"status" enum:"pending,held" doc:"Only pending or only held items (default both)"`
	Stream    string `query:"stream" enum:"postal,express,ecommerce" doc:"Only items of this stream"`
	Direction string `query:"direction" enum:"import,export" doc:"Only imports or only exports"`
	Q         string `query:"q" maxLength:"100" doc:"Prefix of the item id or of any word of the sender's or addressee's name or company; case, accents and spacing are ignored and Chinese names match their pinyin (王小 = wangxiao)"`
	Sort      string `query:"sort" enum:"priority,-declared,declared,-score,score" default:"priority" doc:"priority (the work order: riskiest and longest-waiting first), declared time or risk score; descending with a leading -"`
}

func (f QueueFilter) query() customs.QueueQuery {
	return customs.QueueQuery{Office: f.Office, Status: f.Status, Stream: f.Stream, Direction: f.Direction, Search: f.Q, Sort: f.Sort}
}

type queueInput struct {
	QueueFilter
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page (of the same sort)"`
}

type queueOutput struct {
	Body customs.QueuePage
}

type exportQueueInput struct {
	QueueFilter
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8) or xlsx"`
}

type itemIDInput struct {
	ID string `path:"id" doc:"Item id (S10, waybill or e-commerce logistics id)"`
}

type decisionInput struct {
	ID   string `path:"id" doc:"Item id"`
	Body customs.Decision
}

type rulesInfo struct {
	Version     string          `json:"version"`
	Description string          `json:"description,omitempty"`
	Source      string          `json:"source"`
	LoadedAt    time.Time       `json:"loaded_at"`
	Reference   string          `json:"reference_currency"`
	Counts      risk.RuleCounts `json:"counts"`
}

// schemaPrefixes name the OpenAPI schemas of packages whose type names
// clash with others': customs.Declaration becomes CustomsDeclaration beside
// acceptance's Declaration, risk.Screening CustomsScreening.
var schemaPrefixes = map[string]string{
	"github.com/interpost/interpost/customs":      "Customs",
	"github.com/interpost/interpost/customs/risk": "Customs",
	"github.com/interpost/interpost/customs/ceb":  "CEB",
}

// schemaNamer is huma's default namer plus schemaPrefixes.
func schemaNamer(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p, ok := schemaPrefixes[t.PkgPath()]; ok && !strings.HasPrefix(name, p) {
		return p + name
	}
	return name
}

func (s *Server) registerCustoms() {
	tags := []string{"Customs"}
	register(s, huma.Operation{
		OperationID: "create-declaration", Method: http.MethodPost, Path: "/v1/declarations",
		Summary: "submit a customs declaration", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Electronic advance data for one postal, express or e-commerce item: validated, screened by the risk engine and stored. " +
			"Items the engine proposes to release are released at once; the others wait in their office's queue. Shipments created through " +
			"/v1/shipments are declared automatically. A second declaration of the same item id is 409.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, declarers, s.createDeclaration)
	op := huma.Operation{
		OperationID: "import-manifest", Method: http.MethodPost, Path: "/v1/manifests",
		Summary: "import a customs manifest", Tags: tags, MaxBodyBytes: manifestLimit,
		Description: "A bulk manifest of declarations as CSV or JSON lines (docs/formats.md, Customs manifests). Every declaration is validated " +
			"and screened; the report lists each rejected one by line, field and reason, and the items not released. By default the valid " +
			"declarations are stored (201) and the rejected ones reported; with atomic=true a single rejection stores nothing (422). " +
			"dry_run=true stores nothing and answers 200. Item ids repeated in the manifest or already declared are duplicates.",
		Responses: map[string]*huma.Response{"422": {Description: "Nothing was stored: the report says why, line by line", Content: map[string]*huma.MediaType{
			"application/json": {Schema: &huma.Schema{Ref: "#/components/schemas/CustomsImportReport"}}}}},
		Errors: []int{http.StatusServiceUnavailable},
	}
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/x-ndjson": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}
	register(s, op, declarers, s.importManifest)
	register(s, huma.Operation{
		OperationID: "get-manifest", Method: http.MethodGet, Path: "/v1/manifests/{id}",
		Summary: "get a manifest record", Tags: tags, Errors: []int{http.StatusNotFound},
	}, declarers, s.getManifest)
	register(s, huma.Operation{
		OperationID: "customs-queue", Method: http.MethodGet, Path: "/v1/customs/queue",
		Summary: "list an office's customs queue", Tags: tags,
		Description: "Pending and held items of one office, riskiest and longest-waiting first (each risk point counts as two minutes of waiting) " +
			"unless sorted otherwise; filtered by status, stream, direction and a search prefix. total counts the matching items up to 1,000 (total_exact false beyond).",
		Errors: []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, customsStaff, s.customsQueue)
	register(s, huma.Operation{
		OperationID: "export-customs-queue", Method: http.MethodGet, Path: "/v1/customs/queue/export",
		Summary: "export an office's customs queue", Tags: tags,
		Description: fmt.Sprintf("The queue entries the same filters select, in the same order, as CSV (UTF-8) or XLSX; at most %d rows (422 asks for a narrower filter beyond).", customs.QueueExportMax),
		Responses:   exportResponses(),
		Errors:      []int{http.StatusForbidden, http.StatusUnprocessableEntity},
	}, customsStaff, s.exportCustomsQueue)
	register(s, huma.Operation{
		OperationID: "get-customs-item", Method: http.MethodGet, Path: "/v1/customs/items/{id}",
		Summary: "get a customs item", Tags: tags,
		Description: "The declaration, its screening (score, reasons, proposed action), status, duties, the audit trail of decisions and the tracking events emitted.",
		Errors:      []int{http.StatusNotFound},
	}, customsStaff, s.getCustomsItem)
	register(s, huma.Operation{
		OperationID: "decide-customs-item", Method: http.MethodPost, Path: "/v1/customs/items/{id}/decision",
		Summary: "decide on a customs item", Tags: tags,
		Description: "claim, unclaim, hold (for document_check, xray or physical_inspection), inspect (record a check's result), release, seize " +
			"or return to sender. Only customs keys of the item's office may decide (403). Every decision is audited and emits UPU tracking " +
			"events: EXA/EXB/EXC/EXX for exports, EDB/EME/EDC/EDX for imports. A decision on a final item, or on one claimed by another officer, is 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, officersOnly, s.decideCustomsItem)
	register(s, huma.Operation{
		OperationID: "estimate-duties", Method: http.MethodPost, Path: "/v1/customs/duties/estimate",
		Summary: "estimate duties and taxes", Tags: tags,
		Description: "Validates a declaration and estimates the destination's duties and VAT/GST from the duty tables in the rules file (for DDP quotes). Nothing is stored.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, estimators, s.estimateDuties)
	register(s, huma.Operation{
		OperationID: "get-customs-rules", Method: http.MethodGet, Path: "/v1/customs/rules",
		Summary: "show the customs rules in force", Tags: tags, Errors: []int{http.StatusServiceUnavailable},
	}, customsStaff, s.customsRules)
	register(s, huma.Operation{
		OperationID: "reload-customs-rules", Method: http.MethodPost, Path: "/v1/customs/rules/reload",
		Summary: "reload the customs rules file", Tags: tags,
		Description: "Reads the rules file again. A file with errors is refused with each problem's line and key, and the rules in force stay.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, []string{"admin"}, s.reloadCustomsRules)
}

// customs returns the customs service, or a 503 when none is configured.
func (s *Server) customs(ctx context.Context) (*customs.Service, error) {
	if s.cfg.Customs == nil {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeUnavailable, "customs is not configured on this node"))
	}
	return s.cfg.Customs, nil
}

func (s *Server) createDeclaration(ctx context.Context, in *struct{ Body customs.Declaration }) (*declarationOutput, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	it, err := cs.Declare(ctx, principal(ctx), in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &declarationOutput{Status: http.StatusCreated, Location: "/v1/customs/items/" + it.ID(), Body: it}, nil
}

func (s *Server) importManifest(ctx context.Context, in *manifestInput) (*manifestOutput, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	format := in.Format
	if format == "" {
		format = customs.FormatOf(in.ContentType)
	}
	if format == "" {
		return nil, s.problem(ctx, postal.Invalid("unknown manifest format", postal.FieldError{Field: "header.Content-Type",
			Message: "send text/csv or application/x-ndjson, or set format=csv|jsonl"}))
	}
	rep, err := cs.ImportManifest(ctx, principal(ctx), bytes.NewReader(in.RawBody),
		customs.ImportOptions{Format: format, Atomic: in.Atomic, DryRun: in.DryRun, Name: in.Name})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	status := http.StatusCreated
	switch {
	case in.DryRun:
		status = http.StatusOK
	case !rep.Stored:
		status = http.StatusUnprocessableEntity
	}
	return &manifestOutput{Status: status, Body: rep}, nil
}

func (s *Server) getManifest(ctx context.Context, in *struct {
	ID string `path:"id"`
}) (*struct{ Body customs.Manifest }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	m, err := cs.Manifest(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body customs.Manifest }{m}, nil
}

func (s *Server) customsQueue(ctx context.Context, in *queueInput) (*queueOutput, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	q := in.query()
	q.Limit, q.Cursor = in.Limit, in.Cursor
	page, err := cs.FindQueue(ctx, principal(ctx), q)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if page.Items == nil {
		page.Items = []customs.QueueEntry{}
	}
	return &queueOutput{Body: page}, nil
}

func (s *Server) exportCustomsQueue(ctx context.Context, in *exportQueueInput) (*fileOutput, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	return s.exportFile(ctx, "customs-queue-"+in.Office, in.Format, func(write func(header []string, rows func(func([]string) error) error) error) error {
		return cs.ExportQueue(ctx, principal(ctx), in.query(), write)
	})
}

func (s *Server) getCustomsItem(ctx context.Context, in *itemIDInput) (*struct{ Body customs.ItemView }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	v, err := cs.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body customs.ItemView }{v}, nil
}

func (s *Server) decideCustomsItem(ctx context.Context, in *decisionInput) (*struct{ Body customs.ItemView }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	v, err := cs.Decide(ctx, principal(ctx), in.ID, in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body customs.ItemView }{v}, nil
}

func (s *Server) estimateDuties(ctx context.Context, in *struct{ Body customs.Declaration }) (*struct{ Body customs.Duties }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	d, err := cs.EstimateDuties(in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body customs.Duties }{d}, nil
}

func info(e *risk.Engine) rulesInfo {
	return rulesInfo{Version: e.Version, Description: e.Description, Source: e.Source, LoadedAt: e.LoadedAt,
		Reference: e.Money().Reference, Counts: e.Counts}
}

func (s *Server) customsRules(ctx context.Context, _ *struct{}) (*struct{ Body rulesInfo }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	e := cs.Rules()
	if e == nil {
		return nil, s.problem(ctx, customs.ErrNoRules)
	}
	return &struct{ Body rulesInfo }{info(e)}, nil
}

func (s *Server) reloadCustomsRules(ctx context.Context, _ *struct{}) (*struct{ Body rulesInfo }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	e, err := cs.ReloadRules()
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body rulesInfo }{info(e)}, nil
}
