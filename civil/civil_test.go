package civil

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below, without system zone files
)

func TestLocalTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	sydney, _ := time.LoadLocation("Australia/Sydney")
	lordHowe, _ := time.LoadLocation("Australia/Lord_Howe")
	cases := []struct {
		loc   *time.Location
		date  Date
		clock string
		want  string
	}{
		{berlin, Date{2026, 3, 29}, "01:59", "2026-03-29T00:59:00Z"},
		{berlin, Date{2026, 3, 29}, "02:00", "2026-03-29T01:00:00Z"}, // skipped: forward by the gap, = 03:00 CEST
		{berlin, Date{2026, 3, 29}, "02:30", "2026-03-29T01:30:00Z"},
		{berlin, Date{2026, 3, 29}, "03:00", "2026-03-29T01:00:00Z"},  // the first real minute of summer time
		{berlin, Date{2026, 10, 25}, "02:30", "2026-10-25T00:30:00Z"}, // twice: the first
		{berlin, Date{2026, 10, 25}, "03:00", "2026-10-25T02:00:00Z"},
		{sydney, Date{2026, 4, 5}, "02:30", "2026-04-04T15:30:00Z"},    // back: first, still AEDT (+11)
		{sydney, Date{2026, 10, 4}, "02:30", "2026-10-03T16:30:00Z"},   // forward gap: +10 applied
		{lordHowe, Date{2026, 10, 4}, "02:15", "2026-10-03T15:45:00Z"}, // 30-minute gap
	}
	for _, c := range cases {
		clock, _ := ParseClock(c.clock)
		if got := LocalTime(c.loc, c.date, clock).Format(time.RFC3339); got != c.want {
			t.Errorf("LocalTime(%s, %s %s) = %s, want %s", c.loc, c.date, c.clock, got, c.want)
		}
	}
	// Away from changes it agrees with time.Date, in many zones, all year.
	for _, name := range []string{"Asia/Shanghai", "Europe/Warsaw", "America/Santiago", "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == 2026; day = day.AddDate(0, 0, 1) {
			for _, clock := range []Clock{0, 7*60 + 13, 12 * 60, 23*60 + 59} {
				got := LocalTime(loc, DateOf(day), clock)
				want := time.Date(day.Year(), day.Month(), day.Day(), int(clock)/60, int(clock)%60, 0, 0, loc)
				local := got.In(loc)
				if local.Hour()*60+local.Minute() == int(clock) && DateOf(local) == DateOf(day) && !got.Equal(want) {
					// Both exist and show the same wall time: only an
					// ambiguous hour may differ, and then ours is earlier.
					if got.After(want) {
						t.Errorf("%s %s %s: %s, time.Date %s", name, DateOf(day), clock, got, want)
					}
				}
			}
		}
	}
}

func TestWeekdaysAndClock(t *testing.T) {
	w, err := ParseWeekdays("7531")
	if err != nil || w.String() != "1357" || !w.Has(time.Sunday) || w.Has(time.Tuesday) {
		t.Errorf("ParseWeekdays(7531) = %s, %v", w, err)
	}
	for _, bad := range []string{"", "0", "8", "1a", "11", "１"} {
		if _, err := ParseWeekdays(bad); err == nil {
			t.Errorf("ParseWeekdays(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"24:00", "9:00", "09:0", "0900", "09:60", "-1:00", "+9:00", "09:00 "} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
	if c, err := ParseClock("23:59"); err != nil || c != 1439 || c.String() != "23:59" {
		t.Errorf("ParseClock(23:59) = %v, %v", c, err)
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil || d.AddDays(1) != (Date{2026, 3, 1}) || d.Weekday() != time.Saturday || d.String() != "2026-02-28" {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	if d, err := ParseDate(""); err != nil || !d.IsZero() || d.String() != "" {
		t.Errorf("empty date = %v, %v", d, err)
	}
	for _, bad := range []string{"2026-02-29", "26-01-01", "2026/01/01", "0001-01-01"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}
