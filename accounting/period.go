package accounting

import (
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/civil"
)

// Period is a span of days statements and reports cover: [From, To) in UTC.
type Period struct {
	Name     string    `json:"name" doc:"2026-11 for a month, 2026-11-01..2026-11-15 for days"`
	From, To time.Time `json:"-"`
}

// Month returns the calendar month of t (UTC).
func Month(t time.Time) Period {
	t = t.UTC()
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return Period{Name: from.Format("2006-01"), From: from, To: from.AddDate(0, 1, 0)}
}

// ParsePeriod reads a month "2026-11" or an inclusive range of days
// "2026-11-01..2026-11-15". Periods are UTC days: an item is in the period
// its acceptance time (UTC) falls in.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if a, b, ok := strings.Cut(s, ".."); ok {
		from, err1 := civil.ParseDate(a)
		to, err2 := civil.ParseDate(b)
		if err1 != nil || err2 != nil || to.Before(from) {
			return Period{}, fmt.Errorf("%q is not a period: want YYYY-MM or YYYY-MM-DD..YYYY-MM-DD (from ≤ to)", s)
		}
		f := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, time.UTC)
		t := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
		if t.Sub(f) > 366*24*time.Hour {
			return Period{}, fmt.Errorf("%q is longer than a year", s)
		}
		return Period{Name: s, From: f, To: t}, nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Period{}, fmt.Errorf("%q is not a period: want YYYY-MM (a month) or YYYY-MM-DD..YYYY-MM-DD", s)
	}
	return Month(t), nil
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Last is the last day of the period.
func (p Period) Last() time.Time { return p.To.AddDate(0, 0, -1) }

// String is the period's name.
func (p Period) String() string { return p.Name }
