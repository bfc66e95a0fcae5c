package console

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/export"
	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

const shipmentsPageSize = 50

type shipmentsPage struct {
	Items        []shipmentRow
	Merchant     string // filter
	Status       string // filter
	Statuses     []statusOption
	Product      string // filter
	Products     []string
	Destination  string // filter, ISO country
	Office       string // filter, origin office
	Since        string // filter, YYYY-MM-DD (created from)
	Until        string // filter, YYYY-MM-DD (created up to and including)
	Stuck        string // filter, days
	Q            string // search: id, reference or addressee prefix
	Sort         string
	Filtered     bool                // any filter or search is set
	Sorts        map[string]sortLink // column → link that sorts by it
	ExportCSV    string              // URLs of the export of this list
	ExportXLSX   string
	Total        string // "1,234" or "10,000+"
	Find         string // S10 search box, when it found nothing
	FindError    string
	Merchants    []string // datalist
	ShowMerchant bool     // the caller may filter by merchant
	Next         string   // URL of the next page, "" on the last
	First        string   // URL of the first page, "" when on it
	PageNo       int
	Error        string
}

// sortLink is a sortable column header: where it leads and how the list
// is sorted by it now ("ascending", "descending" or "none", for aria-sort).
type sortLink struct{ URL, State string }

type statusOption struct{ Value, Label string }

type shipmentRow struct {
	acceptance.Shipment
	TZ string // origin office's zone, for the created time
}

// StatusLabel is the status as people read it (the tracking lifecycle's label).
func (r shipmentRow) StatusLabel() string { return tracking.Status(r.Status).Label() }

// shipmentsFilter reads the list's filter from the URL (the same names as
// the API's, since and until as dates in the caller's day).
func (c *Console) shipmentsFilter(q url.Values, s *session) (shipmentsPage, acceptance.Query, string) {
	page := shipmentsPage{
		Merchant:     strings.ToUpper(strings.TrimSpace(q.Get("merchant"))),
		Since:        strings.TrimSpace(q.Get("since")),
		Until:        strings.TrimSpace(q.Get("until")),
		Status:       strings.TrimSpace(q.Get("status")),
		Product:      strings.TrimSpace(q.Get("product")),
		Destination:  strings.ToUpper(strings.TrimSpace(q.Get("destination"))),
		Office:       strings.ToUpper(strings.TrimSpace(q.Get("office"))),
		Stuck:        strings.TrimSpace(q.Get("stuck_days")),
		Q:            strings.TrimSpace(q.Get("q")),
		Sort:         strings.TrimSpace(q.Get("sort")),
		ShowMerchant: s.Who.Role != auth.RoleMerchant,
		PageNo:       1,
	}
	if !page.ShowMerchant {
		page.Merchant = ""
	}
	if page.Sort == "" {
		page.Sort = acceptance.DefaultSort
	}
	aq := acceptance.Query{Merchant: page.Merchant, Status: page.Status, Product: page.Product, Destination: page.Destination,
		Office: page.Office, Search: page.Q, Sort: page.Sort}
	bad := ""
	if page.Since != "" {
		t, err := time.Parse(time.DateOnly, page.Since)
		if err != nil {
			bad = "console.shipments.bad_since"
		}
		aq.From = t
	}
	if page.Until != "" {
		t, err := time.Parse(time.DateOnly, page.Until)
		if err != nil {
			bad = "console.shipments.bad_until"
		}
		aq.To = t.AddDate(0, 0, 1)
	}
	if page.Stuck != "" {
		n, err := atoiPositive(page.Stuck)
		if err != nil {
			bad = "console.shipments.bad_stuck"
		}
		aq.StuckDays = n
	}
	page.Filtered = page.Merchant != "" || page.Since != "" || page.Until != "" || page.Status != "" || page.Product != "" ||
		page.Destination != "" || page.Office != "" || page.Stuck != "" || page.Q != ""
	return page, aq, bad
}

// values is the page's filter and sort as URL values.
func (p shipmentsPage) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"merchant": p.Merchant, "status": p.Status, "product": p.Product, "destination": p.Destination,
		"office": p.Office, "since": p.Since, "until": p.Until, "stuck_days": p.Stuck, "q": p.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if p.Sort != acceptance.DefaultSort {
		v.Set("sort", p.Sort)
	}
	return v
}

