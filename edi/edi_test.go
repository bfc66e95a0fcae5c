package edi

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/postal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2026, 11, 24, 7, 30, 0, 0, time.UTC)

func samplePredes() Predes {
	return Predes{
		Ref: "P0000000042", Prepared: t0, Dispatch: "CNXMNADEFRAAAUN60042", Origin: "CNXMNA", Destination: "DEFRAA",
		Transport: &Transport{Service: "MF811", Mode: "air", Carrier: "Xiamen Airlines", From: "CNXMNA", To: "NLAMSA",
			Departure: t0.Add(8 * time.Hour), Arrival: t0.Add(21 * time.Hour)},
		Receptacles: []Receptacle{
			{ID: "CNXMNADEFRAAAUN60042001000125", Type: "bag", GrossWeightG: 12480, Items: []string{"LA000000014CN", "RA000000028CN"}},
			{ID: "CNXMNADEFRAAAUN60042002100031", Type: "bag", GrossWeightG: 3100, Items: []string{"LA000000028CN"}},
		},
	}
}

func sampleCardit() Cardit {
	p := samplePredes()
	rs := []Receptacle{{ID: p.Receptacles[0].ID, Type: "bag", GrossWeightG: 12480}, {ID: p.Receptacles[1].ID, Type: "bag", GrossWeightG: 3100}}
	return Cardit{Ref: "C0000000042", Prepared: t0, Consignment: "CNXMNA2600042", Form: "CN38", Office: "CNXMNA", Carrier: "MF",
		Transport: *p.Transport, Receptacles: rs}
}

func sampleResdit() Resdit {
	return Resdit{Ref: "MF-R-0001", Prepared: t0.Add(9 * time.Hour), Carrier: "MF", Recipient: "CNXMNA", Consignment: "CNXMNA2600042",
		Events: []ResditEvent{
			{Code: "74", Place: "XMN", Time: t0.Add(time.Hour), Receptacles: []string{"CNXMNADEFRAAAUN60042001000125", "CNXMNADEFRAAAUN60042002100031"}},
			{Code: "24", Place: "CNXMNA", Time: t0.Add(8 * time.Hour), Transport: "MF811", Receptacles: []string{"CNXMNADEFRAAAUN60042001000125"}},
		}}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./edi -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestPredesRoundTrip(t *testing.T) {
	p := samplePredes()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	text := p.MarshalEDI()
	golden(t, "predes.edi", text)
	got, err := DecodePredes(text)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("EDI round trip:\n got %+v\nwant %+v", got, p)
	}
	js, _ := p.JSON()
	golden(t, "predes.json", js)
	got, err = DecodePredes(js)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("JSON round trip: %v\n got %+v", err, got)
	}
}

func TestCarditRoundTrip(t *testing.T) {
	c := sampleCardit()
	text := c.MarshalEDI()
	golden(t, "cardit.edi", text)
	got, err := DecodeCardit(text)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("EDI round trip:\n got %+v\nwant %+v", got, c)
	}
	js, _ := c.JSON()
	if got, err := DecodeCardit(js); err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("JSON round trip: %v", err)
	}
}

func TestResditRoundTrip(t *testing.T) {
	m := sampleResdit()
	text := m.MarshalEDI()
	golden(t, "resdit.edi", text)
	got, err := DecodeResdit(text)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("EDI round trip:\n got %+v\nwant %+v", got, m)
	}
	js, _ := m.JSON()
	golden(t, "resdit.json", js)
	if got, err := DecodeResdit(js); err != nil || !reflect.DeepEqual(got, m) {
		t.Errorf("JSON round trip: %v", err)
	}
}

func TestEscaping(t *testing.T) {
	c := sampleCardit()
	c.Transport.Carrier = "Air+Cargo: O'Neil?"
	got, err := DecodeCardit(c.MarshalEDI())
	if err != nil || got.Transport.Carrier != c.Transport.Carrier {
		t.Fatalf("carrier %q, %v", got.Transport.Carrier, err)
	}
	// A UNA advice with other service characters.
	text := strings.NewReplacer("'\n", "~\n", "+", "*", ":", "^").Replace(string(sampleResdit().MarshalEDI()))
	if _, err := DecodeResdit([]byte("UNA^*.? ~" + text)); err != nil {
		t.Fatalf("UNA: %v", err)
	}
}

func TestBadMessages(t *testing.T) {
	good := string(sampleResdit().MarshalEDI())
	cases := []struct {
		name, input, want string
	}{
		{"empty", "", "no segments"},
		{"cut off", strings.TrimSuffix(good, "'\n"), "not terminated"},
		{"wrong type", string(samplePredes().MarshalEDI()), "want RESDIT"},
		{"bad count", strings.Replace(good, "UNT+15+1", "UNT+14+1", 1), "segment count"},
		{"bad code", strings.Replace(good, "STS+74", "STS+99", 1), "events[0].code"},
		{"bad receptacle", strings.Replace(good, "CNXMNADEFRAAAUN60042002100031", "CNXMNADEFRAAAUN6004200210003X", 1), "events[0].receptacles[1]"},
		{"bad time", strings.Replace(good, "DTM+334:202611240830:203", "DTM+334:2026112408:203", 1), "segment 7 (DTM)"},
		{"lowercase tag", strings.Replace(good, "STS+", "sts+", 1), "tag"},
		{"unknown json field", `{"ref":"R","carrier":"MF","recipient":"CNXMNA","events":[],"extra":1}`, "unknown field"},
		{"json no events", `{"ref":"R","carrier":"MF","recipient":"CNXMNA","prepared":"2026-11-24T07:30:00Z","events":[]}`, "at least one event"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeResdit([]byte(tc.input))
			if err == nil {
				t.Fatal("accepted")
			}
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Errorf("code %s, want invalid", postal.ErrorCode(err))
			}
			msg := err.Error()
			for _, f := range postal.Fields(err) {
				msg += " " + f.Field + " " + f.Message
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not mention %q", msg, tc.want)
			}
		})
	}
}

func TestPredesConsistency(t *testing.T) {
	p := samplePredes()
	p.Receptacles[1].ID = "CNXMNADEFRAAAUN60042002000031" // no last flag anywhere
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "last-receptacle flag") {
		t.Errorf("no last flag: %v", err)
	}
	p = samplePredes()
	p.Receptacles[0].GrossWeightG = 9000
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "does not match the S9 weight") {
		t.Errorf("weight mismatch: %v", err)
	}
}
