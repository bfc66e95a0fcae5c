package accounting_test

import (
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/postal"
)

// FuzzParseFiles feeds arbitrary text as one table of an otherwise valid
// tariff set. Parsing must not panic; an error must name fields; a set that
// parses must hold no two rows of a key valid on the same day, and parse to
// the same rows again.
func FuzzParseFiles(f *testing.F) {
	base := demoFiles(f)
	for i, name := range accounting.TableFiles {
		f.Add(uint8(i), string(base[name]))
	}
	f.Add(uint8(2), "dest,format,per_item,per_kg,registered_per_item,currency,valid_from,valid_to\nPL,E,0.7,4.5,,XDR,2026-01-01,2026-12-31\nPL,E,0.8,4.6,,XDR,2026-06-01,\n")
	f.Add(uint8(8), "code,name,basis,amount,currency,products,countries,postcodes,when,valid_from,valid_to\n\"FUEL\",\"a,b\",percent,7,,,,,,,\n")
	f.Add(uint8(0), "\ufeffcountry,group,valid_from,valid_to\r\nPL,x,,\r\n")
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		files := map[string][]byte{}
		for k, v := range base {
			files[k] = v
		}
		name := accounting.TableFiles[int(which)%len(accounting.TableFiles)]
		files[name] = []byte(body)
		set, err := accounting.ParseFiles(files)
		if err != nil {
			if set != nil || len(postal.Fields(err)) == 0 {
				t.Fatalf("error %v with set %v and no field errors", err, set != nil)
			}
			return
		}
		again, err := accounting.ParseFiles(set.Files)
		if err != nil || len(again.Rows()) != len(set.Rows()) {
			t.Fatalf("reparse: %v", err)
		}
		for k, n := range set.Rows() {
			if again.Rows()[k] != n {
				t.Fatalf("%s: %d rows, then %d", k, n, again.Rows()[k])
			}
		}
		for _, pair := range overlapping(set) {
			t.Fatalf("rows %d and %d overlap", pair[0], pair[1])
		}
		// Rating under whatever rows were read must not panic.
		var res accounting.Result
		r := &accounting.Rater{Tariff: set, Home: "CN"}
		r.Item(accounting.ItemFact{ID: "LA000000014CN", Merchant: "XMTEA", Product: "e-packet", Origin: "CNXMNA", Dest: "PL",
			WeightG: 850, AcceptedAt: time.Date(2026, 11, 16, 2, 0, 0, 0, time.UTC)}, &res)
	})
}

// overlapping returns the lines of rows of one key whose validity periods
// share a day, in the tables whose keys are simple to state here.
func overlapping(set *accounting.Set) [][2]int {
	var out [][2]int
	type span struct {
		key   string
		line  int
		valid accounting.Validity
	}
	var spans []span
	for _, r := range set.Dues {
		spans = append(spans, span{"dues|" + r.Dest + "|" + string(r.Format), r.Line, r.Valid})
	}
	for _, r := range set.Groups {
		spans = append(spans, span{"groups|" + r.Country, r.Line, r.Valid})
	}
	for _, r := range set.Surcharges {
		spans = append(spans, span{"surcharges|" + r.Code, r.Line, r.Valid})
	}
	for i, a := range spans {
		for _, b := range spans[i+1:] {
			if a.key == b.key && intersects(a.valid, b.valid) {
				out = append(out, [2]int{a.line, b.line})
			}
		}
	}
	return out
}

func intersects(a, b accounting.Validity) bool {
	// a starts no later than b ends, and b starts no later than a ends.
	return (a.From.IsZero() || b.To.IsZero() || !b.To.Before(a.From)) && (b.From.IsZero() || a.To.IsZero() || !a.To.Before(b.From))
}
