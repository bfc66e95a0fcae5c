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
	"github.com/interpost/interpost/tracking"
)

// InwardResult says what the inward seed made.
type InwardResult struct {
	Predes, Cardits, Repeated, Dispatches, Receptacles, Items int
	// Received: dispatches received and verified at our offices (those
	// that arrived before now; the rest are still expected), with their
	// discrepancies and verification notes (CN 43).
	Received, Discrepancies, Notes int
	NoteDispatches                 []string // dispatches with a CN 43
	// Expected: dispatches still on their way (today's desk).
	Expected int
	// Import clearance and delivery of the received items (deliverDemo).
	Delivery DeliveryResult
	// Transit: the day's KR→KZ closed transit through Urumqi.
	Transit TransitResult
	// OpenTransit: the day's KR registered mail through Xiamen with items
	// for Germany re-sorted into our outward stream.
	OpenTransit OpenTransitResult
}

// InwardDays is the demo's inbound window: today and the days before.
const InwardDays = 5

// inwardLane is an inbound lane: partner office → our office of exchange,
// with the flight (or train) that brings the mail, its local departure
// hour (UTC) and the days it runs.
type inwardLane struct {
	origin, dest, service, mode, carrier string
	depHour, hours                       int
	every                                int // runs every N days (1 = daily)
}

// inwardLanes are the demo's inbound lanes from JP, KR, US, DE, FR, PL, KZ
// and GB to Beijing, Shanghai, Guangzhou and Xiamen. Flights are
// illustrative (shaped like the real services, not their timetables).
var inwardLanes = []inwardLane{
	{"JPTYOA", "CNPEKA", "NH905", "air", "NH", 0, 4, 1},
	{"JPTYOA", "CNSHAA", "NH919", "air", "NH", 1, 3, 1},
	{"KRSELA", "CNPEKA", "KE853", "air", "KE", 2, 2, 1},
	{"KRSELA", "CNSHAA", "OZ363", "air", "OZ", 3, 2, 1},
	{"KRSELA", "CNXMNA", "MF872", "air", "MF", 4, 3, 2},
	{"USLAXA", "CNCANA", "CZ328", "air", "CZ", 5, 15, 1},
	{"USJFKA", "CNPEKA", "CA982", "air", "CA", 16, 14, 2},
	{"DEFRAA", "CNSHAA", "LH728", "air", "LH", 17, 12, 1},
	{"DEFRAA", "CNPEKA", "CA932", "air", "CA", 11, 10, 2},
	{"FRCDGA", "CNCANA", "CZ348", "air", "CZ", 13, 12, 2},
	{"FRCDGA", "CNSHAA", "MU570", "air", "MU", 12, 12, 1},
	{"PLWAWA", "CNPEKA", "LO093", "air", "LO", 14, 10, 3},
	{"PLWAWA", "CNXMNA", "X8058", "rail", "CR Express", 6, 360, 7},
	{"KZALAA", "CNPEKA", "KC887", "air", "KC", 7, 5, 2},
	{"KZALAA", "CNCANA", "CZ6028", "air", "CZ", 8, 7, 3},
	{"GBLONO", "CNPEKA", "CA938", "air", "CA", 9, 10, 1},
	{"GBLONO", "CNSHAA", "VS250", "air", "VS", 18, 12, 2},
	{"JPTYOA", "CNXMNA", "MF810", "air", "MF", 10, 4, 2},
	{"KRSELA", "CNCANA", "CZ338", "air", "CZ", 15, 4, 1},
}

var inwardContents = []struct{ what, hs, currency, value string }{
	{"Green tea", "090210", "JPY", "3500"}, {"Cosmetics", "330499", "KRW", "45000"}, {"Vitamins", "210690", "USD", "39.90"},
	{"Books", "490199", "EUR", "24.00"}, {"Amber jewellery", "711719", "PLN", "180.00"}, {"Phone case", "392690", "USD", "12.50"},
	{"Wine", "220421", "EUR", "18.50"}, {"Tea towels", "630260", "GBP", "14.00"}, {"Dried fruit", "081340", "KZT", "6500"},
}

// trouble is what goes wrong with one demo dispatch on receipt: mostly
// nothing.
type trouble int

