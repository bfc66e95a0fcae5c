package network

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/postal"
)

const goodServices = `id,from,to,mode,carrier,days,departs,duration_min,cutoff_min,capacity_kg,cost_per_kg,valid_from,valid_to,co2_g_per_kg,dg
MF811,CNXMNA,NLAMSA,air,Xiamen Airlines,1357,23:55,780,180,2500,5.85,,,,no
X8017,CNXMNA,PLMALA,rail,CR Express,3,22:00,17280,720,40000,1.2,2026-01-01,2026-12-31,95.5,yes
`

var testOffices = map[string]Office{
	"CNXMNA": {Code: "CNXMNA"}, "NLAMSA": {Code: "NLAMSA"}, "PLMALA": {Code: "PLMALA"},
}

func TestReadServices(t *testing.T) {
	got, err := ReadServices(strings.NewReader(goodServices), testOffices)
	if err != nil {
		t.Fatal(err)
	}
	co2 := 95.5
	want := []Leg{
		{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: ModeAir, Carrier: "Xiamen Airlines", Days: 1 | 4 | 16 | 64, Departs: 23*60 + 55,
			DurationMin: 780, CutoffMin: 180, CapacityKg: 2500, CostPerKg: 5.85},
		{ID: "X8017", From: "CNXMNA", To: "PLMALA", Mode: ModeRail, Carrier: "CR Express", Days: 4, Departs: 22 * 60,
			DurationMin: 17280, CutoffMin: 720, CapacityKg: 40000, CostPerKg: 1.2,
			ValidFrom: civil.Date{Year: 2026, Month: 1, Day: 1}, ValidTo: civil.Date{Year: 2026, Month: 12, Day: 31}, CO2GPerKg: &co2, DG: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadServices =\n%+v\nwant\n%+v", got, want)
	}
	var buf bytes.Buffer
	if err := WriteServices(&buf, got); err != nil {
		t.Fatal(err)
	}
	if buf.String() != goodServices {
		t.Errorf("round trip:\n%s\nwant\n%s", buf.String(), goodServices)
	}
}

func TestReadServicesHeaders(t *testing.T) {
	row := "S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,"
	required := strings.Join(ServiceHeader, ",")
	for name, c := range map[string]struct {
		file string
		ok   bool
	}{
		"required only":        {required + "\n" + row + "\n", true},
		"dg only":              {required + ",dg\n" + row + ",yes\n", true},
		"optional swapped":     {required + ",dg,co2_g_per_kg\n" + row + ",yes,12\n", true},
		"byte order mark":      {"\ufeff" + required + "\n" + row + "\n", true},
		"CRLF line ends":       {required + "\r\n" + row + "\r\n", true},
		"unknown extra column": {required + ",colour\n" + row + ",red\n", false},
		"optional twice":       {required + ",dg,dg\n" + row + ",yes,yes\n", false},
		"reordered required":   {"from,id" + required[len("id,from"):] + "\n", false},
		"empty":                {"", false},
	} {
		_, err := ReadServices(strings.NewReader(c.file), nil)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", name, err, c.ok)
		}
		if err != nil && postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("%s: %v is not invalid", name, err)
		}
	}
}

