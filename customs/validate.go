package customs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// MaxLines is the most articles one declaration may list (CN 23 continuation
// sheets included).
const MaxLines = 99

var (
	freeIDPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._/-]{5,34}$`)
	iossPattern   = regexp.MustCompile(`^IM[0-9]{10}$`)
)

// Validate checks every field of d and returns a normalised copy with totals
// and conversions filled in, or a CodeInvalid *postal.Error listing every
// problem with its JSON path (e.g. "lines[2].hs_code").
func Validate(d Declaration, m risk.Money) (Declaration, error) {
	var fe postal.FieldList
	d.ID = strings.ToUpper(strings.TrimSpace(d.ID))
	validateStream(&fe, &d)
	switch d.Direction {
	case Export, Import:
	case "":
		fe.Add("direction", "required: export or import")
	default:
		fe.Add("direction", "%q is not export or import", d.Direction)
	}
	d.Office = strings.ToUpper(strings.TrimSpace(d.Office))
	if !postal.ValidOffice(d.Office) {
		fe.Add("office", "%q is not an office of exchange code (6 letters, e.g. CNSHAA)", d.Office)
	}
	if !slices.Contains(acceptance.Categories, d.Category) {
		fe.Add("category", "%q is not one of %s", d.Category, strings.Join(acceptance.Categories, ", "))
	} else if d.Category == "other" && strings.TrimSpace(d.Explanation) == "" {
		fe.Add("explanation", "required when category is other: say what the contents are")
	}
	d.Sender, d.Addressee = trimParty(d.Sender), trimParty(d.Addressee)
	validateParty(&fe, "sender", d.Sender, true)
	validateParty(&fe, "addressee", d.Addressee, true)
	if d.Sender.Country != "" && d.Sender.Country == d.Addressee.Country {
		fe.Add("addressee.country", "%s is also the sender's country: a domestic item needs no customs declaration", d.Addressee.Country)
	}
	d.ImporterRef = strings.ToUpper(strings.TrimSpace(d.ImporterRef))
	if strings.HasPrefix(d.ImporterRef, "IM") && !iossPattern.MatchString(d.ImporterRef) {
		fe.Add("importer_ref", "%q looks like an EU IOSS number but is not IM followed by 10 digits", d.ImporterRef)
	}
	if d.GrossWeightG < 0 {
		fe.Add("gross_weight_g", "must not be negative, got %d", d.GrossWeightG)
	}
	currencyOK := validateCurrency(&fe, "currency", d.Currency, m)
	total, lineSDR := validateLines(&fe, &d, m, currencyOK)
	if currencyOK && d.TotalValue != "" {
		if tv, err := postal.ParseAmount(d.TotalValue, d.Currency); err != nil {
			fe.Add("total_value", "%v", err)
		} else if total != nil && !tv.Equal(*total) {
			fe.Add("total_value", "declared total %s %s does not equal the sum of the lines %s %s", tv.StringFixed(minor(d.Currency)), d.Currency, total.StringFixed(minor(d.Currency)), d.Currency)
		}
	}
	if d.GrossWeightG > 0 && d.TotalNetWeightG > d.GrossWeightG {
		fe.Add("gross_weight_g", "gross weight %d g is less than the lines' net weight %d g", d.GrossWeightG, d.TotalNetWeightG)
	}
	if err := fe.Err("the declaration has invalid fields"); err != nil {
		return Declaration{}, err
	}
	sdr, _ := m.ToSDR(*total, d.Currency) // the currency was checked against the table
	if d.Stream == StreamPostal {
		validateForm(&fe, &d, sdr)
	}
	paidSDR := 0.0
	if d.Ecommerce != nil && d.Ecommerce.TransactionValue != "" {
		tx, _ := postal.ParseAmount(d.Ecommerce.TransactionValue, d.Currency)
		txSDR, _ := m.ToSDR(tx, d.Currency)
		paidSDR = txSDR.InexactFloat64()
		d.Ecommerce.TransactionValue = tx.StringFixed(minor(d.Currency))
	}
	if err := fe.Err("the declaration has invalid fields"); err != nil {
		return Declaration{}, err
	}
	ref, err := m.FromSDR(sdr, m.Ref())
	if err != nil {
		return Declaration{}, err
	}
	d.TotalValue = total.StringFixed(minor(d.Currency))
	d.TotalValueSDR = sdr.StringFixed(2)
	d.ReferenceCurrency, d.ReferenceValue = m.Ref(), ref.StringFixed(minor(m.Ref()))
	d.facts = &facts{subject: newSubject(&d, lineSDR, sdr.InexactFloat64(), paidSDR), key: addresseeKey(d.Addressee)}
	return d, nil
}

func validateStream(fe *postal.FieldList, d *Declaration) {
	switch d.Stream {
	case StreamPostal:
		if _, err := postal.ParseS10(d.ID); err != nil {
			fe.Add("id", "postal items are identified by their S10 id: %v", err)
		} else {
			id, _ := postal.ParseS10(d.ID)
			d.ID = string(id)
		}
		if d.Postal == nil {
			d.Postal = &PostalInfo{}
		}
	case StreamExpress:
		checkFreeID(fe, d.ID, "carrier waybill id")
		if d.Express == nil || strings.TrimSpace(d.Express.Carrier) == "" {
			fe.Add("express.carrier", "required for express items: the carrier's code")
		} else if d.Express.ManifestLine < 0 {
			fe.Add("express.manifest_line", "must not be negative, got %d", d.Express.ManifestLine)
		}
	case StreamEcommerce:
		checkFreeID(fe, d.ID, "logistics id")
		validateEcommerce(fe, d.Ecommerce)
	case "":
		fe.Add("stream", "required: postal, express or ecommerce")
	default:
		fe.Add("stream", "%q is not postal, express or ecommerce", d.Stream)
	}
	if d.Stream != StreamPostal && d.Postal != nil {
		fe.Add("postal", "only postal items carry postal data")
	}
	if d.Stream != StreamExpress && d.Express != nil {
		fe.Add("express", "only express items carry express data")
	}
	if d.Stream != StreamEcommerce && d.Ecommerce != nil {
		fe.Add("ecommerce", "only e-commerce items carry e-commerce data")
	}
}

func checkFreeID(fe *postal.FieldList, id, what string) {
	switch {
	case id == "":
		fe.Add("id", "required: the item's %s", what)
	case !freeIDPattern.MatchString(id):
		fe.Add("id", "%q is not a valid %s (6 to 35 letters, digits, and . _ / -)", id, what)
	}
}

func validateEcommerce(fe *postal.FieldList, e *EcommerceInfo) {
	if e == nil {
		fe.Add("ecommerce", "required for e-commerce items: platform, order_id, seller and model")
		return
	}
	if strings.TrimSpace(e.Platform) == "" {
		fe.Add("ecommerce.platform", "required")
	}
	if strings.TrimSpace(e.OrderID) == "" {
		fe.Add("ecommerce.order_id", "required: the platform's order id")
	}
	e.Seller = trimParty(e.Seller)
	validateParty(fe, "ecommerce.seller", e.Seller, false)
	if e.Model != ModelB2C && e.Model != ModelB2B2C {
		fe.Add("ecommerce.model", "%q is not B2C or B2B2C", e.Model)
	}
}

func validateForm(fe *postal.FieldList, d *Declaration, sdr decimal.Decimal) {
	switch d.Postal.Form {
	case "":
		d.Postal.Form = postal.FormCN22
		if sdr.GreaterThan(postal.CN22Limit) {
			d.Postal.Form = postal.FormCN23
		}
	case postal.FormCN22:
		if sdr.GreaterThan(postal.CN22Limit) {
			fe.Add("postal.form", "a CN22 covers at most %s SDR; this item is worth %s SDR and needs a CN23", postal.CN22Limit, sdr.StringFixed(2))
		}
	case postal.FormCN23:
	default:
		fe.Add("postal.form", "%q is not CN22 or CN23", d.Postal.Form)
	}
}

func validateCurrency(fe *postal.FieldList, field, cur string, m risk.Money) bool {
	switch {
	case cur == "":
		fe.Add(field, "required (ISO 4217, e.g. \"USD\")")
	case !postal.ValidCurrency(cur):
		fe.Add(field, "%q is not an ISO 4217 currency code", cur)
	default:
		if _, err := m.ToSDR(decimal.Zero, cur); err != nil {
			fe.Add(field, "%v", err)
			return false
		}
		return true
	}
	return false
}

// validateLines checks the lines and returns their total, or nil when a
// value could not be read, and each line's value in SDR.
func validateLines(fe *postal.FieldList, d *Declaration, m risk.Money, currencyOK bool) (*decimal.Decimal, []float64) {
	if len(d.Lines) == 0 {
		fe.Add("lines", "at least one line is required")
	}
	if len(d.Lines) > MaxLines {
		fe.Add("lines", "at most %d lines, got %d", MaxLines, len(d.Lines))
		return nil, nil
	}
	needHS := commercial(d.Category) || d.Stream != StreamPostal
	total, ok := decimal.Zero, currencyOK
	d.Lines = slices.Clone(d.Lines)
	lineSDR := make([]float64, len(d.Lines))
	d.TotalNetWeightG = 0
	for i := range d.Lines {
		ln := &d.Lines[i]
		p := fmt.Sprintf("lines[%d].", i)
		ln.Description = strings.TrimSpace(ln.Description)
		switch n := utf8.RuneCountInString(ln.Description); {
		case n == 0:
			fe.Add(p+"description", "required")
		case n > 200:
			fe.Add(p+"description", "longer than 200 characters")
		}
		if ln.Quantity <= 0 {
			fe.Add(p+"quantity", "must be at least 1, got %d", ln.Quantity)
		}
		if ln.NetWeightG < 0 {
			fe.Add(p+"net_weight_g", "must not be negative, got %d", ln.NetWeightG)
		}
		d.TotalNetWeightG += max(ln.NetWeightG, 0)
		if currencyOK {
			if v, err := postal.ParseAmount(ln.Value, d.Currency); err != nil {
				fe.Add(p+"value", "%v", err)
				ok = false
			} else {
				total = total.Add(v)
				ln.Value = v.StringFixed(minor(d.Currency))
				if s, err := m.ToSDR(v, d.Currency); err == nil {
					lineSDR[i] = s.InexactFloat64()
				}
			}
		}
		if ln.HSCode == "" {
			if needHS {
				fe.Add(p+"hs_code", "required for %s items of category %s (6 to 10 digits)", d.Stream, d.Category)
			}
		} else if h, err := postal.ParseHSCode(ln.HSCode); err != nil {
			fe.Add(p+"hs_code", "%v", err)
		} else {
			ln.HSCode = string(h)
		}
		ln.OriginCountry = strings.ToUpper(strings.TrimSpace(ln.OriginCountry))
		if ln.OriginCountry == "" {
			if needHS {
				fe.Add(p+"origin_country", "required for %s items of category %s", d.Stream, d.Category)
			}
		} else if !postal.ValidCountry(ln.OriginCountry) {
			fe.Add(p+"origin_country", "%q is not an ISO 3166-1 alpha-2 country code", ln.OriginCountry)
		}
	}
	if !ok {
		return nil, lineSDR
	}
	return &total, lineSDR
}

func validateParty(fe *postal.FieldList, path string, p Party, needCountry bool) {
	if p.Name == "" {
		fe.Add(path+".name", "required")
	}
	for _, c := range []struct {
		field, val string
		max        int
	}{{"name", p.Name, 100}, {"company", p.Company, 100}, {"address", p.Address, 200}, {"city", p.City, 100}, {"postcode", p.Postcode, 20}, {"tax_id", p.TaxID, 40}} {
		if utf8.RuneCountInString(c.val) > c.max {
			fe.Add(path+"."+c.field, "longer than %d characters", c.max)
		}
	}
	switch {
	case p.Country == "" && needCountry:
		fe.Add(path+".country", "required (ISO 3166-1 alpha-2, e.g. \"PL\")")
	case p.Country != "" && !postal.ValidCountry(p.Country):
		fe.Add(path+".country", "%q is not an ISO 3166-1 alpha-2 country code", p.Country)
	}
}

func trimParty(p Party) Party {
	for _, f := range []*string{&p.Name, &p.Company, &p.Address, &p.City, &p.Postcode, &p.TaxID} {
		*f = strings.TrimSpace(*f)
	}
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	return p
}

// commercial categories need an HS code and an origin country on every line.
func commercial(category string) bool {
	return category == "sale_of_goods" || category == "commercial_sample" || category == "returned_goods"
}

func minor(currency string) int32 {
	if u, ok := postal.CurrencyMinorUnits(currency); ok {
		return int32(u)
	}
	return 2
}
