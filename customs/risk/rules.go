package risk

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/interpost/interpost/postal"
)

// RuleFile is the rules file the customs team edits: YAML or JSON (JSON is
// read as YAML), documented in docs/customs-rules.md.
type RuleFile struct {
	Version           string      `yaml:"version"`
	Description       string      `yaml:"description,omitempty"`
	ReferenceCurrency string      `yaml:"reference_currency,omitempty"`
	Actions           ActionBands `yaml:"actions"`
	Rules             []RuleSpec  `yaml:"rules,omitempty"`
	Watchlist         []WatchSpec `yaml:"watchlist,omitempty"`
	Duties            []DutySpec  `yaml:"duties,omitempty"`
}

// ActionBands give the lowest total score at which each action is proposed;
// below the lowest band the item is released. 0 leaves a band out.
type ActionBands struct {
	DocumentCheck      int `yaml:"document_check,omitempty"`
	Xray               int `yaml:"xray,omitempty"`
	PhysicalInspection int `yaml:"physical_inspection,omitempty"`
	ReturnToSender     int `yaml:"return_to_sender,omitempty"`
	Seize              int `yaml:"seize,omitempty"`
}

// RuleSpec is one rule as written. Which keys apply depends on Kind.
type RuleSpec struct {
	ID        string   `yaml:"id"`
	Kind      Kind     `yaml:"kind"`
	Score     int      `yaml:"score"`
	Action    Action   `yaml:"action,omitempty"`
	Reason    string   `yaml:"reason,omitempty"`
	Disabled  bool     `yaml:"disabled,omitempty"`
	Direction string   `yaml:"direction,omitempty"`
	Streams   []string `yaml:"streams,omitempty"`
	Dest      []string `yaml:"dest,omitempty"`
	Origin    []string `yaml:"origin,omitempty"`

	HS       []string `yaml:"hs,omitempty"`
	Keywords []string `yaml:"keywords,omitempty"`
	ExpectHS []string `yaml:"expect_hs,omitempty"`

	Over          *float64 `yaml:"over,omitempty"`
	NearDeMinimis *float64 `yaml:"near_de_minimis,omitempty"`

	Norms            map[string]float64 `yaml:"norms,omitempty"`
	Ratio            float64            `yaml:"ratio,omitempty"`
	TransactionRatio float64            `yaml:"transaction_ratio,omitempty"`

	MinSimilarity float64  `yaml:"min_similarity,omitempty"`
	Parties       []string `yaml:"parties,omitempty"`
	Lists         []string `yaml:"lists,omitempty"`

	Window    Duration `yaml:"window,omitempty"`
	MinItems  int      `yaml:"min_items,omitempty"`
	Threshold *float64 `yaml:"threshold,omitempty"`

	ProductLimit bool `yaml:"product_limit,omitempty"`

	Categories  []string           `yaml:"categories,omitempty"`
	MaxQuantity int                `yaml:"max_quantity,omitempty"`
	Brands      map[string]float64 `yaml:"brands,omitempty"`
	OverWh      float64            `yaml:"over_wh,omitempty"`
	Packing     []string           `yaml:"packing,omitempty"`
}

// WatchSpec is one watch-list entry: a person or company with its aliases
// (other spellings and scripts).
type WatchSpec struct {
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases,omitempty"`
	Country string   `yaml:"country,omitempty"`
	List    string   `yaml:"list,omitempty"`
	Note    string   `yaml:"note,omitempty"`
}

