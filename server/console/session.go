package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Console sessions are the API key itself, kept in a cookie the page's
// scripts cannot read (HttpOnly), sent only over HTTPS or loopback (Secure),
// only to this host (__Host- prefix) and not on cross-site subrequests
// (SameSite=Lax). Every request authenticates the key again, so revoking a
// key ends its console sessions at once and several nodes need no shared
// session state.
//
// Forms carry a CSRF token: an HMAC of the session keyed by a random
// per-browser cookie, so a page on another origin can neither read nor
// compute it. On top of that, http.CrossOriginProtection refuses unsafe
// requests that the browser marks as cross-origin (Sec-Fetch-Site, Origin).
const (
	sessionCookie = "__Host-interpost-session"
	csrfCookie    = "__Host-interpost-csrf"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
	sessionMaxAge = 12 * time.Hour
)

// session is the signed-in caller of a console request.
type session struct {
	Who  auth.Principal
	CSRF string // token for this session's forms
}

// csrfSeed returns the browser's CSRF cookie, setting a new one if it has
// none (or a malformed one).
func csrfSeed(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	v := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return v
}

// csrfToken derives the form token for a session ("" before sign-in).
func csrfToken(seed, sessionKey string) string {
	m := hmac.New(sha256.New, []byte(seed))
	m.Write([]byte("interpost console form\x00" + sessionKey))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF reports why an unsafe request is refused, or "" if it may go on.
func (c *Console) checkCSRF(r *http.Request, sessionKey string) string {
	if err := c.cop.Check(r); err != nil {
		return "console.csrf.cross_site"
	}
	seed, err := r.Cookie(csrfCookie)
	if err != nil || seed.Value == "" {
		return "console.csrf.no_cookie"
	}
	got := r.PostFormValue(csrfField)
	if got == "" {
		got = r.Header.Get(csrfHeader)
	}
	want := csrfToken(seed.Value, sessionKey)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return "console.csrf.bad_token"
	}
	return ""
}

// sessionKey returns the API key in the session cookie, or "".
func sessionKey(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

func setSession(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: key, Path: "/", MaxAge: int(sessionMaxAge / time.Second),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

func clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// secureTransport reports whether the browser will keep a Secure cookie
// from this request: HTTPS (directly or behind a proxy that says so) or a
// loopback host, which browsers treat as a secure context.
func secureTransport(r *http.Request) bool {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// safeNext keeps a post-sign-in redirect inside the console.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return ""
	}
	// Clean the path before checking it, so "/console/../v1/keys" (or its
	// %2e%2e spelling, which Parse has decoded) cannot leave the console.
	clean := path.Clean(u.Path)
	if !strings.HasPrefix(clean+"/", "/console/") || clean == "/console" {
		return ""
	}
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	u.Path, u.RawPath = clean, ""
	return u.RequestURI()
}

type signinView struct {
	Next  string
	Error string
}

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	seed := csrfSeed(w, r)
	if p, err := c.authenticate(r); err == nil {
		http.Redirect(w, r, c.home(p), http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "signin", &view{Title: "console.title.signin", CSRF: csrfToken(seed, ""), Page: signinView{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	seed := csrfSeed(w, r)
	fail := func(status int, msg string) {
		c.render(w, r, status, "signin", &view{Title: "console.title.signin", CSRF: csrfToken(seed, ""),
			Page: signinView{Next: safeNext(r.PostFormValue("next")), Error: msg}})
	}
	if why := c.checkCSRF(r, ""); why != "" {
		fail(http.StatusForbidden, c.loc(r).T(why))
		return
	}
	if !secureTransport(r) {
		fail(http.StatusBadRequest, c.loc(r).T("console.signin.need_https"))
		return
	}
	key := strings.TrimSpace(r.PostFormValue("key"))
	p, err := c.cfg.Auth.Authenticate(r.Context(), auth.ClientOf(r.RemoteAddr), key)
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		if c.cfg.Throttled != nil {
			c.cfg.Throttled(r.Context(), r.RemoteAddr)
		}
		w.Header().Set("Retry-After", strconv.Itoa(int((throttled.RetryAfter+time.Second-1)/time.Second)))
		fail(http.StatusTooManyRequests, c.loc(r).T("console.signin.throttled"))
		return
	case postal.ErrorCode(err) == postal.CodeUnauthenticated:
		fail(http.StatusUnauthorized, c.loc(r).T("console.signin.bad_key"))
		return
	case err != nil:
		c.cfg.Logger.ErrorContext(r.Context(), "console sign-in", "err", err, "request_id", c.cfg.RequestID(r.Context()))
		fail(http.StatusServiceUnavailable, c.loc(r).T("console.signin.unavailable"))
		return
	}
	setSession(w, key)
	if p.Language != "" {
		// The key's user chose a language before (perhaps in another browser): it
		// replaces whatever this browser's switcher last said.
		clearLanguage(w, r)
	}
	next := safeNext(r.PostFormValue("next"))
	if next == "" || !c.allowed(p, next) {
		next = c.home(p)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) signout(w http.ResponseWriter, r *http.Request) {
	csrfSeed(w, r)
	if why := c.checkCSRF(r, sessionKey(r)); why != "" {
		c.errorPage(w, r, nil, http.StatusForbidden, c.loc(r).T(why))
		return
	}
	clearSession(w)
	http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
}

// authenticate returns the principal of the request's session cookie.
func (c *Console) authenticate(r *http.Request) (auth.Principal, error) {
	key := sessionKey(r)
	if key == "" {
		return auth.Principal{}, auth.ErrBadKey
	}
	return c.cfg.Auth.Authenticate(r.Context(), auth.ClientOf(r.RemoteAddr), key)
}

// requires guards a page whose service this node may not run: without it
// the page answers 503 saying what is not configured.
func (c *Console) requires(configured bool, subject string, h handler) handler {
	if configured {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		c.errorPage(w, r, s, http.StatusServiceUnavailable, c.loc(r).T("console.error.not_configured", "Subject", c.loc(r).T(subject)))
	}
}

// handler is a console page handler for a signed-in caller.
type handler func(w http.ResponseWriter, r *http.Request, s *session)

// page registers a console page that callers with one of roles may use.
// GET/HEAD render; other methods must carry a valid CSRF token.
func (c *Console) page(pattern string, roles []auth.Role, h handler) {
	c.mux(pattern, func(w http.ResponseWriter, r *http.Request) {
		seed := csrfSeed(w, r)
		p, err := c.authenticate(r)
		if err != nil {
			if postal.ErrorCode(err) != postal.CodeUnauthenticated {
				c.cfg.Logger.ErrorContext(r.Context(), "console authenticate", "err", err, "request_id", c.cfg.RequestID(r.Context()))
				c.errorPage(w, r, nil, http.StatusServiceUnavailable, c.loc(r).T("console.signin.unavailable"))
				return
			}
			if sessionKey(r) != "" {
				clearSession(w) // revoked or unknown: drop it
			}
			if r.Method != http.MethodGet {
				c.errorPage(w, r, nil, http.StatusUnauthorized, c.loc(r).T("console.error.session_ended"))
				return
			}
			http.Redirect(w, r, "/console/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		s := &session{Who: p, CSRF: csrfToken(seed, sessionKey(r))}
		r = withUserLanguage(r, p.Language)
		if !slices.Contains(roles, p.Role) {
			c.errorPage(w, r, s, http.StatusForbidden, c.loc(r).T("console.error.role_forbidden", "Role", c.loc(r).Code("role", string(p.Role))))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if tooLarge(r) {
				// Not a missing security token: the form never arrived whole.
				c.errorPage(w, r, s, http.StatusRequestEntityTooLarge, c.loc(r).T("console.error.too_large", "MB", maxFormBytes>>20))
				return
			}
			if why := c.checkCSRF(r, sessionKey(r)); why != "" {
				c.errorPage(w, r, s, http.StatusForbidden, c.loc(r).T(why))
				return
			}
			if c.cfg.Audit != nil {
				sw := &statusWriter{ResponseWriter: w}
				h(sw, r, s)
				c.cfg.Audit(r, p, sw.code())
				return
			}
		}
		h(w, r, s)
	})
}

// maxFormBytes bounds a console form, files included.
const maxFormBytes = 1 << 20

// tooLarge parses the request's form and reports whether its body went
// over the limit (http.MaxBytesReader); other parse errors are left to the
// handlers, which then find fields missing.
func tooLarge(r *http.Request) bool {
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxFormBytes)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// statusWriter remembers the status a handler answered, for the audit log.
type statusWriter struct {
	http.ResponseWriter
	status int
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
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
