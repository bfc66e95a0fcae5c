package tracking

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// ev is a scan at hour h after a fixed base time (never the test's clock).
type ev struct {
	code   Code
	h      int
	office string
	reason string
}

var lifecycleBase = time.Date(2026, 11, 20, 9, 0, 0, 0, time.FixedZone("", 8*3600))

func events(object string, evs ...ev) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		office := e.office
		if office == "" {
			office = "CNXMNA"
		}
		out[i] = Event{Object: object, Code: e.code, Office: office, Time: lifecycleBase.Add(time.Duration(e.h) * time.Hour), Source: "post", Reason: e.reason}
	}
	return out
}

func TestLifecycle(t *testing.T) {
	for _, c := range []struct {
		name string
		evs  []ev
		want Status
	}{
		{"no events", nil, StatusCreated},
		{"accepted", []ev{{EMA, 0, "", ""}}, StatusAccepted},
		{"at outward OE", []ev{{EMA, 0, "", ""}, {EMB, 3, "", ""}}, StatusAtOutwardOE},
		{"held at outward OE", []ev{{EMB, 3, "", ""}, {EXD, 4, "", ""}}, StatusAtOutwardOE},
		{"export customs presented", []ev{{EMB, 3, "", ""}, {EXA, 4, "", ""}}, StatusExportCustomsHeld},
		{"export customs held", []ev{{EMB, 3, "", ""}, {EXA, 4, "", ""}, {EXB, 4, "", ""}}, StatusExportCustomsHeld},
		{"export customs released", []ev{{EXA, 4, "", ""}, {EXC, 5, "", ""}}, StatusExportCustomsReleased},
		{"departed", []ev{{EXC, 5, "", ""}, {EMC, 9, "", ""}}, StatusDeparted},
		{"in transit", []ev{{EMC, 9, "", ""}, {EMJ, 60, "KZDOSA", ""}}, StatusInTransit},
		{"left transit", []ev{{EMJ, 60, "KZDOSA", ""}, {EMK, 70, "KZDOSA", ""}}, StatusInTransit},
		{"arrived", []ev{{EMK, 70, "KZDOSA", ""}, {EMD, 90, "PLWAWA", ""}}, StatusArrived},
		{"held at inward OE", []ev{{EMD, 90, "PLWAWA", ""}, {EDA, 91, "PLWAWA", ""}}, StatusArrived},
		{"import customs presented", []ev{{EMD, 90, "PLWAWA", ""}, {EDB, 91, "PLWAWA", ""}}, StatusImportCustomsHeld},
		{"import customs held", []ev{{EDB, 91, "PLWAWA", ""}, {EME, 92, "PLWAWA", "xray"}}, StatusImportCustomsHeld},
		{"import customs released", []ev{{EME, 92, "PLWAWA", ""}, {EDC, 120, "PLWAWA", ""}}, StatusImportCustomsReleased},
		{"in delivery network", []ev{{EDC, 120, "PLWAWA", ""}, {EMF, 121, "PLWAWA", ""}}, StatusInDeliveryNetwork},
		{"at delivery office", []ev{{EMF, 121, "PLWAWA", ""}, {EMG, 130, "PLKRKA", ""}}, StatusAtDeliveryOffice},
		{"out for delivery", []ev{{EMG, 130, "PLKRKA", ""}, {EDG, 131, "PLKRKA", ""}}, StatusOutForDelivery},
		{"attempted", []ev{{EDG, 131, "PLKRKA", ""}, {EMH, 135, "PLKRKA", "no one home"}}, StatusDeliveryAttempted},
		{"out again after an attempt", []ev{{EDG, 131, "PLKRKA", ""}, {EMH, 135, "PLKRKA", ""}, {EDG, 155, "PLKRKA", ""}}, StatusOutForDelivery},
		{"pick-up after an attempt", []ev{{EMH, 135, "PLKRKA", ""}, {EDH, 140, "PLKRKA", ""}}, StatusAwaitingPickup},
		{"delivered", []ev{{EDG, 131, "PLKRKA", ""}, {EMI, 133, "PLKRKA", ""}}, StatusDelivered},
		// Rank, not arrival or clock: a later stage wins over an earlier
		// one even when the partner's clock puts it first.
		{"EMI stamped before EMD", []ev{{EMC, 9, "", ""}, {EMI, 80, "PLKRKA", ""}, {EMD, 90, "PLWAWA", ""}}, StatusDelivered},
		{"EMF stamped before EDC", []ev{{EME, 92, "PLWAWA", ""}, {EMF, 100, "PLWAWA", ""}, {EDC, 101, "PLWAWA", ""}}, StatusInDeliveryNetwork},
		{"stray scan after delivery", []ev{{EMI, 133, "PLKRKA", ""}, {EMH, 140, "PLKRKA", ""}}, StatusDelivered},
		{"returned by import customs", []ev{{EME, 92, "PLWAWA", ""}, {EDX, 100, "PLWAWA", "refused by customs: returned to sender"}}, StatusReturning},
		{"export cancelled", []ev{{EXA, 4, "", ""}, {EXX, 5, "", "refused by customs: returned to sender"}}, StatusReturning},
		{"returned to sender", []ev{{EDX, 100, "PLWAWA", ""}, {EMC, 110, "PLWAWA", ""}, {EMI, 200, "CNXMNA", ""}}, StatusReturned},
		{"delivered before the return decision", []ev{{EMI, 90, "PLKRKA", ""}, {EDX, 100, "PLWAWA", ""}}, StatusReturning},
		{"seized at import", []ev{{EME, 92, "PLWAWA", "seizure"}, {EDX, 93, "PLWAWA", "seizure"}}, StatusSeized},
		{"seized beats a later delivery", []ev{{EDX, 93, "PLWAWA", "seizure"}, {EMI, 133, "PLKRKA", ""}}, StatusSeized},
		{"destroyed at export", []ev{{EXX, 5, "", "goods destroyed"}}, StatusSeized},
	} {
		t.Run(c.name, func(t *testing.T) {
			evs := events("EE123456785CN", c.evs...)
			if got := DeriveStatus(evs); got != c.want {
				t.Errorf("status %s, want %s", got, c.want)
			}
			slices.Reverse(evs)
			if got := DeriveStatus(evs); got != c.want {
				t.Errorf("reversed: status %s, want %s", got, c.want)
			}
		})
	}
}

