package latin

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// unfolded are Latin letters that Unicode does not decompose into a base
// letter and a mark, spelled as a reader without them would type them.
var unfolded = map[rune]string{
	'ß': "ss", 'ł': "l", 'ø': "o", 'æ': "ae", 'œ': "oe", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ħ': "h",
}

// SearchWords returns s as the words a search matches: lower case, accents
// dropped (Müller → muller, Łódź → lodz), Chinese characters as toneless
// pinyin, one word per character (王小明 → wang xiao ming), Cyrillic
// transliterated as in Transliterate; anything that is not a letter or a
// digit separates words. Letters of other scripts are kept lower-cased.
// The same function folds what is stored and what is typed, so 王小, "wang
// xiao" and "WANGXIAO" find the same names.
func SearchWords(s string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	rs := []rune(narrow(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if p := strings.ReplaceAll(reading(r), "ü", "v"); p != "" {
				words = append(words, p)
			}
		case unicode.Is(unicode.Cyrillic, r):
			j := i
			for j < len(rs) && unicode.Is(unicode.Cyrillic, rs[j]) {
				j++
			}
			if lat, err := cyrillic(string(rs[i:j])); err == nil {
				cur.WriteString(strings.ToLower(lat))
			} else {
				cur.WriteString(strings.ToLower(string(rs[i:j])))
			}
			i = j - 1
		default:
			foldRune(&cur, r, flush)
		}
	}
	flush()
	return words
}

func foldRune(b *strings.Builder, r rune, flush func()) {
	r = unicode.ToLower(r)
	if u, ok := unfolded[r]; ok {
		b.WriteString(u)
		return
	}
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, d):
		case unicode.IsLetter(d) || unicode.IsDigit(d):
			b.WriteRune(unicode.ToLower(d))
		default:
			flush()
		}
	}
}

// SearchKey is s folded as SearchWords and joined without separators: what a
// typed prefix is compared with ("Wang Xiao" → "wangxiao", "ORD-10" →
// "ord10").
func SearchKey(s string) string {
	return strings.Join(SearchWords(s), "")
}

// maxTermWords bounds the terms of one text: a name or reference longer than
// this is found by its first words and its last ones.
const maxTermWords = 8

// SearchTerms returns the keys under which s is found by prefix: the whole
// text joined, and the same from each later word on, so "Hans Müller" is
// found by "hans m…" and by "mül…", and 王小明 by "wangx…", "xiaoming" and
// "ming". Duplicates are dropped.
func SearchTerms(s string) []string {
	words := SearchWords(s)
	if len(words) > maxTermWords {
		words = append(words[:maxTermWords-1:maxTermWords-1], strings.Join(words[maxTermWords-1:], ""))
	}
	var out []string
	for i := range words {
		t := strings.Join(words[i:], "")
		if !contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
