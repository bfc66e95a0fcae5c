package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
)

// principal returns the authenticated caller of a request.
func principal(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(principalKey).(auth.Principal)
	return p
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// authenticate checks the bearer key of operations that declare roles:
// missing or bad key → 401, a role not in the list → 403.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	roles, _ := ctx.Operation().Metadata["roles"].([]string)
	if len(roles) == 0 {
		next(ctx)
		return
	}
	h := ctx.Header("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="interpost"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "missing API key: send Authorization: Bearer ipk_…")
		return
	}
	p, err := s.cfg.Auth.Authenticate(ctx.Context(), auth.ClientOf(ctx.RemoteAddr()), strings.TrimSpace(secret))
	var throttled *auth.ThrottledError
	if errors.As(err, &throttled) {
		s.throttled(ctx.Context(), "api", ctx.RemoteAddr())
		ctx.SetHeader("Retry-After", strconv.Itoa(retrySeconds(throttled.RetryAfter)))
		_ = huma.WriteErr(s.api, ctx, http.StatusTooManyRequests, throttled.Error())
		return
	}
	if err != nil {
		if postal.ErrorCode(err) == postal.CodeUnauthenticated {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="interpost", error="invalid_token"`)
			_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "the API key is unknown or revoked")
			return
		}
		s.cfg.Logger.ErrorContext(ctx.Context(), "authenticate", "err", err)
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "cannot check the API key right now; retry")
		return
	}
	if !slices.Contains(roles, string(p.Role)) {
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, "role "+string(p.Role)+" may not "+ctx.Operation().Summary+"; allowed: "+joinRoles(roles))
		return
	}
	ctx = huma.WithValue(ctx, principalKey, p)
	if mutating(ctx.Method()) {
		s.audited(ctx, p, next)
		return
	}
	next(ctx)
}

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id, logs it as JSON and records metrics by
// route pattern (never by raw path, so ids don't explode label cardinality).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.observe(route, sw.status, elapsed)
		if r.URL.Path == "/metrics" || r.URL.Path == "/healthz" {
			return
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.cfg.Logger.LogAttrs(ctx, level, "http",
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("elapsed", elapsed))
	})
}

// throttled counts and logs a refused authentication attempt.
func (s *Server) throttled(ctx context.Context, via, remote string) {
	s.metrics.throttled.WithLabelValues(via).Inc()
	s.cfg.Logger.WarnContext(ctx, "authentication throttled", "via", via, "client", auth.ClientOf(remote), "request_id", requestID(ctx))
}

// retrySeconds rounds a wait up to whole seconds for Retry-After.
func retrySeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}
