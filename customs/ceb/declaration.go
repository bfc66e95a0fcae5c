package ceb

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
)

// Profile is the post's configuration as logistics (and, when Declares, declaring) enterprise at
// one office of exchange: its customs registration, DXP identity and the transport it declares.
type Profile struct {
	Transfer      Transfer `json:"transfer"`      // copCode, copName, dxpId of the E-Port client
	LogisticsCode string   `json:"logisticsCode"` // the post's customs code as logistics enterprise
	LogisticsName string   `json:"logisticsName"`
	CustomsCode   string   `json:"customsCode"` // 4-digit customs district receiving the inventory, e.g. 5141
	PortCode      string   `json:"portCode"`    // 4-digit port of entry
	// Declaring enterprise: the post declares the inventory (CEB621) when Declares is set.
	Declares   bool   `json:"declares"`
	AgentCode  string `json:"agentCode,omitempty"`
	AgentName  string `json:"agentName,omitempty"`
	AssureCode string `json:"assureCode,omitempty"` // enterprise guaranteeing the tax; the agent when empty
	TrafMode   string `json:"trafMode,omitempty"`   // JGS-20 transport mode; "5" (air) when empty
	TrafNo     string `json:"trafNo,omitempty"`     // flight or vehicle
	VoyageNo   string `json:"voyageNo,omitempty"`
	BillNo     string `json:"billNo,omitempty"` // master air waybill
	Unit       string `json:"unit,omitempty"`   // JGS-20 unit of the declared quantity; "011" (件) when empty — meaning unconfirmed
	// Exports (CEB603/507): the port of destination (指运港; the destination's country code when
	// empty, unconfirmed) and the vehicle bringing mail to the office (运抵; "POST" when empty).
	POD            string `json:"pod,omitempty"`
	DomesticTrafNo string `json:"domesticTrafNo,omitempty"`
	// Platforms maps a declaration's platform ("tmall-global") to its customs registration.
	Platforms map[string]Platform `json:"platforms"`
}

// Platform is an e-commerce platform and the enterprise selling on it, as registered with customs.
type Platform struct {
	EbpCode string `json:"ebpCode"` // platform
	EbpName string `json:"ebpName"`
	EbcCode string `json:"ebcCode,omitempty"` // e-commerce enterprise (the seller); the platform when empty
	EbcName string `json:"ebcName,omitempty"`
}

// Buyer is what a customs declaration does not carry and the CEB messages require: the buyer's
// identity and the phones. It comes from the platform's order (CEB311) and is personal data:
// pass it in, never store it with the message.
type Buyer struct {
	IDNumber           string `json:"idNumber"`                     // 订购人证件号码 (resident ID card)
	Telephone          string `json:"telephone"`                    // 订购人电话
	ConsigneeTelephone string `json:"consigneeTelephone,omitempty"` // 收货人电话; Telephone when empty
}

// countryCodes maps ISO 3166 alpha-2 to the JGS-20 country codes the reference table ([C1], one
// source, unconfirmed) gives; other origins are refused by name.
var countryCodes = map[string]string{
	"JP": "116", "KR": "133", "TH": "136", "CN": "142", "GB": "303", "DE": "304", "FR": "305",
	"IE": "306", "US": "502", "AU": "601",
}

