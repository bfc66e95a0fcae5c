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
	"github.com/interpost/interpost/i18n"
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

func statementFacts(w words, s accounting.Statement) [][2]string {
	return [][2]string{
		{w.t("st.period"), w.t("st.period_value", "From", s.From, "To", s.To)},
		{w.t("st.issued"), s.Issued.Format(time.DateOnly)},
		{w.t("st.drawn_through"), w.t("st.ledger_entry", "N", strconv.FormatInt(s.Through, 10))},
		{w.t("st.tariffs"), strings.Join(s.Tariffs, ", ")},
	}
}

func categoryLabel(w words, k accounting.Kind, category string) string {
	switch k {
	case accounting.KindTerminalDues:
		return w.t("st.cat.terminal_dues", "Category", category)
	case accounting.KindLandRate:
		return w.t("st.cat.land_rate")
	case accounting.KindEMS:
		return w.t("st.cat.ems")
	case accounting.KindPostage:
		return w.t("st.cat.postage", "Category", category)
	}
	return k.Label() + ", " + category
}

func lineColumns(w words) []Column {
	return []Column{{Title: w.t("st.col.category"), Width: 62}, {Title: w.t("st.col.entries"), Width: 14, Right: true},
		{Title: w.t("st.col.items"), Width: 14, Right: true}, {Title: w.t("st.col.weight_kg"), Width: 20, Right: true},
		{Title: w.t("st.col.amount"), Width: 24, Right: true}, {Title: w.t("st.col.currency"), Width: 14}}
}

