package edi

import (
	"time"

	"github.com/interpost/interpost/tracking"
)

// MarshalEventsProfile writes a partner event message as an EDIFACT
// interchange (message EMSEVT) in profile pr's layout, or ours when pr has
// none: BGM with the batch reference, then per event the item (RFF+ITM),
// code (STS), time in UTC (DTM+7), office (LOC+14), reason (FTX+AAI) and
// signatory (NAD+SGN).
func MarshalEventsProfile(pr *Profile, m Message) []byte {
	r := newRecord()
	r.Set("batch", m.Ref)
	r.Set("prepared", m.Prepared.UTC().Format(dtmFormat))
	for _, e := range m.Events {
		g := r.Add("events")
		g.Set("item", e.Object)
		g.Set("code", string(e.Code))
		g.Set("time", e.Time.UTC().Format(dtmFormat))
		g.Set("office", e.Office)
		g.Set("reason", e.Reason)
		g.Set("signatory", e.Signatory)
	}
	return encodeWith(pr, "EMSEVT", m.Sender, m.Recipient, m.Ref, m.Prepared, r)
}

// UnmarshalEventsWith reads an EMSEVT interchange in the layout of its
// sender's profile (events in UTC, source the sender's partner code).
func UnmarshalEventsWith(x *Profiles, data []byte) (Message, error) {
	ic, r, err := decodeWith(x, data, "EMSEVT")
	if err != nil {
		return Message{}, invalid("EMSEVT", err)
	}
	m := Message{Sender: ic.Sender, Recipient: ic.Recipient, Ref: ic.Ref, Prepared: r.Time("prepared")}
	for _, g := range r.Groups["events"] {
		m.Events = append(m.Events, tracking.Event{Object: g.Get("item"), Code: tracking.Code(g.Get("code")), Office: g.Get("office"),
			Time: g.Time("time").In(time.UTC), Source: m.Source(), Reason: g.Get("reason"), Signatory: g.Get("signatory")})
	}
	return m, nil
}
