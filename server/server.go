package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/warehouse"
)

// Config wires a server.
type Config struct {
	Store      store.Store
	Acceptance *acceptance.Service
	Logger     *slog.Logger
	Version    string
	Now        func() time.Time
	// Registry receives the server's metrics; nil makes a new one.
	Registry *prometheus.Registry
	// Warehouse runs warehouses and orders; nil builds one over Store and Acceptance.
	Warehouse *warehouse.Service
	// Customs runs customs supervision; nil answers its routes with 503.
	Customs *customs.Service
	// Tracking ingests events and serves timelines, webhooks and reports;
	// nil builds one over Store (no bus, no route-planner estimates).
	Tracking *tracking.Service
	// Dispatch runs exchange operations; nil builds one over Store.
	Dispatch *dispatch.Service
	// Accounting runs tariffs, the ledger, statements and margins; nil
	// builds one over Store (the post's country and rates from Acceptance).
	Accounting *accounting.Service
}

// Server is the HTTP handler of one Interpost node.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	api     huma.API
	metrics *metrics
	routes  []string // "METHOD /path" of every route, for the OpenAPI coverage test
	handler http.Handler
}

// New builds the server and registers every route.
func New(cfg Config) *Server {
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
	s.registerKeys()
	s.registerRoutes()
	s.registerWarehouses()
	s.registerCustoms()
	s.registerTracking()
	s.registerDispatch()
	s.registerAccounting()
	s.registerConsole()

	s.handler = s.observe(s.mux)
	return s
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
		op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden)
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
