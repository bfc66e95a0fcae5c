package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/postal"
)

// maxUploadBody is the largest upload file accepted (bulk.MaxBytes).
const maxUploadBody = bulk.MaxBytes

type uploadInput struct {
	Merchant string `query:"merchant" doc:"Merchant the shipments are for; merchant keys imply their own, admins and operators must name it"`
	Mode     string `query:"mode" enum:"all,valid" default:"all" doc:"all: one invalid row stores nothing; valid: store the valid rows and report the others"`
	Name     string `query:"name" maxLength:"200" doc:"File name to keep with the job"`
	RawBody  []byte `contentType:"text/csv"`
}

type uploadProblem struct {
	Column string `json:"column" doc:"Template column (docs/formats.md); empty for the row as a whole"`
	Reason string `json:"reason"`
}

type uploadRow struct {
	Row         int             `json:"row" doc:"Line (CSV) or row (XLSX) number; the header is 1"`
	Status      string          `json:"status" enum:"created,replayed,invalid,not_stored"`
	Shipment    string          `json:"shipment,omitempty" doc:"S10 id of the shipment created or replayed"`
	MerchantRef string          `json:"merchant_ref,omitempty"`
	Problems    []uploadProblem `json:"problems,omitempty"`
}

type uploadJob struct {
	ID        string      `json:"id"`
	Merchant  string      `json:"merchant"`
	FileHash  string      `json:"file_hash" doc:"SHA-256 of the merchant code and the file: the same file uploaded again for the same merchant is this job"`
	FileName  string      `json:"file_name,omitempty"`
	Format    string      `json:"format" enum:"csv,xlsx"`
	Mode      string      `json:"mode" enum:"all,valid"`
	Status    string      `json:"status" enum:"validating,storing,done,rejected,failed,interrupted" doc:"rejected: invalid rows in mode all, nothing stored; interrupted: its node stopped, upload the file again to finish it"`
	Rows      int         `json:"rows" doc:"Data rows in the file"`
	Done      int         `json:"done" doc:"Rows with a final outcome so far"`
	Percent   int         `json:"percent"`
	Errors    int         `json:"errors" doc:"Invalid rows"`
	Stored    int         `json:"stored" doc:"Shipments created"`
	Replayed  int         `json:"replayed" doc:"Rows whose merchant_ref was already stored with the same data"`
	Message   string      `json:"message,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	Results   []uploadRow `json:"results,omitempty" doc:"Per-row results (once the job is final), a page at a time"`
	NextAfter int         `json:"next_after,omitempty" doc:"Pass as after for the next page of results; absent on the last page"`
}

type uploadOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     uploadJob
}

type uploadIDInput struct {
	ID    string `path:"id" maxLength:"40" doc:"Upload id, e.g. up_4f1c2a9be0d3a7c1"`
	After int    `query:"after" minimum:"0" doc:"Row number after which the results page starts"`
	Limit int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"Row results per page"`
}

type uploadLabelsInput struct {
	ID     string `path:"id" maxLength:"40"`
	Layout string `query:"layout" enum:"roll,a4" default:"roll" doc:"roll: one 100 × 150 mm label per page; a4: four per A4 page"`
}

