package risk

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// watchIndex finds watch-list names similar to a query name.
//
// Candidates: every spelling (nameForm) of every name and alias is split into
// tokens; each distinct listed word (the vocabulary) is indexed under itself,
// its folded spelling (three letters: "mei" for "mey"), its skeleton (from
// four) and, from five letters on, its one-deletion neighbourhood (every
// string with one letter removed). A query token looks up the same
// keys, so a token with one typo anywhere (not only after the first letters)
// — substitution, insertion, deletion or swap — meets its listed form. Each
// listed word's names are walked at most once per query token however many
// keys it was met under, and a common word ("ivan", "mohammed") is first
// compared with the query token: only if similar enough to count in
// scoreName (tokenSimilarity ≥ minTokenSim) are its names marked. A name of
// several words is a candidate when two of its words are met; a one-word
// name when its word is.
// Short names (one word of at most seven letters: acronyms such as "BNC",
// "HAMAS") and weak aliases are indexed only under their whole text and
// match a query written exactly so (after normalisation and
// transliteration).
//
// Scoring (scoreName): query tokens are aligned to the listed name's tokens;
// a token pair counts when similar enough (exact; same skeleton; one edit in
// words of five letters or more; Jaro–Winkler ≥ 0.85 in words of four or
// more; words of up to three letters only exactly). The score is the
// length-weighted mean of the aligned pairs' similarity, minus a penalty for
// listed words the query lacks (allowed only for optional words: a middle
// name, a second given name — never the surname, the first given name or the
// last word of a name in natural order) and for extra query words. See
// docs/screening.md for the strength and country rules.
type watchIndex struct {
	names   []watchName
	entries []indexedEntry
	post    map[string][]posting // whole-text keys of short names and weak aliases ("=", "~")
	keys    map[string][]int32   // word keys (word, "#"skeleton, deletions) → vocabulary
	vocab   []vocabWord
	// need and required of every name, apart from names so that the
	// candidate filter in match stays in cache (a common word touches
	// hundreds of names, few of which pass).
	need     []uint8
	required []uint32
	pool     sync.Pool // *watchScratch
}

// vocabWord is a distinct listed word and the names holding it.
type vocabWord struct {
	text, skel string
	names      []posting
}

type indexedEntry struct {
	ListEntry
	list string
}

type watchName struct {
	entry    int32
	display  string // the name or alias as listed
	strength Strength
	via      string // transliteration of the listed spelling ("" as written)
	text     string
	toks     []string
	skels    []string
	weight   int
	required uint32 // tokens a match must not lack
	need     int    // index hits a candidate needs: two words, one for a one-word name
	exact    bool   // short name or weak alias: whole-text match only
}

type posting struct {
	name int32
	tok  uint8
}

type watchScratch struct {
	masks   []uint32
	touched []int32
	seen    []uint32 // per vocabulary word: stamp of the query token that last met it
	stamp   uint32
	key     []byte
	forms   []nameForm
}

// watchMatch is a query's match against one watch-list name.
type watchMatch struct {
	name       *watchName
	similarity float64
	via        string // transliteration of the query spelling that matched
}

// maxShort is the longest one-word name held to the short-name rule.
const maxShort = 7

func newWatchIndex(entries []indexedEntry) *watchIndex {
	w := &watchIndex{entries: entries, post: map[string][]posting{}, keys: map[string][]int32{}}
	vocab := map[string]int32{}
	var forms []nameForm
	for i, e := range entries {
		add := func(raw string, st Strength) {
			forms = nameForms(raw, forms[:0])
			for _, f := range forms {
				w.addName(vocab, int32(i), raw, st, f)
			}
		}
		add(e.Name, Primary)
		for _, a := range e.Aliases {
			st := a.Strength
			if st == "" {
				st = Strong
			}
			add(a.Name, st)
		}
	}
	for i := range w.names {
		w.need = append(w.need, uint8(w.names[i].need))
		w.required = append(w.required, w.names[i].required)
	}
	n, nv := len(w.names), len(w.vocab)
	w.pool.New = func() any { return &watchScratch{masks: make([]uint32, n), seen: make([]uint32, nv)} }
	return w
}

