package console

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// The inward desk at our offices of exchange: the dispatches partners
// pre-advised arriving on a day, the scanning station that receives them
// (receptacles, then items out of opened receptacles), the discrepancies
// with their verification notes (CN 43), a whole consignment's scans as a
// file, and the day's handover of what was received. Everything goes
// through inward.Service, as the API does.

var (
	rolesInward    = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms}
	rolesInwardOps = []auth.Role{auth.RoleAdmin, auth.RoleOperator}
)

// inwardLimit is the most dispatches the desk reads for an office.
const inwardLimit = 1000

func (c *Console) registerInward() {
	on := c.cfg.Inward != nil
	c.page("GET /console/inward", rolesInward, c.requires(on, "console.subject.inward", c.inwardDesk))
	c.page("GET /console/inward/dispatches/{id}", rolesInward, c.requires(on, "console.subject.inward", c.inwardStation))
	c.page("GET /console/inward/dispatches/{id}/cn43.pdf", rolesInward, c.requires(on, "console.subject.inward", c.inwardCN43))
	c.page("POST /console/inward/scan", rolesInwardOps, c.requires(on, "console.subject.inward", c.inwardScan))
	c.page("POST /console/inward/dispatches/{id}/close", rolesInwardOps, c.requires(on, "console.subject.inward", c.inwardClose))
	c.page("POST /console/inward/dispatches/{id}/scans", rolesInwardOps, c.requires(on, "console.subject.inward", c.inwardScansFile))
}

type inwardRow struct {
	inward.Dispatch
	Arrives  string // local at the office
	Overdue  bool   // expected, due before the day
	Notes    int    // discrepancies found
	Station  string // the scanning station's address
	Received int    // receptacles received so far
}

type discRow struct {
	inward.Discrepancy
	Kind string // in words
	CN43 string
	// Advised and Found are the evidence in the page's language (they shadow
	// the recorded English ones).
	Advised, Found string
}

func newDiscRow(tr *i18n.Localizer, d inward.Discrepancy, cn43 string) discRow {
	return discRow{Discrepancy: d, Kind: discKind(tr, d.Kind), CN43: cn43,
		Advised: document.Evidence(tr, d.Advised), Found: document.Evidence(tr, d.Found)}
}

type handoverRow struct {
	Dispatch, Receptacle, Item string
	Partner, Contents          string
	Items                      int // for an unopened receptacle: its listed items
	WeightG                    int
	Condition                  string
	Received                   string
	Unopened                   bool
}

type inwardDeskPage struct {
	Offices     []network.Office
	Office      network.Office
	Date        string
	Error       string
	Banner      string
	Problem     string
	Operator    bool
	Rows        []inwardRow
	Expected    int
	Received    int
	NotAdvised  int
	Discs       []discRow
	Handover    []handoverRow
	HandedItems int
	CustomsURL  string
	Uploadable  []inwardRow // expected dispatches a scans file may close
	tr          *i18n.Localizer
}

// Cond names an item's condition in words.
func (p *inwardDeskPage) Cond(c string) string { return p.tr.T("console.inward.condition." + c) }

// inwardOffices are our offices of exchange in who's scope (all of ours
// when the key names none of them).
func (c *Console) inwardOffices(r *http.Request, who auth.Principal) ([]network.Office, error) {
	all, err := c.cfg.Network.Offices(r.Context())
	if err != nil {
		return nil, err
	}
	var ours, scoped []network.Office
	for _, o := range all {
		if (o.Kind == network.KindOE || o.Kind == network.KindIMPC) && o.Country == c.homeCountry() {
			ours = append(ours, o)
			if who.InOffice(o.Code) {
				scoped = append(scoped, o)
			}
		}
	}
	if len(scoped) == 0 && who.Role == auth.RoleAdmin {
		scoped = ours
	}
	slices.SortFunc(scoped, func(a, b network.Office) int { return cmp.Compare(a.Code, b.Code) })
	if len(scoped) == 0 {
		return nil, postal.Errorf(postal.CodeForbidden, "no inward office of exchange is in the scope of this key")
	}
	return scoped, nil
}

