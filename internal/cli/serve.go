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

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/store"
)

func serveCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "run the HTTP API server",
		Long:  "Run the HTTP API on --addr over the store named by --data (SQLite, default) or --db (PostgreSQL).",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := o.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			ln, err := net.Listen("tcp", o.Addr)
			if err != nil {
				return postal.Errorf(postal.CodeUnavailable, "listen on %s: %w (is another interpost running? use --addr)", o.Addr, err)
			}
			return o.serve(cmd.Context(), st, ln, nil)
		},
	}
}

// newServer wires the domain services over st.
func (o *Options) newServer(st store.Store, log *slog.Logger) (*server.Server, error) {
	cs, rates, err := o.customsService(st, log)
	if err != nil {
		return nil, err
	}
	svc := &acceptance.Service{Store: st, Rates: rates, Country: o.Country, Declared: cs.DeclareShipment}
	trk, err := o.trackingService(st, log)
	if err != nil {
		return nil, err
	}
	cs.Events, trk.customs, o.tracking = customsSink(trk.svc), cs, trk
	return server.New(server.Config{Store: st, Acceptance: svc, Logger: log, Version: Version, Warehouse: o.warehouseService(st, svc), Customs: cs, Tracking: trk.svc,
		Dispatch: dispatchService(st, trk.svc)}), nil
}

// serve runs the server on ln until ctx ends, then drains requests for up
// to 10 s. ready, if set, is called once the server accepts connections.
func (o *Options) serve(ctx context.Context, st store.Store, ln net.Listener, ready func(url string)) error {
	log := o.logger()
	h, err := o.newServer(st, log)
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	// Tracking's projector, webhook dispatcher and bus persister stop after
	// the HTTP server has drained.
	defer o.tracking.start(ctx)()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	log.Info("serving", "url", url, "store", st.Kind(), "version", Version)
	if ready != nil {
		ready(url)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	log.Info("stopped")
	return nil
}
