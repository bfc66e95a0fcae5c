package server

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

//go:embed web/track.html
var trackHTML string

var trackPage = template.Must(template.New("track").Parse(trackHTML))

// langCookie keeps the language a reader picked with the page's switcher.
const langCookie = "lang"

// trackView is what the public page shows, already in the reader's
// language: statuses, steps, places and local times — never the merchant,
// the addresses or who signed, and no raw codes.
type trackView struct {
	Lang      string
	T         map[string]string // the page's fixed texts, by id without "track."
	Languages []langLink
	ID        string
	Problem   string
	Notice    string // a confirmation (subscribed, unsubscribed)
	Notify    bool   // offer the e-mail subscription form (an SMTP server is configured)
	Unsub     string // the unsubscribe token to confirm, on the unsubscribe page
	Timeline  *tracking.Timeline
	Status    string
	Transit   string
	Expected  string
	NoEst     string
	Lane      string
	Hold      *holdView
	Steps     []step
	Events    []publicEvent
}

type langLink struct {
	Tag, Name string
	Current   bool
}

type step struct {
	Label string
	Done  bool
}

type publicEvent struct {
	Time   string // RFC 3339, for <time datetime>
	When   string // local, e.g. 24 Nov 09:22 (UTC+8)
	What   string
	Detail string
	Place  string
}

// pageTexts are the fixed texts of track.html (ids under "track.").
var pageTexts = []string{"title", "brand", "item_number", "placeholder", "submit", "languages", "progress", "history",
	"not_scanned", "note", "customs", "next_step", "notify_title", "notify_email", "notify_submit", "unsub_confirm", "unsub_button"}

// progressSteps are the milestones drawn on the page, with the chain
// position from which each counts as reached.
var progressSteps = []struct {
	id   string
	from int
}{
	{"accepted", 10}, {"departed", 40}, {"arrived", 50}, {"cleared", 57}, {"out_for_delivery", 80}, {"delivered", 90},
}

func (s *Server) registerTrackPage() {
	s.plain("GET /track", s.trackForm)
	s.plain("GET /track/{id}", s.trackItem)
}

