package edi

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/interpost/interpost/postal"
)

// ResditCodes are the carrier event codes a RESDIT carries (iCargo's
// constants; unconfirmed against the UPU/IATA list, see
// ../shared/domain/upu-standards.md §5).
var ResditCodes = map[string]string{
	"74": "received by the carrier",
	"6":  "assigned to a flight",
	"48": "loaded",
	"24": "uplifted (departed)",
	"41": "transferred to the same carrier",
	"42": "handed to another carrier",
	"43": "handover received from another carrier",
	"21": "delivered to the post",
	"57": "pending",
	"82": "returned",
	"49": "lost",
	"37": "found",
}

// Resdit is a carrier's response: events on receptacles.
type Resdit struct {
	Ref         string        `json:"ref" doc:"Interchange control reference"`
	Prepared    time.Time     `json:"prepared"`
	Carrier     string        `json:"carrier" doc:"Carrier code (2–20 of A–Z 0–9 _ -)" example:"MF"`
	Recipient   string        `json:"recipient" doc:"Office the response is for"`
	Consignment string        `json:"consignment,omitempty"`
	Events      []ResditEvent `json:"events"`
}

// ResditEvent is one event on one or more receptacles.
type ResditEvent struct {
	Code        string    `json:"code" example:"24"`
	Place       string    `json:"place" doc:"Office code (6) or 3-letter location (IATA airport / UN/LOCODE part)" example:"XMN"`
	Time        time.Time `json:"time"`
	Transport   string    `json:"transport,omitempty" example:"MF811"`
	Receptacles []string  `json:"receptacles" doc:"S9 receptacle ids"`
}

// MaxResditEvents bounds the events of one message.
const MaxResditEvents = 10_000

// Validate checks a carrier response.
func (m Resdit) Validate() error {
	var fe postal.FieldList
	if m.Ref == "" || len(m.Ref) > 14 {
		fe.Add("ref", "required, at most 14 characters")
	}
	if len(m.Carrier) < 2 || len(m.Carrier) > 20 || !carrierCode(m.Carrier) {
		fe.Add("carrier", "%q must be 2–20 of A–Z, 0–9, _ or -", m.Carrier)
	}
	if len(m.Recipient) != 6 || !upperAlnum(m.Recipient) {
		fe.Add("recipient", "%q is not an office code", m.Recipient)
	}
	checkResditEvents(m.Events, "response", &fe)
	return fe.Err("RESDIT is invalid")
}

// checkResditEvents checks the events of a RESDIT (what: "response",
// "confirmation").
func checkResditEvents(events []ResditEvent, what string, fe *postal.FieldList) {
	switch {
	case len(events) == 0:
		fe.Add("events", "a %s has at least one event", what)
	case len(events) > MaxResditEvents:
		fe.Add("events", "%d events; at most %d per message", len(events), MaxResditEvents)
	}
	for i, ev := range events {
		name := fmt.Sprintf("events[%d]", i)
		if _, ok := ResditCodes[ev.Code]; !ok {
			fe.Add(name+".code", "%q is not a RESDIT event code (74, 6, 48, 24, 41, 42, 43, 21, 57, 82, 49, 37)", ev.Code)
		}
		if (len(ev.Place) != 3 && len(ev.Place) != 6) || !upperAlnum(ev.Place) {
			fe.Add(name+".place", "%q must be an office code (6) or a 3-letter location", ev.Place)
		}
		if ev.Time.IsZero() {
			fe.Add(name+".time", "required")
		}
		if len(ev.Receptacles) == 0 {
			fe.Add(name+".receptacles", "name at least one receptacle")
		}
		for j, r := range ev.Receptacles {
			if _, err := postal.ParseReceptacleID(r); err != nil {
				fe.Add(fmt.Sprintf("%s.receptacles[%d]", name, j), "%v", err)
			}
		}
		if len(*fe) > 100 {
			break
		}
	}
}

func carrierCode(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// MarshalEDI writes the response as EDIFACT-style text.
func (m Resdit) MarshalEDI() []byte {
	body := []Segment{
		seg("BGM", e("RESDIT"), e(m.Ref), e("9")),
		dtm("137", m.Prepared),
	}
	if m.Consignment != "" {
		body = append(body, seg("RFF", e("CON", m.Consignment)))
	}
	for _, ev := range m.Events {
		body = append(body, seg("STS", e(ev.Code)), dtm("334", ev.Time), seg("LOC", e("14"), e(ev.Place)))
		if ev.Transport != "" {
			body = append(body, seg("TDT", e("20"), e(ev.Transport)))
		}
		for _, r := range ev.Receptacles {
			body = append(body, seg("RFF", e("RCP", r)))
		}
	}
	return Interchange{Sender: m.Carrier, Recipient: m.Recipient, Prepared: m.Prepared, Ref: m.Ref, Type: "RESDIT", Body: body}.encode()
}

// UnmarshalResdit reads a carrier response in EDIFACT-style text and
// validates it.
func UnmarshalResdit(data []byte) (Resdit, error) {
	ic, err := parseInterchange(data, "RESDIT")
	if err != nil {
		return Resdit{}, invalid("RESDIT", err)
	}
	m := Resdit{Ref: ic.Ref, Carrier: ic.Sender, Recipient: ic.Recipient}
	if err := m.read(&reader{segs: ic.Body}); err != nil {
		return Resdit{}, invalid("RESDIT", err)
	}
	return m, m.Validate()
}

func (m *Resdit) read(r *reader) error {
	bgm, err := r.need("BGM")
	if err != nil {
		return err
	}
	if bgm.Component(1, 0) != m.Ref {
		return fmt.Errorf("%s: reference %q differs from the interchange's %q", bgm, bgm.Component(1, 0), m.Ref)
	}
	if m.Prepared, err = r.date("137"); err != nil {
		return err
	}
	if r.peek("RFF") {
		s := r.next()
		if s.Component(0, 0) != "CON" {
			return fmt.Errorf("%s: want RFF+CON:consignment or the first STS", s)
		}
		m.Consignment = s.Component(0, 1)
	}
	for r.peek("STS") {
		if len(m.Events) >= MaxResditEvents {
			return fmt.Errorf("%s: more than %d events", r.where(), MaxResditEvents)
		}
		ev := ResditEvent{Code: r.next().Component(0, 0)}
		if ev.Time, err = r.date("334"); err != nil {
			return err
		}
		if ev.Place, err = r.loc("14"); err != nil {
			return err
		}
		if r.peek("TDT") {
			ev.Transport = r.next().Component(1, 0)
		}
		for r.peek("RFF") {
			s := r.next()
			if s.Component(0, 0) != "RCP" {
				return fmt.Errorf("%s: want RFF+RCP:receptacle", s)
			}
			ev.Receptacles = append(ev.Receptacles, s.Component(0, 1))
		}
		m.Events = append(m.Events, ev)
	}
	return r.end()
}

// DecodeResdit reads a carrier response as JSON or EDIFACT text.
func DecodeResdit(data []byte) (Resdit, error) {
	if isJSON(data) {
		var m Resdit
		if err := strictJSON(data, &m); err != nil {
			return Resdit{}, invalid("RESDIT", err)
		}
		return m, m.Validate()
	}
	return UnmarshalResdit(data)
}

// JSON writes the message as indented JSON.
func (m Resdit) JSON() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }
