package accounting_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
)

// TestPostCompensation: a decision posts once; an override moves the
// liability with a reversal and a new entry, never changing one; rating
// leaves compensation alone.
func TestPostCompensation(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, item("LA000000014CN", "e-packet", 850, "PL"))
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	comp := func(key string, debtor, creditor accounting.Party, amount string) accounting.Charge {
		return accounting.Charge{Key: key, Kind: accounting.KindCompensation, At: at, Debtor: debtor, Creditor: creditor,
			Amount: decimal.RequireFromString(amount), Currency: "XDR", Items: 1, Basis: accounting.BasisClaim, Item: "LA000000014CN"}
	}
	pl, cn, m := accounting.Post("PL"), accounting.Post("CN"), accounting.Merchant("XMTEA")
	want := []accounting.Charge{comp("comp/C1/post", pl, cn, "45.40"), comp("comp/C1/merchant", cn, m, "45.40")}
	posted, err := svc.PostCompensation(ctx, "LA000000014CN", "comp/C1/", want, "claim C1")
	if err != nil || len(posted) != 2 {
		t.Fatalf("first post = %d, %v", len(posted), err)
	}
	if again, err := svc.PostCompensation(ctx, "LA000000014CN", "comp/C1/", want, "claim C1"); err != nil || len(again) != 0 {
		t.Fatalf("same decision again posted %d, %v", len(again), err)
	}
	// The officer: our carrier lost it, we pay 30 and PL pays nothing.
	over, err := svc.PostCompensation(ctx, "LA000000014CN", "comp/C1/", []accounting.Charge{comp("comp/C1/merchant", cn, m, "30")}, "override")
	if err != nil || len(over) != 2 {
		t.Fatalf("override posted %d, %v", len(over), err)
	}
	sum := map[string]decimal.Decimal{}
	for _, e := range st.entries {
		if e.Kind == accounting.KindCompensation {
			sum[e.Key] = sum[e.Key].Add(e.Amount)
		}
	}
	if !sum["comp/C1/post"].IsZero() || sum["comp/C1/merchant"].String() != "30" {
		t.Errorf("net = %v", sum)
	}
	before := len(st.entries)
	rate(t, svc)
	for _, e := range st.entries[before:] {
		if e.Kind == accounting.KindCompensation {
			t.Errorf("rating touched compensation: %+v", e)
		}
	}
	if _, err := svc.PostCompensation(ctx, "LA000000014CN", "comp/C2/", want, "x"); err == nil {
		t.Error("charges outside the prefix were posted")
	}
}
