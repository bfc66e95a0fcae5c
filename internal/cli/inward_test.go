package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interpost/interpost/edi"
)

// TestInwardCLI takes a partner's pre-advice from a file, in our layout and
// in a partner's own profile, and refuses a truncated one naming the
// segment.
func TestInwardCLI(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := run(t, "offices", "import", "--data", dir, "../../demo/offices.csv"); code != 0 {
		t.Fatalf("offices: %d %s %s", code, out, errOut)
	}
	b, err := os.ReadFile("../../edi/testdata/predes-example-partner.edi")
	if err != nil {
		t.Fatal(err)
	}
	partner := filepath.Join(dir, "jp.edi")
	os.WriteFile(partner, b, 0o644)
	// Without JPTYOA's profile its text is not our layout.
	if code, _, errOut := run(t, "inward", "predes", "--data", dir, partner); code != 2 || !strings.Contains(errOut, "segment 3 (BGM)") {
		t.Errorf("partner layout without its profile: %d %s", code, errOut)
	}
	profiles := filepath.Join(dir, "profiles")
	os.Mkdir(profiles, 0o755)
	pb, _ := os.ReadFile("../../edi/testdata/profiles/example-partner.json")
	os.WriteFile(filepath.Join(profiles, "jp.json"), pb, 0o644)
	code, out, errOut := run(t, "inward", "predes", "--data", dir, "--edi-profiles", profiles, partner)
	if code != 0 || !strings.Contains(out, "PREDES JP00000017 from JPTYOA accepted: 1 dispatch(es) [JPTYOACNPEKAAUN60017], 2 receptacles, 2 items") ||
		!strings.Contains(out, "UNB+UNOC:3+CNPEKA+JPTYOA") {
		t.Fatalf("partner layout: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := run(t, "inward", "predes", "--data", dir, "--edi-profiles", profiles, partner); code != 0 || !strings.Contains(out, "already accepted") {
		t.Errorf("again: %d %s", code, out)
	}
	if code, out, _ := run(t, "inward", "list", "--data", dir, "--status", "expected", "--office", "CNPEKA"); code != 0 || !strings.Contains(out, "JPTYOACNPEKAAUN60017") {
		t.Errorf("list: %d %s", code, out)
	}
	ours := filepath.Join(dir, "kr.edi")
	p := edi.Predes{Ref: "KR1", Prepared: testNow, Dispatch: "KRSELACNSHAAAUN60001", Origin: "KRSELA", Destination: "CNSHAA",
		Receptacles: []edi.Receptacle{{ID: "KRSELACNSHAAAUN60001001100051", Type: "bag", GrossWeightG: 5100}}}
	text := string(p.MarshalEDI())
	os.WriteFile(ours, []byte(text[:len(text)-20]), 0o644)
	if code, _, errOut := run(t, "inward", "predes", "--data", dir, ours); code != 2 || !strings.Contains(errOut, "not terminated") {
		t.Errorf("truncated: %d %s", code, errOut)
	}
	os.WriteFile(ours, []byte(text), 0o644)
	if code, out, errOut := run(t, "inward", "predes", "--data", dir, "--reply", filepath.Join(dir, "resdes.edi"), ours); code != 0 || !strings.Contains(out, "written to") {
		t.Errorf("ours: %d %s %s", code, out, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "resdes.edi")); err != nil || !strings.Contains(string(b), "BGM+RESDES+KR1+9'") {
		t.Errorf("reply file: %v %s", err, b)
	}
}
