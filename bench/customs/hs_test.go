package main

import (
	"testing"

	"github.com/interpost/interpost/postal/hs"
)

// TestCatalogueConsistency: the benchmark's catalogue is correctly
// classified, so the description/HS check must agree with every article.
func TestCatalogueConsistency(t *testing.T) {
	disagree := 0
	for _, a := range catalogue {
		if !hs.Valid(a.hs) {
			t.Errorf("%q: HS %s is not in the nomenclature", a.desc, a.hs)
		}
		if v := hs.Check(a.desc, a.hs); v.Mismatch {
			disagree++
			t.Logf("disagrees: %q under %s (reads as %s, chapters %v)", a.desc, a.hs, v.Word, v.Chapters)
		}
	}
	t.Logf("description/HS check on the %d benchmark articles: %d disagree", len(catalogue), disagree)
	if disagree > 0 {
		t.Errorf("%d false alarms", disagree)
	}
}
