package console

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

// Orders: the list, the order form, an order with its parcels (cancel,
// pick list, pack, label) and pick lists. The form posts field names that
// are the request's JSON paths ("buyer.country", "lines[1].sku"), so the
// warehouse service's field errors land beside the input they name.

const (
	ordersPageSize = 50
	orderFormLines = 3
	maxOrderLines  = 50
)

var buyerFields = []string{"name", "company", "address", "city", "state", "postcode", "country", "phone", "email"}

func (c *Console) registerOrders() {
	w := func(h handler) handler { return c.requires(c.cfg.Warehouse != nil, "console.subject.warehouses", h) }
	c.page("GET /console/orders", rolesWarehouses, w(c.orders))
	c.page("GET /console/orders/export", rolesWarehouses, w(c.ordersExport))
	c.page("GET /console/orders/new", rolesWarehouses, w(c.newOrderForm))
	c.page("POST /console/orders/new", rolesWarehouses, w(c.createOrder))
	c.page("GET /console/orders/{id}", rolesWarehouses, w(c.order))
	c.page("POST /console/orders/{id}/cancel", rolesWarehouses, w(c.cancelOrder))
	c.page("POST /console/orders/{id}/parcels/{no}/pack", rolesFulfil, w(c.packParcel))
	c.page("GET /console/orders/{id}/parcels/{no}/label.pdf", rolesWarehouses, w(c.parcelLabel))
	c.page("GET /console/pick-lists/{id}", rolesFulfil, w(c.pickList))
}

type orderRow struct {
	warehouse.Order
	Units int
}

type statusTab struct {
	Label, URL string
	Current    bool
}

type ordersPage struct {
	whHead
	Rows         []orderRow
	Status       string
	Merchant     string
	Warehouse    string // filter: a warehouse holding a parcel
	Destination  string // filter: the buyer's country
	Since, Until string // filter: placed from/up to and including, YYYY-MM-DD
	Stuck        string // filter: days
	Q            string // search: order id, merchant's order id or buyer's name prefix
	Sort         string
	Filtered     bool
	Sorts        map[string]sortLink
	ExportCSV    string
	ExportXLSX   string
	Merchants    []string
	ShowMerchant bool
	Statuses     []statusTab
	PageNo       int
	Total        string // "1,234" or "1,000+"
	First, Next  string
	Error        string
}

var orderStatuses = warehouse.OrderStatuses

// ordersFilter reads the orders list's filter from the URL (the API's
// names; since and until as dates).
func ordersFilter(q url.Values, s *session) (ordersPage, warehouse.OrderQuery, string) {
	page := ordersPage{whHead: newWHHead(s, "orders"), Status: strings.TrimSpace(q.Get("status")), ShowMerchant: s.Who.Role != auth.RoleMerchant, PageNo: 1,
		Merchant:    strings.ToUpper(strings.TrimSpace(q.Get("merchant"))),
		Warehouse:   strings.ToUpper(strings.TrimSpace(q.Get("warehouse"))),
		Destination: strings.ToUpper(strings.TrimSpace(q.Get("destination"))),
		Since:       strings.TrimSpace(q.Get("since")), Until: strings.TrimSpace(q.Get("until")),
		Stuck: strings.TrimSpace(q.Get("stuck_days")), Q: strings.TrimSpace(q.Get("q")), Sort: strings.TrimSpace(q.Get("sort"))}
	if !page.ShowMerchant {
		page.Merchant = ""
	}
	if page.Sort == "" {
		page.Sort = warehouse.OrderDefaultSort
	}
	oq := warehouse.OrderQuery{Merchant: page.Merchant, Status: page.Status, Warehouse: page.Warehouse, Destination: page.Destination,
		Search: page.Q, Sort: page.Sort}
	bad := ""
	if page.Since != "" {
		t, err := time.Parse(time.DateOnly, page.Since)
		if err != nil {
			bad = "console.shipments.bad_since"
		}
		oq.From = t
	}
	if page.Until != "" {
		t, err := time.Parse(time.DateOnly, page.Until)
		if err != nil {
			bad = "console.shipments.bad_until"
		}
		oq.To = t.AddDate(0, 0, 1)
	}
	if page.Stuck != "" {
		n, err := atoiPositive(page.Stuck)
		if err != nil {
			bad = "console.shipments.bad_stuck"
		}
		oq.StuckDays = n
	}
	page.Filtered = page.Merchant != "" || page.Status != "" || page.Warehouse != "" || page.Destination != "" || page.Since != "" ||
		page.Until != "" || page.Stuck != "" || page.Q != ""
	return page, oq, bad
}