func (w *watchIndex) addName(vocab map[string]int32, entry int32, raw string, st Strength, f nameForm) {
	toks := strings.Fields(f.text)
	if len(toks) == 0 {
		return
	}
	if len(toks) > 32 {
		toks = toks[:32]
	}
	for _, n := range w.names[max(0, len(w.names)-8):] {
		if n.entry == entry && n.text == f.text {
			return // the same spelling from another alias or form
		}
	}
	id := int32(len(w.names))
	n := watchName{entry: entry, display: raw, strength: st, via: f.via, text: f.text, toks: toks}
	for _, t := range toks {
		n.skels = append(n.skels, skeleton(t))
		n.weight += len(t)
	}
	n.required = requiredTokens(raw, f, toks)
	ident := ""
	for i, t := range toks {
		if particles[t] {
			n.required &^= 1 << i // "al" and "bin" are neither posted nor needed
		} else {
			n.need++
			ident = t
		}
	}
	// A name with one identifying word is a short name when that word is:
	// "KHALID, Abu" and "AL WAFA" identify no one by a fuzzy "Khalid …".
	n.exact = st == Weak || n.need == 1 && len(ident) <= maxShort
	n.need = min(n.need, 2)
	w.names = append(w.names, n)
	if n.exact {
		k := "=" + foldText(f.text)
		w.post[k] = append(w.post[k], posting{name: id})
		if t := foldText(f.text); len(toks) == 1 && len(t) >= 5 {
			w.post["~"+t] = append(w.post["~"+t], posting{name: id, tok: 1})
			for d := range len(t) {
				k := "~" + t[:d] + t[d+1:]
				w.post[k] = append(w.post[k], posting{name: id, tok: 1})
			}
		}
		return
	}
	for ti, t := range toks {
		if particles[t] {
			continue
		}
		v, ok := vocab[t]
		if !ok {
			v = int32(len(w.vocab))
			vocab[t] = v
			w.vocab = append(w.vocab, vocabWord{text: t, skel: n.skels[ti]})
			w.postWord(v, t, n.skels[ti])
		}
		w.vocab[v].names = append(w.vocab[v].names, posting{name: id, tok: uint8(ti)})
	}
}

// postWord indexes vocabulary word v under its keys: the word, its folded
// spelling at three letters, its skeleton from four letters, its
// one-deletion neighbourhood from five.
func (w *watchIndex) postWord(v int32, t, skel string) {
	add := func(k string) {
		if ks := w.keys[k]; len(ks) == 0 || ks[len(ks)-1] != v {
			w.keys[k] = append(ks, v)
		}
	}
	add(t)
	if len(t) == 3 {
		add("%" + foldText(t)) // "mey" for "mei", "eko" for "eco": tokenSimilarity 0.92
	}
	if len(t) >= 4 {
		add("#" + skel)
	}
	if len(t) >= 5 {
		key := make([]byte, 0, len(t))
		for d := range len(t) {
			if d > 0 && t[d] == t[d-1] {
				continue // same deletion as the letter before
			}
			key = append(append(key[:0], t[:d]...), t[d+1:]...)
			add(string(key))
		}
	}
}

// requiredTokens marks the words a match must not lack. A name listed as
// "SURNAME, Given Middle" needs its surname words and first given name; a
// name in natural order its first and last words; a transliterated Chinese
// name (two or three words) all of them.
func requiredTokens(raw string, f nameForm, toks []string) uint32 {
	all := uint32(1)<<len(toks) - 1
	if len(toks) <= 2 || f.via == viaPinyin || strings.Contains(f.via, viaSyllable) {
		return all
	}
	if sur, _, ok := strings.Cut(raw, ","); ok {
		ns := len(strings.Fields(NormalizeName(sur)))
		if ns > 0 && ns < len(toks) {
			return uint32(1)<<(ns+1) - 1
		}
		return all
	}
	return 1 | 1<<(len(toks)-1)
}

