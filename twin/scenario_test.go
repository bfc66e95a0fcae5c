package twin

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
)

func testWorld(t *testing.T) World {
	t.Helper()
	n, err := demo.Network()
	if err != nil {
		t.Fatal(err)
	}
	return World{Network: n, Start: civil.Date{Year: 2026, Month: 11, Day: 2}, Days: 14, Tables: []string{"conveyance.csv", "merchant-prices.csv"}}
}

func TestParseScenario(t *testing.T) {
	w := testWorld(t)
	s, err := ParseScenario([]byte(`name: both
changes:
  - close_country: BY
    from_day: 3
  - scale_demand: 5
    on: 2026-11-11
  - scale_allotment: {carrier: China Southern, factor: 0.5}
    from: 2026-11-05
    to: 2026-11-20
  - export_inspection: 0.1
`), ".", w)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Changes) != 4 || s.Changes[0].From.String() != "2026-11-04" || s.Changes[1].To.String() != "2026-11-11" {
		t.Fatalf("changes %+v", s.Changes)
	}
	if f := s.demand(civil.Date{Year: 2026, Month: 11, Day: 11}); f != 5 {
		t.Errorf("demand on 11 Nov ×%v", f)
	}
	if f := s.demand(civil.Date{Year: 2026, Month: 11, Day: 12}); f != 1 {
		t.Errorf("demand on 12 Nov ×%v", f)
	}
	by := func(d civil.Date) int {
		n := 0
		om := map[string]string{}
		for _, o := range w.Network.Offices {
			om[o.Code] = o.Country
		}
		for _, l := range s.Legs(w.Network, d) {
			if om[l.From] == "BY" || om[l.To] == "BY" {
				n++
			}
		}
		return n
	}
	if before, after := by(w.Start.AddDays(1)), by(w.Start.AddDays(2)); before == 0 || after != 0 {
		t.Errorf("services touching BY: %d on day 2, %d on day 3", before, after)
	}
}

func TestParseScenarioRefuses(t *testing.T) {
	w := testWorld(t)
	for _, tc := range []struct{ name, doc, line, reason string }{
		{"unknown country", "changes:\n  - close_country: XX\n", "line 2", "unknown country"},
		{"unknown service", "changes:\n  - scale_demand: 2\n  - cancel_service: NO-SUCH-TRAIN\n", "line 3", "unknown service"},
		{"unknown office", "changes:\n  - add_service: {id: NEW-1, from: CNXMNA, to: ZZZZZZ, mode: air, carrier: X, days: '135', departs: '10:00', duration_min: 600, capacity_kg: 1000, cost_per_kg: 1}\n", "line 2", "unknown office"},
		{"overlapping periods", "changes:\n  - close_country: BY\n    from_day: 3\n    to_day: 8\n  - close_country: BY\n    from_day: 6\n", "line 5", "overlaps the period of line 2"},
		{"negative scale", "changes:\n  - scale_demand: -2\n    on: 2026-11-11\n", "line 2", "negative scale"},
		{"negative allotment", "changes:\n  - scale_allotment: {service: BY-BQT-MAL-1, factor: -0.5}\n", "line 2", "negative scale"},
		{"two kinds", "changes:\n  - close_country: BY\n    scale_demand: 2\n", "line 2", "exactly one"},
		{"unknown key", "changes:\n  - close_country: BY\n    form_day: 3\n", "line 3", "unknown key"},
		{"unknown tariff table", "changes:\n  - replace_tariff: {table: nope.csv, file: x.csv}\n", "line 2", "unknown tariff table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(tc.doc), ".", w)
			if err == nil {
				t.Fatal("accepted")
			}
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Errorf("code %s", postal.ErrorCode(err))
			}
			var pe *postal.Error
			if !asPostal(err, &pe) || len(pe.Fields) != 1 || pe.Fields[0].Field != tc.line || !strings.Contains(pe.Fields[0].Message, tc.reason) {
				t.Errorf("got %v %+v, want %s: …%s…", err, pe, tc.line, tc.reason)
			}
		})
	}
}

func asPostal(err error, pe **postal.Error) bool {
	e, ok := err.(*postal.Error)
	*pe = e
	return ok
}
