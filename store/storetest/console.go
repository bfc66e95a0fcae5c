package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/store"
)

// testCountShipments checks the counts the operator console's overview
// reads: grouped by product, merchant, office and destination, over a
// half-open period, sorted.
func testCountShipments(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, ok := s.(acceptance.Counter)
	if !ok {
		t.Fatalf("%T does not implement acceptance.Counter (the console's overview needs it)", s)
	}
	merchant(t, s, "ACME")
	merchant(t, s, "BETA")
	add := func(m, product, dest string, weight int, at time.Time) {
		t.Helper()
		n := newShipment(m, "", at)
		n.Shipment.Product, n.Shipment.Addressee.Country, n.Shipment.WeightG = product, dest, weight
		if _, _, err := s.CreateShipment(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	day := t0.Truncate(24 * time.Hour)
	add("ACME", "ems", "PL", 500, day)                       // first instant: in
	add("ACME", "ems", "PL", 700, day.Add(5*time.Hour))      // same group
	add("ACME", "e-packet", "PL", 300, day.Add(6*time.Hour)) // other product
	add("BETA", "ems", "DE", 1000, day.Add(23*time.Hour))
	add("ACME", "ems", "PL", 900, day.Add(24*time.Hour)) // next day: out
	add("ACME", "ems", "PL", 900, day.Add(-time.Microsecond))

	got, err := c.CountShipments(ctx, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []acceptance.Count{
		{Product: "e-packet", Merchant: "ACME", Office: "CNXMNA", Destination: "PL", Shipments: 1, WeightG: 300},
		{Product: "ems", Merchant: "ACME", Office: "CNXMNA", Destination: "PL", Shipments: 2, WeightG: 1200},
		{Product: "ems", Merchant: "BETA", Office: "CNXMNA", Destination: "DE", Shipments: 1, WeightG: 1000},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CountShipments (-want +got):\n%s", diff)
	}
	empty, err := c.CountShipments(ctx, day.AddDate(0, 0, 7), day.AddDate(0, 0, 8))
	if err != nil || len(empty) != 0 {
		t.Errorf("CountShipments(empty day) = %v, %v; want none", empty, err)
	}
}
