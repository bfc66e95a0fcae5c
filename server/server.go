package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/privacy"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/warehouse"
)

// Health is what /readyz asks: does the store answer, and which is it.
type Health interface {
	Ping(ctx context.Context) error
	Kind() string
}

// Config names the services a server adapts to HTTP; internal/app builds
// them once. Every service is required.
type Config struct {
	Health     Health
	Auth       *auth.Service
	Merchants  *acceptance.Merchants
	Network    *network.Directory
	Routes     routing.Planners
	Acceptance *acceptance.Service
	Uploads    *bulk.Service
	Customs    *customs.Service
	// CEB is the post in China Customs' cross-border e-commerce system; nil answers 503 on its routes.
	CEB *ceb.Hall
	// CEBMatch receives platforms' orders and payments and keeps the matching queue.
	CEBMatch   *ceb.Matcher
	Tracking   *tracking.Service
	Dispatch   *dispatch.Service
	Inward     *inward.Service
	Inquiry    *inquiry.Service
	Returns    *returns.Service
	Planner    *alloc.Planner
	Warehouse  *warehouse.Service
	Accounting *accounting.Service
	// Audit records every mutating call; Privacy erases and exports
	// personal data.
	Audit   *audit.Service
	Privacy *privacy.Service
	Logger  *slog.Logger
	Version string
	Now     func() time.Time
	// Registry receives the server's metrics; nil makes a new one.
	Registry *prometheus.Registry
}

// missing names the services cfg lacks.
func (cfg Config) missing() []string {
	var out []string
	for name, nil_ := range map[string]bool{
		"Health": cfg.Health == nil, "Auth": cfg.Auth == nil, "Merchants": cfg.Merchants == nil, "Network": cfg.Network == nil,
		"Routes":     cfg.Routes == nil,
		"Acceptance": cfg.Acceptance == nil, "Uploads": cfg.Uploads == nil, "Customs": cfg.Customs == nil, "Tracking": cfg.Tracking == nil,
		"Dispatch": cfg.Dispatch == nil, "Inward": cfg.Inward == nil, "Inquiry": cfg.Inquiry == nil, "Returns": cfg.Returns == nil, "Planner": cfg.Planner == nil, "Warehouse": cfg.Warehouse == nil, "Accounting": cfg.Accounting == nil,
		"Audit": cfg.Audit == nil, "Privacy": cfg.Privacy == nil,
	} {
		if nil_ {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Server is the HTTP handler of one Interpost node.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	api     huma.API
	metrics *metrics
	routes  []string // "METHOD /path" of every route, for the OpenAPI coverage test
	handler http.Handler
	offices officeCache // the public page's places and zones, per network version
}

// New builds the server and registers every route. A config without one
// of its services is a programming error of the wiring, reported as such.
func New(cfg Config) (*Server, error) {
	if m := cfg.missing(); len(m) > 0 {
		return nil, fmt.Errorf("server config lacks %s (build it with internal/app)", strings.Join(m, ", "))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: newMetrics(cfg.Registry)}
	s.api = humago.New(s.mux, apiConfig(cfg.Version))
	s.api.UseMiddleware(s.authenticate)

	s.plain("GET /healthz", s.healthz)
	s.plain("GET /readyz", s.readyz)
	s.plain("GET /metrics", s.metrics.handler(cfg.Registry).ServeHTTP)
	s.registerMeta()
	s.registerShipments()
	s.registerUploads()
	s.registerBatch()
	s.registerKeys()
	s.registerPreferences()
	s.registerRoutes()
	s.registerWarehouses()
	s.registerCustoms()
	s.registerCustomsLists()
	s.registerCEB()
	s.registerCEBMatching()
	registerCustomsOutbox(cfg.Registry, cfg.Customs, cfg.Logger)
	s.registerTracking()
	s.registerDispatch()
	s.registerInward()
	s.registerInquiries()
	s.registerReturns()
	s.registerAccounting()
	s.registerAudit()
	s.registerPrivacy()

	if err := s.registerConsole(); err != nil {
		return nil, err
	}
	s.handler = s.observe(s.mux)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route as "METHOD /path".
func (s *Server) Routes() []string { return s.routes }

// OpenAPI returns the API description.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

func (s *Server) plain(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
}

func apiConfig(version string) huma.Config {
	cfg := huma.DefaultConfig("Interpost API", version)
	cfg.OpenAPIPath = "/v1/openapi"
	cfg.DocsPath = "" // the docs renderer loads scripts from a CDN; we work offline
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links injected into bodies
	cfg.RejectUnknownQueryParameters = true
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaNamer)
	cfg.Info.Description = "International mail and cross-border e-commerce: acceptance with UPU S10 ids, " +
		"customs, routing, exchange operations, tracking. Errors are RFC 9457 problem details; " +
		"`errors[].location` names each bad field (e.g. `body.addressee.country`)."
	cfg.Servers = []*huma.Server{{URL: "/"}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"apiKey": {Type: "http", Scheme: "bearer", Description: "An Interpost API key (ipk_…) from `interpost keys create`."},
	}
	return cfg
}

// op registers a huma operation under our conventions: roles allowed (none
// = public), and the route recorded for the coverage test.
func register[I, O any](s *Server, op huma.Operation, roles []string, h func(context.Context, *I) (*O, error)) {
	if len(roles) > 0 {
		op.Security = []map[string][]string{{"apiKey": {}}}
		if op.Metadata == nil {
			op.Metadata = map[string]any{}
		}
		op.Metadata["roles"] = roles
		op.Description += "\n\nRoles: " + joinRoles(roles) + "."
		op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	}
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = 1 << 20
	}
	s.routes = append(s.routes, op.Method+" "+op.Path)
	huma.Register(s.api, op, h)
}

func joinRoles(roles []string) string {
	out := ""
	for i, r := range roles {
		if i > 0 {
			out += ", "
		}
		out += r
	}
	return out
}