func (c *Console) inwardDesk(w http.ResponseWriter, r *http.Request, s *session) {
	page, err := c.inwardDeskPage(r, s)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	c.render(w, r, http.StatusOK, "inward", s.view("console.title.inward_desk", "inward", page))
}

func (c *Console) inwardDeskPage(r *http.Request, s *session) (*inwardDeskPage, error) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	page := &inwardDeskPage{Operator: s.Who.Is(rolesInwardOps...), tr: tr}
	var err error
	if page.Offices, err = c.inwardOffices(r, s.Who); err != nil {
		return nil, err
	}
	page.Office = page.Offices[0]
	if want := strings.ToUpper(strings.TrimSpace(q.Get("office"))); want != "" {
		if i := slices.IndexFunc(page.Offices, func(o network.Office) bool { return o.Code == want }); i >= 0 {
			page.Office = page.Offices[i]
		} else {
			page.Error = tr.T("console.inward.office_not_in_scope", "Office", want, "Shown", page.Office.Code)
		}
	}
	zone := loadZone(page.Office.TZ)
	day := c.now().In(zone)
	if d, err := time.ParseInLocation("2006-01-02", q.Get("date"), zone); err == nil {
		day = d
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, zone)
	end := start.AddDate(0, 0, 1)
	page.Date = start.Format("2006-01-02")
	ds, err := c.cfg.Inward.Dispatches(ctx, s.Who, inward.DispatchFilter{Destination: page.Office.Code, Limit: inwardLimit})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		due := d.Arrival
		if due.IsZero() {
			due = d.AdvisedAt
		}
		overdue := d.Status == inward.StatusExpected && due.Before(start) && !start.After(c.now())
		if (due.Before(start) || !due.Before(end)) && !overdue {
			continue
		}
		row := inwardRow{Dispatch: d, Arrives: localTime(tr, due, page.Office.TZ), Overdue: overdue,
			Station: "/console/inward/dispatches/" + url.PathEscape(d.ID)}
		if d.Status == inward.StatusExpected {
			page.Expected++
			page.Uploadable = append(page.Uploadable, row)
		} else {
			page.Received++
		}
		page.Rows = append(page.Rows, row)
	}
	for i := range page.Rows {
		row := &page.Rows[i]
		if row.Status == inward.StatusExpected {
			continue
		}
		det, err := c.cfg.Inward.Dispatch(ctx, s.Who, row.ID)
		if err != nil {
			return nil, err
		}
		n, err := c.cfg.Inward.Note(ctx, s.Who, row.ID)
		if err != nil && postal.ErrorCode(err) != postal.CodeNotFound {
			return nil, err
		}
		row.Notes = len(n.Discrepancies)
		for _, d := range n.Discrepancies {
			if d.Kind == inward.NotAdvisedReceptacle {
				page.NotAdvised++
			}
			page.Discs = append(page.Discs, newDiscRow(tr, d, row.Station+"/cn43.pdf"))
		}
		page.Handover = append(page.Handover, handover(tr, det, page.Office.TZ)...)
	}
	for _, h := range page.Handover {
		page.HandedItems += max(h.Items, 1)
	}
	if c.cfg.Customs != nil {
		page.CustomsURL = "/console/customs?" + url.Values{"office": {page.Office.Code}, "direction": {"import"}}.Encode()
	}
	switch q.Get("done") {
	case "scans":
		page.Banner = tr.T("console.inward.scans_applied", "Dispatch", q.Get("dispatch"), "Scans", q.Get("n"), "Discrepancies", q.Get("disc"))
	}
	return page, nil
}

