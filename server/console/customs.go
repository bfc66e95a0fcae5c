package console

import (
	"cmp"
	"context"
	"fmt"
	"github.com/interpost/interpost/i18n"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// The customs desk: an office's queue and an item's page, where officers
// decide. Everything goes through customs.Service, so the rules are the
// API's: admins and operators read every office, customs keys the offices
// in their scope, and only customs keys of the item's office decide.

var rolesCustoms = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms}

// queueLimit is the most items a queue page lists (the service's maximum).
const queueLimit = 500

// enabled reports whether the capability behind a nav entry runs on this
// node: pages of services the server was not given stay out of the nav.
func (c *Console) enabled(key string) bool {
	switch key {
	case "customs":
		return c.cfg.Customs != nil
	case "warehouses":
		return c.cfg.Warehouse != nil
	case "finance":
		return c.cfg.Accounting != nil
	case "tracking":
		return c.cfg.Tracking != nil
	case "exchange":
		return c.cfg.Dispatch != nil
	case "inward":
		return c.cfg.Inward != nil
	case "routes":
		return c.cfg.Routes != nil
	case "inquiries":
		return c.cfg.Inquiry != nil
	}
	return true
}

func (c *Console) registerCustoms() {
	c.page("GET /console/customs", rolesCustoms, c.requires(c.cfg.Customs != nil, "console.subject.customs", c.customsQueue))
	c.page("GET /console/customs/export", rolesCustoms, c.requires(c.cfg.Customs != nil, "console.subject.customs", c.customsExport))
	c.page("GET /console/customs/items/{id}", rolesCustoms, c.requires(c.cfg.Customs != nil, "console.subject.customs", c.customsItem))
	c.page("POST /console/customs/items/{id}/decision", rolesCustoms, c.requires(c.cfg.Customs != nil, "console.subject.customs", c.customsDecide))
	c.page("GET /console/customs/ceb/matching", rolesCustoms, c.requires(c.cfg.CEBMatch != nil, "console.subject.customs", c.cebMatching))
	c.page("GET /console/customs/ceb/matching/{order}", rolesCustoms, c.requires(c.cfg.CEBMatch != nil, "console.subject.customs", c.cebMatchOrder))
}

// riskBand names the colour of a proposed action, mildest to strongest.
func riskBand(a risk.Action) string {
	switch a {
	case risk.ActionRelease:
		return "low"
	case risk.ActionDocumentCheck:
		return "medium"
	case risk.ActionXray, risk.ActionPhysicalInspection:
		return "high"
	}
	return "severe"
}

// actionLabel is an engine action in words.
func actionLabel(tr *i18n.Localizer, a risk.Action) string { return tr.Code("customs", string(a)) }

// waiting writes minutes as "45 min", "3 h 05 min" or "2 d 4 h".
func waiting(tr *i18n.Localizer, min int) string {
	switch {
	case min < 60:
		return tr.T("console.duration.min", "Min", max(min, 0))
	case min < 48*60:
		return tr.T("console.duration.h_min", "H", min/60, "Min", fmt.Sprintf("%02d", min%60))
	}
	return tr.T("console.duration.d_h", "D", min/(24*60), "H", min%(24*60)/60)
}

type queueOffice struct {
	network.Office
	Pending, Held int
}

// Waiting is the office's queue length for the picker.
func (o queueOffice) Waiting() int { return o.Pending + o.Held }

type queueRow struct {
	customs.QueueEntry
	Rank     int
	Band     string
	Proposed string
	Waiting  string
	Reason   string // the first (strongest) reason
	More     int    // reasons beyond the first
	HoldFor  string // the check a held item waits for, in words
}

type queueSort struct{ Value, Label string }

type customsQueuePage struct {
	Matching         bool // the three-documents matching queue is on this node: link to it
	Offices          []queueOffice
	Office           queueOffice
	Status           string // "", pending or held
	Direction        string // "", import or export: the queue filtered to one direction
	Stream           string // "", postal, express or ecommerce
	Streams          []string
	Q                string // search: prefix of the id or a party's name
	Sort             string // one of customs.QueueSorts
	Sorts            []queueSort
	Total            string // matching entries: "12" or "1,000+"
	ExportCSV        string // URLs of the export of what is filtered
	ExportXLSX       string
	Rows             []queueRow
	HighRisk         int
	Oldest           string
	Full             bool // the office has more items than one page shows
	Officer          bool // the caller decides (customs key)
	Error            string
	AllURL, PendURL  string
	HeldURL, SelfURL string
}

