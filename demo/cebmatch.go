package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs/ceb"
)

// CEBMismatched is the demo order whose payment (SIMULATED payment company) says another amount
// than the platform's order: the matching queue shows it and the item is held.
const CEBMismatched = "JDW-7730002"

// CEBMatchResult says what SeedCEBMatching did.
type CEBMatchResult struct {
	Orders     []ceb.MatchEntry
	Mismatched string
}

// SeedCEBMatching uploads, for each demo CEB item sent by SeedCEB, the order (CEB311) and payment
// (CEB411) a SIMULATED platform and payment company would send, made from the post's waybill and
// inventory; the payment of CEBMismatched is CNY 10 short. Idempotent: documents are stored once.
func SeedCEBMatching(ctx context.Context, m *ceb.Matcher, now time.Time) (CEBMatchResult, error) {
	res := CEBMatchResult{Mismatched: CEBMismatched}
	admin := auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}
	for _, it := range cebItems {
		orderNo := it.decl.Ecommerce.OrderID
		recs, err := m.Store.CEBOrderRecords(ctx, orderNo)
		if err != nil {
			return res, err
		}
		var waybill, inventory *ceb.Message
		for _, r := range recs {
			if r.Dir != ceb.Out || (r.Type != "CEB511" && r.Type != "CEB621") || r.Body == "" {
				continue
			}
			b, err := ceb.Unmasked(r.Body, it.buyer)
			if err != nil {
				return res, fmt.Errorf("demo %s of %s: %w", r.Type, orderNo, err)
			}
			msg, err := ceb.Parse(b)
			if err != nil {
				return res, fmt.Errorf("demo %s of %s: %w", r.Type, orderNo, err)
			}
			if r.Type == "CEB511" {
				waybill = msg
			} else {
				inventory = msg
			}
		}
		if waybill == nil || inventory == nil {
			continue // not sent (a node without the demo's CEB items)
		}
		paid := ""
		if orderNo == CEBMismatched {
			inv, _ := ceb.Entities(inventory)
			paid = shortBy10(inv[0])
		}
		order, payment, err := ceb.PlatformDocuments(waybill, inventory, paid, now.Add(-2*time.Hour))
		if err != nil {
			return res, err
		}
		var rep ceb.IntakeReport
		for _, doc := range []*ceb.Message{order, payment} {
			data, err := ceb.Marshal(doc, ceb.EncodeOptions{})
			if err != nil {
				return res, err
			}
			if rep, err = m.Intake(ctx, admin, data); err != nil {
				return res, fmt.Errorf("demo %s of %s: %w", doc.Type(), orderNo, err)
			}
		}
		res.Orders = append(res.Orders, rep.Orders...)
	}
	return res, nil
}

// shortBy10 is the inventory's goods value plus freight less CNY 10, as the payment's amountPaid.
func shortBy10(inv *ceb.Element) string {
	total, _ := decimal.NewFromString(inv.Get("InventoryHead/freight"))
	for _, l := range inv.All("InventoryList") {
		v, _ := decimal.NewFromString(l.Get("totalPrice"))
		total = total.Add(v)
	}
	return total.Sub(decimal.NewFromInt(10)).StringFixed(2)
}
