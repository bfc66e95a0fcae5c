package customs

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/customs/risk"
)

// DutyLine is one line's duty.
type DutyLine struct {
	Line   int    `json:"line"`
	HSCode string `json:"hs_code,omitempty"`
	Value  string `json:"value"`
	Rate   string `json:"rate"`
	Duty   string `json:"duty"`
	// Currency repeats the assessment's, so each amount has its currency
	// beside it.
	Currency string `json:"currency" doc:"ISO 4217 currency of value and duty: the assessment's" example:"EUR"`
}

// Duty assessment kinds.
const (
	DutyEstimate = "estimate" // at acceptance, for DDP quotes
	DutyFinal    = "final"    // on import, when customs releases the item
)

// Duties is an assessment of duties and taxes on one item.
type Duties struct {
	Kind         string     `json:"kind" enum:"estimate,final"`
	Country      string     `json:"country"`
	Currency     string     `json:"currency"`
	CustomsValue string     `json:"customs_value"`
	Duty         string     `json:"duty"`
	VAT          string     `json:"vat"`
	Total        string     `json:"total"`
	PaidBy       string     `json:"paid_by" enum:"sender,addressee,none" doc:"sender for DDP items, addressee otherwise; none when nothing is due"`
	Lines        []DutyLine `json:"lines,omitempty"`
	Notes        []string   `json:"notes,omitempty" doc:"Why a relief applied, e.g. de minimis or IOSS"`
	RulesVersion string     `json:"rules_version"`
	RatesAsOf    string     `json:"rates_as_of"`
	AssessedAt   time.Time  `json:"assessed_at"`
}

// AssessDuties assesses duties and taxes on a validated declaration for its
// destination country with the duty tables of the rules in force. ok is
// false when the rules have no table for it.
func AssessDuties(e *risk.Engine, d *Declaration, kind string, now time.Time) (Duties, bool, error) {
	t, ok := e.DutyTable(d.DestCountry())
	if !ok {
		return Duties{}, false, nil
	}
	m := e.Money()
	cur := t.Currency
	units := minor(cur)
	out := Duties{Kind: kind, Country: t.Country, Currency: cur, RulesVersion: e.Version,
		RatesAsOf: m.Rates.AsOf.Format(time.DateOnly), AssessedAt: now.UTC()}
	value := decimal.Zero
	values := make([]decimal.Decimal, len(d.Lines))
	for i, ln := range d.Lines {
		v, err := decimal.NewFromString(ln.Value)
		if err != nil {
			return Duties{}, false, fmt.Errorf("line %d value %q: %w", i+1, ln.Value, err)
		}
		sdr, err := m.ToSDR(v, d.Currency)
		if err != nil {
			return Duties{}, false, err
		}
		if values[i], err = m.FromSDR(sdr, cur); err != nil {
			return Duties{}, false, err
		}
		value = value.Add(values[i])
	}
	out.CustomsValue = value.StringFixed(units)
	duty, vat := decimal.Zero, decimal.Zero
	switch {
	case d.Category == "gift" && t.GiftAllowance.IsPositive() && value.LessThanOrEqual(t.GiftAllowance):
		out.Notes = append(out.Notes, fmt.Sprintf("gift worth %s %s is within the %s %s gift allowance: nothing to pay", value.StringFixed(units), cur, t.GiftAllowance.StringFixed(units), cur))
	case t.PostalArticles && d.Stream == StreamPostal:
		duty = postalArticlesTax(&out, d, t, values, value)
	case t.CBECFactor.IsPositive() && d.Stream == StreamEcommerce && value.LessThanOrEqual(t.CBECLimit):
		vat = value.Mul(t.VAT).Mul(t.CBECFactor).Round(units)
		out.Notes = append(out.Notes, fmt.Sprintf("cross-border e-commerce retail import worth %s %s (≤ %s %s per transaction): no duty, %s of the import VAT; consumption tax not assessed; the annual limit per person is not checked",
			value.StringFixed(units), cur, t.CBECLimit.StringFixed(units), cur, t.CBECFactor.Mul(decimal.NewFromInt(100)).String()+" %"))
	default:
		if t.CBECFactor.IsPositive() && d.Stream == StreamEcommerce {
			out.Notes = append(out.Notes, fmt.Sprintf("e-commerce order worth %s %s is over the %s %s per-transaction limit: full duty and VAT", value.StringFixed(units), cur, t.CBECLimit.StringFixed(units), cur))
		}
		duty = lineDuties(&out, d, t, values, value)
		vat = importVAT(&out, d, t, value, duty)
	}
	total := duty.Add(vat)
	out.Duty, out.VAT, out.Total = duty.StringFixed(units), vat.StringFixed(units), total.StringFixed(units)
	switch {
	case total.IsZero():
		out.PaidBy = "none"
	case d.DDP:
		out.PaidBy = "sender"
		out.Notes = append(out.Notes, "delivered duty paid: the sender is billed")
	default:
		out.PaidBy = "addressee"
	}
	return out, true, nil
}

