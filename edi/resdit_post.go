package edi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/interpost/interpost/postal"
)

// PostResdit is our RESDIT-like confirmation to a carrier: which
// receptacles of a consignment it announced by CARDIT we received from it
// (event 21, "delivered to the post"), where and when. It is the carrier's
// RESDIT turned round — sent by our office of exchange, in the carrier's
// profile ("RESDIT" layout; ours in profiles/interpost.json).
type PostResdit struct {
	Ref         string        `json:"ref" doc:"Our interchange control reference, unique per carrier"`
	Prepared    time.Time     `json:"prepared"`
	Sender      string        `json:"sender" doc:"Our office confirming" example:"CNURCA"`
	Carrier     string        `json:"carrier" doc:"Carrier code (2–20 of A–Z 0–9 _ -), the recipient" example:"KE"`
	Consignment string        `json:"consignment" doc:"The carrier's consignment (CARDIT) confirmed"`
	Events      []ResditEvent `json:"events"`
}

// Validate checks a confirmation to a carrier.
func (m PostResdit) Validate() error {
	var fe postal.FieldList
	if m.Ref == "" || len(m.Ref) > 14 {
		fe.Add("ref", "required, at most 14 characters")
	}
	if len(m.Sender) != 6 || !upperAlnum(m.Sender) {
		fe.Add("sender", "%s is not an office code", postal.Quote(m.Sender))
	}
	if len(m.Carrier) < 2 || len(m.Carrier) > 20 || !carrierCode(m.Carrier) {
		fe.Add("carrier", "%s must be 2–20 of A–Z, 0–9, _ or -", postal.Quote(m.Carrier))
	}
	if m.Consignment == "" || len(m.Consignment) > 35 {
		fe.Add("consignment", "required, at most 35 characters")
	}
	checkResditEvents(m.Events, "confirmation", &fe)
	return fe.Err("RESDIT is invalid")
}

// MarshalProfile writes the confirmation in the carrier's layout.
func (m PostResdit) MarshalProfile(pr *Profile) []byte {
	r := newRecord()
	r.Set("consignment", m.Consignment)
	r.Set("prepared", m.Prepared.UTC().Format(dtmFormat))
	for _, ev := range m.Events {
		g := r.Add("events")
		g.Set("code", ev.Code)
		g.Set("time", ev.Time.UTC().Format(dtmFormat))
		g.Set("place", ev.Place)
		g.Set("transport", ev.Transport)
		g.Set("receptacle_count", strconv.Itoa(len(ev.Receptacles)))
		for _, id := range ev.Receptacles {
			g.Add("receptacles").Set("id", id)
		}
	}
	return encodeWith(pr, "RESDIT", m.Sender, m.Carrier, m.Ref, m.Prepared, r)
}

// UnmarshalPostResditWith reads a post's confirmation in the layout of its
// sender's profile and validates it (a carrier's side, and our tests).
func UnmarshalPostResditWith(x *Profiles, data []byte) (PostResdit, error) {
	ic, r, err := decodeWith(x, data, "RESDIT")
	if err != nil {
		return PostResdit{}, invalid("RESDIT", err)
	}
	m := PostResdit{Ref: ic.Ref, Prepared: r.Time("prepared"), Sender: ic.Sender, Carrier: ic.Recipient, Consignment: r.Get("consignment")}
	for _, g := range r.Groups["events"] {
		ev := ResditEvent{Code: g.Get("code"), Time: g.Time("time"), Place: g.Get("place"), Transport: g.Get("transport"), Receptacles: []string{}}
		for _, x := range g.Groups["receptacles"] {
			ev.Receptacles = append(ev.Receptacles, x.Get("id"))
		}
		if n := g.Int("receptacle_count"); n != len(ev.Receptacles) {
			return PostResdit{}, invalid("RESDIT", fmt.Errorf("%s: CNT+11 says %d receptacles, the event lists %d", g.Where("receptacle_count"), n, len(ev.Receptacles)))
		}
		m.Events = append(m.Events, ev)
	}
	return m, m.Validate()
}

// JSON writes the message as indented JSON.
func (m PostResdit) JSON() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }
