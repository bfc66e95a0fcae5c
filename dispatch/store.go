package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Store is what exchange operations need from persistence.
type Store interface {
	SortPlanStore
	DispatchStore
	ReceptacleStore
	ConsignmentStore
	OutboxStore
	InterchangeStore
}

// InterchangeStore numbers our messages to partners.
type InterchangeStore interface {
	// InterchangeSerial returns the serial of our interchange to partner
	// (the UNB recipient) about subject: the partner's next one the first
	// time, the same one after, so a message fetched again keeps its
	// reference. Dense and unique per partner across nodes.
	InterchangeSerial(ctx context.Context, partner, subject string) (int64, error)
}

// SortPlanStore keeps sort plans.
type SortPlanStore interface {
	// PutSortPlan stores p as the office's plan with the next version and
	// returns it as stored.
	PutSortPlan(ctx context.Context, p SortPlan) (SortPlan, error)
	// SortPlan returns an office's plan, or not_found.
	SortPlan(ctx context.Context, office string) (SortPlan, error)
}

// DispatchStore keeps dispatches: their serials, opening, closing and
// cancelling, and those made in bulk.
type DispatchStore interface {
	// OpenDispatch takes the next dispatch serial of (Origin, Destination,
	// Year) and stores an open dispatch under its S8 id, in one
	// transaction. Serials are dense and unique across nodes. unavailable
	// when the year's 9,999 serials are used up.
	OpenDispatch(ctx context.Context, n NewDispatch) (Dispatch, error)
	// Dispatch returns a dispatch by S8 id, or not_found.
	Dispatch(ctx context.Context, id string) (Dispatch, error)
	// Dispatches lists dispatches matching f, newest first.
	Dispatches(ctx context.Context, f DispatchFilter) ([]Dispatch, error)
	// FindDispatches returns a page of at most f.Limit dispatches f
	// selects in f.Sort order after f.Key, and the cursor of the next
	// page ("" on the last).
	FindDispatches(ctx context.Context, f DispatchFilter) ([]Dispatch, string, error)
	// CountDispatches counts the dispatches f selects, at most upTo of
	// them (exact false when more match).
	CountDispatches(ctx context.Context, f DispatchFilter, upTo int) (int64, bool, error)
	// CloseDispatch closes an open dispatch whose receptacles are all
	// closed and match c (else ErrChanged), setting the relabelled S9 ids
	// and writing the outbox entry.
	CloseDispatch(ctx context.Context, c DispatchClose, out Outbox) (Dispatch, error)
	// CancelDispatch cancels an open dispatch without items; conflict
	// otherwise. Its serial stays used.
	CancelDispatch(ctx context.Context, id string, at time.Time, by string) (Dispatch, error)
	// SaveDispatches stores complete, closed dispatches made in bulk (the
	// day simulator, the peak-day benchmark) with their receptacles and
	// items, in as few transactions as it likes; ids come from
	// AllocateSerials. An item already scanned at the office is a conflict
	// and stores nothing of the batch.
	SaveDispatches(ctx context.Context, b []PackedDispatch, out []Outbox) error
	// AllocateSerials takes n consecutive dispatch serials of a pair of
	// offices and a year and returns the first.
	AllocateSerials(ctx context.Context, origin, destination string, year, n int) (int, error)
}

