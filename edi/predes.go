package edi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// Transport is a departure of a service: the planned transport of a
// dispatch, the departure of a consignment.
type Transport struct {
	Service   string    `json:"service" doc:"Flight number, train path or truck line" example:"MF811"`
	Mode      string    `json:"mode" enum:"air,rail,road,sea"`
	Carrier   string    `json:"carrier"`
	From      string    `json:"from" doc:"Office of departure"`
	To        string    `json:"to" doc:"Office of arrival"`
	Departure time.Time `json:"departure"`
	Arrival   time.Time `json:"arrival"`
}

// Receptacle is a receptacle as pre-advised.
type Receptacle struct {
	ID           string   `json:"id" doc:"S9 receptacle id"`
	Type         string   `json:"type,omitempty" doc:"bag, tray or pallet"`
	GrossWeightG int      `json:"gross_weight_g"`
	Items        []string `json:"items,omitempty" doc:"S10 ids of the items in it (PREDES only)"`
	// ItemData is the customs data of some of the items (ITMATT-like),
	// in the order of Items.
	ItemData []ItemData `json:"item_data,omitempty" doc:"Customs data of items listed in items (PREDES only)"`
}

// ItemData is what a pre-advice may carry about an item for import
// customs, as an ITMATT would: contents, value, sender and addressee.
type ItemData struct {
	Item             string `json:"item" doc:"S10 item id, one of the receptacle's items"`
	Contents         string `json:"contents,omitempty" maxLength:"70"`
	HSCode           string `json:"hs_code,omitempty" doc:"HS code, 6 to 10 digits"`
	WeightG          int    `json:"weight_g,omitempty"`
	Value            string `json:"value,omitempty" doc:"Declared value, decimal" example:"25.00"`
	Currency         string `json:"currency,omitempty" example:"JPY"`
	SenderName       string `json:"sender_name,omitempty"`
	SenderCountry    string `json:"sender_country,omitempty"`
	AddresseeName    string `json:"addressee_name,omitempty"`
	AddresseeCountry string `json:"addressee_country,omitempty"`
}

// Predes is the pre-advice of a dispatch from the origin to the
// destination post, sent when the dispatch closes.
type Predes struct {
	Ref         string       `json:"ref" doc:"Interchange control reference"`
	Prepared    time.Time    `json:"prepared"`
	Dispatch    string       `json:"dispatch" doc:"S8 dispatch id"`
	Origin      string       `json:"origin"`
	Destination string       `json:"destination"`
	Transport   *Transport   `json:"transport,omitempty" doc:"Planned transport, once consigned"`
	Receptacles []Receptacle `json:"receptacles"`
}

// GrossWeightG is the sum of the receptacles' gross weights.
func (p Predes) GrossWeightG() int {
	n := 0
	for _, r := range p.Receptacles {
		n += r.GrossWeightG
	}
	return n
}

// Validate checks a pre-advice: ids, consistency of the receptacles with
// the dispatch (every S9 id starts with the S8 id, one carries the last
// flag), weights.
func (p Predes) Validate() error {
	var fe postal.FieldList
	d, err := postal.ParseDispatchID(p.Dispatch)
	if err != nil {
		fe.Add("dispatch", "%v", err)
	} else {
		if p.Origin != d.Origin {
			fe.Add("origin", "%q differs from the dispatch id's %s", p.Origin, d.Origin)
		}
		if p.Destination != d.Destination {
			fe.Add("destination", "%q differs from the dispatch id's %s", p.Destination, d.Destination)
		}
	}
	if p.Ref == "" || len(p.Ref) > 14 {
		fe.Add("ref", "required, at most 14 characters")
	}
	if len(p.Receptacles) == 0 {
		fe.Add("receptacles", "a dispatch has at least one receptacle")
	}
	lasts := 0
	seen := map[int]bool{}
	for i, r := range p.Receptacles {
		name := fmt.Sprintf("receptacles[%d]", i)
		id, err := postal.ParseReceptacleID(r.ID)
		if err != nil {
			fe.Add(name+".id", "%v", err)
			continue
		}
		if id.Dispatch.String() != p.Dispatch {
			fe.Add(name+".id", "%s is not a receptacle of dispatch %s", r.ID, p.Dispatch)
		}
		if seen[id.Serial] {
			fe.Add(name+".id", "receptacle serial %03d appears twice", id.Serial)
		}
		seen[id.Serial] = true
		if id.Last {
			lasts++
		}
		if r.GrossWeightG <= 0 || (r.GrossWeightG+50)/100 != id.WeightHg {
			fe.Add(name+".gross_weight_g", "%d g does not match the S9 weight %.1f kg", r.GrossWeightG, id.WeightKg())
		}
		listed := map[string]bool{}
		for j, it := range r.Items {
			if _, err := postal.ParseS10(it); err != nil {
				fe.Add(fmt.Sprintf("%s.items[%d]", name, j), "%v", err)
			}
			listed[it] = true
		}
		for j, d := range r.ItemData {
			d.check(fmt.Sprintf("%s.item_data[%d]", name, j), listed, &fe)
		}
	}
	if len(p.Receptacles) > 0 && lasts != 1 {
		fe.Add("receptacles", "%d receptacles carry the last-receptacle flag; exactly one must", lasts)
	}
	if p.Transport != nil {
		p.Transport.check("transport", &fe)
	}
	return fe.Err("PREDES is invalid")
}

