package ceb

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// matchSet reads the four documents of order TMG20261207000123 from testdata, each edited by fix.
func matchSet(t *testing.T, fix map[string]func(string) string) Documents {
	t.Helper()
	var d Documents
	for _, f := range []struct {
		file string
		dst  **Element
	}{{"ceb311-order.xml", &d.Order}, {"ceb411-payment.xml", &d.Payment}, {"ceb511-waybill.xml", &d.Waybill}, {"ceb621-inventory.xml", &d.Inventory}} {
		b, err := os.ReadFile("testdata/" + f.file)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if fn := fix[f.file]; fn != nil {
			s = fn(s)
		}
		m, err := Parse([]byte(s))
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		es, nos := Entities(m)
		if len(es) != 1 || nos[0] != "TMG20261207000123" {
			t.Fatalf("%s: entities %d, order numbers %v", f.file, len(es), nos)
		}
		*f.dst = es[0]
	}
	return d
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

func TestMatchAgreeingDocuments(t *testing.T) {
	r := Match(matchSet(t, nil))
	if !r.Matched() || r.OrderNo != "TMG20261207000123" {
		t.Fatalf("the testdata set should match: %+v", r)
	}
	// A document not yet received is listed, and the others still compared.
	d := matchSet(t, map[string]func(string) string{"ceb311-order.xml": replace("<ceb:consignee>王小明", "<ceb:consignee>王晓明")})
	d.Payment = nil
	r = Match(d)
	if r.Matched() || !reflect.DeepEqual(r.Missing, []string{"CEB411"}) || len(r.Mismatches) != 1 || r.Mismatches[0].Check != "consignee name: order and waybill" {
		t.Fatalf("payment missing, consignee differs: %+v", r)
	}
}

func TestMatchFindsEachDifference(t *testing.T) {
	for _, c := range []struct {
		name  string
		fix   map[string]func(string) string
		check string
		want  []Value
	}{
		{"amount paid", map[string]func(string) string{"ceb411-payment.xml": replace("<ceb:amountPaid>545.5<", "<ceb:amountPaid>545.00<")},
			"amount paid: the order's acturalPaid equals the payment's amountPaid",
			[]Value{{"CEB311", "OrderHead/acturalPaid", "545.5"}, {"CEB411", "PaymentHead/amountPaid", "545.00"}}},
		{"payer is someone else", map[string]func(string) string{"ceb411-payment.xml": replace("<ceb:payerIdNumber>110101199001011234", "<ceb:payerIdNumber>110101198501015678")},
			"buyer identity number: order buyer, payer and inventory buyer",
			[]Value{{"CEB311", "OrderHead/buyerIdNumber", "1101**********1234"}, {"CEB411", "PaymentHead/payerIdNumber", "1101**********5678"},
				{"CEB621", "InventoryHead/buyerIdNumber", "1101**********1234"}}},
		{"inventory quantity", map[string]func(string) string{"ceb621-inventory.xml": replace("<ceb:qty>2</ceb:qty>", "<ceb:qty>3</ceb:qty>")},
			"goods line 2: quantity",
			[]Value{{"CEB311", "OrderList[2]/qty", "2"}, {"CEB621", "InventoryList[2]/qty", "3"}}},
		{"waybill number", map[string]func(string) string{"ceb511-waybill.xml": replace("<ceb:logisticsNo>EA000000019CN", "<ceb:logisticsNo>EA000000022CN")},
			"waybill number (logisticsNo): waybill and inventory",
			[]Value{{"CEB511", "LogisticsHead/logisticsNo", "EA000000022CN"}, {"CEB621", "InventoryHead/logisticsNo", "EA000000019CN"}}},
		{"weight", map[string]func(string) string{"ceb511-waybill.xml": replace("<ceb:weight>0.85<", "<ceb:weight>1.20<")},
			"gross weight: waybill and inventory within 0.05 kg",
			[]Value{{"CEB511", "LogisticsHead/weight", "1.20"}, {"CEB621", "InventoryHead/grossWeight", "0.85"}}},
		{"address", map[string]func(string) string{"ceb511-waybill.xml": replace("示例路 1 号", "示例路 11 号")},
			"consignee address: order, waybill and inventory",
			[]Value{{"CEB311", "OrderHead/consigneeAddress", "广东省广州市天河区示例路 1 号"}, {"CEB511", "LogisticsHead/consigneeAddress", "广东省广州市天河区示例路 11 号"},
				{"CEB621", "InventoryHead/consigneeAddress", "广东省广州市天河区示例路 1 号"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Match(matchSet(t, c.fix))
			if r.Matched() {
				t.Fatal("matched")
			}
			for _, m := range r.Mismatches {
				if m.Check == c.check {
					if !reflect.DeepEqual(m.Values, c.want) {
						t.Fatalf("values %+v, want %+v", m.Values, c.want)
					}
					return
				}
			}
			t.Fatalf("no mismatch %q in %+v", c.check, r.Mismatches)
		})
	}
	// An inventory line the order lacks, and totals that no longer add up.
	r := Match(matchSet(t, map[string]func(string) string{"ceb621-inventory.xml": replace("<ceb:gnum>2</ceb:gnum>", "<ceb:gnum>3</ceb:gnum>")}))
	var checks []string
	for _, m := range r.Mismatches {
		checks = append(checks, m.Check)
	}
	want := []string{"goods line 2 of the order is not in the inventory", "goods line 3 of the inventory is not in the order"}
	if !reflect.DeepEqual(checks, want) {
		t.Fatalf("checks %q, want %q", checks, want)
	}
	// Amounts compare as numbers: 545.50000 is 545.5.
	if r := Match(matchSet(t, map[string]func(string) string{"ceb411-payment.xml": replace("<ceb:amountPaid>545.5<", "<ceb:amountPaid>545.50000<")})); !r.Matched() {
		t.Fatalf("545.50000 vs 545.5: %+v", r)
	}
}
