package demo

import (
	"bytes"
	"testing"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/network"
)

// TestSortPlans checks every demo sort plan against the demo network: it
// reads, names only known offices of exchange and has no ambiguous rules.
func TestSortPlans(t *testing.T) {
	n, err := Network()
	if err != nil {
		t.Fatal(err)
	}
	offices := network.OfficeMap(n.Offices)
	for _, o := range SortPlanOffices {
		b, err := SortPlanFile(o)
		if err != nil {
			t.Fatal(err)
		}
		rules, err := dispatch.ReadSortPlan(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		p := dispatch.SortPlan{Office: o, Rules: rules}
		if err := p.Normalize(offices); err != nil {
			t.Errorf("%s: %v", o, err)
		}
	}
}