// handover lists what a received dispatch hands on: the items scanned out
// of opened receptacles, and the receptacles sent on unopened.
func handover(tr *i18n.Localizer, d inward.Detail, tz string) []handoverRow {
	contents := map[string]string{}
	for _, it := range d.Items {
		contents[it.Item] = it.Contents
	}
	var out []handoverRow
	for _, r := range d.Receptacles {
		if r.Status != inward.StatusReceived {
			continue
		}
		if r.OpenedAt.IsZero() {
			out = append(out, handoverRow{Dispatch: d.Dispatch.ID, Receptacle: r.ID, Partner: d.Dispatch.Partner, Items: r.Items,
				WeightG: r.ReceivedWeightG, Received: localTime(tr, r.ReceivedAt, tz), Unopened: true})
			continue
		}
		for _, it := range d.Items {
			if it.Receptacle != r.ID || it.Status != inward.StatusReceived {
				continue
			}
			out = append(out, handoverRow{Dispatch: d.Dispatch.ID, Receptacle: r.ID, Item: it.Item, Partner: d.Dispatch.Partner,
				Contents: contents[it.Item], WeightG: it.WeightG, Condition: it.Condition, Received: localTime(tr, it.ReceivedAt, tz)})
		}
	}
	return out
}

// discKind names a discrepancy kind in words.
func discKind(tr *i18n.Localizer, k inward.DiscrepancyKind) string {
	return tr.T("console.inward.kind." + string(k))
}

type stationPage struct {
	Detail      inward.Detail
	Office      network.Office
	Arrives     string
	Operator    bool
	Open        bool // the dispatch is still being received
	Receptacles []stationReceptacle
	Items       []stationItem
	Discs       []discRow
	CN43        string
	Banner      string
	Problem     string
	Back        string
	Flags       []flagChoice
}

type flagChoice struct{ Value, Label string }

type stationReceptacle struct {
	inward.Receptacle
	Received string
	Opened   bool
	State    string // status in words
}

type stationItem struct {
	inward.Item
	State string
}

func (c *Console) inwardStation(w http.ResponseWriter, r *http.Request, s *session) {
	page, err := c.stationPage(r, s, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "closed":
		page.Banner = c.loc(r).T("console.inward.closed", "Dispatch", page.Detail.Dispatch.ID, "N", len(page.Discs))
	}
	c.render(w, r, http.StatusOK, "inward_station", s.view(page.Detail.Dispatch.ID, "inward", page))
}

func (c *Console) stationPage(r *http.Request, s *session, id string) (*stationPage, error) {
	tr := c.loc(r)
	ctx := r.Context()
	det, err := c.cfg.Inward.Dispatch(ctx, s.Who, id)
	if err != nil {
		return nil, err
	}
	page := &stationPage{Detail: det, Operator: s.Who.Is(rolesInwardOps...), Open: det.Dispatch.Status == inward.StatusExpected}
	for _, f := range inward.Flags {
		page.Flags = append(page.Flags, flagChoice{f, tr.T("console.inward.flag." + f)})
	}
	for _, it := range det.Items {
		page.Items = append(page.Items, stationItem{Item: it, State: tr.T("console.inward.status." + string(it.Status))})
	}
	if o, err := c.cfg.Network.Office(ctx, det.Dispatch.Destination); err == nil {
		page.Office = o
	} else {
		page.Office = network.Office{Code: det.Dispatch.Destination}
	}
	page.Back = "/console/inward?" + url.Values{"office": {page.Office.Code}}.Encode()
	if !det.Dispatch.Arrival.IsZero() {
		page.Arrives = localTime(tr, det.Dispatch.Arrival, page.Office.TZ)
		page.Back += "&date=" + det.Dispatch.Arrival.In(loadZone(page.Office.TZ)).Format("2006-01-02")
	}
	for _, rc := range det.Receptacles {
		sr := stationReceptacle{Receptacle: rc, Opened: !rc.OpenedAt.IsZero(), State: tr.T("console.inward.status." + string(rc.Status))}
		if sr.Opened {
			sr.State = tr.T("console.inward.status.opened")
		}
		if !rc.ReceivedAt.IsZero() {
			sr.Received = localTime(tr, rc.ReceivedAt, page.Office.TZ)
		}
		page.Receptacles = append(page.Receptacles, sr)
	}
	if !page.Open {
		n, err := c.cfg.Inward.Note(ctx, s.Who, id)
		if err != nil && postal.ErrorCode(err) != postal.CodeNotFound {
			return nil, err
		}
		for _, d := range n.Discrepancies {
			page.Discs = append(page.Discs, newDiscRow(tr, d, ""))
		}
		if len(page.Discs) > 0 {
			page.CN43 = "/console/inward/dispatches/" + url.PathEscape(det.Dispatch.ID) + "/cn43.pdf"
		}
	}
	return page, nil
}

