package inquiry

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// State is where an inquiry stands.
//
//	open ──► answered (from the scans) ──► closed
//	  └────► routed ──► partner_answered ──► closed
//	           └──(reply deadline passed)──► escalated ──► partner_answered | closed
type State string

// Inquiry states.
const (
	StateOpen            State = "open"
	StateAnswered        State = "answered"
	StateRouted          State = "routed"
	StatePartnerAnswered State = "partner_answered"
	StateEscalated       State = "escalated"
	StateClosed          State = "closed"
)

// States lists every state in lifecycle order.
var States = []State{StateOpen, StateAnswered, StateRouted, StatePartnerAnswered, StateEscalated, StateClosed}

// next is the state machine: the states each state may move to.
var next = map[State][]State{
	StateOpen:            {StateAnswered, StateRouted, StateClosed},
	StateAnswered:        {StateClosed},
	StateRouted:          {StatePartnerAnswered, StateEscalated, StateClosed},
	StateEscalated:       {StatePartnerAnswered, StateClosed},
	StatePartnerAnswered: {StateClosed},
}

// CanMove reports whether the state machine allows from → to.
func CanMove(from, to State) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Answer is the outcome the scans (or a partner post) give.
type Answer string

// Answers.
const (
	AnswerDelivered        Answer = "delivered"
	AnswerAwaitingPickup   Answer = "awaiting_pickup"
	AnswerAttempted        Answer = "delivery_attempted"
	AnswerCustomsHeld      Answer = "customs_held"
	AnswerReturned         Answer = "returned"
	AnswerSeized           Answer = "seized"
	AnswerInTransit        Answer = "in_transit"            // a partner: the item is moving
	AnswerLost             Answer = "lost"                  // a partner: cannot find it
	AnswerDeliveredPartner Answer = "delivered_per_partner" // a partner: delivered, with its proof
)

// Opener kinds: who opened an inquiry.
const (
	ByMerchant = "merchant"
	ByBuyer    = "buyer"
	ByPartner  = "partner"
	ByOperator = "operator"
)

// Inquiry is one "where is my item?" case.
type Inquiry struct {
	ID       string
	Item     string // S10 id as given (canonical)
	OpenedBy string // "merchant:XMTEA", "buyer", "partner:JPPOST", "operator:KEYID"
	Merchant string // the item's merchant ("" when unknown to us)
	Known    bool   // we have events or a shipment for the item
	State    State
	// Owner is who must act now: "desk" (our inquiries desk), or the post
	// the inquiry is routed to ("post:JPPOST").
	Owner    string
	PostedAt time.Time // first acceptance scan or shipment creation; zero when unknown
	OpenedAt time.Time
	// ReplyDue is when the owner must have answered; RemindAt when a
	// reminder goes out before that.
	ReplyDue time.Time
	RemindAt time.Time
	Reminded bool
	// Answer and its facts (AnswerAt, AnswerOffice, Signatory, Reason).
	Answer       Answer
	AnswerAt     time.Time
	AnswerOffice string
	Signatory    string
	Reason       string
	// Basis says where the answer came from: "scans" or "partner:JPPOST".
	Basis     string
	UpdatedAt time.Time
	Version   int
}

// Step is one entry of an inquiry's trail (who did what, when, why).
type Step struct {
	Inquiry string
	At      time.Time
	Actor   string // "system", "merchant:XMTEA", "partner:JPPOST", "key:abc" …
	From    State
	To      State
	Note    string
}

// Filter selects inquiries for the desk. Zero fields select everything.
type Filter struct {
	States    []State
	Owner     string
	Merchant  string
	Item      string
	DueBefore time.Time // ReplyDue < DueBefore (and not zero)
	Limit     int
}

// ClaimKind is what a claim is for.
type ClaimKind string

// Claim kinds.
const (
	ClaimLoss         ClaimKind = "loss"
	ClaimTheftFull    ClaimKind = "theft_full"
	ClaimTheftPartial ClaimKind = "theft_partial"
	ClaimDamage       ClaimKind = "damage"
	ClaimDelay        ClaimKind = "delay" // EMS only
)

// Claim is a claim for compensation with its liability decision.
type Claim struct {
	ID      string
	Inquiry string
	Item    string
	Kind    ClaimKind
	// Claimed is what the claimant asked for, in SDR ("" = the maximum).
	Claimed decimal.Decimal
	WeightG int
	Product string
	// Liable is the post that pays ("post:JPPOST"); Claimant the post that
	// pays the sender and is reimbursed (the origin post).
	Liable   string
	Claimant string
	Amount   decimal.Decimal // in SDR (XDR)
	Capped   string          // why the amount is below what was claimed
	// InsuredSDR is the insured value of an insured item (zero otherwise):
	// the limit of its compensation.
	InsuredSDR decimal.Decimal
	// Paid is Amount in the claimant's currency at the dated rate
	// (RatePerSDR units of PaidCurrency per SDR, table of RateDate); for
	// PaidCurrency XDR it equals Amount with rate 1.
	Paid         decimal.Decimal
	PaidCurrency string
	RatePerSDR   decimal.Decimal
	RateDate     time.Time
	Evidence     []Evidence
	Rule         string // the liability rule applied
	DecidedAt    time.Time
	// Override by an officer, with the reason (audited).
	OverriddenBy string
	Override     string
	Posted       bool // compensation entry in the ledger
}

// Evidence is one scan that the decision rests on.
type Evidence struct {
	Code   string    `json:"code"`
	Office string    `json:"office"`
	Post   string    `json:"post"`
	At     time.Time `json:"at"`
	Why    string    `json:"why"`
}

// Store keeps inquiries, their trails and claims.
type Store interface {
	// CreateInquiry stores a new inquiry with its first steps in one
	// transaction. When the same party already has an inquiry on the item
	// it stores nothing and returns that one with created=false.
	CreateInquiry(ctx context.Context, in Inquiry, steps []Step) (out Inquiry, created bool, err error)
	// Inquiry returns one inquiry, or not_found.
	Inquiry(ctx context.Context, id string) (Inquiry, error)
	// UpdateInquiry writes in (whose Version must be the stored one; the
	// stored version becomes Version+1) and appends step, in one
	// transaction. A stale version is a conflict.
	UpdateInquiry(ctx context.Context, in Inquiry, step Step) error
	// Inquiries lists inquiries matching f, earliest reply deadline first
	// (none last), then by id.
	Inquiries(ctx context.Context, f Filter) ([]Inquiry, error)
	// InquiryTrail returns an inquiry's steps in order.
	InquiryTrail(ctx context.Context, id string) ([]Step, error)
	// PutClaim creates or replaces a claim (by id).
	PutClaim(ctx context.Context, c Claim) error
	// Claim returns one claim, or not_found.
	Claim(ctx context.Context, id string) (Claim, error)
	// Claims lists the claims of an inquiry ("" = all), by id.
	Claims(ctx context.Context, inquiry string) ([]Claim, error)
}
