package acceptance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// MerchantStore keeps merchants (a part of Store).
type MerchantStore interface {
	// PutMerchant creates or updates a merchant.
	PutMerchant(ctx context.Context, m Merchant) error
	// Merchant returns a merchant, or a not_found error.
	Merchant(ctx context.Context, code string) (Merchant, error)
}

// Merchants is the merchants use case: the API, the console and the CLI
// create and read merchants only through it.
type Merchants struct {
	Store MerchantStore
	// Office checks that an office code exists (nil, or not_found); nil
	// leaves the office unchecked.
	Office func(ctx context.Context, code string) error
	Now    func() time.Time
}

// Put creates or updates a merchant (admins only). The merchant must be
// valid and its office must exist (invalid, field "office").
func (s *Merchants) Put(ctx context.Context, who auth.Principal, m Merchant) (Merchant, error) {
	if !who.Is(auth.RoleAdmin) {
		return Merchant{}, postal.Errorf(postal.CodeForbidden, "only an admin key can create or change merchants")
	}
	m.Code = strings.TrimSpace(m.Code)
	if m.CreatedAt.IsZero() {
		now := time.Now
		if s.Now != nil {
			now = s.Now
		}
		m.CreatedAt = now().UTC()
	}
	if err := m.Validate(); err != nil {
		return Merchant{}, err
	}
	if s.Office != nil {
		if err := s.Office(ctx, m.Office); err != nil {
			if postal.ErrorCode(err) == postal.CodeNotFound {
				return Merchant{}, postal.Invalid("unknown office", postal.FieldError{Field: "office", Message: err.Error()})
			}
			return Merchant{}, err
		}
	}
	if err := s.Store.PutMerchant(ctx, m); err != nil {
		return Merchant{}, fmt.Errorf("store merchant %s: %w", m.Code, err)
	}
	return m, nil
}

// Get returns a merchant the caller may see (not_found otherwise, so a
// merchant key can't probe for others).
func (s *Merchants) Get(ctx context.Context, who auth.Principal, code string) (Merchant, error) {
	if !who.CanSeeMerchant(code) {
		return Merchant{}, postal.Errorf(postal.CodeNotFound, "no merchant %q", code)
	}
	return s.Store.Merchant(ctx, code)
}

// Check returns nil when the merchant exists, not_found when it does not.
func (s *Merchants) Check(ctx context.Context, code string) error {
	_, err := s.Store.Merchant(ctx, code)
	return err
}