func (s *Server) trackForm(w http.ResponseWriter, r *http.Request) {
	if id := strings.ToUpper(strings.Join(strings.Fields(r.URL.Query().Get("id")), "")); id != "" {
		http.Redirect(w, r, "/track/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	l := trackLanguage(w, r)
	s.renderTrack(w, r, l, http.StatusOK, newTrackView(l, ""))
}

func (s *Server) trackItem(w http.ResponseWriter, r *http.Request) {
	l := trackLanguage(w, r)
	id := r.PathValue("id")
	v := newTrackView(l, id)
	tl, err := s.tracking().PublicTimeline(r.Context(), id)
	switch postal.ErrorCode(err) {
	case "":
		offices, version := s.officeIndex(r.Context())
		// The page is a function of the timeline, the language, the offices (places, zones),
		// the catalogue and the template: its ETag is computed from them, so a reader who has
		// the page gets 304 before anything is rendered, and every node gives the same tag.
		notify := s.tracking().Buyers != nil
		etag := trackETag(tl, l.Lang(), version, notify)
		w.Header().Set("ETag", etag)
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			trackHeaders(w.Header(), l)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		v.ID, v.Timeline, v.Notify = tl.Object, &tl, notify
		newPublicText(l, offices).fill(&v, tl)
		s.renderTrack(w, r, l, http.StatusOK, v)
	case postal.CodeInvalid:
		v.Problem = l.T("track.problem.invalid", "ID", id)
		s.renderTrack(w, r, l, http.StatusBadRequest, v)
	case postal.CodeNotFound:
		v.Problem = l.T("track.problem.not_found", "ID", id)
		s.renderTrack(w, r, l, http.StatusNotFound, v)
	default:
		s.cfg.Logger.ErrorContext(r.Context(), "tracking page", "err", err, "request_id", requestID(r.Context()))
		v.Problem = l.T("track.problem.unavailable")
		s.renderTrack(w, r, l, http.StatusServiceUnavailable, v)
	}
}

// trackLanguage chooses the page's language: ?lang= (which the switcher
// sets, and which is then kept in a cookie), else the cookie, else
// Accept-Language; anything unknown gives English.
func trackLanguage(w http.ResponseWriter, r *http.Request) *i18n.Localizer {
	cat := i18n.Default()
	choice := ""
	if q := r.URL.Query().Get("lang"); q != "" {
		if tag, ok := cat.Supported(q); ok {
			choice = tag.String()
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: choice, Path: "/track", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		}
	}
	if choice == "" {
		if c, err := r.Cookie(langCookie); err == nil {
			choice = c.Value
		}
	}
	return cat.For(cat.Match(choice, r.Header.Get("Accept-Language")))
}

func newTrackView(l *i18n.Localizer, id string) trackView {
	v := trackView{Lang: l.Lang(), ID: id, T: make(map[string]string, len(pageTexts))}
	for _, k := range pageTexts {
		v.T[k] = l.T("track." + k)
	}
	for _, tag := range i18n.Default().Languages() {
		v.Languages = append(v.Languages, langLink{Tag: tag.String(), Name: i18n.Default().SelfName(tag), Current: tag == l.Tag()})
	}
	return v
}

// officeCache holds the offices by code between network versions: the public page is the
// most-read route, and reading every office per view cost more than the timeline itself.
type officeCache struct {
	mu      sync.Mutex
	checked time.Time // machine clock of the last version check
	version int64
	m       map[string]network.Office
}

// officeRecheck is how often the network version is read again (a change made on any node
// shows on the public page within this time).
const officeRecheck = time.Second

// officeIndex returns the offices by code, for places and time zones, and the network version
// they are from; nil (places fall back to the timeline's names) when the network is unreadable.
func (s *Server) officeIndex(ctx context.Context) (map[string]network.Office, int64) {
	c := &s.offices
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && time.Since(c.checked) < officeRecheck {
		return c.m, c.version
	}
	v, err := s.cfg.Network.Version(ctx)
	if err == nil && c.m != nil && v == c.version {
		c.checked = time.Now()
		return c.m, c.version
	}
	offices, err := s.cfg.Network.Offices(ctx)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "tracking page: offices", "err", err)
		return c.m, -1 // the last known offices, or nil; never a version a page was tagged with
	}
	m := make(map[string]network.Office, len(offices))
	for _, o := range offices {
		m[o.Code] = o
	}
	c.m, c.version, c.checked = m, v, time.Now()
	return m, v
}

// trackPageID identifies what builds the page besides its data: the template and the catalogue.
var trackPageID = func() string {
	h := fnv.New64a()
	h.Write([]byte(trackHTML))
	h.Write([]byte(i18n.Default().Fingerprint()))
	return strconv.FormatUint(h.Sum64(), 36)
}()

// trackETag is the validator of an item's page: a hash of everything the page is made of,
// including whether it offers the e-mail form (nodes with and without an SMTP server give
// different pages).
func trackETag(tl tracking.Timeline, lang string, networkVersion int64, notify bool) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%t\x00", trackPageID, lang, networkVersion, notify)
	_ = json.NewEncoder(h).Encode(tl)
	return `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// trackHeaders are the headers of every public page answer, 304s included.
func trackHeaders(h http.Header, l *i18n.Localizer) {
	h.Set("Content-Language", l.Lang())
	// The language depends on the header and the cookie: shared caches must
	// key on both, and a response that sets the cookie is the reader's own.
	h.Add("Vary", "Accept-Language, Cookie")
	if h.Get("Set-Cookie") != "" {
		h.Set("Cache-Control", "private, max-age=60")
	} else {
		h.Set("Cache-Control", "public, max-age=60")
	}
}

func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, l *i18n.Localizer, status int, v trackView) {
	var buf bytes.Buffer
	if err := trackPage.Execute(&buf, v); err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "render tracking page", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	trackHeaders(h, l)
	if status != http.StatusOK {
		h.Del("ETag")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// etagMatch reports whether an If-None-Match header names etag (or is *), weak or strong.
func etagMatch(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
