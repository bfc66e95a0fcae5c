package warehouse

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/interpost/interpost/network"
)

// Planner proposes corridors from an origin office to a warehouse. The
// route planner (package routing) plugs in here through an adapter; until
// it is wired, Estimate answers from distance and typical mode speeds.
type Planner interface {
	Corridors(ctx context.Context, from, to network.Office) ([]Corridor, error)
}

// Customs lodges the bulk (B2B) declaration of an inbound shipment with
// customs and returns its reference. The customs package plugs in here; with
// none wired the declaration is kept on the inbound and an officer records
// the decision (Service.RecordClearance).
type Customs interface {
	DeclareBulk(ctx context.Context, in Inbound) (reference string, err error)
}

// Estimate is the built-in Planner: great-circle distance and typical speeds
// and costs of each mode for consolidated freight. It is a rough guide for
// booking and replenishment advice, not a timetable.
type Estimate struct{}

// landlocked countries have no sea port of their own: sea freight to them
// ends with on-carriage by rail or road from a port (4 days more).
var landlocked = map[string]bool{
	"KZ": true, "UZ": true, "KG": true, "TJ": true, "TM": true, "MN": true, "AF": true, "BY": true, "HU": true,
	"CZ": true, "SK": true, "AT": true, "CH": true, "RS": true, "MK": true, "MD": true, "LU": true, "LI": true,
	"AM": true, "AZ": true, "LA": true, "NP": true, "BT": true, "ET": true, "UG": true, "RW": true, "ZM": true,
	"ZW": true, "BW": true, "ML": true, "NE": true, "TD": true, "BF": true, "BO": true, "PY": true,
}

// eurasian countries are linked by the China–Europe and Central Asian rail
// and road corridors.
var eurasian = map[string]bool{
	"CN": true, "MN": true, "KZ": true, "UZ": true, "KG": true, "TJ": true, "TM": true, "RU": true, "BY": true,
	"PL": true, "DE": true, "NL": true, "BE": true, "LU": true, "FR": true, "IT": true, "ES": true, "HU": true,
	"CZ": true, "SK": true, "AT": true, "LT": true, "LV": true, "EE": true, "FI": true, "RS": true, "TR": true,
	"GE": true, "AZ": true, "IR": true, "VN": true, "LA": true, "TH": true,
}

// Corridors implements Planner.
func (Estimate) Corridors(_ context.Context, from, to network.Office) ([]Corridor, error) {
	d := distanceKm(from.Lat, from.Lon, to.Lat, to.Lon)
	var out []Corridor
	add := func(mode string, days, costPerKg float64) {
		out = append(out, Corridor{Mode: mode, TransitDays: math.Round(days*2) / 2, CostPerKg: fmt.Sprintf("%.2f", costPerKg), Currency: network.CostCurrency, Source: "estimate"})
	}
	// Door-to-warehouse days: handling + line haul. Figures are typical
	// consolidated-freight ones (China–Europe block trains 15–20 days, sea
	// 30–40, air 3–5 including handling).
	add("air", 3+d/12000, 1.5+0.35*d/1000)
	land := eurasian[from.Country] && eurasian[to.Country]
	if land && d > 300 {
		add("rail", 2+d/600, 0.3+0.09*d/1000)
	}
	if land && d <= 4500 {
		add("road", 1+d/600, 0.2+0.12*d/1000)
	}
	// Sea freight is for crossing seas: within one country (e.g. Guangzhou
	// to Khorgos) the goods go by land or air.
	if !landlocked[from.Country] && from.Country != to.Country && d > 1500 {
		days := 10 + d*1.6/700
		if landlocked[to.Country] {
			days += 4
		}
		add("sea", days, 0.15+0.02*d/1000)
	}
	return out, nil
}

// distanceKm is the great-circle distance (haversine, mean Earth radius).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// Priority chooses among corridors.
const (
	PriorityCost  = "cost"  // cheapest per kg (rail or sea, usually)
	PrioritySpeed = "speed" // fastest (air, usually)
)

// Choose picks a corridor: the given mode if set, else the cheapest
// (priority cost) or the fastest (priority speed). The rest are returned as
// alternatives, in the same order of preference.
func Choose(cs []Corridor, priority, mode string) (Corridor, []Corridor, error) {
	cs = slices.Clone(cs)
	cost := func(c Corridor) float64 {
		v, err := strconv.ParseFloat(c.CostPerKg, 64)
		if err != nil {
			return math.Inf(1) // a planner's unparsable cost sorts last
		}
		return v
	}
	slices.SortStableFunc(cs, func(a, b Corridor) int {
		if priority == PrioritySpeed {
			return cmp.Or(cmp.Compare(a.TransitDays, b.TransitDays), cmp.Compare(cost(a), cost(b)))
		}
		return cmp.Or(cmp.Compare(cost(a), cost(b)), cmp.Compare(a.TransitDays, b.TransitDays))
	})
	if mode == "" {
		if len(cs) == 0 {
			return Corridor{}, nil, fmt.Errorf("no corridor")
		}
		return cs[0], cs[1:], nil
	}
	for i, c := range cs {
		if c.Mode == mode {
			return c, slices.Delete(cs, i, i+1), nil
		}
	}
	modes := []string{}
	for _, c := range cs {
		modes = append(modes, c.Mode)
	}
	return Corridor{}, nil, fmt.Errorf("no %s corridor on this lane (available: %v)", mode, modes)
}
