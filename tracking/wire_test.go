package tracking

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interpost/interpost/postal"
)

func decodeAll(t *testing.T, d Decoder) (Batch, error) {
	t.Helper()
	var b Batch
	for {
		err := d.Decode(&b, 3)
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func TestJSONLines(t *testing.T) {
	in := `{"object":"EE123456785CN","code":"EMA","office":"CNXMNA","time":"2026-11-20T09:00:00+08:00","source":"post"}

{"object":"EE123456785CN","code":"EMC" "office":"CNXMNA"}
{"object":"EE123456785CN","code":"EMC","office":"CNXMNA","time":"2026-11-21T18:00:00+08:00","source":"post","reason":"","next_office":"PLWAWA"}
{"object":"EE123456785CN","code":"EMD","office":"PLWAWA","time":"2026-11-22 07:00","source":"partner:PLPOST"}
{"object":"EE123456785CN","code":"EMD","office":"PLWAWA","time":"2026-11-22T07:00:00+01:00","source":"partner:PLPOST","colour":"red"}
[1,2]
{"object":"EE123456785CN","code":"EMI","office":"PLWAWA","time":"2026-11-23T10:00:00Z","source":"partner:PLPOST","signatory":"A. Nowak"}`
	b, err := decodeAll(t, NewJSONDecoder(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(b.Events); got != 3 {
		t.Fatalf("%d events, want 3", got)
	}
	if !slicesEqual(b.Lines, []int{1, 4, 8}) || !slicesEqual(b.Index, []int{0, 2, 6}) {
		t.Errorf("lines %v index %v", b.Lines, b.Index)
	}
	wantLines := []int{3, 5, 6, 7}
	if len(b.Rejected) != len(wantLines) {
		t.Fatalf("rejected = %+v", b.Rejected)
	}
	for i, r := range b.Rejected {
		if r.Line != wantLines[i] || r.Reason == "" {
			t.Errorf("rejection %d = %+v, want line %d", i, r, wantLines[i])
		}
	}
	if !strings.Contains(b.Rejected[1].Reason, "no UTC offset") || !strings.Contains(b.Rejected[2].Reason, "colour") {
		t.Errorf("reasons: %q / %q", b.Rejected[1].Reason, b.Rejected[2].Reason)
	}
	if _, off := b.Events[0].Time.Zone(); off != 8*3600 {
		t.Errorf("offset %d lost", off)
	}
	if b.Events[2].Signatory != "A. Nowak" || b.Events[1].NextOffice != "PLWAWA" {
		t.Errorf("optional fields: %+v", b.Events)
	}
}

func TestJSONArray(t *testing.T) {
	b, err := decodeAll(t, NewJSONDecoder(strings.NewReader(` [{"object":"EE123456785CN","code":"EMA","office":"CNXMNA","time":"2026-11-20T09:00:00+08:00","source":"post"},
		{"object":7}, {"object":"EE123456785CN","code":"EMB","office":"CNXMNA","time":"2026-11-20T11:00:00+08:00","source":"post"}]`)))
	if err != nil || len(b.Events) != 2 || len(b.Rejected) != 1 || b.Rejected[0].Index != 1 || b.Index[1] != 2 {
		t.Fatalf("batch %+v, %v", b, err)
	}
	_, err = decodeAll(t, NewJSONDecoder(strings.NewReader(`[{"object":"EE123456785CN"}, {"obj`)))
	if postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "element 1") {
		t.Errorf("broken array = %v", err)
	}
}

func TestCSV(t *testing.T) {
	in := "\ufeffobject,code,office,time,source,reason,next_office,signatory\r\n" +
		"EE123456785CN,EMA,CNXMNA,2026-11-20T09:00:00+08:00,post,,,\r\n" +
		"EE123456785CN,EMH,PLWAWA,2026-11-23T10:00:00+01:00,partner:PLPOST,\"Addressee absent, notice left\",,\n" +
		"EE123456785CN,EMI,PLWAWA\n" +
		"\n" +
		"EE123456785CN,EMI,PLWAWA,2026-11-24T10:00:00+01:00,partner:PLPOST,,,\"Nowak, A.\"\n"
	b, err := decodeAll(t, NewCSVDecoder(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Events) != 3 || len(b.Rejected) != 1 || b.Rejected[0].Line != 4 || b.Rejected[0].Index != 2 {
		t.Fatalf("events %d, rejected %+v", len(b.Events), b.Rejected)
	}
	if b.Events[1].Reason != "Addressee absent, notice left" || b.Events[2].Signatory != "Nowak, A." || b.Lines[2] != 6 {
		t.Errorf("quoted fields: %+v lines %v", b.Events, b.Lines)
	}
	short := "object,code,office,time,source\nEE123456785CN,EMA,CNXMNA,2026-11-20T09:00:00+08:00,post\n"
	if b, err := decodeAll(t, NewCSVDecoder(strings.NewReader(short))); err != nil || len(b.Events) != 1 {
		t.Errorf("five-column file: %+v, %v", b, err)
	}
	for _, bad := range []string{"", "item,code,office,time,source\n", "object,code,office\n"} {
		if _, err := decodeAll(t, NewCSVDecoder(strings.NewReader(bad))); postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("header %q: %v, want invalid", bad, err)
		}
	}
}

func TestWireRoundTrip(t *testing.T) {
	events := []Event{
		{Object: "EE123456785CN", Code: EMA, Office: "CNXMNA", Time: time.Date(2026, 11, 20, 9, 0, 0, 500, time.FixedZone("", 8*3600)), Source: "post"},
		{Object: "EE123456785CN", Code: EMH, Office: "PLWAWA", Time: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Source: "partner:PLPOST",
			Reason: `absent, "notice" left` + "\x01", NextOffice: "PLWAWA", Signatory: " Łukasz "},
	}
	for name, write := range map[string]func(io.Writer, []Event) error{"csv": WriteCSV, "jsonl": WriteJSONLines} {
		var buf bytes.Buffer
		if err := write(&buf, events); err != nil {
			t.Fatal(err)
		}
		dec := NewCSVDecoder(&buf)
		if name == "jsonl" {
			dec = NewJSONDecoder(&buf)
		}
		b, err := decodeAll(t, dec)
		if err != nil || len(b.Rejected) > 0 {
			t.Fatalf("%s: %v %+v", name, err, b.Rejected)
		}
		if diff := cmp.Diff(events, b.Events, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", name, diff)
		}
	}
}

func slicesEqual(a, b []int) bool { return cmp.Equal(a, b) }

func FuzzCSVDecoder(f *testing.F) {
	f.Add("object,code,office,time,source,reason,next_office,signatory\nEE123456785CN,EMA,CNXMNA,2026-11-20T09:00:00+08:00,post,,,\n")
	f.Add("object,code,office,time,source\n\"a\"\"b\",EMA,,x,\n,,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := decodeAll(t, NewCSVDecoder(strings.NewReader(in)))
		if err != nil {
			return
		}
		// Whatever parses must survive a write and a second parse.
		var buf bytes.Buffer
		if err := WriteCSV(&buf, b.Events); err != nil {
			t.Fatal(err)
		}
		again, err := decodeAll(t, NewCSVDecoder(&buf))
		if err != nil || len(again.Events) != len(b.Events) {
			t.Fatalf("re-parse: %d of %d events, %v\n%s", len(again.Events), len(b.Events), err, buf.String())
		}
	})
}

func FuzzJSONDecoder(f *testing.F) {
	f.Add(`{"object":"EE123456785CN","code":"EMA","office":"CNXMNA","time":"2026-11-20T09:00:00+08:00","source":"post"}` + "\n{bad\n")
	f.Add(`[{"object":"x"},{}]`)
	f.Fuzz(func(t *testing.T, in string) {
		b, err := decodeAll(t, NewJSONDecoder(strings.NewReader(in)))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteJSONLines(&buf, b.Events); err != nil {
			t.Fatal(err)
		}
		again, err := decodeAll(t, NewJSONDecoder(&buf))
		if err != nil || len(again.Events) != len(b.Events) {
			t.Fatalf("re-parse: %d of %d events, %v\n%s", len(again.Events), len(b.Events), err, buf.String())
		}
	})
}