// values is the page's filter and sort as URL values.
func (p ordersPage) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"merchant": p.Merchant, "status": p.Status, "warehouse": p.Warehouse, "destination": p.Destination,
		"since": p.Since, "until": p.Until, "stuck_days": p.Stuck, "q": p.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if p.Sort != warehouse.OrderDefaultSort {
		v.Set("sort", p.Sort)
	}
	return v
}

func ordersURL(v url.Values) string {
	if len(v) == 0 {
		return "/console/orders"
	}
	return "/console/orders?" + v.Encode()
}

func (c *Console) orders(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	page, oq, bad := ordersFilter(q, s)
	if bad != "" {
		page.Error = tr.T(bad)
	}
	if n, err := atoiPositive(q.Get("page")); err == nil {
		page.PageNo = n
	}
	for _, st := range append([]string{""}, orderStatuses...) {
		v := page.values()
		if st == "" {
			v.Del("status")
		} else {
			v.Set("status", st)
		}
		page.Statuses = append(page.Statuses, statusTab{st, ordersURL(v), page.Status == st})
	}
	page.Sorts = map[string]sortLink{}
	for _, col := range []string{warehouse.OrderSortCreated, warehouse.OrderSortUpdated, warehouse.OrderSortDestination, warehouse.OrderSortStatus} {
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
		page.Sorts[col] = sortLink{ordersURL(v), state}
	}
	for format, dst := range map[string]*string{"csv": &page.ExportCSV, "xlsx": &page.ExportXLSX} {
		v := page.values()
		v.Set("format", format)
		*dst = "/console/orders/export?" + v.Encode()
	}
	if page.Error == "" {
		oq.Limit, oq.Cursor = ordersPageSize, q.Get("cursor")
		res, err := c.cfg.Warehouse.FindOrders(ctx, s.Who, oq)
		switch code := postal.ErrorCode(err); {
		case err == nil:
			for _, o := range res.Items {
				row := orderRow{Order: o}
				for _, l := range o.Lines {
					row.Units += l.Quantity
				}
				page.Rows = append(page.Rows, row)
			}
			page.Total = tr.Number(float64(res.Total), 0)
			if !res.TotalExact {
				page.Total += "+"
			}
			if res.NextCursor != "" {
				v := page.values()
				v.Set("cursor", res.NextCursor)
				v.Set("page", itoa(page.PageNo+1))
				page.Next = ordersURL(v)
			}
			if q.Get("cursor") != "" {
				page.First = ordersURL(page.values())
			}
		case code == postal.CodeInvalid || code == postal.CodeForbidden:
			page.Error = userMessage(err)
		default:
			c.internalError(w, r, s, err)
			return
		}
	}
	if page.ShowMerchant {
		page.Merchants = c.stockedMerchants(r, s)
	}
	c.render(w, r, http.StatusOK, "orders", s.view("console.title.orders", "warehouses", page))
}

// ordersExport serves the filtered orders list as CSV or XLSX, as the
// API's export does.
func (c *Console) ordersExport(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	_, oq, bad := ordersFilter(q, s)
	if bad != "" {
		c.errorPage(w, r, s, http.StatusUnprocessableEntity, c.loc(r).T(bad))
		return
	}
	c.sendExport(w, r, s, "orders", q.Get("format"), func(write func(header []string, rows func(func([]string) error) error) error) error {
		return c.cfg.Warehouse.ExportOrders(r.Context(), s.Who, oq, write)
	})
}

// stockedMerchants lists the merchants with stock in a warehouse.
func (c *Console) stockedMerchants(r *http.Request, s *session) []string {
	rows, err := c.cfg.Warehouse.Stock(r.Context(), s.Who, warehouse.StockFilter{})
	if err != nil {
		c.cfg.Logger.WarnContext(r.Context(), "console merchants", "err", err)
		return nil
	}
	var out []string
	for _, st := range rows {
		if !slices.Contains(out, st.Merchant) {
			out = append(out, st.Merchant)
		}
	}
	slices.Sort(out)
	return out
}

// skuOption is a SKU the order form suggests, with what is available.
type skuOption struct {
	Merchant, SKU string
	Available     int
}

// orderForm is the order form's state.
type orderForm struct {
	whHead
	Values       map[string]string
	Errors       map[string]string
	Summary      []postal.FieldError
	Problem      string
	NeedMerchant bool
	Merchants    []string
	SKUs         []skuOption
	Countries    []countryOpt // countries the warehouses serve
	Levels       []warehouse.ServiceLevel
	Lines        []int
	Key          string
}

// F describes an input for the "field" template.
func (f *orderForm) F(name, label string) formField {
	return formField{ID: fieldID(name), Name: name, Label: label, Value: f.Values[name], Error: f.Errors[name], Type: "text"}
}

// V is the typed value of a field; E its error.
func (f *orderForm) V(name string) string { return f.Values[name] }
func (f *orderForm) E(name string) string { return f.Errors[name] }

// Cell describes field of order line i.
func (f *orderForm) Cell(i int, field, label, class string) cellField {
	name := fmt.Sprintf("lines[%d].%s", i, field)
	return cellField{ID: fieldID(name), Name: name, Value: f.Values[name], Error: f.Errors[name], Label: label, Class: class, Row: i + 1}
}

func (c *Console) newOrder(r *http.Request, s *session) *orderForm {
	tr := c.loc(r)
	ctx := r.Context()
	f := &orderForm{whHead: newWHHead(s, "orders"), Values: map[string]string{}, Errors: map[string]string{},
		NeedMerchant: s.Who.Role != auth.RoleMerchant,
		Levels:       []warehouse.ServiceLevel{warehouse.LevelEconomy, warehouse.LevelStandard, warehouse.LevelExpress}}
	if ws, err := c.cfg.Warehouse.Warehouses(ctx); err == nil {
		var codes []string
		for _, wh := range ws {
			for _, cv := range wh.Serves {
				if !slices.Contains(codes, cv.Country) {
					codes = append(codes, cv.Country)
				}
			}
		}
		slices.Sort(codes)
		for _, code := range codes {
			f.Countries = append(f.Countries, countryOpt{code, c.countryName(tr, code)})
		}
	}
	if rows, err := c.cfg.Warehouse.Stock(ctx, s.Who, warehouse.StockFilter{}); err == nil {
		idx := map[[2]string]int{}
		for _, st := range rows {
			k := [2]string{st.Merchant, st.SKU}
			i, ok := idx[k]
			if !ok {
				i = len(f.SKUs)
				idx[k] = i
				f.SKUs = append(f.SKUs, skuOption{Merchant: st.Merchant, SKU: st.SKU})
			}
			f.SKUs[i].Available += max(st.Available, 0)
			if !slices.Contains(f.Merchants, st.Merchant) {
				f.Merchants = append(f.Merchants, st.Merchant)
			}
		}
		slices.Sort(f.Merchants)
	}
	return f
}

func (c *Console) newOrderForm(w http.ResponseWriter, r *http.Request, s *session) {
	f := c.newOrder(r, s)
	f.Values["service_level"] = string(warehouse.LevelStandard)
	if m := strings.ToUpper(r.URL.Query().Get("merchant")); m != "" && f.NeedMerchant {
		f.Values["merchant"] = m
	}
	for i := range orderFormLines {
		f.Lines = append(f.Lines, i)
	}
	f.Key = newFormKey()
	c.render(w, r, http.StatusOK, "order_new", s.view("console.title.new_order", "warehouses", f))
}

