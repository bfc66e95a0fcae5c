package warehouse

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

func fields(err error) []string {
	var out []string
	for _, f := range postal.Fields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestWarehouseValidate(t *testing.T) {
	ok := Warehouse{Code: "BELGGW", Kind: KindOverseas, Address: Address{Address: "Rue 1", City: "Liege"},
		Serves: []Coverage{{Country: "BE", Days: 1}}, Zones: []Zone{{Code: "A", Kind: ZoneAmbient, Bins: 10}}}
	if err := ok.Validate("CN"); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.Kind = "moon"
	bad.Serves = []Coverage{{Country: "XX", Days: 1}, {Country: "CN", Days: 0}, {Country: "BE", Days: 2}, {Country: "BE", Days: 2}}
	bad.Zones = []Zone{{Code: "a", Kind: "cold", Bins: 0}, {Code: "B", Kind: ZoneAmbient, Bins: 1000}}
	want := "kind serves[0].country serves[1].country serves[1].days serves[3].country zones[0].code zones[0].kind zones[0].bins zones[1].bins"
	if got := strings.Join(fields(bad.Validate("CN")), " "); got != want {
		t.Errorf("fields\n got %s\nwant %s", got, want)
	}
	if z, ok := ok.ZoneOf("A-010"); !ok || z.Code != "A" {
		t.Errorf("ZoneOf(A-010) = %v %v", z, ok)
	}
	for _, b := range []string{"A-011", "A-000", "B-001", "A-1", "A001"} {
		if _, ok := ok.ZoneOf(b); ok {
			t.Errorf("ZoneOf(%s) accepted", b)
		}
	}
}

func TestValidateOrder(t *testing.T) {
	buyer := acceptance.Party{Name: "Anna", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"}
	if err := validateOrder(OrderRequest{MerchantOrderID: "S-1", Buyer: buyer, Lines: []SKULine{{"A", 1}}}); err != nil {
		t.Fatal(err)
	}
	// What acceptance would refuse at packing is refused with the order.
	buyer.Postcode, buyer.Name = "1234", "محمد"
	err := validateOrder(OrderRequest{MerchantOrderID: "S-1", Buyer: buyer, Lines: []SKULine{{"A", 1}}})
	if got := strings.Join(fields(err), " "); got != "buyer.postcode buyer.name" {
		t.Errorf("fields %s (%v)", got, err)
	}
	err = validateOrder(OrderRequest{Buyer: acceptance.Party{Country: "XX"}, ServiceLevel: "teleport",
		Lines: []SKULine{{"A", -1}, {"A", 1}, {"bad sku!", 0}}})
	want := "merchant_order_id buyer.name buyer.address buyer.city buyer.country service_level lines[0].quantity lines[1].sku lines[2].sku lines[2].quantity"
	if postal.ErrorCode(err) != postal.CodeInvalid || strings.Join(fields(err), " ") != want {
		t.Errorf("fields\n got %s\nwant %s", strings.Join(fields(err), " "), want)
	}
}

func TestReadSKUs(t *testing.T) {
	good := "sku,description,hs_code,unit_weight_g,unit_value,currency,origin_country,dangerous_goods\n" +
		"TEA-1,Oolong tea 100 g tin,0902.30,120,8.5,USD,CN,no\n" +
		"PB-1,Power bank 10000 mAh,850760,250,19.90,EUR,CN,yes\n"
	skus, err := ReadSKUs(strings.NewReader(good), "ACME", postal.DefaultRates())
	if err != nil || len(skus) != 2 || skus[0].HSCode != "090230" || skus[0].UnitValue != "8.50" || !skus[1].DangerousGoods || skus[1].Merchant != "ACME" {
		t.Fatalf("ReadSKUs = %+v, %v", skus, err)
	}
	var b strings.Builder
	if err := WriteSKUs(&b, skus); err != nil {
		t.Fatal(err)
	}
	again, err := ReadSKUs(strings.NewReader(b.String()), "ACME", postal.DefaultRates())
	if err != nil || len(again) != 2 || again[1] != skus[1] {
		t.Errorf("round trip = %+v, %v", again, err)
	}
	bad := "sku,description,hs_code,unit_weight_g,unit_value,currency,origin_country,dangerous_goods\n" +
		"TEA-1,goods,7701,x,-1,USD,CN,maybe\n" +
		"TEA-1,Oolong tea,090230,120,8.5,ZZZ,XX,no\n"
	_, err = ReadSKUs(strings.NewReader(bad), "ACME", postal.DefaultRates())
	want := "line 2: unit_weight_g line 2: dangerous_goods line 2: description line 2: hs_code line 2: unit_value line 3: currency line 3: origin_country line 3: sku"
	if got := strings.Join(fields(err), " "); got != want {
		t.Errorf("fields\n got %s\nwant %s", got, want)
	}
	if _, err := ReadSKUs(strings.NewReader("code,name\n"), "ACME", postal.DefaultRates()); err == nil || fields(err)[0] != "line 1" {
		t.Errorf("bad header = %v", err)
	}
}
