package server

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

//go:embed web/track.html
var trackHTML string

var trackPage = template.Must(template.New("track").Parse(trackHTML))

// trackView is what the public page shows: statuses, steps, places and
// local times — never the merchant, the addresses or who signed.
type trackView struct {
	ID       string
	Problem  string
	Timeline *tracking.Timeline
	Lane     *struct{ From, To string }
	Steps    []step
	Events   []publicEvent
}

type step struct {
	Label string
	Done  bool
}

type publicEvent struct {
	Time      string
	LocalTime string
	Meaning   string
	Place     string
}

// progressSteps are the milestones drawn on the page, with the chain
// position from which each counts as reached.
var progressSteps = []struct {
	label string
	from  int
}{
	{"Accepted", 10}, {"Left origin", 40}, {"Arrived", 50}, {"Customs cleared", 57}, {"Out for delivery", 80}, {"Delivered", 90},
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
	s.renderTrack(w, r, http.StatusOK, trackView{})
}

func (s *Server) trackItem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v := trackView{ID: id}
	tl, err := s.tracking().PublicTimeline(r.Context(), id)
	switch postal.ErrorCode(err) {
	case "":
		v.ID, v.Timeline = tl.Object, &tl
		s.fillTrackView(&v)
		s.renderTrack(w, r, http.StatusOK, v)
	case postal.CodeInvalid:
		v.Problem = "“" + id + "” is not a valid item number. International item numbers have 13 characters, such as EE123456785CN: two letters, nine digits and the two-letter country code. " +
			"Express and e-commerce parcels are tracked by their waybill or order number, e.g. 1Z84F2W60412945528."
		s.renderTrack(w, r, http.StatusBadRequest, v)
	case postal.CodeNotFound:
		v.Problem = "There is no information about " + id + " yet. Items appear here once the post has received their data or scanned them; please try again later."
		s.renderTrack(w, r, http.StatusNotFound, v)
	default:
		s.cfg.Logger.ErrorContext(r.Context(), "tracking page", "err", err, "request_id", requestID(r.Context()))
		v.Problem = "Tracking is not available right now. Please try again in a few minutes."
		s.renderTrack(w, r, http.StatusServiceUnavailable, v)
	}
}

func (s *Server) fillTrackView(v *trackView) {
	tl := v.Timeline
	if tl.Lane != nil {
		from, _ := postal.CountryName(tl.Lane.Origin)
		to, _ := postal.CountryName(tl.Lane.Dest)
		if from != "" && to != "" {
			v.Lane = &struct{ From, To string }{from, to}
		}
	}
	reached := 0
	for _, e := range tl.Events {
		info, ok := tracking.LookupCode(e.Code)
		if ok && (e.Code == tracking.EMI || !info.Final()) {
			reached = max(reached, info.Position)
		}
	}
	for _, st := range progressSteps {
		v.Steps = append(v.Steps, step{Label: st.label, Done: reached >= st.from})
	}
	for _, e := range slices.Backward(tl.Events) {
		place := e.OfficeName
		if cn, ok := postal.CountryName(e.OfficeCountry); ok {
			place += ", " + cn
		}
		if place == "" {
			place = e.Office
		}
		v.Events = append(v.Events, publicEvent{Time: tracking.FormatTime(e.Time), LocalTime: e.LocalTime, Meaning: e.Meaning, Place: place})
	}
}

func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, status int, v trackView) {
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
	h.Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
