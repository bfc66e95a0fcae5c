package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCustomsListsCLI(t *testing.T) {
	dir := t.TempDir()
	ofac := "../../customs/risk/testdata/ofac"
	code, out, errOut := run(t, "customs", "lists", "import", "--format", "ofac-sdn", ofac, "--data", dir)
	if code != 0 || !strings.Contains(out, "in force: 150 entries") || !strings.Contains(out, "(first import)") {
		t.Fatalf("first import: %d %s %s", code, out, errOut)
	}
	un := "../../customs/risk/testdata/un-consolidated.xml"
	if code, out, errOut = run(t, "customs", "lists", "import", "--format", "un-xml", un, "--data", dir); code != 0 || !strings.Contains(out, "un-sc@2026-11-30+") {
		t.Fatalf("UN import: %d %s %s", code, out, errOut)
	}

	// Bad input: refused with the line, the lists in force untouched.
	data, err := os.ReadFile(un)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.xml")
	if err := os.WriteFile(cut, data[:len(data)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = run(t, "customs", "lists", "import", "--format", "un-xml", cut, "--data", dir); code != 2 || !strings.Contains(errOut, "line ") || !strings.Contains(errOut, "ends early") || !strings.Contains(errOut, "unchanged") {
		t.Errorf("truncated XML: %d %s", code, errOut)
	}
	if code, _, errOut = run(t, "customs", "lists", "import", "--format", "un-xml", ofac+"/sdn.csv", "--data", dir); code != 2 || !strings.Contains(errOut, "line 1") {
		t.Errorf("CSV given as UN XML: %d %s", code, errOut)
	}
	badDir := filepath.Join(dir, "ofac-bad")
	if err := os.Mkdir(badDir, 0o700); err != nil {
		t.Fatal(err)
	}
	sdn, err := os.ReadFile(ofac + "/sdn.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(sdn), "\n")
	lines[4] = "999,SHORT ROW,-0- \n"
	if err := os.WriteFile(filepath.Join(badDir, "sdn.csv"), []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = run(t, "customs", "lists", "import", "--format", "ofac-sdn", badDir, "--data", dir); code != 2 || !strings.Contains(errOut, "sdn.csv line 5: 3 columns, want 12") {
		t.Errorf("OFAC row with the wrong column count: %d %s", code, errOut)
	}
	if code, out, _ = run(t, "customs", "lists", "show", "--data", dir); code != 0 || !strings.Contains(out, "ofac-sdn") || !strings.Contains(out, "un-sc") || !strings.Contains(out, "150") {
		t.Errorf("lists after refused imports: %d %s", code, out)
	}

	// A re-import with one entry less and one more reports both.
	lines = strings.SplitAfter(string(sdn), "\n")
	lines[2] = "99999,NEW LISTED TRADING LLC,-0- ,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
	if err := os.WriteFile(filepath.Join(badDir, "sdn.csv"), []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "customs", "lists", "import", "--format", "ofac-sdn", badDir, "--data", dir)
	if code != 0 || !strings.Contains(out, "1 added, 1 removed") || !strings.Contains(out, "+ 99999 NEW LISTED TRADING LLC") || !strings.Contains(out, "- 306 BANCO NACIONAL DE CUBA") {
		t.Errorf("re-import: %d %s %s", code, out, errOut)
	}
	if code, _, errOut = run(t, "customs", "lists", "import", ofac, "--data", dir); code == 0 || !strings.Contains(errOut, "--format is required") {
		t.Errorf("no format: %d %s", code, errOut)
	}
}
