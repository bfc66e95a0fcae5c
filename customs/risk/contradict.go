package risk

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/interpost/interpost/postal"
)

// checkContradictions refuses a rules file in which one rule releases goods
// (action release) that another seizes or returns to sender, for an
// overlapping scope: the officer could not tell which one the post means.
// Goods overlap when an HS prefix of one rule is a prefix of the other's or
// both name the same keyword; scopes overlap unless their directions,
// streams, destinations or origins exclude each other.
func checkContradictions(fe *postal.FieldList, rf *RuleFile, root *yaml.Node) {
	goodsKind := func(k Kind) bool { return k == KindProhibited || k == KindRestricted || k == KindDangerous }
	for i := range rf.Rules {
		a := &rf.Rules[i]
		if a.Disabled || a.Action != ActionRelease || !goodsKind(a.Kind) {
			continue
		}
		for j := range rf.Rules {
			b := &rf.Rules[j]
			if b.Disabled || i == j || !goodsKind(b.Kind) || (b.Action != ActionSeize && b.Action != ActionReturnToSender) || !scopesOverlap(a, b) {
				continue
			}
			if what := sameGoods(a, b); what != "" {
				n := seqItem(root, "rules", i)
				fe.Add(at(n, fmt.Sprintf("rules[%d]", i), "action"), "rule %s releases %s, which rule %s (rules[%d]) orders to %s: the rules contradict; remove one or narrow its direction, streams, dest or origin",
					a.ID, what, b.ID, j, b.Action)
			}
		}
	}
}

func sameGoods(a, b *RuleSpec) string {
	norm := func(p string) string { return strings.NewReplacer(".", "", " ", "").Replace(p) }
	for _, p := range a.HS {
		for _, q := range b.HS {
			if pa, pb := norm(p), norm(q); strings.HasPrefix(pa, pb) || strings.HasPrefix(pb, pa) {
				return "HS " + longer(pa, pb)
			}
		}
	}
	for _, k := range a.Keywords {
		for _, l := range b.Keywords {
			if strings.EqualFold(keywordText(k), keywordText(l)) {
				return fmt.Sprintf("%q", keywordText(k))
			}
		}
	}
	return ""
}

func longer(a, b string) string {
	if len(a) >= len(b) {
		return a
	}
	return b
}

func scopesOverlap(a, b *RuleSpec) bool {
	dir := func(d string) string {
		if d == "any" {
			return ""
		}
		return d
	}
	if da, db := dir(a.Direction), dir(b.Direction); da != "" && db != "" && da != db {
		return false
	}
	return overlap(a.Streams, b.Streams) && overlap(a.Dest, b.Dest) && overlap(a.Origin, b.Origin)
}

// overlap reports whether two scope lists share a value; an empty list
// means any.
func overlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}
