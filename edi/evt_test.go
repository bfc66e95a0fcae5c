package edi

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

func TestDecodeEvents(t *testing.T) {
	f, err := os.Open("testdata/plpost.evt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := DecodeEvents(f)
	if err != nil {
		t.Fatal(err)
	}
	if m.Sender != "PLPOST" || m.Recipient != "CNPOST" || m.Ref != "PL20261123-0001" || m.Source() != "partner:PLPOST" {
		t.Errorf("header = %+v", m)
	}
	if len(m.Events) != 4 || len(m.Rejected) != 3 {
		t.Fatalf("%d events, rejected %+v", len(m.Events), m.Rejected)
	}
	// Line 3 has 9 fields, line 6 a short time, line 7 an unknown record.
	for i, line := range []int{3, 6, 7} {
		if m.Rejected[i].Line != line {
			t.Errorf("rejection %d at line %d, want %d: %s", i, m.Rejected[i].Line, line, m.Rejected[i].Reason)
		}
	}
	emd := m.Events[0]
	want := time.Date(2026, 11, 21, 14, 30, 0, 0, time.FixedZone("", 3600))
	if emd.Code != tracking.EMD || !emd.Time.Equal(want) || emd.NextOffice != "PLWAWA" || emd.Source != "partner:PLPOST" {
		t.Errorf("EMD = %+v", emd)
	}
	if m.Events[1].Reason != "31" || m.Events[2].Reason != "12/3" || m.Events[3].Signatory != "Kowalski|Nowak" {
		t.Errorf("reason/action/signatory: %+v", m.Events[1:])
	}
	var b tracking.Batch
	if err := m.Decoder().Decode(&b, 100); err == nil || len(b.Events) != 4 || len(b.Rejected) != 3 || b.Index[3] != 6 {
		t.Errorf("decoder batch %+v, %v", b, err)
	}
}

func TestDecodeEventsBroken(t *testing.T) {
	head := "HDR|EMSEVT|3|PLPOST|CNPOST|R1|20261123081500|+0100\n"
	evt := "EVT|EE123456785CN|EMD|PLWAWA|20261121143000|+0100||||\n"
	for name, in := range map[string]string{
		"empty":         "",
		"no header":     evt + "TRL|1\n",
		"no trailer":    head + evt,
		"short count":   head + evt + evt + "TRL|1\n",
		"after trailer": head + evt + "TRL|1\n" + evt,
		"bad version":   strings.Replace(head, "|3|", "|2|", 1) + "TRL|0\n",
		"bad sender":    strings.Replace(head, "PLPOST", "p", 1) + "TRL|0\n",
		"bad offset":    strings.Replace(head, "+0100", "+1", 1) + "TRL|0\n",
		"second header": head + head + "TRL|0\n",
		"bad trailer":   head + "TRL|x\n",
	} {
		if _, err := DecodeEvents(strings.NewReader(in)); postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	m := Message{Sender: "CNPOST", Recipient: "PLPOST", Ref: "CN|1", Prepared: time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("", 8*3600)),
		Events: []tracking.Event{
			{Object: "EE123456785CN", Code: tracking.EMC, Office: "CNXMNA", Time: time.Date(2026, 11, 21, 18, 0, 0, 0, time.FixedZone("", 8*3600)), NextOffice: "PLWAWA"},
			{Object: "EE123456785CN", Code: tracking.EMH, Office: "CNXMNA", Time: time.Date(2026, 11, 21, 18, 0, 0, 0, time.FixedZone("", -(3*3600+1800))), Reason: "12/3", Signatory: "a\\b|c"},
		}}
	var buf bytes.Buffer
	if err := EncodeEvents(&buf, m); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEvents(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got.Ref != "CN|1" || len(got.Events) != 2 || len(got.Rejected) != 0 {
		t.Fatalf("got %+v", got)
	}
	for i, e := range got.Events {
		w := m.Events[i]
		w.Source = "partner:CNPOST"
		if e.Object != w.Object || e.Code != w.Code || !e.Time.Equal(w.Time) || e.Time.Format(time.RFC3339) != w.Time.Format(time.RFC3339) ||
			e.Reason != w.Reason || e.Signatory != w.Signatory || e.NextOffice != w.NextOffice || e.Source != w.Source {
			t.Errorf("event %d = %+v\nwant %+v", i, e, w)
		}
	}
}

func FuzzDecodeEvents(f *testing.F) {
	golden, _ := os.ReadFile("testdata/plpost.evt")
	f.Add(string(golden))
	f.Add("HDR|EMSEVT|3|PLPOST|CNPOST|R|20261123081500|+0100\nEVT|a|b|c|d|e|f|g|h|i\nTRL|1\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := DecodeEvents(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := EncodeEvents(&buf, *m); err != nil {
			t.Fatal(err)
		}
		again, err := DecodeEvents(&buf)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, buf.String())
		}
		if len(again.Events) != len(m.Events) || again.Sender != m.Sender {
			t.Fatalf("round trip: %d events from %q, was %d from %q", len(again.Events), again.Sender, len(m.Events), m.Sender)
		}
		for i := range m.Events {
			a, b := m.Events[i], again.Events[i]
			if a.Object != b.Object || a.Code != b.Code || !a.Time.Equal(b.Time) || a.Signatory != b.Signatory || a.NextOffice != b.NextOffice {
				t.Fatalf("event %d: %+v became %+v", i, a, b)
			}
		}
	})
}
