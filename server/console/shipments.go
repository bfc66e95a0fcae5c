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
	Since        string // filter, YYYY-MM-DD
	Find         string // S10 search box, when it found nothing
	FindError    string
	Merchants    []string // datalist
	ShowMerchant bool     // the caller may filter by merchant
	Next         string   // URL of the next page, "" on the last
	First        string   // URL of the first page, "" when on it
	PageNo       int
	Error        string
}

type statusOption struct{ Value, Label string }

type shipmentRow struct {
	acceptance.Shipment
	TZ string // origin office's zone, for the created time
}

// StatusLabel is the status as people read it (the tracking lifecycle's label).
func (r shipmentRow) StatusLabel() string { return tracking.Status(r.Status).Label() }

func (c *Console) shipments(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	page := shipmentsPage{
		Merchant:     strings.ToUpper(strings.TrimSpace(q.Get("merchant"))),
		Since:        strings.TrimSpace(q.Get("since")),
		Status:       strings.TrimSpace(q.Get("status")),
		ShowMerchant: s.Who.Role != auth.RoleMerchant,
		PageNo:       1,
	}
	if find := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(q.Get("find")), " ", "")); find != "" {
		if _, err := c.cfg.Acceptance.Get(ctx, s.Who, find); err == nil {
			http.Redirect(w, r, "/console/shipments/"+find, http.StatusSeeOther)
			return
		} else {
			page.Find, page.FindError = find, userMessage(err)
		}
	}
	if !page.ShowMerchant {
		page.Merchant = ""
	}
	var since time.Time
	if page.Since != "" {
		t, err := time.Parse(time.DateOnly, page.Since)
		if err != nil {
			page.Error = tr.T("console.shipments.bad_since")
		}
		since = t
	}
	for _, st := range c.cfg.Acceptance.StatusNames() {
		page.Statuses = append(page.Statuses, statusOption{st, tr.Code("status", st)})
	}
	if n, err := atoiPositive(q.Get("page")); err == nil {
		page.PageNo = n
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
		items, next, err := c.cfg.Acceptance.ListStatus(ctx, s.Who, page.Merchant, page.Status, since, shipmentsPageSize, q.Get("cursor"))
		switch code := postal.ErrorCode(err); {
		case err == nil:
			for _, sh := range items {
				page.Items = append(page.Items, shipmentRow{sh, zones[sh.OriginOffice]})
			}
			if next != "" {
				page.Next = shipmentsURL(page.Merchant, page.Status, page.Since, next, page.PageNo+1)
			}
			if q.Get("cursor") != "" {
				page.First = shipmentsURL(page.Merchant, page.Status, page.Since, "", 0)
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

func shipmentsURL(merchant, status, since, cursor string, pageNo int) string {
	v := url.Values{}
	if merchant != "" {
		v.Set("merchant", merchant)
	}
	if status != "" {
		v.Set("status", status)
	}
	if since != "" {
		v.Set("since", since)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
		v.Set("page", itoa(pageNo))
	}
	if len(v) == 0 {
		return "/console/shipments"
	}
	return "/console/shipments?" + v.Encode()
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
	if c.cfg.Tracking != nil {
		tl, err := c.cfg.Tracking.Timeline(ctx, s.Who, string(sh.ID))
		switch {
		case err == nil:
			v := newTimelineView(tl)
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
