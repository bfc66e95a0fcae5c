package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/warehouse"
)

//go:embed templates static data
var files embed.FS

// Config is what the console needs from the server.
type Config struct {
	// Auth, Merchants, Network and Acceptance are required.
	Auth       *auth.Service
	Merchants  *acceptance.Merchants
	Network    *network.Directory
	Acceptance *acceptance.Service
	// Routes hands out the route planner of the current network for the
	// route planner page; nil hides it.
	Routes routing.Planners
	// Customs runs the customs desk; nil hides it.
	Customs *customs.Service
	// CEB shows an item's China Customs CEB messages and receipts; nil hides them.
	CEB *ceb.Hall
	// CEBMatch shows the three-documents matching queue; nil hides it.
	CEBMatch *ceb.Matcher
	// Warehouse runs the warehouse pages; nil hides them.
	Warehouse *warehouse.Service
	// Accounting runs the finance page; nil hides it.
	Accounting *accounting.Service
	// Tracking runs the tracking and performance pages; nil hides them.
	Tracking *tracking.Service
	// Dispatch and Planner run the exchange operations page; nil hides it.
	Dispatch *dispatch.Service
	Planner  *alloc.Planner
	// Inward runs the inward desk (receiving partners' dispatches); nil
	// hides it.
	Inward *inward.Service
	// Inquiry runs the inquiries desk; nil hides it.
	Inquiry *inquiry.Service
	// Uploads runs shipment uploads (CSV/XLSX); nil hides the page.
	Uploads *bulk.Service
	Logger  *slog.Logger
	Now     func() time.Time
	// RequestID returns the id the server gave a request, for error pages
	// and logs; nil means none.
	RequestID func(context.Context) string
	// Throttled is told of each refused (throttled) sign-in, for metrics
	// and logs; nil ignores them.
	Throttled func(ctx context.Context, remote string)
	// Audit is told of each form posted by a signed-in caller, after it
	// was answered, for the staff audit log; nil records nothing.
	Audit func(r *http.Request, p auth.Principal, status int)
}

// Who may open what. The navigation shows a caller only the pages its role
// may open, and the pages check the same lists.
var (
	rolesOverview  = []auth.Role{auth.RoleAdmin, auth.RoleOperator}
	rolesShipments = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RoleMerchant}
	rolesCreate    = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleMerchant}
	rolesNetwork   = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RoleMerchant, auth.RolePartner}
	rolesKeys      = []auth.Role{auth.RoleAdmin}
	rolesRoutes    = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RoleMerchant}
)

// navItem is one entry of the top navigation.
type navItem struct {
	Key, Label, Path string
	Roles            []auth.Role
}

// Labels are message ids (console.nav.KEY), translated by the layout.
var navigation = []navItem{
	{"overview", "console.nav.overview", "/console/overview", rolesOverview},
	{"shipments", "console.nav.shipments", "/console/shipments", rolesShipments},
	{"new", "console.nav.new", "/console/shipments/new", rolesCreate},
	{"tracking", "console.nav.tracking", "/console/tracking", rolesTracking},
	{"customs", "console.nav.customs", "/console/customs", rolesCustoms},
	{"exchange", "console.nav.exchange", "/console/exchange", rolesExchange},
	{"inward", "console.nav.inward", "/console/inward", rolesInward},
	{"warehouses", "console.nav.warehouses", "/console/warehouses", rolesWarehouses},
	{"finance", "console.nav.finance", "/console/finance", rolesFinance},
	{"network", "console.nav.network", "/console/network", rolesNetwork},
	{"routes", "console.nav.routes", "/console/routes", rolesRoutes},
	{"keys", "console.nav.keys", "/console/keys", rolesKeys},
}

// languages are the console's languages; the first is the fallback.
var languages = i18n.StaffLanguages

// Console holds the parsed templates and assets.
type Console struct {
	cfg    Config
	mux    func(pattern string, h http.HandlerFunc)
	pages  map[string]map[string]*template.Template // language → page → template, with t bound to the language
	cat    *i18n.Catalog
	locs   map[string]*i18n.Localizer
	static fs.FS
	hashes map[string]string // static file → short content hash, for cache busting
	world  *worldMap
	cop    *http.CrossOriginProtection
}

