package edi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/interpost/interpost/postal"
)

// Cardit is the consignment message to the carrier, sent when a
// consignment is handed over: which receptacles go on which departure, as
// listed on the CN 38, CN 41 or CN 37 delivery bill.
type Cardit struct {
	Ref         string       `json:"ref" doc:"Interchange control reference"`
	Prepared    time.Time    `json:"prepared"`
	Consignment string       `json:"consignment" doc:"Consignment (delivery bill) number"`
	Form        string       `json:"form" enum:"CN38,CN41,CN37"`
	Office      string       `json:"office" doc:"Office handing the consignment over"`
	Carrier     string       `json:"carrier"`
	Transport   Transport    `json:"transport"`
	Receptacles []Receptacle `json:"receptacles"`
}

// GrossWeightG is the sum of the receptacles' gross weights.
func (c Cardit) GrossWeightG() int {
	n := 0
	for _, r := range c.Receptacles {
		n += r.GrossWeightG
	}
	return n
}

// Validate checks a consignment message.
func (c Cardit) Validate() error {
	var fe postal.FieldList
	if c.Ref == "" || len(c.Ref) > 14 {
		fe.Add("ref", "required, at most 14 characters")
	}
	if c.Consignment == "" || len(c.Consignment) > 35 {
		fe.Add("consignment", "required, at most 35 characters")
	}
	switch c.Form {
	case "CN38", "CN41", "CN37":
	default:
		fe.Add("form", "%q is not CN38, CN41 or CN37", c.Form)
	}
	if len(c.Office) != 6 || !upperAlnum(c.Office) {
		fe.Add("office", "%q is not an office code", c.Office)
	}
	if c.Carrier == "" {
		fe.Add("carrier", "required")
	}
	c.Transport.check("transport", &fe)
	if len(c.Receptacles) == 0 {
		fe.Add("receptacles", "a consignment has at least one receptacle")
	}
	seen := map[string]bool{}
	for i, r := range c.Receptacles {
		name := fmt.Sprintf("receptacles[%d]", i)
		id, err := postal.ParseReceptacleID(r.ID)
		if err != nil {
			fe.Add(name+".id", "%v", err)
			continue
		}
		if seen[r.ID] {
			fe.Add(name+".id", "%s appears twice", r.ID)
		}
		seen[r.ID] = true
		if r.GrossWeightG <= 0 || (r.GrossWeightG+50)/100 != id.WeightHg {
			fe.Add(name+".gross_weight_g", "%d g does not match the S9 weight %.1f kg", r.GrossWeightG, id.WeightKg())
		}
		if len(r.Items) > 0 {
			fe.Add(name+".items", "a CARDIT lists receptacles, not items")
		}
	}
	return fe.Err("CARDIT is invalid")
}

// MarshalEDI writes the consignment message in our layout.
func (c Cardit) MarshalEDI() []byte { return c.MarshalProfile(Ours) }

// MarshalProfile writes the consignment message in a partner's layout.
func (c Cardit) MarshalProfile(pr *Profile) []byte {
	r := newRecord()
	r.Set("consignment", c.Consignment)
	r.Set("prepared", c.Prepared.UTC().Format(dtmFormat))
	r.Set("form", c.Form)
	r.Set("office", c.Office)
	c.Transport.record(r.Add("transport"))
	r.Set("receptacle_count", strconv.Itoa(len(c.Receptacles)))
	r.Set("gross_weight", strconv.Itoa(c.GrossWeightG()))
	for _, rc := range c.Receptacles {
		rc.record(r.Add("receptacles"))
	}
	return encodeWith(pr, "CARDIT", c.Office, c.Carrier, c.Ref, c.Prepared, r)
}

// UnmarshalCardit reads a consignment message in our layout and
// validates it.
func UnmarshalCardit(data []byte) (Cardit, error) { return UnmarshalCarditWith(nil, data) }

// UnmarshalCarditWith reads a consignment message in the layout of its
// sender's profile and validates it.
func UnmarshalCarditWith(x *Profiles, data []byte) (Cardit, error) {
	ic, r, err := decodeWith(x, data, "CARDIT")
	if err != nil {
		return Cardit{}, invalid("CARDIT", err)
	}
	c := Cardit{Ref: ic.Ref, Carrier: ic.Recipient, Prepared: r.Time("prepared"), Consignment: r.Get("consignment"),
		Form: r.Get("form"), Office: r.Get("office")}
	if ts := r.Groups["transport"]; len(ts) > 0 {
		c.Transport = transportFrom(ts[0])
	}
	at := locations{}
	at.add("office", r, "office")
	at.add("form", r, "form")
	for i, g := range r.Groups["receptacles"] {
		at.add(fmt.Sprintf("receptacles[%d].id", i), g, "id")
		at.add(fmt.Sprintf("receptacles[%d].gross_weight_g", i), g, "gross_weight")
		c.Receptacles = append(c.Receptacles, Receptacle{ID: g.Get("id"), Type: g.Get("type"), GrossWeightG: g.Int("gross_weight")})
	}
	if c.Office != ic.Sender {
		return Cardit{}, invalid("CARDIT", fmt.Errorf("UNB sender %q differs from the office %q", ic.Sender, c.Office))
	}
	if err := checkCounts(r.Int("receptacle_count"), r.Int("gross_weight"), len(c.Receptacles), c.GrossWeightG()); err != nil {
		return Cardit{}, invalid("CARDIT", err)
	}
	return c, at.locate(c.Validate())
}

// DecodeCardit reads a consignment message as JSON or EDIFACT text.
func DecodeCardit(data []byte) (Cardit, error) { return DecodeCarditWith(nil, data) }

// DecodeCarditWith reads a consignment message as JSON or as EDIFACT text
// in its sender's profile.
func DecodeCarditWith(x *Profiles, data []byte) (Cardit, error) {
	if isJSON(data) {
		var c Cardit
		if err := strictJSON(data, &c); err != nil {
			return Cardit{}, invalid("CARDIT", err)
		}
		return c, c.Validate()
	}
	return UnmarshalCarditWith(x, data)
}

// JSON writes the message as indented JSON.
func (c Cardit) JSON() ([]byte, error) { return json.MarshalIndent(c, "", "  ") }
