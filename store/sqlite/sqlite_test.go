package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() store.Store {
		dir := t.TempDir()
		return func() store.Store {
			s, err := sqlite.Open(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
	})
}

// TestRestart checks that a committed shipment survives closing and
// reopening the database (the server restarting).
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutMerchant(ctx, acceptance.Merchant{Code: "ACME", Name: "Acme", Office: "CNXMNA", Country: "CN", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	sh, _, err := s.CreateShipment(ctx, acceptance.NewShipment{
		Shipment:   acceptance.Shipment{Merchant: "ACME", Product: "ems", Status: "created", Addressee: acceptance.Party{Country: "PL"}, WeightG: 100, CreatedAt: time.Now()},
		Indicators: []string{"EA"}, Country: "CN",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Shipment(ctx, sh.ID); err != nil || got.ID != sh.ID {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
	// The next id continues the range instead of reusing one.
	next, err := s.AllocateS10(ctx, []string{"EA"}, "CN")
	if err != nil || next.Serial() != sh.ID.Serial()+1 {
		t.Fatalf("next id after restart = %s, %v", next, err)
	}
}