func (c *Console) createOrder(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	f := c.newOrder(r, s)
	req, parseErrs := f.read(r)
	f.Key = r.PostFormValue("idempotency_key")
	if len(f.Key) != 32 {
		f.Key = newFormKey()
	}
	// A quantity that did not parse went in as 0, which the service
	// refuses: it still checks the rest, so one submit shows every problem.
	o, _, err := c.cfg.Warehouse.PlaceOrder(r.Context(), s.Who, req, "console-"+f.Key)
	if err == nil {
		http.Redirect(w, r, "/console/orders/"+url.PathEscape(o.ID)+"?created=1", http.StatusSeeOther)
		return
	}
	fields := append(parseErrs, postal.Fields(err)...)
	status := http.StatusUnprocessableEntity
	switch code := postal.ErrorCode(err); {
	case code == postal.CodeInvalid:
	case code == postal.CodeNotFound && len(postal.Fields(err)) > 0: // unknown SKUs
	case code == postal.CodeNotFound && f.NeedMerchant:
		fields = append(fields, postal.FieldError{Field: "merchant", Message: c.loc(r).T("console.form.no_merchant", "Merchant", fmt.Sprintf("%q", req.Merchant))})
	case errors.Is(err, warehouse.ErrOrderKeyMismatch):
		f.Problem = tr.T("console.order_new.form_used")
		status = http.StatusConflict
	case code == postal.CodeConflict || code == postal.CodeForbidden || code == postal.CodeNotFound:
		f.Problem = userMessage(err)
		status = statusOf[code]
	default:
		c.internalError(w, r, s, err)
		return
	}
	for _, fe := range fields {
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = fe.Message
			f.Summary = append(f.Summary, fe)
		}
	}
	slices.SortStableFunc(f.Summary, func(a, b postal.FieldError) int { return formRank(a.Field) - formRank(b.Field) })
	c.render(w, r, status, "order_new", s.view("console.title.new_order", "warehouses", f))
}

// formRank orders field errors as the form shows the fields.
func formRank(field string) int {
	for i, prefix := range []string{"merchant", "merchant_order_id", "service_level", "buyer.", "lines"} {
		if field == prefix || strings.HasPrefix(field, prefix) && (strings.HasSuffix(prefix, ".") || prefix == "lines") {
			return i
		}
	}
	return 99
}

// read turns the posted form into an order request. Empty line rows are
// dropped and the rest renumbered, so the service's line indexes match the
// rows shown again.
func (f *orderForm) read(r *http.Request) (warehouse.OrderRequest, []postal.FieldError) {
	var errs []postal.FieldError
	get := func(name string) string {
		v := strings.TrimSpace(r.PostFormValue(name))
		f.Values[name] = v
		return v
	}
	req := warehouse.OrderRequest{
		MerchantOrderID: get("merchant_order_id"),
		ServiceLevel:    warehouse.ServiceLevel(get("service_level")),
	}
	if f.NeedMerchant {
		req.Merchant = strings.ToUpper(get("merchant"))
		f.Values["merchant"] = req.Merchant
	}
	b := map[string]string{}
	for _, fld := range buyerFields {
		v := get("buyer." + fld)
		if fld == "country" {
			v = strings.ToUpper(v)
			f.Values["buyer.country"] = v
		}
		b[fld] = v
	}
	req.Buyer = acceptance.Party{Name: b["name"], Company: b["company"], Address: b["address"], City: b["city"], State: b["state"],
		Postcode: b["postcode"], Country: b["country"], Phone: b["phone"], Email: b["email"]}
	for i := range maxOrderLines {
		sku := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("lines[%d].sku", i)))
		qty := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("lines[%d].quantity", i)))
		if sku == "" && qty == "" {
			continue
		}
		n := len(req.Lines)
		skuName, qtyName := fmt.Sprintf("lines[%d].sku", n), fmt.Sprintf("lines[%d].quantity", n)
		f.Values[skuName], f.Values[qtyName] = sku, qty
		q, err := strconv.Atoi(qty)
		if err != nil {
			errs = append(errs, postal.FieldError{Field: qtyName, Message: fmt.Sprintf("%q is not a whole number", qty)})
			q = 0 // refused by the service's checks, so nothing is reserved
		}
		req.Lines = append(req.Lines, warehouse.SKULine{SKU: sku, Quantity: q})
	}
	for i := range max(len(req.Lines)+1, orderFormLines) {
		f.Lines = append(f.Lines, i)
	}
	return req, errs
}

