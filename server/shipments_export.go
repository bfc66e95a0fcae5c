package server

import (
	"bytes"
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/export"
)

// exportResponses documents the answer of a list's export: a CSV or XLSX file.
func exportResponses() map[string]*huma.Response {
	return map[string]*huma.Response{"200": {Description: "CSV or XLSX file", Content: map[string]*huma.MediaType{
		"text/csv": {Schema: &huma.Schema{Type: "string"}},
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
}

// exportFile writes a list as an attachment named NAME-YYYYMMDD-HHMM.FORMAT
// through run (a service's Export bound to its query).
func (s *Server) exportFile(ctx context.Context, name, format string, run func(write func(header []string, rows func(func([]string) error) error) error) error) (*fileOutput, error) {
	var buf bytes.Buffer
	err := run(func(header []string, rows func(func([]string) error) error) error {
		return export.Write(&buf, format, header, rows)
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	name += "-" + s.cfg.Now().UTC().Format("20060102-1504") + "." + format
	return &fileOutput{ContentType: export.ContentType(format), ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
}

type exportShipmentsInput struct {
	ShipmentFilter
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8) or xlsx"`
}

func (s *Server) exportShipments(ctx context.Context, in *exportShipmentsInput) (*fileOutput, error) {
	return s.exportFile(ctx, "shipments", in.Format, func(write func(header []string, rows func(func([]string) error) error) error) error {
		return s.cfg.Acceptance.Export(ctx, principal(ctx), in.query(), write)
	})
}
