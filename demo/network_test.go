package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

func TestDemoNetwork(t *testing.T) {
	n, err := Network()
	if err != nil {
		t.Fatal(err)
	}
	countries := map[string]bool{}
	for _, o := range n.Offices {
		countries[o.Country] = true
	}
	if len(n.Offices) < 60 || len(countries) < 30 {
		t.Errorf("%d offices in %d countries, want ≥ 60 in ≥ 30", len(n.Offices), len(countries))
	}
	// Merchants and tests rely on these codes.
	codes := network.OfficeMap(n.Offices)
	for _, c := range []string{"CNXMNA", "CNSZXA", "CNYIWA", "CNHGHA", "CNCANA", "PLWAWA", "DEDUIA"} {
		if _, ok := codes[c]; !ok {
			t.Errorf("office %s is missing", c)
		}
	}
	offices, err := Offices()
	if err != nil || len(offices) != len(n.Offices) {
		t.Errorf("Offices() = %d, %v", len(offices), err)
	}
}

// TestDemoCorridors plans on the corridors the demo is meant to show.
func TestDemoCorridors(t *testing.T) {
	n, err := Network()
	if err != nil {
		t.Fatal(err)
	}
	p, err := routing.New(n.Offices, n.Services)
	if err != nil {
		t.Fatal(err)
	}
	country := func(code string) string { return network.OfficeMap(n.Offices)[code].Country }
	ready := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) // Monday 10:00 in China
	cases := []struct {
		name     string
		q        routing.Query
		mode     network.Mode // some leg must use it
		transits []string     // countries passed on the way
	}{
		{"air Beijing–Frankfurt", routing.Query{From: "CNPEKA", To: "DEFRAA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"air Shanghai–New York", routing.Query{From: "CNSHAA", To: "USJFKA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"air Guangzhou–Sydney", routing.Query{From: "CNCANA", To: "AUSYDA", Product: postal.ProductEPacket}, network.ModeAir, nil},
		{"air Xiamen–Tokyo", routing.Query{From: "CNXMNA", To: "JPTYOA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"air Hangzhou–Seoul", routing.Query{From: "CNHGHA", To: "KRSELA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"air Xiamen–Hong Kong", routing.Query{From: "CNXMNA", To: "HKHKGA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"air Shanghai–Macao", routing.Query{From: "CNSHAA", To: "MOMFMA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"air Shenzhen–Mexico City", routing.Query{From: "CNSZXA", To: "MXMEXA", Product: postal.ProductEMS}, network.ModeAir, nil},
		{"charter Zhengzhou–Luxembourg, batteries", routing.Query{From: "CNCGOA", To: "LULUXA", DG: true}, network.ModeAir, nil},
		{"rail Xiamen–Duisburg", routing.Query{From: "CNXMNA", To: "DEDUIA", Product: postal.ProductParcel, Surface: true}, network.ModeRail, []string{"KZ", "RU", "BY", "PL"}},
		{"rail Chongqing–Duisburg", routing.Query{From: "CNCKGA", To: "DEDUIA", Surface: true}, network.ModeRail, []string{"KZ", "RU", "BY", "PL"}},
		{"rail Yiwu–Madrid", routing.Query{From: "CNYIWA", To: "ESMADA", Surface: true, Horizon: 21 * 24 * time.Hour}, network.ModeRail, []string{"KZ", "RU", "BY", "PL"}},
		{"rail Zhengzhou–Hamburg", routing.Query{From: "CNCGOA", To: "DEHAMA", Surface: true, Horizon: 21 * 24 * time.Hour}, network.ModeRail, []string{"KZ", "RU", "BY", "PL"}},
		{"rail Xi'an–Malaszewicze", routing.Query{From: "CNXIYA", To: "PLMALA", Surface: true}, network.ModeRail, []string{"KZ", "RU", "BY"}},
		{"rail avoiding Russia and Belarus", routing.Query{From: "CNCKGA", To: "DEDUIA", Surface: true, Avoid: []string{"BY", "RU"}, Horizon: 30 * 24 * time.Hour}, network.ModeRail, []string{"KZ", "AZ", "TR", "HU"}},
		{"truck Kashgar–Bishkek", routing.Query{From: "CNKHGA", To: "KGFRUA", Product: postal.ProductEMS}, network.ModeRoad, nil},
		{"truck Kashgar–Osh", routing.Query{From: "CNKHGA", To: "KGOSSA", Product: postal.ProductEMS}, network.ModeRoad, nil},
		{"truck Urumqi–Almaty", routing.Query{From: "CNURCA", To: "KZALAA", Product: postal.ProductEMS}, network.ModeRoad, nil},
		{"sea Shanghai–Piraeus", routing.Query{From: "CNSHAA", To: "GRPIRA", Surface: true, Horizon: 45 * 24 * time.Hour}, network.ModeSea, nil},
		{"sea Shanghai–Rotterdam", routing.Query{From: "CNSHAA", To: "NLRTMA", Surface: true, Horizon: 45 * 24 * time.Hour}, network.ModeSea, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Ready = ready
			res, err := p.Plan(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Earliest == nil {
				t.Fatal("no route")
			}
			var modes []network.Mode
			var passed []string
			for _, l := range res.Earliest.Legs[:len(res.Earliest.Legs)-1] {
				passed = append(passed, country(l.To))
			}
			for _, l := range res.Earliest.Legs {
				modes = append(modes, l.Mode)
			}
			if !slices.Contains(modes, c.mode) {
				t.Errorf("modes %v, want %s", modes, c.mode)
			}
			for _, tc := range c.transits {
				if !slices.Contains(passed, tc) {
					t.Errorf("passes %v, want %s", passed, tc)
				}
			}
		})
	}
}
