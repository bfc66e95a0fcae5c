package twin

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Kinds of scenario change.
const (
	CloseCountry      = "close_country"     // no service touches the country
	CancelService     = "cancel_service"    // the service does not run
	AddService        = "add_service"       // a new service runs
	ScaleAllotment    = "scale_allotment"   // a service's or carrier's capacity × factor
	ScaleDemand       = "scale_demand"      // demand × factor
	ExportInspection  = "export_inspection" // share of items export customs holds
	ReplaceTariffFile = "replace_tariff"    // a tariff table replaced by a file
)

// Change is one change of a scenario, in force from From to To (local
// dates, inclusive; zero To is open).
type Change struct {
	Kind    string       `json:"kind"`
	Line    int          `json:"line"`
	Country string       `json:"country,omitempty"`
	Service string       `json:"service,omitempty"`
	Carrier string       `json:"carrier,omitempty"`
	Factor  float64      `json:"factor,omitempty"`
	Rate    float64      `json:"rate,omitempty"`
	Leg     *network.Leg `json:"leg,omitempty"`
	Table   string       `json:"table,omitempty"`
	File    []byte       `json:"-"`
	From    civil.Date   `json:"from,omitzero"`
	To      civil.Date   `json:"to,omitzero"`
}

// Scenario is a named set of changes to the baseline.
type Scenario struct {
	Name    string   `json:"name"`
	Changes []Change `json:"changes"`
}

// active reports whether c is in force on d.
func (c Change) active(d civil.Date) bool {
	return !d.Before(c.From) && (c.To.IsZero() || !c.To.Before(d))
}

// rawChange is a change as written: one kind key plus its period.
type rawChange struct {
	CloseCountry     string    `yaml:"close_country"`
	CancelService    string    `yaml:"cancel_service"`
	AddService       *rawLeg   `yaml:"add_service"`
	ScaleAllotment   *rawAllot `yaml:"scale_allotment"`
	ScaleDemand      *float64  `yaml:"scale_demand"`
	ExportInspection *float64  `yaml:"export_inspection"`
	ReplaceTariff    *rawTable `yaml:"replace_tariff"`
	On               string    `yaml:"on"`
	From             string    `yaml:"from"`
	To               string    `yaml:"to"`
	FromDay          int       `yaml:"from_day"`
	ToDay            int       `yaml:"to_day"`
}

type rawAllot struct {
	Service string  `yaml:"service"`
	Carrier string  `yaml:"carrier"`
	Factor  float64 `yaml:"factor"`
}

type rawTable struct {
	Table string `yaml:"table"`
	File  string `yaml:"file"`
}

type rawLeg struct {
	ID          string  `yaml:"id"`
	From        string  `yaml:"from"`
	To          string  `yaml:"to"`
	Mode        string  `yaml:"mode"`
	Carrier     string  `yaml:"carrier"`
	Days        string  `yaml:"days"`
	Departs     string  `yaml:"departs"`
	DurationMin int     `yaml:"duration_min"`
	CutoffMin   int     `yaml:"cutoff_min"`
	CapacityKg  float64 `yaml:"capacity_kg"`
	CostPerKg   float64 `yaml:"cost_per_kg"`
}

// World is what a scenario is checked against.
type World struct {
	Network network.Network
	Start   civil.Date
	Days    int
	Tables  []string // tariff table file names
}

// LoadScenario reads and checks a scenario file; relative tariff files
// are read beside it.
func LoadScenario(path string, w World) (Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, err
	}
	s, err := ParseScenario(data, filepath.Dir(path), w)
	if err != nil {
		return s, fmt.Errorf("scenario %s: %w", path, err)
	}
	return s, nil
}

// lineErr is a scenario error at a line.
func lineErr(line int, format string, args ...any) error {
	return postal.Invalid("bad scenario", postal.FieldError{Field: fmt.Sprintf("line %d", line), Message: fmt.Sprintf(format, args...)})
}

// ParseScenario reads a scenario YAML document and checks it against the
// world: unknown offices, services, carriers and countries, overlapping
// periods of the same change and negative scales are refused with the
// line and the reason.
func ParseScenario(data []byte, dir string, w World) (Scenario, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return Scenario{}, postal.Invalid("bad scenario", postal.FieldError{Field: "yaml", Message: err.Error()})
	}
	var s Scenario
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return s, lineErr(1, "a scenario is a mapping with name and changes")
	}
	root := doc.Content[0]
	var changes *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "name":
			s.Name = v.Value
		case "changes":
			changes = v
		default:
			return s, lineErr(k.Line, "unknown key %q (name, changes)", clip(k.Value))
		}
	}
	if changes == nil || changes.Kind != yaml.SequenceNode {
		return s, lineErr(root.Line, "changes: a list of changes is required")
	}
	for _, n := range changes.Content {
		c, err := w.change(n, dir)
		if err != nil {
			return s, err
		}
		for _, o := range s.Changes {
			if o.Kind == c.Kind && o.target() == c.target() && overlap(o, c) {
				return s, lineErr(c.Line, "%s %s overlaps the period of line %d", c.Kind, c.target(), o.Line)
			}
		}
		s.Changes = append(s.Changes, c)
	}
	return s, nil
}

func (c Change) target() string {
	switch {
	case c.Leg != nil:
		return c.Leg.ID
	case c.Table != "":
		return c.Table
	}
	return c.Country + c.Service + c.Carrier
}

func overlap(a, b Change) bool {
	aEndsBefore := !a.To.IsZero() && a.To.Before(b.From)
	bEndsBefore := !b.To.IsZero() && b.To.Before(a.From)
	return !aEndsBefore && !bEndsBefore
}

// change decodes and checks one change.
func (w World) change(n *yaml.Node, dir string) (Change, error) {
	var r rawChange
	c := Change{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return c, lineErr(n.Line, "a change is a mapping such as {close_country: BY, from_day: 3}")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(changeKeys, k.Value) {
			return c, lineErr(k.Line, "unknown key %q (%s)", clip(k.Value), strings.Join(changeKeys, ", "))
		}
	}
	if err := n.Decode(&r); err != nil {
		return c, lineErr(n.Line, "%v", err)
	}
	kinds := 0
	offices := network.OfficeMap(w.Network.Offices)
	countries := map[string]bool{}
	for _, o := range w.Network.Offices {
		countries[o.Country] = true
	}
	services := map[string]network.Leg{}
	carriers := map[string]bool{}
	for _, l := range w.Network.Services {
		services[l.ID] = l
		carriers[l.Carrier] = true
	}
	if r.CloseCountry != "" {
		kinds++
		c.Kind, c.Country = CloseCountry, r.CloseCountry
		if !postal.ValidCountry(r.CloseCountry) || !countries[r.CloseCountry] {
			return c, lineErr(n.Line, "unknown country %q: no office of the network is in it", clip(r.CloseCountry))
		}
	}
	if r.CancelService != "" {
		kinds++
		c.Kind, c.Service = CancelService, r.CancelService
		if _, ok := services[r.CancelService]; !ok {
			return c, lineErr(n.Line, "unknown service %q", clip(r.CancelService))
		}
	}
	if r.AddService != nil {
		kinds++
		c.Kind = AddService
		leg, err := r.AddService.leg()
		if err != nil {
			return c, lineErr(n.Line, "add_service: %v", err)
		}
		for _, code := range []string{leg.From, leg.To} {
			if _, ok := offices[code]; !ok {
				return c, lineErr(n.Line, "add_service: unknown office %q", clip(code))
			}
		}
		if _, ok := services[leg.ID]; ok {
			return c, lineErr(n.Line, "add_service: service %q already exists", clip(leg.ID))
		}
		c.Leg = &leg
	}
	if a := r.ScaleAllotment; a != nil {
		kinds++
		c.Kind, c.Service, c.Carrier, c.Factor = ScaleAllotment, a.Service, a.Carrier, a.Factor
		switch {
		case (a.Service == "") == (a.Carrier == ""):
			return c, lineErr(n.Line, "scale_allotment: give a service or a carrier")
		case a.Service != "" && services[a.Service].ID == "":
			return c, lineErr(n.Line, "unknown service %q", clip(a.Service))
		case a.Carrier != "" && !carriers[a.Carrier]:
			return c, lineErr(n.Line, "unknown carrier %q", clip(a.Carrier))
		case a.Factor < 0:
			return c, lineErr(n.Line, "negative scale %v", a.Factor)
		}
	}
	if r.ScaleDemand != nil {
		kinds++
		c.Kind, c.Factor = ScaleDemand, *r.ScaleDemand
		if c.Factor < 0 {
			return c, lineErr(n.Line, "negative scale %v", c.Factor)
		}
	}
	if r.ExportInspection != nil {
		kinds++
		c.Kind, c.Rate = ExportInspection, *r.ExportInspection
		if c.Rate < 0 || c.Rate > 1 {
			return c, lineErr(n.Line, "export_inspection %v is not a share between 0 and 1", c.Rate)
		}
	}
	if t := r.ReplaceTariff; t != nil {
		kinds++
		c.Kind, c.Table = ReplaceTariffFile, t.Table
		if !slices.Contains(w.Tables, t.Table) {
			return c, lineErr(n.Line, "unknown tariff table %q (%s)", clip(t.Table), strings.Join(w.Tables, ", "))
		}
		f := t.File
		if !filepath.IsAbs(f) {
			f = filepath.Join(dir, f)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return c, lineErr(n.Line, "replace_tariff: %v", err)
		}
		c.File = b
	}
	if kinds != 1 {
		return c, lineErr(n.Line, "a change has exactly one of close_country, cancel_service, add_service, scale_allotment, scale_demand, export_inspection, replace_tariff")
	}
	return c, w.period(&c, r)
}

