package twin

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/tracking"
)

// Result is what a run measured. Money is in the margin report's
// currency; kg are gross (receptacles with their tare).
type Result struct {
	Name  string `json:"name"`
	Seed  uint64 `json:"seed"`
	Start string `json:"start"`
	Days  int    `json:"days"`
	// Items by the twin's ground truth at the run's end.
	Accepted          int            `json:"accepted"`
	ExportHeld        int            `json:"export_held"`
	Unsorted          int            `json:"unsorted" doc:"Items no sort rule covered (returned to the merchant)"`
	Cancelled         int            `json:"cancelled_departures"`
	Reconsigned       int            `json:"reconsigned" doc:"Items packed without a departure and consigned on a later day"`
	BorderBlocked     int            `json:"border_waits_closed" doc:"Legs that waited for a closed country to reopen"`
	States            map[string]int `json:"states"`
	DeliveredReported int            `json:"delivered_reported" doc:"Items whose delivery scan reached tracking by the end"`
	Scans             ScanStats      `json:"scans"`
	CO2Kg             float64        `json:"co2_kg" doc:"Allocation plans' CO2e estimate of the mail carried"`
	PlanCost          float64        `json:"plan_transport_cost" doc:"Allocation plans' transport cost"`
	OnTime            []LaneWeek     `json:"on_time"`
	Backlog           []Backlog      `json:"backlog"`
	ModeKg            []ModeKg       `json:"kg_by_mode"`
	Departures        []Departure    `json:"departures"`
	Lanes             []LaneMoney    `json:"lanes"`
	Totals            Totals         `json:"totals"`
	Notes             []string       `json:"notes"`
	Elapsed           float64        `json:"elapsed_s"`

	modeKg map[[2]string]float64
	deps   map[string]*Departure
}

// ScanStats counts partner scans sent to tracking.
type ScanStats struct {
	Sent       int      `json:"sent"`
	Duplicates int      `json:"duplicates"`
	Rejected   int      `json:"rejected"`
	Reasons    []string `json:"rejected_examples,omitempty"`
}

// LaneWeek is the e2e report's on-time share and J+n for a lane and week.
type LaneWeek struct {
	Origin      string  `json:"origin"`
	Destination string  `json:"destination"`
	Product     string  `json:"product"`
	Week        string  `json:"week"`
	Volume      int     `json:"volume"`
	Delivered   int     `json:"delivered"`
	OnTime      int     `json:"on_time"`
	OnTimeShare float64 `json:"on_time_share"`
	Standard    int     `json:"standard_days"`
	JN          []int   `json:"jn"`
}

// Backlog is what waited at an office at a day's end.
type Backlog struct {
	Date   string  `json:"date"`
	Office string  `json:"office"`
	Items  int     `json:"items"`
	Kg     float64 `json:"kg"`
}

// ModeKg is the gross weight carried by a mode on a corridor.
type ModeKg struct {
	Mode     string  `json:"mode"`
	Corridor string  `json:"corridor" doc:"First office → office of the departure's service"`
	Kg       float64 `json:"kg"`
}

// Departure is a departure's load.
type Departure struct {
	Service     string  `json:"service"`
	Mode        string  `json:"mode"`
	Departs     string  `json:"departs"`
	CapacityKg  float64 `json:"capacity_kg"`
	LoadedKg    float64 `json:"loaded_kg"`
	Utilisation float64 `json:"utilisation"`
	Cancelled   bool    `json:"cancelled"`
}

// LaneMoney is a lane's money from the ledger's margin report.
type LaneMoney struct {
	Origin  string  `json:"origin"`
	Dest    string  `json:"dest"`
	Items   int     `json:"items"`
	Kg      float64 `json:"kg"`
	Revenue float64 `json:"revenue"`
	Cost    float64 `json:"cost" doc:"Dues, transit, conveyance and handling"`
	Margin  float64 `json:"margin"`
}

// Totals sum a run.
type Totals struct {
	Accepted    int     `json:"accepted"`
	Delivered   int     `json:"delivered" doc:"In the e2e report"`
	OnTimeShare float64 `json:"on_time_share"`
	Kg          float64 `json:"kg_departed"`
	Revenue     float64 `json:"revenue"`
	Cost        float64 `json:"cost"`
	Margin      float64 `json:"margin"`
	Currency    string  `json:"currency"`
	CO2Kg       float64 `json:"co2_kg"`
	PeakBacklog int     `json:"peak_backlog_items"`
	MeanUtil    float64 `json:"mean_utilisation"`
}

func newResult(o Options, start civil.Date) *Result {
	name := o.Scenario.Name
	if name == "" {
		name = "baseline"
	}
	return &Result{Name: name, Seed: o.Seed, Start: start.String(), Days: o.Days, States: map[string]int{},
		modeKg: map[[2]string]float64{}, deps: map[string]*Departure{}}
}

func (res *Result) addDeparted(cs *consignment) {
	kg := float64(cs.c.GrossWeightG) / 1000
	res.modeKg[[2]string{cs.c.Mode, cs.c.From + "→" + cs.c.To}] += kg
	key := cs.c.Service + " " + cs.c.Departure.UTC().Format(time.RFC3339)
	d := res.deps[key]
	if d == nil {
		d = &Departure{Service: cs.c.Service, Mode: cs.c.Mode, Departs: cs.c.Departure.UTC().Format(time.RFC3339), CapacityKg: cs.c.CapacityKg}
		res.deps[key] = d
	}
	d.LoadedKg = max(d.LoadedKg, float64(cs.c.LoadedG)/1000)
	d.Cancelled = d.Cancelled || cs.cancel
	if d.CapacityKg > 0 {
		d.Utilisation = d.LoadedKg / d.CapacityKg
	}
}

