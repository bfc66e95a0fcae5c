package edi

import (
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/tracking"
)

// TestEventsProfileRoundTrip: a batch of our events to a partner, as
// EDIFACT in our profile, reads back the same.
func TestEventsProfileRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 40, 0, 0, time.UTC)
	m := Message{Sender: "CNPOST", Recipient: "JPPOST", Ref: "JPPOST00000042", Prepared: at.Add(20 * time.Minute), Events: []tracking.Event{
		{Object: "RR123456785JP", Code: tracking.EMH, Office: "CNXMND", Time: at.Add(-time.Hour), Reason: "addressee_absent"},
		{Object: "RR123456785JP", Code: tracking.EMI, Office: "CNXMND", Time: at, Signatory: "Li Wei"},
	}}
	text := MarshalEventsProfile(Ours, m)
	for _, want := range []string{"BGM+EMSEVT+JPPOST00000042+9'", "RFF+ITM:RR123456785JP'", "STS+EMI:EVT'", "DTM+7:202612070940:203'", "LOC+14+CNXMND'",
		"FTX+AAI+++addressee_absent'", "NAD+SGN+++Li Wei'"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	back, err := UnmarshalEventsWith(nil, text)
	if err != nil {
		t.Fatal(err)
	}
	if back.Ref != m.Ref || back.Sender != "CNPOST" || len(back.Events) != 2 || back.Events[1].Signatory != "Li Wei" || !back.Events[1].Time.Equal(at) ||
		back.Events[0].Reason != "addressee_absent" || back.Events[0].Code != tracking.EMH {
		t.Errorf("read back %+v", back)
	}
}
