package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCustomsCLI(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "offices", "import", "../../demo/offices.csv", "--data", dir); code != 0 {
		t.Fatalf("offices import: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "customs", "rules", "check", "../../demo/customs-rules.yaml")
	if code != 0 || !strings.Contains(out, "rules version 2026-12-07.1 OK") {
		t.Fatalf("rules check: %d %s %s", code, out, errOut)
	}
	good, err := os.ReadFile("../../demo/customs-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(good), "    min_items: 2", "    min_itmes: 2", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "customs", "rules", "check", bad); code != 2 || !strings.Contains(errOut, `min_itmes: unknown key "min_itmes" (did you mean "min_items"?)`) {
		t.Errorf("bad rules: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "serve", "--data", dir, "--customs-rules", bad, "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(errOut, "line ") {
		t.Errorf("serve with bad rules: %d %s", code, errOut)
	}

	manifest := "../../demo/customs-manifest.csv"
	code, out, errOut = run(t, "customs", "import", manifest, "--data", dir, "--dry-run")
	if code != 0 || !strings.Contains(out, "26 accepted, 0 rejected (dry run, nothing stored") || !strings.Contains(out, "CITES") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	broken := filepath.Join(dir, "broken.csv")
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, []byte(strings.Replace(string(data), "Hand-knitted wool scarf,1,", "Hand-knitted wool scarf,-1,", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "customs", "import", broken, "--data", dir, "--atomic")
	if code != 2 || !strings.Contains(out, "line 2 (RR102345673DE): quantity: must be at least 1, got -1") || !strings.Contains(out, "NOTHING STORED") {
		t.Fatalf("atomic import of a broken manifest: %d %s", code, out)
	}
	if code, out, errOut = run(t, "customs", "import", manifest, "--data", dir); code != 0 || !strings.Contains(out, "26 accepted") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	code, out, _ = run(t, "customs", "queue", "--office", "CNSHAA", "--data", dir)
	if code != 0 || !strings.Contains(out, "LX305678945JP") || strings.Index(out, "LX305678945JP") > strings.Index(out, "771298430156") {
		t.Errorf("queue (the ivory first): %d %s", code, out)
	}
	code, out, _ = run(t, "customs", "queue", "--office", "CNSHAA", "--q", "lx3056", "--sort", "-declared", "--data", dir)
	if code != 0 || !strings.Contains(out, "LX305678945JP") || strings.Contains(out, "771298430156") {
		t.Errorf("queue searched by id prefix: %d %s", code, out)
	}
	if code, _, errOut := run(t, "customs", "queue", "--office", "CNSHAA", "--stream", "mail", "--data", dir); code == 0 || !strings.Contains(errOut, "postal") {
		t.Errorf("queue with an unknown stream: %d %s", code, errOut)
	}
	code, out, _ = run(t, "keys", "create", "--data", dir, "--role", "customs", "--offices", "CNSHAA")
	key := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(key, "ipk_") {
		t.Fatalf("customs key: %d %q", code, out)
	}
	code, out, errOut = run(t, "customs", "decide", "LX305678945JP", "--data", dir, "--key", key, "--action", "seize", "--reason", "ivory, no CITES permit")
	if code != 0 || !strings.Contains(out, "status seized") || !strings.Contains(out, "events EDB, EME, EDX") {
		t.Errorf("decide: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "customs", "decide", "CP204567812US", "--data", dir, "--key", key, "--action", "release", "--reason", "ok"); code != 5 || !strings.Contains(errOut, "outside the offices of your key") {
		t.Errorf("decide at another office: %d %s", code, errOut)
	}
}