// ReceptacleStore keeps the receptacles of dispatches and the items
// scanned into them.
type ReceptacleStore interface {
	// OpenReceptacle adds a receptacle to an open dispatch under the next
	// receptacle serial; conflict if the dispatch is not open or has 999.
	OpenReceptacle(ctx context.Context, dispatch string, t ReceptacleType, at time.Time) (Receptacle, error)
	// Receptacle returns a receptacle by number (23 characters) or S9 id
	// (29), or not_found.
	Receptacle(ctx context.Context, ref string) (Receptacle, error)
	// Receptacles lists a dispatch's receptacles by serial.
	Receptacles(ctx context.Context, dispatch string) ([]Receptacle, error)
	// Contents lists the items of a receptacle in scan order.
	Contents(ctx context.Context, receptacle string) ([]ScannedItem, error)
	// Scanned returns where an item was scanned in at office, or not_found.
	Scanned(ctx context.Context, office, item string) (ScannedItem, error)
	// AddItem puts an item into an open receptacle of an open dispatch if
	// the receptacle's gross weight stays within maxGrossG, with the
	// outbox entry. The item already in this receptacle returns dup=true
	// and changes nothing; already in another receptacle at the office is
	// a conflict naming it (ErrInOther); a closed receptacle or dispatch
	// is a conflict (ErrClosed); too heavy is ErrFull.
	AddItem(ctx context.Context, it ScannedItem, maxGrossG, tareG int, out Outbox) (r Receptacle, dup bool, err error)
	// RemoveItem takes an item out of an open receptacle; not_found if it
	// is not in it, conflict if the receptacle is closed.
	RemoveItem(ctx context.Context, receptacle, item string) (Receptacle, error)
	// CloseReceptacle closes an open receptacle as c says, provided it
	// still holds c.Items items (else ErrChanged: a scan got in between).
	CloseReceptacle(ctx context.Context, c ReceptacleClose) (Receptacle, error)
	// ReopenReceptacle opens a closed receptacle of an open dispatch again
	// (its S9 id is void until it closes again); conflict otherwise.
	ReopenReceptacle(ctx context.Context, receptacle string) (Receptacle, error)
}

// ConsignmentStore keeps consignments and the load of each departure.
type ConsignmentStore interface {
	// Consign stores a consignment of closed, unconsigned dispatches of
	// its office, under the office's next consignment serial, and adds its
	// weight to the departure's load if the load stays within the
	// capacity (else ErrOverCapacity with the numbers), all in one
	// transaction: several operators on several nodes can't overload a
	// departure. A dispatch not closed or already consigned is a conflict.
	// A dispatch that departed and is at the consignment's office (a
	// transit hub its last leg reached) is consigned on: each dispatch
	// gets its next leg (1 from its origin) with its receptacles and gross
	// weight.
	Consign(ctx context.Context, c Consignment) (Consignment, error)
	// Legs lists the legs of a dispatch, first to last: every consignment
	// that carried it or will.
	Legs(ctx context.Context, dispatch string) ([]ConsignedLeg, error)
	// Consignment returns a consignment, or not_found.
	Consignment(ctx context.Context, id string) (Consignment, error)
	// Consignments lists an office's consignments ("" = all) departing in
	// [from, to), by departure.
	Consignments(ctx context.Context, office string, from, to time.Time) ([]Consignment, error)
	// Depart marks a consigned consignment, its dispatches and their legs
	// on it departed, with the outbox entry; departing again returns it unchanged.
	Depart(ctx context.Context, id string, at time.Time, out Outbox) (Consignment, bool, error)
	// DepartureLoads returns the weight consigned per departure (service,
	// departure time) for departures in [from, to).
	DepartureLoads(ctx context.Context, from, to time.Time) (map[DepartureKey]int, error)
	// RecordCarrierEvents stores carrier responses not stored yet (an
	// event's identity is receptacle, code, time, carrier) and, for the
	// new ones, the outbox entry made by out; returns how many were new.
	RecordCarrierEvents(ctx context.Context, evs []CarrierEvent, out func(fresh []CarrierEvent) Outbox) (int, error)
	// CarrierEvents lists a receptacle's carrier events by time.
	CarrierEvents(ctx context.Context, receptacle string) ([]CarrierEvent, error)
}

// OutboxStore hands the event outbox to the deliverer.
type OutboxStore interface {
	// PendingOutbox returns up to limit undelivered entries, oldest first.
	PendingOutbox(ctx context.Context, limit int) ([]Outbox, error)
	// MarkOutboxDelivered marks entries delivered.
	MarkOutboxDelivered(ctx context.Context, seqs []int64, at time.Time) error
}

// NewDispatch asks for a dispatch to be opened.
type NewDispatch struct {
	Origin, Destination string
	Category, Subclass  string
	Year                int
	At                  time.Time
	By                  string
}