func (c *Console) customsQueue(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	page := customsQueuePage{Status: q.Get("status"), Officer: s.Who.Role == auth.RoleCustoms, Q: strings.TrimSpace(q.Get("q")), Sort: customs.SortPriority,
		Streams: []string{string(customs.StreamPostal), string(customs.StreamExpress), string(customs.StreamEcommerce)}, Matching: c.cfg.CEBMatch != nil}
	if page.Status != string(customs.StatusPending) && page.Status != string(customs.StatusHeld) {
		page.Status = ""
	}
	if d := customs.Direction(q.Get("direction")); d == customs.Import || d == customs.Export {
		page.Direction = string(d)
	}
	if st := customs.Stream(q.Get("stream")); st == customs.StreamPostal || st == customs.StreamExpress || st == customs.StreamEcommerce {
		page.Stream = string(st)
	}
	if so := q.Get("sort"); slices.Contains(customs.QueueSorts, so) {
		page.Sort = so
	}
	for _, so := range []struct{ v, key string }{{customs.SortPriority, "console.customs.sort_priority"}, {"-" + customs.SortDeclared, "console.customs.sort_newest"},
		{customs.SortDeclared, "console.customs.sort_oldest"}, {"-" + customs.SortScore, "console.customs.sort_risk"}} {
		page.Sorts = append(page.Sorts, queueSort{so.v, tr.T(so.key)})
	}
	offices, err := c.queueOffices(ctx, s.Who)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page.Offices = offices
	if len(offices) == 0 {
		c.errorPage(w, r, s, http.StatusForbidden, tr.T("console.customs.no_office_in_scope"))
		return
	}
	want := strings.ToUpper(strings.TrimSpace(q.Get("office")))
	page.Office = offices[0]
	if want != "" {
		i := slices.IndexFunc(offices, func(o queueOffice) bool { return o.Code == want })
		if i < 0 {
			page.Error = tr.T("console.customs.office_not_in_scope", "Office", want, "Shown", page.Office.Code)
		} else {
			page.Office = offices[i]
		}
	}
	res, err := c.cfg.Customs.FindQueue(ctx, s.Who, page.query(queueLimit))
	entries := res.Items
	switch code := postal.ErrorCode(err); {
	case err == nil:
	case code == postal.CodeForbidden || code == postal.CodeInvalid:
		page.Error = userMessage(err)
	default:
		c.internalError(w, r, s, err)
		return
	}
	full := res.NextCursor != ""
	page.Total = tr.Number(float64(res.Total), 0)
	if !res.TotalExact {
		page.Total += "+"
	}
	oldest := -1
	for i, e := range entries {
		row := queueRow{QueueEntry: e, Rank: i + 1, Band: riskBand(e.Action), Proposed: actionLabel(tr, e.Action), Waiting: waiting(tr, e.WaitingMinutes)}
		if e.Hold != "" {
			row.HoldFor = actionLabel(tr, e.Hold)
		}
		if len(e.Reasons) > 0 {
			row.Reason, row.More = e.Reasons[0], len(e.Reasons)-1
		}
		if row.Band == "high" || row.Band == "severe" {
			page.HighRisk++
		}
		oldest = max(oldest, e.WaitingMinutes)
		page.Rows = append(page.Rows, row)
	}
	if oldest >= 0 {
		page.Oldest = waiting(tr, oldest)
	}
	page.Full = full
	link := func(path, status string, more ...string) string {
		v := url.Values{"office": {page.Office.Code}}
		for k, val := range map[string]string{"direction": page.Direction, "stream": page.Stream, "q": page.Q, "status": status} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if page.Sort != customs.SortPriority {
			v.Set("sort", page.Sort)
		}
		for i := 0; i+1 < len(more); i += 2 {
			v.Set(more[i], more[i+1])
		}
		return path + "?" + v.Encode()
	}
	page.AllURL, page.PendURL, page.HeldURL, page.SelfURL = link("/console/customs", ""), link("/console/customs", "pending"), link("/console/customs", "held"), link("/console/customs", page.Status)
	page.ExportCSV = link("/console/customs/export", page.Status, "format", "csv")
	page.ExportXLSX = link("/console/customs/export", page.Status, "format", "xlsx")
	c.render(w, r, http.StatusOK, "customs", s.view("console.title.customs_desk", "customs", page))
}

