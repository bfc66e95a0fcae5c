package server

import (
	"bytes"
	"context"

	"github.com/interpost/interpost/export"
)

type exportShipmentsInput struct {
	ShipmentFilter
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8) or xlsx"`
}

func (s *Server) exportShipments(ctx context.Context, in *exportShipmentsInput) (*fileOutput, error) {
	var buf bytes.Buffer
	err := s.cfg.Acceptance.Export(ctx, principal(ctx), in.query(), func(header []string, rows func(func([]string) error) error) error {
		return export.Write(&buf, in.Format, header, rows)
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	name := "shipments-" + s.cfg.Now().UTC().Format("20060102-1504") + "." + in.Format
	return &fileOutput{ContentType: export.ContentType(in.Format), ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
}
