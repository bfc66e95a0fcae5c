package hs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Edition is the HS edition of the embedded nomenclature.
const Edition = "HS 2022"

// Attribution credits the embedded data (ODC-PDDL-1.0 asks for none, we give
// it anyway).
const Attribution = "HS 2022 nomenclature from github.com/datasets/harmonized-system (UN Comtrade data), ODC-PDDL-1.0"

//go:embed hs2022.tsv.gz
var packed []byte

// Entry is one chapter (2 digits), heading (4) or subheading (6).
type Entry struct {
	Code        string `json:"code" example:"090230"`
	Section     string `json:"section" doc:"Roman numeral of the HS section" example:"II"`
	Description string `json:"description"`
}

// Level is 2, 4 or 6: chapter, heading or subheading.
func (e Entry) Level() int { return len(e.Code) }

type table struct {
	entries []Entry          // sorted by code
	byCode  map[string]int32 // code → index in entries
	words   map[string][]int32
}

var (
	once sync.Once
	tab  *table
)

func load() *table {
	once.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(packed))
		if err != nil {
			panic("hs: embedded nomenclature: " + err.Error()) // programmer error: the embed is broken
		}
		t := &table{byCode: make(map[string]int32, 7000), words: map[string][]int32{}}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			f := strings.SplitN(sc.Text(), "\t", 3)
			if len(f) != 3 {
				continue
			}
			t.entries = append(t.entries, Entry{Code: f[0], Section: f[1], Description: f[2]})
		}
		if err := sc.Err(); err != nil {
			panic("hs: embedded nomenclature: " + err.Error())
		}
		sort.Slice(t.entries, func(i, j int) bool { return t.entries[i].Code < t.entries[j].Code })
		for i, e := range t.entries {
			t.byCode[e.Code] = int32(i)
			seen := map[string]bool{}
			for _, w := range Words(e.Description) {
				if !seen[w] {
					seen[w] = true
					t.words[w] = append(t.words[w], int32(i))
				}
			}
		}
		tab = t
	})
	return tab
}

// Lookup returns the chapter, heading or subheading with the given code (2,
// 4 or 6 digits).
func Lookup(code string) (Entry, bool) {
	t := load()
	i, ok := t.byCode[code]
	if !ok {
		return Entry{}, false
	}
	return t.entries[i], true
}

// Valid reports whether the first 6 digits of code are an HS 2022
// subheading. Longer codes are national tariff lines under it: their further
// digits are each country's own and are not checked.
func Valid(code string) bool {
	if len(code) < 6 {
		return false
	}
	_, ok := load().byCode[code[:6]]
	return ok
}

// Describe returns the most precise description the nomenclature has for
// code: its subheading's, else its heading's, else its chapter's.
func Describe(code string) (Entry, bool) {
	for _, n := range [...]int{6, 4, 2} {
		if len(code) >= n {
			if e, ok := Lookup(code[:n]); ok {
				return e, true
			}
		}
	}
	return Entry{}, false
}

// Nearest returns up to n valid codes nearest to an unknown code: the
// subheadings of its heading when the heading exists, else the headings of
// its chapter, else the chapters, closest in number first.
func Nearest(code string, n int) []Entry {
	t := load()
	var level int
	switch {
	case len(code) >= 4 && t.has(code[:4]):
		level = 6
	case len(code) >= 2 && t.has(code[:2]):
		level = 4
	default:
		level = 2
	}
	parent := ""
	if level > 2 {
		parent = code[:level-2]
	}
	want, _ := strconv.Atoi(pad(code, level))
	var cands []Entry
	for _, e := range t.entries {
		if len(e.Code) == level && strings.HasPrefix(e.Code, parent) {
			cands = append(cands, e)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, _ := strconv.Atoi(cands[i].Code)
		b, _ := strconv.Atoi(cands[j].Code)
		return abs(a-want) < abs(b-want)
	})
	if len(cands) > n {
		cands = cands[:n]
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].Code < cands[j].Code })
	return cands
}

func (t *table) has(code string) bool { _, ok := t.byCode[code]; return ok }

func pad(code string, n int) string {
	if len(code) >= n {
		return code[:n]
	}
	return code + strings.Repeat("0", n-len(code))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Search finds codes by a code prefix ("8517", "0902.3") or by words
// ("green tea"): every word must occur in the description (a word matches
// description words it is a prefix of). Results are ordered by code, at most
// limit of them; subheadings come with their heading and chapter when those
// match too.
func Search(query string, limit int) []Entry {
	t := load()
	q := strings.NewReplacer(".", "", " ", "").Replace(strings.TrimSpace(query))
	if q != "" && allDigits(q) {
		start := sort.Search(len(t.entries), func(i int) bool { return t.entries[i].Code >= q })
		var out []Entry
		for i := start; i < len(t.entries) && strings.HasPrefix(t.entries[i].Code, q) && len(out) < limit; i++ {
			out = append(out, t.entries[i])
		}
		return out
	}
	words := Words(query)
	if len(words) == 0 {
		return nil
	}
	var hits map[int32]bool
	for _, w := range words {
		cur := map[int32]bool{}
		for dw, idx := range t.words {
			if strings.HasPrefix(dw, w) {
				for _, i := range idx {
					if hits == nil || hits[i] {
						cur[i] = true
					}
				}
			}
		}
		hits = cur
		if len(hits) == 0 {
			return nil
		}
	}
	idx := make([]int, 0, len(hits))
	for i := range hits {
		idx = append(idx, int(i))
	}
	sort.Ints(idx)
	out := make([]Entry, 0, min(limit, len(idx)))
	for _, i := range idx {
		if len(out) == limit {
			break
		}
		out = append(out, t.entries[i])
	}
	return out
}

// Words splits text into lower-case ASCII words of at least 3 letters,
// dropping a trailing plural s and common filler words.
func Words(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if len(w) < 3 || stop[w] || allDigits(w) {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// stem folds simple English plurals: "shoes" → "shoe", "batteries" →
// "battery", "boxes" → "box".
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "xes")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

var stop = map[string]bool{"and": true, "the": true, "for": true, "with": true, "other": true, "than": true, "not": true,
	"its": true, "thereof": true, "whether": true, "including": true, "excluding": true, "heading": true, "n.e.c": true,
	"nec": true, "kind": true, "used": true, "use": true, "from": true, "but": true, "have": true, "has": true, "any": true}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
