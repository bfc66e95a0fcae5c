package warehouse

import (
	"context"
	"testing"

	"github.com/interpost/interpost/network"
)

func TestAdvise(t *testing.T) {
	rail := Corridor{Mode: "rail", TransitDays: 18}
	tests := []struct {
		name      string
		available int
		transit   int
		sold      int
		cover     float64 // -1 = null
		reorder   bool
		suggested int
	}{
		// 8 weeks = 56 days; 112 sold = 2/day; target 18+7+7 = 32 days = 64 units.
		{"reorder", 40, 0, 112, 20, true, 24},
		{"in transit counts", 40, 30, 112, 35, false, 0},
		{"enough", 100, 0, 112, 50, false, 0},
		{"nothing sold", 5, 0, 0, -1, false, 0},
		{"empty and selling", 0, 0, 56, 0, true, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Advise(Stock{SKU: "A", OnHand: tt.available, Available: tt.available}, tt.sold, tt.transit, rail, Policy{})
			switch {
			case tt.cover < 0 && a.DaysOfCover != nil:
				t.Errorf("cover = %v, want null", *a.DaysOfCover)
			case tt.cover >= 0 && (a.DaysOfCover == nil || *a.DaysOfCover != tt.cover):
				t.Errorf("cover = %v, want %v", a.DaysOfCover, tt.cover)
			}
			if a.Reorder != tt.reorder || a.Suggested != tt.suggested || a.TargetDays != 32 {
				t.Errorf("reorder %v suggested %d target %v; want %v %d 32", a.Reorder, a.Suggested, a.TargetDays, tt.reorder, tt.suggested)
			}
		})
	}
}

func TestEstimateAndChoose(t *testing.T) {
	xmn := network.Office{Code: "CNXMNA", Country: "CN", Lat: 24.544, Lon: 118.1277}
	lgg := network.Office{Code: "BELGGW", Country: "BE", Lat: 50.6374, Lon: 5.4432}
	khg := network.Office{Code: "CNHGSW", Country: "CN", Lat: 44.2125, Lon: 80.415}
	ala := network.Office{Code: "KZALAW", Country: "KZ", Lat: 43.3521, Lon: 77.0405}
	cs, err := Estimate{}.Corridors(context.Background(), xmn, lgg)
	if err != nil || len(cs) != 3 {
		t.Fatalf("Xiamen → Liège = %+v, %v; want air, rail, sea", cs, err)
	}
	days := map[string]float64{}
	for _, c := range cs {
		days[c.Mode] = c.TransitDays
	}
	if days["air"] > 5 || days["rail"] < 14 || days["rail"] > 22 || days["sea"] < 28 || days["sea"] > 40 {
		t.Errorf("implausible transit days %v", days)
	}
	if c, _, _ := Choose(cs, PriorityCost, ""); c.Mode != "sea" {
		t.Errorf("cheapest = %s, want sea", c.Mode)
	}
	if c, _, _ := Choose(cs, PrioritySpeed, ""); c.Mode != "air" {
		t.Errorf("fastest = %s, want air", c.Mode)
	}
	if c, alts, err := Choose(cs, "", "rail"); err != nil || c.Mode != "rail" || len(alts) != 2 {
		t.Errorf("forced rail = %+v %v %v", c, alts, err)
	}
	// Khorgos → Almaty: a short land border crossing, no sea.
	cs, _ = Estimate{}.Corridors(context.Background(), khg, ala)
	if _, _, err := Choose(cs, "", "sea"); err == nil {
		t.Errorf("sea to landlocked Almaty from Khorgos offered: %+v", cs)
	}
	if c, _, _ := Choose(cs, PriorityCost, ""); c.Mode != "road" || c.TransitDays > 3 {
		t.Errorf("Khorgos → Almaty by cost = %+v, want road within 3 days", c)
	}
}

func TestEstimateDomestic(t *testing.T) {
	can := network.Office{Code: "CNCANA", Country: "CN", Lat: 23.3924, Lon: 113.2988}
	khg := network.Office{Code: "CNHGSW", Country: "CN", Lat: 44.1978, Lon: 80.4153}
	cs, _ := Estimate{}.Corridors(context.Background(), can, khg)
	for _, c := range cs {
		if c.Mode == "sea" {
			t.Errorf("sea offered from Guangzhou to inland Khorgos: %+v", cs)
		}
	}
	if c, _, _ := Choose(cs, PriorityCost, ""); c.Mode != "rail" {
		t.Errorf("Guangzhou → Khorgos by cost = %+v, want rail", c)
	}
}
