package edi

import (
	"os"
	"reflect"
	"testing"
	"time"
)

// FuzzParse: the tokenizer never panics, and what it reads it writes back
// to text that reads the same.
func FuzzParse(f *testing.F) {
	f.Add(samplePredes().MarshalEDI())
	f.Add(sampleResdit().MarshalEDI())
	f.Add([]byte("UNA:+.? 'UNB+UNOC:3+A+B'"))
	f.Add([]byte("ABC+??+?:+x'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, err := Parse(data)
		if err != nil {
			return
		}
		again, err := Parse(Encode(segs))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if len(again) != len(segs) {
			t.Fatalf("%d segments, then %d", len(segs), len(again))
		}
		for i := range segs {
			a, b := segs[i], again[i]
			if a.Tag != b.Tag || !sameElements(a.Elements, b.Elements) {
				t.Fatalf("segment %d: %q then %q", i+1, a.Elements, b.Elements)
			}
		}
	})
}

func sameElements(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// FuzzDecodeResdit: carrier input never panics; an accepted message
// encodes to text that decodes to the same message.
func FuzzDecodeResdit(f *testing.F) {
	f.Add(sampleResdit().MarshalEDI())
	js, _ := sampleResdit().JSON()
	f.Add(js)
	f.Add([]byte(`{"ref":"R1","carrier":"MF","recipient":"CNXMNA","prepared":"2026-11-24T07:30:00Z","events":[{"code":"21","place":"FRA","time":"2026-11-25T07:30:00Z","receptacles":["CNXMNADEFRAAAUN60042001000125"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeResdit(data)
		if err != nil {
			return
		}
		m2, err := DecodeResdit(m.MarshalEDI())
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !sameResdit(m, m2) {
			t.Fatalf("round trip:\n%+v\n%+v", m, m2)
		}
	})
}

// sameResdit compares at the precision the text keeps (minutes, UTC).
func sameResdit(a, b Resdit) bool {
	if a.Ref != b.Ref || a.Carrier != b.Carrier || a.Recipient != b.Recipient || a.Consignment != b.Consignment ||
		!a.Prepared.Truncate(60e9).Equal(b.Prepared) || len(a.Events) != len(b.Events) {
		return false
	}
	for i := range a.Events {
		x, y := a.Events[i], b.Events[i]
		if x.Code != y.Code || x.Place != y.Place || x.Transport != y.Transport || !x.Time.Truncate(60e9).Equal(y.Time) ||
			!reflect.DeepEqual(x.Receptacles, y.Receptacles) {
			return false
		}
	}
	return true
}

// FuzzDecodePredes: partner pre-advice never panics.
func FuzzDecodePredes(f *testing.F) {
	f.Add(samplePredes().MarshalEDI())
	js, _ := samplePredes().JSON()
	f.Add(js)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodePredes(data)
		if err != nil {
			return
		}
		if _, err := DecodePredes(p.MarshalEDI()); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

// FuzzDecodeCardit: consignment messages never panic.
func FuzzDecodeCardit(f *testing.F) {
	f.Add(sampleCardit().MarshalEDI())
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCardit(data)
		if err != nil {
			return
		}
		if _, err := DecodeCardit(c.MarshalEDI()); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

// FuzzDecodePredesProfiles: pre-advice in a partner's layout or ours never
// panics; what is accepted writes back to text in the sender's layout that
// reads the same.
func FuzzDecodePredesProfiles(f *testing.F) {
	pr := mustProfileFile("testdata/profiles/example-partner.json")
	x, err := NewProfiles(pr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(jpPredes().MarshalProfile(pr))
	f.Add(jpPredes().MarshalEDI())
	f.Add(samplePredes().MarshalEDI())
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodePredesWith(x, data)
		if err != nil {
			return
		}
		again, err := DecodePredesWith(x, p.MarshalProfile(x.For(p.Origin)))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !again.Prepared.Equal(p.Prepared.Truncate(time.Minute)) || again.Dispatch != p.Dispatch || len(again.Receptacles) != len(p.Receptacles) {
			t.Fatalf("round trip:\n%+v\n%+v", p, again)
		}
	})
}

func mustProfileFile(name string) *Profile {
	b, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	p, err := LoadProfile(b)
	if err != nil {
		panic(err)
	}
	return p
}
