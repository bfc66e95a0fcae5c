package console

import (
	"bytes"
	"cmp"
	"github.com/interpost/interpost/i18n"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Exchange operations at an office of exchange: open dispatches and
// receptacles (closing a receptacle is the page's action), the day's
// departure board with the kg the plan allocates against capacity, the
// plan-day table per lane, and the consignments with their delivery bills
// (CN 38, CN 41, CN 37). Everything goes through dispatch.Service and the
// planner the API uses.

var (
	rolesExchange = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms}
	rolesExchOps  = []auth.Role{auth.RoleAdmin, auth.RoleOperator}
)

// dispatchLimit is the most dispatches the page lists per status.
const dispatchLimit = 200

func (c *Console) registerExchange() {
	c.page("GET /console/exchange", rolesExchange, c.requires(c.cfg.Dispatch != nil && c.cfg.Planner != nil, "console.subject.exchange", c.exchange))
	c.page("POST /console/exchange/receptacles/{ref}/close", rolesExchOps, c.requires(c.cfg.Dispatch != nil && c.cfg.Planner != nil, "console.subject.exchange", c.closeReceptacle))
	c.page("GET /console/exchange/consignments/{id}/{file}", rolesExchange, c.requires(c.cfg.Dispatch != nil && c.cfg.Planner != nil, "console.subject.exchange", c.billFile))
	c.registerDispatches()
}

type openDispatch struct {
	dispatch.Dispatch
	Opened string
	Open   []dispatch.Receptacle // its open receptacles
}

type boardRow struct {
	alloc.Departure
	Departs, Arrives string
	Used             float64 // (consigned + allocated) / capacity, for the bar (≤ 1)
	Over             bool
	Consigned, Alloc float64 // bar parts, 0–1
}

type consignRow struct {
	dispatch.Consignment
	Departs  string
	PDF, CSV string
}

type exchangePage struct {
	Offices    []network.Office
	Office     network.Office
	Date       string
	Error      string
	PlanError  string
	Closed     string // banner after closing a receptacle
	Problem    string
	Operator   bool
	Dispatches []openDispatch
	OpenCount  int
	Board      []boardRow
	Lanes      []alloc.Lane
	Totals     alloc.Totals
	Source     string
	Consigned  []consignRow
}

func (c *Console) exchange(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	page, err := c.exchangePage(r, s)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	if ref := r.URL.Query().Get("closed"); ref != "" {
		page.Closed = tr.T("console.exchange.closed", "Ref", ref)
	}
	c.render(w, r, http.StatusOK, "exchange", s.view("console.title.exchange_operations", "exchange", page))
}

func (c *Console) exchangePage(r *http.Request, s *session) (*exchangePage, error) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	page := &exchangePage{Operator: s.Who.Is(rolesExchOps...)}
	all, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if (o.Kind == network.KindOE || o.Kind == network.KindIMPC) && o.Country == c.homeCountry() && s.Who.InOffice(o.Code) {
			page.Offices = append(page.Offices, o)
		}
	}
	if len(page.Offices) == 0 {
		for _, o := range all {
			if o.Kind == network.KindOE || o.Kind == network.KindIMPC {
				page.Offices = append(page.Offices, o)
			}
		}
	}
	slices.SortFunc(page.Offices, func(a, b network.Office) int { return cmp.Compare(a.Code, b.Code) })
	if len(page.Offices) == 0 {
		return nil, postal.Errorf(postal.CodeNotFound, "no office of exchange in the network")
	}
	page.Office = page.Offices[0]
	if want := strings.ToUpper(strings.TrimSpace(q.Get("office"))); want != "" {
		i := slices.IndexFunc(page.Offices, func(o network.Office) bool { return o.Code == want })
		if i < 0 {
			page.Error = tr.T("console.exchange.not_oe", "Office", want, "Shown", page.Office.Code)
		} else {
			page.Office = page.Offices[i]
		}
	}
	loc := loadZone(page.Office.TZ)
	day := civil.DateOf(c.now().In(loc))
	if v := q.Get("date"); v != "" {
		if d, err := civil.ParseDate(v); err == nil && !d.IsZero() {
			day = d
		} else {
			page.Error += " “" + v + "” is not a date YYYY-MM-DD; showing " + day.String() + "."
		}
	}
	page.Date = day.String()

	// Open dispatches with their open receptacles.
	ds, err := c.cfg.Dispatch.Dispatches(ctx, dispatch.DispatchFilter{Origin: page.Office.Code, Status: dispatch.StatusOpen, Limit: dispatchLimit})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		v, err := c.cfg.Dispatch.View(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		od := openDispatch{Dispatch: d, Opened: localTime(tr, d.OpenedAt, page.Office.TZ)}
		for _, rc := range v.ReceptacleList {
			if rc.Status == dispatch.StatusOpen {
				od.Open = append(od.Open, rc)
				page.OpenCount++
			}
		}
		page.Dispatches = append(page.Dispatches, od)
	}

	// The departure board: the day's plan over the stored network.
	plan, err := c.cfg.Planner.PlanDay(ctx, alloc.DayRequest{Date: page.Date})
	if err != nil {
		if _, known := statusOf[postal.ErrorCode(err)]; !known {
			return nil, err
		}
		page.PlanError = userMessage(err)
	}
	page.Source, page.Totals = plan.Source, plan.Totals
	for _, dep := range plan.Departures {
		if dep.From != page.Office.Code {
			continue
		}
		row := boardRow{Departure: dep, Departs: localTime(tr, dep.Departs, page.Office.TZ), Arrives: dep.Arrives.UTC().Format("2 Jan 15:04 MST")}
		if dep.CapacityKg > 0 {
			row.Consigned = min(dep.ConsignedKg/dep.CapacityKg, 1)
			row.Alloc = min(dep.AllocatedKg/dep.CapacityKg, 1-row.Consigned)
		}
		row.Over = dep.Utilisation > 1
		row.Used = min(dep.Utilisation, 1)
		page.Board = append(page.Board, row)
	}
	for _, l := range plan.Lanes {
		if l.Origin == page.Office.Code {
			page.Lanes = append(page.Lanes, l)
		}
	}
	slices.SortStableFunc(page.Lanes, func(a, b alloc.Lane) int { return cmp.Compare(b.Kg, a.Kg) })

	// Consignments of the day with their delivery bills.
	from := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, loc)
	cs, err := c.cfg.Dispatch.Consignments(ctx, page.Office.Code, from, from.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	for _, cn := range cs {
		base := "/console/exchange/consignments/" + url.PathEscape(cn.ID) + "/"
		page.Consigned = append(page.Consigned, consignRow{Consignment: cn, Departs: localTime(tr, cn.Departure, page.Office.TZ), PDF: base + "bill.pdf", CSV: base + "bill.csv"})
	}
	if len(page.Board) == 0 {
		page.Board = consignedBoard(tr, cs, page.Office.TZ)
	}
	return page, nil
}

