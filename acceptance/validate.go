package acceptance

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
)

// Categories of a customs declaration (CN 23 boxes).
var Categories = []string{"gift", "documents", "commercial_sample", "returned_goods", "sale_of_goods", "other"}

// commercial categories need an HS code and an origin country on every line.
func commercial(category string) bool {
	return category == "sale_of_goods" || category == "commercial_sample" || category == "returned_goods"
}

// vague descriptions are refused by customs in most destinations (WCO–UPU EAD
// guidelines ask for a precise description of each article).
var vague = []string{"gift", "gifts", "goods", "merchandise", "item", "items", "parts", "sample", "samples", "various", "stuff", "products", "accessories", "clothes", "other"}

// Validated is a request that passed Validate, with everything derived from it.
type Validated struct {
	Request
	Spec        postal.ProductSpec
	Declaration *Declaration // normalised copy with form and totals
	Insured     *Insurance   // insured items: the value and its SDR equivalent
	Indicators  []string     // S10 indicators to allocate from (insured items: V*/CV)
	// Sender and Addressee, trimmed, with normalised postcodes and their
	// Latin forms.
	Sender, Addressee Party
	Warnings          []Warning // derived Latin forms
}

// Validate checks every field of r and returns all problems at once as a
// postal.Error with code invalid. origin is the issuing post's country: items
// addressed to it are domestic and not accepted here.
func Validate(r Request, origin string, rates postal.Rates) (Validated, error) {
	var fe postal.FieldList
	spec, err := postal.LookupProduct(r.Product)
	if err != nil {
		fe.Add("product", "%v", err)
	}
	if r.OriginOffice != "" && (len(r.OriginOffice) != 6 || !postal.ValidCountry(r.OriginOffice[:2])) {
		fe.Add("origin_office", "%q is not a 6-character office code such as CNXMNA", r.OriginOffice)
	}
	if utf8.RuneCountInString(r.MerchantRef) > 64 {
		fe.Add("merchant_ref", "longer than 64 characters")
	}
	sender, sw := validateParty(&fe, "sender", r.Sender)
	addressee, aw := validateParty(&fe, "addressee", r.Addressee)
	if r.Addressee.Country != "" && r.Addressee.Country == origin {
		fe.Add("addressee.country", "%s is the country of posting; domestic items are not accepted by the international service", origin)
	}
	if err == nil {
		validateSize(&fe, r, spec)
	}
	v := Validated{Request: r, Spec: spec, Sender: sender, Addressee: addressee, Warnings: append(sw, aw...)}
	switch {
	case r.Declaration == nil:
		fe.Add("declaration", "required: international items with goods need CN 22/CN 23 data (use category \"documents\" for documents)")
	default:
		d := validateDeclaration(&fe, *r.Declaration, rates)
		if d != nil && err == nil {
			sdr, _ := decimal.NewFromString(d.TotalValueSDR)
			if sdr.GreaterThan(spec.MaxValueSDR) {
				fe.Add("declaration.lines", "total value %s %s (%s SDR) is over the %s limit of %s SDR", d.TotalValue, d.Currency, d.TotalValueSDR, spec.Name, spec.MaxValueSDR)
			}
			if d.TotalNetWeightG > r.WeightG && r.WeightG > 0 {
				fe.Add("weight_g", "gross weight %d g is less than the declared net weight %d g", r.WeightG, d.TotalNetWeightG)
			}
			d.Form = spec.DeclarationForm(sdr)
		}
		v.Declaration = d
	}
	v.Indicators = spec.Indicators
	if r.InsuredValue != nil && err == nil {
		v.Insured = validateInsurance(&fe, *r.InsuredValue, spec, r.Addressee.Country, v.Declaration, rates)
		if in, ok := postal.InsuranceOf(spec.Code); ok && len(in.Indicators) > 0 {
			v.Indicators = in.Indicators
		}
	}
	if err := fe.Err("the shipment has invalid fields"); err != nil {
		return Validated{}, err
	}
	return v, nil
}

