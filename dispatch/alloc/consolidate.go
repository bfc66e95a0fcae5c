package alloc

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/interpost/interpost/dispatch"
)

// Consolidation compares, for departures that carry mail of several
// origins to the same destination and category, shipping each origin's
// mail in its own closed dispatch (separately) with re-sorting it at the
// hub into shared dispatches (consolidated). Both ride the same
// departures — the timetable already decided which — so the saving is what
// packing changes: fewer, fuller receptacles (less tare carried on every
// leg from the hub on) and fewer dispatches (each costs DispatchCost per
// leg for documents, handling and a carrier's minimum charge).
type Consolidation struct {
	Groups           []Group `json:"groups"`
	SeparateCost     float64 `json:"separate_cost" deprecated:"true" doc:"Deprecated: use separate_cost_amount and currency; removed in the next version."`
	ConsolidatedCost float64 `json:"consolidated_cost" deprecated:"true" doc:"Deprecated: use consolidated_cost_amount and currency; removed in the next version."`
	SavedCost        float64 `json:"saved_cost" deprecated:"true" doc:"Deprecated: use saved_cost_amount and currency; removed in the next version."`
	// The amounts as decimal strings in Currency.
	Currency               string  `json:"currency" doc:"ISO 4217 currency of the amounts" example:"USD"`
	SeparateCostAmount     string  `json:"separate_cost_amount"`
	ConsolidatedCostAmount string  `json:"consolidated_cost_amount"`
	SavedCostAmount        string  `json:"saved_cost_amount"`
	SeparateCO2Kg          float64 `json:"separate_co2_kg"`
	ConsolidatedCO2Kg      float64 `json:"consolidated_co2_kg"`
	SavedCO2Kg             float64 `json:"saved_co2_kg"`
	SavedReceptacles       int     `json:"saved_receptacles"`
	SavedDispatches        int     `json:"saved_dispatches"`
	// Model states the assumptions behind the figures.
	Model string `json:"model"`
}

// Group is the mail of several origins meeting on one departure.
type Group struct {
	Hub                     string     `json:"hub" doc:"Office where the origins' mail meets"`
	Service                 string     `json:"service"`
	Departs                 time.Time  `json:"departs"`
	Destination             string     `json:"destination"`
	Category                string     `json:"category"`
	Origins                 []OriginKg `json:"origins"`
	Kg                      float64    `json:"kg"`
	SeparateDispatches      int        `json:"separate_dispatches"`
	SeparateReceptacles     int        `json:"separate_receptacles"`
	ConsolidatedReceptacles int        `json:"consolidated_receptacles"`
	SavedCost               float64    `json:"saved_cost" deprecated:"true" doc:"Deprecated: use saved_cost_amount and currency; removed in the next version."`
	SavedCostAmount         string     `json:"saved_cost_amount"`
	Currency                string     `json:"currency" doc:"ISO 4217 currency of saved_cost_amount" example:"USD"`
	SavedCO2Kg              float64    `json:"saved_co2_kg"`
}

// OriginKg is one origin's share of a group.
type OriginKg struct {
	Origin string  `json:"origin"`
	Kg     float64 `json:"kg"`
}

