package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/privacy"
	"github.com/interpost/interpost/store/sqlite"
)

// lockedBuffer collects the server's log lines from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var privacyNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// TestPersonalDataStaysOut runs the demo world and a flow of API calls
// with the server logging at debug level, then looks for every sender's
// and addressee's name, street, e-mail and phone in the logs and in the
// public tracking pages: none may be there. Then: the audit log holds the
// flow's mutating calls, the export finds the person, and erasure blanks
// them.
func TestPersonalDataStaysOut(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clock := &e2eClock{t: privacyNow}
	a := newApp(t, st, app.Options{Now: clock.Now, Logger: logger, PrivacyEvery: -1})
	res, err := demo.Seed(ctx, st, a.Acceptance, demo.Options{Shipments: 40, Now: privacyNow, Customs: a.Customs})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, keys: map[string]string{}}
	for name, k := range map[string]struct {
		role     auth.Role
		merchant string
	}{"admin": {auth.RoleAdmin, ""}, "merchant": {auth.RoleMerchant, "XMTEA"}, "operator": {auth.RoleOperator, ""}} {
		key, secret, err := auth.NewKey(k.role, k.merchant, "", nil, "privacy test "+name, privacyNow)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		e.keys[name] = secret
	}
	e.handler = newServer(t, a)
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)

	// The flow: a shipment for a person of our own, a refused one, reads
	// by the merchant, the public page of every item, a key made by admin.
	body := validBody()
	body["addressee"] = map[string]any{"name": "Zofia Przybylska-Quist", "address": "ul. Sekretna 13", "city": "Gdańsk", "postcode": "80-001",
		"country": "PL", "email": "zofia.quist@example.pl", "phone": "+48 501 234 567"}
	var sh acceptance.Shipment
	created := e.do("POST", "/v1/shipments", "merchant", body)
	if created.status != 201 {
		t.Fatalf("create shipment: %d %s", created.status, created.body)
	}
	created.json(t, &sh)
	bad := validBody()
	bad["addressee"].(map[string]any)["country"] = "XX"
	bad["addressee"].(map[string]any)["name"] = "Zofia Przybylska-Quist"
	if r := e.do("POST", "/v1/shipments", "merchant", bad); r.status != 422 {
		t.Fatalf("bad shipment: %d", r.status)
	}
	if r := e.do("POST", "/v1/keys", "admin", map[string]any{"role": "operator", "label": "night shift"}); r.status != 201 {
		t.Fatalf("create key: %d %s", r.status, r.body)
	}
	if _, err := a.Tracking.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	all, _, err := st.Shipments(ctx, acceptance.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var pages strings.Builder
	personal := map[string]bool{}
	for _, s := range all {
		if r := e.do("GET", "/v1/shipments/"+s.ID.String(), "admin", nil); r.status != 200 {
			t.Fatalf("shipment %s: %d", s.ID, r.status)
		}
		r := e.do("GET", "/track/"+url.PathEscape(s.ID.String()), "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), s.ID.String()) {
			t.Fatalf("public page of %s: %d, or lacks the id", s.ID, r.status)
		}
		pages.Write(r.body)
		for _, p := range []acceptance.Party{s.Sender, s.Addressee} {
			for _, v := range []string{p.Name, p.Address, p.Email, p.Phone} {
				if len(v) >= 5 {
					personal[v] = true
				}
			}
		}
	}
	if len(all) < 40 || len(personal) < 40 || !personal["Zofia Przybylska-Quist"] || !personal["ul. Sekretna 13"] {
		t.Fatalf("%d shipments, %d personal strings: the flow did not run as meant", len(all), len(personal))
	}
	out := logs.String()
	if strings.Count(out, `"msg":"http"`) < len(all) {
		t.Fatalf("the server logged %d requests; the capture is not working", strings.Count(out, `"msg":"http"`))
	}
	for v := range personal {
		if strings.Contains(out, v) {
			t.Errorf("the logs carry personal data %q", v)
		}
		if strings.Contains(pages.String(), v) {
			t.Errorf("a public tracking page carries personal data %q", v)
		}
	}

	// The audit log: the three mutating calls, with who and from where.
	r := e.do("GET", "/v1/audit?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z", "admin", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("audit export: %d %s", r.status, r.body)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != "seq,at,key_id,role,offices,merchant,partner,via,method,operation,objects,client,status,request_id" {
		t.Fatalf("audit rows = %q, want header and 3 entries", rows)
	}
	if got := rows[1]; got[3] != "merchant" || got[5] != "XMTEA" || got[7] != "api" || got[9] != "create-shipment" ||
		got[11] != "127.0.0.1" || got[12] != "201" || got[1] != "2026-11-20T10:00:00Z" || got[13] == "" {
		t.Errorf("first audit entry = %q", got)
	}
	if rows[2][12] != "422" || rows[3][9] != "create-key" {
		t.Errorf("audit entries 2 and 3 = %q, %q", rows[2], rows[3])
	}
	if r := e.do("GET", "/v1/audit?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z", "operator", nil); r.status != 403 {
		t.Errorf("audit export as operator: %d, want 403", r.status)
	}

	// The export finds the person by e-mail, phone (any spacing) or name;
	// the customs item has no e-mail or phone.
	for q, kinds := range map[string]string{"email=ZOFIA.QUIST@example.pl": "shipment", "phone=%2B48501234567": "shipment",
		"name=zofia+przybylska-quist": "shipment,customs_item", "name=zofia+przybylska-quist&phone=0048+501234567": "shipment"} {
		var ex struct {
			Records []struct {
				Kind, ID string
				As       []string
				Erased   bool
			}
		}
		e.do("GET", "/v1/privacy/export?"+q, "admin", nil).json(t, &ex)
		var got []string
		for _, r := range ex.Records {
			if r.ID != sh.ID.String() || r.As[0] != "addressee" || r.Erased {
				t.Errorf("export %s: %+v, want the shipment's id, as addressee", q, r)
			}
			got = append(got, r.Kind)
		}
		if strings.Join(got, ",") != kinds {
			t.Errorf("export %s found %v, want %s", q, got, kinds)
		}
	}
	if r := e.do("GET", "/v1/privacy/export", "admin", nil); r.status != 422 {
		t.Errorf("export without a person: %d, want 422", r.status)
	}

	// A day later, erasure before a time after every record and event
	// blanks them all; the id, country and weight stay.
	clock.Set(privacyNow.AddDate(0, 0, 1))
	var run struct{ Erased map[string]int }
	e.do("POST", "/v1/privacy/erase", "admin", map[string]any{"before": "2026-11-21T10:00:00Z"}).json(t, &run)
	if run.Erased[string(privacy.Shipments)] != len(all) || run.Erased[string(privacy.CustomsItem)] == 0 || run.Erased[string(privacy.Orders)] == 0 {
		t.Fatalf("erased %v, want all %d shipments and some orders and customs items", run.Erased, len(all))
	}
	if r := e.do("POST", "/v1/privacy/erase", "admin", map[string]any{"before": "2026-11-22T10:00:00Z"}); r.status != 422 {
		t.Errorf("erase before a time after the clock: %d, want 422", r.status)
	}
	var after acceptance.Shipment
	e.do("GET", "/v1/shipments/"+sh.ID.String(), "merchant", nil).json(t, &after)
	if after.Addressee.Name != privacy.Erased || after.Addressee.Email != "" || after.Addressee.Country != "PL" || after.WeightG != 850 {
		t.Errorf("after erasure the addressee is %+v (weight %d)", after.Addressee, after.WeightG)
	}
	if res.Shipments == 0 {
		t.Fatal("the demo seeded no shipments")
	}
	var ex struct{ Records []struct{ Erased bool } }
	e.do("GET", "/v1/privacy/export?email=zofia.quist@example.pl", "admin", nil).json(t, &ex)
	if len(ex.Records) != 0 {
		t.Errorf("after erasure the export still finds %d records by e-mail", len(ex.Records))
	}
}
