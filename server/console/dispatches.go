package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
)

// The dispatches list of the exchange pages (issue 19 item 2): every
// dispatch of the offices in the key's scope, newest first, filtered by
// status, origin, destination, category and opening date, searched by id
// prefix, sorted by column and exported as the API's
// GET /v1/dispatches(/export) does, through dispatch.Service.

const dispatchesPageSize = 50

func (c *Console) registerDispatches() {
	on := c.cfg.Dispatch != nil
	c.page("GET /console/exchange/dispatches", rolesExchange, c.requires(on, "console.subject.exchange", c.dispatchesList))
	c.page("GET /console/exchange/dispatches/export", rolesExchange, c.requires(on, "console.subject.exchange", c.dispatchesExport))
}

type dispatchesPage struct {
	Rows         []dispatch.Dispatch
	Status       string
	Origin       string
	Destination  string
	Category     string
	Since, Until string // opened from/up to and including, YYYY-MM-DD
	Q            string
	Sort         string
	Filtered     bool
	Sorts        map[string]sortLink
	Statuses     []statusTab
	Categories   []string
	ExportCSV    string
	ExportXLSX   string
	PageNo       int
	Total        string
	First, Next  string
	Error        string
}

// dispatchesFilter reads the list's filter from the URL (the API's names;
// since and until as dates).
func dispatchesFilter(q url.Values) (dispatchesPage, dispatch.DispatchQuery, string) {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	page := dispatchesPage{Status: get("status"), Origin: strings.ToUpper(get("origin")), Destination: strings.ToUpper(get("destination")),
		Category: strings.ToUpper(get("category")), Since: get("since"), Until: get("until"), Q: get("q"), Sort: get("sort"), PageNo: 1,
		Categories: dispatch.DispatchCategories}
	if page.Sort == "" {
		page.Sort = dispatch.DispatchDefaultSort
	}
	dq := dispatch.DispatchQuery{Origin: page.Origin, Destination: page.Destination, Status: page.Status, Category: page.Category,
		Search: page.Q, Sort: page.Sort}
	bad := ""
	if page.Since != "" {
		t, err := time.Parse(time.DateOnly, page.Since)
		if err != nil {
			bad = "console.shipments.bad_since"
		}
		dq.From = t
	}
	if page.Until != "" {
		t, err := time.Parse(time.DateOnly, page.Until)
		if err != nil {
			bad = "console.shipments.bad_until"
		}
		dq.To = t.AddDate(0, 0, 1)
	}
	page.Filtered = page.Status != "" || page.Origin != "" || page.Destination != "" || page.Category != "" || page.Since != "" ||
		page.Until != "" || page.Q != ""
	return page, dq, bad
}

// values is the page's filter and sort as URL values.
func (p dispatchesPage) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"status": p.Status, "origin": p.Origin, "destination": p.Destination, "category": p.Category,
		"since": p.Since, "until": p.Until, "q": p.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if p.Sort != dispatch.DispatchDefaultSort {
		v.Set("sort", p.Sort)
	}
	return v
}

func dispatchesURL(v url.Values) string {
	if len(v) == 0 {
		return "/console/exchange/dispatches"
	}
	return "/console/exchange/dispatches?" + v.Encode()
}

func (c *Console) dispatchesList(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	q := r.URL.Query()
	page, dq, bad := dispatchesFilter(q)
	if bad != "" {
		page.Error = tr.T(bad)
	}
	if n, err := atoiPositive(q.Get("page")); err == nil {
		page.PageNo = n
	}
	for _, st := range append([]string{""}, dispatch.DispatchStatuses...) {
		v := page.values()
		if st == "" {
			v.Del("status")
		} else {
			v.Set("status", st)
		}
		page.Statuses = append(page.Statuses, statusTab{st, dispatchesURL(v), page.Status == st})
	}
	page.Sorts = map[string]sortLink{}
	for _, col := range []string{dispatch.DispatchSortOpened, dispatch.DispatchSortDestination, dispatch.DispatchSortStatus} {
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
		page.Sorts[col] = sortLink{dispatchesURL(v), state}
	}
	for format, dst := range map[string]*string{"csv": &page.ExportCSV, "xlsx": &page.ExportXLSX} {
		v := page.values()
		v.Set("format", format)
		*dst = "/console/exchange/dispatches/export?" + v.Encode()
	}
	if page.Error == "" {
		dq.Limit, dq.Cursor = dispatchesPageSize, q.Get("cursor")
		res, err := c.cfg.Dispatch.FindDispatches(r.Context(), s.Who, dq)
		switch code := postal.ErrorCode(err); {
		case err == nil:
			page.Rows = res.Items
			page.Total = tr.Number(float64(res.Total), 0)
			if !res.TotalExact {
				page.Total += "+"
			}
			if res.NextCursor != "" {
				v := page.values()
				v.Set("cursor", res.NextCursor)
				v.Set("page", itoa(page.PageNo+1))
				page.Next = dispatchesURL(v)
			}
			if q.Get("cursor") != "" {
				page.First = dispatchesURL(page.values())
			}
		case code == postal.CodeInvalid || code == postal.CodeForbidden:
			page.Error = userMessage(err)
		default:
			c.internalError(w, r, s, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "dispatches", s.view("console.title.dispatches", "exchange", page))
}

// dispatchesExport serves the filtered dispatches list as CSV or XLSX, as
// the API's export does.
func (c *Console) dispatchesExport(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	_, dq, bad := dispatchesFilter(q)
	if bad != "" {
		c.errorPage(w, r, s, http.StatusUnprocessableEntity, c.loc(r).T(bad))
		return
	}
	c.sendExport(w, r, s, "dispatches", q.Get("format"), func(write func(header []string, rows func(func([]string) error) error) error) error {
		return c.cfg.Dispatch.ExportDispatches(r.Context(), s.Who, dq, write)
	})
}
