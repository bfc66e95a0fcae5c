package risk

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// Engine is a compiled rules file. It is immutable and safe for concurrent
// use; a new rules file makes a new Engine.
type Engine struct {
	Version     string
	Description string
	Source      string    // file name the rules came from
	LoadedAt    time.Time // when they were compiled
	Counts      RuleCounts

	money    Money
	refPer   float64 // reference-currency units per SDR, for reasons
	bands    []band  // strongest first
	rules    []rule
	hs       map[string][]int32 // HS prefix → rules
	kw       map[string][]kwRef // first keyword token → rules
	kwPrefix map[string][]kwRef // first 3 letters of a prefix keyword → rules
	kwOther  []kwRef            // keywords outside ASCII: substring match
	value    []int32
	under    []int32
	watch    []int32
	split    []int32
	goods    []int32 // consistency, quantity, counterfeit and battery rules
	watchIdx *watchIndex
	watchMin float64
	yaml     []indexedEntry // the rules file's own watch list
	lists    []string       // official lists in force, "name@version"
	duties   map[string]*DutyTable
	dmSDR    map[string]float64 // de minimis per destination in SDR
}

// RuleCounts says how big a rule set is.
type RuleCounts struct {
	Rules     int `json:"rules"`
	Watchlist int `json:"watchlist_names" doc:"Names and aliases on the watch list"`
	Duties    int `json:"duty_tables"`
}

type band struct {
	min    int
	action Action
}

type rule struct {
	id      string
	kind    Kind
	score   int
	action  Action
	reason  string
	dir     string   // export, import; "" = any
	streams []string // nil = any
	dest    map[string]bool
	origin  map[string]bool
	expect  []string

	overSDR, near  float64
	norms          [98]float64 // SDR per kg by chapter
	ratio, txRatio float64
	minSim         float64
	parties        []string
	lists          map[string]bool
	window         time.Duration
	minItems       int
	thresholdSDR   float64
	productLimit   bool
	categories     []string
	maxQty         int
	brands         []brand
	match          goodsMatcher
	overWh         float64
	packing        []string
}

type kwRef struct {
	rule   int32
	first  string   // first token (prefix without * for prefix keywords)
	rest   []string // following tokens; a trailing * marks a prefix
	prefix bool
	text   string // the keyword as written, for reasons
}

// DefaultMinSimilarity is the watch-list threshold when a rule sets none.
const DefaultMinSimilarity = 0.9

// minUnderWeightG: lighter lines are not checked for undervaluation; the
// value per kg of a 20 g item says little.
const minUnderWeightG = 100

// LoadRules reads, checks and compiles a rules file.
func LoadRules(path string, rates postal.Rates) (*Engine, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, postal.Errorf(postal.CodeInvalid, "read rules file: %w", err)
	}
	return CompileRules(data, filepath.Base(path), rates)
}

// CompileRules parses, checks and compiles rules file content.
func CompileRules(data []byte, name string, rates postal.Rates) (*Engine, error) {
	rf, err := ParseRules(data, name)
	if err != nil {
		return nil, err
	}
	e, err := Compile(rf, rates)
	if err != nil {
		return nil, err
	}
	e.Source = name
	return e, nil
}

// Compile builds an engine from a checked rules file.
func Compile(rf *RuleFile, rates postal.Rates) (*Engine, error) {
	m := Money{Rates: rates, Reference: rf.ReferenceCurrency}
	if m.Reference == "" {
		m.Reference = postal.SDR
	}
	refPer := 1.0
	if m.Reference != postal.SDR {
		per, ok := rates.PerSDR[m.Reference]
		if !ok || per.IsZero() {
			return nil, postal.Invalid("rules file: no exchange rate", postal.FieldError{Field: "reference_currency", Message: fmt.Sprintf("the rates table has no rate for %s", m.Reference)})
		}
		refPer = per.InexactFloat64()
	}
	e := &Engine{
		Version: rf.Version, Description: rf.Description, LoadedAt: time.Now().UTC(), money: m, refPer: refPer,
		hs: map[string][]int32{}, kw: map[string][]kwRef{}, kwPrefix: map[string][]kwRef{},
		duties: compileDuties(rf.Duties), dmSDR: map[string]float64{},
	}
	for c, t := range e.duties {
		per := 1.0
		if t.Currency != postal.SDR {
			p, ok := rates.PerSDR[t.Currency]
			if !ok || p.IsZero() {
				return nil, postal.Invalid("rules file: no exchange rate", postal.FieldError{Field: "duties." + c + ".currency", Message: fmt.Sprintf("the rates table has no rate for %s", t.Currency)})
			}
			per = p.InexactFloat64()
		}
		e.dmSDR[c] = t.DeMinimis.InexactFloat64() / per
	}
	for _, b := range []band{{rf.Actions.Seize, ActionSeize}, {rf.Actions.ReturnToSender, ActionReturnToSender},
		{rf.Actions.PhysicalInspection, ActionPhysicalInspection}, {rf.Actions.Xray, ActionXray}, {rf.Actions.DocumentCheck, ActionDocumentCheck}} {
		if b.min > 0 {
			e.bands = append(e.bands, b)
		}
	}
	e.watchMin = 1
	for _, spec := range rf.Rules {
		if spec.Disabled {
			continue
		}
		e.addRule(spec)
	}
	e.yaml = specEntriesOf(rf.Watchlist)
	e.watchIdx = newWatchIndex(e.yaml)
	e.Counts = RuleCounts{Rules: len(e.rules), Watchlist: len(e.watchIdx.names), Duties: len(e.duties)}
	return e, nil
}

func (e *Engine) addRule(s RuleSpec) {
	r := rule{id: s.ID, kind: s.Kind, score: s.Score, action: s.Action, reason: s.Reason,
		dest: set(s.Dest), origin: set(s.Origin), ratio: s.Ratio, txRatio: s.TransactionRatio,
		minSim: s.MinSimilarity, parties: s.Parties, lists: set(s.Lists), window: time.Duration(s.Window), minItems: s.MinItems,
		productLimit: s.ProductLimit, categories: s.Categories, maxQty: s.MaxQuantity, overWh: s.OverWh, packing: s.Packing}
	if s.Direction == dirExport || s.Direction == dirImport {
		r.dir = s.Direction
	}
	r.streams = append(r.streams, s.Streams...) // nil when the rule names none: any stream
	toSDR := func(v float64) float64 { return v / e.refPer }
	if s.Over != nil {
		r.overSDR = toSDR(*s.Over)
	}
	if s.NearDeMinimis != nil {
		r.near = *s.NearDeMinimis
	}
	if s.Threshold != nil {
		r.thresholdSDR = toSDR(*s.Threshold)
	}
	r.brands = compileBrands(s.Brands, toSDR)
	for ch, v := range s.Norms {
		n, _ := strconv.Atoi(ch)
		r.norms[n] = toSDR(v)
	}
	for _, p := range s.ExpectHS {
		r.expect = append(r.expect, strings.NewReplacer(".", "", " ", "").Replace(p))
	}
	if r.kind == KindWatchlist {
		if r.minSim == 0 {
			r.minSim = DefaultMinSimilarity
		}
		if len(r.parties) == 0 {
			r.parties = []string{"sender", "addressee", "seller"}
		}
		e.watchMin = min(e.watchMin, r.minSim)
	}
	idx := int32(len(e.rules))
	e.rules = append(e.rules, r)
	switch r.kind {
	case KindValue:
		e.value = append(e.value, idx)
	case KindUndervaluation:
		e.under = append(e.under, idx)
	case KindWatchlist:
		e.watch = append(e.watch, idx)
	case KindSplitting:
		e.split = append(e.split, idx)
	case KindConsistency, KindQuantity, KindCounterfeit, KindBattery:
		e.goods = append(e.goods, idx)
		r.match = newGoodsMatcher(s)
		e.rules[idx] = r
		return // their hs and keywords select lines, they do not fire by themselves
	}
	for _, p := range s.HS {
		p = strings.NewReplacer(".", "", " ", "").Replace(p)
		e.hs[p] = append(e.hs[p], idx)
	}
	for _, k := range s.Keywords {
		e.addKeyword(idx, k)
	}
}

func (e *Engine) addKeyword(idx int32, k string) {
	text := strings.TrimSpace(k)
	if !isPlainASCII(text) {
		e.kwOther = append(e.kwOther, kwRef{rule: idx, text: strings.ToLower(text)})
		return
	}
	var toks []string
	for _, t := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '*')
	}) {
		if strings.Trim(t, "*") != "" {
			toks = append(toks, t)
		}
	}
	if len(toks) == 0 {
		return
	}
	ref := kwRef{rule: idx, rest: toks[1:], text: text}
	first := toks[0]
	if p, ok := strings.CutSuffix(first, "*"); ok {
		ref.first, ref.prefix = p, true
		key := p[:min(3, len(p))]
		e.kwPrefix[key] = append(e.kwPrefix[key], ref)
		return
	}
	ref.first = first
	e.kw[first] = append(e.kw[first], ref)
}

func set(s []string) map[string]bool {
	if len(s) == 0 {
		return nil
	}
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// Money returns the converter the engine's thresholds were computed with.
func (e *Engine) Money() Money { return e.money }

// DeMinimisSDR returns the destination's duty de minimis in SDR, and whether
// the rules have a duty table for it.
func (e *Engine) DeMinimisSDR(country string) (float64, bool) {
	v, ok := e.dmSDR[country]
	return v, ok
}

// DutyTable returns the destination country's duty table, and whether the
// rules have one.
func (e *Engine) DutyTable(country string) (*DutyTable, bool) {
	t, ok := e.duties[country]
	return t, ok
}

// MaxWindow is the longest splitting window, how far back Prior must look.
func (e *Engine) MaxWindow() time.Duration {
	var w time.Duration
	for _, i := range e.split {
		w = max(w, e.rules[i].window)
	}
	return w
}

// applies reports whether rule r covers the declaration (and line origin).
func (r *rule) applies(d *Subject, origin string) bool {
	if r.dir != "" && r.dir != d.Direction {
		return false
	}
	if r.streams != nil && !contains(r.streams, d.Stream) {
		return false
	}
	if r.dest != nil && !r.dest[d.Addressee.Country] {
		return false
	}
	if r.origin != nil && !r.origin[origin] {
		return false
	}
	return true
}

// band returns the action for a total score.
func (e *Engine) band(score int) Action {
	for _, b := range e.bands {
		if score >= b.min {
			return b.action
		}
	}
	return ActionRelease
}

// sortHits orders hits by score, strongest first, then by rule id.
func sortHits(h []Hit) {
	sort.SliceStable(h, func(i, j int) bool {
		if h[i].Score != h[j].Score {
			return h[i].Score > h[j].Score
		}
		return h[i].Rule < h[j].Rule
	})
}
