package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTwinRefusesBadScenario(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nchanges:\n  - scale_demand: 2\n  - close_country: XX\n    from_day: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "twin", "run", "--scenario", bad, "--days", "2", "--out", filepath.Join(dir, "out"))
	if code != 2 || !strings.Contains(errOut, "line 4") || !strings.Contains(errOut, `unknown country "XX"`) {
		t.Errorf("bad scenario: exit %d, %s", code, errOut)
	}
}

func TestTwinRefusesLiveStore(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "3"); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	code, _, errOut := run(t, "twin", "run", "--store", dir, "--days", "1", "--out", filepath.Join(t.TempDir(), "out"))
	if code != 4 || !strings.Contains(errOut, "holds data") || !strings.Contains(errOut, "--fresh") {
		t.Errorf("live store: exit %d, %s", code, errOut)
	}
}
