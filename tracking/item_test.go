package tracking

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

type officeSet map[string]bool

func (o officeSet) Known(c string) bool { return o[c] }

func TestNormalize(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	offices := officeSet{"CNXMNA": true, "PLWAWA": true}
	ok := Event{Object: " ee 123 456 785 cn ", Code: " emc", Office: "cnxmna", Time: now.Add(-time.Hour).Add(123456 * time.Nanosecond), Source: "post"}
	if fe := Normalize(&ok, now, offices); len(fe) > 0 {
		t.Fatalf("valid event refused: %v", fe)
	}
	if ok.Object != "EE123456785CN" || ok.Code != EMC || ok.Office != "CNXMNA" || ok.Time.Nanosecond()%1000 != 0 {
		t.Errorf("not canonical: %+v", ok)
	}
	for _, c := range []struct {
		name  string
		edit  func(*Event)
		field string
		msg   string
	}{
		{"bad id", func(e *Event) { e.Object = "EE123456784CN" }, "object", "check digit"},
		{"unknown code", func(e *Event) { e.Code = "EMZ" }, "code", "not a UPU"},
		{"unknown office", func(e *Event) { e.Office = "DEFRAA" }, "office", "unknown office"},
		{"bad office", func(e *Event) { e.Office = "XMN" }, "office", "6 letters"},
		{"future", func(e *Event) { e.Time = now.Add(25 * time.Hour) }, "time", "future"},
		{"skew within a day", func(e *Event) { e.Time = now.Add(23 * time.Hour) }, "", ""},
		{"ancient", func(e *Event) { e.Time = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }, "time", "before 2000"},
		{"no source", func(e *Event) { e.Source = "" }, "source", "required"},
		{"partner without code", func(e *Event) { e.Source = "partner" }, "source", "partner's code"},
		{"bad source", func(e *Event) { e.Source = "robot" }, "source", "not one of"},
		{"receptacle", func(e *Event) { e.Object = "CNXMNAPLWAWAAUN60001001110125" }, "", ""},
		{"dispatch", func(e *Event) { e.Object = "CNXMNAPLWAWAAUN60001" }, "", ""},
		{"long reason", func(e *Event) { e.Reason = strings.Repeat("x", 101) }, "reason", "longer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := Event{Object: "EE123456785CN", Code: EMC, Office: "CNXMNA", Time: now, Source: "post"}
			c.edit(&e)
			fe := Normalize(&e, now, offices)
			if c.field == "" {
				if len(fe) > 0 {
					t.Fatalf("refused: %v", fe)
				}
				return
			}
			if len(fe) != 1 || fe[0].Field != c.field || !strings.Contains(fe[0].Message, c.msg) {
				t.Errorf("errors = %v, want one on %s containing %q", fe, c.field, c.msg)
			}
		})
	}
}

func TestApplyOrderIndependent(t *testing.T) {
	cst := time.FixedZone("", 8*3600)
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, cst)
	events := []Event{
		{Code: EMA, Office: "CNXMNA", Time: base},
		{Code: EMB, Office: "CNXMNA", Time: base.Add(3 * time.Hour)},
		{Code: EMC, Office: "CNXMNA", Time: base.Add(30 * time.Hour)},
		{Code: EMD, Office: "PLWAWA", Time: base.Add(60 * time.Hour)},
		{Code: EDB, Office: "PLWAWA", Time: base.Add(61 * time.Hour)},
		{Code: EME, Office: "PLWAWA", Time: base.Add(61 * time.Hour)}, // same time: chain position decides
		{Code: EMF, Office: "PLWAWA", Time: base.Add(100 * time.Hour)},
		{Code: EMI, Office: "PLWAWA", Time: base.Add(130 * time.Hour)},
		{Code: EMH, Office: "PLWAWA", Time: base.Add(140 * time.Hour)}, // a stray scan after delivery
	}
	for i := range events {
		events[i].Object, events[i].Source = "EE123456785CN", "post"
	}
	country := func(o string) string { return o[:2] }
	var want Item
	for _, e := range events {
		want.Apply(e, country)
	}
	if want.Status != StatusDelivered || want.LastCode != EMI || want.Events != 9 || want.Origin != "CN" || want.Dest != "PL" || want.Product != "ems" {
		t.Fatalf("in order: %+v", want)
	}
	if want.AcceptedOffset != 8*3600 || !want.ReleasedAt.Equal(base.Add(100*time.Hour)) {
		t.Errorf("milestones: %+v", want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		perm := rng.Perm(len(events))
		var got Item
		for _, i := range perm {
			got.Apply(events[i], country)
		}
		if got != want {
			t.Fatalf("order %v gives %+v\nwant %+v", perm, got, want)
		}
	}
	var held Item
	held.Apply(events[4], country)
	held.Apply(events[5], country)
	if held.Status != StatusImportCustomsHeld {
		t.Errorf("EDB and EME at the same time: %s, want import_customs_held", held.Status)
	}
}

func TestWorkingDays(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, c := range []struct {
		j, d string
		n    int
	}{
		{"2026-11-16", "2026-11-16", 0}, // Monday, same day
		{"2026-11-16", "2026-11-18", 2},
		{"2026-11-20", "2026-11-21", 0}, // Friday → Saturday
		{"2026-11-20", "2026-11-23", 1}, // Friday → Monday
		{"2026-11-16", "2026-11-27", 9},
	} {
		if got := WorkingDays(d(c.j), d(c.d)); got != c.n {
			t.Errorf("J=%s D=%s: J+%d, want J+%d", c.j, c.d, got, c.n)
		}
		if c.n > 0 && workingDay(d(c.d)) && !AddWorkingDays(d(c.j), c.n).Equal(d(c.d)) {
			t.Errorf("AddWorkingDays(%s, %d) = %s", c.j, c.n, AddWorkingDays(d(c.j), c.n).Format(time.DateOnly))
		}
	}
	if got := localDate(time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC), 8*3600); got.Format(time.DateOnly) != "2026-11-21" {
		t.Errorf("17:00 UTC in UTC+8 is the 21st, got %s", got.Format(time.DateOnly))
	}
}

func TestStandardFor(t *testing.T) {
	stds := []Standard{{Days: 9}, {Origin: "CN", Dest: "PL", Days: 8}, {Origin: "CN", Dest: "PL", Product: "ems", Days: 5}, {Dest: "US", Product: "ems", Days: 4}}
	for _, c := range []struct {
		lane Lane
		days int
	}{
		{Lane{"CN", "PL", "ems"}, 5},
		{Lane{"CN", "PL", "parcel"}, 8},
		{Lane{"CN", "US", "ems"}, 4},
		{Lane{"CN", "FR", "ems"}, 9},
	} {
		if got := StandardFor(stds, c.lane); got != c.days {
			t.Errorf("%s: J+%d, want J+%d", c.lane, got, c.days)
		}
	}
	if StandardFor(nil, Lane{"CN", "PL", ""}) != DefaultStandardDays {
		t.Error("no standards: want the default")
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"id":"whd_x"}`)
	sig := Sign("whsec_abc", body)
	// echo -n '{"id":"whd_x"}' | openssl dgst -sha256 -hmac whsec_abc
	if sig != "sha256=aabeb9123a967927732fd7562b1a1f765b70c929aa2237ff1ce62c4cef8e7edc" || !Verify("whsec_abc", body, sig) {
		t.Fatalf("Sign = %s does not verify", sig)
	}
	if Verify("whsec_abd", body, sig) || Verify("whsec_abc", append(body, ' '), sig) {
		t.Error("a wrong secret or body verifies")
	}
	if Backoff(1) != RetryBase || Backoff(2) != 2*RetryBase || Backoff(30) != RetryMax {
		t.Errorf("backoff %v %v %v", Backoff(1), Backoff(2), Backoff(30))
	}
}
