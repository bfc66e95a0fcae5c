package server_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/interpost/interpost/bulk"
)

// testUpload uploads a CSV of shipments with one bad row through the
// console's upload page, valid rows only: the page polls the job until it
// stops, its progress bar full, lists the bad row with its column and
// reason, and links the batch label PDF.
func (e *browserEnv) testUpload(t *testing.T) {
	var buf bytes.Buffer
	if err := bulk.Sample(&buf, 40, "CONSOLE-UP-"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	lines[3] = strings.Replace(lines[3], ",FR,", ",XX,", 1) // row 4 (the header is row 1)
	file := filepath.Join(t.TempDir(), "day.csv")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	// The new-shipment page leads to the upload page.
	e.open(t, "/console/shipments/new", "shipment_new")
	e.do(t, chromedp.Click(chromedp.CSS("#upload-link")))
	e.waitPage(t, "uploads")
	e.do(t, chromedp.SetValue(chromedp.CSS("#u-merchant"), "XMTEA"),
		chromedp.SetUploadFiles(chromedp.CSS("#u-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`input[name="mode"][value="valid"]`)),
		chromedp.Click(chromedp.CSS("#upload-submit")))
	e.waitFor(t, `!!document.querySelector("#upload-job") && ["done","rejected","failed"].includes(document.querySelector("#upload-job").dataset.status)`)
	if st := eval[string](t, e, `document.querySelector("#upload-job").dataset.status`); st != "done" {
		t.Fatalf("upload ended %q: %s", st, e.text(t, "#upload-job"))
	}
	if max, val := eval[int](t, e, `+document.querySelector("#upload-progress").max`), eval[int](t, e, `+document.querySelector("#upload-progress").value`); max != 40 || val != 40 {
		t.Errorf("progress bar at %d of %d, want 40 of 40", val, max)
	}
	if got := e.text(t, "#upload-errors tbody"); !strings.Contains(got, "4") || !strings.Contains(got, "addressee_country") {
		t.Errorf("row errors table = %q, want row 4's addressee_country", got)
	}
	if href := eval[string](t, e, `document.querySelector("#upload-labels").getAttribute("href")`); !strings.HasSuffix(href, "/labels.pdf") {
		t.Errorf("labels link = %q", href)
	}
	if n := eval[int](t, e, `document.querySelectorAll("#upload-job[hx-trigger]").length`); n != 0 {
		t.Error("the finished job still polls")
	}
	e.screenshot(t, "upload", "")
}
