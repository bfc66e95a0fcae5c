package console

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// The create-shipment form posts field names that are the request's JSON
// paths ("addressee.country", "declaration.lines[1].hs_code"), so the
// acceptance service's field errors land beside the input they name.

const (
	formLines    = 3  // declaration line rows shown on a new form
	maxFormLines = 99 // as many as a declaration may have
)

var partyFields = []string{"name", "company", "address", "city", "state", "postcode", "country", "phone", "email", "tax_id",
	"name_latin", "address_latin", "city_latin"}
var lineFields = []string{"description", "quantity", "net_weight_g", "value", "hs_code", "origin_country"}

// shipmentForm is the form's state: what was typed and what is wrong.
type shipmentForm struct {
	Values       map[string]string
	Errors       map[string]string
	Summary      []postal.FieldError // every error, in form order, for the summary at the top
	Problem      string              // an error that names no field
	Lines        []int               // line row indexes
	NeedMerchant bool
	Merchants    []string
	Products     []productCol
	Categories   []string
	Currencies   []string
	Countries    []countryOpt
	Key          string // Idempotency-Key: a double submit creates one shipment
}

type countryOpt struct{ Code, Name string }

// formField is what the "field" template needs for one input.
type formField struct {
	ID, Name, Label, Value, Error string
	Type, List, Class             string
	Max                           int
	Required, Numeric             bool
}

// F describes the input named name, for the "field" template; the methods
// below add attributes.
func (f *shipmentForm) F(name, label string) formField {
	return formField{ID: fieldID(name), Name: name, Label: label, Value: f.Values[name], Error: f.Errors[name], Type: "text"}
}

// Req marks a field required.
func (f formField) Req() formField { f.Required = true; return f }

// Num asks phones for a numeric keyboard.
func (f formField) Num() formField { f.Numeric = true; return f }

// Lst attaches a datalist of suggestions.
func (f formField) Lst(id string) formField { f.List = id; return f }

// Mx limits the length.
func (f formField) Mx(n int) formField { f.Max = n; return f }

// Sz sets the width class.
func (f formField) Sz(class string) formField { f.Class = class; return f }

// cellField is one input of a declaration line row.
type cellField struct {
	ID, Name, Value, Error, Label, Class string
	Row                                  int
}

// Cell describes field of declaration line i.
func (f *shipmentForm) Cell(i int, field, label, class string) cellField {
	name := f.Line(i, field)
	return cellField{ID: fieldID(name), Name: name, Value: f.Values[name], Error: f.Errors[name], Label: label, Class: class, Row: i + 1}
}

// V is the typed value of a field.
func (f *shipmentForm) V(name string) string { return f.Values[name] }

// E is the error of a field.
func (f *shipmentForm) E(name string) string { return f.Errors[name] }

// Line is the name of a declaration line field.
func (f *shipmentForm) Line(i int, field string) string {
	return fmt.Sprintf("declaration.lines[%d].%s", i, field)
}

var nonIDChars = regexp.MustCompile(`[^a-z0-9]+`)

