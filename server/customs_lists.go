package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// listLimit bounds one official list upload: the whole OFAC SDN publication (sdn.csv, alt.csv,
// add.csv) is about 20 MB, the UN consolidated list XML about 2 MB.
const listLimit = int64(64 << 20)

type listImportInput struct {
	ContentType string `header:"Content-Type" doc:"ofac-sdn: multipart/form-data with parts sdn.csv, alt.csv, add.csv, or application/zip holding those files; un-xml: application/xml"`
	Format      string `query:"format" required:"true" enum:"ofac-sdn,un-xml" doc:"The list as its publisher publishes it"`
	RawBody     []byte `contentType:"application/xml"`
}

type listInForce struct {
	Ref        string    `json:"ref" doc:"name@version"`
	Name       string    `json:"name"`
	Version    string    `json:"version"`
	Format     string    `json:"format"`
	Published  string    `json:"published,omitempty"`
	Entries    int       `json:"entries"`
	ImportedAt time.Time `json:"imported_at"`
}

func (s *Server) registerCustomsLists() {
	tags := []string{"Customs"}
	op := huma.Operation{
		OperationID: "import-watch-list", Method: http.MethodPost, Path: "/v1/customs/lists",
		Summary: "import an official watch list as published", Tags: tags, MaxBodyBytes: listLimit, SkipValidateBody: true,
		Description: "The OFAC SDN list (format=ofac-sdn: its CSV files sdn.csv, alt.csv and add.csv as multipart/form-data parts of those " +
			"names, or in a ZIP) or the UN Security Council consolidated list (format=un-xml: the XML file). The list is checked whole: " +
			"a file in the wrong format, a truncated file or a bad row is refused (422) naming the file and line, and the list in force stays. " +
			"Otherwise it is put in force on every node, and the answer says what changed against the version it replaces " +
			"(docs/screening.md). The same publication imported twice changes nothing.",
		Errors: []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"application/xml":     {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		"application/zip":     {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		"multipart/form-data": {Schema: &huma.Schema{Type: "object", Description: "parts sdn.csv, alt.csv, add.csv (files)"}},
	}}
	register(s, op, []string{"admin"}, s.importWatchList)
	register(s, huma.Operation{
		OperationID: "list-watch-lists", Method: http.MethodGet, Path: "/v1/customs/lists",
		Summary: "the official watch lists in force", Tags: tags, Errors: []int{http.StatusServiceUnavailable},
	}, customsStaff, s.watchLists)
}

func (s *Server) importWatchList(ctx context.Context, in *listImportInput) (*struct{ Body customs.ListImport }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	l, err := parseList(in.Format, in.ContentType, in.RawBody)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rep, err := cs.ImportList(ctx, l)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body customs.ListImport }{rep}, nil
}

func (s *Server) watchLists(ctx context.Context, _ *struct{}) (*struct{ Body []listInForce }, error) {
	cs, err := s.customs(ctx)
	if err != nil {
		return nil, err
	}
	if cs.Lists == nil {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeUnavailable, "this store keeps no watch lists"))
	}
	recs, err := cs.Lists.WatchListsInForce(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := make([]listInForce, len(recs))
	for i, r := range recs {
		out[i] = listInForce{Ref: r.List.Ref(), Name: r.List.Name, Version: r.List.Version, Format: r.List.Format,
			Published: r.List.Published, Entries: len(r.List.Entries), ImportedAt: r.ImportedAt}
	}
	return &struct{ Body []listInForce }{out}, nil
}

// parseList reads an uploaded list. Errors name the part or file and what is wrong.
func parseList(format, contentType string, body []byte) (*risk.WatchList, error) {
	invalid := func(field, msg string, args ...any) error {
		return postal.Invalid("the list was not imported; the list in force is unchanged",
			postal.FieldError{Field: field, Message: fmt.Sprintf(msg, args...)})
	}
	wrap := func(err error) error {
		if postal.ErrorCode(err) == postal.CodeInvalid {
			return err
		}
		return invalid("body", "%v", err)
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	switch format {
	case "un-xml":
		if mt == "multipart/form-data" || mt == "application/zip" {
			return nil, invalid("header.Content-Type", "format=un-xml takes the XML file itself (application/xml), not %s", mt)
		}
		l, err := risk.ParseUNXML(bytes.NewReader(body))
		if err != nil {
			return nil, wrap(err)
		}
		return l, nil
	case "ofac-sdn":
		files := map[string][]byte{}
		switch mt {
		case "multipart/form-data":
			mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					return nil, invalid("body", "not a readable multipart form: %v", err)
				}
				name := p.FormName()
				if fn := p.FileName(); fn != "" {
					name = path.Base(fn)
				}
				b, err := io.ReadAll(p)
				if err != nil {
					return nil, invalid("body", "part %s: %v", clipValue(name), err)
				}
				files[strings.ToLower(name)] = b
			}
		case "application/zip":
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				return nil, invalid("body", "not a ZIP archive: %v", err)
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return nil, invalid("body", "%s in the ZIP: %v", clipValue(f.Name), err)
				}
				b, err := io.ReadAll(io.LimitReader(rc, listLimit+1))
				rc.Close()
				if err != nil || int64(len(b)) > listLimit {
					return nil, invalid("body", "%s in the ZIP: unreadable or larger than %d MB", clipValue(f.Name), listLimit>>20)
				}
				files[strings.ToLower(path.Base(f.Name))] = b
			}
		default:
			return nil, invalid("header.Content-Type", "format=ofac-sdn takes sdn.csv, alt.csv and add.csv as multipart/form-data parts or in a ZIP (application/zip), not %q", clipValue(contentType))
		}
		sdn, ok := files["sdn.csv"]
		if !ok {
			return nil, invalid("body", "no sdn.csv (the entries; alt.csv and add.csv are optional)")
		}
		f := risk.OFACFiles{SDN: bytes.NewReader(sdn)}
		if b, ok := files["alt.csv"]; ok {
			f.Alt = bytes.NewReader(b)
		}
		if b, ok := files["add.csv"]; ok {
			f.Add = bytes.NewReader(b)
		}
		l, err := risk.ParseOFAC(f)
		if err != nil {
			return nil, wrap(err)
		}
		return l, nil
	}
	return nil, invalid("query.format", "%q: want ofac-sdn or un-xml", clipValue(format))
}
