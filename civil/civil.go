package civil

import (
	"fmt"
	"strconv"
	"time"
)

// LocalTime returns the instant at which clocks in loc show c on date d. Two
// DST cases have a fixed answer: a time skipped when clocks go forward is
// moved forward by the gap (02:30 on the night Berlin springs forward is
// 03:30 CEST, as if the clock had not changed yet); a time that occurs twice
// when clocks go back is its first occurrence (still on summer time).
func LocalTime(loc *time.Location, d Date, c Clock) time.Time {
	naive := time.Date(d.Year, d.Month, d.Day, int(c)/60, int(c)%60, 0, 0, time.UTC).Unix()
	offBefore := offsetAt(loc, naive-86400)
	offAfter := offsetAt(loc, naive+86400)
	best, found := int64(0), false
	for _, off := range [2]int64{offBefore, offAfter} {
		u := naive - off
		if offsetAt(loc, u) == off && (!found || u < best) {
			best, found = u, true
		}
	}
	if !found { // in a gap
		best = naive - offBefore
	}
	return time.Unix(best, 0).UTC()
}

func offsetAt(loc *time.Location, unix int64) int64 {
	_, off := time.Unix(unix, 0).In(loc).Zone()
	return int64(off)
}

// Weekdays is a set of ISO weekdays: bit d-1 for day d (1 = Monday … 7 =
// Sunday). Its text form lists the digits in order, e.g. "135".
type Weekdays uint8

// EveryDay is the set of all seven days.
const EveryDay Weekdays = 1<<7 - 1

// ParseWeekdays parses ISO weekday digits such as "1234567" or "135".
func ParseWeekdays(s string) (Weekdays, error) {
	if s == "" {
		return 0, fmt.Errorf("no days: list ISO weekdays as digits 1 (Monday) to 7 (Sunday), e.g. 135")
	}
	var w Weekdays
	for _, c := range s {
		if c < '1' || c > '7' {
			return 0, fmt.Errorf("%q: %q is not an ISO weekday digit 1 (Monday) to 7 (Sunday)", s, c)
		}
		bit := Weekdays(1) << (c - '1')
		if w&bit != 0 {
			return 0, fmt.Errorf("%q lists day %c twice", s, c)
		}
		w |= bit
	}
	return w, nil
}

// Has reports whether the set contains day.
func (w Weekdays) Has(day time.Weekday) bool {
	iso := int(day)
	if iso == 0 {
		iso = 7
	}
	return w&(1<<(iso-1)) != 0
}

func (w Weekdays) String() string {
	var b []byte
	for d := range 7 {
		if w&(1<<d) != 0 {
			b = append(b, byte('1'+d))
		}
	}
	return string(b)
}

// MarshalText writes the digits form.
func (w Weekdays) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText parses the digits form.
func (w *Weekdays) UnmarshalText(b []byte) error {
	v, err := ParseWeekdays(string(b))
	*w = v
	return err
}

// Clock is a local time of day in minutes after midnight, written HH:MM.
type Clock int

// ParseClock parses HH:MM (24-hour, two digits each).
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, fmt.Errorf("%q is not a time HH:MM (24-hour, e.g. 09:05)", s)
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%q is not a time of day: want 00:00 to 23:59", s)
	}
	return Clock(h*60 + m), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText writes HH:MM.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses HH:MM.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	*c = v
	return err
}

// Date is a calendar date without a zone, written YYYY-MM-DD. The zero Date
// means "open" in validity ranges.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses YYYY-MM-DD; the empty string is the zero (open) Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return Date{}, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the open date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real calendar date in the years 1900 to 9999
// (the zero Date is not).
func (d Date) Valid() bool {
	return d.Year >= 1900 && d.Year <= 9999 && DateOf(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)) == d
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.key() < e.key() }

func (d Date) key() int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText writes YYYY-MM-DD ("" for the open date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	*d = v
	return err
}
