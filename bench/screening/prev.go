package main

// The previous engine's watch-list matcher (customs/risk at bc753f5, before
// issue 17), copied here unchanged but for names, so the benchmark measures
// old and new on the same queries in the same run.

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/interpost/interpost/customs/risk"
)

// Name matching for watch-list screening. Names arrive in many scripts and
// spellings ("Иван Петров", "Ivan Petrov", "PETROV, Ivan", "Iwan Petroff"),
// so both sides go through the same pipeline:
//
//  1. NormalizeName: Unicode NFKD, combining marks dropped (é → e), Cyrillic,
//     Greek and Arabic letters transliterated to Latin, lower case, anything
//     but letters and digits becomes a space, legal-form words dropped.
//  2. skeleton: a consonant key per token that folds common transliteration
//     variants (x = ks, ph = f, w = v = f, c = k = q, z = s, doubled letters,
//     vowels), so "Aleksandr" and "Alexander" share the key "alksndr".
//  3. tokenSimilarity: Jaro–Winkler of the normalised tokens, raised to 0.93
//     when their skeletons are equal; a name's similarity is the
//     length-weighted mean over the watch-list entry's tokens of the best
//     matching query token, order-free ("PETROV Ivan" matches "Ivan Petrov").

// translit maps non-Latin letters (lower case) to Latin. Cyrillic follows a
// simplified BGN/PCGN; Arabic writes consonants only, which the skeleton
// tolerates because it drops vowels anyway.
var translit = map[rune]string{
	// Cyrillic
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u", 'қ': "k", 'ғ': "g",
	'ң': "n", 'ү': "u", 'ұ': "u", 'һ': "h", 'ә': "a", 'ө': "o",
	// Greek
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k",
	'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t",
	'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	// Arabic
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z",
	'ع': "", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'و': "w",
	'ي': "y", 'ى': "a", 'ة': "h", 'ء': "", 'ئ': "", 'ؤ': "",
	// Latin letters NFKD does not decompose
	'ß': "ss", 'æ': "ae", 'ø': "o", 'ł': "l", 'đ': "d", 'þ': "th", 'ı': "i", 'œ': "oe", 'ð': "d",
}

// legalForms are dropped from names: "Ltd" and "Co" say nothing about who a
// company is.
var legalForms = map[string]bool{
	"ltd": true, "llc": true, "inc": true, "co": true, "corp": true, "gmbh": true, "ag": true, "sa": true,
	"bv": true, "ooo": true, "oao": true, "zao": true, "pao": true, "limited": true, "company": true,
	"trading": true, "plc": true, "srl": true, "spa": true, "jsc": true, "llp": true, "the": true,
}

// NormalizeName folds a personal or company name for comparison: see the
// pipeline above. The result is words separated by single spaces.
func prevNormalize(s string) string {
	if isPlainASCII(s) {
		return normalizeASCII(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			b.WriteRune(r)
			space = false
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
	return dropLegalForms(strings.TrimSpace(b.String()))
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func normalizeASCII(s string) string {
	b := make([]byte, 0, len(s))
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
			space = false
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
			space = false
		case !space:
			b = append(b, ' ')
			space = true
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return dropLegalForms(string(b))
}

func dropLegalForms(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	drop := false
	for _, w := range strings.Fields(s) {
		if legalForms[w] {
			drop = true
			break
		}
	}
	if !drop {
		return s
	}
	words := strings.Fields(s)
	out := words[:0]
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

// skeleton is the consonant key of a normalised token. Tokens of three
// letters or fewer are their own key: in "li", "lei" or "wu" the vowels are
// most of the name (and pinyin spells them one way).
func skeleton(tok string) string {
	if len(tok) <= 3 {
		return tok
	}
	var buf [48]byte
	b := buf[:0]
	var last byte
	emit := func(c byte) {
		if c != last {
			b = append(b, c)
			last = c
		}
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		var next byte
		if i+1 < len(tok) {
			next = tok[i+1]
		}
		if c >= utf8.RuneSelf { // a script we don't transliterate: keep it as is
			return tok
		}
		switch {
		case c == 's' && next == 'c' && i+2 < len(tok) && tok[i+2] == 'h':
			emit('s')
			i += 2
			continue
		case next == 'h' && (c == 's' || c == 'z' || c == 'c' || c == 'k' || c == 'p' || c == 't' || c == 'd' || c == 'g'):
			emit(hDigraph(c))
			i++
			continue
		case c == 'c' && next == 'k':
			emit('k')
			i++
			continue
		case c == 't' && next == 's':
			emit('s')
			i++
			continue
		case c == 'x':
			emit('k')
			emit('s')
			continue
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'j':
			if len(b) == 0 {
				emit('a')
			} else {
				last = 0 // a vowel separates doubled consonants: "ana" keeps both n's apart
			}
		case 'h':
			if len(b) == 0 {
				emit('h')
			}
		case 'c', 'q':
			emit('k')
		case 'w', 'v', 'f':
			emit('f')
		case 'z':
			emit('s')
		default:
			emit(c)
		}
	}
	// Doubled consonants across a vowel stay (m-h-m-d); adjacent ones were folded.
	return string(b)
}

// hDigraph folds a consonant followed by h: sh → s, zh → y, ch → k, kh → h,
// ph → f, th → t, dh → d, gh → g.
func hDigraph(c byte) byte {
	switch c {
	case 'z':
		return 'y'
	case 'c':
		return 'k'
	case 'k':
		return 'h'
	case 'p':
		return 'f'
	}
	return c
}

// jaroWinkler returns the Jaro–Winkler similarity of two byte strings.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if la > 64 || lb > 64 {
		a, b = a[:min(la, 64)], b[:min(lb, 64)]
		la, lb = len(a), len(b)
	}
	window := max(la, lb)/2 - 1
	window = max(window, 0)
	var ma, mb [64]bool
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	m := float64(matches)
	jaro := (m/float64(la) + m/float64(lb) + (m-float64(t)/2)/m) / 3
	prefix := 0
	for prefix < min(4, la, lb) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

func tokenSimilarity(a, askel, b, bskel string) float64 {
	s := jaroWinkler(a, b)
	if askel != "" && askel == bskel && s < 0.93 {
		return 0.93
	}
	return s
}

// nameTokens is a normalised name split into tokens with their skeletons.
type nameTokens struct {
	toks, skels []string
	weight      int // sum of token lengths
}

func tokenize(normalized string) nameTokens {
	var nt nameTokens
	for _, t := range strings.Fields(normalized) {
		nt.toks = append(nt.toks, t)
		nt.skels = append(nt.skels, skeleton(t))
		nt.weight += len(t)
	}
	return nt
}

// similarity scores query q against watch-list name e, 0…1: for each token
// of e the best unused token of q, weighted by the length of e's token.
func similarity(e, q nameTokens) float64 {
	if e.weight == 0 || len(q.toks) == 0 {
		return 0
	}
	var used uint64
	sum := 0.0
	for i, et := range e.toks {
		best, bestJ := 0.0, -1
		for j, qt := range q.toks {
			if j < 64 && used&(1<<j) != 0 {
				continue
			}
			if s := tokenSimilarity(et, e.skels[i], qt, q.skels[j]); s > best {
				best, bestJ = s, j
			}
		}
		if bestJ >= 0 && bestJ < 64 {
			used |= 1 << bestJ
		}
		sum += best * float64(len(et))
	}
	return sum / float64(e.weight)
}

// watchIndex finds watch-list names similar to a query name. Every name and
// alias is tokenised; names of several words are indexed under each pair of
// their token skeletons, one-word names under their skeleton. A query looks
// up the pairs of its own skeletons, so the candidates share two words
// (transliteration-tolerantly) with it, and only those are scored: a query
// costs a few map lookups and a handful of Jaro–Winkler comparisons however
// long the list and however common the names on it ("Mohammed", "Wang").
// A one-word query is compared with one-word names only.
type watchIndex struct {
	names   []watchName
	entries []risk.WatchSpec
	pairs   map[string][]int32 // "skelA skelB" (sorted) → names
	singles map[string][]int32 // skeleton → one-word names
	pool    sync.Pool          // *watchScratch
}

type watchName struct {
	entry   int32
	display string
	nt      nameTokens
	// top[k] is the summed length of the name's k+1 longest tokens: with a
	// query of n tokens at most n of the name's tokens can match (each query
	// token is used once), so top[n-1]/weight bounds the similarity.
	top []int
}

type watchScratch struct {
	counts  []uint8
	touched []int32
}

// watchMatch is a query's match against one watch-list name.
type watchMatch struct {
	name       *watchName
	similarity float64
}

func newWatchIndex(entries []risk.WatchSpec) *watchIndex {
	w := &watchIndex{entries: entries, pairs: map[string][]int32{}, singles: map[string][]int32{}}
	for i, e := range entries {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			nt := tokenize(prevNormalize(n))
			if len(nt.toks) == 0 {
				continue
			}
			id := int32(len(w.names))
			w.names = append(w.names, watchName{entry: int32(i), display: n, nt: nt, top: topLengths(nt.toks)})
			skels := uniqueSkeletons(nt.skels)
			if len(skels) == 1 {
				w.singles[skels[0]] = append(w.singles[skels[0]], id)
				continue
			}
			for a := range skels {
				for b := a + 1; b < len(skels); b++ {
					k := pairKey(skels[a], skels[b])
					w.pairs[k] = append(w.pairs[k], id)
				}
			}
		}
	}
	n := len(w.names)
	w.pool.New = func() any { return &watchScratch{counts: make([]uint8, n)} }
	return w
}

func topLengths(toks []string) []int {
	l := make([]int, len(toks))
	for i, t := range toks {
		l[i] = len(t)
	}
	slices.Sort(l)
	slices.Reverse(l)
	for i := 1; i < len(l); i++ {
		l[i] += l[i-1]
	}
	return l
}

func uniqueSkeletons(s []string) []string {
	var out []string
	for _, k := range s {
		if k != "" && !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + " " + b
}

// match returns the names whose similarity to the query reaches floor, in
// no particular order; the caller picks per rule.
func (w *watchIndex) match(query string, floor float64, out []watchMatch) []watchMatch {
	norm := prevNormalize(query)
	if norm == "" || len(w.names) == 0 {
		return out
	}
	q := tokenize(norm)
	skels := q.skels
	sc := w.pool.Get().(*watchScratch)
	visit := func(ids []int32) {
		for _, id := range ids {
			if sc.counts[id] == 0 {
				sc.counts[id] = 1
				sc.touched = append(sc.touched, id)
			}
		}
	}
	var key [96]byte
	for a := range skels {
		if skels[a] == "" || containsBefore(skels, a, skels[a]) {
			continue
		}
		visit(w.singles[skels[a]])
		for b := a + 1; b < len(skels); b++ {
			x, y := skels[a], skels[b]
			if y == "" || x == y || len(x)+len(y)+1 > len(key) {
				continue
			}
			if x > y {
				x, y = y, x
			}
			k := append(append(append(key[:0], x...), ' '), y...)
			visit(w.pairs[string(k)])
		}
	}
	for _, id := range sc.touched {
		n := &w.names[id]
		sc.counts[id] = 0
		if bound := float64(n.top[min(len(q.toks), len(n.top))-1]) / float64(n.nt.weight); bound < floor {
			continue
		}
		if s := similarity(n.nt, q); s >= floor {
			out = append(out, watchMatch{name: n, similarity: s})
		}
	}
	sc.touched = sc.touched[:0]
	w.pool.Put(sc)
	return out
}

func containsBefore(s []string, i int, v string) bool {
	for _, x := range s[:i] {
		if x == v {
			return true
		}
	}
	return false
}

func contains(s []string, v string) bool { return slices.Contains(s, v) }
