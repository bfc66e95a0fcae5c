package risk

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// DutyTable is one destination country's duties and taxes, amounts in the
// table's currency.
type DutyTable struct {
	Country       string
	Currency      string
	DeMinimis     decimal.Decimal // customs value at or below which no duty is due
	VATDeMinimis  decimal.Decimal // customs value at or below which no import VAT is due
	VAT           decimal.Decimal // VAT/GST rate, 0.19 = 19 %
	DutyDefault   decimal.Decimal // duty rate for goods no prefix names
	GiftAllowance decimal.Decimal // gifts worth up to this pay nothing (0 = no allowance)
	IOSS          bool            // EU Import One-Stop Shop applies
	IOSSLimit     decimal.Decimal // IOSS covers consignments up to this value (EUR 150)
	// PostalArticles: personal postal articles pay one tax at the line
	// rates instead of duty and VAT, waived up to TaxWaiver; parcels over
	// PostalValueLimit (0 = none) are noted.
	PostalArticles   bool
	TaxWaiver        decimal.Decimal
	PostalValueLimit decimal.Decimal
	// CBECFactor (0 = none): e-commerce retail imports up to CBECLimit pay
	// no duty and this share of the VAT.
	CBECFactor decimal.Decimal
	CBECLimit  decimal.Decimal
	rates      []dutyRate // by HS prefix, longest first
}

type dutyRate struct {
	prefix string
	rate   decimal.Decimal
}

func compileDuties(specs []DutySpec) map[string]*DutyTable {
	out := map[string]*DutyTable{}
	for _, s := range specs {
		countries := s.Countries
		if s.Country != "" {
			countries = append([]string{s.Country}, countries...)
		}
		for _, c := range countries {
			t := &DutyTable{
				Country: c, Currency: s.Currency,
				DeMinimis: dec(s.DeMinimis), VATDeMinimis: dec(s.VATDeMinimis), VAT: dec(s.VAT),
				DutyDefault: dec(s.DutyDefault), GiftAllowance: dec(s.GiftAllowance), IOSS: s.IOSS, IOSSLimit: dec(s.IOSSLimit),
				PostalArticles: s.PostalArticles, TaxWaiver: dec(s.TaxWaiver), PostalValueLimit: dec(s.PostalValueLimit),
				CBECFactor: dec(s.CBECFactor), CBECLimit: dec(s.CBECLimit),
			}
			if t.IOSS && t.IOSSLimit.IsZero() {
				t.IOSSLimit = decimal.NewFromInt(150)
			}
			for p, r := range s.Duty {
				t.rates = append(t.rates, dutyRate{prefix: strings.ReplaceAll(p, ".", ""), rate: dec(r)})
			}
			sort.Slice(t.rates, func(i, j int) bool {
				if len(t.rates[i].prefix) != len(t.rates[j].prefix) {
					return len(t.rates[i].prefix) > len(t.rates[j].prefix)
				}
				return t.rates[i].prefix < t.rates[j].prefix
			})
			out[c] = t
		}
	}
	return out
}

func dec(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }

// Rate returns the duty rate for an HS code: the longest matching prefix,
// else the default.
func (t *DutyTable) Rate(hs string) decimal.Decimal {
	for _, r := range t.rates {
		if strings.HasPrefix(hs, r.prefix) {
			return r.rate
		}
	}
	return t.DutyDefault
}
