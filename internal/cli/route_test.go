package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/network"
)

const demoDir = "../../demo"

func TestRouteFromFiles(t *testing.T) {
	base := []string{"route", "--network", demoDir, "--from", "CNXMNA", "--to", "DEDUIA", "--ready", "2026-11-23T10:00:00+08:00", "--weight-kg", "0.8"}
	code, out, errOut := run(t, append(base, "--product", "ems", "--json")...)
	var res struct {
		Earliest *struct {
			Arrive string `json:"arrive"`
			Legs   []struct{ Service, From, To, Depart, Arrive string }
		} `json:"earliest"`
		Pareto []json.RawMessage `json:"pareto"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Earliest == nil || res.Earliest.Legs[0].Service != "MF811" || res.Pareto == nil {
		t.Fatalf("route by air: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run(t, append(base, "--product", "parcel", "--surface", "--pareto")...)
	if code != 0 || !strings.Contains(out, "X8057") || !strings.Contains(out, "Pareto set") || !strings.Contains(out, "PL-MAL-DUI-1") {
		t.Errorf("route by rail: %d\n%s\n%s", code, out, errOut)
	}
	// No route: exit 0, earliest null.
	code, out, _ = run(t, append(base, "--product", "parcel", "--surface", "--horizon-days", "2", "--json")...)
	if code != 0 || !strings.Contains(out, `"earliest": null`) {
		t.Errorf("no route: %d %s", code, out)
	}
}

func TestRouteBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown office", []string{"--from", "XXXXXX", "--to", "DEDUIA", "--ready", "2026-11-23T10:00:00Z"}, `--from: unknown office "XXXXXX"`},
		{"ready without zone", []string{"--from", "CNXMNA", "--to", "DEDUIA", "--ready", "2026-11-23T10:00:00"}, "--ready: \"2026-11-23T10:00:00\" has no time zone"},
		{"bad weight", []string{"--from", "CNXMNA", "--to", "DEDUIA", "--weight-kg", "0"}, "--weight-kg"},
		{"bad product", []string{"--from", "CNXMNA", "--to", "DEDUIA", "--product", "pigeon"}, "--product: unknown product"},
		{"bad avoid", []string{"--from", "CNXMNA", "--to", "DEDUIA", "--avoid", "BY,XX"}, `--avoid: "XX"`},
	}
	for _, c := range cases {
		code, _, errOut := run(t, append([]string{"route", "--network", demoDir}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", c.name, code, errOut, c.want)
		}
	}
	// A malformed network names file, line and column.
	dir := t.TempDir()
	copyFile(t, filepath.Join(demoDir, "offices.csv"), filepath.Join(dir, "offices.csv"))
	svc := strings.Join(network.ServiceHeader, ",") + "\nS1,CNXMNA,DEDUIA,air,C,1,25:00,60,0,10,1,,\n"
	if err := os.WriteFile(filepath.Join(dir, "services.csv"), []byte(svc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "route", "--network", dir, "--from", "CNXMNA", "--to", "DEDUIA")
	if code != 2 || !strings.Contains(errOut, "services.csv line 2: departs") {
		t.Errorf("bad services.csv: %d %s", code, errOut)
	}
}

func TestNetworkImportExport(t *testing.T) {
	want, err := demo.Network()
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	code, _, errOut := run(t, "network", "import", demoDir, "--data", data)
	if code != 0 || !strings.Contains(errOut, fmt.Sprintf("imported %d offices and %d services", len(want.Offices), len(want.Services))) {
		t.Fatalf("import: %d %s", code, errOut)
	}
	out1 := t.TempDir()
	if code, _, errOut := run(t, "network", "export", out1, "--data", data); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	// The export holds the same network, services byte for byte (the demo
	// file is in canonical form).
	got, err := network.ReadDir(os.DirFS(out1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Services, want.Services) || !reflect.DeepEqual(network.OfficeMap(got.Offices), network.OfficeMap(want.Offices)) {
		t.Error("exported network differs from the imported one")
	}
	if a, b := readFile(t, filepath.Join(demoDir, "services.csv")), readFile(t, filepath.Join(out1, "services.csv")); !bytes.Equal(a, b) {
		t.Error("exported services.csv differs from demo/services.csv")
	}
	// Import the export into a fresh store and export again: same bytes.
	data2, out2 := t.TempDir(), t.TempDir()
	if code, _, errOut := run(t, "network", "import", out1, "--data", data2); code != 0 {
		t.Fatalf("re-import: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "network", "export", out2, "--data", data2); code != 0 {
		t.Fatalf("re-export: %d %s", code, errOut)
	}
	for _, f := range []string{"offices.csv", "services.csv"} {
		if !bytes.Equal(readFile(t, filepath.Join(out1, f)), readFile(t, filepath.Join(out2, f))) {
			t.Errorf("%s changed on a second round trip", f)
		}
	}
	// A bad directory imports nothing.
	bad := t.TempDir()
	copyFile(t, filepath.Join(out1, "offices.csv"), filepath.Join(bad, "offices.csv"))
	svc := strings.Join(network.ServiceHeader, ",") + "\nS1,CNXMNA,DEDUIA,air,C,1,10:00,60,0,-1,1,,\n"
	if err := os.WriteFile(filepath.Join(bad, "services.csv"), []byte(svc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "network", "import", bad, "--data", data)
	if code != 2 || !strings.Contains(errOut, "services.csv line 2: capacity_kg") {
		t.Errorf("bad import: %d %s", code, errOut)
	}
	// The route command reads the stored network without --network.
	code, out, errOut := run(t, "route", "--data", data, "--from", "CNXMNA", "--to", "DEDUIA", "--ready", "2026-11-23T10:00:00+08:00", "--product", "ems")
	if code != 0 || !strings.Contains(out, "MF811") {
		t.Errorf("route from the store after a failed import: %d %s %s", code, out, errOut)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.WriteFile(to, readFile(t, from), 0o600); err != nil {
		t.Fatal(err)
	}
}
