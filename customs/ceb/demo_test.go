package ceb

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata")

var demoTime = time.Date(2026, 12, 7, 10, 15, 0, 0, China)

// The enterprise codes, names and DXP ids below are invented for the demo world.
var demoTransfer = Transfer{CopCode: "1101980001", CopName: "示例邮政跨境物流有限公司", DxpID: "DXPLGS0000000001"}

func demoWaybill() *Message {
	return NewWaybills("4E1A6C1F-0000-4000-8000-000000000001", demoTransfer, Waybill{
		Declared:      Declared{GUID: "4E1A6C1F-0000-4000-8000-000000000002", AppTime: demoTime},
		LogisticsCode: "1101980001", LogisticsName: "示例邮政跨境物流有限公司", LogisticsNo: "EA000000019CN",
		BillNo: "999-12345675", OrderNo: "TMG20261207000123", Freight: "0", InsuredFee: "0", Weight: "0.85",
		GoodsInfo: "面霜 1 件; 精华液 2 件", Consignee: "王小明", ConsigneeAddress: "广东省广州市天河区示例路 1 号",
		ConsigneeTelephone: "13800000000",
	})
}

func demoInventory() *Message {
	return NewInventories("4E1A6C1F-0000-4000-8000-000000000011", demoTransfer, Inventory{
		Declared: Declared{GUID: "4E1A6C1F-0000-4000-8000-000000000012", AppTime: demoTime},
		OrderNo:  "TMG20261207000123", EbpCode: "1101980002", EbpName: "示例全球购平台", EbcCode: "1101980003",
		EbcName: "示例海外旗舰店", LogisticsNo: "EA000000019CN", LogisticsCode: "1101980001",
		LogisticsName: "示例邮政跨境物流有限公司", CopNo: "EA000000019CN", AssureCode: "1101980001",
		DeclTime: demoTime, CustomsCode: "5141", PortCode: "5141", BuyerIDNumber: "110101199001011234",
		BuyerName: "王小明", BuyerTelephone: "13800000000", ConsigneeAddress: "广东省广州市天河区示例路 1 号",
		AgentCode: "1101980001", AgentName: "示例邮政跨境物流有限公司", TradeMode: "9610", TrafMode: "5",
		TrafNo: "CZ328", VoyageNo: "CZ328", BillNo: "999-12345675", Country: "116", Freight: "0", InsuredFee: "0",
		GrossWeight: "0.85", NetWeight: "0.6",
		Lines: []InventoryLine{
			{ItemNo: "SKU-CREAM-50", ItemName: "保湿面霜", GCode: "3304990099", GName: "保湿面霜", GModel: "50ml/瓶",
				Country: "116", Qty: "1", Unit: "007", Qty1: "0.05", Unit1: "035", Price: "199", TotalPrice: "199"},
			{ItemNo: "SKU-SERUM-30", ItemName: "精华液", GCode: "3304990099", GName: "精华液", GModel: "30ml/瓶",
				Country: "116", Qty: "2", Unit: "007", Qty1: "0.06", Unit1: "035", Price: "150.5", TotalPrice: "301"},
		},
	})
}

// TestTestdata keeps the sample files (used by the CLI tests and docs) equal to what the encoder
// writes; go test ./customs/ceb -run Testdata -update rewrites them.
func TestTestdata(t *testing.T) {
	wb := mustMarshal(t, demoWaybill())
	rec, _ := Decode([]byte(receipt622))
	recOut, err := Marshal(rec, EncodeOptions{DefaultNamespace: true})
	if err != nil {
		t.Fatal(err)
	}
	env, err := WrapDxp(wb, TransInfo{CopMsgID: "EA000000019CN-CEB511", SenderID: "DXPLGS0000000001",
		ReceiverIDs: []string{"DXPEDCCEB0000002"}, CreatTime: demoTime, MsgType: "CEB511Message"})
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(mustMarshal(t, demoInventory()), []byte("<ceb:gcode>3304990099</ceb:gcode>"), []byte("<ceb:gcode>33049900991</ceb:gcode>"), 1)
	bad = bytes.Replace(bad, []byte("<ceb:currency>142</ceb:currency>"), []byte("<ceb:currency>502</ceb:currency>"), 1)
	files := map[string][]byte{
		"ceb511-waybill.xml":     wb,
		"ceb621-inventory.xml":   mustMarshal(t, demoInventory()),
		"ceb622-receipt.xml":     recOut,
		"ceb511-waybill-dxp.xml": env,
		"ceb621-invalid.xml":     bad,
	}
	for name, want := range files {
		p := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the encoder's output (run with -update and review the diff)", p)
		}
	}
}
