// Package latin gives the Latin-script form of names and addresses that the
// sorters of a destination post can read (UPU addressing practice: the
// addressee's and sender's name, city and country in Latin letters and Arabic
// numerals). Chinese is romanised as Hanyu Pinyin (github.com/mozillazg/go-pinyin
// with a table of polyphonic place names and surnames), Cyrillic as in
// machine-readable passports, ICAO Doc 9303 (github.com/essentialkaos/translit,
// Russian letters, plus this package's table of the other Cyrillic letters).
// Any other script is refused: the caller must supply the Latin form.
package latin

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Kind says what a text is, which decides how pinyin syllables are joined.
type Kind int

const (
	// Text is an address line or a company: one capitalised word per
	// syllable ("Si Ming Qu Hu Bin Nan Lu 88 Hao"), since words cannot be
	// told apart without a dictionary.
	Text Kind = iota
	// Name is a person's name: a Chinese name of two to four characters
	// becomes surname and joined given name ("王小明" → "Wang Xiaoming").
	Name
	// Place is a city: its syllables joined, a final 市 (city) dropped
	// ("厦门市" → "Xiamen").
	Place
)

// Methods, as named in warnings.
const (
	Pinyin = "Hanyu Pinyin"
	ICAO   = "ICAO Doc 9303 (passport) transliteration"
)

// ScriptError says that s holds letters of a script this package does not
// transliterate, or Chinese characters outside China (whose Latin forms are
// not pinyin: Japanese kanji, Cantonese names in Hong Kong).
type ScriptError struct {
	Script    string // Unicode script name, e.g. "Arabic", "Hiragana", "Han"
	Letter    rune
	NoReading bool // a Chinese character the pinyin dictionary does not know
}

func (e *ScriptError) Error() string {
	if e.NoReading {
		return fmt.Sprintf("the Chinese character %q has no known pinyin reading", e.Letter)
	}
	if e.Script == "Han" {
		return "Chinese characters are romanised as pinyin only for addresses in China; elsewhere (Japan, Hong Kong, Taiwan …) their Latin form is not pinyin"
	}
	return fmt.Sprintf("%s script (%q) cannot be transliterated here", e.Script, e.Letter)
}

// IsLatin reports whether every letter and digit of s is Latin or ASCII:
// punctuation, symbols, spaces and combining marks may be anything.
func IsLatin(s string) bool {
	for _, r := range s {
		if !latinRune(r) {
			return false
		}
	}
	return true
}

func latinRune(r rune) bool {
	if r < 0x80 || unicode.Is(unicode.Latin, r) {
		return true
	}
	return !unicode.IsLetter(r) && !unicode.IsNumber(r)
}

// Transliterate returns the Latin form of s, of kind k, written in an address
// in country (ISO 3166-1 alpha-2). method names the system used, "" when s
// was Latin already (then out is s unchanged). err is a *ScriptError when s
// has letters that cannot be transliterated.
func Transliterate(s string, k Kind, country string) (out, method string, err error) {
	if IsLatin(s) {
		return s, "", nil
	}
	s = narrow(s)
	var b strings.Builder
	var methods []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r):
			if country != "CN" {
				return "", "", &ScriptError{Script: "Han", Letter: r}
			}
			j := i
			for j < len(rs) && unicode.Is(unicode.Han, rs[j]) {
				if !hasReading(rs[j]) {
					return "", "", &ScriptError{Script: "Han", Letter: rs[j], NoReading: true}
				}
				j++
			}
			b.WriteString(" " + romanise(string(rs[i:j]), k, i == 0 || rs[i-1] == ' ') + " ")
			methods = addMethod(methods, Pinyin)
			i = j
		case unicode.Is(unicode.Cyrillic, r):
			j := i
			for j < len(rs) && (unicode.Is(unicode.Cyrillic, rs[j]) || rs[j] == '\'' || rs[j] == '’') {
				j++
			}
			lat, err := cyrillic(string(rs[i:j]))
			if err != nil {
				return "", "", err
			}
			b.WriteString(lat)
			methods = addMethod(methods, ICAO)
			i = j
		case latinRune(r):
			b.WriteRune(r)
			i++
		default:
			return "", "", &ScriptError{Script: scriptOf(r), Letter: r}
		}
	}
	return tidy(b.String()), strings.Join(methods, " and "), nil
}

func addMethod(ms []string, m string) []string {
	for _, x := range ms {
		if x == m {
			return ms
		}
	}
	return append(ms, m)
}

// ideographic punctuation that width.Narrow leaves alone.
var cjkPunct = strings.NewReplacer("、", ", ", "。", ". ", "·", " ", "・", " ", "《", "\"", "》", "\"", "「", "\"", "」", "\"", "—", "-")

// narrow turns full-width forms (Ａ１，（）) into ASCII and CJK punctuation
// into its Latin counterpart.
func narrow(s string) string {
	return cjkPunct.Replace(width.Narrow.String(s))
}

// tidy collapses spaces and drops those before closing punctuation.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{",", ".", ")", ";", ":"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	return strings.ReplaceAll(s, "( ", "(")
}

// scriptOf names the Unicode script of r, for errors.
func scriptOf(r rune) string {
	for name, t := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(t, r) {
			return name
		}
	}
	return fmt.Sprintf("U+%04X", r)
}
