package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/paging"
)

// InquiryResult says what SeedInquiries made.
type InquiryResult struct {
	Inquiries, Answered, Routed, PartnerAnswered, Reminded, Escalated, Claims, Overrides int
	// Examples for the note: one answered from the scans, one routed, one
	// claim, and the claim on a lost insured item paid in the sender's
	// currency.
	AnsweredID, RoutedID, ClaimID, InsuredClaimID, InsuredInquiryID string
}

// SeedInquiries opens a month of inquiries on the demo shipments — most
// answered from the scans, some routed to the partner post that last held
// the item — has partner posts answer some of the routed ones, sweeps the
// deadlines, and decides a few claims (one overridden by an officer). Every
// step is idempotent, so running it again adds nothing.
func SeedInquiries(ctx context.Context, svc *inquiry.Service, shipments acceptance.Store, now time.Time) (InquiryResult, error) {
	var res InquiryResult
	var all []acceptance.Shipment
	f := acceptance.Filter{Limit: 500}
	for {
		page, next, err := shipments.Shipments(ctx, f)
		if err != nil {
			return res, err
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		if f.After, err = paging.DecodeCursor(next); err != nil {
			return res, err
		}
	}
	officer := auth.Principal{KeyID: "demo-desk", Role: auth.RoleOperator}
	var routed []inquiry.Inquiry
	for i, sh := range all {
		if i%5 != 2 { // one shipment in five gets an inquiry
			continue
		}
		at := sh.CreatedAt.Add(time.Duration(3+i%9) * 24 * time.Hour)
		if at.After(now) {
			at = now.Add(-time.Duration(i%12) * time.Hour)
		}
		day := *svc
		day.Now = func() time.Time { return at }
		var in inquiry.Inquiry
		var err error
		if i%3 == 0 && sh.Addressee.Postcode != "" {
			in, _, err = day.OpenPublic(ctx, string(sh.ID), sh.Addressee.Postcode, "demo-buyer")
		} else {
			in, _, err = day.Open(ctx, auth.Principal{KeyID: "demo-" + sh.Merchant, Role: auth.RoleMerchant, Merchant: sh.Merchant}, string(sh.ID), "where is my parcel?")
		}
		if err != nil {
			return res, fmt.Errorf("demo inquiry on %s: %w", sh.ID, err)
		}
		res.Inquiries++
		switch in.State {
		case inquiry.StateAnswered:
			res.Answered++
			if res.AnsweredID == "" {
				res.AnsweredID = in.ID
			}
		default:
			res.Routed++
			routed = append(routed, in)
			if res.RoutedID == "" && in.Owner != "desk" {
				res.RoutedID = in.ID
			}
		}
	}
	// Partner posts answer two routed inquiries in three: most items are
	// found moving, some are lost.
	var lost []inquiry.Inquiry
	for i, in := range routed {
		if in.Owner == "desk" || i%3 == 2 || in.State != inquiry.StateRouted {
			continue
		}
		partner := auth.Principal{KeyID: "demo-" + in.Owner, Role: auth.RolePartner, Partner: in.Owner[len("post:"):]}
		rep := inquiry.Reply{Answer: inquiry.AnswerInTransit, Note: "item scanned in our network; delivery expected"}
		if i%4 == 1 {
			rep = inquiry.Reply{Answer: inquiry.AnswerLost, Note: "not found after search of the office of exchange and the delivery office"}
		}
		day := *svc
		day.Now = func() time.Time { return in.OpenedAt.Add(4 * 24 * time.Hour) }
		got, err := day.Answer(ctx, partner, in.ID, rep)
		if err != nil {
			return res, fmt.Errorf("demo answer to %s: %w", in.ID, err)
		}
		res.PartnerAnswered++
		if got.Answer == inquiry.AnswerLost {
			lost = append(lost, got)
		}
	}
	sw, err := svc.Sweep(ctx)
	if err != nil {
		return res, err
	}
	res.Escalated, res.Reminded = sw.Escalated, sw.Reminded
	// Claims: loss for the items partners could not find, one damage claim.
	for i, in := range lost {
		if i >= 4 {
			break
		}
		kind, claimed := inquiry.ClaimLoss, decimal.RequireFromString("500")
		if i == 1 {
			kind, claimed = inquiry.ClaimDamage, decimal.RequireFromString("25")
		}
		c, err := svc.Decide(ctx, officer, in.ID, inquiry.ClaimRequest{Kind: kind, Claimed: claimed})
		if err != nil {
			return res, fmt.Errorf("demo claim on %s: %w", in.ID, err)
		}
		res.Claims++
		if res.ClaimID == "" {
			res.ClaimID = c.ID
		}
		if res.Overrides == 0 && i >= 2 && c.Override == "" && c.Liable != "" && c.Amount.IsPositive() {
			if _, err := svc.OverrideClaim(ctx, officer, c.ID, inquiry.Override{Liable: svc.Home(), Amount: c.Amount,
				Reason: "the airline's CARDIT shows the receptacle was never loaded: we pay and claim from the carrier"}); err != nil {
				return res, err
			}
			res.Overrides++
		}
	}
	return res, seedInsuredClaim(ctx, svc, all, officer, &res)
}

// seedInsuredClaim has the post holding the first insured item that is not
// delivered report it lost, and the merchant claim it: compensation up to
// the insured value, paid in the sender's currency (USD) at the dated rate.
func seedInsuredClaim(ctx context.Context, svc *inquiry.Service, all []acceptance.Shipment, officer auth.Principal, res *InquiryResult) error {
	for _, sh := range all {
		if sh.Insured == nil {
			continue
		}
		day := *svc
		day.Now = func() time.Time { return sh.CreatedAt.Add(6 * 24 * time.Hour) }
		in, _, err := day.Open(ctx, auth.Principal{KeyID: "demo-" + sh.Merchant, Role: auth.RoleMerchant, Merchant: sh.Merchant}, string(sh.ID), "insured item: where is it?")
		if err != nil {
			return fmt.Errorf("demo inquiry on insured %s: %w", sh.ID, err)
		}
		if in.State != inquiry.StateRouted && in.State != inquiry.StatePartnerAnswered {
			continue // answered from the scans
		}
		if in.State == inquiry.StateRouted {
			partner := officer // still ours: our desk searched
			if in.Owner != "desk" {
				partner = auth.Principal{KeyID: "demo-" + in.Owner, Role: auth.RolePartner, Partner: in.Owner[len("post:"):]}
			}
			day.Now = func() time.Time { return sh.CreatedAt.Add(9 * 24 * time.Hour) }
			if in, err = day.Answer(ctx, partner, in.ID, inquiry.Reply{Answer: inquiry.AnswerLost, Note: "insured item not found after search"}); err != nil {
				return fmt.Errorf("demo answer on insured %s: %w", sh.ID, err)
			}
			res.PartnerAnswered++
		}
		c, err := day.Decide(ctx, officer, in.ID, inquiry.ClaimRequest{Kind: inquiry.ClaimLoss})
		if err != nil {
			return fmt.Errorf("demo claim on insured %s: %w", sh.ID, err)
		}
		res.Inquiries++
		res.Routed++
		res.Claims++
		res.InsuredClaimID, res.InsuredInquiryID = c.ID, in.ID
		return nil
	}
	return nil
}
