package customs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/interpost/interpost/customs"
)

const sampleCSV = `item_id,stream,direction,office,currency,sender_name,sender_country,addressee_name,addressee_country,carrier,description,quantity,net_weight_g,value,hs_code,origin_country
1Z999AA10123456784,express,import,CNSHAA,USD,Acme Inc,US,Zhang Wei,CN,UPS,Running shoes,1,700,60.00,640411,VN
1Z999AA10123456784,express,import,CNSHAA,,,,,,,Sports socks,3,150,9.00,611595,VN
1Z999AA10123456785,express,import,CNSHAA,USD,Acme Inc,US,Zhang Wei,CN,UPS,Cap,x,80,12.00,650500,CN
1Z999AA10123456786,express,import,CNSHAA,USD,Acme Inc,US,Li Lei,CN,UPS,"Hoodie, cotton",1,500,30.00
`

func readAll(t *testing.T, data, format string) ([]customs.Entry, error) {
	t.Helper()
	r, err := customs.NewManifestReader(strings.NewReader(data), format)
	if err != nil {
		return nil, err
	}
	var out []customs.Entry
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	ents, err := readAll(t, sampleCSV, customs.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 3 {
		t.Fatalf("got %d entries, want 3", len(ents))
	}
	if e := ents[0]; len(e.Decl.Lines) != 2 || e.Line != 2 || !reflect.DeepEqual(e.LineOf, []int{2, 3}) || e.Decl.Express.Carrier != "UPS" || len(e.Errs) != 0 {
		t.Errorf("multi-row item: %+v", e)
	}
	if e := ents[1]; len(e.Errs) != 1 || e.Errs[0].Line != 4 || e.Errs[0].Field != "quantity" {
		t.Errorf("bad quantity: %+v", e.Errs)
	}
	if e := ents[2]; len(e.Errs) != 1 || e.Errs[0].Line != 5 || !strings.Contains(e.Errs[0].Reason, "number of fields") {
		t.Errorf("short row: %+v", e.Errs)
	}
}

func TestReadCSVHeader(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct{ data, want string }{
		"empty":          {"", "empty"},
		"unknown column": {"item_id,colour\n", `unknown column "colour"`},
		"missing":        {"item_id,stream\n", "missing required columns direction, office"},
	} {
		if _, err := readAll(t, tt.data, customs.FormatCSV); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tt.want)
		}
	}
}

func TestReadJSONL(t *testing.T) {
	t.Parallel()
	data := `{"id":"RR473124829GB","stream":"postal","direction":"import","office":"CNPEKA","category":"gift","currency":"GBP","sender":{"name":"E","country":"GB"},"addressee":{"name":"L","country":"CN"},"lines":[{"description":"Scarf","quantity":1,"net_weight_g":150,"value":"25.00"}]}

{"id":"X1","colour":"red"}
{"id":"X2","lines":"many"}
{"id":"X3",
`
	ents, err := readAll(t, data, customs.FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 4 {
		t.Fatalf("got %d entries, want 4", len(ents))
	}
	if len(ents[0].Errs) != 0 || ents[0].Decl.ID != "RR473124829GB" {
		t.Errorf("good line: %+v", ents[0])
	}
	for i, want := range []struct {
		line  int
		field string
	}{{3, "colour"}, {4, "lines"}, {5, ""}} {
		e := ents[i+1]
		if len(e.Errs) != 1 || e.Errs[0].Line != want.line || e.Errs[0].Field != want.field {
			t.Errorf("entry %d: %+v, want line %d field %q", i+1, e.Errs, want.line, want.field)
		}
	}
}

// FuzzReadManifestCSV: arbitrary input never panics, and every entry read
// without errors survives write → read unchanged.
func FuzzReadManifestCSV(f *testing.F) {
	f.Add(sampleCSV)
	f.Add("item_id,stream,direction,office,currency,description,quantity,value\nA,express,import,CNSHAA,USD,x,1,1\n")
	f.Add("item_id,stream,direction,office,currency,description,quantity,value\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, data string) {
		ents, err := readAll(t, data, customs.FormatCSV)
		if err != nil {
			return
		}
		for _, e := range ents {
			if len(e.Errs) > 0 || e.Decl.ID == "" || strings.ContainsAny(e.Decl.ID, "\r\n") {
				continue
			}
			roundTrip(t, e.Decl)
		}
	})
}

// FuzzReadManifestJSONL: arbitrary input never panics.
func FuzzReadManifestJSONL(f *testing.F) {
	f.Add(`{"id":"RR473124829GB","stream":"postal","lines":[{"description":"a","quantity":1}]}` + "\n{\n")
	f.Fuzz(func(t *testing.T, data string) {
		if _, err := readAll(t, data, customs.FormatJSONL); err != nil && !strings.Contains(err.Error(), "longer than") {
			t.Fatalf("JSON lines reader failed on its own: %v", err)
		}
	})
}

func roundTrip(t *testing.T, d customs.Declaration) {
	t.Helper()
	var buf bytes.Buffer
	w, err := customs.NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&d); err != nil || w.Flush() != nil {
		t.Fatalf("write: %v", err)
	}
	back, err := readAll(t, buf.String(), customs.FormatCSV)
	if err != nil || len(back) != 1 || len(back[0].Errs) > 0 {
		t.Fatalf("re-read %q: %v %+v", buf.String(), err, back)
	}
	if !reflect.DeepEqual(back[0].Decl, d) {
		t.Fatalf("round trip changed the declaration:\n got %+v\nwant %+v", back[0].Decl, d)
	}
}

// TestManifestHeaderErrorIsShort: a bad header line is quoted by a short
// prefix only, however long it is.
func TestManifestHeaderErrorIsShort(t *testing.T) {
	t.Parallel()
	header := strings.Repeat("x", 1<<20) + "\n"
	_, err := customs.NewManifestReader(strings.NewReader(header), customs.FormatCSV)
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "unknown column") || !strings.Contains(err.Error(), "bytes in all") {
		t.Fatalf("error (%d bytes): %.300v", len(fmt.Sprint(err)), err)
	}
}
