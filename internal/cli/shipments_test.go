package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShipmentsUpload(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "5"); code != 0 {
		t.Fatal(errOut)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "demo", "shipments-upload.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(sample), ",PL,", ",XX,", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "shipments", "upload", bad, "--merchant", "XMTEA", "--data", dir)
	if code == 0 || !strings.Contains(out, "rejected, 20 rows: 0 created, 0 replayed, 1 invalid") || !strings.Contains(out, `row 3, addressee_country: "XX" is not`) {
		t.Fatalf("bad file: exit %d\n%s", code, out)
	}
	good := filepath.Join("..", "..", "demo", "shipments-upload.csv")
	if code, out, errOut := run(t, "shipments", "upload", good, "--merchant", "XMTEA", "--data", dir); code != 0 || !strings.Contains(out, "20 created") {
		t.Fatalf("sample: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := run(t, "shipments", "upload", good, "--merchant", "XMTEA", "--data", dir); code != 0 || !strings.Contains(out, "already uploaded as") {
		t.Fatalf("again: exit %d\n%s", code, out)
	}
}
