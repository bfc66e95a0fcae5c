package warehouse

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interpost/interpost/postal"
)

// Kind says what a warehouse is for.
type Kind string

// Warehouse kinds.
const (
	KindOverseas Kind = "overseas" // in the buyers' market, stocked ahead of demand
	KindBorder   Kind = "border"   // at a land border (e.g. Khorgos) serving the countries beyond it
)

// ZoneKind is the storage class of a zone. Dangerous goods are kept apart
// (IATA DGR / ADR segregation): they go to dangerous zones only, and nothing
// else goes there.
type ZoneKind string

// Zone kinds.
const (
	ZoneAmbient   ZoneKind = "ambient"
	ZoneHighValue ZoneKind = "high_value"
	ZoneDangerous ZoneKind = "dangerous"
)

var zoneKinds = []ZoneKind{ZoneAmbient, ZoneHighValue, ZoneDangerous}

// MaxBinsPerZone bounds a zone's bins (bin codes are ZONE-NNN).
const MaxBinsPerZone = 999

// Address is where a warehouse is; it is the sender address of its parcels.
type Address struct {
	Address  string `json:"address" maxLength:"200" doc:"Street and number"`
	City     string `json:"city" maxLength:"100"`
	Postcode string `json:"postcode,omitempty" maxLength:"20"`
}

// Coverage is a country a warehouse delivers to, and in how many days.
type Coverage struct {
	Country string `json:"country" doc:"ISO 3166-1 alpha-2 country the warehouse delivers to" example:"PL"`
	Days    int    `json:"days" minimum:"1" maximum:"60" doc:"Delivery days from dispatch to the buyer"`
}

// Zone is an area of a warehouse with Bins bin locations ZONE-001…
type Zone struct {
	Code string   `json:"code" doc:"1 to 4 letters or digits, e.g. A" example:"A"`
	Name string   `json:"name,omitempty" maxLength:"60"`
	Kind ZoneKind `json:"kind" enum:"ambient,high_value,dangerous"`
	Bins int      `json:"bins" minimum:"1" maximum:"999" doc:"Number of bin locations, named CODE-001, CODE-002, …"`
}

// BinCodes returns the zone's bin codes in order.
func (z Zone) BinCodes() []string {
	out := make([]string, z.Bins)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", z.Code, i+1)
	}
	return out
}

// Warehouse is an office of kind warehouse with its layout and the countries
// it serves. Name, Country and TZ come from the office.
type Warehouse struct {
	Code    string     `json:"code" doc:"Office code of the warehouse (an office of kind warehouse)" example:"BELGGW"`
	Kind    Kind       `json:"kind" enum:"overseas,border"`
	Name    string     `json:"name,omitempty" readOnly:"true"`
	Country string     `json:"country,omitempty" readOnly:"true"`
	TZ      string     `json:"tz,omitempty" readOnly:"true"`
	Address Address    `json:"address"`
	Serves  []Coverage `json:"serves" minItems:"1" doc:"Countries the warehouse delivers to"`
	Zones   []Zone     `json:"zones" minItems:"1"`
	// UpdatedAt is set by the store.
	UpdatedAt time.Time `json:"updated_at,omitzero" readOnly:"true"`
}

// Days returns the delivery days to country, and whether it is served.
func (w Warehouse) Days(country string) (int, bool) {
	for _, c := range w.Serves {
		if c.Country == country {
			return c.Days, true
		}
	}
	return 0, false
}

// ZoneOf returns the zone of a bin code.
func (w Warehouse) ZoneOf(bin string) (Zone, bool) {
	code, n, ok := strings.Cut(bin, "-")
	if !ok {
		return Zone{}, false
	}
	for _, z := range w.Zones {
		if z.Code == code {
			var i int
			if _, err := fmt.Sscanf(n, "%03d", &i); err != nil || len(n) != 3 || i < 1 || i > z.Bins {
				return Zone{}, false
			}
			return z, true
		}
	}
	return Zone{}, false
}

// Validate checks the warehouse's own fields (the office is checked by the
// service). home is the country of the post running Interpost: its buyers
// are domestic and not served from here.
func (w Warehouse) Validate(home string) error {
	var fe postal.FieldList
	if w.Kind != KindOverseas && w.Kind != KindBorder {
		fe.Add("kind", "%q is not one of overseas, border", w.Kind)
	}
	text := func(field, v string, max int, required bool) {
		switch n := utf8.RuneCountInString(strings.TrimSpace(v)); {
		case n == 0 && required:
			fe.Add(field, "required")
		case n > max:
			fe.Add(field, "longer than %d characters", max)
		}
	}
	text("address.address", w.Address.Address, 200, true)
	text("address.city", w.Address.City, 100, true)
	text("address.postcode", w.Address.Postcode, 20, false)
	if len(w.Serves) == 0 {
		fe.Add("serves", "at least one country the warehouse delivers to")
	}
	seen := map[string]bool{}
	for i, c := range w.Serves {
		p := fmt.Sprintf("serves[%d]", i)
		switch {
		case !postal.ValidCountry(c.Country):
			fe.Add(p+".country", "%q is not an ISO 3166-1 alpha-2 country code", c.Country)
		case c.Country == home:
			fe.Add(p+".country", "%s is the post's own country; domestic buyers are not served by its overseas and border warehouses", c.Country)
		case seen[c.Country]:
			fe.Add(p+".country", "%s is listed twice", c.Country)
		}
		seen[c.Country] = true
		if c.Days < 1 || c.Days > 60 {
			fe.Add(p+".days", "must be 1 to 60 days, got %d", c.Days)
		}
	}
	if len(w.Zones) == 0 {
		fe.Add("zones", "at least one zone with bins")
	}
	zones := map[string]bool{}
	for i, z := range w.Zones {
		p := fmt.Sprintf("zones[%d]", i)
		switch {
		case z.Code == "" || len(z.Code) > 4 || !upperAlnum(z.Code):
			fe.Add(p+".code", "%q must be 1 to 4 capital letters or digits", z.Code)
		case zones[z.Code]:
			fe.Add(p+".code", "zone %s is listed twice", z.Code)
		}
		zones[z.Code] = true
		if utf8.RuneCountInString(z.Name) > 60 {
			fe.Add(p+".name", "longer than 60 characters")
		}
		if !slices.Contains(zoneKinds, z.Kind) {
			fe.Add(p+".kind", "%q is not one of ambient, high_value, dangerous", z.Kind)
		}
		if z.Bins < 1 || z.Bins > MaxBinsPerZone {
			fe.Add(p+".bins", "must be 1 to %d, got %d", MaxBinsPerZone, z.Bins)
		}
	}
	return fe.Err("warehouse " + w.Code + " has invalid fields")
}

func upperAlnum(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
