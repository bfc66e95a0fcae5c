package ceb

import (
	"fmt"
	"math/big"
	"strings"
	"time"
)

// PlatformDocuments makes, from the post's own CEB511 waybill and CEB621 inventory (unmasked:
// Unmasked), the order (CEB311) a platform and the payment (CEB411) a payment company would send
// for the same parcel, agreeing with both. For the demo and tests: the platform's and payment
// company's codes are invented (names "SIMULATED …"); the order's acturalPaid is goods value plus
// freight; amountPaid is the payment's (empty: the same, so the documents agree).
func PlatformDocuments(waybill, inventory *Message, amountPaid string, at time.Time) (order, payment *Message, err error) {
	ws, _ := Entities(waybill)
	is, _ := Entities(inventory)
	if len(ws) != 1 || len(is) != 1 {
		return nil, nil, fmt.Errorf("want one waybill and one inventory, have %d and %d", len(ws), len(is))
	}
	w, inv := ws[0], is[0]
	ih := func(n string) string { return strings.TrimSpace(inv.Get("InventoryHead/" + n)) }
	wh := func(n string) string { return strings.TrimSpace(w.Get("LogisticsHead/" + n)) }
	orderNo := ih("orderNo")
	goods := new(big.Rat)
	for _, l := range inv.All("InventoryList") {
		if v, ok := amount(l.Get("totalPrice")); ok {
			goods.Add(goods, v)
		}
	}
	f, _ := amount(ih("freight"))
	if f == nil {
		f = new(big.Rat)
	}
	paid := trimDecimal(new(big.Rat).Add(goods, f).FloatString(5))
	if amountPaid == "" {
		amountPaid = paid
	}
	payTx := "SIMPAY" + orderNo
	const payCode, payName = "1101980004", "SIMULATED payment company"
	when := Time(at)

	order = Sample("CEB311")
	order.Root.setAttr("guid", guidFor(orderNo, "311"))
	o := order.Root.Child("Order")
	oh := o.Child("OrderHead")
	for k, v := range map[string]string{"guid": guidFor(orderNo, "311H"), "appType": "1", "appTime": when, "appStatus": "2", "orderType": "I",
		"orderNo": orderNo, "ebpCode": ih("ebpCode"), "ebpName": "SIMULATED platform " + ih("ebpCode"), "ebcCode": ih("ebcCode"),
		"ebcName": ih("ebcName"), "goodsValue": trimDecimal(goods.FloatString(5)), "freight": ih("freight"), "discount": "0", "taxTotal": "0",
		"acturalPaid": paid, "currency": ih("currency"), "buyerRegNo": "sim-" + orderNo, "buyerName": ih("buyerName"),
		"buyerTelephone": ih("buyerTelephone"), "buyerIdType": "1", "buyerIdNumber": ih("buyerIdNumber"), "payCode": payCode, "payName": payName,
		"payTransactionId": payTx, "consignee": wh("consignee"), "consigneeTelephone": wh("consigneeTelephone"),
		"consigneeAddress": wh("consigneeAddress"), "note": ""} {
		oh.set(k, v)
	}
	tmpl := o.Child("OrderList")
	o.Children = slicesDelete(o.Children, "OrderList")
	for _, l := range inv.All("InventoryList") {
		c := tmpl.clone()
		for k, v := range map[string]string{"gnum": l.Get("gnum"), "itemNo": l.Get("itemNo"), "itemName": l.Get("gname"), "gmodel": l.Get("gmodel"),
			"itemDescribe": "", "barCode": "", "unit": l.Get("unit"), "qty": l.Get("qty"), "price": l.Get("price"), "totalPrice": l.Get("totalPrice"),
			"currency": l.Get("currency"), "country": l.Get("country"), "note": ""} {
			c.set(k, strings.TrimSpace(v))
		}
		o.Children = append(o.Children, c)
	}
	transfer(order, inventory)

	payment = Sample("CEB411")
	payment.Root.setAttr("guid", guidFor(orderNo, "411"))
	ph := payment.Root.Child("Payment").Child("PaymentHead")
	for k, v := range map[string]string{"guid": guidFor(orderNo, "411H"), "appType": "1", "appTime": when, "appStatus": "2", "payCode": payCode,
		"payName": payName, "payTransactionId": payTx, "orderNo": orderNo, "ebpCode": ih("ebpCode"), "ebpName": "SIMULATED platform " + ih("ebpCode"),
		"payerIdType": "1", "payerIdNumber": ih("buyerIdNumber"), "payerName": ih("buyerName"), "telephone": ih("buyerTelephone"),
		"amountPaid": amountPaid, "currency": ih("currency"), "payTime": when, "note": ""} {
		ph.set(k, v)
	}
	transfer(payment, inventory)
	for _, m := range []*Message{order, payment} {
		if ps := m.ValidateUnsigned(); len(ps) > 0 {
			return nil, nil, fmt.Errorf("simulated %s of order %s: %w", m.Type(), orderNo, ps)
		}
	}
	return order, payment, nil
}

// transfer copies the BaseTransfer of from into m.
func transfer(m, from *Message) {
	if t, f := m.Root.Child("BaseTransfer"), from.Root.Child("BaseTransfer"); t != nil && f != nil {
		*t = *f.clone()
	}
}

func trimDecimal(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// set sets a leaf child's text; an empty value removes the leaf (optional ones only are passed empty).
func (e *Element) set(name, v string) {
	for i, c := range e.Children {
		if c.Name == name {
			if v == "" {
				e.Children = append(e.Children[:i], e.Children[i+1:]...)
			} else {
				c.Text = v
			}
			return
		}
	}
	if v != "" {
		e.leaf(name, v, false)
	}
}

func (e *Element) setAttr(name, v string) {
	for i, a := range e.Attrs {
		if a.Name.Local == name {
			e.Attrs[i].Value = v
		}
	}
}

func (e *Element) clone() *Element {
	c := *e
	c.Attrs = append(c.Attrs[:0:0], e.Attrs...)
	c.Children = nil
	for _, ch := range e.Children {
		c.Children = append(c.Children, ch.clone())
	}
	return &c
}

func slicesDelete(es []*Element, name string) []*Element {
	out := es[:0:0]
	for _, e := range es {
		if e.Name != name {
			out = append(out, e)
		}
	}
	return out
}
