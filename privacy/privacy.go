package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Kind names a kind of record holding personal data.
type Kind string

// Kinds of records with personal data.
const (
	Shipments   Kind = "shipment"     // acceptance: sender and addressee
	Orders      Kind = "order"        // warehouse: buyer
	CustomsItem Kind = "customs_item" // customs: sender, addressee, seller
	InwardItem  Kind = "inward_item"  // inward pre-advice: sender and addressee names
	// BuyerSubscription is a buyer's e-mail subscription to an item's
	// status changes (tracking.BuyerSubscription): deleted, not scrubbed,
	// once the shipments' retention has passed since it was made.
	BuyerSubscription Kind = "buyer_subscription"
)

// Kinds lists every kind, in erasure order.
var Kinds = []Kind{Shipments, Orders, CustomsItem, InwardItem}

// Retention is how long personal data is kept, per purpose, in months.
// Zero means the default.
type Retention struct {
	// Shipments: months after the item's last tracking event (delivery,
	// return) or, without events, after acceptance; inward items (a
	// partner's pre-advice) months after their dispatch last changed.
	Shipments int
	// Orders: months after a warehouse order was placed.
	Orders int
	// Customs: months after the customs declaration was last changed.
	Customs int
	// Audit: months the staff audit log is kept.
	Audit int
}

// Default retentions, in months. See docs/privacy.md for the reasons.
const (
	DefaultShipments = 24
	DefaultOrders    = 24
	DefaultCustoms   = 48 // EU Union Customs Code art. 51: 3 years from the end of the year of the declaration; see docs/privacy.md
	DefaultAudit     = 12
)

// WithDefaults fills zero fields with the defaults.
func (r Retention) WithDefaults() Retention {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&r.Shipments, DefaultShipments)
	def(&r.Orders, DefaultOrders)
	def(&r.Customs, DefaultCustoms)
	def(&r.Audit, DefaultAudit)
	return r
}

// Months of k.
func (r Retention) months(k Kind) int {
	switch k {
	case Orders:
		return r.Orders
	case CustomsItem:
		return r.Customs
	}
	return r.Shipments
}

// Cutoffs returns, per kind, the time before which personal data is due
// for erasure at now.
func (r Retention) Cutoffs(now time.Time) map[Kind]time.Time {
	r = r.WithDefaults()
	out := map[Kind]time.Time{}
	for _, k := range Kinds {
		out[k] = now.UTC().AddDate(0, -r.months(k), 0)
	}
	return out
}

// Record is one stored record holding personal data.
type Record struct {
	Kind Kind
	ID   string
	// At is when the record was made (acceptance, order, declaration).
	At     time.Time
	Body   []byte
	Erased bool
	// AddresseeKey is a customs item's new addressee key on erasure.
	AddresseeKey string
}

// Run is the audit record of one erasure run.
type Run struct {
	ID      int64
	At      time.Time
	By      string // "scheduler", "cli" or an API key id
	Cutoffs map[Kind]time.Time
	Erased  map[Kind]int
}

// Store reads and rewrites records with personal data.
type Store interface {
	// PersonalDue returns up to limit records of kind not yet erased whose
	// retention started before cutoff, oldest first.
	PersonalDue(ctx context.Context, kind Kind, cutoff time.Time, limit int) ([]Record, error)
	// ErasePersonal stores the scrubbed bodies of recs and marks them
	// erased at at, in one transaction.
	ErasePersonal(ctx context.Context, kind Kind, recs []Record, at time.Time) error
	// PersonalMatching returns up to limit records whose body contains
	// the parts (lower-case) in order, ignoring ASCII case.
	PersonalMatching(ctx context.Context, parts []string, limit int) ([]Record, error)
	// AddErasureRun stores the record of a run.
	AddErasureRun(ctx context.Context, r Run) error
	// ErasureRuns returns the latest runs, newest first.
	ErasureRuns(ctx context.Context, limit int) ([]Run, error)
}

// Service erases and exports personal data.
type Service struct {
	Store     Store
	Retention Retention
	Now       func() time.Time
	Logger    *slog.Logger
	// Subscribers erases buyers' e-mail subscriptions; optional.
	Subscribers SubscriberEraser
}

// SubscriberEraser deletes buyers' e-mail subscriptions made before a cut-off.
type SubscriberEraser interface {
	EraseBuyerSubscriptions(ctx context.Context, before time.Time) (int, error)
}

const batch = 500

