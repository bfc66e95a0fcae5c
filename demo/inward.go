package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// InwardResult says what the inward seed made.
type InwardResult struct {
	Predes, Cardits, Repeated, Dispatches, Receptacles, Items int
	// Received: dispatches received and verified at our offices (the air
	// lanes; the train is still on its way), with their discrepancies and
	// verification notes (CN 43).
	Received, Discrepancies, Notes int
	NoteDispatches                 []string // dispatches with a CN 43
	// Import clearance and delivery of the received items (deliverDemo).
	Delivery DeliveryResult
	// Transit: the day's KR→KZ closed transit through Urumqi.
	Transit TransitResult
	// OpenTransit: the day's KR registered mail through Xiamen with items
	// for Germany re-sorted into our outward stream.
	OpenTransit OpenTransitResult
}

// inwardLanes are the demo's inbound lanes: partner office → our office of
// exchange, with the flight (or train) that brings the mail.
var inwardLanes = []struct {
	origin, dest, service, mode, carrier string
	hours                                int
}{
	{"JPTYOA", "CNPEKA", "NH905", "air", "NH", 4},
	{"JPTYOA", "CNSHAA", "NH919", "air", "NH", 3},
	{"KRSELA", "CNPEKA", "KE853", "air", "KE", 2},
	{"KRSELA", "CNSHAA", "OZ363", "air", "OZ", 2},
	{"KRSELA", "CNXMNA", "MF872", "air", "MF", 3},
	{"USLAXA", "CNCANA", "CZ328", "air", "CZ", 15},
	{"DEFRAA", "CNSHAA", "LH728", "air", "LH", 12},
	{"PLWAWA", "CNXMNA", "X8058", "rail", "CR Express", 360},
}

var inwardContents = []struct{ what, hs, currency, value string }{
	{"Green tea", "090210", "JPY", "3500"}, {"Cosmetics", "330499", "KRW", "45000"}, {"Vitamins", "210690", "USD", "39.90"},
	{"Books", "490199", "EUR", "24.00"}, {"Amber jewellery", "711719", "PLN", "180.00"}, {"Phone case", "392690", "USD", "12.50"},
}

// SeedInward pre-advises the day's inbound dispatches to our offices: one
// PREDES per lane (as EDIFACT text in our profile, through the codec a
// partner's message takes), with item lists and customs data, and a
// carrier's CARDIT for the air lanes. References and S8 serials derive
// from the day, so a second run on the same day repeats (stores nothing
// new) and another day adds that day's dispatches.
func SeedInward(ctx context.Context, svc *inward.Service, now time.Time) (InwardResult, error) {
	var res InwardResult
	day := now.UTC().Truncate(24 * time.Hour)
	rng := rand.New(rand.NewPCG(16, uint64(day.Unix())))
	admin := auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}
	var advised []edi.Predes
	for i, l := range inwardLanes {
		serial := day.YearDay()*10 + i
		d := postal.DispatchID{Origin: l.origin, Destination: l.dest, Category: 'A', Subclass: "UN", YearDigit: day.Year() % 10, Serial: serial}
		if l.mode == "rail" {
			d.Category = 'C'
		}
		dep := day.Add(time.Duration(2+i) * time.Hour)
		p := edi.Predes{Ref: fmt.Sprintf("%s%s%02d", l.origin[:2], day.Format("060102"), i), Prepared: dep.Add(-2 * time.Hour),
			Dispatch: d.String(), Origin: l.origin, Destination: l.dest,
			Transport: &edi.Transport{Service: l.service, Mode: l.mode, Carrier: l.carrier, From: l.origin, To: l.dest,
				Departure: dep, Arrival: dep.Add(time.Duration(l.hours) * time.Hour)}}
		n := 2 + rng.IntN(3)
		for r := 1; r <= n; r++ {
			items := 3 + rng.IntN(4)
			grossHg := 20 + rng.IntN(150)
			rid := postal.ReceptacleID{Dispatch: d, Serial: r, Last: r == n, Registered: r == 1, WeightHg: grossHg}
			rc := edi.Receptacle{ID: rid.String(), Type: "bag", GrossWeightG: grossHg * 100}
			for k := range items {
				ind := "RR"
				if r > 1 {
					ind = "LX"
				}
				id, err := postal.NewS10(ind, uint32(day.YearDay()*100000+i*1000+r*10+k), l.origin[:2])
				if err != nil {
					return res, err
				}
				rc.Items = append(rc.Items, string(id))
				c := inwardContents[rng.IntN(len(inwardContents))]
				rc.ItemData = append(rc.ItemData, edi.ItemData{Item: string(id), Contents: c.what, HSCode: c.hs, Value: c.value, Currency: c.currency,
					WeightG: 100 + rng.IntN(1500), SenderCountry: l.origin[:2], AddresseeCountry: "CN",
					SenderName: fmt.Sprintf("Sender %d-%d", i, k), AddresseeName: fmt.Sprintf("Addressee %d-%d", r, k)})
			}
			p.Receptacles = append(p.Receptacles, rc)
		}
		wire, err := edi.DecodePredes(p.MarshalEDI())
		if err != nil {
			return res, fmt.Errorf("demo PREDES %s: %w", p.Ref, err)
		}
		out, err := svc.AcceptPredes(ctx, admin, wire)
		if err != nil {
			return res, fmt.Errorf("demo PREDES %s: %w", p.Ref, err)
		}
		advised = append(advised, p)
		res.Predes++
		if out.Repeated {
			res.Repeated++
		} else {
			res.Dispatches++
			res.Receptacles += out.Receptacles
			res.Items += out.Items
		}
		if l.mode != "air" {
			continue
		}
		c := edi.Cardit{Ref: fmt.Sprintf("%s%s%02d", l.carrier, day.Format("060102"), i), Prepared: dep.Add(-time.Hour),
			Consignment: fmt.Sprintf("%s%02d%05d", l.origin, day.Year()%100, serial), Form: "CN38", Office: l.origin, Carrier: l.carrier,
			Transport: *p.Transport}
		for _, r := range p.Receptacles {
			c.Receptacles = append(c.Receptacles, edi.Receptacle{ID: r.ID, Type: r.Type, GrossWeightG: r.GrossWeightG})
		}
		out, err = svc.AcceptCardit(ctx, admin, c)
		if err != nil {
			return res, fmt.Errorf("demo CARDIT %s: %w", c.Ref, err)
		}
		res.Cardits++
		if out.Repeated {
			res.Repeated++
		}
	}
	for i, p := range advised {
		if p.Transport == nil || p.Transport.Mode != "air" {
			continue
		}
		n, err := receiveDemo(ctx, svc, admin, p, i, day)
		if err != nil {
			return res, fmt.Errorf("demo receipt of %s: %w", p.Dispatch, err)
		}
		res.Received++
		if err := deliverDemo(ctx, svc, admin, p, i, &res.Delivery); err != nil {
			return res, fmt.Errorf("demo clearance and delivery of %s: %w", p.Dispatch, err)
		}
		if len(n.Discrepancies) > 0 {
			res.Notes++
			res.Discrepancies += len(n.Discrepancies)
			res.NoteDispatches = append(res.NoteDispatches, n.Dispatch)
		}
	}
	if err := returnDemo(ctx, svc, admin, &res.Delivery); err != nil {
		return res, err
	}
	var err error
	if res.Transit, err = seedTransit(ctx, svc, admin, day); err != nil {
		return res, err
	}
	if svc.Presorter != nil {
		if res.OpenTransit, err = seedOpenTransit(ctx, svc, admin, day); err != nil {
			return res, err
		}
	}
	return res, nil
}

