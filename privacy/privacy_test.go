package privacy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestScrub(t *testing.T) {
	in := `{"id":"EA000000005CN","weight_g":850,
		"sender":{"name":"Xiamen Tea Co","address":"1 Hubin Rd","city":"Xiamen","country":"CN","phone":"+86 592 1234"},
		"addressee":{"name":"Anna Nowak","address":"ul. Prosta 5","postcode":"00-850","country":"PL","email":"a@b.pl"},
		"addressee_latin":{"name":"Anna Nowak"},
		"declaration":{"ecommerce":{"seller":{"name":"Shop","country":"CN"}},"lines":[{"description":"tea","value":"24.00"}]},
		"note":"name"}`
	out, changed, err := Scrub([]byte(in))
	if err != nil || !changed {
		t.Fatalf("Scrub: changed=%v err=%v", changed, err)
	}
	for _, gone := range []string{"Xiamen Tea Co", "Hubin", "Anna", "Prosta", "00-850", "a@b.pl", "+86", "Shop"} {
		if strings.Contains(string(out), gone) {
			t.Errorf("scrubbed body still has %q: %s", gone, out)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	a := doc["addressee"].(map[string]any)
	if a["name"] != Erased || a["country"] != "PL" || a["address"] != "" || doc["id"] != "EA000000005CN" || doc["note"] != "name" {
		t.Errorf("scrubbed = %s", out)
	}
	if !strings.Contains(string(out), `"weight_g":850`) || !strings.Contains(string(out), `"value":"24.00"`) {
		t.Errorf("numbers or lines changed: %s", out)
	}
	again, changed, err := Scrub(out)
	if err != nil || changed || string(again) != string(out) {
		t.Errorf("second Scrub changed=%v err=%v", changed, err)
	}
	if _, _, err := Scrub([]byte(`{"sender":`)); err == nil {
		t.Error("Scrub of broken JSON: no error")
	}
}

func TestQueryMatches(t *testing.T) {
	body := []byte(`{"sender":{"name":"Xiamen Tea Co","country":"CN"},"addressee":{"name":"Anna Nowak","email":"Anna@Example.pl","phone":"+48 501 234 567","country":"PL"}}`)
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{Name: "anna nowak"}, "addressee"},
		{Query{Email: "anna@example.PL"}, "addressee"},
		{Query{Phone: "0048501234567"}, "addressee"},
		{Query{Phone: "501-234-567"}, "addressee"},
		{Query{Phone: "234 567"}, ""}, // too short to be the number without its country code
		{Query{Name: "Anna Nowak", Email: "other@example.pl"}, ""},
		{Query{Name: "Xiamen Tea Co"}, "sender"},
		{Query{Name: "Anna"}, ""},
	} {
		got, err := c.q.matches(body)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%+v matches %v, want %q", c.q, got, c.want)
		}
	}
	if n := (Query{Phone: "+48 501 234 567"}).needle(); strings.Join(n, "") != "501234567" {
		t.Errorf("phone needle = %v", n)
	}
}

func TestCutoffs(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c := Retention{Customs: 60}.Cutoffs(now)
	if !c[Shipments].Equal(time.Date(2024, 12, 7, 12, 0, 0, 0, time.UTC)) || !c[CustomsItem].Equal(time.Date(2021, 12, 7, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("cutoffs = %v", c)
	}
}

// FuzzScrub: any JSON scrubs without panic, once; what it keeps parses.
func FuzzScrub(f *testing.F) {
	f.Add([]byte(`{"sender":{"name":"A","country":"PL"}}`))
	f.Add([]byte(`[{"buyer":{"name":"B","x":{"y":"z"}}},1,"s",null]`))
	f.Add([]byte(`{"seller":"not an object"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, changed, err := Scrub(in)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("Scrub(%q) = %q, not JSON", in, out)
		}
		if again, ch, err := Scrub(out); err != nil || ch || (changed && string(again) != string(out)) {
			t.Fatalf("second Scrub of %q changed=%v err=%v", out, ch, err)
		}
	})
}
