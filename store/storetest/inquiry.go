package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// testInquiries: one inquiry per (item, opener) with its trail; updates
// check the version; the desk list is by reply deadline; claims round-trip
// with their evidence and are replaced by an override.
func testInquiries(t *testing.T, s store.Store) {
	ctx := context.Background()
	due := t0.Add(60 * 24 * time.Hour)
	in := inquiry.Inquiry{ID: "QEE123456785CN-aaaaaa", Item: "EE123456785CN", OpenedBy: "merchant:ACME", Merchant: "ACME", Known: true,
		State: inquiry.StateRouted, Owner: "post:PLPOST", PostedAt: t0.Add(-48 * time.Hour), OpenedAt: t0, ReplyDue: due,
		RemindAt: due.Add(-240 * time.Hour), UpdatedAt: t0}
	steps := []inquiry.Step{{Inquiry: in.ID, At: t0, Actor: "merchant:ACME", To: inquiry.StateOpen},
		{Inquiry: in.ID, At: t0, Actor: "system", From: inquiry.StateOpen, To: inquiry.StateRouted, Note: "routed"}}
	got, created, err := s.CreateInquiry(ctx, in, steps)
	if err != nil || !created || got.ID != in.ID || !got.ReplyDue.Equal(due) || got.Version != 0 || !got.AnswerAt.IsZero() {
		t.Fatalf("CreateInquiry = %+v, %v, %v", got, created, err)
	}
	again := in
	again.ID = "QEE123456785CN-other"
	if got, created, err := s.CreateInquiry(ctx, again, steps); err != nil || created || got.ID != in.ID {
		t.Fatalf("CreateInquiry by the same party again = %s, %v, %v; want the first one", got.ID, created, err)
	}
	answered := inquiry.Inquiry{ID: "QEE000000019CN-bbbbbb", Item: "EE000000019CN", OpenedBy: "buyer", Known: true, State: inquiry.StateAnswered,
		Owner: "desk", OpenedAt: t0, Answer: inquiry.AnswerDelivered, AnswerAt: t0.Add(-time.Hour), AnswerOffice: "PLWAWA", UpdatedAt: t0}
	if _, _, err := s.CreateInquiry(ctx, answered, nil); err != nil {
		t.Fatal(err)
	}
	in.State, in.Answer, in.Owner, in.UpdatedAt = inquiry.StatePartnerAnswered, inquiry.AnswerLost, "desk", t0.Add(time.Hour)
	if err := s.UpdateInquiry(ctx, in, inquiry.Step{Inquiry: in.ID, At: in.UpdatedAt, Actor: "partner:PLPOST", From: inquiry.StateRouted, To: in.State}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateInquiry(ctx, in, inquiry.Step{Inquiry: in.ID, At: in.UpdatedAt}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("UpdateInquiry with a stale version = %v, want conflict", err)
	}
	if _, err := s.Inquiry(ctx, "QNONE"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("Inquiry(unknown) = %v, want not_found", err)
	}
	trail, err := s.InquiryTrail(ctx, in.ID)
	if err != nil || len(trail) != 3 || trail[2].Actor != "partner:PLPOST" || trail[2].To != inquiry.StatePartnerAnswered {
		t.Fatalf("InquiryTrail = %+v, %v", trail, err)
	}
	list, err := s.Inquiries(ctx, inquiry.Filter{})
	if err != nil || len(list) != 2 || list[0].ID != in.ID || list[0].Version != 1 {
		t.Fatalf("Inquiries = %+v, %v; want the one with a deadline first", list, err)
	}
	if list, err := s.Inquiries(ctx, inquiry.Filter{States: []inquiry.State{inquiry.StateAnswered}, Owner: "desk"}); err != nil || len(list) != 1 || list[0].ID != answered.ID {
		t.Fatalf("Inquiries(answered, desk) = %+v, %v", list, err)
	}
	if list, err := s.Inquiries(ctx, inquiry.Filter{DueBefore: due, Merchant: "ACME"}); err != nil || len(list) != 0 {
		t.Fatalf("Inquiries(due before its deadline) = %+v, %v", list, err)
	}

	c := inquiry.Claim{ID: "CEE123456785CN-aaaaaa-loss", Inquiry: in.ID, Item: in.Item, Kind: inquiry.ClaimLoss, Claimed: decimal.RequireFromString("100"),
		WeightG: 1200, Product: "ems", Liable: "post:PLPOST", Claimant: "post:CNPOST", Amount: decimal.RequireFromString("45.40"),
		Capped: "capped", Rule: "last receipt", DecidedAt: t0, InsuredSDR: decimal.RequireFromString("330.00"),
		Paid: decimal.RequireFromString("61.97"), PaidCurrency: "USD", RatePerSDR: decimal.RequireFromString("1.3650"),
		RateDate: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		Evidence: []inquiry.Evidence{{Code: "EMD", Office: "PLWAWA", Post: "post:PLPOST", At: t0.Add(-time.Hour), Why: "last receipt"}}}
	if err := s.PutClaim(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Liable, c.Amount, c.Override, c.OverriddenBy = "post:CNPOST", decimal.RequireFromString("10"), "carrier lost it", "k1"
	c.Paid = decimal.RequireFromString("13.65")
	if err := s.PutClaim(ctx, c); err != nil {
		t.Fatal(err)
	}
	got2, err := s.Claim(ctx, c.ID)
	if err != nil || got2.Liable != "post:CNPOST" || !got2.Amount.Equal(c.Amount) || got2.Override != c.Override || len(got2.Evidence) != 1 ||
		got2.Evidence[0].Office != "PLWAWA" || !got2.Claimed.Equal(c.Claimed) {
		t.Fatalf("Claim = %+v, %v", got2, err)
	}
	if got2.PaidCurrency != "USD" || got2.Paid.String() != "13.65" || got2.RatePerSDR.String() != "1.365" || !got2.InsuredSDR.Equal(c.InsuredSDR) ||
		!got2.RateDate.Equal(c.RateDate) {
		t.Fatalf("Claim = %+v, %v", got2, err)
	}
	if cs, err := s.Claims(ctx, in.ID); err != nil || len(cs) != 1 {
		t.Fatalf("Claims = %+v, %v", cs, err)
	}
	if _, err := s.Claim(ctx, "CNONE"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("Claim(unknown) = %v, want not_found", err)
	}
}
