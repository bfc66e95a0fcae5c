package console

import (
	"bytes"
	"cmp"
	"fmt"
	"github.com/interpost/interpost/i18n"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/postal"
)

// The finance page: the period's ledger summed per party with each
// party's statement (or a merchant's invoice) as CSV and PDF, and the lane
// margin report, worst lane first. Admins see all of it; partner and
// merchant keys see their own statement or invoice, as accounting.Service
// allows them.

var rolesFinance = []auth.Role{auth.RoleAdmin, auth.RolePartner, auth.RoleMerchant}

// marginChartRows is how many lanes the margin chart draws (the worst).
const marginChartRows = 12

func (c *Console) registerFinance() {
	c.page("GET /console/finance", rolesFinance, c.requires(c.cfg.Accounting != nil, "console.subject.finance", c.finance))
	c.page("GET /console/finance/statements/{party}/{format}", rolesFinance, c.requires(c.cfg.Accounting != nil, "console.subject.finance", c.statementFile))
}

// partyRow is one party's balance over the period in one currency.
type partyRow struct {
	accounting.PartyBalance
	Kind, Code, Name string
	CSV, PDF         string
}

// marginRow is a lane of the margin report for the table.
type marginRow struct {
	accounting.MarginRow
	Rank     int
	Currency string
	Negative bool
}

// marginBar is one lane in the margin chart (SVG units).
type marginBar struct {
	Label, Value string
	Y, X, W      float64
	Negative     bool
}

// BarY is the top of the bar, a little below the row's top.
func (b marginBar) BarY() float64 { return b.Y + 3 }

type marginChart struct {
	W, H, Zero, Left, Right float64
	Bars                    []marginBar
	Max                     string
}

type currencyTotal struct {
	Currency                 string
	Receivable, Payable, Net string
	NetNegative              bool
	Entries                  int
}

type financePage struct {
	tr     *i18n.Localizer
	Period string
	Error  string
	Admin  bool
	// Merchant reads its own invoice: "Amount due".
	Merchant bool
	Totals   []currencyTotal
	Parties  []partyRow
	Entries  int
	Margin   *accounting.MarginReport
	Lanes    []marginRow
	Total    marginRow
	Chart    *marginChart
	Own      *accounting.Statement // a partner's or merchant's own
	OwnCSV   string
	OwnPDF   string
	Problem  string // why the own statement could not be drawn
	Months   []string
	Items    []accounting.InvoiceLine // a merchant's invoice lines
	More     int                      // invoice lines not shown
}

// invoiceRows is how many invoice lines the page shows; the CSV and PDF
// have them all.
const invoiceRows = 200

func fileURL(party accounting.Party, format, period string) string {
	return "/console/finance/statements/" + url.PathEscape(string(party)) + "/" + format + "?period=" + url.QueryEscape(period)
}

