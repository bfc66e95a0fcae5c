package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/bulk"
)

func TestBatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := validBody()
	bad["merchant_ref"], bad["weight_g"] = "ORDER-2", -1
	second := validBody()
	second["merchant_ref"] = "ORDER-3"
	r := e.do("POST", "/v1/shipments/batch", "acme", map[string]any{"items": []any{validBody(), bad, second}})
	var res struct {
		Created, Replayed, Failed int
		Items                     []struct {
			Index, Status int
			Shipment      *struct{ ID string }
			Problem       *struct {
				Errors []struct{ Location, Message string }
			}
		}
	}
	e.need(r, 200, "batch").json(t, &res)
	if res.Created != 2 || res.Failed != 1 || res.Items[0].Status != 201 || res.Items[1].Status != 422 || res.Items[2].Status != 201 {
		t.Fatalf("batch = %+v", res)
	}
	if p := res.Items[1].Problem; p == nil || p.Errors[0].Location != "body.items[1].weight_g" {
		t.Errorf("bad item problem = %+v", p)
	}
	// Sent again: replayed by merchant_ref, nothing new.
	e.need(e.do("POST", "/v1/shipments/batch", "acme", map[string]any{"items": []any{validBody()}}), 200, "replay").json(t, &res)
	if res.Replayed != 1 || res.Items[0].Status != 200 || e.count() != 2 {
		t.Fatalf("replay = %+v, %d stored", res, e.count())
	}
	items := make([]any, 1001)
	for i := range items {
		items[i] = validBody()
	}
	if r := e.do("POST", "/v1/shipments/batch", "acme", map[string]any{"items": items}); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("1,001 items = %d %s", r.status, r.body)
	}
}

func TestUploadAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var file bytes.Buffer
	if err := bulk.Sample(&file, 6, "UP"); err != nil {
		t.Fatal(err)
	}
	csv := file.String()
	post := func(key, query, body string) response {
		return e.do("POST", "/v1/shipment-uploads"+query, key, body, "Content-Type", "text/csv")
	}
	// An admin must name the merchant; a bad file is 422 with no job.
	if r := post("admin", "", csv); r.status != 422 || !strings.Contains(string(r.body), "merchant") {
		t.Fatalf("admin without merchant = %d %s", r.status, r.body)
	}
	if r := post("acme", "", "a,b\n1,2\n"); r.status != 422 || !strings.Contains(string(r.body), "header") {
		t.Fatalf("bad header = %d %s", r.status, r.body)
	}
	r := post("acme", "?mode=valid&name=day.csv", csv)
	var job struct {
		ID, Status string
		Rows, Done int
		Stored     int
		Results    []struct {
			Row      int
			Status   string
			Shipment string
		}
	}
	e.need(r, 202, "upload").json(t, &job)
	if r.header.Get("Location") != "/v1/shipment-uploads/"+job.ID || job.Rows != 6 {
		t.Fatalf("upload = %+v, Location %q", job, r.header.Get("Location"))
	}
	for range 200 {
		e.need(e.do("GET", "/v1/shipment-uploads/"+job.ID+"?limit=4", "acme", nil), 200, "poll").json(t, &job)
		if job.Status != bulk.StatusValidating && job.Status != bulk.StatusStoring {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if job.Status != "done" || job.Stored != 6 || len(job.Results) != 4 || job.Results[0].Row != 2 || job.Results[0].Shipment == "" {
		t.Fatalf("job = %+v", job)
	}
	// Another merchant cannot see it; the same file again is the same job.
	if r := e.do("GET", "/v1/shipment-uploads/"+job.ID, "other", nil); r.status != 404 {
		t.Errorf("other merchant = %d", r.status)
	}
	if r := post("acme", "?mode=valid", csv); r.status != 200 || !strings.Contains(string(r.body), job.ID) {
		t.Errorf("same file again = %d %s", r.status, r.body)
	}
	for _, layout := range []string{"roll", "a4"} {
		r := e.do("GET", "/v1/shipment-uploads/"+job.ID+"/labels.pdf?layout="+layout, "acme", nil)
		if r.status != 200 || !bytes.HasPrefix(r.body, []byte("%PDF")) {
			t.Fatalf("%s labels = %d %.200s", layout, r.status, r.body)
		}
	}
	r = e.do("GET", "/v1/shipments/labels.pdf?limit=3&layout=a4", "acme", nil)
	if r.status != 200 || !bytes.HasPrefix(r.body, []byte("%PDF")) {
		t.Fatalf("list labels = %d %.200s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/shipments/labels.pdf?status=lost", "acme", nil); r.status != 422 || !strings.Contains(string(r.body), "delivered") {
		t.Errorf("unknown status = %d %s", r.status, r.body)
	}
}

func (e *env) need(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: status %d, want %d: %.300s", what, r.status, status, r.body)
	}
	return r
}
