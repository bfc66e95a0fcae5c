package server_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/warehouse"
)

var updateShots = flag.Bool("update-screenshots", false, "rewrite the console screenshots in docs/console from the browser test")

// chromiumPath finds Debian's Chromium (or another Chrome) for the browser
// test; INTERPOST_CHROMIUM names one explicitly.
func chromiumPath() string {
	if p := os.Getenv("INTERPOST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserEnv is the console served on loopback over a demo world, and a
// headless Chromium tab.
type browserEnv struct {
	t      *testing.T
	ctx    context.Context
	base   string
	store  store.Store
	cs     *customs.Service
	acct   *accounting.Service
	inq    *inquiry.Service
	keys   map[string]string
	seeded demo.Result
	shots  string // folder for this run's screenshots
	errs   []string
	now    time.Time // the server's clock: fixed, so no page depends on the day the test runs
}

// browserNow is the moment the browser test's server lives at.
var browserNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// TestConsoleBrowser drives the operator console in a real headless
// Chromium: it signs in with API keys of several roles, opens every page,
// performs each page's action and checks what the pages show against the
// seeded data. Screenshots go to the test's artifact folder (kept with
// `go test -artifacts`); -update-screenshots also rewrites docs/console.
func TestConsoleBrowser(t *testing.T) {
	chromium := chromiumPath()
	if chromium == "" {
		t.Skip("Chromium is not installed, so the console browser test is skipped: apt-get install chromium (CI's .ci/run does)")
	}
	if testing.Short() {
		t.Skip("the console browser test starts Chromium; skipped with -short")
	}
	e := newBrowserEnv(t, chromium)
	e.signIn("admin")
	t.Run("Overview", e.testOverview)
	t.Run("OverviewChinese", e.testOverviewChinese)
	t.Run("Shipments", e.testShipments)
	t.Run("ShipmentDetail", e.testShipmentDetail)
	t.Run("CreateShipment", e.testCreateShipment)
	t.Run("Routes", e.testRoutes)
	t.Run("Keys", e.testKeys)
	t.Run("Network", e.testNetwork)
	t.Run("CSRF", e.testCSRF)
	t.Run("Warehouses", e.testWarehouses)
	t.Run("Orders", e.testOrders)
	t.Run("Upload", e.testUpload)
	t.Run("Phone", e.testPhone)
	t.Run("Finance", e.testFinance)
	t.Run("Tracking", e.testTracking)
	t.Run("Performance", e.testPerformance)
	t.Run("Exchange", e.testExchange)
	t.Run("Inward", e.testInward)
	t.Run("Customs", e.testCustoms) // signs in as customs officers
	t.Run("Merchant", e.testMerchant)
	t.Run("SignOut", e.testSignOut)
	if len(e.errs) > 0 {
		t.Errorf("the pages raised script errors:\n%s", strings.Join(e.errs, "\n"))
	}
}

func newBrowserEnv(t *testing.T, chromium string) *browserEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	// Customs as `interpost serve` wires it: shipments are declared when
	// accepted, and the demo's inbound manifest fills the IMPCs' queues.
	a := newApp(t, st, app.Options{Now: func() time.Time { return browserNow }})
	cs, svc := a.Customs, a.Acceptance
	res, err := demo.Seed(ctx, st, svc, demo.Options{Shipments: 240, Now: a.Now().UTC(), Customs: cs, Inward: a.Inward})
	if err != nil {
		t.Fatal(err)
	}
	// Accounting over the ledger demo.Seed rated (the demo tariffs, the
	// last months), so the finance page has figures.
	acct := a.Accounting
	e := &browserEnv{t: t, store: st, cs: cs, acct: acct, inq: a.Inquiry, keys: map[string]string{}, seeded: res, shots: t.ArtifactDir(), now: browserNow}
	for name, k := range map[string]struct {
		role     auth.Role
		merchant string
		offices  []string
	}{"admin": {auth.RoleAdmin, "", nil}, "operator": {auth.RoleOperator, "", nil}, "merchant": {auth.RoleMerchant, "XMTEA", nil},
		"customs": {auth.RoleCustoms, "", []string{"CNSHAA"}}, "customs-pek": {auth.RoleCustoms, "", []string{"CNPEKA"}}} {
		key, secret, err := auth.NewKey(k.role, k.merchant, "", k.offices, "browser test "+name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		e.keys[name] = secret
	}
	h := newServer(t, a)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.base = srv.URL

	// The flags keep Chromium off the network (this machine has none) and
	// out of the way: no sandbox as root, no GPU, a fresh profile.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 800),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// A watchdog for the whole session, not a performance bound: under the
	// race detector on a loaded 2-core machine the pages take minutes.
	tctx, cancelTimeout := context.WithTimeout(bctx, 6*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	e.ctx = tctx
	if err := chromedp.Listen(tctx, func(ev any) {
		if ex, ok := ev.(*runtime.EventExceptionThrown); ok {
			d := ex.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			e.errs = append(e.errs, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber, msg))
		}
	}); err != nil {
		t.Fatalf("start Chromium (%s): %v", chromium, err)
	}
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	return e
}

// do runs browser steps, failing the test on error.
func (e *browserEnv) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(e.ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// open navigates to path and waits for the page named page.
func (e *browserEnv) open(t *testing.T, path, page string) int64 {
	t.Helper()
	resp, err := chromedp.Run(e.ctx, chromedp.NavigateResponse(e.base+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	e.waitPage(t, page)
	return resp.Status
}

func (e *browserEnv) waitPage(t *testing.T, page string) {
	t.Helper()
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`body[data-page="`+page+`"] main`)))
}

func eval[T any](t *testing.T, e *browserEnv, js string) T {
	t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// text returns the innerText of the first element matching sel, waiting up
// to 5 s for it to exist. It reads through JavaScript rather than a DOM node
// query: right after a form post navigates, chromedp's cached node ids can
// still point into the old document ("No node with given id found").
func (e *browserEnv) text(t *testing.T, sel string) string {
	t.Helper()
	q, err := json.Marshal(sel)
	if err != nil {
		t.Fatal(err)
	}
	js := `(() => { const n = document.querySelector(` + string(q) + `); return n ? n.innerText : null })()`
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, err := chromedp.Run(e.ctx, chromedp.Evaluate[*string](js))
		if err == nil && v != nil {
			return strings.TrimSpace(*v)
		}
		if time.Now().After(deadline) {
			t.Fatalf("text of %s: not found within 5 s (%v)", sel, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot saves the page; docs names a file in docs/console that
// -update-screenshots rewrites with the visible part (1280×800).
func (e *browserEnv) screenshot(t *testing.T, name, docs string) {
	t.Helper()
	full, err := chromedp.Run(e.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(e.shots, name+".png"), full, 0o644); err != nil {
		t.Fatal(err)
	}
	if docs != "" && *updateShots {
		view, err := chromedp.Run(e.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "console", docs), view, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkLabels fails if a visible form control has no label: every input
// must be named for screen readers.
func (e *browserEnv) checkLabels(t *testing.T) {
	t.Helper()
	unlabelled := eval[[]string](t, e, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
		.filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
		.map(el => el.name || el.id)`)
	if len(unlabelled) > 0 {
		t.Errorf("inputs without a label: %v", unlabelled)
	}
}

func (e *browserEnv) signIn(name string) {
	t := e.t
	t.Helper()
	e.open(t, "/console/overview", "signin") // redirected to sign in, keeping where we were going
	e.do(t, chromedp.SetValue(chromedp.CSS("#key"), e.keys[name]), chromedp.Click(chromedp.CSS(`form[action="/console/signin"] button`)))
	e.waitPage(t, map[string]string{"admin": "overview", "operator": "overview", "merchant": "shipments", "customs": "customs", "customs-pek": "customs"}[name])
}

func (e *browserEnv) testOverview(t *testing.T) {
	e.open(t, "/console/overview", "overview")
	// The figures must be those of the seeded shipments, counted here from
	// the store, in the days of the post's own zone (Asia/Shanghai).
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := e.now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	from := today.AddDate(0, 0, -13)
	var total, todayN int
	var after int64
	for {
		page, next, err := e.store.Shipments(context.Background(), acceptance.Filter{After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range page {
			if !sh.CreatedAt.Before(from) {
				total++
			}
			if !sh.CreatedAt.Before(today) {
				todayN++
			}
		}
		if next == "" {
			break
		}
		after, _ = paging.DecodeCursor(next)
	}
	if got := e.text(t, "#tile-total .tile-value"); got != fmt.Sprint(total) {
		t.Errorf("14-day tile = %q, want %d", got, total)
	}
	if got := e.text(t, "#tile-today .tile-value"); got != fmt.Sprint(todayN) {
		t.Errorf("today tile = %q, want %d", got, todayN)
	}
	if got := e.text(t, "#tile-merchants .tile-value"); got != fmt.Sprint(len(demo.Merchants)) {
		t.Errorf("merchants tile = %q, want %d", got, len(demo.Merchants))
	}
	// The customs queue is every customs office's pending and held items.
	waiting := 0
	offices, err := e.store.Offices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offices {
		if !o.Customs {
			continue
		}
		q, err := e.cs.Queue(context.Background(), auth.Principal{KeyID: "test", Role: auth.RoleAdmin}, customs.QueueFilter{Office: o.Code, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		waiting += len(q)
	}
	if got := e.text(t, "#tile-customs .tile-value"); got != fmt.Sprint(waiting) || waiting == 0 {
		t.Errorf("customs queue tile = %q, want %d", got, waiting)
	}
	// The chart script drew a canvas with a legend entry per product.
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#trend-chart .uplot canvas")))
	if n := eval[int](t, e, `document.querySelectorAll("#trend-chart .u-legend .u-series").length`); n < 3 {
		t.Errorf("trend chart legend has %d entries", n)
	}
	if rows := eval[int](t, e, `document.querySelectorAll("#trend-table tbody tr").length`); rows != 14 {
		t.Errorf("daily table has %d rows, want 14", rows)
	}
	e.screenshot(t, "overview", "overview.png")
}

// testOverviewChinese switches the console to Chinese with the switcher,
// checks the overview speaks it (labels, dates, product names) and switches
// back to English.
func (e *browserEnv) testOverviewChinese(t *testing.T) {
	e.open(t, "/console/overview", "overview")
	e.do(t, chromedp.Click(chromedp.CSS(`#lang-switch button[value="zh-CN"]`)))
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] body[data-page="overview"] main`)))
	if got := e.text(t, "main h1"); got != "概览" {
		t.Errorf("zh-CN overview heading = %q", got)
	}
	if got := e.text(t, "#tile-today .tile-label"); got != "今日收寄" {
		t.Errorf("zh-CN today tile = %q", got)
	}
	// The daily table is folded (<details>): read its text, not what shows.
	if got := eval[string](t, e, `document.querySelector("#trend-table thead").textContent`); !strings.Contains(got, "挂号小包") {
		t.Errorf("zh-CN product columns = %q", got)
	}
	if got := eval[string](t, e, `document.querySelector("#trend-table tbody th").textContent`); !strings.Contains(got, "月") || !strings.Contains(got, "周") {
		t.Errorf("zh-CN day = %q", got)
	}
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#trend-chart .uplot canvas")))
	e.screenshot(t, "overview-zh", "overview-zh.png")
	e.do(t, chromedp.Click(chromedp.CSS(`#lang-switch button[value="en"]`)))
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] body[data-page="overview"] main`)))
}

func (e *browserEnv) testShipments(t *testing.T) {
	e.open(t, "/console/shipments", "shipments")
	if n := eval[int](t, e, `document.querySelectorAll("#shipments-table tbody tr").length`); n != 50 {
		t.Errorf("first page has %d rows, want 50", n)
	}
	first := e.text(t, "#shipments-table tbody tr:first-child td:first-child")
	// Next page swaps the table in place (htmx) and updates the address.
	e.do(t, chromedp.Click(chromedp.CSS("#next-page")))
	if _, err := chromedp.Run(e.ctx, chromedp.Poll[bool](`document.querySelector(".pager .muted").textContent.startsWith("Page 2")`)); err != nil {
		t.Fatalf("page 2 never showed: %v", err)
	}
	if loc := eval[string](t, e, "location.search"); !strings.Contains(loc, "cursor=") {
		t.Errorf("after next page the address is %q, want a cursor", loc)
	}
	if second := e.text(t, "#shipments-table tbody tr:first-child td:first-child"); second == first {
		t.Errorf("page 2 starts with %s, as page 1 did", second)
	}
	// Filter by merchant: every row is that merchant's.
	e.open(t, "/console/shipments?merchant=HZSILK", "shipments")
	merchants := eval[[]string](t, e, `[...document.querySelectorAll("#shipments-table tbody tr td:nth-child(3)")].map(td => td.textContent.trim())`)
	if len(merchants) == 0 {
		t.Fatal("merchant filter shows no rows")
	}
	for _, m := range merchants {
		if m != "HZSILK" {
			t.Fatalf("merchant filter HZSILK shows a row of %s", m)
		}
	}
	// The item box opens the item.
	e.do(t, chromedp.SetValue(chromedp.CSS("#f-find"), string(e.seeded.SampleID)), chromedp.Submit(chromedp.CSS("#f-find")))
	e.waitPage(t, "shipment")
	if got := e.text(t, "#item-id"); got != string(e.seeded.SampleID) {
		t.Errorf("find opened %q, want %s", got, e.seeded.SampleID)
	}
	e.open(t, "/console/shipments", "shipments")
	e.checkLabels(t)
	e.screenshot(t, "shipments", "")
}

func (e *browserEnv) testShipmentDetail(t *testing.T) {
	sh, err := e.store.Shipment(context.Background(), e.seeded.SampleID)
	if err != nil {
		t.Fatal(err)
	}
	e.open(t, "/console/shipments/"+string(sh.ID), "shipment")
	// The shipment page shows the item's lifecycle status and its timeline.
	if got := eval[string](t, e, `document.querySelector("#shipment-status").dataset.status`); got != sh.Status {
		t.Errorf("shipment page shows status %q, want %s", got, sh.Status)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#timeline-card").length`); n != 1 {
		t.Errorf("shipment page has %d timeline cards, want 1", n)
	}
	lines := eval[int](t, e, `document.querySelectorAll("#declaration-lines tbody tr").length`)
	if lines != len(sh.Declaration.Lines) {
		t.Errorf("declaration shows %d lines, want %d", lines, len(sh.Declaration.Lines))
	}
	if got := e.text(t, "#declaration-lines tfoot .strong"); got != sh.Declaration.TotalValue {
		t.Errorf("declared total = %q, want %s", got, sh.Declaration.TotalValue)
	}
	// The label link serves the PDF to the signed-in browser.
	got, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#label-link").href)
		.then(async r => r.status + " " + r.headers.get("content-type") + " " + (await r.text()).slice(0, 5))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf %PDF-" {
		t.Errorf("label link answers %q, %v; want a PDF", got, err)
	}
	e.screenshot(t, "shipment", "")
}

func (e *browserEnv) testCreateShipment(t *testing.T) {
	e.open(t, "/console/shipments/new", "shipment_new")
	e.checkLabels(t)
	fill := func(values map[string]string) {
		t.Helper()
		for id, v := range values {
			e.do(t, chromedp.SetValue(chromedp.CSS("#"+id), v))
		}
	}
	fill(map[string]string{
		"f-merchant": "XMTEA", "f-weight-g": "abc",
		"f-dimensions-mm-0": "250", "f-dimensions-mm-1": "180", "f-dimensions-mm-2": "60",
		"f-sender-name": "Xiamen Tea Co", "f-sender-address": "8 Hubin Rd", "f-sender-city": "Xiamen",
		"f-addressee-name": "Anna Nowak", "f-addressee-address": "ul. Prosta 5", "f-addressee-city": "Warszawa",
		"f-addressee-postcode": "00-850", "f-addressee-country": "ZZ",
		"f-declaration-lines-0-description": "Oolong tea, 250 g tin", "f-declaration-lines-0-quantity": "2",
		"f-declaration-lines-0-net-weight-g": "600", "f-declaration-lines-0-value": "24.00",
		"f-declaration-lines-0-hs-code": "090230", "f-declaration-lines-0-origin-country": "CN",
	})
	// "Add a line" adds a fourth, empty row that the server ignores.
	e.do(t, chromedp.Click(chromedp.CSS("#add-line")))
	if n := eval[int](t, e, `document.querySelectorAll("#lines tr.line").length`); n != 4 {
		t.Errorf("after Add a line there are %d rows, want 4", n)
	}
	e.do(t, chromedp.Click(chromedp.CSS("#create")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	if got := e.text(t, "#f-addressee-country-err"); !strings.Contains(got, `"ZZ" is not an ISO 3166-1 alpha-2`) {
		t.Errorf("addressee country error = %q", got)
	}
	if got := e.text(t, "#f-weight-g-err"); !strings.Contains(got, `"abc" is not a whole number`) {
		t.Errorf("weight error = %q", got)
	}
	if v := eval[string](t, e, `document.querySelector("#f-addressee-name").value`); v != "Anna Nowak" {
		t.Errorf("the form lost what was typed: addressee name = %q", v)
	}
	if a := eval[string](t, e, `document.activeElement.id`); a != "error-summary" {
		t.Errorf("focus after a failed submit is on %q, want the error summary", a)
	}
	e.screenshot(t, "create-errors", "")
	fill(map[string]string{"f-weight-g": "700", "f-addressee-country": "PL"})
	e.do(t, chromedp.Click(chromedp.CSS("#create")))
	e.waitPage(t, "shipment")
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#created-banner")))
	id := e.text(t, "#item-id")
	sh, err := e.store.Shipment(context.Background(), postal.S10(id))
	if err != nil || sh.Merchant != "XMTEA" || sh.Addressee.Country != "PL" || sh.WeightG != 700 || len(sh.Declaration.Lines) != 1 {
		t.Errorf("created %s = %+v, %v", id, sh, err)
	}
}

func (e *browserEnv) testKeys(t *testing.T) {
	e.open(t, "/console/keys", "keys")
	e.checkLabels(t)
	before := eval[int](t, e, `document.querySelectorAll("#keys-table tbody tr").length`)
	e.do(t, chromedp.SetValue(chromedp.CSS("#k-role"), "operator"), chromedp.SetValue(chromedp.CSS("#k-offices"), "CNXMNA, NOSUCH"),
		chromedp.SetValue(chromedp.CSS("#k-label"), "night shift"), chromedp.Click(chromedp.CSS("#key-form button")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#k-offices-err")))
	if got := e.text(t, "#k-offices-err"); !strings.Contains(got, "NOSUCH") {
		t.Errorf("offices error = %q", got)
	}
	e.do(t, chromedp.SetValue(chromedp.CSS("#k-offices"), "CNXMNA"), chromedp.Click(chromedp.CSS("#key-form button")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#new-key")))
	secret := eval[string](t, e, `document.querySelector("#new-secret").value`)
	p, err := auth.Authenticate(context.Background(), e.store, secret)
	if err != nil || p.Role != auth.RoleOperator || len(p.Offices) != 1 || p.Offices[0] != "CNXMNA" {
		t.Fatalf("the shown key authenticates as %+v, %v", p, err)
	}
	if after := eval[int](t, e, `document.querySelectorAll("#keys-table tbody tr").length`); after != before+1 {
		t.Errorf("keys table has %d rows, want %d", after, before+1)
	}
	e.screenshot(t, "keys", "")
	// Revoke it (the page asks first; the test says yes).
	eval[bool](t, e, `(window.confirm = () => true, true)`)
	e.do(t, chromedp.Click(chromedp.CSS(`tr[data-key="`+p.KeyID+`"] button`)))
	e.waitPage(t, "keys")
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`tr.revoked[data-key="`+p.KeyID+`"]`)))
	if _, err := auth.Authenticate(context.Background(), e.store, secret); err == nil {
		t.Error("the revoked key still authenticates")
	}
}

func (e *browserEnv) testNetwork(t *testing.T) {
	offices, err := e.store.Offices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.open(t, "/console/network?view=world", "network")
	if n := eval[int](t, e, `document.querySelectorAll("svg.worldmap path.country").length`); n < 170 {
		t.Errorf("the map has %d country outlines, want the ~176 of countries-110m", n)
	}
	if n := eval[int](t, e, `document.querySelectorAll("svg.worldmap .office circle").length`); n != len(offices) {
		t.Errorf("the map has %d office markers, want %d", n, len(offices))
	}
	// Countries are drawn with real coordinates: France's outline has many
	// points, and the shading follows shipments sent there.
	if d := eval[int](t, e, `document.querySelector('path.country[data-code="FR"]').getAttribute("d").length`); d < 200 {
		t.Errorf("France's outline is %d characters long", d)
	}
	if c := eval[string](t, e, `document.querySelector('path.country[data-code="US"]').getAttribute("class")`); c == "country l0" {
		t.Errorf("the US received demo shipments but is not shaded: class %q", c)
	}
	services, err := e.store.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, e, `document.querySelectorAll("svg.worldmap path.line").length`); len(services) > 0 && n == 0 {
		t.Errorf("the map draws no service lines for %d services", len(services))
	}
	if n := eval[int](t, e, `document.querySelectorAll("#offices-table tbody tr").length`); n != len(offices) {
		t.Errorf("offices table has %d rows, want %d", n, len(offices))
	}
	e.screenshot(t, "network-world", "")
	e.open(t, "/console/network", "network")
	e.screenshot(t, "network", "network.png")
	// Select an office on the map.
	e.do(t, chromedp.Click(chromedp.CSS(`svg.worldmap a.office[data-code="CNXMNA"] circle`)))
	e.waitPage(t, "office")
	if got := e.text(t, "main h1"); got != "Xiamen Office of Exchange" {
		t.Errorf("office page heading = %q", got)
	}
	fromXMN := 0
	for _, sv := range services {
		if sv.From == "CNXMNA" {
			fromXMN++
		}
	}
	if n := eval[int](t, e, `document.querySelectorAll("#departures tbody tr:not(:has(.empty))").length`); fromXMN > 0 && n == 0 {
		t.Errorf("the departures board is empty though %d services leave CNXMNA", fromXMN)
	}
	e.screenshot(t, "office", "")
}

func (e *browserEnv) testCSRF(t *testing.T) {
	count := func() int {
		keys, err := e.store.Keys(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(keys)
	}
	before := count()
	// A post from the console's own origin without the form's token.
	e.open(t, "/console/keys", "keys")
	got, err := chromedp.Run(e.ctx, chromedp.Evaluate[int](`fetch("/console/keys", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "role=admin&label=forged"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || got != http.StatusForbidden {
		t.Errorf("post without a token = %d, %v; want 403", got, err)
	}
	// A page on another origin that submits a form to the console: the
	// browser sends the session cookie (same site), the console refuses.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><title>free prizes</title><form id="f" method="post" action="%s/console/keys">
			<input name="role" value="admin"><input name="label" value="forged"><input name="csrf" value="guess"></form>
			<script>document.getElementById("f").submit()</script>`, e.base)
	}))
	defer evil.Close()
	e.do(t, chromedp.Navigate(evil.URL))
	e.waitPage(t, "error")
	if msg := e.text(t, "main .lead"); !strings.Contains(msg, "another site") {
		t.Errorf("forged post shows %q", msg)
	}
	if after := count(); after != before {
		t.Errorf("forged posts created %d keys", after-before)
	}
}

func (e *browserEnv) testPhone(t *testing.T) {
	e.do(t, chromedp.EmulateViewport(375, 740))
	defer e.do(t, chromedp.EmulateViewport(1280, 800))
	for _, p := range []struct{ path, page string }{
		{"/console/overview", "overview"}, {"/console/shipments", "shipments"}, {"/console/shipments/new", "shipment_new"},
		{"/console/network", "network"}, {"/console/keys", "keys"},
		{"/console/customs?office=CNSHAA", "customs"}, {"/console/customs/items/" + e.seeded.Customs.Held, "customs_item"},
		{"/console/warehouses", "warehouses"}, {"/console/stock", "stock"}, {"/console/orders", "orders"},
		{"/console/orders/new", "order_new"}, {"/console/orders/" + e.seeded.Warehouse.SampleOrder, "order"},
		{"/console/inbounds", "inbounds"}, {"/console/replenishment", "replenishment"},
		{"/console/finance", "finance"}, {"/console/tracking", "tracking"}, {"/console/performance", "performance"},
		{"/console/exchange", "exchange"}, {"/console/shipments/" + string(e.seeded.SampleID), "shipment"},
		{"/console/uploads", "uploads"},
		{"/console/routes?from=CNXMNA&to=DEDUIA&ready=2026-11-23T10:00&weight_g=800", "routes"},
	} {
		e.open(t, p.path, p.page)
		// Wide tables scroll inside their cards; the page itself must not.
		if w := eval[int](t, e, `document.documentElement.scrollWidth`); w > 375 {
			wide := eval[[]string](t, e, `[...document.querySelectorAll("body *")].filter(el => {
					if (el.getBoundingClientRect().right <= 376) return false;
					for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
						if (getComputedStyle(a).overflowX !== "visible") return false;
					}
					return true;
				}).slice(0, 8).map(el => el.tagName + "." + el.className + " " + el.offsetWidth)`)
			t.Errorf("%s is %d px wide on a 375 px phone; too wide: %v", p.path, w, wide)
		}
	}
	// The navigation collapses behind the menu button, and opens below it.
	e.open(t, "/console/overview", "overview")
	navShown := `getComputedStyle(document.getElementById("main-nav")).display !== "none"`
	if eval[bool](t, e, navShown) {
		t.Error("at 375 px the navigation is shown before the menu button is pressed")
	}
	e.do(t, chromedp.Click(chromedp.CSS("#menu-toggle")))
	if !eval[bool](t, e, navShown+` && document.getElementById("menu-toggle").getAttribute("aria-expanded") === "true"`) {
		t.Error("the menu button does not open the navigation")
	}
	if w := eval[int](t, e, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("with the menu open the page is %d px wide on a 375 px phone", w)
	}
	e.screenshot(t, "phone-menu", "")
	e.open(t, "/console/overview", "overview")
	e.screenshot(t, "phone-overview", "")
	e.open(t, "/console/customs/items/"+e.seeded.Customs.Held, "customs_item")
	e.screenshot(t, "phone-customs-item", "")
	e.open(t, "/console/orders/new", "order_new")
	e.screenshot(t, "phone-order-new", "")
}

func (e *browserEnv) testMerchant(t *testing.T) {
	e.signOut(t)
	e.signIn("merchant")
	nav := eval[[]string](t, e, `[...document.querySelectorAll("header nav a")].map(a => a.textContent)`)
	if strings.Join(nav, ",") != "Shipments,New shipment,Tracking,Warehouses,Finance,Network,Route planner" {
		t.Errorf("a merchant's navigation = %v", nav)
	}
	heads := eval[[]string](t, e, `[...document.querySelectorAll("#shipments-table thead th")].map(th => th.textContent)`)
	if strings.Contains(strings.Join(heads, ","), "Merchant") {
		t.Errorf("a merchant's list has a merchant column: %v", heads)
	}
	ids := eval[[]string](t, e, `[...document.querySelectorAll("#shipments-table tbody td:first-child a")].map(a => a.textContent)`)
	if len(ids) == 0 {
		t.Error("the merchant sees no shipments")
	}
	for _, id := range ids {
		if sh, err := e.store.Shipment(context.Background(), postal.S10(id)); err != nil || sh.Merchant != "XMTEA" {
			t.Fatalf("merchant XMTEA sees %s of %q (%v)", id, sh.Merchant, err)
		}
	}
	for _, p := range []string{"/console/keys", "/console/overview"} {
		if status := e.open(t, p, "error"); status != http.StatusForbidden {
			t.Errorf("a merchant opening %s gets %d, want 403", p, status)
		}
	}
	e.testMerchantFinance(t)
	// Another merchant's item is not found, as in the API.
	var other acceptance.Shipment
	page, _, err := e.store.Shipments(context.Background(), acceptance.Filter{Merchant: "HZSILK", Limit: 1})
	if err != nil || len(page) == 0 {
		t.Fatal(err)
	}
	other = page[0]
	if status := e.open(t, "/console/shipments/"+string(other.ID), "error"); status != http.StatusNotFound {
		t.Errorf("a merchant opening another merchant's item gets %d, want 404", status)
	}
	e.testMerchantClaims(t)
}

func (e *browserEnv) signOut(t *testing.T) {
	t.Helper()
	e.do(t, chromedp.Click(chromedp.CSS(`form[action="/console/signout"] button`)))
	e.waitPage(t, "signin")
}

func (e *browserEnv) testSignOut(t *testing.T) {
	e.open(t, "/console/shipments", "shipments")
	e.signOut(t)
	// The session is gone: pages send the browser back to sign in.
	e.open(t, "/console/shipments", "signin")
	if v := eval[string](t, e, `document.querySelector('input[name="next"]').value`); v != "/console/shipments" {
		t.Errorf("sign-in page would return to %q", v)
	}
	// A bad key is refused with a message.
	e.do(t, chromedp.SetValue(chromedp.CSS("#key"), "ipk_nope"), chromedp.Click(chromedp.CSS(`form[action="/console/signin"] button`)))
	e.do(t, chromedp.WaitVisible(chromedp.CSS(".alert.danger")))
	if msg := e.text(t, ".alert.danger"); !strings.Contains(msg, "unknown or revoked") {
		t.Errorf("bad key message = %q", msg)
	}
	e.checkLabels(t)
	e.screenshot(t, "signin", "")
}

func (e *browserEnv) testRoutes(t *testing.T) {
	e.open(t, "/console/routes", "routes")
	e.checkLabels(t)
	// Plan a parcel from Xiamen to Duisburg from the form.
	e.do(t, chromedp.SetValue(chromedp.CSS("#r-from"), "CNXMNA"), chromedp.SetValue(chromedp.CSS("#r-to"), "DEDUIA"),
		chromedp.SetValue(chromedp.CSS("#r-weight"), "2000"), chromedp.SetValue(chromedp.CSS("#r-product"), "parcel"),
		chromedp.Click(chromedp.CSS("#plan")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#pareto-table")))
	rows := eval[int](t, e, `document.querySelectorAll("#pareto-table tbody tr").length`)
	dots := eval[int](t, e, `document.querySelectorAll("#time-cost .pt").length`)
	if rows == 0 || dots != rows {
		t.Errorf("planner shows %d itineraries and %d chart dots", rows, dots)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#pareto-table tr.best").length`); n != 1 {
		t.Errorf("%d rows are marked earliest, want 1", n)
	}
	e.screenshot(t, "routes", "")
	// A bad office code is named beside its field.
	e.open(t, "/console/routes?from=CNXMNA&to=NOWHERE", "routes")
	if got := e.text(t, "#r-to-err"); !strings.Contains(got, "NOWHERE") {
		t.Errorf("unknown destination error = %q", got)
	}
}

// waitFor evaluates js until it is true, across page loads (which fail
// an evaluation while the next document replaces the last).
func (e *browserEnv) waitFor(t *testing.T, js string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) || e.ctx.Err() != nil {
			t.Fatalf("waiting for %s: %v", js, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shownInt reads a number shown with thousands separators.
func shownInt(t *testing.T, e *browserEnv, sel string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(e.text(t, sel), ",", ""))
	if err != nil {
		t.Fatalf("%s does not show a number: %v", sel, err)
	}
	return n
}

func (e *browserEnv) testWarehouses(t *testing.T) {
	ctx := context.Background()
	ws, err := e.store.Warehouses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stock, err := e.store.Stock(ctx, warehouse.StockFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var onHand, reserved int
	for _, st := range stock {
		onHand += st.OnHand
		reserved += st.Reserved
	}
	e.open(t, "/console/warehouses", "warehouses")
	if n := eval[int](t, e, `document.querySelectorAll("#warehouses-table tbody tr").length`); n != len(ws) || n == 0 {
		t.Errorf("warehouses table has %d rows, want %d", n, len(ws))
	}
	if got := shownInt(t, e, "#tile-onhand .tile-value"); got != onHand {
		t.Errorf("on hand tile = %d, want %d", got, onHand)
	}
	if got := shownInt(t, e, "#tile-reserved .tile-value"); got != reserved || reserved == 0 {
		t.Errorf("reserved tile = %d, want %d (the demo's last week waits in the warehouses)", got, reserved)
	}
	e.screenshot(t, "warehouses", "warehouses.png")

	// Stock of one warehouse, then a SKU's ledger: its running sums end at
	// the stock row.
	e.open(t, "/console/stock?warehouse=PLWAWW", "stock")
	e.checkLabels(t)
	at := eval[[]string](t, e, `[...document.querySelectorAll("#stock-table tbody tr")].map(tr => tr.dataset.warehouse)`)
	if len(at) == 0 {
		t.Fatal("no stock at PLWAWW")
	}
	for _, w := range at {
		if w != "PLWAWW" {
			t.Fatalf("the PLWAWW filter shows stock at %s", w)
		}
	}
	e.screenshot(t, "stock", "")
	e.do(t, chromedp.Click(chromedp.CSS(`#stock-table tbody tr:first-child td:nth-child(3) a`)))
	e.waitPage(t, "ledger")
	if got := e.text(t, "#tile-ledger .tile-sub"); !strings.Contains(got, "sums match") {
		t.Errorf("ledger check says %q", got)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#ledger-table tbody tr").length`); n < 2 {
		t.Errorf("the ledger shows %d movements", n)
	}
	e.screenshot(t, "ledger", "")

	// Inbound shipments: the demo's receipts report damaged units.
	e.open(t, "/console/inbounds", "inbounds")
	ins, _, err := e.store.Inbounds(ctx, warehouse.InboundFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#inbounds-table tbody tr").length`); n != len(ins) {
		t.Errorf("inbound table has %d rows, want %d", n, len(ins))
	}
	e.do(t, chromedp.Click(chromedp.CSS(`#inbounds-table tbody tr:has(.disc-damaged) td:first-child a`)))
	e.waitPage(t, "inbound")
	if got := e.text(t, "#discrepancy-banner"); !strings.Contains(got, "damaged") {
		t.Errorf("discrepancy banner = %q", got)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#receipt-table tr.hit").length`); n == 0 {
		t.Error("no receipt line is marked as a discrepancy")
	}
	e.screenshot(t, "inbound", "")

	e.open(t, "/console/replenishment", "replenishment")
	e.checkLabels(t)
	if n := eval[int](t, e, `document.querySelectorAll("#advice-table tbody tr:not(:has(.empty))").length`); n == 0 {
		t.Error("no replenishment advice")
	}
	e.screenshot(t, "replenishment", "")
}

func (e *browserEnv) testOrders(t *testing.T) {
	ctx := context.Background()
	e.open(t, "/console/orders/new", "order_new")
	e.checkLabels(t)
	fill := func(values map[string]string) {
		t.Helper()
		for id, v := range values {
			e.do(t, chromedp.SetValue(chromedp.CSS("#"+id), v))
		}
	}
	// A first try without the buyer's name and with a bad quantity: both
	// are named beside their fields, and what was typed stays.
	fill(map[string]string{
		"f-merchant": "XMTEA", "f-merchant-order-id": "BROWSER-1",
		"f-buyer-address": "ul. Prosta 5", "f-buyer-city": "Warszawa", "f-buyer-postcode": "00-850", "f-buyer-country": "PL",
		"f-lines-0-sku": "TEA-OOLONG-100", "f-lines-0-quantity": "two",
	})
	e.do(t, chromedp.Click(chromedp.CSS("#place-order")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	if got := e.text(t, "#f-buyer-name-err"); got != "required" {
		t.Errorf("buyer name error = %q", got)
	}
	if got := e.text(t, "#f-lines-0-quantity-err"); !strings.Contains(got, `"two" is not a whole number`) {
		t.Errorf("quantity error = %q", got)
	}
	if v := eval[string](t, e, `document.querySelector("#f-buyer-city").value`); v != "Warszawa" {
		t.Errorf("the form lost what was typed: city = %q", v)
	}
	e.screenshot(t, "order-errors", "")
	fill(map[string]string{"f-buyer-name": "Anna Nowak", "f-lines-0-quantity": "2"})
	e.do(t, chromedp.Click(chromedp.CSS("#place-order")))
	e.waitPage(t, "order")
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#created-banner")))
	id := e.text(t, "#order-id")
	o, err := e.store.Order(ctx, id)
	if err != nil || o.Merchant != "XMTEA" || o.MerchantOrderID != "BROWSER-1" || len(o.Parcels) != 1 || o.Status != warehouse.OrderReserved {
		t.Fatalf("placed %s = %+v, %v", id, o, err)
	}
	if got := e.text(t, "#order-status"); got != "reserved" {
		t.Errorf("order status shows %q", got)
	}
	// Pick list → pack → label: the pick list takes this warehouse's
	// reserved parcels, oldest first, this one among them.
	e.do(t, chromedp.Click(chromedp.CSS(`#parcels-table tr[data-parcel="1"] .pick-button`)))
	e.waitPage(t, "picklist")
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#created-banner")))
	row := `#pick-parcels tr[data-parcel="` + id + `/1"]`
	e.do(t, chromedp.Click(chromedp.CSS(row+" .pack-button")))
	e.waitPage(t, "picklist")
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := e.text(t, row+" .pill"); got != "packed" {
		t.Errorf("packed parcel shows %q", got)
	}
	got, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](`fetch(document.querySelector('`+row+` .label-link').href)
		.then(async r => r.status + " " + r.headers.get("content-type") + " " + (await r.text()).slice(0, 5))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf %PDF-" {
		t.Errorf("parcel label answers %q, %v; want a PDF", got, err)
	}
	e.screenshot(t, "picklist", "")
	e.open(t, "/console/orders/"+id, "order")
	if got := e.text(t, "#order-status"); got != "packed" {
		t.Errorf("after packing the order shows %q", got)
	}
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`#parcels-table tr[data-parcel="1"] .label-link`)))
	e.screenshot(t, "order", "order.png")

	// Cancel a reserved order before it is picked: its stock is free again.
	reserved, _, err := e.store.Orders(ctx, warehouse.OrderFilter{Status: warehouse.OrderReserved, Limit: 1})
	if err != nil || len(reserved) == 0 {
		t.Fatalf("no reserved demo order to cancel: %v", err)
	}
	victim := reserved[0]
	e.open(t, "/console/orders/"+victim.ID, "order")
	eval[bool](t, e, `(window.confirm = () => true, true)`)
	e.do(t, chromedp.Click(chromedp.CSS("#cancel-order")))
	e.waitPage(t, "order")
	e.do(t, chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := e.text(t, "#order-status"); got != "cancelled" {
		t.Errorf("cancelled order shows %q", got)
	}
	if o, err := e.store.Order(ctx, victim.ID); err != nil || o.Status != warehouse.OrderCancelled {
		t.Errorf("order %s is %q after cancel, %v", victim.ID, o.Status, err)
	}
	// The list shows the newest first: the order placed above.
	e.open(t, "/console/orders", "orders")
	if first := e.text(t, "#orders-table tbody tr:first-child td:first-child a"); first != id {
		t.Errorf("orders list starts with %s, want the newest %s", first, id)
	}
}

func (e *browserEnv) testCustoms(t *testing.T) {
	ctx := context.Background()
	officer := auth.Principal{Role: auth.RoleCustoms, Offices: []string{"CNSHAA"}}
	queue, err := e.cs.Queue(ctx, officer, customs.QueueFilter{Office: "CNSHAA", Limit: 500})
	if err != nil || len(queue) == 0 {
		t.Fatalf("the CNSHAA queue is empty: %v", err)
	}
	// An admin reads the queue in the service's order, without buttons.
	e.open(t, "/console/customs?office=CNSHAA", "customs")
	ids := eval[[]string](t, e, `[...document.querySelectorAll("#customs-queue tbody tr")].map(tr => tr.dataset.item)`)
	if len(ids) != len(queue) {
		t.Fatalf("the queue shows %d items, want %d", len(ids), len(queue))
	}
	for i, q := range queue {
		if ids[i] != q.ItemID {
			t.Fatalf("queue row %d is %s, want %s (risk and waiting order)", i+1, ids[i], q.ItemID)
		}
	}
	e.open(t, "/console/customs/items/"+queue[0].ItemID, "customs_item")
	if n := eval[int](t, e, `document.querySelectorAll("#decide-form").length`); n != 0 {
		t.Error("an admin gets decide buttons")
	}

	// The Shanghai officer lands on the desk and decides the riskiest
	// pending item: hold for X-ray, record the result, release.
	e.signOut(t)
	e.signIn("customs")
	e.checkLabels(t)
	e.screenshot(t, "customs", "customs.png")
	// The riskiest pending item whose declaration lines fired rules.
	var item customs.QueueEntry
	for _, q := range queue {
		if q.Status != customs.StatusPending || q.ClaimedBy != "" {
			continue
		}
		v, err := e.cs.Get(ctx, officer, q.ItemID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(v.Screening.Hits, func(h risk.Hit) bool { return h.Line > 0 }) {
			item = q
			break
		}
	}
	if item.ItemID == "" {
		t.Fatal("no pending item at CNSHAA with risk hits on its lines")
	}
	e.do(t, chromedp.Click(chromedp.CSS(`#customs-queue tr[data-item="`+item.ItemID+`"] td:nth-child(2) a`)))
	e.waitPage(t, "customs_item")
	view, err := e.cs.Get(ctx, officer, item.ItemID)
	if err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#hits li.hit").length`); n != len(view.Screening.Hits) {
		t.Errorf("the page lists %d risk hits, want %d", n, len(view.Screening.Hits))
	}
	lines := map[int]bool{}
	for _, h := range view.Screening.Hits {
		if h.Line > 0 {
			lines[h.Line] = true
		}
	}
	if n := eval[int](t, e, `document.querySelectorAll("#declaration-lines tr.hit mark").length`); n != len(lines) {
		t.Errorf("%d declaration lines are highlighted, want %d", n, len(lines))
	}
	if got := e.text(t, "#hits li:first-child .hit-reason"); got != view.Screening.Hits[0].Reason {
		t.Errorf("first reason = %q, want %q", got, view.Screening.Hits[0].Reason)
	}
	e.checkLabels(t)
	e.screenshot(t, "customs-item", "customs-item.png")

	// submitted clicks sel and waits for the next item page with a
	// banner: the page before may show one already.
	submitted := func(sel string) {
		t.Helper()
		eval[bool](t, e, `(document.body.dataset.stale = "1", true)`)
		e.do(t, chromedp.Click(chromedp.CSS(sel)))
		e.waitFor(t, `document.body.dataset.page === "customs_item" && !document.body.dataset.stale && !!document.querySelector("#decided-banner")`)
	}
	decide := func(reason, action string) {
		t.Helper()
		e.do(t, chromedp.SetValue(chromedp.CSS("#d-reason"), reason))
		submitted(`#decide-form button[data-decision="` + action + `"]`)
	}
	decide("declared batteries: check the cells", "hold:xray")
	if got := e.text(t, "#item-status"); got != "held" {
		t.Errorf("after hold the item is %q", got)
	}
	if got := e.text(t, "#audit tbody tr:last-child"); !strings.Contains(got, "declared batteries: check the cells") {
		t.Errorf("the audit trail's last row = %q", got)
	}
	e.do(t, chromedp.Click(chromedp.CSS(`#inspect-form input[name="result"][value="clear"]`)),
		chromedp.SetValue(chromedp.CSS("#i-findings"), "contents match the declaration"),
		chromedp.SetValue(chromedp.CSS("#i-reason"), "X-ray image reviewed"))
	submitted("#record-inspection")
	if got := e.text(t, "#inspections tbody tr:last-child"); !strings.Contains(got, "clear") || !strings.Contains(got, "contents match") {
		t.Errorf("inspection row = %q", got)
	}
	decide("X-ray clear; released", "release")
	if got := e.text(t, "#item-status"); got != "released" {
		t.Errorf("after release the item is %q", got)
	}
	if got := e.text(t, "#decided-banner"); !strings.Contains(got, "Released") || !strings.Contains(got, "were added to the item's timeline") {
		t.Errorf("banner = %q", got)
	}
	view, err = e.cs.Get(ctx, officer, item.ItemID)
	if err != nil || view.Status != customs.StatusReleased || len(view.Audit) != 3 || view.Audit[2].Reason != "X-ray clear; released" {
		t.Errorf("stored item after the decisions: %+v, %v", view.Item.Status, err)
	}
	codes := eval[[]string](t, e, `[...document.querySelectorAll("#events tbody td:first-child")].map(td => td.textContent)`)
	if !slices.Contains(codes, "EDC") && !slices.Contains(codes, "EXC") {
		t.Errorf("tracking events after release: %v", codes)
	}

	// An officer of another office may not decide on Shanghai's items:
	// the console answers 403 and says why.
	held := e.seeded.Customs.Held
	e.signOut(t)
	e.signIn("customs-pek")
	if status := e.open(t, "/console/customs/items/"+held, "error"); status != http.StatusForbidden {
		t.Errorf("a Beijing officer opening a Shanghai item gets %d, want 403", status)
	}
	e.open(t, "/console/customs?office=CNPEKA", "customs")
	status, err := chromedp.Run(e.ctx, chromedp.Evaluate[int](`(() => {
		const f = document.createElement("form");
		f.method = "post"; f.action = "/console/customs/items/`+held+`/decision";
		for (const [k, v] of Object.entries({csrf: document.querySelector('input[name="csrf"]').value, form: "decide", action: "release", reason: "not mine"})) {
			const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; f.appendChild(i);
		}
		document.body.appendChild(f);
		// f.action is the input named action: take the attribute.
		return fetch(f.getAttribute("action"), {method: "POST", body: new URLSearchParams(new FormData(f))}).then(r => r.status);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Errorf("a Beijing officer's decision on a Shanghai item = %d, %v; want 403", status, err)
	}
	e.do(t, chromedp.Submit(chromedp.CSS(`form[action="/console/customs/items/`+held+`/decision"] input`)))
	e.waitPage(t, "error")
	if msg := e.text(t, "main .lead"); !strings.Contains(msg, "outside the offices of your key") {
		t.Errorf("the refused decision shows %q", msg)
	}
	if v, err := e.cs.Get(ctx, auth.Principal{Role: auth.RoleAdmin}, held); err != nil || v.Status != customs.StatusHeld {
		t.Errorf("the Shanghai item is %q after another office's decision, %v", v.Status, err)
	}
}
