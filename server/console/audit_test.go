package console

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/interpost/interpost/auth"
)

// TestAuditForms: a form posted by a signed-in caller is told to Audit
// with who posted it and the status answered; a page read is not.
func TestAuditForms(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	type entry struct {
		pattern string
		role    auth.Role
		status  int
	}
	var mu sync.Mutex
	var got []entry
	tc.cfg.Audit = func(r *http.Request, p auth.Principal, status int) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, entry{r.Pattern, p.Role, status})
	}
	cookies, token := tc.signIn(t, "admin")
	if resp, _ := tc.do(t, "GET", "/console/keys", nil, cookies); resp.StatusCode != http.StatusOK {
		t.Fatalf("keys page: %d", resp.StatusCode)
	}
	resp, _ := tc.do(t, "POST", "/console/keys", url.Values{"csrf": {token}, "role": {"operator"}, "label": {"night shift"}}, cookies)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].pattern != "POST /console/keys" || got[0].role != auth.RoleAdmin || got[0].status != resp.StatusCode {
		t.Fatalf("audited %+v, want one POST /console/keys by admin answered %d", got, resp.StatusCode)
	}
}
