package twin

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/interpost/interpost/civil"
)

// Baseline is the model of the world the twin simulates: demand and the
// distributions of what happens to mail (docs/twin.md lists each with its
// source). Zero fields take DefaultBaseline's values.
type Baseline struct {
	// Start is the first simulated day (YYYY-MM-DD, local to the origin offices).
	Start string `yaml:"start"`
	// Merchants post the demand: items per day on an average weekday.
	Merchants []MerchantDemand `yaml:"merchants"`
	// Lanes weigh the destination countries (relative shares).
	Lanes map[string]float64 `yaml:"lanes"`
	// Weekly multiplies demand per ISO weekday, Monday first.
	Weekly [7]float64 `yaml:"weekly"`
	// Hourly weighs the hour of handing over at the counter, 0…23.
	Hourly [24]float64 `yaml:"hourly"`
	// WeightMedianG and WeightSigma shape the log-normal item weight.
	WeightMedianG float64 `yaml:"weight_median_g"`
	WeightSigma   float64 `yaml:"weight_sigma"`
	// CapacityScale scales every departure's capacity to the twin's world:
	// a run at a sample of the real demand gets the same sample of capacity.
	CapacityScale float64 `yaml:"capacity_scale"`
	// ExportHoldRate is the share of items export customs holds for a check;
	// ExportHoldDays the mean days until released.
	ExportHoldRate float64 `yaml:"export_hold_rate"`
	ExportHoldDays float64 `yaml:"export_hold_days"`
	// Modes are the transport distributions per mode (air, rail, road, sea).
	Modes map[string]ModeModel `yaml:"modes"`
	// Borders are the extra waits at border crossings (by office code).
	Borders map[string]BorderModel `yaml:"borders"`
	// Countries are the destination posts' handling; "*" is the default.
	Countries map[string]CountryModel `yaml:"countries"`
	// Scans is how partners send their scans.
	Scans ScanModel `yaml:"scans"`
}

// MerchantDemand is one merchant's demand.
type MerchantDemand struct {
	Code   string  `yaml:"code"`
	PerDay float64 `yaml:"per_day"`
}

// ModeModel is a mode's departure delay and cancellation.
type ModeModel struct {
	// DelayMedianH, DelaySigma: log-normal delay of an actual departure
	// and arrival past the timetable, hours (a share OnTime has none).
	OnTime       float64 `yaml:"on_time"`
	DelayMedianH float64 `yaml:"delay_median_h"`
	DelaySigma   float64 `yaml:"delay_sigma"`
	// Cancel is the chance a departure is cancelled; its mail waits
	// CancelWaitH (the next departure of a typical service).
	Cancel      float64 `yaml:"cancel"`
	CancelWaitH float64 `yaml:"cancel_wait_h"`
	// BorderQueueH is the median queue (log-normal, sigma 1) where a leg
	// of this mode crosses from one country into another, hours.
	BorderQueueH float64 `yaml:"border_queue_h"`
}

// BorderModel is the wait at a border crossing: log-normal, hours.
type BorderModel struct {
	Name    string  `yaml:"name"`
	MedianH float64 `yaml:"median_h"`
	Sigma   float64 `yaml:"sigma"`
}

// CountryModel is a destination post's inward handling and delivery.
type CountryModel struct {
	HandlingH     float64 `yaml:"handling_h"`     // arrival to leaving the inward office (median)
	ImportHold    float64 `yaml:"import_hold"`    // share held by import customs
	ImportHoldH   float64 `yaml:"import_hold_h"`  // median hours held
	LastMileDays  float64 `yaml:"last_mile_days"` // leaving the inward office to first attempt (mean)
	AttemptFail   float64 `yaml:"attempt_fail"`   // chance an attempt fails
	MaxAttempts   int     `yaml:"max_attempts"`   // then returned to sender
	ReturnRefused float64 `yaml:"return_refused"` // chance an item is refused outright and returned
}

// ScanModel is how partners send scans.
type ScanModel struct {
	LagMedianH float64 `yaml:"lag_median_h"` // log-normal lag of sending after the event
	LagSigma   float64 `yaml:"lag_sigma"`
	Duplicate  float64 `yaml:"duplicate"` // chance an event is sent twice
}