// scanAnswer is the scanning station's answer to one scan (JSON).
type scanAnswer struct {
	Result  string   `json:"result"` // ok, discrepancy, repeated, error
	Action  string   `json:"action"` // receptacle, open, item
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Lines   []string `json:"lines"`
	Open    string   `json:"open"`   // the receptacle open for item scans
	Status  string   `json:"status"` // the scanned object's status, in words
	Listed  []string `json:"listed"` // items listed for a receptacle just opened
}

// inwardScan answers one scan at the station: an S9 receives a receptacle
// (scanned again, it is opened); an S10 receives an item out of the open
// receptacle. The answer is JSON for the page's script; errors are
// answers too (result "error"), so the station can say what is wrong.
func (c *Console) inwardScan(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	code := strings.ToUpper(strings.Join(strings.Fields(r.PostFormValue("code")), ""))
	open := strings.ToUpper(strings.TrimSpace(r.PostFormValue("open")))
	dispatch := strings.TrimSpace(r.PostFormValue("dispatch"))
	ans := scanAnswer{Code: code, Open: open, Lines: []string{}, Listed: []string{}}
	fail := func(msg string) {
		ans.Result, ans.Message = "error", msg
		writeJSON(w, http.StatusOK, ans)
	}
	weight := 0
	if v := strings.TrimSpace(r.PostFormValue("weight_g")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fail(tr.T("console.inward.bad_weight", "Value", postal.Quote(v)))
			return
		}
		weight = n
	}
	var res inward.ScanResult
	var err error
	switch {
	case code == "":
		fail(tr.T("console.inward.nothing_scanned"))
		return
	case len(code) == 29:
		rid, perr := postal.ParseReceptacleID(code)
		if perr != nil {
			fail(tr.T("console.inward.not_a_code", "Code", postal.Quote(code), "Reason", perr.Error()))
			return
		}
		if dispatch != "" && rid.Dispatch.String() != dispatch {
			fail(tr.T("console.inward.other_dispatch", "Code", code, "Dispatch", dispatch))
			return
		}
		ans.Action = "receptacle"
		res, err = c.cfg.Inward.ScanReceptacle(ctx, s.Who, inward.ReceptacleScan{Receptacle: code, WeightG: weight, Flags: r.PostForm["flags"]})
		if err == nil && res.Repeated {
			// Scanned again: open it for its items.
			rc, items, oerr := c.cfg.Inward.OpenReceptacle(ctx, s.Who, code)
			if oerr != nil {
				err = oerr
				break
			}
			ans.Action, ans.Result, ans.Open = "open", "ok", rc.ID
			for _, it := range items {
				ans.Listed = append(ans.Listed, it.Item)
			}
			ans.Status = tr.T("console.inward.status.opened")
			ans.Message = tr.T("console.inward.opened", "Code", rc.ID, "N", len(items))
			writeJSON(w, http.StatusOK, ans)
			return
		}
	default:
		if _, perr := postal.ParseS10(code); perr != nil {
			fail(tr.T("console.inward.not_a_code", "Code", postal.Quote(code), "Reason", perr.Error()))
			return
		}
		if open == "" {
			fail(tr.T("console.inward.open_first", "Code", code))
			return
		}
		ans.Action = "item"
		res, err = c.cfg.Inward.ScanItem(ctx, s.Who, inward.ItemScan{Item: code, Receptacle: open, Condition: r.PostFormValue("condition"), WeightG: weight})
	}
	if err != nil {
		if _, known := statusOf[postal.ErrorCode(err)]; !known {
			c.cfg.Logger.ErrorContext(ctx, "console inward scan", "code", code, "err", err, "request_id", c.cfg.RequestID(ctx))
			fail(tr.T("console.error.internal", "RequestID", c.cfg.RequestID(ctx)))
			return
		}
		fail(userMessage(err))
		return
	}
	ans.Status = tr.T("console.inward.status." + string(res.Receptacle.Status))
	if res.Item != nil {
		ans.Status = tr.T("console.inward.status." + string(res.Item.Status))
	}
	switch {
	case res.Repeated:
		ans.Result, ans.Message = "repeated", tr.T("console.inward.repeated", "Code", code)
	case res.OK():
		ans.Result, ans.Message = "ok", tr.T("console.inward.ok_"+ans.Action, "Code", code)
	default:
		ans.Result, ans.Message = "discrepancy", tr.N("console.inward.discrepancy", len(res.Discrepancies), "Code", code)
	}
	for _, d := range res.Discrepancies {
		ans.Lines = append(ans.Lines, discKind(tr, d.Kind)+": "+document.Evidence(tr, d.Found))
	}
	writeJSON(w, http.StatusOK, ans)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// inwardClose ends a dispatch's verification and shows its note.