// query is the page's filter as the customs service takes it.
func (p customsQueuePage) query(limit int) customs.QueueQuery {
	return customs.QueueQuery{Office: p.Office.Code, Status: p.Status, Stream: p.Stream, Direction: p.Direction, Search: p.Q, Sort: p.Sort, Limit: limit}
}

// customsExport serves the filtered queue as CSV or XLSX, as the API's
// export does; the filter's values are the API's.
func (c *Console) customsExport(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	office := strings.ToUpper(strings.TrimSpace(q.Get("office")))
	cq := customs.QueueQuery{Office: office, Status: q.Get("status"), Stream: q.Get("stream"), Direction: q.Get("direction"), Search: q.Get("q"), Sort: q.Get("sort")}
	c.sendExport(w, r, s, "customs-queue-"+office, q.Get("format"), func(write func(header []string, rows func(func([]string) error) error) error) error {
		return c.cfg.Customs.ExportQueue(r.Context(), s.Who, cq, write)
	})
}

// queueOffices lists the customs offices in who's scope with their queue
// lengths: the busiest first, then by code.
func (c *Console) queueOffices(ctx context.Context, who auth.Principal) ([]queueOffice, error) {
	all, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		return nil, err
	}
	var out []queueOffice
	for _, o := range all {
		if !o.Customs || !who.InOffice(o.Code) {
			continue
		}
		qo := queueOffice{Office: o}
		entries, err := c.cfg.Customs.Queue(ctx, who, customs.QueueFilter{Office: o.Code, Limit: queueLimit})
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.Status == customs.StatusHeld {
				qo.Held++
			} else {
				qo.Pending++
			}
		}
		out = append(out, qo)
	}
	slices.SortStableFunc(out, func(a, b queueOffice) int {
		return cmp.Or(cmp.Compare(b.Waiting(), a.Waiting()), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}

// declLine is a declaration line with the rules that fired on it.
type declLine struct {
	customs.Line
	N    int
	Hits []risk.Hit
}

// decideButton is one decision an officer can take with a reason.
type decideButton struct {
	Value, Label, Class string
	Suggested           bool
}

type customsItemPage struct {
	customs.ItemView
	tr        *i18n.Localizer
	Office    network.Office
	Band      string
	Proposed  string
	Lines     []declLine
	ItemHits  []risk.Hit // hits on the whole item
	HitLines  int        // lines with at least one hit
	Buttons   []decideButton
	Checks    []risk.Action
	Officer   bool   // the caller is a customs officer
	CanDecide bool   // … in scope, and the item is not final
	ReadOnly  string // why there are no buttons
	Self      string // the caller's key id
	Claimed   bool   // claimed by someone
	Mine      bool   // claimed by the caller
	Decided   string // banner after a decision
	// DecidedWaiting is set when the decision's tracking events wait in
	// the outbox (the banner says why).
	DecidedWaiting bool
	// Waiting are the item's tracking events not delivered to its timeline
	// yet; WaitingReason is why the last attempt failed ("" when none did).
	Waiting       []string
	WaitingReason string
	Problem       string // a decision's error that names no field
	// CEB are the item's China Customs CEB messages and receipts, oldest first; CEBFlagged counts
	// the receipts a person must look at.
	CEB        []ceb.Record
	CEBFlagged int
	// CEBMatch is the order's three-documents matching state ("" when the order is not in the queue).
	CEBMatch string
	Form     string // the form the errors belong to: decide or inspect
	Values   map[string]string
	Errors   map[string]string
}

// holdChecks are the checks a hold names, mildest first.
var holdChecks = []risk.Action{risk.ActionDocumentCheck, risk.ActionXray, risk.ActionPhysicalInspection}

func (c *Console) customsItemPage(ctx context.Context, tr *i18n.Localizer, s *session, id string) (*customsItemPage, error) {
	v, err := c.cfg.Customs.Get(ctx, s.Who, id)
	if err != nil {
		return nil, err
	}
	d := v.Declaration
	page := &customsItemPage{tr: tr, ItemView: v, Band: riskBand(v.Screening.Action), Proposed: actionLabel(tr, v.Screening.Action),
		Checks: holdChecks, Officer: s.Who.Role == auth.RoleCustoms, Self: s.Who.KeyID,
		Claimed: v.ClaimedBy != "", Mine: v.ClaimedBy != "" && v.ClaimedBy == s.Who.KeyID,
		Values: map[string]string{}, Errors: map[string]string{}}
	page.Office = network.Office{Code: d.Office, Name: d.Office, TZ: "UTC"}
	if o, err := c.cfg.Network.Office(ctx, d.Office); err == nil {
		page.Office = o
	}
	for i, l := range d.Lines {
		page.Lines = append(page.Lines, declLine{Line: l, N: i + 1})
	}
	for _, h := range v.Screening.Hits {
		if h.Line >= 1 && h.Line <= len(page.Lines) {
			page.Lines[h.Line-1].Hits = append(page.Lines[h.Line-1].Hits, h)
		} else {
			page.ItemHits = append(page.ItemHits, h)
		}
	}
	for _, l := range page.Lines {
		if len(l.Hits) > 0 {
			page.HitLines++
		}
	}
	for _, ev := range v.Events {
		if !ev.Delivered() {
			page.Waiting = append(page.Waiting, ev.Code)
			if ev.DeliveryError != "" {
				page.WaitingReason = ev.DeliveryError
			}
		}
	}
	switch {
	case v.Status.Final():
		page.ReadOnly = tr.T("console.customs_item.final", "Status", tr.Code("customs_status", string(v.Status)))
	case !page.Officer:
		page.ReadOnly = tr.T("console.customs_item.not_officer", "Office", d.Office, "Role", tr.Code("role", string(s.Who.Role)))
	case v.ClaimedBy != "" && !page.Mine:
		page.ReadOnly = tr.T("console.customs_item.claimed_by_other", "Officer", v.ClaimedBy)
	default:
		page.CanDecide = true
	}
	if c.cfg.CEB != nil {
		if recs, err := c.cfg.CEB.Messages(ctx, s.Who, id); err == nil {
			page.CEB = recs
			for _, r := range recs {
				if r.Flag != "" {
					page.CEBFlagged++
				}
			}
		}
	}
	if c.cfg.CEBMatch != nil && d.Ecommerce != nil && d.Ecommerce.OrderID != "" {
		if m, err := c.cfg.CEBMatch.Order(ctx, s.Who, d.Ecommerce.OrderID); err == nil {
			page.CEBMatch = m.State
		}
	}
	suggest := v.Screening.Action
	page.Buttons = []decideButton{{Value: "release", Label: tr.Code("decision", "release"), Class: "ok", Suggested: suggest == risk.ActionRelease}}
	for _, ch := range holdChecks {
		if v.Status == customs.StatusHeld && v.Hold == ch {
			continue // already held for it
		}
		page.Buttons = append(page.Buttons, decideButton{Value: "hold:" + string(ch), Label: tr.T("console.customs_item.hold_for", "Check", actionLabel(tr, ch)), Class: "secondary", Suggested: suggest == ch})
	}
	page.Buttons = append(page.Buttons,
		decideButton{Value: "return", Label: tr.Code("decision", "return"), Class: "danger", Suggested: suggest == risk.ActionReturnToSender},
		decideButton{Value: "seize", Label: tr.Code("decision", "seize"), Class: "danger", Suggested: suggest == risk.ActionSeize})
	return page, nil
}

func (c *Console) customsItem(w http.ResponseWriter, r *http.Request, s *session) {
	page, err := c.customsItemPage(r.Context(), c.loc(r), s, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	if r.URL.Query().Get("decided") != "" && len(page.Audit) > 0 {
		page.Decided, page.DecidedWaiting = decidedBanner(c.loc(r), page.Audit[len(page.Audit)-1], page.Events)
	}
	c.render(w, r, http.StatusOK, "customs_item", s.view(page.ID(), "customs", page))
}

// decidedBanner says what the last decision did, and whether its tracking
// events reached the item's timeline (waiting is true when they did not).
// The decision's events are the item's last len(a.Events) events.
func decidedBanner(tr *i18n.Localizer, a customs.AuditEntry, events []customs.Event) (banner string, waiting bool) {
	what := decisionDone(tr, a)
	if len(a.Events) == 0 {
		return tr.T("console.customs_item.done", "What", what), false
	}
	codes := strings.Join(a.Events, ", ")
	for _, ev := range events[max(0, len(events)-len(a.Events)):] {
		if !ev.Delivered() {
			reason := ev.DeliveryError
			if reason == "" {
				reason = tr.T("console.customs_item.not_taken_yet")
			}
			return tr.T("console.customs_item.events_waiting", "What", what, "Codes", codes, "Reason", reason), true
		}
	}
	return tr.T("console.customs_item.events_added", "What", what, "Codes", codes), false
}

// decisionDone names what a decision did.
func decisionDone(tr *i18n.Localizer, a customs.AuditEntry) string {
	var what string
	switch customs.DecisionAction(a.Action) {
	case customs.DecideClaim:
		return tr.T("console.customs_item.done_claim")
	case customs.DecideUnclaim:
		return tr.T("console.customs_item.done_unclaim")
	case customs.DecideHold:
		what = tr.T("console.customs_item.done_hold", "Check", actionLabel(tr, a.Check))
	case customs.DecideInspect:
		what = tr.T("console.customs_item.done_inspect", "Check", actionLabel(tr, a.Check), "Result", a.Result)
	case customs.DecideRelease:
		what = tr.T("console.customs_item.done_release")
	case customs.DecideSeize:
		what = tr.T("console.customs_item.done_seize")
	case customs.DecideReturn:
		what = tr.T("console.customs_item.done_return")
	default:
		what = a.Action
	}
	return what
}

// customsDecide applies a decision posted by the item page's forms and
// shows the item again: after a redirect when it worked, with the error
// beside its field or at the top when it did not.
func (c *Console) customsDecide(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	form := r.PostFormValue("form")
	if form != "inspect" && form != "claim" {
		form = "decide"
	}
	values := map[string]string{}
	for _, f := range []string{"action", "reason", "check", "result", "findings"} {
		values[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	d := customs.Decision{Action: customs.DecisionAction(values["action"]), Reason: values["reason"]}
	if check, ok := strings.CutPrefix(values["action"], "hold:"); ok {
		d.Action, d.Check = customs.DecideHold, risk.Action(check)
	}
	if form == "inspect" {
		d.Action, d.Check, d.Result, d.Findings = customs.DecideInspect, risk.Action(values["check"]), values["result"], values["findings"]
	}
	_, err := c.cfg.Customs.Decide(ctx, s.Who, id, d)
	if err == nil {
		http.Redirect(w, r, "/console/customs/items/"+url.PathEscape(id)+"?decided="+url.QueryEscape(string(d.Action))+"#main", http.StatusSeeOther)
		return
	}
	status, known := statusOf[postal.ErrorCode(err)]
	if !known {
		c.internalError(w, r, s, err)
		return
	}
	page, gerr := c.customsItemPage(ctx, c.loc(r), s, id)
	if gerr != nil {
		// The caller may not even read the item (another office's): the
		// decision's own refusal is the clearer message.
		c.errorPage(w, r, s, status, userMessage(err))
		return
	}
	page.Form, page.Values = form, values
	fields := postal.Fields(err)
	for _, fe := range fields {
		page.Errors[fe.Field] = fe.Message
	}
	if len(fields) == 0 || postal.ErrorCode(err) != postal.CodeInvalid {
		page.Problem = userMessage(err)
	}
	c.render(w, r, status, "customs_item", s.view(page.ID(), "customs", page))
}

// E is the error of a field of form f on the item page.
func (p *customsItemPage) E(form, field string) string {
	if p.Form != form {
		return ""
	}
	return p.Errors[field]
}

// V is what was typed in a field of form f before an error.
func (p *customsItemPage) V(form, field string) string {
	if p.Form != form {
		return ""
	}
	return p.Values[field]
}

// CheckLabel names a check for the templates.
func (p *customsItemPage) CheckLabel(a risk.Action) string { return actionLabel(p.tr, a) }

// At shows a time in the item's office zone.
func (p *customsItemPage) At(t time.Time) string { return localTime(p.tr, t, p.Office.TZ) }
