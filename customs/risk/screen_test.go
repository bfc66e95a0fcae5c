package risk_test

import (
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// TestScreenSubject screens a Subject directly, without package customs:
// a line's origin defaults to the sender's country, and the seller is
// checked against the watch list only when there is one.
func TestScreenSubject(t *testing.T) {
	t.Parallel()
	src := `version: "t1"
actions: {document_check: 10, seize: 100}
rules:
  - {id: IVORY, kind: prohibited, score: 100, hs: ["9601"], origin: [KE]}
  - {id: WATCH, kind: watchlist, score: 10, parties: [seller]}
watchlist:
  - {name: Viktor Kalinin, list: sanctions}
`
	e, err := risk.CompileRules([]byte(src), "t.yaml", postal.DefaultRates())
	if err != nil {
		t.Fatal(err)
	}
	base := risk.Subject{ID: "EE123456785CN", Stream: "ecommerce", Direction: "import",
		Sender: risk.Party{Name: "Amani Traders", Country: "KE"}, Addressee: risk.Party{Name: "Wang Fang", Country: "CN"},
		Lines:    []risk.Line{{Description: "carved figurine", HSCode: "960110", NetWeightG: 300, ValueSDR: 40}},
		ValueSDR: 40}
	seller := risk.Party{Name: "KALININ Viktor", Country: "KE"}
	tests := []struct {
		name   string
		edit   func(*risk.Subject)
		want   []string
		action risk.Action
	}{
		{"origin is the sender's country", func(*risk.Subject) {}, []string{"IVORY"}, risk.ActionSeize},
		{"declared origin wins", func(s *risk.Subject) { s.Lines[0].Origin = "DE" }, nil, risk.ActionRelease},
		{"listed seller", func(s *risk.Subject) { s.Lines[0].Origin, s.Seller = "DE", &seller }, []string{"WATCH"}, risk.ActionDocumentCheck},
		{"listed sender is not a seller", func(s *risk.Subject) { s.Lines[0].Origin, s.Sender.Name = "DE", seller.Name }, nil, risk.ActionRelease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.Lines = slices.Clone(base.Lines)
			tt.edit(&s)
			got := e.Screen(&s, risk.Prior{}, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
			var ids []string
			for _, h := range got.Hits {
				ids = append(ids, h.Rule)
			}
			if !slices.Equal(ids, tt.want) || got.Action != tt.action || got.RulesVersion != "t1" {
				t.Errorf("hits %v action %s version %s, want %v %s (%v)", ids, got.Action, got.RulesVersion, tt.want, tt.action, got.Reasons())
			}
		})
	}
}
