package console

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/postal"
	"golang.org/x/text/language"
)

// enLoc formats where the language does not matter.
var enLoc = i18n.Default().For(language.English)

// funcs are the template helpers. Numbers are formatted here so tables
// line up (thousands separators, fixed decimals) and read the same on
// every page.
func (c *Console) funcs(l *i18n.Localizer) template.FuncMap {
	return template.FuncMap{
		"static": c.staticURL,
		// t and n are the page's language: {{t "console.overview.title"}},
		// {{t "console.x" "Name" .Value}}, {{n "console.items" .N}}.
		"t":      l.T,
		"n":      l.N,
		"lang":   l.Lang,
		"code":   l.Code,
		"status": func(s any) string { return l.Code("status", fmt.Sprint(s)) },
		"event":  func(s any) string { return l.Code("event", fmt.Sprint(s)) },
		"int":    func(n any) string { return formatInt(l, n) },
		"round":  func(f float64) string { return l.Int(int64(math.Round(f))) },
		"kg":     func(g any) string { return formatKg(l, g) },
		// sortcol feeds the "sorth" header template: a sortable column.
		"sortcol": func(link sortLink, label string, class ...string) map[string]any {
			return map[string]any{"Link": link, "Label": label, "Class": strings.Join(class, " ")}
		},
		"num": l.Number,
		// money writes an API amount with its currency: {{money .Amount .Currency}}.
		"money":   l.Money,
		"pct":     func(f float64) string { return l.Number(f*100, 1) + "%" },
		"country": func(code string) string { return c.countryName(l, code) },
		"product": func(code any) string { return l.Code("product", fmt.Sprint(code)) },
		"local":   func(t time.Time, tz string) string { return localTime(l, t, tz) },
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":    l.Date,
		"bar":     func(f float64) string { return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) },
		"add":     func(a, b int) int { return a + b },
		"lat":     func(v float64) string { return coord(v, "N", "S") },
		"lon":     func(v float64) string { return coord(v, "E", "W") },
		"join":    strings.Join,
		"fieldID": fieldID,
		"dict":    dict,
		"lower":   strings.ToLower,
		"dims": func(d []int) string {
			parts := make([]string, len(d))
			for i, v := range d {
				parts[i] = strconv.Itoa(v)
			}
			return strings.Join(parts, " × ") + " mm"
		},
	}
}

// formatInt writes an integer with the language's grouping: 12,345.
func formatInt(l *i18n.Localizer, n any) string {
	switch v := n.(type) {
	case int:
		return l.Int(int64(v))
	case int64:
		return l.Int(v)
	case int32:
		return l.Int(int64(v))
	case uint64:
		return l.Int(int64(v))
	case float64:
		return l.Int(int64(math.Round(v)))
	}
	return fmt.Sprint(n)
}

// formatKg writes grams as kilograms: "0.85 kg", "1,234.5 kg".
func formatKg(l *i18n.Localizer, g any) string {
	var grams float64
	switch v := g.(type) {
	case int:
		grams = float64(v)
	case int64:
		grams = float64(v)
	case float64:
		grams = v
	}
	kg := grams / 1000
	switch {
	case kg < 10:
		return l.Number(kg, 2) + " kg"
	case kg < 1000:
		return l.Number(kg, 1) + " kg"
	}
	return l.Int(int64(math.Round(kg))) + " kg"
}

// countryName is a country's name for tables. In English: Natural Earth's
// short name ("United Kingdom", "South Korea") where it has an
// unabbreviated one, else the ISO 3166 name; in other languages CLDR's
// name; else the code.
func (c *Console) countryName(l *i18n.Localizer, code string) string {
	if l.Lang() != "en" {
		if n := l.Region(code); n != "" && n != code {
			return n
		}
	}
	if n, ok := c.world.names[code]; ok {
		return n
	}
	if name, ok := postal.CountryName(code); ok {
		return name
	}
	return code
}

// localTime shows t in an IANA zone, with the zone's abbreviation; UTC if
// the zone is unknown.
func localTime(l *i18n.Localizer, t time.Time, tz string) string {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	return l.DateTime(t, loc)
}

// share is a part of a whole for the tables with bars.
type share struct {
	Key, Label string
	N          int
	WeightG    int64
	Others     int     // the row sums this many others (Label is then empty)
	Frac       float64 // N / total
	Rel        float64 // N / largest, for the bar length
}

// shares turns counts into rows sorted by count, largest first.
func shares(counts map[string]*share, limit int) []share {
	total, top := 0, 0
	out := make([]share, 0, len(counts))
	for _, s := range counts {
		total += s.N
		top = max(top, s.N)
		out = append(out, *s)
	}
	sortShares(out)
	for i := range out {
		if total > 0 {
			out[i].Frac = float64(out[i].N) / float64(total)
			out[i].Rel = float64(out[i].N) / float64(top)
		}
	}
	if limit > 0 && len(out) > limit {
		rest := share{Key: "", Others: len(out) - limit}
		for _, s := range out[limit:] {
			rest.N += s.N
			rest.WeightG += s.WeightG
			rest.Frac += s.Frac
		}
		out = append(out[:limit], rest)
	}
	return out
}

func sortShares(s []share) {
	// Largest first; ties by label so the order is stable between requests.
	slices.SortFunc(s, func(a, b share) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Label, b.Label)) })
}

// dict builds a map from key, value pairs, to pass several values to a
// template: {{template "shares" (dict "Rows" .X "Head" "Country")}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
