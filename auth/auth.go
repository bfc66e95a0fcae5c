package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// Role is what a key may do.
type Role string

// Roles, as in DESIGN.md.
const (
	RoleAdmin    Role = "admin"    // everything
	RoleOperator Role = "operator" // operations at its offices; sees all shipments
	RoleCustoms  Role = "customs"  // customs work at its offices
	RoleMerchant Role = "merchant" // its own shipments, orders and stock
	RolePartner  Role = "partner"  // a partner post or carrier: what it sends and is owed
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleOperator, RoleCustoms, RoleMerchant, RolePartner}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", postal.Invalid("bad role", postal.FieldError{Field: "role", Message: fmt.Sprintf("%q is not one of admin, operator, customs, merchant, partner", s)})
	}
	return r, nil
}

// Principal is the authenticated caller.
type Principal struct {
	KeyID    string
	Role     Role
	Merchant string   // merchant role: the merchant code
	Partner  string   // partner role: the partner post or carrier code
	Offices  []string // operator/customs: office codes in scope; empty = all
	// Language is the key's user's language preference for the console and the
	// documents made for them (a BCP 47 tag, "" = none set: Accept-Language decides).
	Language string
}

// Is reports whether p has one of roles.
func (p Principal) Is(roles ...Role) bool { return slices.Contains(roles, p.Role) }

// CanSeeMerchant reports whether p may see data of merchant m ("" = all merchants).
func (p Principal) CanSeeMerchant(m string) bool {
	switch p.Role {
	case RoleAdmin, RoleOperator, RoleCustoms:
		return true
	case RoleMerchant:
		return m != "" && m == p.Merchant
	}
	return false
}

// Refusals words the forbidden errors of a call scoped to one merchant, in
// the words of the use case. Each is a fmt format with one %s: Other gets the
// merchant of a merchant key that named another merchant, Role the role of a
// caller who may not make the call at all.
type Refusals struct{ Other, Role string }

// MerchantFor returns the merchant a write by p acts for. A merchant key acts
// only for its own merchant (naming another is forbidden); an admin or
// operator must name one (else an invalid-argument error on field
// "merchant"); other roles are forbidden.
func (p Principal) MerchantFor(named string, r Refusals) (string, error) {
	switch p.Role {
	case RoleMerchant:
		return p.ownMerchant(named, r)
	case RoleAdmin, RoleOperator:
		if named == "" {
			return "", postal.Invalid("merchant missing", postal.FieldError{Field: "merchant", Message: "required when the key is not a merchant key"})
		}
		return named, nil
	}
	return "", postal.Errorf(postal.CodeForbidden, r.Role, p.Role)
}

// MerchantScope returns the merchant a read by p is limited to ("" = all
// merchants). A merchant key sees only its own merchant (naming another is
// forbidden); the roles that see every merchant (CanSeeMerchant) get the one
// they name; other roles are forbidden.
func (p Principal) MerchantScope(named string, r Refusals) (string, error) {
	switch {
	case p.Role == RoleMerchant:
		return p.ownMerchant(named, r)
	case p.CanSeeMerchant(""):
		return named, nil
	}
	return "", postal.Errorf(postal.CodeForbidden, r.Role, p.Role)
}

func (p Principal) ownMerchant(named string, r Refusals) (string, error) {
	if named != "" && named != p.Merchant {
		return "", postal.Errorf(postal.CodeForbidden, r.Other, p.Merchant)
	}
	return p.Merchant, nil
}

// InOffice reports whether an office is in p's scope.
func (p Principal) InOffice(office string) bool {
	return p.Role == RoleAdmin || len(p.Offices) == 0 || slices.Contains(p.Offices, office)
}

// Key is a stored API key (its secret is never stored).
type Key struct {
	ID        string    `json:"id"`
	Hash      string    `json:"-"`
	Role      Role      `json:"role"`
	Merchant  string    `json:"merchant,omitempty"`
	Partner   string    `json:"partner,omitempty"`
	Offices   []string  `json:"offices,omitempty"`
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	// Language is its user's language preference ("" = none: the browser's decides).
	Language string `json:"language,omitempty"`
}

// Principal returns the caller a key authenticates.
func (k Key) Principal() Principal {
	return Principal{KeyID: k.ID, Role: k.Role, Merchant: k.Merchant, Partner: k.Partner, Offices: k.Offices, Language: k.Language}
}

// Store keeps keys.
type Store interface {
	// CreateKey stores k; a duplicate id is a conflict.
	CreateKey(ctx context.Context, k Key) error
	// KeyByHash returns the key with this hash, or not_found.
	KeyByHash(ctx context.Context, hash string) (Key, error)
	// Keys lists keys, newest first.
	Keys(ctx context.Context) ([]Key, error)
	// RevokeKey marks a key revoked at t; not_found if there is none.
	RevokeKey(ctx context.Context, id string, t time.Time) error
	// SetKeyLanguage stores the language preference of an active key's user
	// ("" clears it); not_found if there is no such active key.
	SetKeyLanguage(ctx context.Context, id, lang string) error
}

// keyPrefix marks Interpost keys so secret scanners can find leaked ones.
const keyPrefix = "ipk_"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewKey makes a key for the given scope and returns it with its secret,
// which the caller shows once. The id is the first characters of the secret
// after the prefix, so logs can name a key without revealing it.
func NewKey(role Role, merchant, partner string, offices []string, label string, now time.Time) (Key, string, error) {
	if role == RoleMerchant && merchant == "" {
		return Key{}, "", postal.Invalid("merchant missing", postal.FieldError{Field: "merchant", Message: "required for role merchant"})
	}
	if role == RolePartner && partner == "" {
		return Key{}, "", postal.Invalid("partner missing", postal.FieldError{Field: "partner", Message: "required for role partner"})
	}
	if role != RoleMerchant && merchant != "" {
		return Key{}, "", postal.Invalid("merchant not allowed", postal.FieldError{Field: "merchant", Message: "only merchant keys name a merchant"})
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Key{}, "", fmt.Errorf("read random key: %w", err)
	}
	body := strings.ToLower(b32.EncodeToString(raw[:]))
	secret := keyPrefix + body
	k := Key{
		ID:        body[:10],
		Hash:      Hash(secret),
		Role:      role,
		Merchant:  merchant,
		Partner:   partner,
		Offices:   offices,
		Label:     label,
		CreatedAt: now.UTC().Truncate(time.Microsecond),
	}
	return k, secret, nil
}

// Hash returns the stored form of a secret. Keys carry 256 bits of entropy,
// so a fast hash is enough: there is nothing to brute-force.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Authenticate finds the principal for a presented secret. Unknown, malformed
// and revoked keys all give the same not_found-free error, so callers answer 401.
func Authenticate(ctx context.Context, s Store, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 200 {
		return Principal{}, ErrBadKey
	}
	k, err := s.KeyByHash(ctx, Hash(secret))
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return Principal{}, ErrBadKey
	}
	if err != nil {
		return Principal{}, fmt.Errorf("look up key: %w", err)
	}
	if !k.RevokedAt.IsZero() {
		return Principal{}, ErrBadKey
	}
	return k.Principal(), nil
}

// ErrBadKey means the presented key is unknown, malformed or revoked.
var ErrBadKey = &postal.Error{Code: postal.CodeUnauthenticated, Message: "the API key is missing, unknown or revoked"}
