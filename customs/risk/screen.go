package risk

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Screen runs every rule on a declaration. prior summarises the earlier
// declarations to the same addressee within the splitting window (zero when
// there are none). The result lists each hit with its score and reason and
// proposes an action.
func (e *Engine) Screen(d *Subject, prior Prior, now time.Time) Screening {
	s := screener{e: e, d: d}
	for i := range d.Lines {
		s.line(i)
	}
	s.values()
	s.splitting(prior)
	s.watchlist()
	out := Screening{RulesVersion: e.Version, Lists: e.lists, At: now.UTC(), Action: ActionRelease}
	for _, h := range s.hits {
		out.Score += h.Score
		if h.Action != "" {
			out.Action = out.Action.Stronger(h.Action)
		}
	}
	out.Action = out.Action.Stronger(e.band(out.Score))
	sortHits(s.hits)
	out.Hits = s.hits
	return out
}

type screener struct {
	e    *Engine
	d    *Subject
	hits []Hit
	toks [48][2]int // token bounds in buf
	buf  [256]byte  // lower-cased description
}

// hit records rule r unless it already fired on this declaration.
func (s *screener) hit(idx int32, line int, vars map[string]string) {
	r := &s.e.rules[idx]
	for _, h := range s.hits {
		if h.Rule == r.id {
			return
		}
	}
	s.hits = append(s.hits, Hit{Rule: r.id, Kind: r.kind, Score: r.score, Action: r.action, Reason: s.reason(r, line, vars), Line: line})
}

// hitReason records rule idx with a fixed reason (not the rule's template).
func (s *screener) hitReason(idx int32, reason string) {
	r := &s.e.rules[idx]
	for _, h := range s.hits {
		if h.Rule == r.id {
			return
		}
	}
	s.hits = append(s.hits, Hit{Rule: r.id, Kind: r.kind, Score: r.score, Action: r.action, Reason: reason})
}

func (s *screener) origin(i int) string {
	if o := s.d.Lines[i].Origin; o != "" {
		return o
	}
	return s.d.Sender.Country
}

func (s *screener) line(i int) {
	hs := s.d.Lines[i].HSCode
	origin := s.origin(i)
	s.keywords(i, hs, origin)
	if s.goods(i, origin) {
		hs = "" // the code contradicts the description: it does not say what the parcel holds
	}
	for _, n := range [...]int{2, 4, 6, 8, 10} {
		if n > len(hs) {
			break
		}
		for _, idx := range s.e.hs[hs[:n]] {
			if r := &s.e.rules[idx]; r.kind != KindMismatch && r.applies(s.d, origin) {
				s.hit(idx, i+1, map[string]string{"hs": hs, "prefix": hs[:n]})
			}
		}
	}
	s.undervalued(i, s.d.Lines[i].HSCode, origin)
}

// keywords matches the line's description against keyword rules.
func (s *screener) keywords(i int, hs, origin string) {
	desc := s.d.Lines[i].Description
	if len(s.e.kwOther) > 0 && !isPlainASCII(desc) {
		lower := strings.ToLower(desc)
		for _, ref := range s.e.kwOther {
			if strings.Contains(lower, ref.text) {
				s.keywordHit(ref, i, hs, origin)
			}
		}
	}
	n := s.tokenize(desc)
	for t := 0; t < n; t++ {
		tok := s.buf[s.toks[t][0]:s.toks[t][1]]
		for _, ref := range s.e.kw[string(tok)] {
			if s.restMatches(ref, t+1, n) {
				s.keywordHit(ref, i, hs, origin)
			}
		}
		if len(s.e.kwPrefix) > 0 && len(tok) >= 3 {
			for _, ref := range s.e.kwPrefix[string(tok[:3])] {
				if strings.HasPrefix(string(tok), ref.first) && s.restMatches(ref, t+1, n) {
					s.keywordHit(ref, i, hs, origin)
				}
			}
		}
	}
}

func (s *screener) restMatches(ref kwRef, from, n int) bool {
	if from+len(ref.rest) > n {
		return false
	}
	for k, want := range ref.rest {
		tok := string(s.buf[s.toks[from+k][0]:s.toks[from+k][1]])
		if p, ok := strings.CutSuffix(want, "*"); ok {
			if !strings.HasPrefix(tok, p) {
				return false
			}
		} else if tok != want {
			return false
		}
	}
	return true
}

func (s *screener) keywordHit(ref kwRef, i int, hs, origin string) {
	r := &s.e.rules[ref.rule]
	if !r.applies(s.d, origin) {
		return
	}
	if r.kind == KindMismatch {
		if hs == "" {
			return
		}
		for _, p := range r.expect {
			if strings.HasPrefix(hs, p) {
				return
			}
		}
	}
	s.hit(ref.rule, i+1, map[string]string{"keyword": ref.text, "hs": hs, "expected": strings.Join(r.expect, ", ")})
}

