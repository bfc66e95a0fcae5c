// Command screening measures watch-list screening quality and speed with
// the OFAC SDN sample loaded (docs/benchmarks.md, "Watch-list screening"):
//
//  1. recall per variant kind: queries built from listed names (exact,
//     reordered, one typo, dropped middle name, respelling, Cyrillic,
//     legal-form change) and from invented Chinese entries (pinyin ↔ Han);
//  2. false positives on ordinary names from many cultures, including names
//     that share one word with a listed person;
//  3. speed: declarations per second through the whole engine, on every core.
//
// Each figure is printed next to the previous engine's watch-list matcher
// (prev.go, a copy of customs/risk before issue 17) run on the same queries
// in the same run, and speed also next to a naive peer (Jaro–Winkler of the
// full name against every listed name).
//
// go run ./bench/screening [-ofac ../shared/data/ofac-sample] [-queries 1000] [-clean 5000] [-decls 200000]
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

const rulesYAML = `version: "bench-screening"
actions: {document_check: 10}
rules:
  - {id: WATCH, kind: watchlist, score: 10, parties: [sender, addressee, seller]}
`

type query struct {
	kind, text, country string
	want                string   // the listed name a hit must name…
	keys                []string // …or a name written like one of its names (wordKey)
}

// found reports whether a hit on listed name name, matched through alias,
// finds q's entry: the entry itself, or another entry holding a name
// written like one of q's entry's names (the list has such homonyms).
func (q query) found(name, alias string) bool {
	return name == q.want || slices.Contains(q.keys, wordKey(alias))
}