// postalArticlesTax is the tax on personal postal articles: each line's
// value at its band rate, one tax in place of duty and VAT, waived when it
// comes to no more than the waiver (China's 行邮税; docs/customs-rules.md).
func postalArticlesTax(out *Duties, d *Declaration, t *risk.DutyTable, values []decimal.Decimal, value decimal.Decimal) decimal.Decimal {
	units := minor(t.Currency)
	tax := decimal.Zero
	for i, ln := range d.Lines {
		rate := t.Rate(ln.HSCode)
		lt := values[i].Mul(rate).Round(units)
		tax = tax.Add(lt)
		out.Lines = append(out.Lines, DutyLine{Line: i + 1, HSCode: ln.HSCode, Value: values[i].StringFixed(units), Rate: rate.String(), Duty: lt.StringFixed(units), Currency: t.Currency})
	}
	if t.PostalValueLimit.IsPositive() && value.GreaterThan(t.PostalValueLimit) {
		out.Notes = append(out.Notes, fmt.Sprintf("personal postal article worth %s %s is over the %s %s limit per parcel: returned or cleared as goods unless it is a single indivisible article for personal use",
			value.StringFixed(units), t.Currency, t.PostalValueLimit.StringFixed(units), t.Currency))
	}
	if tax.LessThanOrEqual(t.TaxWaiver) {
		out.Notes = append(out.Notes, fmt.Sprintf("postal articles tax %s %s is within the %s %s waiver: nothing to pay", tax.StringFixed(units), t.Currency, t.TaxWaiver.StringFixed(units), t.Currency))
		return decimal.Zero
	}
	out.Notes = append(out.Notes, "personal postal article: one postal articles tax in place of duty and import VAT")
	return tax
}

func lineDuties(out *Duties, d *Declaration, t *risk.DutyTable, values []decimal.Decimal, value decimal.Decimal) decimal.Decimal {
	units := minor(t.Currency)
	if value.LessThanOrEqual(t.DeMinimis) {
		out.Notes = append(out.Notes, fmt.Sprintf("customs value %s %s is within the %s de minimis of %s %s: no duty", value.StringFixed(units), t.Currency, t.Country, t.DeMinimis.StringFixed(units), t.Currency))
		return decimal.Zero
	}
	duty := decimal.Zero
	for i, ln := range d.Lines {
		rate := t.Rate(ln.HSCode)
		ld := values[i].Mul(rate).Round(units)
		duty = duty.Add(ld)
		out.Lines = append(out.Lines, DutyLine{Line: i + 1, HSCode: ln.HSCode, Value: values[i].StringFixed(units), Rate: rate.String(), Duty: ld.StringFixed(units), Currency: t.Currency})
	}
	return duty
}

func importVAT(out *Duties, d *Declaration, t *risk.DutyTable, value, duty decimal.Decimal) decimal.Decimal {
	units := minor(t.Currency)
	switch {
	case t.VAT.IsZero():
		return decimal.Zero
	case t.IOSS && iossPattern.MatchString(d.ImporterRef) && value.LessThanOrEqual(t.IOSSLimit):
		out.Notes = append(out.Notes, fmt.Sprintf("IOSS %s: import VAT was paid at checkout (value %s %s ≤ %s %s)", d.ImporterRef, value.StringFixed(units), t.Currency, t.IOSSLimit.StringFixed(units), t.Currency))
		return decimal.Zero
	case value.LessThanOrEqual(t.VATDeMinimis):
		out.Notes = append(out.Notes, fmt.Sprintf("customs value %s %s is within the VAT de minimis of %s %s: no VAT", value.StringFixed(units), t.Currency, t.VATDeMinimis.StringFixed(units), t.Currency))
		return decimal.Zero
	}
	return value.Add(duty).Mul(t.VAT).Round(units)
}
