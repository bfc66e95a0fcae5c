package customs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/store/sqlite"
)

// TestWhyCaught: each kind of planted risk the engine used to miss (issue
// 17, "Why") is now caught by the demo rules, with the reason the officer
// reads.
func TestWhyCaught(t *testing.T) {
	t.Parallel()
	e := demoEngine(t)
	export := func(d *customs.Declaration) {
		d.Direction, d.Office = customs.Export, "CNXMNA"
		d.Sender, d.Addressee = d.Addressee, customs.Party{Name: "Anna Schmidt", Address: "Torstr. 1", City: "Berlin", Postcode: "10119", Country: "DE"}
		d.Ecommerce.Seller = customs.Party{Name: "Shanghai Pharmacy", Country: "CN"}
	}
	postalGift := func(d *customs.Declaration) {
		d.ID, d.Stream, d.Category, d.Ecommerce = "RR102345673DE", customs.StreamPostal, "gift", nil
		d.Postal = &customs.PostalInfo{Product: "small-packet"}
	}
	tests := []struct {
		name   string
		edit   func(*customs.Declaration)
		prior  risk.Prior
		rule   string
		action risk.Action
		reason string // the engine's reason, exactly
		absent string // a rule that must not fire
	}{
		{name: "tobacco", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Cigarettes, 10 cartons", Quantity: 10, NetWeightG: 2000, Value: "400.00", HSCode: "240220", OriginCountry: "DE"}
		}, rule: "RESTR-TOBACCO", action: risk.ActionPhysicalInspection,
			reason: `line 1: tobacco or nicotine product ("Cigarettes, 10 cartons"): excise goods, not allowed as e-commerce retail imports into CN and refused by many posts; count the units and check the destination's excise and postal rules`},
		{name: "medicines on export", edit: func(d *customs.Declaration) {
			export(d)
			d.Lines[0] = customs.Line{Description: "Ibuprofen tablets 400 mg", Quantity: 6, NetWeightG: 300, Value: "30.00", HSCode: "300490", OriginCountry: "CN"}
		}, rule: "RESTR-MEDICINES-EXPORT", action: risk.ActionDocumentCheck,
			reason: `line 1: medicines on export ("Ibuprofen tablets 400 mg", HS 300490): the destination usually allows only a personal-use quantity with a prescription, and some active ingredients are controlled; ask for the prescription or the importer's licence`},
		{name: "controlled drug on export", edit: func(d *customs.Declaration) {
			export(d)
			d.Lines[0] = customs.Line{Description: "Tramadol 50 mg capsules", Quantity: 3, NetWeightG: 100, Value: "20.00", HSCode: "300490", OriginCountry: "CN"}
		}, rule: "PROHIB-CONTROLLED-DRUGS", action: risk.ActionSeize,
			reason: `line 1: "Tramadol 50 mg capsules" names a narcotic, psychotropic or precursor drug (UN 1961/1971/1988 conventions): may not cross the border by post without the narcotics authority's permit, in either direction; seize and refer`},
		{name: "gift of dozens of identical garments", edit: func(d *customs.Declaration) {
			postalGift(d)
			d.Lines[0] = customs.Line{Description: "Cotton T-shirt, black, size M", Quantity: 36, NetWeightG: 6500, Value: "180.00", HSCode: "610910", OriginCountry: "DE"}
		}, rule: "GIFT-COMMERCIAL-QUANTITY", action: risk.ActionDocumentCheck,
			reason: `line 1: 36 units of "Cotton T-shirt, black, size M" declared as a gift: more than 6 of one article is a commercial quantity, not a personal gift; reclassify as sale_of_goods and assess duty`},
		{name: "above the product's value limit", edit: func(d *customs.Declaration) {
			postalGift(d)
			d.Category = "sale_of_goods"
			d.Lines[0] = customs.Line{Description: "Merino wool hiking jacket", Quantity: 1, NetWeightG: 900, Value: "420.00", HSCode: "610120", OriginCountry: "DE"}
		}, rule: "VALUE-PRODUCT-LIMIT", action: risk.ActionDocumentCheck,
			reason: `declared 3469.72 CNY is over the Small packet limit of 2922.00 CNY (300 SDR): the item needs another product (parcel or EMS) and a CN 23; check the invoice`},
		{name: "description contradicts the HS code", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Cotton T-shirts", Quantity: 3, NetWeightG: 540, Value: "36.00", HSCode: "930190", OriginCountry: "DE"}
		}, rule: "MISMATCH-HS", action: risk.ActionXray, absent: "PROHIB-WEAPONS",
			reason: `line 1: "Cotton T-shirts" reads as shirt (chapter 61, 62) but HS 930190 is chapter 93 (Military weapons; other than revolvers, pistols, and arms of…): the description and the code disagree; X-ray to see which is true and correct the code`},
		{name: "split order from the second parcel", edit: func(d *customs.Declaration) { d.Lines[0].Value = "5.00" }, prior: risk.Prior{Count: 1, ValueSDR: 4},
			rule: "SPLIT-CONSIGNMENTS", action: risk.ActionDocumentCheck,
			reason: `2 consignments to Wang Fang within 3 days total 80.27 CNY, each under the CN de minimis of 50.00 CNY: split order?`},
		{name: "counterfeit brand at a low value", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Rolex Submariner watch", Quantity: 1, NetWeightG: 150, Value: "45.00", HSCode: "910211", OriginCountry: "DE"}
		}, rule: "COUNTERFEIT-BRANDS", action: risk.ActionPhysicalInspection,
			reason: `line 1: "Rolex Submariner watch" names rolex at 371.76 CNY a piece, below the 5000.00 CNY a genuine one costs: likely counterfeit; inspect and notify the trademark holder (TRIPS art. 51)`},
		{name: "power bank alone", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Power bank 20000 mAh", Quantity: 1, NetWeightG: 400, Value: "25.00", HSCode: "850760", OriginCountry: "DE"}
		}, rule: "DG-LITHIUM-ALONE", action: risk.ActionReturnToSender,
			reason: `line 1: "Power bank 20000 mAh" is a lithium battery alone (74.0 Wh): international mail accepts lithium batteries only installed in equipment (UPU Convention art. 19, RL 131 / RC 120); return to sender`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := importDecl()
			tt.edit(&d)
			s := screen(t, e, d, tt.prior)
			var got *risk.Hit
			for i := range s.Hits {
				if s.Hits[i].Rule == tt.rule {
					got = &s.Hits[i]
				}
				if s.Hits[i].Rule == tt.absent {
					t.Errorf("%s fired: %s", tt.absent, s.Hits[i].Reason)
				}
			}
			if got == nil {
				t.Fatalf("%s did not fire; hits %v", tt.rule, s.Reasons())
			}
			if got.Reason != tt.reason {
				t.Errorf("reason\n got %s\nwant %s", got.Reason, tt.reason)
			}
			if s.Action != tt.action {
				t.Errorf("action = %s, want %s (hits %v)", s.Action, tt.action, s.Reasons())
			}
		})
	}
}

