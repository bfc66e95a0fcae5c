package accounting_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

func BenchmarkParseDemoTariff(b *testing.B) {
	files := demoFiles(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := accounting.ParseFiles(files); err != nil {
			b.Fatal(err)
		}
	}
}

// benchItems makes n items from the demo merchants' offices to the demo's
// destination countries over a fortnight.
func benchItems(n int) []accounting.ItemFact {
	offices := []string{"CNXMNA", "CNSZXA", "CNYIWA", "CNHGHA", "CNCANA"}
	dests := []string{"US", "DE", "FR", "GB", "PL", "ES", "JP", "KR", "NL", "IT", "AU", "HU"}
	products := []string{"e-packet", "e-packet", "registered-small-packet", "small-packet", "ems", "parcel"}
	start := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	out := make([]accounting.ItemFact, n)
	for i := range out {
		g := 120 + i*37%1800
		if products[i%len(products)] == "parcel" {
			g += 2000
		}
		out[i] = accounting.ItemFact{ID: fmt.Sprintf("LA%09dCN", i), Merchant: "XMTEA", Origin: offices[i%len(offices)],
			Dest: dests[i%len(dests)], WeightG: g, AcceptedAt: start.Add(time.Duration(i) * 14 * 24 * time.Hour / time.Duration(n))}
		out[i].Product = postal.Product(products[i%len(products)])
	}
	return out
}

func demoRater(b *testing.B) (*accounting.Rater, *routing.Planner) {
	set, err := accounting.ParseFiles(demoFiles(b))
	if err != nil {
		b.Fatal(err)
	}
	n, err := demo.Network()
	if err != nil {
		b.Fatal(err)
	}
	p, err := routing.New(n.Offices, n.Services)
	if err != nil {
		b.Fatal(err)
	}
	services := map[string]network.Leg{}
	for _, s := range n.Services {
		services[s.ID] = s
	}
	return &accounting.Rater{Tariff: set, Home: "CN", Offices: network.OfficeMap(n.Offices), Services: services}, p
}

// BenchmarkRate rates 1,000 demo-like items: "planned" includes planning
// each item's way (as the first rating of a month does), "known-ways" rates
// with the ways already planned (re-rating, what-if).
func BenchmarkRate(b *testing.B) {
	items := benchItems(1000)
	r, p := demoRater(b)
	b.Run("planned", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Ways = accounting.NewWays(p)
			var res accounting.Result
			for _, it := range items {
				r.Item(it, &res)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(items)), "µs/item")
	})
	b.Run("known-ways", func(b *testing.B) {
		r.Ways = accounting.NewWays(p)
		var warm accounting.Result
		for _, it := range items {
			r.Item(it, &warm)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			var res accounting.Result
			for _, it := range items {
				r.Item(it, &res)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(items)), "µs/item")
	})
}
