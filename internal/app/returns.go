package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/store"
)

// returnItems reads the shipment facts a return needs.
func returnItems(st store.Store) returns.Items {
	return func(ctx context.Context, item string) (returns.Facts, bool, error) {
		sh, err := st.Shipment(ctx, postal.S10(item))
		if postal.ErrorCode(err) == postal.CodeNotFound {
			return returns.Facts{}, false, nil
		}
		if err != nil {
			return returns.Facts{}, false, err
		}
		return returns.Facts{Merchant: sh.Merchant, Product: sh.Product, WeightG: sh.WeightG, OriginOffice: sh.OriginOffice,
			Dest: sh.Addressee.Country}, true, nil
	}
}

// returnCatalog checks a warehouse and a merchant's SKUs before a restock;
// a warehouse's code is its office's.
func returnCatalog(st store.Store) returns.Catalog {
	return func(ctx context.Context, wh, merchant string, skus []string) (string, error) {
		if _, err := st.Warehouse(ctx, wh); postal.ErrorCode(err) == postal.CodeNotFound {
			return "", postal.Invalid("unknown warehouse", postal.FieldError{Field: "warehouse", Message: fmt.Sprintf("%s is not a warehouse", postal.Quote(wh))})
		} else if err != nil {
			return "", err
		}
		known, err := st.SKUs(ctx, merchant, skus...)
		if err != nil {
			return "", err
		}
		have := map[string]bool{}
		for _, k := range known {
			have[k.Code] = true
		}
		var fe postal.FieldList
		for i, sku := range skus {
			if !have[sku] {
				fe.Add(fmt.Sprintf("lines[%d].sku", i), "%s is not a SKU of merchant %s", postal.Quote(sku), merchant)
			}
		}
		return wh, fe.Err("the inspection names unknown SKUs")
	}
}

// inwardReturns adapts package returns to inward.ReturnHook.
type inwardReturns struct{ r *returns.Service }

var _ inward.ReturnHook = inwardReturns{}

func (h inwardReturns) ToOrigin(ctx context.Context, r inward.Return, customs bool, weightG int, operator string) (string, error) {
	got, err := h.r.ToOrigin(ctx, returns.InboundReturn{Item: r.Item, Partner: r.Partner, Office: r.Office, Origin: r.Origin,
		Reason: r.Reason, Customs: customs, WeightG: weightG, At: r.CreatedAt, Operator: operator})
	return got.ID, err
}

func (h inwardReturns) Back(ctx context.Context, item, office string, at time.Time) error {
	_, err := h.r.Back(ctx, item, office, at)
	return err
}

// exportReturns opens the return of our items export customs refuses
// (EXX that is not a seizure): they go back to the merchant.
func exportReturns(next customs.EventSink, r *returns.Service) customs.EventSink {
	return customs.EventSinkFunc(func(ctx context.Context, evs []customs.Event) error {
		if err := next.Record(ctx, evs); err != nil {
			return err
		}
		for _, e := range evs {
			why := strings.ToLower(e.Reason + " " + e.Retention)
			if e.Code != "EXX" || strings.Contains(why, "seiz") || strings.Contains(why, "confisc") || strings.Contains(why, "destr") {
				continue
			}
			if _, err := postal.ParseS10(e.TrackingObject()); err != nil {
				continue
			}
			if _, err := r.CustomsExport(ctx, e.TrackingObject(), e.Office, "refused by export customs: "+e.Reason, e.At); err != nil {
				return err
			}
		}
		return nil
	})
}

// dispatchItems lets the outward dispatch take items that are not our
// shipments: inbound items going back to their origin post (a return to
// its origin sorts as addressed to the origin's country, with its product
// and weight as received) and open transit (a partner's item received in
// one of our inward dispatches, EMJ recorded, addressed abroad: it sorts
// by its addressee's country, its weight as received and the product its
// S10 service indicator stands for).
type dispatchItems struct {
	st store.Store
	a  *App // its Inward, once wired
}

var _ dispatch.Items = dispatchItems{}

func (d dispatchItems) Shipment(ctx context.Context, id postal.S10) (acceptance.Shipment, error) {
	sh, err := d.st.Shipment(ctx, id)
	if postal.ErrorCode(err) != postal.CodeNotFound {
		return sh, err
	}
	r, rerr := d.st.Return(ctx, returns.ID(string(id)))
	if rerr == nil && r.Direction == returns.ToOrigin {
		product := r.Product
		if product == "" {
			product = string(postal.ProductRegisteredSmallPacket)
		}
		return acceptance.Shipment{ID: id, Product: product, WeightG: max(r.WeightG, 1), OriginOffice: r.Office, Status: acceptance.StatusCreated,
			Addressee: acceptance.Party{Country: r.Dest, Name: r.Partner}, CreatedAt: r.CreatedAt}, nil
	}
	if d.a == nil || d.a.Inward == nil {
		return sh, err
	}
	ot, oerr := d.a.Inward.OpenTransit(ctx, string(id))
	if postal.ErrorCode(oerr) == postal.CodeNotFound {
		return sh, err
	}
	if oerr != nil {
		return sh, oerr
	}
	return acceptance.Shipment{ID: id, Product: string(partnerProduct(id)), WeightG: ot.WeightG, OriginOffice: ot.Office, Status: acceptance.StatusCreated,
		Addressee: acceptance.Party{Country: ot.Country, Name: ot.Addressee}, CreatedAt: ot.ReceivedAt}, nil
}