// lineRows lays out lines by direction with a subtotal per currency.
func lineRows(w words, s accounting.Statement, lines []accounting.StatementLine, bothWays bool) []Row {
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
				rows = append(rows, Row{Shade: true, Cells: []string{w.t("st.owed_none", "Debtor", dir[0].Code(), "Creditor", dir[1].Code())}})
			}
			continue
		}
		rows = append(rows, Row{Shade: true, Cells: []string{w.t("st.owed", "Debtor", dir[0].Code(), "Creditor", dir[1].Code())}})
		sub := accounting.Totals{}
		items, weight := map[string]int{}, map[string]int{}
		for _, l := range mine {
			n, kgs := strconv.Itoa(l.Items), weightKg(l.WeightG)
			if l.Items == 0 && l.WeightG == 0 {
				n, kgs = "", "" // surcharges and rate adjustments count no items
			}
			rows = append(rows, Row{Cells: []string{categoryLabel(w, l.Kind, l.Category), strconv.Itoa(l.Entries), n, kgs,
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
			rows = append(rows, Row{Bold: true, Cells: []string{w.t("st.subtotal"), "", n, kgs, money(sub[c], c), c}})
		}
	}
	if len(rows) == 0 {
		rows = append(rows, Row{Shade: true, Cells: []string{w.t("st.no_charges")}})
	}
	return rows
}

func statementDue(w words, s accounting.Statement) []string {
	var out []string
	for _, b := range s.Balances {
		switch b.Net.Sign() {
		case -1:
			out = append(out, w.t("st.owes", "Debtor", s.Home.Code(), "Creditor", s.Party.Code(), "Amount", money(b.Net.Neg(), b.Currency), "Currency", b.Currency))
		case 1:
			out = append(out, w.t("st.owes", "Debtor", s.Party.Code(), "Creditor", s.Home.Code(), "Amount", money(b.Net, b.Currency), "Currency", b.Currency))
		default:
			out = append(out, w.t("st.settled", "Currency", b.Currency))
		}
	}
	return out
}

func balanceBlock(w words, s accounting.Statement) Block {
	b := Block{Title: w.bi("st.balance"), Columns: []Column{{Title: w.t("st.col.currency"), Width: 16},
		{Title: w.t("st.payable_by", "Party", s.Home.Code()), Width: 34, Right: true}, {Title: w.t("st.receivable_from", "Party", s.Party.Code()), Width: 34, Right: true},
		{Title: w.t("st.net", "Party", s.Home.Code()), Width: 34, Right: true}}}
	for _, x := range s.Balances {
		b.Rows = append(b.Rows, Row{Cells: []string{x.Currency, money(x.Payable, x.Currency), money(x.Receivable, x.Currency), money(x.Net, x.Currency)}})
	}
	return b
}

// unratedBlock lists facts not charged, so a statement never shows them as
// zero.
func unratedBlock(w words, party accounting.Party, us []accounting.Unrated) Block {
	b := Block{Title: w.t("st.unrated", "N", len(us)), Warning: true}
	b.Text = append(b.Text, w.t("st.unrated_text", "Party", party.Code()))
	for i, u := range us {
		if i == 15 {
			b.Text = append(b.Text, w.t("st.unrated_more", "N", len(us)-i))
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

func account(w words, p accounting.Party, name, caption string) Account {
	a := Account{Caption: caption, Name: name, Code: string(p)}
	switch p.Kind() {
	case accounting.PartyPost:
		a.Lines = []string{w.t("st.party.post", "Country", p.Country())}
	case accounting.PartyCarrier:
		a.Lines = []string{w.t("st.party.carrier")}
	case accounting.PartyMerchant:
		a.Lines = []string{w.t("st.party.merchant", "Code", p.Code())}
	}
	return a
}

func homeName(w words, s accounting.Statement) string {
	if n, ok := postal.CountryName(s.Home.Country()); ok {
		if !w.english() {
			n = w.l.Country(s.Home.Country())
		}
		return w.t("st.home", "Country", n)
	}
	return s.Home.Code()
}

// AccountStatement lays out a statement of account (between posts, or a
// carrier's conveyance statement) for WriteStatement, in the language of
// the user who asks for it (l; nil = English): titles in it beside the
// English (statements go to other posts), the rest in it. The ledger's own
// texts (rate descriptions, the rounding note, unrated reasons) stay as the
// ledger holds them.
func AccountStatement(s accounting.Statement, l *i18n.Localizer) Statement {
	w := wordsFor(l)
	cols := lineColumns(w)
	d := Statement{
		Title: w.bi("st.title.statement"), Number: s.Number, Issued: s.Issued, Facts: statementFacts(w, s), Due: statementDue(w, s),
		Issuer:    account(w, s.Home, homeName(w, s)+" ("+s.Home.Code()+")", w.t("st.from")),
		Recipient: account(w, s.Party, s.PartyName, w.t("st.to")),
		Footer:    w.t("st.footer", "Number", s.Number, "Party", string(s.Party), "Through", s.Through),
		Lang:      l,
	}
	if s.Party.Kind() == accounting.PartyCarrier {
		d.Title = w.bi("st.title.conveyance")
	}
	d.Blocks = append(d.Blocks, Block{Title: w.bi("st.charges"), Columns: cols, Rows: lineRows(w, s, s.Lines, true)})
	if len(s.Adjustments) > 0 {
		d.Blocks = append(d.Blocks, Block{Title: w.t("st.adjustments"), Columns: cols, Rows: lineRows(w, s, s.Adjustments, false)})
	}
	d.Blocks = append(d.Blocks, balanceBlock(w, s))
	if len(s.Inbound) > 0 {
		d.Blocks = append(d.Blocks, inboundBlock(w, s))
	}
	if q := s.Quality; q != nil {
		d.Blocks = append(d.Blocks, qualityBlock(w, s.Party, *q))
	}
	if len(s.Unrated) > 0 {
		d.Blocks = append(d.Blocks, unratedBlock(w, s.Party, s.Unrated))
	}
	d.Blocks = append(d.Blocks, Block{Title: w.t("st.notes"), Text: append([]string{
		w.t("st.note_tariff"),
		accounting.RoundingNote,
	}, s.Notes...), Warning: len(s.Notes) > 0})
	if len(s.Entries) > 0 {
		d.Blocks = append(d.Blocks, entriesBlock(w, s.Entries))
	}
	return d
}

func entriesBlock(w words, es []accounting.Entry) Block {
	b := Block{Title: w.t("st.entries"), Columns: []Column{{Title: w.t("st.col.date"), Width: 18}, {Title: w.t("st.col.basis"), Width: 25},
		{Title: w.t("st.col.category"), Width: 18}, {Title: w.t("st.col.kg"), Width: 10, Right: true}, {Title: w.t("st.col.rate"), Width: 61},
		{Title: w.t("st.col.amount"), Width: 16, Right: true}, {Title: w.t("st.col.cur"), Width: 8}}}
	for _, e := range es {
		basis := firstNonEmpty(e.Item, e.Consignment, e.Dispatch)
		cat := e.Category
		if e.Revision > 0 {
			cat = w.t("st.adj", "Category", cat)
		}
		b.Rows = append(b.Rows, Row{Cells: []string{e.At.Format(time.DateOnly), basis, cat, weightKg(e.WeightG), e.Rate,
			money(e.Amount, e.Currency), e.Currency}})
	}
	return b
}

// MerchantInvoice lays out a merchant's invoice for WriteStatement, in the
// language of the user who asks for it (l; nil = English).
func MerchantInvoice(inv accounting.Invoice, l *i18n.Localizer) Statement {
	s := inv.Statement
	w := wordsFor(l)
	cols := lineColumns(w)
	d := Statement{
		Title: w.t("st.title.invoice"), Number: s.Number, Issued: s.Issued, Facts: append(statementFacts(w, s), [2]string{w.t("st.terms"), w.t("st.terms_30")}),
		Issuer:    account(w, s.Home, homeName(w, s)+" ("+s.Home.Code()+")", w.t("st.from")),
		Recipient: account(w, s.Party, s.PartyName, w.t("st.bill_to")),
		Footer:    w.t("st.footer", "Number", s.Number, "Party", string(s.Party), "Through", s.Through),
		Lang:      l,
	}
	for _, b := range s.Balances {
		d.Due = append(d.Due, w.t("st.amount_due", "Amount", money(b.Net, b.Currency), "Currency", b.Currency))
	}
	items := Block{Title: w.t("st.items", "N", len(inv.Items)), Columns: []Column{{Title: w.t("st.col.date"), Width: 16},
		{Title: w.t("st.col.item"), Width: 23}, {Title: w.t("st.col.product"), Width: 30}, {Title: w.t("st.col.to"), Width: 6}, {Title: w.t("st.col.zone"), Width: 7},
		{Title: w.t("st.col.weight_g"), Width: 13, Right: true}, {Title: w.t("st.col.postage"), Width: 15, Right: true}, {Title: w.t("st.col.surcharges"), Width: 16, Right: true},
		{Title: w.t("st.col.amount"), Width: 16, Right: true}, {Title: w.t("st.col.cur"), Width: 8}}}
	sum := accounting.Totals{}
	for _, l := range inv.Items {
		items.Rows = append(items.Rows, Row{Cells: []string{l.Date.Format(time.DateOnly), l.Item, l.Product, l.Dest, l.Zone,
			strconv.Itoa(l.WeightG), money(l.Postage, l.Currency), money(l.Surcharges, l.Currency), money(l.Amount, l.Currency), l.Currency}})
		sum.Add(l.Currency, l.Amount)
	}
	for _, c := range currencies(sum) {
		items.Rows = append(items.Rows, Row{Bold: true, Cells: []string{w.t("st.total_items"), "", "", "", "", "", "", "", money(sum[c], c), c}})
	}
	d.Blocks = append(d.Blocks, Block{Title: w.t("st.summary"), Columns: cols, Rows: lineRows(w, s, s.Lines, true)})
	if len(inv.Corrections) > 0 {
		d.Blocks = append(d.Blocks, Block{Title: w.t("st.corrections"), Columns: cols, Rows: lineRows(w, s, s.Adjustments, false)})
	}
	if len(s.Unrated) > 0 {
		d.Blocks = append(d.Blocks, unratedBlock(w, s.Party, s.Unrated))
	}
	d.Blocks = append(d.Blocks, Block{Title: w.t("st.notes"), Text: []string{
		w.t("st.note_prices"),
		accounting.RoundingNote,
	}})
	d.Blocks = append(d.Blocks, items)
	return d
}

// inboundBlock lists what the partner post sent us, from the verified
// receipt.
func inboundBlock(w words, s accounting.Statement) Block {
	b := Block{Title: w.t("st.received_from", "Party", s.Party.Code()), Columns: []Column{{Title: w.t("st.col.month"), Width: 20},
		{Title: w.t("st.col.class"), Width: 30}, {Title: w.t("st.col.format"), Width: 20}, {Title: w.t("st.col.items"), Width: 30, Right: true}, {Title: w.t("st.col.weight_kg"), Width: 30, Right: true}}}
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
	b.Rows = append(b.Rows, Row{Bold: true, Cells: []string{w.t("st.total"), "", "", strconv.Itoa(items), weightKg(weight)}})
	return b
}

// qualityBlock shows the quality-linked conditions of the partner's mail.
func qualityBlock(w words, party accounting.Party, q accounting.PartnerQuality) Block {
	pct := func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + " %" }
	met := w.t("st.q.not_met")
	if q.Met {
		met = w.t("st.q.met")
	}
	return Block{Title: w.t("st.quality", "Party", party.Code()), Columns: []Column{{Title: w.t("st.col.measure"), Width: 80},
		{Title: w.t("st.col.items"), Width: 25, Right: true}, {Title: w.t("st.col.of"), Width: 25, Right: true}, {Title: w.t("st.col.share"), Width: 25, Right: true}},
		Rows: []Row{
			{Cells: []string{w.t("st.q.within"), strconv.Itoa(q.Within), strconv.Itoa(q.Final), pct(q.WithinShare)}},
			{Cells: []string{w.t("st.q.arrival"), strconv.Itoa(q.ArrivalSent), strconv.Itoa(q.Arrived), pct(q.ArrivalPct)}},
			{Cells: []string{w.t("st.q.delivery"), strconv.Itoa(q.FinalSent), strconv.Itoa(q.Final), pct(q.FinalPct)}},
			{Bold: true, Cells: []string{w.t("st.q.supplement"), "", "", met}},
		}}
}
