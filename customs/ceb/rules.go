package ceb

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rules beyond the XSD facets, each with where it is confirmed (docs/formats.md, "CEB messages").
// Code lists are checked only where the spec marks them confirmed; JGS-20 tables (units,
// countries, transport modes), wrapType and customs codes are checked for form only.

// codeList is a closed list of values for elements of one name.
type codeList struct {
	name   string // element name, or Parent/name
	export int    // 0 both families, 1 import only, 2 export only
	values []string
}

var codeLists = []codeList{
	{"appType", 0, []string{"1", "2", "3"}},            // [X][S] 1 new, 2 change, 3 delete
	{"appStatus", 0, []string{"1", "2"}},               // [X][S] 1 stored, 2 declared
	{"orderType", 1, []string{"I"}},                    // [X] 电子订单类型：I进口
	{"orderType", 2, []string{"I", "E", "B", "W"}},     // [X] CEB303 documentation
	{"tradeMode", 1, []string{"9610", "1210"}},         // [X] 直购进口9610, 保税进口1210
	{"tradeMode", 2, []string{"9610", "1210", "1239"}}, // [X] 一般出口9610, 特殊区域1210/1239
	{"ieFlag", 0, []string{"I", "E"}},                  // [X]
	{"dxpMode", 0, []string{"DXP"}},                    // [X][S][O]
	{"BaseSubscribe/status", 0, []string{"ALL", "DATA", "RET"}},
	{"statisticsFlag", 2, []string{"A", "B"}}, // [X] CEB603: A 简化申报, B 汇总申报
	{"summaryFlag", 2, []string{"1", "2"}},    // [X] CEB701
}

// formats by element name: the XSD documents these strings as times or dates.
var formats = map[string]string{
	"appTime": ts14, "payTime": ts14, "logisticsTime": ts14, "startTime": ts14, "endTime": ts14,
	"leaveTime": ts14, "accountingDate": ts14,
	"returnTime": ts17, "opDate": ts17,
	"declTime": date8, "ieDate": date8,
}

const (
	ts14  = "20060102150405"
	ts17  = "20060102150405.000"
	date8 = "20060102"
)

// finalize attaches the rules to the nodes of s once, so validating is a walk.
func finalize(s *Schema, n *Node, parent string) {
	for _, c := range n.Children {
		finalize(s, c, n.Name)
	}
	if n.Kind != KindString && n.Kind != KindInt {
		return
	}
	fam := 1
	if s.Export {
		fam = 2
	}
	for _, cl := range codeLists {
		if (cl.name == n.Name || cl.name == parent+"/"+n.Name) && (cl.export == 0 || cl.export == fam) {
			n.codes = cl.values
		}
	}
	// Restrictions the XSD states in words ("限定为…") are confirmed by the XSD itself.
	switch {
	case strings.Contains(n.Chinese, "限定为人民币"):
		n.codes = []string{"142"}
	case strings.Contains(n.Chinese, "限定为身份证"):
		n.codes = []string{"1"}
	case n.Name == "logisticsStatus" && strings.Contains(n.Chinese, "限定"):
		n.codes = []string{"S"}
	case n.Name == "packNo" && strings.Contains(n.Chinese, "限定为“1”"):
		n.one = true
	case n.Name == "gnum" && strings.Contains(n.Chinese, "从1开始"):
		n.seq = true
	}
	if f, ok := formats[n.Name]; ok && n.Kind == KindString {
		n.format = f
	}
	n.upper = n.Name == "guid"
}

func (v *validator) rules(n *Node, s string, p *path) {
	if n.codes != nil && !slices.Contains(n.codes, s) {
		v.add(p, "%s is not one of %s", quoteShort(s), strings.Join(n.codes, ", "))
		return
	}
	if n.format != "" && s != "" {
		layout := n.format
		val := s
		if layout == ts17 && len(s) == 17 {
			val = s[:14] + "." + s[14:]
		}
		if !allDigits(s) {
			v.add(p, "%s is not a time %s", quoteShort(s), formatName(n.format))
			return
		}
		if _, err := time.Parse(layout, val); err != nil {
			v.add(p, "%s is not a valid time %s", quoteShort(s), formatName(n.format))
		}
		return
	}
	if n.upper && strings.ToUpper(s) != s {
		v.add(p, "has lower-case letters; the spec asks for upper case (英文字母大写)")
	}
}

func formatName(layout string) string {
	switch layout {
	case ts14:
		return "YYYYMMDDhhmmss"
	case ts17:
		return "YYYYMMDDhhmmssSSS"
	}
	return "YYYYMMDD"
}

func quoteShort(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}

func (v *validator) intRules(n *Node, x int64, p *path) {
	switch {
	case n.one && x != 1:
		v.add(p, "is %d; the spec fixes it at 1 (限定为1)", x)
	case n.seq:
		want := int64(max(p.parent.index, 1))
		if x != want {
			v.add(p, "is %d, want %d (numbered from 1 without gaps)", x, want)
		}
	}
}

// totals checks CEB311, where the XSD documentation states the sums: each line's totalPrice is
// price × qty (等于单价乘以数量), goodsValue is the lines' total (商品实际成交价), and acturalPaid is
// goodsValue + freight + taxTotal − discount (商品价格+运杂费+代扣税款-非现金抵扣金额).
func (v *validator) totals(root *Element, p *path) {
	if v.s.Type != "CEB311" || len(v.out) > 0 {
		return // numbers are well-formed only when nothing else is wrong
	}
	orders := root.All("Order")
	for i, o := range orders {
		op := &path{parent: p, name: "Order"}
		if len(orders) > 1 {
			op.index = i + 1
		}
		head := o.Child("OrderHead")
		hp := &path{parent: op, name: "OrderHead"}
		sum := new(big.Rat)
		lines := o.All("OrderList")
		for j, l := range lines {
			lp := &path{parent: op, name: "OrderList"}
			if len(lines) > 1 {
				lp.index = j + 1
			}
			price, qty, total := rat(l.Get("price")), rat(l.Get("qty")), rat(l.Get("totalPrice"))
			prod := new(big.Rat).Mul(price, qty)
			if !near(prod, total) {
				v.add(&path{parent: lp, name: "totalPrice"}, "is %s, but price × qty = %s (等于单价乘以数量)", dec(total), dec(prod))
			}
			sum.Add(sum, total)
		}
		goods := rat(head.Get("goodsValue"))
		if goods.Cmp(sum) != 0 {
			v.add(&path{parent: hp, name: "goodsValue"}, "is %s, but the lines' totalPrice add up to %s", dec(goods), dec(sum))
		}
		paid := new(big.Rat).Add(goods, rat(head.Get("freight")))
		paid.Add(paid, rat(head.Get("taxTotal")))
		paid.Sub(paid, rat(head.Get("discount")))
		if got := rat(head.Get("acturalPaid")); got.Cmp(paid) != 0 {
			v.add(&path{parent: hp, name: "acturalPaid"}, "is %s, but goodsValue + freight + taxTotal − discount = %s", dec(got), dec(paid))
		}
	}
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return new(big.Rat)
	}
	return r
}

var halfUnit = big.NewRat(1, 200000) // half of 0.00001, the last place of N19,5

// near reports whether total is prod rounded to five decimal places.
func near(prod, total *big.Rat) bool {
	d := new(big.Rat).Sub(prod, total)
	return d.Abs(d).Cmp(halfUnit) <= 0
}

func dec(r *big.Rat) string {
	s := r.FloatString(5)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
