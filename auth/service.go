package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// Refs checks that what a key names exists. Each method returns nil when
// the code is known and not_found when it is not.
type Refs interface {
	CheckMerchant(ctx context.Context, code string) error
	CheckOffice(ctx context.Context, code string) error
}

// Service owns API keys: the API, the console and the CLI create, list and
// revoke keys only through it, so the rules below hold everywhere.
type Service struct {
	Store Store
	Refs  Refs // nil: merchants and offices named by keys are not checked
	Now   func() time.Time
	// Throttle slows down failed authentications per client address and
	// key prefix; nil lets every attempt through.
	Throttle *Throttle
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// KeyRequest is what a new key is for.
type KeyRequest struct {
	Role     Role
	Merchant string   // role merchant: a known merchant
	Partner  string   // role partner: the post or carrier code
	Offices  []string // operator/customs: known offices in scope; empty = all
	Label    string
}

// Authenticate finds the principal for a secret presented from client (a
// network address; "" when unknown). Unknown, malformed and revoked keys
// give ErrBadKey; while the client or the key's prefix has failed too often
// the answer is a *ThrottledError, without a look-up.
func (s *Service) Authenticate(ctx context.Context, client, secret string) (Principal, error) {
	if s.Throttle == nil {
		return Authenticate(ctx, s.Store, secret)
	}
	keys := throttleKeys(client, secret)
	now := s.now()
	if wait := s.Throttle.wait(now, keys...); wait > 0 {
		return Principal{}, &ThrottledError{RetryAfter: wait}
	}
	p, err := Authenticate(ctx, s.Store, secret)
	if err == ErrBadKey {
		s.Throttle.fail(now, keys...)
	}
	return p, err
}

// throttleKeys names what failures count against: the client address and
// the key id part of the secret (the characters a key's id is made of).
func throttleKeys(client, secret string) []string {
	var keys []string
	if client != "" {
		keys = append(keys, "addr:"+client)
	}
	if body, ok := strings.CutPrefix(secret, keyPrefix); ok && len(body) >= 10 {
		keys = append(keys, "key:"+body[:10])
	}
	return keys
}

// CreateKey makes and stores a key and returns it with its secret, which
// the caller shows once. Only admins create keys. The merchant of a
// merchant key and every office in scope must exist (invalid, naming the
// field "merchant" or "offices"); codes are upper-cased.
func (s *Service) CreateKey(ctx context.Context, who Principal, r KeyRequest) (Key, string, error) {
	if !who.Is(RoleAdmin) {
		return Key{}, "", postal.Errorf(postal.CodeForbidden, "only an admin key can create keys")
	}
	if _, err := ParseRole(string(r.Role)); err != nil {
		return Key{}, "", err
	}
	r.Merchant = strings.ToUpper(strings.TrimSpace(r.Merchant))
	var offices []string
	for _, o := range r.Offices {
		if o = strings.ToUpper(strings.TrimSpace(o)); o != "" {
			offices = append(offices, o)
		}
	}
	if s.Refs != nil {
		if r.Role == RoleMerchant && r.Merchant != "" {
			if err := s.Refs.CheckMerchant(ctx, r.Merchant); err != nil {
				return Key{}, "", known("unknown merchant", "merchant", fmt.Sprintf("no merchant %q", r.Merchant), err)
			}
		}
		for _, o := range offices {
			if err := s.Refs.CheckOffice(ctx, o); err != nil {
				return Key{}, "", known("unknown office", "offices", fmt.Sprintf("no office %q", o), err)
			}
		}
	}
	k, secret, err := NewKey(r.Role, r.Merchant, strings.TrimSpace(r.Partner), offices, strings.TrimSpace(r.Label), s.now())
	if err != nil {
		return Key{}, "", err
	}
	if err := s.Store.CreateKey(ctx, k); err != nil {
		return Key{}, "", fmt.Errorf("store key %s: %w", k.ID, err)
	}
	return k, secret, nil
}

// known turns a not_found from a lookup into a field error; other errors
// (the store is down) pass through.
func known(msg, field, detail string, err error) error {
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return postal.Invalid(msg, postal.FieldError{Field: field, Message: detail})
	}
	return err
}

// Keys lists every key, newest first (admins only; secrets are never kept).
func (s *Service) Keys(ctx context.Context, who Principal) ([]Key, error) {
	if !who.Is(RoleAdmin) {
		return nil, postal.Errorf(postal.CodeForbidden, "only an admin key can list keys")
	}
	keys, err := s.Store.Keys(ctx)
	if keys == nil && err == nil {
		keys = []Key{}
	}
	return keys, err
}

// ErrRevokeSelf is returned when a caller tries to revoke the key it is
// using: it would lock itself out mid-session.
var ErrRevokeSelf = &postal.Error{Code: postal.CodeConflict,
	Message: "this is the key you are signed in with; use another admin key to revoke it"}

// RevokeKey revokes a key now (admins only). Revoking the key the caller
// is using is ErrRevokeSelf; an unknown id is not_found.
func (s *Service) RevokeKey(ctx context.Context, who Principal, id string) error {
	if !who.Is(RoleAdmin) {
		return postal.Errorf(postal.CodeForbidden, "only an admin key can revoke keys")
	}
	if who.KeyID != "" && id == who.KeyID {
		return ErrRevokeSelf
	}
	return s.Store.RevokeKey(ctx, id, s.now())
}

// SetLanguage stores the language preference of the caller's own key (the
// key is the user: Interpost has no accounts apart from keys). lang is what
// the caller chose, already matched to a language the console speaks ("" clears
// the preference); every role may set its own, nobody another key's.
func (s *Service) SetLanguage(ctx context.Context, who Principal, lang string) error {
	if who.KeyID == "" {
		return postal.Errorf(postal.CodeForbidden, "only a signed-in key has a language preference")
	}
	if err := s.Store.SetKeyLanguage(ctx, who.KeyID, lang); err != nil {
		return fmt.Errorf("set language of key %s: %w", who.KeyID, err)
	}
	return nil
}