// DefaultBaseline is the built-in model over the demo world (docs/twin.md).
func DefaultBaseline() Baseline {
	return Baseline{
		Start:     "2026-11-02",
		Merchants: []MerchantDemand{{"XMTEA", 30}, {"SZGADGET", 60}, {"YIWUCRAFT", 45}, {"HZSILK", 25}, {"GZFASHION", 50}},
		Lanes: map[string]float64{"US": 18, "RU": 12, "FR": 7, "DE": 7, "GB": 6, "PL": 6, "ES": 5, "BR": 6, "KZ": 5, "IL": 4,
			"AU": 4, "JP": 4, "KR": 3, "NL": 3, "IT": 3, "UZ": 2, "HU": 2, "MN": 1},
		Weekly:        [7]float64{1.15, 1.10, 1.05, 1.00, 0.95, 0.85, 0.90},
		Hourly:        [24]float64{0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 8, 10, 9, 7, 9, 10, 10, 8, 5, 2, 1, 0, 0, 0},
		WeightMedianG: 300, WeightSigma: 0.9,
		CapacityScale:  0.0006,
		ExportHoldRate: 0.02, ExportHoldDays: 1.5,
		Modes: map[string]ModeModel{
			"air":  {OnTime: 0.80, DelayMedianH: 4, DelaySigma: 1.0, Cancel: 0.02, CancelWaitH: 24},
			"rail": {OnTime: 0.55, DelayMedianH: 18, DelaySigma: 0.9, Cancel: 0.01, CancelWaitH: 72},
			"road": {OnTime: 0.60, DelayMedianH: 6, DelaySigma: 0.9, Cancel: 0.01, CancelWaitH: 24, BorderQueueH: 10},
			"sea":  {OnTime: 0.50, DelayMedianH: 30, DelaySigma: 1.0, Cancel: 0.005, CancelWaitH: 168},
		},
		Borders: map[string]BorderModel{
			"CNHGSA": {Name: "Khorgos", MedianH: 20, Sigma: 0.8},
			"CNAKLA": {Name: "Alashankou", MedianH: 24, Sigma: 0.8},
			"BYBQTA": {Name: "Brest–Małaszewicze", MedianH: 30, Sigma: 0.9},
			"CNERLA": {Name: "Erenhot", MedianH: 16, Sigma: 0.8},
			"CNNZHA": {Name: "Manzhouli", MedianH: 18, Sigma: 0.8},
		},
		Countries: map[string]CountryModel{
			"*":  {HandlingH: 18, ImportHold: 0.03, ImportHoldH: 48, LastMileDays: 2.5, AttemptFail: 0.12, MaxAttempts: 3, ReturnRefused: 0.005},
			"US": {HandlingH: 20, ImportHold: 0.02, ImportHoldH: 36, LastMileDays: 3, AttemptFail: 0.08, MaxAttempts: 3, ReturnRefused: 0.004},
			"RU": {HandlingH: 30, ImportHold: 0.05, ImportHoldH: 72, LastMileDays: 5, AttemptFail: 0.20, MaxAttempts: 2, ReturnRefused: 0.01},
			"BR": {HandlingH: 48, ImportHold: 0.15, ImportHoldH: 120, LastMileDays: 6, AttemptFail: 0.18, MaxAttempts: 3, ReturnRefused: 0.01},
			"DE": {HandlingH: 12, ImportHold: 0.02, ImportHoldH: 24, LastMileDays: 1.5, AttemptFail: 0.10, MaxAttempts: 2, ReturnRefused: 0.003},
			"JP": {HandlingH: 10, ImportHold: 0.01, ImportHoldH: 24, LastMileDays: 1.2, AttemptFail: 0.15, MaxAttempts: 3, ReturnRefused: 0.002},
			"KZ": {HandlingH: 24, ImportHold: 0.04, ImportHoldH: 48, LastMileDays: 4, AttemptFail: 0.15, MaxAttempts: 3, ReturnRefused: 0.008},
		},
		Scans: ScanModel{LagMedianH: 4, LagSigma: 1.2, Duplicate: 0.03},
	}
}