func (c *Console) finance(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	svc := c.cfg.Accounting
	now := c.now()
	page := financePage{tr: tr, Admin: s.Who.Role == auth.RoleAdmin, Merchant: s.Who.Role == auth.RoleMerchant}
	// The period picker offers the last year's months; a period given in
	// the address (days, or an older month) is offered too.
	for i := range 12 {
		page.Months = append(page.Months, accounting.Month(now.AddDate(0, -i, 0)).Name)
	}
	p := accounting.Month(now)
	if v := strings.TrimSpace(r.URL.Query().Get("period")); v != "" {
		got, err := accounting.ParsePeriod(v)
		if err != nil {
			page.Error = tr.T("console.finance.showing", "Error", err.Error(), "Name", p.Name)
		} else {
			p = got
		}
	}
	page.Period = p.Name
	if !slices.Contains(page.Months, p.Name) {
		page.Months = append([]string{p.Name}, page.Months...)
	}
	if !page.Admin {
		c.ownStatement(r, s, &page, p)
		c.render(w, r, http.StatusOK, "finance", s.view("console.title.finance", "finance", page))
		return
	}
	balances, err := svc.Balances(ctx, s.Who, p)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	totals := map[string]*accounting.PartyBalance{}
	for _, b := range balances {
		row := partyRow{PartyBalance: b, Kind: b.Party.Kind(), Code: b.Party.Code(), Name: b.Party.Code(),
			CSV: fileURL(b.Party, "csv", p.Name), PDF: fileURL(b.Party, "pdf", p.Name)}
		if b.Party.Kind() == accounting.PartyPost {
			row.Name = tr.T("console.finance.post_of", "Country", c.countryName(tr, b.Party.Country()))
		}
		page.Parties = append(page.Parties, row)
		page.Entries += b.Entries
		t := totals[b.Currency]
		if t == nil {
			t = &accounting.PartyBalance{Currency: b.Currency}
			totals[b.Currency] = t
		}
		t.Entries += b.Entries
		t.Receivable = t.Receivable.Add(b.Receivable)
		t.Payable = t.Payable.Add(b.Payable)
		t.Net = t.Net.Add(b.Net)
	}
	kindOrder := map[string]int{accounting.PartyPost: 0, accounting.PartyCarrier: 1, accounting.PartyMerchant: 2}
	slices.SortStableFunc(page.Parties, func(a, b partyRow) int {
		return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Currency, b.Currency))
	})
	for _, cur := range slices.Sorted(mapsKeys(totals)) {
		t := totals[cur]
		page.Totals = append(page.Totals, currencyTotal{Currency: cur, Entries: t.Entries, Receivable: page.Money(t.Receivable, cur),
			Payable: page.Money(t.Payable, cur), Net: page.Money(t.Net, cur), NetNegative: t.Net.IsNegative()})
	}
	rep, err := svc.Margin(ctx, s.Who, p, accounting.MarginOptions{})
	switch {
	case err == nil:
		page.Margin = &rep
		rows := slices.Clone(rep.Rows)
		slices.SortStableFunc(rows, func(a, b accounting.MarginRow) int { return a.Base.PerItem.Cmp(b.Base.PerItem) })
		for i, row := range rows {
			page.Lanes = append(page.Lanes, marginRow{MarginRow: row, Rank: i + 1, Currency: rep.Currency, Negative: row.Base.Margin.IsNegative()})
		}
		page.Total = marginRow{MarginRow: rep.Total, Currency: rep.Currency, Negative: rep.Total.Base.Margin.IsNegative()}
		page.Chart = marginChartOf(tr, page.Lanes, rep.Currency)
	case postal.ErrorCode(err) == postal.CodeNotFound || postal.ErrorCode(err) == postal.CodeInvalid:
		page.Problem = "No margin report: " + userMessage(err)
	default:
		c.internalError(w, r, s, err)
		return
	}
	c.render(w, r, http.StatusOK, "finance", s.view("console.title.finance", "finance", page))
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ownParty is the party a partner or merchant key speaks for.
func ownParty(who auth.Principal) (accounting.Party, error) {
	if who.Role == auth.RoleMerchant {
		return accounting.Merchant(who.Merchant), nil
	}
	return accounting.ParseParty(who.Partner)
}

// ownStatement draws a partner's statement or a merchant's invoice.
func (c *Console) ownStatement(r *http.Request, s *session, page *financePage, p accounting.Period) {
	tr := c.loc(r)
	party, err := ownParty(s.Who)
	if err != nil {
		page.Problem = tr.T("console.finance.no_party", "Error", err.Error())
		return
	}
	var st accounting.Statement
	if party.Kind() == accounting.PartyMerchant {
		// A merchant reads its invoice: the statement with each item.
		inv, err := c.cfg.Accounting.Invoice(r.Context(), s.Who, party.Code(), p, 0)
		if err != nil {
			page.Problem = userMessage(err)
			return
		}
		st, page.Items = inv.Statement, inv.Items
		if len(page.Items) > invoiceRows {
			page.Items, page.More = page.Items[:invoiceRows], len(page.Items)-invoiceRows
		}
	} else if st, err = c.cfg.Accounting.Statement(r.Context(), s.Who, party, p, accounting.StatementOptions{}); err != nil {
		page.Problem = userMessage(err)
		return
	}
	page.Own, page.OwnCSV, page.OwnPDF = &st, fileURL(party, "csv", p.Name), fileURL(party, "pdf", p.Name)
}

