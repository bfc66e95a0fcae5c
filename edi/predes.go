package edi

import (
	"encoding/json"
	"fmt"
	"strconv"
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
		for j, it := range r.Items {
			if _, err := postal.ParseS10(it); err != nil {
				fe.Add(fmt.Sprintf("%s.items[%d]", name, j), "%v", err)
			}
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

// MarshalEDI writes the pre-advice as EDIFACT-style text (docs/formats.md).
func (p Predes) MarshalEDI() []byte {
	body := []Segment{
		seg("BGM", e("PREDES"), e(p.Dispatch), e("9")),
		dtm("137", p.Prepared),
		seg("LOC", e("5"), e(p.Origin)),
		seg("LOC", e("8"), e(p.Destination)),
	}
	if p.Transport != nil {
		body = append(body, p.Transport.segments()...)
	}
	body = append(body,
		seg("CNT", e("11", strconv.Itoa(len(p.Receptacles)))),
		seg("CNT", e("7", kgText(p.GrossWeightG()), "KGM")))
	for i, r := range p.Receptacles {
		body = append(body, r.segments(i+1)...)
		for _, it := range r.Items {
			body = append(body, seg("RFF", e("ITM", it)))
		}
	}
	return Interchange{Sender: p.Origin, Recipient: p.Destination, Prepared: p.Prepared, Ref: p.Ref, Type: "PREDES", Body: body}.encode()
}

func (t Transport) segments() []Segment {
	return []Segment{
		seg("TDT", e("20"), e(t.Service), e(t.Mode), e(t.Carrier)),
		seg("LOC", e("9"), e(t.From)),
		seg("LOC", e("11"), e(t.To)),
		dtm("133", t.Departure),
		dtm("132", t.Arrival),
	}
}

func (r Receptacle) segments(n int) []Segment {
	return []Segment{
		seg("GID", e(strconv.Itoa(n)), e(r.Type)),
		seg("RFF", e("RCP", r.ID)),
		seg("MEA", e("WT"), e("G"), e("KGM", kgText(r.GrossWeightG))),
	}
}

// UnmarshalPredes reads a pre-advice in EDIFACT-style text and validates it.
func UnmarshalPredes(data []byte) (Predes, error) {
	ic, err := parseInterchange(data, "PREDES")
	if err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	p := Predes{Ref: ic.Ref, Prepared: ic.Prepared}
	r := &reader{segs: ic.Body}
	bgm, err := r.need("BGM")
	if err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	p.Dispatch = bgm.Component(1, 0)
	if err := r.header(&p.Prepared, map[string]*string{"5": &p.Origin, "8": &p.Destination}); err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	if r.peek("TDT") {
		t, err := r.transport()
		if err != nil {
			return Predes{}, invalid("PREDES", err)
		}
		p.Transport = &t
	}
	count, weight, err := r.counts()
	if err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	for r.peek("GID") {
		rc, err := r.receptacle()
		if err != nil {
			return Predes{}, invalid("PREDES", err)
		}
		for r.peek("RFF") && r.segs[r.i].Component(0, 0) == "ITM" {
			rc.Items = append(rc.Items, r.next().Component(0, 1))
		}
		p.Receptacles = append(p.Receptacles, rc)
	}
	if err := r.end(); err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	if err := checkCounts(count, weight, len(p.Receptacles), p.GrossWeightG()); err != nil {
		return Predes{}, invalid("PREDES", err)
	}
	return p, p.Validate()
}

// DecodePredes reads a pre-advice as JSON (a '{' first) or EDIFACT text.
func DecodePredes(data []byte) (Predes, error) {
	if isJSON(data) {
		var p Predes
		if err := strictJSON(data, &p); err != nil {
			return Predes{}, invalid("PREDES", err)
		}
		return p, p.Validate()
	}
	return UnmarshalPredes(data)
}

// JSON writes the pre-advice as indented JSON.
func (p Predes) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }
