package customs

import (
	"context"
	"errors"
	"time"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Status of an item under customs control.
type Status string

// Statuses. pending and held items are in their office's queue; the others
// are final.
const (
	StatusPending  Status = "pending"  // screened, waiting for an officer
	StatusHeld     Status = "held"     // held for a check (document check, X-ray, physical inspection)
	StatusReleased Status = "released" // cleared: by the risk engine or an officer
	StatusSeized   Status = "seized"   // seized by customs
	StatusReturned Status = "returned" // refused: returned to sender
)

// Final reports whether no further decision can change the status.
func (s Status) Final() bool {
	return s == StatusReleased || s == StatusSeized || s == StatusReturned
}

// Inspection is the result of one check on a held item.
type Inspection struct {
	Check    risk.Action `json:"check" enum:"document_check,xray,physical_inspection"`
	Result   string      `json:"result" enum:"clear,discrepancy,prohibited"`
	Findings string      `json:"findings,omitempty"`
	Officer  string      `json:"officer" doc:"API key id of the officer"`
	At       time.Time   `json:"at"`
}

// Item is a declaration under customs control with its screening and state.
type Item struct {
	Declaration  Declaration    `json:"declaration"`
	Screening    risk.Screening `json:"screening"`
	Status       Status         `json:"status" enum:"pending,held,released,seized,returned"`
	Hold         risk.Action    `json:"hold,omitempty" doc:"The check a held item waits for"`
	AutoReleased bool           `json:"auto_released,omitempty" doc:"Released by the risk engine without an officer"`
	ClaimedBy    string         `json:"claimed_by,omitempty" doc:"API key id of the officer working on it"`
	ClaimedAt    time.Time      `json:"claimed_at,omitzero"`
	DecidedBy    string         `json:"decided_by,omitempty"`
	DecidedAt    time.Time      `json:"decided_at,omitzero"`
	Presented    bool           `json:"presented,omitempty" doc:"Whether the item was reported presented to customs (EXA/EDB)"`
	Inspections  []Inspection   `json:"inspections,omitempty"`
	Duties       *Duties        `json:"duties,omitempty"`
	Manifest     string         `json:"manifest,omitempty"`
	DeclaredAt   time.Time      `json:"declared_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	Version      int            `json:"version" doc:"Bumped by every change; decisions on a stale version are retried"`
}

// ID returns the item id.
func (it *Item) ID() string { return it.Declaration.ID }

// PriorityPerPoint is how much waiting one risk point is worth in the queue:
// an item is served as if it had arrived score × 2 minutes earlier. The
// queue order is therefore risk first, then waiting time, and an old
// low-risk item eventually overtakes a new high-risk one.
const PriorityPerPoint = 2 * time.Minute

// Priority is the queue key of an item: lower is served first.
func (it *Item) Priority() int64 {
	return it.DeclaredAt.Unix() - int64(it.Screening.Score)*int64(PriorityPerPoint/time.Second)
}

// AuditEntry records one officer decision: who, when, what and why.
type AuditEntry struct {
	Seq        int64       `json:"seq"`
	ItemID     string      `json:"item_id"`
	Office     string      `json:"office"`
	At         time.Time   `json:"at"`
	Officer    string      `json:"officer" doc:"API key id"`
	Action     string      `json:"action"`
	FromStatus Status      `json:"from_status"`
	ToStatus   Status      `json:"to_status"`
	Reason     string      `json:"reason,omitempty"`
	Check      risk.Action `json:"check,omitempty"`
	Result     string      `json:"result,omitempty"`
	Findings   string      `json:"findings,omitempty"`
	Events     []string    `json:"events,omitempty" doc:"Tracking event codes the decision emitted"`
}

// Event is a tracking event customs emits for an item, with its UPU code
// (EMSEVT v3). Reason is a standard phrase safe to show to senders and
// partner posts; officers' own words stay in the audit log.
type Event struct {
	Seq       int64     `json:"seq,omitempty"`
	ItemID    string    `json:"item_id"`
	Code      string    `json:"code" example:"EME"`
	Office    string    `json:"office"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason,omitempty"`
	Retention string    `json:"retention,omitempty" doc:"Why the item is held (document_check, xray, physical_inspection, seizure)"`
	Source    string    `json:"source" doc:"Always customs"`
	// Object is the item's id in tracking: its S10 id, or
	// waybill:CARRIER:NUMBER, or ecommerce:PLATFORM:NUMBER (see
	// Declaration.TrackingObject). Empty in events recorded before it
	// existed: ItemID stands for it.
	Object string `json:"object,omitempty" doc:"The item's id in tracking: S10 id, waybill:CARRIER:NUMBER or ecommerce:PLATFORM:NUMBER"`
	// Delivery to tracking, kept by the outbox (not part of the stored body).
	DeliveredAt   time.Time `json:"delivered_at,omitzero" readOnly:"true" doc:"When tracking took the event; absent while it waits in the outbox"`
	Attempts      int       `json:"attempts,omitempty" readOnly:"true" doc:"Failed attempts to deliver the event to tracking"`
	DeliveryError string    `json:"delivery_error,omitempty" readOnly:"true" doc:"Why the last attempt to deliver it to tracking failed"`
}

// TrackingObject returns the object tracking knows the event by.
func (e Event) TrackingObject() string {
	if e.Object != "" {
		return e.Object
	}
	return e.ItemID
}

// Delivered reports whether tracking took the event.
func (e Event) Delivered() bool { return !e.DeliveredAt.IsZero() }

// EventSink receives customs events, e.g. the tracking service. Record must
// be idempotent: an event delivered twice (after a crash between delivery
// and acknowledgement) is stored once.
type EventSink interface {
	Record(ctx context.Context, events []Event) error
}

// EventSinkFunc adapts a function to EventSink.
type EventSinkFunc func(ctx context.Context, events []Event) error

// Record implements EventSink.
func (f EventSinkFunc) Record(ctx context.Context, events []Event) error { return f(ctx, events) }

// Manifest is a stored record of one imported manifest.
type Manifest struct {
	ID           string    `json:"id"`
	Name         string    `json:"name,omitempty"`
	Format       string    `json:"format"`
	SubmittedBy  string    `json:"submitted_by" doc:"API key id, or cli"`
	Lines        int       `json:"lines"`
	Declarations int       `json:"declarations"`
	Accepted     int       `json:"accepted"`
	Rejected     int       `json:"rejected"`
	Atomic       bool      `json:"atomic"`
	RulesVersion string    `json:"rules_version"`
	CreatedAt    time.Time `json:"created_at"`
}

// QueueFilter selects queue entries: the store's side of QueueQuery,
// checked and folded.
type QueueFilter struct {
	Office    string
	Status    Status // "" = pending and held
	Stream    Stream
	Direction Direction
	Search    string      // folded prefix (latin.SearchKey) of the id or a party's name
	Sort      string      // one of QueueSorts; "" = SortPriority
	Key       *paging.Key // start after this position (a cursor of Sort)
	Limit     int
}

// Update is one decision to store atomically: the item's new state (its
// Version one above PrevVersion), the audit entry and the events.
type Update struct {
	Item        Item
	PrevVersion int
	Audit       AuditEntry
	Events      []Event
}

// ImportTx is what an import does inside its transaction.
type ImportTx interface {
	// Priors returns, per addressee key, the declarations to that addressee
	// declared at or after since (including ones inserted earlier in this
	// transaction).
	Priors(ctx context.Context, keys []string, since time.Time) (map[string]risk.Prior, error)
	// InsertItems stores new items and returns the indexes of those whose id
	// is already stored; those are not inserted.
	InsertItems(ctx context.Context, items []Item) (dups []int, err error)
	// PutManifest records the manifest.
	PutManifest(ctx context.Context, m Manifest) error
	// OpenPriors returns the items to those addressee keys declared at or
	// after since that are still under customs control (pending or held).
	OpenPriors(ctx context.Context, keys []string, since time.Time) ([]Item, error)
	// Rescreen stores new screenings of items (score, proposed action and
	// priority change, status stays) with their audit entries; conflict
	// (wrapping ErrChanged) when an item's version is no longer PrevVersion.
	Rescreen(ctx context.Context, us []Update) error
}

// Store is what customs needs from persistence.
type Store interface {
	// ImportItems runs fn in one write transaction and commits when fn
	// returns nil; any error rolls everything back.
	ImportItems(ctx context.Context, fn func(ImportTx) error) error
	// Item returns an item, or not_found.
	Item(ctx context.Context, id string) (Item, error)
	// Queue lists an office's pending and held items, lowest Priority first.
	Queue(ctx context.Context, f QueueFilter) ([]Item, error)
	// QueuePage lists the queue entries f selects in f.Sort order, after
	// f.Key, and the cursor of the next page ("" at the end).
	QueuePage(ctx context.Context, f QueueFilter) ([]Item, string, error)
	// CountQueue counts the entries f selects, at most upTo (exact=false
	// when there are more).
	CountQueue(ctx context.Context, f QueueFilter, upTo int) (n int64, exact bool, err error)
	// UpdateItem stores a decision; conflict (wrapping ErrChanged) when the
	// item's version is no longer u.PrevVersion.
	UpdateItem(ctx context.Context, u Update) error
	// ItemHistory returns an item's audit entries and events, oldest first.
	ItemHistory(ctx context.Context, id string) ([]AuditEntry, []Event, error)
	// UndeliveredEvents returns up to limit events not yet delivered with a
	// seq after after, oldest first.
	UndeliveredEvents(ctx context.Context, after int64, limit int) ([]Event, error)
	// MarkDelivered marks events delivered.
	MarkDelivered(ctx context.Context, seqs []int64, at time.Time) error
	// MarkUndeliverable records a failed attempt to deliver events and why;
	// they stay in the outbox.
	MarkUndeliverable(ctx context.Context, seqs []int64, at time.Time, reason string) error
	// OutboxCounts returns how many events wait in the outbox, and how many
	// of them failed at least one attempt.
	OutboxCounts(ctx context.Context) (waiting, failed int, err error)
	// Manifest returns a manifest record, or not_found.
	Manifest(ctx context.Context, id string) (Manifest, error)
	// Declared returns which of ids have a stored item.
	Declared(ctx context.Context, ids []string) (map[string]bool, error)
}

// Errors callers branch on.
var (
	// ErrChanged: the item changed between read and write; re-read and retry.
	ErrChanged = errors.New("the item was changed by someone else")
	// ErrNoRules: no valid rules file is loaded, so nothing can be screened.
	ErrNoRules = postal.Errorf(postal.CodeUnavailable, "no customs rules are loaded: check the rules file with `interpost customs rules check`")
)
