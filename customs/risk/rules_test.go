package risk_test

import (
	"os"
	"strings"
	"testing"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

func TestRulesErrors(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile("../../demo/customs-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"typo names line and key", "    score: 300\n    action: seize\n    reason: \"line {line}: narcotic", "    scroe: 300\n    action: seize\n    reason: \"line {line}: narcotic",
			[]string{"line 22: rules[0].scroe", `did you mean "score"`}},
		{"wrong type", "near_de_minimis: 0.08", "near_de_minimis: lots", []string{"rules[", "near_de_minimis", "float64"}},
		{"bad HS prefix", `hs: ["3405", "3808"]`, `hs: ["3405", "38x8"]`, []string{"hs[1]", `"38x8" is not an HS prefix`}},
		{"unknown kind", "kind: dangerous\n    hs: [\"3405\"", "kind: dangerus\n    hs: [\"3405\"", []string{`"dangerus" is not one of`}},
		{"bands out of order", "xray: 50", "xray: 20", []string{"actions.xray", "must be above document_check"}},
		{"key of another kind", "    min_items: 2\n", "    min_items: 2\n    hs: [\"85\"]\n", []string{`key "hs" does not apply to rules of kind splitting`}},
		{"released and seized", "  - id: PROHIB-WEAPONS\n", "  - {id: ALLOW-PISTOLS, kind: restricted, hs: [\"9302\"], score: 0, action: release}\n  - id: PROHIB-WEAPONS\n",
			[]string{"rules[1].action", "rule ALLOW-PISTOLS releases HS 9302, which rule PROHIB-WEAPONS (rules[2]) orders to seize: the rules contradict"}},
		{"no version", `version: "2026-12-07.1"`, `# no version`, []string{": version: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tt.from, tt.to, 1)
			if bad == string(good) {
				t.Fatalf("test edit %q not found in the demo rules", tt.from)
			}
			_, err := risk.CompileRules([]byte(bad), "rules.yaml", postal.DefaultRates())
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}