// Erase erases personal data whose retention ended before the cut-offs
// (Retention.Cutoffs of now, or before for every kind when before is not
// zero) and stores a record of the run.
func (s *Service) Erase(ctx context.Context, by string, before time.Time) (Run, error) {
	now := s.Now().UTC()
	run := Run{At: now, By: by, Cutoffs: s.Retention.Cutoffs(now), Erased: map[Kind]int{}}
	if !before.IsZero() {
		if before.After(now) {
			return run, postal.Invalid("before is in the future", postal.FieldError{Field: "before",
				Message: fmt.Sprintf("%s is after the clock (%s): nothing can have ended its retention in the future", before.Format(time.RFC3339), now.Format(time.RFC3339))})
		}
		for k := range run.Cutoffs {
			run.Cutoffs[k] = before.UTC()
		}
	}
	for _, k := range Kinds {
		n, err := s.eraseKind(ctx, k, run.Cutoffs[k], now)
		run.Erased[k] = n
		if err != nil {
			return run, fmt.Errorf("erase %ss: %w", k, err)
		}
	}
	if s.Subscribers != nil {
		n, err := s.Subscribers.EraseBuyerSubscriptions(ctx, run.Cutoffs[Shipments])
		run.Erased[BuyerSubscription] = n
		if err != nil {
			return run, fmt.Errorf("erase buyer e-mail subscriptions: %w", err)
		}
	}
	if err := s.Store.AddErasureRun(ctx, run); err != nil {
		return run, err
	}
	if s.Logger != nil {
		s.Logger.InfoContext(ctx, "personal data erased", "by", by, "shipments", run.Erased[Shipments], "orders", run.Erased[Orders],
			"customs_items", run.Erased[CustomsItem], "inward_items", run.Erased[InwardItem],
			"buyer_subscriptions", run.Erased[BuyerSubscription])
	}
	return run, nil
}

// EraseAs is Erase asked by p through the API: admins only, the run
// recorded under p's key id.
func (s *Service) EraseAs(ctx context.Context, p auth.Principal, before time.Time) (Run, error) {
	if p.Role != auth.RoleAdmin {
		return Run{}, postal.Errorf(postal.CodeForbidden, "only admin keys may erase personal data")
	}
	return s.Erase(ctx, "key:"+p.KeyID, before)
}

func (s *Service) eraseKind(ctx context.Context, k Kind, cutoff, now time.Time) (int, error) {
	total := 0
	for {
		recs, err := s.Store.PersonalDue(ctx, k, cutoff, batch)
		if err != nil {
			return total, err
		}
		for i := range recs {
			body, _, err := Scrub(recs[i].Body)
			if err != nil {
				return total, fmt.Errorf("%s %s: body is not JSON: %w", k, recs[i].ID, err)
			}
			recs[i].Body = body
			recs[i].AddresseeKey = "erased:" + recs[i].ID
		}
		if len(recs) > 0 {
			if err := s.Store.ErasePersonal(ctx, k, recs, now); err != nil {
				return total, err
			}
		}
		total += len(recs)
		if len(recs) < batch {
			return total, nil
		}
	}
}

// Found is one record about a person in an export.
type Found struct {
	Kind   Kind            `json:"kind"`
	ID     string          `json:"id"`
	At     time.Time       `json:"at"`
	As     []string        `json:"as" doc:"Roles the person has in the record: sender, addressee, buyer, seller"`
	Erased bool            `json:"erased"`
	Record json.RawMessage `json:"record" doc:"The record as stored"`
}

// Export is everything stored about a person.
type Export struct {
	Query   Query     `json:"query"`
	At      time.Time `json:"at"`
	Records []Found   `json:"records"`
	// Truncated is set when more records matched than an export holds.
	Truncated bool `json:"truncated,omitempty"`
}

// MaxExport bounds the records one export holds.
const MaxExport = 10000

// Export returns everything stored about the person q names. Only admins
// may ask.
func (s *Service) Export(ctx context.Context, p auth.Principal, q Query) (Export, error) {
	if p.Role != auth.RoleAdmin {
		return Export{}, postal.Errorf(postal.CodeForbidden, "only admin keys may export personal data")
	}
	if q.empty() {
		return Export{}, postal.Errorf(postal.CodeInvalid, "name a person: give name, email or phone")
	}
	needle := q.needle()
	if len(strings.Join(needle, "")) < 3 {
		return Export{}, postal.Errorf(postal.CodeInvalid, "too little to search by: give at least 3 characters of name or email, or 3 digits of phone")
	}
	out := Export{Query: q, At: s.Now().UTC(), Records: []Found{}}
	recs, err := s.Store.PersonalMatching(ctx, needle, MaxExport+1)
	if err != nil {
		return out, err
	}
	if len(recs) > MaxExport {
		recs, out.Truncated = recs[:MaxExport], true
	}
	for _, r := range recs {
		as, err := q.matches(r.Body)
		if err != nil {
			return out, fmt.Errorf("%s %s: body is not JSON: %w", r.Kind, r.ID, err)
		}
		if len(as) == 0 {
			continue
		}
		out.Records = append(out.Records, Found{Kind: r.Kind, ID: r.ID, At: r.At, As: as, Erased: r.Erased, Record: json.RawMessage(r.Body)})
	}
	return out, nil
}