// view is what every page template gets.
type view struct {
	Name   string // the page's template, marked on <body data-page> for tests and styles
	Title  string // a message id (console.title.…) or a literal such as an item's id
	Lang   string // the page's language, BCP 47
	Langs  []langChoice
	Path   string // the page's address, where the language switcher returns
	Active string // nav key
	Nav    []navItem
	Who    *auth.Principal
	CSRF   string
	Page   any
}

// Register mounts the console's routes with handle (an http.ServeMux's
// HandleFunc, say).
func (c *Console) Register(handle func(pattern string, h http.HandlerFunc)) {
	c.mux = handle
	handle("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusMovedPermanently)
	})
	handle("GET /console/{$}", func(w http.ResponseWriter, r *http.Request) {
		p, err := c.authenticate(r)
		if err != nil {
			http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, c.home(p), http.StatusSeeOther)
	})
	handle("GET /console/static/{file...}", c.serveStatic)
	handle("GET /console/signin", c.signinPage)
	handle("POST /console/signin", c.signin)
	handle("POST /console/signout", c.signout)
	handle("POST /console/language", c.setLanguage)
	c.page("GET /console/overview", rolesOverview, c.overview)
	c.page("GET /console/shipments", rolesShipments, c.shipments)
	c.page("GET /console/shipments/export", rolesShipments, c.shipmentsExport)
	c.page("GET /console/shipments/new", rolesCreate, c.newShipmentForm)
	c.page("POST /console/shipments/new", rolesCreate, c.createShipment)
	c.page("GET /console/shipments/{id}", rolesShipments, c.shipment)
	c.page("GET /console/shipments/{id}/label.pdf", rolesShipments, c.shipmentLabel)
	c.page("GET /console/network", rolesNetwork, c.network)
	c.page("GET /console/network/offices/{code}", rolesNetwork, c.office)
	c.page("GET /console/routes", rolesRoutes, c.requires(c.cfg.Routes != nil, "console.subject.routes", c.routes))
	c.page("GET /console/keys", rolesKeys, c.keys)
	c.page("POST /console/keys", rolesKeys, c.createKey)
	c.page("POST /console/keys/{id}/revoke", rolesKeys, c.revokeKey)
	c.registerCustoms()
	c.registerWarehouses()
	c.registerFinance()
	c.registerUploads()
	c.registerTracking()
	c.registerExchange()
	c.registerInward()
	c.registerInquiries()
	handle("/console/", func(w http.ResponseWriter, r *http.Request) {
		c.errorPage(w, r, nil, http.StatusNotFound, c.loc(r).T("console.error.no_page", "Path", r.URL.Path))
	})
}

