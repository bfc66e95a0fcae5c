package demo

import (
	"encoding/csv"
	"os"
	"testing"

	"github.com/interpost/interpost/postal/hs"
)

// TestHSConsistency measures how often the description/HS check disagrees
// with the demo's own declarations: the merchants' catalogues, the
// warehouse SKUs and the customs manifest. Every one is correctly
// classified, so each disagreement is a false alarm; the planted mismatch of
// the manifest (a smartphone under 392690) must be found.
func TestHSConsistency(t *testing.T) {
	type line struct{ desc, code string }
	var lines []line
	for _, arts := range catalog {
		for _, a := range arts {
			lines = append(lines, line{a.desc, a.hs})
		}
	}
	for _, skus := range SKUs {
		for _, s := range skus {
			lines = append(lines, line{s.Description, s.HSCode})
		}
	}
	f, err := os.Open("customs-manifest.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	planted := map[string]bool{"Used smartphone, 128 GB": true}
	found := 0
	manifest := 0
	for _, r := range recs[1:] {
		d, c := r[col["description"]], r[col["hs_code"]]
		if planted[d] {
			if hs.Check(d, c).Mismatch {
				found++
			}
			continue
		}
		lines = append(lines, line{d, c})
		manifest++
	}
	disagree := 0
	for _, l := range lines {
		if v := hs.Check(l.desc, l.code); v.Mismatch {
			disagree++
			t.Logf("disagrees: %q under %s (reads as %s, chapters %v)", l.desc, l.code, v.Word, v.Chapters)
		}
	}
	t.Logf("description/HS check on %d correctly classified demo lines (%d from the manifest): %d disagree (%.1f %%); planted mismatches found: %d of %d",
		len(lines), manifest, disagree, 100*float64(disagree)/float64(len(lines)), found, len(planted))
	if disagree > 0 {
		t.Errorf("%d false alarms on correctly classified lines", disagree)
	}
	if found != len(planted) {
		t.Errorf("planted mismatch not found")
	}
}
