package console

import (
	"cmp"
	"github.com/interpost/interpost/i18n"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Tracking: find an item (S10), a receptacle or a dispatch and show its
// timeline with office names and each event's local time, as
// tracking.Service derives it. Merchants see their own items only. The
// public page /track/{id} belongs to the server; we link to it.

var rolesTracking = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RoleMerchant}

// recentLimit is how many items in flight the search page suggests.
const recentLimit = 12

func (c *Console) registerTracking() {
	c.page("GET /console/tracking", rolesTracking, c.requires(c.cfg.Tracking != nil, "console.subject.tracking", c.trackingPage))
	c.page("GET /console/performance", rolesPerformance, c.requires(c.cfg.Tracking != nil, "console.subject.tracking", c.performance))
}

type trackEvent struct {
	tracking.TimelineEvent
	Last bool
	// Unsigned marks a handover of an insured item without a signatory.
	Unsigned bool
}

type inFlight struct {
	tracking.Item
	Office, When, Label string
}

type trackingPage struct {
	Query string
	Error string
	TimelineView
	InFlight []inFlight
	Tabs     []tab
	// MailOn says whether buyers' e-mail notifications are sent (an SMTP
	// server is configured); MailStatuses are the statuses that notify the
	// signed-in merchant's buyers.
	MailOn       bool
	MailStatuses []string
}

// TimelineView is what the "timeline" template shows: an object's timeline
// with its status, progress strip and events newest first.
type TimelineView struct {
	Timeline *tracking.Timeline
	Events   []trackEvent // newest first
	Public   string       // the public page, for items
	Lane     string
	Stages   []stageStep
	Insured  bool // an insured item: unsigned handovers are marked
}

func newTimelineView(tl tracking.Timeline) TimelineView {
	v := TimelineView{Timeline: &tl}
	for i := len(tl.Events) - 1; i >= 0; i-- {
		v.Events = append(v.Events, trackEvent{TimelineEvent: tl.Events[i], Last: i == len(tl.Events)-1})
	}
	if tl.Kind.Shipment() {
		v.Public = "/track/" + url.PathEscape(tl.Object)
		v.Stages = stagesOf(tl.Status)
	}
	if tl.Lane != nil {
		v.Lane = tl.Lane.Origin + " → " + tl.Lane.Dest
	}
	return v
}

// markInsured marks the handovers of an insured item that nobody signed
// for (inquiry.UnsignedHandovers): its delivery and each receipt by another
// post.
func (v *TimelineView) markInsured() {
	evs := v.Timeline.Events
	for _, i := range inquiry.UnsignedHandovers(len(evs), func(i int) (tracking.Code, string, string) {
		return evs[i].Code, evs[i].Office, evs[i].Signatory
	}) {
		v.Events[len(evs)-1-i].Unsigned = true
	}
	v.Insured = true
}

// stageStep is one step of the chain strip above a timeline.
type stageStep struct {
	Label     string
	Done, Now bool
}

// chain is the strip of steps an item goes through, in order.
var chain = []struct {
	Label    string
	Statuses []tracking.Status
}{
	{"console.stage.accepted", []tracking.Status{tracking.StatusCreated, tracking.StatusAccepted}},
	{"console.stage.export", []tracking.Status{tracking.StatusAtOutwardOE, tracking.StatusExportCustomsHeld, tracking.StatusExportCustomsReleased}},
	{"console.stage.in_transit", []tracking.Status{tracking.StatusDeparted, tracking.StatusInTransit}},
	{"console.stage.arrived", []tracking.Status{tracking.StatusArrived}},
	{"console.stage.customs", []tracking.Status{tracking.StatusImportCustomsHeld, tracking.StatusImportCustomsReleased, tracking.StatusSeized}},
	{"console.stage.delivery", []tracking.Status{tracking.StatusInDeliveryNetwork, tracking.StatusAtDeliveryOffice, tracking.StatusOutForDelivery, tracking.StatusAwaitingPickup, tracking.StatusDeliveryAttempted, tracking.StatusReturning}},
	{"console.stage.delivered", []tracking.Status{tracking.StatusDelivered, tracking.StatusReturned}},
}

