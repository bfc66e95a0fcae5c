package risk_test

import (
	"os"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// BenchmarkScreenOFAC screens declarations with ordinary names against the
// whole OFAC sample (skipped when the sample is not next to the repository).
func BenchmarkScreenOFAC(b *testing.B) {
	dir := "../../../shared/data/ofac-sample/"
	f := func(n string) *os.File {
		fh, err := os.Open(dir + n)
		if err != nil {
			b.Skip("no OFAC sample:", err)
		}
		b.Cleanup(func() { fh.Close() })
		return fh
	}
	l, err := risk.ParseOFAC(risk.OFACFiles{SDN: f("sdn.csv"), Alt: f("alt.csv"), Add: f("add.csv")})
	if err != nil {
		b.Fatal(err)
	}
	e, err := risk.CompileRules([]byte("version: b\nactions: {document_check: 10}\nrules:\n  - {id: W, kind: watchlist, score: 10, parties: [sender, addressee]}\n"), "b", postal.DefaultRates())
	if err != nil {
		b.Fatal(err)
	}
	e = e.WithLists(l)
	names := []string{"Omar Haddad", "Sergey Novikov", "KIM, Min-jun", "Lucia Garcia", "Wang Jing", "Blue River Trading Ltd", "Mohammed Al-Rahman", "Hanna Schmidt"}
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := risk.Subject{Sender: risk.Party{Name: names[i%len(names)], Country: "DE"}, Addressee: risk.Party{Name: names[(i+3)%len(names)], Country: "CN"}}
		e.Screen(&s, risk.Prior{}, now)
		i++
	}
}