func TestReadServicesErrors(t *testing.T) {
	header := strings.Join(ServiceHeader, ",") + ",co2_g_per_kg,dg\n"
	good := "S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,,,no"
	cases := []struct {
		row, field, message string
	}{
		{"S1,XXXXXX,NLAMSA,air,C,1,10:00,60,0,10,1,,,,no", "line 2: from", `unknown office "XXXXXX"`},
		{"S1,CNXMNA,NLAMSA,air,C,1,25:00,60,0,10,1,,,,no", "line 2: departs", "not a time of day"},
		{"S1,CNXMNA,NLAMSA,air,C,1,9:00,60,0,10,1,,,,no", "line 2: departs", "HH:MM"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,-5,1,,,,no", "line 2: capacity_kg", "negative"},
		{"S1,CNXMNA,NLAMSA,jet,C,1,10:00,60,0,10,1,,,,no", "line 2: mode", "air, rail, road, sea"},
		{"S1,CNXMNA,NLAMSA,air,C,18,10:00,60,0,10,1,,,,no", "line 2: days", "ISO weekday"},
		{"S1,CNXMNA,NLAMSA,air,C,11,10:00,60,0,10,1,,,,no", "line 2: days", "twice"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,0,0,10,1,,,,no", "line 2: duration_min", "between 1"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,1h,0,10,1,,,,no", "line 2: duration_min", "whole number"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1.23456,,,,no", "line 2: cost_per_kg", "decimal places"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,2026-02-30,,,no", "line 2: valid_from", "not a date"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,2026-05-01,2026-04-01,,no", "line 2: valid_to", "before valid_from"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,,1e3,no", "line 2: co2_g_per_kg", "digits"},
		{"S1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,,,maybe", "line 2: dg", "yes or no"},
		{"S1,CNXMNA,CNXMNA,air,C,1,10:00,60,0,10,1,,,,no", "line 2: to", "also the from office"},
		{"S 1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,,,no", "line 2: id", "letters, digits"},
		{"S1,CNXMNA,NLAMSA,air,,1,10:00,60,0,10,1,,,,no", "line 2: carrier", "required"},
		{"S1,CNXMNA,NLAMSA,air", "line 2", "has 4 columns, want 15"},
		{`S1,"CNXMNA,NLAMSA,air`, "line 2", "quote"},
		{good + "\n" + good, "line 3: id", "already defined on line 2"},
	}
	for _, c := range cases {
		_, err := ReadServices(strings.NewReader(header+c.row+"\n"), testOffices)
		fields := postal.Fields(err)
		if postal.ErrorCode(err) != postal.CodeInvalid || len(fields) != 1 || fields[0].Field != c.field || !strings.Contains(fields[0].Message, c.message) {
			t.Errorf("row %q:\n got %v\nwant %s: …%s…", c.row, err, c.field, c.message)
		}
	}
	// Every bad line is reported, and nothing is returned.
	got, err := ReadServices(strings.NewReader(header+cases[0].row+"\n"+good+"\n"+cases[1].row+"\n"), testOffices)
	if got != nil || len(postal.Fields(err)) != 2 {
		t.Errorf("two bad lines: %v, %v", got, err)
	}
}

func TestReadDir(t *testing.T) {
	offices := "code,name,country,kind,lat,lon,tz,connect_min,customs\n" +
		"CNXMNA,Xiamen,CN,oe,24.544,118.1277,Asia/Shanghai,150,yes\n" +
		"NLAMSA,Amsterdam,NL,oe,52.3105,4.7683,Europe/Amsterdam,120,yes\n"
	services := strings.Join(ServiceHeader, ",") + "\nS1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,\n"
	n, err := ReadDir(fstest.MapFS{OfficesFile: {Data: []byte(offices)}, ServicesFile: {Data: []byte(services)}}, nil)
	if err != nil || len(n.Offices) != 2 || len(n.Services) != 1 {
		t.Fatalf("ReadDir = %+v, %v", n, err)
	}
	// The file name is part of every error.
	badOffices := strings.Replace(offices, "Asia/Shanghai", "Asia/Xiamen", 1)
	badServices := strings.Replace(services, "10:00", "10:60", 1)
	_, err = ReadDir(fstest.MapFS{OfficesFile: {Data: []byte(badOffices)}, ServicesFile: {Data: []byte(badServices)}}, nil)
	fields := postal.Fields(err)
	if len(fields) != 2 || fields[0].Field != "offices.csv line 2: tz" || fields[1].Field != "services.csv line 2: departs" {
		t.Errorf("errors = %+v", fields)
	}
	// Services may refer to offices already stored.
	known := []Office{{Code: "CNXMNA"}, {Code: "NLAMSA"}}
	if n, err := ReadDir(fstest.MapFS{ServicesFile: {Data: []byte(services)}}, known); err != nil || len(n.Services) != 1 {
		t.Errorf("services against stored offices: %v", err)
	}
	_, err = ReadDir(fstest.MapFS{ServicesFile: {Data: []byte(services)}}, nil)
	if fields := postal.Fields(err); len(fields) != 1 || fields[0].Field != "offices.csv" {
		t.Errorf("missing offices.csv: %v", err)
	}
	_, err = ReadDir(fstest.MapFS{OfficesFile: {Data: []byte(offices)}}, nil)
	if fields := postal.Fields(err); len(fields) != 1 || fields[0].Field != "services.csv" {
		t.Errorf("missing services.csv: %v", err)
	}

	// WriteDir then ReadDir gives the same network, and the same bytes.
	dir := t.TempDir()
	if err := WriteDir(dir, n); err != nil {
		t.Fatal(err)
	}
	back, err := ReadDir(os.DirFS(dir), nil)
	if err != nil || !reflect.DeepEqual(back, n) {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	first, _ := os.ReadFile(filepath.Join(dir, ServicesFile))
	if err := WriteDir(dir, back); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(dir, ServicesFile))
	if !bytes.Equal(first, second) {
		t.Errorf("second export differs:\n%s\n%s", first, second)
	}
}

func FuzzReadServices(f *testing.F) {
	f.Add(goodServices)
	f.Add(strings.Join(ServiceHeader, ",") + "\nS1,CNXMNA,NLAMSA,air,C,1,10:00,60,0,10,1,,\n")
	f.Add(strings.Join(ServiceHeader, ",") + ",dg,co2_g_per_kg\nS1,CNXMNA,NLAMSA,sea,C,7654321,00:00,129600,10080,0.001,0.0001,1900-01-01,9999-12-31,yes,0\n")
	f.Add("id,from\n\"unterminated\n")
	f.Add("\ufeff" + strings.Join(ServiceHeader, ",") + "\r\n,,,,,,,,,,,,\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		services, err := ReadServices(strings.NewReader(in), nil)
		if err != nil {
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		for _, s := range services {
			if err := s.Validate(); err != nil {
				t.Fatalf("accepted an invalid service: %v", err)
			}
		}
		var buf bytes.Buffer
		if err := WriteServices(&buf, services); err != nil {
			t.Fatal(err)
		}
		again, err := ReadServices(bytes.NewReader(buf.Bytes()), nil)
		if err != nil {
			t.Fatalf("written file does not read back: %v\n%s", err, buf.String())
		}
		if len(again) != len(services) || (len(services) > 0 && !reflect.DeepEqual(again, services)) {
			t.Fatalf("round trip changed the services:\n%+v\n%+v", services, again)
		}
		var buf2 bytes.Buffer
		if err := WriteServices(&buf2, again); err != nil || !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Fatalf("second write differs: %v", err)
		}
	})
}

