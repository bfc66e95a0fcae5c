package dispatch

import (
	"context"
	"time"
)

// Event is a tracking event on an item (S10), receptacle (S9) or dispatch
// (S8), in the shape of tracking.Event: a UPU EMSEVT V3 code, the office,
// the time and who reported it.
type Event struct {
	Object     string    `json:"object"`
	Code       string    `json:"code" example:"EMC"`
	Office     string    `json:"office"`
	Time       time.Time `json:"time"`
	Source     string    `json:"source" doc:"post, or carrier:CODE for carrier responses"`
	Reason     string    `json:"reason,omitempty"`
	NextOffice string    `json:"next_office,omitempty"`
}

// Event codes used by exchange operations (UPU EMSEVT V3; see
// docs/formats.md). EMSEVT has no code of its own for "into a receptacle"
// or "receptacle into a dispatch": both are recorded as EMB, the item or
// receptacle being processed at the outward office of exchange, with a
// reason naming the container. EMC (departure from the outward office of
// exchange) is emitted when the dispatch departs, for the dispatch, its
// receptacles and every item in them, as the PRIME rules expect of the
// sender. EMK and EMD come from carrier responses (RESDIT).
const (
	CodeAtOutwardOE  = "EMB"
	CodeDeparted     = "EMC"
	CodeLeftTransit  = "EMK"
	CodeArrivedAtDOE = "EMD"
)

// SourcePost is the source of the events Interpost's own offices report.
const SourcePost = "post"

// EventSink receives events, e.g. the tracking service. Record must be
// idempotent: an event delivered twice (after a crash between delivery and
// acknowledgement, or by two nodes at once) is stored once.
type EventSink interface {
	Record(ctx context.Context, events []Event) error
}

// EventSinkFunc adapts a function to EventSink.
type EventSinkFunc func(ctx context.Context, events []Event) error

// Record implements EventSink.
func (f EventSinkFunc) Record(ctx context.Context, events []Event) error { return f(ctx, events) }

// Outbox is one entry of the event outbox, written in the same transaction
// as the change it reports. Events are ready as they are; FanOut asks for
// one event per item of a receptacle, made when the entry is delivered, so
// a dispatch of a thousand items costs one outbox row, not a thousand.
type Outbox struct {
	Seq    int64    `json:"-"`
	Events []Event  `json:"events,omitempty"`
	FanOut []FanOut `json:"fan_out,omitempty"`
}

// FanOut is the template of the events of every item in a receptacle. With
// ScanTime, each item's event takes the time it was scanned in.
type FanOut struct {
	Receptacle string `json:"receptacle"`
	Event      Event  `json:"event"`
	ScanTime   bool   `json:"scan_time,omitempty"`
}
