package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// TrackingResult says what SeedTracking made.
type TrackingResult struct {
	Events, New, Unlinked, Projected int
}

// Standards are the demo's lane delivery standards (J+n working days):
// EMS fastest, then tracked e-commerce packets, then parcels (some by rail).
var Standards = []tracking.Standard{
	{Origin: "CN", Product: "ems", Days: 5},
	{Origin: "CN", Product: "e-packet", Days: 8},
	{Origin: "CN", Product: "registered-small-packet", Days: 10},
	{Origin: "CN", Product: "small-packet", Days: 12},
	{Origin: "CN", Product: "parcel", Days: 12},
}

// SeedTracking gives every demo shipment the scans it would have by now —
// posting, the outward office of exchange, export customs, departure,
// arrival abroad, import customs, delivery — with the destination's scans
// sent by the partner post, and a share of items held by customs, lost in
// transit or delivered late. It adds a few inbound items known only from
// partner scans (unlinked events), sets the lane standards and projects the
// read model. Events are derived from each item's id, so running it again
// stores nothing new.
func SeedTracking(ctx context.Context, svc *tracking.Service, shipments acceptance.Store, offices []network.Office, now time.Time) (TrackingResult, error) {
	var res TrackingResult
	for _, st := range Standards {
		if err := svc.PutStandard(ctx, st); err != nil {
			return res, err
		}
	}
	w := newWorld(offices)
	var events []tracking.Event
	f := acceptance.Filter{Limit: 500}
	for {
		page, next, err := shipments.Shipments(ctx, f)
		if err != nil {
			return res, err
		}
		for _, sh := range page {
			events = append(events, w.journey(sh, now)...)
		}
		if next == "" {
			break
		}
		if f.After, err = paging.DecodeCursor(next); err != nil {
			return res, err
		}
	}
	events = append(events, w.inbound(now)...)
	r, err := svc.Ingest(ctx, auth.Principal{Role: auth.RoleAdmin}, events)
	if err != nil {
		return res, fmt.Errorf("demo tracking events: %w", err)
	}
	if r.RejectedCount > 0 {
		return res, fmt.Errorf("demo tracking events: %d rejected, first: %s", r.RejectedCount, r.Rejected[0].Reason)
	}
	res.Events, res.New, res.Unlinked = r.Accepted, r.New, r.UnlinkedCount
	if res.Projected, err = svc.CatchUp(ctx); err != nil {
		return res, fmt.Errorf("project demo tracking events: %w", err)
	}
	return res, nil
}

type world struct {
	byCode map[string]network.Office
	inward map[string]network.Office // destination country → its inward office of exchange
	zones  map[string]*time.Location
}

func newWorld(offices []network.Office) *world {
	w := &world{byCode: map[string]network.Office{}, inward: map[string]network.Office{}, zones: map[string]*time.Location{}}
	for _, o := range offices {
		w.byCode[o.Code] = o
		if loc, err := time.LoadLocation(o.TZ); err == nil {
			w.zones[o.Code] = loc
		} else {
			w.zones[o.Code] = time.UTC
		}
		if o.Kind == network.KindOE || o.Kind == network.KindIMPC {
			if _, ok := w.inward[o.Country]; !ok {
				w.inward[o.Country] = o
			}
		}
	}
	return w
}

// rngFor seeds a generator from an item id, so an item's journey is the
// same on every run.
func rngFor(id string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(h.Sum64(), 2026))
}

// fate is how an item's journey goes.
type fate int

const (
	fateNormal fate = iota
	fateHeldCustoms
	fateLost // scanned out of the origin, never scanned again
	fateAttempt
	fateSlow
)

type journey struct {
	w      *world
	id     string
	now    time.Time
	t      time.Time
	rng    *rand.Rand
	events []tracking.Event
	done   bool
}

// add records code at office after d, unless that is after now (the item
// has not got that far yet).
func (j *journey) add(code tracking.Code, office, source string, d time.Duration, opt ...func(*tracking.Event)) {
	if j.done {
		return
	}
	j.t = j.t.Add(d)
	if j.t.After(j.now) {
		j.done = true
		return
	}
	e := tracking.Event{Object: j.id, Code: code, Office: office, Time: j.t.In(j.w.zones[office]).Truncate(time.Minute), Source: source}
	for _, o := range opt {
		o(&e)
	}
	j.events = append(j.events, e)
}

func hours(rng *rand.Rand, lo, hi float64) time.Duration {
	return time.Duration((lo + rng.Float64()*(hi-lo)) * float64(time.Hour))
}

