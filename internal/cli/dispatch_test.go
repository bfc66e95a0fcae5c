package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDispatchCLI seeds the demo (which runs a day of exchange operations)
// and drives the operator commands over it.
func TestDispatchCLI(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := run(t, "demo", "--data", dir, "--no-serve", "--shipments", "120"); code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := run(t, "dispatch", "list", "--data", dir, "--origin", "CNXMNA")
	if code != 0 || !strings.Contains(out, "CNXMNA") {
		t.Fatalf("dispatch list: %d %s %s", code, out, errOut)
	}
	// The first dispatch on a consignment (the demo also leaves open ones:
	// returns and open transit waiting for a flight).
	id := ""
	for _, ln := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(ln); len(f) > 6 && (f[1] == "consigned" || f[1] == "departed") {
			id = f[0]
			break
		}
	}
	if id == "" {
		t.Fatalf("no consigned dispatch from CNXMNA in:\n%s", out)
	}
	if code, out, _ := run(t, "dispatch", "predes", "--data", dir, id); code != 0 || !strings.Contains(out, "UNH+1+PREDES") {
		t.Errorf("predes: %d %s", code, out)
	}
	code, out, _ = run(t, "dispatch", "show", "--data", dir, "--json", id)
	if code != 0 || !strings.Contains(out, `"consignment": "CN`) {
		t.Fatalf("show: %d %s", code, out)
	}
	cons := out[strings.Index(out, `"consignment": "`)+16:]
	cons = cons[:strings.IndexByte(cons, '"')]
	pdf := filepath.Join(dir, "bill.pdf")
	if code, out, errOut := run(t, "dispatch", "bill", "--data", dir, cons, "-o", pdf); code != 0 {
		t.Fatalf("bill: %d %s %s", code, out, errOut)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("bill.pdf: %v", err)
	}
	if code, out, _ := run(t, "dispatch", "sortplan", "export", "--data", dir, "CNXMNA"); code != 0 || !strings.HasPrefix(out, "country,postcode_from") {
		t.Errorf("sortplan export: %d %s", code, out)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("country,postcode_from,postcode_to,category,class,product,destination,subclass,receptacle\nDE,,,A,,,DEXXXA,,bag\n"), 0o644)
	if code, _, errOut := run(t, "dispatch", "sortplan", "import", "--data", dir, "CNXMNA", bad); code != 2 || !strings.Contains(errOut, `line 2: destination: unknown office "DEXXXA"`) {
		t.Errorf("bad sort plan: %d %s", code, errOut)
	}
	forecast := filepath.Join(dir, "forecast.csv")
	os.WriteFile(forecast, []byte("origin,destination,category,kg,items\nCNXMNA,NLAMSA,A,9000,15000\nCNXMNA,XXYYYA,A,1,1\n"), 0o644)
	date := testNow.Format(time.DateOnly)
	if code, _, errOut := run(t, "plan", "day", "--data", dir, "--date", date, "--forecast", forecast); code != 2 || !strings.Contains(errOut, `line 3: destination: unknown office "XXYYYA"`) {
		t.Errorf("bad forecast: %d %s", code, errOut)
	}
	os.WriteFile(forecast, []byte("origin,destination,category,kg,items\nCNXMNA,NLAMSA,A,9000,15000\n"), 0o644)
	code, out, errOut = run(t, "plan", "day", "--data", dir, "--date", date, "--forecast", forecast, "--rounds", "-1")
	if code != 0 || !strings.Contains(out, "MF811") || !strings.Contains(out, "100.0%") || !strings.Contains(out, "Spill") {
		t.Errorf("plan day: %d\n%s\n%s", code, out, errOut)
	}
	// Without --date the plan is for today where the post is: 17:00 UTC is
	// already the next day in China.
	var o, e bytes.Buffer
	if code := Main([]string{"plan", "day", "--data", dir, "--forecast", forecast, "--rounds", "-1", "--now", "2026-11-23T17:00:00Z"}, &o, &e); code != 0 || !strings.Contains(o.String(), "Plan for 2026-11-24") {
		t.Errorf("plan day without --date: %d\n%s\n%s", code, o.String(), e.String())
	}
}
