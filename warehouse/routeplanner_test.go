package warehouse

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/routing"
)

// fixedPlanner is the planner of a network that does not change.
type fixedPlanner struct{ p *routing.Planner }

func (f fixedPlanner) Current(context.Context) (*routing.Planner, error) { return f.p, nil }

func TestRoutePlanner(t *testing.T) {
	days, _ := civil.ParseWeekdays("1234567")
	at, _ := civil.ParseClock("10:00")
	xmn := network.Office{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.544, Lon: 118.1277, TZ: "Asia/Shanghai", ConnectMin: 60}
	lgg := network.Office{Code: "BELGGW", Name: "Liege", Country: "BE", Kind: network.KindWarehouse, Lat: 50.6374, Lon: 5.4432, TZ: "Europe/Brussels", ConnectMin: 60}
	far := network.Office{Code: "BRSAOW", Name: "Sao Paulo", Country: "BR", Kind: network.KindWarehouse, Lat: -23.4, Lon: -46.5, TZ: "America/Sao_Paulo", ConnectMin: 60}
	p, err := routing.New([]network.Office{xmn, lgg, far}, []network.Leg{
		{ID: "AIR1", From: "CNXMNA", To: "BELGGW", Mode: network.ModeAir, Carrier: "CA", Days: days, Departs: at, DurationMin: 14 * 60, CutoffMin: 120, CapacityKg: 20000, CostPerKg: 4.2},
		{ID: "RAIL1", From: "CNXMNA", To: "BELGGW", Mode: network.ModeRail, Carrier: "CR", Days: days, Departs: at, DurationMin: 17 * 24 * 60, CutoffMin: 240, CapacityKg: 500000, CostPerKg: 1.1},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := RoutePlanner{Planners: fixedPlanner{p}, Now: func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }}
	cs, err := r.Corridors(context.Background(), xmn, lgg)
	if err != nil || len(cs) != 2 {
		t.Fatalf("corridors = %+v, %v", cs, err)
	}
	c, _, _ := Choose(cs, PriorityCost, "")
	if c.Mode != "rail" || c.Source != "planner" || c.CostPerKg != "1.10" || c.TransitDays < 17 || c.TransitDays > 18.5 {
		t.Errorf("cheapest = %+v", c)
	}
	if c, _, _ := Choose(cs, PrioritySpeed, ""); c.Mode != "air" || c.TransitDays > 1.5 {
		t.Errorf("fastest = %+v", c)
	}
	// No service reaches São Paulo: the estimate answers.
	cs, err = r.Corridors(context.Background(), xmn, far)
	if err != nil || len(cs) == 0 || cs[0].Source != "estimate" {
		t.Errorf("unserved lane = %+v, %v", cs, err)
	}
}
