package acceptance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Store is what acceptance needs from persistence.
type Store interface {
	// CreateShipment stores n.Shipment under a newly allocated S10 id (see
	// AllocateS10) in one transaction. If n.IdempotencyKey is set and the
	// merchant already used it, the stored shipment is returned with
	// created=false; a different n.RequestHash under the same key is a
	// conflict.
	CreateShipment(ctx context.Context, n NewShipment) (sh Shipment, created bool, err error)
	// Shipment returns the shipment with id, or a not_found error.
	Shipment(ctx context.Context, id postal.S10) (Shipment, error)
	// Shipments returns shipments matching f in creation order (or f.Sort
	// from f.Key), and the cursor of the next page ("" when there is none).
	Shipments(ctx context.Context, f Filter) ([]Shipment, string, error)
	// CountMatching counts the shipments matching f (paging fields
	// ignored), reading at most upTo of them: exact is false when there
	// are more. A filter of merchant and status only is answered from
	// kept counts, whatever the total.
	CountMatching(ctx context.Context, f Filter, upTo int) (n int64, exact bool, err error)
	// AllocateS10 takes the next free S10 id from the ranges, as CreateShipment does.
	AllocateS10(ctx context.Context, indicators []string, country string) (postal.S10, error)
	// PutMerchant creates or updates a merchant.
	PutMerchant(ctx context.Context, m Merchant) error
	// Merchant returns a merchant, or a not_found error.
	Merchant(ctx context.Context, code string) (Merchant, error)
	BatchStore
}

// NewShipment is a validated shipment ready to be stored.
type NewShipment struct {
	Shipment       Shipment // ID is assigned by the store
	Indicators     []string // S10 service indicators to allocate from, in order
	Country        string   // issuing country of the S10 id
	IdempotencyKey string
	RequestHash    string
}

// Filter selects shipments for a listing. Without Sort the list is in
// creation order from After; with Sort it is in that order from Key.
type Filter struct {
	Merchant    string    // "" = all merchants
	Status      string    // "" = any
	Since       time.Time // created at or after; zero = any
	Until       time.Time // created before; zero = any
	Product     string    // "" = any
	Destination string    // addressee country; "" = any
	Offices     []string  // origin office one of these; empty = any
	// StuckBefore, if set, keeps the shipments not in a final status
	// (Final) whose status has not changed since before this time.
	StuckBefore time.Time
	Search      string // a search key prefix (latin.SearchKey) of a Term; "" = none
	After       int64  // position after which the page starts (from the cursor)
	Sort        string // one of Sorts; "" = creation order from After
	Key         *paging.Key
	Limit       int
}

// Errors callers branch on.
var (
	ErrIdempotencyMismatch = postal.Errorf(postal.CodeConflict, "this Idempotency-Key was already used with a different request body; use a new key for a new shipment")
	ErrRangeExhausted      = errors.New("all S10 serial ranges of the product are used up")
)

// AllocateS10 returns the next S10 id from the indicators in order. next
// bumps and returns the next serial of one indicator's range, with ok=false
// when that range is used up. Stores call it inside their transaction.
func AllocateS10(indicators []string, country string, next func(indicator string) (serial uint32, ok bool, err error)) (postal.S10, error) {
	for _, ind := range indicators {
		serial, ok, err := next(ind)
		if err != nil {
			return "", fmt.Errorf("allocate S10 serial in range %s…%s: %w", ind, country, err)
		}
		if ok {
			return postal.NewS10(ind, serial, country)
		}
	}
	return "", postal.Errorf(postal.CodeUnavailable, "allocate S10 id for %s: %w", country, ErrRangeExhausted)
}

// MaxSerial is the last serial of an S10 range.
const MaxSerial = 99_999_999

// Service runs acceptance.
type Service struct {
	Store   Store
	Rates   postal.Rates
	Country string // issuing post's country, e.g. "CN"
	Now     func() time.Time
	// Declared, if set, is called with every stored shipment, new or
	// replayed, so customs records its declaration. It must be idempotent:
	// a retry with the same Idempotency-Key calls it again, which is how a
	// declaration missed by a crash gets recorded.
	Declared func(ctx context.Context, sh Shipment) error
	// DeclaredBatch, if set, is Declared for the shipments of a batch or an
	// upload at once; without it Declared is called for each.
	DeclaredBatch func(ctx context.Context, shs []Shipment) error
	// Statuses are the status values a shipment can have (the tracking
	// lifecycle's, tracking.StatusNames), in order; the list filter accepts
	// these. Empty accepts only "created".
	Statuses []string
	// Scanned, if set, records the acceptance scan of a shipment: tracking's
	// EMA at its origin office at the given time (Accept calls it).
	Scanned func(ctx context.Context, sh Shipment, at time.Time) error
}

// Create validates r and stores it as a new shipment for the caller. Merchant
// keys create for their own merchant; admins and operators name the merchant
// in r.Merchant. With a non-empty key a retry returns the first result.
func (s *Service) Create(ctx context.Context, who auth.Principal, r Request, key string) (Shipment, bool, error) {
	res, err := s.Accept(ctx, who, r, key)
	return res.Shipment, res.Created, err
}

