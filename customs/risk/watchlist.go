package risk

import (
	"slices"
	"sync"
)

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
	entries []WatchSpec
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

func newWatchIndex(entries []WatchSpec) *watchIndex {
	w := &watchIndex{entries: entries, pairs: map[string][]int32{}, singles: map[string][]int32{}}
	for i, e := range entries {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			nt := tokenize(NormalizeName(n))
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
	norm := NormalizeName(query)
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
