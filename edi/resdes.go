package edi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/interpost/interpost/postal"
)

// Resdes is our answer to a pre-advice (RESDES-like): the PREDES or CARDIT
// named by Confirms was accepted, or its dispatches were received, with
// the state of each receptacle. It goes back to the sender of the message
// answered: the origin post, or the carrier.
type Resdes struct {
	Ref          string           `json:"ref" doc:"Interchange control reference"`
	Prepared     time.Time        `json:"prepared"`
	Sender       string           `json:"sender" doc:"Our office answering"`
	Recipient    string           `json:"recipient" doc:"UNB sender of the message answered"`
	Confirms     string           `json:"confirms" doc:"Interchange reference of the message answered"`
	ConfirmsKind string           `json:"confirms_kind" enum:"PREDES,CARDIT"`
	Consignment  string           `json:"consignment,omitempty"`
	Status       string           `json:"status" enum:"accepted,received"`
	Dispatches   []ResdesDispatch `json:"dispatches"`
}

// ResdesDispatch is one dispatch of a RESDES.
type ResdesDispatch struct {
	ID          string             `json:"id" doc:"S8 dispatch id"`
	Office      string             `json:"office" doc:"Our office of exchange expecting it"`
	Receptacles []ResdesReceptacle `json:"receptacles"`
}

// ResdesReceptacle is one receptacle's state in a RESDES.
type ResdesReceptacle struct {
	ID     string `json:"id" doc:"S9 receptacle id"`
	Status string `json:"status" enum:"advised,received,missing,not_advised"`
}

// Validate checks a RESDES.
func (m Resdes) Validate() error {
	var fe postal.FieldList
	if m.Ref == "" || len(m.Ref) > 14 {
		fe.Add("ref", "required, at most 14 characters")
	}
	if m.Confirms == "" || len(m.Confirms) > 14 {
		fe.Add("confirms", "required, at most 14 characters")
	}
	if m.ConfirmsKind != "PREDES" && m.ConfirmsKind != "CARDIT" {
		fe.Add("confirms_kind", "%s is not PREDES or CARDIT", postal.Quote(m.ConfirmsKind))
	}
	if m.Status != "accepted" && m.Status != "received" {
		fe.Add("status", "%s is not accepted or received", postal.Quote(m.Status))
	}
	if len(m.Dispatches) == 0 {
		fe.Add("dispatches", "at least one dispatch")
	}
	for i, d := range m.Dispatches {
		name := fmt.Sprintf("dispatches[%d]", i)
		if _, err := postal.ParseDispatchID(d.ID); err != nil {
			fe.Add(name+".id", "%v", err)
		}
		for j, r := range d.Receptacles {
			if _, err := postal.ParseReceptacleID(r.ID); err != nil {
				fe.Add(fmt.Sprintf("%s.receptacles[%d].id", name, j), "%v", err)
			}
			switch r.Status {
			case "advised", "received", "missing", "not_advised":
			default:
				fe.Add(fmt.Sprintf("%s.receptacles[%d].status", name, j), "%s is not advised, received, missing or not_advised", postal.Quote(r.Status))
			}
		}
	}
	return fe.Err("RESDES is invalid")
}

// MarshalEDI writes the RESDES in our layout.
func (m Resdes) MarshalEDI() []byte { return m.MarshalProfile(Ours) }

// MarshalProfile writes the RESDES in the recipient's layout.
func (m Resdes) MarshalProfile(pr *Profile) []byte {
	r := newRecord()
	r.Set("confirms", m.Confirms)
	r.Set("prepared", m.Prepared.UTC().Format(dtmFormat))
	r.Set("confirms_kind", m.ConfirmsKind)
	r.Set("consignment", m.Consignment)
	r.Set("status", m.Status)
	for _, d := range m.Dispatches {
		g := r.Add("dispatches")
		g.Set("id", d.ID)
		g.Set("office", d.Office)
		g.Set("receptacle_count", strconv.Itoa(len(d.Receptacles)))
		for _, rc := range d.Receptacles {
			x := g.Add("receptacles")
			x.Set("id", rc.ID)
			x.Set("status", rc.Status)
		}
	}
	return encodeWith(pr, "RESDES", m.Sender, m.Recipient, m.Ref, m.Prepared, r)
}

// UnmarshalResdesWith reads a RESDES in the layout of its sender's
// profile and validates it.
func UnmarshalResdesWith(x *Profiles, data []byte) (Resdes, error) {
	ic, r, err := decodeWith(x, data, "RESDES")
	if err != nil {
		return Resdes{}, invalid("RESDES", err)
	}
	m := Resdes{Ref: ic.Ref, Prepared: r.Time("prepared"), Sender: ic.Sender, Recipient: ic.Recipient, Confirms: r.Get("confirms"),
		ConfirmsKind: r.Get("confirms_kind"), Consignment: r.Get("consignment"), Status: r.Get("status")}
	for _, g := range r.Groups["dispatches"] {
		d := ResdesDispatch{ID: g.Get("id"), Office: g.Get("office"), Receptacles: []ResdesReceptacle{}}
		for _, x := range g.Groups["receptacles"] {
			d.Receptacles = append(d.Receptacles, ResdesReceptacle{ID: x.Get("id"), Status: x.Get("status")})
		}
		if n := g.Int("receptacle_count"); n != len(d.Receptacles) {
			return Resdes{}, invalid("RESDES", fmt.Errorf("%s: CNT+11 says %d receptacles, the message lists %d", g.Where("receptacle_count"), n, len(d.Receptacles)))
		}
		m.Dispatches = append(m.Dispatches, d)
	}
	return m, m.Validate()
}

// JSON writes the message as indented JSON.
func (m Resdes) JSON() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }

// Ref is our interchange control reference to a partner: the partner's
// code (its first 6 characters) and the serial of our interchanges to it,
// 8 digits — unique per partner and interchange, at most 14 characters.
func Ref(partner string, serial int64) string {
	if len(partner) > 6 {
		partner = partner[:6]
	}
	return fmt.Sprintf("%s%08d", partner, serial%100_000_000)
}
