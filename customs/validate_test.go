package customs_test

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

func postalDecl() customs.Declaration {
	return customs.Declaration{
		ID: "RR473124829GB", Stream: customs.StreamPostal, Direction: customs.Import, Office: "CNPEKA",
		Category: "gift", Currency: "GBP",
		Sender:    customs.Party{Name: "Emily Clarke", Address: "4 Mill Lane", City: "York", Country: "GB"},
		Addressee: customs.Party{Name: "Li Na", Address: "2 Dongzhimen", City: "Beijing", Country: "CN"},
		Lines:     []customs.Line{{Description: "Wool scarf", Quantity: 1, NetWeightG: 150, Value: "25.00"}},
	}
}

func TestValidateBadInput(t *testing.T) {
	t.Parallel()
	m := risk.Money{Rates: postal.DefaultRates(), Reference: "CNY"}
	tests := []struct {
		name  string
		edit  func(*customs.Declaration)
		field string
		msg   string
	}{
		{"unknown currency", func(d *customs.Declaration) { d.Currency = "ABC" }, "currency", "not an ISO 4217"},
		{"currency without a rate", func(d *customs.Declaration) { d.Currency = "ZMW" }, "currency", "no exchange rate for ZMW"},
		{"HS code format", func(d *customs.Declaration) { d.Lines[0].HSCode = "61-17" }, "lines[0].hs_code", "6 to 10 digits"},
		{"negative quantity", func(d *customs.Declaration) { d.Lines[0].Quantity = -2 }, "lines[0].quantity", "at least 1"},
		{"negative value", func(d *customs.Declaration) { d.Lines[0].Value = "-5" }, "lines[0].value", "negative"},
		{"totals don't add up", func(d *customs.Declaration) { d.TotalValue = "30.00" }, "total_value", "does not equal the sum of the lines 25.00"},
		{"CN22 over the limit", func(d *customs.Declaration) {
			d.Postal = &customs.PostalInfo{Form: "CN22"}
			d.Lines[0].Value = "400.00"
		}, "postal.form", "a CN22 covers at most 300 SDR"},
		{"bad S10", func(d *customs.Declaration) { d.ID = "RR473124828GB" }, "id", "check digit"},
		{"express without carrier", func(d *customs.Declaration) {
			d.Stream, d.ID = customs.StreamExpress, "1Z999AA10123456784"
			d.Lines[0].HSCode, d.Lines[0].OriginCountry = "611710", "GB"
		}, "express.carrier", "required"},
		{"commercial line without HS", func(d *customs.Declaration) { d.Category = "sale_of_goods" }, "lines[0].hs_code", "required"},
		{"domestic", func(d *customs.Declaration) { d.Sender.Country = "CN" }, "addressee.country", "domestic"},
		{"bad IOSS", func(d *customs.Declaration) { d.ImporterRef = "IM12" }, "importer_ref", "IOSS"},
		{"net over gross", func(d *customs.Declaration) { d.GrossWeightG = 100 }, "gross_weight_g", "less than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := postalDecl()
			tt.edit(&d)
			_, err := customs.Validate(d, m)
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, f := range postal.Fields(err) {
				if f.Field == tt.field && strings.Contains(f.Message, tt.msg) {
					return
				}
			}
			t.Errorf("no %s error containing %q in %v", tt.field, tt.msg, err)
		})
	}
}

func TestValidateNormalises(t *testing.T) {
	t.Parallel()
	m := risk.Money{Rates: postal.DefaultRates(), Reference: "CNY"}
	d := postalDecl()
	d.ID = "rr 473 124 829 gb"
	d.Lines[0].Value = "25"
	v, err := customs.Validate(d, m)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "RR473124829GB" || v.Lines[0].Value != "25.00" || v.TotalValue != "25.00" || v.Postal.Form != "CN22" {
		t.Errorf("normalised = %+v", v)
	}
	if v.TotalValueSDR != "24.32" || v.ReferenceCurrency != "CNY" || v.ReferenceValue != "236.87" {
		t.Errorf("conversions: %s SDR, %s %s", v.TotalValueSDR, v.ReferenceValue, v.ReferenceCurrency)
	}
}
