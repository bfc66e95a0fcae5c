package main

import (
	"encoding/xml"
	"fmt"
	"log"
	"math/rand/v2"
	"time"

	"github.com/interpost/interpost/customs/ceb"
)

var base = time.Date(2026, 12, 7, 8, 0, 0, 0, ceb.China)

var transfer = ceb.Transfer{CopCode: "1101980001", CopName: "示例邮政跨境物流有限公司", DxpID: "DXPLGS0000000001"}

var goods = []struct{ name, hs, model, unit1 string }{
	{"保湿面霜", "3304990099", "50ml/瓶", "035"}, {"婴儿奶粉", "1901101000", "800g/罐", "035"},
	{"维生素软胶囊", "2106909090", "120粒/瓶", "035"}, {"运动鞋", "6404110090", "42码/双", "025"},
	{"蓝牙耳机", "8518300000", "TWS/副", "007"}, {"葡萄酒", "2204210000", "750ml/瓶", "095"},
}

var names = []string{"王小明", "李华", "张伟", "刘洋", "陈静", "杨帆"}
var cities = []string{"广东省广州市天河区", "浙江省杭州市西湖区", "上海市浦东新区", "北京市朝阳区", "四川省成都市武侯区"}

// record is one parcel's data, shared by the codec and its peer so both write the same content.
type record struct {
	guid, headGUID, logisticsNo, orderNo, consignee, address, phone, idNo string
	weight, freight                                                       ceb.Decimal
	at                                                                    time.Time
	lines                                                                 []ceb.InventoryLine
}

func guid(i, k int) string { return fmt.Sprintf("%08X-0000-4000-8000-%012X", i, k) }

// s10 makes a valid S10 id (check digit by the UPU weights 8 6 4 2 3 5 9 7).
func s10(serial int) string {
	d := fmt.Sprintf("%08d", serial%100_000_000)
	w := []int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for j := range 8 {
		sum += int(d[j]-'0') * w[j]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		c = 0
	case 11:
		c = 5
	}
	return fmt.Sprintf("EA%s%dCN", d, c)
}

func data(i int) record {
	r := rand.New(rand.NewPCG(2026, uint64(i)))
	rec := record{
		guid: guid(i, 1), headGUID: guid(i, 2), logisticsNo: s10(i), orderNo: fmt.Sprintf("TMG%d%08d", 2026, i),
		consignee: names[r.IntN(len(names))], address: fmt.Sprintf("%s示例路 %d 号", cities[r.IntN(len(cities))], 1+r.IntN(999)),
		phone: fmt.Sprintf("138%08d", r.IntN(100_000_000)), idNo: fmt.Sprintf("1101011990%02d%02d%04d", 1+r.IntN(12), 1+r.IntN(28), r.IntN(10000)),
		weight: ceb.Minor(int64(100+r.IntN(5000)), 3), freight: ceb.Minor(int64(r.IntN(3000)), 2),
		at: base.Add(time.Duration(i) * time.Second),
	}
	for range 1 + r.IntN(4) {
		g := goods[r.IntN(len(goods))]
		qty := int64(1 + r.IntN(3))
		price := int64(1000 + r.IntN(50000))
		rec.lines = append(rec.lines, ceb.InventoryLine{ItemNo: "SKU-" + g.hs, ItemName: g.name, GCode: g.hs, GName: g.name,
			GModel: g.model, Country: "116", Qty: ceb.Minor(qty, 0), Unit: "007", Qty1: ceb.Minor(qty*500, 3), Unit1: g.unit1,
			Price: ceb.Minor(price, 2), TotalPrice: ceb.Minor(price*qty, 2)})
	}
	return rec
}

// message builds message i: a CEB511 waybill when i is even, a CEB621 inventory when odd.
func message(i int) *ceb.Message {
	d := data(i)
	if i%2 == 0 {
		return ceb.NewWaybills(d.guid, transfer, ceb.Waybill{
			Declared: ceb.Declared{GUID: d.headGUID, AppTime: d.at}, LogisticsCode: "1101980001",
			LogisticsName: transfer.CopName, LogisticsNo: d.logisticsNo, OrderNo: d.orderNo, Freight: d.freight,
			InsuredFee: "0", Weight: d.weight, GoodsInfo: d.lines[0].GName, Consignee: d.consignee,
			ConsigneeAddress: d.address, ConsigneeTelephone: d.phone})
	}
	return ceb.NewInventories(d.guid, transfer, ceb.Inventory{
		Declared: ceb.Declared{GUID: d.headGUID, AppTime: d.at}, OrderNo: d.orderNo, EbpCode: "1101980002",
		EbpName: "示例全球购平台", EbcCode: "1101980003", EbcName: "示例海外旗舰店", LogisticsNo: d.logisticsNo,
		LogisticsCode: "1101980001", LogisticsName: transfer.CopName, CopNo: d.logisticsNo, AssureCode: "1101980001",
		DeclTime: d.at, CustomsCode: "5141", PortCode: "5141", BuyerIDNumber: d.idNo, BuyerName: d.consignee,
		BuyerTelephone: d.phone, ConsigneeAddress: d.address, AgentCode: "1101980001", AgentName: transfer.CopName,
		TradeMode: "9610", TrafMode: "5", TrafNo: "CZ328", VoyageNo: "CZ328", BillNo: "999-12345675", Country: "116",
		Freight: d.freight, InsuredFee: "0", GrossWeight: d.weight, NetWeight: d.weight, Lines: d.lines})
}

// The peer's structs: the same elements, encoding/xml tags, no validation.
type peerTransfer struct {
	CopCode string `xml:"copCode"`
	CopName string `xml:"copName"`
	DxpMode string `xml:"dxpMode"`
	DxpID   string `xml:"dxpId"`
}

type peer511 struct {
	XMLName xml.Name `xml:"http://www.chinaport.gov.cn/ceb CEB511Message"`
	GUID    string   `xml:"guid,attr"`
	Version string   `xml:"version,attr"`
	Head    struct {
		GUID               string `xml:"guid"`
		AppType            string `xml:"appType"`
		AppTime            string `xml:"appTime"`
		AppStatus          string `xml:"appStatus"`
		LogisticsCode      string `xml:"logisticsCode"`
		LogisticsName      string `xml:"logisticsName"`
		LogisticsNo        string `xml:"logisticsNo"`
		OrderNo            string `xml:"orderNo"`
		Freight            string `xml:"freight"`
		InsuredFee         string `xml:"insuredFee"`
		Currency           string `xml:"currency"`
		Weight             string `xml:"weight"`
		PackNo             int    `xml:"packNo"`
		GoodsInfo          string `xml:"goodsInfo"`
		Consignee          string `xml:"consignee"`
		ConsigneeAddress   string `xml:"consigneeAddress"`
		ConsigneeTelephone string `xml:"consigneeTelephone"`
	} `xml:"Logistics>LogisticsHead"`
	Transfer peerTransfer `xml:"BaseTransfer"`
}

type peerLine struct {
	Gnum       int    `xml:"gnum"`
	ItemNo     string `xml:"itemNo"`
	ItemName   string `xml:"itemName"`
	GCode      string `xml:"gcode"`
	GName      string `xml:"gname"`
	GModel     string `xml:"gmodel"`
	Country    string `xml:"country"`
	Currency   string `xml:"currency"`
	Qty        string `xml:"qty"`
	Unit       string `xml:"unit"`
	Qty1       string `xml:"qty1"`
	Unit1      string `xml:"unit1"`
	Price      string `xml:"price"`
	TotalPrice string `xml:"totalPrice"`
}

type peer621 struct {
	XMLName   xml.Name `xml:"http://www.chinaport.gov.cn/ceb CEB621Message"`
	GUID      string   `xml:"guid,attr"`
	Version   string   `xml:"version,attr"`
	Inventory struct {
		Head struct {
			GUID, AppType, AppTime, AppStatus, OrderNo, EbpCode, EbpName, EbcCode, EbcName, LogisticsNo,
			LogisticsCode, LogisticsName, CopNo, AssureCode, IEFlag, DeclTime, CustomsCode, PortCode,
			BuyerIDType, BuyerIDNumber, BuyerName, BuyerTelephone, ConsigneeAddress, AgentCode, AgentName,
			TradeMode, TrafMode, TrafNo, VoyageNo, BillNo, Country, Freight, InsuredFee, Currency string
			PackNo                 int
			GrossWeight, NetWeight string
		} `xml:"InventoryHead"`
		Lines []peerLine `xml:"InventoryList"`
	} `xml:"Inventory"`
	Transfer peerTransfer `xml:"BaseTransfer"`
}

func peerMessage(i int) any {
	d := data(i)
	tr := peerTransfer{transfer.CopCode, transfer.CopName, "DXP", transfer.DxpID}
	at := ceb.Time(d.at)
	if i%2 == 0 {
		m := &peer511{GUID: d.guid, Version: "1.0", Transfer: tr}
		h := &m.Head
		h.GUID, h.AppType, h.AppTime, h.AppStatus = d.headGUID, "1", at, "2"
		h.LogisticsCode, h.LogisticsName, h.LogisticsNo, h.OrderNo = "1101980001", transfer.CopName, d.logisticsNo, d.orderNo
		h.Freight, h.InsuredFee, h.Currency, h.Weight, h.PackNo = string(d.freight), "0", "142", string(d.weight), 1
		h.GoodsInfo, h.Consignee, h.ConsigneeAddress, h.ConsigneeTelephone = d.lines[0].GName, d.consignee, d.address, d.phone
		return m
	}
	m := &peer621{GUID: d.guid, Version: "1.0", Transfer: tr}
	h := &m.Inventory.Head
	h.GUID, h.AppType, h.AppTime, h.AppStatus, h.OrderNo = d.headGUID, "1", at, "2", d.orderNo
	h.EbpCode, h.EbpName, h.EbcCode, h.EbcName = "1101980002", "示例全球购平台", "1101980003", "示例海外旗舰店"
	h.LogisticsNo, h.LogisticsCode, h.LogisticsName, h.CopNo, h.AssureCode = d.logisticsNo, "1101980001", transfer.CopName, d.logisticsNo, "1101980001"
	h.IEFlag, h.DeclTime, h.CustomsCode, h.PortCode = "I", at[:8], "5141", "5141"
	h.BuyerIDType, h.BuyerIDNumber, h.BuyerName, h.BuyerTelephone, h.ConsigneeAddress = "1", d.idNo, d.consignee, d.phone, d.address
	h.AgentCode, h.AgentName, h.TradeMode, h.TrafMode, h.TrafNo, h.VoyageNo, h.BillNo = "1101980001", transfer.CopName, "9610", "5", "CZ328", "CZ328", "999-12345675"
	h.Country, h.Freight, h.InsuredFee, h.Currency, h.PackNo = "116", string(d.freight), "0", "142", 1
	h.GrossWeight, h.NetWeight = string(d.weight), string(d.weight)
	for j, l := range d.lines {
		m.Inventory.Lines = append(m.Inventory.Lines, peerLine{j + 1, l.ItemNo, l.ItemName, l.GCode, l.GName, l.GModel,
			l.Country, "142", string(l.Qty), l.Unit, string(l.Qty1), l.Unit1, string(l.Price), string(l.TotalPrice)})
	}
	return m
}

var statuses = []struct{ code, info string }{
	{"2", "新增申报成功"}, {"120", "[Code:1800;Desc:逻辑校验通过]"}, {"300", "[Code:1200;Desc:待人工审核]"},
	{"500", "查验"}, {"800", "[Code:2600;Desc:放行]"}, {"899", "结关"}, {"100", "[Code:1000;Desc:订购人身份信息不符]"},
}

// receiptPool writes k distinct receipts: CEB512 and CEB622 alternately, every other one in the
// default namespace (as customs writes them).
func receiptPool(k int) [][]byte {
	var out [][]byte
	for i := range k {
		d := data(i)
		st := statuses[i%len(statuses)]
		r := ceb.Receipt{GUID: guid(i, 9), Status: st.code, Info: st.info, Time: d.at.Add(90 * time.Minute)}
		var m *ceb.Message
		var err error
		if i%2 == 0 {
			r.Keys = []ceb.Field{{Name: "logisticsCode", Value: "1101980001"}, {Name: "logisticsNo", Value: d.logisticsNo}}
			m, err = ceb.NewReceipts("CEB512", guid(i, 8), r)
		} else {
			r.Keys = []ceb.Field{{Name: "customsCode", Value: "5141"}, {Name: "ebpCode", Value: "1101980002"},
				{Name: "ebcCode", Value: "1101980003"}, {Name: "agentCode", Value: "1101980001"}, {Name: "copNo", Value: d.logisticsNo},
				{Name: "preNo", Value: fmt.Sprintf("B2026%013d", i)}, {Name: "invtNo", Value: fmt.Sprintf("51412026I%09d", i)}}
			m, err = ceb.NewReceipts("CEB622", guid(i, 8), r)
		}
		if err != nil {
			log.Fatal(err)
		}
		b, err := ceb.Marshal(m, ceb.EncodeOptions{DefaultNamespace: i%4 >= 2})
		if err != nil {
			log.Fatalf("receipt %d: %v", i, err)
		}
		out = append(out, b)
	}
	return out
}

type peerRet struct {
	GUID          string `xml:"guid"`
	LogisticsCode string `xml:"logisticsCode"`
	LogisticsNo   string `xml:"logisticsNo"`
	CustomsCode   string `xml:"customsCode"`
	EbpCode       string `xml:"ebpCode"`
	EbcCode       string `xml:"ebcCode"`
	AgentCode     string `xml:"agentCode"`
	CopNo         string `xml:"copNo"`
	PreNo         string `xml:"preNo"`
	InvtNo        string `xml:"invtNo"`
	ReturnStatus  string `xml:"returnStatus"`
	ReturnTime    string `xml:"returnTime"`
	ReturnInfo    string `xml:"returnInfo"`
}

type peerReceipt struct {
	XMLName   xml.Name
	GUID      string    `xml:"guid,attr"`
	Logistics []peerRet `xml:"LogisticsReturn"`
	Inventory []peerRet `xml:"InventoryReturn"`
}
