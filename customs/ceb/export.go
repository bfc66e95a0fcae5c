package ceb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
)

// Export side: the post as logistics (and declaring) enterprise of cross-border e-commerce
// retail exports (9610). Codes marked unconfirmed in docs/formats.md ("The post in the CEB
// system") come from the element documentation of the XSD only.
const (
	exportTradeMode = "9610"
	exportWrapType  = "2" // 包装种类: unconfirmed
	exportBarCode   = "无" // barCode is required; "无" when the goods carry none: unconfirmed
	exportStatsFlag = "A" // 简化申报 (simplified): gcode from the first 4 tariff digits
)

type leafSpec struct {
	n, v string
	opt  bool
}

func leaves(e *Element, fs []leafSpec) {
	for _, f := range fs {
		e.leaf(f.n, f.v, f.opt)
	}
}

func declared(d Declared) []leafSpec {
	return []leafSpec{{"guid", d.GUID, false}, {"appType", cmp(d.AppType, "1"), false},
		{"appTime", Time(d.AppTime), false}, {"appStatus", cmp(d.AppStatus, "2"), false}}
}

// ExportFromDeclaration builds the CEB505 export waybill and, when the profile declares, the
// CEB603 export inventory (simplified declaration, 9610) of an e-commerce export item. Values
// are converted to CNY (142) at rates; weights are in kg. Problems name the declaration's field.
func ExportFromDeclaration(d *customs.Declaration, p Profile, rates postal.Rates, at time.Time) (waybill, inventory *Message, err error) {
	var ps Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Path: field, Reason: fmt.Sprintf(format, args...)})
	}
	if d.Stream != customs.StreamEcommerce || d.Direction != customs.Export || d.Ecommerce == nil {
		return nil, nil, Problems{{Path: "stream", Reason: fmt.Sprintf("%s %s: only e-commerce exports have CEB505/CEB603", d.Stream, d.Direction)}}
	}
	plat, ok := p.Platforms[strings.ToLower(d.Ecommerce.Platform)]
	if !ok && p.Declares {
		bad("ecommerce.platform", "%s has no customs registration in the office's CEB profile", postal.Quote(d.Ecommerce.Platform))
	}
	if plat.EbcCode == "" {
		plat.EbcCode, plat.EbcName = plat.EbpCode, plat.EbpName
	}
	dest, ok := countryCodes[d.Addressee.Country]
	if !ok && p.Declares {
		bad("addressee.country", "%s has no JGS-20 country code in Interpost's table", postal.Quote(d.Addressee.Country))
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
	netG := d.TotalNetWeightG
	var goods []string
	var lines []*Element
	for i, l := range d.Lines {
		if d.TotalNetWeightG == 0 {
			netG += l.NetWeightG
		}
		goods = append(goods, fmt.Sprintf("%s ×%d", l.Description, l.Quantity))
		if !p.Declares {
			continue
		}
		f := fmt.Sprintf("lines[%d]", i)
		gcode := strings.ReplaceAll(l.HSCode, ".", "")
		if len(gcode) < 4 || !allDigits(gcode) {
			bad(f+".hs_code", "%s: CEB603 needs at least the 4-digit tariff heading", postal.Quote(l.HSCode))
			gcode = "0000"
		}
		// Simplified declaration (A): the tariff heading's 4 digits, padded to the 10 the XSD
		// requires (the padding is unconfirmed).
		gcode = (gcode[:4] + "000000")[:10]
		total := toCNY(f+".value", l.Value)
		price := "0"
		if t, err := decimal.NewFromString(string(total)); err == nil && l.Quantity > 0 {
			price = t.DivRound(decimal.NewFromInt(int64(l.Quantity)), 5).String()
		}
		e := &Element{Space: Namespace, Name: "InventoryList"}
		leaves(e, []leafSpec{{"gnum", strconv.Itoa(i + 1), false}, {"itemNo", strconv.Itoa(i + 1), false},
			{"itemName", l.Description, false}, {"gcode", gcode, false}, {"gname", l.Description, false},
			{"gmodel", l.Description, false}, {"barCode", exportBarCode, false}, {"country", dest, false},
			{"currency", "142", false}, {"qty", strconv.Itoa(l.Quantity), false}, {"qty1", string(Minor(int64(l.NetWeightG), 3)), false},
			{"unit", cmp(p.Unit, "011"), false}, {"unit1", "035", false}, {"price", price, false}, {"totalPrice", string(total), false}})
		lines = append(lines, e)
	}
	grossG := d.GrossWeightG
	if grossG == 0 {
		grossG = netG
	}
	info := strings.Join(goods, "; ")
	if r := []rune(info); len(r) > 200 {
		info = string(r[:199]) + "…"
	}
	guid := func(kind string) string { return guidFor(d.ID, kind) }
	waybill = newMessage("CEB505", guid("505"))
	w := waybill.Root.group("Logistics")
	leaves(w, append(declared(Declared{GUID: guid("505H"), AppTime: at}), []leafSpec{
		{"logisticsCode", p.LogisticsCode, false}, {"logisticsName", p.LogisticsName, false}, {"logisticsNo", d.ID, false},
		{"freight", "0", false}, {"insuredFee", "0", false}, {"currency", "142", false},
		{"grossWeight", string(Minor(int64(grossG), 3)), false}, {"packNo", "1", false}, {"goodsInfo", info, false},
		{"ebcCode", plat.EbcCode, true}, {"ebcName", plat.EbcName, true}}...))
	waybill.Root.Children = append(waybill.Root.Children, p.Transfer.element())
	if p.Declares {
		inventory = newMessage("CEB603", guid("603"))
		inv := inventory.Root.group("Inventory")
		h := inv.group("InventoryHead")
		leaves(h, append(declared(Declared{GUID: guid("603H"), AppTime: at}), []leafSpec{
			{"customsCode", p.CustomsCode, false}, {"ebpCode", plat.EbpCode, false}, {"ebpName", plat.EbpName, false},
			{"orderNo", d.Ecommerce.OrderID, false}, {"logisticsCode", p.LogisticsCode, false},
			{"logisticsName", p.LogisticsName, false}, {"logisticsNo", d.ID, false}, {"copNo", d.ID, false},
			{"ieFlag", "E", false}, {"portCode", p.PortCode, false}, {"ieDate", date(at), false},
			{"statisticsFlag", exportStatsFlag, false}, {"agentCode", p.AgentCode, false}, {"agentName", p.AgentName, false},
			{"ebcCode", plat.EbcCode, false}, {"ebcName", plat.EbcName, false},
			// The seller ships its own goods: owner = e-commerce enterprise (unconfirmed for marketplaces).
			{"ownerCode", plat.EbcCode, false}, {"ownerName", plat.EbcName, false},
			{"tradeMode", exportTradeMode, false}, {"trafMode", cmp(p.TrafMode, "5"), false}, {"trafName", p.TrafNo, true},
			{"voyageNo", p.VoyageNo, true}, {"billNo", p.BillNo, true}, {"country", dest, false},
			// 指运港: the profile's POD, else the destination's country code (unconfirmed).
			{"POD", cmp(p.POD, dest), false},
			{"freight", "0", false}, {"fCurrency", "142", false}, {"fFlag", "3", false},
			{"insuredFee", "0", false}, {"iCurrency", "142", false}, {"iFlag", "3", false},
			{"wrapType", exportWrapType, false}, {"packNo", "1", false},
			{"grossWeight", string(Minor(int64(grossG), 3)), false}, {"netWeight", string(Minor(int64(netG), 3)), false}}...))
		inv.Children = append(inv.Children, lines...)
		inventory.Root.Children = append(inventory.Root.Children, p.Transfer.element())
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

// NewArrival builds the CEB507 运抵 of one export parcel at the office of exchange: the post is
// both the operator of the supervision site (mail route) and the logistics enterprise.
func NewArrival(id string, p Profile, at time.Time) *Message {
	m := newMessage("CEB507", guidFor(id, "507"))
	a := m.Root.group("Arrival")
	leaves(a.group("ArrivalHead"), append(declared(Declared{GUID: guidFor(id, "507H"), AppTime: at}), []leafSpec{
		{"customsCode", p.CustomsCode, false}, {"copNo", id, false},
		{"operatorCode", p.LogisticsCode, false}, {"operatorName", p.LogisticsName, false},
		{"ieFlag", "E", false}, {"trafMode", cmp(p.TrafMode, "5"), false}, {"billNo", p.BillNo, true},
		{"domesticTrafNo", cmp(p.DomesticTrafNo, "POST"), false},
		{"logisticsCode", p.LogisticsCode, false}, {"logisticsName", p.LogisticsName, false},
		{"msgCount", "1", false}, {"msgSeqNo", "1", false}}...))
	leaves(a.group("ArrivalList"), []leafSpec{{"gnum", "1", false}, {"logisticsNo", id, false}})
	m.Root.Children = append(m.Root.Children, p.Transfer.element())
	return m
}

// NewDeparture builds the CEB509 离境 of one export parcel leaving the office of exchange.
func NewDeparture(id string, p Profile, at time.Time) *Message {
	m := newMessage("CEB509", guidFor(id, "509"))
	d := m.Root.group("Departure")
	leaves(d.group("DepartureHead"), append(declared(Declared{GUID: guidFor(id, "509H"), AppTime: at}), []leafSpec{
		{"customsCode", p.CustomsCode, false}, {"copNo", id, false},
		{"logisticsCode", p.LogisticsCode, false}, {"logisticsName", p.LogisticsName, false},
		{"trafMode", cmp(p.TrafMode, "5"), false}, {"trafName", p.TrafNo, true}, {"voyageNo", p.VoyageNo, true},
		{"billNo", p.BillNo, true}, {"leaveTime", Time(at), false}, {"msgCount", "1", false}, {"msgSeqNo", "1", false}}...))
	leaves(d.group("DepartureList"), []leafSpec{{"gnum", "1", false}, {"logisticsNo", id, false}})
	m.Root.Children = append(m.Root.Children, p.Transfer.element())
	return m
}

// sendExport stores the CEB505 and (declaring profiles) CEB603 of an export item as queued.
func (h *Hall) sendExport(ctx context.Context, d *customs.Declaration, p Profile) ([]Record, error) {
	now := h.now()
	waybill, inv, err := ExportFromDeclaration(d, p, h.Rates, now)
	if err != nil {
		return nil, invalid(fmt.Sprintf("item %s cannot be declared in CEB messages", d.ID), err)
	}
	var recs []Record
	for _, m := range []*Message{waybill, inv} {
		if m != nil {
			recs = append(recs, h.outRecord(m, d.ID, d.Office, now))
		}
	}
	if _, err := h.Store.PutCEBRecords(ctx, recs); err != nil {
		return nil, err
	}
	return h.Store.CEBRecords(ctx, d.ID)
}

// Arrived makes the CEB507 (运抵) of an export item whose CEB505 was sent, when tracking says it
// reached the outward office of exchange. Nothing happens for other items; twice is once.
func (h *Hall) Arrived(ctx context.Context, id string, at time.Time) (bool, error) {
	return h.exportEvent(ctx, id, at, NewArrival)
}

// Departed makes the CEB509 (离境) of an export item whose CEB505 was sent, when tracking says
// it left the outward office of exchange. Nothing happens for other items; twice is once.
func (h *Hall) Departed(ctx context.Context, id string, at time.Time) (bool, error) {
	return h.exportEvent(ctx, id, at, NewDeparture)
}

func (h *Hall) exportEvent(ctx context.Context, id string, at time.Time, build func(string, Profile, time.Time) *Message) (bool, error) {
	w, err := h.Store.CEBRecord(ctx, guidFor(id, "505"))
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p, ok := h.Profile(w.Office)
	if !ok {
		return false, nil
	}
	m := build(id, p, at)
	if ps := m.ValidateUnsigned(); len(ps) > 0 {
		return false, ps
	}
	n, err := h.Store.PutCEBRecords(ctx, []Record{h.outRecord(m, id, w.Office, h.now())})
	return n > 0, err
}

// NewSummaryApply builds a CEB701 汇总申请单 of one e-commerce enterprise's export inventories
// declared between from and to: invtNos are the inventory numbers customs gave in its CEB604
// receipts. Summaries belong to statisticsFlag B (汇总申报); Interpost declares A (simplified), so
// nothing sends one yet. summaryFlag 1 (by consignor alone) and itemNameFlag 1 are unconfirmed.
func NewSummaryApply(copNo string, p Profile, plat Platform, invtNos []string, from, to, at time.Time) *Message {
	m := newMessage("CEB701", guidFor(copNo, "701"))
	s := m.Root.group("SummaryApply")
	leaves(s.group("SummaryApplyHead"), append(declared(Declared{GUID: guidFor(copNo, "701H"), AppTime: at}), []leafSpec{
		{"customsCode", p.CustomsCode, false}, {"copNo", copNo, false},
		{"agentCode", p.AgentCode, false}, {"agentName", p.AgentName, false},
		{"ebcCode", cmp(plat.EbcCode, plat.EbpCode), false}, {"ebcName", cmp(plat.EbcName, plat.EbpName), false},
		{"declAgentCode", p.AgentCode, false}, {"declAgentName", p.AgentName, false},
		{"startTime", Time(from), false}, {"endTime", Time(to), false},
		{"summaryFlag", "1", false}, {"itemNameFlag", "1", false}, {"msgCount", "1", false}, {"msgSeqNo", "1", false}}...))
	for _, n := range invtNos {
		leaves(s.group("SummaryApplyList"), []leafSpec{{"invtNo", n, false}})
	}
	m.Root.Children = append(m.Root.Children, p.Transfer.element())
	return m
}