// LoadBaseline reads a baseline YAML file over DefaultBaseline: fields the
// file gives replace the defaults (maps are merged by key).
func LoadBaseline(path string) (Baseline, error) {
	b := DefaultBaseline()
	if path == "" {
		return b, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return b, err
	}
	var over Baseline
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&over); err != nil {
		return b, fmt.Errorf("baseline %s: %w", path, err)
	}
	b.merge(over)
	return b, b.Validate()
}

func (b *Baseline) merge(o Baseline) {
	if o.Start != "" {
		b.Start = o.Start
	}
	if len(o.Merchants) > 0 {
		b.Merchants = o.Merchants
	}
	if len(o.Lanes) > 0 {
		b.Lanes = o.Lanes
	}
	if o.Weekly != ([7]float64{}) {
		b.Weekly = o.Weekly
	}
	if o.Hourly != ([24]float64{}) {
		b.Hourly = o.Hourly
	}
	if o.WeightMedianG > 0 {
		b.WeightMedianG, b.WeightSigma = o.WeightMedianG, o.WeightSigma
	}
	if o.CapacityScale > 0 {
		b.CapacityScale = o.CapacityScale
	}
	if o.ExportHoldRate > 0 {
		b.ExportHoldRate = o.ExportHoldRate
	}
	if o.ExportHoldDays > 0 {
		b.ExportHoldDays = o.ExportHoldDays
	}
	for k, v := range o.Modes {
		b.Modes[k] = v
	}
	for k, v := range o.Borders {
		b.Borders[k] = v
	}
	for k, v := range o.Countries {
		b.Countries[k] = v
	}
	if o.Scans != (ScanModel{}) {
		b.Scans = o.Scans
	}
}

// Validate checks the model's numbers.
func (b Baseline) Validate() error {
	if _, err := civil.ParseDate(b.Start); err != nil {
		return fmt.Errorf("baseline start: %w", err)
	}
	for _, m := range b.Merchants {
		if m.PerDay < 0 {
			return fmt.Errorf("baseline merchant %s: per_day %v is negative", m.Code, m.PerDay)
		}
	}
	for c, w := range b.Lanes {
		if w < 0 {
			return fmt.Errorf("baseline lane %s: weight %v is negative", c, w)
		}
	}
	if b.CapacityScale <= 0 {
		return fmt.Errorf("baseline capacity_scale %v must be positive", b.CapacityScale)
	}
	if b.WeightMedianG <= 0 || b.WeightSigma < 0 {
		return fmt.Errorf("baseline weight: median %v g, sigma %v", b.WeightMedianG, b.WeightSigma)
	}
	for _, p := range []float64{b.ExportHoldRate, b.Scans.Duplicate} {
		if p < 0 || p > 1 {
			return fmt.Errorf("baseline: share %v outside 0…1", p)
		}
	}
	return nil
}

// country returns a destination post's model.
func (b Baseline) country(c string) CountryModel {
	if m, ok := b.Countries[c]; ok {
		return m
	}
	return b.Countries["*"]
}

// rng is the twin's random source. Demand draws from one PCG stream;
// every other draw from a stream of its own purpose and subject (an
// item, a departure), so a scenario that changes one departure leaves
// the draws of every other untouched: scenarios are compared with common
// random numbers, and differences are the scenario's, not noise.
type rng struct{ *rand.Rand }

func newRNG(seed uint64, stream uint64) rng { return rng{rand.New(rand.NewPCG(seed, stream))} }

// draw returns the stream of a purpose and subject.
func (r *run) draw(purpose string, subject ...string) rng {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	for _, s := range subject {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	return newRNG(r.o.Seed, h.Sum64())
}

// poisson draws a Poisson count (Knuth for small means, normal above 30).
func (r rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// lognormal draws a log-normal value with the given median.
func (r rng) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// chance reports true with probability p.
func (r rng) chance(p float64) bool { return r.Float64() < p }

// weighted picks an index by weights.
func (r rng) weighted(w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	x := r.Float64() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// sortedKeys returns a map's keys in order (deterministic iteration).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
