package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

type memStore struct{ keys map[string]auth.Key }

func (m *memStore) CreateKey(_ context.Context, k auth.Key) error { m.keys[k.Hash] = k; return nil }
func (m *memStore) KeyByHash(_ context.Context, h string) (auth.Key, error) {
	k, ok := m.keys[h]
	if !ok {
		return k, postal.Errorf(postal.CodeNotFound, "no key")
	}
	return k, nil
}
func (m *memStore) Keys(context.Context) ([]auth.Key, error)             { return nil, nil }
func (m *memStore) RevokeKey(context.Context, string, time.Time) error   { return nil }
func (m *memStore) SetKeyLanguage(context.Context, string, string) error { return nil }

var _ auth.Store = (*memStore)(nil)

func TestNewKey(t *testing.T) {
	t.Parallel()
	k, secret, err := auth.NewKey(auth.RoleMerchant, "ACME", "", nil, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "ipk_") || len(secret) != 4+52 || strings.Contains(k.Hash, secret) || k.Hash != auth.Hash(secret) {
		t.Errorf("key %q hash %q", secret, k.Hash)
	}
	if !strings.HasPrefix(secret[4:], k.ID) {
		t.Errorf("id %q is not the start of the secret", k.ID)
	}
	_, other, _ := auth.NewKey(auth.RoleMerchant, "ACME", "", nil, "", time.Now())
	if other == secret {
		t.Error("two keys are equal")
	}
	for _, c := range []struct {
		role              auth.Role
		merchant, partner string
		field             string
	}{
		{auth.RoleMerchant, "", "", "merchant"},
		{auth.RolePartner, "", "", "partner"},
		{auth.RoleOperator, "ACME", "", "merchant"},
	} {
		_, _, err := auth.NewKey(c.role, c.merchant, c.partner, nil, "", time.Now())
		if f := postal.Fields(err); len(f) != 1 || f[0].Field != c.field {
			t.Errorf("NewKey(%s, %q, %q) = %v, want error on %s", c.role, c.merchant, c.partner, err, c.field)
		}
	}
	if _, err := auth.ParseRole("root"); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("ParseRole(root) = %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	st := &memStore{keys: map[string]auth.Key{}}
	k, secret, _ := auth.NewKey(auth.RoleCustoms, "", "", []string{"CNXMNA"}, "", time.Now())
	_ = st.CreateKey(context.Background(), k)
	p, err := auth.Authenticate(context.Background(), st, secret)
	if err != nil || p.Role != auth.RoleCustoms || !p.InOffice("CNXMNA") || p.InOffice("CNPEKA") {
		t.Fatalf("principal %+v, %v", p, err)
	}
	for _, bad := range []string{"", "ipk_", "nope", secret + "x", strings.Repeat("ipk_", 100)} {
		if _, err := auth.Authenticate(context.Background(), st, bad); !errors.Is(err, auth.ErrBadKey) || postal.ErrorCode(err) != postal.CodeUnauthenticated {
			t.Errorf("Authenticate(%.10q…) = %v", bad, err)
		}
	}
	k.RevokedAt = time.Now()
	st.keys[k.Hash] = k
	if _, err := auth.Authenticate(context.Background(), st, secret); !errors.Is(err, auth.ErrBadKey) {
		t.Errorf("revoked = %v", err)
	}
}

func TestPrincipalScope(t *testing.T) {
	t.Parallel()
	m := auth.Principal{Role: auth.RoleMerchant, Merchant: "ACME"}
	if !m.CanSeeMerchant("ACME") || m.CanSeeMerchant("OTHER") || m.CanSeeMerchant("") {
		t.Error("merchant scope")
	}
	if p := (auth.Principal{Role: auth.RolePartner}); p.CanSeeMerchant("ACME") {
		t.Error("partner sees merchant data")
	}
	if a := (auth.Principal{Role: auth.RoleAdmin, Offices: []string{"X"}}); !a.InOffice("CNXMNA") {
		t.Error("admin is scoped")
	}
}

func TestMerchantFor(t *testing.T) {
	t.Parallel()
	r := auth.Refusals{Other: "only for own merchant %s", Role: "role %s may not"}
	acme := auth.Principal{Role: auth.RoleMerchant, Merchant: "ACME"}
	admin := auth.Principal{Role: auth.RoleAdmin}
	for _, c := range []struct {
		who          auth.Principal
		named, want  string
		code         postal.Code
		read, wantRd string
		readCode     postal.Code
	}{
		{who: acme, named: "", want: "ACME", read: "", wantRd: "ACME"},
		{who: acme, named: "ACME", want: "ACME", read: "ACME", wantRd: "ACME"},
		{who: acme, named: "OTHER", code: postal.CodeForbidden, read: "OTHER", readCode: postal.CodeForbidden},
		{who: admin, named: "ACME", want: "ACME", read: "", wantRd: ""},
		{who: admin, named: "", code: postal.CodeInvalid, read: "ACME", wantRd: "ACME"},
		{who: auth.Principal{Role: auth.RoleOperator}, named: "ACME", want: "ACME", read: "ACME", wantRd: "ACME"},
		{who: auth.Principal{Role: auth.RoleCustoms}, named: "ACME", code: postal.CodeForbidden, read: "", wantRd: ""},
		{who: auth.Principal{Role: auth.RolePartner, Partner: "PL"}, named: "ACME", code: postal.CodeForbidden, read: "", readCode: postal.CodeForbidden},
	} {
		got, err := c.who.MerchantFor(c.named, r)
		if got != c.want || postal.ErrorCode(err) != c.code {
			t.Errorf("%s MerchantFor(%q) = %q, %v", c.who.Role, c.named, got, err)
		}
		got, err = c.who.MerchantScope(c.read, r)
		if got != c.wantRd || postal.ErrorCode(err) != c.readCode {
			t.Errorf("%s MerchantScope(%q) = %q, %v", c.who.Role, c.read, got, err)
		}
	}
	if _, err := acme.MerchantFor("OTHER", r); err.Error() != "only for own merchant ACME" {
		t.Errorf("other merchant: %v", err)
	}
	if _, err := (auth.Principal{Role: auth.RolePartner}).MerchantScope("", r); err.Error() != "role partner may not" {
		t.Errorf("role: %v", err)
	}
	if _, err := admin.MerchantFor("", r); err.Error() != "merchant missing: merchant: required when the key is not a merchant key" {
		t.Errorf("missing: %v", err)
	}
}
