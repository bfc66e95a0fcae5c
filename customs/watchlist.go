package customs

import (
	"sync"
)

// watchIndex finds watch-list names similar to a query name. Every name and
// alias is tokenised; a posting list per token skeleton gives the
// candidates, and only candidates sharing enough skeletons with the query
// (two, or all of a one-word entry) are scored, so a query costs a few map
// lookups and a handful of Jaro–Winkler comparisons however long the list.
type watchIndex struct {
	names    []watchName
	entries  []WatchSpec
	postings map[string][]int32
	pool     sync.Pool // *watchScratch
}

type watchName struct {
	entry   int32
	display string
	nt      nameTokens
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
	w := &watchIndex{entries: entries, postings: map[string][]int32{}}
	for i, e := range entries {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			nt := tokenize(NormalizeName(n))
			if len(nt.toks) == 0 {
				continue
			}
			id := int32(len(w.names))
			w.names = append(w.names, watchName{entry: int32(i), display: n, nt: nt})
			seen := map[string]bool{}
			for _, s := range nt.skels {
				if s == "" || seen[s] {
					continue
				}
				seen[s] = true
				w.postings[s] = append(w.postings[s], id)
			}
		}
	}
	n := len(w.names)
	w.pool.New = func() any { return &watchScratch{counts: make([]uint8, n)} }
	return w
}

// match returns the names whose similarity to the query reaches floor, best
// first is not guaranteed; the caller picks per rule.
func (w *watchIndex) match(query string, floor float64, out []watchMatch) []watchMatch {
	norm := NormalizeName(query)
	if norm == "" || len(w.names) == 0 {
		return out
	}
	q := tokenize(norm)
	sc := w.pool.Get().(*watchScratch)
	for i, s := range q.skels {
		if s == "" || containsBefore(q.skels, i, s) {
			continue
		}
		for _, id := range w.postings[s] {
			if sc.counts[id] == 0 {
				sc.touched = append(sc.touched, id)
			}
			if sc.counts[id] < 255 {
				sc.counts[id]++
			}
		}
	}
	for _, id := range sc.touched {
		n := &w.names[id]
		need := min(2, len(n.nt.toks), len(q.toks))
		if int(sc.counts[id]) >= need {
			if s := similarity(n.nt, q); s >= floor {
				out = append(out, watchMatch{name: n, similarity: s})
			}
		}
		sc.counts[id] = 0
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
