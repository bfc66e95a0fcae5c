package risk

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
)

// Name matching for watch-list screening. Names arrive in many scripts and
// spellings ("Иван Петров", "Ivan Petrov", "PETROV, Ivan", "Iwan Petroff",
// "王伟明", "Wang Weiming", "Wei-Ming WANG"), so both sides go through the
// same pipeline:
//
//  1. NormalizeName: Unicode NFKD, combining marks dropped (é → e), Cyrillic
//     (Russian, Ukrainian, Kazakh, Uzbek, Tajik letters), Greek and Arabic
//     transliterated to Latin, lower case, apostrophes inside a word dropped
//     (Uzbek "G'ulom"), anything else but letters and digits a space, runs of
//     single letters joined ("L.L.C." → "llc"), legal forms dropped ("LLC",
//     "Limited Liability Company", "ООО").
//  2. nameForms: the normalised name plus, for Han characters, their tone-less
//     pinyin (github.com/mozillazg/go-pinyin, surname first, given name
//     syllables joined: "王伟明" → "wang weiming"), and for a name written as
//     three single pinyin syllables ("Wei Ming Wang", "Wang Wei-Ming") both
//     readings with the given name joined, so hyphenated, spaced and
//     run-together given names meet. Each form remembers the transliteration
//     that made it, which a match reports.
//  3. skeleton: a consonant key per token that folds common transliteration
//     variants (x = ks, ph = f, w = v = f, c = k = q, z = s, doubled letters,
//     vowels), so "Aleksandr" and "Alexander" share the key "alksndr".
//  4. The watch index (watchlist.go) finds candidates by token, one-deletion
//     neighbourhood and skeleton, then scores them (scoreName).

// translit maps non-Latin letters (lower case) to Latin. Cyrillic follows a
// simplified BGN/PCGN with the Ukrainian, Kazakh, Uzbek and Tajik letters;
// Arabic writes consonants only, which the skeleton tolerates because it
// drops vowels anyway.
var translit = map[rune]string{
	// Cyrillic
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u", 'қ': "k", 'ғ': "g",
	'ң': "n", 'ү': "u", 'ұ': "u", 'һ': "h", 'ә': "a", 'ө': "o", 'ҳ': "h", 'ҷ': "j", 'ӣ': "i", 'ӯ': "u",
	'ҝ': "g", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'ђ': "dj", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	// Greek
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k",
	'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t",
	'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	// Arabic
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z",
	'ع': "", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'و': "w",
	'ي': "y", 'ى': "a", 'ة': "h", 'ء': "", 'ئ': "", 'ؤ': "", 'ی': "y", 'ک': "k", 'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g",
	// Latin letters NFKD does not decompose
	'ß': "ss", 'æ': "ae", 'ø': "o", 'ł': "l", 'đ': "d", 'þ': "th", 'ı': "i", 'œ': "oe", 'ð': "d",
}

// apostrophes inside a word are dropped, not word breaks: Uzbek Latin writes
// o‘ and g‘, Arabic transliterations write ʿ and ʾ.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '‘', '’', 'ʻ', 'ʼ', 'ʿ', 'ʾ', '`', '´':
		return true
	}
	return false
}

// legalForms are dropped from names: "Ltd" and "Co" say nothing about who a
// company is. Multi-word forms are matched as phrases (legalPhrases).
var legalForms = map[string]bool{
	"ltd": true, "llc": true, "inc": true, "co": true, "corp": true, "gmbh": true, "ag": true, "sa": true,
	"bv": true, "ooo": true, "oao": true, "zao": true, "pao": true, "limited": true, "company": true,
	"trading": true, "plc": true, "srl": true, "spa": true, "jsc": true, "llp": true, "the": true,
	"incorporated": true, "corporation": true, "cjsc": true, "ojsc": true, "pjsc": true, "fze": true,
	"fzco": true, "fzc": true, "sarl": true, "sas": true, "nv": true, "kg": true, "ug": true, "lp": true,
	"pte": true, "pty": true, "bhd": true, "sdn": true, "kft": true, "doo": true, "tov": true, "too": true,
	"ltda": true, "cia": true, "sl": true, "sac": true, "eirl": true, "sprl": true, "scs": true, "oy": true, "ab": true,
	"as": true, "aps": true, "zrt": true, "sro": true, "spzoo": true, "mchj": true, "xk": true, "cv": true, "sapi": true, "srl de cv": true,
}

// legalPhrases are legal forms of several words, dropped before the words.
var legalPhrases = []string{
	"limited liability company", "limited liability partnership", "joint stock company",
	"public joint stock company", "closed joint stock company", "open joint stock company",
	"obshchestvo s ogranichennoy otvetstvennostyu", "tovarystvo z obmezhenoyu vidpovidalnistyu",
	"societe anonyme", "sociedad anonima", "co ltd",
}

