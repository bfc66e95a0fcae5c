package document

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/postal"
)

// money writes an amount with thousands separators: 12345.6 XDR → 12,345.60.
func money(d decimal.Decimal, currency string) string {
	s := accounting.FormatAmount(d, currency)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// weightKg writes grams as kilograms with three decimals, as the CSV does.
func weightKg(g int) string { return decimal.New(int64(g), -3).StringFixed(3) }

// currencies returns the currencies of t in order.
func currencies(t accounting.Totals) []string { return slices.Sorted(maps.Keys(t)) }

func statementFacts(s accounting.Statement) [][2]string {
	return [][2]string{
		{"Period", s.From + " to " + s.To},
		{"Issued", s.Issued.Format(time.DateOnly)},
		{"Drawn through", "ledger entry " + strconv.FormatInt(s.Through, 10)},
		{"Tariffs", strings.Join(s.Tariffs, ", ")},
	}
}

func categoryLabel(k accounting.Kind, category string) string {
	switch k {
	case accounting.KindTerminalDues:
		return "Terminal dues, format " + category
	case accounting.KindLandRate:
		return "Inward land rates, parcels"
	case accounting.KindEMS:
		return "EMS"
	case accounting.KindPostage:
		return "Postage, " + category
	}
	return k.Label() + ", " + category
}

var lineColumns = []Column{{Title: "Category", Width: 62}, {Title: "Entries", Width: 14, Right: true},
	{Title: "Items", Width: 14, Right: true}, {Title: "Weight (kg)", Width: 20, Right: true},
	{Title: "Amount", Width: 24, Right: true}, {Title: "Currency", Width: 14}}

// lineRows lays out lines by direction with a subtotal per currency.
func lineRows(s accounting.Statement, lines []accounting.StatementLine, bothWays bool) []Row {
	var rows []Row
	for _, dir := range [][2]accounting.Party{{s.Home, s.Party}, {s.Party, s.Home}} {
		var mine []accounting.StatementLine
		for _, l := range lines {
			if l.Debtor == dir[0] && l.Creditor == dir[1] {
				mine = append(mine, l)
			}
		}
		if len(mine) == 0 {
			if bothWays && s.Party.Kind() == accounting.PartyPost {
				// The UPU accounts show both directions, even when one is empty.
				rows = append(rows, Row{Shade: true, Cells: []string{fmt.Sprintf("Owed by %s to %s: nothing in the period", dir[0].Code(), dir[1].Code())}})
			}
			continue
		}
		rows = append(rows, Row{Shade: true, Cells: []string{fmt.Sprintf("Owed by %s to %s", dir[0].Code(), dir[1].Code())}})
		sub := accounting.Totals{}
		items, weight := map[string]int{}, map[string]int{}
		for _, l := range mine {
			n, kgs := strconv.Itoa(l.Items), weightKg(l.WeightG)
			if l.Items == 0 && l.WeightG == 0 {
				n, kgs = "", "" // surcharges and rate adjustments count no items
			}
			rows = append(rows, Row{Cells: []string{categoryLabel(l.Kind, l.Category), strconv.Itoa(l.Entries), n, kgs,
				money(l.Amount, l.Currency), l.Currency}})
			sub.Add(l.Currency, l.Amount)
			items[l.Currency] += l.Items
			weight[l.Currency] += l.WeightG
		}
		for _, c := range currencies(sub) {
			n, kgs := strconv.Itoa(items[c]), weightKg(weight[c])
			if items[c] == 0 && weight[c] == 0 {
				n, kgs = "", ""
			}
			rows = append(rows, Row{Bold: true, Cells: []string{"Subtotal", "", n, kgs, money(sub[c], c), c}})
		}
	}
	if len(rows) == 0 {
		rows = append(rows, Row{Shade: true, Cells: []string{"No charges in the period"}})
	}
	return rows
}

func statementDue(s accounting.Statement) []string {
	var out []string
	for _, b := range s.Balances {
		switch b.Net.Sign() {
		case -1:
			out = append(out, fmt.Sprintf("%s owes %s %s %s", s.Home.Code(), s.Party.Code(), money(b.Net.Neg(), b.Currency), b.Currency))
		case 1:
			out = append(out, fmt.Sprintf("%s owes %s %s %s", s.Party.Code(), s.Home.Code(), money(b.Net, b.Currency), b.Currency))
		default:
			out = append(out, fmt.Sprintf("Settled: nothing owed in %s", b.Currency))
		}
	}
	return out
}

func balanceBlock(s accounting.Statement) Block {
	b := Block{Title: "Balance", Columns: []Column{{Title: "Currency", Width: 16},
		{Title: "Payable by " + s.Home.Code(), Width: 34, Right: true}, {Title: "Receivable from " + s.Party.Code(), Width: 34, Right: true},
		{Title: "Net (+ owed to " + s.Home.Code() + ")", Width: 34, Right: true}}}
	for _, x := range s.Balances {
		b.Rows = append(b.Rows, Row{Cells: []string{x.Currency, money(x.Payable, x.Currency), money(x.Receivable, x.Currency), money(x.Net, x.Currency)}})
	}
	return b
}

// unratedBlock lists facts not charged, so a statement never shows them as
// zero.
func unratedBlock(party accounting.Party, us []accounting.Unrated) Block {
	b := Block{Title: fmt.Sprintf("Not charged: %d facts of the period", len(us)), Warning: true}
	b.Text = append(b.Text, fmt.Sprintf("These facts owe %s something the ledger does not hold yet: the totals above leave them out. "+
		"Load the missing tariff rows or rate the period, then draw the statement again.", party.Code()))
	for i, u := range us {
		if i == 15 {
			b.Text = append(b.Text, fmt.Sprintf("… and %d more (see the CSV).", len(us)-i))
			break
		}
		b.Text = append(b.Text, fmt.Sprintf("%s %s %s: %s", u.At.Format(time.DateOnly), firstNonEmpty(u.Item, u.Dispatch), u.Kind, u.Reason))
	}
	return b
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func account(p accounting.Party, name, caption string) Account {
	a := Account{Caption: caption, Name: name, Code: string(p)}
	switch p.Kind() {
	case accounting.PartyPost:
		a.Lines = []string{"Designated postal operator, UPU member " + p.Country()}
	case accounting.PartyCarrier:
		a.Lines = []string{"Carrier (conveyance contract)"}
	case accounting.PartyMerchant:
		a.Lines = []string{"Merchant account " + p.Code()}
	}
	return a
}

func homeName(s accounting.Statement) string {
	if n, ok := postal.CountryName(s.Home.Country()); ok {
		return "Designated operator of " + n
	}
	return s.Home.Code()
}

// AccountStatement lays out a statement of account (between posts, or a
// carrier's conveyance statement) for WriteStatement.
func AccountStatement(s accounting.Statement) Statement {
	d := Statement{
		Title: "Statement of account", Number: s.Number, Issued: s.Issued, Facts: statementFacts(s), Due: statementDue(s),
		Issuer:    account(s.Home, homeName(s)+" ("+s.Home.Code()+")", "FROM"),
		Recipient: account(s.Party, s.PartyName, "TO"),
		Footer:    fmt.Sprintf("%s · %s · drawn through ledger entry %d · Interpost", s.Number, s.Party, s.Through),
	}
	if s.Party.Kind() == accounting.PartyCarrier {
		d.Title = "Conveyance statement"
	}
	d.Blocks = append(d.Blocks, Block{Title: "Charges by category", Columns: lineColumns, Rows: lineRows(s, s.Lines, true)})
	if len(s.Adjustments) > 0 {
		d.Blocks = append(d.Blocks, Block{Title: "Adjustments (re-rating; originals are never changed)", Columns: lineColumns, Rows: lineRows(s, s.Adjustments, false)})
	}
	d.Blocks = append(d.Blocks, balanceBlock(s))
	if len(s.Inbound) > 0 {
		d.Blocks = append(d.Blocks, inboundBlock(s))
	}
	if q := s.Quality; q != nil {
		d.Blocks = append(d.Blocks, qualityBlock(s.Party, *q))
	}
	if len(s.Unrated) > 0 {
		d.Blocks = append(d.Blocks, unratedBlock(s.Party, s.Unrated))
	}
	d.Blocks = append(d.Blocks, Block{Title: "Notes", Text: append([]string{
		"Amounts per item and per kilogram follow the tariff row named on each entry (file:line of the tariff version). Our items are dated by acceptance, partners' items by their verified receipt at our office of exchange (UTC).",
		accounting.RoundingNote,
	}, s.Notes...), Warning: len(s.Notes) > 0})
	if len(s.Entries) > 0 {
		d.Blocks = append(d.Blocks, entriesBlock(s.Entries))
	}
	return d
}

func entriesBlock(es []accounting.Entry) Block {
	b := Block{Title: "Entries", Columns: []Column{{Title: "Date", Width: 18}, {Title: "Basis", Width: 25},
		{Title: "Category", Width: 18}, {Title: "kg", Width: 10, Right: true}, {Title: "Rate", Width: 61},
		{Title: "Amount", Width: 16, Right: true}, {Title: "Cur", Width: 8}}}
	for _, e := range es {
		basis := firstNonEmpty(e.Item, e.Consignment, e.Dispatch)
		cat := e.Category
		if e.Revision > 0 {
			cat = "adj. " + cat
		}
		b.Rows = append(b.Rows, Row{Cells: []string{e.At.Format(time.DateOnly), basis, cat, weightKg(e.WeightG), e.Rate,
			money(e.Amount, e.Currency), e.Currency}})
	}
	return b
}

// MerchantInvoice lays out a merchant's invoice for WriteStatement.
func MerchantInvoice(inv accounting.Invoice) Statement {
	s := inv.Statement
	d := Statement{
		Title: "Invoice", Number: s.Number, Issued: s.Issued, Facts: append(statementFacts(s), [2]string{"Terms", "payable within 30 days"}),
		Issuer:    account(s.Home, homeName(s)+" ("+s.Home.Code()+")", "FROM"),
		Recipient: account(s.Party, s.PartyName, "BILL TO"),
		Footer:    fmt.Sprintf("%s · %s · drawn through ledger entry %d · Interpost", s.Number, s.Party, s.Through),
	}
	for _, b := range s.Balances {
		d.Due = append(d.Due, fmt.Sprintf("Amount due %s %s", money(b.Net, b.Currency), b.Currency))
	}
	items := Block{Title: fmt.Sprintf("Items (%d)", len(inv.Items)), Columns: []Column{{Title: "Date", Width: 16},
		{Title: "Item", Width: 23}, {Title: "Product", Width: 30}, {Title: "To", Width: 6}, {Title: "Zone", Width: 7},
		{Title: "Weight g", Width: 13, Right: true}, {Title: "Postage", Width: 15, Right: true}, {Title: "Surcharges", Width: 16, Right: true},
		{Title: "Amount", Width: 16, Right: true}, {Title: "Cur", Width: 8}}}
	sum := accounting.Totals{}
	for _, l := range inv.Items {
		items.Rows = append(items.Rows, Row{Cells: []string{l.Date.Format(time.DateOnly), l.Item, l.Product, l.Dest, l.Zone,
			strconv.Itoa(l.WeightG), money(l.Postage, l.Currency), money(l.Surcharges, l.Currency), money(l.Amount, l.Currency), l.Currency}})
		sum.Add(l.Currency, l.Amount)
	}
	for _, c := range currencies(sum) {
		items.Rows = append(items.Rows, Row{Bold: true, Cells: []string{"Total items", "", "", "", "", "", "", "", money(sum[c], c), c}})
	}
	d.Blocks = append(d.Blocks, Block{Title: "Summary", Columns: lineColumns, Rows: lineRows(s, s.Lines, true)})
	if len(inv.Corrections) > 0 {
		d.Blocks = append(d.Blocks, Block{Title: "Corrections (re-rating)", Columns: lineColumns, Rows: lineRows(s, s.Adjustments, false)})
	}
	if len(s.Unrated) > 0 {
		d.Blocks = append(d.Blocks, unratedBlock(s.Party, s.Unrated))
	}
	d.Blocks = append(d.Blocks, Block{Title: "Notes", Text: []string{
		"Postage follows the price list named on each line (merchant-prices.csv); surcharges: fuel as a percentage of postage, remote-area and DDP handling per item.",
		accounting.RoundingNote,
	}})
	d.Blocks = append(d.Blocks, items)
	return d
}

// inboundBlock lists what the partner post sent us, from the verified
// receipt.
func inboundBlock(s accounting.Statement) Block {
	b := Block{Title: fmt.Sprintf("Received from %s (verified receipt)", s.Party.Code()), Columns: []Column{{Title: "Month", Width: 20},
		{Title: "Class", Width: 30}, {Title: "Format", Width: 20}, {Title: "Items", Width: 30, Right: true}, {Title: "Weight (kg)", Width: 30, Right: true}}}
	items, weight := 0, 0
	for _, st := range s.Inbound {
		class := st.Class
		if len(class) == 1 {
			class = postal.MailClass(class[0]).String()
		}
		b.Rows = append(b.Rows, Row{Cells: []string{st.Month, class, st.Format, strconv.Itoa(st.Items), weightKg(st.WeightG)}})
		items += st.Items
		weight += st.WeightG
	}
	b.Rows = append(b.Rows, Row{Bold: true, Cells: []string{"Total", "", "", strconv.Itoa(items), weightKg(weight)}})
	return b
}

// qualityBlock shows the quality-linked conditions of the partner's mail.
func qualityBlock(party accounting.Party, q accounting.PartnerQuality) Block {
	pct := func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + " %" }
	met := "not met"
	if q.Met {
		met = "met"
	}
	return Block{Title: "Quality-linked conditions (items of " + party.Code() + " that arrived in the period)", Columns: []Column{{Title: "Measure", Width: 80},
		{Title: "Items", Width: 25, Right: true}, {Title: "Of", Width: 25, Right: true}, {Title: "Share", Width: 25, Right: true}},
		Rows: []Row{
			{Cells: []string{"Delivered (EMH/EMI) within the delivery standard", strconv.Itoa(q.Within), strconv.Itoa(q.Final), pct(q.WithinShare)}},
			{Cells: []string{"Arrival (EMD) returned to the origin within 24 h", strconv.Itoa(q.ArrivalSent), strconv.Itoa(q.Arrived), pct(q.ArrivalPct)}},
			{Cells: []string{"Delivery (EMH/EMI) returned to the origin within 24 h", strconv.Itoa(q.FinalSent), strconv.Itoa(q.Final), pct(q.FinalPct)}},
			{Bold: true, Cells: []string{"Registered supplement: both 24 h shares at least 56 %", "", "", met}},
		}}
}
