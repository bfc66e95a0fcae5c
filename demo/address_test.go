package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// Every address the demo world uses passes acceptance's checks: postcodes
// in their country's format, names and cities available in Latin script.
func TestDemoAddressesAreValid(t *testing.T) {
	t.Parallel()
	check := func(what string, p acceptance.Party, required bool) acceptance.Party {
		t.Helper()
		var fe postal.FieldList
		q, _ := acceptance.CheckAddress(&fe, what, p, required)
		if len(fe) > 0 {
			t.Errorf("%s %+v: %v", what, p, fe)
		}
		return q
	}
	for _, d := range destinations {
		for _, c := range d.cities {
			for _, n := range d.names {
				check("destination "+d.country, acceptance.Party{Name: n, Address: d.streets[0] + " 1", City: c[0], Postcode: c[1], Country: d.country}, true)
			}
		}
	}
	for c, b := range buyers {
		check("buyer "+c, b, true)
	}
	for _, m := range Merchants {
		s := check("sender "+m.Code, sender(m), true)
		if s.Postcode != sender(m).Postcode {
			t.Errorf("sender %s postcode %q is not in its normal form %q", m.Code, sender(m).Postcode, s.Postcode)
		}
	}
	if s := check("sender XMTEA", sender(Merchants[0]), true); s.CityLatin != "Xiamen" || s.NameLatin == "" {
		t.Errorf("the tea house's Latin forms: %+v", s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		if _, err := acceptance.Validate(sampleRequest(rng, i), "CN", postal.DefaultRates()); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
}