// backlog records what waits at each origin office at a day's end.
func (r *run) backlog(date civil.Date) {
	per := map[string]*Backlog{}
	for _, it := range r.items {
		switch it.state {
		case stAccepted, stHeld, stPacked, stConsigned:
		default:
			continue
		}
		b := per[it.office]
		if b == nil {
			b = &Backlog{Date: date.String(), Office: it.office}
			per[it.office] = b
		}
		b.Items++
		b.Kg += float64(it.weightG) / 1000
	}
	total := 0
	for _, o := range sortedKeys(per) {
		r.res.Backlog = append(r.res.Backlog, *per[o])
		total += per[o].Items
	}
	r.res.Totals.PeakBacklog = max(r.res.Totals.PeakBacklog, total)
}

// finish settles the states, flushes the background work, rates the
// ledger and reads the e2e and margin reports.
func (r *run) finish(ctx context.Context) error {
	end := r.svc.Clock.Now()
	for _, it := range r.items {
		if it.state == stTransit && len(it.events) > 0 {
			switch {
			case !it.settled.IsZero() && !it.settled.After(end):
				it.state = it.terminal
			case !it.events[0].Time.After(end):
				it.state = stInward
			}
		}
		r.res.States[it.state]++
	}
	if r.svc.Flush != nil {
		if err := r.svc.Flush(ctx); err != nil {
			return err
		}
	}
	last := r.start.AddDays(r.o.Days - 1)
	p, err := accounting.ParsePeriod(r.start.String() + ".." + last.String())
	if err != nil {
		return err
	}
	if _, err := r.svc.Accounting.Rate(ctx, r.admin, p); err != nil {
		return fmt.Errorf("rate %s: %w", p.Name, err)
	}
	m, err := r.svc.Accounting.Margin(ctx, r.admin, p, accounting.MarginOptions{})
	if err != nil {
		return fmt.Errorf("margin %s: %w", p.Name, err)
	}
	r.res.money(m)
	from := civil.LocalTime(r.shanghai, r.start, 0)
	rep, err := r.svc.Tracking.E2E(ctx, from, civil.LocalTime(r.shanghai, last, 0))
	if err != nil {
		return err
	}
	r.res.e2e(rep)
	r.res.summarise()
	return nil
}

func (res *Result) money(m accounting.MarginReport) {
	per := map[[2]string]*LaneMoney{}
	for _, row := range m.Rows {
		k := [2]string{row.Origin, row.Dest}
		l := per[k]
		if l == nil {
			l = &LaneMoney{Origin: row.Origin, Dest: row.Dest}
			per[k] = l
		}
		l.Items += row.Items
		l.Kg += float64(row.WeightG) / 1000
		rev, _ := row.Base.Revenue.Float64()
		mg, _ := row.Base.Margin.Float64()
		l.Revenue += rev
		l.Margin += mg
		l.Cost += rev - mg
	}
	for _, l := range per {
		res.Lanes = append(res.Lanes, *l)
	}
	slices.SortFunc(res.Lanes, func(a, b LaneMoney) int { return cmp.Or(cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.Dest, b.Dest)) })
	for _, l := range res.Lanes { // in a fixed order (float sums)
		res.Totals.Revenue += l.Revenue
		res.Totals.Cost += l.Cost
		res.Totals.Margin += l.Margin
	}
	res.Totals.Currency = m.Currency
	res.Notes = append(res.Notes, m.Notes...)
}

func (res *Result) e2e(rep tracking.Report) {
	delivered, onTime := 0, 0
	for _, l := range rep.Lanes {
		res.OnTime = append(res.OnTime, LaneWeek{Origin: l.Origin, Destination: l.Dest, Product: l.Product, Week: l.Week, Volume: l.Volume,
			Delivered: l.Delivered, OnTime: l.OnTime, OnTimeShare: l.OnTimeShare, Standard: l.StandardDays, JN: l.JN})
		delivered += l.Delivered
		onTime += l.OnTime
	}
	res.Totals.Delivered = delivered
	if delivered > 0 {
		res.Totals.OnTimeShare = float64(onTime) / float64(delivered)
	}
}

func (res *Result) summarise() {
	res.Totals.Accepted = res.Accepted
	res.Totals.CO2Kg = res.CO2Kg
	// Summed in a fixed order: float sums depend on it, and a seed must
	// give the same figures.
	keys := make([][2]string, 0, len(res.modeKg))
	for k := range res.modeKg {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, k := range keys {
		kg := res.modeKg[k]
		res.ModeKg = append(res.ModeKg, ModeKg{Mode: k[0], Corridor: k[1], Kg: round1(kg)})
		res.Totals.Kg += kg
	}
	for _, d := range res.deps {
		res.Departures = append(res.Departures, *d)
	}
	slices.SortFunc(res.Departures, func(a, b Departure) int {
		return cmp.Or(cmp.Compare(a.Departs, b.Departs), cmp.Compare(a.Service, b.Service))
	})
	util := 0.0
	for _, d := range res.Departures {
		util += d.Utilisation
	}
	if len(res.Departures) > 0 {
		res.Totals.MeanUtil = util / float64(len(res.Departures))
	}
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }
