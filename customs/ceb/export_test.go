package ceb

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
)

func demoExport(hs string) *customs.Declaration {
	return &customs.Declaration{ID: "LX20261207001CN", Stream: customs.StreamEcommerce, Direction: customs.Export,
		Office: "CNSHAA", Category: "sale_of_goods", Currency: "CNY", GrossWeightG: 350,
		Sender:    customs.Party{Name: "Hangzhou Silk Co", City: "Hangzhou", Country: "CN"},
		Addressee: customs.Party{Name: "Anna Becker", Address: "Torstr. 1", City: "Berlin", Postcode: "10119", Country: "DE"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "EX-10001", Model: customs.ModelB2C},
		Lines:     []customs.Line{{Description: "Silk scarf", Quantity: 2, NetWeightG: 300, Value: "380.00", HSCode: hs, OriginCountry: "CN"}}}
}

func TestExportMessages(t *testing.T) {
	wb, inv, err := ExportFromDeclaration(demoExport("621410"), demoProfile, postal.DefaultRates(), demoTime)
	if err != nil {
		t.Fatalf("%v", problemStrings(err))
	}
	sum := NewSummaryApply("SUM-202612-1", demoProfile, demoProfile.Platforms["tmall-global"], []string{"22442026E000000001", "22442026E000000002"},
		demoTime.AddDate(0, -1, 0), demoTime, demoTime)
	for _, m := range []*Message{wb, inv, sum, NewArrival("LX20261207001CN", demoProfile, demoTime), NewDeparture("LX20261207001CN", demoProfile, demoTime)} {
		if ps := m.ValidateUnsigned(); len(ps) > 0 {
			t.Errorf("%s: %v", m.Type(), ps)
		}
		b, err := Marshal(m, EncodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeUnsigned(b)
		if err != nil {
			t.Fatalf("%s: %v", m.Type(), err)
		}
		if back.GUID() != m.GUID() {
			t.Errorf("%s: guid %s after a round trip", m.Type(), back.GUID())
		}
	}
	if got := wb.Root.Get("Logistics/grossWeight"); got != "0.350" {
		t.Errorf("grossWeight %s", got)
	}
	h := inv.Root.Child("Inventory").Child("InventoryHead")
	l := inv.Root.Child("Inventory").Child("InventoryList")
	if h.Get("ieFlag") != "E" || h.Get("tradeMode") != "9610" || h.Get("country") != "304" || h.Get("ieDate") != date(demoTime) ||
		l.Get("gcode") != "6214000000" || l.Get("totalPrice") != "380.00" || l.Get("price") != "190" {
		t.Errorf("head %s %s %s, line %s %s %s", h.Get("ieFlag"), h.Get("tradeMode"), h.Get("country"), l.Get("gcode"), l.Get("totalPrice"), l.Get("price"))
	}
	again, _, _ := ExportFromDeclaration(demoExport("621410"), demoProfile, postal.DefaultRates(), demoTime.Add(1))
	if again.GUID() != wb.GUID() {
		t.Error("guid not stable")
	}

	// Without a declaring profile only the waybill; a bad destination and HS code by field.
	p := demoProfile
	p.Declares = false
	if _, inv, err := ExportFromDeclaration(demoExport("6"), p, postal.DefaultRates(), demoTime); err != nil || inv != nil {
		t.Errorf("non-declaring: %v %v", inv, err)
	}
	d := demoExport("62")
	d.Addressee.Country = "ZZ"
	_, _, err = ExportFromDeclaration(d, demoProfile, postal.DefaultRates(), demoTime)
	got := strings.Join(problemStrings(err), "\n")
	for _, want := range []string{"addressee.country: \"ZZ\" has no JGS-20", "lines[0].hs_code: \"62\": CEB603 needs"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in %s", want, got)
		}
	}
	if _, _, err := ExportFromDeclaration(demoDeclaration("3304100010"), demoProfile, postal.DefaultRates(), demoTime); err == nil {
		t.Error("an import made export messages")
	}
}
