package postal

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// SDR is the ISO 4217 code of the IMF special drawing right, the unit in which
// the UPU Acts state value limits (e.g. the 300 SDR CN 22 ceiling).
const SDR = "XDR"

// ParseAmount parses a decimal money amount given as text ("24.00"). It
// rejects negative amounts and more decimal places than the currency has.
func ParseAmount(s, currency string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal amount (write it like \"24.00\")", s)
	}
	if d.IsNegative() {
		return decimal.Decimal{}, fmt.Errorf("%s is negative", s)
	}
	if units, ok := CurrencyMinorUnits(currency); ok && -d.Exponent() > int32(units) && !d.Equal(d.Round(int32(units))) {
		return decimal.Decimal{}, fmt.Errorf("%s has more than %d decimal places for %s", s, units, currency)
	}
	return d, nil
}

// FormatMoney writes an amount as the API's decimal string: rounded half
// away from zero to the currency's minor units ("6.50" in CNY, "650" in
// JPY), with exactly that many decimals. Unknown currencies get 2.
func FormatMoney(amount decimal.Decimal, currency string) string {
	units, ok := CurrencyMinorUnits(currency)
	if !ok {
		units = 2
	}
	return amount.StringFixed(int32(units))
}

// Rates converts amounts to SDR. Each entry is the value of one unit of the
// currency in SDR, as published by the IMF for the date AsOf.
type Rates struct {
	AsOf   time.Time
	PerSDR map[string]decimal.Decimal // currency → currency units per 1 SDR
}

// ErrNoRate is returned (wrapped) when a currency has no rate in the table.
var ErrNoRate = Errorf(CodeInvalid, "no exchange rate for this currency")

// ToSDR converts amount in currency to SDR, rounded to 4 decimal places.
func (r Rates) ToSDR(amount decimal.Decimal, currency string) (decimal.Decimal, error) {
	if currency == SDR {
		return amount, nil
	}
	per, ok := r.PerSDR[currency]
	if !ok || per.IsZero() {
		return decimal.Decimal{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("no exchange rate for %s in the rates table of %s", currency, r.AsOf.Format(time.DateOnly)), Err: ErrNoRate}
	}
	return amount.DivRound(per, 4), nil
}

// FromSDR converts an amount in SDR to currency at the table's rate,
// unrounded (round to the currency's minor units where it is paid).
func (r Rates) FromSDR(sdr decimal.Decimal, currency string) (decimal.Decimal, error) {
	if currency == SDR {
		return sdr, nil
	}
	per, ok := r.PerSDR[currency]
	if !ok || per.IsZero() {
		return decimal.Decimal{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("no exchange rate for %s in the rates table of %s", currency, r.AsOf.Format(time.DateOnly)), Err: ErrNoRate}
	}
	return sdr.Mul(per), nil
}

// Currencies lists the currencies the table can convert, sorted.
func (r Rates) Currencies() []string {
	out := make([]string, 0, len(r.PerSDR)+1)
	out = append(out, SDR)
	for c := range r.PerSDR {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// DefaultRates is a built-in table of currency units per SDR, close to the
// IMF representative rates of November 2026 for the currencies our merchants
// and partner posts use most. Operators load the official table of the day
// (customs issue); this one keeps a fresh install and the demo working.
func DefaultRates() Rates {
	m := map[string]string{
		"USD": "1.3650", "EUR": "1.1790", "CNY": "9.7400", "GBP": "1.0280",
		"JPY": "206.50", "HKD": "10.6200", "KRW": "1890.0", "RUB": "121.00",
		"KZT": "690.00", "PLN": "5.0900", "CHF": "1.1080", "AUD": "2.0800",
		"CAD": "1.8900", "SGD": "1.7600", "AED": "5.0130", "TRY": "56.200",
		"BRL": "7.6400", "INR": "118.40", "MYR": "5.9900", "THB": "45.100",
		"UZS": "17150", "KGS": "119.30", "MNT": "4690.0", "BYN": "4.4600",
		"CZK": "28.800", "HUF": "455.00", "SEK": "13.700", "NOK": "14.600",
		"DKK": "8.7900", "NZD": "2.3300", "MXN": "25.100", "ZAR": "24.200",
		"SAR": "5.1190", "ILS": "4.9800", "VND": "35500", "IDR": "22400",
		"PHP": "80.300", "TWD": "42.600",
	}
	per := make(map[string]decimal.Decimal, len(m))
	for c, v := range m {
		per[c] = decimal.RequireFromString(v)
	}
	return Rates{AsOf: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), PerSDR: per}
}
