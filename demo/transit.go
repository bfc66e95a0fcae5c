package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// TransitResult says what the closed-transit seed did.
type TransitResult struct {
	Dispatch    string // the day's KR→KZ transit dispatch (S8)
	Receptacles int    // received at Urumqi
	Forwarded   int    // forwarded on the planned service
	Service     string // the service they left on, e.g. RD-URC-ALA-1
	Resdit      string // our RESDIT's reference to the carrier
	Onward      string // our onward consignment to the forwarding carrier (its CARDIT)
	OnwardRef   string // that CARDIT's reference
}

// Closed transit of the demo: Korea Post's dispatch Seoul → Almaty flown
// to our office of exchange at Urumqi (flight number made up for the demo),
// checked unopened there and forwarded on the road service to Almaty via
// Khorgos (RD-URC-ALA-1 in services.csv) that the route planner gives.
const (
	transitOrigin, transitDest, transitVia = "KRSELA", "KZALAA", "CNURCA"
	transitFlight, transitCarrier          = "CZ6092", "CZ"
)

// seedTransit pre-advises the day's KR→KZ closed transit (PREDES from
// Korea Post with the item list, CARDIT from the airline), receives its
// bags at Urumqi (the second one 300 g heavier than advised: within
// tolerance), forwards them, confirms the consignment to the airline
// (RESDIT) and closes the verification. A second run on the same day
// finds the dispatch closed and leaves it.
func seedTransit(ctx context.Context, svc *inward.Service, who auth.Principal, day time.Time) (TransitResult, error) {
	d := postal.DispatchID{Origin: transitOrigin, Destination: transitDest, Category: 'A', Subclass: "UN", YearDigit: day.Year() % 10, Serial: day.YearDay()*10 + 9}
	res := TransitResult{Dispatch: d.String()}
	dep := day.Add(time.Hour)
	tr := edi.Transport{Service: transitFlight, Mode: "air", Carrier: transitCarrier, From: transitOrigin, To: transitVia, Departure: dep, Arrival: dep.Add(5 * time.Hour)}
	p := edi.Predes{Ref: fmt.Sprintf("KR%s90", day.Format("060102")), Prepared: dep.Add(-2 * time.Hour), Dispatch: d.String(),
		Origin: transitOrigin, Destination: transitDest, Transport: &tr}
	weights := []int{64, 123, 88}
	for i, hg := range weights {
		rid := postal.ReceptacleID{Dispatch: d, Serial: i + 1, Last: i == len(weights)-1, Registered: i == 0, WeightHg: hg}
		rc := edi.Receptacle{ID: rid.String(), Type: "bag", GrossWeightG: hg * 100}
		if i == 0 {
			for k := range 3 {
				id, err := postal.NewS10("RR", uint32(day.YearDay()*100000+99000+k), "KR")
				if err != nil {
					return res, err
				}
				rc.Items = append(rc.Items, string(id))
			}
		}
		p.Receptacles = append(p.Receptacles, rc)
	}
	wire, err := edi.DecodePredes(p.MarshalEDI())
	if err != nil {
		return res, fmt.Errorf("demo transit PREDES %s: %w", p.Ref, err)
	}
	if _, err := svc.AcceptPredes(ctx, who, wire); err != nil {
		return res, fmt.Errorf("demo transit PREDES %s: %w", p.Ref, err)
	}
	c := edi.Cardit{Ref: fmt.Sprintf("%s%s90", transitCarrier, day.Format("060102")), Prepared: dep.Add(-time.Hour),
		Consignment: fmt.Sprintf("%s%02d%05d", transitOrigin, day.Year()%100, d.Serial), Form: "CN38", Office: transitOrigin, Carrier: transitCarrier, Transport: tr}
	for _, r := range p.Receptacles {
		c.Receptacles = append(c.Receptacles, edi.Receptacle{ID: r.ID, Type: r.Type, GrossWeightG: r.GrossWeightG})
	}
	if _, err := svc.AcceptCardit(ctx, who, c); err != nil {
		return res, fmt.Errorf("demo transit CARDIT %s: %w", c.Ref, err)
	}
	dd, err := svc.Store.InwardDispatch(ctx, d.String())
	if err != nil {
		return res, err
	}
	if dd.Status != inward.StatusExpected {
		return res, nil // received and forwarded on an earlier run today
	}
	for i, r := range p.Receptacles {
		sc := inward.ReceptacleScan{Receptacle: r.ID, Office: transitVia, WeightG: r.GrossWeightG + 20}
		if i == 1 {
			sc.WeightG = r.GrossWeightG + 300
		}
		if _, err := svc.ScanReceptacle(ctx, who, sc); err != nil {
			return res, fmt.Errorf("demo transit receipt of %s: %w", r.ID, err)
		}
		res.Receptacles++
	}
	fw, err := svc.Forward(ctx, who, d.String())
	if err != nil {
		return res, fmt.Errorf("demo transit forwarding of %s: %w", d, err)
	}
	res.Forwarded = len(fw.Forwarded)
	if len(fw.Forwarded) > 0 {
		res.Service = fw.Forwarded[0].Service
	}
	if len(fw.Onward) > 0 {
		res.Onward, res.OnwardRef = fw.Onward[0].Consignment, fw.Onward[0].Ref
	}
	cr, err := svc.ConfirmToCarrier(ctx, who, c.Consignment)
	if err != nil {
		return res, fmt.Errorf("demo RESDIT for %s: %w", c.Consignment, err)
	}
	res.Resdit = cr.Ref
	if _, err := svc.Close(ctx, who, d.String()); err != nil {
		return res, fmt.Errorf("demo transit close of %s: %w", d, err)
	}
	return res, nil
}

