package accounting

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
)

// minorUnits returns the decimal places of currency (2 when unknown, which
// validation prevents).
func minorUnits(currency string) int32 {
	if n, ok := postal.CurrencyMinorUnits(currency); ok {
		return int32(n)
	}
	return 2
}

// Round rounds an amount to the minor units of its currency, half away from
// zero: the one rounding a charge gets, when it becomes a ledger entry.
func Round(amount decimal.Decimal, currency string) decimal.Decimal {
	return amount.Round(minorUnits(currency))
}

// RoundingNote states the rounding rules on every statement and invoice.
const RoundingNote = "Rounding: each charge is computed exactly from its tariff row (per item + per kg on the actual gross weight, " +
	"merchant prices on the weight rounded up to the band's step) and rounded once, half away from zero, to the currency's " +
	"minor units (SDR/XDR to 2 decimals); a percentage surcharge is taken of the rounded postage. Subtotals and totals are " +
	"sums of rounded entries and are not rounded again, so they equal the ledger to the cent."

// FormatAmount writes an amount with exactly its currency's decimals ("12.30").
func FormatAmount(amount decimal.Decimal, currency string) string {
	return amount.StringFixed(minorUnits(currency))
}

// toMinor turns a rounded amount into integer minor units (cents), the form
// the ledger stores so sums in SQL stay exact.
func toMinor(amount decimal.Decimal, currency string) int64 {
	return amount.Shift(minorUnits(currency)).Round(0).IntPart()
}

// fromMinor is the inverse of toMinor.
func fromMinor(units int64, currency string) decimal.Decimal {
	return decimal.New(units, -minorUnits(currency))
}

// ToMinor and FromMinor are toMinor and fromMinor for stores.
func ToMinor(amount decimal.Decimal, currency string) int64 { return toMinor(amount, currency) }

// FromMinor turns stored minor units back into an amount.
func FromMinor(units int64, currency string) decimal.Decimal { return fromMinor(units, currency) }

// Convert converts amount from one currency to another through the SDR
// rates table (units per SDR) and rounds the result once to the target
// currency's minor units, half away from zero.
func Convert(rates postal.Rates, amount decimal.Decimal, from, to string) (decimal.Decimal, error) {
	if from == to {
		return Round(amount, to), nil
	}
	per := func(c string) (decimal.Decimal, error) {
		if c == postal.SDR {
			return decimal.NewFromInt(1), nil
		}
		p, ok := rates.PerSDR[c]
		if !ok || !p.IsPositive() {
			return decimal.Decimal{}, postal.Errorf(postal.CodeInvalid, "no exchange rate for %s in the rates table of %s", c, rates.AsOf.Format("2006-01-02"))
		}
		return p, nil
	}
	pf, err := per(from)
	if err != nil {
		return decimal.Decimal{}, err
	}
	pt, err := per(to)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return Round(amount.Mul(pt).DivRound(pf, 12), to), nil
}

// Totals sums amounts per currency.
type Totals map[string]decimal.Decimal

// Add adds amount in currency.
func (t Totals) Add(currency string, amount decimal.Decimal) {
	t[currency] = t[currency].Add(amount)
}

// String writes the totals as "12.30 USD + 4.10 XDR", currencies sorted.
func (t Totals) String() string {
	s := ""
	for _, c := range sortedKeys(t) {
		if s != "" {
			s += " + "
		}
		s += fmt.Sprintf("%s %s", FormatAmount(t[c], c), c)
	}
	if s == "" {
		return "0"
	}
	return s
}

// fixAmounts rewrites the named decimal fields of a JSON object with the
// currency's decimals ("12.3" becomes "12.30"), keeping the fields' order.
func fixAmounts(v any, currency string, fields ...string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		key := []byte(`"` + f + `":"`)
		i := bytes.Index(b, key)
		if i < 0 {
			continue
		}
		start := i + len(key)
		end := bytes.IndexByte(b[start:], '"')
		if end < 0 {
			continue
		}
		d, err := decimal.NewFromString(string(b[start : start+end]))
		if err != nil {
			return nil, fmt.Errorf("amount %s: %w", f, err)
		}
		fixed := FormatAmount(d, currency)
		b = append(b[:start], append([]byte(fixed), b[start+end:]...)...)
	}
	return b, nil
}
