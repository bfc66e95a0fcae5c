package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// run runs the CLI in-process and returns exit code, stdout and stderr.
// testNow is the moment every CLI test runs at (--now), so no test
// depends on the day it runs.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(append(args, "--now", testNow.Format(time.RFC3339)), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDemoKeysAndS10(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "30")
	if code != 0 || !strings.Contains(out, "30 shipments created") || !strings.Contains(out, "merchant XMTEA") {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	// Idempotent: a second run finds the same shipments.
	if code, out, _ := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "30"); code != 0 || !strings.Contains(out, "0 shipments created, 30 already there") {
		t.Fatalf("second demo: %d %s", code, out)
	}
	code, out, errOut = run(t, "keys", "create", "--data", dir, "--role", "merchant", "--merchant", "XMTEA", "--json")
	var k struct{ Key string }
	if code != 0 || json.Unmarshal([]byte(out), &k) != nil || !strings.HasPrefix(k.Key, "ipk_") {
		t.Fatalf("keys create: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "keys", "create", "--data", dir, "--role", "merchant", "--merchant", "NOPE"); code != 2 || !strings.Contains(errOut, "--merchant") {
		t.Errorf("key for unknown merchant: %d %s", code, errOut)
	}
	if code, out, _ := run(t, "keys", "list", "--data", dir); code != 0 || !strings.Contains(out, "XMTEA") || strings.Contains(out, k.Key) {
		t.Errorf("keys list: %d %s", code, out)
	}
	code, out, _ = run(t, "s10", "next", "--data", dir, "--product", "ems", "--country", "CN", "-n", "2")
	if ids := strings.Fields(out); code != 0 || len(ids) != 2 || !strings.HasPrefix(ids[0], "EA") || ids[0] == ids[1] {
		t.Errorf("s10 next: %d %q", code, out)
	}
	if code, _, errOut := run(t, "s10", "next", "--data", dir, "--product", "pigeon"); code != 2 || !strings.Contains(errOut, "--product") {
		t.Errorf("s10 next bad product: %d %s", code, errOut)
	}
	if code, out, _ := run(t, "offices", "list", "--data", dir); code != 0 || !strings.Contains(out, "CNXMNA") {
		t.Errorf("offices list: %d %s", code, out)
	}
}

func TestS10Check(t *testing.T) {
	code, out, _ := run(t, "s10", "check", "EE123456785CN", "RR473124829GB")
	if code != 0 || !strings.Contains(out, "EE123456785CN\tvalid") || !strings.Contains(out, "United Kingdom") {
		t.Errorf("valid ids: %d %s", code, out)
	}
	code, out, errOut := run(t, "s10", "check", "EE123456783CN")
	if code != 2 || !strings.Contains(out, "check digit is 3, expected 5") || !strings.Contains(errOut, "1 of 1 ids are invalid") {
		t.Errorf("invalid id: %d %s %s", code, out, errOut)
	}
	code, out, _ = run(t, "s10", "check", "--json", "EE123456785CN")
	var res []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res[0]["valid"] != true {
		t.Errorf("json: %d %s", code, out)
	}
}

func TestBadFlags(t *testing.T) {
	if code, _, errOut := run(t, "serve", "--db", "mysql://x"); code == 0 || !strings.Contains(errOut, "postgres://") {
		t.Errorf("bad --db: %d %s", code, errOut)
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "interpost ") {
		t.Errorf("version: %d %s", code, out)
	}
	t.Setenv("INTERPOST_DATA", t.TempDir())
	if code, out, _ := run(t, "offices", "list"); code != 0 || !strings.Contains(out, "CODE") {
		t.Errorf("INTERPOST_DATA: %d %s", code, out)
	}
}
