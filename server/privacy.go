package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/privacy"
)

type privacyExportInput struct {
	Name  string `query:"name" maxLength:"100" doc:"Full name of the person (ignoring case)"`
	Email string `query:"email" maxLength:"200" doc:"E-mail address (ignoring case)"`
	Phone string `query:"phone" maxLength:"30" doc:"Phone number, compared by its digits"`
}

type personalRecord struct {
	Kind   string          `json:"kind" enum:"shipment,order,customs_item"`
	ID     string          `json:"id"`
	At     time.Time       `json:"at" doc:"When the record was made"`
	As     []string        `json:"as" doc:"Roles the person has in it: sender, addressee, buyer, seller"`
	Erased bool            `json:"erased" doc:"Its personal data was erased (the record stays for statistics and accounting)"`
	Record json.RawMessage `json:"record" doc:"The record as stored"`
}

type privacyExportResponse struct {
	Name      string           `json:"name,omitempty"`
	Email     string           `json:"email,omitempty"`
	Phone     string           `json:"phone,omitempty"`
	At        time.Time        `json:"at"`
	Records   []personalRecord `json:"records"`
	Truncated bool             `json:"truncated,omitempty" doc:"More records matched than one export holds"`
}

type eraseBody struct {
	Before time.Time `json:"before,omitempty" doc:"Erase personal data whose retention started before this time (every purpose); omitted = each purpose's configured retention"`
}

type erasureRun struct {
	At      time.Time            `json:"at"`
	By      string               `json:"by"`
	Cutoffs map[string]time.Time `json:"cutoffs" doc:"Per kind of record: data older than this was due"`
	Erased  map[string]int       `json:"erased" doc:"Per kind of record: how many were erased"`
}

func (s *Server) registerPrivacy() {
	register(s, huma.Operation{
		OperationID: "export-person", Method: http.MethodGet, Path: "/v1/privacy/export", Summary: "export everything stored about a person",
		Tags: []string{"Privacy"}, Errors: []int{http.StatusUnprocessableEntity},
		Description: "Shipments, warehouse orders and customs items in which a party matches every one of name, email and phone given.",
	}, adminOnly, s.exportPerson)
	register(s, huma.Operation{
		OperationID: "erase-personal-data", Method: http.MethodPost, Path: "/v1/privacy/erase", Summary: "erase personal data past its retention",
		Tags: []string{"Privacy"}, Errors: []int{http.StatusUnprocessableEntity},
		Description: "Blanks the sender, addressee, buyer and seller of records past their retention (the country stays) and records the run. " +
			"The server also runs it by itself (see docs/privacy.md).",
	}, adminOnly, s.erasePersonal)
}

func (s *Server) exportPerson(ctx context.Context, in *privacyExportInput) (*struct{ Body privacyExportResponse }, error) {
	ex, err := s.cfg.Privacy.Export(ctx, principal(ctx), privacy.Query{Name: in.Name, Email: in.Email, Phone: in.Phone})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := privacyExportResponse{Name: in.Name, Email: in.Email, Phone: in.Phone, At: ex.At, Truncated: ex.Truncated, Records: make([]personalRecord, len(ex.Records))}
	for i, r := range ex.Records {
		out.Records[i] = personalRecord{Kind: string(r.Kind), ID: r.ID, At: r.At, As: r.As, Erased: r.Erased, Record: r.Record}
	}
	return &struct{ Body privacyExportResponse }{out}, nil
}

func (s *Server) erasePersonal(ctx context.Context, in *struct{ Body eraseBody }) (*struct{ Body erasureRun }, error) {
	run, err := s.cfg.Privacy.EraseAs(ctx, principal(ctx), in.Body.Before)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := erasureRun{At: run.At, By: run.By, Cutoffs: map[string]time.Time{}, Erased: map[string]int{}}
	for k, t := range run.Cutoffs {
		out.Cutoffs[string(k)] = t
	}
	for k, n := range run.Erased {
		out.Erased[string(k)] = n
	}
	return &struct{ Body erasureRun }{out}, nil
}