const (
	clean         trouble = iota
	missingBag            // the last bag does not arrive
	overweightBag         // a bag weighs well over its advice (sometimes with a broken seal)
	extraItem             // an item not on the list in the opened bag
	damagedItem           // an item damaged (or rifled) in the opened bag
	missingItem           // a listed item not in the opened bag
	wetBag                // a bag arrives wet
	notAdvisedBag         // a bag nobody pre-advised arrives with the others
)

// troubles draws a dispatch's trouble: about seven in ten are clean.
func troubles(rng *rand.Rand) trouble {
	switch u := rng.IntN(100); {
	case u < 70:
		return clean
	case u < 76:
		return missingBag
	case u < 82:
		return overweightBag
	case u < 88:
		return extraItem
	case u < 92:
		return damagedItem
	case u < 95:
		return missingItem
	case u < 98:
		return wetBag
	}
	return notAdvisedBag
}

// demoDispatch is one pre-advised demo dispatch with what will happen to it.
type demoDispatch struct {
	predes  edi.Predes
	lane    int
	trouble trouble
	rng     uint64 // seed for the receipt's details
}

// SeedInward pre-advises the inbound dispatches of the demo window (today
// and the InwardDays-1 days before) to our offices: one PREDES per lane
// and day it runs (as EDIFACT text in our profile, through the codec a
// partner's message takes), with item lists and customs data, and a
// carrier's CARDIT for the air lanes. Those that arrived before now are
// received and verified at their office, at their arrival, with the
// discrepancies a real day brings now and then (a missing bag, an
// overweight one, an item not on the list); the rest are today's
// expected mail. References and S8 serials derive from the day, so a
// second run repeats (stores nothing new) and another day adds its
// dispatches.
func SeedInward(ctx context.Context, svc *inward.Service, now time.Time) (InwardResult, error) {
	var res InwardResult
	admin := auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}
	today := now.UTC().Truncate(24 * time.Hour)
	var advised []demoDispatch
	for back := InwardDays - 1; back >= 0; back-- {
		day := today.AddDate(0, 0, -back)
		rng := rand.New(rand.NewPCG(16, uint64(day.Unix())))
		for i, l := range inwardLanes {
			if day.YearDay()%l.every != i%l.every {
				continue
			}
			dep := day.Add(time.Duration(l.depHour)*time.Hour + time.Duration(rng.IntN(50))*time.Minute)
			if dep.After(now) {
				continue // not yet announced
			}
			p, err := demoPredes(rng, l, i, day, dep)
			if err != nil {
				return res, err
			}
			if err := advise(ctx, svc, admin, p, l, i, day, &res); err != nil {
				return res, err
			}
			advised = append(advised, demoDispatch{predes: p, lane: i, trouble: troubles(rng), rng: rng.Uint64()})
		}
	}
	// The receipts' EMD events are recorded together at the end: one
	// transaction instead of one per scan keeps the demo's start fast.
	events := &eventBuffer{}
	var received []demoDispatch
	for _, d := range advised {
		t := d.predes.Transport
		if t.Arrival.After(now) {
			res.Expected++
			continue
		}
		at := *svc
		clock := t.Arrival.Add(40 * time.Minute)
		at.Now = func() time.Time { return clock }
		if at.Events != nil {
			at.Events = events
		}
		n, err := receiveDemo(ctx, &at, admin, d)
		if err != nil {
			return res, fmt.Errorf("demo receipt of %s: %w", d.predes.Dispatch, err)
		}
		res.Received++
		received = append(received, d)
		if len(n.Discrepancies) > 0 {
			res.Notes++
			res.Discrepancies += len(n.Discrepancies)
			res.NoteDispatches = append(res.NoteDispatches, n.Dispatch)
		}
	}
	if svc.Events != nil && len(events.events) > 0 {
		if err := svc.Events.Record(ctx, events.events...); err != nil {
			return res, fmt.Errorf("demo receipt events: %w", err)
		}
	}
	// Received items go through import customs and on to delivery, and
	// the partners that pull take their events back.
	for _, d := range received {
		if err := deliverDemo(ctx, svc, admin, d.predes, d.lane, &res.Delivery); err != nil {
			return res, fmt.Errorf("demo clearance and delivery of %s: %w", d.predes.Dispatch, err)
		}
	}
	if err := returnDemo(ctx, svc, admin, &res.Delivery); err != nil {
		return res, err
	}
	var err error
	if svc.Router != nil { // closed transit needs the route planner to go on
		if res.Transit, err = seedTransit(ctx, svc, admin, today); err != nil {
			return res, err
		}
	}
	if svc.Presorter != nil {
		if res.OpenTransit, err = seedOpenTransit(ctx, svc, admin, today); err != nil {
			return res, err
		}
	}
	return res, nil
}

