package twin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// ErrLiveStore refuses a run on a store that already holds data.
var ErrLiveStore = errors.New("the store holds data; the twin runs only on a fresh scratch store")

// Clock is the simulated time every service of a twin run reads.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the simulated time; it never goes back.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

// Services are the real services a run drives; internal/app wires them
// over a scratch store with Clock.Now as their clock.
type Services struct {
	Clock      *Clock
	Network    *network.Directory
	Merchants  *acceptance.Merchants
	Acceptance *acceptance.Service
	Customs    *customs.Service
	Dispatch   *dispatch.Service
	Tracking   *tracking.Service
	Accounting *accounting.Service
	// Flush delivers what background work would: customs outbox, the
	// tracking projector (internal/app.App.Flush).
	Flush func(context.Context) error
}

// Options of a run.
type Options struct {
	Baseline Baseline
	Scenario Scenario // zero: the baseline itself
	Days     int
	Seed     uint64
	// Tariffs are the tariff files (demo's when nil).
	Tariffs  map[string][]byte
	Progress func(stage string, done, all int)
}

// Item states the twin tracks (each accepted item is in exactly one).
const (
	stAccepted  = "accepted"   // at the origin office, not yet packed
	stHeld      = "held"       // held by export customs
	stPacked    = "packed"     // in a dispatch without a departure
	stConsigned = "consigned"  // on a departure not yet gone
	stTransit   = "in_transit" // departed, not yet arrived at the inward office
	stBlocked   = "blocked"    // stopped at a closed border
	stInward    = "inward"     // arrived, in the destination's handling
	stDelivered = "delivered"
	stReturning = "returning"
)

type item struct {
	id            string
	merchant      string
	office        string
	country       string
	postcode      string
	product       string
	weightG       int
	accepted      time.Time
	state         string
	release       time.Time // export hold ends
	cons          string    // consignment
	events        []tracking.Event
	terminal      string // state once all its events happened
	deliveredSent bool   // the partner's EMI reached tracking
	settled       time.Time
}

type consignment struct {
	c        dispatch.Consignment
	actual   time.Time // actual departure
	cancel   bool
	items    []*item
	groups   []*group // by destination office: each its own itinerary
	departed bool
}

// group is a consignment's mail for one destination office.
type group struct {
	dest  string
	route alloc.Route
	items []*item
}

func (cs *consignment) group(dest string, route alloc.Route) *group {
	for _, g := range cs.groups {
		if g.dest == dest {
			return g
		}
	}
	g := &group{dest: dest, route: route}
	cs.groups = append(cs.groups, g)
	return g
}

type sent struct {
	at      time.Time
	seq     int
	partner string
	ev      tracking.Event
}

// run is one twin run's state.
type run struct {
	svc                      Services
	o                        Options
	base                     network.Network
	legs                     map[string]network.Leg
	om                       map[string]network.Office
	start                    civil.Date
	demand                   rng
	items                    []*item
	byID                     map[string]*item
	inwardOE                 map[string]string           // country → its first office of exchange
	routes                   map[[2]string][]alloc.Route // itineraries the planner used per lane
	cons                     []*consignment
	queue                    []sent
	seq                      int
	res                      *Result
	admin, operator, officer auth.Principal
	shanghai                 *time.Location
}

// Run simulates o.Days days from the baseline's start over fresh services.
// The store behind svc must be empty (see CheckScratch).
func Run(ctx context.Context, svc Services, o Options) (*Result, error) {
	start, err := civil.ParseDate(o.Baseline.Start)
	if err != nil {
		return nil, fmt.Errorf("baseline start: %w", err)
	}
	if o.Days < 1 || o.Days > 120 {
		return nil, postal.Invalid("bad run", postal.FieldError{Field: "days", Message: fmt.Sprintf("%d is not between 1 and 120", o.Days)})
	}
	r := &run{svc: svc, o: o, start: start, byID: map[string]*item{}, routes: map[[2]string][]alloc.Route{},
		demand: newRNG(o.Seed, 1),
		admin:  auth.Principal{KeyID: "twin", Role: auth.RoleAdmin}, operator: auth.Principal{KeyID: "twin-counter", Role: auth.RoleOperator},
		officer: auth.Principal{KeyID: "twin-officer", Role: auth.RoleCustoms}}
	r.shanghai, _ = time.LoadLocation("Asia/Shanghai")
	r.res = newResult(o, start)
	if err := r.setup(ctx); err != nil {
		return nil, fmt.Errorf("twin setup: %w", err)
	}
	for d := range o.Days {
		if err := r.day(ctx, d); err != nil {
			return nil, fmt.Errorf("twin day %d (%s): %w", d+1, start.AddDays(d), err)
		}
		r.progress("days", d+1, o.Days)
	}
	if err := r.finish(ctx); err != nil {
		return nil, fmt.Errorf("twin results: %w", err)
	}
	return r.res, nil
}

