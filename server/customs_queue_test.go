package server_test

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/interpost/interpost/customs"
)

// TestCustomsQueueFind: the customs queue filtered by stream and
// direction, searched by id and party name (pinyin, accents), sorted,
// paged and counted; the same filters in the export; unknown values are
// 422 naming the allowed ones; another office's queue is 403 (issue 19
// item 2).
func TestCustomsQueueFind(t *testing.T) {
	t.Parallel()
	e := newCustomsEnv(t)
	risky := func(d map[string]any) { setLine(d, "Power bank 20000 mAh", "850760", "25.00") }
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000401", risky)), 201, "declare 401")
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000402", func(d map[string]any) {
		risky(d)
		d["addressee"].(map[string]any)["name"] = "王小明"
	})), 201, "declare 402")
	e.need(e.do("POST", "/v1/declarations", "partner", declaration("1Z999AA10000000403", func(d map[string]any) {
		risky(d)
		d["sender"].(map[string]any)["name"] = "Łucja Wójcik"
	})), 201, "declare 403")

	list := func(query string, want ...string) customs.QueuePage {
		t.Helper()
		var p customs.QueuePage
		e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA&"+query, "officer", nil), 200, query).json(t, &p)
		var got []string
		for _, it := range p.Items {
			got = append(got, it.ItemID)
		}
		if !slices.Equal(got, want) || p.Total != int64(len(want)) || !p.TotalExact {
			t.Errorf("queue?%s = %v (total %d, exact %v), want %v", query, got, p.Total, p.TotalExact, want)
		}
		return p
	}
	list("sort=-declared", "1Z999AA10000000403", "1Z999AA10000000402", "1Z999AA10000000401")
	list("sort=-declared&q=wang+xiao", "1Z999AA10000000402")
	list("sort=-declared&q=WOJC", "1Z999AA10000000403")
	list("sort=-declared&q=1z999aa1000000040", "1Z999AA10000000403", "1Z999AA10000000402", "1Z999AA10000000401")
	list("q=zhang&sort=declared", "1Z999AA10000000401", "1Z999AA10000000403")
	list("stream=postal")
	list("direction=import&status=held")
	var p, next customs.QueuePage
	e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA&sort=-declared&limit=2", "officer", nil), 200, "page 1").json(t, &p)
	if len(p.Items) != 2 || p.Items[0].ItemID != "1Z999AA10000000403" || p.Total != 3 || p.NextCursor == "" {
		t.Errorf("page 1 = %+v", p) // the total is of the whole list
	}
	e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA&sort=-declared&limit=2&cursor="+p.NextCursor, "officer", nil), 200, "page 2").json(t, &next)
	if len(next.Items) != 1 || next.Items[0].ItemID != "1Z999AA10000000401" || next.NextCursor != "" {
		t.Errorf("page 2 = %+v", next)
	}
	e.need(e.do("GET", "/v1/customs/queue?office=CNSHAA&sort=priority&cursor="+p.NextCursor, "officer", nil), 422, "cursor of another sort")

	for _, bad := range []struct{ query, want string }{
		{"stream=mail", "postal"}, {"direction=inbound", "import"}, {"status=released", "pending"},
		{"sort=weight", "-declared"}, {"q=---", "query.q"}, {"office=CN-SHA", "office code"},
	} {
		if !strings.Contains(bad.query, "office=") {
			bad.query = "office=CNSHAA&" + bad.query
		}
		r := e.need(e.do("GET", "/v1/customs/queue?"+bad.query, "officer", nil), 422, bad.query)
		if !strings.Contains(string(r.body), bad.want) {
			t.Errorf("%s: %s, want it to name %q", bad.query, r.body, bad.want)
		}
	}
	e.need(e.do("GET", "/v1/customs/queue/export?office=CNSHAA", "peking", nil), 403, "export of another office")
	e.need(e.do("GET", "/v1/customs/queue/export?office=CNSHAA", "partner", nil), 403, "export by a partner")

	r := e.need(e.do("GET", "/v1/customs/queue/export?office=CNSHAA&q=wang&sort=-declared", "officer", nil), 200, "export")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !slices.Equal(rows[0], customs.QueueExportColumns) || rows[1][0] != "1Z999AA10000000402" || rows[1][10] != "王小明" {
		t.Errorf("export = %q", rows)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "customs-queue-CNSHAA-") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	e.need(e.do("GET", "/v1/customs/queue/export?office=CNSHAA&format=pdf", "officer", nil), 422, "unknown format")
}