func (c *Console) trackingPage(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	page := trackingPage{Query: strings.ToUpper(strings.Join(strings.Fields(r.URL.Query().Get("id")), ""))}
	if page.Query != "" {
		tl, err := c.cfg.Tracking.Timeline(ctx, s.Who, page.Query)
		switch code := postal.ErrorCode(err); {
		case err == nil:
			page.TimelineView = newTimelineView(tl)
		case code == postal.CodeInvalid:
			page.Error = userMessage(err)
		case code == postal.CodeNotFound:
			page.Error = tr.T("console.tracking.no_events", "ID", page.Query)
		default:
			c.internalError(w, r, s, err)
			return
		}
	}
	if page.Timeline == nil {
		items, _, err := c.cfg.Tracking.Stuck(ctx, s.Who, nil, "", 0, "", recentLimit)
		if err != nil {
			c.domainError(w, r, s, err)
			return
		}
		offices, err := c.cfg.Network.Offices(ctx)
		if err != nil {
			c.internalError(w, r, s, err)
			return
		}
		byCode := map[string]network.Office{}
		for _, o := range offices {
			byCode[o.Code] = o
		}
		for _, it := range items {
			o := byCode[it.LastOffice]
			f := inFlight{Item: it, Label: tr.Code("status", string(it.Status)), Office: it.LastOffice, When: localTime(tr, it.LastTime, o.TZ)}
			if o.Name != "" {
				f.Office = o.Name
			}
			page.InFlight = append(page.InFlight, f)
		}
	}
	title := "console.title.tracking"
	if page.Timeline != nil {
		title = page.Timeline.Object
	}
	page.Tabs = c.trackTabs(s, "tracking")
	page.MailOn = c.cfg.Tracking.Buyers != nil
	if page.MailOn && s.Who.Role == auth.RoleMerchant {
		sts, err := c.cfg.Tracking.BuyerStatuses(ctx, s.Who, "")
		if err != nil {
			c.domainError(w, r, s, err)
			return
		}
		for _, st := range sts {
			page.MailStatuses = append(page.MailStatuses, tr.Code("status", string(st)))
		}
	}
	c.render(w, r, http.StatusOK, "tracking", s.view(title, "tracking", page))
}

// stagesOf marks the steps an item has passed and the one it is at.
func stagesOf(st tracking.Status) []stageStep {
	at := -1
	for i, step := range chain {
		if slices.Contains(step.Statuses, st) {
			at = i
		}
	}
	out := make([]stageStep, len(chain))
	for i, step := range chain {
		out[i] = stageStep{Label: step.Label, Done: i < at || (i == at && st.Final()), Now: i == at}
	}
	return out
}

// The performance page: the e2e report per lane as charts.

var rolesPerformance = []auth.Role{auth.RoleAdmin, auth.RoleOperator}

// perfWeeks is how far back the performance page looks by default.
const perfWeeks = 8

// perfLane is one lane summed over the report's weeks.
type perfLane struct {
	tracking.Lane
	Key          string
	Volume       int
	Delivered    int
	OnTime       int
	Late         int
	StandardDays int
	Share        float64
	JN           []int
	Bars         []jnBar
	Weeks        []tracking.LaneWeek
}

// jnBar is one bucket of a J+n histogram (SVG units, 0–100 high).
type jnBar struct {
	Label      string
	N          int
	X, H, Y, W float64
	Late       bool // past the lane's standard
}

type perfChart struct {
	Weeks  []string     `json:"weeks"`
	Series []perfSeries `json:"series"`
}

type perfSeries struct {
	Label  string     `json:"label"`
	Values []*float64 `json:"values"` // on-time share in %, null without deliveries
}

type performancePage struct {
	From, To  string
	Error     string
	Lanes     []perfLane
	Lane      *perfLane // the lane the charts show
	All       perfLane  // every lane together
	Chart     perfChart
	Volume    int
	Delivered int
	OnTime    int
	Share     float64
	Late      int
	Tabs      []tab
}

// tab is one entry of a page's sub-navigation.
type tab struct {
	Label, Path string
	Current     bool
}

// trackTabs are the tracking pages a caller may open: the search, the
// performance report for admins and operators, and the inquiries desk.
func (c *Console) trackTabs(s *session, current string) []tab {
	tabs := []tab{{"console.tab.search", "/console/tracking", current == "tracking"}}
	if slices.Contains(rolesPerformance, s.Who.Role) {
		tabs = append(tabs, tab{"console.tab.performance", "/console/performance", current == "performance"})
	}
	if c.cfg.Inquiry != nil && slices.Contains(rolesInquiries, s.Who.Role) {
		tabs = append(tabs, tab{"console.nav.inquiries", "/console/inquiries", current == "inquiries"},
			tab{"console.tab.claims", "/console/claims", current == "claims"})
	}
	return tabs
}