func main() {
	dir := flag.String("ofac", "../shared/data/ofac-sample", "directory holding sdn.csv, alt.csv, add.csv")
	nq := flag.Int("queries", 1000, "listed entries sampled per variant kind")
	nClean := flag.Int("clean", 5000, "clean names")
	nDecls := flag.Int("decls", 200_000, "declarations screened for speed")
	nPeer := flag.Int("peer", 300, "declarations the naive peer screens")
	nMiss := flag.Int("examples", 3, "misses and false positives shown per kind")
	seed := flag.Uint64("seed", 1207, "seed of the sampled variants and clean names")
	flag.Parse()
	log.SetFlags(0)

	open := func(n string) *os.File {
		f, err := os.Open(filepath.Join(*dir, n))
		if err != nil {
			log.Fatal(err)
		}
		return f
	}
	t0 := time.Now()
	ofac, err := risk.ParseOFAC(risk.OFACFiles{SDN: open("sdn.csv"), Alt: open("alt.csv"), Add: open("add.csv")})
	if err != nil {
		log.Fatal(err)
	}
	parse := time.Since(t0)
	cn := &risk.WatchList{Name: "bench-cn", Version: "1", Format: "bench"}
	for i, c := range chineseEntries {
		e := risk.ListEntry{ID: fmt.Sprintf("CN%d", i), Countries: []string{"CN"}}
		if i%2 == 0 {
			e.Name, e.Aliases = c.pinyin, []risk.Alias{{Name: c.han, Strength: risk.Strong}}
		} else {
			e.Name = c.han
		}
		cn.Entries = append(cn.Entries, e)
	}
	base, err := risk.CompileRules([]byte(rulesYAML), "bench", postal.DefaultRates())
	if err != nil {
		log.Fatal(err)
	}
	t0 = time.Now()
	eng := base.WithLists(ofac, cn)
	build := time.Since(t0)

	// The previous engine had only its YAML list: the OFAC names and
	// alt.csv aliases converted (as in issue 17), the Chinese entries as
	// written.
	var specs []risk.WatchSpec
	aliases := 0
	for _, l := range []*risk.WatchList{ofac, cn} {
		for _, e := range l.Entries {
			s := risk.WatchSpec{Name: e.Name, List: l.Name}
			for _, a := range e.Aliases {
				if a.Strength != risk.Weak {
					s.Aliases = append(s.Aliases, a.Name)
				}
				aliases++
			}
			specs = append(specs, s)
		}
	}
	t0 = time.Now()
	prev := newWatchIndex(specs)
	prevBuild := time.Since(t0)

	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s %s/%s; other work may share the cores\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("list: %s %s, %d entries, %d aliases (parse %v) + %d invented Chinese entries; index %d spellings (build %v; previous engine %v)\n",
		ofac.Name, ofac.Version, len(ofac.Entries), aliases, parse.Round(time.Millisecond), len(cn.Entries), eng.Counts.Watchlist, build.Round(time.Millisecond), prevBuild.Round(time.Millisecond))
	for _, w := range ofac.Warnings {
		fmt.Println("  import warning:", w)
	}

	r := rand.New(rand.NewPCG(2026, *seed))
	qs := variants(r, ofac, cn, *nq)
	clean := cleanNames(r, ofac, *nClean)
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

	newHit := func(q query) (bool, string, string) {
		s := subject(q.text, q.country)
		scr := eng.Screen(&s, risk.Prior{}, now)
		if len(scr.Hits) == 0 {
			return false, "", ""
		}
		m := scr.Hits[0].Match
		return true, m.Name, m.Alias
	}
	// namedHit reports whether the hit names q's entry at all: as the
	// closest match or among the other entries it lists (an officer reads
	// them all).
	namedHit := func(q query) bool {
		s := subject(q.text, q.country)
		scr := eng.Screen(&s, risk.Prior{}, now)
		for _, h := range scr.Hits {
			if h.Match == nil {
				continue
			}
			if q.found(h.Match.Name, h.Match.Alias) {
				return true
			}
			for _, o := range h.Match.Others {
				if q.found(o.Name, o.Alias) {
					return true
				}
			}
		}
		return false
	}
	prevHit := func(q query) (bool, string, string) {
		ms := prev.match(q.text, 0.9, nil)
		if len(ms) == 0 {
			return false, "", ""
		}
		best := ms[0]
		for _, m := range ms {
			if m.similarity > best.similarity {
				best = m
			}
		}
		return true, prev.entries[best.name.entry].Name, best.name.display
	}

	kinds := []string{}
	for _, q := range qs {
		if !slices.Contains(kinds, q.kind) {
			kinds = append(kinds, q.kind)
		}
	}
	fmt.Printf("\n%-22s %7s %12s %12s %16s\n", "variant", "queries", "recall", "closest", "previous engine")
	var all, allNew, allBest, allPrev int
	misses := map[string][]string{}
	for _, k := range kinds {
		n, gotNew, gotBest, gotPrev := 0, 0, 0, 0
		for _, q := range qs {
			if q.kind != k {
				continue
			}
			n++
			ok, name, alias := newHit(q)
			if ok && q.found(name, alias) {
				gotBest++
			}
			if namedHit(q) {
				gotNew++
			} else if len(misses[k]) < *nMiss {
				misses[k] = append(misses[k], fmt.Sprintf("%q (listed %q) → %q as %q", q.text, q.want, name, alias))
			}
			if ok, name, alias := prevHit(q); ok && q.found(name, alias) {
				gotPrev++
			}
		}
		all, allNew, allBest, allPrev = all+n, allNew+gotNew, allBest+gotBest, allPrev+gotPrev
		fmt.Printf("%-22s %7d %11.1f%% %11.1f%% %15.1f%%\n", k, n, pct(gotNew, n), pct(gotBest, n), pct(gotPrev, n))
	}
	fmt.Printf("%-22s %7d %11.1f%% %11.1f%% %15.1f%%\n", "all", all, pct(allNew, all), pct(allBest, all), pct(allPrev, all))
	fmt.Println("(recall: the hit names the entry, as its closest match or among the others it lists; closest: as its closest match)")

	fpNew, fpPrev := 0, 0
	var fpEx []string
	for _, q := range clean {
		if ok, name, alias := newHit(q); ok {
			fpNew++
			if len(fpEx) < *nMiss*3 {
				fpEx = append(fpEx, fmt.Sprintf("%s %q → %q as %q", q.kind, q.text, name, alias))
			}
		}
		if ok, _, _ := prevHit(q); ok {
			fpPrev++
		}
	}
	fmt.Printf("%-22s %7d %11.2f%% %12s %15.2f%%   (false positives)\n", "clean names", len(clean), pct(fpNew, len(clean)), "", pct(fpPrev, len(clean)))
	byKind := map[string][2]int{}
	for _, q := range clean {
		c := byKind[q.kind]
		c[1]++
		if ok, _, _ := newHit(q); ok {
			c[0]++
		}
		byKind[q.kind] = c
	}
	for _, k := range []string{"person", "company", "shares a word"} {
		fmt.Printf("  %-20s %7d %11.2f%%\n", k, byKind[k][1], pct(byKind[k][0], byKind[k][1]))
	}
	if len(misses) > 0 {
		fmt.Println("\nexamples of misses:")
		for _, k := range kinds {
			for _, m := range misses[k] {
				fmt.Printf("  %-14s %s\n", k, m)
			}
		}
	}
	if len(fpEx) > 0 {
		fmt.Println("examples of false positives:")
		for _, e := range fpEx {
			fmt.Println("  " + e)
		}
	}

	speed(eng, prev, specs, clean, *nDecls, *nPeer, now)
}

