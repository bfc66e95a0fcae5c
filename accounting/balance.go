package accounting

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
)

// PartyBalance is what a party and the home post owe each other in one
// currency over a period, summed from the ledger.
type PartyBalance struct {
	Party      Party           `json:"party"`
	Currency   string          `json:"currency"`
	Entries    int             `json:"entries"`
	Payable    decimal.Decimal `json:"payable" doc:"Owed by the home post to the party"`
	Receivable decimal.Decimal `json:"receivable" doc:"Owed by the party to the home post"`
	Net        decimal.Decimal `json:"net" doc:"Receivable − payable"`
}

// MarshalJSON writes amounts with the currency's decimals.
func (b PartyBalance) MarshalJSON() ([]byte, error) {
	type plain PartyBalance
	return fixAmounts(plain(b), b.Currency, "payable", "receivable", "net")
}

// Balances sums the period's ledger per party (other than the home post)
// and currency: balances are sums of entries, never stored.
func (s *Service) Balances(ctx context.Context, who auth.Principal, p Period) ([]PartyBalance, error) {
	if err := allow(who, auth.RoleAdmin, auth.RoleOperator); err != nil {
		return nil, err
	}
	entries, err := s.allEntries(ctx, EntryFilter{From: p.From, To: p.To})
	if err != nil {
		return nil, err
	}
	home := s.Home()
	m := map[[2]string]*PartyBalance{}
	for _, e := range entries {
		other := e.Debtor
		if other == home {
			other = e.Creditor
		}
		k := [2]string{string(other), e.Currency}
		b := m[k]
		if b == nil {
			b = &PartyBalance{Party: other, Currency: e.Currency}
			m[k] = b
		}
		b.Entries++
		switch {
		case e.Creditor == other:
			b.Payable = b.Payable.Add(e.Amount)
		default:
			b.Receivable = b.Receivable.Add(e.Amount)
		}
	}
	out := make([]PartyBalance, 0, len(m))
	for _, b := range m {
		b.Net = b.Receivable.Sub(b.Payable)
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b PartyBalance) int {
		return compareStrings(string(a.Party)+"|"+a.Currency, string(b.Party)+"|"+b.Currency)
	})
	return out, nil
}
