package bulk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// Problem is one bad cell of a row: its column and what is wrong.
type Problem struct {
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// Request maps the cells of a row to a shipment request for merchant,
// with the problems of cells that cannot be read (a number that isn't
// one, a formula, a wrong number of cells). The request's own rules are
// acceptance's.
func (sh Sheet) Request(r Row, merchant string) (acceptance.Request, []Problem) {
	var ps []Problem
	if len(r.Cells) != len(sh.Header) {
		ps = append(ps, Problem{Column: "", Reason: fmt.Sprintf("the row has %d cells; the header has %d columns", len(r.Cells), len(sh.Header))})
		return acceptance.Request{}, ps
	}
	for _, c := range r.Formulas {
		ps = append(ps, Problem{Column: c, Reason: "the cell is a formula; formulas are not evaluated: paste the value"})
	}
	v := map[string]string{}
	for i, c := range sh.Header {
		v[c] = strings.TrimSpace(r.Cells[i])
	}
	num := func(col string) int {
		s := v[col]
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			// XLSX keeps whole numbers typed in a number cell as "250" but
			// may store "250.0"; accept an integral decimal.
			if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int(f)) {
				return int(f)
			}
			ps = append(ps, Problem{Column: col, Reason: "must be a whole number, got " + postal.Quote(s)})
		}
		return n
	}
	party := func(p string) acceptance.Party {
		return acceptance.Party{Name: v[p+"_name"], Company: v[p+"_company"], Address: v[p+"_address"], City: v[p+"_city"],
			State: v[p+"_state"], Postcode: v[p+"_postcode"], Country: strings.ToUpper(v[p+"_country"]),
			Phone: v[p+"_phone"], Email: v[p+"_email"], TaxID: v[p+"_tax_id"]}
	}
	req := acceptance.Request{
		Product:      strings.ToLower(v["product"]),
		MerchantRef:  v["merchant_ref"],
		Merchant:     merchant,
		OriginOffice: strings.ToUpper(v["origin_office"]),
		Sender:       party("sender"),
		Addressee:    party("addressee"),
		WeightG:      num("weight_g"),
		DimensionsMM: []int{num("length_mm"), num("width_mm"), num("height_mm")},
	}
	if v["category"] != "" || v["currency"] != "" || v["item1_description"] != "" {
		d := &acceptance.Declaration{Category: strings.ToLower(v["category"]), Explanation: v["explanation"], Currency: strings.ToUpper(v["currency"]),
			ImporterRef: v["importer_ref"], Comments: v["comments"], Invoice: v["invoice"]}
		for i := 1; i <= 99; i++ {
			p := fmt.Sprintf("item%d_", i)
			if _, ok := v[p+"description"]; !ok && i > 3 {
				break
			}
			if v[p+"description"] == "" && v[p+"quantity"] == "" && v[p+"value"] == "" && v[p+"net_weight_g"] == "" && v[p+"hs_code"] == "" {
				continue
			}
			d.Lines = append(d.Lines, acceptance.Line{Description: v[p+"description"], Quantity: num(p + "quantity"),
				NetWeightG: num(p + "net_weight_g"), Value: v[p+"value"], HSCode: v[p+"hs_code"], OriginCountry: strings.ToUpper(v[p+"origin_country"])})
		}
		req.Declaration = d
	}
	return req, ps
}

// Problems maps a validation error of acceptance to the row's columns.
func Problems(err error) []Problem {
	var ps []Problem
	for _, f := range postal.Fields(err) {
		ps = append(ps, Problem{Column: Column(f.Field), Reason: f.Message})
	}
	if len(ps) > 0 {
		return ps
	}
	var pe *postal.Error
	if errors.As(err, &pe) && pe.Message != "" {
		return []Problem{{Reason: pe.Message}}
	}
	return []Problem{{Reason: err.Error()}}
}
