package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
)

// cebProfile is the demo post's CEB configuration (invented codes and DXP id) as logistics and
// declaring enterprise; the demo uses it at every office.
//
//go:embed ceb-profile.json
var cebProfile []byte

// CEBProfiles returns the demo's CEB configuration per office ("*": every office).
func CEBProfiles() (map[string]ceb.Profile, error) {
	var p ceb.Profile
	if err := json.Unmarshal(cebProfile, &p); err != nil {
		return nil, fmt.Errorf("demo/ceb-profile.json: %w", err)
	}
	return map[string]ceb.Profile{"*": p}, nil
}

// Simulated is the label every receipt of the demo's customs responder carries: it is not China
// Customs, only a plausible sequence of answers.
const Simulated = "[SIMULATED customs] "

// cebItem is one e-commerce import of the demo and what the simulated customs answers about it.
type cebItem struct {
	decl    customs.Declaration
	buyer   ceb.Buyer
	answers []simAnswer
}

type simAnswer struct {
	typ, status, info string
}

func cebDecl(id, platform, order, seller, sellerCountry, currency, buyer, addr, desc, value, hs, origin string, qty, grams int) customs.Declaration {
	return customs.Declaration{ID: id, Stream: customs.StreamEcommerce, Direction: customs.Import, Office: "CNSHAA",
		Category: "sale_of_goods", Currency: currency,
		Sender:    customs.Party{Name: seller, Address: "1 Export Street", City: "Export City", Country: sellerCountry},
		Addressee: customs.Party{Name: buyer, Address: addr, City: "Shanghai", Postcode: "200040", Country: "CN"},
		Ecommerce: &customs.EcommerceInfo{Platform: platform, OrderID: order, Model: customs.ModelB2C,
			Seller: customs.Party{Name: seller, Country: sellerCountry}},
		Lines: []customs.Line{{Description: desc, Quantity: qty, NetWeightG: grams, Value: value, HSCode: hs, OriginCountry: origin}},
	}
}

// The buyers' identity numbers and phones are invented (they fail the ID card checksum).
var cebItems = []cebItem{
	{cebDecl("TG20261207001", "tmall-global", "TMG-20261207-0001", "Berlin Beauty GmbH", "DE", "EUR", "刘洋 Liu Yang", "陕西北路 66 号",
		"Face cream 50 ml", "38.00", "3304990099", "DE", 1, 180),
		ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"},
		[]simAnswer{{"CEB512", "120", "运单已入库"}, {"CEB622", "120", "清单已入库"}, {"CEB622", "800", "放行"}, {"CEB622", "899", "结关"}}},
	{cebDecl("TG20261207002", "tmall-global", "TMG-20261207-0002", "Berlin Beauty GmbH", "DE", "EUR", "刘洋 Liu Yang", "陕西北路 66 号",
		"Serum 30 ml", "45.00", "3304990099", "DE", 2, 120),
		ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"},
		[]simAnswer{{"CEB512", "120", "运单已入库"}, {"CEB622", "120", "清单已入库"}, {"CEB622", "500", "布控查验：品名与实货核对"},
			{"CEB622", "800", "查验正常，放行"}}},
	{cebDecl("JD2026120700001", "jd-worldwide", "JDW-7730001", "NY Sneaker Vault", "US", "USD", "冯宇 Feng Yu", "淮海中路 1 号",
		"Basketball sneakers", "120.00", "6404110090", "US", 1, 1100),
		ceb.Buyer{IDNumber: "310104199203030000", Telephone: "13700000000"},
		[]simAnswer{{"CEB512", "120", "运单已入库"}, {"CEB622", "300", "人工审核"}, {"CEB622", "100", "退单：订购人身份信息与支付人不一致"}}},
	{cebDecl("JD2026120700002", "jd-worldwide", "JDW-7730002", "NY Sneaker Vault", "US", "USD", "冯宇 Feng Yu", "淮海中路 1 号",
		"Running shoes", "95.00", "6404110090", "US", 1, 900),
		ceb.Buyer{IDNumber: "310104199203030000", Telephone: "13700000000"},
		[]simAnswer{{"CEB622", "120", "清单已入库"}, {"CEB622", "950", "未知状态（模拟）"}}},
}

// CEBResult says what the CEB part of the seed did.
type CEBResult struct {
	Items     []string
	Sent      int
	Receipts  []ceb.ReceiptReport
	Uploads   [][]byte // the receipt messages in the order applied
	Inspected string   // an item held for inspection, then released
	Returned  string   // an item customs returned
	Flagged   string   // an item with a receipt of an unknown status
	Exported  string   // an e-commerce export: CEB505, CEB603, CEB507 and CEB509
}

// SeedCEB declares the demo's e-commerce imports from the Tmall-Global-like and JD-Worldwide-like
// platforms, sends their CEB511/CEB621 messages, and plays the SIMULATED customs responder's
// receipt sequences (entered, inspection, release, a return, an unknown status, a repeated
// receipt and one for a message never sent), then the delivery status of the released items.
// Idempotent: when the first item is declared it does nothing.
func SeedCEB(ctx context.Context, hall *ceb.Hall, now time.Time) (CEBResult, error) {
	res := CEBResult{Inspected: "TG20261207002", Returned: "JD2026120700001", Flagged: "JD2026120700002", Exported: "TGEX20261207001"}
	svc := hall.Customs
	have, err := svc.Store.Declared(ctx, []string{cebItems[0].decl.ID})
	if err != nil || have[cebItems[0].decl.ID] {
		return res, err
	}
	admin := auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}
	for _, it := range cebItems {
		if _, err := svc.Declare(ctx, admin, it.decl); err != nil {
			return res, fmt.Errorf("demo CEB item %s: %w", it.decl.ID, err)
		}
		recs, err := hall.Send(ctx, admin, it.decl.ID, it.buyer)
		if err != nil {
			return res, fmt.Errorf("demo CEB messages of %s: %w", it.decl.ID, err)
		}
		res.Items = append(res.Items, it.decl.ID)
		res.Sent += len(recs)
	}
	at := now
	for round := 0; ; round++ {
		more := false
		for i, it := range cebItems {
			if round >= len(it.answers) {
				continue
			}
			more = true
			a := it.answers[round]
			at = at.Add(7 * time.Minute)
			data, err := SimulatedReceipt(a.typ, it.decl.ID, a.status, a.info, at, fmt.Sprintf("%d-%d", i, round))
			if err != nil {
				return res, err
			}
			rep, err := hall.ApplyReceipts(ctx, admin, data)
			if err != nil {
				return res, fmt.Errorf("demo receipt %s %s for %s: %w", a.typ, a.status, it.decl.ID, err)
			}
			res.Uploads = append(res.Uploads, data)
			res.Receipts = append(res.Receipts, rep)
			if round == 2 && i == 0 { // the same receipt again: changes nothing
				if rep, err = hall.ApplyReceipts(ctx, admin, data); err != nil {
					return res, err
				}
				res.Receipts = append(res.Receipts, rep)
			}
		}
		if !more {
			break
		}
	}
	// A receipt for an order (CEB311) the post never sent: the platform's, misrouted.
	data, err := ceb.NewReceipts("CEB312", simGUID("order"), ceb.Receipt{GUID: simGUID("order-1"),
		Keys:   []ceb.Field{{Name: "ebpCode", Value: "1101980002"}, {Name: "ebcCode", Value: "1101980002"}, {Name: "orderNo", Value: "TMG-20261207-0001"}},
		Status: "120", Time: at, Info: Simulated + "订单已入库"})
	if err != nil {
		return res, err
	}
	b, err := ceb.Marshal(data, ceb.EncodeOptions{})
	if err != nil {
		return res, err
	}
	rep, err := hall.ApplyReceipts(ctx, admin, b)
	if err != nil {
		return res, err
	}
	res.Uploads = append(res.Uploads, b)
	res.Receipts = append(res.Receipts, rep)
	for _, id := range []string{"TG20261207001", "TG20261207002"} {
		at = at.Add(26 * time.Hour)
		if _, err := hall.Delivered(ctx, id, at); err != nil {
			return res, fmt.Errorf("demo delivery status of %s: %w", id, err)
		}
		data, err := SimulatedReceipt("CEB514", id, "399", "签收状态已审结", at.Add(time.Minute), "514-"+id)
		if err != nil {
			return res, err
		}
		rep, err := hall.ApplyReceipts(ctx, admin, data)
		if err != nil {
			return res, err
		}
		res.Receipts = append(res.Receipts, rep)
		res.Uploads = append(res.Uploads, data)
	}
	// An e-commerce export: its waybill and inventory, then arrival at and departure from the
	// outward office (what the EMB and EMC scans make in a running node).
	exp := customs.Declaration{ID: res.Exported, Stream: customs.StreamEcommerce, Direction: customs.Export, Office: "CNSHAA",
		Category: "sale_of_goods", Currency: "CNY", GrossWeightG: 350,
		Sender:    customs.Party{Name: "杭州丝绸 Hangzhou Silk Co", Address: "1 Silk Road", City: "Hangzhou", Postcode: "310000", Country: "CN"},
		Addressee: customs.Party{Name: "Anna Becker", Address: "Torstr. 1", City: "Berlin", Postcode: "10119", Country: "DE"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "TMG-EX-20261207-0001", Model: customs.ModelB2C,
			Seller: customs.Party{Name: "杭州丝绸 Hangzhou Silk Co", Country: "CN"}},
		Lines: []customs.Line{{Description: "Silk scarf", Quantity: 2, NetWeightG: 300, Value: "380.00", HSCode: "621410", OriginCountry: "CN"}}}
	if _, err := svc.Declare(ctx, admin, exp); err != nil {
		return res, fmt.Errorf("demo CEB export %s: %w", exp.ID, err)
	}
	if _, err := hall.Send(ctx, admin, exp.ID, ceb.Buyer{}); err != nil {
		return res, fmt.Errorf("demo CEB messages of export %s: %w", exp.ID, err)
	}
	if _, err := hall.Arrived(ctx, exp.ID, at.Add(time.Hour)); err != nil {
		return res, err
	}
	if _, err := hall.Departed(ctx, exp.ID, at.Add(5*time.Hour)); err != nil {
		return res, err
	}
	return res, nil
}