// New parses the embedded templates and map data.
func New(cfg Config) (*Console, error) {
	if cfg.Auth == nil || cfg.Merchants == nil || cfg.Network == nil || cfg.Acceptance == nil {
		return nil, errors.New("console config lacks Auth, Merchants, Network or Acceptance")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RequestID == nil {
		cfg.RequestID = func(context.Context) string { return "" }
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, static: static, hashes: map[string]string{}, pages: map[string]map[string]*template.Template{},
		cop: http.NewCrossOriginProtection(), cat: i18n.Default(), locs: map[string]*i18n.Localizer{}}
	err = fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "README.md" {
			return err
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		c.hashes[p] = hex.EncodeToString(sum[:5])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("console assets: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Each language gets its own parsed set, with t, n and the formatting
	// functions bound to it: html/template escapes a set once, on its first
	// execution, so binding per request would re-escape every page.
	for _, tag := range languages {
		l := c.cat.For(tag)
		c.locs[l.Lang()] = l
		pages := map[string]*template.Template{}
		layout, err := template.New("layout.html").Funcs(c.funcs(l)).ParseFS(files, "templates/layout.html", "templates/partials.html")
		if err != nil {
			return nil, fmt.Errorf("console layout: %w", err)
		}
		for _, n := range names {
			name := strings.TrimSuffix(path.Base(n), ".html")
			if name == "layout" || name == "partials" {
				continue
			}
			t, err := template.Must(layout.Clone()).ParseFS(files, n)
			if err != nil {
				return nil, fmt.Errorf("console page %s: %w", name, err)
			}
			pages[name] = t
		}
		c.pages[l.Lang()] = pages
	}
	topo, err := files.ReadFile("data/countries-110m.json")
	if err != nil {
		return nil, err
	}
	codes, err := files.Open("data/iso3166-numeric.csv")
	if err != nil {
		return nil, err
	}
	defer codes.Close()
	numeric, err := readNumericCodes(codes)
	if err != nil {
		return nil, err
	}
	if c.world, err = loadWorldMap(topo, numeric); err != nil {
		return nil, err
	}
	return c, nil
}

// render writes a page inside the layout. Rendering goes to a buffer first
// so a template error becomes a clean 500, not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	l := c.loc(r)
	t, ok := c.pages[l.Lang()][page]
	if !ok {
		panic("console: no template " + page)
	}
	v.Name, v.Lang, v.Path = page, l.Lang(), safeNext(r.URL.RequestURI())
	if r.Method != http.MethodGet {
		v.Path = "" // after a form, the switcher returns to the console's home
	}
	v.Langs = c.langChoices(l)
	if c.cat.Has(v.Title) {
		v.Title = l.T(v.Title)
	}
	if v.Who != nil && v.Nav == nil {
		v.Nav = c.nav(*v.Who)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.cfg.Logger.ErrorContext(r.Context(), "console render", "page", page, "err", err, "request_id", c.cfg.RequestID(r.Context()))
		http.Error(w, l.T("console.error.internal_short"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	setPageSecurityHeaders(h)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// setPageSecurityHeaders allows only the console's own scripts, styles and
// images; inline scripts and styles are refused.
func setPageSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// errorPage renders a problem as a page, with navigation when signed in.
func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	v := &view{Title: "console.error.title", Page: struct {
		Status int
		Text   string
		Msg    string
	}{status, http.StatusText(status), msg}}
	if s != nil {
		v.Who, v.CSRF = &s.Who, s.CSRF
	}
	c.render(w, r, status, "error", v)
}

// internalError logs err and shows a generic error page.
func (c *Console) internalError(w http.ResponseWriter, r *http.Request, s *session, err error) {
	c.cfg.Logger.ErrorContext(r.Context(), "console", "path", r.URL.Path, "err", err, "request_id", c.cfg.RequestID(r.Context()))
	c.errorPage(w, r, s, http.StatusInternalServerError, c.loc(r).T("console.error.internal", "RequestID", c.cfg.RequestID(r.Context())))
}

// nav lists the pages p may open.
func (c *Console) nav(p auth.Principal) []navItem {
	var out []navItem
	for _, n := range navigation {
		if slices.Contains(n.Roles, p.Role) && c.enabled(n.Key) {
			out = append(out, n)
		}
	}
	return out
}

// home is the first page for a role.
func (c *Console) home(p auth.Principal) string {
	if p.Role == auth.RoleCustoms && c.enabled("customs") {
		return "/console/customs" // an officer's day starts at the desk
	}
	if nav := c.nav(p); len(nav) > 0 {
		return nav[0].Path
	}
	return "/console/network"
}

// allowed reports whether p may open path (for redirects after sign-in).
func (c *Console) allowed(p auth.Principal, path string) bool {
	for _, n := range navigation {
		if strings.HasPrefix(path, n.Path) && !slices.Contains(n.Roles, p.Role) {
			return false
		}
	}
	return true
}

// view starts a page view for a signed-in caller.
func (s *session) view(title, active string, page any) *view {
	return &view{Title: title, Active: active, Who: &s.Who, CSRF: s.CSRF, Page: page}
}

// serveStatic serves embedded assets. URLs made by the "static" template
// function carry the content hash, so browsers may keep them for a year.
func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	hash, ok := c.hashes[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, c.static, name)
}

// staticURL names an asset with its content hash.
func (c *Console) staticURL(name string) string {
	return "/console/static/" + name + "?v=" + c.hashes[name]
}

// consoleNow is the server's clock.
func (c *Console) now() time.Time { return c.cfg.Now() }

// statusOf maps domain error codes to HTTP statuses, as the API does.
var statusOf = map[postal.Code]int{
	postal.CodeInvalid:         http.StatusUnprocessableEntity,
	postal.CodeNotFound:        http.StatusNotFound,
	postal.CodeConflict:        http.StatusConflict,
	postal.CodeForbidden:       http.StatusForbidden,
	postal.CodeUnauthenticated: http.StatusUnauthorized,
	postal.CodeUnavailable:     http.StatusServiceUnavailable,
}