// match returns the names whose similarity to the query reaches floor, the
// best per name. country is the party's country (ISO alpha-2, may be
// empty): short names and weak aliases from another country score lower.
func (w *watchIndex) match(query, country string, floor float64, out []watchMatch) []watchMatch {
	if len(w.names) == 0 {
		return out
	}
	sc := w.pool.Get().(*watchScratch)
	defer w.pool.Put(sc)
	sc.forms = nameForms(query, sc.forms[:0])
	start := len(out)
	for _, f := range sc.forms {
		ft := foldText(f.text)
		for _, p := range w.post["="+ft] {
			n := &w.names[p.name]
			out = addMatch(out, start, floor, watchMatch{name: n, similarity: w.exactScore(n, f.text, country), via: f.via})
		}
		if len(ft) >= 4 && len(ft) <= maxShort+1 && !strings.Contains(ft, " ") {
			out = w.nearShort(sc, ft, country, floor, f.via, out, start)
		}
		toks := strings.Fields(f.text)
		if len(toks) == 0 || len(toks) > 32 {
			continue
		}
		var skels [32]string
		for j, t := range toks {
			skels[j] = skeleton(t)
			if particles[t] {
				continue
			}
			sc.stamp++
			if sc.stamp == 0 { // wrapped: forget every stamp
				clear(sc.seen)
				sc.stamp = 1
			}
			sc.key = append(sc.key[:0], t...)
			w.visit(sc, t, skels[j])
			if len(t) == 3 {
				sc.key = append(append(sc.key[:0], '%'), foldText(t)...)
				w.visit(sc, t, skels[j])
			}
			if len(t) >= 4 {
				sc.key = append(append(sc.key[:0], '#'), skels[j]...)
				w.visit(sc, t, skels[j])
			}
			if len(t) >= 5 {
				for d := range len(t) {
					if d > 0 && t[d] == t[d-1] {
						continue
					}
					sc.key = append(append(sc.key[:0], t[:d]...), t[d+1:]...)
					w.visit(sc, t, skels[j])
				}
			}
		}
		for _, id := range sc.touched {
			mask := sc.masks[id]
			sc.masks[id] = 0
			// Every word the name requires must have been met by a similar
			// enough query word.
			need, req := w.need[id], w.required[id]
			if bits.OnesCount32(mask) < int(need) || need == 0 || mask&req != req {
				continue
			}
			n := &w.names[id]
			if s := scoreName(n, toks, skels[:len(toks)]); s >= floor {
				out = addMatch(out, start, floor, watchMatch{name: n, similarity: s, via: f.via})
			}
		}
		sc.touched = sc.touched[:0]
	}
	return out
}

// compareOver: vocabulary words held by more names than this are compared
// with the query word before their names are marked (64 measured best of
// 8, 64 and never on bench/customs and bench/screening).
const compareOver = 64

// visit marks the names holding a vocabulary word posted under sc.key (a
// common word only when it is similar enough to query token t, skeleton
// skel, to count in scoreName); a word already met by this token is skipped.
func (w *watchIndex) visit(sc *watchScratch, t, skel string) {
	vs, ok := w.keys[string(sc.key)]
	if !ok {
		return
	}
	for _, v := range vs {
		if sc.seen[v] == sc.stamp {
			continue
		}
		sc.seen[v] = sc.stamp
		vw := &w.vocab[v]
		// A word held by many names is compared first: marking its names
		// costs more than the comparison, and a word that cannot count
		// (tokenSimilarity < minTokenSim) cannot make a name pass scoreName.
		// Rarer words are marked unseen; scoreName judges them.
		if len(vw.names) > compareOver && tokenSimilarity(vw.text, vw.skel, t, skel) < minTokenSim {
			continue
		}
		for _, p := range vw.names {
			if sc.masks[p.name] == 0 {
				sc.touched = append(sc.touched, p.name)
			}
			sc.masks[p.name] |= 1 << p.tok
		}
	}
}

// exactScore scores a whole-text match of a short name or weak alias: 1 for
// a short primary name or strong alias written alike, 0.95 when it differs
// only in spelling (foldText: "CEIEK" for "CEIEC"), 0.05 less for a weak
// alias, and 0.85 — under the default threshold — when the entry names its
// countries and the party is from none of them.
func (w *watchIndex) exactScore(n *watchName, text, country string) float64 {
	s := 1.0
	if text != n.text {
		s = 0.95
	}
	if n.strength == Weak {
		s -= 0.05
	}
	if cs := w.entries[n.entry].Countries; country != "" && len(cs) > 0 && !slices.Contains(cs, country) {
		s = min(s, 0.85)
	}
	return s
}

