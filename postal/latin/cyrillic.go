package latin

import (
	"strings"
	"unicode"

	"github.com/essentialkaos/translit/v2"
)

// otherCyrillic are the letters of Ukrainian, Belarusian, Serbian and
// Macedonian that translit.ICAO (Russian letters only) leaves alone, as in
// the Cyrillic table of ICAO Doc 9303 Part 3 (Machine Readable Travel
// Documents, 8th edition 2021, section 6 "transliteration of multinational
// Latin-based characters", Cyrillic part). Unconfirmed against the document
// itself here: taken from its widely reproduced table, e.g. Ukrainian Ї → I,
// Є → IE; Serbian Ђ → D, Џ → DZ. Letters of Kazakh, Kyrgyz, Tajik, Mongolian
// … (Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ) are not in it and are refused.
var otherCyrillic = map[rune]string{
	'І': "I", 'і': "i", 'Ї': "I", 'ї': "i", 'Є': "Ie", 'є': "ie", 'Ґ': "G", 'ґ': "g",
	'Ў': "U", 'ў': "u",
	'Ђ': "D", 'ђ': "d", 'Ј': "J", 'ј': "j", 'Љ': "Lj", 'љ': "lj", 'Њ': "Nj", 'њ': "nj",
	'Ћ': "C", 'ћ': "c", 'Џ': "Dz", 'џ': "dz",
	'Ѓ': "G", 'ѓ': "g", 'Ќ': "K", 'ќ': "k", 'Ѕ': "Dz", 'ѕ': "dz",
}

// cyrillic transliterates a run of Cyrillic letters (and apostrophes, which
// ICAO drops) word by word; a word written in capitals stays in capitals
// (ЩУКИН → SHCHUKIN, not ShchUKIN).
func cyrillic(run string) (string, error) {
	var b strings.Builder
	upper := true
	n := 0
	for _, r := range run {
		switch {
		case r == '\'' || r == '’':
			continue
		case otherCyrillic[r] != "":
			b.WriteString(otherCyrillic[r])
		case ruCyrillic(r):
			b.WriteRune(r)
		default:
			return "", &ScriptError{Script: "Cyrillic", Letter: r}
		}
		n++
		if unicode.IsLower(r) {
			upper = false
		}
	}
	out := translit.ICAO(b.String())
	if upper && n > 1 {
		out = strings.ToUpper(out)
	}
	return out, nil
}

// ruCyrillic reports whether r is a letter of the Russian alphabet, the ones
// translit.ICAO maps.
func ruCyrillic(r rune) bool {
	return (r >= 'А' && r <= 'я') || r == 'Ё' || r == 'ё'
}
