package tracking

import (
	"strings"
	"time"
)

// The lifecycle state machine. An item's status is a function of the set of
// its events, never of the order they arrived in (partners send late,
// resend and batch), so any permutation of the same events gives the same
// status. docs/lifecycle.md has the table; the rules are:
//
//  1. Each event has a rank: (final, stage, time, position). A final event
//     (EMI delivery, EXX/EDX return or seizure) outranks every other; then
//     the later stage of the chain (origin < transport < destination <
//     last mile) outranks the earlier whatever the clocks say, so an EMI
//     or EMH that arrives before the EMD still counts; within a stage the
//     later event wins (an attempted delivery followed by a new "out for
//     delivery" is out for delivery again), and at the same instant the
//     one further along the chain.
//  2. The current event, the highest-ranked one, gives the status through
//     the code table (codeTable's Status column).
//  3. Two decisions override it. A seizure (EXX or EDX whose reason names a
//     seizure, confiscation or destruction) makes the item seized. Any
//     other EXX or EDX sends it back: returning, and returned once a final
//     delivery (EMI) is scanned at or after the earliest return decision.
//
// Every rule is a maximum or minimum over the events, which is why the
// projector can fold events one at a time (Item.Apply) and still agree
// with a fold of the same events in any other order.

// seizure reports whether a return/termination event records a seizure.
func seizure(e Event) bool {
	if e.Code != EXX && e.Code != EDX {
		return false
	}
	r := strings.ToLower(e.Reason)
	for _, w := range []string{"seiz", "confiscat", "destroy", "destruct"} {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}

// dutyDue reports whether a customs release says duty is due from the
// addressee (customs writes "duty due …" in the EDC reason).
func dutyDue(e Event) bool {
	return e.Code == EDC && strings.Contains(strings.ToLower(e.Reason), "duty due")
}

// stageRank orders the stages along the chain.
var stageRank = map[Stage]int{StageOrigin: 1, StageTransport: 2, StageDestination: 3, StageLastMile: 4}

// outranks reports whether event e (described by info) outranks the item's
// current event (rule 1). Exact ties (same code, time and position) keep
// the current one; a tie on everything but the office is broken by the
// office code so that the fold stays order-independent.
func (it *Item) outranks(e Event, info CodeInfo) bool {
	if it.LastCode == "" {
		return true
	}
	cur, _ := LookupCode(it.LastCode)
	if cur.Final() != info.Final() {
		return info.Final()
	}
	if a, b := stageRank[info.Stage], stageRank[cur.Stage]; a != b {
		return a > b
	}
	if !e.Time.Equal(it.LastTime) {
		return e.Time.After(it.LastTime)
	}
	if info.Position != cur.Position {
		return info.Position > cur.Position
	}
	return e.Office > it.LastOffice
}

// derive computes the status from the folded facts (rules 2 and 3).
func (it *Item) derive() Status {
	switch {
	case !it.SeizedAt.IsZero():
		return StatusSeized
	case !it.ReturnAt.IsZero():
		if !it.LastDeliveredAt.IsZero() && !it.LastDeliveredAt.Before(it.ReturnAt) {
			return StatusReturned
		}
		return StatusReturning
	case it.LastCode == "":
		return StatusCreated
	}
	info, _ := LookupCode(it.LastCode)
	return info.Status
}

// DeriveStatus runs the state machine over events (in any order).
func DeriveStatus(events []Event) Status {
	var it Item
	for _, e := range events {
		it.Apply(e, nil)
	}
	if it.Status == "" {
		return StatusCreated
	}
	return it.Status
}

// HeldSince returns when the item's current customs hold began (the event
// that put it there), or zero when it is not held by customs.
func (it Item) HeldSince() time.Time {
	if it.Status == StatusImportCustomsHeld || it.Status == StatusExportCustomsHeld {
		return it.LastTime
	}
	return time.Time{}
}

// CustomsHold returns the import customs holding time measured by the UPU
// rule: from the first EDB or EME to the first EDC (or, without one, the
// EMF that left the inward office of exchange). ok is false when the item
// has no complete hold.
func (it Item) CustomsHold() (from, to time.Time, ok bool) {
	from, to = it.CustomsHeldAt, it.CustomsReleasedAt
	if to.IsZero() {
		to = it.ReleasedAt
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return time.Time{}, time.Time{}, false
	}
	return from, to, true
}