// hanLegalForms are Chinese company suffixes, cut before transliteration.
var hanLegalForms = []string{"股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团", "有限會社", "株式会社"}

// NormalizeName folds a personal or company name for comparison: see the
// pipeline above. The result is words separated by single spaces; Han and
// other untransliterated scripts stay as they are (nameForms reads them).
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	ascii := isPlainASCII(s)
	if !ascii {
		s = norm.NFKD.String(s)
		if strings.Contains(s, "дж") || strings.Contains(s, "Дж") || strings.Contains(s, "ДЖ") {
			s = strings.NewReplacer("дж", "j", "Дж", "J", "ДЖ", "J").Replace(s) // Джон, Джамал: j, not dzh
		}
	}
	for _, r := range s {
		if !ascii && unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			b.WriteRune(r)
			space = false
		case isApostrophe(r):
			// inside a word: dropped; at a word's edge: nothing to join
		default:
			if t, ok := translit[r]; ok {
				b.WriteString(t)
				space = false
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r) // CJK and other scripts stay as they are
				space = false
			} else if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return dropLegalForms(joinInitials(strings.TrimSpace(b.String())))
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// joinInitials joins runs of two or more one-letter words: "l l c" → "llc",
// "b n c" → "bnc", as acronyms are written with and without dots.
func joinInitials(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	words := strings.Fields(s)
	single := 0
	for _, w := range words {
		if len(w) == 1 {
			single++
		}
	}
	if single < 2 {
		return s
	}
	var out []string
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && len(words[j]) == 1 {
			j++
		}
		if j-i >= 2 {
			run := strings.Join(words[i:j], "")
			// "GEFEST-M L.L.C.": the legal form's letters are not part of
			// the name's initial before them.
			for k := 2; k < len(run); k++ {
				if legalForms[run[len(run)-k:]] && len(run)-k >= 1 {
					out = append(out, run[:len(run)-k])
					run = run[len(run)-k:]
					break
				}
			}
			out = append(out, run)
			i = j
			continue
		}
		out = append(out, words[i])
		i++
	}
	return strings.Join(out, " ")
}

func dropLegalForms(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	for _, p := range legalPhrases {
		if i := indexWords(s, p); i >= 0 {
			if r := strings.TrimSpace(s[:i] + s[i+len(p):]); r != "" {
				s = strings.Join(strings.Fields(r), " ")
			}
		}
	}
	has := false
	for w := range strings.FieldsSeq(s) {
		if legalForms[w] {
			has = true
			break
		}
	}
	if !has {
		return s
	}
	words := strings.Fields(s)
	out := words[:0:0]
	for _, w := range words {
		if !legalForms[w] {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return s
	}
	return strings.Join(out, " ")
}

// indexWords returns where phrase p stands in s as whole words, or -1.
func indexWords(s, p string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], p)
		if i < 0 {
			return -1
		}
		i += off
		if (i == 0 || s[i-1] == ' ') && (i+len(p) == len(s) || s[i+len(p)] == ' ') {
			return i
		}
		off = i + 1
	}
}

// nameForm is one spelling of a name the index compares: its tokens and the
// transliteration that produced it ("" for the name as written).
type nameForm struct {
	text string
	via  string
}

// Transliterations a match can report.
const (
	viaPinyin   = "Han → pinyin"
	viaSyllable = "pinyin given name joined"
	viaCyrillic = "Cyrillic → Latin"
	viaGreek    = "Greek → Latin"
	viaArabic   = "Arabic → Latin"
)

// nameForms returns the spellings of raw to compare: the normalised name,
// its pinyin when it holds Han characters, and the joined-given-name forms
// of a three-syllable pinyin name.
func nameForms(raw string, out []nameForm) []nameForm {
	via := scriptOf(raw)
	if via == viaPinyin {
		if p := hanPinyin(raw); p != "" {
			out = append(out, nameForm{p, viaPinyin})
		}
		if n := NormalizeName(raw); n != "" && !hasHan(n) {
			out = append(out, nameForm{n, ""})
		}
		return out
	}
	n := NormalizeName(raw)
	if n == "" {
		return out
	}
	out = append(out, nameForm{n, via})
	if via == viaCyrillic {
		// A foreign name written in Russian: х stands for h (Хамиех,
		// Гхолизадех), кс for x (Бексхети). (Not ё for yo: "Киселёв" read
		// "kiselyov" looks like "Kozlov".)
		if f := NormalizeName(foreignCyrillic.Replace(raw)); f != n && f != "" {
			out = append(out, nameForm{f, viaCyrillic})
		}
	}
	return pinyinForms(n, via, out)
}