// DispatchFilter selects dispatches.
type DispatchFilter struct {
	Origin      string
	Offices     []string // origin is one of these; nil = any
	Destination string
	Country     string // destination office in this country (ISO 3166-1 alpha-2)
	Status      Status
	Category    string
	Since       time.Time // opened at or after; zero = any
	Until       time.Time // opened before; zero = any
	Search      string    // prefix of the dispatch id
	// Sort and Key are FindDispatches' order (a DispatchSorts entry) and
	// the position after which its page starts (nil: the start).
	Sort  string
	Key   *paging.Key
	Limit int
}

// ReceptacleClose is a receptacle's closing, computed by the service.
type ReceptacleClose struct {
	Number       string
	Items        int // as read by the service
	ID           string
	GrossWeightG int
	Registered   bool
	Last         bool
	At           time.Time
	By           string
}

// DispatchClose is a dispatch's closing, computed by the service.
type DispatchClose struct {
	ID          string
	Receptacles int               // as read by the service
	Relabel     map[string]string // receptacle number → new S9 id (last flag)
	At          time.Time
	By          string
}

// PackedDispatch is a dispatch made in bulk, closed, with its receptacles
// and their items.
type PackedDispatch struct {
	Dispatch    Dispatch
	Receptacles []PackedReceptacle
}

// PackedReceptacle is a closed receptacle with its items.
type PackedReceptacle struct {
	Receptacle Receptacle
	Items      []ScannedItem
}

// DepartureKey names one departure of a service.
type DepartureKey struct {
	Service   string
	Departure time.Time
}

// CarrierEvent is a carrier's response about a receptacle (RESDIT-like).
type CarrierEvent struct {
	Receptacle string    `json:"receptacle" doc:"S9 id"`
	Code       string    `json:"code" doc:"RESDIT event: 74 received, 6 assigned, 48 loaded, 24 uplifted, 41/42/43 transfers, 21 delivered, 57 pending, 82 returned, 49 lost, 37 found"`
	Office     string    `json:"office" doc:"Office where it happened"`
	Time       time.Time `json:"time"`
	Carrier    string    `json:"carrier"`
	Transport  string    `json:"transport,omitempty" doc:"Flight, train or truck"`
	Message    string    `json:"message,omitempty" doc:"Reference of the message it came in"`
	Received   time.Time `json:"received"`
}

// Errors the store returns for the service to branch on.
var (
	ErrChanged      = errors.New("changed concurrently; read it again")
	ErrInOther      = errors.New("item is in another receptacle")
	ErrClosed       = errors.New("receptacle or dispatch is not open")
	ErrFull         = errors.New("receptacle is full")
	ErrOverCapacity = errors.New("departure capacity exceeded")
)

// CapacityError refuses a consignment that would overload a departure. It
// is a conflict (errors.As sees a *postal.Error) and wraps ErrOverCapacity.
type CapacityError struct {
	Service   string
	Departure time.Time
	CapacityG int // capacity of the departure
	LoadedG   int // already consigned to it
	AddG      int // the refused consignment
}

func (e *CapacityError) Error() string {
	return fmt.Sprintf("%s departing %s has %s kg capacity and %s kg already consigned; these dispatches weigh %s kg, %s kg too many: take another departure or fewer dispatches",
		e.Service, e.Departure.UTC().Format("2006-01-02 15:04Z"), kgText(e.CapacityG), kgText(e.LoadedG), kgText(e.AddG), kgText(e.LoadedG+e.AddG-e.CapacityG))
}

// Unwrap returns ErrOverCapacity.
func (e *CapacityError) Unwrap() error { return ErrOverCapacity }

// As lets errors.As see a CapacityError as a conflict *postal.Error.
func (e *CapacityError) As(target any) bool {
	if t, ok := target.(**postal.Error); ok {
		*t = &postal.Error{Code: postal.CodeConflict, Message: e.Error(), Err: ErrOverCapacity}
		return true
	}
	return false
}

// kgText formats grams as kilograms with one decimal and thousands
// separators, e.g. "3,420.5".
func kgText(g int) string {
	neg := g < 0
	if neg {
		g = -g
	}
	whole, tenth := (g+50)/1000, ((g+50)%1000)/100
	s := fmt.Sprint(whole)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return fmt.Sprintf("%s.%d", s, tenth)
}
