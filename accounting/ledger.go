package accounting

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// Kind is what a charge is for.
type Kind string

// Charge kinds. The first four are owed between posts, conveyance to
// carriers, postage and surcharges by merchants.
const (
	KindTerminalDues Kind = "terminal_dues"    // letter post: per item + per kg, by format
	KindLandRate     Kind = "inward_land_rate" // parcels
	KindEMS          Kind = "ems"
	KindTransit      Kind = "transit"
	KindConveyance   Kind = "conveyance"
	KindPostage      Kind = "postage"   // a merchant's price for an item
	KindSurcharge    Kind = "surcharge" // fuel, remote area, DDP handling
	// KindCompensation is an indemnity for a lost, stolen, damaged or
	// delayed item: the liable post pays the origin post, which pays the
	// merchant (package inquiry decides it; rating never touches it).
	KindCompensation Kind = "compensation"
	// KindReturn is the charge for sending an item back (package returns
	// decides who pays; returns.csv says how much).
	KindReturn Kind = "return"
)

// Kinds lists every kind in statement order.
var Kinds = []Kind{KindTerminalDues, KindLandRate, KindEMS, KindTransit, KindConveyance, KindPostage, KindSurcharge, KindCompensation, KindReturn}

// Label is a kind's name on statements.
func (k Kind) Label() string {
	switch k {
	case KindTerminalDues:
		return "Terminal dues"
	case KindLandRate:
		return "Inward land rates"
	case KindEMS:
		return "EMS"
	case KindTransit:
		return "Transit charges"
	case KindConveyance:
		return "Conveyance"
	case KindPostage:
		return "Postage"
	case KindSurcharge:
		return "Surcharges"
	case KindCompensation:
		return "Compensation"
	case KindReturn:
		return "Returns"
	}
	return string(k)
}

// Charge is what rating says one fact owes under a tariff: the would-be
// ledger entry.
type Charge struct {
	// Key identifies what is charged ("td/EE123456785CN",
	// "conv/EE123456785CN/1"); every entry for it shares the key.
	Key      string          `json:"key"`
	Kind     Kind            `json:"kind"`
	Category string          `json:"category,omitempty" doc:"Format (E, E registered), mail class, service or surcharge code"`
	At       time.Time       `json:"at" doc:"When the fact happened: acceptance, dispatch closure or departure (UTC); statements take entries by this date"`
	Debtor   Party           `json:"debtor"`
	Creditor Party           `json:"creditor"`
	Amount   decimal.Decimal `json:"amount" doc:"Decimal string with the currency's decimals; negative on a credit adjustment"`
	Currency string          `json:"currency"`
	Items    int             `json:"items" doc:"Items this entry counts (0 on rate adjustments)"`
	WeightG  int             `json:"weight_g"`
	// Basis says what the charge was worked out from: accepted (the item:
	// postage, surcharges, the destination's charge), dispatched (a
	// departed consignment or dispatch), planned (conveyance and transit
	// along the planned way of an item that has not left in a dispatch) or
	// received (a partner post's item or transit receptacle verified on
	// receipt at our inward office: what the partner owes us).
	Basis string `json:"basis" enum:"accepted,dispatched,planned,received,claim,returned" doc:"What the charge was worked out from: accepted (the item), dispatched (a departed consignment or dispatch), planned (the planned way of an item that has not left in a dispatch), received (a partner's item or transit receptacle verified on receipt: what it owes us), claim (compensation decided on a claim) or returned (an item sent back: the return charge)"`
	// The facts charged.
	Item        string `json:"item,omitempty"`
	Dispatch    string `json:"dispatch,omitempty"`
	Consignment string `json:"consignment,omitempty"`
	Service     string `json:"service,omitempty"`
	// The lane, for margins and invoices.
	Merchant string `json:"merchant,omitempty"`
	Origin   string `json:"origin,omitempty"`
	Dest     string `json:"dest,omitempty"`
	Product  string `json:"product,omitempty"`
	// The tariff row used and how the amount was reached.
	TariffVersion string `json:"tariff_version"`
	TariffRow     string `json:"tariff_row" doc:"file:line of the rate used"`
	Rate          string `json:"rate" doc:"The computation, e.g. 0.282 + 2.948 × 0.850 kg"`
}