// foreignCyrillic reads a Cyrillic spelling of a foreign name back the way
// the name is usually written in Latin script.
var foreignCyrillic = strings.NewReplacer("х", "h", "Х", "H", "кс", "x", "Кс", "X")

// pinyinForms adds the readings of a name written as three single pinyin
// syllables: surname first ("wang wei ming" → "wang weiming") or given name
// first ("wei ming wang" → "weiming wang").
func pinyinForms(n, via string, out []nameForm) []nameForm {
	t := strings.Fields(n)
	if len(t) != 3 || !isSyllable(t[0]) || !isSyllable(t[1]) || !isSyllable(t[2]) {
		return out
	}
	v := viaSyllable
	if via != "" {
		v = via + ", " + viaSyllable
	}
	return append(out, nameForm{t[0] + " " + t[1] + t[2], v}, nameForm{t[0] + t[1] + " " + t[2], v})
}

func scriptOf(s string) string {
	if isPlainASCII(s) {
		return ""
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			return viaPinyin
		case unicode.Is(unicode.Cyrillic, r):
			return viaCyrillic
		case unicode.Is(unicode.Greek, r):
			return viaGreek
		case unicode.Is(unicode.Arabic, r):
			return viaArabic
		}
	}
	return ""
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// surnameReadings overrides go-pinyin's most common reading for characters
// read differently as surnames (曾 céng → Zeng, 单 dān → Shan).
var surnameReadings = map[rune]string{'曾': "zeng", '单': "shan", '解': "xie", '区': "ou", '仇': "qiu", '朴': "piao", '查': "zha", '盖': "ge", '覃': "qin", '乐': "yue", '缪': "miao", '翟': "zhai"}

// compoundSurnames are two-character surnames: their given name starts at the third character.
var compoundSurnames = map[string]bool{"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true, "尉迟": true, "公孙": true, "慕容": true, "令狐": true, "司徒": true, "夏侯": true, "长孙": true, "宇文": true}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	return a
}()

// hanPinyin transliterates the Han characters of a name to tone-less
// pinyin: each run of Han characters is a name written surname first, so
// its first character (two for a compound surname) is one word and the rest
// the given name, joined ("王伟明" → "wang weiming"). Legal-form suffixes
// (有限公司) are cut first; a company name's words are all joined per run.
func hanPinyin(raw string) string {
	var words []string
	company := false
	for _, f := range hanLegalForms {
		if strings.Contains(raw, f) {
			raw = strings.ReplaceAll(raw, f, " ")
			company = true
		}
	}
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		sur := 1
		if len(run) >= 3 && compoundSurnames[string(run[:2])] {
			sur = 2
		}
		if company || len(run) > 4 {
			// A company name: words of two characters, as pinyin writes
			// them ("东方航运" → "dongfang hangyun").
			for i := 0; i < len(run); i += 2 {
				words = append(words, syllables(run[i:min(i+2, len(run))]))
			}
			run = run[:0]
			return
		}
		words = append(words, syllables(run[:sur]))
		if sur < len(run) {
			words = append(words, syllables(run[sur:]))
		}
		run = run[:0]
	}
	for _, r := range raw {
		if unicode.Is(unicode.Han, r) {
			run = append(run, r)
			continue
		}
		flush()
		if n := NormalizeName(string(r)); n != "" && !hasHan(n) {
			if len(words) > 0 && !strings.HasSuffix(words[len(words)-1], " ") && r != ' ' {
				words[len(words)-1] += n
			} else {
				words = append(words, n)
			}
		}
	}
	flush()
	return NormalizeName(strings.Join(words, " "))
}

func syllables(run []rune) string {
	var b strings.Builder
	for i, r := range run {
		if s, ok := surnameReadings[r]; ok && i == 0 {
			b.WriteString(s)
			continue
		}
		if p := pinyin.SinglePinyin(r, pinyinArgs); len(p) > 0 {
			b.WriteString(strings.ReplaceAll(p[0], "ü", "u"))
		}
	}
	return b.String()
}

var (
	syllableOnce sync.Once
	syllableSet  map[string]bool
)

// isSyllable reports whether s is one tone-less pinyin syllable, by the
// readings in go-pinyin's dictionary.
func isSyllable(s string) bool {
	syllableOnce.Do(func() {
		syllableSet = map[string]bool{}
		for _, v := range pinyin.PinyinDict {
			for _, p := range strings.Split(v, ",") {
				var b strings.Builder
				for _, r := range norm.NFKD.String(p) {
					if r < utf8.RuneSelf {
						b.WriteRune(r)
					}
				}
				if k := b.String(); k != "" {
					syllableSet[k] = true
				}
			}
		}
	})
	return syllableSet[s]
}