func validateParty(fe *postal.FieldList, path string, p Party) (Party, []Warning) {
	p = trimParty(p)
	required := func(field, val string, max int) {
		switch n := utf8.RuneCountInString(strings.TrimSpace(val)); {
		case n == 0:
			fe.Add(path+"."+field, "required")
		case n > max:
			fe.Add(path+"."+field, "longer than %d characters", max)
		}
	}
	required("name", p.Name, 100)
	required("address", p.Address, 200)
	required("city", p.City, 100)
	if p.Country == "" {
		fe.Add(path+".country", "required (ISO 3166-1 alpha-2, e.g. \"PL\")")
	} else if !postal.ValidCountry(p.Country) {
		fe.Add(path+".country", "%q is not an ISO 3166-1 alpha-2 country code", p.Country)
	}
	switch {
	case len(p.Postcode) > 20:
		fe.Add(path+".postcode", "longer than 20 characters")
	case strings.ContainsAny(p.Postcode, "\n\r\t"):
		fe.Add(path+".postcode", "contains control characters")
	case postal.ValidCountry(p.Country):
		return CheckAddress(fe, path, p, path == "addressee")
	}
	return p, nil
}

func validateSize(fe *postal.FieldList, r Request, spec postal.ProductSpec) {
	switch {
	case r.WeightG <= 0:
		fe.Add("weight_g", "must be a positive number of grams, got %d", r.WeightG)
	case r.WeightG > spec.MaxWeightG:
		fe.Add("weight_g", "%d g is over the %s limit of %d g", r.WeightG, spec.Name, spec.MaxWeightG)
	}
	if len(r.DimensionsMM) != 3 {
		fe.Add("dimensions_mm", "give exactly three numbers: length, width, height in mm")
		return
	}
	d := slices.Clone(r.DimensionsMM)
	for i, v := range d {
		if v <= 0 {
			fe.Add(fmt.Sprintf("dimensions_mm[%d]", i), "must be a positive number of millimetres, got %d", v)
			return
		}
	}
	slices.Sort(d)
	l, w, h := d[2], d[1], d[0]
	if l > spec.MaxSideMM {
		fe.Add("dimensions_mm", "longest side %d mm is over the %s limit of %d mm", l, spec.Name, spec.MaxSideMM)
	}
	if spec.MaxSumMM > 0 && l+w+h > spec.MaxSumMM {
		fe.Add("dimensions_mm", "length + width + height = %d mm is over the %s limit of %d mm", l+w+h, spec.Name, spec.MaxSumMM)
	}
	if spec.MaxGirthMM > 0 && l+2*(w+h) > spec.MaxGirthMM {
		fe.Add("dimensions_mm", "length + girth = %d mm is over the %s limit of %d mm", l+2*(w+h), spec.Name, spec.MaxGirthMM)
	}
	if spec.MinSideMM[0] > 0 && (l < spec.MinSideMM[0] || w < spec.MinSideMM[1]) {
		fe.Add("dimensions_mm", "the address side must be at least %d × %d mm", spec.MinSideMM[0], spec.MinSideMM[1])
	}
}

