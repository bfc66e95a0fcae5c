package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/warehouse"
)

//go:embed offices.csv
var officesCSV []byte

// Offices returns the demo network's offices.
func Offices() ([]network.Office, error) {
	return network.ReadOffices(bytes.NewReader(officesCSV))
}

// Merchants of the demo world. The first is the one whose key the demo prints.
var Merchants = []acceptance.Merchant{
	{Code: "XMTEA", Name: "Xiamen Tea Co", Office: "CNXMNA", Country: "CN"},
	{Code: "SZGADGET", Name: "Shenzhen Gadget Works", Office: "CNSZXA", Country: "CN"},
	{Code: "YIWUCRAFT", Name: "Yiwu Craft & Toys", Office: "CNYIWA", Country: "CN"},
	{Code: "HZSILK", Name: "Hangzhou Silk House", Office: "CNHGHA", Country: "CN"},
	{Code: "GZFASHION", Name: "Guangzhou Fashion Outlet", Office: "CNCANA", Country: "CN"},
}

// Store is what seeding needs.
type Store interface {
	network.OfficeStore
	network.LegStore
	acceptance.Store
	auth.Store
}

// Options tune the seed.
type Options struct {
	Shipments int       // sample shipments (default 400)
	Now       time.Time // "today" of the demo; shipments spread over the 14 days before
	Progress  func(done, all int)
	// Customs, if set, receives the demo's inbound manifest and officer
	// decisions (SeedCustoms); shipments are declared by svc's Declared hook.
	Customs *customs.Service
	// Inward, if set, receives the day's pre-advice of inbound dispatches
	// (SeedInward).
	Inward *inward.Service
	// Inbound, if set, is where accounting reads what partners' mail
	// earned us (internal/app wires inward's receipts), so partner
	// statements have both halves.
	Inbound accounting.InboundFacts
	// Quality, if set, gives accounting the delivery and event-return
	// times of inbound items (the quality-linked part).
	Quality accounting.QualityFacts
	// Inquiry, if set, receives a month of inquiries and a few claims
	// (SeedInquiries), after accounting so compensation lands on rated
	// statements.
	Inquiry *inquiry.Service
	// Returns, if set, plays a handful of returns of each kind
	// (SeedReturns) through Outward, the node's outward dispatch (which
	// takes inbound items going back to their origin, and open transit:
	// DispatchOpenTransit).
	Returns *returns.Service
	Outward *dispatch.Service
}

// Result says what the seed made.
type Result struct {
	Offices, Services, Merchants, Shipments, Replayed int
	SampleID                                          postal.S10
	Warehouse                                         WarehouseResult  // warehouses, SKUs, inbounds, orders
	Customs                                           CustomsResult    // inbound manifest and officer decisions
	Tracking                                          TrackingResult   // scans of the shipments and partner items
	Accounting                                        AccountingResult // tariffs loaded, months rated
	Dispatch                                          DispatchResult   // sort plans, a day of dispatches and its plan
	Inward                                            InwardResult     // inbound dispatches pre-advised by partners
	Inquiries                                         InquiryResult    // inquiries, partner answers, claims
	Returns                                           ReturnsResult    // returns of each kind
}

// Seed loads offices and merchants and creates sample shipments through the
// acceptance service. It is idempotent: shipment n carries the
// Idempotency-Key "demo-n", so a second run finds the first run's items.
func Seed(ctx context.Context, st Store, svc *acceptance.Service, o Options) (Result, error) {
	var res Result
	if o.Shipments == 0 {
		o.Shipments = 400
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	var err error
	if res.Offices, res.Services, err = SeedNetwork(ctx, st); err != nil {
		return res, err
	}
	for _, m := range Merchants {
		m.CreatedAt = o.Now.AddDate(0, -6, 0)
		if err := st.PutMerchant(ctx, m); err != nil {
			return res, err
		}
	}
	res.Merchants = len(Merchants)
	rng := rand.New(rand.NewPCG(2026, 11))
	operator := auth.Principal{Role: auth.RoleOperator}
	start := o.Now.Add(-14 * 24 * time.Hour)
	step := 14 * 24 * time.Hour / time.Duration(o.Shipments)
	for i := range o.Shipments {
		at := start.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(step))))
		req := sampleRequest(rng, i)
		seeded := *svc
		seeded.Now = func() time.Time { return at }
		sh, created, err := seeded.Create(ctx, operator, req, fmt.Sprintf("demo-%d", i))
		if err != nil {
			return res, fmt.Errorf("demo shipment %d (%s to %s): %w", i, req.Product, req.Addressee.Country, err)
		}
		if created {
			res.Shipments++
		} else {
			res.Replayed++
		}
		if i == 0 {
			res.SampleID = sh.ID
		}
		if o.Progress != nil {
			o.Progress(i+1, o.Shipments)
		}
	}
	if ws, ok := st.(warehouse.Store); ok {
		wsvc := &warehouse.Service{Store: ws, Items: svc, Rates: svc.Rates, Country: svc.Country}
		if res.Warehouse, err = SeedWarehouses(ctx, wsvc, o.Now, 300, nil); err != nil {
			return res, err
		}
	}
	if o.Customs != nil {
		if res.Customs, err = SeedCustoms(ctx, o.Customs); err != nil {
			return res, err
		}
	}
	if ts, ok := st.(tracking.Store); ok {
		offices, err := st.Offices(ctx)
		if err != nil {
			return res, err
		}
		tsvc := &tracking.Service{Store: ts, Offices: st, Now: func() time.Time { return o.Now }}
		if res.Tracking, err = SeedTracking(ctx, tsvc, st, offices, o.Now); err != nil {
			return res, err
		}
	}
	if ds, ok := st.(DispatchStore); ok {
		dsvc := &dispatch.Service{Store: ds, Network: ds, Items: ds, Now: func() time.Time { return o.Now }}
		if ts, ok := st.(tracking.Store); ok {
			dsvc.Events = dispatch.TrackingSink(&tracking.Service{Store: ts, Offices: st, Now: func() time.Time { return o.Now }})
		}
		if res.Dispatch, err = SeedDispatch(ctx, dsvc, ds, o.Now); err != nil {
			return res, err
		}
	}
	if o.Inward != nil {
		if res.Inward, err = SeedInward(ctx, o.Inward, o.Now); err != nil {
			return res, err
		}
		if o.Outward != nil && len(res.Inward.OpenTransit.Items) > 0 {
			// Open transit leaves in our outward dispatches before
			// accounting rates what Korea Post owes for it.
			if err := DispatchOpenTransit(ctx, o.Outward, &res.Inward.OpenTransit); err != nil {
				return res, err
			}
		}
	}
	if as, ok := st.(accounting.Store); ok {
		asvc := &accounting.Service{Store: as, Network: st, Merchants: st, Country: svc.Country, Rates: svc.Rates, Now: func() time.Time { return o.Now }}
		if df, ok := st.(accounting.DispatchFacts); ok {
			asvc.Dispatches = df // rated as internal/app rates: from what departed
		}
		asvc.Inbound, asvc.Quality = o.Inbound, o.Quality
		if res.Accounting, err = SeedAccounting(ctx, asvc, o.Now); err != nil {
			return res, err
		}
	}
	if o.Inquiry != nil {
		if res.Inquiries, err = SeedInquiries(ctx, o.Inquiry, st, o.Now); err != nil {
			return res, err
		}
	}
	if o.Returns != nil {
		if res.Returns, err = SeedReturns(ctx, o.Returns, o.Outward, st, o.Now); err != nil {
			return res, err
		}
	}
	return res, nil
}
