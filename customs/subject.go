package customs

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/customs/risk"
)

// Screen runs the risk engine e on a declaration; prior summarises the
// earlier declarations to the same addressee (see ImportTx.Priors). A
// declaration Validate returned is screened from the numbers Validate
// computed; any other (one read back from storage) is converted with the
// engine's rates first.
func Screen(e *risk.Engine, d *Declaration, prior risk.Prior, now time.Time) risk.Screening {
	return e.Screen(d.subject(e.Money()), prior, now)
}

// subject returns what the risk engine reads of d.
func (d *Declaration) subject(m risk.Money) *risk.Subject {
	if d.facts != nil {
		return &d.facts.subject
	}
	lineSDR := make([]float64, len(d.Lines))
	total := 0.0
	for i, ln := range d.Lines {
		if v, err := decimal.NewFromString(ln.Value); err == nil {
			if s, err := m.ToSDR(v, d.Currency); err == nil {
				lineSDR[i] = s.InexactFloat64()
			}
		}
		total += lineSDR[i]
	}
	paid := 0.0
	if d.Ecommerce != nil && d.Ecommerce.TransactionValue != "" {
		if v, err := decimal.NewFromString(d.Ecommerce.TransactionValue); err == nil {
			if s, err := m.ToSDR(v, d.Currency); err == nil {
				paid = s.InexactFloat64()
			}
		}
	}
	s := newSubject(d, lineSDR, total, paid)
	return &s
}

// newSubject builds the engine's view of a declaration from its values in
// SDR: lineSDR per line, the total and what an e-commerce buyer paid.
func newSubject(d *Declaration, lineSDR []float64, totalSDR, paidSDR float64) risk.Subject {
	s := risk.Subject{ID: d.ID, Stream: string(d.Stream), Direction: string(d.Direction), Category: d.Category,
		Sender: riskParty(d.Sender), Addressee: riskParty(d.Addressee),
		Lines: make([]risk.Line, len(d.Lines)), ValueSDR: totalSDR, PaidSDR: paidSDR}
	if d.Ecommerce != nil {
		seller := riskParty(d.Ecommerce.Seller)
		s.Seller = &seller
	}
	if d.Postal != nil {
		s.Product = d.Postal.Product
	}
	for i, ln := range d.Lines {
		s.Lines[i] = risk.Line{Description: ln.Description, HSCode: ln.HSCode, Origin: ln.OriginCountry, Quantity: ln.Quantity, NetWeightG: ln.NetWeightG, ValueSDR: lineSDR[i]}
	}
	return s
}

func riskParty(p Party) risk.Party {
	return risk.Party{Name: p.Name, Company: p.Company, Country: p.Country}
}
