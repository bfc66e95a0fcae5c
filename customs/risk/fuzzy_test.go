package risk_test

import (
	"testing"

	"github.com/interpost/interpost/customs/risk"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Иван Петров":             "ivan petrov",
		"  José  MARÍA-López ":    "jose maria lopez",
		"Zhao Lei Trading Co Ltd": "zhao lei",
		"Νικόλαος Παπαδάκης":      "nikolaos papadakis",
		"Straße":                  "strasse",
	} {
		if got := risk.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeLegalForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"GEFEST-M L.L.C.": "gefest m",
		"Hongxing Shipping Limited Liability Company": "hongxing shipping",
		"COMERCIALIZADORA GAEL 4, S.A. DE C.V.":       "comercializadora gael 4 de",
		"B.N.C.":                                      "bnc",
		"G'ulom Karimov":                              "gulom karimov",
		"Джамал":                                      "jamal",
	} {
		if got := risk.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}
