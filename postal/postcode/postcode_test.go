package postcode

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		country, in, want string
		ok                bool
	}{
		{"PL", "00-950", "00-950", true},
		{"PL", "00950", "00-950", true},
		{"PL", "1234", "1234", false},
		{"GB", "sw1a1aa", "SW1A 1AA", true},
		{"GB", "  ec1y   8sy ", "EC1Y 8SY", true},
		{"GB", "M25BQ", "M2 5BQ", true},
		{"GB", "BFPO 61", "BFPO 61", true},
		{"GB", "GIR0AA", "GIR 0AA", true},
		{"GB", "RH6 OHP", "RH6 OHP", false}, // letter O for zero, a known upstream typo
		{"NL", "1234ab", "1234 AB", true},
		{"CA", "h3z2y7", "H3Z 2Y7", true},
		{"CA", "D3Z 2Y7", "D3Z 2Y7", false}, // D is not a Canadian first letter
		{"US", "95014", "95014", true},
		{"US", "22162-1010", "22162-1010", true},
		{"US", "9501", "9501", false},
		{"JP", "1540023", "154-0023", true},
		{"FI", "FI-00100", "00100", true},
		{"LV", "lv 1073", "LV-1073", true},
		{"RU", "101000", "101000", true},
		{"RU", "10100", "10100", false},
		{"CN", "361000", "361000", true},
		{"HK", "anything", "ANYTHING", true}, // no postcodes in Hong Kong
		{"IE", "a65f4e2", "A65 F4E2", true},
	} {
		f, ok := Lookup(c.country)
		if !ok {
			t.Fatalf("no format for %s", c.country)
		}
		got, ok := f.Normalize(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("%s Normalize(%q) = %q, %v; want %q, %v", c.country, c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRuleAndRequired(t *testing.T) {
	t.Parallel()
	pl, _ := Lookup("PL")
	if got := pl.Rule(); got != "the form 99-999" || pl.Example != "00-950" || !pl.Required {
		t.Errorf("PL: rule %q example %q required %v", got, pl.Example, pl.Required)
	}
	gb, _ := Lookup("GB")
	if got := gb.Rule(); got != "a form such as AA9A 9AA, AAA 9AA, A9 9AA" {
		t.Errorf("GB rule %q", got)
	}
	if hk, _ := Lookup("HK"); hk.Required || hk.Pattern != nil {
		t.Errorf("HK has no postcodes: %+v", hk)
	}
	if _, ok := Lookup("QQ"); ok {
		t.Error("QQ has a format")
	}
}

// Every example of the data that matches its own pattern must survive
// normalisation unchanged: the layout step must never break a canonical code.
func TestExamplesAreFixedPoints(t *testing.T) {
	t.Parallel()
	rows, err := csv.NewReader(bytes.NewReader(formatsCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range formats() {
		for _, ex := range f.examples {
			n++
			if got, ok := f.Normalize(ex); !ok || got != ex {
				t.Errorf("%s: Normalize(%q) = %q, %v", f.Country, ex, got, ok)
			}
		}
	}
	if len(rows) != 254 || n < 300 {
		t.Errorf("%d rows, %d examples: the data shrank", len(rows), n)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"00-950", "sw1a1aa", "FI-00100", "", " - ", "LV-"} {
		f.Add("PL", s)
		f.Add("GB", s)
		f.Add("FI", s)
	}
	f.Fuzz(func(t *testing.T, country, s string) {
		fm, ok := Lookup(country)
		if !ok {
			return
		}
		got, ok := fm.Normalize(s)
		if !ok {
			return
		}
		// A normalised code is a fixed point.
		if again, ok2 := fm.Normalize(got); !ok2 || again != got {
			t.Fatalf("%s: Normalize(%q) = %q, then %q, %v", country, s, got, again, ok2)
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	gb, _ := Lookup("GB")
	pl, _ := Lookup("PL")
	b.ReportAllocs()
	for b.Loop() {
		gb.Normalize("sw1a1aa")
		pl.Normalize("00-950")
	}
}