func (c *Console) performance(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	today := c.now().UTC().Truncate(24 * time.Hour)
	to, from := today, today.AddDate(0, 0, -7*perfWeeks+1)
	page := performancePage{}
	if v := q.Get("from"); v != "" {
		if t, err := time.Parse(time.DateOnly, v); err == nil {
			from = t
		} else {
			page.Error = tr.T("console.performance.bad_date", "Value", v) + " "
		}
	}
	if v := q.Get("to"); v != "" {
		if t, err := time.Parse(time.DateOnly, v); err == nil {
			to = t
		} else {
			page.Error += "“" + v + "” is not a date YYYY-MM-DD. "
		}
	}
	page.From, page.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	rep, err := c.cfg.Tracking.E2E(ctx, from, to)
	if err != nil {
		if postal.ErrorCode(err) != postal.CodeInvalid {
			c.internalError(w, r, s, err)
			return
		}
		page.Error += userMessage(err)
	}
	lanes := map[string]*perfLane{}
	weeks := map[string]bool{}
	page.All = perfLane{Key: "", JN: make([]int, tracking.JNBuckets)}
	for _, lw := range rep.Lanes {
		key := lw.Origin + "-" + lw.Dest + "-" + lw.Product
		l := lanes[key]
		if l == nil {
			l = &perfLane{Lane: lw.Lane, Key: key, JN: make([]int, tracking.JNBuckets), StandardDays: lw.StandardDays}
			lanes[key] = l
		}
		weeks[lw.Week] = true
		l.Weeks = append(l.Weeks, lw)
		for _, t := range []*perfLane{l, &page.All} {
			t.Volume += lw.Volume
			t.Delivered += lw.Delivered
			t.OnTime += lw.OnTime
			t.Late += lw.Late
			for i, n := range lw.JN {
				if i < len(t.JN) {
					t.JN[i] += n
				}
			}
		}
	}
	for _, l := range lanes {
		l.finish()
		page.Lanes = append(page.Lanes, *l)
	}
	page.All.finish()
	page.All.Bars = jnBars(page.All.JN, -1)
	slices.SortFunc(page.Lanes, func(a, b perfLane) int {
		return cmp.Or(cmp.Compare(b.Volume, a.Volume), strings.Compare(a.Key, b.Key))
	})
	page.Volume, page.Delivered, page.OnTime, page.Share, page.Late = page.All.Volume, page.All.Delivered, page.All.OnTime, page.All.Share, page.All.Late
	if want := q.Get("lane"); want != "" {
		for i := range page.Lanes {
			if page.Lanes[i].Key == want {
				page.Lane = &page.Lanes[i]
			}
		}
		if page.Lane == nil {
			page.Error += tr.T("console.performance.no_lane", "Lane", want)
		}
	}
	if page.Lane == nil && len(page.Lanes) > 0 {
		page.Lane = &page.Lanes[0]
	}
	page.Chart = perfChartOf(tr, page.Lanes, slices.Sorted(mapsKeys(weeks)))
	page.Tabs = c.trackTabs(s, "performance")
	c.render(w, r, http.StatusOK, "performance", s.view("console.title.performance", "tracking", page))
}

func (l *perfLane) finish() {
	if l.Delivered > 0 {
		l.Share = float64(l.OnTime) / float64(l.Delivered)
	}
	l.Bars = jnBars(l.JN, l.StandardDays)
}

// jnBars lays out a J+n histogram in a 0–100 × 0–100 box; buckets past
// std (when std ≥ 0) are marked late.
func jnBars(jn []int, std int) []jnBar {
	top := 0
	for _, n := range jn {
		top = max(top, n)
	}
	w := 100.0 / float64(len(jn))
	out := make([]jnBar, len(jn))
	for i, n := range jn {
		h := 0.0
		if top > 0 {
			h = float64(n) / float64(top) * 100
		}
		label := "J+" + itoa(i)
		if i == len(jn)-1 {
			label += "+"
		}
		out[i] = jnBar{Label: label, N: n, X: float64(i)*w + w*.12, W: w * .76, H: h, Y: 100 - h, Late: std >= 0 && i > std}
	}
	return out
}

// perfChartOf is the on-time share per week of the five busiest lanes.
func perfChartOf(tr *i18n.Localizer, lanes []perfLane, weeks []string) perfChart {
	ch := perfChart{Weeks: weeks}
	idx := map[string]int{}
	for i, w := range weeks {
		idx[w] = i
	}
	for _, l := range lanes[:min(len(lanes), 5)] {
		s := perfSeries{Label: l.Origin + "→" + l.Dest + " " + tr.Code("product", string(l.Product)), Values: make([]*float64, len(weeks))}
		for _, lw := range l.Weeks {
			if lw.Delivered > 0 {
				v := lw.OnTimeShare * 100
				s.Values[idx[lw.Week]] = &v
			}
		}
		ch.Series = append(ch.Series, s)
	}
	return ch
}

// LaneURL links the page to a lane's charts.
func (p performancePage) LaneURL(key string) string {
	return "/console/performance?" + url.Values{"from": {p.From}, "to": {p.To}, "lane": {key}}.Encode() + "#lane-h"
}
