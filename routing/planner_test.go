package routing

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Hand-made cases for the rules a random test may rarely hit exactly.

var handOffices = []network.Office{
	{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.544, Lon: 118.1277, TZ: "Asia/Shanghai", ConnectMin: 150, Customs: true},
	{Code: "DEFRAA", Name: "Frankfurt", Country: "DE", Kind: network.KindOE, Lat: 50.0379, Lon: 8.5622, TZ: "Europe/Berlin", ConnectMin: 60, Customs: true},
	{Code: "DEDUIA", Name: "Duisburg", Country: "DE", Kind: network.KindHub, Lat: 51.4344, Lon: 6.7623, TZ: "Europe/Berlin", ConnectMin: 30},
	{Code: "BYBQTA", Name: "Brest", Country: "BY", Kind: network.KindBorder, Lat: 52.0976, Lon: 23.7341, TZ: "Europe/Minsk", ConnectMin: 240},
	{Code: "PLMALA", Name: "Malaszewicze", Country: "PL", Kind: network.KindBorder, Lat: 52.0333, Lon: 23.5333, TZ: "Europe/Warsaw", ConnectMin: 120},
}

// svc builds a service running every day, open validity, 1000 kg, no DG.
func svc(id, from, to string, mode network.Mode, departs string, durationMin, cutoffMin int, cost float64) network.Leg {
	c, err := civil.ParseClock(departs)
	if err != nil {
		panic(err)
	}
	return network.Leg{ID: id, From: from, To: to, Mode: mode, Carrier: "Test", Days: civil.EveryDay, Departs: c,
		DurationMin: durationMin, CutoffMin: cutoffMin, CapacityKg: 1000, CostPerKg: cost}
}

