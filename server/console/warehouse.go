package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

// The warehouse pages: warehouses, stock with its ledger, inbound
// shipments, orders (orders.go) and replenishment advice. They call
// warehouse.Service as the API does, so a merchant key sees its own
// stock, inbounds and orders only, and operators pick and pack at the
// warehouses in their scope.

var (
	rolesWarehouses = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleMerchant}
	rolesFulfil     = []auth.Role{auth.RoleAdmin, auth.RoleOperator} // pick lists and packing
)

// The stores list oldest first; pages that show the newest first read
// every page and keep the last keepLimit rows, up to scanLimit rows read.
const (
	keepLimit = 5000
	scanLimit = 50000
)

// newest pages through fetch (oldest first) and returns the last keepLimit
// rows, newest first; capped says rows were left out.
func newest[T any](fetch func(cursor string) ([]T, string, error)) (rows []T, capped bool, err error) {
	cursor, read := "", 0
	for {
		list, next, err := fetch(cursor)
		if err != nil {
			return nil, false, err
		}
		read += len(list)
		rows = append(rows, list...)
		if len(rows) > keepLimit {
			rows = append(rows[:0:0], rows[len(rows)-keepLimit:]...)
			capped = true
		}
		if next == "" {
			break
		}
		if read >= scanLimit {
			capped = true
			break
		}
		cursor = next
	}
	slices.Reverse(rows)
	return rows, capped, nil
}

func (c *Console) registerWarehouses() {
	w := func(h handler) handler { return c.requires(c.cfg.Warehouse != nil, "console.subject.warehouses", h) }
	c.page("GET /console/warehouses", rolesWarehouses, w(c.warehouses))
	c.page("GET /console/warehouses/{code}", rolesWarehouses, w(c.warehouseDetail))
	c.page("POST /console/warehouses/{code}/pick-lists", rolesFulfil, w(c.createPickList))
	c.page("GET /console/stock", rolesWarehouses, w(c.stock))
	c.page("GET /console/stock/ledger", rolesWarehouses, w(c.ledger))
	c.page("GET /console/inbounds", rolesWarehouses, w(c.inbounds))
	c.page("GET /console/inbounds/{id}", rolesWarehouses, w(c.inbound))
	c.page("GET /console/replenishment", rolesWarehouses, w(c.replenishment))
	c.registerOrders()
}

// whTab is one tab of the warehouse pages' sub-navigation.
type whTab struct {
	Key, Label, Path string
	Current          bool
}

// whHead is what every warehouse page shows above its content.
type whHead struct {
	Tabs     []whTab
	CanOrder bool   // the caller may place orders
	Own      string // a merchant key's merchant
}

func newWHHead(s *session, active string) whHead {
	h := whHead{CanOrder: s.Who.Is(rolesWarehouses...), Own: s.Who.Merchant}
	for _, t := range []whTab{
		{Key: "warehouses", Label: "console.tab.warehouses", Path: "/console/warehouses"},
		{Key: "stock", Label: "console.tab.stock", Path: "/console/stock"},
		{Key: "inbounds", Label: "console.tab.inbound", Path: "/console/inbounds"},
		{Key: "orders", Label: "console.tab.orders", Path: "/console/orders"},
		{Key: "replenishment", Label: "console.tab.replenishment", Path: "/console/replenishment"},
	} {
		t.Current = t.Key == active
		h.Tabs = append(h.Tabs, t)
	}
	return h
}

// stockSum adds up stock rows.
type stockSum struct {
	SKUs, OnHand, Reserved, Available int
}

func (t *stockSum) add(s warehouse.Stock) {
	t.SKUs++
	t.OnHand += s.OnHand
	t.Reserved += s.Reserved
	t.Available += s.Available
}

type warehouseRow struct {
	warehouse.Warehouse
	stockSum
	Bins int
}

type warehousesPage struct {
	whHead
	Rows     []warehouseRow
	Total    stockSum
	Reorders int
	Advice   error
}

