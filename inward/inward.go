package inward

import (
	"context"
	"time"
)

// Status is the state of an expected dispatch, receptacle or item.
type Status string

// Statuses. Pre-advice makes rows expected; receipt (issue 16 item 2)
// makes them received.
const (
	StatusExpected Status = "expected"
	StatusReceived Status = "received"
)

// Kind is the message that announced something.
type Kind string

// Message kinds.
const (
	KindPredes Kind = "PREDES"
	KindCardit Kind = "CARDIT"
)

// Dispatch is a dispatch announced to one of our offices of exchange.
type Dispatch struct {
	ID          string // S8 dispatch id
	Origin      string // office of exchange of origin (partner's)
	Destination string // our office of exchange expecting it
	Partner     string // origin post, e.g. JPPOST
	Category    string // mail category of the S8 id: A, B, C, D
	Subclass    string // mail subclass of the S8 id: UN, UR, CN, EM…
	Status      Status
	// PreAdvice is the interchange reference of the PREDES that
	// announced the dispatch ("" when only a CARDIT did).
	PreAdvice string
	Prepared  time.Time // PREDES preparation time (zero without one)
	// Consignment, Carrier and the transport come from the CARDIT or the
	// PREDES's planned transport.
	Consignment string
	Carrier     string
	Service     string
	Mode        string
	Departure   time.Time
	Arrival     time.Time // expected arrival (zero when unknown)
	// Totals over the receptacles and items stored for the dispatch.
	Receptacles  int
	GrossWeightG int
	Items        int
	AdvisedAt    time.Time // first accepted pre-advice
	UpdatedAt    time.Time
}

// Receptacle is an expected receptacle.
type Receptacle struct {
	ID           string // S9 receptacle id
	Dispatch     string // its S8 id (the S9's first 20 characters)
	Type         string // bag, tray, pallet… as advised
	GrossWeightG int    // as advised (PREDES's when both messages gave one)
	Registered   bool   // S9 flag: holds registered, insured or value items
	Last         bool   // S9 flag: the dispatch's last receptacle
	Items        int    // items listed by the PREDES
	Status       Status
	Consignment  string // CARDIT consignment it travels on
	Predes       bool   // listed by a PREDES
	Cardit       bool   // listed by a CARDIT
	// Receipt at our office (zero until scanned).
	NotAdvised      bool // scanned without any pre-advice
	ReceivedWeightG int  // weighed on receipt
	ReceivedAt      time.Time
	ReceivedOffice  string // our office that scanned it
	Flags           string // space-separated FlagSealBroken, FlagDamaged, FlagWet
	OpenedAt        time.Time
}

// Item is an item listed by a PREDES, with its customs data where given.
type Item struct {
	Item             string // S10 item id
	Receptacle       string // S9 id
	Dispatch         string // S8 id
	Status           Status
	Contents         string
	HSCode           string
	WeightG          int
	Value            string // declared value, decimal text as advised
	Currency         string
	SenderName       string
	SenderCountry    string
	AddresseeName    string
	AddresseeCountry string
	// Receipt (zero until scanned out of its opened receptacle).
	NotAdvised      bool   // found, not on the list
	Condition       string // ConditionOK, ConditionDamaged, ConditionRifled
	ReceivedWeightG int
	ReceivedAt      time.Time
}

// Interchange is a received pre-advice message, kept whole for its
// answer and for idempotency: one per partner and interchange reference.
type Interchange struct {
	Partner    string // UNB sender: the origin office, or the carrier code
	Ref        string // UNB interchange control reference
	Kind       Kind
	Digest     string // SHA-256 of the message's canonical JSON
	Message    []byte // the message as canonical JSON
	Dispatches []string
	ReceivedAt time.Time
	Reply      Reply
}

// Reply is the receipt confirmation sent back.
type Reply struct {
	Kind      string // RESDES
	Recipient string // UNB recipient: the origin office or the carrier
	Ref       string // our interchange reference, unique per recipient
	Text      []byte // EDIFACT text in the recipient's profile
}

// Advice is everything one accepted message stores, in one transaction.
type Advice struct {
	Interchange Interchange
	Dispatches  []Dispatch
	Receptacles []Receptacle
	Items       []Item
	// Transit names the transit office of dispatches bound abroad.
	Transit []Transit
}

// DispatchFilter selects expected dispatches.
type DispatchFilter struct {
	Status      Status   // "" = any
	Destination string   // our office; "" = any
	Offices     []string // the caller's office scope; empty = all
	Partner     string   // origin post; "" = any
	Limit       int
}

// Store keeps pre-advised dispatches. Methods return postal errors:
// not_found for missing rows, conflict as documented.
type Store interface {
	// SaveAdvice stores a message's rows in one transaction. A PREDES
	// inserts or completes dispatches, receptacles and items; a CARDIT
	// inserts dispatches and receptacles or sets their consignment and
	// transport. conflict (nothing stored): the interchange (partner,
	// ref) exists (the caller checked the digest first; a race lands
	// here), a PREDES for a dispatch another PREDES announced, or a
	// dispatch no longer expected.
	SaveAdvice(ctx context.Context, a Advice) error
	// Interchange returns a received message by partner and reference,
	// or not_found.
	Interchange(ctx context.Context, partner, ref string) (Interchange, error)
	// InwardDispatch returns an expected or received dispatch, or
	// not_found.
	InwardDispatch(ctx context.Context, id string) (Dispatch, error)
	// InwardDispatches lists dispatches matching f by expected arrival
	// (unknown last), then id.
	InwardDispatches(ctx context.Context, f DispatchFilter) ([]Dispatch, error)
	// InwardReceptacles lists a dispatch's receptacles by id.
	InwardReceptacles(ctx context.Context, dispatch string) ([]Receptacle, error)
	// InwardItems lists a dispatch's items by receptacle and item.
	InwardItems(ctx context.Context, dispatch string) ([]Item, error)
	// InterchangeSerial returns the serial of our interchange to partner
	// about subject: the partner's next one the first time, the same one
	// after (a message re-sent keeps its reference). Serials are per
	// partner, dense, unique across nodes.
	InterchangeSerial(ctx context.Context, partner, subject string) (int64, error)
	ReceiptStore
	OutboxStore
	PushStore
	ReturnStore
	TransitStore
	CarrierStore
}