func (a *Allocator) consolidation() Consolidation {
	bag, _ := dispatch.LookupType(dispatch.Bag)
	netPerBag := float64(bag.MaxGrossG-bag.TareG) * bag.Fill // grams of mail in an average bag
	tareKg := float64(bag.TareG) / 1000
	c := Consolidation{Groups: []Group{}, Model: "same departures either way; bags of 30 kg filled to 80 % on average (0.5 kg tare); " +
		"separately = one closed dispatch per origin on every shared departure; consolidated = one dispatch re-sorted at the hub; " +
		"dispatch cost per dispatch and leg as configured; CO2 of the tare from the hub on"}
	for _, k := range a.ks {
		type share struct {
			grams         int64
			legs          float64 // Σ grams × onward legs
			costPK, co2PK float64 // Σ grams × onward cost / CO2 per kg
			feeder        bool    // the origin's mail reached the hub on an earlier leg
		}
		groups := map[int32]map[string]*share{}
		for _, pa := range k.sol.paths {
			for i, d := range pa.deps {
				origin := a.lanes[pa.lane].v.Origin
				if groups[d] == nil {
					groups[d] = map[string]*share{}
				}
				s := groups[d][origin]
				if s == nil {
					s = &share{}
					groups[d][origin] = s
				}
				s.grams += pa.grams
				s.feeder = s.feeder || i > 0
				g := float64(pa.grams)
				for _, od := range pa.deps[i:] {
					s.legs += g
					s.costPK += g * float64(a.x.deps[od].cost) / 1e4
					s.co2PK += g * a.x.deps[od].co2 / 1000
				}
			}
		}
		for d, origins := range groups {
			feeders := false
			for _, s := range origins {
				feeders = feeders || s.feeder
			}
			if len(origins) < 2 || !feeders {
				continue // one origin, or every origin's own first leg: nothing meets
			}
			var total int64
			var legs, costPK, co2PK float64
			sepRec, sepDisp := 0, 0
			grp := Group{Hub: a.x.offices[a.x.deps[d].from].Code, Service: a.x.services[a.x.deps[d].svc].ID, Departs: atMinute(a.x.deps[d].depart),
				Destination: a.x.offices[k.dest].Code, Category: k.cat}
			for o, s := range origins {
				total += s.grams
				legs += s.legs
				costPK += s.costPK
				co2PK += s.co2PK
				sepRec += int(math.Ceil(float64(s.grams) / netPerBag))
				sepDisp++
				grp.Origins = append(grp.Origins, OriginKg{Origin: o, Kg: kgOf(s.grams)})
			}
			slices.SortFunc(grp.Origins, func(x, y OriginKg) int { return cmp.Compare(x.Origin, y.Origin) })
			g := float64(total)
			legs, costPK, co2PK = legs/g, costPK/g, co2PK/g // per kg of mail, averaged over the group
			conRec := int(math.Ceil(g / netPerBag))
			grp.Kg, grp.SeparateDispatches, grp.SeparateReceptacles, grp.ConsolidatedReceptacles = kgOf(total), sepDisp, sepRec, conRec
			mailKg := g / 1000
			sepCost := (mailKg+float64(sepRec)*tareKg)*costPK + float64(sepDisp)*legs*a.opts.DispatchCost
			conCost := (mailKg+float64(conRec)*tareKg)*costPK + legs*a.opts.DispatchCost
			sepCO2 := (mailKg + float64(sepRec)*tareKg) * co2PK
			conCO2 := (mailKg + float64(conRec)*tareKg) * co2PK
			grp.SavedCost = round2(sepCost - conCost)
			grp.SavedCO2Kg = round1(sepCO2 - conCO2)
			c.SeparateCost += sepCost
			c.ConsolidatedCost += conCost
			c.SeparateCO2Kg += sepCO2
			c.ConsolidatedCO2Kg += conCO2
			c.SavedReceptacles += sepRec - conRec
			c.SavedDispatches += sepDisp - 1
			c.Groups = append(c.Groups, grp)
		}
	}
	slices.SortFunc(c.Groups, func(x, y Group) int { return cmp.Compare(y.SavedCost, x.SavedCost) })
	c.SeparateCost, c.ConsolidatedCost = round2(c.SeparateCost), round2(c.ConsolidatedCost)
	c.SavedCost = round2(c.SeparateCost - c.ConsolidatedCost)
	c.SeparateCO2Kg, c.ConsolidatedCO2Kg = round1(c.SeparateCO2Kg), round1(c.ConsolidatedCO2Kg)
	c.SavedCO2Kg = round1(c.SeparateCO2Kg - c.ConsolidatedCO2Kg)
	return c
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
func round1(f float64) float64 { return math.Round(f*10) / 10 }
