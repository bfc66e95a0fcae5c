package accounting

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
)

// InvoiceLine is one item on a merchant's invoice: its postage and
// surcharges in one currency.
type InvoiceLine struct {
	Date       time.Time       `json:"date"`
	Item       string          `json:"item"`
	Product    string          `json:"product"`
	Dest       string          `json:"dest"`
	Zone       string          `json:"zone"`
	WeightG    int             `json:"weight_g"`
	Postage    decimal.Decimal `json:"postage"`
	Surcharges decimal.Decimal `json:"surcharges"`
	Amount     decimal.Decimal `json:"amount"`
	Currency   string          `json:"currency"`
	Detail     string          `json:"detail,omitempty" doc:"Surcharges by code, e.g. FUEL 3.26"`
}

// MarshalJSON writes amounts with the currency's decimals.
func (l InvoiceLine) MarshalJSON() ([]byte, error) {
	type plain InvoiceLine
	return fixAmounts(plain(l), l.Currency, "postage", "surcharges", "amount")
}

// Invoice is a merchant's statement with one line per item.
type Invoice struct {
	Statement
	Items []InvoiceLine `json:"items"`
	// Corrections are the adjusting entries of the period (re-rating).
	Corrections []Entry `json:"corrections"`
}

// MarshalJSON keeps the statement's fields beside the items.
func (inv Invoice) MarshalJSON() ([]byte, error) {
	st, err := json.Marshal(inv.Statement)
	if err != nil {
		return nil, err
	}
	rest, err := json.Marshal(struct {
		Items       []InvoiceLine `json:"items"`
		Corrections []Entry       `json:"corrections"`
	}{inv.Items, inv.Corrections})
	if err != nil {
		return nil, err
	}
	// Join the two objects: {...statement, ...items}.
	return append(append(st[:len(st)-1:len(st)-1], ','), rest[1:]...), nil
}

// Invoice draws a merchant's invoice for a period from the ledger.
func (s *Service) Invoice(ctx context.Context, who auth.Principal, merchant string, p Period, through int64) (Invoice, error) {
	st, err := s.Statement(ctx, who, Merchant(merchant), p, StatementOptions{Through: through, Entries: true})
	if err != nil {
		return Invoice{}, err
	}
	inv := Invoice{Statement: st, Items: []InvoiceLine{}, Corrections: []Entry{}}
	type key struct{ item, currency string }
	idx := map[key]int{}
	for _, e := range st.Entries {
		if e.Revision > 0 {
			inv.Corrections = append(inv.Corrections, e)
			continue
		}
		k := key{e.Item, e.Currency}
		i, ok := idx[k]
		if !ok {
			i = len(inv.Items)
			idx[k] = i
			inv.Items = append(inv.Items, InvoiceLine{Date: e.At, Item: e.Item, Product: e.Product, Dest: e.Dest, Currency: e.Currency})
		}
		l := &inv.Items[i]
		switch e.Kind {
		case KindPostage:
			l.Postage = l.Postage.Add(e.Amount)
			l.Zone = strings.TrimPrefix(e.Category, "zone ")
			l.WeightG = e.WeightG
		default:
			l.Surcharges = l.Surcharges.Add(e.Amount)
			if l.Detail != "" {
				l.Detail += " + "
			}
			l.Detail += e.Category + " " + FormatAmount(e.Amount, e.Currency)
		}
		l.Amount = l.Amount.Add(e.Amount)
	}
	slices.SortStableFunc(inv.Items, func(a, b InvoiceLine) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return compareStrings(a.Item, b.Item)
	})
	inv.Entries = nil // the lines carry them
	return inv, nil
}
