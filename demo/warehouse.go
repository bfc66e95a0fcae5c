package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

var ambient = []warehouse.Zone{
	{Code: "A", Name: "Fast movers", Kind: warehouse.ZoneAmbient, Bins: 120},
	{Code: "B", Name: "Bulk racking", Kind: warehouse.ZoneAmbient, Bins: 240},
	{Code: "V", Name: "High-value cage", Kind: warehouse.ZoneHighValue, Bins: 20},
	{Code: "D", Name: "Dangerous goods (lithium batteries)", Kind: warehouse.ZoneDangerous, Bins: 12},
}

// Warehouses of the demo world: three overseas warehouses in the EU and two
// border warehouses for Central Asia (Khorgos on the Chinese side of the
// China–Kazakhstan border, Almaty beyond it). Delivery days are typical
// postal last-mile times from each.
var Warehouses = []warehouse.Warehouse{
	{Code: "BELGGW", Kind: warehouse.KindOverseas, Address: warehouse.Address{Address: "Rue de l'Aeroport 101", City: "Grace-Hollogne", Postcode: "4460"},
		Serves: []warehouse.Coverage{{Country: "BE", Days: 1}, {Country: "NL", Days: 1}, {Country: "LU", Days: 1}, {Country: "FR", Days: 2},
			{Country: "DE", Days: 2}, {Country: "GB", Days: 3}, {Country: "ES", Days: 3}, {Country: "IT", Days: 3}}, Zones: ambient},
	{Code: "PLWAWW", Kind: warehouse.KindOverseas, Address: warehouse.Address{Address: "ul. Wirazowa 35", City: "Warszawa", Postcode: "02-158"},
		Serves: []warehouse.Coverage{{Country: "PL", Days: 1}, {Country: "DE", Days: 2}, {Country: "CZ", Days: 2}, {Country: "SK", Days: 2},
			{Country: "LT", Days: 2}, {Country: "LV", Days: 3}, {Country: "EE", Days: 3}}, Zones: ambient[:3]},
	{Code: "HUBUDW", Kind: warehouse.KindOverseas, Address: warehouse.Address{Address: "Fo ut 244", City: "Vecses", Postcode: "2220"},
		Serves: []warehouse.Coverage{{Country: "HU", Days: 1}, {Country: "AT", Days: 2}, {Country: "SK", Days: 2}, {Country: "RO", Days: 2},
			{Country: "HR", Days: 2}, {Country: "SI", Days: 2}, {Country: "CZ", Days: 2}, {Country: "RS", Days: 3}}, Zones: ambient},
	{Code: "CNHGSW", Kind: warehouse.KindBorder, Address: warehouse.Address{Address: "ICBC Free Trade Zone, Building 7", City: "Khorgos", Postcode: "835221"},
		Serves: []warehouse.Coverage{{Country: "KZ", Days: 3}, {Country: "KG", Days: 4}, {Country: "UZ", Days: 4}, {Country: "TJ", Days: 5}}, Zones: ambient},
	{Code: "KZALAW", Kind: warehouse.KindBorder, Address: warehouse.Address{Address: "Ilyinka Logistics Park 12", City: "Almaty", Postcode: "050000"},
		Serves: []warehouse.Coverage{{Country: "KZ", Days: 2}, {Country: "KG", Days: 2}, {Country: "UZ", Days: 3}}, Zones: ambient[:3]},
}

func sku(code, desc, hs string, g int, value, cur string, dg bool) warehouse.SKU {
	return warehouse.SKU{Code: code, Description: desc, HSCode: hs, UnitWeightG: g, UnitValue: value, Currency: cur, OriginCountry: "CN", DangerousGoods: dg}
}

