package risk

import (
	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
)

// Money converts declared values with the operator's rates table into SDR and
// into the reference currency the rules are written in.
type Money struct {
	Rates     postal.Rates
	Reference string // ISO 4217; "" or XDR means SDR
}

// ToSDR converts an amount to SDR.
func (m Money) ToSDR(amount decimal.Decimal, currency string) (decimal.Decimal, error) {
	return m.Rates.ToSDR(amount, currency)
}

// FromSDR converts an SDR amount to currency, rounded to its minor units.
func (m Money) FromSDR(sdr decimal.Decimal, currency string) (decimal.Decimal, error) {
	if currency == postal.SDR || currency == "" {
		return sdr.Round(2), nil
	}
	per, ok := m.Rates.PerSDR[currency]
	if !ok || per.IsZero() {
		return decimal.Decimal{}, postal.Errorf(postal.CodeInvalid, "no exchange rate for %s in the rates table", currency)
	}
	return sdr.Mul(per).Round(minor(currency)), nil
}

// Ref returns the reference currency code: Reference, or XDR when it is
// empty.
func (m Money) Ref() string {
	if m.Reference == "" {
		return postal.SDR
	}
	return m.Reference
}

func minor(currency string) int32 {
	if u, ok := postal.CurrencyMinorUnits(currency); ok {
		return int32(u)
	}
	return 2
}
