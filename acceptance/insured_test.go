package acceptance_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

func TestValidateInsured(t *testing.T) {
	t.Parallel()
	r := request()
	r.InsuredValue = &acceptance.Money{Amount: "40.00", Currency: "eur"}
	v, err := acceptance.Validate(r, "CN", postal.DefaultRates())
	if err != nil {
		t.Fatal(err)
	}
	// 40.00 EUR / 1.1790 = 33.93 SDR; insured letters take the V* range.
	if v.Insured == nil || v.Insured.ValueSDR != "33.93" || v.Insured.Currency != "EUR" || v.Insured.RatesOf != "2026-11-02" {
		t.Errorf("insured = %+v", v.Insured)
	}
	if len(v.Indicators) == 0 || v.Indicators[0] != "VA" {
		t.Errorf("indicators = %v, want the V* range", v.Indicators)
	}
}

func TestValidateInsuredRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, product, dest, amount, currency, field, want string
	}{
		{"above the declared value", "registered-small-packet", "DE", "50.00", "EUR", "insured_value.amount", "above the declared value of the contents (36.90 SDR)"},
		{"above the product limit", "parcel", "DE", "6000", "XDR", "insured_value.amount", "above the limit of 4000 SDR: parcel items are insured up to 4000 SDR"},
		{"above the destination limit", "parcel", "RU", "600", "XDR", "insured_value.amount", "above the limit of 500 SDR: the post of RU accepts insured parcel items up to 500 SDR"},
		{"not insurable", "small-packet", "DE", "10", "EUR", "insured_value", "small-packet items cannot be insured"},
		{"bad currency", "parcel", "DE", "10", "EURO", "insured_value.currency", "not an ISO 4217"},
		{"zero", "parcel", "DE", "0", "EUR", "insured_value.amount", "must be above zero"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := request()
			r.Product = c.product
			r.Addressee.Country = c.dest
			if c.dest == "RU" {
				r.Addressee.City, r.Addressee.Postcode = "Moskva", "101000"
			}
			if c.product == "parcel" {
				r.Declaration.Currency = "XDR"
				r.Declaration.Lines = r.Declaration.Lines[:1]
				r.Declaration.Lines[0].Value = "9000"
			}
			r.InsuredValue = &acceptance.Money{Amount: c.amount, Currency: c.currency}
			_, err := acceptance.Validate(r, "CN", postal.DefaultRates())
			var pe *postal.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want invalid", err)
			}
			found := false
			for _, f := range pe.Fields {
				if f.Field == c.field && strings.Contains(f.Message, c.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("fields = %+v, want %s: …%s…", pe.Fields, c.field, c.want)
			}
		})
	}
}