func (c *Console) inwardClose(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	if _, err := c.cfg.Inward.Close(r.Context(), s.Who, id); err != nil {
		c.stationProblem(w, r, s, id, err)
		return
	}
	http.Redirect(w, r, "/console/inward/dispatches/"+url.PathEscape(id)+"?done=closed", http.StatusSeeOther)
}

// stationProblem shows the station again with a domain error.
func (c *Console) stationProblem(w http.ResponseWriter, r *http.Request, s *session, id string, err error) {
	status, known := statusOf[postal.ErrorCode(err)]
	if !known {
		c.internalError(w, r, s, err)
		return
	}
	page, perr := c.stationPage(r, s, id)
	if perr != nil {
		c.errorPage(w, r, s, status, userMessage(err))
		return
	}
	page.Problem = userMessage(err)
	c.render(w, r, status, "inward_station", s.view(id, "inward", page))
}

// maxScansFile bounds an uploaded scans file (the console's form limit).
const maxScansFile = 1 << 20

// inwardScansFile applies a consignment's scans file (docs/formats.md
// "Inward scans CSV") to a dispatch and closes it.
func (c *Console) inwardScansFile(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	id := r.PathValue("id")
	if v := r.PostFormValue("dispatch"); v != "" {
		id = v
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		c.stationProblem(w, r, s, id, postal.Errorf(postal.CodeInvalid, "%s", tr.T("console.inward.no_file")))
		return
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxScansFile+1))
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	if len(body) > maxScansFile {
		c.stationProblem(w, r, s, id, postal.Errorf(postal.CodeInvalid, "%s", tr.T("console.inward.file_too_big")))
		return
	}
	scans, err := inward.ParseScans(bytes.NewReader(body))
	if err == nil {
		var res inward.BulkResult
		res, err = c.cfg.Inward.ApplyScans(r.Context(), s.Who, id, scans)
		if err == nil {
			v := url.Values{"done": {"closed"}, "n": {strconv.Itoa(res.Scans)}}
			http.Redirect(w, r, "/console/inward/dispatches/"+url.PathEscape(id)+"?"+v.Encode(), http.StatusSeeOther)
			return
		}
	}
	c.stationProblem(w, r, s, id, err)
}

// inwardCN43 sends a closed dispatch's verification note as PDF.
func (c *Console) inwardCN43(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.cfg.Inward.VerificationNote(r.Context(), s.Who, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	if len(v.Note.Discrepancies) == 0 {
		c.errorPage(w, r, s, http.StatusNotFound, c.loc(r).T("console.inward.no_cn43", "Dispatch", v.Note.Dispatch))
		return
	}
	var buf bytes.Buffer
	if err := document.WriteVerificationNote(&buf, document.NoteFor(v, c.loc(r))); err != nil {
		c.internalError(w, r, s, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="CN43-`+v.Note.Number+`.pdf"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}
