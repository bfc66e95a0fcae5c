package i18n

import (
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/interpost/interpost/postal"
)

func TestMatchFallsBackToEnglish(t *testing.T) {
	c := Default()
	zh := language.MustParse("zh-CN")
	for _, tc := range []struct {
		prefs []string
		want  language.Tag
	}{
		{[]string{"zh-CN,zh;q=0.9,en;q=0.8"}, zh},
		{[]string{"zh"}, zh},
		{[]string{"zh-Hans-CN"}, zh},
		{[]string{"", "zh-CN"}, zh},                 // no cookie: the header decides
		{[]string{"en", "zh-CN"}, language.English}, // the explicit choice wins
		{[]string{"xx-YY, qq"}, language.English},   // unknown tags
		{[]string{"xx;q=1, zh;q=0.4"}, zh},          // an unknown entry does not spoil the rest
		{[]string{";;;,=q"}, language.English},      // malformed header
		{nil, language.English},
	} {
		if got := c.Match(tc.prefs...); got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
}

func TestLocalize(t *testing.T) {
	c := Default()
	en, zh := c.For(language.English), c.For(language.MustParse("zh-CN"))
	if got := en.N("common.items", 1); got != "1 item" {
		t.Errorf("en one: %q", got)
	}
	if got := en.N("common.items", 3); got != "3 items" {
		t.Errorf("en other: %q", got)
	}
	if got := zh.N("common.items", 3); got != "3 件" {
		t.Errorf("zh: %q", got)
	}
	if got := zh.T("no.such.message"); got != "no.such.message" {
		t.Errorf("unknown id: %q", got)
	}
	if got := en.Number(17679.333, 2); got != "17,679.33" {
		t.Errorf("en number: %q", got)
	}
	if got := c.For(language.Italian).Number(17679.333, 2); got != "17,679.33" {
		// Italian is not in the catalogue: For falls back to English.
		t.Errorf("unsupported language number: %q", got)
	}
	if zh.Lang() != "zh-CN" || en.Lang() != "en" {
		t.Errorf("tags: %s %s", zh.Lang(), en.Lang())
	}
}

// TestCatalogueComplete fails when a language lacks a message English has
// in an area both translate. Each area's tests add their own languages.
func TestCatalogueComplete(t *testing.T) {
	c := Default()
	if m := c.Missing(language.MustParse("zh-CN"), "common."); len(m) > 0 {
		t.Errorf("zh-CN lacks %q", m)
	}
}

func TestCountryAndSupported(t *testing.T) {
	c := Default()
	if got := c.For(language.MustParse("zh-CN")).Country("PL"); got != "波兰" {
		t.Errorf("zh PL = %q", got)
	}
	if got := c.For(language.English).Country("QQ"); got != "QQ" {
		t.Errorf("unknown region = %q", got)
	}
	if _, ok := c.Supported("xx"); ok {
		t.Error("xx supported")
	}
	if tag, ok := c.Supported("zh-Hans"); !ok || tag.String() != "zh-CN" {
		t.Errorf("zh-Hans = %s %v", tag, ok)
	}
	if got := c.SelfName(language.Russian); got != "Русский" {
		t.Errorf("self name ru = %q", got)
	}
	if _, ok := c.For(language.MustParse("zh-CN")).Own("no.such.message"); ok {
		t.Error("Own of an unknown id")
	}
}

// TestCLDRNamesCurrent fails when cldr.LANG.yaml is missing for a
// catalogue language or differs from x/text's CLDR data: run go generate.
func TestCLDRNamesCurrent(t *testing.T) {
	c := Default()
	for _, tag := range c.Languages() {
		l := c.For(tag)
		names := display.Regions(tag)
		for _, code := range postal.Countries() {
			want := names.Name(language.MustParseRegion(code))
			if want == "" {
				continue
			}
			if got := l.Country(code); got != want {
				t.Errorf("%s: country %s = %q, CLDR says %q (go generate ./i18n)", tag, code, got, want)
				break
			}
		}
		if m := c.Missing(tag, "language.self"); len(m) > 0 {
			t.Errorf("%s has no cldr file (go generate ./i18n)", tag)
		}
	}
}