func (d ItemData) check(name string, listed map[string]bool, fe *postal.FieldList) {
	if !listed[d.Item] {
		fe.Add(name+".item", "%s is not among the receptacle's items", postal.Quote(d.Item))
	}
	if len(d.Contents) > 70 {
		fe.Add(name+".contents", "at most 70 characters")
	}
	if d.HSCode != "" && (len(d.HSCode) < 6 || len(d.HSCode) > 10 || !digits(d.HSCode)) {
		fe.Add(name+".hs_code", "%s is not 6 to 10 digits", postal.Quote(d.HSCode))
	}
	if d.WeightG < 0 {
		fe.Add(name+".weight_g", "negative")
	}
	if d.Value != "" {
		if _, err := parseKg(d.Value); err != nil || strings.Count(d.Value, ".") > 1 {
			fe.Add(name+".value", "%s is not a decimal amount", postal.Quote(d.Value))
		}
		if len(d.Currency) != 3 || !upperAlnum(d.Currency) {
			fe.Add(name+".currency", "%s is not a 3-letter currency code", postal.Quote(d.Currency))
		}
	}
	for _, c := range [][2]string{{"sender_country", d.SenderCountry}, {"addressee_country", d.AddresseeCountry}} {
		if c[1] != "" && (len(c[1]) != 2 || !upperAlnum(c[1])) {
			fe.Add(name+"."+c[0], "%s is not a 2-letter country code", postal.Quote(c[1]))
		}
	}
}

func (t Transport) check(name string, fe *postal.FieldList) {
	if t.Service == "" {
		fe.Add(name+".service", "required")
	}
	switch t.Mode {
	case "air", "rail", "road", "sea":
	default:
		fe.Add(name+".mode", "%q is not air, rail, road or sea", t.Mode)
	}
	if len(t.From) != 6 || !upperAlnum(t.From) {
		fe.Add(name+".from", "%q is not an office code (6 capitals or digits)", t.From)
	}
	if len(t.To) != 6 || !upperAlnum(t.To) {
		fe.Add(name+".to", "%q is not an office code (6 capitals or digits)", t.To)
	}
	if t.Arrival.Before(t.Departure) {
		fe.Add(name+".arrival", "before the departure")
	}
}

// MarshalEDI writes the pre-advice in our layout (docs/formats.md).
func (p Predes) MarshalEDI() []byte { return p.MarshalProfile(Ours) }

// MarshalProfile writes the pre-advice in a partner's layout.
func (p Predes) MarshalProfile(pr *Profile) []byte {
	r := newRecord()
	r.Set("dispatch", p.Dispatch)
	r.Set("prepared", p.Prepared.UTC().Format(dtmFormat))
	r.Set("origin", p.Origin)
	r.Set("destination", p.Destination)
	if p.Transport != nil {
		p.Transport.record(r.Add("transport"))
	}
	r.Set("receptacle_count", strconv.Itoa(len(p.Receptacles)))
	r.Set("gross_weight", strconv.Itoa(p.GrossWeightG()))
	for _, rc := range p.Receptacles {
		g := rc.record(r.Add("receptacles"))
		details := map[string]ItemData{}
		for _, d := range rc.ItemData {
			details[d.Item] = d
		}
		for _, it := range rc.Items {
			ir := g.Add("items")
			ir.Set("item", it)
			if d, ok := details[it]; ok {
				d.record(ir)
			}
		}
	}
	return encodeWith(pr, "PREDES", p.Origin, p.Destination, p.Ref, p.Prepared, r)
}

func (t Transport) record(r *Record) {
	r.Set("service", t.Service)
	r.Set("mode", t.Mode)
	r.Set("carrier", t.Carrier)
	r.Set("from", t.From)
	r.Set("to", t.To)
	r.Set("departure", t.Departure.UTC().Format(dtmFormat))
	r.Set("arrival", t.Arrival.UTC().Format(dtmFormat))
}

func transportFrom(r *Record) Transport {
	return Transport{Service: r.Get("service"), Mode: r.Get("mode"), Carrier: r.Get("carrier"), From: r.Get("from"), To: r.Get("to"),
		Departure: r.Time("departure"), Arrival: r.Time("arrival")}
}

func (rc Receptacle) record(r *Record) *Record {
	r.Set("type", rc.Type)
	r.Set("id", rc.ID)
	r.Set("gross_weight", strconv.Itoa(rc.GrossWeightG))
	return r
}

func (d ItemData) record(r *Record) {
	r.Set("contents", d.Contents)
	r.Set("hs_code", d.HSCode)
	if d.WeightG > 0 {
		r.Set("weight", strconv.Itoa(d.WeightG))
	}
	r.Set("value", d.Value)
	r.Set("currency", d.Currency)
	r.Set("sender_name", d.SenderName)
	r.Set("sender_country", d.SenderCountry)
	r.Set("addressee_name", d.AddresseeName)
	r.Set("addressee_country", d.AddresseeCountry)
}

func itemDataFrom(r *Record) (ItemData, bool) {
	d := ItemData{Item: r.Get("item"), Contents: r.Get("contents"), HSCode: r.Get("hs_code"), WeightG: r.Int("weight"),
		Value: r.Get("value"), Currency: r.Get("currency"), SenderName: r.Get("sender_name"), SenderCountry: r.Get("sender_country"),
		AddresseeName: r.Get("addressee_name"), AddresseeCountry: r.Get("addressee_country")}
	return d, d != ItemData{Item: d.Item}
}

// UnmarshalPredes reads a pre-advice in our layout and validates it.
func UnmarshalPredes(data []byte) (Predes, error) { return UnmarshalPredesWith(nil, data) }

// UnmarshalPredesWith reads a pre-advice in the layout of its sender's
// profile (ours when the sender has none) and validates it.
func UnmarshalPredesWith(x *Profiles, data []byte) (Predes, error) {
	ic, r, err := decodeWith(x, data, "PREDES")
	if err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	p := Predes{Ref: ic.Ref, Prepared: r.Time("prepared"), Dispatch: r.Get("dispatch"), Origin: r.Get("origin"), Destination: r.Get("destination")}
	at := locations{}
	for _, f := range []string{"dispatch", "origin", "destination"} {
		at.add(f, r, f)
	}
	if ts := r.Groups["transport"]; len(ts) > 0 {
		t := transportFrom(ts[0])
		p.Transport = &t
	}
	for i, g := range r.Groups["receptacles"] {
		rc := Receptacle{ID: g.Get("id"), Type: g.Get("type"), GrossWeightG: g.Int("gross_weight")}
		name := fmt.Sprintf("receptacles[%d]", i)
		at.add(name+".id", g, "id")
		at.add(name+".gross_weight_g", g, "gross_weight")
		for j, ir := range g.Groups["items"] {
			at.add(fmt.Sprintf("%s.items[%d]", name, j), ir, "item")
			rc.Items = append(rc.Items, ir.Get("item"))
			if d, ok := itemDataFrom(ir); ok {
				at.add(fmt.Sprintf("%s.item_data[%d]", name, len(rc.ItemData)), ir, "item")
				rc.ItemData = append(rc.ItemData, d)
			}
		}
		p.Receptacles = append(p.Receptacles, rc)
	}
	if ic.Sender != p.Origin {
		return Predes{}, invalid("PREDES", fmt.Errorf("UNB sender %q differs from the origin %q (%s)", ic.Sender, p.Origin, r.Where("origin")))
	}
	if err := checkCounts(r.Int("receptacle_count"), r.Int("gross_weight"), len(p.Receptacles), p.GrossWeightG()); err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	return p, at.locate(p.Validate())
}

// DecodePredes reads a pre-advice as JSON (a '{' first) or EDIFACT text.
func DecodePredes(data []byte) (Predes, error) { return DecodePredesWith(nil, data) }

// DecodePredesWith reads a pre-advice as JSON or as EDIFACT text in its
// sender's profile.
func DecodePredesWith(x *Profiles, data []byte) (Predes, error) {
	if isJSON(data) {
		var p Predes
		if err := strictJSON(data, &p); err != nil {
			return Predes{}, invalid("PREDES", err)
		}
		return p, p.Validate()
	}
	return UnmarshalPredesWith(x, data)
}

// JSON writes the pre-advice as indented JSON.
func (p Predes) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }
