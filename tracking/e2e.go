package tracking

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/interpost/interpost/postal"
)

// Standard is the delivery standard of a lane: delivery by J+Days, where J
// is the posting day and days are working days (Monday–Friday; public
// holidays are not modelled). Empty Origin, Dest or Product match any.
type Standard struct {
	Origin  string `json:"origin,omitempty" doc:"ISO country; empty = any"`
	Dest    string `json:"dest,omitempty" doc:"ISO country; empty = any"`
	Product string `json:"product,omitempty" doc:"Product code; empty = any"`
	Days    int    `json:"days" minimum:"0" maximum:"60" doc:"n of J+n"`
}

// DefaultStandardDays applies to lanes without a configured standard: the
// UPU target for international mail is J+5 (for 80 % of items).
const DefaultStandardDays = 5

// Validate checks a standard.
func (st Standard) Validate() error {
	var fe postal.FieldList
	if st.Origin != "" && !postal.ValidCountry(st.Origin) {
		fe.Add("origin", "%q is not an ISO 3166-1 alpha-2 code", st.Origin)
	}
	if st.Dest != "" && !postal.ValidCountry(st.Dest) {
		fe.Add("dest", "%q is not an ISO 3166-1 alpha-2 code", st.Dest)
	}
	if st.Product != "" {
		if _, err := postal.LookupProduct(st.Product); err != nil {
			fe.Add("product", "%s", err.Error())
		}
	}
	if st.Days < 0 || st.Days > 60 {
		fe.Add("days", "%d must be between 0 and 60 working days", st.Days)
	}
	return fe.Err("bad delivery standard")
}

// StandardFor returns the days of the most specific standard matching lane
// (exact fields beat wildcards), or DefaultStandardDays.
func StandardFor(stds []Standard, lane Lane) int {
	best, days := -1, DefaultStandardDays
	for _, st := range stds {
		score, ok := 0, true
		for _, f := range [][2]string{{st.Origin, lane.Origin}, {st.Dest, lane.Dest}, {st.Product, lane.Product}} {
			switch f[0] {
			case "":
			case f[1]:
				score++
			default:
				ok = false
			}
		}
		if ok && score > best {
			best, days = score, st.Days
		}
	}
	return days
}

// PutStandard validates and stores a lane's delivery standard.
func (s *Service) PutStandard(ctx context.Context, st Standard) error {
	if err := st.Validate(); err != nil {
		return err
	}
	if err := s.Store.PutDeliveryStandard(ctx, st); err != nil {
		return err
	}
	s.stdCache.mu.Lock()
	s.stdCache.list = nil // re-read on next use
	s.stdCache.mu.Unlock()
	return nil
}

// localDate returns the calendar date of t at a UTC offset, as midnight UTC.
func localDate(t time.Time, offset int) time.Time {
	l := t.UTC().Add(time.Duration(offset) * time.Second)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

func workingDay(d time.Time) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// WorkingDays returns n of J+n: the working days after the posting date j
// up to and including the delivery date d (0 for delivery on the posting
// day or on the weekend after a Friday posting).
func WorkingDays(j, d time.Time) int {
	n := 0
	for day := j.AddDate(0, 0, 1); !day.After(d); day = day.AddDate(0, 0, 1) {
		if workingDay(day) {
			n++
		}
	}
	return n
}

// AddWorkingDays returns the date n working days after d.
func AddWorkingDays(d time.Time, n int) time.Time {
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if workingDay(d) {
			n--
		}
	}
	return d
}

// JNBuckets is the number of J+n buckets: J+0 … J+9, then J+10 and later.
const JNBuckets = 11

// Segment names, in chain order.
var Segments = []string{"origin_handling", "transport", "destination_customs", "last_mile"}

// SegmentStat summarises one segment's durations in hours.
type SegmentStat struct {
	Count  int     `json:"count" doc:"Items with both ends of the segment scanned"`
	Median float64 `json:"median_hours"`
	P90    float64 `json:"p90_hours"`
}

