package dispatch

import (
	"errors"
	"strings"
	"testing"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

var testOffices = network.OfficeMap([]network.Office{
	{Code: "CNXMNA", Country: "CN", Kind: network.KindOE},
	{Code: "DEFRAA", Country: "DE", Kind: network.KindOE},
	{Code: "USJFKA", Country: "US", Kind: network.KindIMPC},
	{Code: "USLAXA", Country: "US", Kind: network.KindIMPC},
	{Code: "USORDA", Country: "US", Kind: network.KindIMPC},
	{Code: "PLWAWA", Country: "PL", Kind: network.KindOE},
	{Code: "PLMALA", Country: "PL", Kind: network.KindBorder},
	{Code: "GBLONO", Country: "GB", Kind: network.KindOE},
	{Code: "JPTYOA", Country: "JP", Kind: network.KindOE},
})

const planCSV = `country,postcode_from,postcode_to,category,class,product,destination,subclass,receptacle
# United States: three gateways by ZIP range
US,0,4,,,,USJFKA,,
US,5,6,,,,USORDA,,
US,7,9,,,,USLAXA,,
DE,,,,,,DEFRAA,,
DE,,,,E,,DEFRAA,,tray
PL,,,A,,,PLWAWA,,
PL,,,C,C,,PLWAWA,CA,pallet
GB,,,,,registered-small-packet,GBLONO,UR,
GB,,,,,,GBLONO,,
JP,,,A,,,JPTYOA,,
`

func testPlan(t *testing.T) *SortPlan {
	t.Helper()
	rules, err := ReadSortPlan(strings.NewReader(planCSV))
	if err != nil {
		t.Fatal(err)
	}
	p := &SortPlan{Office: "CNXMNA", Rules: rules}
	if err := p.Normalize(testOffices); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSort(t *testing.T) {
	p := testPlan(t)
	cases := []struct {
		name string
		item Item
		want Target
	}{
		{"NY ZIP", Item{Product: "e-packet", Country: "US", Postcode: "10001"}, Target{"USJFKA", "A", "UN", Bag, 1}},
		{"Chicago ZIP", Item{Product: "e-packet", Country: "US", Postcode: "60601"}, Target{"USORDA", "A", "UN", Bag, 2}},
		{"LA ZIP+4", Item{Product: "ems", Country: "US", Postcode: "90012-3456"}, Target{"USLAXA", "A", "EN", Bag, 3}},
		{"DE letter", Item{Product: "small-packet", Country: "DE", Postcode: "10115"}, Target{"DEFRAA", "A", "UN", Bag, 4}},
		{"DE EMS by class", Item{Product: "ems", Country: "DE"}, Target{"DEFRAA", "A", "EN", Tray, 5}},
		{"PL parcel surface", Item{Product: "parcel", Country: "PL", Postcode: "00-850"}, Target{"PLWAWA", "C", "CA", Pallet, 7}},
		{"PL letter air", Item{Product: "e-packet", Country: "PL"}, Target{"PLWAWA", "A", "UN", Bag, 6}},
		{"GB registered by product", Item{Product: "registered-small-packet", Country: "GB", Postcode: "SW1A 1AA"}, Target{"GBLONO", "A", "UR", Bag, 8}},
		{"GB other", Item{Product: "e-packet", Country: "GB"}, Target{"GBLONO", "A", "UN", Bag, 9}},
		{"JP parcel falls back to air", Item{Product: "parcel", Country: "JP"}, Target{"JPTYOA", "A", "CN", Bag, 10}},
		{"JP parcel asked for surface", Item{Product: "parcel", Country: "JP", Category: postal.CategorySurface}, Target{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Sort(tc.item)
			if tc.want == (Target{}) {
				if !errors.Is(err, ErrNoRule) {
					t.Fatalf("got %+v, %v; want ErrNoRule", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if bulk, err := p.Sorter().Sort(tc.item); err != nil || bulk != got {
				t.Errorf("Sorter: %+v, %v; Sort: %+v", bulk, err, got)
			}
		})
	}
}

func TestSortUnknownDestination(t *testing.T) {
	p := testPlan(t)
	for _, it := range []Item{
		{Product: "e-packet", Country: "FR", Postcode: "75011"},
		{Product: "parcel", Country: "PL"}, // category C parcels have a rule; B does not
	} {
		if it.Product == "parcel" {
			it.Category = postal.CategorySAL
		}
		_, err := p.Sort(it)
		if !errors.Is(err, ErrNoRule) || postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), it.Country) {
			t.Errorf("%+v: %v, want ErrNoRule naming %s", it, err, it.Country)
		}
	}
}

func TestSortPlanErrors(t *testing.T) {
	cases := []struct {
		name, file, want string
	}{
		{"header", "country,destination\nDE,DEFRAA\n", "wrong header"},
		{"columns", strings.Split(planCSV, "\n")[0] + "\nDE,,,DEFRAA\n", "line 2: has 4 columns"},
		{"wildcard country", strings.Split(planCSV, "\n")[0] + "\n*,,,,,,DEFRAA,,\n", "line 2: country"},
		{"unknown office", strings.Split(planCSV, "\n")[0] + "\nDE,,,,,,DEXXXA,,\n", `line 2: destination: unknown office "DEXXXA"`},
		{"not an OE", strings.Split(planCSV, "\n")[0] + "\nPL,,,,,,PLMALA,,\n", "PLMALA is a border"},
		{"half range", strings.Split(planCSV, "\n")[0] + "\nUS,0,,,,,USJFKA,,\n", "give both"},
		{"empty range", strings.Split(planCSV, "\n")[0] + "\nUS,5,4,,,,USJFKA,,\n", "is empty"},
		{"bad category", strings.Split(planCSV, "\n")[0] + "\nDE,,,X,,,DEFRAA,,\n", "line 2: category"},
		{"class vs product", strings.Split(planCSV, "\n")[0] + "\nDE,,,,U,parcel,DEFRAA,,\n", "product parcel is class C"},
		{"subclass class", strings.Split(planCSV, "\n")[0] + "\nDE,,,,U,,DEFRAA,CN,\n", "must start with the class letter U"},
		{"subclass without class", strings.Split(planCSV, "\n")[0] + "\nDE,,,,,,DEFRAA,UN,\n", "give class or product"},
		{"receptacle", strings.Split(planCSV, "\n")[0] + "\nDE,,,,,,DEFRAA,,sack\n", "not a receptacle type"},
		{"overlap", strings.Split(planCSV, "\n")[0] + "\nUS,0,5,,,,USJFKA,,\nUS,5,9,,,,USLAXA,,\n", "line 3: takes the same items as line 2"},
		{"duplicate", strings.Split(planCSV, "\n")[0] + "\nDE,,,A,,,DEFRAA,,\nDE,,,A,,,DEFRAA,,\n", "takes the same items"},
		{"own office", strings.Split(planCSV, "\n")[0] + "\nCN,,,,,,CNXMNA,,\n", "this office itself"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := ReadSortPlan(strings.NewReader(tc.file))
			if err == nil {
				p := &SortPlan{Office: "CNXMNA", Rules: rules}
				err = p.Normalize(testOffices)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not mention %q", msg, tc.want)
			}
		})
	}
}

func TestSortPlanRoundTrip(t *testing.T) {
	p := testPlan(t)
	var b strings.Builder
	if err := WriteSortPlan(&b, p.Rules); err != nil {
		t.Fatal(err)
	}
	rules, err := ReadSortPlan(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	q := &SortPlan{Office: "CNXMNA", Rules: rules}
	if err := q.Normalize(testOffices); err != nil {
		t.Fatal(err)
	}
	for i := range p.Rules {
		a, b := p.Rules[i], q.Rules[i]
		a.Line, b.Line = 0, 0
		if a != b {
			t.Errorf("rule %d: %+v then %+v", i, a, b)
		}
	}
}

func TestS9(t *testing.T) {
	id, err := S9("IEDUBANLHAGIAUN50123", 1, true, false, 12460)
	if err != nil || id != "IEDUBANLHAGIAUN50123001100125" {
		t.Fatalf("S9 = %s, %v", id, err)
	}
	if _, err := S9("IEDUBANLHAGIAUN50123", 1, true, false, 1_000_000); err == nil {
		t.Fatal("1000 kg accepted")
	}
}

func FuzzReadSortPlan(f *testing.F) {
	f.Add(planCSV)
	f.Add("country,postcode_from,postcode_to,category,class,product,destination,subclass,receptacle\n\"DE,,\n")
	f.Fuzz(func(t *testing.T, s string) {
		rules, err := ReadSortPlan(strings.NewReader(s))
		if err != nil {
			return
		}
		p := &SortPlan{Office: "CNXMNA", Rules: rules}
		if p.Normalize(testOffices) != nil {
			return
		}
		for _, c := range []string{"US", "DE", "PL", "GB"} {
			if _, err := p.Sort(Item{Product: "e-packet", Country: c, Postcode: "12345"}); err != nil && !errors.Is(err, ErrNoRule) {
				t.Fatal(err)
			}
		}
	})
}
