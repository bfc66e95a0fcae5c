package inquiry

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// ValidClaimKind reports whether k is a known claim kind.
func ValidClaimKind(k ClaimKind) bool {
	switch k {
	case ClaimLoss, ClaimTheftFull, ClaimTheftPartial, ClaimDamage, ClaimDelay:
		return true
	}
	return false
}

// Liability is who pays for a claim and why.
type Liability struct {
	Liable   string // post party, "" when no post is liable (delivered intact)
	Claimant string // the origin post, which pays the sender
	Rule     string
	Evidence []Evidence
}

// damaged reports whether a scan's reason records damage or tampering (a
// CN 43 verification note, a weight discrepancy, a rifled item).
func damaged(reason string) bool {
	r := strings.ToLower(reason)
	for _, w := range []string{"damag", "tamper", "rifled", "cn 43", "cn43", "weight discrep", "torn", "wet"} {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}

func evidence(e tracking.Stored, why string) Evidence {
	return Evidence{Code: string(e.Code), Office: e.Office, Post: PostOf(e.Office), At: e.Time.UTC(), Why: why}
}

// DecideLiability applies the UPU rule to the scans: the post that last
// acknowledged receipt of the item, and cannot show onward handover (the
// next post's receipt) or delivery, is liable. origin is the origin post
// (from the acceptance scan, else the S10 country).
func DecideLiability(kind ClaimKind, r Reading, origin string) Liability {
	l := Liability{Claimant: origin}
	evs := r.Events
	var delivered *tracking.Stored
	for i := range evs {
		if evs[i].Code == tracking.EMI {
			delivered = &evs[i]
		}
	}
	switch kind {
	case ClaimLoss, ClaimTheftFull:
		if delivered != nil && r.Status == tracking.StatusDelivered {
			l.Rule = "delivered: the delivery scan shows the item reached the addressee; no post is liable for its loss"
			l.Evidence = append(l.Evidence, evidence(*delivered, "final delivery"+signedBy(delivered.Signatory)))
			return l
		}
		if r.Last == nil {
			l.Liable, l.Rule = origin, "no scan after posting: the origin post cannot show it handed the item on"
			return l
		}
		l.Liable = r.Holder
		l.Rule = "last receipt without onward handover or delivery: " + r.Holder + " acknowledged receipt and no later post's receipt or delivery follows"
		l.Evidence = append(l.Evidence, evidence(*r.Last, "last receipt: "+r.Holder+" held the item"))
		for i := range evs {
			if evs[i].Time.After(r.Last.Time) && !receipt(evs[i].Code) {
				l.Evidence = append(l.Evidence, evidence(evs[i], "departure scan with no receipt by the next post"))
			}
		}
		return l
	case ClaimDamage, ClaimTheftPartial:
		for i := range evs {
			if !damaged(evs[i].Reason) {
				continue
			}
			noted := evs[i]
			// Whoever held it before the post that noted the damage handed it
			// over damaged; a damage noted by the origin post is its own.
			prev := ""
			var prevEv *tracking.Stored
			for j := i - 1; j >= 0; j-- {
				if receipt(evs[j].Code) && PostOf(evs[j].Office) != PostOf(noted.Office) {
					prev, prevEv = PostOf(evs[j].Office), &evs[j]
					break
				}
			}
			l.Evidence = append(l.Evidence, evidence(noted, "damage recorded on receipt: "+postal.Quote(noted.Reason)))
			if prev == "" {
				l.Liable, l.Rule = PostOf(noted.Office), "damage recorded while the first post held the item"
				return l
			}
			l.Liable = prev
			l.Rule = "damage recorded on receipt by " + PostOf(noted.Office) + ": the post that handed it over (" + prev + ") is liable"
			l.Evidence = append(l.Evidence, evidence(*prevEv, "last receipt by the post that handed it over"))
			return l
		}
		if r.Last == nil {
			l.Liable, l.Rule = origin, "no scan after posting"
			return l
		}
		l.Liable = r.Holder
		l.Rule = "no damage recorded on any receipt: the post that last received it without reservation (" + r.Holder + ") is liable"
		l.Evidence = append(l.Evidence, evidence(*r.Last, "received without reservation"))
		return l
	case ClaimDelay:
		return delayLiability(l, evs)
	}
	return l
}

// delayLiability blames the post that held a delayed item longest between
// its receipt and the next post's receipt or delivery (a house rule: the
// UPU EMS standards split the delivery standard between origin and
// destination, which our lanes do not record).
func delayLiability(l Liability, evs []tracking.Stored) Liability {
	var best time.Duration
	var from, to *tracking.Stored
	for i := range evs {
		if !receipt(evs[i].Code) {
			continue
		}
		p := PostOf(evs[i].Office)
		for j := i + 1; j < len(evs); j++ {
			if receipt(evs[j].Code) && (PostOf(evs[j].Office) != p || evs[j].Code == tracking.EMI) {
				if d := evs[j].Time.Sub(evs[i].Time); d > best {
					best, from, to = d, &evs[i], &evs[j]
				}
				break
			}
		}
	}
	if from == nil {
		l.Liable, l.Rule = l.Claimant, "no handover recorded: the origin post held the item throughout"
		return l
	}
	l.Liable = PostOf(from.Office)
	l.Rule = fmt.Sprintf("longest holding: %s held the item %s before the next receipt or delivery", l.Liable, best.Round(time.Hour))
	l.Evidence = append(l.Evidence, evidence(*from, "received"), evidence(*to, "next receipt or delivery"))
	return l
}

func signedBy(s string) string {
	if s == "" {
		return ""
	}
	return ", signed by " + s
}

// Compensation works out what a claim pays in SDR for a product: the
// product's indemnity (per item + per kg), the claimed amount when lower,
// capped with the reason when the claim asks for more.
func (r Rules) Compensation(kind ClaimKind, product string, weightG int, claimed decimal.Decimal) (amount decimal.Decimal, capped string) {
	if kind == ClaimDelay {
		if product != string(postal.ProductEMS) {
			return decimal.Zero, "only EMS items are compensated for delay"
		}
		return capAt(claimed, r.EMSDelay, "EMS delay: postage refund, at most "+r.EMSDelay.StringFixed(2)+" SDR")
	}
	per, ok := r.PerItem[product]
	if !ok {
		return decimal.Zero, "product " + product + " carries no indemnity (an ordinary, untracked or unregistered item)"
	}
	limit := per
	if k, ok := r.PerKg[product]; ok {
		kg := decimal.NewFromInt(int64(weightG)).Div(decimal.NewFromInt(1000))
		limit = limit.Add(k.Mul(kg)).Round(2)
	}
	return capAt(claimed, limit, fmt.Sprintf("%s limit %s SDR (%s)", product, limit.StringFixed(2), r.basis(product, weightG)))
}

func (r Rules) basis(product string, weightG int) string {
	if k, ok := r.PerKg[product]; ok {
		return fmt.Sprintf("%s per item + %s per kg × %.3f kg", r.PerItem[product].StringFixed(2), k.StringFixed(2), float64(weightG)/1000)
	}
	return r.PerItem[product].StringFixed(2) + " per item"
}

// capAt pays claimed up to limit; a zero claim means the limit.
func capAt(claimed, limit decimal.Decimal, why string) (decimal.Decimal, string) {
	if claimed.IsZero() {
		return limit, ""
	}
	if claimed.GreaterThan(limit) {
		return limit, "capped: claimed " + claimed.StringFixed(2) + " SDR is above the " + why
	}
	return claimed, ""
}
