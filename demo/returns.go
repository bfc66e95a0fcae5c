package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/tracking"
)

// ReturnsResult says what seeding returns did.
type ReturnsResult struct {
	Charged    int // returns charged once the tariff was in force
	Dispatched int // inbound returns scanned into our outward dispatch to their origin
	Recalled   int // merchants' recalls of items not departed
	HandedBack int // recalled items handed back to the merchant
	Restocked  int // recalled parcels received into the merchant's warehouse
	Abroad     int // our items sent back by the destination post and received at Beijing
}

// SeedReturns plays a handful of returns of each kind over the demo
// world: it charges the inbound items the delivery offices sent back
// (the inward demo refuses one in six) now the tariff is loaded, scans
// those refused at Xiamen into our outward dispatch to their origin,
// recalls a few merchants' items that have not left (one handed back at
// the counter, one restocked at the Khorgos warehouse with a damaged
// unit written off), and has the destination post send two departed
// items back to Beijing. A second run finds the returns made and adds
// nothing.
func SeedReturns(ctx context.Context, svc *returns.Service, out *dispatch.Service, shipments acceptance.Store, now time.Time) (ReturnsResult, error) {
	var res ReturnsResult
	admin := auth.Principal{KeyID: "demo-returns", Role: auth.RoleAdmin}
	var err error
	if res.Charged, err = svc.ChargeDue(ctx); err != nil {
		return res, fmt.Errorf("demo return charges: %w", err)
	}
	if out != nil {
		if err := returnSortPlan(ctx, out, admin); err != nil {
			return res, err
		}
		if res.Dispatched, err = dispatchReturns(ctx, svc, out, admin); err != nil {
			return res, err
		}
	}
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
	reasons := []string{"buyer cancelled the order", "wrong item packed", "address cannot be served: buyer asked for a refund"}
	var fresh, departed []acceptance.Shipment
	for _, sh := range all {
		switch sh.Status {
		case "created", "accepted", "at_outward_oe":
			fresh = append(fresh, sh)
		case "departed", "in_transit", "arrived":
			departed = append(departed, sh)
		}
	}
	for i, sh := range fresh {
		if i%7 != 3 || res.Recalled == 3 {
			continue
		}
		if _, err := svc.Get(ctx, admin, string(sh.ID)); err == nil {
			continue // a second run
		}
		day := *svc
		day.Now = func() time.Time { return now.Add(-time.Duration(6-2*res.Recalled) * time.Hour) }
		merchant := auth.Principal{KeyID: "demo-" + sh.Merchant, Role: auth.RoleMerchant, Merchant: sh.Merchant}
		r, err := day.Recall(ctx, merchant, returns.Request{Item: string(sh.ID), Reason: reasons[res.Recalled]})
		if err != nil {
			return res, fmt.Errorf("demo recall of %s: %w", sh.ID, err)
		}
		res.Recalled++
		switch res.Recalled {
		case 1:
			if _, err := day.Deliver(ctx, admin, r.ID, returns.Handover{Office: r.Office, Signatory: "courier of " + sh.Merchant}); err != nil {
				return res, fmt.Errorf("demo hand-back of %s: %w", r.ID, err)
			}
			res.HandedBack++
		case 2:
			if wh, lines, ok := restockLines(sh.Merchant); ok {
				if _, err := day.Restock(ctx, admin, r.ID, returns.Inspection{Warehouse: wh, Lines: lines}); err != nil {
					return res, fmt.Errorf("demo restock of %s: %w", r.ID, err)
				}
				res.Restocked++
			}
		}
	}
	for i, sh := range departed {
		if i%9 != 4 || res.Abroad == 2 {
			continue
		}
		if _, err := svc.Get(ctx, admin, string(sh.ID)); err == nil {
			continue
		}
		if err := sentBack(ctx, svc, sh, now.Add(-time.Duration(30+10*res.Abroad)*time.Hour)); errors.Is(err, errNoOE) {
			continue
		} else if err != nil {
			return res, err
		}
		res.Abroad++
	}
	return res, nil
}

// restockLines is a returned parcel of merchant as the border warehouse
// inspects it: two units of its first SKU resaleable, one damaged.
func restockLines(merchant string) (string, []returns.Line, bool) {
	skus := SKUs[merchant]
	for _, wh := range stocked[merchant] {
		if wh == "CNHGSW" && len(skus) > 0 {
			return wh, []returns.Line{{SKU: skus[0].Code, Resaleable: 2, Damaged: 1}}, true
		}
	}
	if len(skus) == 0 || len(stocked[merchant]) == 0 {
		return "", nil, false
	}
	return stocked[merchant][0], []returns.Line{{SKU: skus[0].Code, Resaleable: 2, Damaged: 1}}, true
}

// foreignOE is a demo office of exchange of each destination the demo
// sends to (demo/offices.csv).
var foreignOE = map[string]string{"DE": "DEFRAA", "FR": "FRCDGA", "GB": "GBLONO", "PL": "PLWAWA", "NL": "NLAMSA", "US": "USLGBA",
	"JP": "JPTYOA", "KR": "KRSELA", "KZ": "KZALAA", "UZ": "UZTASA", "HU": "HUBUDA", "CZ": "CZPRGA", "ES": "ESMADA", "IT": "ITMILA"}

var errNoOE = errors.New("no demo office of exchange in the destination country")

// sentBack plays the destination post refusing one of our departed items
// and sending it back: its attempt and return decision (partner events),
// then our receipt at Beijing (EMD), which opens the return.
func sentBack(ctx context.Context, svc *returns.Service, sh acceptance.Shipment, at time.Time) error {
	post := "partner:" + sh.Addressee.Country + "POST"
	office, ok := foreignOE[sh.Addressee.Country]
	if !ok {
		return errNoOE
	}
	evs := []tracking.Event{
		{Object: string(sh.ID), Code: tracking.EMH, Office: office, Time: at, Source: post, Reason: "refused"},
		{Object: string(sh.ID), Code: tracking.EDX, Office: office, Time: at.Add(2 * time.Hour), Source: post, Reason: "refused by the addressee: returned to sender"},
		{Object: string(sh.ID), Code: tracking.EMD, Office: "CNPEKA", Time: at.Add(26 * time.Hour), Source: tracking.SourcePost},
	}
	if err := svc.Events.Record(ctx, evs...); err != nil {
		return fmt.Errorf("demo return of %s from abroad: %w", sh.ID, err)
	}
	if _, err := svc.Back(ctx, string(sh.ID), "CNPEKA", at.Add(26*time.Hour)); err != nil {
		return fmt.Errorf("demo return of %s from abroad: %w", sh.ID, err)
	}
	return nil
}

// returnSortPlan gives the Shanghai IMPC, where the demo's inbound mail is
// delivered from, the sort plan of the mail it sends back (unless it has
// one).
func returnSortPlan(ctx context.Context, out *dispatch.Service, who auth.Principal) error {
	if _, err := out.SortPlan(ctx, "CNSHAA"); err == nil {
		return nil
	}
	b, err := SortPlanFile("CNSHAA")
	if err != nil {
		return err
	}
	rules, err := dispatch.ReadSortPlan(bytes.NewReader(b))
	if err == nil {
		_, err = out.PutSortPlan(ctx, who, "CNSHAA", rules)
	}
	if err != nil {
		return fmt.Errorf("demo sort plan of CNSHAA: %w", err)
	}
	return nil
}

// dispatchReturns scans inbound returns into our outward dispatch to their
// origin at the office of exchange behind the delivery office that sent
// them back, through that office's sort plan (Guangzhou and Xiamen have
// one in the demo).
func dispatchReturns(ctx context.Context, svc *returns.Service, out *dispatch.Service, who auth.Principal) (int, error) {
	rs, err := svc.List(ctx, who, returns.Filter{Direction: returns.ToOrigin, Status: returns.StatusReturning, Limit: 500})
	if err != nil {
		return 0, err
	}
	oe := map[string]string{}
	for o, d := range deliveryOffice {
		oe[d] = o
	}
	n := 0
	for _, r := range rs {
		office := oe[r.Office]
		if office == "" || n == 4 {
			continue
		}
		sorted, err := out.Sort(ctx, who, office, r.Item, "")
		if err != nil {
			continue // no sort plan at that office, or no rule for its origin: it waits
		}
		rc := sorted.Receptacle
		if rc == "" {
			d := sorted.Dispatch
			if d == "" {
				opened, err := out.OpenDispatch(ctx, who, dispatch.OpenDispatchRequest{Origin: office, Destination: sorted.Target.Destination,
					Category: sorted.Target.Category, Subclass: sorted.Target.Subclass})
				if err != nil {
					return n, fmt.Errorf("demo return dispatch to %s: %w", sorted.Target.Destination, err)
				}
				d = opened.ID
			}
			got, err := out.OpenReceptacle(ctx, who, d, sorted.Target.Receptacle)
			if err != nil {
				return n, fmt.Errorf("demo return receptacle in %s: %w", d, err)
			}
			rc = got.Number
		}
		if _, err := out.Scan(ctx, who, rc, r.Item, ""); err != nil && postal.ErrorCode(err) != postal.CodeConflict {
			return n, fmt.Errorf("demo return %s into %s: %w", r.ID, rc, err)
		}
		n++
	}
	return n, nil
}