func shipmentsURL(v url.Values) string {
	if len(v) == 0 {
		return "/console/shipments"
	}
	return "/console/shipments?" + v.Encode()
}

func (c *Console) shipments(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	page, aq, bad := c.shipmentsFilter(q, s)
	if bad != "" {
		page.Error = tr.T(bad)
	}
	if find := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(q.Get("find")), " ", "")); find != "" {
		if _, err := c.cfg.Acceptance.Get(ctx, s.Who, find); err == nil {
			http.Redirect(w, r, "/console/shipments/"+find, http.StatusSeeOther)
			return
		} else {
			page.Find, page.FindError = find, userMessage(err)
		}
	}
	for _, st := range c.cfg.Acceptance.StatusNames() {
		page.Statuses = append(page.Statuses, statusOption{st, tr.Code("status", st)})
	}
	for _, p := range postal.Products() {
		page.Products = append(page.Products, string(p.Code))
	}
	if n, err := atoiPositive(q.Get("page")); err == nil {
		page.PageNo = n
	}
	page.Sorts = map[string]sortLink{}
	for _, col := range []string{acceptance.SortCreated, acceptance.SortUpdated, acceptance.SortDestination, acceptance.SortWeight, acceptance.SortStatus} {
		v, state := page.values(), "none"
		switch page.Sort {
		case "-" + col:
			v.Set("sort", col)
			state = "descending"
		case col:
			v.Set("sort", "-"+col)
			state = "ascending"
		default:
			v.Set("sort", "-"+col)
		}
		page.Sorts[col] = sortLink{shipmentsURL(v), state}
	}
	for format, dst := range map[string]*string{"csv": &page.ExportCSV, "xlsx": &page.ExportXLSX} {
		v := page.values()
		v.Set("format", format)
		*dst = "/console/shipments/export?" + v.Encode()
	}
	offices, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	zones := map[string]string{}
	for _, o := range offices {
		zones[o.Code] = o.TZ
	}
	if page.Error == "" {
		aq.Limit, aq.Cursor = shipmentsPageSize, q.Get("cursor")
		res, err := c.cfg.Acceptance.Find(ctx, s.Who, aq)
		switch code := postal.ErrorCode(err); {
		case err == nil:
			for _, sh := range res.Items {
				page.Items = append(page.Items, shipmentRow{sh, zones[sh.OriginOffice]})
			}
			page.Total = tr.Number(float64(res.Total), 0)
			if !res.TotalExact {
				page.Total += "+"
			}
			if res.NextCursor != "" {
				v := page.values()
				v.Set("cursor", res.NextCursor)
				v.Set("page", itoa(page.PageNo+1))
				page.Next = shipmentsURL(v)
			}
			if q.Get("cursor") != "" {
				page.First = shipmentsURL(page.values())
			}
		case code == postal.CodeInvalid || code == postal.CodeForbidden:
			page.Error = userMessage(err)
		default:
			c.internalError(w, r, s, err)
			return
		}
	}
	if page.ShowMerchant {
		page.Merchants = c.recentMerchants(r)
	}
	c.render(w, r, http.StatusOK, "shipments", s.view("console.title.shipments", "shipments", page))
}

// shipmentsExport serves the filtered list as CSV or XLSX, as the API's
// export does.
func (c *Console) shipmentsExport(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	_, aq, bad := c.shipmentsFilter(q, s)
	if bad != "" {
		c.errorPage(w, r, s, http.StatusUnprocessableEntity, c.loc(r).T(bad))
		return
	}
	c.sendExport(w, r, s, "shipments", q.Get("format"), func(write func(header []string, rows func(func([]string) error) error) error) error {
		return c.cfg.Acceptance.Export(r.Context(), s.Who, aq, write)
	})
}

