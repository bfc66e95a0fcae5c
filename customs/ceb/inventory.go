package ceb

import (
	"strconv"
	"time"
)

// Inventory is a CEB621 Inventory entity: the import declaration list of one parcel, sent by the
// declaring enterprise (the post when it declares).
type Inventory struct {
	Declared
	OrderNo          string    `json:"orderNo"`
	EbpCode          string    `json:"ebpCode"`
	EbpName          string    `json:"ebpName"`
	EbcCode          string    `json:"ebcCode"`
	EbcName          string    `json:"ebcName"`
	LogisticsNo      string    `json:"logisticsNo"`
	LogisticsCode    string    `json:"logisticsCode"`
	LogisticsName    string    `json:"logisticsName"`
	CopNo            string    `json:"copNo,omitempty"`
	PreNo            string    `json:"preNo,omitempty"`
	AssureCode       string    `json:"assureCode"`
	EmsNo            string    `json:"emsNo,omitempty"`
	InvtNo           string    `json:"invtNo,omitempty"`
	IEFlag           string    `json:"ieFlag"` // "I" when empty
	DeclTime         time.Time `json:"declTime"`
	CustomsCode      string    `json:"customsCode"`
	PortCode         string    `json:"portCode"`
	IEDate           time.Time `json:"ieDate,omitzero"`
	BuyerIDType      string    `json:"buyerIdType"` // "1" when empty
	BuyerIDNumber    string    `json:"buyerIdNumber"`
	BuyerName        string    `json:"buyerName"`
	BuyerTelephone   string    `json:"buyerTelephone"`
	ConsigneeAddress string    `json:"consigneeAddress"`
	AgentCode        string    `json:"agentCode"`
	AgentName        string    `json:"agentName"`
	AreaCode         string    `json:"areaCode,omitempty"`
	AreaName         string    `json:"areaName,omitempty"`
	TradeMode        string    `json:"tradeMode"` // 9610 direct purchase, 1210 bonded
	TrafMode         string    `json:"trafMode"`  // JGS-20; 6 = mail (unconfirmed)
	TrafNo           string    `json:"trafNo,omitempty"`
	VoyageNo         string    `json:"voyageNo,omitempty"`
	BillNo           string    `json:"billNo,omitempty"`
	LoctNo           string    `json:"loctNo,omitempty"`
	LicenseNo        string    `json:"licenseNo,omitempty"`
	Country          string    `json:"country"`
	Freight          Decimal   `json:"freight"`
	InsuredFee       Decimal   `json:"insuredFee"`
	Currency         string    `json:"currency"` // "142" when empty
	WrapType         string    `json:"wrapType,omitempty"`
	PackNo           int       `json:"packNo"` // 1 when 0
	GrossWeight      Decimal   `json:"grossWeight"`
	NetWeight        Decimal   `json:"netWeight"`
	Note             string    `json:"note,omitempty"`
	Lines            []InventoryLine
}

// InventoryLine is a CEB621 InventoryList entity; Gnum is set from its position.
type InventoryLine struct {
	Gnum         int     `json:"gnum"`
	ItemRecordNo string  `json:"itemRecordNo,omitempty"`
	ItemNo       string  `json:"itemNo,omitempty"`
	ItemName     string  `json:"itemName,omitempty"`
	GCode        string  `json:"gcode"` // 10-digit HS code
	GName        string  `json:"gname"`
	GModel       string  `json:"gmodel"`
	BarCode      string  `json:"barCode,omitempty"`
	Country      string  `json:"country"`
	TradeCountry string  `json:"tradeCountry,omitempty"`
	Currency     string  `json:"currency"` // "142" when empty
	Qty          Decimal `json:"qty"`
	Unit         string  `json:"unit"`
	Qty1         Decimal `json:"qty1"`
	Unit1        string  `json:"unit1"`
	Qty2         Decimal `json:"qty2,omitempty"`
	Unit2        string  `json:"unit2,omitempty"`
	Price        Decimal `json:"price"`
	TotalPrice   Decimal `json:"totalPrice"`
	Note         string  `json:"note,omitempty"`
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(China).Format(date8)
}

// NewInventories builds a CEB621 message.
func NewInventories(guid string, t Transfer, invs ...Inventory) *Message {
	m := newMessage("CEB621", guid)
	for _, v := range invs {
		inv := m.Root.group("Inventory")
		h := inv.group("InventoryHead")
		v.leaves(h)
		for _, f := range []struct {
			n, v string
			opt  bool
		}{
			{"orderNo", v.OrderNo, false}, {"ebpCode", v.EbpCode, false}, {"ebpName", v.EbpName, false},
			{"ebcCode", v.EbcCode, false}, {"ebcName", v.EbcName, false}, {"logisticsNo", v.LogisticsNo, false},
			{"logisticsCode", v.LogisticsCode, false}, {"logisticsName", v.LogisticsName, false},
			{"copNo", v.CopNo, true}, {"preNo", v.PreNo, true}, {"assureCode", v.AssureCode, false},
			{"emsNo", v.EmsNo, true}, {"invtNo", v.InvtNo, true}, {"ieFlag", cmp(v.IEFlag, "I"), false},
			{"declTime", date(v.DeclTime), false}, {"customsCode", v.CustomsCode, false},
			{"portCode", v.PortCode, false}, {"ieDate", date(v.IEDate), true},
			{"buyerIdType", cmp(v.BuyerIDType, "1"), false}, {"buyerIdNumber", v.BuyerIDNumber, false},
			{"buyerName", v.BuyerName, false}, {"buyerTelephone", v.BuyerTelephone, false},
			{"consigneeAddress", v.ConsigneeAddress, false}, {"agentCode", v.AgentCode, false},
			{"agentName", v.AgentName, false}, {"areaCode", v.AreaCode, true}, {"areaName", v.AreaName, true},
			{"tradeMode", v.TradeMode, false}, {"trafMode", v.TrafMode, false}, {"trafNo", v.TrafNo, true},
			{"voyageNo", v.VoyageNo, true}, {"billNo", v.BillNo, true}, {"loctNo", v.LoctNo, true},
			{"licenseNo", v.LicenseNo, true}, {"country", v.Country, false}, {"freight", string(v.Freight), false},
			{"insuredFee", string(v.InsuredFee), false}, {"currency", cmp(v.Currency, "142"), false},
			{"wrapType", v.WrapType, true}, {"packNo", strconv.Itoa(max(v.PackNo, 1)), false},
			{"grossWeight", string(v.GrossWeight), false}, {"netWeight", string(v.NetWeight), false},
			{"note", v.Note, true},
		} {
			h.leaf(f.n, f.v, f.opt)
		}
		for i, l := range v.Lines {
			e := inv.group("InventoryList")
			for _, f := range []struct {
				n, v string
				opt  bool
			}{
				{"gnum", strconv.Itoa(i + 1), false}, {"itemRecordNo", l.ItemRecordNo, true}, {"itemNo", l.ItemNo, true},
				{"itemName", l.ItemName, true}, {"gcode", l.GCode, false}, {"gname", l.GName, false},
				{"gmodel", l.GModel, false}, {"barCode", l.BarCode, true}, {"country", l.Country, false},
				{"tradeCountry", l.TradeCountry, true}, {"currency", cmp(l.Currency, "142"), false},
				{"qty", string(l.Qty), false}, {"unit", l.Unit, false}, {"qty1", string(l.Qty1), false},
				{"unit1", l.Unit1, false}, {"qty2", string(l.Qty2), true}, {"unit2", l.Unit2, true},
				{"price", string(l.Price), false}, {"totalPrice", string(l.TotalPrice), false}, {"note", l.Note, true},
			} {
				e.leaf(f.n, f.v, f.opt)
			}
		}
	}
	m.Root.Children = append(m.Root.Children, t.element())
	return m
}

// Inventories reads the entities of a CEB621 message.
func (m *Message) Inventories() []Inventory {
	var out []Inventory
	for _, inv := range m.Root.All("Inventory") {
		h := inv.Child("InventoryHead")
		g := h.Get
		declT, _ := time.ParseInLocation(date8, g("declTime"), China)
		ieT, _ := time.ParseInLocation(date8, g("ieDate"), China)
		pack, _ := strconv.Atoi(g("packNo"))
		v := Inventory{Declared: declaredOf(h), OrderNo: g("orderNo"), EbpCode: g("ebpCode"), EbpName: g("ebpName"),
			EbcCode: g("ebcCode"), EbcName: g("ebcName"), LogisticsNo: g("logisticsNo"), LogisticsCode: g("logisticsCode"),
			LogisticsName: g("logisticsName"), CopNo: g("copNo"), PreNo: g("preNo"), AssureCode: g("assureCode"),
			EmsNo: g("emsNo"), InvtNo: g("invtNo"), IEFlag: g("ieFlag"), DeclTime: declT, CustomsCode: g("customsCode"),
			PortCode: g("portCode"), IEDate: ieT, BuyerIDType: g("buyerIdType"), BuyerIDNumber: g("buyerIdNumber"),
			BuyerName: g("buyerName"), BuyerTelephone: g("buyerTelephone"), ConsigneeAddress: g("consigneeAddress"),
			AgentCode: g("agentCode"), AgentName: g("agentName"), AreaCode: g("areaCode"), AreaName: g("areaName"),
			TradeMode: g("tradeMode"), TrafMode: g("trafMode"), TrafNo: g("trafNo"), VoyageNo: g("voyageNo"),
			BillNo: g("billNo"), LoctNo: g("loctNo"), LicenseNo: g("licenseNo"), Country: g("country"),
			Freight: Decimal(g("freight")), InsuredFee: Decimal(g("insuredFee")), Currency: g("currency"),
			WrapType: g("wrapType"), PackNo: pack, GrossWeight: Decimal(g("grossWeight")),
			NetWeight: Decimal(g("netWeight")), Note: g("note")}
		for _, e := range inv.All("InventoryList") {
			l := e.Get
			n, _ := strconv.Atoi(l("gnum"))
			v.Lines = append(v.Lines, InventoryLine{Gnum: n, ItemRecordNo: l("itemRecordNo"), ItemNo: l("itemNo"),
				ItemName: l("itemName"), GCode: l("gcode"), GName: l("gname"), GModel: l("gmodel"), BarCode: l("barCode"),
				Country: l("country"), TradeCountry: l("tradeCountry"), Currency: l("currency"), Qty: Decimal(l("qty")),
				Unit: l("unit"), Qty1: Decimal(l("qty1")), Unit1: l("unit1"), Qty2: Decimal(l("qty2")), Unit2: l("unit2"),
				Price: Decimal(l("price")), TotalPrice: Decimal(l("totalPrice")), Note: l("note")})
		}
		out = append(out, v)
	}
	return out
}
