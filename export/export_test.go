package export_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/interpost/interpost/export"
	"github.com/interpost/interpost/postal"
)

func rows(emit func([]string) error) error {
	for _, r := range [][]string{{"EA1", "王小明", "=HYPERLINK(\"x\")"}, {"EA2", "Hans Müller", "12"}} {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

func TestCSV(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := export.Write(&b, "csv", []string{"id", "name", "note"}, rows); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFid,name,note\nEA1,王小明,\"'=HYPERLINK(\"\"x\"\")\"\nEA2,Hans Müller,12\n"
	if b.String() != want {
		t.Errorf("CSV = %q, want %q", b.String(), want)
	}
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := export.Write(&b, "xlsx", []string{"id", "name", "note"}, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1][1] != "王小明" || got[1][2] != `=HYPERLINK("x")` {
		t.Errorf("rows = %q", got)
	}
	if formula, _ := f.GetCellFormula(f.GetSheetName(0), "C2"); formula != "" {
		t.Errorf("C2 is a formula: %q", formula)
	}
}

func TestBadFormat(t *testing.T) {
	t.Parallel()
	err := export.Write(&bytes.Buffer{}, "pdf", nil, rows)
	if postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "csv, xlsx") {
		t.Errorf("Write(pdf) = %v", err)
	}
}