// DutySpec is one destination country's duty and tax table.
type DutySpec struct {
	Country       string             `yaml:"country,omitempty"`
	Countries     []string           `yaml:"countries,omitempty"`
	Currency      string             `yaml:"currency,omitempty"`
	DeMinimis     float64            `yaml:"de_minimis,omitempty"`
	VATDeMinimis  float64            `yaml:"vat_de_minimis,omitempty"`
	VAT           float64            `yaml:"vat,omitempty"`
	DutyDefault   float64            `yaml:"duty_default,omitempty"`
	Duty          map[string]float64 `yaml:"duty,omitempty"`
	GiftAllowance float64            `yaml:"gift_allowance,omitempty"`
	IOSS          bool               `yaml:"ioss,omitempty"`
	IOSSLimit     float64            `yaml:"ioss_limit,omitempty"`
	// PostalArticles taxes personal postal articles (stream postal) with
	// one tax at the line's rate (the duty map holds the tax bands) in
	// place of duty and VAT, waived when it is at most TaxWaiver; a parcel
	// worth more than PostalValueLimit gets a note (China's 行邮税).
	PostalArticles   bool    `yaml:"postal_articles,omitempty"`
	TaxWaiver        float64 `yaml:"tax_waiver,omitempty"`
	PostalValueLimit float64 `yaml:"postal_value_limit,omitempty"`
	// CBECFactor: e-commerce retail imports worth at most CBECLimit pay no
	// duty and this share of the import VAT (China: 0.7 within CNY 5,000).
	CBECFactor float64 `yaml:"cbec_factor,omitempty"`
	CBECLimit  float64 `yaml:"cbec_limit,omitempty"`
}

// Duration reads "72h", "90m" or "3d".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(days)
		if err != nil || v <= 0 {
			return fmt.Errorf("line %d: %q is not a duration (e.g. 72h, 3d)", n.Line, s)
		}
		*d = Duration(time.Duration(v) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 72h, 3d)", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Kind is a rule's kind.
type Kind string

// Rule kinds.
const (
	KindProhibited     Kind = "prohibited"     // goods banned by HS prefix or keyword
	KindRestricted     Kind = "restricted"     // goods needing a licence, certificate or check
	KindDangerous      Kind = "dangerous"      // dangerous goods: lithium batteries, aerosols, flammables
	KindMismatch       Kind = "mismatch"       // description keyword with an HS code outside the expected prefixes
	KindValue          Kind = "value"          // total value over a threshold or just under de minimis
	KindUndervaluation Kind = "undervaluation" // value per kg far below the norm of the HS chapter
	KindWatchlist      Kind = "watchlist"      // a party's name matches the watch list
	KindSplitting      Kind = "splitting"      // repeated small consignments to one addressee
	KindConsistency    Kind = "consistency"    // description contradicts the HS code (checked against the nomenclature)
	KindQuantity       Kind = "quantity"       // a commercial quantity of one article under a non-commercial category
	KindCounterfeit    Kind = "counterfeit"    // a brand name at a fraction of the brand's price
	KindBattery        Kind = "battery"        // lithium batteries by watt-hours and packing
)

// Kinds lists every rule kind.
var Kinds = []Kind{KindProhibited, KindRestricted, KindDangerous, KindMismatch, KindValue, KindUndervaluation, KindWatchlist, KindSplitting,
	KindConsistency, KindQuantity, KindCounterfeit, KindBattery}

// kindKeys are the keys each kind accepts besides the common ones.
var kindKeys = map[Kind][]string{
	KindProhibited:     {"hs", "keywords"},
	KindRestricted:     {"hs", "keywords"},
	KindDangerous:      {"hs", "keywords"},
	KindMismatch:       {"keywords", "expect_hs"},
	KindValue:          {"over", "near_de_minimis", "product_limit"},
	KindUndervaluation: {"norms", "ratio", "transaction_ratio"},
	KindWatchlist:      {"min_similarity", "parties", "lists"},
	KindSplitting:      {"window", "min_items", "threshold"},
	KindConsistency:    {},
	KindQuantity:       {"categories", "max_quantity", "hs", "keywords"},
	KindCounterfeit:    {"brands"},
	KindBattery:        {"hs", "keywords", "over_wh", "packing"},
}

var commonKeys = []string{"id", "kind", "score", "action", "reason", "disabled", "direction", "streams", "dest", "origin"}

var (
	ruleIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	hsPrefix      = regexp.MustCompile(`^[0-9]{2}([0-9]{2}){0,4}$`)
)

