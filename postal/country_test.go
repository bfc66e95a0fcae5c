package postal

import (
	"slices"
	"testing"
)

func TestCountries(t *testing.T) {
	t.Parallel()
	codes := Countries()
	if len(codes) != 249 {
		t.Errorf("len(Countries()) = %d, want the 249 officially assigned codes", len(codes))
	}
	if !slices.IsSorted(codes) {
		t.Error("Countries() is not sorted")
	}
	if len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Error("Countries() has duplicates")
	}
	for _, c := range codes {
		if len(c) != 2 || !allUpper(c) {
			t.Errorf("code %q is not two letters A-Z", c)
		}
	}
	codes[0] = "ZZ" // the caller owns the slice
	if Countries()[0] != "AD" {
		t.Error("Countries() shares its backing array")
	}
}

func TestCountryName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, name string
		ok         bool
	}{
		{"AD", "Andorra", true},
		{"AX", "Åland Islands", true},
		{"CN", "China", true},
		{"CI", "Côte d'Ivoire", true},
		{"DE", "Germany", true},
		{"GB", "United Kingdom of Great Britain and Northern Ireland", true},
		{"IE", "Ireland", true},
		{"NL", "Netherlands, Kingdom of the", true},
		{"TR", "Türkiye", true},
		{"US", "United States of America", true},
		{"ZW", "Zimbabwe", true},
		{"XK", "", false}, // Kosovo: user-assigned, not official
		{"UK", "", false}, // exceptionally reserved
		{"EU", "", false},
		{"AN", "", false}, // deleted 2010
		{"XX", "", false},
		{"gb", "", false}, // upper case only
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			name, ok := CountryName(tc.code)
			if name != tc.name || ok != tc.ok || ValidCountry(tc.code) != tc.ok {
				t.Errorf("CountryName(%q) = %q, %v; want %q, %v", tc.code, name, ok, tc.name, tc.ok)
			}
		})
	}
}

func TestCurrencies(t *testing.T) {
	t.Parallel()
	codes := Currencies()
	if !slices.IsSorted(codes) || len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Error("Currencies() is not sorted and unique")
	}
	// 165 = ISO 4217 list one's active codes without the N.A. ones, plus XDR.
	if len(codes) != 165 {
		t.Errorf("len(Currencies()) = %d, want 165", len(codes))
	}
	tests := []struct {
		code  string
		minor int
		name  string
		ok    bool
	}{
		{"EUR", 2, "Euro", true},
		{"USD", 2, "US Dollar", true},
		{"CNY", 2, "Yuan Renminbi", true},
		{"GBP", 2, "Pound Sterling", true},
		{"JPY", 0, "Yen", true},
		{"KRW", 0, "Won", true},
		{"XOF", 0, "CFA Franc BCEAO", true},
		{"KWD", 3, "Kuwaiti Dinar", true},
		{"TND", 3, "Tunisian Dinar", true},
		{"CLF", 4, "Unidad de Fomento", true},
		{"XDR", 2, "SDR (Special Drawing Right)", true},
		{"XCG", 2, "Caribbean Guilder", true},
		{"ZWG", 2, "Zimbabwe Gold", true},
		{"XAU", 0, "", false}, // gold: minor units N.A.
		{"XXX", 0, "", false},
		{"BGN", 0, "", false}, // withdrawn: Bulgaria uses the euro since 2026
		{"HRK", 0, "", false},
		{"eur", 0, "", false},
		{"", 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			minor, ok := CurrencyMinorUnits(tc.code)
			name, nameOK := CurrencyName(tc.code)
			if minor != tc.minor || ok != tc.ok || name != tc.name || nameOK != tc.ok || ValidCurrency(tc.code) != tc.ok {
				t.Errorf("%q: minor %d %v, name %q %v; want %d %q %v", tc.code, minor, ok, name, nameOK, tc.minor, tc.name, tc.ok)
			}
		})
	}
}