// TestSplitHoldsEarlierParcels: the first parcel of a split order, released
// on its own, is put back on hold with the reason the second one completed.
func TestSplitHoldsEarlierParcels(t *testing.T) {
	t.Parallel()
	svc := &customs.Service{Store: &fakeStore{}, Offices: fakeOffices{}, Now: func() time.Time { return t0 }}
	svc.SetRules(demoEngine(t))
	manifest := `item_id,stream,direction,office,currency,sender_name,sender_country,addressee_name,addressee_postcode,addressee_country,carrier,description,quantity,net_weight_g,value,hs_code,origin_country
1Z999AA10123456784,express,import,CNSHAA,USD,Acme Inc,US,Zhang Wei,200120,CN,UPS,Sports socks,1,150,4.00,611595,VN
1Z999AA10123456785,express,import,CNSHAA,USD,Acme Inc,US,Li Lei,100022,CN,UPS,Sports socks,1,150,4.00,611595,VN
1Z999AA10123456786,express,import,CNSHAA,USD,Acme Inc,US,Zhang Wei,200120,CN,UPS,Sports socks,1,150,4.00,611595,VN
`
	rep, err := svc.ImportManifest(context.Background(), auth.Principal{Role: auth.RoleAdmin}, strings.NewReader(manifest), customs.ImportOptions{Format: customs.FormatCSV, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]customs.Flagged{}
	for _, f := range rep.Flagged {
		flagged[f.ItemID] = f
	}
	first, second := flagged["1Z999AA10123456784"], flagged["1Z999AA10123456786"]
	if _, other := flagged["1Z999AA10123456785"]; other || len(first.Reasons) != 1 || len(second.Reasons) != 1 {
		t.Fatalf("flagged = %+v, want the two parcels to Zhang Wei", rep.Flagged)
	}
	if first.Reasons[0] != second.Reasons[0] || !strings.Contains(first.Reasons[0], "2 consignments to Zhang Wei") || first.Action != risk.ActionDocumentCheck {
		t.Errorf("first parcel %+v, second %+v: want the same split reason on both", first, second)
	}
}

type fakeStore struct{ customs.Store }

func (fakeStore) ImportItems(ctx context.Context, fn func(customs.ImportTx) error) error {
	return fn(fakeTx{})
}

type fakeTx struct{}

func (fakeTx) Priors(context.Context, []string, time.Time) (map[string]risk.Prior, error) {
	return map[string]risk.Prior{}, nil
}
func (fakeTx) InsertItems(context.Context, []customs.Item) ([]int, error) { return nil, nil }
func (fakeTx) PutManifest(context.Context, customs.Manifest) error        { return nil }
func (fakeTx) OpenPriors(context.Context, []string, time.Time) ([]customs.Item, error) {
	return nil, nil
}
func (fakeTx) Rescreen(context.Context, []customs.Update) error { return nil }

type fakeOffices struct{}

func (fakeOffices) Office(_ context.Context, code string) (network.Office, error) {
	return network.Office{Code: code, Name: "Shanghai IMPC", Country: "CN", Customs: true}, nil
}
func (f fakeOffices) Offices(ctx context.Context) ([]network.Office, error) {
	o, _ := f.Office(ctx, "CNSHAA")
	x, _ := f.Office(ctx, "CNXMNA")
	return []network.Office{o, x}, nil
}

// TestSplitRescreensStoredParcels: a parcel declared earlier and still
// waiting in the queue gets the split hit when a later import completes
// the split order; a released one stays released.
func TestSplitRescreensStoredParcels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := &customs.Service{Store: st, Offices: fakeOffices{}, Now: func() time.Time { return t0 }}
	svc.SetRules(demoEngine(t))
	admin := auth.Principal{Role: auth.RoleAdmin}
	header := "item_id,stream,direction,office,currency,sender_name,sender_country,addressee_name,addressee_postcode,addressee_country,carrier,description,quantity,net_weight_g,value,hs_code,origin_country\n"
	first := header + "1Z999AA10123456784,express,import,CNSHAA,USD,Acme Inc,US,Zhang Wei,200120,CN,UPS,Hair spray 250 ml,1,280,4.00,330530,US\n"
	if _, err := svc.ImportManifest(ctx, admin, strings.NewReader(first), customs.ImportOptions{Format: customs.FormatCSV}); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return t0.Add(time.Hour) }
	second := header + "1Z999AA10123456786,express,import,CNSHAA,USD,Acme Inc,US,Zhang Wei,200120,CN,UPS,Sports socks,1,150,4.00,611595,VN\n"
	rep, err := svc.ImportManifest(ctx, admin, strings.NewReader(second), customs.ImportOptions{Format: customs.FormatCSV})
	if err != nil || len(rep.Flagged) != 1 {
		t.Fatalf("second parcel: %+v, %v", rep, err)
	}
	it, err := st.Item(ctx, "1Z999AA10123456784")
	if err != nil {
		t.Fatal(err)
	}
	h, ok := risk.SplitHit(it.Screening)
	if !ok || h.Reason != rep.Flagged[0].Reasons[0] || it.Status != customs.StatusPending || it.Version != 2 {
		t.Fatalf("first parcel after the second: status %s version %d hits %v; want the split reason %q", it.Status, it.Version, it.Screening.Reasons(), rep.Flagged[0].Reasons)
	}
}
