package i18n

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

//go:embed locales/*.yaml
var localeFiles embed.FS

// Catalog is a loaded set of message files.
type Catalog struct {
	bundle  *goi18n.Bundle
	tags    []language.Tag
	matcher language.Matcher
	ids     map[language.Tag]map[string]bool // message ids per language
	// plain memoizes messages without data or count, per language ("zh-CN\x00track.title"):
	// they never change once loaded, and the public page shows dozens per view.
	plain sync.Map
	// fingerprint identifies the catalogue's content (SHA-256 over its files).
	fingerprint string
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the catalogue embedded in the binary. It panics if an
// embedded file does not parse: that is a build defect the tests catch.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = Load(localeFiles, "locales") })
	if defaultErr != nil {
		panic(defaultErr)
	}
	return defaultCat
}

// Load reads every AREA.LANG.yaml file in dir of fsys.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{bundle: b, ids: map[language.Tag]map[string]bool{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	sum := sha256.New()
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		raw, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		sum.Write([]byte(e.Name()))
		sum.Write(raw)
		mf, err := b.LoadMessageFileFS(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", e.Name(), err)
		}
		ids := c.ids[mf.Tag]
		if ids == nil {
			ids = map[string]bool{}
			c.ids[mf.Tag] = ids
		}
		for _, m := range mf.Messages {
			if ids[m.ID] {
				return nil, fmt.Errorf("i18n: %s: message %q is defined twice for %s", e.Name(), m.ID, mf.Tag)
			}
			ids[m.ID] = true
		}
	}
	if len(c.ids[language.English]) == 0 {
		return nil, fmt.Errorf("i18n: no English messages in %s (English is the source language)", dir)
	}
	// English first: the matcher falls back to its first tag.
	c.tags = append(c.tags, language.English)
	for t := range c.ids {
		if t != language.English {
			c.tags = append(c.tags, t)
		}
	}
	slices.SortFunc(c.tags[1:], func(a, b language.Tag) int { return strings.Compare(a.String(), b.String()) })
	c.matcher = language.NewMatcher(c.tags)
	c.fingerprint = hex.EncodeToString(sum.Sum(nil)[:8])
	return c, nil
}

// Fingerprint identifies the catalogue's messages: it changes when any message does (for
// validators of pages built from them, such as ETags).
func (c *Catalog) Fingerprint() string { return c.fingerprint }

// Languages lists the languages that have messages, English first.
func (c *Catalog) Languages() []language.Tag { return slices.Clone(c.tags) }

// Match chooses the language for a reader: each preference in order (an
// explicit choice such as a cookie or a user's setting first, then the
// Accept-Language header) is parsed as a list of tags; the first that
// matches a catalogue language with at least high confidence wins. Nothing
// usable — unknown tags, malformed headers, languages we lack — gives
// English.
func (c *Catalog) Match(prefs ...string) language.Tag {
	for _, p := range prefs {
		if strings.TrimSpace(p) == "" {
			continue
		}
		tags := parsePrefs(p)
		if len(tags) == 0 {
			continue
		}
		t, _, conf := c.matcher.Match(tags...)
		if conf >= language.High {
			return c.supported(t)
		}
	}
	return language.English
}

// supported maps a matched tag (which may carry -u- extensions) to the
// catalogue tag it came from.
func (c *Catalog) supported(t language.Tag) language.Tag {
	for _, s := range c.tags {
		if s == t {
			return s
		}
	}
	base, _ := t.Base()
	script, _ := t.Script()
	region, _ := t.Region()
	for _, s := range c.tags {
		sb, _ := s.Base()
		ss, _ := s.Script()
		sr, _ := s.Region()
		if sb == base && (ss == script || sr == region) {
			return s
		}
	}
	for _, s := range c.tags {
		if sb, _ := s.Base(); sb == base {
			return s
		}
	}
	return language.English
}

// Missing lists the message ids that English has and lang lacks, sorted,
// for the tests that keep a language complete. With prefix set, only ids
// starting with it are compared (one area, e.g. "track.").
func (c *Catalog) Missing(lang language.Tag, prefix string) []string {
	var out []string
	have := c.ids[lang]
	for id := range c.ids[language.English] {
		if strings.HasPrefix(id, prefix) && !have[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether English (the source language) defines id.
func (c *Catalog) Has(id string) bool { return c.ids[language.English][id] }

// Localizer gives one language's texts and number formats.
type Localizer struct {
	cat     *Catalog
	tag     language.Tag
	loc     *goi18n.Localizer
	printer *message.Printer
}

// For returns the localizer for tag (English when the catalogue lacks it).
func (c *Catalog) For(tag language.Tag) *Localizer {
	tag = c.supported(tag)
	return &Localizer{cat: c, tag: tag, loc: goi18n.NewLocalizer(c.bundle, tag.String(), "en"), printer: message.NewPrinter(tag)}
}

// Tag is the localizer's language.
func (l *Localizer) Tag() language.Tag { return l.tag }

// Lang is the language as a BCP 47 string ("zh-CN", "en"), for lang= attributes.
func (l *Localizer) Lang() string { return l.tag.String() }

// T returns message id with its {{.Name}} placeholders filled from data
// (pairs of name, value). A message missing in this language falls back to
// English; an id missing everywhere returns the id itself, so a page shows
// something and the completeness tests name it.
func (l *Localizer) T(id string, data ...any) string {
	return l.localize(id, nil, data)
}

// N is T for a message with plural forms, chosen by count (CLDR rules of
// the language); {{.Count}} is count.
func (l *Localizer) N(id string, count int, data ...any) string {
	return l.localize(id, count, data)
}

func (l *Localizer) localize(id string, count any, data []any) string {
	var td map[string]any
	if len(data) > 0 || count != nil {
		td = make(map[string]any, len(data)/2+1)
		for i := 0; i+1 < len(data); i += 2 {
			if k, ok := data[i].(string); ok {
				td[k] = data[i+1]
			}
		}
		if count != nil {
			td["Count"] = count
		}
	}
	var key string
	if td == nil {
		key = l.tag.String() + "\x00" + id
		if s, ok := l.cat.plain.Load(key); ok {
			return s.(string)
		}
	}
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: td, PluralCount: count})
	if err != nil || s == "" {
		s = id
	}
	if td == nil {
		l.cat.plain.Store(key, s)
	}
	return s
}

// Number formats n with the language's grouping and decimal marks and
// exactly decimals fraction digits.
func (l *Localizer) Number(n float64, decimals int) string {
	return l.printer.Sprint(number.Decimal(n, number.MinFractionDigits(decimals), number.MaxFractionDigits(decimals)))
}

// Int formats an integer with the language's grouping.
func (l *Localizer) Int(n int64) string { return l.printer.Sprint(number.Decimal(n)) }