// TestLifecyclePermutations: any permutation of a valid event sequence
// gives the same status and the same item, for every outcome and for
// objects that are not S10 items (express waybills, e-commerce orders).
func TestLifecyclePermutations(t *testing.T) {
	journey := []ev{{EMA, 0, "", ""}, {EMB, 3, "", ""}, {EXA, 4, "", ""}, {EXC, 5, "", ""}, {EMC, 9, "", ""},
		{EMJ, 60, "KZDOSA", ""}, {EMK, 70, "KZDOSA", ""}, {EMD, 90, "PLWAWA", ""}, {EDB, 91, "PLWAWA", ""}, {EME, 92, "PLWAWA", "xray"}}
	outcomes := map[Status][]ev{
		StatusDelivered: {{EDC, 120, "PLWAWA", "duty due"}, {EMF, 121, "PLWAWA", ""}, {EMG, 130, "PLKRKA", ""}, {EDG, 131, "PLKRKA", ""},
			{EMH, 133, "PLKRKA", ""}, {EDG, 155, "PLKRKA", ""}, {EMI, 157, "PLKRKA", ""}, {EMH, 160, "PLKRKA", ""}},
		StatusImportCustomsHeld:     {},
		StatusImportCustomsReleased: {{EDC, 120, "PLWAWA", ""}},
		StatusSeized:                {{EDX, 100, "PLWAWA", "seizure"}},
		StatusReturning:             {{EDX, 100, "PLWAWA", "returned to sender"}, {EMC, 110, "PLWAWA", ""}},
		StatusReturned:              {{EDX, 100, "PLWAWA", "returned to sender"}, {EMC, 110, "PLWAWA", ""}, {EMI, 200, "CNXMNA", ""}},
	}
	rng := rand.New(rand.NewPCG(15, 2))
	for want, tail := range outcomes {
		for _, object := range []string{"EE123456785CN", "1Z84F2W60412945528", "TG20261123003"} {
			evs := events(object, append(slices.Clone(journey), tail...)...)
			var ref Item
			for _, e := range evs {
				ref.Apply(e, nil)
			}
			if ref.Status != want {
				t.Fatalf("%s %s in order: %s", object, want, ref.Status)
			}
			for range 300 {
				var got Item
				for _, i := range rng.Perm(len(evs)) {
					got.Apply(evs[i], nil)
				}
				if got != ref {
					t.Fatalf("%s %s: a permutation gives %+v\nwant %+v", object, want, got, ref)
				}
			}
		}
	}
}

