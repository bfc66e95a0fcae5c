package inquiry

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/tracking"
)

// Scans reads an item's events and shipment link: tracking's event store.
type Scans interface {
	// EventsOf returns the stored events of object (empty when none).
	EventsOf(ctx context.Context, object string) ([]tracking.Stored, error)
}

// Facts is what an inquiry or a claim needs of a shipment we accepted.
type Facts struct {
	Merchant  string
	Product   string
	WeightG   int
	Postcode  string // the addressee's, as stored
	Dest      string // destination country
	CreatedAt time.Time
	// InsuredSDR is an insured item's insured value in SDR (zero when not
	// insured): the compensation for loss, theft or damage goes up to it.
	InsuredSDR decimal.Decimal
	// Currency is the sender's currency (of the insured value, else of the
	// declaration): compensation is paid in it unless the claim names one.
	Currency string
}

// Items returns the shipment facts of an item: ok is false for items we
// did not accept (partner items, unknown ids).
type Items func(ctx context.Context, item string) (f Facts, ok bool, err error)

// Reading is what the scans say about an item.
type Reading struct {
	Events   []tracking.Stored // in event-time order
	Status   tracking.Status
	PostedAt time.Time
	// Answer is set when the scans answer an inquiry by themselves.
	Answer    Answer
	At        time.Time
	Office    string
	Signatory string
	Reason    string
	// Holder is the post that last acknowledged receipt of the item
	// ("post:JPPOST"), Last its scan.
	Holder string
	Last   *tracking.Stored
}

// PostOf returns the party of the post of office's country: office codes
// begin with the ISO country (CNXMNA → post:CNPOST).
func PostOf(office string) string {
	if len(office) < 2 {
		return ""
	}
	return "post:" + strings.ToUpper(office[:2]) + "POST"
}

// countryOf is the lifecycle's country of an office.
func countryOf(office string) string {
	if len(office) < 2 {
		return ""
	}
	return office[:2]
}

// receipt reports whether an event acknowledges that its office's post
// holds the item (a receipt): every scan at an office does, except a
// departure, which records a handover whose receipt is the next post's
// arrival scan.
func receipt(c tracking.Code) bool {
	switch c {
	case tracking.EMC, tracking.EMK:
		return false
	}
	return true
}

// Read folds an item's events (any order) with the lifecycle of tracking
// and says whether they answer an inquiry.
func Read(events []tracking.Stored) Reading {
	evs := append([]tracking.Stored(nil), events...)
	sortEvents(evs)
	r := Reading{Events: evs}
	it := tracking.Item{Status: tracking.StatusCreated}
	var hold, release, delivered, attempt, pickup *tracking.Stored
	for i := range evs {
		e := &evs[i]
		it.Apply(e.Event, countryOf)
		if e.Code == tracking.EMA && r.PostedAt.IsZero() {
			r.PostedAt = e.Time.UTC()
		}
		switch e.Code {
		case tracking.EXB, tracking.EME:
			hold = e
		case tracking.EXC, tracking.EDC:
			release = e
		case tracking.EMI:
			delivered = e
		case tracking.EMH:
			attempt = e
		case tracking.EDH:
			pickup = e
		}
		if receipt(e.Code) && e.Office != "" {
			r.Holder, r.Last = PostOf(e.Office), e
		}
	}
	r.Status = it.Status
	set := func(a Answer, e *tracking.Stored) {
		r.Answer, r.At, r.Office, r.Signatory, r.Reason = a, e.Time.UTC(), e.Office, e.Signatory, e.Reason
	}
	switch r.Status {
	case tracking.StatusDelivered:
		set(AnswerDelivered, delivered)
	case tracking.StatusReturned:
		set(AnswerReturned, delivered)
	case tracking.StatusSeized:
		for i := range evs {
			if evs[i].Code == tracking.EXX || evs[i].Code == tracking.EDX {
				set(AnswerSeized, &evs[i])
			}
		}
	case tracking.StatusExportCustomsHeld, tracking.StatusImportCustomsHeld:
		if hold != nil && (release == nil || release.Time.Before(hold.Time)) {
			set(AnswerCustomsHeld, hold)
			r.Reason = ReasonClass(hold.Reason)
		}
	case tracking.StatusAwaitingPickup:
		if pickup != nil {
			set(AnswerAwaitingPickup, pickup)
		}
	case tracking.StatusDeliveryAttempted:
		if attempt != nil {
			set(AnswerAttempted, attempt)
		}
	}
	return r
}

// ReasonClass turns a customs hold reason into a class a buyer may see:
// never the officer's free text.
func ReasonClass(reason string) string {
	r := strings.ToLower(reason)
	switch {
	case r == "":
		return "inspection"
	case strings.Contains(r, "dut") || strings.Contains(r, "tax") || strings.Contains(r, "vat"):
		return "duty_payment"
	case strings.Contains(r, "invoice") || strings.Contains(r, "document") || strings.Contains(r, "declar") || strings.Contains(r, "ioss"):
		return "documents_missing"
	case strings.Contains(r, "prohib") || strings.Contains(r, "restrict") || strings.Contains(r, "licen"):
		return "prohibited_or_restricted"
	case strings.Contains(r, "valu"):
		return "valuation"
	}
	return "inspection"
}

// sortEvents orders events by time, then seq (insertion sort is enough
// for one item's few dozen events, and stable).
func sortEvents(evs []tracking.Stored) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && later(evs[j-1], evs[j]); j-- {
			evs[j-1], evs[j] = evs[j], evs[j-1]
		}
	}
}

func later(a, b tracking.Stored) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	return a.Seq > b.Seq
}

// UnsignedHandoverWhy is what marks a scan of an insured item that hands
// it on without a signatory (timeline and liability evidence).
const UnsignedHandoverWhy = "insured: handover without signature"

// UnsignedHandovers returns the indexes of an insured item's events (n of
// them, in event-time order, read through ev) that hand the item on without
// a signatory. An insured item needs a signature on every handover: its
// delivery (EMI) and each receipt by another post than the one that last
// acknowledged receipt (an inward office of exchange's EMD after the origin
// post's scans, say). Acceptance from the sender and scans within one post
// are not handovers between parties.
func UnsignedHandovers(n int, ev func(i int) (code tracking.Code, office, signatory string)) []int {
	var out []int
	holder := ""
	for i := range n {
		code, office, signatory := ev(i)
		if office == "" || !receipt(code) {
			continue
		}
		post := PostOf(office)
		handover := code == tracking.EMI || (holder != "" && post != holder)
		if handover && strings.TrimSpace(signatory) == "" {
			out = append(out, i)
		}
		holder = post
	}
	return out
}

// unsignedOf is UnsignedHandovers over stored events.
func unsignedOf(evs []tracking.Stored) []int {
	return UnsignedHandovers(len(evs), func(i int) (tracking.Code, string, string) {
		return evs[i].Code, evs[i].Office, evs[i].Signatory
	})
}