// eventBuffer keeps the events of the demo's receipts for one Record.
type eventBuffer struct{ events []tracking.Event }

func (b *eventBuffer) Record(_ context.Context, events ...tracking.Event) error {
	b.events = append(b.events, events...)
	return nil
}

// demoPredes makes a lane's pre-advice for a day: two to four bags (the
// first registered), three to six items each with customs data; a bag
// weighs its items and the bag.
func demoPredes(rng *rand.Rand, l inwardLane, i int, day, dep time.Time) (edi.Predes, error) {
	serial := day.YearDay()*10 + i%10
	d := postal.DispatchID{Origin: l.origin, Destination: l.dest, Category: 'A', Subclass: "UN", YearDigit: day.Year() % 10, Serial: serial}
	if l.mode == "rail" {
		d.Category = 'C'
	}
	p := edi.Predes{Ref: fmt.Sprintf("%s%s%02d", l.origin[:2], day.Format("060102"), i), Prepared: dep.Add(-2 * time.Hour),
		Dispatch: d.String(), Origin: l.origin, Destination: l.dest,
		Transport: &edi.Transport{Service: l.service, Mode: l.mode, Carrier: l.carrier, From: l.origin, To: l.dest,
			Departure: dep, Arrival: dep.Add(time.Duration(l.hours) * time.Hour)}}
	n := 2 + rng.IntN(3)
	for r := 1; r <= n; r++ {
		items := 3 + rng.IntN(4)
		var rc edi.Receptacle
		gross := 250 + rng.IntN(350) // the bag and its label
		for k := range items {
			ind := "RR"
			if r > 1 {
				ind = "LX"
			}
			id, err := postal.NewS10(ind, uint32(day.YearDay()*100000+i*1000+r*10+k), l.origin[:2])
			if err != nil {
				return p, err
			}
			rc.Items = append(rc.Items, string(id))
			c := inwardContents[rng.IntN(len(inwardContents))]
			w := 100 + rng.IntN(1500)
			gross += w
			rc.ItemData = append(rc.ItemData, edi.ItemData{Item: string(id), Contents: c.what, HSCode: c.hs, Value: c.value, Currency: c.currency,
				WeightG: w, SenderCountry: l.origin[:2], AddresseeCountry: "CN",
				SenderName: fmt.Sprintf("Sender %d-%d", i, k), AddresseeName: fmt.Sprintf("Addressee %d-%d", r, k)})
		}
		grossHg := (gross + 99) / 100 // the S9 carries hectograms
		rid := postal.ReceptacleID{Dispatch: d, Serial: r, Last: r == n, Registered: r == 1, WeightHg: grossHg}
		rc.ID, rc.Type, rc.GrossWeightG = rid.String(), "bag", grossHg*100
		p.Receptacles = append(p.Receptacles, rc)
	}
	return p, nil
}

// advise sends a dispatch's PREDES as EDIFACT text and, on air lanes, the
// carrier's CARDIT.
func advise(ctx context.Context, svc *inward.Service, admin auth.Principal, p edi.Predes, l inwardLane, i int, day time.Time, res *InwardResult) error {
	wire, err := edi.DecodePredes(p.MarshalEDI())
	if err != nil {
		return fmt.Errorf("demo PREDES %s: %w", p.Ref, err)
	}
	out, err := svc.AcceptPredes(ctx, admin, wire)
	if err != nil {
		return fmt.Errorf("demo PREDES %s: %w", p.Ref, err)
	}
	res.Predes++
	if out.Repeated {
		res.Repeated++
	} else {
		res.Dispatches++
		res.Receptacles += out.Receptacles
		res.Items += out.Items
	}
	if l.mode != "air" {
		return nil
	}
	id, _ := postal.ParseDispatchID(p.Dispatch)
	c := edi.Cardit{Ref: fmt.Sprintf("%s%s%02d", l.carrier, day.Format("060102"), i), Prepared: p.Transport.Departure.Add(-time.Hour),
		Consignment: fmt.Sprintf("%s%02d%05d", l.origin, day.Year()%100, id.Serial), Form: "CN38", Office: l.origin, Carrier: l.carrier,
		Transport: *p.Transport}
	for _, r := range p.Receptacles {
		c.Receptacles = append(c.Receptacles, edi.Receptacle{ID: r.ID, Type: r.Type, GrossWeightG: r.GrossWeightG})
	}
	out, err = svc.AcceptCardit(ctx, admin, c)
	if err != nil {
		return fmt.Errorf("demo CARDIT %s: %w", c.Ref, err)
	}
	res.Cardits++
	if out.Repeated {
		res.Repeated++
	}
	return nil
}

