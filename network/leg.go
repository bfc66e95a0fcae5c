package network

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // departure times are local to IANA zones: work without system zone files

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/postal"
)

// Mode of transport of a service.
type Mode string

// Modes of transport.
const (
	ModeAir  Mode = "air"
	ModeRail Mode = "rail"
	ModeRoad Mode = "road"
	ModeSea  Mode = "sea"
)

// Modes lists every mode.
var Modes = []Mode{ModeAir, ModeRail, ModeRoad, ModeSea}

// Leg is one scheduled transport from one office to another: a flight
// number, a block train path, a trunk truck line or a sailing. It departs on
// the given ISO weekdays at a local time of the From office.
type Leg struct {
	ID          string         `json:"id"`
	From        string         `json:"from"`
	To          string         `json:"to"`
	Mode        Mode           `json:"mode"`
	Carrier     string         `json:"carrier"`
	Days        civil.Weekdays `json:"days" doc:"ISO weekdays it departs on, e.g. 135 = Mon, Wed, Fri"`
	Departs     civil.Clock    `json:"departs" doc:"Local departure time HH:MM in the zone of the from office"`
	DurationMin int            `json:"duration_min"`
	CutoffMin   int            `json:"cutoff_min" doc:"Minutes before departure the mail must be handed over"`
	CapacityKg  float64        `json:"capacity_kg" doc:"Capacity of one departure"`
	CostPerKg   float64        `json:"cost_per_kg"`
	ValidFrom   civil.Date     `json:"valid_from,omitzero" doc:"First local departure date (inclusive); empty = open"`
	ValidTo     civil.Date     `json:"valid_to,omitzero" doc:"Last local departure date (inclusive); empty = open"`
	// CO2GPerKg overrides the distance-based estimate (CO2Factors) when set.
	CO2GPerKg *float64 `json:"co2_g_per_kg,omitempty"`
	DG        bool     `json:"dg" doc:"Accepts dangerous goods (lithium batteries)"`
}

// CostCurrency is the ISO 4217 currency of every service's cost_per_kg and
// so of every route and plan cost: one currency for the whole network, so
// costs of legs by different carriers add up. Carriers' rates in other
// currencies are converted when the services CSV is prepared.
const CostCurrency = "USD"

// Limits of a service's numbers.
const (
	MaxDurationMin = 90 * 24 * 60 // a long sailing, with margin
	MaxCutoffMin   = 7 * 24 * 60
	MaxCostDigits  = 4 // decimal places of cost_per_kg, so costs add up exactly
)

// Validate checks a service on its own; references to offices are checked
// where the offices are known (ReadServices, the store). Errors name the
// CSV column.
func (s Leg) Validate() error {
	var fe postal.FieldList
	if !validServiceID(s.ID) {
		fe.Add("id", "%q must be 1–64 letters, digits or . _ - /", s.ID)
	}
	if len(s.From) != 6 || !isUpperAlnum(s.From) {
		fe.Add("from", "%q is not an office code (6 letters or digits)", s.From)
	}
	if len(s.To) != 6 || !isUpperAlnum(s.To) {
		fe.Add("to", "%q is not an office code (6 letters or digits)", s.To)
	} else if s.To == s.From {
		fe.Add("to", "%s is also the from office", s.To)
	}
	if !slices.Contains(Modes, s.Mode) {
		fe.Add("mode", "%q is not one of air, rail, road, sea", s.Mode)
	}
	if strings.TrimSpace(s.Carrier) == "" {
		fe.Add("carrier", "required")
	}
	if s.Days == 0 || s.Days&^civil.EveryDay != 0 {
		fe.Add("days", "%q must list ISO weekdays as digits 1 (Monday) to 7 (Sunday), e.g. 135", s.Days)
	}
	if s.Departs < 0 || s.Departs >= 24*60 {
		fe.Add("departs", "%d minutes is outside 00:00…23:59", int(s.Departs))
	}
	if s.DurationMin < 1 || s.DurationMin > MaxDurationMin {
		fe.Add("duration_min", "%d must be between 1 and %d minutes", s.DurationMin, MaxDurationMin)
	}
	if s.CutoffMin < 0 || s.CutoffMin > MaxCutoffMin {
		fe.Add("cutoff_min", "%d must be between 0 and %d minutes", s.CutoffMin, MaxCutoffMin)
	}
	if !finiteNonNegative(s.CapacityKg) {
		fe.Add("capacity_kg", "%v must be a number ≥ 0", s.CapacityKg)
	}
	if !finiteNonNegative(s.CostPerKg) || s.CostPerKg > 1e9 {
		fe.Add("cost_per_kg", "%v must be a number between 0 and 1e9", s.CostPerKg)
	} else if u := s.CostPerKg * 1e4; math.Abs(u-math.Round(u)) > 1e-6 {
		fe.Add("cost_per_kg", "%v has more than %d decimal places", s.CostPerKg, MaxCostDigits)
	}
	if !s.ValidFrom.IsZero() && !s.ValidFrom.Valid() {
		fe.Add("valid_from", "%v is not a date", s.ValidFrom)
	}
	if !s.ValidTo.IsZero() && !s.ValidTo.Valid() {
		fe.Add("valid_to", "%v is not a date", s.ValidTo)
	}
	if !s.ValidFrom.IsZero() && !s.ValidTo.IsZero() && s.ValidTo.Before(s.ValidFrom) {
		fe.Add("valid_to", "%s is before valid_from %s", s.ValidTo, s.ValidFrom)
	}
	if s.CO2GPerKg != nil && (!finiteNonNegative(*s.CO2GPerKg) || *s.CO2GPerKg > 1e9) {
		fe.Add("co2_g_per_kg", "%v must be a number between 0 and 1e9", *s.CO2GPerKg)
	}
	return fe.Err(fmt.Sprintf("service %s is invalid", s.ID))
}

func finiteNonNegative(f float64) bool { return f >= 0 && !math.IsInf(f, 1) }

func validServiceID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-', c == '/':
		default:
			return false
		}
	}
	return true
}

// RunsOn reports whether the service departs on local date d: its weekday is
// one of Days and d lies within the validity dates.
func (s Leg) RunsOn(d civil.Date) bool {
	if !s.Days.Has(d.Weekday()) {
		return false
	}
	if !s.ValidFrom.IsZero() && d.Before(s.ValidFrom) {
		return false
	}
	return s.ValidTo.IsZero() || !s.ValidTo.Before(d)
}

// DepartureOn returns the departure instant on local date d in loc, the zone
// of the From office, by the rules of LocalTime.
func (s Leg) DepartureOn(d civil.Date, loc *time.Location) time.Time {
	return civil.LocalTime(loc, d, s.Departs)
}

// CO2Factors are the default well-to-wheel intensities, in grams of CO2e per
// tonne-kilometre, used when a service gives no co2_g_per_kg: rounded GLEC
// Framework v3 (Smart Freight Centre, 2023) defaults for long-haul air
// cargo, container rail, articulated trucks and deep-sea container ships.
// docs/formats.md cites them.
var CO2Factors = map[Mode]float64{
	ModeAir:  602,
	ModeRail: 25,
	ModeRoad: 75,
	ModeSea:  12,
}

// EarthRadiusKm is the mean Earth radius used for great-circle distances.
const EarthRadiusKm = 6371.0088

// GreatCircleKm returns the great-circle (haversine) distance between two
// offices.
func GreatCircleKm(a, b Office) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// CO2GramsPerKg returns the CO2e in grams for carrying one kilogram on this
// service from office from to office to: co2_g_per_kg when given, else the
// great-circle distance times the mode's factor.
func (s Leg) CO2GramsPerKg(from, to Office) float64 {
	if s.CO2GPerKg != nil {
		return *s.CO2GPerKg
	}
	return GreatCircleKm(from, to) * CO2Factors[s.Mode] / 1000
}

// LegStore keeps the timetable.
type LegStore interface {
	// ReplaceNetwork creates or replaces offices by code and replaces the
	// whole timetable with services, in one transaction: all or nothing.
	// Offices are never deleted (items and merchants refer to them). The
	// network moves to its next version in the same transaction.
	// Returns invalid when a service is invalid, repeats an id, or names an
	// office that is neither in offices nor stored.
	ReplaceNetwork(ctx context.Context, offices []Office, services []Leg) error
	// Services lists every service sorted by id.
	Services(ctx context.Context) ([]Leg, error)
	// NetworkVersion returns the version of the stored network: a number
	// that grows in the transaction of every change to offices or services
	// (ReplaceNetwork, PutOffices), on any node, and never otherwise.
	NetworkVersion(ctx context.Context) (int64, error)
}
