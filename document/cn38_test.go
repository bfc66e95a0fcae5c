package document

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exampleBill is a CN 38 for a Xiamen → Amsterdam flight carrying two
// dispatches, one with a registered receptacle.
func exampleBill(receptacles int) DeliveryBill {
	dep := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)
	zone, _ := time.LoadLocation("Asia/Shanghai")
	b := DeliveryBill{Form: "CN38", Number: "CNXMNA2600042", Office: "CNXMNA", OfficeName: "Xiamen Office of Exchange",
		Carrier: "Xiamen Airlines", Service: "MF811", Mode: "air", From: "CNXMNA", FromName: "厦门 Xiamen", To: "NLAMSA", ToName: "Amsterdam",
		Departure: dep, Arrival: dep.Add(13 * time.Hour), Zone: zone, Prepared: dep.Add(-5 * time.Hour)}
	for k, dest := range []string{"NLAMSA", "DEFRAA"} {
		d := BillDispatch{ID: fmt.Sprintf("CNXMNA%sAUN6%04d", dest, 41+k), Origin: "CNXMNA", Destination: dest, Category: "A", Subclass: "UN"}
		n := receptacles/2 + k*(receptacles%2)
		for i := 1; i <= n; i++ {
			g := 8000 + 1370*i%21000
			reg := i%4 == 0
			d.Receptacles = append(d.Receptacles, BillReceptacle{
				ID:   fmt.Sprintf("%s%03d%d%d%04d", d.ID, i, b2i(i == n), b2i(reg), (g+50)/100),
				Type: map[bool]string{true: "tray", false: "bag"}[i%5 == 0], Registered: reg, Last: i == n, GrossWeightG: g})
		}
		b.Dispatches = append(b.Dispatches, d)
	}
	return b
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func renderBill(t *testing.T, b DeliveryBill) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDeliveryBill(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeliveryBillPages(t *testing.T) {
	for _, tc := range []struct{ receptacles, pages int }{{7, 1}, {40, 2}, {150, 3}} {
		pdf := renderBill(t, exampleBill(tc.receptacles))
		if n := len(pageRE.FindAll(pdf, -1)); n != tc.pages {
			t.Errorf("%d receptacles: %d pages, want %d", tc.receptacles, n, tc.pages)
		}
	}
	for _, form := range []string{"CN41", "CN37"} {
		b := exampleBill(3)
		b.Form = form
		renderBill(t, b)
	}
}

func TestDeliveryBillInvalid(t *testing.T) {
	for _, b := range []DeliveryBill{{Form: "CN99", Number: "X"}, {Form: "CN38"}, {Form: "CN38", Number: "A B"}, {Form: "CN38", Number: "X"}} {
		if err := WriteDeliveryBill(&bytes.Buffer{}, b); !errors.Is(err, ErrInvalidBill) {
			t.Errorf("%+v: %v, want ErrInvalidBill", b, err)
		}
	}
}

// TestDeliveryBillText checks the text and the barcode of the rendered bill,
// and with -update writes docs/cn38.png (150 dpi) for the docs.
func TestDeliveryBillText(t *testing.T) {
	requireTools(t, "pdftoppm", "pdftotext")
	b := exampleBill(7)
	pdf := renderBill(t, b)
	text := pdfText(t, pdf)
	for _, want := range []string{"CN 38", "Delivery bill – air mails", "CNXMNA2600042", "MF811", "CNXMNANLAMSAAUN60041",
		"CNXMNADEFRAAAUN60042001", "Total: 2 dispatches", "2026-11-24 23:30 CST/UTC+8", "厦门 Xiamen", "Received by the carrier"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered bill lacks %q", want)
		}
	}
	png := rasterise(t, pdf, 150, filepath.Join(t.TempDir(), "cn38"))
	if _, err := exec.LookPath("zbarimg"); err == nil {
		hi := rasterise(t, pdf, 300, filepath.Join(t.TempDir(), "cn38hi"))
		out, _ := exec.Command("zbarimg", "--quiet", hi).Output()
		if !strings.Contains(string(out), "CODE-128:CNXMNA2600042") {
			t.Errorf("zbarimg read %q, want the consignment number", out)
		}
	}
	if *update {
		data, err := os.ReadFile(png)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "cn38.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeliveryBillInsuredList: insured items are listed individually with
// their insured value in the sender's currency and in SDR, in English and
// beside it in Chinese.
func TestDeliveryBillInsuredList(t *testing.T) {
	requireTools(t, "pdftotext")
	b := exampleBill(7)
	b.Insured = []BillInsured{{Item: "VA000000025CN", Receptacle: b.Dispatches[0].Receptacles[0].ID, Value: "300.00", Currency: "USD", ValueSDR: "219.78"},
		{Item: "CV000000016CN", Receptacle: b.Dispatches[1].Receptacles[0].ID, Value: "2000.00", Currency: "CNY", ValueSDR: "206.71"}}
	text := pdfText(t, renderBill(t, b))
	for _, want := range []string{"Insured items (2): a signature on every handover", "VA000000025CN", "300.00 USD", "219.78", "CV000000016CN", "2000.00 CNY"} {
		if !strings.Contains(text, want) {
			t.Errorf("bill lacks %q:\n%s", want, text)
		}
	}
	b.Lang = zh
	if text := pdfText(t, renderBill(t, b)); !strings.Contains(text, "保价邮件（2）") {
		t.Errorf("Chinese bill lacks the insured caption:\n%s", text)
	}
	// None insured: no list.
	if text := pdfText(t, renderBill(t, exampleBill(7))); strings.Contains(text, "Insured items") {
		t.Errorf("bill without insured items lists them")
	}
}
