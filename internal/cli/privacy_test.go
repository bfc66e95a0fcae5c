package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPrivacyCommands(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "20"); code != 0 || !strings.Contains(out, "privacy export") {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	// The demo's people are days old: nothing is past 24 months.
	code, out, errOut := run(t, "privacy", "erase", "--data", dir)
	if code != 0 || !strings.Contains(out, "shipment            0 erased") {
		t.Fatalf("privacy erase: %d\n%s\n%s", code, out, errOut)
	}
	var ex struct {
		Records []struct {
			Kind   string
			Erased bool
			Record json.RawMessage
		}
	}
	code, out, errOut = run(t, "privacy", "export", "--data", dir, "--name", "Xiamen Tea Co")
	if code != 0 || json.Unmarshal([]byte(out), &ex) != nil {
		t.Fatalf("privacy export: %d\n%s\n%s", code, out, errOut)
	}
	before := len(ex.Records)
	if before == 0 {
		t.Fatalf("privacy export found nothing for the demo sender:\n%s", out)
	}
	code, out, errOut = run(t, "privacy", "erase", "--data", dir, "--before", "2026-11-23T12:00:00Z", "--json")
	var run1 struct{ Erased map[string]int }
	if code != 0 || json.Unmarshal([]byte(out), &run1) != nil || run1.Erased["shipment"] == 0 {
		t.Fatalf("privacy erase --before: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ = run(t, "privacy", "export", "--data", dir, "--name", "Xiamen Tea Co"); code != 0 || strings.Contains(out, `"shipment"`) {
		t.Errorf("export after erasure still finds shipments: %d\n%s", code, out)
	}
	if code, _, errOut := run(t, "privacy", "erase", "--data", dir, "--before", "2026-12-01"); code != 2 || !strings.Contains(errOut, "--before") {
		t.Errorf("erase --before tomorrow: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "privacy", "export", "--data", dir); code != 2 || !strings.Contains(errOut, "name a person") {
		t.Errorf("export without a person: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "privacy", "erase", "--data", dir, "--retention", "shipments=0"); code != 2 || !strings.Contains(errOut, "--retention") {
		t.Errorf("bad --retention: %d %s", code, errOut)
	}
	if code, out, errOut := run(t, "audit", "export", "--data", dir, "--from", "2026-01-01", "--to", "2027-01-01"); code != 0 || !strings.HasPrefix(out, "seq,at,key_id,") {
		t.Errorf("audit export: %d %q %s", code, out, errOut)
	}
}