func pct(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(a) / float64(n)
}

func subject(name, country string) risk.Subject {
	return risk.Subject{ID: "EE000000000CN", Stream: "letter", Direction: "import",
		Sender:    risk.Party{Name: name, Country: country},
		Addressee: risk.Party{Name: "Hanna Schmidt", Country: "DE"},
		Lines:     []risk.Line{{Description: "printed book", HSCode: "490199", NetWeightG: 400, ValueSDR: 12}}, ValueSDR: 12}
}

func variants(r *rand.Rand, ofac, cn *risk.WatchList, n int) []query {
	var people, firms []risk.ListEntry
	for _, e := range ofac.Entries {
		switch e.Type {
		case "individual":
			people = append(people, e)
		case "entity":
			firms = append(firms, e)
		}
	}
	country := func(e risk.ListEntry) string {
		if len(e.Countries) > 0 {
			return e.Countries[0]
		}
		return ""
	}
	var qs []query
	add := func(kind string, pool []risk.ListEntry, f func(e risk.ListEntry) (string, bool)) {
		got := 0
		for _, i := range r.Perm(len(pool)) {
			if got == n {
				break
			}
			e := pool[i]
			if t, ok := f(e); ok {
				qs = append(qs, query{kind: kind, text: t, country: country(e), want: e.Name, keys: keysOf(e)})
				got++
			}
		}
	}
	both := append(slices.Clone(people), firms...)
	add("exact", both, func(e risk.ListEntry) (string, bool) { return e.Name, true })
	add("reordered", people, func(e risk.ListEntry) (string, bool) { return reorder(e.Name) })
	add("one typo", both, func(e risk.ListEntry) (string, bool) { return typo(r, e.Name) })
	add("dropped middle name", people, func(e risk.ListEntry) (string, bool) { return dropMiddle(r, e.Name) })
	add("respelling", both, func(e risk.ListEntry) (string, bool) { return respell(r, e.Name) })
	add("Cyrillic", people, func(e risk.ListEntry) (string, bool) {
		if t, ok := reorder(e.Name); ok && isLetters(strings.ReplaceAll(t, " ", "")) {
			return toCyrillic(t), true
		}
		return "", false
	})
	add("legal-form change", firms, func(e risk.ListEntry) (string, bool) { return legalFormChange(e.Name), true })
	for i, c := range chineseEntries {
		e := cn.Entries[i]
		if i%2 == 0 {
			qs = append(qs, query{kind: "pinyin ↔ Han", text: c.han, country: "CN", want: e.Name})
			continue
		}
		sur, given, ok := strings.Cut(c.pinyin, ", ")
		if !ok {
			qs = append(qs, query{kind: "pinyin ↔ Han", text: c.pinyin, country: "CN", want: e.Name})
			continue
		}
		sur = strings.ToUpper(sur[:1]) + strings.ToLower(sur[1:])
		hy := hyphenate(given)
		for _, t := range []string{sur + " " + given, given + " " + sur, hy + " " + sur, strings.ToUpper(sur) + " " + strings.ReplaceAll(hy, "-", " ")} {
			qs = append(qs, query{kind: "pinyin ↔ Han", text: t, country: "CN", want: e.Name})
		}
	}
	return qs
}

