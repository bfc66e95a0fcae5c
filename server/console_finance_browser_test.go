package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/tracking"
)

// testFinance checks the finance page against the ledger: a row per party
// balance, the margin table worst first with its chart, the statement
// downloads, and choosing another period from the form.
func (e *browserEnv) testFinance(t *testing.T) {
	ctx := context.Background()
	admin := auth.Principal{KeyID: "test", Role: auth.RoleAdmin}
	month := accounting.Month(e.now)
	bals, err := e.acct.Balances(ctx, admin, month)
	if err != nil {
		t.Fatal(err)
	}
	e.open(t, "/console/finance", "finance")
	e.checkLabels(t)
	// An admin's navigation fits the top bar's one row at 1280 px.
	if top := eval[float64](t, e, `document.querySelector(".who").getBoundingClientRect().top`); top > 20 {
		t.Errorf("the top bar wraps at 1280 px: the sign-out block is %.0f px down", top)
		t.Log(eval[string](t, e, `[".brand", ".top nav", ".who", ".topbar"].map(s => s + " " + document.querySelector(s).getBoundingClientRect().width).join("; ")`))
	}
	if n := eval[int](t, e, `document.querySelectorAll("#party-table tbody tr[data-party]").length`); n != len(bals) || n == 0 {
		t.Errorf("party table has %d rows, the ledger %d balances", n, len(bals))
	}
	entries := 0
	for _, b := range bals {
		entries += b.Entries
	}
	if got := e.text(t, "#tile-entries .tile-value"); got != formatThousands(entries) {
		t.Errorf("entries tile = %q, want %d", got, entries)
	}
	rep, err := e.acct.Margin(ctx, admin, month, accounting.MarginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#margin-table tbody tr[data-lane]").length`); n != len(rep.Rows) || n == 0 {
		t.Errorf("margin table has %d lanes, the report %d", n, len(rep.Rows))
	}
	if n := eval[int](t, e, `document.querySelectorAll("#margin-chart .mbar").length`); n == 0 || n > 12 {
		t.Errorf("margin chart draws %d bars", n)
	}
	// Worst first: margins per item never decrease down the table.
	perItem := eval[[]string](t, e, `[...document.querySelectorAll("#margin-table tbody tr[data-lane] td.per-item")].map(td => td.textContent.replace(/,/g, "").replace("−", "-"))`)
	for i := 1; i < len(perItem); i++ {
		if atof(perItem[i]) < atof(perItem[i-1]) {
			t.Errorf("margin table is not worst first at row %d: %s after %s", i+1, perItem[i], perItem[i-1])
			break
		}
	}
	e.screenshot(t, "finance", "finance.png")
	// The downloads are the statement as CSV and PDF.
	csv := evalAwait[string](t, e, `(async () => { const a = document.querySelector("#party-table a[href*='/csv']"); const r = await fetch(a.href); return r.headers.get("content-type") + "|" + (await r.text()).slice(0, 200); })()`)
	if !strings.HasPrefix(csv, "text/csv") {
		t.Errorf("statement CSV download = %.120q", csv)
	}
	pdf := evalAwait[string](t, e, `(async () => { const a = document.querySelector("#party-table a[href*='/pdf']"); const r = await fetch(a.href); return r.headers.get("content-type") + "|" + (await r.text()).slice(0, 5); })()`)
	if pdf != "application/pdf|%PDF-" {
		t.Errorf("statement PDF download = %q", pdf)
	}
	// The action: choose last month in the form.
	prev := accounting.Month(month.From.AddDate(0, 0, -1)).Name
	e.do(t, chromedp.SetValue(chromedp.CSS("#f-period"), prev), chromedp.Click(chromedp.CSS("#finance-filter button")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`#parties-h + span`)))
	e.waitPage(t, "finance")
	if got := eval[string](t, e, `document.querySelector("#f-period").value`); got != prev {
		t.Errorf("after choosing %s the form shows %q", prev, got)
	}
	if !strings.Contains(e.text(t, "h1 + p"), prev) {
		t.Errorf("the page does not say period %s: %q", prev, e.text(t, "h1 + p"))
	}
	// A bad period is named, and the current month shown.
	e.open(t, "/console/finance?period=nope", "finance")
	if msg := e.text(t, ".alert.danger"); !strings.Contains(msg, "not a period") {
		t.Errorf("bad period message = %q", msg)
	}
}

// testMerchantFinance: a merchant sees its own invoice only.
func (e *browserEnv) testMerchantFinance(t *testing.T) {
	e.open(t, "/console/finance", "finance")
	if got := e.text(t, "#own-h"); !strings.HasPrefix(got, "INV-") || !strings.Contains(got, "XMTEA") {
		t.Errorf("a merchant's finance page heads %q", got)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#party-table, #margin-table").length`); n != 0 {
		t.Error("a merchant sees the ledger's parties or the margin report")
	}
	e.screenshot(t, "finance-merchant", "")
	// Another merchant's invoice is not theirs to download.
	status := evalAwait[int](t, e, `fetch("/console/finance/statements/merchant:HZSILK/csv?period=`+accounting.Month(e.now).Name+`").then(r => r.status)`)
	if status != 404 {
		t.Errorf("a merchant downloading another's invoice gets %d, want 404", status)
	}
}

