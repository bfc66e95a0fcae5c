package acceptance_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

func request() acceptance.Request {
	return acceptance.Request{
		Product:      "registered-small-packet",
		Sender:       acceptance.Party{Name: "Shenzhen Gadget Works", Address: "8 Keji Rd", City: "Shenzhen", Country: "CN"},
		Addressee:    acceptance.Party{Name: "Jonas Mueller", Address: "Invalidenstrasse 1", City: "Berlin", Postcode: "10115", Country: "DE"},
		WeightG:      300,
		DimensionsMM: []int{200, 150, 40},
		Declaration: &acceptance.Declaration{Category: "sale_of_goods", Currency: "EUR", Lines: []acceptance.Line{
			{Description: "Bluetooth wireless earbuds", Quantity: 2, NetWeightG: 180, Value: "40.00", HSCode: "8518.30", OriginCountry: "CN"},
			{Description: "Silicone phone case", Quantity: 1, NetWeightG: 40, Value: "3.5", HSCode: "392690", OriginCountry: "CN"},
		}},
	}
}

func TestValidateOK(t *testing.T) {
	t.Parallel()
	v, err := acceptance.Validate(request(), "CN", postal.DefaultRates())
	if err != nil {
		t.Fatal(err)
	}
	d := v.Declaration
	// 43.50 EUR / 1.1790 EUR per SDR = 36.8957 SDR.
	if d.TotalValue != "43.50" || d.TotalValueSDR != "36.90" || d.TotalNetWeightG != 220 || d.Form != postal.FormCN22 {
		t.Errorf("declaration totals = %+v", d)
	}
	if d.Lines[0].HSCode != "851830" || d.Lines[1].Value != "3.50" {
		t.Errorf("normalised lines = %+v", d.Lines)
	}
}

