package edi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/interpost/interpost/postal"
)

// Resdes is the destination post's answer to a pre-advice (RESDES-like):
// the dispatch's pre-advice was accepted, or the dispatch was received,
// with the state of each receptacle. It goes back to the origin post.
type Resdes struct {
	Ref         string             `json:"ref" doc:"Interchange control reference"`
	Prepared    time.Time          `json:"prepared"`
	Dispatch    string             `json:"dispatch" doc:"S8 dispatch id"`
	Confirms    string             `json:"confirms" doc:"Interchange reference of the pre-advice answered"`
	Origin      string             `json:"origin"`
	Destination string             `json:"destination"`
	Status      string             `json:"status" enum:"accepted,received"`
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
	if _, err := postal.ParseDispatchID(m.Dispatch); err != nil {
		fe.Add("dispatch", "%v", err)
	}
	if m.Ref == "" || len(m.Ref) > 14 {
		fe.Add("ref", "required, at most 14 characters")
	}
	if m.Confirms == "" {
		fe.Add("confirms", "required")
	}
	if m.Status != "accepted" && m.Status != "received" {
		fe.Add("status", "%s is not accepted or received", postal.Quote(m.Status))
	}
	for i, r := range m.Receptacles {
		if _, err := postal.ParseReceptacleID(r.ID); err != nil {
			fe.Add(fmt.Sprintf("receptacles[%d].id", i), "%v", err)
		}
		switch r.Status {
		case "advised", "received", "missing", "not_advised":
		default:
			fe.Add(fmt.Sprintf("receptacles[%d].status", i), "%s is not advised, received, missing or not_advised", postal.Quote(r.Status))
		}
	}
	return fe.Err("RESDES is invalid")
}

// MarshalEDI writes the RESDES in our layout.
func (m Resdes) MarshalEDI() []byte { return m.MarshalProfile(Ours) }

// MarshalProfile writes the RESDES in a partner's layout; the sender is
// the destination, the recipient the origin.
func (m Resdes) MarshalProfile(pr *Profile) []byte {
	r := newRecord()
	r.Set("dispatch", m.Dispatch)
	r.Set("prepared", m.Prepared.UTC().Format(dtmFormat))
	r.Set("confirms", m.Confirms)
	r.Set("origin", m.Origin)
	r.Set("destination", m.Destination)
	r.Set("status", m.Status)
	r.Set("receptacle_count", strconv.Itoa(len(m.Receptacles)))
	for _, rc := range m.Receptacles {
		g := r.Add("receptacles")
		g.Set("id", rc.ID)
		g.Set("status", rc.Status)
	}
	return encodeWith(pr, "RESDES", m.Destination, m.Origin, m.Ref, m.Prepared, r)
}

// UnmarshalResdesWith reads a RESDES in the layout of its sender's
// profile and validates it.
func UnmarshalResdesWith(x *Profiles, data []byte) (Resdes, error) {
	ic, r, err := decodeWith(x, data, "RESDES")
	if err != nil {
		return Resdes{}, invalid("RESDES", err)
	}
	m := Resdes{Ref: ic.Ref, Prepared: r.Time("prepared"), Dispatch: r.Get("dispatch"), Confirms: r.Get("confirms"),
		Origin: r.Get("origin"), Destination: r.Get("destination"), Status: r.Get("status")}
	for _, g := range r.Groups["receptacles"] {
		m.Receptacles = append(m.Receptacles, ResdesReceptacle{ID: g.Get("id"), Status: g.Get("status")})
	}
	if n := r.Int("receptacle_count"); n != len(m.Receptacles) {
		return Resdes{}, invalid("RESDES", fmt.Errorf("CNT+11 says %d receptacles, the message lists %d", n, len(m.Receptacles)))
	}
	return m, m.Validate()
}

// JSON writes the message as indented JSON.
func (m Resdes) JSON() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }
