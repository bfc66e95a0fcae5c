package ceb

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/postal"
)

func TestSchemaParsed(t *testing.T) {
	if got := len(Types()); got != 36 {
		t.Fatalf("%d message types, want 36: %v", got, Types())
	}
	s, ok := Lookup("CEB621Message")
	if !ok || s.Export || s.Receipt || s.English == "" || !strings.HasPrefix(s.Chinese, "进口清单") {
		t.Fatalf("CEB621: %+v", s)
	}
	inv, _ := s.Root.Child("Inventory")
	list, _ := inv.Child("InventoryList")
	gcode, _ := list.Child("gcode")
	if inv.Min != 1 || inv.Max != 100 || list.Max != 99 || gcode.Facet() != "C10" {
		t.Fatalf("Inventory %d..%d, InventoryList ..%d, gcode %s", inv.Min, inv.Max, list.Max, gcode.Facet())
	}
	head, _ := inv.Child("InventoryHead")
	gw, _ := head.Child("grossWeight")
	if gw.Facet() != "N19,5" {
		t.Fatalf("grossWeight %s", gw.Facet())
	}
	if r, _ := Lookup("CEB622"); !r.Receipt {
		t.Fatal("CEB622 is a receipt")
	}
	if e, _ := Lookup("CEB603"); !e.Export {
		t.Fatal("CEB603 is export")
	}
	// The XSD puts ExtendMessage before ds:Signature in import messages.
	root := s.Root.Children
	if root[len(root)-2].Name != "ExtendMessage" || root[len(root)-1].Space != DSigNS {
		t.Fatalf("CEB621 ends with %s, %s", root[len(root)-2].Name, root[len(root)-1].Name)
	}
}

// Every type, both namespace styles: sample → XML → parse → validate → XML gives the same bytes.
func TestRoundTripEveryType(t *testing.T) {
	for _, typ := range Types() {
		t.Run(typ, func(t *testing.T) {
			m := Sample(typ)
			if ps := m.ValidateUnsigned(); len(ps) > 0 {
				t.Fatalf("sample invalid: %v", ps[:min(len(ps), 5)])
			}
			var first []byte
			for _, def := range []bool{false, true} {
				opt := EncodeOptions{DefaultNamespace: def}
				out, err := Marshal(m, opt)
				if err != nil {
					t.Fatal(err)
				}
				back, err := DecodeUnsigned(out)
				if err != nil {
					t.Fatalf("default=%v: %v\n%s", def, err, out)
				}
				again, _ := Marshal(back, EncodeOptions{})
				if first == nil {
					first = again
				}
				if !bytes.Equal(again, first) {
					t.Fatalf("default=%v: re-encoded differs:\n%s\n---\n%s", def, again, first)
				}
				if back.Type() != typ || back.GUID() != m.GUID() {
					t.Fatalf("type %s guid %s", back.Type(), back.GUID())
				}
			}
		})
	}
}

func replaceLast(s, old, new string) string {
	i := strings.LastIndex(s, old)
	return s[:i] + new + s[i+len(old):]
}

