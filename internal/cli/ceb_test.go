package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/interpost/interpost/customs/ceb"
)

const cebData = "../../customs/ceb/testdata/"

func TestCEBCheck(t *testing.T) {
	code, out, errOut := run(t, "customs", "ceb", "check", cebData+"ceb511-waybill.xml", cebData+"ceb511-waybill-dxp.xml", cebData+"ceb622-receipt.xml")
	if code != 0 || strings.Count(out, " OK\n") != 3 || !strings.Contains(out, "ceb622-receipt.xml: CEB622 OK") {
		t.Fatalf("valid files: %d %s %s", code, out, errOut)
	}
	// An unsigned CEB621 is valid only with --unsigned: the XSD requires ds:Signature.
	code, out, _ = run(t, "customs", "ceb", "check", cebData+"ceb621-inventory.xml")
	if code != 2 || out != cebData+"ceb621-inventory.xml: /CEB621Message/Signature: missing (required)\n" {
		t.Fatalf("unsigned inventory: %d %q", code, out)
	}
	if code, out, _ = run(t, "customs", "ceb", "check", "--unsigned", cebData+"ceb621-inventory.xml"); code != 0 {
		t.Fatalf("--unsigned: %d %s", code, out)
	}
	code, out, errOut = run(t, "customs", "ceb", "check", "--unsigned", cebData+"ceb511-waybill.xml", cebData+"ceb621-invalid.xml")
	want := cebData + "ceb511-waybill.xml: CEB511 OK\n" +
		cebData + "ceb621-invalid.xml: /CEB621Message/Inventory/InventoryHead/currency: \"502\" is not one of 142\n" +
		cebData + "ceb621-invalid.xml: /CEB621Message/Inventory/InventoryList[1]/gcode: 11 characters, must be exactly 10\n"
	if code != 2 || out != want || !strings.Contains(errOut, "1 of 2 files invalid") {
		t.Fatalf("invalid file: %d\n%s\nwant\n%s%s", code, out, want, errOut)
	}
	code, out, _ = run(t, "customs", "ceb", "check", "--json", "--unsigned", cebData+"ceb621-invalid.xml", "no-such-file.xml")
	var files []struct {
		File     string `json:"file"`
		Type     string `json:"type"`
		Valid    bool   `json:"valid"`
		Problems []struct{ Path, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &files); err != nil || code != 2 {
		t.Fatalf("json: %d %v %s", code, err, out)
	}
	if len(files) != 2 || files[0].Type != "CEB621" || files[0].Valid || len(files[0].Problems) != 2 ||
		files[0].Problems[1].Path != "/CEB621Message/Inventory/InventoryList[1]/gcode" || len(files[1].Problems) != 1 {
		t.Fatalf("json: %+v", files)
	}
}

func TestCEBShow(t *testing.T) {
	code, out, errOut := run(t, "customs", "ceb", "show", cebData+"ceb511-waybill-dxp.xml")
	for _, want := range []string{"CEB511 — 物流运单数据报文（物流企业）", "import waybill, import declaration",
		"DXP envelope: EA000000019CN-CEB511 from DXPLGS0000000001 to DXPEDCCEB0000002",
		"logisticsNo        waybill (parcel label) number            EA000000019CN", "138****0000"} {
		if !strings.Contains(out, want) {
			t.Errorf("show waybill: missing %q", want)
		}
	}
	if code != 0 || strings.Contains(out, "13800000000") {
		t.Fatalf("show waybill: %d %s %s", code, out, errOut)
	}
	code, out, _ = run(t, "customs", "ceb", "show", cebData+"ceb622-receipt.xml")
	if code != 0 || !strings.Contains(out, "status 800 放行 (released) at 2026-12-08 09:30:00.123 +08:00: [Code:2600;Desc:放行]") {
		t.Fatalf("show receipt: %d %s", code, out)
	}
	code, out, _ = run(t, "customs", "ceb", "show", cebData+"ceb621-invalid.xml")
	if code != 2 || !strings.Contains(out, "2 problems:") || !strings.Contains(out, "1101**********1234") {
		t.Fatalf("show invalid: %d %s", code, out)
	}
}

func TestCEBWaybill(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "offices", "import", "../../demo/offices.csv", "--data", dir); code != 0 {
		t.Fatalf("offices import: %d %s", code, errOut)
	}
	if code, out, errOut := run(t, "customs", "import", "../../demo/customs-manifest.csv", "--data", dir); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	args := []string{"customs", "ceb", "waybill", "TG20261123001", "--data", dir,
		"--profile", "../../demo/ceb-profile.json"}
	code, out, _ := run(t, args...)
	if code != 2 || !strings.Contains(out, "TG20261123001: buyer.consignee_telephone: missing") {
		t.Fatalf("without buyer: %d %s", code, out)
	}
	code, out, errOut := run(t, append(args, "--buyer", "../../demo/ceb-buyer.json")...)
	m, err := ceb.Decode([]byte(out))
	if code != 0 || err != nil {
		t.Fatalf("waybill: %d %v %s %s", code, err, out, errOut)
	}
	w := m.Waybills()[0]
	if w.LogisticsNo != "TG20261123001" || w.OrderNo != "TG-881201" || w.Consignee != "Liu Yang" || ceb.Time(w.AppTime) != "20261123200000" {
		t.Fatalf("%+v", w)
	}
	// The demo manifest declares 6-digit HS codes: no inventory, the field is named.
	code, out, _ = run(t, append(args, "--buyer", "../../demo/ceb-buyer.json", "--inventory")...)
	if code != 2 || !strings.Contains(out, `TG20261123001: lines[0].hs_code: "330410": CEB621 needs the 10-digit Chinese tariff code`) {
		t.Fatalf("inventory: %d %s", code, out)
	}
}

func TestCEBMatch(t *testing.T) {
	docs := []string{cebData + "ceb311-order.xml", cebData + "ceb411-payment.xml", cebData + "ceb511-waybill-dxp.xml", cebData + "ceb621-inventory.xml"}
	code, out, errOut := run(t, append([]string{"customs", "ceb", "match"}, docs...)...)
	if code != 0 || out != "TMG20261207000123 MATCHED\n" {
		t.Fatalf("matching documents: %d %q %s", code, out, errOut)
	}
	code, out, errOut = run(t, "customs", "ceb", "match", docs[0], docs[3])
	if code != 2 || out != "TMG20261207000123 WAITING for [CEB411 CEB511]\n" || !strings.Contains(errOut, "1 of 1 orders not matched") {
		t.Fatalf("payment and waybill missing: %d %q %s", code, out, errOut)
	}
	code, out, errOut = run(t, "customs", "ceb", "match", "--json", docs[0], cebData+"ceb622-receipt.xml")
	if code != 2 || !strings.Contains(out+errOut, "takes no part in matching") {
		t.Fatalf("a receipt: %d %q", code, out)
	}
}
