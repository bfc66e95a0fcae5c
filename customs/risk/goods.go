package risk

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/postal/hs"
)

// Battery packings, as rules of kind battery name them (IATA DGR section
// II wording: cells and batteries alone, packed with equipment, contained
// in equipment).
const (
	PackingAlone         = "alone"
	PackingWithEquipment = "with_equipment"
	PackingInEquipment   = "in_equipment"
)

var packings = []string{PackingAlone, PackingWithEquipment, PackingInEquipment}

// Categories a declaration may have (customs.Declaration.Category).
var categories = []string{"gift", "documents", "commercial_sample", "returned_goods", "sale_of_goods", "other"}

// goodsMatcher is the hs/keywords filter of a rule kind that uses them to
// select lines rather than to fire (quantity, battery).
type goodsMatcher struct {
	hs       []string
	keywords []string // lower-case, padded with spaces: " power bank "
}

func newGoodsMatcher(s RuleSpec) goodsMatcher {
	var m goodsMatcher
	for _, p := range s.HS {
		m.hs = append(m.hs, strings.NewReplacer(".", "", " ", "").Replace(p))
	}
	for _, k := range s.Keywords {
		m.keywords = append(m.keywords, padWords(keywordText(k)))
	}
	return m
}

// matches reports whether a line is selected; a matcher with neither hs nor
// keywords selects every line.
func (m *goodsMatcher) matches(hsCode, padded string) bool {
	if len(m.hs) == 0 && len(m.keywords) == 0 {
		return true
	}
	for _, p := range m.hs {
		if strings.HasPrefix(hsCode, p) {
			return true
		}
	}
	for _, k := range m.keywords {
		if strings.Contains(padded, k) {
			return true
		}
	}
	return false
}

// padWords lower-cases text to its words separated by single spaces, with a
// space at each end, so that " rolex " is found as a whole word.
func padWords(text string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		b.WriteString(w)
		b.WriteByte(' ')
	}
	return b.String()
}

type brand struct {
	name     string // as written in the rules
	padded   string
	limitSDR float64
}

