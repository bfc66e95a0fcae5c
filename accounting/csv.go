package accounting

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// StatementCSVHeader is the header of a statement's CSV. The line column
// says what a row is: entry (one ledger entry; the entry rows sum to the
// statement), summary (a category's sum of originals), adjustment (a
// category's sum of adjusting entries), balance (per currency: payable,
// receivable, net) and unrated (a fact not charged).
var StatementCSVHeader = []string{"line", "debtor", "creditor", "kind", "category", "date", "item", "dispatch", "consignment",
	"service", "items", "weight_kg", "amount", "currency", "seq", "revision", "tariff", "rate", "reason", "basis"}

// csvWriter returns a writer whose rec keeps the first error, and done,
// which flushes and returns it.
func csvWriter(w io.Writer) (rec func(...string), done func() error) {
	cw := csv.NewWriter(w)
	var err error
	rec = func(fields ...string) {
		if err == nil {
			err = cw.Write(fields)
		}
	}
	done = func() error {
		cw.Flush()
		if err != nil {
			return err
		}
		return cw.Error()
	}
	return rec, done
}

func weightKg(g int) string { return kg(g).StringFixed(3) }

// WriteStatementCSV writes st (with its entries, when drawn with them).
func WriteStatementCSV(w io.Writer, st Statement) error {
	rec, done := csvWriter(w)
	rec(StatementCSVHeader...)
	for _, e := range st.Entries {
		rec("entry", string(e.Debtor), string(e.Creditor), string(e.Kind), e.Category, e.At.Format(time.DateOnly), e.Item, e.Dispatch,
			e.Consignment, e.Service, strconv.Itoa(e.Items), weightKg(e.WeightG), FormatAmount(e.Amount, e.Currency), e.Currency,
			strconv.FormatInt(e.Seq, 10), strconv.Itoa(e.Revision), e.TariffVersion+" "+e.TariffRow, e.Rate, e.Reason, e.Basis)
	}
	for _, group := range []struct {
		line  string
		lines []StatementLine
	}{{"summary", st.Lines}, {"adjustment", st.Adjustments}} {
		for _, l := range group.lines {
			rec(group.line, string(l.Debtor), string(l.Creditor), string(l.Kind), l.Category, "", "", "", "", "",
				strconv.Itoa(l.Items), weightKg(l.WeightG), FormatAmount(l.Amount, l.Currency), l.Currency, "", "", "", "", "", "")
		}
	}
	for _, b := range st.Balances {
		for _, x := range []struct {
			debtor, creditor Party
			kind             string
			amount           string
		}{
			{st.Home, st.Party, "payable", FormatAmount(b.Payable, b.Currency)},
			{st.Party, st.Home, "receivable", FormatAmount(b.Receivable, b.Currency)},
			{st.Party, st.Home, "net", FormatAmount(b.Net, b.Currency)},
		} {
			rec("balance", string(x.debtor), string(x.creditor), x.kind, "", "", "", "", "", "", "", "", x.amount, b.Currency, "", "", "", "", "", "")
		}
	}
	writeUnrated(rec, st.Unrated)
	return done()
}

func writeUnrated(rec func(...string), us []Unrated) {
	for _, u := range us {
		rec("unrated", "", string(u.Party), string(u.Kind), "", u.At.Format(time.DateOnly), u.Item, u.Dispatch, "", "", "", "", "", "", "", "", "", "", u.Reason, "")
	}
}

// InvoiceCSVHeader is the header of a merchant invoice's CSV: one item row
// per item and currency, correction rows for adjusting entries, total rows
// per currency and unrated rows. Item and correction rows sum to the
// totals.
var InvoiceCSVHeader = []string{"line", "date", "item", "product", "dest", "zone", "weight_g", "postage", "surcharges", "amount", "currency", "detail"}

// WriteInvoiceCSV writes an invoice.
func WriteInvoiceCSV(w io.Writer, inv Invoice) error {
	rec, done := csvWriter(w)
	rec(InvoiceCSVHeader...)
	for _, l := range inv.Items {
		rec("item", l.Date.Format(time.DateOnly), l.Item, l.Product, l.Dest, l.Zone, strconv.Itoa(l.WeightG),
			FormatAmount(l.Postage, l.Currency), FormatAmount(l.Surcharges, l.Currency), FormatAmount(l.Amount, l.Currency), l.Currency, l.Detail)
	}
	for _, e := range inv.Corrections {
		rec("correction", e.At.Format(time.DateOnly), e.Item, e.Product, e.Dest, "", strconv.Itoa(e.WeightG), "", "",
			FormatAmount(e.Amount, e.Currency), e.Currency, string(e.Kind)+" "+e.Category+": "+e.Reason)
	}
	for _, b := range inv.Balances {
		rec("total", "", "", "", "", "", "", "", "", FormatAmount(b.Net, b.Currency), b.Currency, "amount due from "+inv.Party.Code())
	}
	for _, u := range inv.Unrated {
		rec("unrated", u.At.Format(time.DateOnly), u.Item, "", "", "", "", "", "", "", "", u.Reason)
	}
	return done()
}