// evalAwait evaluates js and waits for the promise it returns.
func evalAwait[T any](t *testing.T, e *browserEnv, js string) T {
	t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// formatThousands writes n as the console does: 12,345.
func formatThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

// testTracking searches an item from the form and checks its timeline
// against tracking.Service: every event with its office and local time.
func (e *browserEnv) testTracking(t *testing.T) {
	e.open(t, "/console/tracking", "tracking")
	e.checkLabels(t)
	ids := eval[[]string](t, e, `[...document.querySelectorAll("#in-flight tbody td:first-child a")].map(a => a.textContent)`)
	if len(ids) == 0 {
		t.Fatal("the tracking page lists no items in flight")
	}
	id := ids[len(ids)-1]
	e.do(t, chromedp.SetValue(chromedp.CSS("#t-id"), strings.ToLower(id[:5])+" "+id[5:]), chromedp.Click(chromedp.CSS("#track-search button")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#timeline")))
	tsvc := &tracking.Service{Store: e.store.(tracking.Store), Offices: e.store}
	tl, err := tsvc.Timeline(context.Background(), auth.Principal{KeyID: "test", Role: auth.RoleAdmin}, id)
	if err != nil {
		t.Fatal(err)
	}
	times := eval[[]string](t, e, `[...document.querySelectorAll("#timeline tbody tr td:first-child")].map(td => td.textContent.trim())`)
	if len(times) != len(tl.Events) || len(times) == 0 {
		t.Fatalf("timeline shows %d events, the service %d", len(times), len(tl.Events))
	}
	offices := eval[[]string](t, e, `[...document.querySelectorAll("#timeline tbody tr td:nth-child(2)")].map(td => td.textContent)`)
	for i, ev := range tl.Events {
		j := len(tl.Events) - 1 - i // newest first
		if times[j] != ev.LocalTime {
			t.Errorf("event %d at %q, want %q", i, times[j], ev.LocalTime)
		}
		if ev.OfficeName != "" && !strings.Contains(offices[j], ev.OfficeName) {
			t.Errorf("event %d office %q lacks %q", i, offices[j], ev.OfficeName)
		}
	}
	if got := e.text(t, "#tl-status"); got != tl.StatusLabel {
		t.Errorf("status = %q, want %q", got, tl.StatusLabel)
	}
	if href := eval[string](t, e, `document.querySelector("#public-link").getAttribute("href")`); href != "/track/"+id {
		t.Errorf("public page link = %q", href)
	}
	if n := eval[int](t, e, `document.querySelectorAll('.subnav a[href="/console/performance"]').length`); n != 1 {
		t.Error("the tracking page has no tab for the performance report")
	}
	e.screenshot(t, "tracking", "tracking.png")
	// A bad id is named beside the field.
	e.open(t, "/console/tracking?id=XX1", "tracking")
	if msg := e.text(t, "#t-id-err"); msg == "" {
		t.Error("a bad id shows no error")
	}
}

// testPerformance checks the e2e figures against tracking.Service's report
// and chooses a lane for its charts.
func (e *browserEnv) testPerformance(t *testing.T) {
	e.open(t, "/console/performance", "performance")
	e.checkLabels(t)
	from := eval[string](t, e, `document.querySelector("#p-from").value`)
	to := eval[string](t, e, `document.querySelector("#p-to").value`)
	f, _ := time.Parse(time.DateOnly, from)
	tt, _ := time.Parse(time.DateOnly, to)
	tsvc := &tracking.Service{Store: e.store.(tracking.Store), Offices: e.store}
	rep, err := tsvc.E2E(context.Background(), f, tt)
	if err != nil {
		t.Fatal(err)
	}
	volume, lanes := 0, map[string]bool{}
	for _, lw := range rep.Lanes {
		volume += lw.Volume
		lanes[lw.Origin+"-"+lw.Dest+"-"+lw.Product] = true
	}
	if got := e.text(t, "#tile-volume .tile-value"); got != formatThousands(volume) || volume == 0 {
		t.Errorf("posted tile = %q, want %d", got, volume)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#perf-lanes tbody tr[data-lane]").length`); n != len(lanes) {
		t.Errorf("lane table has %d rows, the report %d lanes", n, len(lanes))
	}
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#ontime-chart .uplot canvas")))
	if n := eval[int](t, e, `document.querySelectorAll("#ontime-chart .u-legend .u-series").length`); n < 2 {
		t.Errorf("on-time chart legend has %d entries", n)
	}
	// The action: choose the second lane.
	second := eval[string](t, e, `document.querySelectorAll("#perf-lanes tbody tr[data-lane]")[1].dataset.lane`)
	e.do(t, chromedp.Click(chromedp.CSS(`#perf-lanes tr[data-lane="`+second+`"] a`)))
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`#lane-card[data-lane="`+second+`"]`)))
	if n := eval[int](t, e, `document.querySelectorAll("#lane-card svg.jnchart rect").length`); n != 11 {
		t.Errorf("the lane's J+n chart has %d bars, want 11", n)
	}
	e.do(t, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	e.screenshot(t, "performance", "performance.png")
}

// openReceptacle sorts an item accepted at office into an open receptacle
// (opening the dispatch and receptacle it needs) for the close action.
func (e *browserEnv) openReceptacle(t *testing.T, office string) string {
	t.Helper()
	ctx := context.Background()
	ds, ok := e.store.(interface {
		dispatch.Store
		dispatch.Network
		dispatch.Items
	})
	if !ok {
		t.Skip("the store keeps no dispatches")
	}
	svc := &dispatch.Service{Store: ds, Network: ds, Items: ds, Now: func() time.Time { return e.now }}
	admin := auth.Principal{KeyID: "test", Role: auth.RoleAdmin}
	page, _, err := e.store.Shipments(ctx, acceptance.Filter{Since: e.now.Add(-24 * time.Hour), Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range page {
		if sh.OriginOffice != office {
			continue
		}
		res, err := svc.Sort(ctx, admin, office, string(sh.ID), "")
		if err != nil {
			continue
		}
		d := res.Dispatch
		if d == "" {
			nd, err := svc.OpenDispatch(ctx, admin, dispatch.OpenDispatchRequest{Origin: office, Destination: res.Target.Destination, Category: res.Target.Category, Subclass: res.Target.Subclass})
			if err != nil {
				t.Fatal(err)
			}
			d = nd.ID
		}
		ref := res.Receptacle
		if ref == "" {
			r, err := svc.OpenReceptacle(ctx, admin, d, res.Target.Receptacle)
			if err != nil {
				t.Fatal(err)
			}
			ref = r.Number
		}
		if _, err := svc.Scan(ctx, admin, ref, string(sh.ID), ""); err != nil {
			continue
		}
		return ref
	}
	t.Fatalf("no item accepted at %s in the last day could be put in a receptacle", office)
	return ""
}

// testExchange closes a receptacle from the page and checks the departure
// board against the plan and the delivery bill downloads.
func (e *browserEnv) testExchange(t *testing.T) {
	const office = "CNXMNA"
	ref := e.openReceptacle(t, office)
	e.open(t, "/console/exchange?office="+office, "exchange")
	e.checkLabels(t)
	row := `#open-table tr[data-receptacle="` + ref + `"]`
	if n := eval[int](t, e, `document.querySelectorAll('`+row+`').length`); n != 1 {
		t.Fatalf("the open receptacle %s is not listed", ref)
	}
	// Departures: allocated kg and utilisation as the planner has them.
	if n := eval[int](t, e, `document.querySelectorAll("#board tbody tr[data-service]").length`); n == 0 {
		t.Error("the departure board is empty")
	}
	e.do(t, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	e.do(t, chromedp.Click(chromedp.CSS(row+` button`)))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#closed-banner")))
	if n := eval[int](t, e, `document.querySelectorAll('`+row+`').length`); n != 0 {
		t.Errorf("receptacle %s is still listed open after closing", ref)
	}
	if msg := e.text(t, "#closed-banner"); !strings.Contains(msg, ref[:20]) {
		t.Errorf("closed banner = %q", msg)
	}
	e.do(t, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	e.screenshot(t, "exchange", "exchange.png")
	// The seeded day's consignments with their delivery bills.
	e.open(t, "/console/exchange?office="+office+"&date="+e.seeded.Dispatch.Date, "exchange")
	if n := eval[int](t, e, `document.querySelectorAll("#consignments tbody tr[data-consignment]").length`); n == 0 {
		t.Fatalf("no consignments on %s", e.seeded.Dispatch.Date)
	}
	pdf := evalAwait[string](t, e, `(async () => { const a = document.querySelector("#consignments a[href$='bill.pdf']"); const r = await fetch(a.href); return r.headers.get("content-type") + "|" + (await r.text()).slice(0, 5); })()`)
	if pdf != "application/pdf|%PDF-" {
		t.Errorf("delivery bill PDF = %q", pdf)
	}
	// With nothing left to plan, the board shows the consigned loads.
	if n := eval[int](t, e, `document.querySelectorAll("#board tbody tr[data-service]").length`); n == 0 {
		t.Error("the seeded day's departure board is empty")
	}
	e.screenshot(t, "exchange-bills", "")
}
