package console

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
)

// TestCustomsQueueFilters: the desk's filter bar takes the API's filters
// (stream, direction, search, sort) and exports what it shows (issue 19
// item 2).
func TestCustomsQueueFilters(t *testing.T) {
	t.Parallel()
	oc := newOpsConsole(t)
	all, err := oc.cs.FindQueue(context.Background(), auth.Principal{Role: auth.RoleAdmin}, customs.QueueQuery{Office: "CNSHAA", Sort: "-declared", Limit: 500})
	if err != nil || len(all.Items) == 0 {
		t.Fatalf("queue: %d items, %v", len(all.Items), err)
	}
	first := all.Items[0].ItemID
	admin, _ := oc.signIn(t, "admin")
	resp, page := oc.do(t, "GET", "/console/customs?office=CNSHAA&sort=-declared&q="+url.QueryEscape(strings.ToLower(first)), nil, admin)
	rows := queueItemRE.FindAllStringSubmatch(page, -1)
	if resp.StatusCode != 200 || len(rows) != 1 || rows[0][1] != first {
		t.Fatalf("search by id = %d, rows %v, want only %s", resp.StatusCode, rows, first)
	}
	for _, want := range []string{`id="queue-total"`, `<option value="-declared" selected>`, `/console/customs/export?format=csv&amp;office=CNSHAA&amp;q=`} {
		if !strings.Contains(page, want) {
			t.Errorf("filtered page lacks %s", want)
		}
	}
	resp, page = oc.do(t, "GET", "/console/customs?office=CNSHAA&stream=ecommerce&direction=export", nil, admin)
	for _, row := range queueItemRE.FindAllStringSubmatch(page, -1) {
		for _, it := range all.Items {
			if it.ItemID == row[1] && (it.Stream != customs.StreamEcommerce || it.Direction != customs.Export) {
				t.Errorf("stream/direction filter shows %s (%s %s)", it.ItemID, it.Stream, it.Direction)
			}
		}
	}
	if resp.StatusCode != 200 {
		t.Errorf("stream filter = %d", resp.StatusCode)
	}
	resp, body := oc.do(t, "GET", "/console/customs/export?format=csv&office=CNSHAA&sort=-declared&q="+url.QueryEscape(first), nil, admin)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\uFEFF")), "\n")
	if resp.StatusCode != 200 || len(lines) != 2 || !strings.HasPrefix(lines[1], first+",CNSHAA,") {
		t.Errorf("export = %d: %q", resp.StatusCode, lines)
	}
	if resp, _ := oc.do(t, "GET", "/console/customs/export?format=csv&office=CNSHAA&stream=mail", nil, admin); resp.StatusCode != 422 {
		t.Errorf("export with an unknown stream = %d, want 422", resp.StatusCode)
	}
}