// hyphenate splits a two-syllable pinyin given name with a hyphen:
// "Weiming" → "Wei-Ming" (at the first vowel-to-consonant change after a
// vowel that leaves a valid second syllable; good enough for the names above).
func hyphenate(g string) string {
	for i := 2; i < len(g)-1; i++ {
		if strings.ContainsRune("aeiou", rune(g[i-1])) && !strings.ContainsRune("aeioung", rune(g[i])) {
			return g[:i] + "-" + strings.ToUpper(g[i:i+1]) + g[i+1:]
		}
		if g[i-1] == 'g' && strings.ContainsRune("aeiou", rune(g[i-2])) && !strings.ContainsRune("aeiou", rune(g[i])) {
			return g[:i] + "-" + strings.ToUpper(g[i:i+1]) + g[i+1:]
		}
	}
	return g
}

// cleanNames draws ordinary names: people from many cultures, companies,
// and people sharing one word with a listed person. A drawn name that is
// written like a listed one — the same words, or two or more of its words
// and nothing else ("Sergey Novikov" for "NOVIKOV, Sergey Ignatovich", which
// is the dropped-middle-name variant recall demands) — is a true homonym
// and is left out; the run prints how many.
func cleanNames(r *rand.Rand, ofac *risk.WatchList, n int) []query {
	listed := map[string]bool{}
	byWord := map[string][][]string{} // word → the listed names holding it, as word lists
	var people []risk.ListEntry
	for _, e := range ofac.Entries {
		listed[wordKey(e.Name)] = true
		ws := strings.Fields(risk.NormalizeName(e.Name))
		for _, w := range ws {
			byWord[w] = append(byWord[w], ws)
		}
		for _, a := range e.Aliases {
			listed[wordKey(a.Name)] = true
			aw := strings.Fields(risk.NormalizeName(a.Name))
			for _, w := range aw {
				byWord[w] = append(byWord[w], aw)
			}
		}
		if e.Type == "individual" && strings.Contains(e.Name, ",") {
			people = append(people, e)
		}
	}
	for _, c := range chineseEntries {
		listed[wordKey(c.pinyin)] = true
	}
	names := make([]string, 0, len(cultures))
	for c := range cultures {
		names = append(names, c)
	}
	slices.Sort(names)
	countries := []string{"DE", "FR", "US", "GB", "CN", "KR", "JP", "IN", "BR", "ES", "TR", "RU", "KZ", "UA", "NG", "KE", "VN", "IR", "EG", "MX"}
	var out []query
	homonyms := 0
	defer func() {
		fmt.Printf("clean names: %d drawn, %d left out as homonyms of listed names\n", n+homonyms, homonyms)
	}()
	for len(out) < n {
		var q query
		q.country = countries[r.IntN(len(countries))]
		switch k := r.IntN(20); {
		case k < 13:
			q.kind, q.text = "person", cleanName(r, names[r.IntN(len(names))])
		case k < 16:
			q.kind, q.text = "company", cleanCompany(r)
		default:
			e := people[r.IntN(len(people))]
			sur, given, _ := strings.Cut(e.Name, ",")
			other := cultures[names[r.IntN(len(names))]]
			if r.IntN(2) == 0 {
				q.text = other[0][r.IntN(len(other[0]))] + " " + strings.TrimSpace(sur)
			} else {
				g := strings.Fields(given)
				if len(g) == 0 {
					continue
				}
				q.text = g[0] + " " + other[1][r.IntN(len(other[1]))]
			}
			q.kind = "shares a word"
		}
		if listed[wordKey(q.text)] || subsetOfListed(q.text, byWord) {
			homonyms++
			continue
		}
		out = append(out, q)
	}
	return out
}

