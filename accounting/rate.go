package accounting

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Unrated is a charge rating could not make: the tariff has no row for it,
// or the facts are incomplete. Statements list these instead of counting
// them as zero.
type Unrated struct {
	Key      string    `json:"key"`
	Kind     Kind      `json:"kind"`
	Party    Party     `json:"party,omitempty" doc:"The other party, when known"`
	Item     string    `json:"item,omitempty"`
	Dispatch string    `json:"dispatch,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	At       time.Time `json:"at"`
	Reason   string    `json:"reason"`
}

// Result is what rating some facts gives.
type Result struct {
	Charges []Charge  `json:"charges"`
	Unrated []Unrated `json:"unrated"`
}

// Rater turns facts into charges under one tariff set.
type Rater struct {
	Tariff *Set
	Home   string // country of the post running Interpost: it bills merchants and pays the others
	// Offices and Services are the network: conveyance is paid to a
	// service's carrier, transit to the post of a third-country office.
	Offices  map[string]network.Office
	Services map[string]network.Leg
	// Ways gives an item's planned itinerary: conveyance and transit are
	// charged along it for items not in Left; nil charges no way.
	Ways *Ways
	// Left holds the items that left in a departed dispatch: their
	// conveyance and transit are the consignment's and the dispatch's.
	Left map[string]bool
}

func day(t time.Time) civil.Date { return civil.DateOf(t.UTC()) }

// home is the party of our post.
func (r *Rater) home() Party { return Post(r.Home) }

// Item rates an accepted item: its merchant's postage and surcharges, the
// destination post's terminal dues, inward land rate or EMS rate, and, when
// Ways is set, the conveyance and transit of its planned way.
func (r *Rater) Item(it ItemFact, res *Result) {
	r.merchant(it, res)
	r.destination(it, res)
	if r.Ways != nil && !r.Left[it.ID] {
		r.way(it, res)
	}
}

func (r *Rater) unrated(res *Result, key string, kind Kind, party Party, it ItemFact, format string, args ...any) {
	res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: kind, Party: party, Item: it.ID, Merchant: it.Merchant,
		At: it.AcceptedAt, Reason: fmt.Sprintf(format, args...)})
}

// itemCharge fills what every item charge shares.
func (r *Rater) itemCharge(it ItemFact, key string, kind Kind) Charge {
	return Charge{Key: key, Kind: kind, At: it.AcceptedAt, Items: 1, WeightG: it.WeightG, Item: it.ID,
		Merchant: it.Merchant, Origin: it.Origin, Dest: it.Dest, Product: string(it.Product), TariffVersion: r.Tariff.Version, Basis: BasisAccepted}
}

func (r *Rater) merchant(it ItemFact, res *Result) {
	d := day(it.AcceptedAt)
	key := "postage/" + it.ID
	m := Merchant(it.Merchant)
	zone := r.Tariff.Zone(it.Dest, d)
	if zone == "" {
		r.unrated(res, key, KindPostage, m, it, "no zone for %s on %s in %s", it.Dest, d, ZonesFile)
		return
	}
	row, list, heaviest := r.Tariff.PriceFor(it.Merchant, string(it.Product), zone, it.WeightG, d)
	switch {
	case row == nil && heaviest > 0:
		r.unrated(res, key, KindPostage, m, it, "%d g is above the heaviest band (%d g) of price list %s for %s to zone %s on %s", it.WeightG, heaviest, list, it.Product, zone, d)
		return
	case row == nil:
		r.unrated(res, key, KindPostage, m, it, "no price in %s for %s to zone %s (%s) on %s", PricesFile, it.Product, zone, it.Dest, d)
		return
	}
	w := it.WeightG
	if row.StepG > 0 {
		w = (w + row.StepG - 1) / row.StepG * row.StepG
	}
	base := Round(row.For(1, w), row.Currency)
	c := r.itemCharge(it, key, KindPostage)
	c.Category = "zone " + zone
	c.Debtor, c.Creditor = m, r.home()
	c.Amount, c.Currency = base, row.Currency
	c.TariffRow = row.Ref()
	c.Rate = fmt.Sprintf("%s + %s × %s kg", row.PerItem, row.PerKg, kg(w).StringFixed(3))
	res.Charges = append(res.Charges, c)
	for _, s := range r.Tariff.SurchargesFor(it, d) {
		sc := r.itemCharge(it, "sur/"+it.ID+"/"+s.Code, KindSurcharge)
		sc.Items, sc.WeightG = 0, 0 // the item is counted once, on its postage
		sc.Category = s.Code
		sc.Debtor, sc.Creditor = m, r.home()
		sc.TariffRow = s.Ref()
		switch s.Basis {
		case SurchargePercent:
			sc.Currency = row.Currency
			sc.Amount = Round(base.Mul(s.Amount).Div(decimal.NewFromInt(100)), row.Currency)
			sc.Rate = fmt.Sprintf("%s%% × %s", s.Amount, FormatAmount(base, row.Currency))
		case SurchargePerItem:
			sc.Currency, sc.Amount = s.Currency, Round(s.Amount, s.Currency)
			sc.Rate = s.Amount.String() + " per item"
		case SurchargePerKg:
			sc.Currency, sc.Amount = s.Currency, Round(s.Amount.Mul(kg(w)), s.Currency)
			sc.Rate = fmt.Sprintf("%s × %s kg", s.Amount, kg(w).StringFixed(3))
		case SurchargePer100SDR:
			n := it.InsuredSDR.Div(decimal.NewFromInt(100)).Ceil()
			sc.Currency, sc.Amount = s.Currency, Round(s.Amount.Mul(n), s.Currency)
			sc.Rate = fmt.Sprintf("%s × %s started 100 SDR of %s SDR insured", s.Amount, n, it.InsuredSDR.StringFixed(2))
		}
		res.Charges = append(res.Charges, sc)
	}
}

// destination rates what the destination post charges for delivering it.
func (r *Rater) destination(it ItemFact, res *Result) {
	if it.Dest == r.Home {
		return // domestic: no terminal dues
	}
	d := day(it.AcceptedAt)
	dest := Post(it.Dest)
	spec, err := postal.LookupProduct(string(it.Product))
	if err != nil {
		r.unrated(res, "dest/"+it.ID, KindTerminalDues, dest, it, "%v", err)
		return
	}
	var (
		kind     Kind
		key      string
		rate     Rate
		extra    decimal.Decimal
		category string
		ref      string
		group    string
	)
	switch spec.Class {
	case postal.ClassParcel:
		kind, key, category = KindLandRate, "ilr/"+it.ID, "parcels"
		row, g := r.Tariff.LandRateFor(it.Dest, d)
		if row == nil {
			r.unrated(res, key, kind, dest, it, "no inward land rate for %s%s on %s in %s", it.Dest, inGroup(g), d, LandRatesFile)
			return
		}
		rate, ref, group = row.Rate, row.Ref(), g
	case postal.MailClass('E'):
		kind, key, category = KindEMS, "ems/"+it.ID, "EMS"
		row, g := r.Tariff.EMSFor(r.Home, it.Dest, d)
		if row == nil {
			r.unrated(res, key, kind, dest, it, "no EMS rate %s→%s%s on %s in %s", r.Home, it.Dest, inGroup(g), d, EMSFile)
			return
		}
		rate, ref, group = row.Rate, row.Ref(), g
	default:
		f := LetterFormat(it)
		kind, key, category = KindTerminalDues, "td/"+it.ID, string(f)
		row, g := r.Tariff.DuesFor(it.Dest, f, d)
		if row == nil {
			r.unrated(res, key, kind, dest, it, "no terminal dues for %s format %s%s on %s in %s", it.Dest, f, inGroup(g), d, DuesFile)
			return
		}
		rate, ref, group = row.Rate, row.Ref(), g
		if spec.Registered {
			extra, category = row.RegisteredPerItem, category+" registered"
		}
	}
	c := r.itemCharge(it, key, kind)
	c.Category = category
	c.Debtor, c.Creditor = r.home(), dest
	c.Amount, c.Currency = Round(rate.For(1, it.WeightG).Add(extra), rate.Currency), rate.Currency
	c.TariffRow = ref
	c.Rate = fmt.Sprintf("%s + %s × %s kg", rate.PerItem, rate.PerKg, kg(it.WeightG).StringFixed(3))
	if !extra.IsZero() {
		c.Rate += " + " + extra.String() + " reg."
	}
	if group != "" {
		c.Rate += " [" + group + "]"
	}
	res.Charges = append(res.Charges, c)
}

func inGroup(g string) string {
	if g == "" {
		return ""
	}
	return " (group " + g + ")"
}

// way rates conveyance and transit along the item's planned itinerary. An
// item posted at a warehouse (overseas or border) is handed to the post of
// the warehouse's country there: it owes no conveyance or transit to us,
// only the destination's charge.
func (r *Rater) way(it ItemFact, res *Result) {
	if o, ok := r.Offices[it.Origin]; ok && o.Kind == network.KindWarehouse {
		return
	}
	legs, note, why := r.Ways.Of(it)
	if legs == nil {
		r.unrated(res, "conv/"+it.ID, KindConveyance, "", it, "%s", why)
		return
	}
	class := mailClass(it.Product)
	origin := r.Offices[it.Origin].Country
	paid := map[string]bool{}
	for i, l := range legs {
		r.leg(it, i+1, l, note, res)
		if i == len(legs)-1 {
			break
		}
		o, ok := r.Offices[l.To]
		if !ok || o.Kind != network.KindOE && o.Kind != network.KindIMPC || o.Country == origin || o.Country == it.Dest || paid[o.Country] {
			continue // a carrier's hub or a border point: no post handles the mail
		}
		paid[o.Country] = true
		key := "transit/" + it.ID + "/" + o.Country
		post := Post(o.Country)
		row := r.Tariff.TransitFor(o.Country, class, day(l.Arrive))
		if row == nil {
			r.unrated(res, key, KindTransit, post, it, "no transit charge for the post of %s (class %s) on %s in %s; the item passes %s", o.Country, class, day(l.Arrive), TransitFile, o.Code)
			continue
		}
		c := r.itemCharge(it, key, KindTransit)
		c.Basis = BasisPlanned
		c.Category = "closed transit " + class
		c.Debtor, c.Creditor = r.home(), post
		c.Amount, c.Currency = Round(row.For(1, it.WeightG), row.Currency), row.Currency
		c.TariffRow = row.Ref()
		c.Rate = fmt.Sprintf("%s + %s × %s kg at %s", row.PerItem, row.PerKg, kg(it.WeightG).StringFixed(3), o.Code)
		res.Charges = append(res.Charges, c)
	}
}

func (r *Rater) leg(it ItemFact, n int, l Leg, note string, res *Result) {
	key := fmt.Sprintf("conv/%s/%d", it.ID, n)
	svc, ok := r.Services[l.Service]
	if !ok {
		r.unrated(res, key, KindConveyance, "", it, "service %s of leg %d is not in the network", l.Service, n)
		return
	}
	carrier := Carrier(svc.Carrier)
	amount, rate, row, why := r.conveyance(svc, it.WeightG, day(l.Depart))
	if row == nil {
		r.unrated(res, key, KindConveyance, carrier, it, "%s", why)
		return
	}
	c := r.itemCharge(it, key, KindConveyance) // counted once per leg: each service carries it
	c.Basis = BasisPlanned
	c.Category = svc.ID
	c.Service = svc.ID
	c.Debtor, c.Creditor = r.home(), carrier
	c.Amount, c.Currency = amount, row.Currency
	c.TariffRow, c.Rate = row.Ref(), rate
	if note != "" {
		c.Rate += " (" + note + ")"
	}
	res.Charges = append(res.Charges, c)
}

// conveyance prices carrying weightG on a service departing on d.
func (r *Rater) conveyance(svc network.Leg, weightG int, d civil.Date) (decimal.Decimal, string, *ConveyanceRow, string) {
	row := r.Tariff.ConveyanceFor(svc.ID, svc.Mode, d)
	if row == nil {
		return decimal.Zero, "", nil, fmt.Sprintf("no conveyance rate for service %s nor mode:%s on %s in %s", svc.ID, svc.Mode, d, ConveyanceFile)
	}
	w := kg(weightG)
	if row.Basis == PerKgKm {
		from, okf := r.Offices[svc.From]
		to, okt := r.Offices[svc.To]
		if !okf || !okt {
			return decimal.Zero, "", nil, fmt.Sprintf("service %s: offices %s/%s unknown, no distance for a per kg-km rate", svc.ID, svc.From, svc.To)
		}
		km := decimal.NewFromInt(int64(math.Round(network.GreatCircleKm(from, to))))
		return Round(row.Amount.Mul(w).Mul(km), row.Currency), fmt.Sprintf("%s × %s kg × %s km", row.Amount, w.StringFixed(3), km), row, ""
	}
	return Round(row.Amount.Mul(w), row.Currency), fmt.Sprintf("%s × %s kg", row.Amount, w.StringFixed(3)), row, ""
}

// Dispatch rates a departed dispatch: the transit charges, per item and
// per kg of its receptacles, to the post of each third country where it
// passes an office of exchange or IMPC, and, when its consignment took it
// to a hub short of its destination, the conveyance and transit of its
// planned way on from there (basis planned). With legs, every departed leg
// counts as dispatched (its conveyance is its consignment's) and only the
// way on from the last leg's arrival is planned. All are dated by its
// departure.
func (r *Rater) Dispatch(df DispatchFact, res *Result) {
	at := df.Departure
	if at.IsZero() {
		at = df.ClosedAt
	}
	type stop struct {
		office string
		day    civil.Date
		basis  string
	}
	var stops []stop
	reached, reachedAt, after := df.Reached, df.ReachedAt, df.Consignment
	if len(df.Legs) == 0 {
		for _, code := range df.Transit {
			stops = append(stops, stop{code, day(at), BasisDispatched})
		}
	} else {
		// Every departed leg: its arrival short of the destination is a
		// transit stop; the way on is planned from the last one only.
		reached = ""
		for _, l := range df.Legs {
			if l.To != df.Dest {
				stops = append(stops, stop{l.To, day(l.Arrival), BasisDispatched})
			}
			reached, reachedAt, after = l.To, l.Arrival, l.Consignment
		}
	}
	if reached != "" && reached != df.Dest && r.Ways != nil {
		df.Reached, df.ReachedAt, df.Consignment = reached, reachedAt, after
		legs, why := r.Ways.Onward(reached, df.Dest, reachedAt, df.GrossG)
		if legs == nil {
			res.Unrated = append(res.Unrated, Unrated{Key: "conv/" + df.ID + "/on", Kind: KindConveyance, Dispatch: df.ID, At: at, Reason: why})
		}
		for i, l := range legs {
			r.onward(df, at, i+1, l, res)
			if i < len(legs)-1 {
				stops = append(stops, stop{l.To, day(l.Arrive), BasisPlanned})
			}
		}
	}
	from, to := r.Offices[df.Origin].Country, r.Offices[df.Dest].Country
	seen := map[string]bool{}
	for _, st := range stops {
		o, ok := r.Offices[st.office]
		if !ok || seen[o.Country] || o.Kind != network.KindOE && o.Kind != network.KindIMPC || o.Country == from || o.Country == to {
			continue // a carrier's hub or a border point: no post handles the mail
		}
		seen[o.Country] = true
		key := "transit/" + df.ID + "/" + o.Country
		post := Post(o.Country)
		row := r.Tariff.TransitFor(o.Country, df.Class, st.day)
		if row == nil {
			res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindTransit, Party: post, Dispatch: df.ID, At: at,
				Reason: fmt.Sprintf("no transit charge for the post of %s (class %s) on %s in %s", o.Country, df.Class, st.day, TransitFile)})
			continue
		}
		res.Charges = append(res.Charges, Charge{Key: key, Kind: KindTransit, Category: "closed transit " + df.Class, At: at, Basis: st.basis,
			Debtor: r.home(), Creditor: post, Amount: Round(row.For(len(df.Items), df.GrossG), row.Currency), Currency: row.Currency,
			Items: len(df.Items), WeightG: df.GrossG, Dispatch: df.ID, Origin: df.Origin, TariffVersion: r.Tariff.Version, TariffRow: row.Ref(),
			Rate: fmt.Sprintf("%s × %d items + %s × %s kg at %s", row.PerItem, len(df.Items), row.PerKg, kg(df.GrossG).StringFixed(3), o.Code)})
	}
}

// onward rates leg n of a dispatch's planned way on from the hub its
// consignment reached: its gross weight on the leg's service.
func (r *Rater) onward(df DispatchFact, at time.Time, n int, l Leg, res *Result) {
	key := fmt.Sprintf("conv/%s/on/%d", df.ID, n)
	svc, ok := r.Services[l.Service]
	if !ok {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindConveyance, Dispatch: df.ID, At: at,
			Reason: fmt.Sprintf("service %s of leg %d on from %s is not in the network", l.Service, n, df.Reached)})
		return
	}
	carrier := Carrier(svc.Carrier)
	amount, rate, row, why := r.conveyance(svc, df.GrossG, day(l.Depart))
	if row == nil {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindConveyance, Party: carrier, Dispatch: df.ID, At: at, Reason: why})
		return
	}
	res.Charges = append(res.Charges, Charge{Key: key, Kind: KindConveyance, Category: svc.ID, At: at, Basis: BasisPlanned, Debtor: r.home(),
		Creditor: carrier, Amount: amount, Currency: row.Currency, Items: len(df.Items), WeightG: df.GrossG, Dispatch: df.ID,
		Service: svc.ID, Origin: svc.From, TariffVersion: r.Tariff.Version, TariffRow: row.Ref(),
		Rate: fmt.Sprintf("%s (on from %s after consignment %s, planned)", rate, df.Reached, df.Consignment)})
}

// Consignment rates the conveyance of a consignment: its gross weight on
// its service, paid to the service's carrier. items counts the items of its
// dispatches.
func (r *Rater) Consignment(cf ConsignmentFact, items int, res *Result) {
	key := "conv/" + cf.ID
	svc, ok := r.Services[cf.Service]
	if !ok {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindConveyance, Dispatch: cf.ID, At: cf.Departure,
			Reason: fmt.Sprintf("service %s of consignment %s is not in the network", cf.Service, cf.ID)})
		return
	}
	carrier := Carrier(svc.Carrier)
	amount, rate, row, why := r.conveyance(svc, cf.GrossG, day(cf.Departure))
	if row == nil {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindConveyance, Party: carrier, Dispatch: cf.ID, At: cf.Departure, Reason: why})
		return
	}
	res.Charges = append(res.Charges, Charge{Key: key, Kind: KindConveyance, Category: svc.ID, At: cf.Departure, Basis: BasisDispatched, Debtor: r.home(),
		Creditor: carrier, Amount: amount, Currency: row.Currency, Items: items, WeightG: cf.GrossG, Consignment: cf.ID,
		Dispatch: firstOf(cf.Dispatches), Service: svc.ID, Origin: svc.From, TariffVersion: r.Tariff.Version, TariffRow: row.Ref(), Rate: rate})
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// SortCharges orders charges by time, then key, so postings are
// deterministic.
func SortCharges(cs []Charge) {
	slices.SortStableFunc(cs, func(a, b Charge) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
}