// LaneWeek is the performance of one lane for the items posted in one ISO week.
type LaneWeek struct {
	Lane
	Week         string  `json:"week" doc:"ISO week of posting, e.g. 2026-W47"`
	Volume       int     `json:"volume" doc:"Items posted (EMA)"`
	Delivered    int     `json:"delivered"`
	StandardDays int     `json:"standard_days" doc:"n of the lane's J+n delivery standard"`
	OnTime       int     `json:"on_time" doc:"Delivered by J+standard_days"`
	OnTimeShare  float64 `json:"on_time_share" doc:"on_time / delivered (0 when none delivered)"`
	// Late counts undelivered items already past their standard.
	Late int   `json:"late_in_flight"`
	JN   []int `json:"jn" doc:"Delivered items by n of J+n: index 0…9, index 10 = J+10 or later"`
	// The same with the UPU deduction: working days an item spent held by
	// import customs (first EDB/EME to EDC, or EMF) are not counted.
	OnTimeDeducted      int     `json:"on_time_customs_deducted" doc:"Delivered by J+standard_days once customs holding time is deducted"`
	OnTimeShareDeducted float64 `json:"on_time_share_customs_deducted"`
	JNDeducted          []int   `json:"jn_customs_deducted" doc:"As jn, with the working days held by import customs deducted (UPU rule)"`
	CustomsHeld         int     `json:"customs_held" doc:"Delivered items with a measured import customs hold"`
	// Statuses counts the lane-week's items by their current lifecycle
	// status, the same status the shipment and its timeline show.
	Statuses map[Status]int `json:"statuses"`
	// Segments are origin handling (EMA→EMC), transport (EMC→EMD),
	// destination customs (EMD→EMF) and last mile (EMF→EMI).
	Segments map[string]SegmentStat `json:"segments"`
}

// Report is the end-to-end performance of the items posted in [From, To].
type Report struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Lanes []LaneWeek `json:"lanes"`
}

type laneWeekAcc struct {
	LaneWeek
	seg [4][]float64
}

