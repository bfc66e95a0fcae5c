package document

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
)

// exampleNote is a CN 43 for a Tokyo → Beijing dispatch with a missing bag,
// an overweight bag and an item not on the list.
func exampleNote() VerificationNote {
	at := time.Date(2026, 11, 24, 9, 40, 0, 0, time.UTC)
	zone, _ := time.LoadLocation("Asia/Shanghai")
	const d = "JPTYOACNPEKAAUN63280"
	ds := []inward.Discrepancy{
		{Receptacle: d + "002000131", Kind: inward.WeightDifference, Advised: "12.6 kg", Found: "13.4 kg (+780 g, tolerance 630 g)"},
		{Receptacle: d + "002000131", Item: "RR876543216JP", Kind: inward.RegisteredUnlisted, Found: "registered item RR876543216JP without its listing (CN 33 / PREDES)"},
		{Receptacle: d + "003100088", Kind: inward.MissingReceptacle, Advised: "bag, 8.8 kg", Found: "not received"},
	}
	for i := range ds {
		ds[i].Dispatch, ds[i].Office, ds[i].At = d, "CNPEKA", at
	}
	return VerificationNote{
		Note: inward.Note{Number: "JPTYOA00000007", Dispatch: d, Office: "CNPEKA", Origin: "JPTYOA", Partner: "JPPOST", CreatedAt: at,
			Discrepancies: ds, Reply: inward.Reply{Kind: "RESDES", Recipient: "JPTYOA", Ref: "JPTYOA00000007"}},
		Dispatch: inward.Dispatch{ID: d, Origin: "JPTYOA", Destination: "CNPEKA", Category: "A", Subclass: "UN", PreAdvice: "JP26112400",
			Carrier: "NH", Service: "NH905", Receptacles: 3, GrossWeightG: 34100},
		OfficeName: "北京 Beijing Office of Exchange", OriginName: "東京 Tokyo International", Zone: zone,
	}
}

func TestVerificationNoteInvalid(t *testing.T) {
	v := exampleNote()
	v.Note.Discrepancies = nil
	if err := WriteVerificationNote(&bytes.Buffer{}, v); !errors.Is(err, ErrInvalidNote) {
		t.Errorf("no discrepancies: %v", err)
	}
	if err := WriteVerificationNote(&bytes.Buffer{}, VerificationNote{}); !errors.Is(err, ErrInvalidNote) {
		t.Errorf("empty: %v", err)
	}
}

// TestVerificationNoteText checks the rendered CN 43 and with -update
// writes docs/cn43.png (80 dpi).
func TestVerificationNoteText(t *testing.T) {
	requireTools(t, "pdftoppm", "pdftotext")
	var buf bytes.Buffer
	if err := WriteVerificationNote(&buf, exampleNote()); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"CN 43", "Verification note", "JPTYOA00000007", "JPTYOACNPEKAAUN63280", "Weight difference",
		"Registered item not listed", "Receptacle missing", "北京 Beijing", "東京 Tokyo", "2026-11-24 17:40 CST/UTC+8", "JP26112400"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered CN 43 lacks %q", want)
		}
	}
	png := rasterise(t, buf.Bytes(), 80, filepath.Join(t.TempDir(), "cn43"))
	if *update {
		data, err := os.ReadFile(png)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "cn43.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
