package dispatch

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"github.com/interpost/interpost/postal"
)

// Stream is where a group of items goes: a dispatch stream (destination,
// category, subclass) and the receptacle type.
type Stream struct {
	Destination string
	Category    string
	Subclass    string
	Type        ReceptacleType
}

// Sorted is a day's items at an office split by stream.
type Sorted struct {
	Office   string
	Streams  map[Stream][]Item
	Unsorted []Unsorted
	Items    int
}

// Unsorted is an item the sort plan has no rule for.
type Unsorted struct {
	Item   string `json:"item"`
	Reason string `json:"reason"`
}

// Presort splits items by the stream the office's plan sends them to.
// Items no rule takes are listed, not guessed.
func Presort(plan *SortPlan, items []Item) Sorted {
	s := Sorted{Office: plan.Office, Streams: map[Stream][]Item{}}
	sorter := plan.Sorter()
	for _, it := range items {
		t, err := sorter.Sort(it)
		if err != nil {
			reason := err.Error()
			var pe *postal.Error
			if errors.As(err, &pe) {
				reason = pe.Message
			}
			s.Unsorted = append(s.Unsorted, Unsorted{Item: string(it.ID), Reason: reason})
			continue
		}
		k := Stream{Destination: t.Destination, Category: t.Category, Subclass: t.Subclass, Type: t.Receptacle}
		s.Streams[k] = append(s.Streams[k], it)
		s.Items++
	}
	return s
}

// Receptacles packs items into receptacles of type t in order, each up to
// the type's gross limit, and returns the items of each receptacle. An item
// heavier than an empty receptacle holds goes alone.
func Receptacles(items []Item, t ReceptacleType) [][]Item {
	spec, _ := LookupType(t)
	var out [][]Item
	var cur []Item
	gross := spec.TareG
	for _, it := range items {
		if len(cur) > 0 && gross+it.WeightG > spec.MaxGrossG {
			out = append(out, cur)
			cur, gross = nil, spec.TareG
		}
		cur = append(cur, it)
		gross += it.WeightG
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// PackDispatch builds a closed dispatch from packed receptacles: S9 ids
// with the flags and weights, totals, scans at the office at time at.
func PackDispatch(office string, s Stream, year, serial int, receptacles [][]Item, at time.Time, by string) (PackedDispatch, error) {
	id := postal.DispatchID{Origin: office, Destination: s.Destination, Category: postal.MailCategory(s.Category[0]), Subclass: s.Subclass,
		YearDigit: year % 10, Serial: serial}
	if err := id.Validate(); err != nil {
		return PackedDispatch{}, err
	}
	spec, _ := LookupType(s.Type)
	closed := at
	d := Dispatch{ID: id.String(), Origin: office, Destination: s.Destination, Category: s.Category, Subclass: s.Subclass, Year: year,
		Serial: serial, Status: StatusClosed, Form: FormOf(id.Category), AtOffice: office, Receptacles: len(receptacles),
		OpenedAt: at, OpenedBy: by, ClosedAt: &closed, ClosedBy: by}
	p := PackedDispatch{Receptacles: make([]PackedReceptacle, len(receptacles))}
	for i, items := range receptacles {
		r := Receptacle{Number: ReceptacleNumber(d.ID, i+1), Dispatch: d.ID, Serial: i + 1, Type: s.Type, Status: StatusClosed,
			Items: len(items), Last: i == len(receptacles)-1, OpenedAt: at, ClosedAt: &closed, ClosedBy: by}
		scans := make([]ScannedItem, len(items))
		for j, it := range items {
			r.NetWeightG += it.WeightG
			r.Registered = r.Registered || it.Registered
			scans[j] = ScannedItem{Item: string(it.ID), Receptacle: r.Number, Office: office, WeightG: it.WeightG, Registered: it.Registered,
				ScannedAt: at, ScannedBy: by}
		}
		r.GrossWeightG = r.NetWeightG + spec.TareG
		var err error
		if r.ID, err = S9(d.ID, r.Serial, r.Last, r.Registered, r.GrossWeightG); err != nil {
			return PackedDispatch{}, err
		}
		d.Items += r.Items
		d.NetWeightG += r.NetWeightG
		d.GrossWeightG += r.GrossWeightG
		d.Registered = d.Registered || r.Registered
		p.Receptacles[i] = PackedReceptacle{Receptacle: r, Items: scans}
	}
	p.Dispatch = d
	return p, nil
}

// PackedOutbox is the outbox entry of a dispatch packed in bulk: EMB for
// every item (at its scan time), every receptacle and the dispatch.
func PackedOutbox(p PackedDispatch) Outbox {
	d := p.Dispatch
	at := *d.ClosedAt
	var out Outbox
	for _, r := range p.Receptacles {
		out.FanOut = append(out.FanOut, FanOut{Receptacle: r.Receptacle.Number, ScanTime: true,
			Event: Event{Code: CodeAtOutwardOE, Office: d.Origin, Source: SourcePost, Reason: "into receptacle " + r.Receptacle.Number, NextOffice: d.Destination}})
		out.Events = append(out.Events, Event{Object: r.Receptacle.ID, Code: CodeAtOutwardOE, Office: d.Origin, Time: at, Source: SourcePost,
			Reason: "closed into dispatch " + d.ID, NextOffice: d.Destination})
	}
	out.Events = append(out.Events, Event{Object: d.ID, Code: CodeAtOutwardOE, Office: d.Origin, Time: at, Source: SourcePost,
		Reason: "dispatch closed", NextOffice: d.Destination})
	return out
}

// SortStreams returns the streams of s in a stable order.
func (s Sorted) SortStreams() []Stream {
	keys := make([]Stream, 0, len(s.Streams))
	for k := range s.Streams {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Stream) int {
		return cmp.Or(cmp.Compare(a.Destination, b.Destination), cmp.Compare(a.Category, b.Category),
			cmp.Compare(a.Subclass, b.Subclass), cmp.Compare(a.Type, b.Type))
	})
	return keys
}