// statementFile sends a statement (or a merchant's invoice) as CSV or PDF,
// as the API's /v1/statements and /v1/invoices do.
func (c *Console) statementFile(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	format := r.PathValue("format")
	if format != "csv" && format != "pdf" {
		c.errorPage(w, r, s, http.StatusNotFound, c.loc(r).T("console.finance.formats"))
		return
	}
	party, err := accounting.ParseParty(r.PathValue("party"))
	if err != nil {
		c.errorPage(w, r, s, http.StatusNotFound, err.Error())
		return
	}
	p, err := accounting.ParsePeriod(r.URL.Query().Get("period"))
	if err != nil {
		c.errorPage(w, r, s, http.StatusUnprocessableEntity, err.Error())
		return
	}
	var (
		buf    bytes.Buffer
		number string
		doc    document.Statement
	)
	if party.Kind() == accounting.PartyMerchant {
		inv, err := c.cfg.Accounting.Invoice(ctx, s.Who, party.Code(), p, 0)
		if err != nil {
			c.domainError(w, r, s, err)
			return
		}
		number, doc = inv.Number, document.MerchantInvoice(inv, c.loc(r))
		if format == "csv" {
			err = accounting.WriteInvoiceCSV(&buf, inv)
		}
		if err != nil {
			c.internalError(w, r, s, err)
			return
		}
	} else {
		st, err := c.cfg.Accounting.Statement(ctx, s.Who, party, p, accounting.StatementOptions{Entries: true})
		if err != nil {
			c.domainError(w, r, s, err)
			return
		}
		number, doc = st.Number, document.AccountStatement(st, c.loc(r))
		if format == "csv" {
			err = accounting.WriteStatementCSV(&buf, st)
		}
		if err != nil {
			c.internalError(w, r, s, err)
			return
		}
	}
	h := w.Header()
	if format == "pdf" {
		if err := document.WriteStatement(&buf, doc); err != nil {
			c.internalError(w, r, s, err)
			return
		}
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `inline; filename="`+number+`.pdf"`)
	} else {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+number+`.csv"`)
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// marginChartOf draws the worst lanes' margin per item as horizontal bars
// around zero: losses to the left in red, profits to the right.
func marginChartOf(tr *i18n.Localizer, lanes []marginRow, currency string) *marginChart {
	n := min(len(lanes), marginChartRows)
	if n == 0 {
		return nil
	}
	const rowH, top = 24.0, 8.0
	ch := &marginChart{W: 760, Left: 250, Right: 680}
	ch.H = top*2 + rowH*float64(n)
	lo, hi := 0.0, 0.0
	for _, l := range lanes[:n] {
		v := l.Base.PerItem.InexactFloat64()
		lo, hi = min(lo, v), max(hi, v)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	scale := (ch.Right - ch.Left) / span
	ch.Zero = ch.Left - lo*scale
	for i, l := range lanes[:n] {
		v := l.Base.PerItem.InexactFloat64()
		b := marginBar{Label: fmt.Sprintf("%s → %s %s", l.Origin, l.Dest, tr.Code("product", string(l.Product))), Value: tr.Money(accounting.FormatAmount(l.Base.PerItem, currency), currency),
			Y: top + rowH*float64(i), Negative: v < 0}
		if v < 0 {
			b.X, b.W = ch.Zero+v*scale, -v*scale
		} else {
			b.X, b.W = ch.Zero, v*scale
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// Money formats an amount for the templates in the page's language, with
// its currency's symbol.
func (p financePage) Money(d decimal.Decimal, currency string) string {
	return p.tr.Money(accounting.FormatAmount(d, currency), currency)
}

// Due is what the reader owes for a balance (negative: what it is owed).
func (p financePage) Due(b accounting.Balance) string { return p.Money(b.Net, b.Currency) }

// UnratedWhat names what an unrated fact is about: the item, else the
// dispatch, else its key.
func (p financePage) UnratedWhat(u accounting.Unrated) string {
	return cmp.Or(u.Item, u.Dispatch, u.Key)
}

// PartyLabel names a party kind in words.
func (p financePage) PartyLabel(kind string) string { return p.tr.Code("party", kind) }

// Category names a statement line.
func (p financePage) Category(l accounting.StatementLine) string {
	return p.tr.Code("charge", string(l.Kind)) + " · " + l.Category
}