// CheckScratch refuses a store that holds live data: offices, merchants
// or items. The twin writes a whole world; it never mixes it with one.
func CheckScratch(ctx context.Context, offices func(context.Context) ([]network.Office, error)) error {
	got, err := offices(ctx)
	if err != nil {
		return err
	}
	if len(got) > 0 {
		return fmt.Errorf("%w (%d offices found)", ErrLiveStore, len(got))
	}
	return nil
}

func (r *run) progress(stage string, done, all int) {
	if r.o.Progress != nil {
		r.o.Progress(stage, done, all)
	}
}

// setup seeds the demo network, merchants, sort plans and tariffs through
// the services, at the run's first morning.
func (r *run) setup(ctx context.Context) error {
	r.svc.Clock.Set(civil.LocalTime(r.shanghai, r.start, 0).Add(-24 * time.Hour))
	base, err := demo.Network()
	if err != nil {
		return err
	}
	r.base = base
	r.om = network.OfficeMap(base.Offices)
	r.legs = map[string]network.Leg{}
	for _, l := range base.Services {
		r.legs[l.ID] = l
	}
	for _, c := range r.o.Scenario.Changes {
		if c.Leg != nil {
			r.legs[c.Leg.ID] = *c.Leg
		}
	}
	r.inwardOE = map[string]string{}
	for _, o := range base.Offices {
		if (o.Kind == network.KindOE || o.Kind == network.KindIMPC) && r.inwardOE[o.Country] == "" {
			r.inwardOE[o.Country] = o.Code
		}
	}
	if err := r.svc.Network.Replace(ctx, network.Network{Offices: base.Offices, Services: r.legsOn(r.start)}); err != nil {
		return err
	}
	for _, m := range demo.Merchants {
		if _, err := r.svc.Merchants.Put(ctx, r.admin, m); err != nil {
			return fmt.Errorf("merchant %s: %w", m.Code, err)
		}
	}
	for _, of := range demo.SortPlanOffices {
		b, err := demo.SortPlanFile(of)
		if err != nil {
			return err
		}
		rules, err := dispatch.ReadSortPlan(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if _, err := r.svc.Dispatch.PutSortPlan(ctx, r.admin, of, rules); err != nil {
			return err
		}
	}
	files := r.o.Tariffs
	if files == nil {
		if files, err = accounting.DirFiles(demo.Tariffs()); err != nil {
			return err
		}
	}
	if _, err := r.svc.Accounting.ImportTariff(ctx, r.admin, r.o.Scenario.tariffFiles(files), ""); err != nil {
		return fmt.Errorf("tariff: %w", err)
	}
	return nil
}

// day runs one simulated day: the network of the day, the counter,
// customs, the evening's exchange operations, departures and the scans
// partners send.
func (r *run) day(ctx context.Context, d int) error {
	date := r.start.AddDays(d)
	midnight := civil.LocalTime(r.shanghai, date, 0)
	r.svc.Clock.Set(midnight)
	if d > 0 && r.networkChanged(date) {
		if err := r.svc.Network.Replace(ctx, network.Network{Offices: r.base.Offices, Services: r.legsOn(date)}); err != nil {
			return err
		}
	}
	if err := r.counter(ctx, d, date, midnight); err != nil {
		return err
	}
	ready := midnight.Add(18 * time.Hour)
	if err := r.releaseHolds(ctx, ready); err != nil {
		return err
	}
	r.svc.Clock.Set(ready)
	if err := r.reconsign(ctx, ready); err != nil {
		return err
	}
	if err := r.exchange(ctx, date, ready); err != nil {
		return err
	}
	end := midnight.Add(24*time.Hour - time.Second)
	if err := r.depart(ctx, end); err != nil {
		return err
	}
	if err := r.sendScans(ctx, end); err != nil {
		return err
	}
	r.svc.Clock.Set(end)
	r.backlog(date)
	return nil
}

// legsOn is the timetable of day d: the scenario's changes, capacities
// scaled to the twin's world.
func (r *run) legsOn(d civil.Date) []network.Leg {
	legs := r.o.Scenario.Legs(r.base, d)
	for i := range legs {
		legs[i].CapacityKg = math.Round(legs[i].CapacityKg*r.o.Baseline.CapacityScale*10) / 10
	}
	return legs
}

func (r *run) networkChanged(d civil.Date) bool {
	for _, c := range r.o.Scenario.Changes {
		if c.Kind == CloseCountry || c.Kind == CancelService || c.Kind == AddService || c.Kind == ScaleAllotment {
			if c.From == d || (!c.To.IsZero() && c.To.AddDays(1) == d) {
				return true
			}
		}
	}
	return false
}

// counter makes the day's demand and accepts it at the counters: items
// created through acceptance (declared to export customs by its hook),
// scanned at the counter (EMA), some held by export customs.
func (r *run) counter(ctx context.Context, d int, date civil.Date, midnight time.Time) error {
	b := r.o.Baseline
	r.demand = r.draw("demand", date.String()) // each day its own stream: scaling one day moves no other
	type posting struct {
		at  time.Time
		m   acceptance.Merchant
		req acceptance.Request
	}
	var ps []posting
	factor := b.Weekly[(int(date.Weekday())+6)%7] * r.o.Scenario.demand(date)
	countries := sortedKeys(b.Lanes)
	weights := make([]float64, len(countries))
	for i, c := range countries {
		weights[i] = b.Lanes[c]
	}
	for _, md := range b.Merchants {
		m, ok := merchant(md.Code)
		if !ok {
			return fmt.Errorf("merchant %s is not in the demo world", md.Code)
		}
		n := r.demand.poisson(md.PerDay * factor)
		for range n {
			hour := r.demand.weighted(b.Hourly[:])
			at := midnight.Add(time.Duration(hour)*time.Hour + time.Duration(r.demand.IntN(3600))*time.Second)
			req, err := r.request(m, countries[r.demand.weighted(weights)])
			if err != nil {
				return err
			}
			ps = append(ps, posting{at, m, req})
		}
	}
	slices.SortStableFunc(ps, func(a, b posting) int { return a.at.Compare(b.at) })
	holdRate := r.o.Scenario.exportHold(date, b.ExportHoldRate)
	var held []*item
	for i, p := range ps {
		r.svc.Clock.Set(p.at)
		p.req.MerchantRef = fmt.Sprintf("%s-%s-%04d", p.m.Code, date, i)
		sh, _, err := r.svc.Acceptance.Create(ctx, r.operator, p.req, fmt.Sprintf("twin-%d-%d", d, i))
		if err != nil {
			return fmt.Errorf("create %s to %s: %w", p.req.Product, p.req.Addressee.Country, err)
		}
		if _, _, err := r.svc.Acceptance.CounterScan(ctx, r.operator, string(sh.ID), p.at); err != nil {
			return fmt.Errorf("counter scan %s: %w", sh.ID, err)
		}
		it := &item{id: string(sh.ID), merchant: p.m.Code, office: sh.OriginOffice, country: p.req.Addressee.Country, postcode: p.req.Addressee.Postcode, product: sh.Product,
			weightG: p.req.WeightG, accepted: p.at, state: stAccepted}
		r.items = append(r.items, it)
		r.byID[it.id] = it
		r.res.Accepted++
		if r.draw("hold", it.id).chance(holdRate) {
			held = append(held, it)
		}
		r.progress("counter", i+1, len(ps))
	}
	// Officers pick their samples after the counter closes (the clock
	// never goes back).
	for _, it := range held {
		if err := r.hold(ctx, it, midnight.Add(17*time.Hour+30*time.Minute)); err != nil {
			return err
		}
	}
	return nil
}

func merchant(code string) (acceptance.Merchant, bool) {
	for _, m := range demo.Merchants {
		if m.Code == code {
			return m, true
		}
	}
	return acceptance.Merchant{}, false
}

// request draws one item: articles of the merchant's catalogue, a
// log-normal gross weight, the product a merchant picks for it.
func (r *run) request(m acceptance.Merchant, country string) (acceptance.Request, error) {
	b := r.o.Baseline
	to, ok := demo.Addressee(r.demand.Rand, country)
	if !ok {
		return acceptance.Request{}, fmt.Errorf("lane %s: the demo world has no addresses there", country)
	}
	gross := int(math.Round(r.demand.lognormal(b.WeightMedianG, b.WeightSigma)))
	gross = min(max(gross, 40), 30000)
	cat := demo.Catalogue(m.Code)
	a := cat[r.demand.IntN(len(cat))]
	q := max(1, (gross-60)/max(a.NetWeightG, 1))
	q = min(q, 50)
	price, _ := strconv.ParseFloat(a.PriceUSD, 64)
	cents := int(price*100+0.5) * q
	net := min(a.NetWeightG*q, gross-20)
	decl := &acceptance.Declaration{Category: "sale_of_goods", Currency: "USD", Lines: []acceptance.Line{{
		Description: a.Description, Quantity: q, NetWeightG: max(net, 1), Value: fmt.Sprintf("%d.%02d", cents/100, cents%100),
		HSCode: a.HSCode, OriginCountry: "CN"}}}
	product := "e-packet"
	switch {
	case gross > 2000:
		product = "parcel"
		if r.demand.IntN(3) == 0 {
			product = "ems"
		}
	case r.demand.IntN(10) == 0:
		product = "ems"
	case r.demand.IntN(4) == 0:
		product = "registered-small-packet"
	case cents < 1500 && r.demand.IntN(3) == 0:
		product = "small-packet"
	}
	dims := []int{200 + r.demand.IntN(150), 150 + r.demand.IntN(80), 40 + r.demand.IntN(80)}
	return acceptance.Request{Product: product, Merchant: m.Code, Sender: demo.Sender(m), Addressee: to, WeightG: gross,
		DimensionsMM: dims, Declaration: decl}, nil
}

// hold has export customs hold an item for an x-ray; it is released after
// an exponential number of days (mean ExportHoldDays).
func (r *run) hold(ctx context.Context, it *item, at time.Time) error {
	r.svc.Clock.Set(at)
	if _, err := r.svc.Customs.Decide(ctx, r.officer, it.id, customs.Decision{Action: customs.DecideHold, Check: "xray",
		Reason: "twin: risk sample for x-ray"}); err != nil && postal.ErrorCode(err) != postal.CodeConflict {
		return fmt.Errorf("hold %s: %w", it.id, err)
	}
	it.state = stHeld
	days := r.draw("release", it.id).ExpFloat64() * r.o.Baseline.ExportHoldDays
	it.release = at.Add(time.Duration(days * 24 * float64(time.Hour)))
	r.res.ExportHeld++
	return nil
}

// releaseHolds releases the items whose check is done by ready.
func (r *run) releaseHolds(ctx context.Context, ready time.Time) error {
	var due []*item
	for _, it := range r.items {
		if it.state == stHeld && !it.release.After(ready) {
			due = append(due, it)
		}
	}
	slices.SortStableFunc(due, func(a, b *item) int { return a.release.Compare(b.release) })
	for _, it := range due {
		r.svc.Clock.Set(it.release)
		if _, err := r.svc.Customs.Decide(ctx, r.officer, it.id, customs.Decision{Action: customs.DecideRelease,
			Reason: "twin: x-ray clear"}); err != nil && postal.ErrorCode(err) != postal.CodeConflict {
			return fmt.Errorf("release %s: %w", it.id, err)
		}
		it.state = stAccepted
	}
	return nil
}