func TestValidateForms(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		product, value, currency, form string
	}{
		{"registered-small-packet", "300.00", "XDR", "CN22"}, // exactly the limit
		{"registered-small-packet", "300.01", "XDR", "CN23"},
		{"e-packet", "409.50", "USD", "CN22"}, // 409.50 / 1.365 = 300.00 SDR
		{"e-packet", "409.51", "USD", "CN23"},
		{"ems", "10.00", "USD", "CN22"},
		{"parcel", "10.00", "USD", "CN23"}, // parcels always CN 23
	} {
		t.Run(fmt.Sprint(c.product, " ", c.value, c.currency), func(t *testing.T) {
			r := request()
			r.Product = c.product
			r.Declaration.Currency = c.currency
			r.Declaration.Lines = r.Declaration.Lines[:1]
			r.Declaration.Lines[0].Value = c.value
			v, err := acceptance.Validate(r, "CN", postal.DefaultRates())
			if err != nil {
				t.Fatal(err)
			}
			if v.Declaration.Form != c.form {
				t.Errorf("form = %s, want %s", v.Declaration.Form, c.form)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(r *acceptance.Request)
		field string
		msg   string
	}{
		{"unknown product", func(r *acceptance.Request) { r.Product = "pigeon" }, "product", `unknown product "pigeon"`},
		{"too heavy", func(r *acceptance.Request) { r.WeightG = 2001 }, "weight_g", "2001 g is over the Registered small packet limit of 2000 g"},
		{"zero weight", func(r *acceptance.Request) { r.WeightG = 0 }, "weight_g", "must be a positive number of grams"},
		{"too long", func(r *acceptance.Request) { r.DimensionsMM = []int{610, 150, 40} }, "dimensions_mm", "longest side 610 mm"},
		{"too big", func(r *acceptance.Request) { r.DimensionsMM = []int{500, 300, 150} }, "dimensions_mm", "length + width + height = 950 mm"},
		{"too small", func(r *acceptance.Request) { r.DimensionsMM = []int{100, 80, 10} }, "dimensions_mm", "at least 140 × 90 mm"},
		{"two dims", func(r *acceptance.Request) { r.DimensionsMM = []int{100, 80} }, "dimensions_mm", "exactly three numbers"},
		{"negative dim", func(r *acceptance.Request) { r.DimensionsMM = []int{100, -80, 10} }, "dimensions_mm[1]", "positive"},
		{"parcel girth", func(r *acceptance.Request) {
			r.Product = "parcel"
			r.DimensionsMM = []int{1400, 400, 401}
		}, "dimensions_mm", "length + girth = 3002 mm"},
		{"bad addressee country", func(r *acceptance.Request) { r.Addressee.Country = "UK" }, "addressee.country", `"UK" is not an ISO 3166-1 alpha-2`},
		{"domestic", func(r *acceptance.Request) { r.Addressee.Country = "CN" }, "addressee.country", "domestic items are not accepted"},
		{"no name", func(r *acceptance.Request) { r.Sender.Name = "  " }, "sender.name", "required"},
		{"no declaration", func(r *acceptance.Request) { r.Declaration = nil }, "declaration", "required"},
		{"bad category", func(r *acceptance.Request) { r.Declaration.Category = "present" }, "declaration.category", `"present" is not one of`},
		{"other without explanation", func(r *acceptance.Request) { r.Declaration.Category = "other" }, "declaration.explanation", "required when category is other"},
		{"unknown currency", func(r *acceptance.Request) { r.Declaration.Currency = "ABC" }, "declaration.currency", "not an ISO 4217"},
		{"currency without rate", func(r *acceptance.Request) { r.Declaration.Currency = "ZMW" }, "declaration.currency", "no exchange rate for ZMW"},
		{"no lines", func(r *acceptance.Request) { r.Declaration.Lines = nil }, "declaration.lines", "at least one line"},
		{"zero quantity", func(r *acceptance.Request) { r.Declaration.Lines[1].Quantity = 0 }, "declaration.lines[1].quantity", "at least 1"},
		{"negative value", func(r *acceptance.Request) { r.Declaration.Lines[0].Value = "-1" }, "declaration.lines[0].value", "negative"},
		{"bad value", func(r *acceptance.Request) { r.Declaration.Lines[0].Value = "12,50" }, "declaration.lines[0].value", "not a decimal amount"},
		{"yen decimals", func(r *acceptance.Request) {
			r.Declaration.Currency = "JPY"
			r.Declaration.Lines[0].Value = "100.5"
		}, "declaration.lines[0].value", "more than 0 decimal places for JPY"},
		{"hs missing for sale", func(r *acceptance.Request) { r.Declaration.Lines[0].HSCode = "" }, "declaration.lines[0].hs_code", "required for category sale_of_goods"},
		{"hs short", func(r *acceptance.Request) { r.Declaration.Lines[0].HSCode = "8518" }, "declaration.lines[0].hs_code", "6 to 10 digits"},
		{"vague", func(r *acceptance.Request) { r.Declaration.Lines[0].Description = "Goods" }, "declaration.lines[0].description", "too vague"},
		{"over value", func(r *acceptance.Request) { r.Declaration.Lines[0].Value = "1500.00" }, "declaration.lines", "over the Registered small packet limit of 1000 SDR"},
		{"net over gross", func(r *acceptance.Request) { r.WeightG = 200 }, "weight_g", "less than the declared net weight 220 g"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := request()
			c.edit(&r)
			_, err := acceptance.Validate(r, "CN", postal.DefaultRates())
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, f := range postal.Fields(err) {
				if f.Field == c.field && strings.Contains(f.Message, c.msg) {
					return
				}
			}
			t.Errorf("no error on %s containing %q; got %v", c.field, c.msg, postal.Fields(err))
		})
	}
}

func TestValidateReportsAllFields(t *testing.T) {
	t.Parallel()
	r := request()
	r.WeightG = -1
	r.Addressee.Country = "ZZ"
	r.Declaration.Lines[0].HSCode = "x"
	_, err := acceptance.Validate(r, "CN", postal.DefaultRates())
	if n := len(postal.Fields(err)); n != 3 {
		t.Errorf("%d field errors, want 3: %v", n, err)
	}
}

func TestAllocateS10(t *testing.T) {
	t.Parallel()
	used := map[string]uint32{"EA": acceptance.MaxSerial + 1, "EB": 41}
	next := func(ind string) (uint32, bool, error) {
		n := used[ind]
		if n > acceptance.MaxSerial {
			return 0, false, nil
		}
		used[ind]++
		return n, true, nil
	}
	id, err := acceptance.AllocateS10([]string{"EA", "EB"}, "CN", next)
	if err != nil || id != "EB000000411CN" {
		t.Fatalf("AllocateS10 = %s, %v; want EB000000411CN (EA is full)", id, err)
	}
	used["EB"] = acceptance.MaxSerial + 1
	_, err = acceptance.AllocateS10([]string{"EA", "EB"}, "CN", next)
	if !errors.Is(err, acceptance.ErrRangeExhausted) || postal.ErrorCode(err) != postal.CodeUnavailable {
		t.Fatalf("all ranges full: %v", err)
	}
	boom := errors.New("disk full")
	_, err = acceptance.AllocateS10([]string{"EA"}, "CN", func(string) (uint32, bool, error) { return 0, false, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("store error lost: %v", err)
	}
}

func TestValidateOriginOffice(t *testing.T) {
	t.Parallel()
	r := request()
	r.OriginOffice = "BELGGW"
	if _, err := acceptance.Validate(r, "CN", postal.DefaultRates()); err != nil {
		t.Fatalf("warehouse origin: %v", err)
	}
	r.OriginOffice = "XXLGGW"
	_, err := acceptance.Validate(r, "CN", postal.DefaultRates())
	if f := postal.Fields(err); len(f) != 1 || f[0].Field != "origin_office" {
		t.Fatalf("bad origin office: %v", err)
	}
}