// homeCountry is the post's own country ("" when unknown).
func (c *Console) homeCountry() string {
	if c.cfg.Acceptance != nil {
		return c.cfg.Acceptance.Country
	}
	return ""
}

// closeReceptacle closes an open receptacle (its gross weight is the
// items' plus the tare) and goes back to the office's page.
func (c *Console) closeReceptacle(w http.ResponseWriter, r *http.Request, s *session) {
	ref := r.PathValue("ref")
	rc, err := c.cfg.Dispatch.CloseReceptacle(r.Context(), s.Who, ref, dispatch.CloseReceptacleRequest{})
	office := strings.ToUpper(r.PostFormValue("office"))
	if len(ref) >= 6 && office == "" {
		office = ref[:6]
	}
	back := "/console/exchange?" + url.Values{"office": {office}, "date": {r.PostFormValue("date")}}.Encode()
	if err == nil {
		http.Redirect(w, r, back+"&closed="+url.QueryEscape(rc.ID)+"#open-h", http.StatusSeeOther)
		return
	}
	status, known := statusOf[postal.ErrorCode(err)]
	if !known {
		c.internalError(w, r, s, err)
		return
	}
	r.URL.RawQuery = url.Values{"office": {office}, "date": {r.PostFormValue("date")}}.Encode()
	page, perr := c.exchangePage(r, s)
	if perr != nil {
		c.errorPage(w, r, s, status, userMessage(err))
		return
	}
	page.Problem = userMessage(err)
	c.render(w, r, status, "exchange", s.view("console.title.exchange_operations", "exchange", page))
}

// billFile sends a consignment's delivery bill as PDF or CSV.
func (c *Console) billFile(w http.ResponseWriter, r *http.Request, s *session) {
	file := r.PathValue("file")
	if file != "bill.pdf" && file != "bill.csv" {
		c.errorPage(w, r, s, http.StatusNotFound, c.loc(r).T("console.exchange.bill_formats"))
		return
	}
	b, err := c.cfg.Dispatch.DeliveryBill(r.Context(), r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	var buf bytes.Buffer
	h := w.Header()
	if file == "bill.pdf" {
		doc := document.ConsignmentBill(b)
		doc.Lang = c.loc(r)
		err = document.WriteDeliveryBill(&buf, doc)
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `inline; filename="`+b.Name()+`.pdf"`)
	} else {
		err = dispatch.WriteBillCSV(&buf, b)
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+b.Name()+`.csv"`)
	}
	if err != nil {
		h.Del("Content-Disposition")
		c.internalError(w, r, s, err)
		return
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// consignedBoard is the departure board of a day with nothing left to
// plan: each departure with the weight consigned to it against capacity.
func consignedBoard(tr *i18n.Localizer, cs []dispatch.Consignment, tz string) []boardRow {
	var out []boardRow
	seen := map[string]int{}
	for _, cn := range cs {
		key := cn.Service + cn.Departure.String()
		if i, ok := seen[key]; ok {
			out[i].ConsignedKg = max(out[i].ConsignedKg, float64(cn.LoadedG)/1000)
		} else {
			seen[key] = len(out)
			out = append(out, boardRow{Departure: alloc.Departure{Service: cn.Service, Carrier: cn.Carrier, Mode: cn.Mode, From: cn.From, To: cn.To,
				Departs: cn.Departure, Arrives: cn.Arrival, CapacityKg: cn.CapacityKg, ConsignedKg: float64(cn.LoadedG) / 1000}})
		}
	}
	for i := range out {
		r := &out[i]
		r.Departs = localTime(tr, r.Departure.Departs, tz)
		r.Arrives = r.Departure.Arrives.UTC().Format("2 Jan 15:04 MST")
		if r.CapacityKg > 0 {
			r.Utilisation = r.ConsignedKg / r.CapacityKg
			r.Consigned = min(r.Utilisation, 1)
		}
		r.Over, r.Used = r.Utilisation > 1, min(r.Utilisation, 1)
	}
	return out
}
