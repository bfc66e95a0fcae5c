package server_test

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

// TestRoleMatrix walks every operation of the OpenAPI document with no key
// and with a key of every role: an operation that declares roles answers
// 401 without a key and 403 to every role it does not list, and never 401
// or 403 to a role it lists (what such a caller then gets — 200, 404, 422 —
// is the operation's business). A public operation never answers 401. A
// new route that forgets its roles, or a role gate that disagrees with the
// document, fails here.
func TestRoleMatrix(t *testing.T) {
	// The operations anyone may call: reference data and S10 checks, no
	// personal data.
	public := map[string]bool{"GET /v1/offices": true, "GET /v1/s10/{id}": true, "GET /v1/products": true, "GET /v1/events/codes": true,
		"POST /v1/public/inquiries": true}
	e := newEnv(t)
	keys := map[string]string{"admin": "admin", "operator": "operator", "customs": "customs", "merchant": "acme", "partner": "partner"}
	param := regexp.MustCompile(`\{[^}]+\}`)
	type op struct {
		method, path string
		roles        []string
	}
	var ops []op
	for path, item := range e.handler.OpenAPI().Paths {
		for method, o := range map[string]*huma.Operation{http.MethodGet: item.Get, http.MethodPost: item.Post, http.MethodPut: item.Put,
			http.MethodDelete: item.Delete, http.MethodPatch: item.Patch} {
			if o == nil {
				continue
			}
			roles, _ := o.Metadata["roles"].([]string)
			ops = append(ops, op{method, path, roles})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	if len(ops) < 90 {
		t.Fatalf("only %d operations in the document", len(ops))
	}
	gated := 0
	for _, o := range ops {
		// Path parameters get a well-formed stand-in: the gate runs before
		// the operation looks anything up.
		path := param.ReplaceAllStringFunc(o.path, func(p string) string {
			switch p {
			case "{id}", "{item}":
				return "EA000000005CN"
			case "{office}", "{code}":
				return "CNXMNA"
			case "{party}":
				return "post:PLPOST"
			case "{merchant}":
				return "ACME"
			case "{partner}":
				return "PLPOST"
			}
			return "X"
		})
		if len(o.roles) == 0 {
			if !public[o.method+" "+o.path] {
				t.Errorf("%s %s declares no roles: anyone may call it (add its roles, or list it in public if it is meant to be)", o.method, o.path)
			}
			if r := e.do(o.method, path, "", nil); r.status == http.StatusUnauthorized {
				t.Errorf("%s %s is public in the document but answers 401", o.method, o.path)
			}
			continue
		}
		gated++
		if r := e.do(o.method, path, "", nil); r.status != http.StatusUnauthorized {
			t.Errorf("%s %s without a key = %d, want 401", o.method, o.path, r.status)
		}
		for role, key := range keys {
			r := e.do(o.method, path, key, nil)
			allowed := slices.Contains(o.roles, role)
			switch {
			case !allowed && r.status != http.StatusForbidden:
				t.Errorf("%s %s as %s (not in %s) = %d, want 403", o.method, o.path, role, strings.Join(o.roles, ","), r.status)
			case allowed && r.status == http.StatusForbidden && strings.Contains(string(r.body), "; allowed: "):
				t.Errorf("%s %s as %s (listed) was refused by the role gate: %s", o.method, o.path, role, r.body)
			case allowed && r.status == http.StatusUnauthorized:
				t.Errorf("%s %s as %s (listed) = 401", o.method, o.path, role)
			}
		}
	}
	t.Logf("%d operations, %d behind a role gate, %d roles each", len(ops), gated, len(keys))
}