// Accepted is the outcome of Accept.
type Accepted struct {
	Shipment Shipment
	Created  bool      // false when an Idempotency-Key replayed an earlier shipment
	Warnings []Warning // what Interpost derived from the request (Latin forms)
}

// Accept is Create, also returning the warnings of the request (a retry with
// the same Idempotency-Key gets the same warnings: they follow from the body).
func (s *Service) Accept(ctx context.Context, who auth.Principal, r Request, key string) (Accepted, error) {
	n, warnings, err := s.prepare(ctx, who, r, key, nil)
	if err != nil {
		return Accepted{}, err
	}
	stored, created, err := s.Store.CreateShipment(ctx, n)
	res := Accepted{Shipment: stored, Created: created, Warnings: warnings}
	if err != nil || s.Declared == nil {
		return res, err
	}
	if err := s.Declared(ctx, stored); err != nil {
		return res, postal.Errorf(postal.CodeUnavailable,
			"item %s was accepted but its customs declaration was not recorded; retry with the same Idempotency-Key: %w", stored.ID, err)
	}
	return res, nil
}

// prepare checks who may create r and validates it, returning what the
// store needs and the request's warnings. merchants caches merchant
// look-ups across a batch (nil = no cache).
func (s *Service) prepare(ctx context.Context, who auth.Principal, r Request, key string, merchants map[string]Merchant) (NewShipment, []Warning, error) {
	merchantCode, err := who.MerchantFor(r.Merchant, createRefusals)
	if err != nil {
		return NewShipment{}, nil, err
	}
	if len(key) > 255 {
		return NewShipment{}, nil, postal.Invalid("bad Idempotency-Key", postal.FieldError{Field: "Idempotency-Key", Message: "longer than 255 characters"})
	}
	m, ok := merchants[merchantCode]
	if !ok {
		if m, err = s.Store.Merchant(ctx, merchantCode); err != nil {
			return NewShipment{}, nil, fmt.Errorf("merchant %s: %w", merchantCode, err)
		}
		if merchants != nil {
			merchants[merchantCode] = m
		}
	}
	v, err := Validate(r, s.Country, s.Rates)
	if err != nil {
		return NewShipment{}, nil, err
	}
	origin := m.Office
	if r.OriginOffice != "" {
		if who.Role == auth.RoleMerchant {
			return NewShipment{}, nil, postal.Errorf(postal.CodeForbidden, "a merchant key cannot choose the origin office; items leave from the merchant's office %s", m.Office)
		}
		origin = r.OriginOffice
	}
	if who.Role == auth.RoleOperator && !who.InOffice(origin) {
		return NewShipment{}, nil, postal.Errorf(postal.CodeForbidden, "this key is scoped to offices %s; items it accepts leave from one of them, not from %s",
			strings.Join(who.Offices, ","), origin)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sh := Shipment{
		Merchant:     m.Code,
		MerchantRef:  r.MerchantRef,
		Product:      string(v.Spec.Code),
		Status:       StatusCreated,
		OriginOffice: origin,
		Sender:       v.Sender,
		Addressee:    v.Addressee,
		WeightG:      r.WeightG,
		DimensionsMM: r.DimensionsMM,
		Declaration:  v.Declaration,
		Insured:      v.Insured,
		CreatedAt:    now().UTC().Truncate(time.Microsecond),
	}
	return NewShipment{
		Shipment:       sh,
		Indicators:     v.Indicators,
		Country:        s.Country,
		IdempotencyKey: key,
		RequestHash:    hashRequest(merchantCode, r),
	}, v.Warnings, nil
}

// The refusals of creating and listing shipments for a merchant.
var (
	createRefusals = auth.Refusals{Other: "a merchant key can only create shipments for its own merchant %s", Role: "role %s cannot create shipments"}
	listRefusals   = auth.Refusals{Other: "a merchant key can only list its own shipments (merchant %s)", Role: "role %s cannot list shipments"}
)

// Get returns a shipment the caller may see; others' shipments are not_found
// for merchant keys, so ids can't be probed.
func (s *Service) Get(ctx context.Context, who auth.Principal, id string) (Shipment, error) {
	sid, err := postal.ParseS10(id)
	if err != nil {
		return Shipment{}, postal.Invalid("bad item id", postal.FieldError{Field: "id", Message: err.Error()})
	}
	sh, err := s.Store.Shipment(ctx, sid)
	if err != nil {
		return Shipment{}, err
	}
	if !who.CanSeeMerchant(sh.Merchant) {
		return Shipment{}, postal.Errorf(postal.CodeNotFound, "no shipment %s", sid)
	}
	return sh, nil
}

// List returns a page of shipments the caller may see.
func (s *Service) List(ctx context.Context, who auth.Principal, merchant string, since time.Time, limit int, cursor string) ([]Shipment, string, error) {
	return s.ListStatus(ctx, who, merchant, "", since, limit, cursor)
}

// ListStatus is List, optionally only the shipments in one status ("" =
// any; an unknown status is invalid, naming the allowed values).
func (s *Service) ListStatus(ctx context.Context, who auth.Principal, merchant, status string, since time.Time, limit int, cursor string) ([]Shipment, string, error) {
	if err := s.checkStatus(status); err != nil {
		return nil, "", err
	}
	after, err := paging.DecodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	if merchant, err = who.MerchantScope(merchant, listRefusals); err != nil {
		return nil, "", err
	}
	if limit, err = paging.Limit(limit, 50, "limit"); err != nil {
		return nil, "", err
	}
	return s.Store.Shipments(ctx, Filter{Merchant: merchant, Status: status, Since: since, After: after, Limit: limit})
}

// StatusNames returns the status values a shipment can have.
func (s *Service) StatusNames() []string {
	if len(s.Statuses) == 0 {
		return []string{StatusCreated}
	}
	return slices.Clone(s.Statuses)
}

func (s *Service) checkStatus(status string) error {
	if status == "" {
		return nil
	}
	allowed := s.StatusNames()
	if slices.Contains(allowed, status) {
		return nil
	}
	shown := status
	if len(shown) > 40 {
		shown = shown[:40] + "…"
	}
	return postal.Invalid("bad status", postal.FieldError{Field: "query.status",
		Message: fmt.Sprintf("%q is not a shipment status; use one of %s", shown, strings.Join(allowed, ", "))})
}

func trimParty(p Party) Party {
	for _, f := range []*string{&p.Name, &p.Company, &p.Address, &p.City, &p.State, &p.Postcode, &p.Phone, &p.Email, &p.TaxID} {
		*f = strings.TrimSpace(*f)
	}
	return p
}

func hashRequest(merchant string, r Request) string {
	r.Merchant = merchant
	b, _ := json.Marshal(r) // a struct of strings, ints and slices cannot fail to marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AllocateS10 reserves the next n S10 ids of a product's serial ranges
// (pre-printed labels), as Create would take them. Admins and operators only.
func (s *Service) AllocateS10(ctx context.Context, who auth.Principal, product string, n int) ([]postal.S10, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return nil, postal.Errorf(postal.CodeForbidden, "role %s cannot allocate S10 ids", who.Role)
	}
	spec, err := postal.LookupProduct(product)
	if err != nil {
		return nil, postal.Invalid("bad product", postal.FieldError{Field: "product", Message: err.Error()})
	}
	if !postal.ValidCountry(s.Country) {
		return nil, postal.Invalid("bad country", postal.FieldError{Field: "country", Message: fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 code", s.Country)})
	}
	if n < 1 || n > 10000 {
		return nil, postal.Invalid("bad count", postal.FieldError{Field: "count", Message: "between 1 and 10000"})
	}
	out := make([]postal.S10, 0, n)
	for range n {
		id, err := s.Store.AllocateS10(ctx, spec.Indicators, s.Country)
		if err != nil {
			return out, fmt.Errorf("allocate S10 id %d of %d: %w", len(out)+1, n, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// CounterScan records that the item was handed over at the counter of its
// origin office: the acceptance scan (EMA), at at (zero: now). Admins and
// operators whose offices include the origin office may; a merchant hands
// items over, it does not scan them. The status follows once tracking has
// projected the scan (docs/lifecycle.md). Scanning again is harmless: the
// same scan is stored once, a later one adds a line to the timeline.
func (s *Service) CounterScan(ctx context.Context, who auth.Principal, id string, at time.Time) (Shipment, time.Time, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return Shipment{}, time.Time{}, postal.Errorf(postal.CodeForbidden, "role %s cannot scan items at a counter; an operator of the origin office does", who.Role)
	}
	if s.Scanned == nil {
		return Shipment{}, time.Time{}, postal.Errorf(postal.CodeUnavailable, "acceptance scans are not recorded on this node (no tracking)")
	}
	sh, err := s.Get(ctx, who, id)
	if err != nil {
		return Shipment{}, time.Time{}, err
	}
	if !who.InOffice(sh.OriginOffice) {
		return Shipment{}, time.Time{}, postal.Errorf(postal.CodeForbidden, "item %s is accepted at %s, outside the offices of your key (%s)",
			sh.ID, sh.OriginOffice, strings.Join(who.Offices, ","))
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	n := now().UTC()
	switch {
	case at.IsZero():
		at = n
	case at.After(n.Add(5 * time.Minute)):
		return Shipment{}, time.Time{}, postal.Invalid("bad acceptance time", postal.FieldError{Field: "body.at",
			Message: fmt.Sprintf("%s is in the future (now %s)", at.UTC().Format(time.RFC3339), n.Format(time.RFC3339))})
	case at.Before(sh.CreatedAt):
		return Shipment{}, time.Time{}, postal.Invalid("bad acceptance time", postal.FieldError{Field: "body.at",
			Message: fmt.Sprintf("%s is before the shipment was created (%s)", at.UTC().Format(time.RFC3339), sh.CreatedAt.Format(time.RFC3339))})
	}
	at = at.UTC().Truncate(time.Second)
	if err := s.Scanned(ctx, sh, at); err != nil {
		return Shipment{}, time.Time{}, err
	}
	return sh, at, nil
}