// receiveDemo receives one pre-advised dispatch at its office: every bag
// weighed (within the tolerance unless the trouble says otherwise), the
// registered bag opened and its items scanned four times in ten (and
// always when the trouble is in it), the others sent on unopened; then closes it (CN 43 when something was wrong, and the
// RESDES). A dispatch already closed (a second run) is left alone.
func receiveDemo(ctx context.Context, svc *inward.Service, who auth.Principal, dd demoDispatch) (inward.Note, error) {
	p := dd.predes
	d, err := svc.Store.InwardDispatch(ctx, p.Dispatch)
	if err != nil {
		return inward.Note{}, err
	}
	if d.Status != inward.StatusExpected {
		return svc.Note(ctx, who, p.Dispatch)
	}
	rng := rand.New(rand.NewPCG(dd.rng, 43))
	bags := len(p.Receptacles)
	odd := 1 + rng.IntN(bags-1) // the bag the trouble happens to (not the opened one)
	for r, rc := range p.Receptacles {
		if dd.trouble == missingBag && r == bags-1 {
			continue // a missing bag: it went astray at the origin or on the way
		}
		sc := inward.ReceptacleScan{Receptacle: rc.ID, WeightG: rc.GrossWeightG - 60 + rng.IntN(121)}
		switch {
		case dd.trouble == overweightBag && r == odd:
			sc.WeightG = rc.GrossWeightG + inward.Tolerance(rc.GrossWeightG) + 200 + rng.IntN(1200)
			if rng.IntN(3) == 0 {
				sc.Flags = []string{inward.FlagSealBroken}
			}
		case dd.trouble == wetBag && r == odd:
			sc.Flags = []string{inward.FlagWet}
		}
		if _, err := svc.ScanReceptacle(ctx, who, sc); err != nil {
			return inward.Note{}, err
		}
		itemTrouble := dd.trouble == extraItem || dd.trouble == damagedItem || dd.trouble == missingItem
		if r > 0 || (!itemTrouble && rng.IntN(10) >= 4) {
			continue // bags go on unopened, verified by weight; the registered one is opened four times in ten
		}
		if _, _, err := svc.OpenReceptacle(ctx, who, rc.ID); err != nil {
			return inward.Note{}, err
		}
		odditem := rng.IntN(len(rc.Items))
		for k, it := range rc.Items {
			sc := inward.ItemScan{Item: it, Receptacle: rc.ID, WeightG: rc.ItemData[k].WeightG - 5 + rng.IntN(11)}
			switch {
			case dd.trouble == missingItem && k == odditem:
				continue
			case dd.trouble == damagedItem && k == odditem:
				sc.Condition = inward.ConditionDamaged
				if rng.IntN(4) == 0 {
					sc.Condition = inward.ConditionRifled
				}
			}
			if _, err := svc.ScanItem(ctx, who, sc); err != nil {
				return inward.Note{}, err
			}
		}
		if dd.trouble == extraItem {
			id, _ := postal.ParseDispatchID(p.Dispatch)
			extra, err := postal.NewS10("LX", uint32(90_000_000+id.Serial*10+rng.IntN(10)), p.Origin[:2])
			if err != nil {
				return inward.Note{}, err
			}
			if _, err := svc.ScanItem(ctx, who, inward.ItemScan{Item: string(extra), Receptacle: rc.ID, WeightG: 150 + rng.IntN(800)}); err != nil {
				return inward.Note{}, err
			}
		}
	}
	if dd.trouble == notAdvisedBag {
		id, _ := postal.ParseDispatchID(p.Dispatch)
		hg := 30 + rng.IntN(60)
		extra := postal.ReceptacleID{Dispatch: id, Serial: bags + 1, WeightHg: hg}
		if _, err := svc.ScanReceptacle(ctx, who, inward.ReceptacleScan{Receptacle: extra.String(), WeightG: hg * 100}); err != nil {
			return inward.Note{}, err
		}
	}
	return svc.Close(ctx, who, p.Dispatch)
}
