package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/store"
)

// defaultDrain is how long a stopping server lets requests in flight finish.
const defaultDrain = 10 * time.Second

func serveCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the HTTP API server",
		Long: `Run the HTTP API on --addr over the store named by --data (SQLite, default) or --db (PostgreSQL).

The port is bound first: while migrations run /readyz answers 503. On SIGTERM or
SIGINT the node drains (docs/operations.md): /readyz answers 503 for --drain-delay
while requests are still served; then the listener closes, a request arriving on an
open connection gets 503, requests in flight finish within --drain; then the
customs outbox, the tracking projector and due webhook deliveries are flushed and
the bus connection is drained and closed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if o.DB != "" {
				if err := store.CheckURL(o.DB); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", o.Addr)
			if err != nil {
				return postal.Errorf(postal.CodeUnavailable, "listen on %s: %w (is another interpost running? use --addr)", o.Addr, err)
			}
			log := o.logger()
			h := o.listenHTTP(ln, log)
			st, err := o.openStore(ctx)
			if err != nil {
				return errors.Join(err, h.srv.Close())
			}
			defer st.Close()
			a, err := o.newApp(ctx, st, log, true)
			if err != nil {
				return errors.Join(err, h.srv.Close())
			}
			return o.serveOn(ctx, a, h, nil)
		},
	}
	drainFlag(cmd, o)
	return cmd
}

// drainFlag adds --drain to a command that serves.
func drainFlag(cmd *cobra.Command, o *Options) {
	def := defaultDrain
	if v, err := time.ParseDuration(envOr("INTERPOST_DRAIN", "")); err == nil {
		def = v
	}
	delay := time.Duration(0)
	if v, err := time.ParseDuration(envOr("INTERPOST_DRAIN_DELAY", "")); err == nil {
		delay = v
	}
	cmd.Flags().DurationVar(&o.DrainDelay, "drain-delay", delay, "on SIGTERM, how long /readyz answers 503 while requests are still served, before the node stops accepting: give it your load balancer's health-check interval (INTERPOST_DRAIN_DELAY)")
	cmd.Flags().DurationVar(&o.Drain, "drain", def, "on SIGTERM, how long requests in flight may take to finish before their connections are closed; then the outboxes are flushed for as long again (INTERPOST_DRAIN)")
}

// httpNode is the listening half of a node: it answers from the moment the
// port is bound (readiness 503 while the store migrates) until it has
// drained.
type httpNode struct {
	srv  *http.Server
	gate *server.Gate
	ln   net.Listener
	errc chan error
}

func (o *Options) listenHTTP(ln net.Listener, log *slog.Logger) *httpNode {
	gate := &server.Gate{Version: Version}
	h := &httpNode{gate: gate, ln: ln, errc: make(chan error, 1), srv: &http.Server{
		Handler:           gate,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
	go func() { h.errc <- h.srv.Serve(ln) }()
	return h
}

// serve runs the server on ln until ctx ends, then drains (serveOn).
// ready, if set, is called once the server accepts connections.
func (o *Options) serve(ctx context.Context, a *app.App, ln net.Listener, ready func(url string)) error {
	return o.serveOn(ctx, a, o.listenHTTP(ln, a.Logger), ready)
}

// serveOn opens the gate of h to the app's API until ctx ends, then stops in
// order: readiness false for --drain-delay while still serving, refuse new
// requests (503) and let those in flight
// finish within --drain, close the listener, stop the background work,
// flush what it would have done next, close the bus.
func (o *Options) serveOn(ctx context.Context, a *app.App, h *httpNode, ready func(url string)) error {
	log := a.Logger
	defer func() {
		if err := a.Close(); err != nil {
			log.Warn("close NATS connection", "err", err)
		}
	}()
	a.LogRules()
	api, err := a.Server(Version, nil)
	if err != nil {
		return errors.Join(err, h.srv.Close())
	}
	stop := a.Start(ctx)
	h.gate.Serve(api)
	url := "http://" + h.ln.Addr().String()
	log.Info("serving", "url", url, "store", a.Store.Kind(), "version", Version)
	if ready != nil {
		ready(url)
	}
	var serveErr error
	select {
	case err := <-h.errc:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	drain := o.Drain
	if drain <= 0 {
		drain = defaultDrain
	}
	started := time.Now()
	if o.DrainDelay > 0 && serveErr == nil {
		h.gate.Unready()
		log.Info("not ready; still serving", "drain_delay", o.DrainDelay.String())
		time.Sleep(o.DrainDelay)
	}
	h.gate.Drain()
	log.Info("draining", "deadline", drain.String())
	shutdown, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := h.srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		// The deadline passed: cut what is still running.
		log.Warn("drain deadline passed; closing connections still in use", "err", err)
		serveErr = errors.Join(serveErr, h.srv.Close())
	}
	stop()
	flush, cancelFlush := context.WithTimeout(context.Background(), drain)
	defer cancelFlush()
	if err := a.Flush(flush); err != nil {
		log.Warn("flush on shutdown", "err", err)
	}
	log.Info("stopped", "drain_ms", time.Since(started).Milliseconds())
	return serveErr
}
