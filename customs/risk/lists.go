package risk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// WatchList is an official list as published (the OFAC SDN list, the UN
// Security Council consolidated list), imported by ParseOFAC or ParseUNXML.
// A list is identified by Name; each import is a Version, derived from the
// published content, so importing the same files twice gives the same
// version.
type WatchList struct {
	Name      string      `json:"name"`                // "ofac-sdn", "un-sc"
	Version   string      `json:"version"`             // "2022-01-31+3fa2…" or "sha256:3fa2…"
	Format    string      `json:"format"`              // "ofac-sdn", "un-xml"
	Published string      `json:"published,omitempty"` // the list's own date, when it gives one
	Entries   []ListEntry `json:"entries"`
	// Warnings are oddities the import kept going past (a repeated ID).
	Warnings []string `json:"warnings,omitempty"`
}

// ListEntry is one listed party.
type ListEntry struct {
	ID        string   `json:"id"`   // the list's own reference: OFAC ent_num, UN reference number
	Name      string   `json:"name"` // primary name as published
	Type      string   `json:"type,omitempty"`
	Aliases   []Alias  `json:"aliases,omitempty"`
	Countries []string `json:"countries,omitempty"` // ISO 3166 alpha-2 where known
	Note      string   `json:"note,omitempty"`      // programme, listing reason
}

// Alias is another name of a listed party. A weak alias (OFAC's "a.k.a."
// in the remarks, the UN's "Low" quality) is a nickname or a short form the
// list itself calls unreliable: it only matches a name written exactly so.
type Alias struct {
	Name     string   `json:"name"`
	Strength Strength `json:"strength,omitempty"`
}

// Strength is how much a list trusts a name of an entry.
type Strength string

// Strengths. Primary is the entry's own name; strong and weak aliases are
// as the lists publish them.
const (
	Primary Strength = "primary"
	Strong  Strength = "strong"
	Weak    Strength = "weak"
)

// Ref is "name@version", as screenings record the lists in force.
func (l *WatchList) Ref() string { return l.Name + "@" + l.Version }

// contentVersion is the version of a list without a date of its own: a
// digest of its entries.
func contentVersion(prefix string, entries []ListEntry) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for i := range entries {
		if err := enc.Encode(&entries[i]); err != nil {
			panic(err) // ListEntry always encodes
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))[:12]
	if prefix == "" {
		return "sha256:" + sum
	}
	return prefix + "+" + sum
}

// ListDiff is what a re-import changes: entries added and removed (by the
// list's own ID) and entries whose names or aliases changed.
type ListDiff struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	Changed []string `json:"changed,omitempty"`
}

// Diff compares l with the version before it (nil for a first import).
// Each slice holds "ID NAME", sorted by ID.
func (l *WatchList) Diff(old *WatchList) ListDiff {
	var d ListDiff
	prev := map[string]*ListEntry{}
	if old != nil {
		for i := range old.Entries {
			prev[old.Entries[i].ID] = &old.Entries[i]
		}
	}
	seen := map[string]bool{}
	for i := range l.Entries {
		e := &l.Entries[i]
		seen[e.ID] = true
		p, ok := prev[e.ID]
		switch {
		case !ok:
			d.Added = append(d.Added, e.ID+" "+e.Name)
		case p.Name != e.Name || !slices.Equal(p.Aliases, e.Aliases):
			d.Changed = append(d.Changed, e.ID+" "+e.Name)
		}
	}
	if old != nil {
		for _, e := range old.Entries {
			if !seen[e.ID] {
				d.Removed = append(d.Removed, e.ID+" "+e.Name)
			}
		}
	}
	for _, s := range [][]string{d.Added, d.Removed, d.Changed} {
		slices.SortFunc(s, func(a, b string) int { return cmpIDs(a, b) })
	}
	return d
}

// cmpIDs orders "36 NAME" before "173 NAME": numerically when both IDs are numbers.
func cmpIDs(a, b string) int {
	ia, _, _ := strings.Cut(a, " ")
	ib, _, _ := strings.Cut(b, " ")
	if len(ia) != len(ib) && isDigits(ia) && isDigits(ib) {
		return len(ia) - len(ib)
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func specEntriesOf(specs []WatchSpec) []indexedEntry {
	es := specEntries(specs)
	out := make([]indexedEntry, len(es))
	for i, e := range es {
		out[i] = indexedEntry{ListEntry: e, list: specs[i].List}
	}
	return out
}

// WithLists returns a copy of e that screens against the rules file's own
// watch list and the given official lists; screenings record their
// versions (Screening.Lists). e itself is unchanged.
func (e *Engine) WithLists(lists ...*WatchList) *Engine {
	c := *e
	entries := slices.Clone(e.yaml)
	c.lists = nil
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, le := range l.Entries {
			entries = append(entries, indexedEntry{ListEntry: le, list: l.Name})
		}
		c.lists = append(c.lists, l.Ref())
	}
	c.watchIdx = newWatchIndex(entries)
	c.Counts.Watchlist = len(c.watchIdx.names)
	return &c
}

// Lists returns the official lists the engine screens against, "name@version".
func (e *Engine) Lists() []string { return slices.Clone(e.lists) }

// specEntries turns the rules file's own watch list into list entries: its
// names and aliases are all trusted (primary and strong).
func specEntries(specs []WatchSpec) []ListEntry {
	out := make([]ListEntry, len(specs))
	for i, w := range specs {
		e := ListEntry{ID: w.Name, Name: w.Name, Note: w.Note}
		if w.Country != "" {
			e.Countries = []string{w.Country}
		}
		for _, a := range w.Aliases {
			e.Aliases = append(e.Aliases, Alias{Name: a, Strength: Strong})
		}
		out[i] = e
	}
	return out
}