// tokenize lower-cases the ASCII letters and digits of desc into buf and
// returns the number of tokens; other bytes separate tokens.
func (s *screener) tokenize(desc string) int {
	n, w, start := 0, 0, -1
	for i := 0; i < len(desc) && w < len(s.buf); i++ {
		c := desc[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if start < 0 {
				start = w
			}
			s.buf[w] = c
			w++
			continue
		}
		if start >= 0 {
			if n < len(s.toks) {
				s.toks[n] = [2]int{start, w}
				n++
			}
			start = -1
		}
	}
	if start >= 0 && n < len(s.toks) {
		s.toks[n] = [2]int{start, w}
		n++
	}
	return n
}

func (s *screener) undervalued(i int, hs, origin string) {
	if len(s.e.under) == 0 || len(hs) < 2 {
		return
	}
	ln := &s.d.Lines[i]
	if ln.NetWeightG < minUnderWeightG {
		return
	}
	ch := int(hs[0]-'0')*10 + int(hs[1]-'0')
	perKg := ln.ValueSDR / (float64(ln.NetWeightG) / 1000)
	for _, idx := range s.e.under {
		r := &s.e.rules[idx]
		if norm := r.norms[ch]; norm > 0 && perKg < r.ratio*norm && r.applies(s.d, origin) {
			s.hit(idx, i+1, map[string]string{"hs": hs, "chapter": hs[:2], "per_kg": s.money(perKg), "norm": s.money(norm)})
		}
	}
}

// values runs the value-threshold rules and the e-commerce payment check.
func (s *screener) values() {
	total := s.d.ValueSDR
	for _, idx := range s.e.value {
		r := &s.e.rules[idx]
		if !r.applies(s.d, s.d.Sender.Country) {
			continue
		}
		switch {
		case r.productLimit:
			s.productLimit(idx)
		case r.overSDR > 0 && total > r.overSDR:
			s.hit(idx, 0, map[string]string{"limit": s.money(r.overSDR)})
		case r.near > 0:
			dm, ok := s.e.dmSDR[s.d.Addressee.Country]
			if ok && dm > 0 && total <= dm && total >= dm*(1-r.near) {
				s.hit(idx, 0, map[string]string{"de_minimis": s.money(dm)})
			}
		}
	}
	if s.d.PaidSDR > 0 {
		for _, idx := range s.e.under {
			r := &s.e.rules[idx]
			if r.txRatio > 0 && s.d.PaidSDR > total*r.txRatio && r.applies(s.d, s.d.Sender.Country) {
				s.hitReason(idx, fmt.Sprintf("the buyer paid %s, over %.1f× the declared %s", s.money(s.d.PaidSDR), r.txRatio, s.money(total)))
			}
		}
	}
}

func (s *screener) splitting(p Prior) {
	if p.Count == 0 {
		return
	}
	total := s.d.ValueSDR
	for _, idx := range s.e.split {
		r := &s.e.rules[idx]
		limit := r.thresholdSDR
		if limit == 0 {
			limit = s.e.dmSDR[s.d.Addressee.Country]
		}
		if limit <= 0 || total > limit || p.Count+1 < r.minItems || p.ValueSDR+total <= limit || !r.applies(s.d, s.d.Sender.Country) {
			continue
		}
		s.hit(idx, 0, map[string]string{"count": strconv.Itoa(p.Count + 1), "total": s.money(p.ValueSDR + total), "limit": s.money(limit), "window": fmtWindow(r.window)})
	}
}

func (s *screener) watchlist() {
	if len(s.e.watch) == 0 || len(s.e.watchIdx.names) == 0 {
		return
	}
	var buf [8]watchMatch
	check := func(party string, p Party, name string) {
		if name == "" {
			return
		}
		matches := s.e.watchIdx.match(name, p.Country, s.e.watchMin, buf[:0])
		for _, idx := range s.e.watch {
			r := &s.e.rules[idx]
			if !contains(r.parties, party) || !r.applies(s.d, s.d.Sender.Country) {
				continue
			}
			var best *watchMatch
			for k := range matches {
				m := &matches[k]
				if m.similarity >= r.minSim && (r.lists == nil || r.lists[s.e.watchIdx.entries[m.name.entry].list]) && (best == nil || m.similarity > best.similarity) {
					best = m
				}
			}
			if best != nil {
				w := s.e.watchIdx.entries[best.name.entry]
				n := len(s.hits)
				s.hit(idx, 0, map[string]string{"party": party, "name": name, "match": w.Name, "alias": best.name.display,
					"list": w.list, "entry": w.ID, "ref": listRef(w), "strength": string(best.name.strength), "via": viaText(best),
					"similarity": strconv.FormatFloat(best.similarity, 'f', 2, 64), "note": w.Note})
				if len(s.hits) > n {
					m := &WatchHit{List: w.list, Entry: entryRef(w), Name: w.Name, Alias: best.name.display,
						Strength: best.name.strength, Via: viaText(best), Party: party, Query: name, Similarity: best.similarity,
						Others: s.others(matches, best, r)}
					s.hits[n].Match = m
					if len(m.Others) > 0 {
						also := make([]string, len(m.Others))
						for i, o := range m.Others {
							also[i] = o.Name + " " + strconv.FormatFloat(o.Similarity, 'f', 2, 64)
						}
						s.hits[n].Reason += "; also close: " + strings.Join(also, ", ")
					}
				}
			}
		}
	}
	check("sender", s.d.Sender, s.d.Sender.Name)
	check("sender", s.d.Sender, s.d.Sender.Company)
	check("addressee", s.d.Addressee, s.d.Addressee.Name)
	check("addressee", s.d.Addressee, s.d.Addressee.Company)
	if s.d.Seller != nil {
		check("seller", *s.d.Seller, s.d.Seller.Name)
		check("seller", *s.d.Seller, s.d.Seller.Company)
	}
}