func mustPlanner(t *testing.T, services ...network.Leg) *Planner {
	t.Helper()
	p, err := New(handOffices, services)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func plan(t *testing.T, p *Planner, q Query) Result {
	t.Helper()
	q.Pareto = true
	res, err := p.Plan(context.Background(), q)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return res
}

// route renders an itinerary as "SVC@depart>arrive SVC@…" in UTC.
func route(it *Itinerary) string {
	if it == nil {
		return "none"
	}
	var b []string
	for _, l := range it.Legs {
		b = append(b, l.Service+"@"+l.Depart.Format("01-02T15:04")+">"+l.Arrive.Format("01-02T15:04"))
	}
	return strings.Join(b, " ")
}

func TestOvernightAndMultiDayLegs(t *testing.T) {
	p := mustPlanner(t,
		// 23:30 Xiamen (15:30 UTC), 13 h: lands at 04:30 UTC the next day.
		svc("MF811", "CNXMNA", "DEFRAA", network.ModeAir, "23:30", 13*60, 120, 5),
		// A train over three days and five hours, departing at 22:00 local.
		svc("X8001", "CNXMNA", "PLMALA", network.ModeRail, "22:00", 3*24*60+5*60, 240, 1),
	)
	res := plan(t, p, Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T10:00:00+08:00")})
	if got, want := route(res.Earliest), "MF811@11-23T15:30>11-24T04:30"; got != want {
		t.Errorf("overnight flight = %s, want %s", got, want)
	}
	res = plan(t, p, Query{From: "CNXMNA", To: "PLMALA", Ready: at("2026-11-23T10:00:00+08:00"), Product: postal.ProductParcel})
	if got, want := route(res.Earliest), "X8001@11-23T14:00>11-26T19:00"; got != want {
		t.Errorf("multi-day train = %s, want %s", got, want)
	}
}

func TestDSTChanges(t *testing.T) {
	// 02:30 Frankfurt every day.
	p := mustPlanner(t, svc("T0230", "DEFRAA", "DEDUIA", network.ModeRoad, "02:30", 180, 0, 1))
	cases := []struct {
		name, ready, depart string
	}{
		{"day before spring forward (CET)", "2026-03-28T00:00:00+01:00", "2026-03-28T01:30:00Z"},
		{"02:30 does not exist: moves forward to 03:30 CEST", "2026-03-29T00:00:00+01:00", "2026-03-29T01:30:00Z"},
		{"day after spring forward (CEST)", "2026-03-30T00:00:00+02:00", "2026-03-30T00:30:00Z"},
		{"02:30 happens twice: the first (CEST)", "2026-10-25T00:00:00+02:00", "2026-10-25T00:30:00Z"},
		{"day after fall back (CET)", "2026-10-26T00:00:00+01:00", "2026-10-26T01:30:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := plan(t, p, Query{From: "DEFRAA", To: "DEDUIA", Ready: at(c.ready)})
			if res.Earliest == nil {
				t.Fatal("no route")
			}
			if got := res.Earliest.Legs[0].Depart; !got.Equal(at(c.depart)) {
				t.Errorf("departs %s, want %s", got.Format(time.RFC3339), c.depart)
			}
			if d := res.Earliest.Legs[0].Arrive.Sub(res.Earliest.Legs[0].Depart); d != 3*time.Hour {
				t.Errorf("leg lasts %s, want 3h (durations are real minutes)", d)
			}
		})
	}
	// A connection across the change: arrive 01:00 CET on 29 March (00:00
	// UTC), connect 30 min at Duisburg; the 06:00 departure is 04:00 UTC
	// after the change, so it is made with time to spare.
	p = mustPlanner(t,
		svc("IN", "DEFRAA", "DEDUIA", network.ModeRoad, "23:00", 120, 0, 1),
		svc("OUT", "DEDUIA", "PLMALA", network.ModeRoad, "06:00", 600, 0, 1))
	res := plan(t, p, Query{From: "DEFRAA", To: "PLMALA", Ready: at("2026-03-28T22:00:00+01:00")})
	if got, want := route(res.Earliest), "IN@03-28T22:00>03-29T00:00 OUT@03-29T04:00>03-29T14:00"; got != want {
		t.Errorf("across the change = %s, want %s", got, want)
	}
}

func TestCutoffAndConnectionBoundaries(t *testing.T) {
	p := mustPlanner(t,
		// 12:00 Xiamen = 04:00 UTC, cut-off 60: drop at 03:00 UTC.
		svc("A1", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 600, 60, 1),
		// Lands 14:00 UTC = 15:00 CET; connect 60 at Frankfurt → ready 16:00
		// CET. B1 departs 16:30 CET with cut-off 30: drop 16:00 — exactly.
		svc("B1", "DEFRAA", "DEDUIA", network.ModeRoad, "16:30", 120, 30, 1),
		// B2 is a minute too early.
		svc("B2", "DEFRAA", "DEDUIA", network.ModeRoad, "16:29", 60, 30, 1),
	)
	cases := []struct {
		ready, want string
	}{
		// The origin's connect_min (150) is not added to the ready time.
		{"2026-11-23T11:00:00+08:00", "A1@11-23T04:00>11-23T14:00 B1@11-23T15:30>11-23T17:30"},
		{"2026-11-23T11:00:01+08:00", "A1@11-24T04:00>11-24T14:00 B1@11-24T15:30>11-24T17:30"},
		{"2026-11-23T10:59:00+08:00", "A1@11-23T04:00>11-23T14:00 B1@11-23T15:30>11-23T17:30"},
	}
	for _, c := range cases {
		res := plan(t, p, Query{From: "CNXMNA", To: "DEDUIA", Ready: at(c.ready)})
		if got := route(res.Earliest); got != c.want {
			t.Errorf("ready %s: %s, want %s", c.ready, got, c.want)
		}
	}
}

func TestValidityEndsMidHorizon(t *testing.T) {
	s := svc("V1", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 600, 0, 1)
	s.ValidFrom = civil.Date{Year: 2026, Month: 11, Day: 24}
	s.ValidTo = civil.Date{Year: 2026, Month: 11, Day: 25}
	p := mustPlanner(t, s)
	res := plan(t, p, Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T00:00:00+08:00")})
	if got, want := route(res.Earliest), "V1@11-24T04:00>11-24T14:00"; got != want {
		t.Errorf("before validity: %s, want %s (first valid date)", got, want)
	}
	res = plan(t, p, Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-25T11:00:00+08:00")})
	if got, want := route(res.Earliest), "V1@11-25T04:00>11-25T14:00"; got != want {
		t.Errorf("last valid date: %s, want %s", got, want)
	}
	res = plan(t, p, Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-25T12:01:00+08:00")})
	if res.Earliest != nil || len(res.Pareto) != 0 {
		t.Errorf("after validity: %s, want none", route(res.Earliest))
	}
}

func TestNoRoute(t *testing.T) {
	p := mustPlanner(t, svc("A1", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 600, 0, 1))
	for name, q := range map[string]Query{
		"no service":          {From: "DEFRAA", To: "CNXMNA", Ready: at("2026-11-23T00:00:00Z")},
		"beyond the horizon":  {From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T05:00:00Z"), Horizon: 20 * time.Hour},
		"not for this mode":   {From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T00:00:00Z"), Surface: true},
		"no dangerous goods":  {From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T00:00:00Z"), DG: true},
		"too heavy to load":   {From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T00:00:00Z"), WeightG: 1_000_001},
		"leg limit too small": {From: "CNXMNA", To: "DEDUIA", Ready: at("2026-11-23T00:00:00Z")},
	} {
		res := plan(t, p, q)
		if res.Earliest != nil || len(res.Pareto) != 0 || res.Pareto == nil {
			t.Errorf("%s: %+v, want no route and an empty Pareto set", name, res)
		}
	}
	// Exactly at the horizon is still in.
	res := plan(t, p, Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T04:00:00Z"), Horizon: 10 * time.Hour})
	if res.Earliest == nil {
		t.Error("arrival exactly at the horizon's end was not found")
	}
}

func TestConstraints(t *testing.T) {
	// A slow air routing (three days via a partner hub), so surface wins when allowed.
	fast := svc("AIR", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 3*24*60, 0, 6)
	rail := svc("RAIL", "CNXMNA", "PLMALA", network.ModeRail, "12:00", 60, 0, 1)
	viaBY := svc("ROAD1", "PLMALA", "BYBQTA", network.ModeRoad, "18:00", 60, 0, 0.5)
	fromBY := svc("ROAD2", "BYBQTA", "DEFRAA", network.ModeRoad, "12:00", 600, 0, 0.5)
	direct := svc("ROAD3", "PLMALA", "DEFRAA", network.ModeRoad, "20:00", 2*24*60, 0, 0.5)
	dg := fast
	dg.ID, dg.DG, dg.Departs, dg.CapacityKg = "AIRDG", true, 18*60, 20
	p := mustPlanner(t, fast, rail, viaBY, fromBY, direct, dg)
	ready := at("2026-11-23T08:00:00+08:00")
	cases := []struct {
		name string
		q    Query
		want string
	}{
		{"any mode: surface route is earliest", Query{}, "RAIL@11-23T04:00>11-23T05:00 ROAD1@11-23T17:00>11-23T18:00 ROAD2@11-24T09:00>11-24T19:00"},
		{"EMS: air and road only", Query{Product: postal.ProductEMS}, "AIR@11-23T04:00>11-26T04:00"},
		{"parcel: any mode", Query{Product: postal.ProductParcel}, "RAIL@11-23T04:00>11-23T05:00 ROAD1@11-23T17:00>11-23T18:00 ROAD2@11-24T09:00>11-24T19:00"},
		{"avoid BY in transit", Query{Avoid: []string{"by"}}, "RAIL@11-23T04:00>11-23T05:00 ROAD3@11-23T19:00>11-25T19:00"},
		{"EMS surface: road only, none", Query{Product: postal.ProductEMS, Surface: true}, "none"},
		{"dangerous goods", Query{DG: true}, "AIRDG@11-23T10:00>11-26T10:00"},
		{"too heavy for the DG flight", Query{DG: true, WeightG: 20_001}, "none"},
		{"two legs at most", Query{MaxLegs: 2}, "RAIL@11-23T04:00>11-23T05:00 ROAD3@11-23T19:00>11-25T19:00"},
		{"one leg at most", Query{MaxLegs: 1}, "AIR@11-23T04:00>11-26T04:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.From, q.To, q.Ready = "CNXMNA", "DEFRAA", ready
			if got := route(plan(t, p, q).Earliest); got != c.want {
				t.Errorf("%s\nwant %s", got, c.want)
			}
		})
	}
}

func TestEarliestTies(t *testing.T) {
	// All three arrive at Duisburg at 20:00 UTC.
	direct := svc("DIRECT", "CNXMNA", "DEDUIA", network.ModeAir, "12:00", 16*60, 0, 9)
	leg1 := svc("LEG1", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 10*60, 0, 2)
	leg2 := svc("LEG2", "DEFRAA", "DEDUIA", network.ModeRoad, "18:00", 3*60, 0, 1)
	dear := svc("DEAR", "CNXMNA", "DEDUIA", network.ModeAir, "13:00", 15*60, 0, 10)
	ready := at("2026-11-23T08:00:00+08:00")
	res := plan(t, mustPlanner(t, direct, leg1, leg2, dear), Query{From: "CNXMNA", To: "DEDUIA", Ready: ready})
	if got, want := route(res.Earliest), "DIRECT@11-23T04:00>11-23T20:00"; got != want {
		t.Errorf("same arrival: %s, want the one-leg, cheaper %s", got, want)
	}
	// The cheaper two-leg way (cost 3) is in the Pareto set, not the
	// earliest; DEAR is dominated by DIRECT.
	var vecs []string
	for _, it := range res.Pareto {
		vecs = append(vecs, route(&it))
	}
	if want := []string{"LEG1@11-23T04:00>11-23T14:00 LEG2@11-23T17:00>11-23T20:00"}; !slices.Equal(vecs, want) {
		t.Errorf("Pareto = %q, want %q", vecs, want)
	}
	// Same legs, same arrival: the cheaper wins.
	res = plan(t, mustPlanner(t, dear, direct), Query{From: "CNXMNA", To: "DEDUIA", Ready: ready})
	if got, want := route(res.Earliest), "DIRECT@11-23T04:00>11-23T20:00"; got != want {
		t.Errorf("same legs: %s, want %s", got, want)
	}
	// Same cost too: the lower CO2 wins.
	green, grey := dear, dear
	green.ID, green.CostPerKg, grey.CostPerKg = "GREEN", 10, 10
	co2 := 1.0
	green.CO2GPerKg = &co2
	res = plan(t, mustPlanner(t, grey, green), Query{From: "CNXMNA", To: "DEDUIA", Ready: ready})
	if res.Earliest == nil || res.Earliest.Legs[0].Service != "GREEN" {
		t.Errorf("same cost: %s, want GREEN", route(res.Earliest))
	}
}

func TestParetoTradeOffs(t *testing.T) {
	air := svc("AIR", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 13*60, 0, 6)
	rail := svc("RAIL", "CNXMNA", "DEFRAA", network.ModeRail, "12:00", 12*24*60, 0, 2)
	sea := svc("SEA", "CNXMNA", "DEFRAA", network.ModeSea, "12:00", 13*24*60, 0, 1)
	slowDear := svc("SLOWDEAR", "CNXMNA", "DEFRAA", network.ModeRoad, "12:00", 13*24*60, 0, 3)
	res := plan(t, mustPlanner(t, air, rail, sea, slowDear), Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T08:00:00+08:00"), WeightG: 800})
	var got []string
	for _, it := range res.Pareto {
		got = append(got, it.Legs[0].Service)
	}
	if want := []string{"AIR", "RAIL", "SEA"}; !slices.Equal(got, want) {
		t.Fatalf("Pareto = %v, want %v", got, want)
	}
	a := res.Pareto[0]
	if a.Cost != 4.8 {
		t.Errorf("air cost for 0.8 kg = %v, want 4.8", a.Cost)
	}
	km := network.GreatCircleKm(handOffices[0], handOffices[1])
	if want := km * 602 / 1000 * 0.8 / 1000; a.CO2Kg < want-1e-5 || a.CO2Kg > want+1e-5 {
		t.Errorf("air CO2 = %v kg, want %v (%.0f km × 602 g/tkm × 0.8 kg)", a.CO2Kg, want, km)
	}
}

func TestQueryErrors(t *testing.T) {
	p := mustPlanner(t)
	ready := at("2026-11-23T10:00:00+08:00")
	cases := []struct {
		q     Query
		field string
	}{
		{Query{From: "XXXXXX", To: "DEFRAA", Ready: ready}, "from"},
		{Query{From: "CNXMNA", To: "NOWHERE", Ready: ready}, "to"},
		{Query{From: "CNXMNA", To: "CNXMNA", Ready: ready}, "to"},
		{Query{From: "CNXMNA", To: "DEFRAA"}, "ready"},
		{Query{From: "CNXMNA", To: "DEFRAA", Ready: ready, Product: "pigeon"}, "product"},
		{Query{From: "CNXMNA", To: "DEFRAA", Ready: ready, Avoid: []string{"XX"}}, "avoid"},
		{Query{From: "CNXMNA", To: "DEFRAA", Ready: ready, MaxLegs: 99}, "max_legs"},
		{Query{From: "CNXMNA", To: "DEFRAA", Ready: ready, WeightG: -1}, "weight_g"},
		{Query{From: "CNXMNA", To: "DEFRAA", Ready: ready, Horizon: 365 * 24 * time.Hour}, "horizon"},
	}
	for _, c := range cases {
		_, err := p.Plan(context.Background(), c.q)
		var pe *postal.Error
		if !errors.As(err, &pe) || pe.Code != postal.CodeInvalid || len(pe.Fields) != 1 || pe.Fields[0].Field != c.field {
			t.Errorf("%+v: %v, want invalid naming %s", c.q, err, c.field)
		}
	}
}

func TestParseReady(t *testing.T) {
	if got, err := ParseReady("2026-11-23T10:00:00+08:00"); err != nil || !got.Equal(at("2026-11-23T02:00:00Z")) {
		t.Errorf("ParseReady = %v, %v", got, err)
	}
	for _, s := range []string{"2026-11-23T10:00:00", "2026-11-23 10:00", "2026-11-23"} {
		if _, err := ParseReady(s); err == nil || !strings.Contains(err.Error(), "no time zone") {
			t.Errorf("ParseReady(%q) = %v, want a 'no time zone' error", s, err)
		}
	}
	if _, err := ParseReady("tomorrow"); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("ParseReady(tomorrow) = %v", err)
	}
}

func TestJSONShape(t *testing.T) {
	p := mustPlanner(t, svc("MF811", "CNXMNA", "DEFRAA", network.ModeAir, "23:30", 13*60, 120, 5))
	res := plan(t, p, Query{From: "CNXMNA", To: "DEFRAA", Ready: at("2026-11-23T10:00:00+08:00"), WeightG: 800})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	// cost_amount and currency are the money; cost, a number, is kept
	// for one version.
	want := `{"earliest":{"arrive":"2026-11-24T04:30:00Z","cost":4,"cost_amount":"4.00","currency":"USD","co2_kg":` + jsonNumber(res.Earliest.CO2Kg) +
		`,"legs":[{"service":"MF811","from":"CNXMNA","to":"DEFRAA","depart":"2026-11-23T15:30:00Z","arrive":"2026-11-24T04:30:00Z"}]},"pareto":[`
	if !strings.HasPrefix(string(b), want) {
		t.Errorf("JSON\n%s\nwant prefix\n%s", b, want)
	}
	if !strings.HasSuffix(string(b), `,"cost_basis":"network services cost_per_kg (USD)"}`) {
		t.Errorf("JSON %s does not name its cost basis", b)
	}
	none, _ := json.Marshal(Result{Pareto: []Itinerary{}, CostBasis: CostBasis})
	if string(none) != `{"earliest":null,"pareto":[],"cost_basis":"network services cost_per_kg (USD)"}` {
		t.Errorf("no route JSON = %s", none)
	}
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func TestNewRejectsBadNetworks(t *testing.T) {
	s := svc("X", "CNXMNA", "ZZZZZZ", network.ModeAir, "12:00", 60, 0, 1)
	if _, err := New(handOffices, []network.Leg{s}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("unknown office: %v", err)
	}
	a := svc("X", "CNXMNA", "DEFRAA", network.ModeAir, "12:00", 60, 0, 1)
	if _, err := New(handOffices, []network.Leg{a, a}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate id: %v", err)
	}
}