// A malformed quote used to make ReadOffices panic (csv.Reader.FieldPos
// after a failed Read); found by FuzzReadServices on the same pattern.
func TestReadOfficesBadQuote(t *testing.T) {
	_, err := ReadOffices(strings.NewReader(strings.Join(OfficeHeader, ",") + "\nA0\"000"))
	if fields := postal.Fields(err); len(fields) != 1 || fields[0].Field != "line 2" {
		t.Errorf("bad quote: %v", err)
	}
}

func TestSeaServicesConnectPorts(t *testing.T) {
	offices := strings.Join(OfficeHeader, ",") + "\n" +
		"CNSHPA,Shanghai Yangshan Port,CN,oe,30.627,122.065,Asia/Shanghai,240,yes,yes\n" +
		"NLRTMA,Rotterdam Port,NL,oe,51.95,4.14,Europe/Amsterdam,240,yes,yes\n" +
		"KZALAA,Almaty,KZ,impc,43.35,77.04,Asia/Almaty,180,yes,no\n"
	read := func(offices, services string) error {
		_, err := ReadDir(fstest.MapFS{OfficesFile: {Data: []byte(offices)},
			ServicesFile: {Data: []byte(strings.Join(ServiceHeader, ",") + "\n" + services)}}, nil)
		return err
	}
	if err := read(offices, "S1,CNSHPA,NLRTMA,sea,COSCO,1,10:00,40000,0,500000,0.3,,\n"); err != nil {
		t.Fatalf("port to port: %v", err)
	}
	err := read(offices, "S1,CNSHPA,KZALAA,sea,COSCO,1,10:00,40000,0,500000,0.3,,\n")
	fields := postal.Fields(err)
	if len(fields) != 1 || fields[0].Field != "services.csv line 2: to" || !strings.Contains(fields[0].Message, "KZALAA (Almaty) is not a port") {
		t.Fatalf("sea to a landlocked office: %v", err)
	}
	// Road to Almaty is fine; the file without the port column still reads, nothing a port.
	old := strings.Replace(strings.ReplaceAll(offices, ",yes,yes\n", ",yes\n"), ",yes,no\n", ",yes\n", 1)
	old = strings.Replace(old, ",customs,port", ",customs", 1)
	if err := read(old, "S1,CNSHPA,KZALAA,road,R,1,10:00,600,0,5000,0.3,,\n"); err != nil {
		t.Fatalf("offices.csv without the port column: %v", err)
	}
	if err := read(old, "S1,CNSHPA,NLRTMA,sea,COSCO,1,10:00,40000,0,500000,0.3,,\n"); err == nil || !strings.Contains(err.Error(), "column port") {
		t.Fatalf("sea service over a file without ports: %v", err)
	}
	if err := read(strings.Replace(offices, "yes,yes\n", "yes,maybe\n", 1), ""); err == nil || !strings.Contains(err.Error(), "port") {
		t.Fatalf("port maybe: %v", err)
	}
}
