package warehouse

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
)

// SKU is a merchant's stock-keeping unit: one kind of article it stocks.
// Codes are the merchant's own; two merchants may use the same code.
type SKU struct {
	Merchant       string `json:"merchant,omitempty" doc:"Owner; merchant keys imply their own"`
	Code           string `json:"sku" doc:"The merchant's SKU code: letters, digits, - _ . / (1 to 40)" example:"TEA-OOLONG-100"`
	Description    string `json:"description" maxLength:"200" doc:"Precise description of the article, used on customs declarations"`
	HSCode         string `json:"hs_code" doc:"Harmonized System code, 6 to 10 digits" example:"090230"`
	UnitWeightG    int    `json:"unit_weight_g" doc:"Net weight of one unit in grams"`
	UnitValue      string `json:"unit_value" doc:"Value of one unit as a decimal string, in currency" example:"8.50"`
	Currency       string `json:"currency" doc:"ISO 4217 currency of unit_value" example:"USD"`
	OriginCountry  string `json:"origin_country" doc:"ISO 3166-1 alpha-2 country of origin" example:"CN"`
	DangerousGoods bool   `json:"dangerous_goods,omitempty" doc:"Contains dangerous goods (e.g. lithium batteries): stored in a dangerous-goods zone"`
	// UpdatedAt is set by the store.
	UpdatedAt time.Time `json:"updated_at,omitzero" readOnly:"true"`
}

// vague descriptions are refused on customs declarations (see acceptance).
var vague = []string{"gift", "gifts", "goods", "merchandise", "item", "items", "parts", "sample", "samples", "various", "stuff", "products", "accessories", "clothes", "other"}

// ValidSKUCode reports whether c is a well-formed SKU code.
func ValidSKUCode(c string) bool {
	if c == "" || len(c) > 40 {
		return false
	}
	for _, r := range c {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)) {
			return false
		}
	}
	return true
}

// Normalize validates s and returns it in stored form (HS code digits only,
// value with the currency's decimals). Field names start with prefix.
func (s SKU) Normalize(prefix string, rates postal.Rates) (SKU, []postal.FieldError) {
	var fe postal.FieldList
	if !ValidSKUCode(s.Code) {
		fe.Add(prefix+"sku", "%q must be 1 to 40 letters, digits or - _ . /", s.Code)
	}
	s.Description = strings.TrimSpace(s.Description)
	switch n := utf8.RuneCountInString(s.Description); {
	case n == 0:
		fe.Add(prefix+"description", "required")
	case n > 200:
		fe.Add(prefix+"description", "longer than 200 characters")
	case slices.Contains(vague, strings.ToLower(s.Description)):
		fe.Add(prefix+"description", "%q is too vague for customs; describe the article (e.g. \"oolong tea, 100 g tin\")", s.Description)
	}
	if h, err := postal.ParseHSCode(s.HSCode); err != nil {
		fe.Add(prefix+"hs_code", "%v", err)
	} else {
		s.HSCode = string(h)
	}
	if s.UnitWeightG <= 0 || s.UnitWeightG > 30000 {
		fe.Add(prefix+"unit_weight_g", "must be 1 to 30000 grams, got %d", s.UnitWeightG)
	}
	switch {
	case !postal.ValidCurrency(s.Currency):
		fe.Add(prefix+"currency", "%q is not an ISO 4217 currency code", s.Currency)
	default:
		if _, err := rates.ToSDR(decimal.Zero, s.Currency); err != nil {
			fe.Add(prefix+"currency", "%v", err)
		} else if v, err := postal.ParseAmount(s.UnitValue, s.Currency); err != nil {
			fe.Add(prefix+"unit_value", "%v", err)
		} else if v.IsZero() {
			fe.Add(prefix+"unit_value", "must be more than zero: customs needs the value of the goods")
		} else {
			s.UnitValue = v.StringFixed(minor(s.Currency))
		}
	}
	if !postal.ValidCountry(s.OriginCountry) {
		fe.Add(prefix+"origin_country", "%q is not an ISO 3166-1 alpha-2 country code", s.OriginCountry)
	}
	return s, fe
}

func minor(currency string) int32 {
	if u, ok := postal.CurrencyMinorUnits(currency); ok {
		return int32(u)
	}
	return 2
}

// SKUHeader is the header of a SKU CSV file (docs/formats.md).
var SKUHeader = []string{"sku", "description", "hs_code", "unit_weight_g", "unit_value", "currency", "origin_country", "dangerous_goods"}

// ReadSKUs parses a SKU CSV file. Every problem is reported with its line and
// column, and a file with any problem yields no SKUs.
func ReadSKUs(r io.Reader, merchant string, rates postal.Rates) ([]SKU, error) {
	cr, err := postal.OpenCSV(r, "SKU file", SKUHeader, 0)
	if err != nil {
		return nil, err
	}
	var out []SKU
	var fe postal.FieldList
	seen := map[string]int{}
	for len(fe) <= 100 {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			fe.Add(fmt.Sprintf("line %d", line), "%v", err)
			continue
		}
		if len(rec) != len(SKUHeader) {
			fe.Add(fmt.Sprintf("line %d", line), "has %d columns, want %d", len(rec), len(SKUHeader))
			continue
		}
		p := fmt.Sprintf("line %d: ", line)
		s := SKU{Merchant: merchant, Code: rec[0], Description: rec[1], HSCode: rec[2], UnitValue: rec[4], Currency: rec[5], OriginCountry: rec[6]}
		if s.UnitWeightG, err = strconv.Atoi(rec[3]); err != nil {
			fe.Add(p+"unit_weight_g", "%q is not a whole number of grams", rec[3])
			s.UnitWeightG = 1
		}
		switch strings.ToLower(rec[7]) {
		case "yes", "true", "1":
			s.DangerousGoods = true
		case "no", "false", "0", "":
		default:
			fe.Add(p+"dangerous_goods", "%q is not yes or no", rec[7])
		}
		n, errs := s.Normalize(p, rates)
		fe = append(fe, errs...)
		if first, dup := seen[s.Code]; dup {
			fe.Add(p+"sku", "%s already defined on line %d", s.Code, first)
		}
		seen[s.Code] = line
		out = append(out, n)
	}
	if err := fe.Err("SKU file has errors"); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteSKUs writes skus as a SKU CSV file.
func WriteSKUs(w io.Writer, skus []SKU) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SKUHeader); err != nil {
		return err
	}
	for _, s := range skus {
		dg := "no"
		if s.DangerousGoods {
			dg = "yes"
		}
		if err := cw.Write([]string{s.Code, s.Description, s.HSCode, strconv.Itoa(s.UnitWeightG), s.UnitValue, s.Currency, s.OriginCountry, dg}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
