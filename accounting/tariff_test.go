package accounting_test

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
)

func demoFiles(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDemoTariffParses(t *testing.T) {
	set, err := accounting.ParseFiles(demoFiles(t))
	if err != nil {
		t.Fatalf("demo tariffs: %v", err)
	}
	if set.Version != "2026.1" {
		t.Errorf("version %q", set.Version)
	}
	for _, f := range accounting.TableFiles {
		if set.Rows()[f] == 0 {
			t.Errorf("%s has no rows", f)
		}
	}
	nov, jan := date(t, "2026-11-14"), date(t, "2027-01-05")
	// A country's own row (self-declared rates) wins over its group's.
	if r, g := set.DuesFor("US", accounting.FormatE, nov); r == nil || g != "" || r.PerKg.String() != "10.1" {
		t.Errorf("US E dues = %+v (group %q), want the US row", r, g)
	}
	if r, g := set.DuesFor("PL", accounting.FormatE, nov); r == nil || g != "target-2" || r.PerItem.String() != "0.735" {
		t.Errorf("PL E dues = %+v (group %q), want target-2's", r, g)
	}
	if r, _ := set.DuesFor("PL", accounting.FormatE, jan); r == nil || r.PerItem.String() != "0.772" {
		t.Errorf("PL E dues in 2027 = %+v, want the 2027 row", r)
	}
	if r, g := set.DuesFor("AQ", accounting.FormatE, nov); r != nil || g != "" {
		t.Errorf("Antarctica has dues %+v %q", r, g)
	}
	if set.Zone("RU", nov) != "Z4" || set.Zone("AQ", nov) != "" {
		t.Errorf("zones: RU %q AQ %q", set.Zone("RU", nov), set.Zone("AQ", nov))
	}
	// XMTEA has its own e-packet list; other products use the public one.
	if _, list, _ := set.PriceFor("XMTEA", "e-packet", "Z3", 500, nov); list != "XMTEA" {
		t.Errorf("XMTEA e-packet list %q", list)
	}
	if r, list, _ := set.PriceFor("XMTEA", "parcel", "Z3", 7000, nov); list != "*" || r == nil || r.UpToG != 10000 {
		t.Errorf("XMTEA parcel 7 kg: %+v list %q, want the public 10 kg band", r, list)
	}
	if r, _, heaviest := set.PriceFor("SZGADGET", "e-packet", "Z3", 2500, nov); r != nil || heaviest != 2000 {
		t.Errorf("2.5 kg e-packet: %+v heaviest %d", r, heaviest)
	}
	fuel := 0
	for _, s := range set.SurchargesFor(accounting.ItemFact{Product: "e-packet", Dest: "RU", Postcode: "630 099"}, nov) {
		if s.Code == "FUEL" && s.Amount.String() == "7" {
			fuel++
		}
		if s.Code == "REMOTE-RU" {
			fuel += 10
		}
	}
	if fuel != 11 {
		t.Errorf("surcharges for Novosibirsk in November: want FUEL 7%% and REMOTE-RU (got code %d)", fuel)
	}
}

// TestBadTariffs checks that each problem is reported with its file, line
// and a reason, and that nothing is returned.
func TestBadTariffs(t *testing.T) {
	const manifest = "version: bad.1\n"
	const groups = "country,group,valid_from,valid_to\nPL,target-2,2026-01-01,\nDE,target-1,2026-01-01,\n"
	const duesHead = "dest,format,per_item,per_kg,registered_per_item,currency,valid_from,valid_to\n"
	cases := []struct {
		name  string
		files map[string]string
		field string // the field error's Field
		want  string // in its message
	}{
		{"overlap", map[string]string{accounting.DuesFile: duesHead +
			"PL,E,0.7,4.5,,XDR,2026-01-01,2026-12-31\nPL,E,0.8,4.6,,XDR,2026-06-01,2027-12-31\n"},
			"terminal-dues.csv line 3: valid_from", "PL E 2026-06-01…2027-12-31 overlaps line 2"},
		{"open end overlaps", map[string]string{accounting.DuesFile: duesHead +
			"PL,E,0.7,4.5,,XDR,2026-01-01,\nPL,E,0.8,4.6,,XDR,2027-01-01,\n"},
			"terminal-dues.csv line 3: valid_from", "overlaps line 2 (2026-01-01…open)"},
		{"gap", map[string]string{accounting.DuesFile: duesHead +
			"PL,E,0.7,4.5,,XDR,2026-01-01,2026-12-31\nPL,E,0.8,4.6,,XDR,2027-02-01,\n"},
			"terminal-dues.csv line 3: valid_from", "PL E has no rate from 2027-01-01 to 2027-01-31"},
		{"unknown country", map[string]string{accounting.EMSFile: "origin,dest,per_item,per_kg,currency,valid_from,valid_to\nXX,PL,10,1,XDR,2026-01-01,\n"},
			"ems.csv line 2: origin", `"XX" is not an ISO 3166-1 alpha-2 country code`},
		{"unknown dest group", map[string]string{accounting.LandRatesFile: "dest,per_item,per_kg,currency,valid_from,valid_to\ngroup-9,10,1,XDR,2026-01-01,\n"},
			"inward-land-rates.csv line 2: dest", `"group-9" is neither an ISO 3166-1 country code nor a group of groups.csv`},
		{"negative rate", map[string]string{accounting.DuesFile: duesHead + "PL,E,0.7,-4.5,,XDR,2026-01-01,\n"},
			"terminal-dues.csv line 2: per_kg", "-4.5 is negative"},
		{"exponent", map[string]string{accounting.DuesFile: duesHead + "PL,E,7e-1,4.5,,XDR,2026-01-01,\n"},
			"terminal-dues.csv line 2: per_item", "not a plain decimal"},
		{"too many decimals", map[string]string{accounting.DuesFile: duesHead + "PL,E,0.1234567,4.5,,XDR,2026-01-01,\n"},
			"terminal-dues.csv line 2: per_item", "more than 6 decimal places"},
		{"bad format", map[string]string{accounting.DuesFile: duesHead + "PL,Q,0.7,4.5,,XDR,2026-01-01,\n"},
			"terminal-dues.csv line 2: format", "P, G or E"},
		{"bad currency", map[string]string{accounting.DuesFile: duesHead + "PL,E,0.7,4.5,,SDR,2026-01-01,\n"},
			"terminal-dues.csv line 2: currency", "XDR for SDR"},
		{"to before from", map[string]string{accounting.DuesFile: duesHead + "PL,E,0.7,4.5,,XDR,2026-05-01,2026-04-30\n"},
			"terminal-dues.csv line 2: valid_to", "is before valid_from"},
		{"bad header", map[string]string{accounting.TransitFile: "post,per_kg\nNL,0.5\n"},
			"transit.csv line 1", "want post,class,per_item,per_kg,currency,valid_from,valid_to"},
		{"short row", map[string]string{accounting.TransitFile: "post,class,per_item,per_kg,currency,valid_from,valid_to\nNL,*,0.04\n"},
			"transit.csv line 2", "has 3 columns, want 7"},
		{"unknown zone", map[string]string{accounting.PricesFile: "merchant,product,zone,up_to_g,step_g,per_item,per_kg,currency,valid_from,valid_to\n*,e-packet,Z9,2000,10,25,95,CNY,2026-01-01,\n"},
			"merchant-prices.csv line 2: zone", `"Z9" is not a zone of zones.csv`},
		{"unknown product", map[string]string{accounting.PricesFile: "merchant,product,zone,up_to_g,step_g,per_item,per_kg,currency,valid_from,valid_to\n*,pigeon,Z1,2000,10,25,95,CNY,2026-01-01,\n",
			accounting.ZonesFile: "country,zone,valid_from,valid_to\nJP,Z1,,\n"},
			"merchant-prices.csv line 2: product", `unknown product "pigeon"`},
		{"percent with currency", map[string]string{accounting.SurchargesFile: "code,name,basis,amount,currency,products,countries,postcodes,when,valid_from,valid_to\nFUEL,Fuel,percent,7,CNY,,,,,2026-01-01,\n"},
			"surcharges.csv line 2: currency", "must be empty for a percent surcharge"},
		{"postcodes without one country", map[string]string{accounting.SurchargesFile: "code,name,basis,amount,currency,products,countries,postcodes,when,valid_from,valid_to\nREMOTE,Remote,per_item,5,CNY,,,63,,2026-01-01,\n"},
			"surcharges.csv line 2: postcodes", "exactly one country"},
		{"conveyance bad mode", map[string]string{accounting.ConveyanceFile: "service,basis,rate,currency,valid_from,valid_to\nmode:ship,kg,1,USD,,\n"},
			"conveyance.csv line 2: service", "mode must be air, rail, road or sea"},
		{"unknown file", map[string]string{"rates.csv": "a,b\n"}, "rates.csv", "unknown tariff file"},
		{"bad version", map[string]string{accounting.ManifestFile: "version: 'two words'\n"}, "tariff.yaml version", "must be 1–32 letters"},
		{"unknown manifest key", map[string]string{accounting.ManifestFile: "version: v1\ncurrency: CNY\n"}, "tariff.yaml", "field currency not found"},
		{"not UTF-8", map[string]string{accounting.HandlingFile: "office,product\n\xff\n"}, "handling.csv", "not UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string][]byte{accounting.ManifestFile: []byte(manifest), accounting.GroupsFile: []byte(groups)}
			for name, body := range c.files {
				files[name] = []byte(body)
			}
			set, err := accounting.ParseFiles(files)
			if err == nil || set != nil {
				t.Fatalf("ParseFiles = %v, %v; want an error", set, err)
			}
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Errorf("code %s, want invalid", postal.ErrorCode(err))
			}
			for _, fe := range postal.Fields(err) {
				if fe.Field == c.field && strings.Contains(fe.Message, c.want) {
					return
				}
			}
			t.Errorf("no error %q containing %q in:\n%v", c.field, c.want, err)
		})
	}
}

// TestOverlay replaces one table of a set: the rest is kept and the whole
// is validated again.
func TestOverlay(t *testing.T) {
	base, err := accounting.ParseFiles(demoFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	next, err := accounting.Overlay(base, map[string][]byte{accounting.TransitFile: []byte(
		"post,class,per_item,per_kg,currency,valid_from,valid_to\nNL,*,0.05,0.60,XDR,2026-01-01,\n")}, "2026.2")
	if err != nil {
		t.Fatal(err)
	}
	if next.Version != "2026.2" || len(next.Transit) != 1 || len(next.Dues) != len(base.Dues) || next.Description != base.Description {
		t.Errorf("overlay: version %s, %d transit rows, %d dues rows", next.Version, len(next.Transit), len(next.Dues))
	}
	// A zones.csv without Z5 breaks the price lists kept from base.
	_, err = accounting.Overlay(base, map[string][]byte{accounting.ZonesFile: []byte("country,zone,valid_from,valid_to\nJP,Z1,,\n")}, "2026.3")
	if err == nil || !strings.Contains(err.Error(), `"Z5" is not a zone of zones.csv`) {
		t.Errorf("overlay breaking references: %v", err)
	}
}
