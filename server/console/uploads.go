package console

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/postal"
)

// The upload page: a merchant (or an operator for one) picks a CSV or XLSX
// file of shipments and a mode; the job runs in the background
// (bulk.Service.Start) while the page polls its progress (htmx swaps the
// job panel of the page itself every second) and, once it stops, lists each bad row's problems and links the
// batch label PDF. The API (POST /v1/shipment-uploads) and the CLI take
// the same files; the console takes files up to consoleUploadMax.

// consoleUploadMax is the largest file the console takes: its forms are
// limited to 1 MiB (about 5,000 rows); bigger files go through the API.
const consoleUploadMax = 1 << 20

// uploadErrorRows is how many rows with problems the page lists.
const uploadErrorRows = 500

type uploadPage struct {
	Merchants    []string
	NeedMerchant bool
	Merchant     string
	Mode         string
	Error        string
	Job          *uploadJobView
}

type uploadJobView struct {
	bulk.Job
	Percent  int
	Problems []bulk.RowResult
	More     bool
}

func (c *Console) registerUploads() {
	on := c.cfg.Uploads != nil
	c.page("GET /console/uploads", rolesCreate, c.requires(on, "console.subject.uploads", c.uploads))
	c.page("POST /console/uploads", rolesCreate, c.requires(on, "console.subject.uploads", c.startUpload))
	c.page("GET /console/uploads/{id}/labels.pdf", rolesCreate, c.requires(on, "console.subject.uploads", c.uploadLabels))
}

func (c *Console) uploadForm(r *http.Request, s *session) uploadPage {
	p := uploadPage{NeedMerchant: s.Who.Merchant == "", Mode: string(bulk.ModeAll)}
	if p.NeedMerchant {
		p.Merchants = c.recentMerchants(r)
	}
	return p
}

func (c *Console) uploads(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.uploadForm(r, s)
	if id := r.URL.Query().Get("job"); id != "" {
		v, err := c.jobView(r, s, id)
		if err != nil {
			c.domainError(w, r, s, err)
			return
		}
		p.Job = v
	}
	c.render(w, r, http.StatusOK, "uploads", s.view("console.title.uploads", "new", p))
}

func (c *Console) startUpload(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	p := c.uploadForm(r, s)
	p.Merchant, p.Mode = r.PostFormValue("merchant"), r.PostFormValue("mode")
	fail := func(status int, msg string) {
		p.Error = msg
		c.render(w, r, status, "uploads", s.view("console.title.uploads", "new", p))
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(http.StatusRequestEntityTooLarge, tr.T("console.uploads.too_big"))
			return
		}
		fail(http.StatusUnprocessableEntity, tr.T("console.uploads.no_file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, consoleUploadMax+1))
	if err != nil || len(data) > consoleUploadMax {
		fail(http.StatusRequestEntityTooLarge, tr.T("console.uploads.too_big"))
		return
	}
	mode := bulk.Mode(p.Mode)
	if mode != bulk.ModeAll && mode != bulk.ModeValid {
		mode = bulk.ModeAll
	}
	j, _, err := c.cfg.Uploads.Start(r.Context(), s.Who, p.Merchant, hdr.Filename, data, mode)
	if err != nil {
		if code := postal.ErrorCode(err); code == postal.CodeInvalid || code == postal.CodeNotFound || code == postal.CodeForbidden {
			fail(http.StatusUnprocessableEntity, userMessage(err))
			return
		}
		c.internalError(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/console/uploads?job="+j.ID, http.StatusSeeOther)
}

func (c *Console) jobView(r *http.Request, s *session, id string) (*uploadJobView, error) {
	j, err := c.cfg.Uploads.Get(r.Context(), s.Who, id)
	if err != nil {
		return nil, err
	}
	v := &uploadJobView{Job: j}
	if j.Rows > 0 {
		v.Percent = j.Done * 100 / j.Rows
	}
	if !j.Final() || j.Errors == 0 {
		return v, nil
	}
	for after := 0; len(v.Problems) < uploadErrorRows; {
		rows, err := c.cfg.Uploads.Results(r.Context(), s.Who, id, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if len(row.Problems) > 0 && len(v.Problems) < uploadErrorRows {
				v.Problems = append(v.Problems, row)
			}
		}
		if len(rows) < 1000 {
			break
		}
		after = rows[len(rows)-1].Row
	}
	v.More = len(v.Problems) < j.Errors
	return v, nil
}

// uploadLabels is the batch label PDF of an upload's shipments, in the
// file's order: a 100 × 150 mm roll, or 4-up A4 with ?layout=a4.
func (c *Console) uploadLabels(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	shs, err := c.cfg.Uploads.Shipments(ctx, s.Who, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	type office struct{ name, tz string }
	offices := map[string]office{}
	labels := make([]document.Label, len(shs))
	for i, sh := range shs {
		o, ok := offices[sh.OriginOffice]
		if !ok {
			if got, err := c.cfg.Network.Office(ctx, sh.OriginOffice); err == nil {
				o = office{got.Name, got.TZ}
			}
			offices[sh.OriginOffice] = o
		}
		labels[i] = document.ShipmentLabel(sh, o.name, o.tz)
	}
	layout := document.LayoutRoll
	if r.URL.Query().Get("layout") == string(document.LayoutA4) {
		layout = document.LayoutA4
	}
	var buf bytes.Buffer
	if err := document.WriteLabels(&buf, labels, layout, c.now().UTC().Truncate(time.Second)); err != nil {
		c.internalError(w, r, s, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="labels-`+r.PathValue("id")+`.pdf"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}