// Entry is a charge posted to the ledger. Entries are never changed: a
// correction is another entry with the same key and the next revision.
type Entry struct {
	Seq      int64     `json:"seq"`
	Revision int       `json:"revision" doc:"0 for the original charge, 1, 2… for adjustments"`
	PostedAt time.Time `json:"posted_at"`
	Reason   string    `json:"reason,omitempty" doc:"Why an adjustment was posted"`
	Charge
}

// plainCharge has Charge's fields without its MarshalJSON.
type plainCharge Charge

// MarshalJSON writes the amount with its currency's decimals.
func (e Entry) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Seq      int64     `json:"seq"`
		Revision int       `json:"revision"`
		PostedAt time.Time `json:"posted_at"`
		Reason   string    `json:"reason,omitempty"`
		plainCharge
		Amount string `json:"amount"`
	}{e.Seq, e.Revision, e.PostedAt, e.Reason, plainCharge(e.Charge), FormatAmount(e.Amount, e.Currency)})
}

// MarshalJSON writes the amount with its currency's decimals.
func (c Charge) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		plainCharge
		Amount string `json:"amount"`
	}{plainCharge(c), FormatAmount(c.Amount, c.Currency)})
}

// EntryFilter selects ledger entries. Zero fields select everything.
type EntryFilter struct {
	From, To time.Time // At in [From, To)
	Party    Party     // as debtor or creditor
	Kind     Kind
	Item     string
	Key      string
	Through  int64 // Seq ≤ Through
	After    int64 // Seq > After (pagination)
	Limit    int   // 0 = all
	Currency string
	// Desc lists newest first (Seq descending), from Seq < Before when
	// Before > 0; the next cursor is then a paging key of EntrySortNewest.
	Desc   bool
	Before int64
}

// Sort orders of the ledger list: by posting (Seq), newest first by
// default.
const (
	EntrySortNewest = "-posted"
	EntrySortOldest = "posted"
)

// TariffVersion is a stored tariff set.
type TariffVersion struct {
	Seq         int64             `json:"seq"`
	Version     string            `json:"version"`
	Description string            `json:"description,omitempty"`
	ImportedAt  time.Time         `json:"imported_at"`
	ImportedBy  string            `json:"imported_by,omitempty"`
	SHA256      string            `json:"sha256" doc:"Of the files, sorted by name"`
	Rows        map[string]int    `json:"rows,omitempty" doc:"Rows per file"`
	Files       map[string][]byte `json:"-"`
}

// Store keeps tariff versions and the ledger, and reads the facts rated.
type Store interface {
	// PutTariffVersion stores a new version with its files. Returns
	// conflict when the version name is taken.
	PutTariffVersion(ctx context.Context, v TariffVersion) error
	// TariffVersions lists versions newest first, without their files.
	TariffVersions(ctx context.Context) ([]TariffVersion, error)
	// TariffVersion returns a version with its files; "" is the newest.
	// Returns not_found when there is none.
	TariffVersion(ctx context.Context, version string) (TariffVersion, error)
	// AppendEntries posts entries in one transaction, all or none, and
	// returns them with Seq and PostedAt set. Returns conflict when an
	// entry's (Key, Revision) is taken: someone posted it first.
	AppendEntries(ctx context.Context, entries []Entry) ([]Entry, error)
	// Entries lists entries matching f by Seq, a page at a time (the
	// cursor is "" on the last page).
	Entries(ctx context.Context, f EntryFilter) ([]Entry, string, error)
	// ItemFacts lists the facts of items accepted in [from, to).
	ItemFacts(ctx context.Context, from, to time.Time) ([]ItemFact, error)
}
