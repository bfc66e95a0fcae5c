package routing

import (
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Result answers a query. Earliest is nil when no itinerary reaches the
// destination within the horizon; Pareto is empty unless asked for.
type Result struct {
	Earliest *Itinerary  `json:"earliest"`
	Pareto   []Itinerary `json:"pareto"`
	// CostBasis names the tariff the costs come from.
	CostBasis string `json:"cost_basis" doc:"The tariff the costs use: the services' cost_per_kg in the network's cost currency" example:"network services cost_per_kg (USD)"`
}

// CostBasis is Result.CostBasis: route costs are priced by the services'
// cost_per_kg of the stored network, in network.CostCurrency.
const CostBasis = "network services cost_per_kg (" + network.CostCurrency + ")"

// Itinerary is one way through the network.
type Itinerary struct {
	Arrive time.Time `json:"arrive" doc:"Arrival at the destination (UTC)"`
	// Cost is CostAmount as a JSON number, kept for one version.
	Cost       float64 `json:"cost" deprecated:"true" doc:"Deprecated: use cost_amount and currency; removed in the next version. Σ cost_per_kg × weight as a number"`
	CostAmount string  `json:"cost_amount" doc:"Σ cost_per_kg × weight as a decimal string in currency's minor units" example:"6.50"`
	Currency   string  `json:"currency" doc:"ISO 4217 currency of cost_amount: the network's cost currency" example:"USD"`
	CO2Kg      float64 `json:"co2_kg" doc:"CO2e for the item's weight, kg"`
	Legs       []Leg   `json:"legs"`

	costUnits int64 // Σ cost per kg in 1/10 000 units
	co2Units  int64 // Σ CO2e in mg per kg
}

// Leg is one departure of a service.
type Leg struct {
	Service string    `json:"service"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Depart  time.Time `json:"depart"`
	Arrive  time.Time `json:"arrive"`

	Mode    network.Mode `json:"-"`
	Carrier string       `json:"-"`
}

// itinerary turns a chain of connections into an Itinerary for the query's
// item.
func (p *Planner) itinerary(tt *Timetable, q *query, chain []int32) *Itinerary {
	it := &Itinerary{Legs: make([]Leg, 0, len(chain))}
	for _, ci := range chain {
		c := &tt.conns[ci]
		s := &p.services[c.svc]
		dep := int64(c.drop) + int64(s.CutoffMin)
		it.Legs = append(it.Legs, Leg{
			Service: s.ID, From: s.From, To: s.To, Mode: s.Mode, Carrier: s.Carrier,
			Depart: time.Unix(dep*60, 0).UTC(), Arrive: time.Unix(int64(c.arr)*60, 0).UTC(),
		})
		it.costUnits += p.svc[c.svc].cost
		it.co2Units += p.svc[c.svc].co2
	}
	it.Arrive = it.Legs[len(it.Legs)-1].Arrive
	w := int64(q.WeightG)
	it.Cost = round6(float64(it.costUnits) * float64(w) / 1e7)
	// costUnits is per kg in 1/10 000 and w in grams: exact to 1e-7.
	it.CostAmount = postal.FormatMoney(decimal.New(it.costUnits, -7).Mul(decimal.NewFromInt(w)), network.CostCurrency)
	it.Currency = network.CostCurrency
	it.CO2Kg = round6(float64(it.co2Units) * float64(w) / 1e9)
	return it
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }
