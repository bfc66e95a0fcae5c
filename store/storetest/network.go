package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

func testNetwork(t *testing.T, s store.Store) {
	ctx := context.Background()
	if got, err := s.Services(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Services on an empty store = %+v, %v", got, err)
	}
	offices := []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.544, Lon: 118.1277, TZ: "Asia/Shanghai", ConnectMin: 150, Customs: true, Port: true},
		{Code: "NLAMSA", Name: "Amsterdam", Country: "NL", Kind: network.KindOE, Lat: 52.3105, Lon: 4.7683, TZ: "Europe/Amsterdam", ConnectMin: 120, Customs: true},
		{Code: "PLMALA", Name: "Malaszewicze", Country: "PL", Kind: network.KindBorder, Lat: 52.0333, Lon: 23.5333, TZ: "Europe/Warsaw", ConnectMin: 240},
	}
	co2 := 95.25
	services := []network.Leg{
		{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: network.ModeAir, Carrier: "Xiamen Airlines", Days: 1 | 4 | 16 | 64,
			Departs: 23*60 + 55, DurationMin: 780, CutoffMin: 180, CapacityKg: 2500.5, CostPerKg: 5.8501},
		{ID: "X8017", From: "CNXMNA", To: "PLMALA", Mode: network.ModeRail, Carrier: "CR Express", Days: 4, Departs: 22 * 60,
			DurationMin: 17280, CutoffMin: 720, CapacityKg: 40000, CostPerKg: 1.2,
			ValidFrom: civil.Date{Year: 2026, Month: 1, Day: 1}, ValidTo: civil.Date{Year: 2026, Month: 12, Day: 31}, CO2GPerKg: &co2, DG: true},
	}
	if err := s.ReplaceNetwork(ctx, offices, services); err != nil {
		t.Fatal(err)
	}
	got, err := s.Services(ctx)
	if err != nil || !reflect.DeepEqual(got, services) {
		t.Fatalf("Services =\n%+v, %v\nwant\n%+v", got, err, services)
	}
	if o, err := s.Office(ctx, "PLMALA"); err != nil || o != offices[2] {
		t.Errorf("office stored with the network = %+v, %v", o, err)
	}
	if o, err := s.Office(ctx, "CNXMNA"); err != nil || o != offices[0] {
		t.Errorf("office with customs and port = %+v, %v, want %+v", o, err, offices[0])
	}

	// A second import replaces the timetable; offices stay.
	if err := s.ReplaceNetwork(ctx, nil, services[1:]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Services(ctx); len(got) != 1 || got[0].ID != "X8017" {
		t.Errorf("after replace: %+v", got)
	}
	if all, _ := s.Offices(ctx); len(all) != 3 {
		t.Errorf("offices after replace: %d, want 3", len(all))
	}

	// All or nothing: an unknown office, a duplicate id or a bad service
	// stores neither the offices nor the services of the call.
	extra := network.Office{Code: "DEDUIA", Name: "Duisburg", Country: "DE", Kind: network.KindHub, Lat: 51.4344, Lon: 6.7623, TZ: "Europe/Berlin", ConnectMin: 30}
	unknown := services[0]
	unknown.To = "XXXXXX"
	bad := services[0]
	bad.DurationMin = 0
	for name, call := range map[string][]network.Leg{
		"unknown office": {services[0], unknown},
		"duplicate id":   {services[0], services[0]},
		"invalid":        {bad},
	} {
		err := s.ReplaceNetwork(ctx, []network.Office{extra}, call)
		if postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
		if got, _ := s.Services(ctx); len(got) != 1 || got[0].ID != "X8017" {
			t.Errorf("%s: services changed to %+v", name, got)
		}
		if _, err := s.Office(ctx, "DEDUIA"); postal.ErrorCode(err) != postal.CodeNotFound {
			t.Errorf("%s: office stored from a failed import (%v)", name, err)
		}
	}
}

// testNetworkVersion: every change to offices or services moves the version
// on, in its own transaction, as seen from another node; reads and failed
// imports leave it.
func testNetworkVersion(t *testing.T, newNode func() store.Store) {
	ctx := context.Background()
	a, b := newNode(), newNode()
	version := func(s store.Store) int64 {
		t.Helper()
		v, err := s.NetworkVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version(a)
	if v := version(b); v != v0 {
		t.Fatalf("two nodes read versions %d and %d of one network", v0, v)
	}
	xmn := network.Office{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.544, Lon: 118.1277, TZ: "Asia/Shanghai", ConnectMin: 150, Customs: true}
	ams := network.Office{Code: "NLAMSA", Name: "Amsterdam", Country: "NL", Kind: network.KindOE, Lat: 52.3105, Lon: 4.7683, TZ: "Europe/Amsterdam", ConnectMin: 120, Customs: true}
	if err := a.PutOffices(ctx, []network.Office{xmn}); err != nil {
		t.Fatal(err)
	}
	v1 := version(b)
	if v1 <= v0 {
		t.Fatalf("PutOffices on node a: version on node b %d → %d, want it to grow", v0, v1)
	}
	leg := network.Leg{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: network.ModeAir, Carrier: "Xiamen Airlines", Days: 1 | 4 | 16 | 64,
		Departs: 23*60 + 55, DurationMin: 780, CutoffMin: 180, CapacityKg: 2500, CostPerKg: 5.85}
	if err := b.ReplaceNetwork(ctx, []network.Office{ams}, []network.Leg{leg}); err != nil {
		t.Fatal(err)
	}
	v2 := version(a)
	if v2 <= v1 {
		t.Fatalf("ReplaceNetwork on node b: version on node a %d → %d, want it to grow", v1, v2)
	}
	// Reads, a failed import and an empty PutOffices change nothing.
	if _, err := a.Offices(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Services(ctx); err != nil {
		t.Fatal(err)
	}
	bad := leg
	bad.To = "XXXXXX"
	if err := a.ReplaceNetwork(ctx, nil, []network.Leg{bad}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Fatalf("import naming an unknown office: %v, want invalid", err)
	}
	if err := a.PutOffices(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if v := version(b); v != v2 {
		t.Errorf("after reads, a failed import and an empty PutOffices: version %d, want %d", v, v2)
	}
	// The timetable replaced with itself is still a change (a new import).
	if err := a.ReplaceNetwork(ctx, nil, []network.Leg{leg}); err != nil {
		t.Fatal(err)
	}
	if v := version(b); v <= v2 {
		t.Errorf("second import: version %d, want > %d", v, v2)
	}
}
