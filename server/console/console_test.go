package console

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/sqlstore"
)

func TestEqualEarth(t *testing.T) {
	t.Parallel()
	if x, y := equalEarth(0, 0); x != 0 || y != 0 {
		t.Errorf("equalEarth(0, 0) = %v, %v", x, y)
	}
	// The published bounds of Equal Earth: x ±2.7066, y ±1.3174.
	if math.Abs(eeXMax-2.7066) > 1e-3 || math.Abs(eeYMax-1.3174) > 1e-3 {
		t.Errorf("bounds = %v, %v", eeXMax, eeYMax)
	}
	// Xiamen is east of Duisburg and south of it.
	xx, xy := project(118.13, 24.54)
	dx, dy := project(6.76, 51.43)
	if xx <= dx || xy <= dy {
		t.Errorf("Xiamen at (%v, %v), Duisburg at (%v, %v)", xx, xy, dx, dy)
	}
}

func TestWorldMap(t *testing.T) {
	t.Parallel()
	c := newTestConsole(t)
	m := c.world
	if len(m.Countries) < 170 {
		t.Fatalf("%d countries, want the ~176 of countries-110m without Antarctica", len(m.Countries))
	}
	paths := map[string]string{}
	for _, ct := range m.Countries {
		paths[ct.Code] = ct.Path
		if strings.Contains(ct.Path, "NaN") || strings.Contains(ct.Path, "Inf") {
			t.Errorf("%s has a bad coordinate", ct.Name)
		}
	}
	for _, code := range []string{"CN", "US", "RU", "FR", "BR", "PL"} {
		if len(paths[code]) < 100 {
			t.Errorf("no outline for %s", code)
		}
	}
	if c.countryName(enLoc, "GB") != "United Kingdom" || c.countryName(enLoc, "KR") != "South Korea" || c.countryName(enLoc, "BA") == "Bosnia and Herz." {
		t.Errorf("short names: %q %q %q", c.countryName(enLoc, "GB"), c.countryName(enLoc, "KR"), c.countryName(enLoc, "BA"))
	}
	// Russia crosses the antimeridian: its ring is drawn a second time,
	// shifted, so Chukotka shows at the left edge too.
	if n := strings.Count(paths["RU"], "M"); n < 3 {
		t.Errorf("Russia has %d subpaths", n)
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/console/shipments?merchant=X": "/console/shipments?merchant=X",
		"/console/keys":                 "/console/keys",
		"https://evil.example/console/": "",
		"//evil.example/console/":       "",
		"/v1/keys":                      "",
		"":                              "",
		"/console/../v1/keys":           "",
		"/console/%2e%2e/v1/keys":       "",
		"/console/./keys":               "/console/keys",
		"/console/shipments/":           "/console/shipments/",
		"/console/":                     "",
		`/console/\\evil.example`:       "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// testConsole is the console on a mux over a fresh SQLite store with one
// office, a merchant and keys for three roles.
type testConsole struct {
	*Console
	srv  *httptest.Server
	keys map[string]string
}

func newTestConsole(t *testing.T) *testConsole { t.Helper(); return newTestConsoleWith(t, nil) }

// newTestConsoleWith is newTestConsole with edit adding services over the store to the config.
func newTestConsoleWith(t *testing.T, edit func(st *sqlstore.Store, cfg *Config)) *testConsole {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.PutOffices(ctx, []network.Office{{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1, TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMerchant(ctx, acceptance.Merchant{Code: "ACME", Name: "Acme", Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	tc := &testConsole{keys: map[string]string{}}
	for name, role := range map[string]auth.Role{"admin": auth.RoleAdmin, "merchant": auth.RoleMerchant, "customs": auth.RoleCustoms} {
		merchant := ""
		if role == auth.RoleMerchant {
			merchant = "ACME"
		}
		k, secret, err := auth.NewKey(role, merchant, "", nil, name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		tc.keys[name] = secret
	}
	svc := &acceptance.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN"}
	cfg := Config{Auth: &auth.Service{Store: st, Refs: testRefs{st}}, Merchants: &acceptance.Merchants{Store: st}, Network: &network.Directory{Store: st}, Acceptance: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if edit != nil {
		edit(st, &cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(func(p string, h http.HandlerFunc) { mux.HandleFunc(p, h) })
	tc.Console = c
	tc.srv = httptest.NewServer(mux)
	t.Cleanup(tc.srv.Close)
	return tc
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches path with the given cookies, without following redirects.
func (tc *testConsole) do(t *testing.T, method, path string, form url.Values, cookies []*http.Cookie, headers ...string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, tc.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signIn returns the cookies of a signed-in browser and its form token.
func (tc *testConsole) signIn(t *testing.T, who string) ([]*http.Cookie, string) {
	t.Helper()
	resp, page := tc.do(t, "GET", "/console/signin", nil, nil)
	cookies := resp.Cookies()
	token := csrfInput.FindStringSubmatch(page)[1]
	resp, _ = tc.do(t, "POST", "/console/signin", url.Values{"csrf": {token}, "key": {tc.keys[who]}}, cookies)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d", who, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("session cookie %+v is not Secure, HttpOnly, SameSite=Lax, Path=/", c)
			}
			cookies = append(cookies, c)
		}
	}
	_, page = tc.do(t, "GET", "/console/shipments", nil, cookies)
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form token on the shipments page:\n%s", page)
	}
	return cookies, m[1]
}

func TestSignInCSRF(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	resp, page := tc.do(t, "GET", "/console/signin", nil, nil)
	cookies := resp.Cookies()
	token := csrfInput.FindStringSubmatch(page)[1]
	cases := []struct {
		name    string
		form    url.Values
		cookies []*http.Cookie
		headers []string
		status  int
		says    string
	}{
		{"no token", url.Values{"key": {tc.keys["admin"]}}, cookies, nil, http.StatusForbidden, "security token"},
		{"no cookie", url.Values{"key": {tc.keys["admin"]}, "csrf": {token}}, nil, nil, http.StatusForbidden, "security cookie"},
		{"cross-site", url.Values{"key": {tc.keys["admin"]}, "csrf": {token}}, cookies, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "another site"},
		{"bad key", url.Values{"key": {"ipk_nope"}, "csrf": {token}}, cookies, nil, http.StatusUnauthorized, "unknown or revoked"},
		{"plain http to a public host", url.Values{"key": {tc.keys["admin"]}, "csrf": {token}}, cookies, []string{"Host", "console.example"}, http.StatusBadRequest, "HTTPS"},
		{"ok", url.Values{"key": {tc.keys["admin"]}, "csrf": {token}}, cookies, nil, http.StatusSeeOther, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := tc.do(t, "POST", "/console/signin", c.form, c.cookies, c.headers...)
			if resp.StatusCode != c.status || !strings.Contains(body, c.says) {
				t.Errorf("status %d, want %d saying %q; body:\n%.400s", resp.StatusCode, c.status, c.says, body)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	resp, _ := tc.do(t, "GET", "/console/keys", nil, nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/console/signin?next=%2Fconsole%2Fkeys" {
		t.Errorf("signed out: %d to %q", resp.StatusCode, loc)
	}
	merchant, _ := tc.signIn(t, "merchant")
	for path, want := range map[string]int{"/console/keys": 403, "/console/overview": 403, "/console/shipments": 200, "/console/network": 200} {
		if resp, _ := tc.do(t, "GET", path, nil, merchant); resp.StatusCode != want {
			t.Errorf("merchant %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	customs, _ := tc.signIn(t, "customs")
	if resp, _ := tc.do(t, "GET", "/console/shipments/new", nil, customs); resp.StatusCode != 403 {
		t.Errorf("customs may not create shipments: %d", resp.StatusCode)
	}
	resp, page := tc.do(t, "GET", "/console/shipments", nil, merchant)
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if strings.Contains(page, `href="/console/keys"`) {
		t.Error("a merchant's navigation links to Keys")
	}
}

func TestCreateShipmentForm(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	cookies, token := tc.signIn(t, "merchant")
	form := url.Values{
		"csrf": {token}, "idempotency_key": {strings.Repeat("a", 32)}, "product": {"e-packet"},
		"sender.name": {"Acme"}, "sender.address": {"1 Road"}, "sender.city": {"Xiamen"}, "sender.country": {"CN"},
		"addressee.name": {"Anna Nowak"}, "addressee.address": {"ul. Prosta 5"}, "addressee.city": {"Warszawa"}, "addressee.postcode": {"00-850"}, "addressee.country": {"PL"},
		"weight_g": {"300"}, "dimensions_mm[0]": {"200"}, "dimensions_mm[1]": {"150"}, "dimensions_mm[2]": {"40"},
		"declaration.category": {"sale_of_goods"}, "declaration.currency": {"USD"},
		// Row 0 left empty: row 1 becomes line 0 and its errors say so.
		"declaration.lines[1].description": {"Goods"}, "declaration.lines[1].quantity": {"1"}, "declaration.lines[1].net_weight_g": {"100"},
		"declaration.lines[1].value": {"10"}, "declaration.lines[1].hs_code": {"090230"}, "declaration.lines[1].origin_country": {"CN"},
	}
	resp, page := tc.do(t, "POST", "/console/shipments/new", form, cookies)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-declaration-lines-0-description-err"`) ||
		!strings.Contains(page, "too vague for customs") {
		t.Fatalf("vague description: %d\n%s", resp.StatusCode, page)
	}
	form.Set("declaration.lines[1].description", "Oolong tea, 100 g")
	resp, _ = tc.do(t, "POST", "/console/shipments/new", form, cookies)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/shipments/") {
		t.Fatalf("create = %d to %q", resp.StatusCode, loc)
	}
	// The same form sent twice (a double click) makes one shipment.
	resp, _ = tc.do(t, "POST", "/console/shipments/new", form, cookies)
	if again := resp.Header.Get("Location"); again != loc {
		t.Errorf("second submit went to %q, first to %q", again, loc)
	}
	// Without the token nothing is created.
	form.Del("csrf")
	if resp, _ := tc.do(t, "POST", "/console/shipments/new", form, cookies); resp.StatusCode != http.StatusForbidden {
		t.Errorf("post without token = %d", resp.StatusCode)
	}
}

// testRefs checks key references against st, as internal/app wires it.
type testRefs struct{ st store.Store }

func (r testRefs) CheckMerchant(ctx context.Context, code string) error {
	_, err := r.st.Merchant(ctx, code)
	return err
}

func (r testRefs) CheckOffice(ctx context.Context, code string) error {
	_, err := r.st.Office(ctx, code)
	return err
}

// testNow is the moment the console tests' seeds and services live at.
var testNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// TestFormTooLarge: a form over the console's limit is answered 413 saying
// so — not "security token missing", which is what the cut-off form looked
// like before.
func TestFormTooLarge(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	cookies, token := tc.signIn(t, "admin")
	resp, page := tc.do(t, "POST", "/console/inquiries", url.Values{"csrf": {token}, "item": {strings.Repeat("x", maxFormBytes+10)}}, cookies)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "larger than the console accepts (1 MB)") {
		t.Fatalf("%d\n%.600s", resp.StatusCode, page)
	}
	resp, page = tc.do(t, "POST", "/console/inquiries", url.Values{"csrf": {token}, "item": {strings.Repeat("x", maxFormBytes+10)}}, cookies, "Accept-Language", "zh-CN")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "表单超过控制台允许的大小") {
		t.Fatalf("zh: %d", resp.StatusCode)
	}
}

// TestCreateShipmentLatin: the form takes the Latin forms staff type for a
// non-Latin name or city, derives the rest, and the shipment page says which
// it derived (in the user's language) and shows the Latin forms.
func TestCreateShipmentLatin(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	cookies, token := tc.signIn(t, "merchant")
	if _, page := tc.do(t, "GET", "/console/shipments/new", nil, cookies); !strings.Contains(page, `name="sender.name_latin"`) ||
		!strings.Contains(page, `name="addressee.city_latin"`) {
		t.Fatal("the new-shipment form has no Latin inputs")
	}
	form := url.Values{
		"csrf": {token}, "idempotency_key": {strings.Repeat("b", 32)}, "product": {"e-packet"},
		"sender.name": {"王小明"}, "sender.name_latin": {"WANG Xiaoming"}, "sender.address": {"1 Road"}, "sender.city": {"厦门"}, "sender.country": {"CN"},
		"addressee.name": {"Анна Иванова"}, "addressee.address": {"ул. Тверская 1"}, "addressee.city": {"Москва"}, "addressee.postcode": {"101000"}, "addressee.country": {"RU"},
		"weight_g": {"300"}, "dimensions_mm[0]": {"200"}, "dimensions_mm[1]": {"150"}, "dimensions_mm[2]": {"40"},
		"declaration.category": {"sale_of_goods"}, "declaration.currency": {"USD"},
		"declaration.lines[0].description": {"Oolong tea, 100 g"}, "declaration.lines[0].quantity": {"1"}, "declaration.lines[0].net_weight_g": {"100"},
		"declaration.lines[0].value": {"10"}, "declaration.lines[0].hs_code": {"090230"}, "declaration.lines[0].origin_country": {"CN"},
	}
	resp, page := tc.do(t, "POST", "/console/shipments/new", form, cookies)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create = %d\n%s", resp.StatusCode, page)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	derived := u.Query()["derived"]
	for _, want := range []string{"sender.city_latin", "addressee.name_latin", "addressee.city_latin", "addressee.address_latin"} {
		if !slices.Contains(derived, want) {
			t.Errorf("derived %v lacks %s", derived, want)
		}
	}
	if slices.Contains(derived, "sender.name_latin") {
		t.Errorf("derived %v names the Latin name staff typed", derived)
	}
	_, page = tc.do(t, "GET", loc+"&derived=sender.evil", nil, cookies, "Accept-Language", "zh-CN")
	for _, want := range []string{`id="latin-derived"`, "寄件人 · 城市（拉丁字母）", "WANG Xiaoming", "拉丁字母形式"} {
		if !strings.Contains(page, want) {
			t.Errorf("shipment page lacks %q", want)
		}
	}
	if _, banner, _ := strings.Cut(page, `id="latin-derived"`); strings.Contains(strings.SplitN(banner, "</div>", 2)[0], "evil") {
		t.Error("the banner repeats a field name the form does not have")
	}
}
