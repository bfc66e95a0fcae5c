// Package postcode checks and normalises postcodes against each country's
// format: the patterns, required flags and examples of Google's address data
// (libaddressinput, via commerceguys/addressing), embedded from data/ with its
// licence and sources (data/LICENSE.md, data/SOURCES.md).
package postcode

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed data/postcode-formats.csv
var formatsCSV []byte

// Format is one country's postcode rule.
type Format struct {
	Country  string         // ISO 3166-1 alpha-2
	Pattern  *regexp.Regexp // anchored; nil when the country has no postcodes in the data
	Required bool           // an address in this country needs a postcode
	Example  string         // an example that matches Pattern ("" when none does)
	Prefix   string         // a prefix some writers put before the code, e.g. "FI-"
	examples []string       // every upstream example that matches Pattern
}

// formats is parsed and compiled once, on first use (about 1 ms).
var formats = sync.OnceValue(func() map[string]*Format {
	rows, err := csv.NewReader(bytes.NewReader(formatsCSV)).ReadAll()
	if err != nil || len(rows) < 2 {
		panic(fmt.Sprintf("postcode: embedded data/postcode-formats.csv: %v", err)) // programmer error: the file is embedded
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	m := make(map[string]*Format, len(rows)-1)
	for _, r := range rows[1:] {
		f := &Format{Country: r[col["country"]], Required: r[col["postal_code_required"]] == "True", Prefix: r[col["postal_code_prefix"]]}
		if p := r[col["regex"]]; p != "" {
			f.Pattern = regexp.MustCompile(`^(?:` + p + `)$`)
			for _, ex := range strings.Split(r[col["all_examples"]], ",") {
				if ex = strings.TrimSpace(ex); ex != "" && f.Pattern.MatchString(ex) {
					f.examples = append(f.examples, ex)
				}
			}
			if len(f.examples) > 0 {
				f.Example = f.examples[0]
			}
		}
		m[f.Country] = f
	}
	return m
})

// Lookup returns the postcode format of a country (upper-case alpha-2 code);
// ok is false when the data has no row for it.
func Lookup(country string) (*Format, bool) {
	f, ok := formats()[country]
	return f, ok
}

// Normalize returns s in the country's usual form: trimmed, upper case, runs of
// spaces made one, a known prefix ("FI-", "SE-") dropped, and the separator of
// the country's example put where it belongs ("sw1a1aa" → "SW1A 1AA",
// "1234ab" → "1234 AB", "00950" → "00-950"). It reports ok=false when the
// country has a pattern and s does not match it in any of these forms; a
// country without a pattern accepts any s.
func (f *Format) Normalize(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	if f.Pattern == nil {
		return s, true
	}
	if c, ok := f.fit(s); ok {
		return c, true
	}
	if p := strings.ToUpper(f.Prefix); p != "" && strings.HasPrefix(s, p) {
		return f.fit(strings.TrimSpace(s[len(p):]))
	}
	return s, false
}

// fit tries s laid out like the example first, then s as given.
func (f *Format) fit(s string) (string, bool) {
	if f.Example != "" {
		if c := layout(s, f.Example); c != s && f.Pattern.MatchString(c) {
			return c, true
		}
	}
	return s, f.Pattern.MatchString(s)
}

var unseparated = strings.NewReplacer(" ", "", "-", "")

// layout strips spaces and hyphens from s and puts back the separators of
// example at the same distance from the end: "EC1Y 8SY" puts a space before
// the last three characters, which fits every UK outward code length.
func layout(s, example string) string {
	if !strings.ContainsAny(example, " -") {
		return s
	}
	compact := unseparated.Replace(s)
	ex := []rune(example)
	var seps []struct {
		fromEnd int
		sep     rune
	}
	tail := 0
	for i := len(ex) - 1; i >= 0; i-- {
		if ex[i] == ' ' || ex[i] == '-' {
			seps = append(seps, struct {
				fromEnd int
				sep     rune
			}{tail, ex[i]})
			continue
		}
		tail++
	}
	r := []rune(compact)
	var b strings.Builder
	b.Grow(len(compact) + len(seps))
	for i, c := range r {
		for j := len(seps) - 1; j >= 0; j-- {
			if len(r)-i == seps[j].fromEnd && i > 0 {
				b.WriteRune(seps[j].sep)
			}
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Rule describes the format for a person: "the form 99-999" when every
// example has one shape (9 a digit, A a letter), else up to three shapes, or
// the pattern itself when there is no example.
func (f *Format) Rule() string {
	if f.Pattern == nil {
		return "any form"
	}
	var shapes []string
	for _, ex := range f.examples {
		s := shape(ex)
		if !slices.Contains(shapes, s) {
			shapes = append(shapes, s)
		}
	}
	switch {
	case len(shapes) == 0:
		return "the pattern " + f.Pattern.String()
	case len(shapes) == 1:
		return "the form " + shapes[0]
	case len(shapes) > 3:
		return "a form such as " + strings.Join(shapes[:3], ", ")
	}
	return "a form such as " + strings.Join(shapes, ", ")
}

func shape(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '9'
		case r >= 'A' && r <= 'Z':
			return 'A'
		}
		return r
	}, s)
}