func compileBrands(m map[string]float64, toSDR func(float64) float64) []brand {
	out := make([]brand, 0, len(m))
	for name, v := range m {
		out = append(out, brand{name: name, padded: padWords(name), limitSDR: toSDR(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

var (
	whRE  = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*wh\b`)
	mahRE = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*mah\b`)
)

// nominalVolts turns a capacity in mAh into watt-hours when a description
// gives no Wh: 3.7 V, the nominal voltage of a lithium-ion cell (what power
// banks are rated at; IATA: Wh = Ah × V).
const nominalVolts = 3.7

// BatteryWh reads a battery's energy from a description: "99 Wh", or
// "20000 mAh" at 3.7 V. ok is false when the description gives neither.
func BatteryWh(desc string) (wh float64, ok bool) {
	d := strings.ToLower(desc)
	if g := whRE.FindStringSubmatch(d); g != nil {
		v, err := strconv.ParseFloat(strings.ReplaceAll(g[1], ",", "."), 64)
		return v, err == nil
	}
	if g := mahRE.FindStringSubmatch(d); g != nil {
		v, err := strconv.ParseFloat(strings.ReplaceAll(g[1], ",", "."), 64)
		return v / 1000 * nominalVolts, err == nil
	}
	return 0, false
}

// BatteryPacking tells how a line's lithium battery travels: alone (HS 8506,
// 8507, power banks, spare cells), packed with equipment ("with spare
// battery", "packed with"), else contained in the equipment.
func BatteryPacking(desc, hsCode string) string {
	p := padWords(desc)
	switch {
	case strings.Contains(p, " spare ") && strings.Contains(p, " with ") || strings.Contains(p, " packed with "):
		return PackingWithEquipment
	case strings.HasPrefix(hsCode, "8506") || strings.HasPrefix(hsCode, "8507") || strings.Contains(p, " power bank") ||
		strings.Contains(p, " powerbank") || strings.Contains(p, " spare ") || strings.Contains(p, " battery pack"):
		return PackingAlone
	}
	return PackingInEquipment
}

// goods runs the rules of kinds consistency, quantity, counterfeit and
// battery on line i. It returns whether the description contradicts the
// HS code, in which case the HS-prefix hits of the line are not recorded:
// the code is not what the parcel holds, so the goods it names are not
// declared (a keyword hit still is).
func (s *screener) goods(i int, origin string) (mismatch bool) {
	ln := &s.d.Lines[i]
	var padded string
	for _, idx := range s.e.goods {
		r := &s.e.rules[idx]
		if !r.applies(s.d, origin) {
			continue
		}
		if padded == "" {
			padded = padWords(ln.Description)
		}
		switch r.kind {
		case KindConsistency:
			if ln.HSCode == "" || s.lineHasKind(i+1, KindMismatch) {
				continue
			}
			v := hs.Check(ln.Description, ln.HSCode)
			if !v.Mismatch {
				continue
			}
			mismatch = true
			s.hit(idx, i+1, map[string]string{"hs": ln.HSCode, "word": v.Word, "chapters": strings.Join(v.Chapters, ", "),
				"chapter": ln.HSCode[:2], "declared": shortText(v.Declared.Description, 60)})
		case KindQuantity:
			if ln.Quantity > r.maxQty && contains(r.categories, s.d.Category) && r.match.matches(ln.HSCode, padded) {
				s.hit(idx, i+1, map[string]string{"hs": ln.HSCode, "quantity": strconv.Itoa(ln.Quantity),
					"max": strconv.Itoa(r.maxQty), "category": s.d.Category})
			}
		case KindCounterfeit:
			q := max(ln.Quantity, 1)
			unit := ln.ValueSDR / float64(q)
			for _, b := range r.brands {
				if strings.Contains(padded, b.padded) && unit < b.limitSDR {
					s.hit(idx, i+1, map[string]string{"hs": ln.HSCode, "brand": b.name, "unit_value": s.money(unit), "limit": s.money(b.limitSDR)})
					break
				}
			}
		case KindBattery:
			if !r.match.matches(ln.HSCode, padded) {
				continue
			}
			packing := BatteryPacking(ln.Description, ln.HSCode)
			if len(r.packing) > 0 && !contains(r.packing, packing) {
				continue
			}
			wh, known := BatteryWh(ln.Description)
			if r.overWh > 0 && (!known || wh <= r.overWh) {
				continue
			}
			whText := "unknown"
			if known {
				whText = strconv.FormatFloat(wh, 'f', 1, 64)
			}
			s.hit(idx, i+1, map[string]string{"hs": ln.HSCode, "wh": whText, "packing": strings.ReplaceAll(packing, "_", " "),
				"over_wh": strconv.FormatFloat(r.overWh, 'f', -1, 64)})
		}
	}
	return mismatch
}

func (s *screener) lineHasKind(line int, k Kind) bool {
	for _, h := range s.hits {
		if h.Line == line && h.Kind == k {
			return true
		}
	}
	return false
}

// productLimit fires value rules with product_limit when the declared
// postal product's value limit is exceeded.
func (s *screener) productLimit(idx int32) {
	if s.d.Product == "" {
		return
	}
	spec, err := postal.LookupProduct(s.d.Product)
	if err != nil || spec.MaxValueSDR.IsZero() {
		return
	}
	if limit := spec.MaxValueSDR.InexactFloat64(); s.d.ValueSDR > limit {
		s.hit(idx, 0, map[string]string{"product": spec.Name, "limit": s.money(limit), "limit_sdr": spec.MaxValueSDR.String() + " SDR"})
	}
}

func shortText(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimRight(s[:j], " ,;") + "…"
		}
		i++
	}
	return s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkGoodsFields checks the keys of kinds quantity, counterfeit and
// battery.
func checkGoodsFields(fe *postal.FieldList, r *RuleSpec, n *yaml.Node, path string) {
	switch r.Kind {
	case KindQuantity:
		if r.MaxQuantity <= 0 {
			fe.Add(at(n, path, "max_quantity"), "required: the most units of one article a non-commercial item may hold, e.g. 6")
		}
		if len(r.Categories) == 0 {
			fe.Add(at(n, path, "categories"), "required: the declaration categories the limit applies to, e.g. [gift]")
		}
		for i, c := range r.Categories {
			if !contains(categories, c) {
				fe.Add(fmt.Sprintf("%s[%d]", at(n, path, "categories"), i), "%q is not one of %s", c, strings.Join(categories, ", "))
			}
		}
	case KindCounterfeit:
		if len(r.Brands) == 0 {
			fe.Add(at(n, path, "brands"), "required: brand names with the unit value below which the article cannot be genuine, e.g. {rolex: 5000}")
		}
		for b, v := range r.Brands {
			if len(strings.Fields(padWords(b))) == 0 {
				fe.Add(at(n, path, "brands")+"."+b, "a brand needs letters or digits")
			}
			if v <= 0 {
				fe.Add(at(n, path, "brands")+"."+b, "the value must be above 0, got %v", v)
			}
		}
	case KindBattery:
		if len(r.HS) == 0 && len(r.Keywords) == 0 {
			fe.Add(at(n, path, "hs"), "a battery rule needs hs prefixes or keywords that select battery lines")
		}
		if r.OverWh < 0 {
			fe.Add(at(n, path, "over_wh"), "must be 0 (any) or above, got %v", r.OverWh)
		}
		for i, p := range r.Packing {
			if !contains(packings, p) {
				fe.Add(fmt.Sprintf("%s[%d]", at(n, path, "packing"), i), "%q is not one of %s", p, strings.Join(packings, ", "))
			}
		}
	}
}

// WithHit returns s with hit h added (unless the same rule already fired)
// and its score and proposed action recomputed. It puts the earlier parcels
// of a split order on hold with the reason found on a later one.
func (e *Engine) WithHit(s Screening, h Hit) Screening {
	for _, x := range s.Hits {
		if x.Rule == h.Rule {
			return s
		}
	}
	out := s
	out.Hits = append(append([]Hit(nil), s.Hits...), h)
	sortHits(out.Hits)
	out.Score += h.Score
	out.Action = out.Action.Stronger(h.Action).Stronger(e.band(out.Score))
	return out
}

// SplitHit returns the splitting hit of a screening, if any.
func SplitHit(s Screening) (Hit, bool) {
	for _, h := range s.Hits {
		if h.Kind == KindSplitting {
			return h, true
		}
	}
	return Hit{}, false
}