func (c *Console) warehouses(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	svc := c.cfg.Warehouse
	ws, err := svc.Warehouses(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	stock, err := svc.Stock(ctx, s.Who, warehouse.StockFilter{})
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := warehousesPage{whHead: newWHHead(s, "warehouses")}
	sums := map[string]*stockSum{}
	for _, st := range stock {
		if sums[st.Warehouse] == nil {
			sums[st.Warehouse] = &stockSum{}
		}
		sums[st.Warehouse].add(st)
		page.Total.add(st)
	}
	for _, wh := range ws {
		row := warehouseRow{Warehouse: wh}
		if sum := sums[wh.Code]; sum != nil {
			row.stockSum = *sum
		}
		for _, z := range wh.Zones {
			row.Bins += z.Bins
		}
		page.Rows = append(page.Rows, row)
	}
	if adv, err := svc.Replenishment(ctx, s.Who, warehouse.ReplenishRequest{}); err == nil {
		for _, a := range adv {
			if a.Reorder {
				page.Reorders++
			}
		}
	} else {
		c.cfg.Logger.WarnContext(ctx, "console replenishment", "err", err)
		page.Advice = err
	}
	c.render(w, r, http.StatusOK, "warehouses", s.view("console.title.warehouses", "warehouses", page))
}

type stockRow struct {
	warehouse.Stock
	Name      string  // warehouse name
	ResRel    float64 // reserved / largest on hand, for the bar
	AvailRel  float64 // available / largest on hand
	LedgerURL string
}

func stockRows(rows []warehouse.Stock, names map[string]string) ([]stockRow, stockSum) {
	var sum stockSum
	top := 1
	for _, st := range rows {
		top = max(top, st.OnHand)
	}
	out := make([]stockRow, 0, len(rows))
	for _, st := range rows {
		sum.add(st)
		out = append(out, stockRow{Stock: st, Name: names[st.Warehouse],
			ResRel: float64(st.Reserved) / float64(top), AvailRel: float64(max(st.Available, 0)) / float64(top),
			LedgerURL: ledgerURL(st.Warehouse, st.Merchant, st.SKU)})
	}
	return out, sum
}

func ledgerURL(wh, merchant, sku string) string {
	return "/console/stock/ledger?" + url.Values{"warehouse": {wh}, "merchant": {merchant}, "sku": {sku}}.Encode()
}

type warehouseDetailPage struct {
	whHead
	warehouse.Warehouse
	Stock    []stockRow
	Total    stockSum
	Waiting  int // reserved parcels waiting for a pick list
	CanPick  bool
	Problem  string
	Capped   bool
	Merchant string
}

func (c *Console) warehouseDetail(w http.ResponseWriter, r *http.Request, s *session) {
	page, err := c.warehouseDetailPage(r.Context(), s, r.PathValue("code"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	c.render(w, r, http.StatusOK, "warehouse", s.view(page.Name, "warehouses", page))
}

func (c *Console) warehouseDetailPage(ctx context.Context, s *session, code string) (*warehouseDetailPage, error) {
	svc := c.cfg.Warehouse
	wh, err := svc.Warehouse(ctx, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	stock, err := svc.Stock(ctx, s.Who, warehouse.StockFilter{Warehouse: wh.Code})
	if err != nil {
		return nil, err
	}
	page := &warehouseDetailPage{whHead: newWHHead(s, "warehouses"), Warehouse: wh, Merchant: s.Who.Merchant,
		CanPick: s.Who.Is(rolesFulfil...) && s.Who.InOffice(wh.Code)}
	page.Stock, page.Total = stockRows(stock, map[string]string{wh.Code: wh.Name})
	orders, capped, err := c.allOrders(ctx, s, warehouse.OrderFilter{Status: warehouse.OrderReserved})
	if err != nil {
		return nil, err
	}
	page.Capped = capped
	for _, o := range orders {
		for _, p := range o.Parcels {
			if p.Warehouse == wh.Code && p.Status == warehouse.ParcelReserved {
				page.Waiting++
			}
		}
	}
	return page, nil
}

// createPickList puts the warehouse's reserved parcels on a pick list and
// opens it.
func (c *Console) createPickList(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	code := r.PathValue("code")
	n := 50
	if v := strings.TrimSpace(r.PostFormValue("max_parcels")); v != "" {
		if m, err := strconv.Atoi(v); err == nil {
			n = m
		}
	}
	pl, err := c.cfg.Warehouse.CreatePickList(ctx, s.Who, code, n)
	if err == nil {
		http.Redirect(w, r, "/console/pick-lists/"+url.PathEscape(pl.ID)+"?created=1", http.StatusSeeOther)
		return
	}
	status, known := statusOf[postal.ErrorCode(err)]
	if !known {
		c.internalError(w, r, s, err)
		return
	}
	// Show the refusal (nothing to pick, out of scope) on the page the
	// button was on: the order's, or the warehouse's.
	if back := r.PostFormValue("back"); strings.HasPrefix(back, "/console/orders/") {
		c.orderProblem(w, r, s, strings.TrimPrefix(back, "/console/orders/"), status, err)
		return
	}
	page, perr := c.warehouseDetailPage(ctx, s, code)
	if perr != nil {
		c.errorPage(w, r, s, status, userMessage(err))
		return
	}
	page.Problem = userMessage(err)
	if errors.Is(err, warehouse.ErrNothingToPick) {
		page.Problem = tr.T("console.warehouse.none_to_pick", "Name", page.Name)
	}
	c.render(w, r, status, "warehouse", s.view(page.Name, "warehouses", page))
}

type stockPage struct {
	whHead
	Warehouses               []warehouse.Warehouse
	Merchants                []string
	ShowMerchant             bool
	Warehouse, Merchant, SKU string
	Rows                     []stockRow
	Total                    stockSum
	Error                    string
	Filtered                 bool
}

func (c *Console) stock(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	q := r.URL.Query()
	svc := c.cfg.Warehouse
	page := stockPage{whHead: newWHHead(s, "stock"), ShowMerchant: s.Who.Role != auth.RoleMerchant,
		Warehouse: strings.ToUpper(strings.TrimSpace(q.Get("warehouse"))), Merchant: strings.ToUpper(strings.TrimSpace(q.Get("merchant"))),
		SKU: strings.TrimSpace(q.Get("sku"))}
	if !page.ShowMerchant {
		page.Merchant = ""
	}
	page.Filtered = page.Warehouse != "" || page.Merchant != "" || page.SKU != ""
	ws, err := svc.Warehouses(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page.Warehouses = ws
	names := map[string]string{}
	for _, wh := range ws {
		names[wh.Code] = wh.Name
	}
	all, err := svc.Stock(ctx, s.Who, warehouse.StockFilter{})
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	var rows []warehouse.Stock
	for _, st := range all {
		if !slices.Contains(page.Merchants, st.Merchant) {
			page.Merchants = append(page.Merchants, st.Merchant)
		}
		if (page.Warehouse == "" || st.Warehouse == page.Warehouse) && (page.Merchant == "" || st.Merchant == page.Merchant) &&
			(page.SKU == "" || strings.Contains(strings.ToUpper(st.SKU), strings.ToUpper(page.SKU))) {
			rows = append(rows, st)
		}
	}
	slices.Sort(page.Merchants)
	page.Rows, page.Total = stockRows(rows, names)
	c.render(w, r, http.StatusOK, "stock", s.view("console.title.stock", "warehouses", page))
}

type ledgerRow struct {
	warehouse.Movement
	OnHand, Reserved int // after the movement
	RefURL           string
}

type ledgerPage struct {
	whHead
	Stock      warehouse.Stock
	Found      bool // the stock row exists
	Name, TZ   string
	Rows       []ledgerRow // newest first
	Count      int
	Shown      int
	Match      bool // the ledger's sums equal the stock row
	SumOnHand  int
	SumReserve int
	Capped     bool
}

const ledgerShown = 200

func (c *Console) ledger(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	q := r.URL.Query()
	svc := c.cfg.Warehouse
	f := warehouse.MovementFilter{Warehouse: strings.ToUpper(q.Get("warehouse")), Merchant: strings.ToUpper(q.Get("merchant")), SKU: q.Get("sku"), Limit: 500}
	if s.Who.Role == auth.RoleMerchant && f.Merchant == "" {
		f.Merchant = s.Who.Merchant
	}
	if f.Warehouse == "" || f.Merchant == "" || f.SKU == "" {
		c.errorPage(w, r, s, http.StatusBadRequest, c.loc(r).T("console.ledger.per_row"))
		return
	}
	wh, err := svc.Warehouse(ctx, f.Warehouse)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := ledgerPage{whHead: newWHHead(s, "stock"), Name: wh.Name, TZ: wh.TZ,
		Stock: warehouse.Stock{Warehouse: f.Warehouse, Merchant: f.Merchant, SKU: f.SKU}}
	rows, err := svc.Stock(ctx, s.Who, warehouse.StockFilter{Warehouse: f.Warehouse, Merchant: f.Merchant, SKU: f.SKU})
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	if len(rows) == 1 {
		page.Stock, page.Found = rows[0], true
	}
	// Each row shows the balances after it: the running sums of the
	// ledger from its first movement.
	moves, _, err := newest(func(cursor string) ([]ledgerRow, string, error) {
		list, next, err := svc.Ledger(ctx, s.Who, f, cursor)
		out := make([]ledgerRow, len(list))
		for i, m := range list {
			page.SumOnHand += m.OnHandDelta
			page.SumReserve += m.ReservedDelta
			page.Count++
			out[i] = ledgerRow{Movement: m, OnHand: page.SumOnHand, Reserved: page.SumReserve, RefURL: refURL(m.Ref)}
		}
		return out, next, err
	})
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	if !page.Found && len(moves) == 0 {
		c.errorPage(w, r, s, http.StatusNotFound, c.loc(r).T("console.ledger.no_stock", "Merchant", f.Merchant, "SKU", f.SKU, "Warehouse", f.Warehouse))
		return
	}
	page.Capped = page.Count >= scanLimit
	page.Match = !page.Capped && page.SumOnHand == page.Stock.OnHand && page.SumReserve == page.Stock.Reserved
	if len(moves) > ledgerShown {
		moves = moves[:ledgerShown]
	}
	page.Rows, page.Shown = moves, len(moves)
	c.render(w, r, http.StatusOK, "ledger", s.view(tr.T("console.title.ledger", "SKU", f.SKU, "Warehouse", wh.Name), "warehouses", page))
}

// refURL links a ledger reference to its inbound or order.
func refURL(ref string) string {
	switch {
	case strings.HasPrefix(ref, "INB-"):
		return "/console/inbounds/" + url.PathEscape(ref)
	case strings.HasPrefix(ref, "ORD-"):
		id, _, _ := strings.Cut(ref, "/")
		return "/console/orders/" + url.PathEscape(id)
	}
	return ""
}

type inboundRow struct {
	warehouse.Inbound
	Name                      string
	Advised, Counted, Damaged int
	Short, Over               int
	Discrepancies             int
}

func summarizeInbound(in warehouse.Inbound, names map[string]string) inboundRow {
	row := inboundRow{Inbound: in, Name: names[in.Warehouse]}
	for _, q := range in.Advised() {
		row.Advised += q
	}
	if in.Receipt != nil {
		for _, l := range in.Receipt.Lines {
			row.Counted += l.Counted
			row.Damaged += l.Damaged
		}
		for _, d := range in.Receipt.Discrepancies {
			row.Discrepancies++
			switch d.Kind {
			case warehouse.DiscrepancyShort:
				row.Short += d.Quantity
			case warehouse.DiscrepancyOver:
				row.Over += d.Quantity
			}
		}
	}
	return row
}

type inboundsPage struct {
	whHead
	Rows         []inboundRow
	ShowMerchant bool
	Capped       bool
	WithIssues   int
}

func (c *Console) inbounds(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	svc := c.cfg.Warehouse
	names, err := c.warehouseNames(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page := inboundsPage{whHead: newWHHead(s, "inbounds"), ShowMerchant: s.Who.Role != auth.RoleMerchant}
	all, capped, err := newest(func(cursor string) ([]warehouse.Inbound, string, error) {
		return svc.Inbounds(ctx, s.Who, warehouse.InboundFilter{Limit: 500}, cursor)
	})
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page.Capped = capped
	for _, in := range all {
		row := summarizeInbound(in, names)
		if row.Discrepancies > 0 {
			page.WithIssues++
		}
		page.Rows = append(page.Rows, row)
	}
	c.render(w, r, http.StatusOK, "inbounds", s.view("console.title.inbound_shipments", "warehouses", page))
}

func (c *Console) warehouseNames(ctx context.Context) (map[string]string, error) {
	ws, err := c.cfg.Warehouse.Warehouses(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, wh := range ws {
		names[wh.Code] = wh.Name
	}
	return names, nil
}

// receiptRow compares one SKU's advice with what was counted in.
type receiptRow struct {
	SKU                       string
	Advised, Counted, Damaged int
	Bin                       string
	Issues                    []warehouse.Discrepancy
}

type inboundPage struct {
	inboundRow
	Origin, TZ string
	Lines      []receiptRow
}

func (c *Console) inbound(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	in, err := c.cfg.Warehouse.Inbound(ctx, s.Who, r.PathValue("id"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	names, err := c.warehouseNames(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page := inboundPage{inboundRow: summarizeInbound(in, names), Origin: in.Origin, TZ: "UTC"}
	if o, err := c.cfg.Network.Office(ctx, in.Origin); err == nil {
		page.Origin = o.Name
	}
	if o, err := c.cfg.Network.Office(ctx, in.Warehouse); err == nil {
		page.TZ = o.TZ
	}
	advised := in.Advised()
	counted := map[string]warehouse.ReceiptLine{}
	if in.Receipt != nil {
		for _, l := range in.Receipt.Lines {
			counted[l.SKU] = l
			if _, ok := advised[l.SKU]; !ok {
				advised[l.SKU] = 0
			}
		}
	}
	for _, sku := range slices.Sorted(func(yield func(string) bool) {
		for k := range advised {
			if !yield(k) {
				return
			}
		}
	}) {
		row := receiptRow{SKU: sku, Advised: advised[sku]}
		if l, ok := counted[sku]; ok {
			row.Counted, row.Damaged, row.Bin = l.Counted, l.Damaged, l.Bin
		}
		if in.Receipt != nil {
			for _, d := range in.Receipt.Discrepancies {
				if d.SKU == sku {
					row.Issues = append(row.Issues, d)
				}
			}
		}
		page.Lines = append(page.Lines, row)
	}
	c.render(w, r, http.StatusOK, "inbound", s.view(in.ID, "warehouses", page))
}

type adviceRow struct {
	warehouse.Advice
	Name     string
	Cover    float64 // days of cover, when anything sold
	HasCover bool
	CoverRel float64 // days of cover / target days, for the bar (capped at 1)
}

type replenishPage struct {
	whHead
	Warehouses                    []warehouse.Warehouse
	ShowMerchant                  bool
	Warehouse, Merchant, Priority string
	Weeks                         string
	Rows                          []adviceRow
	Reorders                      int
	Errors                        map[string]string
	Problem                       string
}

func (c *Console) replenishment(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	q := r.URL.Query()
	svc := c.cfg.Warehouse
	page := replenishPage{whHead: newWHHead(s, "replenishment"), ShowMerchant: s.Who.Role != auth.RoleMerchant,
		Warehouse: strings.ToUpper(strings.TrimSpace(q.Get("warehouse"))), Merchant: strings.ToUpper(strings.TrimSpace(q.Get("merchant"))),
		Priority: q.Get("priority"), Weeks: strings.TrimSpace(q.Get("weeks")), Errors: map[string]string{}}
	if !page.ShowMerchant {
		page.Merchant = ""
	}
	if page.Priority != warehouse.PrioritySpeed {
		page.Priority = warehouse.PriorityCost
	}
	if page.Weeks == "" {
		page.Weeks = "8"
	}
	ws, err := svc.Warehouses(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page.Warehouses = ws
	names := map[string]string{}
	for _, wh := range ws {
		names[wh.Code] = wh.Name
	}
	weeks, err := strconv.Atoi(page.Weeks)
	if err != nil || weeks < 1 || weeks > 52 {
		page.Errors["weeks"] = c.loc(r).T("console.replenishment.bad_weeks", "Value", fmt.Sprintf("%q", page.Weeks))
	}
	if len(page.Errors) == 0 {
		adv, err := svc.Replenishment(ctx, s.Who, warehouse.ReplenishRequest{Merchant: page.Merchant, Warehouse: page.Warehouse,
			Priority: page.Priority, Policy: warehouse.Policy{Weeks: weeks}})
		switch code := postal.ErrorCode(err); {
		case err == nil:
		case code == postal.CodeInvalid || code == postal.CodeForbidden || code == postal.CodeNotFound || code == postal.CodeUnavailable:
			page.Problem = userMessage(err)
		default:
			c.internalError(w, r, s, err)
			return
		}
		for _, a := range adv {
			row := adviceRow{Advice: a, Name: names[a.Warehouse], CoverRel: 1}
			if a.DaysOfCover != nil {
				row.Cover, row.HasCover = *a.DaysOfCover, true
				if a.TargetDays > 0 {
					row.CoverRel = min(1, row.Cover/a.TargetDays)
				}
			}
			if a.Reorder {
				page.Reorders++
			}
			page.Rows = append(page.Rows, row)
		}
	}
	c.render(w, r, http.StatusOK, "replenishment", s.view("console.title.replenishment", "warehouses", page))
}

// allOrders reads the orders matching f that the caller may see, newest
// first (capped reports that older ones were left out).
func (c *Console) allOrders(ctx context.Context, s *session, f warehouse.OrderFilter) ([]warehouse.Order, bool, error) {
	f.Limit = 500
	return newest(func(cursor string) ([]warehouse.Order, string, error) {
		return c.cfg.Warehouse.Orders(ctx, s.Who, f, cursor)
	})
}