// SKUs of the demo merchants.
var SKUs = map[string][]warehouse.SKU{
	"XMTEA": {
		sku("TEA-OOLONG-100", "Oolong tea, 100 g tin", "090230", 140, "8.50", "USD", false),
		sku("TEA-JASMINE-250", "Jasmine green tea, 250 g bag", "090220", 270, "12.00", "USD", false),
		sku("TEA-SET-GAIWAN", "Porcelain gaiwan tea set", "691200", 900, "34.00", "USD", false),
	},
	"SZGADGET": {
		sku("PB-10000", "Power bank 10000 mAh with lithium-ion cells", "850760", 250, "19.90", "USD", true),
		sku("EARBUDS-TWS", "Wireless earbuds with charging case", "851830", 80, "24.50", "USD", true),
		sku("CABLE-USBC-2M", "USB-C charging cable, 2 m", "854442", 60, "3.90", "USD", false),
	},
	"YIWUCRAFT": {
		sku("KITE-DRAGON", "Nylon dragon kite", "950300", 300, "6.00", "USD", false),
		sku("LANTERN-PAPER", "Paper lantern, set of 5", "482390", 200, "4.50", "USD", false),
	},
	"HZSILK": {
		sku("SILK-SCARF-90", "Mulberry silk scarf, 90 cm", "621410", 60, "280.00", "CNY", false),
		sku("SILK-PILLOW", "Mulberry silk pillowcase", "630231", 120, "360.00", "CNY", false),
	},
	"GZFASHION": {
		sku("TSHIRT-COTTON-M", "Cotton T-shirt, size M", "610910", 180, "5.20", "USD", false),
		sku("JEANS-DENIM-32", "Denim jeans, waist 32", "620342", 650, "14.00", "USD", false),
	},
}

// stocked says which merchant stocks which warehouse.
var stocked = map[string][]string{
	"XMTEA":     {"BELGGW", "PLWAWW", "KZALAW"},
	"SZGADGET":  {"BELGGW", "HUBUDW", "CNHGSW"},
	"YIWUCRAFT": {"PLWAWW", "HUBUDW"},
	"HZSILK":    {"BELGGW"},
	"GZFASHION": {"PLWAWW", "KZALAW", "CNHGSW"},
}

// buyers has a plausible address per country the demo warehouses serve.
var buyers = map[string]acceptance.Party{
	"BE": {Name: "Lotte Peeters", Address: "Rue Neuve 12", City: "Bruxelles", Postcode: "1000", Country: "BE"},
	"NL": {Name: "Daan de Vries", Address: "Damrak 70", City: "Amsterdam", Postcode: "1012 LM", Country: "NL"},
	"LU": {Name: "Lea Schmit", Address: "Grand-Rue 5", City: "Luxembourg", Postcode: "1660", Country: "LU"},
	"FR": {Name: "Camille Martin", Address: "12 rue de Rivoli", City: "Paris", Postcode: "75004", Country: "FR"},
	"DE": {Name: "Jonas Weber", Address: "Torstrasse 110", City: "Berlin", Postcode: "10119", Country: "DE"},
	"GB": {Name: "Olivia Smith", Address: "221 Baker Street", City: "London", Postcode: "NW1 6XE", Country: "GB"},
	"ES": {Name: "Lucia Garcia", Address: "Calle Mayor 3", City: "Madrid", Postcode: "28013", Country: "ES"},
	"IT": {Name: "Giulia Rossi", Address: "Via Roma 15", City: "Milano", Postcode: "20121", Country: "IT"},
	"PL": {Name: "Anna Nowak", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"},
	"CZ": {Name: "Tereza Novakova", Address: "Narodni 20", City: "Praha", Postcode: "110 00", Country: "CZ"},
	"SK": {Name: "Jana Horvathova", Address: "Obchodna 8", City: "Bratislava", Postcode: "811 06", Country: "SK"},
	"LT": {Name: "Ieva Kazlauskiene", Address: "Gedimino pr. 9", City: "Vilnius", Postcode: "01103", Country: "LT"},
	"LV": {Name: "Anna Berzina", Address: "Brivibas iela 30", City: "Riga", Postcode: "LV-1050", Country: "LV"},
	"EE": {Name: "Mari Tamm", Address: "Viru 4", City: "Tallinn", Postcode: "10111", Country: "EE"},
	"HU": {Name: "Eszter Nagy", Address: "Andrassy ut 22", City: "Budapest", Postcode: "1061", Country: "HU"},
	"AT": {Name: "Lena Gruber", Address: "Mariahilfer Strasse 50", City: "Wien", Postcode: "1070", Country: "AT"},
	"RO": {Name: "Maria Popescu", Address: "Calea Victoriei 45", City: "Bucuresti", Postcode: "010063", Country: "RO"},
	"HR": {Name: "Ana Horvat", Address: "Ilica 10", City: "Zagreb", Postcode: "10000", Country: "HR"},
	"SI": {Name: "Nina Novak", Address: "Copova ulica 3", City: "Ljubljana", Postcode: "1000", Country: "SI"},
	"RS": {Name: "Milica Jovanovic", Address: "Knez Mihailova 6", City: "Beograd", Postcode: "11000", Country: "RS"},
	"KZ": {Name: "Aigerim Nurlanova", Address: "Abay Ave 44", City: "Almaty", Postcode: "050000", Country: "KZ"},
	"KG": {Name: "Aibek Usenov", Address: "Chui Ave 120", City: "Bishkek", Postcode: "720040", Country: "KG"},
	"UZ": {Name: "Dilnoza Karimova", Address: "Amir Temur St 15", City: "Tashkent", Postcode: "100000", Country: "UZ"},
	"TJ": {Name: "Firuza Rahimova", Address: "Rudaki Ave 37", City: "Dushanbe", Postcode: "734025", Country: "TJ"},
}

// WarehouseResult says what SeedWarehouses made.
type WarehouseResult struct {
	Warehouses, SKUs, Inbounds, Orders, OrdersReplayed, Packed int
	SampleOrder                                                string
}

// SeedWarehouses configures the demo warehouses and SKUs, books, clears and
// receives one inbound per merchant and warehouse nine weeks before now,
// then places orders over the last eight weeks (some refused when stock
// runs out, as in life) and picks and packs a batch at each warehouse. It
// is idempotent: inbounds carry a reference and orders an Idempotency-Key.
func SeedWarehouses(ctx context.Context, svc *warehouse.Service, now time.Time, orders int, progress func(done, all int)) (WarehouseResult, error) {
	var res WarehouseResult
	admin := auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}
	// Ids follow from "now", so two seeds at the same moment make the
	// same world (pick lists list parcels in id order).
	ids := warehouse.SeededIDs(uint64(now.Unix()))
	at := func(t time.Time) *warehouse.Service {
		c := *svc
		c.IDs = ids
		c.Now = func() time.Time { return t }
		// Packing creates postal items through acceptance: they are
		// accepted at the same moment, not at the machine's clock.
		if items, ok := c.Items.(*acceptance.Service); ok {
			clocked := *items
			clocked.Now = c.Now
			c.Items = &clocked
		}
		return &c
	}
	for _, w := range Warehouses {
		if _, err := at(now.AddDate(0, 0, -70)).PutWarehouse(ctx, admin, w); err != nil {
			return res, fmt.Errorf("demo warehouse %s: %w", w.Code, err)
		}
		res.Warehouses++
	}
	for _, m := range sortedMerchants() {
		if _, err := at(now.AddDate(0, 0, -70)).PutSKUs(ctx, admin, m, SKUs[m]); err != nil {
			return res, fmt.Errorf("demo SKUs of %s: %w", m, err)
		}
		res.SKUs += len(SKUs[m])
	}
	rng := rand.New(rand.NewPCG(2026, 8))
	k := 0
	for _, m := range sortedMerchants() {
		for _, wh := range stocked[m] {
			created, err := seedInbound(ctx, at, admin, rng, m, wh, k, now)
			k++
			if err != nil {
				return res, err
			}
			if created {
				res.Inbounds++
			}
		}
	}
	// Orders of the first seven weeks are picked and packed; the last
	// week's wait in the warehouses, reserved.
	recent := orders / 8
	placed, err := seedOrders(ctx, at, admin, rng, now, 0, orders-recent, orders, &res, progress)
	if err != nil {
		return res, err
	}
	if placed > 0 {
		if err := seedFulfilment(ctx, at, admin, now.AddDate(0, 0, -7), &res); err != nil {
			return res, err
		}
	}
	_, err = seedOrders(ctx, at, admin, rng, now, orders-recent, orders, orders, &res, progress)
	return res, err
}

// seedFulfilment picks and packs every reserved parcel, as of t.
func seedFulfilment(ctx context.Context, at func(time.Time) *warehouse.Service, who auth.Principal, t time.Time, res *WarehouseResult) error {
	for _, w := range Warehouses {
		for {
			pl, err := at(t).CreatePickList(ctx, who, w.Code, 100)
			if errors.Is(err, warehouse.ErrNothingToPick) {
				break
			}
			if err != nil {
				return fmt.Errorf("demo pick list at %s: %w", w.Code, err)
			}
			done := map[string]bool{}
			for _, l := range pl.Lines {
				key := fmt.Sprintf("%s/%d", l.Order, l.Parcel)
				if done[key] {
					continue
				}
				done[key] = true
				if _, _, err := at(t).Pack(ctx, who, l.Order, l.Parcel, warehouse.PackRequest{}); err != nil {
					return fmt.Errorf("demo pack %s: %w", key, err)
				}
				res.Packed++
				if res.SampleOrder == "" {
					res.SampleOrder = l.Order
				}
			}
		}
	}
	return nil
}

func sortedMerchants() []string {
	out := make([]string, 0, len(SKUs))
	for m := range SKUs {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// seedInbound books, clears and receives the k-th inbound; false when a
// previous run did. Receipts vary as real ones do: most as advised, some
// short, some with damaged units, one with a few over.
func seedInbound(ctx context.Context, at func(time.Time) *warehouse.Service, who auth.Principal, rng *rand.Rand, m, wh string, k int, now time.Time) (bool, error) {
	ref := "DEMO-" + m + "-" + wh
	var lines []warehouse.SKULine
	var counted []warehouse.ReceiptLine
	for i, sku := range SKUs[m] {
		q := 40 + 20*rng.IntN(8)
		lines = append(lines, warehouse.SKULine{SKU: sku.Code, Quantity: q})
		l := warehouse.ReceiptLine{SKU: sku.Code, Counted: q}
		switch {
		case i == 0 && k%5 == 0: // a little damage in transit, reported to the merchant
			l.Counted, l.Damaged = q-3, 2
		case i == 0 && k%5 == 3: // a carton short
			l.Counted = q - 12
		case i == 1 && k%5 == 4: // a few units over, and one damaged
			l.Counted, l.Damaged = q+4, 1
		}
		counted = append(counted, l)
	}
	in, err := at(now.AddDate(0, 0, -63)).BookInbound(ctx, who, warehouse.InboundRequest{Merchant: m, Warehouse: wh, Reference: ref, Priority: warehouse.PriorityCost,
		Packages: []warehouse.Package{{Ref: "PALLET-1", Kind: "pallet", Lines: lines}}})
	if postal.ErrorCode(err) == postal.CodeConflict {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo inbound %s: %w", ref, err)
	}
	if in.CustomsRequired {
		if _, err := at(now.AddDate(0, 0, -57)).RecordClearance(ctx, auth.Principal{KeyID: "demo", Role: auth.RoleCustoms}, in.ID,
			warehouse.Clearance{Decision: "released", Reference: "IM-" + in.ID[4:]}); err != nil {
			return false, fmt.Errorf("demo clearance %s: %w", ref, err)
		}
	}
	if _, err := at(now.AddDate(0, 0, -56)).Receive(ctx, who, in.ID, warehouse.ReceiptRequest{Lines: counted}); err != nil {
		return false, fmt.Errorf("demo receipt %s: %w", ref, err)
	}
	return true, nil
}

// seedOrders places orders from..to-1 of n spread over the last eight weeks.
func seedOrders(ctx context.Context, at func(time.Time) *warehouse.Service, who auth.Principal, rng *rand.Rand, now time.Time, from, to, n int, res *WarehouseResult, progress func(done, all int)) (int, error) {
	countries := map[string][]string{}
	for m, whs := range stocked {
		for _, w := range Warehouses {
			if slices.Contains(whs, w.Code) {
				for _, c := range w.Serves {
					if !slices.Contains(countries[m], c.Country) {
						countries[m] = append(countries[m], c.Country)
					}
				}
			}
		}
		slices.Sort(countries[m])
	}
	merchants := sortedMerchants()
	start := now.AddDate(0, 0, -56)
	step := 56 * 24 * time.Hour / time.Duration(max(n, 1))
	placed := 0
	for i := from; i < to; i++ {
		m := merchants[rng.IntN(len(merchants))]
		buyer := buyers[countries[m][rng.IntN(len(countries[m]))]]
		var lines []warehouse.SKULine
		for j, k := range SKUs[m] {
			if j == 0 || rng.IntN(3) == 0 {
				lines = append(lines, warehouse.SKULine{SKU: k.Code, Quantity: 1 + rng.IntN(3)})
			}
		}
		level := []warehouse.ServiceLevel{warehouse.LevelStandard, warehouse.LevelStandard, warehouse.LevelEconomy, warehouse.LevelExpress}[rng.IntN(4)]
		t := start.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(step))))
		_, created, err := at(t).PlaceOrder(ctx, who, warehouse.OrderRequest{Merchant: m, MerchantOrderID: fmt.Sprintf("DEMO-%05d", i),
			Buyer: buyer, Lines: lines, ServiceLevel: level}, fmt.Sprintf("demo-order-%d", i))
		switch {
		case errors.Is(err, warehouse.ErrInsufficientStock):
		case err != nil:
			return placed, fmt.Errorf("demo order %d: %w", i, err)
		case created:
			placed++
			res.Orders++
		default:
			res.OrdersReplayed++
		}
		if progress != nil {
			progress(i+1, n)
		}
	}
	return placed, nil
}
