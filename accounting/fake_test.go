package accounting_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// memStore is an in-memory accounting.Store.
type memStore struct {
	mu       sync.Mutex
	versions []accounting.TariffVersion
	entries  []accounting.Entry
	items    []accounting.ItemFact
}

var _ accounting.Store = (*memStore)(nil)

func (m *memStore) PutTariffVersion(_ context.Context, v accounting.TariffVersion) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.versions {
		if x.Version == v.Version {
			return postal.Errorf(postal.CodeConflict, "version %s exists", v.Version)
		}
	}
	v.Seq = int64(len(m.versions) + 1)
	m.versions = append(m.versions, v)
	return nil
}

func (m *memStore) TariffVersions(context.Context) ([]accounting.TariffVersion, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.versions)
	slices.Reverse(out)
	return out, nil
}

func (m *memStore) TariffVersion(_ context.Context, version string) (accounting.TariffVersion, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.versions) - 1; i >= 0; i-- {
		if version == "" || m.versions[i].Version == version {
			return m.versions[i], nil
		}
	}
	return accounting.TariffVersion{}, postal.Errorf(postal.CodeNotFound, "no version %q", version)
}

func (m *memStore) AppendEntries(_ context.Context, es []accounting.Entry) ([]accounting.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range es {
		for _, x := range m.entries {
			if x.Key == e.Key && x.Revision == e.Revision {
				return nil, postal.Errorf(postal.CodeConflict, "%s/%d posted", e.Key, e.Revision)
			}
		}
	}
	out := make([]accounting.Entry, len(es))
	for i, e := range es {
		e.Seq = int64(len(m.entries) + 1)
		e.PostedAt = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		m.entries = append(m.entries, e)
		out[i] = e
	}
	return out, nil
}

func (m *memStore) Entries(_ context.Context, f accounting.EntryFilter) ([]accounting.Entry, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []accounting.Entry{}
	for _, e := range m.entries {
		if e.Seq <= f.After || !f.From.IsZero() && e.At.Before(f.From) || !f.To.IsZero() && !e.At.Before(f.To) ||
			f.Party != "" && e.Debtor != f.Party && e.Creditor != f.Party || f.Kind != "" && e.Kind != f.Kind ||
			f.Item != "" && e.Item != f.Item || f.Key != "" && e.Key != f.Key || f.Through > 0 && e.Seq > f.Through {
			continue
		}
		if f.Limit > 0 && len(out) == f.Limit {
			return out, paging.EncodeCursor(out[len(out)-1].Seq), nil
		}
		out = append(out, e)
	}
	return out, "", nil
}

func (m *memStore) ItemFacts(_ context.Context, from, to time.Time) ([]accounting.ItemFact, error) {
	var out []accounting.ItemFact
	for _, it := range m.items {
		if !it.AcceptedAt.Before(from) && it.AcceptedAt.Before(to) {
			out = append(out, it)
		}
	}
	return out, nil
}

// memNetwork is a fixed network.
type memNetwork struct {
	offices  []network.Office
	services []network.Leg
}

func (n memNetwork) Offices(context.Context) ([]network.Office, error) { return n.offices, nil }
func (n memNetwork) Services(context.Context) ([]network.Leg, error)   { return n.services, nil }

var admin = auth.Principal{KeyID: "test", Role: auth.RoleAdmin}

// testNetwork: Xiamen → Amsterdam by air (MF811), Amsterdam → Warsaw by
// road, daily; a Liège warehouse with no services.
func testNetwork() memNetwork {
	return memNetwork{
		offices: []network.Office{
			{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.544, Lon: 118.1277, TZ: "Asia/Shanghai", ConnectMin: 150, Customs: true},
			{Code: "NLAMSA", Name: "Amsterdam", Country: "NL", Kind: network.KindOE, Lat: 52.3105, Lon: 4.7683, TZ: "Europe/Amsterdam", ConnectMin: 120, Customs: true},
			{Code: "PLWAWA", Name: "Warszawa", Country: "PL", Kind: network.KindOE, Lat: 52.1657, Lon: 20.9671, TZ: "Europe/Warsaw", ConnectMin: 120, Customs: true},
			{Code: "BELGGW", Name: "Liege warehouse", Country: "BE", Kind: network.KindWarehouse, Lat: 50.6461, Lon: 5.4653, TZ: "Europe/Brussels", ConnectMin: 120, Customs: true},
		},
		services: []network.Leg{
			{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: network.ModeAir, Carrier: "Xiamen Airlines", Days: mustDays("1234567"), Departs: 23*60 + 30, DurationMin: 780, CutoffMin: 240, CapacityKg: 4000, CostPerKg: 5.85},
			{ID: "RD-AMS-WAW-1", From: "NLAMSA", To: "PLWAWA", Mode: network.ModeRoad, Carrier: "PostNL Road", Days: mustDays("1234567"), Departs: 12 * 60, DurationMin: 900, CutoffMin: 60, CapacityKg: 20000, CostPerKg: 0.4},
		},
	}
}

func mustDays(s string) civil.Weekdays {
	d, err := civil.ParseWeekdays(s)
	if err != nil {
		panic(err)
	}
	return d
}

const (
	tManifest = "version: \"t.1\"\n"
	tGroups   = "country,group,valid_from,valid_to\nPL,target-2,2026-01-01,\nDE,target-1,2026-01-01,\n"
	tZones    = "country,zone,valid_from,valid_to\nPL,Z3,,\nDE,Z3,,\nBE,Z3,,\n"
	tDues     = "dest,format,per_item,per_kg,registered_per_item,currency,valid_from,valid_to\n" +
		"target-2,E,0.735,4.520,0.950,XDR,2026-01-01,2026-12-31\ntarget-2,E,0.772,4.746,0.980,XDR,2027-01-01,\n"
	tLand       = "dest,per_item,per_kg,currency,valid_from,valid_to\ntarget-2,7.9,0.61,XDR,2026-01-01,\n"
	tEMS        = "origin,dest,per_item,per_kg,currency,valid_from,valid_to\nCN,target-2,10.4,1.72,XDR,2026-01-01,\n"
	tTransit    = "post,class,per_item,per_kg,currency,valid_from,valid_to\nNL,*,0.040,0.520,XDR,2026-01-01,\n"
	tConveyance = "service,basis,rate,currency,valid_from,valid_to\nMF811,kg,5.55,USD,2026-01-01,\nmode:road,kg_km,0.00021,USD,2026-01-01,\n"
	tPrices     = "merchant,product,zone,up_to_g,step_g,per_item,per_kg,currency,valid_from,valid_to\n" +
		"*,e-packet,Z3,2000,10,22.00,88.00,CNY,2026-01-01,\n*,registered-small-packet,Z3,2000,10,24.00,85.00,CNY,2026-01-01,\n" +
		"*,parcel,Z3,5000,500,150,64,CNY,2026-01-01,\n*,ems,Z3,30000,500,140,80,CNY,2026-01-01,\n"
	tSurcharges = "code,name,basis,amount,currency,products,countries,postcodes,when,valid_from,valid_to\n" +
		"FUEL,Fuel,percent,7.0,,,,,,2026-01-01,\nDDP,DDP handling,per_item,6.00,CNY,,,,ddp,2026-01-01,\nINSURANCE,Insurance fee,per_100_sdr,8.00,CNY,,,,insured,2026-01-01,\n"
	tHandling = "office,product,per_item,per_kg,currency,valid_from,valid_to\n*,*,2.80,1.20,CNY,2026-01-01,\n"
)

func testTariff() map[string][]byte {
	return map[string][]byte{
		accounting.ManifestFile: []byte(tManifest), accounting.GroupsFile: []byte(tGroups), accounting.ZonesFile: []byte(tZones),
		accounting.DuesFile: []byte(tDues), accounting.LandRatesFile: []byte(tLand), accounting.EMSFile: []byte(tEMS),
		accounting.TransitFile: []byte(tTransit), accounting.ConveyanceFile: []byte(tConveyance), accounting.PricesFile: []byte(tPrices),
		accounting.SurchargesFile: []byte(tSurcharges), accounting.HandlingFile: []byte(tHandling),
	}
}

var nov16 = time.Date(2026, 11, 16, 2, 0, 0, 0, time.UTC) // 10:00 in Xiamen

func item(id, product string, g int, dest string) accounting.ItemFact {
	return accounting.ItemFact{ID: id, Merchant: "ACME", Product: postal.Product(product), Origin: "CNXMNA", Dest: dest,
		Postcode: "00-850", WeightG: g, DimsMM: [3]int{250, 180, 60}, AcceptedAt: nov16}
}

// newService returns a service over a fresh memStore holding items and
// the test tariff.
func newService(t *testing.T, items ...accounting.ItemFact) (*accounting.Service, *memStore) {
	t.Helper()
	st := &memStore{items: items}
	svc := &accounting.Service{Store: st, Network: testNetwork(), Country: "CN", Rates: postal.DefaultRates(),
		Now: func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) }}
	if _, err := svc.ImportTariff(context.Background(), admin, testTariff(), ""); err != nil {
		t.Fatal(err)
	}
	return svc, st
}
