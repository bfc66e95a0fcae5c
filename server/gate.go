package server

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
)

// Gate is the handler a node listens with from before its migrations run
// until it has drained: it answers readiness for the phases when the API
// cannot serve, so a load balancer sends requests only to a node that will
// finish them.
//
//   - starting (migrations, building services): /readyz 503 "starting",
//     every other request but /healthz 503 with Retry-After;
//   - serving: everything goes to the handler given to Serve;
//   - unready (after SIGTERM, for --drain-delay): /readyz 503 "draining",
//     everything else still served;
//   - draining (then): /readyz 503 "draining", and a request that
//     arrives now is refused with 503 and Connection: close, while requests
//     already in the handler finish. /healthz stays 200 throughout.
//
// The zero Gate is starting.
type Gate struct {
	h        atomic.Pointer[http.Handler]
	unready  atomic.Bool
	draining atomic.Bool
	// Version is reported by /readyz while not serving.
	Version string
}

// Serve starts sending requests to h.
func (g *Gate) Serve(h http.Handler) { g.h.Store(&h) }

// Unready makes /readyz answer 503 "draining" while every other request is
// still served: the time a load balancer needs to notice and stop sending
// before the node refuses requests (serve --drain-delay).
func (g *Gate) Unready() { g.unready.Store(true) }

// Drain makes the gate refuse every request from now on.
func (g *Gate) Drain() { g.draining.Store(true) }

// Draining reports whether Drain was called.
func (g *Gate) Draining() bool { return g.draining.Load() }

// ServeHTTP implements http.Handler.
func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := g.h.Load()
	if h != nil && !g.draining.Load() && !(g.unready.Load() && r.URL.Path == "/readyz") {
		(*h).ServeHTTP(w, r)
		return
	}
	phase := "starting"
	if g.draining.Load() || g.unready.Load() {
		phase = "draining"
		// The client should not send its next request on this connection.
		w.Header().Set("Connection", "close")
	}
	switch r.URL.Path {
	case "/healthz":
		// Alive in both phases: a liveness probe must not restart a node
		// that is migrating or draining.
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "phase": phase})
	case "/readyz":
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "phase": phase, "version": g.Version})
	default:
		w.Header().Set("Retry-After", "1")
		detail := "The server is starting (running migrations); retry in a moment."
		if phase == "draining" {
			detail = "The server is shutting down; send the request to another node or retry in a moment."
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]any{"title": "Service Unavailable", "status": http.StatusServiceUnavailable, "detail": detail})
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