// E2E measures the lanes' performance for items posted (EMA, local date)
// from the date from to the date to, inclusive, per lane and ISO week of
// posting. Items without an EMA are not measured.
func (s *Service) E2E(ctx context.Context, from, to time.Time) (Report, error) {
	if to.Before(from) {
		return Report{}, postal.Invalid("bad period", postal.FieldError{Field: "to", Message: "is before from"})
	}
	if to.Sub(from) > 400*24*time.Hour {
		return Report{}, postal.Invalid("bad period", postal.FieldError{Field: "to", Message: "the period may span at most 400 days"})
	}
	stds, err := s.Store.DeliveryStandards(ctx)
	if err != nil {
		return Report{}, err
	}
	today := localDate(s.now(), 0)
	acc := map[string]*laneWeekAcc{}
	// Posting dates are local: widen the UTC window by a day each side and
	// filter on the local date.
	err = s.Store.TrackedItemsAccepted(ctx, from.Add(-24*time.Hour), to.Add(48*time.Hour), func(it Item) error {
		j := localDate(it.AcceptedAt, it.AcceptedOffset)
		if j.Before(from) || j.After(to) {
			return nil
		}
		y, w := j.ISOWeek()
		week := fmt.Sprintf("%04d-W%02d", y, w)
		key := it.Origin + "|" + it.Dest + "|" + it.Product + "|" + week
		a := acc[key]
		if a == nil {
			lane := it.Lane()
			a = &laneWeekAcc{LaneWeek: LaneWeek{Lane: lane, Week: week, StandardDays: StandardFor(stds, lane), JN: make([]int, JNBuckets),
				JNDeducted: make([]int, JNBuckets), Statuses: map[Status]int{}}}
			acc[key] = a
		}
		a.add(it, j, today)
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	rep := Report{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Lanes: []LaneWeek{}}
	for _, a := range acc {
		rep.Lanes = append(rep.Lanes, a.finish())
	}
	slices.SortFunc(rep.Lanes, func(a, b LaneWeek) int {
		return cmp.Or(cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.Dest, b.Dest), cmp.Compare(a.Product, b.Product), cmp.Compare(a.Week, b.Week))
	})
	return rep, nil
}

func (a *laneWeekAcc) add(it Item, j, today time.Time) {
	a.Volume++
	a.Statuses[it.Status]++
	// Going back or gone: the EMI that hands a return back to its sender
	// is not a delivery, and an item not going to the addressee is not
	// late in flight.
	back := it.Status == StatusReturning || it.Status == StatusReturned || it.Status == StatusSeized
	delivered := it.DeliveredAt
	switch {
	case back:
		delivered = time.Time{}
	case it.DeliveredAt.IsZero():
		if WorkingDays(j, today) > a.StandardDays {
			a.Late++
		}
	default:
		a.Delivered++
		n := WorkingDays(j, localDate(it.DeliveredAt, it.DeliveredOffset))
		a.JN[min(n, JNBuckets-1)]++
		if n <= a.StandardDays {
			a.OnTime++
		}
		net := n - CustomsDays(it)
		if net != n {
			a.CustomsHeld++
		}
		a.JNDeducted[min(net, JNBuckets-1)]++
		if net <= a.StandardDays {
			a.OnTimeDeducted++
		}
	}
	ends := [5]time.Time{it.AcceptedAt, it.DepartedAt, it.ArrivedAt, it.ReleasedAt, delivered}
	for i := range 4 {
		if !ends[i].IsZero() && !ends[i+1].IsZero() && !ends[i+1].Before(ends[i]) {
			a.seg[i] = append(a.seg[i], ends[i+1].Sub(ends[i]).Hours())
		}
	}
}

func (a *laneWeekAcc) finish() LaneWeek {
	lw := a.LaneWeek
	if lw.Delivered > 0 {
		lw.OnTimeShare = float64(lw.OnTime) / float64(lw.Delivered)
		lw.OnTimeShareDeducted = float64(lw.OnTimeDeducted) / float64(lw.Delivered)
	}
	lw.Segments = make(map[string]SegmentStat, len(Segments))
	for i, name := range Segments {
		d := a.seg[i]
		slices.Sort(d)
		st := SegmentStat{Count: len(d)}
		if len(d) > 0 {
			st.Median, st.P90 = round1(quantile(d, 0.5)), round1(quantile(d, 0.9))
		}
		lw.Segments[name] = st
	}
	return lw
}

// CustomsDays is the working days an item was held by import customs, the
// time the UPU deducts from J+n: the working days after the day of the
// first EDB or EME up to and including the day of the release (EDC, or EMF
// without one), in UTC days. It is 0 without a complete hold. Deducting it
// from n never goes below J+0.
func CustomsDays(it Item) int {
	from, to, ok := it.CustomsHold()
	if !ok || it.DeliveredAt.IsZero() {
		return 0
	}
	j := localDate(it.AcceptedAt, it.AcceptedOffset)
	n := WorkingDays(j, localDate(it.DeliveredAt, it.DeliveredOffset))
	return min(n, WorkingDays(localDate(from, 0), localDate(to, 0)))
}

// quantile of sorted data, nearest rank.
func quantile(sorted []float64, q float64) float64 {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// E2EColumns is the header of the report's CSV form.
var E2EColumns = func() []string {
	cols := []string{"origin", "dest", "product", "week", "volume", "delivered", "standard_days", "on_time", "on_time_share", "late_in_flight"}
	for n := range JNBuckets - 1 {
		cols = append(cols, fmt.Sprintf("j%d", n))
	}
	cols = append(cols, fmt.Sprintf("j%d_plus", JNBuckets-1))
	for _, s := range Segments {
		cols = append(cols, s+"_median_h", s+"_p90_h", s+"_count")
	}
	cols = append(cols, "customs_held", "on_time_customs_deducted", "on_time_share_customs_deducted")
	for n := range JNBuckets - 1 {
		cols = append(cols, fmt.Sprintf("j%d_customs_deducted", n))
	}
	cols = append(cols, fmt.Sprintf("j%d_plus_customs_deducted", JNBuckets-1))
	for _, st := range statusOrder {
		cols = append(cols, "status_"+string(st))
	}
	return cols
}()

// WriteCSV writes the report, one row per lane and week.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(E2EColumns); err != nil {
		return err
	}
	for _, l := range r.Lanes {
		row := []string{l.Origin, l.Dest, l.Product, l.Week, strconv.Itoa(l.Volume), strconv.Itoa(l.Delivered),
			strconv.Itoa(l.StandardDays), strconv.Itoa(l.OnTime), strconv.FormatFloat(l.OnTimeShare, 'f', 3, 64), strconv.Itoa(l.Late)}
		for _, n := range l.JN {
			row = append(row, strconv.Itoa(n))
		}
		for _, s := range Segments {
			st := l.Segments[s]
			row = append(row, strconv.FormatFloat(st.Median, 'f', 1, 64), strconv.FormatFloat(st.P90, 'f', 1, 64), strconv.Itoa(st.Count))
		}
		row = append(row, strconv.Itoa(l.CustomsHeld), strconv.Itoa(l.OnTimeDeducted), strconv.FormatFloat(l.OnTimeShareDeducted, 'f', 3, 64))
		for _, n := range l.JNDeducted {
			row = append(row, strconv.Itoa(n))
		}
		for _, st := range statusOrder {
			row = append(row, strconv.Itoa(l.Statuses[st]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Standards lists every configured delivery standard.
func (s *Service) Standards(ctx context.Context) ([]Standard, error) {
	return s.Store.DeliveryStandards(ctx)
}

// ProjectionLag returns the seq of the last stored event and of the last
// one the item read model has taken in.
func (s *Service) ProjectionLag(ctx context.Context) (last, projected int64, err error) {
	return s.Store.ProjectionLag(ctx)
}