func mustMarshal(t *testing.T, m *Message) []byte {
	t.Helper()
	out, err := Marshal(m, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// problemsOf decodes data and returns the problems as "path: reason" lines.
func problemsOf(t *testing.T, data []byte) []string {
	t.Helper()
	_, err := DecodeUnsigned(data)
	if err == nil {
		return nil
	}
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("error %T %v, want Problems", err, err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func TestRefused(t *testing.T) {
	inv := string(mustMarshal(t, demoInventory()))
	wb := string(mustMarshal(t, demoWaybill()))
	order := string(mustMarshal(t, Sample("CEB311")))
	cases := []struct {
		name, in, want string
	}{
		{"malformed", "<ceb:CEB511Message", "/: malformed XML at line 1"},
		{"empty", "", "/: no root element"},
		{"unknown type", strings.ReplaceAll(wb, "CEB511Message", "CEB999Message"), "/CEB999Message: not a CEB message type this codec knows"},
		{"not CEB", `<Order/>`, "/Order: not a CEB message type"},
		{"wrong namespace", strings.Replace(wb, Namespace, "http://www.chinaport.gov.cn/cebx", 1), "/CEB511Message: namespace http://www.chinaport.gov.cn/cebx, want " + Namespace},
		{"child without namespace", strings.Replace(strings.Replace(wb, "<ceb:Logistics>", `<Logistics>`, 1), "</ceb:Logistics>", "</Logistics>", 1), "/CEB511Message/Logistics: namespace (none), want " + Namespace},
		{"missing required", strings.Replace(wb, "<ceb:consignee>王小明</ceb:consignee>", "", 1), "/CEB511Message/Logistics/LogisticsHead/consignee: missing (required)"},
		{"over-long gcode", replaceLast(inv, "<ceb:gcode>3304990099</ceb:gcode>", "<ceb:gcode>33049900991</ceb:gcode>"),
			"/CEB621Message/Inventory/InventoryList[2]/gcode: 11 characters, must be exactly 10"},
		{"over-long logisticsNo", strings.Replace(wb, "EA000000019CN", strings.Repeat("9", 61), 1), "/CEB511Message/Logistics/LogisticsHead/logisticsNo: 61 characters, at most 60"},
		{"unknown element", strings.NewReplacer("<ceb:goodsInfo>", "<ceb:goodsinfo>", "</ceb:goodsInfo>", "</ceb:goodsinfo>").Replace(wb), "/CEB511Message/Logistics/LogisticsHead/goodsinfo: unknown element"},
		{"out of order", strings.Replace(strings.Replace(wb, "<ceb:currency>142</ceb:currency>", "", 1), "<ceb:packNo>", "<ceb:currency>142</ceb:currency><ceb:packNo>", 1),
			"/CEB511Message/Logistics/LogisticsHead/currency: out of order: currency must come before weight"},
		{"bad decimal", strings.Replace(wb, "<ceb:weight>0.85</ceb:weight>", "<ceb:weight>0,85</ceb:weight>", 1), `/CEB511Message/Logistics/LogisticsHead/weight: "0,85" is not a decimal number (N19,5)`},
		{"too many places", strings.Replace(wb, "<ceb:weight>0.85</ceb:weight>", "<ceb:weight>0.850001</ceb:weight>", 1), "/CEB511Message/Logistics/LogisticsHead/weight: 6 decimal places, at most 5"},
		{"bad time", strings.Replace(wb, "<ceb:appTime>20261207", "<ceb:appTime>20261307", 1), `/CEB511Message/Logistics/LogisticsHead/appTime: "20261307`},
		{"currency", strings.Replace(wb, "<ceb:currency>142</ceb:currency>", "<ceb:currency>502</ceb:currency>", 1), `/CEB511Message/Logistics/LogisticsHead/currency: "502" is not one of 142`},
		{"packNo", strings.Replace(wb, "<ceb:packNo>1</ceb:packNo>", "<ceb:packNo>2</ceb:packNo>", 1), "/CEB511Message/Logistics/LogisticsHead/packNo: is 2; the spec fixes it at 1"},
		{"gnum gap", strings.Replace(inv, "<ceb:gnum>2</ceb:gnum>", "<ceb:gnum>3</ceb:gnum>", 1), "/CEB621Message/Inventory/InventoryList[2]/gnum: is 3, want 2"},
		{"tradeMode", strings.Replace(inv, "<ceb:tradeMode>9610</ceb:tradeMode>", "<ceb:tradeMode>0101</ceb:tradeMode>", 1), `/CEB621Message/Inventory/InventoryHead/tradeMode: "0101" is not one of 9610, 1210`},
		{"missing guid attribute", strings.Replace(wb, ` guid="`, ` id="`, 1), "/CEB511Message/@guid: missing (required attribute)"},
		{"lower-case guid", strings.Replace(wb, "4E1A6C1F", "4e1a6c1f", 1), "/CEB511Message/@guid: has lower-case letters"},
		{"311 line total", strings.Replace(order, "<ceb:totalPrice>0</ceb:totalPrice>", "<ceb:totalPrice>1</ceb:totalPrice>", 1),
			"/CEB311Message/Order/OrderList[1]/totalPrice: is 1, but price × qty = 0"},
		{"too many", strings.Replace(wb, "</ceb:BaseTransfer>", "</ceb:BaseTransfer>"+strings.Repeat("<ceb:BaseSubscribe><ceb:status>ALL</ceb:status><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpAddress>X</ceb:dxpAddress></ceb:BaseSubscribe>", 6), 1),
			"/CEB511Message/BaseSubscribe[6]: 6 occurrences, at most 5"},
		{"a DxpMsg", `<DxpMsg xmlns="` + DxpNamespace + `"/>`, "/DxpMsg: a DxpMsg envelope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := problemsOf(t, []byte(c.in))
			if len(got) == 0 {
				t.Fatal("accepted")
			}
			if c.want == "" {
				t.Log(got)
				return
			}
			for _, g := range got {
				if strings.HasPrefix(g, c.want) {
					return
				}
			}
			t.Fatalf("problems %q, want one starting %q", got, c.want)
		})
	}
}

func TestProblemsArePostalInvalid(t *testing.T) {
	_, err := Decode([]byte("<x/>"))
	if postal.ErrorCode(err) != postal.CodeInvalid || len(postal.Fields(err)) != 1 || postal.Fields(err)[0].Field != "/x" {
		t.Fatalf("%v %v", postal.ErrorCode(err), postal.Fields(err))
	}
}

func TestOutOfOrderAndTotalsNamed(t *testing.T) {
	wb := string(mustMarshal(t, demoWaybill()))
	in := strings.Replace(strings.Replace(wb, "<ceb:currency>142</ceb:currency>", "", 1), "<ceb:logisticsCode>", "<ceb:currency>142</ceb:currency><ceb:logisticsCode>", 1)
	got := problemsOf(t, []byte(in))
	if len(got) != 1 || got[0] != "/CEB511Message/Logistics/LogisticsHead/logisticsCode: out of order: logisticsCode must come before currency" {
		t.Fatalf("%q", got)
	}
	order := string(mustMarshal(t, Sample("CEB311")))
	in = strings.Replace(order, "<ceb:qty>0</ceb:qty>\n      <ceb:price>0</ceb:price>", "<ceb:qty>2</ceb:qty>\n      <ceb:price>1.5</ceb:price>", 1)
	got = problemsOf(t, []byte(in))
	want := []string{
		"/CEB311Message/Order/OrderList[1]/totalPrice: is 0, but price × qty = 3 (等于单价乘以数量)",
	}
	if len(got) != 1 || got[0] != want[0] {
		t.Fatalf("%q", got)
	}
	in = strings.Replace(order, "<ceb:goodsValue>0</ceb:goodsValue>", "<ceb:goodsValue>5</ceb:goodsValue>", 1)
	got = problemsOf(t, []byte(in))
	want = []string{
		"/CEB311Message/Order/OrderHead/goodsValue: is 5, but the lines' totalPrice add up to 0",
		"/CEB311Message/Order/OrderHead/acturalPaid: is 0, but goodsValue + freight + taxTotal − discount = 5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%q", got)
	}
}

func TestTypedRoundTrip(t *testing.T) {
	wm := demoWaybill()
	out := mustMarshal(t, wm)
	back, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	w := back.Waybills()
	if len(w) != 1 || w[0].LogisticsNo != "EA000000019CN" || w[0].Consignee != "王小明" || !w[0].AppTime.Equal(demoTime) || w[0].PackNo != 1 {
		t.Fatalf("%+v", w)
	}
	if back.Transfer().DxpID != "DXPLGS0000000001" {
		t.Fatalf("%+v", back.Transfer())
	}
	again := mustMarshal(t, NewWaybills(back.GUID(), back.Transfer(), w...))
	if !bytes.Equal(out, again) {
		t.Fatalf("waybill differs:\n%s\n%s", out, again)
	}

	im := demoInventory()
	out = mustMarshal(t, im)
	if _, err := Decode(out); err == nil || err.Error() != "/CEB621Message/Signature: missing (required)" {
		t.Fatalf("unsigned CEB621 decoded: %v", err)
	}
	back, err = DecodeUnsigned(out)
	if err != nil {
		t.Fatal(err)
	}
	inv := back.Inventories()
	again = mustMarshal(t, NewInventories(back.GUID(), back.Transfer(), inv...))
	if !bytes.Equal(out, again) {
		t.Fatalf("inventory differs:\n%s\n%s", out, again)
	}
	if inv[0].Lines[1].GCode != "3304990099" || inv[0].Lines[1].Gnum != 2 {
		t.Fatalf("%+v", inv[0].Lines)
	}

	dm := NewDeliveryStatuses("5E1A6C1F-0000-4000-8000-000000000003", demoTransfer, DeliveryStatus{
		Declared: Declared{GUID: "5E1A6C1F-0000-4000-8000-000000000004", AppTime: demoTime}, LogisticsCode: "1101980001",
		LogisticsName: "示例邮政", LogisticsNo: "EA000000019CN", LogisticsTime: demoTime.Add(48 * time.Hour)})
	back, err = Decode(mustMarshal(t, dm))
	if err != nil {
		t.Fatal(err)
	}
	if d := back.DeliveryStatuses(); d[0].LogisticsStatus != "S" || !d[0].LogisticsTime.Equal(demoTime.Add(48*time.Hour)) {
		t.Fatalf("%+v", d)
	}
}

// A receipt as customs writes it: default namespace, no prefix.
const receipt622 = `<?xml version="1.0" encoding="UTF-8"?>
<CEB622Message xmlns="http://www.chinaport.gov.cn/ceb" guid="8B2D9A0E-3C1F-4B5A-9E7D-6F0A1B2C3D4E" version="1.0">
<InventoryReturn>
<guid>1A2B3C4D-5E6F-4A1B-8C2D-3E4F5A6B7C8D</guid>
<customsCode>5141</customsCode>
<ebpCode>1101980002</ebpCode>
<ebcCode>1101980003</ebcCode>
<agentCode>1101980001</agentCode>
<copNo>EA000000019CN</copNo>
<preNo>B20261207000000001</preNo>
<invtNo>514120261000000001</invtNo>
<returnStatus>800</returnStatus>
<returnTime>20261208093000123</returnTime>
<returnInfo>[Code:2600;Desc:放行]</returnInfo>
</InventoryReturn>
</CEB622Message>`

func TestReceiptsBothNamespaceStyles(t *testing.T) {
	m, err := Decode([]byte(receipt622))
	if err != nil {
		t.Fatal(err)
	}
	rs := m.Receipts()
	if len(rs) != 1 || rs[0].Status != "800" || rs[0].Key("invtNo") != "514120261000000001" || rs[0].Info != "[Code:2600;Desc:放行]" {
		t.Fatalf("%+v", rs)
	}
	if want := time.Date(2026, 12, 8, 9, 30, 0, 123e6, China); !rs[0].Time.Equal(want) {
		t.Fatalf("time %v", rs[0].Time)
	}
	prefixed := mustMarshal(t, m)
	if !bytes.Contains(prefixed, []byte("<ceb:returnStatus>800</ceb:returnStatus>")) {
		t.Fatalf("%s", prefixed)
	}
	m2, err := Decode(prefixed)
	if err != nil {
		t.Fatal(err)
	}
	built, err := NewReceipts("CEB622", m2.GUID(), m2.Receipts()...)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustMarshal(t, built); !bytes.Equal(again, prefixed) {
		t.Fatalf("rebuilt receipt differs:\n%s\n%s", again, prefixed)
	}
	if d, ok := DescribeStatus("800"); !ok || !strings.Contains(d, "放行") {
		t.Fatal(d)
	}
	if _, ok := DescribeStatus("123"); ok {
		t.Fatal("123 known")
	}
	if _, err := NewReceipts("CEB511", "X"); err == nil {
		t.Fatal("CEB511 is not a receipt")
	}
}

func TestDxpEnvelope(t *testing.T) {
	payload := mustMarshal(t, demoWaybill())
	ti := TransInfo{CopMsgID: "EA000000019CN-511", SenderID: "DXPLGS0000000001", ReceiverIDs: []string{"DXPEDCCEB0000002"},
		CreatTime: demoTime, MsgType: "CEB511Message"}
	env, err := WrapDxp(payload, ti)
	if err != nil {
		t.Fatal(err)
	}
	if !IsDxp(env) {
		t.Fatal("not sniffed")
	}
	got, body, err := UnwrapDxp(env)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, payload) || !got.CreatTime.Equal(demoTime) || got.ReceiverIDs[0] != "DXPEDCCEB0000002" {
		t.Fatalf("%+v", got)
	}
	ti.SenderID = strings.Repeat("D", 17)
	if _, err := WrapDxp(payload, ti); err == nil || !strings.Contains(err.Error(), "/DxpMsg/TransInfo/SenderId: 17 characters, at most 16") {
		t.Fatalf("%v", err)
	}
	bad := bytes.Replace(env, []byte("<dxp:Data>"), []byte("<dxp:Data>!"), 1)
	if _, _, err := UnwrapDxp(bad); err == nil || !strings.Contains(err.Error(), "/DxpMsg/Data: not base64") {
		t.Fatalf("%v", err)
	}
	if _, _, err := UnwrapDxp(payload); err == nil || !strings.Contains(err.Error(), "not a DxpMsg") {
		t.Fatalf("%v", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, typ := range []string{"CEB311", "CEB511", "CEB621", "CEB622", "CEB303", "CEB603", "CEB701"} {
		out, _ := Marshal(Sample(typ), EncodeOptions{})
		f.Add(out)
	}
	f.Add([]byte(receipt622))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeUnsigned(data)
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		out, err := Marshal(m, EncodeOptions{})
		if err != nil {
			t.Fatalf("valid message does not encode: %v", err)
		}
		m2, err := DecodeUnsigned(out)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, out)
		}
		out2, _ := Marshal(m2, EncodeOptions{})
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

func FuzzUnwrapDxp(f *testing.F) {
	env, _ := WrapDxp([]byte(receipt622), TransInfo{CopMsgID: "1", SenderID: "DXPEDCCEB0000002", ReceiverIDs: []string{"DXPLGS0000000001"}, CreatTime: demoTime})
	f.Add(env)
	f.Fuzz(func(t *testing.T, data []byte) {
		ti, body, err := UnwrapDxp(data)
		if err != nil {
			return
		}
		if _, err := WrapDxp(body, ti); err != nil {
			t.Fatalf("accepted envelope does not re-wrap: %v", err)
		}
	})
}