type listLabelsInput struct {
	Merchant string    `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
	Status   string    `query:"status" doc:"Only shipments in this lifecycle status (as in list-shipments)"`
	Since    time.Time `query:"since" doc:"Only shipments created at or after this RFC 3339 time"`
	Limit    int       `query:"limit" minimum:"1" maximum:"10000" default:"1000" doc:"At most this many labels, in the list's order"`
	Layout   string    `query:"layout" enum:"roll,a4" default:"roll"`
}

func (s *Server) registerUploads() {
	tags := []string{"Shipments"}
	op := huma.Operation{
		OperationID: "upload-shipments", Method: http.MethodPost, Path: "/v1/shipment-uploads",
		Summary: "upload shipments as CSV or XLSX", Tags: tags, MaxBodyBytes: maxUploadBody, DefaultStatus: http.StatusAccepted,
		Description: "A file in the upload template (docs/formats.md): CSV in UTF-8 or GB18030, or an XLSX workbook (first sheet; formula cells are refused, not evaluated), " +
			"up to 50,000 rows. Answers 202 with the job at once; poll `GET /v1/shipment-uploads/{id}` for progress and per-row results. " +
			"A file that cannot be read (encoding, header, too many rows) is 422 and starts no job. The same file uploaded again for the same merchant answers 200 with the first job; " +
			"rows whose merchant_ref was already stored with the same data are replayed, not created again.",
		Errors: []int{http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge},
	}
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"text/csv": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}
	register(s, op, shipmentWriters, s.uploadShipments)
	register(s, huma.Operation{
		OperationID: "get-shipment-upload", Method: http.MethodGet, Path: "/v1/shipment-uploads/{id}",
		Summary: "get an upload's progress and results", Tags: tags,
		Description: "Progress (done of rows) while the job runs; per-row results (created, replayed, invalid with each bad cell's column and reason) once it is final.",
		Errors:      []int{http.StatusNotFound},
	}, shipmentWriters, s.getUpload)
	register(s, huma.Operation{
		OperationID: "get-shipment-upload-labels", Method: http.MethodGet, Path: "/v1/shipment-uploads/{id}/labels.pdf",
		Summary: "get the labels of an upload as one PDF", Tags: tags,
		Description: "The labels of the shipments an upload created or replayed, in the file's order: a 100 × 150 mm page each (roll) or four per A4 page.",
		Responses:   pdfResponse("PDF of labels"),
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, shipmentWriters, s.uploadLabels)
	register(s, huma.Operation{
		OperationID: "list-shipment-labels", Method: http.MethodGet, Path: "/v1/shipments/labels.pdf",
		Summary: "get the labels of a list of shipments as one PDF", Tags: tags,
		Description: "The labels of the shipments list-shipments would return with the same filters, in its order, up to limit.",
		Responses:   pdfResponse("PDF of labels"),
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, shipmentWriters, s.listLabels)
}

func pdfResponse(what string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {Description: what, Content: map[string]*huma.MediaType{
		"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
}

func (s *Server) uploadShipments(ctx context.Context, in *uploadInput) (*uploadOutput, error) {
	j, created, err := s.cfg.Uploads.Start(ctx, principal(ctx), in.Merchant, in.Name, in.RawBody, bulk.Mode(in.Mode))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &uploadOutput{Status: http.StatusAccepted, Location: "/v1/shipment-uploads/" + j.ID, Body: toUploadJob(j)}
	if !created {
		out.Status = http.StatusOK
	}
	return out, nil
}

func (s *Server) getUpload(ctx context.Context, in *uploadIDInput) (*struct{ Body uploadJob }, error) {
	j, err := s.cfg.Uploads.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := toUploadJob(j)
	if j.Final() {
		rows, err := s.cfg.Uploads.Results(ctx, principal(ctx), in.ID, in.After, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		for _, r := range rows {
			row := uploadRow{Row: r.Row, Status: r.Status, Shipment: r.Shipment, MerchantRef: r.MerchantRef}
			for _, p := range r.Problems {
				row.Problems = append(row.Problems, uploadProblem{Column: p.Column, Reason: p.Reason})
			}
			out.Results = append(out.Results, row)
		}
		if len(rows) == in.Limit {
			out.NextAfter = rows[len(rows)-1].Row
		}
	}
	return &struct{ Body uploadJob }{out}, nil
}

func toUploadJob(j bulk.Job) uploadJob {
	pct := 100
	if j.Rows > 0 {
		pct = j.Done * 100 / j.Rows
	}
	return uploadJob{ID: j.ID, Merchant: j.Merchant, FileHash: j.FileHash, FileName: j.FileName, Format: j.Format, Mode: string(j.Mode),
		Status: j.Status, Rows: j.Rows, Done: j.Done, Percent: pct, Errors: j.Errors, Stored: j.Stored, Replayed: j.Replayed,
		Message: j.Message, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
}

func (s *Server) uploadLabels(ctx context.Context, in *uploadLabelsInput) (*labelOutput, error) {
	shs, err := s.cfg.Uploads.Shipments(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if len(shs) == 0 {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeNotFound, "upload %s stored no shipments, so it has no labels", in.ID))
	}
	return s.labelsPDF(ctx, shs, in.Layout, in.ID+"-labels.pdf")
}

func (s *Server) listLabels(ctx context.Context, in *listLabelsInput) (*labelOutput, error) {
	var shs []acceptance.Shipment
	cursor := ""
	for len(shs) < in.Limit {
		page, next, err := s.cfg.Acceptance.ListStatus(ctx, principal(ctx), in.Merchant, in.Status, in.Since, min(500, in.Limit-len(shs)), cursor)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		shs = append(shs, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(shs) == 0 {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeNotFound, "no shipments match these filters, so there are no labels"))
	}
	return s.labelsPDF(ctx, shs, in.Layout, "labels.pdf")
}

// labelsPDF renders the labels of shs in order as one PDF.
func (s *Server) labelsPDF(ctx context.Context, shs []acceptance.Shipment, layout, name string) (*labelOutput, error) {
	labels, err := s.shipmentLabels(ctx, shs)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var buf bytes.Buffer
	if err := document.WriteLabels(&buf, labels, document.Layout(layout), s.cfg.Now()); err != nil {
		return nil, s.problem(ctx, fmt.Errorf("labels: %w", err))
	}
	return &labelOutput{ContentType: "application/pdf", ContentDisposition: `inline; filename="` + name + `"`, Body: buf.Bytes()}, nil
}

// shipmentLabels maps shipments to labels, reading each origin office (its
// name and time zone) once.
func (s *Server) shipmentLabels(ctx context.Context, shs []acceptance.Shipment) ([]document.Label, error) {
	type office struct{ name, tz string }
	offices := map[string]office{}
	out := make([]document.Label, len(shs))
	for i, sh := range shs {
		o, ok := offices[sh.OriginOffice]
		if !ok {
			if got, err := s.cfg.Network.Office(ctx, sh.OriginOffice); err == nil {
				o = office{got.Name, got.TZ}
			} else if postal.ErrorCode(err) != postal.CodeNotFound {
				return nil, err
			}
			offices[sh.OriginOffice] = o
		}
		out[i] = document.ShipmentLabel(sh, o.name, o.tz)
	}
	return out, nil
}
