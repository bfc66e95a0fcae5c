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
			a, err := o.newApp(cmd.Context(), st, o.logger(), true)
			if err != nil {
				return errors.Join(err, ln.Close())
			}
			return o.serve(cmd.Context(), a, ln, nil)
		},
	}
}

// serve runs the server on ln until ctx ends, then drains requests for up
// to 10 s. ready, if set, is called once the server accepts connections.
func (o *Options) serve(ctx context.Context, a *app.App, ln net.Listener, ready func(url string)) error {
	log := a.Logger
	defer func() {
		if err := a.Close(); err != nil {
			log.Warn("close NATS connection", "err", err)
		}
	}()
	a.LogRules()
	h, err := a.Server(Version, nil)
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	// Tracking's projector, webhook dispatcher and bus persister stop after
	// the HTTP server has drained.
	defer a.Start(ctx)()
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
	log.Info("serving", "url", url, "store", a.Store.Kind(), "version", Version)
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