type parcelRow struct {
	warehouse.Parcel
	Name, TZ         string
	Units            int
	CanPick, CanPack bool
	Label            string
}

type orderPage struct {
	whHead
	warehouse.Order
	Parcels   []parcelRow
	Units     int
	TZ        string
	Created   bool
	Flash     string
	Problem   string
	CanCancel bool
}

func (c *Console) orderPage(r *http.Request, s *session, id string) (*orderPage, error) {
	ctx := r.Context()
	o, err := c.cfg.Warehouse.Order(ctx, s.Who, id)
	if err != nil {
		return nil, err
	}
	page := &orderPage{whHead: newWHHead(s, "orders"), Order: o, TZ: "UTC",
		CanCancel: o.Status == warehouse.OrderReserved && s.Who.Is(rolesWarehouses...)}
	for _, l := range o.Lines {
		page.Units += l.Quantity
	}
	fulfil := s.Who.Is(rolesFulfil...)
	for i, p := range o.Parcels {
		row := parcelRow{Parcel: p, Name: p.Warehouse, TZ: "UTC"}
		if wh, err := c.cfg.Warehouse.Warehouse(ctx, p.Warehouse); err == nil {
			row.Name, row.TZ = wh.Name, wh.TZ
		}
		if i == 0 {
			page.TZ = row.TZ
		}
		for _, l := range p.Lines {
			row.Units += l.Quantity
		}
		inScope := fulfil && s.Who.InOffice(p.Warehouse)
		row.CanPick = inScope && p.Status == warehouse.ParcelReserved
		row.CanPack = inScope && p.Status == warehouse.ParcelPicking
		if p.Status == warehouse.ParcelPacked {
			row.Label = fmt.Sprintf("/console/orders/%s/parcels/%d/label.pdf", url.PathEscape(o.ID), p.No)
		}
		page.Parcels = append(page.Parcels, row)
	}
	return page, nil
}

