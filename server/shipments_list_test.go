package server_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/interpost/interpost/acceptance"
)

// TestShipmentsFind: the shipments list newest first, filtered, searched
// (accents, pinyin), sorted and counted; the same filters in the export;
// unknown filter values are 422 naming the allowed ones (issue 19 item 2).
func TestShipmentsFind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	names := []string{"Hans Müller", "王小明", "Anna Nowak"}
	countries := []string{"DE", "US", "PL"}
	postcodes := []string{"10115", "10001", "00-850"}
	var created []string
	for i := range 6 {
		b := validBody()
		b["merchant_ref"] = "ORD-" + string(rune('A'+i))
		ad := b["addressee"].(map[string]any)
		ad["name"], ad["country"], ad["postcode"] = names[i%3], countries[i%3], postcodes[i%3]
		if i%3 == 1 {
			ad["name_latin"], ad["city"], ad["state"] = "Wang Xiaoming", "New York", "NY"
		}
		r := e.do("POST", "/v1/shipments", "acme", b)
		if r.status != 201 {
			t.Fatalf("create %d: %d %s", i, r.status, r.body)
		}
		var sh acceptance.Shipment
		r.json(t, &sh)
		created = append(created, string(sh.ID))
	}
	type page struct {
		Items      []acceptance.Shipment `json:"items"`
		NextCursor string                `json:"next_cursor"`
		Total      int64                 `json:"total"`
		TotalExact bool                  `json:"total_exact"`
	}
	list := func(query string) ([]string, page) {
		t.Helper()
		r := e.do("GET", "/v1/shipments?"+query, "acme", nil)
		if r.status != http.StatusOK {
			t.Fatalf("list %s = %d %s", query, r.status, r.body)
		}
		var p page
		r.json(t, &p)
		var ids []string
		for _, sh := range p.Items {
			ids = append(ids, string(sh.ID))
		}
		return ids, p
	}
	rev := slices.Clone(created)
	slices.Reverse(rev)
	if ids, p := list(""); !slices.Equal(ids, rev) || p.Total != 6 || !p.TotalExact {
		t.Errorf("default list = %v total %d, want newest first %v", ids, p.Total, rev)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"q=" + url.QueryEscape("müll"), []string{created[3], created[0]}},
		{"q=" + url.QueryEscape("王小"), []string{created[4], created[1]}},
		{"q=wangxiao", []string{created[4], created[1]}},
		{"q=ord-c", []string{created[2]}},
		{"q=" + created[5], []string{created[5]}},
		{"destination=pl", []string{created[5], created[2]}},
		{"destination=DE&q=hans", []string{created[3], created[0]}},
		{"sort=created&limit=2&product=ems&office=CNXMNA", created[:2]},
	} {
		if ids, p := list(c.query); !slices.Equal(ids, c.want) || p.Total != int64(len(c.want)) && c.query[:4] != "sort" {
			t.Errorf("%s = %v (total %d), want %v", c.query, ids, p.Total, c.want)
		}
	}
	// Pages of a sort follow each other.
	var all []string
	for cursor, n := "", 0; n < 5; n++ {
		ids, p := list("sort=-destination&limit=4&cursor=" + cursor)
		all = append(all, ids...)
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if len(all) != 6 || e.do("GET", "/v1/shipments?sort=weight&cursor="+url.QueryEscape(firstCursor(t, e)), "acme", nil).status != 422 {
		t.Errorf("sorted pages = %v; a cursor of another sort must be 422", all)
	}
	// Other merchants see none of it.
	if r := e.do("GET", "/v1/shipments?q=hans", "other", nil); !strings.Contains(string(r.body), `"items":[]`) {
		t.Errorf("merchant OTHER searching = %s", r.body)
	}

	for _, c := range []struct{ query, field, names string }{
		{"product=pigeon", "query.product", "ems"},
		{"sort=colour", "query.sort", "-created"},
		{"status=lost", "query.status", "delivered"},
		{"destination=XX", "query.destination", "ISO 3166"},
		{"stuck_days=-1", "query.stuck_days", ""},
		{"q=" + url.QueryEscape("--"), "query.q", "letters or digits"},
	} {
		r := e.do("GET", "/v1/shipments?"+c.query, "acme", nil)
		var p problem
		r.json(t, &p)
		if r.status != http.StatusUnprocessableEntity || !p.names(c.field) || !strings.Contains(string(r.body), c.names) {
			t.Errorf("%s = %d %s; want 422 naming %s and %q", c.query, r.status, r.body, c.field, c.names)
		}
	}

	r := e.do("GET", "/v1/shipments/export?format=csv&destination=PL", "acme", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV export = %d %s", r.status, r.body)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "id" || recs[1][0] != created[5] || recs[2][7] != "Anna Nowak" {
		t.Errorf("CSV export = %q, %v", recs, err)
	}
	r = e.do("GET", "/v1/shipments/export?format=xlsx&q=wang", "acme", nil)
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("XLSX export = %d: %v", r.status, err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 3 || rows[1][7] != "王小明" {
		t.Errorf("XLSX rows = %q", rows)
	}
	if r := e.do("GET", "/v1/shipments/export?format=pdf", "acme", nil); r.status != 422 {
		t.Errorf("export format=pdf = %d", r.status)
	}
}

func firstCursor(t *testing.T, e *env) string {
	t.Helper()
	var p struct {
		NextCursor string `json:"next_cursor"`
	}
	e.do("GET", "/v1/shipments?limit=1", "acme", nil).json(t, &p)
	return p.NextCursor
}