// receiveDemo receives one pre-advised dispatch at its office with the
// discrepancies a real day brings, by lane: the last bag missing, an
// overweight bag with a broken seal, an item not on the list (and a
// damaged one), or nothing wrong; then closes it (CN 43 and RESDES). A
// dispatch already closed (a second run on the same day) is left alone.
func receiveDemo(ctx context.Context, svc *inward.Service, who auth.Principal, p edi.Predes, lane int, day time.Time) (inward.Note, error) {
	d, err := svc.Store.InwardDispatch(ctx, p.Dispatch)
	if err != nil {
		return inward.Note{}, err
	}
	if d.Status != inward.StatusExpected {
		return svc.Note(ctx, who, p.Dispatch)
	}
	for r, rc := range p.Receptacles {
		last := r == len(p.Receptacles)-1
		if lane%4 == 0 && last && r > 0 {
			continue // a missing bag
		}
		sc := inward.ReceptacleScan{Receptacle: rc.ID, WeightG: rc.GrossWeightG + 40}
		if lane%4 == 1 && r == 0 {
			sc.WeightG, sc.Flags = rc.GrossWeightG+1200, []string{inward.FlagSealBroken} // overweight, seal broken
		}
		if _, err := svc.ScanReceptacle(ctx, who, sc); err != nil {
			return inward.Note{}, err
		}
		if r > 0 {
			continue // ordinary bags go on unopened
		}
		if _, _, err := svc.OpenReceptacle(ctx, who, rc.ID); err != nil {
			return inward.Note{}, err
		}
		for k, it := range rc.Items {
			sc := inward.ItemScan{Item: it, Receptacle: rc.ID}
			if lane%4 == 2 && k == 0 {
				sc.Condition = inward.ConditionDamaged
			}
			if _, err := svc.ScanItem(ctx, who, sc); err != nil {
				return inward.Note{}, err
			}
		}
		if lane%4 == 2 {
			extra, err := postal.NewS10("LX", uint32(day.YearDay()*100000+90000+lane), p.Origin[:2])
			if err != nil {
				return inward.Note{}, err
			}
			if _, err := svc.ScanItem(ctx, who, inward.ItemScan{Item: string(extra), Receptacle: rc.ID}); err != nil {
				return inward.Note{}, err
			}
		}
	}
	return svc.Close(ctx, who, p.Dispatch)
}