// FromDeclaration builds the CEB511 waybill and, when the profile declares, the CEB621 inventory
// of an e-commerce import item. Values are converted to CNY (142) at rates; weights are in kg.
// Problems name the declaration's field (e.g. "lines[0].hs_code") and what CEB needs instead.
func FromDeclaration(d *customs.Declaration, p Profile, b Buyer, rates postal.Rates, at time.Time) (waybill, inventory *Message, err error) {
	var ps Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Path: field, Reason: fmt.Sprintf(format, args...)})
	}
	// invBad is a problem only when the inventory is made.
	invBad := func(field, format string, args ...any) {
		if p.Declares {
			bad(field, format, args...)
		}
	}
	if d.Stream != customs.StreamEcommerce || d.Direction != customs.Import || d.Ecommerce == nil {
		return nil, nil, Problems{{Path: "stream", Reason: fmt.Sprintf("%s %s: only e-commerce imports have CEB511/CEB621", d.Stream, d.Direction)}}
	}
	plat, ok := p.Platforms[strings.ToLower(d.Ecommerce.Platform)]
	if !ok {
		invBad("ecommerce.platform", "%s has no customs registration in the office's CEB profile", postal.Quote(d.Ecommerce.Platform))
	}
	if plat.EbcCode == "" {
		plat.EbcCode, plat.EbcName = plat.EbpCode, plat.EbpName
	}
	toCNY := func(field, v string) Decimal {
		amt, err := decimal.NewFromString(v)
		if err != nil {
			bad(field, "%s is not an amount", postal.Quote(v))
			return "0"
		}
		sdr, err := rates.ToSDR(amt, d.Currency)
		if err != nil {
			bad("currency", "%v", err)
			return "0"
		}
		return Decimal(sdr.Mul(rates.PerSDR["CNY"]).Round(2).StringFixed(2))
	}
	grossG := d.GrossWeightG
	netG := d.TotalNetWeightG
	var goods []string
	lines := make([]InventoryLine, 0, len(d.Lines))
	for i, l := range d.Lines {
		if d.TotalNetWeightG == 0 {
			netG += l.NetWeightG
		}
		goods = append(goods, fmt.Sprintf("%s ×%d", l.Description, l.Quantity))
		field := fmt.Sprintf("lines[%d]", i)
		gcode := strings.ReplaceAll(l.HSCode, ".", "")
		if len(gcode) != 10 {
			invBad(field+".hs_code", "%s: CEB621 needs the 10-digit Chinese tariff code (8-digit 税则号列 + 2 supplementary digits)", postal.Quote(l.HSCode))
		}
		origin, ok := countryCodes[l.OriginCountry]
		if !ok {
			invBad(field+".origin_country", "%s has no JGS-20 country code in Interpost's table", postal.Quote(l.OriginCountry))
		}
		total := toCNY(field+".value", l.Value)
		price := "0"
		if t, err := decimal.NewFromString(string(total)); err == nil && l.Quantity > 0 {
			price = t.DivRound(decimal.NewFromInt(int64(l.Quantity)), 5).String()
		}
		lines = append(lines, InventoryLine{ItemName: l.Description, GCode: gcode, GName: l.Description, GModel: l.Description,
			Country: origin, Qty: Decimal(fmt.Sprint(l.Quantity)), Unit: cmp(p.Unit, "011"),
			Qty1: Minor(int64(l.NetWeightG), 3), Unit1: "035", Price: Decimal(price), TotalPrice: total})
	}
	if grossG == 0 {
		grossG = netG
	}
	if b.ConsigneeTelephone == "" {
		b.ConsigneeTelephone = b.Telephone
	}
	if b.ConsigneeTelephone == "" {
		bad("buyer.consignee_telephone", "missing: CEB511 requires the consignee's phone (from the platform's order)")
	}
	addr := strings.Join(nonEmpty(d.Addressee.Address, d.Addressee.City, d.Addressee.Postcode), ", ")
	info := strings.Join(goods, "; ")
	if r := []rune(info); len(r) > 200 {
		info = string(r[:199]) + "…"
	}
	guid := func(kind string) string { return guidFor(d.ID, kind) }
	waybill = NewWaybills(guid("511"), p.Transfer, Waybill{
		Declared:      Declared{GUID: guid("511H"), AppTime: at},
		LogisticsCode: p.LogisticsCode, LogisticsName: p.LogisticsName, LogisticsNo: d.ID, BillNo: p.BillNo,
		OrderNo: d.Ecommerce.OrderID, Weight: Minor(int64(grossG), 3), GoodsInfo: info,
		Consignee: d.Addressee.Name, ConsigneeAddress: addr, ConsigneeTelephone: b.ConsigneeTelephone,
	})
	if p.Declares {
		if b.IDNumber == "" {
			bad("buyer.id_number", "missing: CEB621 requires the buyer's ID card number (from the platform's order)")
		}
		if b.Telephone == "" {
			bad("buyer.telephone", "missing: CEB621 requires the buyer's phone (from the platform's order)")
		}
		origin := "0"
		if len(lines) > 0 {
			origin = lines[0].Country
		}
		inventory = NewInventories(guid("621"), p.Transfer, Inventory{
			Declared: Declared{GUID: guid("621H"), AppTime: at}, OrderNo: d.Ecommerce.OrderID,
			EbpCode: plat.EbpCode, EbpName: plat.EbpName, EbcCode: plat.EbcCode, EbcName: plat.EbcName,
			LogisticsNo: d.ID, LogisticsCode: p.LogisticsCode, LogisticsName: p.LogisticsName, CopNo: d.ID,
			AssureCode: cmp(p.AssureCode, p.AgentCode), DeclTime: at, CustomsCode: p.CustomsCode, PortCode: p.PortCode,
			BuyerIDNumber: b.IDNumber, BuyerName: d.Addressee.Name, BuyerTelephone: b.Telephone,
			ConsigneeAddress: addr, AgentCode: p.AgentCode, AgentName: p.AgentName, TradeMode: "9610",
			TrafMode: cmp(p.TrafMode, "5"), TrafNo: p.TrafNo, VoyageNo: p.VoyageNo, BillNo: p.BillNo, Country: origin,
			Freight: "0", InsuredFee: "0", GrossWeight: Minor(int64(grossG), 3), NetWeight: Minor(int64(netG), 3),
			Lines: lines,
		})
	}
	if len(ps) > 0 {
		return nil, nil, ps
	}
	for _, m := range []*Message{waybill, inventory} {
		if m == nil {
			continue
		}
		if vs := m.ValidateUnsigned(); len(vs) > 0 {
			return nil, nil, vs
		}
	}
	return waybill, inventory, nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// guidFor derives a stable upper-case GUID-shaped id from an item and a message kind, so
// generating the same item's message twice gives the same guid (idempotent resends).
func guidFor(item, kind string) string {
	h := uint64(14695981039346656037)
	for _, c := range []byte(item + "|" + kind) {
		h ^= uint64(c)
		h *= 1099511628211
	}
	g := uint64(0x9E3779B97F4A7C15) ^ h*31
	return fmt.Sprintf("%08X-%04X-4%03X-8%03X-%012X", uint32(h>>32), uint16(h>>16), uint16(h)&0xFFF, uint16(g>>48)&0xFFF, g&0xFFFFFFFFFFFF)
}
