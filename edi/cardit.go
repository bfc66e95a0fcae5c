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

// MarshalEDI writes the consignment message as EDIFACT-style text.
func (c Cardit) MarshalEDI() []byte {
	body := []Segment{
		seg("BGM", e("CARDIT"), e(c.Consignment), e("9")),
		dtm("137", c.Prepared),
		seg("RFF", e("FRM", c.Form)),
		seg("LOC", e("5"), e(c.Office)),
	}
	body = append(body, c.Transport.segments()...)
	body = append(body,
		seg("CNT", e("11", strconv.Itoa(len(c.Receptacles)))),
		seg("CNT", e("7", kgText(c.GrossWeightG()), "KGM")))
	for i, r := range c.Receptacles {
		body = append(body, r.segments(i+1)...)
	}
	return Interchange{Sender: c.Office, Recipient: c.Carrier, Prepared: c.Prepared, Ref: c.Ref, Type: "CARDIT", Body: body}.encode()
}

// UnmarshalCardit reads a consignment message in EDIFACT-style text and
// validates it.
func UnmarshalCardit(data []byte) (Cardit, error) {
	ic, err := parseInterchange(data, "CARDIT")
	if err != nil {
		return Cardit{}, invalid("CARDIT", err)
	}
	c := Cardit{Ref: ic.Ref, Carrier: ic.Recipient}
	r := &reader{segs: ic.Body}
	if err := c.read(r); err != nil {
		return Cardit{}, invalid("CARDIT", err)
	}
	if c.Office != ic.Sender {
		return Cardit{}, invalid("CARDIT", fmt.Errorf("UNB sender %q differs from the office %q", ic.Sender, c.Office))
	}
	return c, c.Validate()
}

func (c *Cardit) read(r *reader) error {
	bgm, err := r.need("BGM")
	if err != nil {
		return err
	}
	c.Consignment = bgm.Component(1, 0)
	if c.Prepared, err = r.date("137"); err != nil {
		return err
	}
	frm, err := r.need("RFF")
	if err != nil {
		return err
	}
	if frm.Component(0, 0) != "FRM" {
		return fmt.Errorf("%s: want RFF+FRM:form (CN38, CN41 or CN37)", frm)
	}
	c.Form = frm.Component(0, 1)
	if c.Office, err = r.loc("5"); err != nil {
		return err
	}
	if c.Transport, err = r.transport(); err != nil {
		return err
	}
	count, weight, err := r.counts()
	if err != nil {
		return err
	}
	for r.peek("GID") {
		rc, err := r.receptacle()
		if err != nil {
			return err
		}
		c.Receptacles = append(c.Receptacles, rc)
	}
	if err := r.end(); err != nil {
		return err
	}
	return checkCounts(count, weight, len(c.Receptacles), c.GrossWeightG())
}

// DecodeCardit reads a consignment message as JSON or EDIFACT text.
func DecodeCardit(data []byte) (Cardit, error) {
	if isJSON(data) {
		var c Cardit
		if err := strictJSON(data, &c); err != nil {
			return Cardit{}, invalid("CARDIT", err)
		}
		return c, c.Validate()
	}
	return UnmarshalCardit(data)
}

// JSON writes the message as indented JSON.
func (c Cardit) JSON() ([]byte, error) { return json.MarshalIndent(c, "", "  ") }