// sendExport answers with a list written by run (a service's export bound
// to its filter) as an attachment NAME-YYYYMMDD-HHMM.FORMAT; nothing is
// sent before the whole file is written, so a bad filter is an error page.
func (c *Console) sendExport(w http.ResponseWriter, r *http.Request, s *session, name, format string, run func(write func(header []string, rows func(func([]string) error) error) error) error) {
	var buf bytes.Buffer
	err := run(func(header []string, rows func(func([]string) error) error) error {
		return export.Write(&buf, format, header, rows)
	})
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", export.ContentType(format))
	h.Set("Content-Disposition", `attachment; filename="`+name+`-`+c.now().UTC().Format("20060102-1504")+`.`+format+`"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// recentMerchants lists the merchants that shipped in the last 90 days,
// for the filter's suggestions.
func (c *Console) recentMerchants(r *http.Request) []string {
	now := c.now()
	counts, err := c.countShipments(r.Context(), now.AddDate(0, 0, -90), now.Add(time.Minute))
	if err != nil {
		c.cfg.Logger.WarnContext(r.Context(), "console merchants", "err", err)
		return nil
	}
	var out []string
	for _, n := range counts {
		if !slices.Contains(out, n.Merchant) {
			out = append(out, n.Merchant)
		}
	}
	slices.Sort(out)
	return out
}

type shipmentPage struct {
	acceptance.Shipment
	StatusLabel string
	// Timeline is the item's tracking timeline (nil before its first event
	// or without the tracking service).
	Timeline *TimelineView
	Origin   network.Office
	Created  bool // just created by the form
	Label    string
	// Derived names the Latin forms Interpost derived when the form created
	// the shipment ("发件人 · 姓名（拉丁字母）"), for the warning banner.
	Derived string
}

// derivedFields words the derived Latin fields of a creation redirect; only
// the fields the form has count (the query string is the browser's).
func derivedFields(tr *i18n.Localizer, fields []string) string {
	var out []string
	for _, f := range fields {
		party, field, ok := strings.Cut(f, ".")
		if !ok || (party != "sender" && party != "addressee") || !slices.Contains(partyFields, field) || !strings.HasSuffix(field, "_latin") {
			continue
		}
		out = append(out, tr.T("console.field."+party)+" · "+tr.T("console.field."+field))
	}
	return strings.Join(out, tr.T("console.shipment.latin_sep"))
}

func (c *Console) shipment(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	sh, err := c.cfg.Acceptance.Get(ctx, s.Who, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := shipmentPage{Shipment: sh, StatusLabel: tracking.Status(sh.Status).Label(), Created: r.URL.Query().Get("created") == "1",
		Label: "/console/shipments/" + string(sh.ID) + "/label.pdf"}
	if page.Created {
		page.Derived = derivedFields(c.loc(r), r.URL.Query()["derived"])
	}
	if c.cfg.Tracking != nil {
		tl, err := c.cfg.Tracking.Timeline(ctx, s.Who, string(sh.ID))
		switch {
		case err == nil:
			v := newTimelineView(tl)
			if sh.Insured != nil {
				v.markInsured()
			}
			page.Timeline = &v
		case postal.ErrorCode(err) != postal.CodeNotFound:
			c.internalError(w, r, s, err)
			return
		}
	}
	if o, err := c.cfg.Network.Office(ctx, sh.OriginOffice); err == nil {
		page.Origin = o
	} else {
		page.Origin = network.Office{Code: sh.OriginOffice, TZ: "UTC"}
	}
	c.render(w, r, http.StatusOK, "shipment", s.view(string(sh.ID), "shipments", page))
}

// shipmentLabel serves the same PDF label as the API, for the session.
func (c *Console) shipmentLabel(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	sh, err := c.cfg.Acceptance.Get(ctx, s.Who, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	origin, tz := "", ""
	if o, err := c.cfg.Network.Office(ctx, sh.OriginOffice); err == nil {
		origin, tz = o.Name, o.TZ
	}
	var buf bytes.Buffer
	if err := document.WriteLabel(&buf, document.ShipmentLabel(sh, origin, tz)); err != nil {
		c.internalError(w, r, s, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="`+string(sh.ID)+`.pdf"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// domainError shows a domain error as a page with the right status.
func (c *Console) domainError(w http.ResponseWriter, r *http.Request, s *session, err error) {
	if status, ok := statusOf[postal.ErrorCode(err)]; ok {
		c.errorPage(w, r, s, status, userMessage(err))
		return
	}
	c.internalError(w, r, s, err)
}

// userMessage is the user-facing message of a domain error, with its
// fields, without the wrapping added on the way up.
func userMessage(err error) string {
	var pe *postal.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	return pe.Error()
}