// subsetOfListed reports whether every word of name (two or more) is a
// word of one listed name.
func subsetOfListed(name string, byWord map[string][][]string) bool {
	ws := strings.Fields(risk.NormalizeName(name))
	if len(ws) < 2 {
		return false
	}
	for _, cand := range byWord[ws[0]] {
		all := true
		for _, w := range ws[1:] {
			if !slices.Contains(cand, w) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func keysOf(e risk.ListEntry) []string {
	k := []string{wordKey(e.Name)}
	for _, a := range e.Aliases {
		k = append(k, wordKey(a.Name))
	}
	return k
}

func wordKey(s string) string {
	w := strings.Fields(risk.NormalizeName(s))
	slices.Sort(w)
	return strings.Join(w, " ")
}

// speed screens declarations on every core through the new engine, then
// the previous engine's matcher and the naive peer on the same names.
func speed(eng *risk.Engine, prev *watchIndex, specs []risk.WatchSpec, clean []query, n, nPeer int, now time.Time) {
	subs := make([]risk.Subject, 0, len(clean)/2)
	for i := 0; i+1 < len(clean); i += 2 {
		s := subject(clean[i].text, clean[i].country)
		s.Addressee.Name = clean[i+1].text
		subs = append(subs, s)
	}
	workers := runtime.GOMAXPROCS(0)
	// run returns declarations per wall-clock second and per CPU second of
	// this process (user + system): on a box other jobs load, the second
	// times the cores estimates what the cores would give unshared.
	run := func(f func(s *risk.Subject)) (float64, float64) {
		var wg sync.WaitGroup
		cpu0 := cpuTime()
		start := time.Now()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += workers {
					f(&subs[i%len(subs)])
				}
			}()
		}
		wg.Wait()
		return float64(n) / time.Since(start).Seconds(), float64(n) / (cpuTime() - cpu0).Seconds()
	}
	newRate, newCPU := run(func(s *risk.Subject) { eng.Screen(s, risk.Prior{}, now) })
	prevRate, prevCPU := run(func(s *risk.Subject) {
		prev.match(s.Sender.Name, 0.9, nil)
		prev.match(s.Addressee.Name, 0.9, nil)
	})
	var names []string
	for _, s := range specs {
		names = append(names, risk.NormalizeName(s.Name))
		for _, a := range s.Aliases {
			names = append(names, risk.NormalizeName(a))
		}
	}
	start := time.Now()
	hits := 0
	for i := range nPeer {
		s := &subs[i%len(subs)]
		for _, p := range []string{s.Sender.Name, s.Addressee.Name} {
			q := risk.NormalizeName(p)
			for _, nm := range names {
				if jaroWinkler(q, nm) >= 0.9 {
					hits++
				}
			}
		}
	}
	naive := float64(nPeer) / time.Since(start).Seconds() * float64(workers)
	fmt.Printf("\nspeed, %d declarations (2 names each) on %d goroutines, whole list loaded:\n", n, workers)
	fmt.Printf("  %-42s %12s %20s\n", "", "wall decl/s", "decl/CPU-s × cores")
	fmt.Printf("  %-42s %12.0f %20.0f\n", "new engine (Engine.Screen, all rules)", newRate, newCPU*float64(workers))
	fmt.Printf("  %-42s %12.0f %20.0f   new = %.2f× (CPU)\n", "previous engine (watch-list matcher only)", prevRate, prevCPU*float64(workers), newCPU/prevCPU)
	fmt.Printf("  %-42s %12.0f %20s   new = %.0f× (wall; 1 goroutine × %d, %d hits)\n", "naive peer (JW against every name)", naive, "", newRate/naive, workers, hits)
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
