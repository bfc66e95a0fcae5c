package ceb

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
)

var demoProfile = Profile{
	Transfer: demoTransfer, LogisticsCode: "1101980001", LogisticsName: "示例邮政跨境物流有限公司",
	CustomsCode: "2244", PortCode: "2244", Declares: true, AgentCode: "1101980001", AgentName: "示例邮政跨境物流有限公司",
	TrafNo: "LH728", VoyageNo: "LH728", BillNo: "020-12345675",
	Platforms: map[string]Platform{"tmall-global": {EbpCode: "1101980002", EbpName: "示例全球购平台", EbcCode: "1101980004", EbcName: "Berlin Beauty GmbH"}},
}

func demoDeclaration(hs string) *customs.Declaration {
	return &customs.Declaration{ID: "TG20261123001", Stream: customs.StreamEcommerce, Direction: customs.Import,
		Office: "CNSHAA", Category: "sale_of_goods", Currency: "EUR",
		Addressee: customs.Party{Name: "Liu Yang", Address: "66 Shaanxi North Rd", City: "Shanghai", Postcode: "200040", Country: "CN"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "TG-881201", Model: customs.ModelB2C},
		Lines:     []customs.Line{{Description: "Lip balm, vanilla", Quantity: 2, NetWeightG: 40, Value: "12.00", HSCode: hs, OriginCountry: "DE"}}}
}

func TestFromDeclaration(t *testing.T) {
	buyer := Buyer{IDNumber: "310101199001011234", Telephone: "13900000000"}
	wb, inv, err := FromDeclaration(demoDeclaration("3304100010"), demoProfile, buyer, postal.DefaultRates(), demoTime)
	if err != nil {
		t.Fatal(err)
	}
	w := wb.Waybills()[0]
	if w.LogisticsNo != "TG20261123001" || w.OrderNo != "TG-881201" || w.Weight != "0.040" || w.ConsigneeTelephone != "13900000000" ||
		w.ConsigneeAddress != "66 Shaanxi North Rd, Shanghai, 200040" {
		t.Fatalf("%+v", w)
	}
	v := inv.Inventories()[0]
	// 12.00 EUR at 1.1790 EUR and 9.7400 CNY per SDR.
	if l := v.Lines[0]; l.TotalPrice != "99.13" || l.Price != "49.565" || l.Country != "304" || v.EbcName != "Berlin Beauty GmbH" {
		t.Fatalf("%+v", v)
	}
	again, _, _ := FromDeclaration(demoDeclaration("3304100010"), demoProfile, buyer, postal.DefaultRates(), demoTime)
	if again.GUID() != wb.GUID() {
		t.Fatal("guid not stable")
	}
	if _, err := Marshal(inv, EncodeOptions{}); err != nil {
		t.Fatal(err)
	}

	// The demo manifest declares 6-digit HS codes and no phones: refused by field.
	_, _, err = FromDeclaration(demoDeclaration("330410"), demoProfile, Buyer{}, postal.DefaultRates(), demoTime)
	for _, want := range []string{"lines[0].hs_code: \"330410\": CEB621 needs the 10-digit", "buyer.consignee_telephone: missing", "buyer.id_number: missing"} {
		if err == nil || !strings.Contains(err.Error()+strings.Join(problemStrings(err), "\n"), want) {
			t.Errorf("want %q in %v", want, problemStrings(err))
		}
	}
}

func problemStrings(err error) []string {
	ps, _ := err.(Problems)
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
