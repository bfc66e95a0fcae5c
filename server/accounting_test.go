package server_test

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/demo"
)

// TestAccountingAPI: load the demo tariffs, accept an EMS item to Poland,
// rate the month, and read the statements, the invoice and the margins as
// each role may.
func TestAccountingAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, _, err := demo.SeedNetwork(ctx, e.store); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutMerchant(ctx, acceptance.Merchant{Code: "XMTEA", Name: "Xiamen Tea Co", Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"files": map[string]string{}}
	for name, b := range files {
		body["files"].(map[string]string)[name] = string(b)
	}
	if r := e.do("POST", "/v1/tariffs", "operator", body); r.status != 403 {
		t.Errorf("operator loading tariffs: %d", r.status)
	}
	if r := e.do("POST", "/v1/tariffs", "admin", body); r.status != 201 {
		t.Fatalf("load tariffs: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/tariffs", "admin", body); r.status != 200 {
		t.Errorf("load the same tariffs again: %d %s", r.status, r.body)
	}
	// A corrected table with an overlap is refused, naming file, line and column.
	bad := map[string]any{"version": "2026.2", "files": map[string]string{"transit.csv": "post,class,per_item,per_kg,currency,valid_from,valid_to\n" +
		"NL,*,0.04,0.52,XDR,2026-01-01,\nNL,*,0.05,0.55,XDR,2026-06-01,\nDE,*,0.04,-1,XDR,,\n"}}
	r := e.do("POST", "/v1/tariffs/check", "admin", bad)
	var p problem
	r.json(t, &p)
	if r.status != 422 || !p.names("body.files.transit.csv line 3: valid_from") || !p.names("body.files.transit.csv line 4: per_kg") {
		t.Errorf("bad tariff: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/shipments", "acme", validBody()); r.status != 201 {
		t.Fatalf("shipment: %d %s", r.status, r.body)
	}
	month := accounting.Month(time.Now()).Name
	r = e.do("POST", "/v1/ledger/rate", "admin", map[string]any{"period": month})
	var rep accounting.RateReport
	r.json(t, &rep)
	if r.status != 200 || rep.Items != 1 || rep.Posted < 3 || rep.Tariff != "2026.1" {
		t.Fatalf("rate: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/ledger/rate", "admin", map[string]any{"period": "2026-13"}); r.status != 422 {
		t.Errorf("bad period: %d %s", r.status, r.body)
	}

	// The partner post reads its statement, not another's.
	r = e.do("GET", "/v1/statements/post:PLPOST?period="+month, "partner", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"number":"ST-`+month+`-PLPOST"`) || !strings.Contains(string(r.body), `"kind":"ems"`) {
		t.Errorf("PLPOST statement: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/statements/NLPOST?period="+month, "partner", nil); r.status != 404 {
		t.Errorf("PLPOST reading NLPOST's statement: %d", r.status)
	}
	if r := e.do("GET", "/v1/statements/post:PLPOST?period="+month, "acme", nil); r.status != 403 {
		t.Errorf("merchant reading a post's statement: %d", r.status)
	}
	r = e.do("GET", "/v1/statements/PLPOST/pdf?period="+month, "admin", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
		t.Errorf("statement PDF: %d %s", r.status, r.header.Get("Content-Type"))
	}
	r = e.do("GET", "/v1/statements/PLPOST/csv?period="+month, "partner", nil)
	if r.status != 200 || !strings.HasPrefix(string(r.body), strings.Join(accounting.StatementCSVHeader, ",")+"\n") || !strings.Contains(string(r.body), "\nentry,post:CNPOST,post:PLPOST,ems,EMS,") {
		t.Errorf("statement CSV: %d %s", r.status, r.body)
	}

	// The merchant reads its invoice; another merchant gets 404.
	r = e.do("GET", "/v1/invoices/ACME?period="+month, "acme", nil)
	var inv struct {
		Number   string `json:"number"`
		Items    []accounting.InvoiceLine
		Balances []struct{ Net, Currency string }
	}
	r.json(t, &inv)
	if r.status != 200 || len(inv.Items) != 1 || len(inv.Balances) != 1 || inv.Balances[0].Currency != "CNY" || !strings.Contains(string(r.body), `"postage":"`) {
		t.Errorf("invoice: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/invoices/ACME/pdf?period="+month, "other", nil); r.status != 404 {
		t.Errorf("another merchant's invoice: %d", r.status)
	}
	if r := e.do("GET", "/v1/invoices/ACME/csv?period="+month, "acme", nil); r.status != 200 || !strings.Contains(string(r.body), "\nitem,") {
		t.Errorf("invoice CSV: %d %s", r.status, r.body)
	}

	// The ledger: partners see their entries only.
	r = e.do("GET", "/v1/ledger?party=post:PLPOST", "partner", nil)
	if r.status != 200 || strings.Count(string(r.body), `"seq":`) != 1 {
		t.Errorf("PLPOST's ledger: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/ledger?party=merchant:ACME", "partner", nil); r.status != 404 {
		t.Errorf("partner reading a merchant's ledger: %d", r.status)
	}
	// The ledger list: newest first, paged, filtered by currency; exported;
	// a bad currency or kind is 422 naming the field.
	var led struct {
		Items []struct {
			Seq      int64  `json:"seq"`
			Currency string `json:"currency"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	var seqs []int64
	for cursor := ""; ; {
		r := e.do("GET", "/v1/ledger?period="+month+"&limit=1&cursor="+cursor, "admin", nil)
		if r.status != 200 {
			t.Fatalf("ledger page: %d %s", r.status, r.body)
		}
		led.NextCursor = ""
		r.json(t, &led)
		for _, it := range led.Items {
			seqs = append(seqs, it.Seq)
		}
		if cursor = led.NextCursor; cursor == "" || len(seqs) > 50 {
			break
		}
	}
	if len(seqs) < 3 || !slices.IsSortedFunc(seqs, func(a, b int64) int { return cmp.Compare(b, a) }) {
		t.Errorf("ledger newest first, a page at a time: %v", seqs)
	}
	r = e.do("GET", "/v1/ledger?sort=posted&currency=zzz", "admin", nil)
	if r.status != 200 || strings.Contains(string(r.body), `"seq":`) {
		t.Errorf("ledger in currency ZZZ: %d %s", r.status, r.body)
	}
	for q, field := range map[string]string{"currency=yuan": "query.currency", "kind=fee": "kind", "sort=amount": "sort"} {
		if r := e.do("GET", "/v1/ledger?"+q, "admin", nil); r.status != 422 || !strings.Contains(string(r.body), field) {
			t.Errorf("ledger?%s: %d %s", q, r.status, r.body)
		}
	}
	r = e.do("GET", "/v1/ledger/export?format=csv&party=post:PLPOST", "partner", nil)
	if lines := strings.Split(strings.TrimSpace(string(r.body)), "\n"); r.status != 200 || len(lines) != 2 || !strings.Contains(lines[0], "seq,posted_at,at,kind") || !strings.Contains(lines[1], "post:PLPOST") {
		t.Errorf("PLPOST's ledger export: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/ledger/export?party=merchant:ACME", "partner", nil); r.status != 404 {
		t.Errorf("partner exporting a merchant's ledger: %d", r.status)
	}
	if r := e.do("GET", "/v1/ledger/balances?period="+month, "operator", nil); r.status != 200 || !strings.Contains(string(r.body), `"party":"merchant:ACME"`) {
		t.Errorf("balances: %d %s", r.status, r.body)
	}

	// Margins, plain and with a what-if price list.
	r = e.do("GET", "/v1/reports/margin?period="+month, "operator", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"dest":"PL","product":"ems","items":1`) {
		t.Errorf("margin: %d %s", r.status, r.body)
	}
	whatIf := map[string]any{"period": month, "what_if": map[string]any{"files": map[string]string{"merchant-prices.csv": string(files["merchant-prices.csv"])}}}
	if r := e.do("POST", "/v1/reports/margin", "admin", whatIf); r.status != 200 || !strings.Contains(string(r.body), `"what_if":"tariff 2026.1 with merchant-prices.csv replaced"`) {
		t.Errorf("margin what-if: %d %s", r.status, r.body)
	}
}
