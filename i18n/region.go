package i18n

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Supported reports which catalogue language pref (one tag or an
// Accept-Language list) asks for; ok is false when none matches with high
// confidence, so a caller can ignore an unknown choice rather than pin
// English.
func (c *Catalog) Supported(pref string) (language.Tag, bool) {
	tags := parsePrefs(pref)
	if len(tags) == 0 {
		return language.English, false
	}
	t, _, conf := c.matcher.Match(tags...)
	if conf < language.High {
		return language.English, false
	}
	return c.supported(t), true
}

// Own returns message id only when this language itself defines it (no
// English fallback): for optional texts such as a city's exonym, where the
// caller has a better fallback than English.
func (l *Localizer) Own(id string, data ...any) (string, bool) {
	if !l.cat.ids[l.tag][id] {
		return "", false
	}
	return l.localize(id, nil, data), true
}

// Country names an ISO 3166-1 alpha-2 country in the language: CLDR's
// name, generated into country.LANG.yaml (go generate ./i18n); the code
// itself for a code the catalogue does not name.
func (l *Localizer) Country(code string) string {
	id := "country." + strings.ToUpper(code)
	if !l.cat.ids[language.English][id] {
		return code
	}
	return l.T(id)
}

// SelfName is the language's name in itself ("Deutsch", "中文", "Русский"),
// for language switchers; from cldr.LANG.yaml, the tag when it has none.
func (c *Catalog) SelfName(tag language.Tag) string {
	if n, ok := c.For(tag).Own("language.self"); ok && c.supported(tag) == tag {
		return n
	}
	return tag.String()
}

// parsePrefs reads an Accept-Language list (or one tag), best first. Unlike
// language.ParseAcceptLanguage, which rejects the whole header for one
// unknown subtag ("xx"), it skips the entries it cannot read and keeps the
// others.
func parsePrefs(s string) []language.Tag {
	type pref struct {
		tag language.Tag
		q   float32
	}
	var prefs []pref
	for _, part := range strings.Split(s, ",") {
		tags, qs, err := language.ParseAcceptLanguage(part)
		if err != nil {
			continue
		}
		for i, t := range tags {
			prefs = append(prefs, pref{t, qs[i]})
		}
	}
	slices.SortStableFunc(prefs, func(a, b pref) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	out := make([]language.Tag, len(prefs))
	for i, p := range prefs {
		out[i] = p.tag
	}
	return out
}
