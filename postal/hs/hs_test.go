package hs

import (
	"strings"
	"testing"
)

func TestCounts(t *testing.T) {
	t.Parallel()
	n := map[int]int{}
	for _, e := range load().entries {
		n[e.Level()]++
	}
	if n[2] != 96 || n[4] != 1228 || n[6] != 5612 {
		t.Errorf("levels = %v, want 96 chapters (01-97 without 77), 1228 headings, 5612 subheadings", n)
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{"090230": true, "8517130090": true, "854911": true, "851799": false, "999999": false, "0902": false, "": false} {
		if got := Valid(code); got != want {
			t.Errorf("Valid(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestNearest(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, want string }{
		{"851799", "851769 851771 851779"}, // same heading: its closest subheadings
		{"123456", "1212 1213 1214"},       // same chapter: its closest headings
		{"770000", "75 76 78"},             // no chapter: closest chapters
	}
	for _, tc := range tests {
		var got []string
		for _, e := range Nearest(tc.code, 3) {
			got = append(got, e.Code)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("Nearest(%s) = %v, want %s", tc.code, got, tc.want)
		}
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q     string
		limit int
		want  []string // codes that must be among the results
		first string
	}{
		{"0902", 10, []string{"0902", "090210", "090230"}, "0902"},
		{"0902.3", 10, []string{"090230"}, "090230"},
		{"green tea", 10, []string{"090210", "090220"}, ""},
		{"lithium", 20, []string{"850650", "850760"}, ""},
		{"Tea", 50, []string{"0902"}, ""},
	}
	for _, tc := range tests {
		got := Search(tc.q, tc.limit)
		codes := map[string]bool{}
		for _, e := range got {
			codes[e.Code] = true
		}
		for _, w := range tc.want {
			if !codes[w] {
				t.Errorf("Search(%q) = %v, missing %s", tc.q, got, w)
			}
		}
		if tc.first != "" && (len(got) == 0 || got[0].Code != tc.first) {
			t.Errorf("Search(%q) first = %v, want %s", tc.q, got, tc.first)
		}
		if len(got) > tc.limit {
			t.Errorf("Search(%q) gave %d results, limit %d", tc.q, len(got), tc.limit)
		}
	}
	if got := Search("zzzqqq", 5); len(got) != 0 {
		t.Errorf("Search(nonsense) = %v", got)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, code string
		mismatch   bool
		word       string
	}{
		{"Cotton T-shirt", "610910", false, ""},
		{"Cotton T-shirts, 3 pieces", "930190", true, "shirt"},
		{"Running shoes", "640411", false, ""},
		{"Running shoes", "240220", true, "shoe"},
		{"Phone case, silicone", "392690", false, ""},
		{"Green tea 250 g", "090210", false, ""},
		{"Smartphone", "851713", false, ""},
		{"Smartphone", "640411", true, "smartphone"},
		{"Gizmo widget", "930190", false, ""}, // unknown words never make a mismatch
		{"Coffee beans 1 kg", "090121", false, ""},
	}
	for _, tc := range tests {
		v := Check(tc.desc, tc.code)
		if v.Mismatch != tc.mismatch || tc.mismatch && v.Word != tc.word {
			t.Errorf("Check(%q, %s) = %+v, want mismatch %v on %q", tc.desc, tc.code, v, tc.mismatch, tc.word)
		}
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"0902", "green tea", "", "8517.13", "ÄÖ", "9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, e := range Search(q, 5) {
			if !Valid(e.Code+"000000") && e.Level() == 6 {
				t.Fatalf("Search(%q) returned invalid %s", q, e.Code)
			}
		}
		_ = Check(q, "090230")
	})
}

func BenchmarkValid(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		Valid("8517130000")
	}
}

// TestCheckOnNomenclature measures the description check on the
// nomenclature's own text: each subheading's description under its own
// code must not disagree (false alarms), and under a code of another
// chapter (the description shifted by 997 subheadings) it should
// (detections; the check stays silent on words it does not know).
func TestCheckOnNomenclature(t *testing.T) {
	t.Parallel()
	var subs []Entry
	for _, e := range load().entries {
		if e.Level() == 6 {
			subs = append(subs, e)
		}
	}
	falseAlarms, detected, shifted := 0, 0, 0
	for i, e := range subs {
		if Check(e.Description, e.Code).Mismatch {
			falseAlarms++
		}
		o := subs[(i+997)%len(subs)]
		if o.Code[:2] != e.Code[:2] {
			shifted++
			if Check(e.Description, o.Code).Mismatch {
				detected++
			}
		}
	}
	t.Logf("own code: %d of %d disagree (%.2f %%); another chapter's code: %d of %d detected (%.1f %%)",
		falseAlarms, len(subs), 100*float64(falseAlarms)/float64(len(subs)), detected, shifted, 100*float64(detected)/float64(shifted))
	if float64(falseAlarms) > 0.01*float64(len(subs)) {
		t.Errorf("%d false alarms on the nomenclature's own text", falseAlarms)
	}
}

func BenchmarkCheck(b *testing.B) {
	load()
	b.ReportAllocs()
	for b.Loop() {
		Check("Cotton T-shirt, black, size M", "610910")
	}
}
