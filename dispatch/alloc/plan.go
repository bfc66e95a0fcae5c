package alloc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Plan is the allocation of a planning day.
type Plan struct {
	Date          string        `json:"date" example:"2026-11-24"`
	Totals        Totals        `json:"totals"`
	Departures    []Departure   `json:"departures" doc:"Departures that carry the day's mail, by departure time"`
	Lanes         []Lane        `json:"lanes"`
	Spill         []Spill       `json:"spill" doc:"Mail that could not take its preferred departure, and mail nothing could carry"`
	Consolidation Consolidation `json:"consolidation"`
	Solver        Stats         `json:"solver"`
}

// Totals sum the plan.
type Totals struct {
	Kg          float64 `json:"kg"`
	Items       int     `json:"items"`
	Cost        float64 `json:"cost" deprecated:"true" doc:"Deprecated: use cost_amount and currency; removed in the next version. Transport cost as a number"`
	LatePenalty float64 `json:"late_penalty" deprecated:"true" doc:"Deprecated: use late_penalty_amount and currency; removed in the next version."`
	UnservedKg  float64 `json:"unserved_kg"`
	// UnservedPenalty prices the mail no departure can carry.
	UnservedPenalty float64 `json:"unserved_penalty" deprecated:"true" doc:"Deprecated: use unserved_penalty_amount and currency; removed in the next version."`
	// Objective is what the allocation minimises: cost + penalties.
	Objective float64 `json:"objective" deprecated:"true" doc:"Deprecated: use objective_amount and currency; removed in the next version."`
	// The amounts as the API writes money: decimal strings in Currency.
	Currency              string  `json:"currency" doc:"ISO 4217 currency of every amount of the plan: the network's cost currency" example:"USD"`
	CostAmount            string  `json:"cost_amount" doc:"Transport cost (Σ cost per kg × kg over the legs)" example:"171.14"`
	LatePenaltyAmount     string  `json:"late_penalty_amount" doc:"Σ kg × days past the standard × the category's penalty per kg and day" example:"13.87"`
	UnservedPenaltyAmount string  `json:"unserved_penalty_amount" doc:"The price put on mail no departure can carry"`
	ObjectiveAmount       string  `json:"objective_amount" doc:"What the allocation minimises: cost + penalties"`
	OnTimeShare           float64 `json:"on_time_share" doc:"Share of kg arriving within its lane's standard"`
	CO2Kg                 float64 `json:"co2_kg"`
}

// Departure is a dated departure and what the plan puts on it.
type Departure struct {
	Service     string    `json:"service"`
	Carrier     string    `json:"carrier"`
	Mode        string    `json:"mode"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Departs     time.Time `json:"departs"`
	Arrives     time.Time `json:"arrives"`
	CapacityKg  float64   `json:"capacity_kg"`
	ConsignedKg float64   `json:"consigned_kg" doc:"Already consigned before planning"`
	AllocatedKg float64   `json:"allocated_kg"`
	Utilisation float64   `json:"utilisation" doc:"(consigned + allocated) / capacity"`
	Lanes       int       `json:"lanes" doc:"Lanes with mail on it"`
}

// Lane is one lane's result.
type Lane struct {
	Origin       string  `json:"origin"`
	Destination  string  `json:"destination"`
	Category     string  `json:"category"`
	Kg           float64 `json:"kg"`
	Items        int     `json:"items"`
	StandardDays int     `json:"standard_days" doc:"Arrival at the destination office by local day J+n"`
	OnTimeKg     float64 `json:"on_time_kg"`
	OnTimeShare  float64 `json:"on_time_share"`
	UnservedKg   float64 `json:"unserved_kg"`
	Cost         float64 `json:"cost" deprecated:"true" doc:"Deprecated: use cost_amount and currency; removed in the next version."`
	CostAmount   string  `json:"cost_amount" doc:"Transport cost of the lane's mail"`
	Currency     string  `json:"currency" doc:"ISO 4217 currency of cost_amount" example:"USD"`
	CO2Kg        float64 `json:"co2_kg"`
	Routes       []Route `json:"routes"`
}

// Route is mail of a lane on one itinerary.
type Route struct {
	Kg       float64   `json:"kg"`
	Arrives  time.Time `json:"arrives"`
	LateDays int       `json:"late_days"`
	Legs     []Leg     `json:"legs"`
}

// Leg is one departure of an itinerary.
type Leg struct {
	Service string    `json:"service"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Departs time.Time `json:"departs"`
}

// Spill is mail moved off its preferred departure.
type Spill struct {
	Origin      string  `json:"origin"`
	Destination string  `json:"destination"`
	Category    string  `json:"category"`
	Kg          float64 `json:"kg"`
	Preferred   string  `json:"preferred" doc:"The departure it would have taken with capacity to spare"`
	Took        string  `json:"took" doc:"The departure it takes instead; empty when nothing can carry it"`
	DelayHours  float64 `json:"delay_hours" doc:"Later arrival than on the preferred itinerary"`
}

func kgOf(g int64) float64 { return math.Round(float64(g)) / 1000 }

func money(units int64) float64 { return math.Round(float64(units)/1e5) / 100 }

func (a *Allocator) leg(d int32) Leg {
	dp := a.x.deps[d]
	return Leg{Service: a.x.services[dp.svc].ID, From: a.x.offices[dp.from].Code, To: a.x.offices[dp.to].Code, Departs: atMinute(dp.depart)}
}

func (a *Allocator) depName(d int32) string {
	l := a.leg(d)
	return fmt.Sprintf("%s %s→%s %s", l.Service, l.From, l.To, l.Departs.Format("2006-01-02 15:04Z"))
}

// plan assembles the output from the commodities' solutions.
func (a *Allocator) plan() Plan {
	p := Plan{Date: a.opts.Date.String(), Solver: a.stats, Departures: []Departure{}, Spill: []Spill{}}
	p.Solver.nodes, p.Solver.arcs, p.Solver.solves = 0, 0, 0
	p.Solver.Solves = a.stats.solves
	lanes := make([]Lane, len(a.lanes))
	laneG := make([]int64, len(a.lanes))
	onTimeG := make([]int64, len(a.lanes))
	costU := make([]int64, len(a.lanes))
	co2 := make([]float64, len(a.lanes))
	depG := map[int32]int64{}
	depLanes := map[int32]map[int]bool{}
	var lateU, unservedU int64
	for i, l := range a.lanes {
		lanes[i] = Lane{Origin: l.v.Origin, Destination: l.v.Destination, Category: l.v.Category, Kg: kgOf(l.v.Grams), Items: l.v.Items,
			StandardDays: l.std, Routes: []Route{}}
		laneG[i] = l.v.Grams
	}
	for _, k := range a.ks {
		lateU += k.sol.cost
		for _, pa := range k.sol.paths {
			r := Route{Kg: kgOf(pa.grams), LateDays: pa.lateDays}
			for _, d := range pa.deps {
				r.Legs = append(r.Legs, a.leg(d))
				depG[d] += pa.grams
				if depLanes[d] == nil {
					depLanes[d] = map[int]bool{}
				}
				depLanes[d][pa.lane] = true
				costU[pa.lane] += pa.grams * a.x.deps[d].cost
				lateU -= pa.grams * a.x.deps[d].cost
				co2[pa.lane] += float64(pa.grams) / 1000 * a.x.deps[d].co2 / 1000
			}
			r.Arrives = atMinute(a.x.deps[pa.deps[len(pa.deps)-1]].arrive)
			if pa.lateDays == 0 {
				onTimeG[pa.lane] += pa.grams
			}
			lanes[pa.lane].Routes = append(lanes[pa.lane].Routes, r)
		}
		for i, li := range k.lanes {
			un := a.lanes[li].v.Grams - k.sol.carried[i]
			if un > 0 {
				lanes[li].UnservedKg = kgOf(un)
				lateU -= un * k.unserved
				unservedU += un * k.unserved
				p.Spill = append(p.Spill, Spill{Origin: lanes[li].Origin, Destination: lanes[li].Destination, Category: lanes[li].Category,
					Kg: kgOf(un), Preferred: "any departure within the horizon"})
			}
		}
		a.spill(k, &p)
	}
	var totalG, onG int64
	for i := range lanes {
		lanes[i].OnTimeKg = kgOf(onTimeG[i])
		lanes[i].OnTimeShare = share(onTimeG[i], laneG[i])
		lanes[i].Cost = money(costU[i])
		lanes[i].CO2Kg = math.Round(co2[i]*10) / 10
		slices.SortFunc(lanes[i].Routes, func(x, y Route) int { return cmp.Compare(y.Kg, x.Kg) })
		p.Totals.Kg += lanes[i].Kg
		p.Totals.Items += lanes[i].Items
		p.Totals.Cost += lanes[i].Cost
		p.Totals.UnservedKg += lanes[i].UnservedKg
		p.Totals.CO2Kg += lanes[i].CO2Kg
		totalG += laneG[i]
		onG += onTimeG[i]
	}
	p.Totals.OnTimeShare = share(onG, totalG)
	p.Totals.LatePenalty = money(lateU)
	p.Totals.UnservedPenalty = money(unservedU)
	p.Totals.Cost = math.Round(p.Totals.Cost*100) / 100
	p.Totals.CO2Kg = math.Round(p.Totals.CO2Kg*10) / 10
	p.Totals.Objective = math.Round((p.Totals.Cost+p.Totals.LatePenalty+p.Totals.UnservedPenalty)*100) / 100
	slices.SortFunc(lanes, func(x, y Lane) int {
		return cmp.Or(cmp.Compare(x.Origin, y.Origin), cmp.Compare(x.Destination, y.Destination), cmp.Compare(x.Category, y.Category))
	})
	p.Lanes = lanes
	for d, g := range depG {
		dp := a.x.deps[d]
		s := a.x.services[dp.svc]
		consigned := dp.fullG - dp.capG
		p.Departures = append(p.Departures, Departure{Service: s.ID, Carrier: s.Carrier, Mode: dp.mode, From: s.From, To: s.To,
			Departs: atMinute(dp.depart), Arrives: atMinute(dp.arrive), CapacityKg: kgOf(dp.fullG), ConsignedKg: kgOf(consigned),
			AllocatedKg: kgOf(g), Utilisation: share(consigned+g, dp.fullG), Lanes: len(depLanes[d])})
	}
	slices.SortFunc(p.Departures, func(x, y Departure) int {
		return cmp.Or(x.Departs.Compare(y.Departs), cmp.Compare(x.Service, y.Service))
	})
	slices.SortFunc(p.Spill, func(x, y Spill) int { return cmp.Compare(y.Kg, x.Kg) })
	p.Consolidation = a.consolidation()
	p.amounts()
	return p
}