func (c *Console) order(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	page, err := c.orderPage(r, s, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	q := r.URL.Query()
	page.Created = q.Get("created") == "1"
	switch {
	case q.Get("cancelled") == "1":
		page.Flash = tr.T("console.order.cancelled")
	case q.Get("packed") != "":
		page.Flash = tr.T("console.order.packed", "Parcel", q.Get("packed"))
	}
	c.render(w, r, http.StatusOK, "order", s.view(page.ID, "warehouses", page))
}

// orderProblem shows an order with an action's refusal at the top.
func (c *Console) orderProblem(w http.ResponseWriter, r *http.Request, s *session, id string, status int, err error) {
	tr := c.loc(r)
	page, perr := c.orderPage(r, s, id)
	if perr != nil {
		c.errorPage(w, r, s, status, userMessage(err))
		return
	}
	page.Problem = userMessage(err)
	if errors.Is(err, warehouse.ErrNothingToPick) {
		page.Problem = tr.T("console.order.none_to_pick")
	}
	c.render(w, r, status, "order", s.view(page.ID, "warehouses", page))
}

func (c *Console) cancelOrder(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	_, err := c.cfg.Warehouse.CancelOrder(r.Context(), s.Who, id)
	if err == nil {
		http.Redirect(w, r, "/console/orders/"+url.PathEscape(id)+"?cancelled=1", http.StatusSeeOther)
		return
	}
	status, known := statusOf[postal.ErrorCode(err)]
	if !known {
		c.internalError(w, r, s, err)
		return
	}
	c.orderProblem(w, r, s, id, status, err)
}

func (c *Console) packParcel(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	no, err := atoiPositive(r.PathValue("no"))
	if err != nil {
		c.errorPage(w, r, s, http.StatusNotFound, c.loc(r).T("console.order.no_parcel"))
		return
	}
	_, _, err = c.cfg.Warehouse.Pack(r.Context(), s.Who, id, no, warehouse.PackRequest{})
	if err == nil {
		back := "/console/orders/" + url.PathEscape(id) + "?packed=" + itoa(no)
		if pl := r.PostFormValue("pick_list"); strings.HasPrefix(pl, "PCK-") {
			back = "/console/pick-lists/" + url.PathEscape(pl) + "?packed=" + url.QueryEscape(fmt.Sprintf("%s/%d", id, no))
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	status, known := statusOf[postal.ErrorCode(err)]
	if !known {
		c.internalError(w, r, s, err)
		return
	}
	c.orderProblem(w, r, s, id, status, err)
}

// parcelLabel serves a packed parcel's label, as the API does: the
// warehouse is the dispatching office.
func (c *Console) parcelLabel(w http.ResponseWriter, r *http.Request, s *session) {
	no, err := atoiPositive(r.PathValue("no"))
	if err != nil {
		c.errorPage(w, r, s, http.StatusNotFound, c.loc(r).T("console.order.no_parcel"))
		return
	}
	sh, wh, err := c.cfg.Warehouse.ParcelItem(r.Context(), s.Who, r.PathValue("id"), no)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	sh.OriginOffice = wh.Code
	var buf bytes.Buffer
	if err := document.WriteLabel(&buf, document.ShipmentLabel(sh, wh.Name, wh.TZ)); err != nil {
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

// pickParcel is a parcel on a pick list with where it is now.
type pickParcel struct {
	Order     string
	No        int
	Status    warehouse.ParcelStatus
	ItemID    postal.S10
	Units     int
	MerchRef  string
	Label     string
	CanPack   bool
	JustAdded bool
}

type pickListPage struct {
	whHead
	warehouse.PickList
	Name, TZ string
	Parcels  []pickParcel
	Created  bool
	Packed   string
	Left     int // parcels still to pack
}

func (c *Console) pickList(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	pl, err := c.cfg.Warehouse.PickList(ctx, s.Who, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := pickListPage{whHead: newWHHead(s, "orders"), PickList: pl, Name: pl.Warehouse, TZ: "UTC",
		Created: r.URL.Query().Get("created") == "1", Packed: r.URL.Query().Get("packed")}
	if wh, err := c.cfg.Warehouse.Warehouse(ctx, pl.Warehouse); err == nil {
		page.Name, page.TZ = wh.Name, wh.TZ
	}
	seen := map[string]bool{}
	orders := map[string]warehouse.Order{}
	for _, l := range pl.Lines {
		key := fmt.Sprintf("%s/%d", l.Order, l.Parcel)
		if seen[key] {
			continue
		}
		seen[key] = true
		o, ok := orders[l.Order]
		if !ok {
			if o, err = c.cfg.Warehouse.Order(ctx, s.Who, l.Order); err != nil {
				c.domainError(w, r, s, err)
				return
			}
			orders[l.Order] = o
		}
		pp := pickParcel{Order: l.Order, No: l.Parcel, MerchRef: o.MerchantOrderID}
		if l.Parcel >= 1 && l.Parcel <= len(o.Parcels) {
			p := o.Parcels[l.Parcel-1]
			pp.Status, pp.ItemID = p.Status, p.ItemID
			for _, pl := range p.Lines {
				pp.Units += pl.Quantity
			}
		}
		pp.CanPack = pp.Status == warehouse.ParcelPicking && s.Who.InOffice(pl.Warehouse)
		if pp.Status == warehouse.ParcelPacked {
			pp.Label = fmt.Sprintf("/console/orders/%s/parcels/%d/label.pdf", url.PathEscape(l.Order), l.Parcel)
		} else {
			page.Left++
		}
		page.Parcels = append(page.Parcels, pp)
	}
	c.render(w, r, http.StatusOK, "picklist", s.view(pl.ID, "warehouses", page))
}
