package document

import (
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// The table's names are CLDR's: a typo or a stale entry fails here.
func TestCountryNamesAreCLDRs(t *testing.T) {
	for code, n := range countryNames {
		reg := language.MustParseRegion(code)
		if got := display.Regions(language.French).Name(reg); got != n.fr {
			t.Errorf("%s: French name %q, CLDR says %q", code, n.fr, got)
		}
		if n.lang == "en" {
			continue
		}
		if got := display.Regions(language.MustParse(n.lang)).Name(reg); got != n.own {
			t.Errorf("%s: %s name %q, CLDR says %q", code, n.lang, n.own, got)
		}
	}
}

func TestOtherCountryNames(t *testing.T) {
	for code, want := range map[string]string{
		"RU": "RUSSIE · РОССИЯ",
		"FR": "",            // English, French and own name are the same
		"GB": "ROYAUME-UNI", // English-speaking: no own name
		"DE": "ALLEMAGNE · DEUTSCHLAND",
		"GR": "GRÈCE · ΕΛΛΑΔΑ", // Greek capitals drop the accent
		"TR": "TURQUIE · TÜRKİYE",
		"CN": "CHINE · 中国",
		"XX": "",
	} {
		if got := otherCountryNames(code); got != want {
			t.Errorf("otherCountryNames(%s) = %q, want %q", code, got, want)
		}
	}
}
