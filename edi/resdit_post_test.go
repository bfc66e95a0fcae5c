package edi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
)

func postResdit() edi.PostResdit {
	at := time.Date(2026, 12, 7, 22, 17, 0, 0, time.UTC)
	return edi.PostResdit{Ref: "CZ00000001", Prepared: at, Sender: "CNURCA", Carrier: "CZ", Consignment: "KRSELA2603419",
		Events: []edi.ResditEvent{{Code: "21", Place: "CNURCA", Time: at, Transport: "CZ6092",
			Receptacles: []string{"KRSELAKZALAAAUN63419001010064", "KRSELAKZALAAAUN63419002000123"}}}}
}

func TestPostResditRoundTrip(t *testing.T) {
	m := postResdit()
	text := m.MarshalProfile(edi.Ours)
	got, err := edi.UnmarshalPostResditWith(nil, text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if got.Ref != m.Ref || got.Sender != "CNURCA" || got.Carrier != "CZ" || got.Consignment != m.Consignment || !got.Prepared.Equal(m.Prepared) ||
		len(got.Events) != 1 || got.Events[0].Transport != "CZ6092" || len(got.Events[0].Receptacles) != 2 || !got.Events[0].Time.Equal(m.Prepared) {
		t.Errorf("read back %+v", got)
	}
	// Without a transport the optional TDT is left out.
	m.Events[0].Transport = ""
	if text := string(m.MarshalProfile(edi.Ours)); strings.Contains(text, "TDT") {
		t.Errorf("empty transport written: %s", text)
	}
}

func TestPostResditBadInput(t *testing.T) {
	m := postResdit()
	m.Sender, m.Carrier, m.Consignment = "cnurca", "c z", ""
	m.Events[0].Code, m.Events[0].Receptacles = "99", []string{"KRSELA"}
	err := m.Validate()
	for _, field := range []string{"sender", "carrier", "consignment", "events[0].code", "events[0].receptacles[0]"} {
		if !slices.ContainsFunc(postal.Fields(err), func(f postal.FieldError) bool { return f.Field == field }) {
			t.Errorf("no error on %s: %v", field, err)
		}
	}
	// A count that disagrees with the receptacles listed names the segment.
	text := strings.Replace(string(postResdit().MarshalProfile(edi.Ours)), "CNT+11:2", "CNT+11:3", 1)
	if _, err := edi.UnmarshalPostResditWith(nil, []byte(text)); postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "CNT") {
		t.Errorf("count mismatch: %v", err)
	}
	// Truncated: no UNZ.
	text = string(postResdit().MarshalProfile(edi.Ours))
	if _, err := edi.UnmarshalPostResditWith(nil, []byte(text[:strings.Index(text, "UNT")])); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("truncated: %v", err)
	}
}