func TestLifecycleFacts(t *testing.T) {
	var it Item
	for _, e := range events("EE123456785CN", ev{EMD, 90, "PLWAWA", ""}, ev{EME, 92, "PLWAWA", "xray"}) {
		it.Apply(e, nil)
	}
	if hs := it.HeldSince(); !hs.Equal(lifecycleBase.Add(92 * time.Hour)) {
		t.Errorf("held since %v", hs)
	}
	if _, _, ok := it.CustomsHold(); ok {
		t.Error("a hold without release has no measured holding time")
	}
	it.Apply(events("EE123456785CN", ev{EDC, 140, "PLWAWA", "released by customs; duty due 12.40 EUR"})[0], nil)
	from, to, ok := it.CustomsHold()
	if !ok || to.Sub(from) != 48*time.Hour || !it.DutyDue || !it.HeldSince().IsZero() {
		t.Errorf("hold %v…%v %v, duty due %v", from, to, ok, it.DutyDue)
	}
	if !StatusReturned.Final() || !StatusSeized.Final() || StatusReturning.Final() {
		t.Error("final statuses: delivered, returned, seized")
	}
	for _, st := range Statuses() {
		if _, ok := ParseStatus(string(st)); !ok || st.Label() == string(st) {
			t.Errorf("status %s has no label", st)
		}
	}
}

// TestJNCustomsDeducted: J+n with and without the UPU deduction of the time
// held by import customs.
func TestJNCustomsDeducted(t *testing.T) {
	// Posted Friday 20 Nov, held Thursday 26 → released Tuesday 1 Dec
	// (3 working days: 27, 30 Nov, 1 Dec), delivered Thursday 3 Dec.
	var it Item
	utc := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }
	for _, e := range []Event{
		{Code: EMA, Office: "CNXMNA", Time: utc(11, 20, 2)}, {Code: EMD, Office: "PLWAWA", Time: utc(11, 26, 8)},
		{Code: EME, Office: "PLWAWA", Time: utc(11, 26, 9)}, {Code: EDC, Office: "PLWAWA", Time: utc(12, 1, 9)},
		{Code: EMI, Office: "PLWAWA", Time: utc(12, 3, 15)},
	} {
		e.Object, e.Source = "TG20261123003", "post"
		it.Apply(e, nil)
	}
	if n := WorkingDays(localDate(it.AcceptedAt, 0), localDate(it.DeliveredAt, 0)); n != 9 {
		t.Fatalf("J+%d, want J+9", n)
	}
	if d := CustomsDays(it); d != 3 {
		t.Fatalf("customs days %d, want 3", d)
	}
	a := laneWeekAcc{LaneWeek: LaneWeek{StandardDays: 6, JN: make([]int, JNBuckets), JNDeducted: make([]int, JNBuckets), Statuses: map[Status]int{}}}
	a.add(it, localDate(it.AcceptedAt, 0), utc(12, 4, 0))
	lw := a.finish()
	if lw.JN[9] != 1 || lw.JNDeducted[6] != 1 || lw.OnTime != 0 || lw.OnTimeDeducted != 1 || lw.CustomsHeld != 1 || lw.Statuses[StatusDelivered] != 1 {
		t.Errorf("lane week: %+v", lw)
	}
}