// ParseRules reads and checks a rules file. name is shown in errors. Every
// problem is reported with its line and key ("line 17: rules[3].scroe") in
// one CodeInvalid *postal.Error.
func ParseRules(data []byte, name string) (*RuleFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, postal.Invalid(fmt.Sprintf("rules file %s is not valid YAML or JSON", name), yamlFieldErrors(err, nil)...)
	}
	if len(doc.Content) == 0 {
		return nil, postal.Invalid(fmt.Sprintf("rules file %s is empty", name))
	}
	root := doc.Content[0]
	var fe postal.FieldList
	checkKeys(&fe, root, reflect.TypeFor[RuleFile](), "")
	var rf RuleFile
	if err := root.Decode(&rf); err != nil {
		fe = append(fe, yamlFieldErrors(err, root)...)
	}
	if len(fe) > 0 {
		return nil, fe.Err(fmt.Sprintf("rules file %s has unknown keys or values of the wrong type", name))
	}
	checkRuleFile(&fe, &rf, root)
	if err := fe.Err(fmt.Sprintf("rules file %s is invalid", name)); err != nil {
		return nil, err
	}
	return &rf, nil
}

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// yamlFieldErrors turns the YAML library's messages into field errors that
// start with the line and, when root is given, name the key on that line.
func yamlFieldErrors(err error, root *yaml.Node) []postal.FieldError {
	var out []postal.FieldError
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if ok := asTypeError(err, &te); ok {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		if g := lineRE.FindStringSubmatch(m); g != nil {
			field := "line " + g[1]
			if line, _ := strconv.Atoi(g[1]); root != nil {
				if p := pathAtLine(root, line, ""); p != "" {
					field += ": " + p
				}
			}
			out = append(out, postal.FieldError{Field: field, Message: strings.TrimPrefix(g[2], "yaml: ")})
			continue
		}
		out = append(out, postal.FieldError{Message: m})
	}
	return out
}

// pathAtLine finds the key path of the first value on a line.
func pathAtLine(n *yaml.Node, line int, path string) string {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if v.Kind == yaml.ScalarNode && v.Line == line || k.Line == line && v.Kind != yaml.MappingNode && v.Kind != yaml.SequenceNode {
				return p
			}
			if r := pathAtLine(v, line, p); r != "" {
				return r
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if c.Kind == yaml.ScalarNode && c.Line == line {
				return p
			}
			if r := pathAtLine(c, line, p); r != "" {
				return r
			}
		}
	}
	return ""
}

func asTypeError(err error, te **yaml.TypeError) bool {
	t, ok := err.(*yaml.TypeError)
	if ok {
		*te = t
	}
	return ok
}

// checkKeys reports mapping keys that t has no field for, recursively.
func checkKeys(fe *postal.FieldList, n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		switch t.Kind() {
		case reflect.Map:
			for i := 0; i+1 < len(n.Content); i += 2 {
				checkKeys(fe, n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
			}
		case reflect.Struct:
			fields := yamlFields(t)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Value == "<<" && k.Tag == "!!merge" { // YAML merge key: check what it brings in
					checkKeys(fe, n.Content[i+1], t, path)
					continue
				}
				f, ok := fields[k.Value]
				if !ok {
					fe.Add(fmt.Sprintf("line %d: %s", k.Line, join(path, k.Value)), "unknown key %q%s", k.Value, suggest(k.Value, fields))
					continue
				}
				checkKeys(fe, n.Content[i+1], f, join(path, k.Value))
			}
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Struct { // a merge key's list of aliases
			for _, c := range n.Content {
				checkKeys(fe, c, t, path)
			}
		}
		if t.Kind() == reflect.Slice {
			for i, c := range n.Content {
				checkKeys(fe, c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

// suggest names the closest known key when key looks like a typo of it.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(key, k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	if best == "" {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		return " (known keys: " + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// mapping returns the value node under key in a mapping node, and the key
// node (for its line).
func mapping(n *yaml.Node, key string) (val, k *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1], n.Content[i]
		}
	}
	return nil, nil
}

// at names a key of a node for an error: "line 12: rules[3].hs".
func at(n *yaml.Node, path, key string) string {
	line := 0
	if n != nil {
		line = n.Line
		if _, k := mapping(n, key); k != nil {
			line = k.Line
		}
	}
	return fmt.Sprintf("line %d: %s", line, join(path, key))
}

func seqItem(n *yaml.Node, key string, i int) *yaml.Node {
	v, _ := mapping(n, key)
	if v == nil || v.Kind != yaml.SequenceNode || i >= len(v.Content) {
		return nil
	}
	return v.Content[i]
}

func checkRuleFile(fe *postal.FieldList, rf *RuleFile, root *yaml.Node) {
	if strings.TrimSpace(rf.Version) == "" {
		fe.Add(at(root, "", "version"), "required: the version of this rules file, shown on every screening result (e.g. \"2026-11-23.1\")")
	}
	if rf.ReferenceCurrency != "" && !postal.ValidCurrency(rf.ReferenceCurrency) {
		fe.Add(at(root, "", "reference_currency"), "%q is not an ISO 4217 currency code", rf.ReferenceCurrency)
	}
	checkBands(fe, rf.Actions, root)
	ids := map[string]int{}
	for i := range rf.Rules {
		n := seqItem(root, "rules", i)
		path := fmt.Sprintf("rules[%d]", i)
		r := &rf.Rules[i]
		if first, dup := ids[r.ID]; dup && r.ID != "" {
			fe.Add(at(n, path, "id"), "rule id %q is already used by rules[%d]", r.ID, first)
		}
		ids[r.ID] = i
		checkRule(fe, r, n, path)
	}
	for i, w := range rf.Watchlist {
		n := seqItem(root, "watchlist", i)
		path := fmt.Sprintf("watchlist[%d]", i)
		if NormalizeName(w.Name) == "" {
			fe.Add(at(n, path, "name"), "required: a name with at least one letter")
		}
		if w.Country != "" && !postal.ValidCountry(w.Country) {
			fe.Add(at(n, path, "country"), "%q is not an ISO 3166-1 alpha-2 country code", w.Country)
		}
	}
	checkContradictions(fe, rf, root)
	seen := map[string]int{}
	for i := range rf.Duties {
		n := seqItem(root, "duties", i)
		checkDutySpec(fe, &rf.Duties[i], n, fmt.Sprintf("duties[%d]", i), seen, i)
	}
}

func checkBands(fe *postal.FieldList, b ActionBands, root *yaml.Node) {
	n, _ := mapping(root, "actions")
	if n == nil {
		fe.Add(at(root, "", "actions"), "required: the score at which each action is proposed (document_check, xray, physical_inspection, seize)")
		return
	}
	prev, prevName := 0, ""
	for _, band := range []struct {
		name string
		v    int
	}{{"document_check", b.DocumentCheck}, {"xray", b.Xray}, {"physical_inspection", b.PhysicalInspection}, {"return_to_sender", b.ReturnToSender}, {"seize", b.Seize}} {
		switch {
		case band.v < 0:
			fe.Add(at(n, "actions", band.name), "must not be negative, got %d", band.v)
		case band.v > 0 && band.v <= prev:
			fe.Add(at(n, "actions", band.name), "%d must be above %s (%d): stronger actions need higher scores", band.v, prevName, prev)
		case band.v > 0:
			prev, prevName = band.v, band.name
		}
	}
	if b.DocumentCheck == 0 && b.Xray == 0 && b.PhysicalInspection == 0 {
		fe.Add(at(n, "actions", "document_check"), "at least one of document_check, xray, physical_inspection must be set, or every item is released")
	}
}

func checkRule(fe *postal.FieldList, r *RuleSpec, n *yaml.Node, path string) {
	if !ruleIDPattern.MatchString(r.ID) {
		fe.Add(at(n, path, "id"), "%q must be 1 to 64 letters, digits, '.', '_' or '-'", r.ID)
	}
	extra, ok := kindKeys[r.Kind]
	if !ok {
		fe.Add(at(n, path, "kind"), "%q is not one of %s", r.Kind, joinKinds())
		return
	}
	if n != nil {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Value != "<<" && !contains(commonKeys, k.Value) && !contains(extra, k.Value) {
				fe.Add(fmt.Sprintf("line %d: %s.%s", k.Line, path, k.Value), "key %q does not apply to rules of kind %s (it takes %s)", k.Value, r.Kind, strings.Join(extra, ", "))
			}
		}
	}
	if r.Score < 0 || r.Score > 1000 {
		fe.Add(at(n, path, "score"), "must be between 0 and 1000, got %d", r.Score)
	}
	if r.Action != "" && r.Action.severity() < 0 {
		fe.Add(at(n, path, "action"), "%q is not one of %s", r.Action, joinActions())
	}
	if r.Score == 0 && r.Action == "" {
		fe.Add(at(n, path, "score"), "a rule needs a score above 0 or an action, or it never changes anything")
	}
	switch r.Direction {
	case "", "any", dirExport, dirImport:
	default:
		fe.Add(at(n, path, "direction"), "%q is not export, import or any", r.Direction)
	}
	for i, s := range r.Streams {
		if !contains(streams, s) {
			fe.Add(at(n, path, "streams")+fmt.Sprintf("[%d]", i), "%q is not postal, express or ecommerce", s)
		}
	}
	checkCountries(fe, r.Dest, n, path, "dest")
	checkCountries(fe, r.Origin, n, path, "origin")
	checkKindFields(fe, r, n, path)
}

func checkKindFields(fe *postal.FieldList, r *RuleSpec, n *yaml.Node, path string) {
	checkPrefixes(fe, r.HS, n, path, "hs")
	checkPrefixes(fe, r.ExpectHS, n, path, "expect_hs")
	for i, k := range r.Keywords {
		if len(strings.Fields(keywordText(k))) == 0 {
			fe.Add(fmt.Sprintf("%s[%d]", at(n, path, "keywords"), i), "%q has no letters or digits", k)
		} else if p, ok := strings.CutSuffix(strings.TrimSpace(k), "*"); ok && len([]rune(strings.TrimSpace(p))) < 3 {
			fe.Add(fmt.Sprintf("%s[%d]", at(n, path, "keywords"), i), "a prefix keyword needs at least 3 letters before the *, got %q", k)
		}
	}
	switch r.Kind {
	case KindProhibited, KindRestricted, KindDangerous:
		if len(r.HS) == 0 && len(r.Keywords) == 0 {
			fe.Add(at(n, path, "hs"), "a %s rule needs hs prefixes, keywords or both", r.Kind)
		}
	case KindMismatch:
		if len(r.Keywords) == 0 {
			fe.Add(at(n, path, "keywords"), "required: the description words that imply the goods")
		}
		if len(r.ExpectHS) == 0 {
			fe.Add(at(n, path, "expect_hs"), "required: the HS prefixes those goods belong under")
		}
	case KindValue:
		if given := btoi(r.Over != nil) + btoi(r.NearDeMinimis != nil) + btoi(r.ProductLimit); given != 1 {
			fe.Add(at(n, path, "over"), "give exactly one of over (a total value), near_de_minimis (a fraction below the destination's de minimis) or product_limit: true (the postal product's value limit)")
		}
		if r.Over != nil && *r.Over <= 0 {
			fe.Add(at(n, path, "over"), "must be above 0")
		}
		if r.NearDeMinimis != nil && (*r.NearDeMinimis <= 0 || *r.NearDeMinimis >= 1) {
			fe.Add(at(n, path, "near_de_minimis"), "must be a fraction between 0 and 1, e.g. 0.1")
		}
	case KindUndervaluation:
		if len(r.Norms) == 0 {
			fe.Add(at(n, path, "norms"), "required: the usual value per kg of each HS chapter, e.g. {\"85\": 60}")
		}
		for ch, v := range r.Norms {
			if len(ch) != 2 || ch[0] < '0' || ch[0] > '9' || ch[1] < '0' || ch[1] > '9' || ch == "00" || ch > "97" {
				fe.Add(at(n, path, "norms")+"."+ch, "%q is not an HS chapter (two digits 01-97)", ch)
			} else if v <= 0 {
				fe.Add(at(n, path, "norms")+"."+ch, "the norm must be above 0, got %v", v)
			}
		}
		if r.Ratio <= 0 || r.Ratio >= 1 {
			fe.Add(at(n, path, "ratio"), "required: a fraction between 0 and 1 (flag values below ratio × norm)")
		}
		if r.TransactionRatio != 0 && r.TransactionRatio <= 1 {
			fe.Add(at(n, path, "transaction_ratio"), "must be above 1 (flag e-commerce items whose payment exceeds ratio × declared value)")
		}
	case KindWatchlist:
		if r.MinSimilarity != 0 && (r.MinSimilarity < 0.5 || r.MinSimilarity > 1) {
			fe.Add(at(n, path, "min_similarity"), "must be between 0.5 and 1, got %v", r.MinSimilarity)
		}
		for i, p := range r.Parties {
			if !contains([]string{"sender", "addressee", "seller"}, p) {
				fe.Add(fmt.Sprintf("%s[%d]", at(n, path, "parties"), i), "%q is not sender, addressee or seller", p)
			}
		}
	case KindQuantity, KindCounterfeit, KindBattery:
		checkGoodsFields(fe, r, n, path)
	case KindSplitting:
		if r.Window <= 0 {
			fe.Add(at(n, path, "window"), "required: how far back to look, e.g. 72h or 3d")
		}
		if r.MinItems < 2 {
			fe.Add(at(n, path, "min_items"), "must be at least 2 (the consignments that together make one split order)")
		}
		if r.Threshold != nil && *r.Threshold <= 0 {
			fe.Add(at(n, path, "threshold"), "must be above 0")
		}
	}
}

func checkPrefixes(fe *postal.FieldList, prefixes []string, n *yaml.Node, path, key string) {
	for i, p := range prefixes {
		p = strings.NewReplacer(".", "", " ", "").Replace(p)
		if !hsPrefix.MatchString(p) || p[:2] == "00" || p[:2] > "97" || p[:2] == "77" {
			fe.Add(fmt.Sprintf("%s[%d]", at(n, path, key), i), "%q is not an HS prefix (2, 4, 6, 8 or 10 digits, chapter 01-97)", prefixes[i])
		}
	}
}

func checkCountries(fe *postal.FieldList, cs []string, n *yaml.Node, path, key string) {
	for i, c := range cs {
		if !postal.ValidCountry(c) {
			fe.Add(fmt.Sprintf("%s[%d]", at(n, path, key), i), "%q is not an ISO 3166-1 alpha-2 country code", c)
		}
	}
}

func checkDutySpec(fe *postal.FieldList, d *DutySpec, n *yaml.Node, path string, seen map[string]int, i int) {
	countries := d.Countries
	if d.Country != "" {
		countries = append([]string{d.Country}, countries...)
	}
	if len(countries) == 0 {
		fe.Add(at(n, path, "country"), "required: the destination country (or countries) of this table")
	}
	for _, c := range countries {
		if !postal.ValidCountry(c) {
			fe.Add(at(n, path, "country"), "%q is not an ISO 3166-1 alpha-2 country code", c)
		} else if first, dup := seen[c]; dup {
			fe.Add(at(n, path, "country"), "%s already has a table in duties[%d]", c, first)
		}
		seen[c] = i
	}
	if !postal.ValidCurrency(d.Currency) {
		fe.Add(at(n, path, "currency"), "%q is not an ISO 4217 currency code", d.Currency)
	}
	for _, v := range []struct {
		key string
		v   float64
		max float64
	}{{"de_minimis", d.DeMinimis, 1e9}, {"vat_de_minimis", d.VATDeMinimis, 1e9}, {"vat", d.VAT, 1}, {"duty_default", d.DutyDefault, 5}, {"gift_allowance", d.GiftAllowance, 1e9}, {"ioss_limit", d.IOSSLimit, 1e9},
		{"tax_waiver", d.TaxWaiver, 1e9}, {"postal_value_limit", d.PostalValueLimit, 1e9}, {"cbec_factor", d.CBECFactor, 1}, {"cbec_limit", d.CBECLimit, 1e9}} {
		if v.v < 0 || v.v > v.max {
			fe.Add(at(n, path, v.key), "%v is out of range (0 to %v; rates are fractions, 0.2 = 20 %%)", v.v, v.max)
		}
	}
	for p, rate := range d.Duty {
		if q := strings.ReplaceAll(p, ".", ""); !hsPrefix.MatchString(q) {
			fe.Add(at(n, path, "duty")+"."+p, "%q is not an HS prefix (2, 4, 6, 8 or 10 digits)", p)
		}
		if rate < 0 || rate > 5 {
			fe.Add(at(n, path, "duty")+"."+p, "rate %v is out of range (a fraction, 0.12 = 12 %%)", rate)
		}
	}
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func joinKinds() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// keywordText is a keyword without its trailing prefix marker.
func keywordText(k string) string {
	return strings.TrimSuffix(strings.TrimSpace(k), "*")
}

// Format writes rf back as YAML (used by tools that generate rule sets).
func (rf *RuleFile) Format() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(rf); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}