// SimulatedReceipt is the SIMULATED customs responder: the receipt typ (CEB512, CEB514, CEB622)
// customs would send about item with status and info, labelled as simulated in its returnInfo.
func SimulatedReceipt(typ, item, status, info string, at time.Time, seed string) ([]byte, error) {
	keys := map[string][]ceb.Field{
		"CEB512": {{Name: "logisticsCode", Value: "1101980001"}, {Name: "logisticsNo", Value: item}},
		"CEB514": {{Name: "logisticsCode", Value: "1101980001"}, {Name: "logisticsNo", Value: item}, {Name: "logisticsStatus", Value: "S"}},
		"CEB622": {{Name: "customsCode", Value: "2233"}, {Name: "agentCode", Value: "1101980001"}, {Name: "copNo", Value: item},
			{Name: "preNo", Value: "B2026120700000" + fmt.Sprintf("%04d", len(item)*7%10000)}, {Name: "invtNo", Value: "22332026I00000" + fmt.Sprintf("%04d", len(item)*13%10000)}},
	}[typ]
	m, err := ceb.NewReceipts(typ, simGUID(seed), ceb.Receipt{GUID: simGUID(seed + "e"), Keys: keys, Status: status, Time: at, Info: Simulated + info})
	if err != nil {
		return nil, err
	}
	return ceb.Marshal(m, ceb.EncodeOptions{})
}

// simGUID is a stable upper-case GUID for the simulated responder's messages.
func simGUID(seed string) string {
	h := uint64(1469598103934665603)
	for _, c := range []byte(seed) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return fmt.Sprintf("5133D000-%04X-4%03X-9%03X-%012X", uint16(h>>48), uint16(h>>36)&0xFFF, uint16(h>>24)&0xFFF, h&0xFFFFFFFFFFFF)
}