// maxOthers is how many other listed entries a watch-list hit names.
const maxOthers = 5

// others lists the entries other than best's that matches reach rule r's
// threshold against, one per entry (its closest name), closest first.
func (s *screener) others(matches []watchMatch, best *watchMatch, r *rule) []WatchCandidate {
	var out []WatchCandidate
	var idx []int
	for k := range matches {
		m := &matches[k]
		if m.name.entry == best.name.entry || m.similarity < r.minSim {
			continue
		}
		if r.lists != nil && !r.lists[s.e.watchIdx.entries[m.name.entry].list] {
			continue
		}
		dup := false
		for i, j := range idx {
			if matches[j].name.entry == m.name.entry {
				dup = true
				if m.similarity > matches[j].similarity {
					idx[i] = k
				}
				break
			}
		}
		if !dup {
			idx = append(idx, k)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(matches[b].similarity, matches[a].similarity) })
	for _, k := range idx[:min(len(idx), maxOthers)] {
		w := s.e.watchIdx.entries[matches[k].name.entry]
		out = append(out, WatchCandidate{List: w.list, Entry: entryRef(w), Name: w.Name, Alias: matches[k].name.display, Similarity: matches[k].similarity})
	}
	return out
}

func entryRef(w indexedEntry) string {
	if w.ID == w.Name {
		return ""
	}
	return w.ID
}

// listRef names a listed entry's list and, for an official list, its reference there.
func listRef(w indexedEntry) string {
	if w.ID == "" || w.ID == w.Name {
		return w.list
	}
	return w.list + " " + w.ID
}

// viaText says which transliterations made a match: the query's and the
// listed spelling's, "as written" when neither was transliterated.
func viaText(m *watchMatch) string {
	switch {
	case m.via != "" && m.name.via != "" && m.via != m.name.via:
		return m.via + " / listed " + m.name.via
	case m.via != "":
		return m.via
	case m.name.via != "":
		return "listed " + m.name.via
	}
	return "as written"
}

// money formats an SDR amount in the reference currency.
func (s *screener) money(sdr float64) string {
	return strconv.FormatFloat(sdr*s.e.refPer, 'f', 2, 64) + " " + s.e.money.Reference
}

func fmtWindow(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// defaultReasons are used when a rule gives no reason text.
var defaultReasons = map[Kind]string{
	KindProhibited:     "line {line}: HS {hs} ({desc}) is prohibited for {dest}",
	KindRestricted:     "line {line}: HS {hs} ({desc}) is restricted in {dest}: licence or certificate needed",
	KindDangerous:      "line {line}: {desc} looks like dangerous goods",
	KindMismatch:       "line {line}: description {desc} says {keyword}, but HS {hs} is not under {expected}",
	KindValue:          "total value {value} is over {limit}",
	KindUndervaluation: "line {line}: {per_kg}/kg is far below the chapter {chapter} norm of {norm}/kg",
	KindWatchlist:      "{party} {name} matches watch-list entry {match} ({ref}) as {strength} name {alias}, {via}, similarity {similarity}",
	KindSplitting:      "{count} consignments to {addressee} within {window} total {total}, over {limit}, each under it",
}

// reason fills a rule's reason template. Placeholders: {line} {desc} {hs}
// {dest} {origin} {value} {addressee} {id} plus the rule kind's own (see
// docs/customs-rules.md).
func (s *screener) reason(r *rule, line int, vars map[string]string) string {
	tmpl := r.reason
	if tmpl == "" {
		tmpl = defaultReasons[r.kind]
	}
	if !strings.Contains(tmpl, "{") {
		if line > 0 {
			return fmt.Sprintf("line %d: %s", line, tmpl)
		}
		return tmpl
	}
	var b strings.Builder
	b.Grow(len(tmpl) + 64)
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		name := tmpl[i+1 : i+j]
		if v, ok := s.placeholder(name, line, vars); ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+1]) // unknown placeholders stay visible
		}
		tmpl = tmpl[i+j+1:]
	}
}

func (s *screener) placeholder(name string, line int, vars map[string]string) (string, bool) {
	if v, ok := vars[name]; ok {
		return v, true
	}
	switch name {
	case "id":
		return s.d.ID, true
	case "dest":
		return s.d.Addressee.Country, true
	case "value":
		return s.money(s.d.ValueSDR), true
	case "addressee":
		return s.d.Addressee.Name, true
	case "line":
		return strconv.Itoa(line), true
	}
	if line > 0 {
		switch name {
		case "desc":
			return strconv.Quote(s.d.Lines[line-1].Description), true
		case "origin":
			return s.origin(line - 1), true
		}
	}
	return "", false
}
