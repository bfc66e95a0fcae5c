package risk_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/interpost/interpost/customs/risk"
)

func openOFAC(t *testing.T, dir string) risk.OFACFiles {
	t.Helper()
	var f risk.OFACFiles
	open := func(n string) *os.File {
		fh, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { fh.Close() })
		return fh
	}
	f.SDN, f.Alt, f.Add = open("sdn.csv"), open("alt.csv"), open("add.csv")
	return f
}

func TestParseOFAC(t *testing.T) {
	t.Parallel()
	l, err := risk.ParseOFAC(openOFAC(t, "testdata/ofac"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 150 || l.Name != "ofac-sdn" || !strings.HasPrefix(l.Version, "sha256:") {
		t.Fatalf("%d entries, name %s version %s", len(l.Entries), l.Name, l.Version)
	}
	bnc := l.Entries[2]
	if bnc.ID != "306" || bnc.Name != "BANCO NACIONAL DE CUBA" || bnc.Type != "entity" || bnc.Note != "CUBA" {
		t.Errorf("entry 306 = %+v", bnc)
	}
	if !slices.Contains(bnc.Aliases, risk.Alias{Name: "BNC", Strength: risk.Weak}) ||
		!slices.Contains(bnc.Aliases, risk.Alias{Name: "NATIONAL BANK OF CUBA", Strength: risk.Strong}) {
		t.Errorf("aliases of 306 = %v", bnc.Aliases)
	}
	if !slices.Contains(bnc.Countries, "CH") {
		t.Errorf("countries of 306 = %v, want CH among them (Zurich address)", bnc.Countries)
	}
	again, err := risk.ParseOFAC(openOFAC(t, "testdata/ofac"))
	if err != nil || again.Version != l.Version {
		t.Fatalf("same files, version %s then %s (%v)", l.Version, again.Version, err)
	}
}

func TestParseOFACFullSample(t *testing.T) {
	dir := "../../../shared/data/ofac-sample"
	if _, err := os.Stat(filepath.Join(dir, "sdn.csv")); err != nil {
		t.Skip("the OFAC sample is not next to the repository:", err)
	}
	l, err := risk.ParseOFAC(openOFAC(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	aliases := 0
	for _, e := range l.Entries {
		aliases += len(e.Aliases)
	}
	if len(l.Entries) != 9044 || aliases < 12000 || len(l.Warnings) == 0 {
		t.Errorf("%d entries, %d aliases, warnings %q; want 9044, most of alt.csv's 12409, and the sample's repeated ent_num reported", len(l.Entries), aliases, l.Warnings)
	}
	t.Log(l.Warnings)
}

func TestParseOFACBadInput(t *testing.T) {
	t.Parallel()
	good := "36,AEROCARIBBEAN AIRLINES,-0- ,CUBA,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
	tests := []struct {
		name, sdn, alt, want string
	}{
		{"wrong column count", good + "37,SHORT ROW,-0- ,CUBA\n", "", "sdn.csv line 2: 4 columns, want 12"},
		{"not a number", "x1" + good[2:], "", "sdn.csv line 1: ent_num"},
		{"empty name", "36,-0- ,-0- ,CUBA,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n", "", "SDN_Name is empty"},
		{"alias with a bad column count", good, "36,12,aka,AERO-CARIBBEAN,-0- \n99,13,aka\n", "alt.csv line 2: 3 columns, want 5"},
		{"alt in place of sdn", "36,12,aka,AERO-CARIBBEAN,-0- \n", "", "sdn.csv line 1: 5 columns, want 12"},
		{"empty", "", "", "no entries"},
		{"broken quote", "36,\"AERO,-0- ,CUBA\n", "", "sdn.csv line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := risk.OFACFiles{SDN: strings.NewReader(tt.sdn)}
			if tt.alt != "" {
				f.Alt = strings.NewReader(tt.alt)
			}
			l, err := risk.ParseOFAC(f)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, %v; want error containing %q", l, err, tt.want)
			}
		})
	}
}

func TestParseUNXML(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/un-consolidated.xml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := risk.ParseUNXML(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 3 || !strings.HasPrefix(l.Version, "2026-11-30+") || l.Published == "" {
		t.Fatalf("%d entries, version %s", len(l.Entries), l.Version)
	}
	zhao := l.Entries[0]
	if zhao.ID != "KPi.901" || zhao.Name != "WEIMING ZHAO" || !slices.Equal(zhao.Countries, []string{"CN"}) ||
		!slices.Contains(zhao.Aliases, risk.Alias{Name: "赵伟明", Strength: risk.Strong}) ||
		!slices.Contains(zhao.Aliases, risk.Alias{Name: "Old Zhao", Strength: risk.Weak}) {
		t.Errorf("entry 0 = %+v", zhao)
	}
	if e := l.Entries[2]; e.Type != "entity" || e.ID != "KPe.903" {
		t.Errorf("entry 2 = %+v", e)
	}

	for name, tc := range map[string]struct{ in, want string }{
		"truncated":    {string(data[:len(data)/2]), "ends early"},
		"wrong root":   {"<?xml version=\"1.0\"?>\n<rules><rule/></rules>", "line 2: root element is <rules>"},
		"not xml":      {"sdn,csv,file\n", "no CONSOLIDATED_LIST"},
		"bad syntax":   {"<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL></INDIVIDUALS>", "line 3"},
		"no reference": {"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>", "INDIVIDUAL 1"},
	} {
		if l, err := risk.ParseUNXML(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, %v; want error containing %q", name, l, err, tc.want)
		}
	}
}

func TestListDiff(t *testing.T) {
	t.Parallel()
	old := &risk.WatchList{Entries: []risk.ListEntry{{ID: "36", Name: "A"}, {ID: "173", Name: "B"}, {ID: "306", Name: "C"}}}
	cur := &risk.WatchList{Entries: []risk.ListEntry{{ID: "36", Name: "A"}, {ID: "306", Name: "C2"}, {ID: "1000", Name: "D"}, {ID: "99", Name: "E"}}}
	d := cur.Diff(old)
	if !slices.Equal(d.Added, []string{"99 E", "1000 D"}) || !slices.Equal(d.Removed, []string{"173 B"}) || !slices.Equal(d.Changed, []string{"306 C2"}) {
		t.Errorf("diff = %+v", d)
	}
	if d := cur.Diff(nil); len(d.Added) != 4 || len(d.Removed) != 0 {
		t.Errorf("first import diff = %+v", d)
	}
}

func FuzzParseOFAC(f *testing.F) {
	f.Add("36,AEROCARIBBEAN AIRLINES,-0- ,CUBA,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,a.k.a. 'BNC'.\n", "36,12,aka,AERO-CARIBBEAN,-0- \n")
	f.Add("1,\"A, B\",individual,X,-0-,-0-,-0-,-0-,-0-,-0-,-0-,a.k.a. 'ABU-'UMAR'.\n\x1a", "")
	f.Fuzz(func(t *testing.T, sdn, alt string) {
		l, err := risk.ParseOFAC(risk.OFACFiles{SDN: strings.NewReader(sdn), Alt: strings.NewReader(alt)})
		if err == nil && (len(l.Entries) == 0 || l.Version == "") {
			t.Fatalf("accepted a list without entries or version: %+v", l)
		}
	})
}

func FuzzParseUNXML(f *testing.F) {
	f.Add(`<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00"><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`)
	f.Add(`<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>B</FIRST_NAME><ENTITY_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>C</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES></CONSOLIDATED_LIST>`)
	f.Fuzz(func(t *testing.T, in string) {
		l, err := risk.ParseUNXML(strings.NewReader(in))
		if err == nil && (len(l.Entries) == 0 || l.Version == "") {
			t.Fatalf("accepted a list without entries or version: %+v", l)
		}
	})
}
