package risk

import (
	"strings"
	"time"
)

// Action is what the risk engine proposes for an item, mildest first.
type Action string

// Actions, in order of severity.
const (
	ActionRelease            Action = "release"
	ActionDocumentCheck      Action = "document_check"
	ActionXray               Action = "xray"
	ActionPhysicalInspection Action = "physical_inspection"
	ActionReturnToSender     Action = "return_to_sender"
	ActionSeize              Action = "seize"
)

// Actions lists every action, mildest first.
var Actions = []Action{ActionRelease, ActionDocumentCheck, ActionXray, ActionPhysicalInspection, ActionReturnToSender, ActionSeize}

// severity orders actions; -1 for an unknown one.
func (a Action) severity() int {
	for i, x := range Actions {
		if x == a {
			return i
		}
	}
	return -1
}

// Stronger returns the more severe of a and b.
func (a Action) Stronger(b Action) Action {
	if b.severity() > a.severity() {
		return b
	}
	return a
}

func joinActions() string {
	s := make([]string, len(Actions))
	for i, a := range Actions {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// Hit is one rule that fired on a declaration.
type Hit struct {
	Rule   string `json:"rule"`
	Kind   Kind   `json:"kind"`
	Score  int    `json:"score"`
	Action Action `json:"action,omitempty" doc:"The least action this rule asks for, if any"`
	Reason string `json:"reason" doc:"Why the rule fired, for the officer"`
	Line   int    `json:"line,omitempty" doc:"1-based declaration line that triggered it; absent for the whole item"`
	// Match is the listed party a watch-list hit found.
	Match *WatchHit `json:"match,omitempty" doc:"For a watch-list hit: the listed party, the name or alias and the transliteration that matched"`
}

// WatchHit says what a watch-list hit matched.
type WatchHit struct {
	List       string   `json:"list" doc:"List the entry is on: the rules file's own list name, or ofac-sdn, un-sc"`
	Entry      string   `json:"entry,omitempty" doc:"The entry's reference on an official list (OFAC ent_num, UN reference number)"`
	Name       string   `json:"name" doc:"The listed party's primary name"`
	Alias      string   `json:"alias" doc:"The name or alias of the entry that matched, as listed"`
	Strength   Strength `json:"strength" doc:"primary, strong or weak (see docs/screening.md)"`
	Via        string   `json:"via" doc:"Transliteration that made the match, e.g. Han → pinyin; as written when none"`
	Party      string   `json:"party" doc:"sender, addressee or seller"`
	Query      string   `json:"query" doc:"The declared name that matched"`
	Similarity float64  `json:"similarity"`
	// Others are the other listed entries the name reaches the rule's
	// threshold against, closest first: an officer must see every listed
	// person a name could be, not only the closest.
	Others []WatchCandidate `json:"others,omitempty" doc:"Other listed entries the name also matches at or above the rule's threshold, closest first (at most 5)"`
}

// WatchCandidate is another listed entry a screened name matches.
type WatchCandidate struct {
	List       string  `json:"list"`
	Entry      string  `json:"entry,omitempty"`
	Name       string  `json:"name" doc:"The listed party's primary name"`
	Alias      string  `json:"alias" doc:"The name or alias that matched, as listed"`
	Similarity float64 `json:"similarity"`
}

// Screening is the risk engine's verdict on one declaration.
type Screening struct {
	RulesVersion string    `json:"rules_version"`
	Lists        []string  `json:"lists,omitempty" doc:"Official watch lists in force, name@version"`
	Score        int       `json:"score" doc:"Sum of the hits' scores"`
	Action       Action    `json:"action" doc:"Proposed action: the band of the score, or a stronger action a hit asks for"`
	Hits         []Hit     `json:"hits,omitempty"`
	At           time.Time `json:"at"`
}

// Reasons returns the hits' reasons, one per hit.
func (s Screening) Reasons() []string {
	out := make([]string, len(s.Hits))
	for i, h := range s.Hits {
		out[i] = h.Reason
	}
	return out
}

// Prior summarises the earlier declarations to the same addressee within a
// splitting rule's window: how many and their total value in SDR.
type Prior struct {
	Count    int
	ValueSDR float64
}

// Add returns p with one more declaration of valueSDR.
func (p Prior) Add(valueSDR float64) Prior {
	return Prior{Count: p.Count + 1, ValueSDR: p.ValueSDR + valueSDR}
}
