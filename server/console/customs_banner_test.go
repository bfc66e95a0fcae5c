package console

import (
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs"
)

// The banner after a decision says only what happened to its tracking
// events: on the timeline, or waiting in the outbox and why.
func TestDecidedBanner(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	release := customs.AuditEntry{Action: "release", Events: []string{"EDB", "EDC"}}
	earlier := customs.Event{Code: "EXA", DeliveredAt: at} // a previous decision's
	for _, c := range []struct {
		name    string
		a       customs.AuditEntry
		events  []customs.Event
		want    string
		waiting bool
	}{
		{"delivered", release, []customs.Event{earlier, {Code: "EDB", DeliveredAt: at}, {Code: "EDC", DeliveredAt: at}},
			"Released. Tracking events EDB, EDC were added to the item's timeline.", false},
		{"refused", release, []customs.Event{{Code: "EDB", DeliveredAt: at}, {Code: "EDC", Attempts: 1, DeliveryError: "bad tracking event: object: not an S10 id"}},
			"Released. Tracking events EDB, EDC are waiting to be delivered to the item's timeline: bad tracking event: object: not an S10 id", true},
		{"not tried", release, []customs.Event{{Code: "EDB"}, {Code: "EDC"}},
			"Released. Tracking events EDB, EDC are waiting to be delivered to the item's timeline: tracking has not taken them yet", true},
		{"no events", customs.AuditEntry{Action: "inspect", Check: "xray", Result: "clear"}, []customs.Event{earlier},
			"Recorded the X-ray result: clear.", false},
		{"claim", customs.AuditEntry{Action: "claim"}, nil,
			"You claimed the item: other officers cannot decide on it until you unclaim it.", false},
	} {
		got, waiting := decidedBanner(enLoc, c.a, c.events)
		if !strings.EqualFold(got, c.want) || waiting != c.waiting {
			t.Errorf("%s: banner = %q, %v\nwant %q, %v", c.name, got, waiting, c.want, c.waiting)
		}
	}
}
