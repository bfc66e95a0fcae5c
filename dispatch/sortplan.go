package dispatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Rule is one line of a sort plan: which items it takes (country, an
// optional postcode range, category, class, product; empty = any) and where
// they go (the destination office of exchange, the mail subclass and the
// receptacle type).
type Rule struct {
	Country      string         `json:"country" doc:"ISO 3166-1 alpha-2 country of the addressee" example:"DE"`
	PostcodeFrom string         `json:"postcode_from,omitempty" doc:"First postcode of the range, compared on its own length (80 = every postcode starting 80 or later)"`
	PostcodeTo   string         `json:"postcode_to,omitempty" doc:"Last postcode of the range, compared on its own length (99 = up to every postcode starting 99)"`
	Category     string         `json:"category,omitempty" doc:"Mail category A, B, C or D; empty = any" example:"A"`
	Class        string         `json:"class,omitempty" doc:"Mail class U (letter post), C (parcels) or E (EMS); empty = any"`
	Product      string         `json:"product,omitempty" doc:"Product code; empty = any"`
	Destination  string         `json:"destination" doc:"Destination office of exchange" example:"DEFRAA"`
	Subclass     string         `json:"subclass,omitempty" doc:"Mail subclass (2 letters, the first the class); empty = the product's default"`
	Receptacle   ReceptacleType `json:"receptacle,omitempty" doc:"bag (default), tray or pallet"`
	// Line is the rule's line in the file it came from (0 = from the API).
	Line int `json:"-"`
}

// SortPlan is an office of exchange's presort plan.
type SortPlan struct {
	Office    string    `json:"office" example:"CNXMNA"`
	Version   int       `json:"version" doc:"Increases with every change"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by" doc:"API key id, cli or demo"`
	Rules     []Rule    `json:"rules"`
}

// Item is what sorting needs to know of an item.
type Item struct {
	ID       postal.S10     `json:"id"`
	Product  postal.Product `json:"product"`
	Country  string         `json:"country" doc:"Addressee country"`
	Postcode string         `json:"postcode,omitempty"`
	WeightG  int            `json:"weight_g"`
	// Registered is set for registered, insured or declared-value items
	// (EMS, parcels, registered small packets): the S9 registered flag.
	Registered bool `json:"registered"`
	// Category overrides DefaultCategory when set.
	Category postal.MailCategory `json:"-"`
}

// class returns the mail class of the item's product.
func (it Item) class() postal.MailClass {
	spec, err := postal.LookupProduct(string(it.Product))
	if err != nil {
		return 0
	}
	return spec.Class
}

// Target is where the sort plan sends an item: the dispatch it belongs in
// (destination office, category, subclass) and the receptacle type.
type Target struct {
	Destination string         `json:"destination" example:"DEFRAA"`
	Category    string         `json:"category" example:"A"`
	Subclass    string         `json:"subclass" example:"UN"`
	Receptacle  ReceptacleType `json:"receptacle" example:"bag"`
	// Rule is the 1-based number of the rule that matched.
	Rule int `json:"rule"`
}

// Key is the dispatch stream of a target: origin · destination · category ·
// subclass, the first 15 characters of its S8 ids.
func (t Target) Key(origin string) string {
	return origin + t.Destination + t.Category + t.Subclass
}

// ErrNoRule is wrapped by Sort when no rule takes an item.
var ErrNoRule = postal.Errorf(postal.CodeInvalid, "no sort-plan rule takes the item")

// Sort returns where the plan sends an item. An item without a requested
// category tries its product's FallbackCategories in order. An item no rule
// takes is an error naming what was looked for: unknown destinations are
// reported, not guessed.
func (p *SortPlan) Sort(it Item) (Target, error) { return p.sort(it, nil) }

// Sorter sorts many items by one plan, its rules indexed by country.
type Sorter struct {
	plan      *SortPlan
	byCountry map[string][]int
}

// Sorter returns a sorter over p; p must not change while it is used.
func (p *SortPlan) Sorter() *Sorter {
	s := &Sorter{plan: p, byCountry: map[string][]int{}}
	for i, r := range p.Rules {
		s.byCountry[r.Country] = append(s.byCountry[r.Country], i)
	}
	return s
}

// Sort is SortPlan.Sort.
func (s *Sorter) Sort(it Item) (Target, error) {
	idx := s.byCountry[it.Country]
	if idx == nil {
		idx = []int{}
	}
	return s.plan.sort(it, idx)
}

// sort looks for it among the rules idx (nil = all).
func (p *SortPlan) sort(it Item, idx []int) (Target, error) {
	cats := []postal.MailCategory{it.Category}
	if it.Category == 0 {
		cats = FallbackCategories(it.Product)
	}
	pc := normPostcode(it.Postcode)
	class := string(it.class())
	for _, c := range cats {
		cat := string(c)
		best, bestScore := -1, -1
		consider := func(i int) {
			r := &p.Rules[i]
			if r.Country != it.Country || !r.matches(pc, cat, class, string(it.Product)) {
				return
			}
			if s := r.specificity(); s > bestScore {
				best, bestScore = i, s
			}
		}
		if idx == nil {
			for i := range p.Rules {
				consider(i)
			}
		} else {
			for _, i := range idx {
				consider(i)
			}
		}
		if best < 0 {
			continue
		}
		r := p.Rules[best]
		t := Target{Destination: r.Destination, Category: cat, Subclass: r.Subclass, Receptacle: r.Receptacle, Rule: best + 1}
		if t.Subclass == "" {
			t.Subclass = DefaultSubclass(it.Product)
		}
		if t.Receptacle == "" {
			t.Receptacle = Bag
		}
		return t, nil
	}
	where := it.Country
	if it.Postcode != "" {
		where += " " + it.Postcode
	}
	var names []string
	for _, c := range cats {
		names = append(names, string(c))
	}
	return Target{}, &postal.Error{Code: postal.CodeInvalid, Err: ErrNoRule, Message: fmt.Sprintf(
		"the sort plan of %s has no rule for %s %s (category %s, class %s): add one (interpost dispatch sortplan import) rather than guessing a destination",
		p.Office, where, it.Product, strings.Join(names, "/"), class),
		Fields: []postal.FieldError{{Field: "item", Message: "no sort-plan rule for " + where}}}
}

func (r *Rule) matches(postcode, category, class, product string) bool {
	if r.Category != "" && r.Category != category {
		return false
	}
	if r.Class != "" && r.Class != class {
		return false
	}
	if r.Product != "" && r.Product != product {
		return false
	}
	if r.PostcodeFrom != "" && (postcode < r.PostcodeFrom || postcode > r.PostcodeTo+"\xff") {
		return false
	}
	return true
}

// specificity ranks rules that match the same item: a postcode range beats
// a whole country, a product beats a class beats any, a category beats any.
func (r *Rule) specificity() int {
	s := 0
	if r.PostcodeFrom != "" {
		s += 8
	}
	switch {
	case r.Product != "":
		s += 4
	case r.Class != "":
		s += 2
	}
	if r.Category != "" {
		s++
	}
	return s
}

// normPostcode upper-cases a postcode and drops spaces and hyphens, so
// "00-850" and "SW1A 1AA" compare as "00850" and "SW1A1AA".
func normPostcode(s string) string {
	var b strings.Builder
	for _, c := range strings.ToUpper(s) {
		if c == ' ' || c == '-' || c == '\t' {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Normalize canonicalises the plan's rules in place (upper case, postcodes
// without spaces) and checks them against the network: every field of every
// rule, destinations that are known offices of exchange, and pairs of rules
// that would both take the same item with the same rank. Field errors name
// the rule as "line N" when it came from a file, else "rules[i]".
func (p *SortPlan) Normalize(offices map[string]network.Office) error {
	var fe postal.FieldList
	if o, ok := offices[p.Office]; !ok {
		fe.Add("office", "unknown office %q", p.Office)
	} else if o.Kind != network.KindOE && o.Kind != network.KindIMPC {
		fe.Add("office", "%s is a %s, not an office of exchange (oe or impc)", p.Office, o.Kind)
	}
	if len(p.Rules) == 0 {
		fe.Add("rules", "a sort plan needs at least one rule")
	}
	for i := range p.Rules {
		p.Rules[i].normalize(p.Office, offices, ruleName(p.Rules[i], i), &fe)
	}
	if len(fe) == 0 {
		p.checkOverlaps(&fe)
	}
	return fe.Err(fmt.Sprintf("sort plan of %s has errors", p.Office))
}

func ruleName(r Rule, i int) string {
	if r.Line > 0 {
		return fmt.Sprintf("line %d", r.Line)
	}
	return fmt.Sprintf("rules[%d]", i)
}

func (r *Rule) normalize(office string, offices map[string]network.Office, name string, fe *postal.FieldList) {
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	r.Country, r.Category, r.Class, r.Destination, r.Subclass = up(r.Country), up(r.Category), up(r.Class), up(r.Destination), up(r.Subclass)
	r.Product = strings.ToLower(strings.TrimSpace(r.Product))
	r.PostcodeFrom, r.PostcodeTo = normPostcode(strings.TrimSpace(r.PostcodeFrom)), normPostcode(strings.TrimSpace(r.PostcodeTo))
	if r.Category == "*" {
		r.Category = ""
	}
	if r.Class == "*" {
		r.Class = ""
	}
	if r.Product == "*" {
		r.Product = ""
	}
	if !postal.ValidCountry(r.Country) {
		fe.Add(name+": country", "%q is not an ISO 3166-1 alpha-2 code; every rule names one country (no wildcard: unknown destinations are reported, not guessed)", r.Country)
	}
	switch {
	case (r.PostcodeFrom == "") != (r.PostcodeTo == ""):
		fe.Add(name+": postcode_from", "give both postcode_from and postcode_to, or neither")
	case r.PostcodeFrom != "" && (!alnum(r.PostcodeFrom) || !alnum(r.PostcodeTo) || len(r.PostcodeFrom) > 10 || len(r.PostcodeTo) > 10):
		fe.Add(name+": postcode_from", "postcodes %q–%q must be 1–10 letters or digits (spaces and hyphens are ignored)", r.PostcodeFrom, r.PostcodeTo)
	case r.PostcodeFrom > r.PostcodeTo+"\xff":
		fe.Add(name+": postcode_to", "range %s–%s is empty: postcode_to is before postcode_from", r.PostcodeFrom, r.PostcodeTo)
	}
	if r.Category != "" {
		if c, err := postal.ParseMailCategory(r.Category); err != nil || len(r.Category) != 1 {
			fe.Add(name+": category", "%q must be A (air/priority), B (S.A.L.), C (surface), D (priority by surface) or empty", r.Category)
		} else {
			r.Category = string(rune(c))
		}
	}
	class := r.Class
	if r.Class != "" {
		if c, err := postal.ParseMailClass(r.Class); err != nil || len(r.Class) != 1 || c == postal.ClassEmpty {
			fe.Add(name+": class", "%q must be U (letter post), C (parcels), E (EMS) or empty", r.Class)
		}
	}
	if r.Product != "" {
		spec, err := postal.LookupProduct(r.Product)
		switch {
		case err != nil:
			fe.Add(name+": product", "%v", err)
		case r.Class != "" && string(spec.Class) != r.Class:
			fe.Add(name+": class", "product %s is class %c, not %s", r.Product, spec.Class, r.Class)
		default:
			class = string(spec.Class)
		}
	}
	if r.Subclass != "" {
		switch {
		case len(r.Subclass) != 2 || !upperLetters(r.Subclass):
			fe.Add(name+": subclass", "%q must be two letters, e.g. UN, CN, EN", r.Subclass)
		case class == "":
			fe.Add(name+": subclass", "a subclass applies to one mail class: give class or product too")
		case r.Subclass[:1] != class:
			fe.Add(name+": subclass", "%s must start with the class letter %s", r.Subclass, class)
		}
	}
	switch o, ok := offices[r.Destination]; {
	case r.Destination == "":
		fe.Add(name+": destination", "required: the destination office of exchange")
	case !ok:
		fe.Add(name+": destination", "unknown office %q (add it to the network first)", r.Destination)
	case o.Kind != network.KindOE && o.Kind != network.KindIMPC:
		fe.Add(name+": destination", "%s is a %s; dispatches go to offices of exchange (oe or impc)", r.Destination, o.Kind)
	case r.Destination == office:
		fe.Add(name+": destination", "%s is this office itself", r.Destination)
	case !postal.ValidOffice(r.Destination):
		fe.Add(name+": destination", "%q cannot appear in an S8 dispatch id: it must be 6 letters starting with a country code", r.Destination)
	}
	if r.Receptacle != "" {
		t, err := ParseType(string(r.Receptacle))
		if err != nil {
			fe.Add(name+": receptacle", "%v", err)
		}
		r.Receptacle = t
	}
}

// checkOverlaps reports two rules of equal rank that take a common item:
// which one wins would be a guess.
func (p *SortPlan) checkOverlaps(fe *postal.FieldList) {
	byCountry := map[string][]int{}
	for i, r := range p.Rules {
		byCountry[r.Country] = append(byCountry[r.Country], i)
	}
	for _, idx := range byCountry {
		for a := 0; a < len(idx); a++ {
			for b := a + 1; b < len(idx); b++ {
				r1, r2 := &p.Rules[idx[a]], &p.Rules[idx[b]]
				if r1.specificity() == r2.specificity() && r1.overlaps(r2) {
					fe.Add(ruleName(*r2, idx[b]), "takes the same items as %s (%s): make the ranges, categories or products disjoint",
						ruleName(*r1, idx[a]), r1.describe())
				}
			}
		}
	}
}

func (r *Rule) overlaps(o *Rule) bool {
	if r.Category != o.Category && r.Category != "" && o.Category != "" {
		return false
	}
	if r.Class != "" && o.Class != "" && r.Class != o.Class {
		return false
	}
	if r.Product != "" && o.Product != "" && r.Product != o.Product {
		return false
	}
	if r.PostcodeFrom != "" && o.PostcodeFrom != "" {
		if r.PostcodeFrom > o.PostcodeTo+"\xff" || o.PostcodeFrom > r.PostcodeTo+"\xff" {
			return false
		}
	}
	return true
}

func (r *Rule) describe() string {
	parts := []string{r.Country}
	if r.PostcodeFrom != "" {
		parts = append(parts, r.PostcodeFrom+"–"+r.PostcodeTo)
	}
	for _, s := range []string{r.Category, r.Class, r.Product} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ") + " → " + r.Destination
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

func upperLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