// nearShort finds short names one edit away from a one-word query of five
// to eight letters ("OPLST" for "OPLOT"). A near-exact short name is weak
// evidence on its own: it scores 0.9 only when the party's country is one
// of the entry's, else 0.85.
func (w *watchIndex) nearShort(sc *watchScratch, ft, country string, floor float64, via string, out []watchMatch, start int) []watchMatch {
	try := func(k string) {
		for _, p := range w.post[k] {
			n := &w.names[p.name]
			if p.tok != 1 || n.strength == Weak {
				continue
			}
			nf := foldText(n.text)
			if nf == ft || !oneEdit(nf, ft) {
				continue
			}
			s := 0.85
			if cs := w.entries[n.entry].Countries; country != "" && slices.Contains(cs, country) {
				s = 0.9
			}
			out = addMatch(out, start, floor, watchMatch{name: n, similarity: s, via: via})
		}
	}
	for d := range len(ft) {
		sc.key = append(append(append(sc.key[:0], '~'), ft[:d]...), ft[d+1:]...)
		try(string(sc.key))
	}
	sc.key = append(append(sc.key[:0], '~'), ft...)
	try(string(sc.key))
	return out
}

// foldText folds spelling variants of short words: c, k, q → k; w, v → v;
// y → i; z → s; ph → f; dj → j; doubled letters once.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var last byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 'p' && i+1 < len(s) && s[i+1] == 'h':
			c = 'f'
			i++
		case c == 'd' && i+1 < len(s) && s[i+1] == 'j':
			continue
		case c == 'c' || c == 'q':
			c = 'k'
		case c == 'w':
			c = 'v'
		case c == 'y':
			c = 'i'
		case c == 'z':
			c = 's'
		}
		if c == last && c != ' ' {
			continue
		}
		b.WriteByte(c)
		last = c
	}
	return b.String()
}

// addMatch keeps the best match per listed name among out[start:].
func addMatch(out []watchMatch, start int, floor float64, m watchMatch) []watchMatch {
	if m.similarity < floor {
		return out
	}
	for i := start; i < len(out); i++ {
		if out[i].name == m.name {
			if m.similarity > out[i].similarity {
				out[i] = m
			}
			return out
		}
	}
	return append(out, m)
}

// Penalties, in similarity points.
const (
	minTokenSim    = 0.85 // a listed word and a query word this similar count as the same word
	missingPenalty = 0.15 // × the share of the listed name's letters the query lacks
	extraPenalty   = 0.03 // per query word the listed name lacks
	singlePenalty  = 0.05 // per extra query word against a one-word name
	singleMin      = 0.93 // a one-word name's word must be this close
	noExactPenalty = 0.05 // a name matched on two words, neither spelt alike ("Omar Qasim" for "UMAR, Asim")
)

// particles are name words that do not identify anyone on their own; they
// never count as one of the two words a match needs.
var particles = map[string]bool{"al": true, "el": true, "ul": true, "ur": true, "bin": true, "ben": true, "ibn": true, "bint": true,
	"abu": true, "abd": true, "de": true, "da": true, "di": true, "del": true, "la": true, "le": true, "van": true, "von": true,
	"der": true, "den": true, "y": true, "e": true, "and": true, "of": true, "for": true}

// scoreName scores query tokens q (with skeletons qs) against listed name n.
func scoreName(n *watchName, q, qs []string) float64 {
	var used uint32
	sum, matchedW, missingW := 0.0, 0, 0
	matched := 0
	anyExact := false
	for i, et := range n.toks {
		best, bestJ := 0.0, -1
		for j, qt := range q {
			if used&(1<<j) != 0 {
				continue
			}
			if s := tokenSimilarity(et, n.skels[i], qt, qs[j]); s > best {
				best, bestJ = s, j
			}
		}
		if best < minTokenSim {
			if n.required&(1<<i) != 0 {
				return 0
			}
			missingW += len(et)
			continue
		}
		used |= 1 << bestJ
		if best == 1 && !particles[et] || best >= 0.92 && foldText(et) == foldText(q[bestJ]) {
			anyExact = true
		}
		if !particles[et] {
			matched++
		}
		sum += best * float64(len(et))
		matchedW += len(et)
	}
	extra := 0
	for j, qt := range q {
		if used&(1<<j) == 0 && len(qt) > 1 && !particles[qt] {
			extra++
		}
	}
	if len(n.toks) == 1 {
		if matchedW == 0 || sum/float64(matchedW) < singleMin {
			return 0
		}
		return sum/float64(matchedW) - singlePenalty*float64(extra)
	}
	// More than half the letters missing is another name, unless what is
	// missing is optional (the required words all matched, above) and two
	// identifying words agree: "SMIRNOV, Dmitriy" for "SMIRNOV, Dmitriy
	// Konstantinovich".
	if matched < max(n.need, 1) || missingW*2 > n.weight && matched < 2 {
		return 0
	}
	if missingW > 0 && extra > 0 {
		// The query has other words where the listed name has words it
		// lacks: a different name, not a dropped one.
		return sum/float64(n.weight) - extraPenalty*float64(extra)
	}
	s := sum/float64(matchedW) - missingPenalty*float64(missingW)/float64(n.weight) - extraPenalty*float64(extra)
	if !anyExact && matched < 3 {
		s -= noExactPenalty
	}
	return max(s, 0)
}

// tokenSimilarity compares a listed token with a query token, 0…1.
func tokenSimilarity(a, askel, b, bskel string) float64 {
	if a == b {
		return 1
	}
	if len(a) < 4 || len(b) < 4 {
		if len(a) >= 3 && len(b) >= 3 && foldText(a) == foldText(b) {
			return 0.92 // "eco" and "eko"
		}
		return 0
	}
	if len(a) <= 6 && len(b) <= 6 && isSyllable(a) && isSyllable(b) {
		// Two different pinyin syllables are two different names: pinyin
		// spells each one way, and "chen"/"cheng", "ping"/"peng",
		// "zhang"/"zhong" are one letter apart. On Chinese traffic, where a
		// few hundred syllables make most names, counting them alike flags
		// every namesake of a listed given name.
		return min(jaroWinkler(a, b)-0.08, notSimilar)
	}
	jw := jaroWinkler(a, b)
	switch {
	case askel == bskel && min(len(a), len(b)) >= 5 && sameStart(a, b) && max(len(a), len(b))-min(len(a), len(b)) <= 2 &&
		jaroWinkler(foldText(a), foldText(b)) >= minRespellJW:
		// A respelling: "Aleksandr" and "Alexander", "Yevgeniy" and "Evgenii".
		return max(jw, 0.93)
	case max(len(a), len(b)) >= 5 && oneEdit(a, b):
		return max(jw, 0.92) // one typo in a word of five letters ("lena" for "Elena")
	case askel == bskel && (a[0] == b[0] || min(len(a), len(b)) >= 5 && sameStart(a, b)) && oneEdit(a, b):
		return max(jw, 0.92) // "Banc" and "Bank" (but not "Jung" and "Aung")
	}
	// Neither a respelling nor one typo: Jaro–Winkler alone rates "Omar"
	// and "Omairi" alike, so it counts for less.
	return jw - 0.08
}

const (
	// minRespellJW: words with the same consonant skeleton are respellings
	// ("aleksandr"/"alexander", "fedorov"/"fyodorov", "vafik"/"wafiq") only
	// when their letters, with c/k/q, v/w, y/i, z/s folded (foldText), also
	// agree this much by Jaro–Winkler; "kozlov"/"kiselev", "garcia"/"greco"
	// and "jaber"/"jubouri" share a skeleton but are other names; so are
	// words three or more letters apart in length ("samir"/"samarrai").
	minRespellJW = 0.78
	// notSimilar caps a pair that must not count as the same word.
	notSimilar = minTokenSim - 0.05
)

// sameStart reports whether two words start with the same letter, counting
// the vowels and y/j as one (transliterations write Е as e, ye or je), c/k/q
// and v/w/f.
func sameStart(a, b string) bool {
	class := func(c byte) byte {
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'j':
			return 'a'
		case 'c', 'k', 'q':
			return 'k'
		case 'v', 'w', 'f':
			return 'f'
		}
		return c
	}
	return class(a[0]) == class(b[0])
}

// oneEdit reports whether a and b differ by one substitution, insertion,
// deletion or swap of neighbouring letters.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return true
		}
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}