// OpenTransitResult says what the open-transit seed did.
type OpenTransitResult struct {
	Dispatch string
	Resorted int    // open-transit items re-sorted into our outward streams
	Stream   string // the outward stream of the first, e.g. CNXMNADEFRAAAUR
	// Items are the re-sorted items (DispatchOpenTransit scans them out).
	Items []inward.Resorted
	// Outward is our outward dispatch (S8) the first stream left in,
	// Dispatched the items that left in closed outward dispatches.
	Outward    string
	Dispatched int
}

// seedOpenTransit pre-advises Korea Post's registered mail to Xiamen with
// two items addressed to Germany among one for China, receives and opens
// the bag, scans the items (EMD for China, EMJ for Germany), re-sorts the
// German ones by Xiamen's outward sort plan and closes the verification.
// A second run on the same day leaves the closed dispatch alone.
func seedOpenTransit(ctx context.Context, svc *inward.Service, who auth.Principal, day time.Time) (OpenTransitResult, error) {
	d := postal.DispatchID{Origin: "KRSELA", Destination: "CNXMNA", Category: 'A', Subclass: "UR", YearDigit: day.Year() % 10, Serial: day.YearDay()*10 + 8}
	res := OpenTransitResult{Dispatch: d.String()}
	r := postal.ReceptacleID{Dispatch: d, Serial: 1, Last: true, Registered: true, WeightHg: 24}.String()
	rc := edi.Receptacle{ID: r, Type: "bag", GrossWeightG: 2400}
	for k, country := range []string{"CN", "DE", "DE"} {
		id, err := postal.NewS10("RR", uint32(day.YearDay()*100000+98000+k), "KR")
		if err != nil {
			return res, err
		}
		rc.Items = append(rc.Items, string(id))
		rc.ItemData = append(rc.ItemData, edi.ItemData{Item: string(id), Contents: "Documents", WeightG: 300 + 100*k, SenderCountry: "KR", AddresseeCountry: country})
	}
	dep := day.Add(2 * time.Hour)
	p := edi.Predes{Ref: fmt.Sprintf("KR%s80", day.Format("060102")), Prepared: dep.Add(-2 * time.Hour), Dispatch: d.String(), Origin: "KRSELA", Destination: "CNXMNA",
		Transport:   &edi.Transport{Service: "MF872", Mode: "air", Carrier: "MF", From: "KRSELA", To: "CNXMNA", Departure: dep, Arrival: dep.Add(3 * time.Hour)},
		Receptacles: []edi.Receptacle{rc}}
	if _, err := svc.AcceptPredes(ctx, who, p); err != nil {
		return res, fmt.Errorf("demo open-transit PREDES %s: %w", p.Ref, err)
	}
	dd, err := svc.Store.InwardDispatch(ctx, d.String())
	if err != nil {
		return res, err
	}
	if dd.Status != inward.StatusExpected {
		return res, nil
	}
	if _, err := svc.ScanReceptacle(ctx, who, inward.ReceptacleScan{Receptacle: r, WeightG: 2410}); err != nil {
		return res, err
	}
	if _, _, err := svc.OpenReceptacle(ctx, who, r); err != nil {
		return res, err
	}
	for _, it := range rc.Items {
		if _, err := svc.ScanItem(ctx, who, inward.ItemScan{Item: it, Receptacle: r}); err != nil {
			return res, err
		}
	}
	rs, err := svc.Resort(ctx, who, d.String())
	if err != nil {
		return res, fmt.Errorf("demo re-sort of %s: %w", d, err)
	}
	for _, x := range rs.Items {
		if x.Stream != "" {
			res.Resorted++
			res.Items = append(res.Items, x)
			if res.Stream == "" {
				res.Stream = x.Stream
			}
		}
	}
	if _, err := svc.Close(ctx, who, d.String()); err != nil {
		return res, err
	}
	return res, nil
}