func share(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)/float64(whole)*10000) / 10000
}

// spill lists, per lane of k, the mail whose itinerary differs from the
// lane's preferred one, at the first departure where they part.
func (a *Allocator) spill(k *commodity, p *Plan) {
	for pos, li := range k.lanes {
		pref := a.preferred(k, pos)
		if len(pref) == 0 {
			continue
		}
		prefArr := a.x.deps[pref[len(pref)-1]].arrive
		prefCost := a.pathCost(k, pref)
		type key struct{ from, to int32 }
		moved := map[key]int64{}
		delay := map[key]int64{}
		for _, pa := range k.sol.paths {
			if pa.lane != li {
				continue
			}
			i := 0
			for i < len(pa.deps) && i < len(pref) && pa.deps[i] == pref[i] {
				i++
			}
			if i == len(pa.deps) && i == len(pref) {
				continue
			}
			// An itinerary as cheap and as early as the preferred one is
			// an equal choice, not a spill.
			if a.pathCost(k, pa.deps) <= prefCost && a.x.deps[pa.deps[len(pa.deps)-1]].arrive <= prefArr {
				continue
			}
			kk := key{pref[min(i, len(pref)-1)], pa.deps[min(i, len(pa.deps)-1)]}
			moved[kk] += pa.grams
			delay[kk] = max(delay[kk], a.x.deps[pa.deps[len(pa.deps)-1]].arrive-prefArr)
		}
		for kk, g := range moved {
			l := a.lanes[li].v
			p.Spill = append(p.Spill, Spill{Origin: l.Origin, Destination: l.Destination, Category: l.Category, Kg: kgOf(g),
				Preferred: a.depName(kk.from), Took: a.depName(kk.to), DelayHours: math.Round(float64(delay[kk])/6) / 10})
		}
	}
}

// pathCost is the cost per gram of an itinerary for commodity k: transport
// and lateness.
func (a *Allocator) pathCost(k *commodity, deps []int32) int64 {
	var c int64
	for _, d := range deps {
		c += a.x.deps[d].cost
	}
	last := a.x.deps[deps[len(deps)-1]]
	if last.to == k.dest {
		c += int64(max(0, daysBetween(k.deadline, a.x.localDate(k.dest, last.arrive)))) * k.late
	}
	return c
}

// amounts writes the plan's money as the API does: decimal strings in the
// network's cost currency beside the numbers kept for one version. The
// numbers are already rounded to cents, so the strings are exact.
func (p *Plan) amounts() {
	cur := network.CostCurrency
	m := func(f float64) string { return postal.FormatMoney(decimal.NewFromFloat(f), cur) }
	t := &p.Totals
	t.Currency, t.CostAmount, t.LatePenaltyAmount = cur, m(t.Cost), m(t.LatePenalty)
	t.UnservedPenaltyAmount, t.ObjectiveAmount = m(t.UnservedPenalty), m(t.Objective)
	for i := range p.Lanes {
		p.Lanes[i].CostAmount, p.Lanes[i].Currency = m(p.Lanes[i].Cost), cur
	}
	c := &p.Consolidation
	c.Currency, c.SeparateCostAmount, c.ConsolidatedCostAmount, c.SavedCostAmount = cur, m(c.SeparateCost), m(c.ConsolidatedCost), m(c.SavedCost)
	for i := range c.Groups {
		c.Groups[i].SavedCostAmount, c.Groups[i].Currency = m(c.Groups[i].SavedCost), cur
	}
}
