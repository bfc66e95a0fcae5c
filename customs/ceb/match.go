package ceb

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// The three documents matched (三单对碰): before an import inventory (CEB621) goes to customs, the
// platform's order (CEB311), the payment company's payment (CEB411) and the logistics
// enterprise's waybill (CEB511) must agree with each other and with the inventory, or customs
// refuses the inventory. Match does the comparison customs does, on our side, so a mismatch holds
// the parcel in a queue with the differing fields marked instead of coming back as a refusal.
//
// What must agree, per the 202205 XSD documentation (quoted beside each check) and the customs
// announcement on CBEC retail import supervision (海关总署公告2018年第194号: 订单、支付、物流
// "三单" information compared with the inventory); where a rule is our reading it says so.

// Documents is one order's set: the entity of each message that carries its order number (an
// Order, Payment, Logistics or Inventory element, as Entities returns them). A nil document has
// not arrived yet.
type Documents struct {
	Order     *Element // CEB311 Order
	Payment   *Element // CEB411 Payment
	Waybill   *Element // CEB511 Logistics
	Inventory *Element // CEB621 Inventory
}

// Value is one document's value of a compared field.
type Value struct {
	Doc   string `json:"doc"`   // CEB311, CEB411, CEB511 or CEB621
	Path  string `json:"path"`  // e.g. OrderHead/acturalPaid, InventoryList[2]/qty
	Value string `json:"value"` // personal data masked (Mask)
}

// Mismatch is one check that failed, with every document's value.
type Mismatch struct {
	Check  string  `json:"check"`  // what should agree, in words
	Values []Value `json:"values"` // each document's value, in document order
}

// MatchResult is the outcome for one order.
type MatchResult struct {
	OrderNo    string     `json:"order_no"`
	Missing    []string   `json:"missing,omitempty"` // documents not yet received, e.g. CEB411
	Mismatches []Mismatch `json:"mismatches,omitempty"`
}

// Matched reports whether all four documents are here and agree.
func (r MatchResult) Matched() bool { return len(r.Missing) == 0 && len(r.Mismatches) == 0 }

// Entities returns the business entities of a message that take part in matching (Order of a
// CEB311, Payment of a CEB411, Logistics of a CEB511, Inventory of a CEB621) with their order
// numbers; nil for other types.
func Entities(m *Message) (entities []*Element, orderNos []string) {
	name, head := matchEntity(m.Type())
	if name == "" {
		return nil, nil
	}
	for _, e := range m.Root.All(name) {
		entities = append(entities, e)
		orderNos = append(orderNos, strings.TrimSpace(e.Get(head+"/orderNo")))
	}
	return entities, orderNos
}

func matchEntity(typ string) (entity, head string) {
	switch typ {
	case "CEB311":
		return "Order", "OrderHead"
	case "CEB411":
		return "Payment", "PaymentHead"
	case "CEB511":
		return "Logistics", "LogisticsHead"
	case "CEB621":
		return "Inventory", "InventoryHead"
	}
	return "", ""
}

// field names one leaf of one document for a check.
type field struct {
	doc  string
	e    *Element
	path string
}

func (f field) value() string { return strings.TrimSpace(f.e.Get(f.path)) }

// WeightTolerance is how far the waybill's gross weight may be from the inventory's (kg): our
// rule (the XSD gives none), enough for a re-weighing at the office of exchange.
const WeightTolerance = 0.05

// Match compares an order's documents. Checks that need a missing document are skipped; the
// missing documents are listed.
func Match(d Documents) MatchResult {
	var r MatchResult
	o, p, w, inv := d.Order, d.Payment, d.Waybill, d.Inventory
	for _, x := range []struct {
		doc string
		e   *Element
	}{{"CEB311", o}, {"CEB411", p}, {"CEB511", w}, {"CEB621", inv}} {
		if x.e == nil {
			r.Missing = append(r.Missing, x.doc)
		}
	}
	F := func(doc string, e *Element, path string) field { return field{doc, e, path} }
	// present keeps the fields whose document arrived.
	present := func(fs ...field) []field {
		var out []field
		for _, f := range fs {
			if f.e != nil {
				out = append(out, f)
			}
		}
		return out
	}
	add := func(check string, fs []field) {
		m := Mismatch{Check: check}
		for _, f := range fs {
			m.Values = append(m.Values, Value{Doc: f.doc, Path: f.path, Value: maskField(f.path, f.value())})
		}
		r.Mismatches = append(r.Mismatches, m)
	}
	// same: every present field has the same text (after trimming blanks).
	same := func(check string, fs ...field) {
		fs = present(fs...)
		for _, f := range fs[min(1, len(fs)):] {
			if f.value() != fs[0].value() {
				add(check, fs)
				return
			}
		}
	}
	// equal: every present field has the same amount.
	equal := func(check string, fs ...field) {
		fs = present(fs...)
		for _, f := range fs[min(1, len(fs)):] {
			if !sameAmount(f.value(), fs[0].value()) {
				add(check, fs)
				return
			}
		}
	}
	for _, f := range present(F("CEB311", o, "OrderHead/orderNo"), F("CEB411", p, "PaymentHead/orderNo"),
		F("CEB511", w, "LogisticsHead/orderNo"), F("CEB621", inv, "InventoryHead/orderNo")) {
		if r.OrderNo == "" {
			r.OrderNo = f.value()
		}
	}
	same("order number (orderNo) is the platform's one number in every document",
		F("CEB311", o, "OrderHead/orderNo"), F("CEB411", p, "PaymentHead/orderNo"),
		F("CEB511", w, "LogisticsHead/orderNo"), F("CEB621", inv, "InventoryHead/orderNo"))
	same("e-commerce platform (ebpCode) of order, payment and inventory",
		F("CEB311", o, "OrderHead/ebpCode"), F("CEB411", p, "PaymentHead/ebpCode"), F("CEB621", inv, "InventoryHead/ebpCode"))
	same("e-commerce enterprise (ebcCode) of order and inventory",
		F("CEB311", o, "OrderHead/ebcCode"), F("CEB621", inv, "InventoryHead/ebcCode"))
	// CEB311 acturalPaid: "与支付凭证的支付金额一致" (equals the payment's amount).
	equal("amount paid: the order's acturalPaid equals the payment's amountPaid",
		F("CEB311", o, "OrderHead/acturalPaid"), F("CEB411", p, "PaymentHead/amountPaid"))
	if o != nil && p != nil {
		if o.Get("OrderHead/payTransactionId") != "" {
			same("payment transaction (payTransactionId) named in the order",
				F("CEB311", o, "OrderHead/payTransactionId"), F("CEB411", p, "PaymentHead/payTransactionId"))
		}
		if o.Get("OrderHead/payCode") != "" {
			same("payment enterprise (payCode) named in the order",
				F("CEB311", o, "OrderHead/payCode"), F("CEB411", p, "PaymentHead/payCode"))
		}
	}
	// The buyer (订购人) is the payer and the inventory's buyer: one identity (our reading of
	// GACC 2018/194 on "订购人身份信息" checked against the payment).
	same("buyer identity number: order buyer, payer and inventory buyer",
		F("CEB311", o, "OrderHead/buyerIdNumber"), F("CEB411", p, "PaymentHead/payerIdNumber"), F("CEB621", inv, "InventoryHead/buyerIdNumber"))
	same("buyer name: order buyer, payer and inventory buyer",
		F("CEB311", o, "OrderHead/buyerName"), F("CEB411", p, "PaymentHead/payerName"), F("CEB621", inv, "InventoryHead/buyerName"))
	// CEB311 consignee*: "必须与电子运单的…一致" (must equal the waybill's).
	same("consignee name: order and waybill", F("CEB311", o, "OrderHead/consignee"), F("CEB511", w, "LogisticsHead/consignee"))
	same("consignee telephone: order and waybill",
		F("CEB311", o, "OrderHead/consigneeTelephone"), F("CEB511", w, "LogisticsHead/consigneeTelephone"))
	same("consignee address: order, waybill and inventory",
		F("CEB311", o, "OrderHead/consigneeAddress"), F("CEB511", w, "LogisticsHead/consigneeAddress"), F("CEB621", inv, "InventoryHead/consigneeAddress"))
	same("waybill number (logisticsNo): waybill and inventory",
		F("CEB511", w, "LogisticsHead/logisticsNo"), F("CEB621", inv, "InventoryHead/logisticsNo"))
	same("logistics enterprise (logisticsCode): waybill and inventory",
		F("CEB511", w, "LogisticsHead/logisticsCode"), F("CEB621", inv, "InventoryHead/logisticsCode"))
	equal("freight: order and inventory", F("CEB311", o, "OrderHead/freight"), F("CEB621", inv, "InventoryHead/freight"))
	if w != nil && inv != nil {
		a, okA := amount(w.Get("LogisticsHead/weight"))
		b, okB := amount(inv.Get("InventoryHead/grossWeight"))
		if okA && okB {
			if diff, _ := new(big.Rat).Sub(a, b).Float64(); diff > WeightTolerance || diff < -WeightTolerance {
				add(fmt.Sprintf("gross weight: waybill and inventory within %.2f kg", WeightTolerance),
					[]field{F("CEB511", w, "LogisticsHead/weight"), F("CEB621", inv, "InventoryHead/grossWeight")})
			}
		}
	}
	if o != nil && inv != nil {
		r.Mismatches = append(r.Mismatches, matchLines(o, inv)...)
	}
	return r
}

// matchLines compares the order's goods lines with the inventory's: CEB621 gnum "与关联的电子订单
// 表体序号一一对应" (one to one with the order's line numbers).
func matchLines(o, inv *Element) []Mismatch {
	var out []Mismatch
	ol, il := o.All("OrderList"), inv.All("InventoryList")
	byGnum := func(ls []*Element) map[string]*Element {
		m := map[string]*Element{}
		for _, l := range ls {
			m[strings.TrimSpace(l.Get("gnum"))] = l
		}
		return m
	}
	om, im := byGnum(ol), byGnum(il)
	if len(ol) != len(il) {
		out = append(out, Mismatch{Check: "number of goods lines: order and inventory", Values: []Value{
			{Doc: "CEB311", Path: "OrderList", Value: strconv.Itoa(len(ol))},
			{Doc: "CEB621", Path: "InventoryList", Value: strconv.Itoa(len(il))}}})
	}
	for i, l := range ol {
		g := strings.TrimSpace(l.Get("gnum"))
		m := im[g]
		if m == nil {
			out = append(out, Mismatch{Check: "goods line " + g + " of the order is not in the inventory", Values: []Value{
				{Doc: "CEB311", Path: fmt.Sprintf("OrderList[%d]/gnum", i+1), Value: g}}})
			continue
		}
		j := indexOf(il, m) + 1
		cmp := func(check, op, ip string, num bool) {
			a, b := strings.TrimSpace(l.Get(op)), strings.TrimSpace(m.Get(ip))
			if (num && !sameAmount(a, b)) || (!num && a != b) {
				out = append(out, Mismatch{Check: "goods line " + g + ": " + check, Values: []Value{
					{Doc: "CEB311", Path: fmt.Sprintf("OrderList[%d]/%s", i+1, op), Value: a},
					{Doc: "CEB621", Path: fmt.Sprintf("InventoryList[%d]/%s", j, ip), Value: b}}})
			}
		}
		if l.Get("itemNo") != "" && m.Get("itemNo") != "" {
			cmp("item number (itemNo)", "itemNo", "itemNo", false)
		}
		// CEB621 gname: "与电子订单一致" (as in the order).
		cmp("goods name (order itemName, inventory gname)", "itemName", "gname", false)
		cmp("quantity", "qty", "qty", true)
		cmp("unit price", "price", "price", true)
		cmp("total price", "totalPrice", "totalPrice", true)
		cmp("country of origin", "country", "country", false)
	}
	for i, l := range il {
		if g := strings.TrimSpace(l.Get("gnum")); om[g] == nil {
			out = append(out, Mismatch{Check: "goods line " + g + " of the inventory is not in the order", Values: []Value{
				{Doc: "CEB621", Path: fmt.Sprintf("InventoryList[%d]/gnum", i+1), Value: g}}})
		}
	}
	// The order's goods value is its lines' total; the inventory's lines must add up to it.
	if gv, ok := amount(o.Get("OrderHead/goodsValue")); ok {
		sum := new(big.Rat)
		for _, l := range il {
			if v, ok := amount(l.Get("totalPrice")); ok {
				sum.Add(sum, v)
			}
		}
		if sum.Cmp(gv) != 0 {
			out = append(out, Mismatch{Check: "goods value: the order's goodsValue equals the inventory lines' total", Values: []Value{
				{Doc: "CEB311", Path: "OrderHead/goodsValue", Value: strings.TrimSpace(o.Get("OrderHead/goodsValue"))},
				{Doc: "CEB621", Path: "InventoryList/totalPrice (sum)", Value: sum.FloatString(5)}}})
		}
	}
	return out
}

func indexOf(ls []*Element, e *Element) int {
	for i, l := range ls {
		if l == e {
			return i
		}
	}
	return -1
}

// amount parses a decimal exactly ("118.50000").
func amount(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

func sameAmount(a, b string) bool {
	x, okA := amount(a)
	y, okB := amount(b)
	if !okA || !okB {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	return x.Cmp(y) == 0
}

// MaskLeaf masks the value of a leaf named name when it holds personal data (the buyer's or
// payer's identity number, a phone); other values come back as they are.
func MaskLeaf(name, v string) string {
	if f, ok := personal[name]; ok {
		return f(v)
	}
	return v
}

func maskField(path, v string) string {
	return MaskLeaf(path[strings.LastIndexByte(path, '/')+1:], v)
}
