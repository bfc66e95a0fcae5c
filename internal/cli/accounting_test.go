package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/demo"
)

func TestAccountingCLI(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	if code, _, errOut := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "40"); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	month := accounting.Month(testNow).Name
	code, stdout, errOut := run(t, "tariffs", "list", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "2026.1") {
		t.Fatalf("tariffs list: %d %s %s", code, stdout, errOut)
	}
	// A file with an overlap and a negative rate: exit 2, each problem named.
	bad := filepath.Join(out, "transit.csv")
	if err := os.WriteFile(bad, []byte("post,class,per_item,per_kg,currency,valid_from,valid_to\nNL,*,0.04,0.52,XDR,2026-01-01,\nNL,*,0.05,0.55,XDR,2026-06-01,\nXX,*,0.04,-1,XDR,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "tariffs", "import", "--data", dir, "--version", "2026.2", bad)
	for _, want := range []string{"transit.csv line 3: valid_from: NL * 2026-06-01…open overlaps line 2", "transit.csv line 4: post: \"XX\" is not an ISO", "transit.csv line 4: per_kg: -1 is negative"} {
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("bad transit.csv: exit %d, want 2 and %q in\n%s", code, want, errOut)
		}
	}
	if code, stdout, errOut := run(t, "ledger", "rate", "--data", dir, "--period", month); code != 0 || !strings.Contains(stdout, "0 posted") {
		t.Errorf("rating the seeded month again: %d %s %s", code, stdout, errOut)
	}
	code, stdout, errOut = run(t, "statement", "merchant", "XMTEA", "--data", dir, "--period", month, "-o", out)
	if code != 0 || !strings.Contains(stdout, "INV-"+month+"-XMTEA: Amount due") {
		t.Fatalf("invoice: %d %s %s", code, stdout, errOut)
	}
	for _, ext := range []string{".csv", ".pdf"} {
		if fi, err := os.Stat(filepath.Join(out, "INV-"+month+"-XMTEA"+ext)); err != nil || fi.Size() == 0 {
			t.Errorf("invoice %s: %v", ext, err)
		}
	}
	// Zones without the US: the US items of the month are listed as not
	// billed, and the statement exits 2 unless --allow-unrated.
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	var zones []string
	for _, l := range strings.Split(string(files[accounting.ZonesFile]), "\n") {
		if !strings.HasPrefix(l, "US,") {
			zones = append(zones, l)
		}
	}
	zf := filepath.Join(out, accounting.ZonesFile)
	if err := os.WriteFile(zf, []byte(strings.Join(zones, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, errOut := run(t, "tariffs", "import", "--data", dir, "--version", "2026.2-no-us", zf); code != 0 || !strings.Contains(stdout, "tariff 2026.2-no-us loaded") {
		t.Fatalf("import zones: %d %s %s", code, stdout, errOut)
	}
	var rep accounting.RateReport
	code, stdout, _ = run(t, "ledger", "rate", "--data", dir, "--period", month, "--json")
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || rep.Kept == 0 || len(rep.Unrated) == 0 {
		t.Fatalf("rating without US zones: %d %s", code, stdout)
	}
	merchant := ""
	for _, u := range rep.Unrated {
		if u.Kind == accounting.KindPostage && strings.Contains(u.Reason, "no zone for US") {
			merchant = u.Merchant
			break
		}
	}
	if merchant == "" {
		t.Fatalf("no unrated US postage in %+v", rep.Unrated)
	}
	code, _, errOut = run(t, "statement", "merchant", merchant, "--data", dir, "--period", month, "-o", out)
	if code != 2 || !strings.Contains(errOut, "facts of "+month+" are not charged") || !strings.Contains(errOut, "no zone for US") {
		t.Errorf("incomplete invoice: exit %d, stderr %s", code, errOut)
	}
	if code, _, errOut := run(t, "statement", "merchant", merchant, "--data", dir, "--period", month, "-o", out, "--allow-unrated"); code != 0 {
		t.Errorf("--allow-unrated: %d %s", code, errOut)
	}
	csv, err := os.ReadFile(filepath.Join(out, "INV-"+month+"-"+merchant+".csv"))
	if err != nil || !strings.Contains(string(csv), "\nunrated,") {
		t.Errorf("the invoice CSV lists no unrated rows: %v", err)
	}
	code, stdout, errOut = run(t, "report", "margin", "--data", dir, "--period", month, "--what-if", filepath.Join("..", "..", "demo", "tariffs", "what-if", "merchant-prices.csv"))
	if code != 0 || !strings.Contains(stdout, "WHAT-IF MARGIN") || !strings.Contains(stdout, "merchant-prices.csv replaced") {
		t.Errorf("margin: %d %s %s", code, stdout, errOut)
	}
	if code, _, errOut := run(t, "report", "margin", "--data", dir, "--period", "November"); code != 2 || !strings.Contains(errOut, "--period") {
		t.Errorf("bad period: %d %s", code, errOut)
	}
	// report e2e prints the table and writes a CSV only when asked.
	before, _ := filepath.Glob("e2e-*.csv")
	code, stdout, errOut = run(t, "report", "e2e", "--data", dir)
	after, _ := filepath.Glob("e2e-*.csv")
	if code != 0 || !strings.Contains(stdout, "ON TIME") || len(after) != len(before) || strings.Contains(errOut, "wrote") {
		t.Errorf("report e2e: exit %d, files %v→%v\n%s\n%s", code, before, after, stdout, errOut)
	}
	e2eCSV := filepath.Join(out, "e2e.csv")
	if code, _, errOut := run(t, "report", "e2e", "--data", dir, "--csv", e2eCSV); code != 0 || !strings.Contains(errOut, "wrote "+e2eCSV) {
		t.Errorf("report e2e --csv: %d %s", code, errOut)
	}
	if b, err := os.ReadFile(e2eCSV); err != nil || !strings.HasPrefix(string(b), "origin,dest,product,week") {
		t.Errorf("e2e CSV: %v %.80q", err, b)
	}
}
