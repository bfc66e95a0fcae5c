package inward

import (
	"context"
	"time"
)

// Receipt statuses beyond expected and received.
const (
	// StatusMissing: advised but not found when the dispatch was closed.
	StatusMissing Status = "missing"
)

// Receptacle flags an operator sets when scanning a receptacle.
const (
	FlagSealBroken = "seal_broken" // seal missing, broken or not the one sent
	FlagDamaged    = "damaged"     // bag torn, tray crushed
	FlagWet        = "wet"         // wet or soiled
)

// Flags lists the receptacle flags.
var Flags = []string{FlagSealBroken, FlagDamaged, FlagWet}

// Item conditions an operator sets when scanning an item.
const (
	ConditionOK      = "ok"
	ConditionDamaged = "damaged"
	ConditionRifled  = "rifled" // opened, contents tampered with or missing
)

// DiscrepancyKind is what a verification found wrong.
type DiscrepancyKind string

// Discrepancy kinds: each is a line of the verification note (CN 43).
const (
	MissingReceptacle    DiscrepancyKind = "missing_receptacle"     // advised, not received
	NotAdvisedReceptacle DiscrepancyKind = "not_advised_receptacle" // received, never advised
	WrongOffice          DiscrepancyKind = "wrong_office"           // received at another of our offices than its S9 names
	WeightDifference     DiscrepancyKind = "weight"                 // received weight outside the tolerance
	SealBroken           DiscrepancyKind = "seal_broken"
	DamagedReceptacle    DiscrepancyKind = "damaged_receptacle"  // damaged or wet
	MissingItem          DiscrepancyKind = "missing_item"        // listed, not found in the opened receptacle
	NotListedItem        DiscrepancyKind = "not_listed_item"     // found, not on the list
	RegisteredUnlisted   DiscrepancyKind = "registered_unlisted" // a registered item without its listing
	DamagedItem          DiscrepancyKind = "damaged_item"
	RifledItem           DiscrepancyKind = "rifled_item"
)

// Discrepancy is one finding, with its evidence (what was advised and
// what was found).
type Discrepancy struct {
	Dispatch   string
	Receptacle string // S9 ("" for none)
	Item       string // S10 ("" for a receptacle finding)
	Kind       DiscrepancyKind
	Advised    string // evidence: what the pre-advice said ("" if nothing)
	Found      string // evidence: what was found
	Office     string // where it was found
	At         time.Time
}

// Note is the closing of a dispatch: the verification note (CN 43) when
// there were discrepancies, and the RESDES telling the origin post what
// was received.
type Note struct {
	Number        string // CN 43 number (our reference towards the origin office)
	Dispatch      string
	Office        string // our office that verified
	Origin        string // origin office
	Partner       string // origin post
	CreatedAt     time.Time
	Discrepancies []Discrepancy
	Reply         Reply // RESDES with received/missing/not_advised per receptacle
}

// Receipt is what one scan or closing stores, in one transaction.
type Receipt struct {
	// NewDispatch is inserted when mail arrived for a dispatch never
	// advised (kept when it exists).
	NewDispatch *Dispatch
	Dispatch    string // S8 the receipt is about
	Status      Status // the dispatch's new status; "" = unchanged
	// Receptacles and Items are inserted or, when they exist, get their
	// status and received fields.
	Receptacles   []Receptacle
	Items         []Item
	Discrepancies []Discrepancy // stored once per (receptacle, item, kind)
	Note          *Note         // set when closing
	At            time.Time
}

// ReceiptStore keeps receipts. Methods return postal errors.
type ReceiptStore interface {
	// SaveReceipt stores a receipt. conflict: a Note for a dispatch
	// already closed.
	SaveReceipt(ctx context.Context, r Receipt) error
	// InwardDiscrepancies lists a dispatch's discrepancies in the order
	// found.
	InwardDiscrepancies(ctx context.Context, dispatch string) ([]Discrepancy, error)
	// InwardNote returns a closed dispatch's note (without its
	// discrepancies), or not_found.
	InwardNote(ctx context.Context, dispatch string) (Note, error)
	// InwardNotes lists notes with at least one discrepancy for a partner
	// post ("" = any), newest first.
	InwardNotes(ctx context.Context, partner string, limit int) ([]Note, error)
	// ReceivedReceptacles lists receptacles received in [from, to) with
	// their dispatch and received items, by receipt time.
	ReceivedReceptacles(ctx context.Context, from, to time.Time) ([]Received, error)
}

// Received is a received receptacle with its dispatch and the items
// received from it.
type Received struct {
	Dispatch   Dispatch
	Receptacle Receptacle
	Items      []Item
}
