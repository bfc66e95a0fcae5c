package app

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// inquiryItems reads the shipment facts an inquiry or a claim needs.
func inquiryItems(st store.Store) inquiry.Items {
	return func(ctx context.Context, item string) (inquiry.Facts, bool, error) {
		sh, err := st.Shipment(ctx, postal.S10(item))
		if postal.ErrorCode(err) == postal.CodeNotFound {
			return inquiry.Facts{}, false, nil
		}
		if err != nil {
			return inquiry.Facts{}, false, err
		}
		f := inquiry.Facts{Merchant: sh.Merchant, Product: sh.Product, WeightG: sh.WeightG, Postcode: sh.Addressee.Postcode,
			Dest: sh.Addressee.Country, CreatedAt: sh.CreatedAt}
		if sh.Declaration != nil {
			f.Currency = sh.Declaration.Currency
		}
		if in := sh.Insured; in != nil {
			f.Currency = in.Currency
			if f.InsuredSDR, err = decimal.NewFromString(in.ValueSDR); err != nil {
				return f, false, fmt.Errorf("insured value of %s: %w", item, err)
			}
		}
		return f, true, nil
	}
}

// inquiryAudit records officers' overrides in the audit log.
func inquiryAudit(a *audit.Service) inquiry.Auditor {
	return func(ctx context.Context, who auth.Principal, op, objects string) error {
		return a.Record(ctx, who, audit.Entry{Via: "api", Operation: op, Objects: objects})
	}
}

// InquirySweepEvery is how often a node sends due reminders and escalates
// inquiries past their reply deadline.
const InquirySweepEvery = 10 * time.Minute

func (a *App) runInquirySweep(ctx context.Context) {
	t := time.NewTicker(InquirySweepEvery)
	defer t.Stop()
	for {
		if r, err := a.Inquiry.Sweep(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Warn("inquiry sweep", "err", err)
		} else if r.Reminded+r.Escalated > 0 {
			a.Logger.Info("inquiry sweep", "reminded", r.Reminded, "escalated", r.Escalated)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
