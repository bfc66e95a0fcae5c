package routing_test

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

// Benchmarks on the demo network; go run ./bench/routing measures a
// world-scale one against gonum.

func demoPlanner(b *testing.B) *routing.Planner {
	b.Helper()
	n, err := demo.Network()
	if err != nil {
		b.Fatal(err)
	}
	p, err := routing.New(n.Offices, n.Services)
	if err != nil {
		b.Fatal(err)
	}
	p.Prepare(demoReady, demoReady.Add(routing.MaxHorizon))
	return p
}

var demoReady = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

func BenchmarkEarliestDemo(b *testing.B) {
	p := demoPlanner(b)
	q := routing.Query{From: "CNXMNA", To: "DEDUIA", Ready: demoReady, Product: postal.ProductParcel}
	b.ReportAllocs()
	for b.Loop() {
		if it, err := p.Earliest(q); err != nil || it == nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParetoDemo(b *testing.B) {
	p := demoPlanner(b)
	q := routing.Query{From: "CNXMNA", To: "DEDUIA", Ready: demoReady, Horizon: 45 * 24 * time.Hour}
	b.ReportAllocs()
	for b.Loop() {
		if set, err := p.Pareto(context.Background(), q); err != nil || len(set) == 0 {
			b.Fatal(err)
		}
	}
}