var changeKeys = []string{"close_country", "cancel_service", "add_service", "scale_allotment", "scale_demand", "export_inspection",
	"replace_tariff", "on", "from", "to", "from_day", "to_day"}

// period resolves on / from / to / from_day / to_day into dates.
func (w World) period(c *Change, r rawChange) error {
	var err error
	switch {
	case r.On != "":
		if r.From != "" || r.To != "" || r.FromDay != 0 || r.ToDay != 0 {
			return lineErr(c.Line, "on is a single day: give on, or from/to, or from_day/to_day")
		}
		if c.From, err = civil.ParseDate(r.On); err != nil {
			return lineErr(c.Line, "on: %v", err)
		}
		c.To = c.From
	case r.FromDay != 0 || r.ToDay != 0:
		if r.From != "" || r.To != "" {
			return lineErr(c.Line, "give from/to or from_day/to_day, not both")
		}
		if r.FromDay < 0 || r.ToDay < 0 || (r.ToDay != 0 && r.ToDay < max(r.FromDay, 1)) {
			return lineErr(c.Line, "from_day %d, to_day %d: days count from 1 and to_day is not before from_day", r.FromDay, r.ToDay)
		}
		c.From = w.Start.AddDays(max(r.FromDay, 1) - 1)
		if r.ToDay != 0 {
			c.To = w.Start.AddDays(r.ToDay - 1)
		}
	default:
		if r.From != "" {
			if c.From, err = civil.ParseDate(r.From); err != nil {
				return lineErr(c.Line, "from: %v", err)
			}
		}
		if r.To != "" {
			if c.To, err = civil.ParseDate(r.To); err != nil {
				return lineErr(c.Line, "to: %v", err)
			}
			if c.To.Before(c.From) {
				return lineErr(c.Line, "to %s is before from %s", c.To, c.From)
			}
		}
	}
	return nil
}

func (r rawLeg) leg() (network.Leg, error) {
	days, err := civil.ParseWeekdays(r.Days)
	if err != nil {
		return network.Leg{}, fmt.Errorf("days: %w", err)
	}
	dep, err := civil.ParseClock(r.Departs)
	if err != nil {
		return network.Leg{}, fmt.Errorf("departs: %w", err)
	}
	l := network.Leg{ID: r.ID, From: r.From, To: r.To, Mode: network.Mode(r.Mode), Carrier: r.Carrier, Days: days, Departs: dep,
		DurationMin: r.DurationMin, CutoffMin: r.CutoffMin, CapacityKg: r.CapacityKg, CostPerKg: r.CostPerKg, DG: true}
	return l, l.Validate()
}

// clip quotes at most 40 characters of bad input.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// Legs returns the services in force on d: the base timetable with the
// scenario's network changes applied. The planner learns of a change on
// its first day (no advance notice; docs/twin.md).
func (s Scenario) Legs(base network.Network, d civil.Date) []network.Leg {
	countryOf := map[string]string{}
	for _, o := range base.Offices {
		countryOf[o.Code] = o.Country
	}
	var out []network.Leg
	legs := append([]network.Leg(nil), base.Services...)
	for _, c := range s.Changes {
		if c.Kind == AddService && c.active(d) {
			legs = append(legs, *c.Leg)
		}
	}
next:
	for _, l := range legs {
		for _, c := range s.Changes {
			if !c.active(d) {
				continue
			}
			switch c.Kind {
			case CloseCountry:
				if countryOf[l.From] == c.Country || countryOf[l.To] == c.Country {
					continue next
				}
			case CancelService:
				if l.ID == c.Service {
					continue next
				}
			case ScaleAllotment:
				if l.ID == c.Service || l.Carrier == c.Carrier {
					l.CapacityKg *= c.Factor
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// closed reports whether a country is closed on d.
func (s Scenario) closed(country string, d civil.Date) (bool, civil.Date) {
	for _, c := range s.Changes {
		if c.Kind == CloseCountry && c.Country == country && c.active(d) {
			return true, c.To
		}
	}
	return false, civil.Date{}
}

// demand returns the demand factor on d.
func (s Scenario) demand(d civil.Date) float64 {
	f := 1.0
	for _, c := range s.Changes {
		if c.Kind == ScaleDemand && c.active(d) {
			f *= c.Factor
		}
	}
	return f
}

// exportHold returns the export hold rate on d.
func (s Scenario) exportHold(d civil.Date, base float64) float64 {
	for _, c := range s.Changes {
		if c.Kind == ExportInspection && c.active(d) {
			return c.Rate
		}
	}
	return base
}

// tariffFiles returns the tariff files with the scenario's replacements.
func (s Scenario) tariffFiles(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range files {
		out[k] = v
	}
	for _, c := range s.Changes {
		if c.Kind == ReplaceTariffFile {
			out[c.Table] = c.File
		}
	}
	return out
}
