package server_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/postal"
)

// testMerchantClaims (signed in as merchant XMTEA): the claims page lists
// the merchant's own claims only, with the compensation in the claimant's
// currency; a row opens the inquiry at its claims; another merchant's
// inquiry is not found.
func (e *browserEnv) testMerchantClaims(t *testing.T) {
	ctx := context.Background()
	mine, _, err := e.store.Shipments(ctx, acceptance.Filter{Merchant: "XMTEA", Limit: 1})
	if err != nil || len(mine) == 0 {
		t.Fatalf("no XMTEA shipment: %v", err)
	}
	theirs, _, err := e.store.Shipments(ctx, acceptance.Filter{Merchant: "HZSILK", Limit: 1})
	if err != nil || len(theirs) == 0 {
		t.Fatalf("no HZSILK shipment: %v", err)
	}
	merchant := auth.Principal{KeyID: "browser-merchant", Role: auth.RoleMerchant, Merchant: "XMTEA"}
	officer := auth.Principal{KeyID: "browser-desk", Role: auth.RoleOperator}
	in, _, err := e.inq.Open(ctx, merchant, string(mine[0].ID), "")
	if err != nil {
		t.Fatal(err)
	}
	cl, err := e.inq.Decide(ctx, merchant, in.ID, inquiry.ClaimRequest{Kind: inquiry.ClaimDamage, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := e.inq.Open(ctx, officer, string(theirs[0].ID), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.inq.Decide(ctx, officer, other.ID, inquiry.ClaimRequest{Kind: inquiry.ClaimLoss}); err != nil {
		t.Fatal(err)
	}

	if status := e.open(t, "/console/claims", "claims"); status != http.StatusOK {
		t.Fatalf("claims page = %d", status)
	}
	items := eval[[]string](t, e, `[...document.querySelectorAll("#claim-list tbody tr[data-claim] td:nth-child(2) a")].map(a => a.textContent)`)
	if !slices.Contains(items, string(mine[0].ID)) {
		t.Errorf("the merchant's claim on %s is not listed: %v", mine[0].ID, items)
	}
	for _, id := range items {
		if sh, err := e.store.Shipment(ctx, postal.S10(id)); err != nil || sh.Merchant != "XMTEA" {
			t.Errorf("merchant XMTEA sees a claim on %s of %q (%v)", id, sh.Merchant, err)
		}
	}
	row := `#claim-list tr[data-claim="` + cl.ID + `"]`
	if paid := e.text(t, row+` .paid`); !strings.HasSuffix(paid, " EUR") {
		t.Errorf("compensation shown as %q, want an amount in EUR", paid)
	}
	e.do(t, chromedp.Click(chromedp.CSS(row+` td:nth-child(2) a`)))
	e.waitPage(t, "inquiry")
	if got := eval[int](t, e, `document.querySelectorAll('#claims [data-claim="`+cl.ID+`"]').length`); got != 1 {
		t.Errorf("the inquiry page shows the claim %d times, want once", got)
	}
	if status := e.open(t, "/console/inquiries/"+other.ID, "error"); status != http.StatusNotFound {
		t.Errorf("a merchant opening another merchant's inquiry gets %d, want 404", status)
	}
}
