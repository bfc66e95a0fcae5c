package edi

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/postal"
)

func jpPredes() Predes {
	return Predes{
		Ref: "JP00000017", Prepared: t0, Dispatch: "JPTYOACNPEKAAUN60017", Origin: "JPTYOA", Destination: "CNPEKA",
		Receptacles: []Receptacle{
			{ID: "JPTYOACNPEKAAUN60017001000082", Type: "bag", GrossWeightG: 8200, Items: []string{"RR123456785JP", "EE123456785JP"},
				ItemData: []ItemData{{Item: "RR123456785JP", Contents: "Green tea", Value: "3500", Currency: "JPY"}}},
			{ID: "JPTYOACNPEKAAUN60017002100040", Type: "bag", GrossWeightG: 4000},
		},
	}
}

func exampleProfile(t *testing.T) *Profile {
	t.Helper()
	b, err := os.ReadFile("testdata/profiles/example-partner.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A partner with another layout is configuration: its profile reads and
// writes the same pre-advice, and our layout refuses its text naming the
// segment.
func TestPartnerProfile(t *testing.T) {
	pr := exampleProfile(t)
	x, err := NewProfiles(pr)
	if err != nil {
		t.Fatal(err)
	}
	p := jpPredes()
	text := p.MarshalProfile(pr)
	golden(t, "predes-example-partner.edi", text)
	if !strings.Contains(string(text), "DTM+137:2611240730:201'") || strings.Contains(string(text), "GID") {
		t.Errorf("not the partner's layout:\n%s", text)
	}
	got, err := DecodePredesWith(x, text)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	if _, err := DecodePredes(text); err == nil || !strings.Contains(err.Error()+fieldText(err), "segment 3 (BGM)") {
		t.Errorf("our layout read the partner's text: %v %s", err, fieldText(err))
	}
	// Our own layout still applies to everyone else.
	if x.For("KRSELA") != Ours || x.For("JPTYOA") != pr {
		t.Error("profile choice by partner")
	}
	ours := jpPredes()
	ours.Ref = "X1"
	if got, err := DecodePredesWith(x, ours.MarshalEDI()); err == nil {
		t.Errorf("JPTYOA's text in our layout was read with its profile: %+v", got)
	}
}

func TestItemDataRoundTrip(t *testing.T) {
	p := jpPredes()
	p.Origin, p.Destination = "JPTYOA", "CNPEKA"
	p.Receptacles[0].ItemData[0] = ItemData{Item: "RR123456785JP", Contents: "Green tea: sencha", HSCode: "090210", WeightG: 250,
		Value: "3500", Currency: "JPY", SenderName: "Sato Hanako", SenderCountry: "JP", AddresseeName: "Li Wei", AddresseeCountry: "CN"}
	got, err := DecodePredes(p.MarshalEDI())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	p.Receptacles[0].ItemData[0].Item = "RR000000000JP"
	if err := p.Validate(); err == nil || !strings.Contains(fieldText(err), "item_data[0].item") {
		t.Errorf("item data of an unlisted item: %v", err)
	}
}

func TestLoadProfileErrors(t *testing.T) {
	cases := map[string]string{
		`{}`: "name is required",
		`{"name":"x","messages":{"PREDES":{"version":["1","1","ZZ"],"segments":[{"tag":"bgm"}]}}}`:                          "tag",
		`{"name":"x","messages":{"PREDES":{"version":["1","1","ZZ"],"segments":[{"tag":"BGM","fields":{"0":"a"}}]}}}`:       "position",
		`{"name":"x","messages":{"PREDES":{"version":["1","1","ZZ"],"segments":[{"tag":"BGM","fields":{"1":"a:money"}}]}}}`: "name:type",
		`{"name":"x","messages":{"PREDES":{"version":["1"],"segments":[{"tag":"BGM"}]}}}`:                                   "version",
		`{"name":"x","extra":1}`: "unknown field",
	}
	for in, want := range cases {
		if _, err := LoadProfile([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

func TestResdesRoundTrip(t *testing.T) {
	m := Resdes{Ref: Ref("JPTYOA", 1), Prepared: t0.Add(time.Hour), Sender: "CNPEKA", Recipient: "JPTYOA", Confirms: "JP00000017",
		ConfirmsKind: "PREDES", Status: "accepted", Dispatches: []ResdesDispatch{{ID: "JPTYOACNPEKAAUN60017", Office: "CNPEKA",
			Receptacles: []ResdesReceptacle{{ID: "JPTYOACNPEKAAUN60017001000082", Status: "advised"}, {ID: "JPTYOACNPEKAAUN60017002100040", Status: "advised"}}}}}
	if m.Ref != "JPTYOA00000001" {
		t.Errorf("ref %s", m.Ref)
	}
	text := m.MarshalEDI()
	golden(t, "resdes.edi", text)
	got, err := UnmarshalResdesWith(nil, text)
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Errorf("round trip: %v\n got %+v", err, got)
	}
}

func fieldText(err error) string {
	s := ""
	for _, f := range fieldsOf(err) {
		s += " " + f
	}
	return s
}

func fieldsOf(err error) []string {
	var out []string
	for _, f := range postal.Fields(err) {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

// Validation errors of EDIFACT input name the segment as well as the field.
func TestValidationNamesSegment(t *testing.T) {
	text := strings.Replace(string(samplePredes().MarshalEDI()), "CNXMNADEFRAAAUN60042002100031", "CNXMNADEFRAAAUN6004200210003X", 1)
	_, err := DecodePredes([]byte(text))
	if got := fieldText(err); !strings.Contains(got, "receptacles[1].id") || !strings.Contains(got, "(segment 20 (RFF))") {
		t.Errorf("bad S9: %v %s", err, got)
	}
	text = strings.Replace(string(sampleCardit().MarshalEDI()), "MEA+WT+G+KGM:12.48", "MEA+WT+G+KGM:2.48", 1)
	text = strings.Replace(text, "CNT+7:15.58:KGM", "CNT+7:5.58:KGM", 1)
	_, err = DecodeCardit([]byte(text))
	if got := fieldText(err); !strings.Contains(got, "receptacles[0].gross_weight_g") || !strings.Contains(got, "(segment 16 (MEA))") {
		t.Errorf("weight off the S9: %v %s", err, got)
	}
}