// DispatchOpenTransit sends the re-sorted open-transit items on as our
// own mail: at the office that received them each stream gets an outward
// dispatch of its own (so the demo closes it without touching others),
// the items are scanned into its receptacle (EMB, like our items: the
// node's outward dispatch finds them through inward), and receptacle and
// dispatch are closed — the origin post then owes the open-transit charge.
// Items already in an outward receptacle are left alone, so a second run
// changes nothing.
func DispatchOpenTransit(ctx context.Context, out *dispatch.Service, res *OpenTransitResult) error {
	type stream struct{ dispatch, receptacle string }
	streams := map[string]*stream{}
	var order []string
	for _, x := range res.Items {
		office := x.Stream[:6]
		if _, err := out.Store.Scanned(ctx, office, x.Item); err == nil {
			continue
		} else if postal.ErrorCode(err) != postal.CodeNotFound {
			return err
		}
		st := streams[x.Stream]
		if st == nil {
			d, err := out.OpenDispatch(ctx, demoAdmin, dispatch.OpenDispatchRequest{Origin: office, Destination: x.Destination, Category: x.Category, Subclass: x.Subclass})
			if err != nil {
				return fmt.Errorf("demo open-transit dispatch %s: %w", x.Stream, err)
			}
			r, err := out.OpenReceptacle(ctx, demoAdmin, d.ID, dispatch.ReceptacleType(x.Receptacle))
			if err != nil {
				return fmt.Errorf("demo open-transit receptacle in %s: %w", d.ID, err)
			}
			st = &stream{dispatch: d.ID, receptacle: r.Number}
			streams[x.Stream] = st
			order = append(order, x.Stream)
		}
		if _, err := out.Scan(ctx, demoAdmin, st.receptacle, x.Item, ""); err != nil {
			return fmt.Errorf("demo open-transit item %s into %s: %w", x.Item, st.receptacle, err)
		}
		res.Dispatched++
	}
	for _, k := range order {
		st := streams[k]
		if _, err := out.CloseReceptacle(ctx, demoAdmin, st.receptacle, dispatch.CloseReceptacleRequest{Last: true}); err != nil {
			return fmt.Errorf("demo open-transit receptacle %s: %w", st.receptacle, err)
		}
		if _, err := out.CloseDispatch(ctx, demoAdmin, st.dispatch); err != nil {
			return fmt.Errorf("demo open-transit dispatch %s: %w", st.dispatch, err)
		}
		if res.Outward == "" {
			res.Outward = st.dispatch
		}
	}
	return nil
}