func validateDeclaration(fe *postal.FieldList, d Declaration, rates postal.Rates) *Declaration {
	before := len(*fe)
	if !slices.Contains(Categories, d.Category) {
		fe.Add("declaration.category", "%q is not one of %s", d.Category, strings.Join(Categories, ", "))
	}
	if d.Category == "other" && strings.TrimSpace(d.Explanation) == "" {
		fe.Add("declaration.explanation", "required when category is other: say what the contents are")
	}
	currencyOK := false
	switch {
	case d.Currency == "":
		fe.Add("declaration.currency", "required (ISO 4217, e.g. \"USD\")")
	case !postal.ValidCurrency(d.Currency):
		fe.Add("declaration.currency", "%q is not an ISO 4217 currency code", d.Currency)
	default:
		if _, err := rates.ToSDR(decimal.Zero, d.Currency); err != nil {
			fe.Add("declaration.currency", "%v", err)
		} else {
			currencyOK = true
		}
	}
	if len(d.Lines) == 0 && d.Category != "documents" {
		fe.Add("declaration.lines", "at least one line is required for category %q", d.Category)
	}
	if len(d.Lines) > 99 {
		fe.Add("declaration.lines", "at most 99 lines, got %d", len(d.Lines))
	}
	total := decimal.Zero
	netG := 0
	for i, ln := range d.Lines {
		p := fmt.Sprintf("declaration.lines[%d].", i)
		desc := strings.TrimSpace(ln.Description)
		switch n := utf8.RuneCountInString(desc); {
		case n == 0:
			fe.Add(p+"description", "required")
		case n > 200:
			fe.Add(p+"description", "longer than 200 characters")
		case slices.Contains(vague, strings.ToLower(desc)):
			fe.Add(p+"description", "%q is too vague for customs; describe the article (e.g. \"cotton T-shirt\")", desc)
		}
		if ln.Quantity <= 0 {
			fe.Add(p+"quantity", "must be at least 1, got %d", ln.Quantity)
		}
		if ln.NetWeightG <= 0 {
			fe.Add(p+"net_weight_g", "must be a positive number of grams, got %d", ln.NetWeightG)
		}
		netG += ln.NetWeightG
		if v, err := postal.ParseAmount(ln.Value, d.Currency); err != nil {
			fe.Add(p+"value", "%v", err)
		} else {
			total = total.Add(v)
		}
		if ln.HSCode == "" {
			if commercial(d.Category) {
				fe.Add(p+"hs_code", "required for category %s (6 to 10 digits)", d.Category)
			}
		} else if _, err := postal.ParseHSCode(ln.HSCode); err != nil {
			fe.Add(p+"hs_code", "%v", err)
		}
		if ln.OriginCountry == "" {
			if commercial(d.Category) {
				fe.Add(p+"origin_country", "required for category %s", d.Category)
			}
		} else if !postal.ValidCountry(ln.OriginCountry) {
			fe.Add(p+"origin_country", "%q is not an ISO 3166-1 alpha-2 country code", ln.OriginCountry)
		}
	}
	if len(*fe) > before || !currencyOK {
		return nil
	}
	out := d
	out.Lines = slices.Clone(d.Lines)
	for i := range out.Lines {
		h, _ := postal.ParseHSCode(out.Lines[i].HSCode)
		out.Lines[i].HSCode = string(h)
		v, _ := postal.ParseAmount(out.Lines[i].Value, d.Currency)
		out.Lines[i].Value = v.StringFixed(minor(d.Currency))
	}
	sdr, _ := rates.ToSDR(total, d.Currency)
	out.TotalValue = total.StringFixed(minor(d.Currency))
	out.TotalValueSDR = sdr.StringFixed(2)
	out.TotalNetWeightG = netG
	return &out
}

func minor(currency string) int32 {
	if u, ok := postal.CurrencyMinorUnits(currency); ok {
		return int32(u)
	}
	return 2
}

// validateInsurance checks an insured value: a positive amount in a currency
// of the rates table, within the product's and the destination's limit,
// and not above the contents' declared value (an item is insured for what
// it is worth, never more).
func validateInsurance(fe *postal.FieldList, m Money, spec postal.ProductSpec, dest string, d *Declaration, rates postal.Rates) *Insurance {
	cur := strings.ToUpper(strings.TrimSpace(m.Currency))
	if !postal.ValidCurrency(cur) {
		fe.Add("insured_value.currency", "%s is not an ISO 4217 currency code, e.g. USD", postal.Quote(m.Currency))
		return nil
	}
	amt, err := postal.ParseAmount(strings.TrimSpace(m.Amount), cur)
	if err != nil {
		fe.Add("insured_value.amount", "%v", err)
		return nil
	}
	if !amt.IsPositive() {
		fe.Add("insured_value.amount", "must be above zero; leave insured_value out for an uninsured item")
		return nil
	}
	sdr, err := rates.ToSDR(amt, cur)
	if err != nil {
		fe.Add("insured_value.currency", "%v", err)
		return nil
	}
	sdr = sdr.Round(2)
	limit, why := postal.InsuredLimit(spec.Code, dest)
	switch {
	case limit.IsZero():
		fe.Add("insured_value", "%s", why)
		return nil
	case sdr.GreaterThan(limit):
		fe.Add("insured_value.amount", "%s %s (%s SDR) is above the limit of %s SDR: %s", amt, cur, sdr.StringFixed(2), limit, why)
		return nil
	}
	if d != nil && d.TotalValueSDR != "" {
		if declared, err := decimal.NewFromString(d.TotalValueSDR); err == nil && sdr.GreaterThan(declared) {
			fe.Add("insured_value.amount", "%s %s (%s SDR) is above the declared value of the contents (%s SDR): an item is insured for what it is worth",
				amt, cur, sdr.StringFixed(2), declared.StringFixed(2))
			return nil
		}
	}
	units, _ := postal.CurrencyMinorUnits(cur)
	return &Insurance{Value: amt.StringFixed(int32(units)), Currency: cur, ValueSDR: sdr.StringFixed(2), RatesOf: rates.AsOf.Format("2006-01-02")}
}
