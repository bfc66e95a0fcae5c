package network

import (
	"math"
	"testing"

	"github.com/interpost/interpost/civil"
)

func TestRunsOn(t *testing.T) {
	s := Leg{Days: 1 << 2, ValidFrom: civil.Date{Year: 2026, Month: 11, Day: 1}, ValidTo: civil.Date{Year: 2026, Month: 11, Day: 25}} // Wednesdays in November up to the 25th
	for d, want := range map[civil.Date]bool{
		{Year: 2026, Month: 10, Day: 28}: false, {Year: 2026, Month: 11, Day: 4}: true, {Year: 2026, Month: 11, Day: 25}: true,
		{Year: 2026, Month: 12, Day: 2}: false, {Year: 2026, Month: 11, Day: 24}: false,
	} {
		if got := s.RunsOn(d); got != want {
			t.Errorf("RunsOn(%s) = %v", d, got)
		}
	}
}

func TestCO2(t *testing.T) {
	xmn := Office{Lat: 24.544, Lon: 118.1277}
	ams := Office{Lat: 52.3105, Lon: 4.7683}
	km := GreatCircleKm(xmn, ams)
	if km < 9250 || km > 9400 { // Xiamen–Amsterdam is about 9,300 km
		t.Errorf("great circle = %.0f km", km)
	}
	s := Leg{Mode: ModeAir}
	if got := s.CO2GramsPerKg(xmn, ams); math.Abs(got-km*0.602) > 1e-9 {
		t.Errorf("air CO2 = %v g/kg, want %v", got, km*0.602)
	}
	v := 12.5
	s.CO2GPerKg = &v
	if got := s.CO2GramsPerKg(xmn, ams); got != 12.5 {
		t.Errorf("given CO2 = %v", got)
	}
}