func (w *world) journey(sh acceptance.Shipment, now time.Time) []tracking.Event {
	rng := rngFor(string(sh.ID))
	origin, ok := w.byCode[sh.OriginOffice]
	dest, ok2 := w.inward[sh.Addressee.Country]
	if !ok || !ok2 {
		return nil
	}
	j := &journey{w: w, id: string(sh.ID), now: now, t: sh.CreatedAt, rng: rng}
	f := fateNormal
	switch r := rng.IntN(100); {
	case r < 5:
		f = fateHeldCustoms
	case r < 8:
		f = fateLost
	case r < 14:
		f = fateAttempt
	case r < 22:
		f = fateSlow
	}
	partner := "partner:" + dest.Country + "POST"
	oe := origin.Code
	j.add(tracking.EMA, origin.Code, "post", hours(rng, 2, 10))
	j.add(tracking.EMB, oe, "post", hours(rng, 3, 12))
	j.add(tracking.EXA, oe, "customs", hours(rng, 1, 3))
	j.add(tracking.EXC, oe, "customs", hours(rng, 1, 5))
	next := func(e *tracking.Event) { e.NextOffice = dest.Code }
	j.add(tracking.EMC, oe, "post", hours(rng, 4, 30), next)
	if f == fateLost {
		return j.events
	}
	rail := sh.Product == string(postal.ProductParcel) && dest.Country != "US" && w.byCode["KZDOSA"].Code != "" && rng.IntN(3) == 0
	switch {
	case rail: // China–Europe block train via Dostyk and Małaszewicze
		j.add(tracking.EMJ, "KZDOSA", "carrier:KTZ", hours(rng, 60, 90))
		j.add(tracking.EMK, "KZDOSA", "carrier:KTZ", hours(rng, 6, 20))
		if _, ok := w.byCode["PLMALA"]; ok && dest.Country != "KZ" {
			j.add(tracking.EMJ, "PLMALA", "carrier:PKPCARGO", hours(rng, 150, 220))
			j.add(tracking.EMK, "PLMALA", "carrier:PKPCARGO", hours(rng, 8, 30))
		}
		j.add(tracking.EMD, dest.Code, partner, hours(rng, 20, 50))
	case sh.Product == string(postal.ProductParcel):
		j.add(tracking.EMD, dest.Code, partner, hours(rng, 30, 100))
	default:
		j.add(tracking.EMD, dest.Code, partner, hours(rng, 14, 40))
	}
	if f == fateSlow {
		j.add(tracking.EDA, dest.Code, partner, hours(rng, 30, 80))
	}
	j.add(tracking.EDB, dest.Code, partner, hours(rng, 2, 10))
	if f == fateHeldCustoms {
		j.add(tracking.EME, dest.Code, "customs", hours(rng, 2, 12), func(e *tracking.Event) { e.Reason = "document_check" })
		return j.events // still held
	}
	if rng.IntN(12) == 0 {
		j.add(tracking.EME, dest.Code, "customs", hours(rng, 2, 12), func(e *tracking.Event) { e.Reason = "xray" })
		j.add(tracking.EDC, dest.Code, "customs", hours(rng, 20, 60))
	}
	j.add(tracking.EMF, dest.Code, partner, hours(rng, 6, 30))
	j.add(tracking.EMG, dest.Code, partner, hours(rng, 18, 50))
	j.add(tracking.EDG, dest.Code, partner, hours(rng, 8, 16))
	if f == fateAttempt {
		j.add(tracking.EMH, dest.Code, partner, hours(rng, 2, 6), func(e *tracking.Event) { e.Reason = "addressee_absent" })
		j.add(tracking.EDG, dest.Code, partner, hours(rng, 18, 30))
	}
	j.add(tracking.EMI, dest.Code, partner, hours(rng, 1, 6), func(e *tracking.Event) { e.Signatory = sh.Addressee.Name })
	return j.events
}

// inbound makes items posted abroad to China that Interpost knows only from
// the partners' scans: their events are stored as unlinked.
func (w *world) inbound(now time.Time) []tracking.Event {
	var out []tracking.Event
	from := []string{"PLWAWA", "DEFRAA", "USJFKA", "FRCDGA", "KZALAA"}
	for i := range 20 {
		code := from[i%len(from)]
		o, ok := w.byCode[code]
		if !ok {
			continue
		}
		id, err := postal.NewS10("LX", uint32(500000+i), o.Country)
		if err != nil {
			continue
		}
		rng := rngFor(string(id))
		j := &journey{w: w, id: string(id), now: now, t: now.Add(-time.Duration(3+i%9) * 24 * time.Hour), rng: rng}
		partner := "partner:" + o.Country + "POST"
		j.add(tracking.EMA, code, partner, hours(rng, 0, 6))
		j.add(tracking.EMC, code, partner, hours(rng, 20, 40), func(e *tracking.Event) { e.NextOffice = "CNPEKA" })
		j.add(tracking.EMD, "CNPEKA", "post", hours(rng, 20, 50))
		j.add(tracking.EDB, "CNPEKA", "post", hours(rng, 2, 8))
		out = append(out, j.events...)
	}
	return out
}