// fieldID turns a field path into an HTML id: "f-declaration-lines-0-value".
func fieldID(name string) string {
	return "f-" + strings.Trim(nonIDChars.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

func (c *Console) newForm(s *session) *shipmentForm {
	f := &shipmentForm{Values: map[string]string{}, Errors: map[string]string{}, NeedMerchant: s.Who.Role != auth.RoleMerchant}
	for _, p := range postal.Products() {
		f.Products = append(f.Products, productCol{string(p.Code), p.Name})
	}
	f.Categories = acceptance.Categories
	if c.cfg.Acceptance != nil {
		f.Currencies = c.cfg.Acceptance.Rates.Currencies()
		slices.Sort(f.Currencies)
	}
	for _, code := range postal.Countries() {
		name, _ := postal.CountryName(code)
		f.Countries = append(f.Countries, countryOpt{code, name})
	}
	return f
}

func (c *Console) newShipmentForm(w http.ResponseWriter, r *http.Request, s *session) {
	f := c.newForm(s)
	f.Values["product"] = "e-packet"
	f.Values["declaration.category"] = "sale_of_goods"
	f.Values["declaration.currency"] = "USD"
	if c.cfg.Acceptance != nil {
		f.Values["sender.country"] = c.cfg.Acceptance.Country
	}
	if s.Who.Role == auth.RoleMerchant {
		if m, err := c.cfg.Merchants.Get(r.Context(), s.Who, s.Who.Merchant); err == nil {
			f.Values["sender.name"] = m.Name
		}
	} else {
		f.Merchants = c.recentMerchants(r)
	}
	for i := range formLines {
		f.Lines = append(f.Lines, i)
	}
	f.Key = newFormKey()
	c.render(w, r, http.StatusOK, "shipment_new", s.view("console.title.new_shipment", "new", f))
}

func (c *Console) createShipment(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	f := c.newForm(s)
	req, parseErrs := f.read(r)
	f.Key = r.PostFormValue("idempotency_key")
	if len(f.Key) != 32 {
		f.Key = newFormKey()
	}
	svc := c.cfg.Acceptance
	var err error
	var sh acceptance.Shipment
	var warnings []acceptance.Warning
	if len(parseErrs) > 0 {
		// Still validate the rest, so one submit shows every problem.
		_, err = acceptance.Validate(req, svc.Country, svc.Rates)
	} else {
		var res acceptance.Accepted
		res, err = svc.Accept(r.Context(), s.Who, req, "console-"+f.Key)
		sh, warnings = res.Shipment, res.Warnings
	}
	if err == nil && len(parseErrs) == 0 {
		// The shipment page says which Latin forms Interpost derived, for staff to check.
		q := url.Values{"created": {"1"}}
		for _, wn := range warnings {
			if wn.Code == acceptance.WarnLatinDerived {
				q.Add("derived", wn.Field)
			}
		}
		http.Redirect(w, r, "/console/shipments/"+string(sh.ID)+"?"+q.Encode(), http.StatusSeeOther)
		return
	}
	fields := append(parseErrs, postal.Fields(err)...)
	switch code := postal.ErrorCode(err); {
	case err == nil || code == postal.CodeInvalid:
	case code == postal.CodeNotFound && f.NeedMerchant:
		fields = append(fields, postal.FieldError{Field: "merchant", Message: c.loc(r).T("console.form.no_merchant_add", "Merchant", fmt.Sprintf("%q", req.Merchant))})
	case errors.Is(err, acceptance.ErrIdempotencyMismatch):
		f.Problem = tr.T("console.shipment_new.form_used")
	case code == postal.CodeForbidden || code == postal.CodeNotFound || code == postal.CodeConflict:
		f.Problem = userMessage(err)
	default:
		c.internalError(w, r, s, err)
		return
	}
	for _, fe := range fields {
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = fe.Message
			f.Summary = append(f.Summary, fe)
		}
	}
	if f.NeedMerchant {
		f.Merchants = c.recentMerchants(r)
	}
	c.render(w, r, http.StatusUnprocessableEntity, "shipment_new", s.view("console.title.new_shipment", "new", f))
}

// read turns the posted form into a request. Numbers that don't parse are
// reported as field errors here (the service would only see a zero).
// Empty declaration rows are dropped and the rest renumbered, so the
// service's line indexes match the rows shown again.
func (f *shipmentForm) read(r *http.Request) (acceptance.Request, []postal.FieldError) {
	var errs []postal.FieldError
	get := func(name string) string {
		v := strings.TrimSpace(r.PostFormValue(name))
		f.Values[name] = v
		return v
	}
	num := func(name, v string) int {
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, postal.FieldError{Field: name, Message: fmt.Sprintf("%q is not a whole number", v)})
		}
		return n
	}
	req := acceptance.Request{
		Product:     get("product"),
		MerchantRef: get("merchant_ref"),
		Sender:      f.party(r, "sender"),
		Addressee:   f.party(r, "addressee"),
	}
	if f.NeedMerchant {
		req.Merchant = strings.ToUpper(get("merchant"))
		f.Values["merchant"] = req.Merchant
	}
	req.WeightG = num("weight_g", get("weight_g"))
	for i := range 3 {
		name := fmt.Sprintf("dimensions_mm[%d]", i)
		req.DimensionsMM = append(req.DimensionsMM, num(name, get(name)))
	}
	d := &acceptance.Declaration{
		Category:    get("declaration.category"),
		Explanation: get("declaration.explanation"),
		Currency:    strings.ToUpper(get("declaration.currency")),
		ImporterRef: get("declaration.importer_ref"),
		Invoice:     get("declaration.invoice"),
		Comments:    get("declaration.comments"),
	}
	for i := range maxFormLines {
		posted := map[string]string{}
		empty := true
		for _, fld := range lineFields {
			v := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("declaration.lines[%d].%s", i, fld)))
			posted[fld] = v
			empty = empty && v == ""
		}
		if empty {
			continue
		}
		n := len(d.Lines)
		for _, fld := range lineFields {
			f.Values[f.Line(n, fld)] = posted[fld]
		}
		d.Lines = append(d.Lines, acceptance.Line{
			Description:   posted["description"],
			Quantity:      num(f.Line(n, "quantity"), posted["quantity"]),
			NetWeightG:    num(f.Line(n, "net_weight_g"), posted["net_weight_g"]),
			Value:         posted["value"],
			HSCode:        posted["hs_code"],
			OriginCountry: strings.ToUpper(posted["origin_country"]),
		})
	}
	for i := range max(len(d.Lines)+1, formLines) {
		f.Lines = append(f.Lines, i)
	}
	req.Declaration = d
	return req, errs
}

func (f *shipmentForm) party(r *http.Request, prefix string) acceptance.Party {
	v := map[string]string{}
	for _, fld := range partyFields {
		name := prefix + "." + fld
		val := strings.TrimSpace(r.PostFormValue(name))
		if fld == "country" {
			val = strings.ToUpper(val)
		}
		f.Values[name] = val
		v[fld] = val
	}
	return acceptance.Party{
		Name: v["name"], Company: v["company"], Address: v["address"], City: v["city"], State: v["state"],
		Postcode: v["postcode"], Country: v["country"], Phone: v["phone"], Email: v["email"], TaxID: v["tax_id"],
		NameLatin: v["name_latin"], AddressLatin: v["address_latin"], CityLatin: v["city_latin"],
	}
}

// newFormKey makes the idempotency key a form carries.
func newFormKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b[:])
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoiPositive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("not a positive number: %q", s)
	}
	return n, nil
}
