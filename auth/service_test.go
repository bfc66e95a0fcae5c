package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// refs knows the merchant ACME and the office CNXMNA.
type refs struct{}

func (refs) CheckMerchant(_ context.Context, code string) error {
	if code == "ACME" {
		return nil
	}
	return postal.Errorf(postal.CodeNotFound, "no merchant %q", code)
}

func (refs) CheckOffice(_ context.Context, code string) error {
	if code == "CNXMNA" {
		return nil
	}
	return postal.Errorf(postal.CodeNotFound, "no office %q", code)
}

// revokes records revocations.
type revokes struct {
	memStore
	revoked map[string]time.Time
}

func (r *revokes) RevokeKey(_ context.Context, id string, t time.Time) error {
	r.revoked[id] = t
	return nil
}

func TestServiceKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	st := &revokes{memStore{keys: map[string]auth.Key{}}, map[string]time.Time{}}
	svc := &auth.Service{Store: st, Refs: refs{}, Now: func() time.Time { return now }}
	admin := auth.Principal{KeyID: "adminkey01", Role: auth.RoleAdmin}

	for _, c := range []struct {
		name  string
		who   auth.Principal
		req   auth.KeyRequest
		code  postal.Code
		field string
	}{
		{"merchant key", admin, auth.KeyRequest{Role: auth.RoleMerchant, Merchant: " acme "}, "", ""},
		{"unknown merchant", admin, auth.KeyRequest{Role: auth.RoleMerchant, Merchant: "NOPE"}, postal.CodeInvalid, "merchant"},
		{"unknown office", admin, auth.KeyRequest{Role: auth.RoleOperator, Offices: []string{"cnxmna", "XXNOPE"}}, postal.CodeInvalid, "offices"},
		{"bad role", admin, auth.KeyRequest{Role: "boss"}, postal.CodeInvalid, "role"},
		{"not an admin", auth.Principal{KeyID: "op", Role: auth.RoleOperator}, auth.KeyRequest{Role: auth.RoleAdmin}, postal.CodeForbidden, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, secret, err := svc.CreateKey(ctx, c.who, c.req)
			if postal.ErrorCode(err) != c.code {
				t.Fatalf("CreateKey = %v, want code %q", err, c.code)
			}
			if c.field != "" {
				if fs := postal.Fields(err); len(fs) != 1 || fs[0].Field != c.field {
					t.Errorf("fields %v, want %s", fs, c.field)
				}
			}
			if err != nil {
				return
			}
			if k.Merchant != "ACME" || !k.CreatedAt.Equal(now) {
				t.Errorf("key %+v: merchant not normalised or clock not used", k)
			}
			if p, err := svc.Authenticate(ctx, "", secret); err != nil || p.Merchant != "ACME" || p.Role != auth.RoleMerchant {
				t.Errorf("Authenticate = %+v, %v", p, err)
			}
		})
	}

	if err := svc.RevokeKey(ctx, admin, admin.KeyID); !errors.Is(err, auth.ErrRevokeSelf) || postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("revoking your own key = %v, want ErrRevokeSelf (conflict)", err)
	}
	if err := svc.RevokeKey(ctx, auth.Principal{Role: auth.RoleMerchant, Merchant: "ACME"}, "other"); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("a merchant revoking = %v, want forbidden", err)
	}
	if err := svc.RevokeKey(ctx, admin, "other"); err != nil || !st.revoked["other"].Equal(now) {
		t.Errorf("revoke = %v, revoked %v", err, st.revoked)
	}
	if _, err := svc.Keys(ctx, auth.Principal{Role: auth.RoleCustoms}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("customs listing keys = %v, want forbidden", err)
	}
	// A store that is down is not reported as an unknown merchant.
	down := &auth.Service{Store: st, Refs: failing{}}
	if _, _, err := down.CreateKey(ctx, admin, auth.KeyRequest{Role: auth.RoleMerchant, Merchant: "ACME"}); postal.ErrorCode(err) != postal.CodeInternal {
		t.Errorf("lookup failure = %v, want internal", err)
	}
}

type failing struct{}

func (failing) CheckMerchant(context.Context, string) error { return fmt.Errorf("database is down") }
func (failing) CheckOffice(context.Context, string) error   { return fmt.Errorf("database is down") }
